//! The quadrant map (`[views.quadrants]` in site.toml): the pages of one collection placed in a
//! grid by two of their fields, with the axis labels of site.toml, drawn as inline SVG.
//!
//! - the whole map: each quadrant linked to its page, with the pages that relate to it (the
//!   `markers` inverse relations, e.g. lessons and cases) as numbered markers, each a link; on a
//!   quadrant's own page that quadrant is highlighted and shows its `page_relations` (its roles);
//! - the small map of a page related to the quadrants: its quadrants highlighted.
//!
//! Every map comes with a text equivalent holding the same links, no element ids (a page may
//! show more than one map) and colours from the theme's CSS custom properties, so it follows the
//! light and dark scheme. The whole map is drawn twice, wide and narrow; CSS shows one.

use super::{Model, PageInfo, page_error};
use crate::config::QuadrantsConfig;
use crate::error::{Diagnostic, Diagnostics, suggestion};
use crate::graph::{Link, Site};
use crate::text::escape_html;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A kind of marker: the pages of one inverse relation of the quadrant pages.
#[derive(Debug, Clone)]
pub struct MarkerKind {
    /// The inverse name on the quadrant pages (`lessen`).
    pub inverse: String,
    /// The short code before the number (`L`).
    pub code: String,
    /// The title of the source collection (`Lessen`).
    pub title: String,
}

/// Survey figures per quadrant.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub title: String,
    pub source: String,
    pub unit: String,
    pub series: Vec<String>,
    /// Quadrant page → one value per series.
    pub values: BTreeMap<usize, Vec<Option<f64>>>,
    /// The largest value, for the bar scale.
    pub max: f64,
}

/// The configured map with the quadrant pages in place.
#[derive(Debug, Clone)]
pub struct Grid {
    pub collection: String,
    pub title: String,
    pub column_labels: Vec<String>,
    pub row_labels: Vec<String>,
    /// `cells[row][column]`: the quadrant page there.
    pub cells: Vec<Vec<Option<usize>>>,
    pub markers: Vec<MarkerKind>,
    /// Inverse names shown in a quadrant on its own page, with their collection titles.
    pub page_relations: Vec<(String, String)>,
    pub overlay: Option<Overlay>,
}

impl Grid {
    /// Place the quadrant pages; a page whose field value is not a configured column or row,
    /// or that shares its cell with another page, is an error naming that page.
    pub fn build(site: &Site, q: &QuadrantsConfig, diags: &mut Diagnostics) -> Option<Grid> {
        let config = &site.config;
        let coll = config.collections.get(&q.collection)?;
        let mut cells = vec![vec![None; q.columns.len()]; q.rows.len()];
        let members = site
            .collections
            .get(&q.collection)
            .cloned()
            .unwrap_or_default();
        for &i in &members {
            let page = &site.nodes[i].page;
            let place = |field: &str, values: &[String], what: &str, key: &str| {
                let value = page.fields.get(field);
                match value {
                    Some(Json::String(v)) if values.contains(v) => {
                        Ok(values.iter().position(|x| x == v).unwrap_or(0))
                    }
                    Some(Json::String(v)) => Err(page_error(
                        site,
                        i,
                        field,
                        format!(
                            "`{field}: {v}` is not a {what} of the quadrant map (views.quadrants.{key} in site.toml: {}){}",
                            values.join(", "),
                            suggestion(v, values.iter().map(String::as_str))
                        ),
                    )),
                    Some(_) => Err(page_error(
                        site,
                        i,
                        field,
                        format!("`{field}` must be one of: {}", values.join(", ")),
                    )),
                    None => Err(page_error(
                        site,
                        i,
                        field,
                        format!(
                            "missing `{field}`: a page of `{}` needs its {what} on the quadrant map ({})",
                            q.collection,
                            values.join(", ")
                        ),
                    )),
                }
            };
            let col = place(&q.column_field, &q.columns, "column", "columns");
            let row = place(&q.row_field, &q.rows, "row", "rows");
            match (col, row) {
                (Ok(c), Ok(r)) => match cells[r][c] {
                    Some(other) => {
                        let other: usize = other;
                        diags.push(page_error(
                            site,
                            i,
                            &q.column_field,
                            format!(
                                "this page and `{}` sit in the same quadrant ({} = {}, {} = {}); each quadrant holds one page",
                                site.nodes[other].page.file,
                                q.column_field,
                                q.columns[c],
                                q.row_field,
                                q.rows[r]
                            ),
                        ))
                    }
                    None => cells[r][c] = Some(i),
                },
                (c, r) => {
                    for d in [c.err(), r.err()].into_iter().flatten() {
                        diags.push(d);
                    }
                }
            }
        }
        let inverse_collection = |inverse: &str| {
            config.collections.iter().find_map(|(name, cc)| {
                cc.relations
                    .values()
                    .any(|r| r.to == q.collection && r.inverse == inverse)
                    .then_some((name.as_str(), cc.title.as_str()))
            })
        };
        let markers = q
            .markers
            .iter()
            .enumerate()
            .filter_map(|(k, inv)| {
                let (_, title) = inverse_collection(inv)?;
                let code = q.marker_codes.get(k).cloned().unwrap_or_else(|| {
                    title
                        .chars()
                        .find(|c| c.is_alphanumeric())
                        .map(|c| c.to_uppercase().collect())
                        .unwrap_or_default()
                });
                Some(MarkerKind {
                    inverse: inv.clone(),
                    code,
                    title: title.to_string(),
                })
            })
            .collect();
        let page_relations = q
            .page_relations
            .iter()
            .filter_map(|inv| Some((inv.clone(), inverse_collection(inv)?.1.to_string())))
            .collect();
        let overlay = q
            .overlay
            .as_ref()
            .and_then(|o| load_overlay(site, o, &members, diags));
        Some(Grid {
            collection: q.collection.clone(),
            title: if q.title.is_empty() {
                coll.title.clone()
            } else {
                q.title.clone()
            },
            column_labels: q.column_labels.clone(),
            row_labels: q.row_labels.clone(),
            cells,
            markers,
            page_relations,
            overlay,
        })
    }

