//! The search model as files for the browser, under `search/` in the site:
//!
//! - `search/s/<key>.json`: one shard per first three letters of the folded surface words.
//!   `w`: `[word, slot]` sorted (slot -1: stop word); `t`: per slot `[doc_freq, postings, head]`
//!   where postings are `page delta, impact, mask` triples sorted by page, and head lists the
//!   term's ten best pages with what a result needs to show: `[page, title, path, collection,
//!   anchor, heading, excerpt, [[start, end], …]]` (offsets in UTF-16 code units). A one-word
//!   query needs this file alone.
//! - `search/c/<n>.json`: cards of pages `n·64 … n·64+63`, `[title, path, collection, summary,
//!   [[anchor, heading], …]]`, for results that are in no head.
//! - `search/facets.json`: facet fields, values and each page's values, loaded after the first
//!   results show.
//!
//! The formats are read by `themes/default/static/search.js`. The JSON is written by hand:
//! at 10,000 pages the shards hold millions of numbers, and building `serde_json::Value` trees
//! for them costs more than the whole index.

use super::query::{Tokens, excerpt_of};
use super::{SearchModel, shard_file, shard_key};
use crate::output::OutputFile;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub const HEAD: usize = 10;

/// A surface word of a shard and its term (none for a stop word).
type ShardWord<'a> = (&'a str, Option<u32>);
pub const CARDS_PER_CHUNK: usize = 64;
const EXCERPT_WIDTH: usize = 180;

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Every search file of the site.
pub fn export(model: &SearchModel, collections: &[String]) -> Vec<OutputFile> {
    let coll_index: FxHashMap<&str, usize> = collections
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let coll_of: Vec<i64> = model
        .pages
        .iter()
        .map(|p| {
            p.collection
                .as_deref()
                .and_then(|c| coll_index.get(c))
                .map_or(-1, |&i| i as i64)
        })
        .collect();
    // term → the folded surface words whose analysis includes it, for excerpts
    let mut forms: FxHashMap<u32, FxHashSet<&str>> = FxHashMap::default();
    for (w, terms) in &model.vocabulary {
        for t in terms {
            forms.entry(*t).or_default().insert(w.as_str());
        }
    }
    let heads: Vec<Vec<(u32, usize)>> = model.terms.iter().map(head_of).collect();
    // Split only the sections that appear in some head into words, in parallel, once.
    let needed: FxHashSet<(u32, usize)> = heads.iter().flatten().copied().collect();
    let mut needed: Vec<(u32, usize)> = needed.into_iter().collect();
    needed.sort_unstable();
    let tokens: FxHashMap<(u32, usize), Tokens> = needed
        .par_iter()
        .map(|&(page, section)| {
            let text = model.pages[page as usize].excerpt_source(section);
            ((page, section), Tokens::new(text))
        })
        .collect();

    let mut shards: BTreeMap<String, Vec<ShardWord>> = BTreeMap::new();
    for (w, terms) in &model.vocabulary {
        shards
            .entry(shard_key(w))
            .or_default()
            .push((w, terms.first().copied()));
    }
    let shards: Vec<(String, Vec<ShardWord>)> = shards.into_iter().collect();
    let ctx = ShardContext {
        model,
        heads: &heads,
        tokens: &tokens,
        forms: &forms,
        coll_of: &coll_of,
    };
    let mut files: Vec<OutputFile> = shards
        .par_iter()
        .map(|(key, words)| {
            OutputFile::bytes(
                format!("search/s/{}.json", shard_file(key)),
                ctx.shard(words).into_bytes(),
            )
        })
        .collect();
    for (n, chunk) in model.pages.chunks(CARDS_PER_CHUNK).enumerate() {
        let mut s = String::from("[");
        for (k, p) in chunk.iter().enumerate() {
            if k > 0 {
                s.push(',');
            }
            let _ = write!(
                s,
                "[{},{},{},{},[",
                js(&p.title),
                js(&p.path),
                coll_of[n * CARDS_PER_CHUNK + k],
                js(&p.summary)
            );
            for (j, sec) in p.sections.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                let anchor = sec.anchor.as_deref().map_or("null".to_string(), js);
                let _ = write!(s, "[{anchor},{}]", js(&sec.heading));
            }
            s.push_str("]]");
        }
        s.push(']');
        files.push(OutputFile::bytes(
            format!("search/c/{n}.json"),
            s.into_bytes(),
        ));
    }
    let facets = serde_json::json!({
        "fields": model.facet_fields.iter().map(|(n, l)| serde_json::json!([n, l])).collect::<Vec<_>>(),
        "values": model.facet_values.iter().map(|v| serde_json::json!([v.field, v.value, v.label])).collect::<Vec<_>>(),
        "pages": model.page_facets,
    });
    files.push(OutputFile::bytes(
        "search/facets.json".into(),
        serde_json::to_vec(&facets).unwrap_or_default(),
    ));
    files
}

