//! Views computed from content and configuration at build time, as HTML and SVG that need no
//! JavaScript: survey charts from CSV data.

pub mod chart;
