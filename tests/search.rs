//! Relevance of search on the shipped knowledge base: each query must return its page in the
//! top three, whatever form the reader types it in. And search's promises on a fixture.

mod common;
use common::*;
use kennisbank::search::{SearchModel, answer, parse_filters};
use kennisbank::{BuildOptions, compile};
use std::sync::OnceLock;

fn shipped() -> &'static (SearchModel, kennisbank::config::Config) {
    static SITE: OnceLock<(SearchModel, kennisbank::config::Config)> = OnceLock::new();
    SITE.get_or_init(|| {
        let c = compile(&BuildOptions {
            root: repo(),
            ..Default::default()
        })
        .expect("shipped site compiles");
        (c.search, c.site.config)
    })
}

fn urls(query: &str, filters: &[&str], limit: usize) -> Vec<String> {
    let (model, config) = shipped();
    let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
    let ids = parse_filters(model, &filters).expect("valid filters");
    let json = answer(model, config, query, &ids, limit);
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

fn assert_top3(query: &str, page: &str) {
    let got = urls(query, &[], 3);
    assert!(
        got.iter().any(|u| u.starts_with(page)),
        "`{query}`: expected {page} in the top 3, got {got:#?}"
    );
}

#[test]
fn exact_words_find_their_page() {
    assert_top3("participatie", "/themas/participatie/");
    assert_top3("verkiezingen", "/lessen/benut-de-verkiezingen/");
    assert_top3(
        "markdal",
        "/praktijkvoorbeelden/breda-omgevingsplan-markdal/",
    );
    assert_top3("belangenbehartiger", "/rollen/belangenbehartiger/");
    assert_top3("integraliteit", "/lessen/stuur-op-integraliteit/");
    assert_top3(
        "Drechtsteden",
        "/praktijkvoorbeelden/drechtsteden-alblasserdam/",
    );
    assert_top3("De6", "/praktijkvoorbeelden/de6-roosendaal/");
}

#[test]
fn several_words_find_the_page_that_has_them_all() {
    assert_top3("coach het college", "/lessen/coach-het-college/");
    assert_top3("regionale samenwerking", "/themas/regionale-samenwerking/");
    assert_top3("responsieve overheid", "/kwadranten/responsieve-overheid/");
    assert_top3(
        "digitaal stelsel",
        "/praktijkvoorbeelden/breda-digitale-stelsel/",
    );
    assert_top3(
        "transitie transformatie",
        "/onderzoek/transitie-en-transformatie/",
    );
}

#[test]
fn inflected_forms_find_the_same_page() {
    assert_top3(
        "decentralisaties",
        "/lessen/gebruik-decentralisaties-als-katalysator/",
    );
    assert_top3(
        "decentralisatie",
        "/lessen/gebruik-decentralisaties-als-katalysator/",
    );
    assert_top3(
        "vergiet",
        "/praktijkvoorbeelden/valkenswaard-vergieten-sessie/",
    );
}

#[test]
fn diacritics_and_case_are_folded() {
    assert_top3(
        "intervenieren",
        "/praktijkvoorbeelden/kampen-omgekeerd-intervenieren/",
    );
    assert_top3(
        "interveniëren",
        "/praktijkvoorbeelden/kampen-omgekeerd-intervenieren/",
    );
    assert_top3("SÚDWEST", "/praktijkvoorbeelden/sudwest-fryslan-expeditie/");
    assert_top3(
        "sudwest fryslan",
        "/praktijkvoorbeelden/sudwest-fryslan-expeditie/",
    );
}

#[test]
fn the_last_word_matches_as_a_prefix() {
    assert_top3("participa", "/themas/participatie/");
    assert_top3("belangenbeh", "/rollen/belangenbehartiger/");
    let with_space = urls("belangenbeh ", &[], 3);
    assert!(
        with_space.is_empty(),
        "a finished word is not a prefix: {with_space:?}"
    );
}

#[test]
fn typos_are_tolerated_below_exact_matches() {
    assert_top3("particpatie", "/themas/participatie/");
    assert_top3("verkiezignen", "/lessen/benut-de-verkiezingen/");
    assert!(urls("xyzzyqwert", &[], 3).is_empty());
}

#[test]
fn compound_parts_find_the_compound() {
    let (model, _) = shipped();
    // a page that has "omgevingsvisie" but never "visie" on its own is found by "visie"
    let only_in_compound = model
        .pages
        .iter()
        .find(|p| {
            let text: String = p.sections.iter().map(|s| s.text.to_lowercase()).collect();
            text.contains("omgevingsvisie")
                && !kennisbank::search::analyzer::words(&text)
                    .iter()
                    .any(|(_, w)| *w == "visie")
        })
        .expect("a page mentions omgevingsvisie only as a compound");
    let all = urls("visie ", &[], 100);
    assert!(
        all.iter()
            .any(|u| u.starts_with(&format!("/{}", only_in_compound.path))),
        "{} not found by `visie`",
        only_in_compound.path
    );
    let secretaris = urls("secretaris ", &[], 100);
    assert!(
        secretaris.len() > 10,
        "`secretaris` finds the gemeentesecretaris pages"
    );
}

#[test]
fn gemeente_does_not_match_menen() {
    let (model, _) = shipped();
    let gemeente = model.term_id("gemeente").unwrap();
    for w in ["menen", "meen", "mening"] {
        if let Some(t) = model.term_id(w) {
            assert_ne!(t, gemeente, "`{w}` shares a term with `gemeente`");
        }
    }
    assert_eq!(model.term_id("gemeenten"), Some(gemeente));
}

#[test]
fn facet_filters_keep_only_matching_pages() {
    let all = urls("gemeente ", &[], 100);
    let cases = urls("gemeente ", &["collection=praktijkvoorbeelden"], 100);
    assert!(!cases.is_empty() && cases.len() < all.len());
    assert!(
        cases.iter().all(|u| u.starts_with("/praktijkvoorbeelden/")),
        "{cases:?}"
    );
    let themed = urls(
        "gemeente ",
        &["themas=participatie", "collection=praktijkvoorbeelden"],
        100,
    );
    assert!(themed.iter().any(|u| u.contains("borne")), "{themed:?}");
    assert!(themed.len() < cases.len());
    let (model, _) = shipped();
    let err = parse_filters(model, &["thema=participatie".into()]).unwrap_err();
    assert!(err.contains("did you mean `themas`"), "{err}");
}

#[test]
fn results_link_to_the_heading_they_sit_under() {
    let (model, config) = shipped();
    let json = answer(model, config, "Súdwest-Fryslân expeditie", &[], 10);
    let hit = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            r["url"]
                .as_str()
                .unwrap()
                .starts_with("/themas/organisatieontwikkeling/")
        })
        .expect("the theme page's section on Súdwest-Fryslân is found");
    assert!(hit["url"].as_str().unwrap().contains('#'), "{hit}");
    assert!(
        hit["heading"].as_str().unwrap().contains("Súdwest"),
        "{hit}"
    );
    let excerpt = hit["excerpt"].as_str().unwrap();
    assert!(
        !hit["marks"].as_array().unwrap().is_empty(),
        "excerpt highlights: {excerpt}"
    );
}