/// A term's best pages: (page, first section it occurs in), by impact, ties to the first page.
fn head_of(t: &super::TermPostings) -> Vec<(u32, usize)> {
    let mut best: Vec<&super::Posting> = t.postings.iter().collect();
    best.sort_by(|a, b| b.impact.cmp(&a.impact).then(a.page.cmp(&b.page)));
    best.into_iter()
        .take(HEAD)
        .map(|p| (p.page, p.mask.trailing_zeros() as usize))
        .collect()
}

struct ShardContext<'a> {
    model: &'a SearchModel,
    heads: &'a [Vec<(u32, usize)>],
    tokens: &'a FxHashMap<(u32, usize), Tokens<'a>>,
    forms: &'a FxHashMap<u32, FxHashSet<&'a str>>,
    coll_of: &'a [i64],
}

impl ShardContext<'_> {
    /// `{"w": [[word, slot], …], "t": [[doc_freq, [postings…], [head…]], …]}`
    fn shard(&self, words: &[ShardWord]) -> String {
        let mut slots: Vec<u32> = Vec::new();
        let mut slot_of: FxHashMap<u32, usize> = FxHashMap::default();
        let mut s = String::from("{\"w\":[");
        for (i, (word, term)) in words.iter().enumerate() {
            let slot = term.map_or(-1, |t| {
                *slot_of.entry(t).or_insert_with(|| {
                    slots.push(t);
                    slots.len() - 1
                }) as i64
            });
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{},{slot}]", js(word));
        }
        s.push_str("],\"t\":[");
        for (i, &t) in slots.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            self.term(&mut s, t);
        }
        s.push_str("]}");
        s
    }

    /// `[doc_freq, [page delta, impact, mask, …], head]` for one term.
    fn term(&self, s: &mut String, t: u32) {
        let postings = &self.model.terms[t as usize].postings;
        let _ = write!(s, "[{},[", postings.len());
        let mut prev = 0u32;
        for (i, p) in postings.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "{},{},{}", p.page - prev, p.impact, p.mask);
            prev = p.page;
        }
        s.push_str("],[");
        let empty = FxHashSet::default();
        let forms = self.forms.get(&t).unwrap_or(&empty);
        for (i, &(page, section)) in self.heads[t as usize].iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let p = &self.model.pages[page as usize];
            let sec = p.sections.get(section);
            let (snippet, marks) = match self.tokens.get(&(page, section)) {
                Some(tokens) => excerpt_of(tokens, |f| forms.contains(f), EXCERPT_WIDTH),
                None => (String::new(), Vec::new()),
            };
            // JavaScript strings count UTF-16 code units, not bytes
            let units = |byte: usize| snippet[..byte].encode_utf16().count();
            let anchor = sec
                .and_then(|x| x.anchor.as_deref())
                .map_or("null".to_string(), js);
            let heading = sec.map_or("", |x| x.heading.as_str());
            let _ = write!(
                s,
                "[{page},{},{},{},{anchor},{},{},[",
                js(&p.title),
                js(&p.path),
                self.coll_of[page as usize],
                js(heading),
                js(&snippet)
            );
            for (j, (a, b)) in marks.iter().enumerate() {
                if j > 0 {
                    s.push(',');
                }
                let _ = write!(s, "[{},{}]", units(*a), units(*b));
            }
            s.push_str("]]");
        }
        s.push_str("]]");
    }
}
