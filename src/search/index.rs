//! Build the tantivy index of a site and read the search model out of it.

use super::analyzer::{Analyzer, IndexTokenizer, words};
use super::{
    FacetValue, IMPACT_SCALE, MAX_SECTIONS, PageDoc, Posting, SearchModel, SectionDoc, TermPostings,
};
use crate::content::PageKind;
use crate::graph::Site;
use crate::markdown::Rendered;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

const TOKENIZER: &str = "kennisbank_nl";

/// The text fields of the index with their boosts.
type BoostedFields = Vec<(Field, f32)>;

/// Text fields and their boosts: a word in a title weighs three times a word in the body.
const FIELDS: [(&str, f32); 4] = [
    ("title", 3.0),
    ("headings", 2.0),
    ("summary", 1.5),
    ("body", 1.0),
];

/// Which pages are searchable: every page but the home page and empty generated lists.
fn searchable(site: &Site, bodies: &[Rendered], i: usize) -> bool {
    let page = &site.nodes[i].page;
    match page.kind {
        PageKind::Home => false,
        PageKind::Section => !bodies[i].text.trim().is_empty(),
        _ => true,
    }
}

/// Build the index (in `dir`, or in memory when `None`) and the model.
pub fn build(site: &Site, bodies: &[Rendered], dir: Option<&Path>) -> Result<SearchModel, String> {
    let ids: Vec<usize> = (0..site.nodes.len())
        .filter(|&i| searchable(site, bodies, i))
        .collect();
    let pages: Vec<PageDoc> = ids.iter().map(|&i| page_doc(site, bodies, i)).collect();

    let texts = pages.iter().flat_map(|p| {
        [p.title.as_str(), p.summary.as_str()]
            .into_iter()
            .chain(p.sections.iter().map(|s| s.text.as_str()))
    });
    let mut analyzer = Analyzer::for_corpus(texts);
    let mut term_map: HashMap<String, Vec<String>> = HashMap::new();
    let mut vocabulary_terms: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in &pages {
        let all = [p.title.as_str(), p.summary.as_str()]
            .into_iter()
            .chain(p.sections.iter().map(|s| s.text.as_str()));
        for text in all {
            for (_, w) in words(text) {
                if term_map.contains_key(w) {
                    continue;
                }
                let Some(a) = analyzer.analyze(w) else {
                    continue;
                };
                vocabulary_terms
                    .entry(a.folded.clone())
                    .or_insert_with(|| a.terms.clone());
                term_map.insert(w.to_string(), a.terms);
            }
        }
    }
    let term_map = Arc::new(term_map);

    let (index, fields, page_field) = create_index(dir, term_map.clone())?;
    write_documents(&index, &fields, page_field, &pages)?;
    let scores = read_impacts(&index, &fields, page_field)?;
    let masks = section_masks(&pages, &term_map);

    let mut terms: Vec<TermPostings> = scores
        .into_iter()
        .map(|(term, by_page)| TermPostings {
            postings: by_page
                .into_iter()
                .map(|(page, score)| Posting {
                    page,
                    impact: ((score * IMPACT_SCALE).round() as u32).max(1),
                    mask: masks.get(&(term.clone(), page)).copied().unwrap_or(1),
                })
                .collect(),
            term,
        })
        .collect();
    terms.sort_by(|a, b| a.term.cmp(&b.term));
    let term_ids: HashMap<&str, u32> = terms
        .iter()
        .enumerate()
        .map(|(i, t)| (t.term.as_str(), i as u32))
        .collect();
    let vocabulary = vocabulary_terms
        .into_iter()
        .map(|(word, terms)| {
            let ids = terms
                .iter()
                .filter_map(|t| term_ids.get(t.as_str()).copied())
                .collect();
            (word, ids)
        })
        .collect();
    let (facet_fields, facet_values, page_facets) = facets(site, &ids);
    Ok(SearchModel {
        pages,
        vocabulary,
        terms,
        facet_fields,
        facet_values,
        page_facets,
    })
}

fn page_doc(site: &Site, bodies: &[Rendered], i: usize) -> PageDoc {
    let page = &site.nodes[i].page;
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
    PageDoc {
        title: page.title.clone(),
        path: page.path.clone(),
        collection: page.collection.clone(),
        summary: page.summary.clone().unwrap_or_default(),
        sections,
    }
}

fn create_index(
    dir: Option<&Path>,
    terms: Arc<HashMap<String, Vec<String>>>,
) -> Result<(Index, BoostedFields, Field), String> {
    let mut schema = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields: Vec<(Field, f32)> = FIELDS
        .iter()
        .map(|(name, boost)| (schema.add_text_field(name, text.clone()), *boost))
        .collect();
    let page_field =
        schema.add_u64_field("page", NumericOptions::default().set_fast().set_stored());
    let schema = schema.build();
    let index = match dir {
        Some(dir) => {
            let _ = std::fs::remove_dir_all(dir);
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the search cache {}: {e}", dir.display()))?;
            let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| e.to_string())?;
            Index::create(mmap, schema, Default::default()).map_err(|e| e.to_string())?
        }
        None => Index::create_in_ram(schema),
    };
    index
        .tokenizers()
        .register(TOKENIZER, IndexTokenizer { terms });
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
        .writer_with_num_threads(threads, 64_000_000 * threads)
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
        writer.add_document(doc).map_err(|e| e.to_string())?;
    }
    writer
        .commit()
        .map_err(|e| format!("cannot write the search index: {e}"))?;
    writer.wait_merging_threads().map_err(|e| e.to_string())?;
    Ok(())
}

