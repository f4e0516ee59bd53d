//! The search model as files for the browser, under `search/` in the site. The sorted vocabulary
//! is cut into parts of about [`PART_BUDGET`] bytes, so that a query word fetches its own part
//! and not the postings of the words around it.
//!
//! - `search/p/<n>.bin`: part `n`. A little-endian `u32` length, then that many bytes of JSON
//!   `{"g": [group, …], "w": [[word, term], …], "t": [[term, doc_freq, head], …]}`, then for
//!   each entry of `t` its postings: `doc_freq` triples of LEB128 varints `page delta, impact,
//!   section mask`, sorted by page. `w` holds the part's words (term -1: a stop word), `g` those
//!   of its groups (first three letters, [`shard_key`]) that other parts hold words of too. A
//!   head lists the term's ten best pages with what a result needs to show: `[page, title,
//!   path, collection, anchor, heading, excerpt, [[start, end], …]]` (offsets in UTF-16 code
//!   units). A word of the vocabulary needs its part alone.
//! - Which part holds a word: the search page carries the parts' first words
//!   ([`ClientData::parts`], each shortened to the shortest start that sorts after the part
//!   before); a word belongs to the last part whose first word is not greater than it.
//! - `search/v/<group>.json`: `[[word, term, doc_freq], …]`, the words of a group that spans
//!   parts (no stop words). The query algorithm draws the candidates for a word the vocabulary
//!   does not know (a partly typed last word, a typo) from the word's group; for other groups
//!   the word's part holds the whole group.
//! - `search/c/<n>.json`: cards of pages `n·8 … n·8+7`, `[title, path, collection, summary,
//!   [[anchor, heading], …]]`, for results that are in no loaded head.
//! - `search/facets.json`: facet fields, values and each page's values, loaded after the first
//!   results show.
//!
//! The formats are read by `themes/default/static/search.js`. The JSON is written by hand:
//! at 10,000 pages the parts hold millions of numbers, and building `serde_json::Value` trees
//! for them costs more than the whole index.

use super::query::{Tokens, excerpt_of};
use super::{SearchModel, shard_file, shard_key};
use crate::output::OutputFile;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write as _;
use std::ops::Range;

pub const HEAD: usize = 10;
pub const CARDS_PER_CHUNK: usize = 8;
/// What a part file may grow to before it is cut, estimated from its words, postings and heads.
pub const PART_BUDGET: usize = 24 * 1024;
const EXCERPT_WIDTH: usize = 180;

/// A vocabulary word and its term (none for a stop word).
type Word<'a> = (&'a str, Option<u32>);

/// The search files, and what the search page must carry to use them.
pub struct Export {
    pub files: Vec<OutputFile>,
    pub client: ClientData,
}