    /// Row and column of a quadrant page.
    pub fn position(&self, page: usize) -> Option<(usize, usize)> {
        self.cells.iter().enumerate().find_map(|(r, row)| {
            row.iter()
                .position(|&c| c == Some(page))
                .map(|col| (r, col))
        })
    }

    /// `linksboven` in a 2×2 map, else `kolom 2, rij 1`.
    pub fn place_name(&self, row: usize, col: usize) -> String {
        if self.cells.len() == 2 && self.column_labels.len() == 2 {
            format!(
                "{}{}",
                ["links", "rechts"][col.min(1)],
                ["boven", "onder"][row.min(1)]
            )
        } else {
            format!("kolom {}, rij {}", col + 1, row + 1)
        }
    }
}

/// The overlay figures: the CSV row whose label starts with each quadrant's title.
fn load_overlay(
    site: &Site,
    o: &crate::config::OverlayConfig,
    members: &[usize],
    diags: &mut Diagnostics,
) -> Option<Overlay> {
    let config_error = |msg: String| Diagnostic::error(crate::config::CONFIG_FILE, 0, 0, msg);
    let want = format!(
        "{}/{}",
        crate::content::DATA_DIR,
        o.data.trim_start_matches('/')
    );
    let Some(asset) = site.assets.iter().find(|a| a.path == want) else {
        diags.push(config_error(format!(
            "views.quadrants.overlay: no data file `content/{want}`"
        )));
        return None;
    };
    let depth = std::path::Path::new(&o.data).components().count();
    let data_dir = asset.source.ancestors().nth(depth)?;
    let spec = super::chart::Spec {
        data: o.data.clone(),
        kind: super::chart::Kind::Bar,
        title: o.title.clone(),
        unit: o.unit.clone(),
        source: o.source.clone(),
        columns: Vec::new(),
    };
    let table = match super::chart::load_table(&spec, data_dir) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(config_error(format!("views.quadrants.overlay: {msg}")));
            return None;
        }
    };
    let mut values = BTreeMap::new();
    for &i in members {
        let title = crate::text::fold(&site.nodes[i].page.title);
        match table
            .rows
            .iter()
            .find(|(label, _)| crate::text::fold(label).starts_with(&title))
        {
            Some((_, v)) => {
                values.insert(i, v.clone());
            }
            None => diags.push(config_error(format!(
                "views.quadrants.overlay: no row of `{}` starts with the title of quadrant `{}`",
                o.data, site.nodes[i].page.title
            ))),
        }
    }
    let max = values
        .values()
        .flatten()
        .flatten()
        .fold(0.0f64, |a, &b| a.max(b));
    Some(Overlay {
        title: o.title.clone(),
        source: o.source.clone(),
        unit: o.unit.clone(),
        series: table.series,
        values,
        max: if o.unit == "%" { max.max(100.0) } else { max },
    })
}

