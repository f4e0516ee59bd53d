//! The search model as files for the browser, under `search/` in the site. The sorted vocabulary
//! is cut into parts of about [`PART_BUDGET`] bytes, so that a query word fetches its own part
//! and not the postings of the words around it; a part carries what the results of its words
//! show, so that a query needs no other file in the common case.
//!
//! - `search/p/<n>.bin`: part `n`. A little-endian `u32` length, then that many bytes of JSON
//!   `{"g": [group, …], "w": [[word, term(, as)], …], "t": [[term, doc_freq, scale, top], …],
//!   "c": [card, …]}`, then for each entry of `t` its postings, sorted by page: `doc_freq`
//!   times a LEB128 varint `page delta` and a byte `impact / scale`. `w` holds the part's words (term -1: a stop
//!   word; `as`: what a synonym of site.toml stands for), `g` those of its groups (first three
//!   letters, [`shard_key`]) that other parts hold words of too, each with its word list when
//!   that is small (`[group, [[word, term, doc_freq], …]]`, as in `search/v/`). `top` lists the term's best
//!   pages ([`super::TermPostings::top`]), best first, as `[page, section mask]`; the first
//!   [`HEAD`] of them also with an excerpt of a section the term occurs in and the marked
//!   words in it: `[page, mask, section, excerpt, [[start, end], …]]` (offsets in UTF-16 code
//!   units). `c` holds a card for every page of the part's tops, once: `[page, title, path,
//!   collection, summary, [[section, heading(, anchor)], …]]`, with the sections its masks
//!   name (the path and anchors shortened where the title and headings give them: see
//!   [`card_path`] and [`card_section`]).
//! - Which part holds a word: the search page carries the parts' first words
//!   ([`ClientData::parts`], each shortened to the shortest start that sorts after the part
//!   before); a word belongs to the last part whose first word is not greater than it.
//! - `search/v/<group>.json`: `[[word, term, doc_freq], …]`, the words of a group that spans
//!   parts (no stop words), when they are too many to go inside its parts. The query algorithm draws the candidates for a word the vocabulary
//!   does not know (a partly typed last word, a typo, the first word of a compound) from the
//!   word's group; for other groups the word's part holds the whole group.
//! - `search/r/<end>.json`: `[[word, term], …]`, the words of the dictionary (four
//!   letters or more, letters only, no rare compound: [`SearchModel::compound_tail`]) that end in `end`, their last
//!   three letters: where a compound the site does not use finds its second word.
//! - `search/c/<n>.json`: cards of pages `n·8 … n·8+7`, `[title, path, collection, summary]`,
//!   for results that are among no loaded term's best pages.
//! - `search/facets.json`: facet fields, values and each page's values, loaded after the first
//!   results show.
//! - `search/pack-<hash>.pack` (builds with gzip copies): the gzip copies of every part, group
//!   list and ending list, one after the other ([`Pack`]; the search page carries where each
//!   lies). When a round of a query needs several of these files, the browser asks for their
//!   ranges in one request (`Range: bytes=a-b,c-d`, answered by nginx, Apache and Caddy as
//!   `multipart/byteranges`), so that a query takes one request per round trip, at most three:
//!   the words' parts; the lists an unknown word needs; the parts of what it is taken as. A host
//!   that answers a range with the whole file is asked for the files one by one.
//!
//! The formats are read by `themes/default/static/search.js`. The JSON is written by hand:
//! at 10,000 pages the parts hold millions of numbers, and building `serde_json::Value` trees
//! for them costs more than the whole index.

use super::query::{EXCERPT_WIDTH, Tokens, excerpt_of};
use super::{SearchModel, shard_file, shard_key};
use crate::output::{Data, OutputFile, compress};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::sync::Arc;

/// How many of a term's best pages carry an excerpt.
pub const HEAD: usize = 10;
pub const CARDS_PER_CHUNK: usize = 8;
/// What a part file may grow to before it is cut, estimated from its words, postings and tops.
pub const PART_BUDGET: usize = 24 * 1024;
/// A split group's word list up to this many bytes goes inside its parts.
const SMALL_GROUP: usize = 2048;

