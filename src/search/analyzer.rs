//! The one Dutch analyzer of kennisbank, used for the tantivy index and for the vocabulary that
//! the browser looks query words up in.
//!
//! The chain is tantivy's: `SimpleTokenizer`, `RemoveLongFilter`, `LowerCaser`,
//! `AsciiFoldingFilter` (before the stop words, so that `vóór` is dropped like `voor`),
//! `StopWordFilter` (Dutch, and a lone `s`: the plural ending of `thema's`, `3D's` that the split
//! at the apostrophe leaves) and `Stemmer` (Dutch). Two corrections, measured on the content:
//!
//! - **ge- protection.** Snowball 3's Dutch stemmer strips a `ge-` prefix or infix
//!   (`gemeente` → `meen`, `omgevingswet` → `omvingswet`), which conflates unrelated words. A word
//!   whose stem is not a prefix of the word (allowing the stemmer's last two letters) is stemmed
//!   with the Dutch Porter algorithm instead, which only touches suffixes.
//! - **Compounds.** A closed compound (`omgevingsvisie`, `gemeentesecretaris`) is indexed as the
//!   whole word and as its parts, split with a dictionary of the words the corpus itself uses on
//!   their own, so that `visie` finds *omgevingsvisie*.
//!
//! The browser never stems: it looks folded surface words up in a vocabulary exported from here.

use std::collections::{HashMap, HashSet};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Tokens longer than this (in bytes) are dropped, as tantivy's default analyzer does.
pub const MAX_TOKEN_BYTES: usize = 40;
/// Compound parts are at least this many letters long.
pub const MIN_PART: usize = 4;
/// Words shorter than this are never split.
const MIN_COMPOUND: usize = 8;

/// What one surface word becomes in the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The folded surface form, as the browser computes it from typed text.
    pub folded: String,
    /// Index terms: the stem of the word, then the stems of its compound parts. Empty for stop words.
    pub terms: Vec<String>,
}

/// Fold a query or surface word the way the browser does: the program's one fold.
pub use crate::text::fold;

/// Split text into words the way `SimpleTokenizer` does (runs of alphanumeric characters).
/// Returns byte offsets into `text`.
pub fn words(text: &str) -> Vec<(usize, &str)> {
    let mut tokenizer = SimpleTokenizer::default();
    let mut stream = tokenizer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        let t = stream.token();
        out.push((t.offset_from, &text[t.offset_from..t.offset_to]));
    }
    out
}

/// The analyzer with its corpus-derived compound dictionary and caches.
pub struct Analyzer {
    chain: TextAnalyzer,
    cache: HashMap<String, Option<Analysis>>,
    dictionary: HashSet<String>,
}

