//! Build the tantivy index of a site and read the search model out of it.

use super::analyzer::{Analyzer, IndexTokenizer};
use super::{
    FacetValue, IMPACT_SCALE, MAX_SECTIONS, PageDoc, Posting, SearchModel, SectionDoc, TermPostings,
};
use crate::content::FieldValue;
use crate::content::PageKind;
use crate::graph::Site;
use crate::markdown::Rendered;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde_json::Value as Json;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

const TOKENIZER: &str = "kennisbank_nl";

/// The text fields of the index with their boosts.
type BoostedFields = Vec<(Field, f32)>;

/// Text fields and their boosts: a word in a title weighs three times a word in the body. The
/// values of a page's fields (with their labels) and the titles of the pages it is related to
/// (with the relation's name) are fields of their own; their boosts were chosen on the
/// relevance queries of `tests/relevance/` (see BENCHMARKS.md).
pub const FIELDS: [(&str, f32); 6] = [
    ("title", 3.0),
    ("headings", 2.0),
    ("summary", 1.5),
    ("body", 1.0),
    ("fields", FIELD_BOOST),
    ("related", RELATED_BOOST),
];
const FIELD_BOOST: f32 = 4.0;
const RELATED_BOOST: f32 = 2.0;

/// What a match on page `i` weighs: its own `search_weight`, else its collection's, else 1.
fn search_weight(site: &Site, i: usize) -> f64 {
    let page = &site.nodes[i].page;
    page.search_weight
        .or_else(|| {
            let c = page.collection.as_ref()?;
            site.config.collections.get(c)?.search_weight
        })
        .unwrap_or(1.0)
}

/// Which pages are searchable: every page but the home page and empty generated lists.
fn searchable(site: &Site, bodies: &[Rendered], i: usize) -> bool {
    let page = &site.nodes[i].page;
    match page.kind {
        PageKind::Home => false,
        PageKind::Section => !bodies[i].text.trim().is_empty(),
        _ => true,
    }
}

/// What the index is built from, taken out of the site so that it can be built on another
/// thread (`serve` builds it after the pages are shown).
pub struct SearchInput {
    pages: Vec<PageDoc>,
    /// The boost of each of [`FIELDS`], in that order ([`SearchInput::with_boosts`]).
    boosts: [f32; FIELDS.len()],
    facets: Facets,
    /// `[search.synonyms]` of site.toml.
    synonyms: Vec<(String, Vec<String>)>,
}

/// The searchable pages of a site and their facets; `collection_label` names the facet of the
/// collections (the theme's string `search.collection_facet`).
pub fn prepare(site: &Site, bodies: &[Rendered], collection_label: &str) -> SearchInput {
    let ids: Vec<usize> = (0..site.nodes.len())
        .filter(|&i| searchable(site, bodies, i) && search_weight(site, i) > 0.0)
        .collect();
    SearchInput {
        pages: ids.iter().map(|&i| page_doc(site, bodies, i)).collect(),
        boosts: FIELDS.map(|(_, boost)| boost),
        facets: facets(site, &ids, collection_label),
        synonyms: site
            .config
            .search
            .synonyms
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    }
}

impl SearchInput {
    /// The same input with other boosts for the fields named (the others keep theirs): how the
    /// boosts of [`FIELDS`] are measured on the relevance queries (`tests/relevance.rs`).
    pub fn with_boosts(mut self, boosts: &[(&str, f32)]) -> Self {
        for (name, boost) in boosts {
            if let Some(i) = FIELDS.iter().position(|(n, _)| n == name) {
                self.boosts[i] = *boost;
            }
        }
        self
    }
}

