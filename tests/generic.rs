//! kennisbank as a generator for any knowledge base: `init` in both languages, the built-in theme
//! with no theme folder, UI text per language, a site's own templates, theme and strings, an
//! English site with its own collections and every view, and no trace of the shipped knowledge
//! base in the engine or the default theme.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A new site written by `kennisbank init` in a temporary folder.
fn init_site(language: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("site");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .args(["init", dir.to_str().unwrap(), "--language", language])
        .output()
        .unwrap();
    assert!(out.status.success(), "init: {}", stderr(&out));
    (tmp, dir)
}

/// Build the site at `root` into `root/../public`; returns every HTML file by path.
fn build_html(root: &Path) -> BTreeMap<String, String> {
    let out_dir = root.parent().unwrap().join("public");
    let out = kennisbank(root, &["build", "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "build: {}", stderr(&out));
    assert!(
        stderr(&out).contains(" 0 warnings"),
        "build warned: {}",
        stderr(&out)
    );
    read_tree(&out_dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

/// A copy of `tests/fixtures/<name>` alone: the built-in theme serves it.
fn bare_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &repo().join("tests/fixtures").join(name),
        &dir.path().join("site"),
    );
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn init_writes_a_site_that_checks_and_builds_in_both_languages() {
    for (language, pages) in [
        (
            "nl",
            [
                "onderwerpen/samenwerken/",
                "voorbeelden/buurtoverleg/",
                "toegankelijkheid/",
            ],
        ),
        (
            "en",
            [
                "topics/working-together/",
                "examples/neighbourhood-meeting/",
                "accessibility/",
            ],
        ),
    ] {
        let (_tmp, dir) = init_site(language);
        assert!(!dir.join("themes").exists(), "init writes no theme");
        let check = kennisbank(&dir, &["check"]);
        assert!(check.status.success(), "{language}: {}", stderr(&check));
        assert!(stderr(&check).contains("0 warnings"), "{}", stderr(&check));
        let html = build_html(&dir);
        for page in pages {
            let file = format!("{page}index.html");
            let text = html
                .get(&file)
                .unwrap_or_else(|| panic!("{language}: no {file}"));
            assert!(
                text.contains(&format!("<html lang=\"{language}\">")),
                "{file}"
            );
        }
        // The accessibility statement is linked from every page's footer.
        let statement = pages[2];
        assert!(html["index.html"].contains(&format!("href=\"/{}/{statement}\"", base(language))));
    }
}

/// The path of the starter sites' base_url.
fn base(language: &str) -> &'static str {
    if language == "nl" {
        "kennisbank"
    } else {
        "knowledge"
    }
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .args(["init", tmp.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not empty"), "{}", stderr(&out));
    assert_eq!(read(tmp.path().join("notes.txt")), "mine");
    assert!(!tmp.path().join("site.toml").exists());
}

#[test]
fn version_is_printed() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(
        stdout(&out).trim(),
        format!("kennisbank {}", env!("CARGO_PKG_VERSION"))
    );
}

/// The texts of a string table of the default theme, by key (plurals as both forms). Lists of
/// single words (months, the map's corners: `links` is English too) are left out.
fn theme_strings(language: &str) -> BTreeMap<String, Vec<String>> {
    let text = read(repo().join(format!("themes/default/i18n/{language}.toml")));
    let table: toml::Table = toml::from_str(&text).unwrap();
    let mut out = BTreeMap::new();
    flatten(&table, "", &mut out);
    out
}

fn flatten(table: &toml::Table, prefix: &str, out: &mut BTreeMap<String, Vec<String>>) {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        match v {
            toml::Value::String(s) => {
                out.insert(key, vec![s.clone()]);
            }
            toml::Value::Table(t) if t.contains_key("one") => {
                let forms = t
                    .values()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect();
                out.insert(key, forms);
            }
            toml::Value::Table(t) => flatten(t, &format!("{key}."), out),
            _ => {}
        }
    }
}

/// The fixed part of a text (before its first `{argument}`), as HTML escapes it.
fn fixed_part(text: &str) -> String {
    let head = text.split('{').next().unwrap_or(text).trim();
    head.replace('&', "&amp;")
        .replace('\'', "&#39;")
        .replace('"', "&quot;")
}

#[test]
fn an_english_site_shows_no_dutch_text_of_the_theme() {
    let nl = theme_strings("nl");
    let en = theme_strings("en");
    assert_eq!(
        nl.keys().collect::<Vec<_>>(),
        en.keys().collect::<Vec<_>>(),
        "both tables have the same keys"
    );
    // Dutch texts that English does not share, long enough to be telling.
    let dutch: Vec<String> = nl
        .iter()
        .flat_map(|(k, texts)| texts.iter().map(move |t| (k, t)))
        .filter(|(k, t)| !en[*k].contains(t))
        .map(|(_, t)| fixed_part(t))
        .filter(|t| t.chars().count() >= 5)
        .collect();
    assert!(dutch.len() > 40, "{} Dutch texts", dutch.len());
    let (_tmp, dir) = init_site("en");
    let mut sites = vec![build_html(&dir)];
    let fixture = bare_fixture("generic");
    sites.push(build_html(&fixture.path().join("site")));
    for html in &sites {
        for (file, text) in html {
            for d in &dutch {
                assert!(!contains_word(text, d), "{file} holds the Dutch text `{d}`");
            }
            if !text.contains("http-equiv=\"refresh\"") {
                assert!(text.contains("content=\"en_GB\""), "{file}: og:locale");
            }
        }
    }
}

#[test]
fn an_unsupported_language_names_its_line_and_the_supported_ones() {
    let (_tmp, dir) = init_site("en");
    edit(
        &dir.join("site.toml"),
        "language = \"en\"",
        "language = \"fr\"",
    );
    let out = kennisbank(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "site.toml:6:12: language `fr` is not supported: the theme has string tables for en, nl; \
             choose one of them, or add i18n/fr.toml to a theme folder"
        ),
        "{err}"
    );
}

#[test]
fn a_site_overrides_one_template_one_static_file_and_one_string() {
    let (_tmp, dir) = init_site("nl");
    std::fs::create_dir_all(dir.join("templates/partials")).unwrap();
    std::fs::write(
        dir.join("templates/partials/footer.html"),
        "<footer class=\"site-footer\"><p>Eigen voet van {{ site.title }}</p></footer>\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("static")).unwrap();
    std::fs::write(dir.join("static/print.css"), "body { color: black; }\n").unwrap();
    let toml = read(dir.join("site.toml"));
    std::fs::write(
        dir.join("site.toml"),
        format!("{toml}\n[strings]\nsearch.button = \"Vind\"\npage.related = \"Zie ook\"\n"),
    )
    .unwrap();
    let html = build_html(&dir);
    let page = &html["onderwerpen/samenwerken/index.html"];
    assert!(
        page.contains("<p>Eigen voet van Mijn kennisbank</p>"),
        "{page}"
    );
    assert!(page.contains("<button type=\"submit\">Vind</button>"));
    assert!(
        page.contains(">Zie ook</h2>"),
        "the inverse relation's heading"
    );
    // The rest of the theme is still the built-in one.
    assert!(page.contains("class=\"skip-link\""));
    let out = read_tree(&dir.parent().unwrap().join("public"));
    let print = out
        .iter()
        .find(|(p, _)| p.starts_with("print.") && p.ends_with(".css"))
        .expect("the print stylesheet");
    assert_eq!(print.1, b"body { color: black; }\n");
}

#[test]
fn a_theme_folder_overrides_the_built_in_theme_file_by_file() {
    let (_tmp, dir) = init_site("en");
    edit(
        &dir.join("site.toml"),
        "language = \"en\"",
        "language = \"en\"\ntheme = \"water\"",
    );
    std::fs::create_dir_all(dir.join("themes/water/templates/partials")).unwrap();
    std::fs::write(
        dir.join("themes/water/templates/partials/breadcrumbs.html"),
        "<p class=\"water-crumbs\">{{ page.title }}</p>\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("themes/water/i18n")).unwrap();
    std::fs::write(
        dir.join("themes/water/i18n/en.toml"),
        "[page]\nnext = \"Onwards\"\n",
    )
    .unwrap();
    let html = build_html(&dir);
    let page = &html["topics/working-together/index.html"];
    assert!(
        page.contains("<p class=\"water-crumbs\">Working together</p>"),
        "{page}"
    );
    assert!(
        page.contains("class=\"site-footer\""),
        "the built-in footer stays"
    );
    // A key the theme's table sets replaces the built-in one; the others stay.
    let theme = std::fs::read_to_string(dir.join("themes/water/i18n/en.toml")).unwrap();
    assert!(theme.contains("Onwards"));
    assert!(html["index.html"].contains("Skip to content"));
}

#[test]
fn a_missing_theme_or_an_unknown_string_is_an_error_with_the_fix() {
    let (_tmp, dir) = init_site("en");
    edit(
        &dir.join("site.toml"),
        "language = \"en\"",
        "language = \"en\"\ntheme = \"nowhere\"",
    );
    let err = stderr(&kennisbank(&dir, &["check"]));
    assert!(
        err.contains("site.toml:7:9: theme `nowhere` not found: no folder themes/nowhere; remove `theme` to use the built-in theme"),
        "{err}"
    );
    edit(&dir.join("site.toml"), "theme = \"nowhere\"", "");
    let toml = read(dir.join("site.toml"));
    std::fs::write(
        dir.join("site.toml"),
        format!("{toml}\n[strings]\nsearch.buton = \"Find\"\n"),
    )
    .unwrap();
    let out = kennisbank(&dir, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "[strings]: the theme has no string `search.buton`; did you mean `search.button`?"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_english_site_with_its_own_collections_renders_every_view() {
    let tmp = bare_fixture("generic");
    let html = build_html(&tmp.path().join("site"));
    let home = &html["index.html"];
    // The whole map: four quadrants, markers of both kinds, the overlay's figures in English.
    assert_eq!(home.matches("class=\"qm qm-full\"").count(), 1);
    for quadrant in ["lawful", "performing", "cooperating", "responsive"] {
        assert!(
            home.contains(&format!("data-quadrant=\"{quadrant}\"")),
            "{quadrant}"
        );
    }
    assert!(
        home.contains("aria-label=\"G1 Start small\""),
        "a guide marker"
    );
    assert!(
        home.contains("aria-label=\"C1 Delta Town\""),
        "a case marker"
    );
    assert!(home.contains("The map as a list"));
    assert!(
        home.contains("Preferred style (Survey 2025): Now 12.5%, Later 20%"),
        "{home}"
    );
    assert!(home.contains(">top left: From government to society, steering by rules<"));
    // A guide has the small map with its quadrant ticked.
    let guide = &html["guides/start-small/index.html"];
    assert!(guide.contains("class=\"qm qm-small\""));
    assert!(guide.contains("aria-label=\"Cooperating government (belongs to this page)\""));
    // The chart: the figures with a decimal point, its source and its table.
    let survey = &html["survey/index.html"];
    assert!(survey.contains("<span class=\"chart-source\">Source: Survey 2025, table 2</span>"));
    assert!(survey.contains("<td>12.5</td>"));
    assert!(survey.contains("Grouped bar chart: Preferred style, now and later with 4 rows."));
    // The matrices, both ways.
    let overview = &html["overview/index.html"];
    assert!(overview.contains(
        "<caption>Guides and styles<span class=\"matrix-note\">● = linked; the reason is given</span>"
    ));
    assert!(
        overview.contains(
            "<p class=\"matrix-why\">Working with residents is cooperation (table 2).</p>"
        )
    );
    assert!(overview.contains("data-rows=\"styles\" data-relation=\"cases\""));
    assert!(
        overview
            .contains("<td class=\"matrix-hit\" data-row=\"cooperating\" data-col=\"delta-town\">")
    );
    // Paths of the theme's own pages follow the language.
    assert!(html.contains_key("search/index.html"));
    assert!(html["404.html"].contains("<h1>Page not found</h1>"));
    // The footer's Markdown and its link to a page.
    assert!(home.contains("Kept by the <em>water editors</em>."));
    assert!(home.contains("<a href=\"/water/about/\">About</a>"));
}

#[test]
fn a_footer_link_to_a_missing_page_is_an_error() {
    let tmp = bare_fixture("generic");
    let site = tmp.path().join("site");
    edit(
        &site.join("site.toml"),
        "to = \"@/about.md\"",
        "to = \"@/abuot.md\"",
    );
    let err = stderr(&kennisbank(&site, &["check"]));
    assert!(
        err.contains(
            "[footer]: link `@/abuot.md`: no page content/abuot.md; did you mean `about.md`?"
        ),
        "{err}"
    );
}

/// Whether `needle` occurs in `text` as a whole word (not inside a word or a hyphenated name).
fn contains_word(text: &str, needle: &str) -> bool {
    text.match_indices(needle).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + needle.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
        !word(before) && !word(after)
    })
}

/// Words that name something of the shipped knowledge base: its title, its collections and the
/// slugs of its pages.
fn shipped_names() -> Vec<String> {
    let config = kennisbank::config::Config::load(&repo()).unwrap();
    let mut names: Vec<String> = config.collections.keys().cloned().collect();
    names.push(config.title.to_lowercase());
    for (path, _) in read_tree(&repo().join("content")) {
        if let Some(slug) = path.strip_suffix(".md").and_then(|p| p.rsplit('/').next())
            && slug != "_index"
        {
            names.push(slug.to_string());
        }
    }
    names.sort();
    names.dedup();
    names
}

#[test]
fn no_name_of_the_shipped_knowledge_base_is_in_the_engine_or_the_default_theme() {
    let names = shipped_names();
    assert!(names.len() > 40, "{names:?}");
    let mut found = Vec::new();
    for dir in ["src", "themes/default"] {
        for (path, bytes) in read_tree(&repo().join(dir)) {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            for name in &names {
                if contains_word(&text, name) {
                    found.push(format!("{dir}/{path}: `{name}`"));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "the shipped site is named in:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_feed_lists_the_most_recently_changed_pages_up_to_its_limit() {
    let tmp = bare_fixture("generic");
    let site = tmp.path().join("site");
    let entries = |site: &Path| {
        let out = site.parent().unwrap().join("public");
        let built = kennisbank(site, &["build", "--out", out.to_str().unwrap(), "--force"]);
        assert!(built.status.success(), "{}", stderr(&built));
        let feed = read(out.join("atom.xml"));
        feed.match_indices("<entry>")
            .map(|(i, _)| {
                let id = &feed[i..];
                let id = &id[id.find("<id>").unwrap() + 4..];
                id[..id.find("</id>").unwrap()].to_string()
            })
            .collect::<Vec<_>>()
    };
    // The survey (dated 2025-06-01, updated 2025-09-15) was changed after the about page
    // (2025-07-01): it comes first.
    assert_eq!(
        entries(&site),
        [
            "https://example.org/water/survey/",
            "https://example.org/water/about/"
        ]
    );
    edit(
        &site.join("site.toml"),
        "author = \"Water editors\"",
        "author = \"Water editors\"\nfeed_limit = 1",
    );
    assert_eq!(entries(&site), ["https://example.org/water/survey/"]);
}

#[test]
fn a_numbered_collection_shows_its_numbers_and_hidden_fields_stay_hidden() {
    let tmp = bare_fixture("generic");
    let html = build_html(&tmp.path().join("site"));
    // On the cards of the list and of the home page, before the title (the word from `singular`).
    let card = "<a href=\"/water/guides/start-small/\"><span class=\"number\">Guide 1<span class=\"visually-hidden\">:</span></span> Start small</a>";
    assert!(
        html["guides/index.html"].contains(card),
        "{}",
        html["guides/index.html"]
    );
    assert!(html["index.html"].contains(card));
    // Above the title of the page, not among its facts.
    let guide = &html["guides/start-small/index.html"];
    assert!(
        guide.contains("<p class=\"eyebrow\">Guide 1</p>\n<h1>Start small</h1>"),
        "{guide}"
    );
    assert!(
        !guide.contains("<dl class=\"facts\">"),
        "the number is a fact: {guide}"
    );
    // In the links to the next and previous page, and in the lists of related pages.
    assert!(guide.contains("<span class=\"label\">Next</span> Guide 2: Keep records</a>"));
    let second = &html["guides/keep-records/index.html"];
    assert!(second.contains("<span class=\"label\">Previous</span> Guide 1: Start small</a>"));
    let case = &html["cases/delta-town/index.html"];
    assert!(case.contains("<a href=\"/water/guides/start-small/\">Guide 1: Start small</a>"));
    // A hidden field is not shown; the other fields are.
    assert!(case.contains("<dt>Region</dt><dd>south</dd>"), "{case}");
    assert!(
        !case.contains("Robin Marsh") && !case.contains("Editor"),
        "{case}"
    );
    // A collection without `number_field` shows no number.
    assert!(!html["cases/index.html"].contains("class=\"number\""));
}

#[test]
fn dates_are_shown_under_the_title_in_the_sites_language() {
    let tmp = bare_fixture("generic");
    let html = build_html(&tmp.path().join("site"));
    assert!(html["survey/index.html"].contains(
        "<p class=\"page-dates\">Published <time datetime=\"2025-06-01\">1 June 2025</time>, \
         updated <time datetime=\"2025-09-15\">15 September 2025</time></p>"
    ));
    assert!(html["about/index.html"].contains(
        "<p class=\"page-dates\">Published <time datetime=\"2025-07-01\">1 July 2025</time></p>"
    ));
    assert!(
        !html["guides/start-small/index.html"].contains("page-dates"),
        "a page without dates"
    );
    // Only an update: said so, with a capital.
    let site = tmp.path().join("site");
    edit(
        &site.join("content/guides/start-small.md"),
        "number: 1\n",
        "number: 1\nupdated: 2025-03-04\n",
    );
    let html = build_html(&site);
    assert!(html["guides/start-small/index.html"].contains(
        "<p class=\"page-dates\">Updated <time datetime=\"2025-03-04\">4 March 2025</time></p>"
    ));
}
