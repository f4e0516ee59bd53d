//! `[search.synonyms]` of site.toml, resolved when the index is built: a key becomes a word of
//! the vocabulary whose term holds, for every page, the best of its own postings (when the
//! site uses the key) and those of each thing it stands for. A key that stands for several
//! words (`dso = ["digitaal stelsel omgevingswet"]`) matches the pages that have all of them,
//! with the mean of their impacts. So `kennisbank search`, `/_search` and the browser look a
//! synonym up like any other word, in one place, and rank it alike.

use super::analyzer::{fold, words};
use super::{Posting, SearchModel, Synonym, TermPostings};
use std::collections::BTreeMap;

/// The text of a synonym's term: no analysed term starts with `~`.
fn term_text(key: &str) -> String {
    format!("~{key}")
}

/// Add every synonym of `synonyms` (key, what it stands for) to the model.
pub fn add(model: &mut SearchModel, synonyms: &[(String, Vec<String>)]) {
    for (key, expansions) in synonyms {
        let key = fold(key.trim());
        let own = model.term_id(&key);
        let mut alternatives: Vec<Vec<u32>> = own.map(|t| vec![t]).into_iter().collect();
        let mut shown: Vec<String> = own.map(|_| key.clone()).into_iter().collect();
        for e in expansions {
            let ws: Vec<String> = words(e).into_iter().map(|(_, w)| fold(w)).collect();
            // Stop words are left out, as the query leaves them out; a word the site never
            // uses leaves nothing to find.
            let terms: Option<Vec<u32>> = ws
                .iter()
                .filter(|w| model.vocabulary.get(*w).is_none_or(|t| !t.is_empty()))
                .map(|w| model.term_id(w))
                .collect();
            if let Some(terms) = terms.filter(|t| !t.is_empty()) {
                alternatives.push(terms);
            }
            shown.push(ws.join(" "));
        }
        let postings = merge(model, &alternatives);
        let term = model.terms.len() as u32;
        model
            .terms
            .push(TermPostings::new(term_text(&key), postings));
        model.vocabulary.insert(key.clone(), vec![term]);
        let terms = alternatives.into_iter().flatten().collect();
        model.synonyms.insert(key, Synonym { shown, terms });
    }
}

/// For every page with all terms of some alternative: the best alternative's mean impact, and
/// the sections of every term that matched.
fn merge(model: &SearchModel, alternatives: &[Vec<u32>]) -> Vec<Posting> {
    let mut pages: BTreeMap<u32, (u32, u32)> = BTreeMap::new();
    for alt in alternatives {
        // page → (summed impact, mask, terms found)
        let mut found: BTreeMap<u32, (u64, u32, usize)> = BTreeMap::new();
        for &t in alt {
            for p in &model.terms[t as usize].postings {
                let e = found.entry(p.page).or_insert((0, 0, 0));
                e.0 += u64::from(p.impact);
                e.1 |= p.mask;
                e.2 += 1;
            }
        }
        for (page, (sum, mask, n)) in found {
            if n < alt.len() {
                continue;
            }
            let impact = (sum / alt.len() as u64) as u32;
            let e = pages.entry(page).or_insert((0, 0));
            e.0 = e.0.max(impact);
            e.1 |= mask;
        }
    }
    pages
        .into_iter()
        .map(|(page, (impact, mask))| Posting { page, impact, mask })
        .collect()
}