/// What `quadrant_map(page=…)` shows for a page: see the module documentation.
pub fn for_page(model: &Model, page: Option<&str>) -> Result<String, String> {
    let Some(grid) = &model.grid else {
        return Ok(String::new());
    };
    let Some(url) = page else {
        return Ok(full_map(model, grid, None));
    };
    let i = model
        .page_by_url(url)
        .ok_or_else(|| format!("quadrant_map(): no page has the URL `{url}`"))?;
    let p = &model.pages[i];
    if p.kind == crate::content::PageKind::Home {
        return Ok(full_map(model, grid, None));
    }
    if p.collection.as_deref() == Some(grid.collection.as_str()) {
        return Ok(match grid.position(i) {
            Some(_) => full_map(model, grid, Some(i)),
            None if p.kind == crate::content::PageKind::Section => full_map(model, grid, None),
            None => String::new(),
        });
    }
    let config = model.config().ok_or("quadrant_map(): no configuration")?;
    let relations = p
        .collection
        .as_deref()
        .and_then(|c| config.collections.get(c));
    let mut mine: Vec<usize> = Vec::new();
    for (name, links) in &p.relations {
        let to_quadrants = relations
            .and_then(|cc| cc.relations.get(name))
            .is_some_and(|r| r.to == grid.collection);
        if to_quadrants {
            mine.extend(links.iter().map(|l| l.node));
        }
    }
    if mine.is_empty() {
        return Ok(String::new());
    }
    Ok(small_map(model, grid, &mine))
}

// ---------------------------------------------------------------------------------------------
// Drawing

/// Sizes of one drawing of the map, in viewBox units.
struct Geometry {
    width: f64,
    gap: f64,
    pad: f64,
    title: f64,
    label: f64,
    marker_r: f64,
    pitch: f64,
    code: f64,
    min_cell: f64,
    /// Lines a rotated row label may take.
    row_lines: f64,
}

const WIDE: Geometry = Geometry {
    width: 600.0,
    gap: 8.0,
    pad: 12.0,
    title: 18.0,
    label: 14.0,
    marker_r: 15.0,
    pitch: 35.0,
    code: 12.5,
    min_cell: 150.0,
    row_lines: 2.0,
};

const NARROW: Geometry = Geometry {
    width: 330.0,
    gap: 6.0,
    pad: 8.0,
    title: 14.0,
    label: 12.0,
    marker_r: 13.0,
    pitch: 31.0,
    code: 11.0,
    min_cell: 120.0,
    row_lines: 2.0,
};

const SMALL: Geometry = Geometry {
    width: 320.0,
    gap: 5.0,
    pad: 6.0,
    title: 12.5,
    label: 10.5,
    marker_r: 0.0,
    pitch: 0.0,
    code: 0.0,
    min_cell: 60.0,
    row_lines: 3.0,
};

/// The height of an overlay bar.
const OVERLAY_BAR: f64 = 7.0;

/// A number for an SVG attribute: one decimal, none when whole.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

/// An estimate of the width of a text in the theme's sans-serif font.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().count() as f64 * size * if bold { 0.72 } else { 0.62 }
}

/// Split a text into lines that fit `width` at `size`, at spaces.
fn wrap(text: &str, width: f64, size: f64, bold: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && text_width(&candidate, size, bold) > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// `<text>` with one `<tspan>` a line.
fn text_lines(
    out: &mut String,
    class: &str,
    size: Option<f64>,
    (x, y): (f64, f64),
    line_height: f64,
    anchor: &str,
    lines: &[String],
) {
    let _ = write!(
        out,
        "<text class=\"{class}\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\"{}>",
        n(x),
        n(y),
        size.map_or(String::new(), |s| format!(" font-size=\"{}\"", n(s)))
    );
    for (k, line) in lines.iter().enumerate() {
        let _ = write!(
            out,
            "<tspan class=\"qm-line\" x=\"{}\" dy=\"{}\">{}</tspan>{}",
            n(x),
            if k == 0 { "0".into() } else { n(line_height) },
            escape_html(line),
            // A space between lines, outside the underlined line, so the text reads as words
            // (and matches the link's name).
            if k + 1 < lines.len() {
                "<tspan> </tspan>"
            } else {
                ""
            }
        );
    }
    out.push_str("</text>");
}

/// The two rectangles of a focus ring (dark outside, yellow inside), shown by CSS on focus.
/// The width of the widest of `lines` in bold at `size`.
fn widest(lines: &[String], size: f64) -> f64 {
    lines
        .iter()
        .map(|l| text_width(l, size, true))
        .fold(0.0, f64::max)
}

/// A quadrant's title as a focusable link to its page, with a focus ring; the wide and the
/// small map place it differently.
struct TitleLink<'a> {
    page: &'a PageInfo,
    /// Appended to the link's accessible name.
    label_end: &'a str,
    /// The link leads to the page it is on.
    current: bool,
    /// The focus ring: x, y, width, height.
    ring: (f64, f64, f64, f64),
    lines: &'a [String],
    size: f64,
    line_height: f64,
    at: (f64, f64),
    anchor: &'a str,
}

impl TitleLink<'_> {
    fn draw(&self, out: &mut String) {
        let _ = write!(
            out,
            "<a class=\"qm-title-link\" href=\"{}\" aria-label=\"{}{}\"{}>",
            escape_html(&self.page.url),
            escape_html(&self.page.title),
            self.label_end,
            if self.current {
                " aria-current=\"page\""
            } else {
                ""
            },
        );
        let (x, y, w, h) = self.ring;
        focus_rect(out, x, y, w, h);
        text_lines(
            out,
            "qm-title",
            Some(self.size),
            self.at,
            self.line_height,
            self.anchor,
            self.lines,
        );
        out.push_str("</a>");
    }
}