/// Build the index and the model from [`prepare`]d input.
pub fn build_prepared(
    input: SearchInput,
    laps: &mut Vec<(&'static str, std::time::Duration)>,
) -> Result<SearchModel, String> {
    let SearchInput {
        pages,
        boosts,
        facets,
        synonyms,
    } = input;

    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, laps: &mut Vec<(&'static str, std::time::Duration)>| {
        let now = std::time::Instant::now();
        laps.push((name, now - clock));
        clock = now;
    };
    let corpus = Corpus::tokenize(&pages);
    lap("  tokenize", laps);
    // The synonyms' keys belong to the dictionary too: the query splits words with it.
    let keys: Vec<String> = synonyms.iter().map(|(k, _)| k.clone()).collect();
    let mut analyzer = Analyzer::for_words(
        corpus
            .words
            .iter()
            .copied()
            .chain(keys.iter().map(String::as_str)),
    );
    let terms = TermTable::analyze(&mut analyzer, &corpus.words);
    let masks = corpus.section_masks(&terms.word_terms);
    lap("  analyze", laps);

    let (index, fields, page_field) = create_index(Arc::new(terms.tokenizer_map), &boosts)?;
    write_documents(&index, &fields, page_field, &pages)?;
    lap("  tantivy", laps);
    let scores = read_impacts(&index, &fields, page_field, &terms.ids)?;
    lap("  bm25", laps);

    let (terms, vocabulary) = postings(&pages, &terms.texts, terms.vocabulary, scores, &masks);
    let (facet_fields, facet_values, page_facets) = facets;
    let mut model = SearchModel {
        pages,
        vocabulary,
        terms,
        facet_fields,
        facet_values,
        page_facets,
        ..Default::default()
    };
    super::synonyms::add(&mut model, &synonyms);
    model.finish();
    lap("  model", laps);
    Ok(model)
}

/// Every distinct surface word analysed once, and the terms numbered as they are met.
struct TermTable {
    /// Term text → number.
    ids: FxHashMap<String, u32>,
    texts: Vec<String>,
    /// For each corpus word (by number), its terms.
    word_terms: Vec<Vec<u32>>,
    /// Folded surface word → its terms.
    vocabulary: BTreeMap<String, Vec<u32>>,
    /// Raw word → its terms' texts, for the tokenizer tantivy indexes with.
    tokenizer_map: FxHashMap<String, Vec<String>>,
}

impl TermTable {
    fn analyze(analyzer: &mut Analyzer, words: &[&str]) -> Self {
        let mut t = TermTable {
            ids: FxHashMap::default(),
            texts: Vec::new(),
            word_terms: Vec::with_capacity(words.len()),
            vocabulary: BTreeMap::new(),
            tokenizer_map: FxHashMap::default(),
        };
        for w in words {
            let Some(a) = analyzer.analyze(w) else {
                t.word_terms.push(Vec::new());
                continue;
            };
            let ts: Vec<u32> = a
                .terms
                .iter()
                .map(|term| {
                    *t.ids.entry(term.clone()).or_insert_with(|| {
                        t.texts.push(term.clone());
                        (t.texts.len() - 1) as u32
                    })
                })
                .collect();
            t.vocabulary.entry(a.folded).or_insert_with(|| ts.clone());
            t.tokenizer_map.insert(w.to_string(), a.terms);
            t.word_terms.push(ts);
        }
        t
    }
}

/// The model's postings from tantivy's scores: per term (in text order, so that the model does
/// not depend on hash order) and page, the summed score times the page's weight, and the
/// sections it occurs in; and the vocabulary with the terms renumbered.
fn postings(
    pages: &[PageDoc],
    term_texts: &[String],
    vocabulary: BTreeMap<String, Vec<u32>>,
    mut scores: Vec<Vec<(u32, f32)>>,
    masks: &[FxHashMap<u32, u32>],
) -> (Vec<TermPostings>, BTreeMap<String, Vec<u32>>) {
    let mut order: Vec<u32> = (0..term_texts.len() as u32).collect();
    order.sort_by(|&a, &b| term_texts[a as usize].cmp(&term_texts[b as usize]));
    let mut renumber = vec![0u32; term_texts.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old as usize] = new as u32;
    }
    let by_term: Vec<(u32, Vec<(u32, f32)>)> = order
        .iter()
        .map(|&old| (old, std::mem::take(&mut scores[old as usize])))
        .collect();
    let terms: Vec<TermPostings> = by_term
        .into_par_iter()
        .map(|(old, mut by_page)| {
            by_page.sort_by_key(|&(page, _)| page);
            let mut summed: Vec<(u32, f32)> = Vec::with_capacity(by_page.len());
            for (page, score) in by_page {
                match summed.last_mut() {
                    Some(last) if last.0 == page => last.1 += score,
                    _ => summed.push((page, score)),
                }
            }
            let postings = summed
                .into_iter()
                .map(|(page, score)| Posting {
                    page,
                    impact: impact(score, pages[page as usize].weight),
                    mask: masks[page as usize].get(&old).copied().unwrap_or(1),
                })
                .collect();
            TermPostings::new(term_texts[old as usize].clone(), postings)
        })
        .collect();
    let vocabulary = vocabulary
        .into_iter()
        .map(|(w, ts)| (w, ts.into_iter().map(|t| renumber[t as usize]).collect()))
        .collect();
    (terms, vocabulary)
}