/// A vocabulary word and its term (none for a stop word).
type Word<'a> = (&'a str, Option<u32>);

/// The search files, and what the search page must carry to use them.
#[derive(Debug)]
pub struct Export {
    pub files: Vec<OutputFile>,
    pub client: ClientData,
}

/// What the search page carries: where the parts begin, how many pages are searchable, and
/// the stop words (which need no file).
#[derive(Debug, Clone, Default)]
pub struct ClientData {
    /// The first word of each part but the first, shortened; see the module docs.
    pub parts: Vec<String>,
    pub pages: usize,
    /// The words of the vocabulary that the analyzer drops.
    pub stop_words: Vec<String>,
    /// The pack of the parts and word lists, when the build writes one.
    pub pack: Option<Pack>,
}

/// Where each file of the pack lies: `search/<file>` holds the gzip copies of the parts, then
/// of the group and ending lists, one after the other (a file under 1 KB as it is). `members`
/// lists their sizes in that order, in base 36 and separated by spaces: the parts' sizes bare,
/// in the order of the parts, the others as `v<file>=<size>` and `r<file>=<size>`
/// (`search/v/<file>.json`, `search/r/<file>.json`). The file is named by a hash of `members`:
/// a search page that carries another layout never reads it.
#[derive(Debug, Clone, Default)]
pub struct Pack {
    pub file: String,
    pub members: String,
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Whether a site path is one of the files [`export`] writes (a theme may put its search page
/// in the same folder, as `search/index.html`).
pub fn is_export_file(path: &str) -> bool {
    [
        "search/p/",
        "search/v/",
        "search/c/",
        "search/r/",
        "search/pack-",
    ]
    .iter()
    .any(|dir| path.starts_with(dir))
        || path == "search/facets.json"
}

/// The vocabulary as (word, term), in order.
fn vocabulary_words(model: &SearchModel) -> Vec<Word<'_>> {
    model
        .vocabulary
        .iter()
        .map(|(w, t)| (w.as_str(), t.first().copied()))
        .collect()
}

/// Where the vocabulary is cut into parts: the first word of each part but the first, each
/// shortened to the shortest start that sorts after the part before.
pub fn part_separators(model: &SearchModel) -> Vec<String> {
    let words = vocabulary_words(model);
    cut_parts(model, &words)
        .windows(2)
        .map(|pair| separator(words[pair[0].end - 1].0, words[pair[1].start].0))
        .collect()
}

/// The ranges of `words` the model's separators cut.
fn part_ranges(model: &SearchModel, words: &[Word]) -> Vec<Range<usize>> {
    let mut bounds: Vec<usize> = model
        .parts
        .iter()
        .map(|s| words.partition_point(|(w, _)| *w < s.as_str()))
        .collect();
    bounds.insert(0, 0);
    bounds.push(words.len());
    bounds.windows(2).map(|b| b[0]..b[1]).collect()
}

/// Every search file of the site; with `pack`, also the pack of the parts and word lists
/// ([`Pack`]), and each of those files with its gzip copy made.
pub fn export(model: &SearchModel, collections: &[String], pack: bool) -> Export {
    let coll_of = collection_numbers(model, collections);
    let words = vocabulary_words(model);
    let parts = part_ranges(model, &words);
    let split = split_groups(&words, &parts);
    let (small_groups, groups) = group_files(model, &words, &split);
    let ctx = PartContext {
        model,
        tokens: &head_tokens(model),
        forms: &forms_of_terms(model),
        cards: &card_texts(model, &coll_of),
        split: &split,
        small_groups: &small_groups,
    };
    let mut files: Vec<OutputFile> = parts
        .par_iter()
        .enumerate()
        .map(|(n, range)| {
            OutputFile::bytes(format!("search/p/{n}.bin"), ctx.part(&words[range.clone()]))
        })
        .collect();
    files.extend(groups);
    files.extend(ending_files(model));
    let pack = pack.then(|| pack_files(&mut files, parts.len()));
    files.extend(card_files(model, &coll_of));
    files.push(facet_file(model));
    if let Some((file, _)) = &pack {
        files.push(file.clone());
    }
    Export {
        files,
        client: ClientData {
            parts: model.parts.clone(),
            pages: model.pages.len(),
            stop_words: words
                .iter()
                .filter(|(_, t)| t.is_none())
                .map(|(w, _)| w.to_string())
                .collect(),
            pack: pack.map(|(_, p)| p),
        },
    }
}

/// `search/facets.json`: facet fields, values and each page's values.
fn facet_file(model: &SearchModel) -> OutputFile {
    let facets = serde_json::json!({
        "fields": model.facet_fields.iter().map(|(n, l)| serde_json::json!([n, l])).collect::<Vec<_>>(),
        "values": model.facet_values.iter().map(|v| serde_json::json!([v.field, v.value, v.label])).collect::<Vec<_>>(),
        "pages": model.page_facets,
    });
    OutputFile::bytes(
        "search/facets.json".into(),
        serde_json::to_vec(&facets).unwrap_or_default(),
    )
}

/// Gzip `files` (the `parts` parts first, then the group and ending lists) for their `.gz`
/// copies and put the copies one after the other in the pack, named by its layout. A file under
/// [`compress::MIN_SIZE`] goes in as it is (it gains nothing; its first byte is never gzip's
/// 0x1f 0x8b, which would begin a part whose header alone is 35 KB).
fn pack_files(files: &mut [OutputFile], parts: usize) -> (OutputFile, Pack) {
    files.par_iter_mut().for_each(|f| {
        if let Data::Bytes(b) = &f.data
            && b.len() >= compress::MIN_SIZE
        {
            f.gzip = compress::gzip_member(b, compress::Effort::Search).map(Arc::new);
        }
    });
    let mut bytes = Vec::new();
    let mut members = String::new();
    for (n, f) in files.iter().enumerate() {
        let member = match (&f.gzip, &f.data) {
            (Some(gz), _) => gz,
            (None, Data::Bytes(b)) => b,
            (None, Data::Copy(_)) => continue,
        };
        if !members.is_empty() {
            members.push(' ');
        }
        if n >= parts {
            let (dir, name) = f.path["search/".len()..]
                .split_once('/')
                .unwrap_or_default();
            let _ = write!(members, "{dir}{}=", name.trim_end_matches(".json"));
        }
        members.push_str(&base36(member.len()));
        bytes.extend_from_slice(member);
    }
    // The layout, not the bytes: hashing 12–35 MB here would repeat the writer's own hash.
    let file = format!("pack-{:016x}.pack", crate::output::hash(members.as_bytes()));
    let out = OutputFile::bytes(format!("search/{file}"), bytes);
    (out, Pack { file, members })
}

/// `n` in base 36, lower case (as JavaScript's `parseInt(s, 36)` reads it).
fn base36(mut n: usize) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// The sections that some head's excerpt is cut from, split into words once, in parallel.
/// Words are matched by their number in the vocabulary (u32::MAX: not in it), which keeps the
/// split sections small: at 10,000 pages they hold millions of words.
fn head_tokens(model: &SearchModel) -> FxHashMap<(u32, usize), Tokens<'_, u32>> {
    let needed: FxHashSet<(u32, usize)> = model
        .terms
        .iter()
        .flat_map(|t| t.top.iter().take(HEAD))
        .map(|&(page, mask)| (page, excerpt_section(model, page, mask)))
        .collect();
    let mut needed: Vec<(u32, usize)> = needed.into_iter().collect();
    needed.sort_unstable();
    let word_ids: FxHashMap<&str, u32> = model
        .vocabulary
        .keys()
        .enumerate()
        .map(|(i, w)| (w.as_str(), i as u32))
        .collect();
    needed
        .par_iter()
        .map(|&(page, section)| {
            let text = model.pages[page as usize].excerpt_source(section);
            let key = |f: String| word_ids.get(f.as_str()).copied().unwrap_or(u32::MAX);
            ((page, section), Tokens::new(text, key))
        })
        .collect()
}