impl Analyzer {
    /// An analyzer whose compound dictionary is every folded non-stop word of the corpus with at
    /// least four letters; `words` are the corpus's distinct surface words.
    pub fn for_words<'a>(words: impl Iterator<Item = &'a str>) -> Self {
        let mut a = Analyzer {
            chain: TextAnalyzer::builder(RawTokenizer::default())
                .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES + 1))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .filter(
                    StopWordFilter::new(Language::Dutch)
                        .expect("tantivy ships a Dutch stop-word list"),
                )
                .filter(Stemmer::new(Language::Dutch))
                .build(),
            cache: HashMap::new(),
            dictionary: HashSet::new(),
        };
        for w in words {
            let folded = fold(w);
            if folded.chars().count() >= MIN_PART && a.stem_one(w).is_some() {
                a.dictionary.insert(folded);
            }
        }
        a
    }

    /// [`Analyzer::for_words`] on the distinct words of some texts.
    pub fn for_corpus<'a>(texts: impl Iterator<Item = &'a str>) -> Self {
        let mut seen: HashSet<&str> = HashSet::new();
        for text in texts {
            seen.extend(words(text).into_iter().map(|(_, w)| w));
        }
        let mut distinct: Vec<&str> = seen.into_iter().collect();
        distinct.sort_unstable();
        Analyzer::for_words(distinct.into_iter())
    }

    /// Stem one raw word with tantivy's chain; `None` for stop words and over-long words.
    fn stem_one(&mut self, raw: &str) -> Option<String> {
        // A lone `s` is what is left of `thema's` or `3D's` after the split at the apostrophe: a
        // plural ending, not a word; as a stop word it neither fills nor narrows a query.
        if raw == "s" || raw == "S" {
            return None;
        }
        let mut stream = self.chain.token_stream(raw);
        let mut stem = None;
        while stream.advance() {
            stem = Some(stream.token().text.clone());
        }
        let stem = stem?;
        let folded = fold(raw);
        let keep = stem.len().saturating_sub(2);
        let is_suffix_only = folded.is_char_boundary(keep.min(folded.len()))
            && stem.is_char_boundary(keep)
            && folded.starts_with(&stem[..keep]);
        if is_suffix_only {
            Some(stem)
        } else {
            Some(porter_stem(&folded))
        }
    }

    /// The analysis of one surface word (cached).
    pub fn analyze(&mut self, raw: &str) -> Option<Analysis> {
        if let Some(hit) = self.cache.get(raw) {
            return hit.clone();
        }
        let result = if raw.len() > MAX_TOKEN_BYTES {
            None
        } else {
            let folded = fold(raw);
            let mut terms = Vec::new();
            if let Some(stem) = self.stem_one(raw) {
                terms.push(stem);
                for part in self.compound_parts(&folded) {
                    if let Some(s) = self.stem_one(&part)
                        && !terms.contains(&s)
                    {
                        terms.push(s);
                    }
                }
            }
            Some(Analysis { folded, terms })
        };
        self.cache.insert(raw.to_string(), result.clone());
        result
    }

    /// The parts of a closed compound, when the whole word splits into dictionary words
    /// (optionally joined by a linking `s`); the split with the fewest parts wins.
    pub fn compound_parts(&self, folded: &str) -> Vec<String> {
        // byte offset of every character, and the end
        let bounds: Vec<usize> = folded
            .char_indices()
            .map(|(i, _)| i)
            .chain([folded.len()])
            .collect();
        let n = bounds.len() - 1;
        if n < MIN_COMPOUND || !folded.chars().all(char::is_alphabetic) {
            return Vec::new();
        }
        // best[i]: the fewest parts covering the first i characters, as (count, previous cut)
        let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
        best[0] = Some((0, 0));
        for start in 0..n {
            let Some((count, _)) = best[start] else {
                continue;
            };
            for end in (start + MIN_PART)..=n {
                if (start == 0 && end == n)
                    || !self
                        .dictionary
                        .contains(&folded[bounds[start]..bounds[end]])
                {
                    continue;
                }
                // a linking `s` (omgeving-s-visie) may follow a part
                let linked = end < n && folded[bounds[end]..].starts_with('s');
                for stop in [Some(end), linked.then_some(end + 1)].into_iter().flatten() {
                    if best[stop].is_none_or(|(c, _)| count + 1 < c) {
                        best[stop] = Some((count + 1, start));
                    }
                }
            }
        }
        let Some((count, _)) = best[n] else {
            return Vec::new();
        };
        if count < 2 {
            return Vec::new();
        }
        // walk the cuts back; a part ends where the next begins, or one character earlier
        // when a linking `s` sits between them
        let mut parts = Vec::new();
        let mut end = n;
        while end > 0 {
            let Some((_, start)) = best[end] else {
                return Vec::new();
            };
            let mut part_end = end;
            if !self
                .dictionary
                .contains(&folded[bounds[start]..bounds[part_end]])
            {
                part_end -= 1; // the linking `s`
            }
            parts.push(folded[bounds[start]..bounds[part_end]].to_string());
            end = start;
        }
        parts.reverse();
        parts
    }
}

fn porter_stem(word: &str) -> String {
    use std::borrow::Cow;
    let stemmer = frostem::Stemmer::new(frostem::Algorithm::DutchPorter);
    match stemmer.stem(word) {
        Cow::Borrowed(s) => s.to_string(),
        Cow::Owned(s) => s,
    }
}