/// A score as the integer both clients add: boost × BM25 × the page's weight, scaled, at least 1.
fn impact(score: f32, weight: f32) -> u32 {
    ((score * weight * IMPACT_SCALE).round() as u32).max(1)
}

/// Field values and related titles sit in no section: a hit on them alone links to the top of
/// the page, and they do not draw a hit away from the section its words occur in.
const NO_SECTION: usize = usize::MAX;

/// A page's texts as (section, word numbers); the title and summary count as section 0, field
/// values and related titles as [`NO_SECTION`].
type PageUnits = Vec<(usize, Vec<u32>)>;

/// The title, summary and section texts of a page, with the section each belongs to.
fn page_texts(p: &PageDoc) -> impl Iterator<Item = (usize, &str)> {
    [
        (0, p.title.as_str()),
        (0, p.summary.as_str()),
        (NO_SECTION, p.facts.as_str()),
        (NO_SECTION, p.related.as_str()),
    ]
    .into_iter()
    .chain(
        p.sections
            .iter()
            .enumerate()
            .map(|(k, s)| (k, s.text.as_str())),
    )
}

/// The searchable text split into words once: distinct surface words, and per page and
/// section the word numbers in order.
struct Corpus<'a> {
    words: Vec<&'a str>,
    /// For each page: (section, word numbers); the title and summary count as section 0.
    units: Vec<PageUnits>,
}