fn focus_rect(out: &mut String, x: f64, y: f64, w: f64, h: f64) {
    for class in ["qm-ring-outer", "qm-ring-inner"] {
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\"/>",
            n(x),
            n(y),
            n(w),
            n(h)
        );
    }
}

/// A marker's shape, by kind: a disc, a square, a diamond, then the same again.
fn marker_shape(out: &mut String, kind: usize, cx: f64, cy: f64, r: f64, class: &str) {
    match kind % 3 {
        0 => {
            let _ = write!(
                out,
                "<circle class=\"{class}\" cx=\"{}\" cy=\"{}\" r=\"{}\"/>",
                n(cx),
                n(cy),
                n(r)
            );
        }
        1 => {
            let s = r * 0.95;
            let _ = write!(
                out,
                "<rect class=\"{class}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\"/>",
                n(cx - s),
                n(cy - s),
                n(2.0 * s),
                n(2.0 * s)
            );
        }
        _ => {
            let s = r * 1.15;
            let _ = write!(
                out,
                "<polygon class=\"{class}\" points=\"{},{} {},{} {},{} {},{}\"/>",
                n(cx),
                n(cy - s),
                n(cx + s),
                n(cy),
                n(cx),
                n(cy + s),
                n(cx - s),
                n(cy)
            );
        }
    }
}

/// One marker: its link, focus ring, shape and code.
struct Marker {
    kind: usize,
    code: String,
    title: String,
    url: String,
}

/// The markers of a quadrant, grouped by kind, in collection order.
fn markers_of(model: &Model, grid: &Grid, q: usize) -> Vec<Vec<Marker>> {
    grid.markers
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let links: &[Link] = model.pages[q]
                .inverse
                .get(&kind.inverse)
                .map_or(&[], Vec::as_slice);
            model
                .sorted_links(links)
                .into_iter()
                .map(|l| {
                    let p = &model.pages[l.node];
                    Marker {
                        kind: k,
                        code: format!("{}{}", kind.code, model.number_in_collection(l.node)),
                        title: p.title.clone(),
                        url: p.url.clone(),
                    }
                })
                .collect()
        })
        .collect()
}

/// The pages of the `page_relations` of a quadrant: (collection title, pages).
fn page_relations_of<'a>(
    model: &'a Model,
    grid: &'a Grid,
    q: usize,
) -> Vec<(&'a str, Vec<&'a super::PageInfo>)> {
    grid.page_relations
        .iter()
        .filter_map(|(inv, title)| {
            let links = model.pages[q].inverse.get(inv)?;
            let pages: Vec<&super::PageInfo> = model
                .sorted_links(links)
                .into_iter()
                .map(|l| &model.pages[l.node])
                .collect();
            (!pages.is_empty()).then_some((title.as_str(), pages))
        })
        .collect()
}

/// The axis labels: columns above the grid, rows rotated to its left. Returns (left, top).
fn axes(out: &mut String, grid: &Grid, g: &Geometry, cell_w: f64, row_h: &[f64]) {
    let lh = g.label * 1.25;
    let (left, top) = margins(grid, g, cell_w);
    out.push_str("<g class=\"qm-axes\">");
    for (c, label) in grid.column_labels.iter().enumerate() {
        let lines = wrap(label, cell_w - 8.0, g.label, false);
        let x = left + c as f64 * (cell_w + g.gap) + cell_w / 2.0;
        let y = top - 12.0 - (lines.len() as f64 - 1.0) * lh;
        text_lines(out, "qm-axis-label", None, (x, y), lh, "middle", &lines);
    }
    let right = left + grid.column_labels.len() as f64 * (cell_w + g.gap) - g.gap;
    let _ = write!(
        out,
        "<line class=\"qm-axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n(left),
        n(top - 5.0),
        n(right),
        n(top - 5.0)
    );
    let mut y = top;
    for (r, label) in grid.row_labels.iter().enumerate() {
        let h = row_h[r];
        let lines = wrap(label, h - 10.0, g.label, false);
        let cx = left - 12.0 - (lines.len() as f64 - 1.0) * lh;
        let cy = y + h / 2.0;
        let _ = write!(
            out,
            "<g transform=\"translate({} {}) rotate(-90)\">",
            n(cx),
            n(cy)
        );
        text_lines(out, "qm-axis-label", None, (0.0, 0.0), lh, "middle", &lines);
        out.push_str("</g>");
        y += h + g.gap;
    }
    let _ = write!(
        out,
        "<line class=\"qm-axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        n(left - 5.0),
        n(top),
        n(left - 5.0),
        n(y - g.gap)
    );
    out.push_str("</g>");
}