/// The section a head's excerpt is cut from: the first its mask names that has text (or, for
/// section 0, a summary to stand for it), else the first it names (section 0 when it names
/// none: the term is only in a field value or a related title).
fn excerpt_section(model: &SearchModel, page: u32, mask: u32) -> usize {
    let p = &model.pages[page as usize];
    (0..super::MAX_SECTIONS)
        .filter(|&k| mask & (1 << k) != 0)
        .find(|&k| !p.excerpt_source(k).trim().is_empty())
        .unwrap_or(mask.trailing_zeros() as usize % super::MAX_SECTIONS)
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

/// Term → the numbers (in the vocabulary) of the surface words whose analysis includes it (for a
/// synonym's term, also those of what it stands for), for excerpts.
fn forms_of_terms(model: &SearchModel) -> FxHashMap<u32, FxHashSet<u32>> {
    let mut forms: FxHashMap<u32, FxHashSet<u32>> = FxHashMap::default();
    for (i, terms) in model.vocabulary.values().enumerate() {
        for t in terms {
            forms.entry(*t).or_default().insert(i as u32);
        }
    }
    for (key, synonym) in &model.synonyms {
        let Some(own) = model.term_id(key) else {
            continue;
        };
        let mut extra: FxHashSet<u32> = FxHashSet::default();
        for t in &synonym.terms {
            extra.extend(forms.get(t).into_iter().flatten());
        }
        forms.entry(own).or_default().extend(extra);
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
        .filter(|pair| pair[0].end > pair[0].start && pair[1].end > pair[1].start)
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

/// The estimated bytes a word adds to a part: itself, and its term the first time it is met
/// (its postings, its top with the cards of those pages, the excerpts of its head).
fn word_cost(model: &SearchModel, (word, term): Word, seen: &mut FxHashSet<u32>) -> usize {
    let mut cost = word.len() + 8;
    if let Some(t) = term
        && seen.insert(t)
    {
        let df = model.doc_freq(t);
        let top = df.min(super::TOP);
        cost += 2 * df + 130 * top + 250 * df.min(HEAD);
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

/// The word lists of the split groups: `[[word, term, doc_freq], …]` (no stop words), in a
/// file of its own for a large group, or, up to [`SMALL_GROUP`] bytes, inside every part that
/// holds words of the group, so that a typo or a partly typed word costs no extra request.
fn group_files(
    model: &SearchModel,
    words: &[Word],
    split: &FxHashSet<String>,
) -> (FxHashMap<String, String>, Vec<OutputFile>) {
    let mut small = FxHashMap::default();
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
        if s.len() <= SMALL_GROUP {
            small.insert(key, s);
        } else {
            files.push(OutputFile::bytes(
                format!("search/v/{}.json", shard_file(&key)),
                s.into_bytes(),
            ));
        }
    }
    (small, files)
}

/// The last three characters of a word: the file of [`ending_files`] it is in.
pub fn ending_key(word: &str) -> String {
    let chars: Vec<char> = word.chars().collect();
    chars[chars.len().saturating_sub(3)..].iter().collect()
}

/// The words of the dictionary that the query takes as the second word of a compound (of four
/// letters or more, letters only, see [`SearchModel::compound_tail`]), by their last three
/// letters.
fn ending_files(model: &SearchModel) -> Vec<OutputFile> {
    let mut by_end: std::collections::BTreeMap<String, String> = Default::default();
    for word in model.vocabulary.keys() {
        let Some(t) = model.compound_tail(word) else {
            continue;
        };
        if !word.chars().all(char::is_alphabetic) {
            continue;
        }
        let s = by_end.entry(ending_key(word)).or_insert_with(|| "[".into());
        if s.len() > 1 {
            s.push(',');
        }
        let _ = write!(s, "[{},{t}]", js(word));
    }
    by_end
        .into_iter()
        .map(|(end, mut s)| {
            s.push(']');
            OutputFile::bytes(
                format!("search/r/{}.json", shard_file(&end)),
                s.into_bytes(),
            )
        })
        .collect()
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
                "[{},{},{},{}]",
                js(&p.title),
                js(&p.path),
                coll_of[n * CARDS_PER_CHUNK + k],
                js(&p.summary)
            );
        }
        s.push(']');
        files.push(OutputFile::bytes(
            format!("search/c/{n}.json"),
            s.into_bytes(),
        ));
    }
    files
}

/// A page's path in a card: `*` stands for the slug of its title and the closing `/`
/// (`guides/07-water-plans/` of *Water plans* is `guides/07-*`). Paths are slugs and `/`, so a
/// path never holds a `*` of its own.
fn card_path(path: &str, title: &str) -> String {
    let tail = format!("{}/", crate::text::slugify(title));
    match path.strip_suffix(&tail) {
        Some(head) if tail.len() > 1 => format!("{head}*"),
        _ => path.to_string(),
    }
}

/// A section in a card: `[section, heading]`, with its anchor after the heading when it is not
/// the slug of the heading (or when the section has none: `null`).
fn card_section(s: &mut String, k: usize, sec: &super::SectionDoc) {
    let _ = write!(s, "[{k},{}", js(&sec.heading));
    match sec.anchor.as_deref() {
        Some(a) if a == crate::text::slugify(&sec.heading) => {}
        Some(a) => {
            let _ = write!(s, ",{}", js(a));
        }
        None => s.push_str(",null"),
    }
    s.push(']');
}

/// A term's postings as the browser reads them: page deltas as varints, each with its impact
/// byte.
fn term_postings(out: &mut Vec<u8>, term: &super::TermPostings) {
    let mut prev = 0u32;
    for p in &term.postings {
        varint(out, p.page - prev);
        out.push((p.impact / term.scale) as u8);
        prev = p.page;
    }
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
    tokens: &'a FxHashMap<(u32, usize), Tokens<'a, u32>>,
    forms: &'a FxHashMap<u32, FxHashSet<u32>>,
    cards: &'a [CardText],
    split: &'a FxHashSet<String>,
    small_groups: &'a FxHashMap<String, String>,
}

impl PartContext<'_> {
    /// The part file of `words`: header length, JSON header, postings.
    fn part(&self, words: &[Word]) -> Vec<u8> {
        let mut s = format!("{{\"g\":[{}],\"w\":[", self.split_groups(words).join(","));
        let terms = self.words(&mut s, words);
        s.push_str("],\"t\":[");
        let mut postings = Vec::new();
        // page → the sections its masks name in this part's tops
        let mut cards: std::collections::BTreeMap<u32, u32> = Default::default();
        for (i, &t) in terms.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let term = &self.model.terms[t as usize];
            let _ = write!(s, "[{t},{},{},", term.postings.len(), term.scale);
            self.top(&mut s, t);
            s.push(']');
            for &(page, mask) in &term.top {
                *cards.entry(page).or_insert(0) |= mask;
            }
            term_postings(&mut postings, term);
        }
        s.push_str("],\"c\":[");
        for (i, (&page, &mask)) in cards.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            self.card(&mut s, page, mask);
        }
        s.push_str("]}");
        let mut out = Vec::with_capacity(4 + s.len() + postings.len());
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
        out.extend_from_slice(&postings);
        out
    }

    /// The groups of `words` that span parts, as JSON: with their word list when it is small.
    fn split_groups(&self, words: &[Word]) -> Vec<String> {
        let mut split: Vec<String> = words
            .iter()
            .map(|(w, _)| shard_key(w))
            .filter(|k| self.split.contains(k))
            .collect();
        split.dedup();
        split
            .iter()
            .map(|k| match self.small_groups.get(k) {
                Some(list) => format!("[{},{list}]", js(k)),
                None => js(k),
            })
            .collect()
    }

    /// Write the part's `w` entries; the terms of its words, in order of first use.
    fn words(&self, s: &mut String, words: &[Word]) -> Vec<u32> {
        let mut terms: Vec<u32> = Vec::new();
        for (i, (word, term)) in words.iter().enumerate() {
            if let Some(t) = term
                && !terms.contains(t)
            {
                terms.push(*t);
            }
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{},{}", js(word), term.map_or(-1, i64::from));
            if let Some(syn) = self.model.synonyms.get(*word) {
                let shown: Vec<String> = syn.shown.iter().map(|x| js(x)).collect();
                let _ = write!(s, ",[{}]", shown.join(","));
            }
            s.push(']');
        }
        terms
    }

    /// A term's top: `[[page, mask, section, excerpt, marks], …, [page, mask], …]`.
    fn top(&self, s: &mut String, t: u32) {
        s.push('[');
        let empty = FxHashSet::default();
        let forms = self.forms.get(&t).unwrap_or(&empty);
        for (i, &(page, mask)) in self.model.terms[t as usize].top.iter().enumerate() {
            if i > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{page},{mask}");
            if i < HEAD {
                let section = excerpt_section(self.model, page, mask);
                let (snippet, marks) = match self.tokens.get(&(page, section)) {
                    Some(tokens) => excerpt_of(tokens, |f| forms.contains(f), EXCERPT_WIDTH),
                    None => (String::new(), Vec::new()),
                };
                // JavaScript strings count UTF-16 code units, not bytes
                let units = |byte: usize| snippet[..byte].encode_utf16().count();
                let _ = write!(s, ",{section},{},[", js(&snippet));
                for (j, (a, b)) in marks.iter().enumerate() {
                    if j > 0 {
                        s.push(',');
                    }
                    let _ = write!(s, "[{},{}]", units(*a), units(*b));
                }
                s.push(']');
            }
            s.push(']');
        }
        s.push(']');
    }

    /// A page's card: `[page, title, path, collection, summary, [[section, heading(, anchor)],
    /// …]]`, with the sections of `mask` that have an anchor or a heading (see [`card_path`]
    /// and [`card_section`]).
    fn card(&self, s: &mut String, page: u32, mask: u32) {
        let card = &self.cards[page as usize];
        s.push_str(&card.head);
        let mut first = true;
        for (k, section) in &card.sections {
            if mask & (1 << k) == 0 {
                continue;
            }
            if !first {
                s.push(',');
            }
            first = false;
            s.push_str(section);
        }
        s.push_str("]]");
    }
}

