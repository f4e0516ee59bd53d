//! Relevance of search on the shipped knowledge base: each query must return its page in the
//! top three, whatever form the reader types it in. And search's promises on a fixture.

mod common;
use common::*;
use kennisbank::search::{SearchModel, parse_filters};
use kennisbank::{BuildOptions, compile};
use std::sync::OnceLock;

/// The answer to a query as `kennisbank search --json` and `/_search` write it.
fn answer(
    model: &SearchModel,
    config: &kennisbank::config::Config,
    query: &str,
    filters: &[u32],
    limit: usize,
) -> serde_json::Value {
    let answer = kennisbank::search::answer(model, config, query, filters, limit);
    serde_json::to_value(answer).expect("an answer serialises")
}

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
    assert_eq!(v["interpreted"], serde_json::json!([]));
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
    // no page has both words: the pages with one of them, flagged as partial (the first lesson
    // has *participatie* only as the title of its theme, a related page, so it ranks below the
    // theme itself)
    let v = search("voetnoot participatie");
    assert_eq!(
        (v["total"].as_u64(), v["partial"].as_bool()),
        (Some(3), Some(true))
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
            "/kenniskring/leren/lessen/eerste-les/",
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

// --- issue 14: what the index holds beyond the text, and what the query makes of a word -------

/// The fixture `search` (an English site of rivers, topics and a glossary), compiled.
fn rivers() -> &'static (SearchModel, kennisbank::config::Config) {
    static SITE: OnceLock<(SearchModel, kennisbank::config::Config)> = OnceLock::new();
    SITE.get_or_init(|| {
        let site = fixture("search");
        let c = compile(&BuildOptions {
            root: site.path().to_path_buf(),
            ..Default::default()
        })
        .expect("the search fixture compiles");
        (c.search, c.site.config)
    })
}

/// The answer of `query` on a site, as `kennisbank search --json` gives it.
fn json_of(site: &(SearchModel, kennisbank::config::Config), query: &str) -> serde_json::Value {
    answer(&site.0, &site.1, query, &[], 20)
}

/// The result paths of an answer, without the base path and the anchor.
fn paths(json: &serde_json::Value, base: &str) -> Vec<String> {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let url = r["url"].as_str().unwrap();
            let path = url.split('#').next().unwrap();
            path.strip_prefix(base).unwrap_or(path).to_string()
        })
        .collect()
}

fn river_paths(query: &str) -> Vec<String> {
    paths(&json_of(rivers(), query), "/rivers/")
}

