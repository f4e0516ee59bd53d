//! The search model as files for the browser, under `search/` in the site:
//!
//! - `search/s/<key>.json`: one shard per first three letters of the folded surface words.
//!   `w`: `[word, slot]` sorted (slot -1: stop word); `t`: per slot `[doc_freq, postings, head]`
//!   where postings are `page delta, impact, mask` triples sorted by page, and head lists the
//!   term's ten best pages with what a result needs to show: `[page, title, path, collection,
//!   anchor, heading, excerpt, [[start, end], …]]`. A one-word query needs this file alone.
//! - `search/c/<n>.json`: cards of pages `n·64 … n·64+63`, `[title, path, collection, summary,
//!   [[anchor, heading], …]]`, for results that are in no head.
//! - `search/facets.json`: facet fields, values and each page's values, loaded after the first
//!   results show.
//!
//! The formats are read by `themes/default/static/search.js`.

use super::query::{Tokens, excerpt_of};
use super::{SearchModel, shard_file, shard_key};
use crate::output::OutputFile;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

pub const HEAD: usize = 10;
pub const CARDS_PER_CHUNK: usize = 64;
const EXCERPT_WIDTH: usize = 180;

/// Every search file of the site.
pub fn export(model: &SearchModel, collections: &[String]) -> Vec<OutputFile> {
    let coll_index: HashMap<&str, usize> = collections
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let coll_of = |page: usize| -> i64 {
        model.pages[page]
            .collection
            .as_deref()
            .and_then(|c| coll_index.get(c))
            .map_or(-1, |&i| i as i64)
    };
    // term → the surface words whose analysis includes it, for excerpts
    let mut forms: HashMap<u32, Vec<String>> = HashMap::new();
    for (w, terms) in &model.vocabulary {
        for t in terms {
            forms.entry(*t).or_default().push(w.clone());
        }
    }
    let mut shards: BTreeMap<String, Vec<(&String, Option<u32>)>> = BTreeMap::new();
    for (w, terms) in &model.vocabulary {
        shards
            .entry(shard_key(w))
            .or_default()
            .push((w, terms.first().copied()));
    }
    // every section split into words once, for the excerpts of all terms
    let tokens: Vec<Vec<Tokens>> = model
        .pages
        .iter()
        .map(|p| p.sections.iter().map(|s| Tokens::new(&s.text)).collect())
        .collect();
    let mut files = Vec::new();
    for (key, words) in shards {
        let mut slots: Vec<u32> = Vec::new();
        let mut slot_of: HashMap<u32, usize> = HashMap::new();
        let w: Vec<Value> = words
            .iter()
            .map(|(word, term)| {
                let slot = term.map_or(-1, |t| {
                    *slot_of.entry(t).or_insert_with(|| {
                        slots.push(t);
                        slots.len() - 1
                    }) as i64
                });
                json!([word, slot])
            })
            .collect();
        let t: Vec<Value> = slots
            .iter()
            .map(|&t| {
                let term_forms = forms.get(&t).map(Vec::as_slice).unwrap_or_default();
                term_entry(model, &tokens, t, term_forms, &coll_of)
            })
            .collect();
        let shard = json!({ "w": w, "t": t });
        files.push(OutputFile::bytes(
            format!("search/s/{}.json", shard_file(&key)),
            serde_json::to_vec(&shard).unwrap_or_default(),
        ));
    }
    for (n, chunk) in model.pages.chunks(CARDS_PER_CHUNK).enumerate() {
        let cards: Vec<Value> = chunk
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let sections: Vec<Value> = p
                    .sections
                    .iter()
                    .map(|s| json!([s.anchor, s.heading]))
                    .collect();
                json!([
                    p.title,
                    p.path,
                    coll_of(n * CARDS_PER_CHUNK + k),
                    p.summary,
                    sections
                ])
            })
            .collect();
        files.push(OutputFile::bytes(
            format!("search/c/{n}.json"),
            serde_json::to_vec(&cards).unwrap_or_default(),
        ));
    }
    let facets = json!({
        "fields": model.facet_fields.iter().map(|(n, l)| json!([n, l])).collect::<Vec<_>>(),
        "values": model.facet_values.iter().map(|v| json!([v.field, v.value, v.label])).collect::<Vec<_>>(),
        "pages": model.page_facets,
    });
    files.push(OutputFile::bytes(
        "search/facets.json".into(),
        serde_json::to_vec(&facets).unwrap_or_default(),
    ));
    files
}

/// `[doc_freq, [page delta, impact, mask, …], head]` for one term.
fn term_entry(
    model: &SearchModel,
    tokens: &[Vec<Tokens>],
    t: u32,
    forms: &[String],
    coll_of: &dyn Fn(usize) -> i64,
) -> Value {
    let forms: std::collections::HashSet<&str> = forms.iter().map(String::as_str).collect();
    let postings = &model.terms[t as usize].postings;
    let mut flat = Vec::with_capacity(postings.len() * 3);
    let mut prev = 0u32;
    for p in postings {
        flat.push(p.page - prev);
        flat.push(p.impact);
        flat.push(p.mask);
        prev = p.page;
    }
    let mut best: Vec<_> = postings.iter().collect();
    best.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.page.cmp(&b.page)));
    let head: Vec<Value> = best
        .into_iter()
        .take(HEAD)
        .map(|p| {
            let page = &model.pages[p.page as usize];
            let section = p.mask.trailing_zeros() as usize;
            let s = page.sections.get(section);
            let summary;
            let toks = match tokens[p.page as usize].get(section) {
                Some(t) => t,
                None => {
                    summary = Tokens::new(&page.summary);
                    &summary
                }
            };
            let (snippet, marks) = excerpt_of(toks, |f| forms.contains(f), EXCERPT_WIDTH);
            // JavaScript strings count UTF-16 code units, not bytes
            let units = |byte: usize| snippet[..byte].encode_utf16().count();
            let marks: BTreeSet<(usize, usize)> = marks
                .into_iter()
                .map(|(a, b)| (units(a), units(b)))
                .collect();
            json!([
                p.page,
                page.title,
                page.path,
                coll_of(p.page as usize),
                s.and_then(|s| s.anchor.clone()),
                s.map_or("", |s| s.heading.as_str()),
                snippet,
                marks
                    .into_iter()
                    .map(|(a, b)| json!([a, b]))
                    .collect::<Vec<_>>()
            ])
        })
        .collect();
    json!([postings.len(), flat, head])
}