impl<'a> Corpus<'a> {
    fn tokenize(pages: &'a [PageDoc]) -> Self {
        // Chunks of pages are split in parallel, each numbering its own distinct words; then the
        // chunks' numbers are mapped to global ones in page order, so the numbers do not depend
        // on the threads. Only one chunk's words are held as strings at a time per thread.
        let chunks: Vec<(Vec<&'a str>, Vec<PageUnits>)> = pages
            .par_chunks(256)
            .map(|chunk| {
                let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
                let mut words: Vec<&'a str> = Vec::new();
                let units = chunk
                    .iter()
                    .map(|p| {
                        page_texts(p)
                            .map(|(section, text)| {
                                let seq = super::analyzer::words(text)
                                    .into_iter()
                                    .map(|(_, w)| {
                                        *ids.entry(w).or_insert_with(|| {
                                            words.push(w);
                                            (words.len() - 1) as u32
                                        })
                                    })
                                    .collect();
                                (section, seq)
                            })
                            .collect()
                    })
                    .collect();
                (words, units)
            })
            .collect();
        let mut ids: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut words: Vec<&'a str> = Vec::new();
        let mut units = Vec::with_capacity(pages.len());
        for (local_words, mut local_units) in chunks {
            let global: Vec<u32> = local_words
                .iter()
                .map(|w| {
                    *ids.entry(w).or_insert_with(|| {
                        words.push(w);
                        (words.len() - 1) as u32
                    })
                })
                .collect();
            for page in &mut local_units {
                for (_, seq) in page.iter_mut() {
                    seq.iter_mut().for_each(|w| *w = global[*w as usize]);
                }
            }
            units.extend(local_units);
        }
        Corpus { words, units }
    }

    /// For each page, the sections each term occurs in, as a bit mask.
    fn section_masks(&self, word_terms: &[Vec<u32>]) -> Vec<FxHashMap<u32, u32>> {
        self.units
            .par_iter()
            .map(|units| {
                let mut masks: FxHashMap<u32, u32> = FxHashMap::default();
                for (section, seq) in units {
                    let bit = match *section {
                        NO_SECTION => 0,
                        s => 1u32 << s.min(MAX_SECTIONS - 1),
                    };
                    for &w in seq {
                        for &t in &word_terms[w as usize] {
                            *masks.entry(t).or_insert(0) |= bit;
                        }
                    }
                }
                masks
            })
            .collect()
    }
}

fn page_doc(site: &Site, bodies: &[Rendered], i: usize) -> PageDoc {
    let node = &site.nodes[i];
    let page = &node.page;
    let body = &bodies[i];
    let sections = body
        .sections
        .iter()
        .enumerate()
        .map(|(k, s)| SectionDoc {
            anchor: s.anchor.clone(),
            heading: s.heading.clone(),
            text: body.section_text(k).to_string(),
        })
        .collect();
    let related = node
        .relations
        .iter()
        .chain(node.inverse.iter())
        .filter(|(_, links)| !links.is_empty())
        .map(|(name, links)| {
            let titles: Vec<&str> = links
                .iter()
                .map(|l| site.nodes[l.node].page.title.as_str())
                .collect();
            format!("{name}: {}\n", titles.join(", "))
        })
        .collect();
    PageDoc {
        title: page.title.clone(),
        path: page.path.clone(),
        collection: page.collection.clone(),
        summary: page.summary.clone().unwrap_or_default(),
        sections,
        facts: facts(site, page),
        related,
        weight: search_weight(site, i) as f32,
    }
}

/// A page's collection (its title and singular) and field values as text, one line a field:
/// `Label: value, value`, in the order the collection declares its fields (then any undeclared
/// ones). Dates and booleans are left out.
fn facts(site: &Site, page: &crate::content::Page) -> String {
    use crate::config::FieldKind;
    let declared = page
        .collection
        .as_ref()
        .and_then(|c| site.config.collections.get(c))
        .map(|cc| &cc.fields);
    let label = |name: &str| {
        declared
            .and_then(|f| f.get(name))
            .and_then(|spec| spec.label.clone())
            .unwrap_or_else(|| capitalise(name))
    };
    let is_searchable = |name: &str| {
        declared
            .and_then(|f| f.get(name))
            .is_none_or(|spec| !matches!(spec.kind, FieldKind::Date | FieldKind::Boolean))
    };
    let order = declared.into_iter().flat_map(|f| f.keys()).chain(
        page.fields
            .keys()
            .filter(|k| declared.is_none_or(|f| !f.contains_key(*k))),
    );
    // The collection's name first, so that `cases water` finds the cases related to water.
    let mut out = String::new();
    if let Some(cc) = page
        .collection
        .as_ref()
        .and_then(|c| site.config.collections.get(c))
    {
        out.push_str(&cc.title);
        if let Some(one) = &cc.singular {
            out.push_str(&format!(", {one}"));
        }
        out.push('\n');
    }
    for name in order {
        if let Some(value) = page
            .fields
            .get(name)
            .filter(|_| is_searchable(name))
            .and_then(field_text)
        {
            out.push_str(&format!("{}: {value}\n", label(name)));
        }
    }
    out
}

/// A field value as searchable text: list items joined by commas, a record's values by spaces;
/// none for a boolean.
fn field_text(v: &FieldValue) -> Option<String> {
    let joined = |parts: Vec<String>, sep: &str| (!parts.is_empty()).then(|| parts.join(sep));
    match v {
        FieldValue::Bool(_) => None,
        FieldValue::List(items) => joined(items.clone(), ", "),
        FieldValue::Records(records) => {
            let each = |r: &BTreeMap<String, String>| joined(r.values().cloned().collect(), " ");
            joined(records.iter().filter_map(each).collect(), ", ")
        }
        FieldValue::Undeclared(v) => json_text(v),
        other => other.scalar_text(),
    }
}

/// [`field_text`] for a value no schema declares.
fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Json::Object(map) => {
            let parts: Vec<String> = map.values().filter_map(json_text).collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        }
        Json::Bool(_) | Json::Null => None,
    }
}

