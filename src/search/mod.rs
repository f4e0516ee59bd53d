//! Stage 5: search. A tantivy index of every page, built at build time with the Dutch
//! [`analyzer`], turned into a [`SearchModel`]: the vocabulary of folded surface words, and for
//! every index term the pages it occurs in with their BM25 impact as tantivy scores it. The
//! model answers `kennisbank search` and `serve`'s `/_search` ([`query`]), and is exported in
//! chunks for the browser ([`export`]), whose client runs the same query algorithm on the same
//! numbers, so both rank alike.

pub mod analyzer;
pub mod export;
pub mod index;
pub mod offline;
pub mod query;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Multiplier of tantivy's float scores into the integer impacts both clients add up.
pub const IMPACT_SCALE: f32 = 1000.0;
/// Sections beyond this share the last bit of a posting's section mask.
pub const MAX_SECTIONS: usize = 32;

/// A searchable page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageDoc {
    pub title: String,
    /// Site path without the base path: `guides/x/`.
    pub path: String,
    pub collection: Option<String>,
    pub summary: String,
    /// Section 0 is the top of the page; the others are its `h2`/`h3` sections.
    pub sections: Vec<SectionDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SectionDoc {
    pub anchor: Option<String>,
    pub heading: String,
    pub text: String,
}

/// One page an index term occurs in.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Posting {
    pub page: u32,
    /// Σ over fields of boost × BM25, times [`IMPACT_SCALE`], rounded.
    pub impact: u32,
    /// Bit `s` set when the term occurs in section `s` (the last bit for every section from 31 on).
    pub mask: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermPostings {
    pub term: String,
    /// Sorted by page.
    pub postings: Vec<Posting>,
}

/// A facet value: the field it belongs to, its value and its label.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FacetValue {
    pub field: usize,
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SearchModel {
    pub pages: Vec<PageDoc>,
    /// Folded surface word → its terms: its own first, then those of its compound parts.
    /// Empty for stop words.
    pub vocabulary: BTreeMap<String, Vec<u32>>,
    pub terms: Vec<TermPostings>,
    /// Facet field names (`collection`, `topics`, …) and their labels.
    pub facet_fields: Vec<(String, String)>,
    pub facet_values: Vec<FacetValue>,
    /// For each page, the indexes of its facet values.
    pub page_facets: Vec<Vec<u32>>,
}

impl PageDoc {
    /// The text an excerpt of section `i` is cut from: the section's text, or the page's summary
    /// where the section has none (a title match sits in section 0, which may be empty).
    pub fn excerpt_source(&self, i: usize) -> &str {
        self.sections
            .get(i)
            .map(|s| s.text.as_str())
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(&self.summary)
    }
}

impl SearchModel {
    /// The term a surface word is indexed under, if it is known and not a stop word.
    pub fn term_id(&self, word: &str) -> Option<u32> {
        self.vocabulary.get(word).and_then(|t| t.first().copied())
    }

    pub fn doc_freq(&self, term: u32) -> usize {
        self.terms[term as usize].postings.len()
    }

    pub fn impact(&self, term: u32, page: u32) -> Option<Posting> {
        let postings = &self.terms[term as usize].postings;
        postings
            .binary_search_by_key(&page, |p| p.page)
            .ok()
            .map(|i| postings[i])
    }

    pub fn facet_value(&self, field: &str, value: &str) -> Option<u32> {
        self.facet_values
            .iter()
            .position(|f| self.facet_fields[f.field].0 == field && f.value == value)
            .map(|i| i as u32)
    }
}

/// The shard a surface word lives in: its first three characters (or fewer, for short words).
/// Must stay identical to `shardKey()` in `search.js`.
pub fn shard_key(word: &str) -> String {
    word.chars().take(3).collect()
}

/// The file name of a shard key: `a-z` and `0-9` as they are, anything else as `_` + hex code.
pub fn shard_file(key: &str) -> String {
    let mut out = String::new();
    for c in key.chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}", c as u32));
        }
    }
    out
}

/// The answer to a query as `kennisbank search --json` and `/_search` give it.
pub fn answer(
    model: &SearchModel,
    config: &crate::config::Config,
    q: &str,
    filters: &[u32],
    limit: usize,
) -> serde_json::Value {
    let results = query::search(model, q, filters);
    let term_set: std::collections::HashSet<u32> = results
        .words
        .iter()
        .flat_map(|w| w.terms.iter().map(|(t, _)| *t))
        .collect();
    let forms: Vec<String> = model
        .vocabulary
        .iter()
        .filter(|(_, terms)| terms.iter().any(|t| term_set.contains(t)))
        .map(|(w, _)| w.clone())
        .collect();
    let items: Vec<serde_json::Value> = results
        .hits
        .iter()
        .take(limit)
        .map(|h| {
            let page = &model.pages[h.page as usize];
            let section = page.sections.get(h.section);
            let anchor = section.and_then(|s| s.anchor.as_deref());
            let text = page.excerpt_source(h.section);
            let (excerpt, marks) = query::excerpt(text, &forms, 180);
            let url =
                config.site_url(&page.path) + &anchor.map(|a| format!("#{a}")).unwrap_or_default();
            serde_json::json!({
                "url": url,
                "title": page.title,
                "heading": section.map(|s| s.heading.as_str()).filter(|h| !h.is_empty()),
                "collection": page.collection,
                "score": h.score as f64 / (f64::from(IMPACT_SCALE) * query::EXACT as f64),
                "excerpt": excerpt,
                "marks": marks,
            })
        })
        .collect();
    serde_json::json!({
        "query": q,
        "total": results.hits.len(),
        "partial": results.partial,
        "results": items,
    })
}

/// A facet value no page has: a filter on it keeps nothing.
pub const NO_PAGE: u32 = u32::MAX;

/// Facet filters written `field=value` as facet value indexes ([`NO_PAGE`] for a value no page
/// has), or what is wrong with one (not `field=value`, or an unknown field).
pub fn parse_filters(model: &SearchModel, filters: &[String]) -> Result<Vec<u32>, String> {
    filters
        .iter()
        .map(|f| {
            let (field, value) = f.split_once('=').ok_or_else(|| {
                format!("filter `{f}` must be written FIELD=VALUE, e.g. topics=water")
            })?;
            if !model.facet_fields.iter().any(|(n, _)| n == field) {
                let names = model.facet_fields.iter().map(|(n, _)| n.as_str());
                return Err(format!(
                    "unknown filter field `{field}`{}",
                    crate::error::suggestion(field, names)
                ));
            }
            // A value no page has is no mistake in the query: it matches nothing.
            Ok(model.facet_value(field, value).unwrap_or(NO_PAGE))
        })
        .collect()
}