/// What the search page carries: where the parts begin and how many pages are searchable.
#[derive(Debug, Clone, Default)]
pub struct ClientData {
    /// The first word of each part but the first, shortened; see the module docs.
    pub parts: Vec<String>,
    pub pages: usize,
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Whether a site path is one of the files [`export`] writes (a theme may put its search page
/// in the same folder, as `search/index.html`).
pub fn is_export_file(path: &str) -> bool {
    ["search/p/", "search/v/", "search/c/"]
        .iter()
        .any(|dir| path.starts_with(dir))
        || path == "search/facets.json"
}

/// Every search file of the site.
pub fn export(model: &SearchModel, collections: &[String]) -> Export {
    let coll_of = collection_numbers(model, collections);
    let words: Vec<Word> = model
        .vocabulary
        .iter()
        .map(|(w, t)| (w.as_str(), t.first().copied()))
        .collect();
    let parts = cut_parts(model, &words);
    let split = split_groups(&words, &parts);
    let heads: Vec<Vec<(u32, usize)>> = model.terms.iter().map(head_of).collect();
    // Split only the sections that appear in some head into words, in parallel, once.
    let needed: FxHashSet<(u32, usize)> = heads.iter().flatten().copied().collect();
    let mut needed: Vec<(u32, usize)> = needed.into_iter().collect();
    needed.sort_unstable();
    // Words are matched by their number in the vocabulary (u32::MAX: not in it), which keeps the
    // split sections small: at 10,000 pages they hold millions of words.
    let word_ids: FxHashMap<&str, u32> = model
        .vocabulary
        .keys()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    let tokens: FxHashMap<(u32, usize), Tokens<u32>> = needed
        .par_iter()
        .map(|&(page, section)| {
            let text = model.pages[page as usize].excerpt_source(section);
            let key = |f: String| word_ids.get(f.as_str()).copied().unwrap_or(u32::MAX);
            ((page, section), Tokens::new(text, key))
        })
        .collect();
    let ctx = PartContext {
        model,
        heads: &heads,
        tokens: &tokens,
        forms: &forms_of_terms(model),
        coll_of: &coll_of,
        split: &split,
    };
    let mut files: Vec<OutputFile> = parts
        .par_iter()
        .enumerate()
        .map(|(n, range)| {
            OutputFile::bytes(format!("search/p/{n}.bin"), ctx.part(&words[range.clone()]))
        })
        .collect();
    files.extend(group_files(model, &words, &split));
    files.extend(card_files(model, &coll_of));
    let facets = serde_json::json!({
        "fields": model.facet_fields.iter().map(|(n, l)| serde_json::json!([n, l])).collect::<Vec<_>>(),
        "values": model.facet_values.iter().map(|v| serde_json::json!([v.field, v.value, v.label])).collect::<Vec<_>>(),
        "pages": model.page_facets,
    });
    files.push(OutputFile::bytes(
        "search/facets.json".into(),
        serde_json::to_vec(&facets).unwrap_or_default(),
    ));
    let separators = parts
        .windows(2)
        .map(|pair| separator(words[pair[0].end - 1].0, words[pair[1].start].0))
        .collect();
    Export {
        files,
        client: ClientData {
            parts: separators,
            pages: model.pages.len(),
        },
    }
}

/// Each page's collection as its number in `collections` (-1: none).
fn collection_numbers(model: &SearchModel, collections: &[String]) -> Vec<i64> {
    model
        .pages
        .iter()
        .map(|p| {
            p.collection
                .as_deref()
                .and_then(|c| collections.iter().position(|x| x == c))
                .map_or(-1, |i| i as i64)
        })
        .collect()
}

/// Term → the numbers (in the vocabulary) of the surface words whose analysis includes it, for
/// excerpts.
fn forms_of_terms(model: &SearchModel) -> FxHashMap<u32, FxHashSet<u32>> {
    let mut forms: FxHashMap<u32, FxHashSet<u32>> = FxHashMap::default();
    for (i, terms) in model.vocabulary.values().enumerate() {
        for t in terms {
            forms.entry(*t).or_default().insert(i as u32);
        }
    }
    forms
}

/// The sorted vocabulary cut into parts: wherever the estimated size passes [`PART_BUDGET`],
/// at the boundary (in the second half of the budget) between the two words that share the
/// shortest start, so that parts end between groups where they can and a partly typed word
/// rarely spans two parts. Small groups share a part.
fn cut_parts(model: &SearchModel, words: &[Word]) -> Vec<Range<usize>> {
    let mut parts = Vec::new();
    let mut start = 0;
    while start < words.len() {
        // Grow the part while it fits; `cost_until[k]` is the cost of words start..start+k+1.
        let mut seen = FxHashSet::default();
        let mut cost = 0;
        let mut cost_until = Vec::new();
        let mut end = start;
        while end < words.len() {
            let c = word_cost(model, words[end], &mut seen);
            if end > start && cost + c > PART_BUDGET {
                break;
            }
            cost += c;
            cost_until.push(cost);
            end += 1;
        }
        if end == words.len() {
            parts.push(start..end);
            break;
        }
        let mut cut = end;
        let mut best = common_prefix(words[end - 1].0, words[end].0);
        for c in (start + 1..end).rev() {
            if cost_until[c - start - 1] < PART_BUDGET / 2 {
                break;
            }
            let lcp = common_prefix(words[c - 1].0, words[c].0);
            if lcp < best {
                (cut, best) = (c, lcp);
            }
        }
        parts.push(start..cut);
        start = cut;
    }
    parts
}

/// The groups that more than one part holds words of.
fn split_groups(words: &[Word], parts: &[Range<usize>]) -> FxHashSet<String> {
    parts
        .windows(2)
        .map(|pair| {
            (
                shard_key(words[pair[0].end - 1].0),
                shard_key(words[pair[1].start].0),
            )
        })
        .filter(|(a, b)| a == b)
        .map(|(a, _)| a)
        .collect()
}

/// The estimated bytes a word adds to a part: itself, and its term the first time it is met.
fn word_cost(model: &SearchModel, (word, term): Word, seen: &mut FxHashSet<u32>) -> usize {
    let mut cost = word.len() + 8;
    if let Some(t) = term
        && seen.insert(t)
    {
        let df = model.doc_freq(t);
        cost += 4 * df + 300 * df.min(HEAD);
    }
    cost
}

/// The number of characters two words share at their start.
fn common_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// The shortest start of `next` that sorts after `prev` (`prev < next`).
fn separator(prev: &str, next: &str) -> String {
    next.chars().take(common_prefix(prev, next) + 1).collect()
}

/// One file per split group with its words, their terms and how many pages each term is on.
fn group_files(model: &SearchModel, words: &[Word], split: &FxHashSet<String>) -> Vec<OutputFile> {
    let mut files = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let key = shard_key(words[start].0);
        let group: Vec<&Word> = words[start..]
            .iter()
            .take_while(|(w, _)| shard_key(w) == key)
            .collect();
        start += group.len();
        if !split.contains(&key) {
            continue;
        }
        let mut s = String::from("[");
        for (word, term) in group {
            if let Some(t) = term {
                if s.len() > 1 {
                    s.push(',');
                }
                let _ = write!(s, "[{},{t},{}]", js(word), model.doc_freq(*t));
            }
        }
        s.push(']');
        files.push(OutputFile::bytes(
            format!("search/v/{}.json", shard_file(&key)),
            s.into_bytes(),
        ));
    }
    files
}

/// Cards of [`CARDS_PER_CHUNK`] pages per file.
fn card_files(model: &SearchModel, coll_of: &[i64]) -> Vec<OutputFile> {
    let mut files = Vec::new();
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

/// An unsigned LEB128 varint.
fn varint(out: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct PartContext<'a> {
    model: &'a SearchModel,
    heads: &'a [Vec<(u32, usize)>],
    tokens: &'a FxHashMap<(u32, usize), Tokens<'a, u32>>,
    forms: &'a FxHashMap<u32, FxHashSet<u32>>,
    coll_of: &'a [i64],
    split: &'a FxHashSet<String>,
}

impl PartContext<'_> {
    /// The part file of `words`: header length, JSON header, postings.
    fn part(&self, words: &[Word]) -> Vec<u8> {
        let mut terms: Vec<u32> = Vec::new();
        let mut split: Vec<String> = words
            .iter()
            .map(|(w, _)| shard_key(w))
            .filter(|k| self.split.contains(k))
            .collect();
        split.dedup();
        let split: Vec<String> = split.iter().map(|k| js(k)).collect();
        let mut s = format!("{{\"g\":[{}],\"w\":[", split.join(","));
        for (i, (word, term)) in words.iter().enumerate() {
            if let Some(t) = term
                && !terms.contains(t)
            {
                terms.push(*t);
            }
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{},{}]", js(word), term.map_or(-1, i64::from));
        }
        s.push_str("],\"t\":[");
        let mut postings = Vec::new();
        for (i, &t) in terms.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let list = &self.model.terms[t as usize].postings;
            let _ = write!(s, "[{t},{},", list.len());
            self.head(&mut s, t);
            s.push(']');
            let mut prev = 0u32;
            for p in list {
                varint(&mut postings, p.page - prev);
                varint(&mut postings, p.impact);
                varint(&mut postings, p.mask);
                prev = p.page;
            }
        }
        s.push_str("]}");
        let mut out = Vec::with_capacity(4 + s.len() + postings.len());
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(&postings);
        out
    }

    /// A term's head: `[[page, title, path, collection, anchor, heading, excerpt, marks], …]`.
    fn head(&self, s: &mut String, t: u32) {
        s.push('[');
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
        s.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_the_shortest_distinguishing_start() {
        assert_eq!(separator("gemaakt", "gemeente"), "geme");
        assert_eq!(separator("ge", "gemeente"), "gem");
        assert_eq!(separator("zorg", "zuid"), "zu");
    }

    /// `i` written in the letters a–z.
    fn letters(mut i: usize) -> String {
        let mut out = String::new();
        loop {
            out.insert(0, (b'a' + (i % 26) as u8) as char);
            i /= 26;
            if i == 0 {
                return out;
            }
        }
    }

    /// A model whose every word is its own term, on `df` pages.
    fn model(words: &[(String, usize)]) -> SearchModel {
        let mut m = SearchModel::default();
        for (i, (w, df)) in words.iter().enumerate() {
            m.vocabulary.insert(w.clone(), vec![i as u32]);
            m.terms.push(super::super::TermPostings {
                term: w.clone(),
                postings: (0..*df as u32)
                    .map(|page| super::super::Posting {
                        page,
                        impact: 1,
                        mask: 1,
                    })
                    .collect(),
            });
        }
        m
    }

    #[test]
    fn every_word_is_found_in_its_part_by_the_separators() {
        // Groups of very different sizes, with a few words on thousands of pages.
        let mut words = Vec::new();
        for (g, count) in [("gem", 900), ("ver", 1500), ("zo", 3), ("aan", 60)] {
            for i in 0..count {
                let df = match (count, i % 101) {
                    (..=100, _) => 1,
                    (_, 0) => 5000,
                    _ => 1 + (i * 7) % 30,
                };
                words.push((format!("{g}{}", letters(i)), df));
            }
        }
        let m = model(&words);
        let sorted: Vec<Word> = m
            .vocabulary
            .iter()
            .map(|(w, t)| (w.as_str(), t.first().copied()))
            .collect();
        let parts = cut_parts(&m, &sorted);
        assert!(
            parts.len() > 10,
            "the vocabulary is cut: {} parts",
            parts.len()
        );
        assert_eq!(parts[0].start, 0);
        assert_eq!(parts.last().unwrap().end, sorted.len());
        let separators: Vec<String> = parts
            .windows(2)
            .map(|p| {
                assert_eq!(p[0].end, p[1].start, "parts are contiguous");
                separator(sorted[p[0].end - 1].0, sorted[p[1].start].0)
            })
            .collect();
        for (n, range) in parts.iter().enumerate() {
            let mut seen = FxHashSet::default();
            let cost: usize = sorted[range.clone()]
                .iter()
                .map(|&w| word_cost(&m, w, &mut seen))
                .sum();
            assert!(
                range.len() == 1 || cost <= PART_BUDGET,
                "part {n} costs {cost}"
            );
            for (w, _) in &sorted[range.clone()] {
                let found = separators.partition_point(|s| s.as_str() <= *w);
                assert_eq!(found, n, "`{w}` is looked up in part {found}, not {n}");
            }
        }
        let split = split_groups(&sorted, &parts);
        assert!(split.contains("gem") && split.contains("ver"));
        assert!(!split.contains("zo") && !split.contains("aan"));
    }

    #[test]
    fn varints_are_leb128() {
        let mut out = Vec::new();
        varint(&mut out, 1);
        varint(&mut out, 300);
        assert_eq!(out, vec![1, 0xac, 0x02]);
    }
}