/// Room for the axis labels: the row labels at the left, the column labels on top.
fn margins(grid: &Grid, g: &Geometry, cell_w: f64) -> (f64, f64) {
    let lh = g.label * 1.25;
    let col_lines = grid
        .column_labels
        .iter()
        .map(|l| wrap(l, cell_w - 8.0, g.label, false).len())
        .max()
        .unwrap_or(1) as f64;
    (g.row_lines * lh + 14.0, col_lines * lh + 14.0)
}

fn cell_width(grid: &Grid, g: &Geometry) -> f64 {
    let cols = grid.column_labels.len().max(1) as f64;
    let left = g.row_lines * g.label * 1.25 + 14.0;
    (g.width - left - 2.0 - g.gap * (cols - 1.0)) / cols
}

/// The least row height that fits every rotated row label on its lines.
fn row_min(grid: &Grid, g: &Geometry) -> f64 {
    let fits = |h: f64| {
        grid.row_labels
            .iter()
            .all(|l| wrap(l, h - 10.0, g.label, false).len() as f64 <= g.row_lines)
    };
    let mut h = g.min_cell;
    while !fits(h) && h < 2000.0 {
        h += 4.0;
    }
    h
}

/// The tick on the top right corner of a highlighted quadrant (its link says so in words).
fn tick(out: &mut String, x: f64, y: f64, r: f64) {
    let _ = write!(
        out,
        "<g class=\"qm-tick\" aria-hidden=\"true\"><circle cx=\"{}\" cy=\"{}\" r=\"{}\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\">✓</text></g>",
        n(x),
        n(y),
        n(r),
        n(x),
        n(y + r * 0.45)
    );
}

/// The title size of a map: the theme's, or less when a word of a title would not fit a cell.
fn title_size(model: &Model, grid: &Grid, width: f64, size: f64) -> f64 {
    grid.cells
        .iter()
        .flatten()
        .flatten()
        .flat_map(|&q| model.pages[q].title.split_whitespace())
        .map(|word| width / text_width(word, 1.0, true))
        .fold(size, f64::min)
        .max(8.0)
}

