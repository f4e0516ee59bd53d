//! The README's configuration switches, field types, link forms and theme layers, each on a
//! fixture site of its own under `tests/fixtures/`, checked in the files a build writes.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn build(dir: &Path) -> PathBuf {
    let o = kennisbank(dir, &["build"]);
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    dir.join("public")
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The `<dt>`/`<dd>` pairs of a page's facts, in page order.
fn facts(html: &str) -> Vec<(String, String)> {
    html.split("<dt>")
        .skip(1)
        .map(|rest| {
            let (dt, rest) = rest.split_once("</dt><dd>").unwrap();
            let dd = rest.split("</dd>").next().unwrap();
            (dt.to_string(), dd.to_string())
        })
        .collect()
}

#[test]
fn every_field_type_is_accepted_and_shown_in_declaration_order() {
    let site = fixture("field-types");
    let out = build(site.path());
    let page = read(out.join("gemeenten/sudwest-fryslan/index.html"));
    let want = [
        ("Naam", "Súdwest-Fryslân"),
        ("Inwoners", "89583"),
        ("Oppervlakte (km²)", "848.5"),
        ("Aan de kust", "true"),
        ("Ontstaan", "2011-01-01"),
        ("Provincie", "friesland"),
        ("Kernen", "Sneek; Bolsward; Workum"),
        // a single string is a list of one
        ("Opgaven", "water"),
        // each record's values in the order of `keys`
        (
            "Bestuur",
            "Jannewietske de Vries, burgemeester; Marja Jacobs, gemeentesecretaris",
        ),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(facts(&page), want);
}

#[test]
fn raw_html_is_kept_only_when_allowed() {
    let site = fixture("raw-html");
    let out = build(site.path());
    let page = read(out.join("lessen/les/index.html"));
    assert!(
        page.contains("<span class=\"rauw\">ruwe HTML</span>"),
        "inline HTML kept"
    );
    assert!(
        page.contains("<div class=\"kader\">Een kader in HTML.</div>"),
        "block HTML kept"
    );
    // without the switch (false is the default) the same Markdown shows the HTML as text
    edit(
        &site.path().join("site.toml"),
        "allow_raw_html = true\n",
        "",
    );
    let out = build(site.path());
    let page = read(out.join("lessen/les/index.html"));
    assert!(
        !page.contains("<span class=\"rauw\">"),
        "inline HTML not escaped"
    );
    assert!(
        !page.contains("<div class=\"kader\">"),
        "block HTML not escaped"
    );
    assert!(page.contains(
        "<p>Een woord in &lt;span class=\"rauw\"&gt;ruwe HTML&lt;/span&gt; in een zin.</p>"
    ));
    assert!(page.contains("&lt;div class=\"kader\"&gt;Een kader in HTML.&lt;/div&gt;"));
}

#[test]
fn unknown_fields_are_accepted_only_where_allowed() {
    let site = fixture("unknown-fields");
    let o = kennisbank(site.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = build(site.path());
    let page = read(out.join("notities/gesprek/index.html"));
    assert_eq!(
        facts(&page),
        vec![("Auteur".to_string(), "Redactie".to_string())]
    );
    edit(
        &site.path().join("site.toml"),
        "allow_unknown_fields = true\n",
        "",
    );
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).lines().next().unwrap_or_default(),
        "content/notities/gesprek.md:4:1: unknown field `bron` in collection `notities`"
    );
}

#[test]
fn paginate_by_zero_puts_a_whole_collection_on_one_page() {
    let site = fixture("pagination-off");
    for collection in ["lessen", "themas"] {
        let dir = site.path().join("content").join(collection);
        std::fs::create_dir_all(&dir).unwrap();
        for i in 1..=25 {
            std::fs::write(
                dir.join(format!("pagina-{i:02}.md")),
                format!("---\ntitle: Pagina {i:02}\n---\nTekst.\n"),
            )
            .unwrap();
        }
    }
    let out = build(site.path());
    // the site's 0: all 25 lessons on one list page (the default would be 20 a page)
    let list = read(out.join("lessen/index.html"));
    for i in 1..=25 {
        assert!(
            list.contains(&format!("href=\"/lessen/pagina-{i:02}/\"")),
            "lesson {i} is not on the list"
        );
    }
    assert!(!out.join("lessen/pagina").exists(), "lessen/ is paginated");
    // a collection's own paginate_by = 10: three pages of 10, 10 and 5
    assert!(out.join("themas/pagina/3/index.html").is_file());
    assert!(!out.join("themas/pagina/4").exists());
    let third = read(out.join("themas/pagina/3/index.html"));
    let listed = (1..=25)
        .filter(|i| third.contains(&format!("href=\"/themas/pagina-{i:02}/\"")))
        .collect::<Vec<_>>();
    assert_eq!(listed, (21..=25).collect::<Vec<_>>());
}