/// For every term, the pages it occurs in and Σ over fields of boost × tantivy's BM25 score.
fn read_impacts(
    index: &Index,
    fields: &[(Field, f32)],
    page_field: Field,
) -> Result<BTreeMap<String, BTreeMap<u32, f32>>, String> {
    let reader = index.reader().map_err(|e| e.to_string())?;
    let searcher = reader.searcher();
    let mut out: BTreeMap<String, BTreeMap<u32, f32>> = BTreeMap::new();
    for &(field, boost) in fields {
        let mut weights: HashMap<Vec<u8>, tantivy::query::Bm25Weight> = HashMap::new();
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
                let key = stream.key().to_vec();
                let Ok(text) = String::from_utf8(key.clone()) else {
                    continue;
                };
                let weight = match weights.get(&key) {
                    Some(w) => w.clone(),
                    None => {
                        let term = Term::from_field_text(field, &text);
                        let w = tantivy::query::Bm25Weight::for_terms(&searcher, &[term])
                            .map_err(|e| e.to_string())?
                            .boost_by(boost);
                        weights.insert(key.clone(), w.clone());
                        w
                    }
                };
                let mut postings = inverted
                    .read_postings_from_terminfo(stream.value(), IndexRecordOption::WithFreqs)
                    .map_err(|e| e.to_string())?;
                use tantivy::DocSet;
                use tantivy::postings::Postings;
                let entry = out.entry(text).or_default();
                while postings.doc() != tantivy::TERMINATED {
                    let doc = postings.doc();
                    let page = pages.values.get_val(doc) as u32;
                    *entry.entry(page).or_insert(0.0) +=
                        weight.score(norms.fieldnorm_id(doc), postings.term_freq());
                    postings.advance();
                }
            }
        }
    }
    Ok(out)
}

/// Which sections of each page every term occurs in. The title and summary belong to section 0.
fn section_masks(
    pages: &[PageDoc],
    term_map: &HashMap<String, Vec<String>>,
) -> HashMap<(String, u32), u32> {
    let mut masks: HashMap<(String, u32), u32> = HashMap::new();
    for (id, p) in pages.iter().enumerate() {
        let mut mark = |text: &str, section: usize| {
            let bit = 1u32 << section.min(MAX_SECTIONS - 1);
            for (_, w) in words(text) {
                for t in term_map.get(w).into_iter().flatten() {
                    *masks.entry((t.clone(), id as u32)).or_insert(0) |= bit;
                }
            }
        };
        mark(&p.title, 0);
        mark(&p.summary, 0);
        for (k, s) in p.sections.iter().enumerate() {
            mark(&s.text, k);
        }
    }
    masks
}

/// Facet fields: the collection, every relation, and every enum or list field.
/// Facet fields (name, label), their values, and each page's values.
type Facets = (Vec<(String, String)>, Vec<FacetValue>, Vec<Vec<u32>>);

fn facets(site: &Site, ids: &[usize]) -> Facets {
    let config = &site.config;
    let mut fields: Vec<(String, String)> = vec![("collection".into(), "Soort".into())];
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
            use crate::config::FieldKind::{Enum, List};
            if matches!(spec.kind, Enum | List) && !fields.iter().any(|(f, _)| f == name) {
                let label = spec.label.clone().unwrap_or_else(|| capitalise(name));
                fields.push((name.clone(), label));
            }
        }
    }
    let mut values: Vec<FacetValue> = Vec::new();
    let mut index: HashMap<(usize, String), u32> = HashMap::new();
    let mut intern =
        |field: usize, value: String, label: String, values: &mut Vec<FacetValue>| -> u32 {
            *index.entry((field, value.clone())).or_insert_with(|| {
                values.push(FacetValue {
                    field,
                    value,
                    label,
                });
                (values.len() - 1) as u32
            })
        };
    let mut page_facets = Vec::with_capacity(ids.len());
    for &i in ids {
        let node = &site.nodes[i];
        let mut mine = Vec::new();
        if let Some(c) = &node.page.collection {
            let label = config
                .collections
                .get(c)
                .map_or(c.clone(), |cc| cc.title.clone());
            mine.push(intern(0, c.clone(), label, &mut values));
        }
        for (f, (name, _)) in fields.iter().enumerate().skip(1) {
            if let Some(links) = node.relations.get(name) {
                for l in links {
                    let target = &site.nodes[l.node].page;
                    mine.push(intern(
                        f,
                        target.slug.clone(),
                        target.title.clone(),
                        &mut values,
                    ));
                }
            }
            match node.page.fields.get(name) {
                Some(serde_json::Value::String(s)) => {
                    mine.push(intern(f, s.clone(), s.clone(), &mut values))
                }
                Some(serde_json::Value::Array(items)) => {
                    for item in items.iter().filter_map(|v| v.as_str()) {
                        mine.push(intern(f, item.to_string(), item.to_string(), &mut values));
                    }
                }
                _ => {}
            }
        }
        mine.sort_unstable();
        mine.dedup();
        page_facets.push(mine);
    }
    (fields, values, page_facets)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}