/// One drawing of the whole map (wide or narrow).
fn full_svg(
    model: &Model,
    grid: &Grid,
    current: Option<usize>,
    g: &Geometry,
    class: &str,
) -> String {
    let cell_w = cell_width(grid, g);
    let inner = cell_w - 2.0 * g.pad;
    let ts = title_size(model, grid, inner, g.title);
    let title_lh = ts * 1.2;
    let line_lh = g.label * 1.45;
    let per_row = (((inner + g.pitch - 2.0 * g.marker_r) / g.pitch).floor() as usize).max(1);
    let overlay_h = grid.overlay.as_ref().map_or(0.0, |o| {
        o.series.len() as f64 * (line_lh + OVERLAY_BAR + 4.0)
    });
    // Content height of every cell, then the height of every row.
    let content_h = |q: usize| {
        let mut h = g.pad + title_lines(model, grid, q, current, inner, ts).len() as f64 * title_lh;
        if current == Some(q) {
            for (_, pages) in page_relations_of(model, grid, q) {
                h += (1 + pages.len()) as f64 * line_lh;
            }
        }
        h += 6.0 + overlay_h;
        for group in markers_of(model, grid, q) {
            if !group.is_empty() {
                h += group.len().div_ceil(per_row) as f64 * g.pitch;
            }
        }
        h + g.pad
    };
    let min_h = row_min(grid, g);
    let row_h: Vec<f64> = grid
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .flatten()
                .map(|&q| content_h(q))
                .fold(min_h, f64::max)
        })
        .collect();
    let (left, top) = margins(grid, g, cell_w);
    let height = top + row_h.iter().sum::<f64>() + g.gap * (row_h.len() as f64 - 1.0) + 2.0;
    let mut out = String::new();
    let _ = write!(
        out,
        "<svg class=\"qm-svg {class}\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-label=\"{}\">",
        n(g.width),
        n(height),
        escape_html(&grid.title)
    );
    axes(&mut out, grid, g, cell_w, &row_h);
    let mut y = top;
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let x = left + c as f64 * (cell_w + g.gap);
            let Some(q) = *cell else {
                let _ = write!(
                    out,
                    "<rect class=\"qm-cell qm-empty\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
                    n(x),
                    n(y),
                    n(cell_w),
                    n(row_h[r])
                );
                continue;
            };
            let is_current = current == Some(q);
            let page = &model.pages[q];
            let _ = write!(
                out,
                "<g class=\"qm-quadrant{}\" data-quadrant=\"{}\">",
                if is_current { " is-current" } else { "" },
                escape_html(&page.slug)
            );
            let _ = write!(
                out,
                "<rect class=\"qm-cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"6\"/>",
                n(x),
                n(y),
                n(cell_w),
                n(row_h[r])
            );
            if is_current {
                tick(&mut out, x + cell_w - 18.0, y + 1.0, 9.0);
            }
            // The quadrant's title, a link to its page.
            let lines = title_lines(model, grid, q, current, inner, ts);
            let text_w = widest(&lines, ts).min(inner);
            let mut cy = y + g.pad + ts * 0.95;
            TitleLink {
                page,
                label_end: "",
                current: is_current,
                ring: (
                    x + g.pad - 4.0,
                    y + g.pad - 4.0,
                    text_w + 8.0,
                    lines.len() as f64 * title_lh + 6.0,
                ),
                lines: &lines,
                size: ts,
                line_height: title_lh,
                at: (x + g.pad, cy),
                anchor: "start",
            }
            .draw(&mut out);
            cy += (lines.len() as f64 - 1.0) * title_lh;
            // On its own page: the quadrant's roles.
            if is_current {
                for (title, pages) in page_relations_of(model, grid, q) {
                    cy += line_lh;
                    let _ = write!(
                        out,
                        "<text class=\"qm-group-label\" x=\"{}\" y=\"{}\">{}</text>",
                        n(x + g.pad),
                        n(cy),
                        escape_html(title)
                    );
                    for p in pages {
                        cy += line_lh;
                        let w = text_width(&p.title, g.label, true).min(inner);
                        let _ = write!(
                            out,
                            "<a class=\"qm-related-link\" href=\"{}\" aria-label=\"{}: {}\">",
                            escape_html(&p.url),
                            escape_html(title),
                            escape_html(&p.title)
                        );
                        focus_rect(
                            &mut out,
                            x + g.pad - 3.0,
                            cy - g.label,
                            w + 6.0,
                            g.label * 1.4,
                        );
                        let _ = write!(
                            out,
                            "<text class=\"qm-related\" x=\"{}\" y=\"{}\">{}</text></a>",
                            n(x + g.pad),
                            n(cy),
                            escape_html(&p.title)
                        );
                    }
                }
            }
            cy += 6.0;
            // The survey figures, as labelled bars.
            if let Some(o) = &grid.overlay
                && let Some(values) = o.values.get(&q)
            {
                let _ = write!(out, "<g class=\"qm-overlay\">");
                for (k, (series, v)) in o.series.iter().zip(values).enumerate() {
                    cy += line_lh;
                    let value = v.map_or("–".to_string(), |v| {
                        format!("{}{}", super::chart_number(v), o.unit)
                    });
                    let _ = write!(
                        out,
                        "<text class=\"qm-overlay-label\" x=\"{}\" y=\"{}\">{} <tspan class=\"qm-overlay-value\">{}</tspan></text>",
                        n(x + g.pad),
                        n(cy),
                        escape_html(series),
                        escape_html(&value)
                    );
                    if let Some(v) = v {
                        let w = if o.max > 0.0 { inner * v / o.max } else { 0.0 };
                        let _ = write!(
                            out,
                            "<rect class=\"qm-bar qm-bar-{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>",
                            k % 4,
                            n(x + g.pad),
                            n(cy + 4.0),
                            n(w.max(1.0)),
                            n(OVERLAY_BAR)
                        );
                    }
                    cy += OVERLAY_BAR + 4.0;
                }
                out.push_str("</g>");
            }
            // The markers, a row of each kind.
            let mut my = cy + 4.0 + g.pitch / 2.0;
            for group in markers_of(model, grid, q) {
                if group.is_empty() {
                    continue;
                }
                for (k, m) in group.iter().enumerate() {
                    let mx = x + g.pad + g.marker_r + (k % per_row) as f64 * g.pitch;
                    let row_y = my + (k / per_row) as f64 * g.pitch;
                    let name = format!("{} {}", m.code, m.title);
                    let _ = write!(
                        out,
                        "<a class=\"qm-marker qm-kind-{}\" href=\"{}\" aria-label=\"{}\">",
                        m.kind % 3,
                        escape_html(&m.url),
                        escape_html(&name)
                    );
                    marker_shape(
                        &mut out,
                        m.kind,
                        mx,
                        row_y,
                        g.marker_r + 5.0,
                        "qm-ring-outer",
                    );
                    marker_shape(
                        &mut out,
                        m.kind,
                        mx,
                        row_y,
                        g.marker_r + 5.0,
                        "qm-ring-inner",
                    );
                    marker_shape(&mut out, m.kind, mx, row_y, g.marker_r, "qm-shape");
                    let _ = write!(
                        out,
                        "<text class=\"qm-code\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text></a>",
                        n(mx),
                        n(row_y + g.code * 0.36),
                        escape_html(&m.code)
                    );
                }
                my += group.len().div_ceil(per_row) as f64 * g.pitch;
            }
            out.push_str("</g>");
        }
        y += row_h[r] + g.gap;
    }
    out.push_str("</svg>");
    out
}