#[test]
fn every_result_has_an_excerpt_even_for_a_title_match() {
    let (model, config) = shipped();
    for q in ["participatie", "verbinder", "coach het college", "markdal"] {
        let json = answer(model, config, q, &[], 5);
        for r in json["results"].as_array().unwrap() {
            assert!(
                !r["excerpt"].as_str().unwrap().trim().is_empty(),
                "`{q}`: empty excerpt for {}",
                r["url"]
            );
        }
    }
}

#[test]
fn cli_json_has_the_documented_shape() {
    let o = kennisbank(
        &repo(),
        &["search", "--json", "--limit", "2", "participatie"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["query"], "participatie");
    assert!(v["total"].as_u64().unwrap() >= 2);
    let r = &v["results"][0];
    for key in ["url", "title", "heading", "collection", "score", "excerpt"] {
        assert!(r.get(key).is_some(), "missing {key} in {r}");
    }
    let o = kennisbank(
        &repo(),
        &["search", "participatie", "--filter", "kwadrant=x"],
    );
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn cli_json_marks_the_words_and_flags_a_partial_answer() {
    let site = fixture("basic");
    let search = |q: &str| -> serde_json::Value {
        let o = kennisbank(site.path(), &["search", "--json", q]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    // one page has the word: it links to the section, and the marks are byte ranges of the
    // excerpt that hold the word
    let v = search("voetnoot");
    assert_eq!(
        (v["total"].as_u64(), v["partial"].as_bool()),
        (Some(1), Some(false))
    );
    let r = &v["results"][0];
    assert_eq!(
        r["url"],
        "/kenniskring/leren/lessen/tweede-les/#kop-met-accent"
    );
    assert_eq!(r["heading"], "Kop met áccent");
    let excerpt = r["excerpt"].as_str().unwrap();
    assert_eq!(
        excerpt,
        "Kop met áccent Tekst met een voetnoot. En een link terug naar Eerste les. De voetnoot."
    );
    assert_eq!(r["marks"], serde_json::json!([[30, 38], [78, 86]]));
    for m in r["marks"].as_array().unwrap() {
        let (a, b) = (
            m[0].as_u64().unwrap() as usize,
            m[1].as_u64().unwrap() as usize,
        );
        assert_eq!(&excerpt[a..b], "voetnoot");
    }
    // no page has both words: the pages with one of them, flagged as partial
    let v = search("voetnoot participatie");
    assert_eq!(
        (v["total"].as_u64(), v["partial"].as_bool()),
        (Some(2), Some(true))
    );
    let urls: Vec<&str> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "/kenniskring/leren/themas/participatie/",
            "/kenniskring/leren/lessen/tweede-les/#kop-met-accent"
        ]
    );
    // a word no page has finds nothing (not the pages of a word it begins with): with another
    // word the answer is partial, alone it is empty
    let v = search("voetnoot xyzzyqwert");
    assert_eq!(
        (v["total"].as_u64(), v["partial"].as_bool()),
        (Some(1), Some(true))
    );
    let v = search("xyzzyqwert");
    assert_eq!(
        (v["total"].as_u64(), v["partial"].as_bool()),
        (Some(0), Some(false))
    );
    assert_eq!(v["results"], serde_json::json!([]));
}

#[test]
fn drafts_are_not_searchable() {
    let site = fixture("basic");
    let c = compile(&BuildOptions {
        root: site.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap();
    let json = answer(&c.search, &c.site.config, "GEHEIMWOORD", &[], 10);
    assert_eq!(json["total"], 0);
    assert!(!c.search.vocabulary.contains_key("geheimwoord"));
}