#[test]
fn a_slug_in_front_matter_replaces_the_file_name_in_the_url() {
    let site = fixture("custom-slug");
    let out = build(site.path());
    assert!(out.join("lessen/nieuwe-naam/index.html").is_file());
    assert!(!out.join("lessen/oude-bestandsnaam").exists());
    let from = read(out.join("lessen/verwijzer/index.html"));
    // by slug, by file and with an anchor: all to the new URL
    assert!(from.contains("<a href=\"/lessen/nieuwe-naam/\">Les met een eigen adres</a>"));
    assert!(from.contains("<a href=\"/lessen/nieuwe-naam/#kop\">het bestand</a>"));
    assert!(from.contains("<a href=\"/lessen/nieuwe-naam/#kop\">de kop</a>"));
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains("<loc>https://example.nl/lessen/nieuwe-naam/</loc>"));
    assert!(!sitemap.contains("oude-bestandsnaam"));
}

#[test]
fn a_collection_in_a_wiki_link_picks_one_of_two_pages_with_the_same_slug() {
    let site = fixture("wiki-links");
    let out = build(site.path());
    let lesson = read(out.join("lessen/participatie/index.html"));
    assert!(lesson.contains("<a href=\"/themas/participatie/\">Het thema participatie</a>"));
    assert!(lesson.contains("<a href=\"/themas/participatie/#kop\">de kop van het thema</a>"));
    let theme = read(out.join("themas/participatie/index.html"));
    assert!(theme.contains("<a href=\"/lessen/participatie/\">De les over participatie</a>"));
    // without the collection the slug is ambiguous, and that is an error
    edit(
        &site.path().join("content/themas/participatie.md"),
        "[[lessen/participatie]]",
        "[[participatie]]",
    );
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "content/themas/participatie.md:6:12: `[[participatie]]` is ambiguous: 2 pages have this slug; write `[[collection/participatie]]`"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn headings_get_readable_unique_or_given_ids() {
    let site = fixture("heading-ids");
    let out = build(site.path());
    let page = read(out.join("lessen/les/index.html"));
    let body = page
        .split("<div class=\"prose\">")
        .nth(1)
        .expect("the body");
    let ids: Vec<&str> = body
        .split("<h2 id=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "eigen-doel",
            "aanpak",
            "aanpak-1",
            "aanpak-2",
            "sudwest-fryslan-en-de-expeditie",
            // the readable id of this heading was given to the second "Aanpak"
            "aanpak-1-1"
        ]
    );
    assert!(page.contains("<a href=\"#aanpak-1\">de tweede aanpak</a>"));
    assert!(page.contains("<a href=\"#eigen-doel\">het doel</a>"));
    let other = read(out.join("lessen/verwijzer/index.html"));
    assert!(other.contains("<a href=\"/lessen/les/#eigen-doel\">het doel</a>"));
    assert!(other.contains("<a href=\"/lessen/les/#aanpak-2\">de derde aanpak</a>"));
    // `{#id}` replaces the readable id: the text's own slug is no anchor
    edit(
        &site.path().join("content/lessen/verwijzer.md"),
        "les#eigen-doel",
        "les#doel-van-de-les",
    );
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn a_sites_templates_and_static_files_lie_on_top_of_the_theme() {
    let site = fixture("site-overrides");
    let out = build(site.path());
    // `templates/lessen/page.html` for the lessons only
    let lesson = read(out.join("lessen/les/index.html"));
    assert!(lesson.contains("<p class=\"eigen-sjabloon\">Eigen sjabloon voor lessen.</p>"));
    let theme = read(out.join("themas/thema/index.html"));
    assert!(!theme.contains("eigen-sjabloon"));
    assert!(
        theme.contains("<h1>Een thema</h1>"),
        "the theme's page.html"
    );
    // `templates/partials/footer.html` on every page, the theme's footer on none
    for (path, bytes) in read_tree(&out) {
        if path.ends_with(".html") {
            let html = String::from_utf8(bytes).unwrap();
            if html.contains("http-equiv=\"refresh\"") {
                continue;
            }
            assert!(html.contains("<p class=\"eigen-voet\">"), "{path}");
            assert!(!html.contains("Gemaakt met kennisbank"), "{path}");
        }
    }
    // `static/` files: copied as they are, but CSS and JS with a content hash in their name
    assert_eq!(
        read(out.join("downloads/handleiding.txt")),
        read(site.path().join("static/downloads/handleiding.txt"))
    );
    assert!(lesson.contains("<a href=\"/downloads/handleiding.txt\">handleiding</a>"));
    let script = lesson
        .split("<a href=\"/extra.")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a link to extra.<hash>.js");
    let name = format!("extra.{script}");
    assert!(
        name.ends_with(".js") && name.len() == "extra..js".len() + 10,
        "{name}"
    );
    assert_eq!(
        read(out.join(&name)),
        read(site.path().join("static/extra.js"))
    );
    assert!(!out.join("extra.js").exists());
}

/// The name of the style sheet a page links to, and its bytes.
fn style_sheet(out: &Path) -> (String, String) {
    let page = read(out.join("index.html"));
    let name = page
        .split("<link rel=\"stylesheet\" href=\"/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a style sheet")
        .to_string();
    let css = read(out.join(&name));
    (name, css)
}

#[test]
fn the_style_sheets_name_changes_when_and_only_when_its_bytes_do() {
    let site = fixture("site-overrides");
    let out = build(site.path());
    let (name, css) = style_sheet(&out);
    assert!(
        name.starts_with("style.") && name.ends_with(".css"),
        "{name}"
    );
    assert_eq!(
        css,
        read(repo().join("themes/default/static/style.css")),
        "the built-in style sheet"
    );
    // a rebuild of the same bytes keeps the name; a site's own style.css replaces the theme's
    let out = build(site.path());
    assert_eq!(style_sheet(&out).0, name);
    let changed = format!("{css}\n.eigen-voet {{ color: rebeccapurple; }}\n");
    std::fs::write(site.path().join("static/style.css"), &changed).unwrap();
    let out = build(site.path());
    let (new_name, new_css) = style_sheet(&out);
    assert_ne!(new_name, name, "the name did not change with the bytes");
    assert_eq!(new_css, changed);
    assert!(
        !out.join(&name).exists(),
        "the old style sheet is still there"
    );
    for (path, bytes) in read_tree(&out) {
        if path.ends_with(".html") {
            assert!(
                !String::from_utf8(bytes).unwrap().contains(&name),
                "{path} links the old name"
            );
        }
    }
}

/// The pages of `collection` its list page links to, in order (each once).
fn listed(out: &Path, collection: &str) -> Vec<String> {
    let list = read(out.join(collection).join("index.html"));
    let main = list.split("<main").nth(1).expect("a main element");
    let prefix = format!("href=\"/{collection}/");
    let mut pages: Vec<String> = Vec::new();
    for rest in main.split(&prefix).skip(1) {
        let slug = rest.split('/').next().unwrap();
        if !slug.is_empty() && !slug.starts_with('"') && !pages.iter().any(|p| p == slug) {
            pages.push(slug.to_string());
        }
    }
    pages
}

#[test]
fn sort_by_orders_lists_by_weight_date_or_title() {
    let site = fixture("sort-orders");
    let out = build(site.path());
    // weight, the default: 1, 2, 3 (not the file names' order a, b, c)
    assert_eq!(listed(&out, "stappen"), ["a-eerst", "c-daarna", "b-dan"]);
    // date: newest first
    assert_eq!(listed(&out, "nieuws"), ["nieuw", "midden", "oud"]);
    // title, with accents folded: Á with the A's
    assert_eq!(listed(&out, "begrippen"), ["a", "m", "z"]);
    // `updated` is the sitemap's lastmod and the feed entry's updated; `date` the rest
    let sitemap = read(out.join("sitemap.xml"));
    assert!(sitemap.contains(
        "<loc>https://example.nl/nieuws/nieuw/</loc>\n    <lastmod>2018-04-15</lastmod>"
    ));
    assert!(sitemap.contains(
        "<loc>https://example.nl/nieuws/midden/</loc>\n    <lastmod>2017-11-20</lastmod>"
    ));
    let feed = read(out.join("atom.xml"));
    let ids: Vec<&str> = feed
        .split("<entry>")
        .skip(1)
        .map(|e| e.split("<id>").nth(1).unwrap().split('<').next().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "https://example.nl/nieuws/nieuw/",
            "https://example.nl/nieuws/midden/",
            "https://example.nl/nieuws/oud/"
        ]
    );
    assert!(feed.contains(
        "<published>2018-03-01T00:00:00Z</published>\n    <updated>2018-04-15T00:00:00Z</updated>"
    ));
}