fn title_lines(
    model: &Model,
    grid: &Grid,
    q: usize,
    current: Option<usize>,
    inner: f64,
    ts: f64,
) -> Vec<String> {
    let _ = (grid, current);
    wrap(&model.pages[q].title, inner, ts, true)
}

/// The whole map: two drawings and the text equivalent, in a figure.
fn full_map(model: &Model, grid: &Grid, current: Option<usize>) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<figure class=\"qm qm-full{}\">\n<figcaption class=\"qm-caption\">{}",
        if current.is_some() {
            " qm-has-current"
        } else {
            ""
        },
        escape_html(&grid.title)
    );
    // The legend: what the markers are.
    if !grid.markers.is_empty() {
        out.push_str("<span class=\"qm-legend\">");
        let shapes = ["rond", "vierkant", "ruit"];
        let parts: Vec<String> = grid
            .markers
            .iter()
            .enumerate()
            .map(|(k, m)| {
                format!(
                    "<span class=\"qm-legend-item\"><span class=\"qm-legend-code qm-kind-{}\">{}</span> {} ({})</span>",
                    k % 3,
                    escape_html(&m.code),
                    escape_html(&m.title),
                    shapes[k % 3]
                )
            })
            .collect();
        out.push_str(&parts.join(" "));
        out.push_str("</span>");
    }
    if let Some(o) = &grid.overlay {
        let _ = write!(
            out,
            "<span class=\"qm-legend-overlay\">Balkjes: {}{}{}.</span>",
            escape_html(&o.title),
            if o.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", escape_html(&o.unit))
            },
            if o.source.is_empty() {
                String::new()
            } else {
                format!(", {}", escape_html(&o.source))
            }
        );
    }
    out.push_str("</figcaption>\n");
    out.push_str(&full_svg(model, grid, current, &WIDE, "qm-svg-wide"));
    out.push('\n');
    out.push_str(&full_svg(model, grid, current, &NARROW, "qm-svg-narrow"));
    out.push('\n');
    out.push_str(&full_text(model, grid, current));
    out.push_str("</figure>\n");
    out
}

