//! Stage 5: search. A tantivy index of every page, built at build time with the Dutch
//! [`analyzer`], turned into a [`SearchModel`]: the vocabulary of folded surface words, and for
//! every index term the pages it occurs in with their BM25 impact as tantivy scores it. The
//! model answers `kennisbank search` and `serve`'s `/_search` ([`query`]), and is exported in
//! chunks for the browser ([`export`]), whose client runs the same query algorithm on the same
//! numbers, so both rank alike.

pub mod analyzer;
mod answer;
pub mod export;
pub mod index;
pub mod offline;
pub mod query;
pub mod synonyms;

pub use answer::{Interpretation, SearchAnswer, SearchResult, answer};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Multiplier of tantivy's float scores into the integer impacts both clients add up.
pub const IMPACT_SCALE: f32 = 1000.0;
/// Sections beyond this share the last bit of a posting's section mask.
pub const MAX_SECTIONS: usize = 32;
/// How many of a term's best pages the export carries with the term, with their cards and
/// section masks ([`TermPostings::top`]).
pub const TOP: usize = 50;

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
    /// The values of its fields, a line each: `Label: value, value`.
    pub facts: String,
    /// The titles of the pages it is related to, a line per relation: `name: Title, Title`.
    pub related: String,
    /// What a match on the page weighs (its `search_weight`, or its collection's; 1 by default).
    pub weight: f32,
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
    /// Σ over fields of boost × BM25, times [`IMPACT_SCALE`] and the page's weight, rounded to
    /// a multiple of the term's scale ([`TermPostings::scale`]).
    pub impact: u32,
    /// Bit `s` set when the term occurs in section `s` (the last bit for every section from 31 on).
    pub mask: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TermPostings {
    pub term: String,
    /// Sorted by page.
    pub postings: Vec<Posting>,
    /// The unit of the term's impacts: every impact is a multiple of it, at most 255 times it,
    /// so that the export writes an impact in one byte ([`SearchModel::finish`]).
    pub scale: u32,
    /// The term's [`TOP`] best pages with their section masks, best first (highest impact,
    /// then the first page). The query reads section masks only here: the browser gets them
    /// with these pages' cards, not with every posting.
    pub top: Vec<(u32, u32)>,
}

impl TermPostings {
    pub fn new(term: String, postings: Vec<Posting>) -> Self {
        TermPostings {
            term,
            postings,
            scale: 1,
            top: Vec::new(),
        }
    }

    /// Round every impact to a multiple of the term's scale (the highest impact / 255, rounded
    /// up; at least 1), and pick the term's best pages.
    fn quantize(&mut self) {
        let max = self.postings.iter().map(|p| p.impact).max().unwrap_or(1);
        self.scale = max.div_ceil(255).max(1);
        for p in &mut self.postings {
            let q = (f64::from(p.impact) / f64::from(self.scale)).round() as u32;
            p.impact = q.clamp(1, 255) * self.scale;
        }
        let mut best: Vec<&Posting> = self.postings.iter().collect();
        best.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.page.cmp(&b.page)));
        self.top = best.iter().take(TOP).map(|p| (p.page, p.mask)).collect();
    }

    /// The section mask of `page`, when it is one of the term's best pages.
    pub fn top_mask(&self, page: u32) -> Option<u32> {
        self.top.iter().find(|(p, _)| *p == page).map(|(_, m)| *m)
    }
}

/// A word of `[search.synonyms]`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Synonym {
    /// What it was searched as, as `interpreted` reports it: the key itself first when the
    /// site uses it, then each thing it stands for.
    pub shown: Vec<String>,
    /// The terms of all of those, whose words excerpts mark.
    pub terms: Vec<u32>,
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
    /// Folded synonym key → what it stands for. Its vocabulary entry is a term of its own
    /// that holds them all ([`synonyms`]).
    pub synonyms: BTreeMap<String, Synonym>,
    /// Where the vocabulary is cut into the parts of the export: the first word of every part
    /// but the first ([`export::part_separators`]). Expansions of a word are drawn from at most
    /// two parts, so that the browser fetches little for them.
    pub parts: Vec<String>,
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
    /// What is derived from the finished postings: impacts in a byte each (a multiple of each
    /// term's scale; the ranking keeps 1/255 of a term's best impact), each term's best pages,
    /// and where the export cuts the vocabulary.
    pub fn finish(&mut self) {
        self.terms.par_iter_mut().for_each(TermPostings::quantize);
        self.parts = export::part_separators(self);
    }

    /// The part of the export a (folded) word is in, or would be in.
    pub fn part_of(&self, word: &str) -> usize {
        self.parts.partition_point(|s| s.as_str() <= word)
    }

    /// Whether the query may split a word into `word`: a word of the site (its own term, not a
    /// stop word) of at least four letters, the dictionary the analyzer splits compounds with.
    pub fn in_dictionary(&self, word: &str) -> Option<u32> {
        if word.chars().count() < analyzer::MIN_PART {
            return None;
        }
        self.term_id(word)
    }

    /// Whether the query may take `word` as the second word of a compound it splits: a word of
    /// the dictionary ([`SearchModel::in_dictionary`]) that the analyzer does not split itself,
    /// or a compound on at least 1 % of the pages (`samenwerking` in `regiosamenwerking`). Rare
    /// compounds are left out: on a site with tens of thousands of them they would make the
    /// lists of second words ([`export`]) too large to fetch.
    pub fn compound_tail(&self, word: &str) -> Option<u32> {
        let t = self.in_dictionary(word)?;
        let simple = self.vocabulary.get(word).is_some_and(|ts| ts.len() == 1);
        (simple || self.doc_freq(t) * 100 >= self.pages.len()).then_some(t)
    }

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

/// The surface words an excerpt marks: every word of the vocabulary that shares a term with the
/// query (for a synonym, with what it stands for).
pub(crate) fn highlighted_forms(model: &SearchModel, words: &[query::QueryWord]) -> Vec<String> {
    let mut term_set: std::collections::HashSet<u32> = words
        .iter()
        .flat_map(|w| w.terms().map(|(t, _)| t))
        .collect();
    for w in words {
        if let Some(s) = model.synonyms.get(&w.word) {
            term_set.extend(&s.terms);
        }
    }
    model
        .vocabulary
        .iter()
        .filter(|(_, terms)| terms.iter().any(|t| term_set.contains(t)))
        .map(|(w, _)| w.clone())
        .collect()
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
