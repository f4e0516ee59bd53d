//! The query algorithm, shared in meaning with `search.js` in the default theme: the browser and
//! `kennisbank search` run it on the same integer impacts, so they return the same pages in the
//! same order. Change one, change the other, and the parity test will tell.
//!
//! 1. The query is split into words and folded ([`super::analyzer::fold`]); stop words are
//!    left out.
//! 2. Each word stands for one or more *slots* of index terms, each term with a weight; a page
//!    has the word when it has a term of every slot. A word of the vocabulary stands for its own
//!    term (weight 4); a synonym key of site.toml is such a word, whose term holds what it
//!    stands for ([`super::synonyms`]). A word the vocabulary does not know stands, in this
//!    order of trial:
//!    - when it is the last word and the query does not end with a space, for the words it
//!      begins (3: a partly typed word);
//!    - when it splits into two words of the dictionary the analyzer splits compounds with
//!      (words of four letters or more, the second not a rare compound; a linking `s` or `e`
//!      may sit between them), for those
//!      two, as two slots (3): `ettenleur` for *Etten-Leur*, `samenwerkingsvorm` for
//!      *samenwerking* and *vorm*. Of the splits, the longest first part wins;
//!    - when it has 5+ letters, for the words at edit distance 1 (2) or, for words of 9+
//!      letters, 2 (1).
//!
//!    Candidates of a partly typed word or a typo come from the word's group (its first three
//!    letters, [`super::shard_key`]), best first (prefixes: most pages first; typos: nearest,
//!    then most pages), at most [`MAX_EXPANSIONS`] words, from at most [`EXPANSION_PARTS`]
//!    parts of the export (the word's own and the first other one met), and stop once their
//!    terms hold more than [`EXPANSION_POSTINGS`] postings (the first is always taken): that
//!    bounds what the browser must fetch for a word.
//! 3. A page's score for a slot is the best impact × weight among the slot's terms; for a word,
//!    the mean over its slots (rounded down); for the query, the sum over words. Pages with
//!    every word come first (AND); when no page has them all, pages with the most words (OR),
//!    flagged as partial. Among pages with as many words, those among the best pages of some
//!    term of the query ([`super::TermPostings::top`]) come first: the browser has their cards
//!    with the terms' parts, so the first results of any query need no other file. (A term on
//!    at most [`super::TOP`] pages has them all among its best, so on a small site, or when a
//!    query word is rare, this changes nothing.)
//! 4. Filters keep pages with every given facet value. Ties go to the page that comes first in
//!    the site.
//! 5. A hit links to the section where most query words occur, as the section masks of the
//!    terms' best pages tell ([`super::TermPostings::top`]); on other pages, to the top.

use super::SearchModel;
use super::analyzer::{fold, words};
use serde::Serialize;
use std::collections::HashMap;

pub const EXACT: u64 = 4;
pub const PREFIX: u64 = 3;
pub const COMPOUND: u64 = 3;
pub const FUZZY_1: u64 = 2;
pub const FUZZY_2: u64 = 1;
pub const MAX_EXPANSIONS: usize = 50;
/// Expansion candidates are taken while their distinct terms hold at most this many postings.
pub const EXPANSION_POSTINGS: usize = 12_000;
/// Expansion candidates come from at most this many parts of the export.
pub const EXPANSION_PARTS: usize = 2;
pub const MIN_PREFIX: usize = 3;
/// A word the site does not use is corrected as a typo from this many characters on.
pub const MIN_TYPO: usize = 5;
/// How wide an excerpt is, in bytes of text around its first match: the same for the command
/// line, `/_search` and the browser's parts.
pub const EXCERPT_WIDTH: usize = 180;

/// How a word the site does not use as typed was searched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum How {
    Typo,
    Prefix,
    Compound,
    Synonym,
}

impl How {
    /// The name `--json` and the browser use for it.
    pub fn as_str(self) -> &'static str {
        match self {
            How::Typo => "typo",
            How::Prefix => "prefix",
            How::Compound => "compound",
            How::Synonym => "synonym",
        }
    }
}

/// A query word and the terms it stands for.
#[derive(Debug, Clone, Serialize)]
pub struct QueryWord {
    pub word: String,
    /// A page has the word when it has a term of every slot; each slot holds (term, weight),
    /// at most one entry per term.
    pub slots: Vec<Vec<(u32, u64)>>,
    /// The surface words that matched, for highlighting.
    pub forms: Vec<String>,
    /// How the word was interpreted, when it was not searched as typed.
    pub how: Option<How>,
    /// What it was searched as instead, best first.
    pub shown: Vec<String>,
}