/// The analyzer as a tantivy tokenizer, so that the index sees exactly the terms above. It
/// serves pre-analysed text: a map from surface word to its terms, filled by [`Analyzer`].
#[derive(Clone)]
pub struct IndexTokenizer {
    pub terms: std::sync::Arc<rustc_hash::FxHashMap<String, Vec<String>>>,
    /// Reused for every token, so that indexing allocates no string per word.
    pub token: Token,
}

/// Words split as tantivy's `SimpleTokenizer` splits them (runs of alphanumeric characters),
/// each replaced by the terms the analyzer gave it, at the word's position.
pub struct IndexTokenStream<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    terms: &'a rustc_hash::FxHashMap<String, Vec<String>>,
    /// Terms of the current word not yet handed out.
    pending: &'a [String],
    token: &'a mut Token,
    next_position: usize,
}

impl TokenStream for IndexTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            if let Some((first, rest)) = self.pending.split_first() {
                self.token.text.clear();
                self.token.text.push_str(first);
                self.pending = rest;
                return true;
            }
            let from = loop {
                match self.chars.next() {
                    None => return false,
                    Some((offset, c)) if c.is_alphanumeric() => break offset,
                    Some(_) => {}
                }
            };
            let to = self
                .chars
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(self.text.len(), |(offset, _)| offset);
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = self.next_position;
            self.token.position_length = 1;
            self.next_position += 1;
            self.pending = self
                .terms
                .get(&self.text[from..to])
                .map_or(&[], Vec::as_slice);
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

impl Tokenizer for IndexTokenizer {
    type TokenStream<'a> = IndexTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> IndexTokenStream<'a> {
        let IndexTokenizer { terms, token } = self;
        token.reset();
        IndexTokenStream {
            text,
            chars: text.char_indices(),
            terms,
            pending: &[],
            token,
            next_position: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        Analyzer::for_corpus(
            ["De gemeente en de gemeentesecretaris maken een omgevingsvisie. Een visie op de omgeving; de secretaris."]
                .into_iter(),
        )
    }

    #[test]
    fn ascii_and_unicode_words_fold_alike() {
        for (word, folded) in [
            ("Omgevingswet", "omgevingswet"),
            ("SÚDWEST", "sudwest"),
            ("Straße", "strasse"),
            ("3D's", "3d's"),
            ("ĲSSEL", "ijssel"),
        ] {
            assert_eq!(fold(word), folded, "{word}");
        }
    }

    #[test]
    fn stop_words_are_dropped_after_folding() {
        let mut a = analyzer();
        assert!(a.analyze("voor").unwrap().terms.is_empty());
        assert!(
            a.analyze("vóór").unwrap().terms.is_empty(),
            "folded before the stop-word filter"
        );
        assert_eq!(a.analyze("Vóór").unwrap().folded, "voor");
    }

    #[test]
    fn ge_words_keep_their_prefix() {
        let mut a = analyzer();
        let gemeente = a.analyze("gemeente").unwrap().terms[0].clone();
        let gemeenten = a.analyze("gemeenten").unwrap().terms[0].clone();
        assert_eq!(gemeente, gemeenten, "singular and plural share a term");
        assert!(gemeente.starts_with("gemeent"), "{gemeente}");
        assert_ne!(a.analyze("menen").unwrap().terms[0], gemeente);
        assert!(a.analyze("omgevingswet").unwrap().terms[0].starts_with("omgeving"));
    }

    #[test]
    fn compounds_are_indexed_whole_and_by_their_parts() {
        let a = analyzer();
        assert_eq!(
            a.compound_parts("omgevingsvisie"),
            vec!["omgeving", "visie"]
        );
        assert_eq!(
            a.compound_parts("gemeentesecretaris"),
            vec!["gemeente", "secretaris"]
        );
        assert!(a.compound_parts("secretaris").is_empty());
        let mut a = a;
        let terms = a.analyze("omgevingsvisie").unwrap().terms;
        assert_eq!(terms.len(), 3, "{terms:?}");
        assert_eq!(terms[2], a.analyze("visie").unwrap().terms[0]);
    }
}