/// A page's card written once: a page's card goes into the head of every term it ranks high
/// for, with the sections that term occurs in.
struct CardText {
    /// `[page,title,path,collection,summary,[`
    head: String,
    /// (section number, `[section,heading(,anchor)]`) of the sections with an anchor or heading.
    sections: Vec<(usize, String)>,
}

fn card_texts(model: &SearchModel, coll_of: &[i64]) -> Vec<CardText> {
    model
        .pages
        .par_iter()
        .enumerate()
        .map(|(page, p)| CardText {
            head: format!(
                "[{page},{},{},{},{},[",
                js(&p.title),
                js(&card_path(&p.path, &p.title)),
                coll_of[page],
                js(&p.summary)
            ),
            sections: p
                .sections
                .iter()
                .enumerate()
                .take(super::MAX_SECTIONS)
                .filter(|(_, sec)| sec.anchor.is_some() || !sec.heading.is_empty())
                .map(|(k, sec)| {
                    let mut text = String::new();
                    card_section(&mut text, k, sec);
                    (k, text)
                })
                .collect(),
        })
        .collect()
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
            m.terms.push(super::super::TermPostings::new(
                w.clone(),
                (0..*df as u32)
                    .map(|page| super::super::Posting {
                        page,
                        impact: 1,
                        mask: 1,
                    })
                    .collect(),
            ));
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