/// The tantivy index, in memory: the model is read out of it and nothing reads it again.
fn create_index(
    terms: Arc<FxHashMap<String, Vec<String>>>,
    boosts: &[f32; FIELDS.len()],
) -> Result<(Index, BoostedFields, Field), String> {
    let mut schema = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields: Vec<(Field, f32)> = FIELDS
        .iter()
        .zip(boosts)
        .map(|((name, _), boost)| (schema.add_text_field(name, text.clone()), *boost))
        .collect();
    let page_field =
        schema.add_u64_field("page", NumericOptions::default().set_fast().set_stored());
    let schema = schema.build();
    let index = Index::create_in_ram(schema);
    index.tokenizers().register(
        TOKENIZER,
        IndexTokenizer {
            terms,
            token: Default::default(),
        },
    );
    Ok((index, fields, page_field))
}

fn write_documents(
    index: &Index,
    fields: &[(Field, f32)],
    page_field: Field,
    pages: &[PageDoc],
) -> Result<(), String> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    let mut writer: IndexWriter = index
        .writer_with_num_threads(threads, 20_000_000 * threads)
        .map_err(|e| format!("cannot open the search index writer: {e}"))?;
    for (id, p) in pages.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_u64(page_field, id as u64);
        doc.add_text(fields[0].0, &p.title);
        let headings: Vec<&str> = p
            .sections
            .iter()
            .map(|s| s.heading.as_str())
            .filter(|h| !h.is_empty())
            .collect();
        doc.add_text(fields[1].0, headings.join("\n"));
        doc.add_text(fields[2].0, &p.summary);
        let body: String = p
            .sections
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        doc.add_text(fields[3].0, body);
        doc.add_text(fields[4].0, &p.facts);
        doc.add_text(fields[5].0, &p.related);
        writer.add_document(doc).map_err(|e| e.to_string())?;
    }
    writer
        .commit()
        .map_err(|e| format!("cannot write the search index: {e}"))?;
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    Ok(())
}

/// For every term (by number), the pages it occurs in with boost × tantivy's BM25 score, once
/// per field it occurs in (the caller sums them).
fn read_impacts(
    index: &Index,
    fields: &[(Field, f32)],
    page_field: Field,
    term_ids: &FxHashMap<String, u32>,
) -> Result<Vec<Vec<(u32, f32)>>, String> {
    use tantivy::DocSet;
    use tantivy::postings::Postings;
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let mut out: Vec<Vec<(u32, f32)>> = vec![Vec::new(); term_ids.len()];
    for &(field, boost) in fields {
        let mut weights: FxHashMap<u32, tantivy::query::Bm25Weight> = FxHashMap::default();
        for segment in searcher.segment_readers() {
            let pages = segment
                .fast_fields()
                .u64(searcher.schema().get_field_name(page_field))
                .map_err(|e| e.to_string())?;
            let inverted = segment.inverted_index(field).map_err(|e| e.to_string())?;
            let norms = segment
                .get_fieldnorms_reader(field)
                .map_err(|e| e.to_string())?;
            let mut stream = inverted.terms().stream().map_err(|e| e.to_string())?;
            while stream.advance() {
                let Ok(text) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let Some(&id) = term_ids.get(text) else {
                    continue;
                };
                let weight = match weights.get(&id) {
                    Some(w) => w.clone(),
                    None => {
                        let term = Term::from_field_text(field, text);
                        let w = tantivy::query::Bm25Weight::for_terms(&searcher, &[term])
                            .map_err(|e| e.to_string())?
                            .boost_by(boost);
                        weights.insert(id, w.clone());
                        w
                    }
                };
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)
                    .map_err(|e| e.to_string())?;
                let entry = &mut out[id as usize];
                while postings.doc() != tantivy::TERMINATED {
                    let doc = postings.doc();
                    let page = pages.values.get_val(doc) as u32;
                    entry.push((
                        page,
                        weight.score(norms.fieldnorm_id(doc), postings.term_freq()),
                    ));
                    postings.advance();
                }
            }
        }
    }
    Ok(out)
}

