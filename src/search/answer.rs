//! The answer to a query, typed: `kennisbank search` prints it, `--json` and serve's
//! `/_search` serialise it, so the three cannot drift apart.

use super::query::{self, How, QueryWord};
use super::{IMPACT_SCALE, SearchModel, highlighted_forms};
use crate::config::Config;
use serde::Serialize;

/// The answer to a query, as `kennisbank search --json` and `/_search` give it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchAnswer {
    pub query: String,
    /// The words that were not searched as typed, and what they were searched as.
    pub interpreted: Vec<Interpretation>,
    /// How many pages match (the results hold at most the limit).
    pub total: usize,
    /// No page has every word: the results have some of them.
    pub partial: bool,
    pub results: Vec<SearchResult>,
}

/// A query word searched as something else: corrected, completed, split or expanded.
#[derive(Debug, Clone, Serialize)]
pub struct Interpretation {
    pub word: String,
    #[serde(rename = "as")]
    pub searched_as: Vec<String>,
    pub how: How,
}

/// One result: the page (at the section where the query's words occur most), its score and an
/// excerpt with the matched words as byte ranges.
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub url: String,
    pub title: String,
    pub heading: Option<String>,
    pub collection: Option<String>,
    pub score: f64,
    pub excerpt: String,
    pub marks: Vec<(usize, usize)>,
}

/// Run a query and describe its best `limit` results.
pub fn answer(
    model: &SearchModel,
    config: &Config,
    q: &str,
    filters: &[u32],
    limit: usize,
) -> SearchAnswer {
    let results = query::search(model, q, filters);
    let forms = highlighted_forms(model, &results.words);
    let shown = results.hits.iter().take(limit);
    SearchAnswer {
        query: q.to_string(),
        interpreted: results.words.iter().filter_map(interpretation).collect(),
        total: results.hits.len(),
        partial: results.partial,
        results: shown
            .map(|h| result(model, config, &results.words, &forms, h))
            .collect(),
    }
}

fn interpretation(w: &QueryWord) -> Option<Interpretation> {
    Some(Interpretation {
        word: w.word.clone(),
        searched_as: w.shown.clone(),
        how: w.how?,
    })
}

fn result(
    model: &SearchModel,
    config: &Config,
    words: &[QueryWord],
    forms: &[String],
    hit: &query::Hit,
) -> SearchResult {
    let page = &model.pages[hit.page as usize];
    let section_index = query::section_of(model, words, hit.page);
    let section = page.sections.get(section_index);
    let anchor = section.and_then(|s| s.anchor.as_deref());
    let (excerpt, marks) = query::excerpt(
        page.excerpt_source(section_index),
        forms,
        query::EXCERPT_WIDTH,
    );
    SearchResult {
        url: config.site_url(&page.path) + &anchor.map(|a| format!("#{a}")).unwrap_or_default(),
        title: page.title.clone(),
        heading: section.map(|s| s.heading.clone()).filter(|h| !h.is_empty()),
        collection: page.collection.clone(),
        score: hit.score as f64 / (f64::from(IMPACT_SCALE) * query::EXACT as f64),
        excerpt,
        marks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_is_named_alike_in_json_and_in_text() {
        for how in [How::Typo, How::Prefix, How::Compound, How::Synonym] {
            let json = serde_json::to_value(how).unwrap();
            assert_eq!(json.as_str(), Some(how.as_str()));
        }
    }

    #[test]
    fn an_answer_serialises_with_the_documented_keys() {
        let answer = SearchAnswer {
            query: "ow".into(),
            interpreted: vec![Interpretation {
                word: "ow".into(),
                searched_as: vec!["omgevingswet".into()],
                how: How::Synonym,
            }],
            total: 1,
            partial: false,
            results: vec![SearchResult {
                url: "https://example.org/a/".into(),
                title: "A".into(),
                heading: None,
                collection: Some("guides".into()),
                score: 1.5,
                excerpt: "de Omgevingswet".into(),
                marks: vec![(3, 15)],
            }],
        };
        let json = serde_json::to_value(&answer).unwrap();
        assert_eq!(json["interpreted"][0]["as"][0], "omgevingswet");
        assert_eq!(json["interpreted"][0]["how"], "synonym");
        assert_eq!(json["results"][0]["marks"][0], serde_json::json!([3, 15]));
        assert!(json["results"][0]["heading"].is_null());
        assert_eq!(json["total"], 1);
    }
}