impl QueryWord {
    fn new(word: &str) -> Self {
        QueryWord {
            word: word.to_string(),
            slots: Vec::new(),
            forms: Vec::new(),
            how: None,
            shown: Vec::new(),
        }
    }

    /// Every (term, weight) of every slot.
    pub fn terms(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.slots.iter().flatten().copied()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub page: u32,
    /// Σ over words of the word's score.
    pub score: u64,
    pub matched: usize,
    /// Whether the page is among the best pages of a term of the query
    /// ([`super::TermPostings::top`]).
    pub top: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub words: Vec<QueryWord>,
    pub hits: Vec<Hit>,
    /// True when no page has every word and the hits have only some.
    pub partial: bool,
}

/// Split and fold a query; the flag says whether the last word may be a prefix.
pub fn parse(query: &str) -> (Vec<String>, bool) {
    let query = crate::text::nfc(query);
    let ws: Vec<String> = words(&query)
        .into_iter()
        .map(|(_, w)| fold(w))
        .filter(|w| !w.is_empty())
        .collect();
    let prefix = !ws.is_empty() && !query.ends_with(char::is_whitespace);
    (ws, prefix)
}

/// Levenshtein distance over characters, stopping early above `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The terms one query word stands for; `None` for a stop word.
pub fn expand(model: &SearchModel, word: &str, is_last_prefix: bool) -> Option<QueryWord> {
    let mut qw = QueryWord::new(word);
    if let Some(terms) = model.vocabulary.get(word) {
        let &t = terms.first()?; // no term: a stop word
        qw.slots.push(vec![(t, EXACT)]);
        qw.forms.push(word.to_string());
        if let Some(s) = model.synonyms.get(word) {
            qw.how = Some(How::Synonym);
            qw.shown = s.shown.clone();
            qw.forms
                .extend(s.shown.iter().flat_map(|x| x.split(' ')).map(String::from));
        }
        return Some(qw);
    }
    let key = super::shard_key(word);
    // (word, term) of the word's group, stop words left out
    let group = || {
        model
            .vocabulary
            .range(key.clone()..)
            .take_while(|(v, _)| super::shard_key(v) == key)
            .filter_map(|(v, t)| t.first().map(|&t| (v.as_str(), t)))
    };
    let len = word.chars().count();
    if is_last_prefix && len >= MIN_PREFIX {
        let mut cands: Vec<(&str, u32)> = group().filter(|(v, _)| v.starts_with(word)).collect();
        cands.sort_by(|a, b| {
            model
                .doc_freq(b.1)
                .cmp(&model.doc_freq(a.1))
                .then(a.0.cmp(b.0))
        });
        let weighted = cands.into_iter().map(|(v, t)| (v, t, PREFIX));
        take_expansions(model, &mut qw, weighted, How::Prefix);
    }
    if qw.slots.is_empty()
        && let Some((head, h, tail, t)) = split(model, word)
    {
        qw.slots = vec![vec![(h, COMPOUND)], vec![(t, COMPOUND)]];
        qw.forms = vec![head.clone(), tail.clone()];
        qw.shown = vec![head, tail];
        qw.how = Some(How::Compound);
    }
    if qw.slots.is_empty() && len >= MIN_TYPO {
        let max = if len >= 9 { 2 } else { 1 };
        let mut cands: Vec<(&str, u32, usize)> = group()
            .map(|(v, t)| (v, t, edit_distance(word, v, max)))
            .filter(|&(_, _, d)| d <= max)
            .collect();
        cands.sort_by(|a, b| {
            a.2.cmp(&b.2)
                .then(model.doc_freq(b.1).cmp(&model.doc_freq(a.1)))
                .then(a.0.cmp(b.0))
        });
        let weighted = cands
            .into_iter()
            .map(|(v, t, d)| (v, t, if d == 1 { FUZZY_1 } else { FUZZY_2 }));
        take_expansions(model, &mut qw, weighted, How::Typo);
    }
    Some(qw)
}

/// A word the vocabulary does not know as two words of the dictionary, with a linking `s` or
/// `e` or nothing between them: (first, its term, second, its term). The second may be a
/// common compound itself (`regio` + `samenwerking`; see [`SearchModel::compound_tail`]). The
/// longest first part wins; then no linking letter, `s`, `e`.
pub fn split(model: &SearchModel, word: &str) -> Option<(String, u32, String, u32)> {
    use super::analyzer::MIN_PART;
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    if n < 2 * MIN_PART || !chars.iter().all(|c| c.is_alphabetic()) {
        return None;
    }
    for h in (MIN_PART..=n - MIN_PART).rev() {
        let head: String = chars[..h].iter().collect();
        let Some(head_term) = model.in_dictionary(&head) else {
            continue;
        };
        let rest: String = chars[h..].iter().collect();
        for link in ["", "s", "e"] {
            if let Some(tail) = rest.strip_prefix(link)
                && let Some(tail_term) = model.compound_tail(tail)
            {
                return Some((head, head_term, tail.to_string(), tail_term));
            }
        }
    }
    None
}

/// Add candidates (best first) to a word as one slot: at most [`MAX_EXPANSIONS`], from at most
/// [`EXPANSION_PARTS`] parts, and only while their distinct terms hold at most
/// [`EXPANSION_POSTINGS`] postings, the first always.
fn take_expansions<'a>(
    model: &SearchModel,
    qw: &mut QueryWord,
    cands: impl Iterator<Item = (&'a str, u32, u64)>,
    how: How,
) {
    let mut slot: Vec<(u32, u64)> = Vec::new();
    let mut postings = 0;
    let mut parts = vec![model.part_of(&qw.word)];
    for (v, t, weight) in cands.take(MAX_EXPANSIONS) {
        if let Some(entry) = slot.iter_mut().find(|(x, _)| *x == t) {
            entry.1 = entry.1.max(weight);
            qw.forms.push(v.to_string());
            continue;
        }
        let part = model.part_of(v);
        if !parts.contains(&part) && parts.len() >= EXPANSION_PARTS {
            continue;
        }
        let df = model.doc_freq(t);
        if !slot.is_empty() && postings + df > EXPANSION_POSTINGS {
            break;
        }
        postings += df;
        slot.push((t, weight));
        if !parts.contains(&part) {
            parts.push(part);
        }
        qw.forms.push(v.to_string());
    }
    if !slot.is_empty() {
        qw.slots.push(slot);
        qw.shown = qw.forms.clone();
        qw.how = Some(how);
    }
}

/// Per page, the word's score: the mean over its slots of the slot's best impact × weight, for
/// pages with a term of every slot.
fn word_scores(model: &SearchModel, qw: &QueryWord) -> HashMap<u32, u64> {
    let mut sums: HashMap<u32, (u64, usize)> = HashMap::new();
    for slot in &qw.slots {
        let mut best: HashMap<u32, u64> = HashMap::new();
        for &(t, weight) in slot {
            for p in &model.terms[t as usize].postings {
                let e = best.entry(p.page).or_insert(0);
                *e = (*e).max(u64::from(p.impact) * weight);
            }
        }
        for (page, score) in best {
            let e = sums.entry(page).or_insert((0, 0));
            e.0 += score;
            e.1 += 1;
        }
    }
    let n = qw.slots.len();
    sums.into_iter()
        .filter(|(_, (_, hit))| *hit == n)
        .map(|(page, (sum, _))| (page, sum / n as u64))
        .collect()
}

/// Run a query. `filters` are facet value indexes a page must all have.
pub fn search(model: &SearchModel, query: &str, filters: &[u32]) -> Results {
    let (ws, prefix) = parse(query);
    let n = ws.len();
    let qwords: Vec<QueryWord> = ws
        .iter()
        .enumerate()
        .filter_map(|(i, w)| expand(model, w, prefix && i + 1 == n))
        .collect();
    // page → (score, matched words)
    let mut acc: HashMap<u32, (u64, usize)> = HashMap::new();
    for qw in &qwords {
        for (page, score) in word_scores(model, qw) {
            let e = acc.entry(page).or_insert((0, 0));
            e.0 += score;
            e.1 += 1;
        }
    }
    let keep = |page: u32| {
        filters
            .iter()
            .all(|f| model.page_facets[page as usize].binary_search(f).is_ok())
    };
    let tops: std::collections::HashSet<u32> = qwords
        .iter()
        .flat_map(|w| w.terms())
        .flat_map(|(t, _)| model.terms[t as usize].top.iter().map(|(p, _)| *p))
        .collect();
    let all: Vec<Hit> = acc
        .iter()
        .filter(|(page, _)| keep(**page))
        .map(|(&page, &(score, matched))| Hit {
            page,
            score,
            matched,
            top: tops.contains(&page),
        })
        .collect();
    let complete: Vec<Hit> = all
        .iter()
        .filter(|h| h.matched == qwords.len())
        .cloned()
        .collect();
    let (mut hits, partial) = if complete.is_empty() {
        (all, true)
    } else {
        (complete, false)
    };
    hits.sort_by(|a, b| {
        b.matched
            .cmp(&a.matched)
            .then(b.top.cmp(&a.top))
            .then(b.score.cmp(&a.score))
            .then(a.page.cmp(&b.page))
    });
    let partial = partial && !hits.is_empty();
    Results {
        words: qwords,
        hits,
        partial,
    }
}

/// The section of a hit's page where most query words occur, by the section masks of the
/// terms whose best pages it is among; 0 (the top of the page) when it is among none.
pub fn section_of(model: &SearchModel, words: &[QueryWord], page: u32) -> usize {
    let masks: Vec<u32> = words
        .iter()
        .map(|w| {
            w.terms()
                .filter_map(|(t, _)| model.terms[t as usize].top_mask(page))
                .fold(0, |a, m| a | m)
        })
        .collect();
    best_section(&masks)
}

/// The section (bit) set in the most masks; the first such section on a tie.
pub fn best_section(masks: &[u32]) -> usize {
    let mut best = (0usize, 0usize);
    for s in 0..super::MAX_SECTIONS {
        let count = masks.iter().filter(|m| *m & (1 << s) != 0).count();
        if count > best.1 {
            best = (s, count);
        }
    }
    best.0
}

/// Counts of each facet value among the hits, for the filter list.
pub fn facet_counts(model: &SearchModel, hits: &[Hit]) -> Vec<(u32, usize)> {
    let mut counts: HashMap<u32, usize> = HashMap::new();
    for h in hits {
        for &f in &model.page_facets[h.page as usize] {
            *counts.entry(f).or_insert(0) += 1;
        }
    }
    let mut out: Vec<(u32, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// A text split into words once, each with a key to match it by (its folded form, or a number
/// standing for that), for repeated excerpts. Compact: the export keeps thousands at once.
pub struct Tokens<'a, K> {
    pub text: &'a str,
    /// (byte offset, byte length, key)
    pub words: Vec<(u32, u32, K)>,
}

impl<'a, K> Tokens<'a, K> {
    /// Split `text`; `key` turns each folded word into its key.
    pub fn new(text: &'a str, mut key: impl FnMut(String) -> K) -> Self {
        let words = words(text)
            .into_iter()
            .map(|(o, w)| (o as u32, w.len() as u32, key(fold(w))))
            .collect();
        Tokens { text, words }
    }
}

/// About `width` characters of `text` around the first occurrence of any of `forms` (or the
/// start), cut at word boundaries, with the matched words' byte ranges in the excerpt.
pub fn excerpt(text: &str, forms: &[String], width: usize) -> (String, Vec<(usize, usize)>) {
    let tokens = Tokens::new(text, |f| f);
    excerpt_of(&tokens, |f| forms.contains(f), width)
}

/// [`excerpt`] on a text split before; `is_match` gets the words' keys.
pub fn excerpt_of<K>(
    tokens: &Tokens<K>,
    is_match: impl Fn(&K) -> bool,
    width: usize,
) -> (String, Vec<(usize, usize)>) {
    let text = tokens.text;
    let ws: Vec<(usize, usize, &K)> = tokens
        .words
        .iter()
        .map(|(o, l, k)| (*o as usize, *l as usize, k))
        .collect();
    let first = ws.iter().position(|(_, _, k)| is_match(k)).unwrap_or(0);
    let start_word = first.saturating_sub(6);
    let start = ws.get(start_word).map_or(0, |(o, _, _)| *o);
    let mut end = text.len();
    for (o, len, _) in ws.iter().skip(start_word) {
        if o + len - start > width {
            end = *o;
            break;
        }
    }
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let base = out.len();
    out.push_str(text[start..end].trim_end());
    let marks = ws
        .iter()
        .filter(|(o, len, k)| *o >= start && o + len <= end && is_match(k))
        .map(|(o, len, _)| (base + o - start, base + o - start + len))
        .collect();
    if end < text.len() {
        out.push('…');
    }
    (out.replace('\n', " "), marks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_and_stops_early() {
        assert_eq!(edit_distance("particpant", "participant", 2), 1);
        assert_eq!(edit_distance("abc", "abc", 1), 0);
        assert_eq!(edit_distance("abcdef", "uvwxyz", 2), 3);
    }

    #[test]
    fn best_section_prefers_the_section_with_most_words() {
        assert_eq!(best_section(&[0b110, 0b100]), 2);
        assert_eq!(best_section(&[0b1, 0b10]), 0);
    }

    #[test]
    fn parse_folds_and_sees_a_trailing_space() {
        assert_eq!(
            parse("SÚDWEST  Fryslân"),
            (vec!["sudwest".to_string(), "fryslan".to_string()], true)
        );
        assert!(!parse("visie ").1);
    }
}