fn interpreted(json: &serde_json::Value) -> Vec<(String, Vec<String>, String)> {
    json["interpreted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let shown = i["as"].as_array().unwrap();
            (
                i["word"].as_str().unwrap().to_string(),
                shown
                    .iter()
                    .map(|s| s.as_str().unwrap().to_string())
                    .collect(),
                i["how"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn field_values_are_searchable_with_their_labels() {
    // `Netherlands` is only a value of the `country` list; `Hook of Holland` of a string field,
    // 1233 of an integer field; the label `Countries` narrows to the pages that have it.
    assert_eq!(
        river_paths("netherlands"),
        ["rivers/ijssel/", "rivers/meuse/"]
    );
    assert_eq!(
        river_paths("countries netherlands"),
        ["rivers/ijssel/", "rivers/meuse/"]
    );
    assert_eq!(river_paths("hook holland"), ["rivers/rhine/"]);
    assert_eq!(river_paths("1233"), ["rivers/rhine/"]);
    assert_eq!(river_paths("free-flowing"), ["rivers/meuse/"]);
    // dates are not words to search for
    assert!(river_paths("2019").is_empty());
    // a field value links to the top of the page, not to a section
    let json = json_of(rivers(), "netherlands");
    assert!(!json["results"][0]["url"].as_str().unwrap().contains('#'));
}

#[test]
fn field_values_find_a_case_on_the_shipped_site() {
    assert_top3(
        "Zuid-Holland",
        "/praktijkvoorbeelden/drechtsteden-alblasserdam/",
    );
    let overijssel = urls("Overijssel", &[], 3);
    for case in ["borne", "almelo", "kampen"] {
        assert!(
            overijssel.iter().any(|u| u.contains(case)),
            "{case} is in Overijssel: {overijssel:?}"
        );
    }
    // a person of the `personen` records
    assert_top3("Rozendom", "/praktijkvoorbeelden/borne-mijn-borne-2030/");
}

#[test]
fn related_titles_find_pages_in_both_directions() {
    // The Rhine page does not say `floodplain`; it is related to the topic that does.
    let floodplain = river_paths("floodplain");
    assert!(
        floodplain.contains(&"rivers/rhine/".to_string()),
        "{floodplain:?}"
    );
    // ... and the topic page is found by the rivers that point to it
    let danube = river_paths("danube");
    assert_eq!(danube, ["rivers/danube/", "topics/shipping/"]);
    // the relation's name is indexed with the titles
    assert_eq!(
        river_paths("rivers shipping")[..3],
        ["topics/shipping/", "rivers/meuse/", "rivers/danube/"]
    );
}

#[test]
fn a_case_of_a_theme_ranks_for_the_theme_on_the_shipped_site() {
    // Issue 14: the Borne case, whose theme is participatie, was 11th for this query, behind
    // the sources list and the glossary.
    let got = urls("participatie omgevingswet", &[], 20);
    let at = |part: &str| got.iter().position(|u| u.contains(part));
    let borne = at("borne-mijn-borne-2030").expect("Borne is found");
    assert!(borne < 10, "Borne at {}: {got:#?}", borne + 1);
    for helper in ["/onderzoek/bronnen/", "/onderzoek/begrippen/"] {
        assert!(
            at(helper).is_none_or(|h| h > borne),
            "{helper} above Borne: {got:#?}"
        );
    }
    let cases = urls("praktijkvoorbeelden participatie", &[], 10);
    assert!(cases.iter().any(|u| u.contains("borne")), "{cases:#?}");
}

#[test]
fn a_collection_weighs_less_and_a_page_sets_its_own_weight() {
    let (model, _) = rivers();
    let score = |path: &str| {
        let json = json_of(rivers(), "floodplain");
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["url"].as_str().unwrap().ends_with(path))
            .map(|r| r["score"].as_f64().unwrap())
    };
    // Two glossary entries with the same text: the collection's weight 0.5 halves one; the other
    // sets its own weight back to 1. The topic that the glossary explains ranks first.
    let (half, own) = (
        score("glossary/terms/").unwrap(),
        score("glossary/terms-again/").unwrap(),
    );
    assert!((own / half - 2.0).abs() < 0.05, "{own} / {half}");
    assert_eq!(
        river_paths("floodplain")[0],
        "topics/floodplain-restoration/"
    );
    // weight 0: not searchable at all
    assert!(river_paths("pen").is_empty());
    assert!(!model.pages.iter().any(|p| p.path == "colophon/"));
}

#[test]
fn a_compound_the_site_does_not_use_is_split_into_its_words() {
    // Rhine-Meuse (indexed as two words) typed closed
    let json = json_of(rivers(), "rhinemeuse ");
    assert_eq!(paths(&json, "/rivers/"), ["rivers/meuse/", "rivers/rhine/"]);
    assert_eq!(
        interpreted(&json),
        [(
            "rhinemeuse".into(),
            vec!["rhine".into(), "meuse".into()],
            "compound".into()
        )]
    );
    // with the Dutch linking s: veiligheid + s + plan
    assert_eq!(river_paths("veiligheidsplan "), ["rivers/ijssel/"]);
    // the second word may be a compound of the site itself: danube + floodwall (flood + wall)
    let (model, _) = rivers();
    assert!(
        model.vocabulary["floodwall"].len() > 1,
        "floodwall is a compound"
    );
    let json = json_of(rivers(), "danubefloodwall");
    assert_eq!(paths(&json, "/rivers/"), ["rivers/danube/"]);
    assert_eq!(
        interpreted(&json),
        [(
            "danubefloodwall".into(),
            vec!["danube".into(), "floodwall".into()],
            "compound".into()
        )]
    );
    // a word the site uses is searched as itself, never split
    let exact = json_of(rivers(), "floodwall ");
    assert!(interpreted(&exact).is_empty());
    assert_eq!(paths(&exact, "/rivers/"), ["rivers/danube/"]);
    // ranked below an exact match: the split word weighs 3 where a word of the site weighs 4
    let split = json_of(rivers(), "rhinemeuse ")["results"][0]["score"]
        .as_f64()
        .unwrap();
    let both = json_of(rivers(), "rhine meuse")["results"][0]["score"]
        .as_f64()
        .unwrap();
    assert!(split < both / 2.0, "{split} against {both}");
}

#[test]
fn a_compound_finds_its_pages_on_the_shipped_site() {
    let (model, config) = shipped();
    let json = answer(model, config, "ettenleur", &[], 3);
    assert_eq!(
        json["results"][0]["url"],
        "/praktijkvoorbeelden/de6-roosendaal/"
    );
    assert_eq!(json["interpreted"][0]["how"], "compound");
    assert_eq!(
        json["interpreted"][0]["as"],
        serde_json::json!(["etten", "leur"])
    );
}

#[test]
fn synonyms_stand_for_a_word_or_several() {
    // `wfd = ["water framework directive"]`: the page that writes it out
    let json = json_of(rivers(), "WFD");
    assert_eq!(paths(&json, "/rivers/"), ["rivers/danube/"]);
    assert_eq!(
        interpreted(&json),
        [(
            "wfd".into(),
            vec!["water framework directive".into()],
            "synonym".into()
        )]
    );
    // an excerpt marks what the synonym stands for
    let excerpt = json["results"][0]["excerpt"].as_str().unwrap();
    let marked: Vec<&str> = json["results"][0]["marks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &excerpt[m[0].as_u64().unwrap() as usize..m[1].as_u64().unwrap() as usize])
        .collect();
    assert!(marked.contains(&"Framework"), "{marked:?} in {excerpt}");
    // every word of a multi-word synonym must be on the page: `european union` is not
    assert!(river_paths("eu").is_empty());
}

#[test]
fn the_shipped_site_knows_the_report_abbreviations() {
    for (abbreviation, page) in [
        ("Ow participatie", "/themas/participatie/"),
        ("DSO", "/themas/informatiemanagement-en-dso/"),
        ("Wmo", "/onderzoek/"),
        ("Friesland", "/praktijkvoorbeelden/"),
    ] {
        assert_top3(abbreviation, page);
    }
    let (model, config) = shipped();
    let json = answer(model, config, "ow", &[], 3);
    assert_eq!(
        json["interpreted"][0]["as"],
        serde_json::json!(["omgevingswet"])
    );
    assert!(json["total"].as_u64().unwrap() > 10, "{json}");
    // `3D's` splits at the apostrophe; the `s` left over is no word to search for
    let json = answer(model, config, "3D's", &[], 10);
    assert_eq!(json["interpreted"].as_array().unwrap().len(), 1, "{json}");
    assert_eq!(
        json["results"],
        answer(model, config, "3d", &[], 10)["results"]
    );
}

#[test]
fn what_was_searched_is_said() {
    let cases = [
        ("shiping", "shiping", vec!["shipping"], "typo"),
        ("floodpl", "floodpl", vec!["floodplain"], "prefix"),
        (
            "rhinemeuse",
            "rhinemeuse",
            vec!["rhine", "meuse"],
            "compound",
        ),
        ("wfd", "wfd", vec!["water framework directive"], "synonym"),
    ];
    for (query, word, shown, how) in cases {
        let json = json_of(rivers(), query);
        let shown: Vec<String> = shown.into_iter().map(String::from).collect();
        assert_eq!(
            interpreted(&json),
            [(word.to_string(), shown, how.to_string())],
            "{query}"
        );
    }
    // words searched as typed are not listed
    assert!(interpreted(&json_of(rivers(), "shipping locks")).is_empty());
    let (model, config) = shipped();
    let json = answer(model, config, "de particpatie", &[], 3);
    assert_eq!(
        json["interpreted"],
        serde_json::json!([{"word": "particpatie", "as": ["participatie"], "how": "typo"}])
    );
}

/// The pack's directory from the search page: (path under `search/`, offset, length), in order.
fn pack_directory(page: &str) -> (String, Vec<(String, usize, usize)>) {
    let attr = |name: &str| {
        let at = page.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        page[at..at + page[at..].find('"').unwrap()].to_string()
    };
    let (mut offset, mut part, mut members) = (0, 0, Vec::new());
    for token in attr("data-pack-members").split(' ') {
        let (path, size) = match token.split_once('=') {
            None => (format!("p/{part}.bin"), token),
            Some((name, size)) => (format!("{}/{}.json", &name[..1], &name[1..]), size),
        };
        part += usize::from(!token.contains('='));
        let size = usize::from_str_radix(size, 36).expect("a base-36 size");
        members.push((path, offset, size));
        offset += size;
    }
    (attr("data-pack"), members)
}

#[test]
fn the_pack_holds_every_part_and_word_list_gzipped_where_the_search_page_says() {
    let site = fixture("search");
    let out = site.path().join("public");
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = out.join("search/index.html");
    let (file, members) = pack_directory(&read(&page));
    assert!(
        file.starts_with("pack-") && file.ends_with(".pack"),
        "{file}"
    );
    let pack = std::fs::read(out.join("search").join(&file)).unwrap();
    let listed: std::collections::BTreeSet<&str> = members.iter().map(|m| m.0.as_str()).collect();
    for dir in ["p", "v", "r"] {
        let Ok(entries) = std::fs::read_dir(out.join("search").join(dir)) else {
            continue;
        };
        for entry in entries {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if !name.ends_with(".gz") {
                let path = format!("{dir}/{name}");
                assert!(listed.contains(path.as_str()), "{path} is not in the pack");
            }
        }
    }
    assert!(
        members.iter().any(|m| m.0.starts_with("r/")),
        "ending lists"
    );
    for (path, offset, size) in &members {
        let mut unpacked = Vec::new();
        let member = &pack[*offset..offset + size];
        if member.starts_with(&[0x1f, 0x8b]) {
            std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(member), &mut unpacked)
                .unwrap_or_else(|e| panic!("{path}: {e}"));
        } else {
            assert!(
                member.len() < 1024,
                "{path}: a file of 1 KB or more is gzipped"
            );
            unpacked = member.to_vec();
        }
        assert_eq!(
            unpacked,
            std::fs::read(out.join("search").join(path)).unwrap(),
            "{path}"
        );
    }
    let (last, offset, size) = members.last().unwrap();
    assert_eq!(offset + size, pack.len(), "{last} ends the pack");
}

#[test]
fn a_build_for_a_server_that_compresses_or_for_a_folder_has_no_pack() {
    let site = fixture("search");
    let page = site.path().join("public/search/index.html");
    for flag in ["--no-gzip", "--offline"] {
        let o = kennisbank(site.path(), &["build", flag]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(read(&page).contains("data-pack=\"\""), "{flag}");
        let packs = std::fs::read_dir(site.path().join("public/search")).unwrap();
        assert!(
            !packs
                .map(|e| e.unwrap().file_name())
                .any(|n| n.to_string_lossy().ends_with(".pack")),
            "{flag}"
        );
    }
}