/// Facet fields (name, label), their values, and each page's values.
type Facets = (Vec<(String, String)>, Vec<FacetValue>, Vec<Vec<u32>>);

/// The facets of the pages `ids`: the collection, every relation, and every enum or list field.
fn facets(site: &Site, ids: &[usize], collection_label: &str) -> Facets {
    let fields = facet_fields(&site.config, collection_label);
    let mut values = FacetValues::default();
    let page_facets = ids
        .iter()
        .map(|&i| values.of_page(site, &fields, i))
        .collect();
    (fields, values.values, page_facets)
}

/// The facet fields as (name, label): the collection first, then relations and enum and list
/// fields in the order the collections declare them.
fn facet_fields(config: &crate::config::Config, collection_label: &str) -> Vec<(String, String)> {
    use crate::config::FieldKind::{Enum, List};
    let mut fields: Vec<(String, String)> =
        vec![("collection".into(), collection_label.to_string())];
    for cc in config.collections.values() {
        for (name, spec) in &cc.relations {
            if !fields.iter().any(|(f, _)| f == name) {
                let label = config
                    .collections
                    .get(&spec.to)
                    .map_or(name.clone(), |c| c.title.clone());
                fields.push((name.clone(), label));
            }
        }
        for (name, spec) in &cc.fields {
            if matches!(spec.kind, Enum | List) && !fields.iter().any(|(f, _)| f == name) {
                let label = spec.label.clone().unwrap_or_else(|| capitalise(name));
                fields.push((name.clone(), label));
            }
        }
    }
    fields
}

/// Facet values, each once, numbered in order of first use.
#[derive(Default)]
struct FacetValues {
    values: Vec<FacetValue>,
    index: HashMap<(usize, String), u32>,
}

impl FacetValues {
    fn intern(&mut self, field: usize, value: &str, label: &str) -> u32 {
        let values = &mut self.values;
        *self
            .index
            .entry((field, value.to_string()))
            .or_insert_with(|| {
                values.push(FacetValue {
                    field,
                    value: value.to_string(),
                    label: label.to_string(),
                });
                (values.len() - 1) as u32
            })
    }

    /// The values of page `i`, sorted, each once.
    fn of_page(&mut self, site: &Site, fields: &[(String, String)], i: usize) -> Vec<u32> {
        let node = &site.nodes[i];
        let mut mine = Vec::new();
        if let Some(c) = &node.page.collection {
            let label = site.config.collections.get(c).map_or(c, |cc| &cc.title);
            mine.push(self.intern(0, c, label));
        }
        for (f, (name, _)) in fields.iter().enumerate().skip(1) {
            for l in node.relations.get(name).into_iter().flatten() {
                let target = &site.nodes[l.node].page;
                mine.push(self.intern(f, &target.slug, &target.title));
            }
            if let Some(value) = node.page.fields.get(name) {
                for item in value.as_str().into_iter().chain(value.strings()) {
                    mine.push(self.intern(f, item, item));
                }
            }
        }
        mine.sort_unstable();
        mine.dedup();
        mine
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