/// The text equivalent of the whole map: per quadrant its link, place, figures and markers.
fn full_text(model: &Model, grid: &Grid, current: Option<usize>) -> String {
    let mut out = String::from(
        "<details class=\"qm-text\" open=\"\">\n<summary>De kaart als lijst</summary>\n<ul class=\"qm-text-list\">\n",
    );
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let Some(q) = *cell else { continue };
            let page = &model.pages[q];
            let is_current = current == Some(q);
            let _ = writeln!(
                out,
                "<li class=\"qm-text-quadrant{}\" data-quadrant=\"{}\"><p class=\"qm-text-title\"><a href=\"{}\"{}>{}</a>{} <span class=\"qm-where\">{}: {}, {}</span></p>",
                if is_current { " is-current" } else { "" },
                escape_html(&page.slug),
                escape_html(&page.url),
                if is_current {
                    " aria-current=\"page\""
                } else {
                    ""
                },
                escape_html(&page.title),
                if is_current { " (deze pagina)" } else { "" },
                grid.place_name(r, c),
                escape_html(&grid.column_labels[c]),
                escape_html(&lower_first(&grid.row_labels[r]))
            );
            if let Some(o) = &grid.overlay
                && let Some(values) = o.values.get(&q)
            {
                let figures: Vec<String> = o
                    .series
                    .iter()
                    .zip(values)
                    .filter_map(|(s, v)| {
                        Some(format!(
                            "{} {}{}",
                            escape_html(s),
                            escape_html(&super::chart_number((*v)?)),
                            escape_html(&o.unit)
                        ))
                    })
                    .collect();
                let _ = writeln!(
                    out,
                    "<p class=\"qm-text-overlay\">{}{}: {}</p>",
                    escape_html(&o.title),
                    if o.source.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", escape_html(&o.source))
                    },
                    figures.join(", ")
                );
            }
            if is_current {
                for (title, pages) in page_relations_of(model, grid, q) {
                    let links: Vec<String> = pages
                        .iter()
                        .map(|p| {
                            format!(
                                "<a href=\"{}\">{}</a>",
                                escape_html(&p.url),
                                escape_html(&p.title)
                            )
                        })
                        .collect();
                    let _ = writeln!(
                        out,
                        "<p class=\"qm-text-related\">{}: {}</p>",
                        escape_html(title),
                        links.join(", ")
                    );
                }
            }
            for (k, group) in markers_of(model, grid, q).into_iter().enumerate() {
                if group.is_empty() {
                    continue;
                }
                let _ = writeln!(
                    out,
                    "<p class=\"qm-text-group\">{}</p>\n<ul class=\"qm-text-markers\">",
                    escape_html(&grid.markers[k].title)
                );
                for m in group {
                    let _ = writeln!(
                        out,
                        "<li><span class=\"qm-legend-code qm-kind-{}\">{}</span> <a href=\"{}\">{}</a></li>",
                        m.kind % 3,
                        escape_html(&m.code),
                        escape_html(&m.url),
                        escape_html(&m.title)
                    );
                }
                out.push_str("</ul>\n");
            }
            out.push_str("</li>\n");
        }
    }
    out.push_str("</ul>\n</details>\n");
    out
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The small map of a page related to the quadrants: its quadrants highlighted and ticked.
fn small_map(model: &Model, grid: &Grid, mine: &[usize]) -> String {
    let g = &SMALL;
    let cell_w = cell_width(grid, g);
    let inner = cell_w - 2.0 * g.pad;
    let ts = title_size(model, grid, inner, g.title);
    let title_lh = ts * 1.2;
    let lines_of = |q: usize| wrap(&model.pages[q].title, inner, ts, true);
    let min_h = row_min(grid, g);
    let row_h: Vec<f64> = grid
        .cells
        .iter()
        .map(|row| {
            row.iter()
                .flatten()
                .map(|&q| 2.0 * g.pad + lines_of(q).len() as f64 * title_lh)
                .fold(min_h, f64::max)
        })
        .collect();
    let (left, top) = margins(grid, g, cell_w);
    let height = top + row_h.iter().sum::<f64>() + g.gap * (row_h.len() as f64 - 1.0) + 2.0;
    let mut out = String::from("<figure class=\"qm qm-small\">\n");
    let _ = writeln!(
        out,
        "<figcaption class=\"qm-caption\">{} <span class=\"qm-legend\">(✓ = hoort bij deze pagina)</span></figcaption>",
        escape_html(&grid.title)
    );
    let _ = write!(
        out,
        "<svg class=\"qm-svg qm-svg-small\" viewBox=\"0 0 {} {}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"group\" aria-label=\"{}\">",
        n(g.width),
        n(height),
        escape_html(&grid.title)
    );
    axes(&mut out, grid, g, cell_w, &row_h);
    let mut y = top;
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let x = left + c as f64 * (cell_w + g.gap);
            let Some(q) = *cell else { continue };
            let is_mine = mine.contains(&q);
            let page = &model.pages[q];
            let lines = lines_of(q);
            let text_h = lines.len() as f64 * title_lh;
            let _ = write!(
                out,
                "<g class=\"qm-quadrant{}\" data-quadrant=\"{}\"><rect class=\"qm-cell\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"5\"/>",
                if is_mine { " is-current" } else { "" },
                escape_html(&page.slug),
                n(x),
                n(y),
                n(cell_w),
                n(row_h[r])
            );
            if is_mine {
                tick(&mut out, x + 12.0, y + 12.0, 8.0);
            }
            let text_w = widest(&lines, ts).min(inner);
            let cx = x + cell_w / 2.0;
            let ty = y + (row_h[r] - text_h) / 2.0;
            TitleLink {
                page,
                label_end: if is_mine {
                    " (hoort bij deze pagina)"
                } else {
                    ""
                },
                current: false,
                ring: (
                    cx - text_w / 2.0 - 4.0,
                    ty - 3.0,
                    text_w + 8.0,
                    text_h + 6.0,
                ),
                lines: &lines,
                size: ts,
                line_height: title_lh,
                at: (cx, ty + ts * 0.95),
                anchor: "middle",
            }
            .draw(&mut out);
            out.push_str("</g>");
        }
        y += row_h[r] + g.gap;
    }
    out.push_str("</svg>\n<ul class=\"qm-list\">\n");
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let Some(q) = *cell else { continue };
            let page = &model.pages[q];
            let is_mine = mine.contains(&q);
            let _ = writeln!(
                out,
                "<li class=\"qm-list-item{}\" data-quadrant=\"{}\">{}<a href=\"{}\">{}</a> <span class=\"qm-where\">({})</span>{}</li>",
                if is_mine { " is-current" } else { "" },
                escape_html(&page.slug),
                if is_mine {
                    "<span class=\"qm-mine\" aria-hidden=\"true\">✓ </span>"
                } else {
                    ""
                },
                escape_html(&page.url),
                escape_html(&page.title),
                grid.place_name(r, c),
                if is_mine {
                    "<span class=\"visually-hidden\"> – hoort bij deze pagina</span>"
                } else {
                    ""
                }
            );
        }
    }
    out.push_str("</ul>\n</figure>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let lines = wrap("Vanuit resultaten naar randvoorwaarden", 150.0, 12.0, false);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "Vanuit resultaten naar randvoorwaarden");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
    }
}
