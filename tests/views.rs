//! The views of src/views/: the quadrant map (home page, quadrant pages, small maps on lesson
//! and case pages, text equivalents) and the relation matrices, on the shipped knowledge base and
//! on the `views` fixture; the configuration and content errors they raise.
//!
//! The maps and matrices are built in Rust as well-formed markup, so each is cut out of its page
//! and read with roxmltree.

mod common;
use common::*;
use kennisbank::error::Error;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

/// A built site: its pages as HTML by output path, and the relations of its pages.
struct Built {
    html: BTreeMap<String, String>,
    pages: Vec<PageData>,
}

struct PageData {
    member: bool,
    collection: Option<String>,
    slug: String,
    url: String,
    /// Outgoing relations: name → (target index, why).
    relations: BTreeMap<String, Vec<(usize, Option<String>)>>,
}

impl Built {
    fn page(&self, path: &str) -> &str {
        self.html
            .get(path)
            .unwrap_or_else(|| panic!("no page {path}"))
    }

    fn members(&self, collection: &str) -> Vec<usize> {
        (0..self.pages.len())
            .filter(|&i| {
                self.pages[i].member && self.pages[i].collection.as_deref() == Some(collection)
            })
            .collect()
    }

    fn file(&self, i: usize) -> String {
        let p = &self.pages[i];
        format!("{}/{}/index.html", p.collection.as_deref().unwrap(), p.slug)
    }

    /// The pages of `collection` whose relation `rel` points to page `target`.
    fn sources(&self, collection: &str, rel: &str, target: usize) -> BTreeSet<String> {
        self.members(collection)
            .into_iter()
            .filter(|&i| {
                self.pages[i]
                    .relations
                    .get(rel)
                    .is_some_and(|l| l.iter().any(|(t, _)| *t == target))
            })
            .map(|i| self.pages[i].url.clone())
            .collect()
    }
}

fn build(root: &Path) -> Built {
    let compiled = match kennisbank::compile(&kennisbank::BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    }) {
        Ok(c) => c,
        Err(Error::Content(d)) => panic!("build failed: {:?}", d.0),
        Err(e) => panic!("build failed: {e}"),
    };
    let config = &compiled.site.config;
    let mut html = BTreeMap::new();
    let pages = compiled
        .site
        .nodes
        .iter()
        .map(|n| {
            let path = format!("{}index.html", n.page.path);
            if let Some(bytes) = compiled.output.read(&path) {
                html.insert(path, String::from_utf8(bytes).unwrap());
            }
            PageData {
                member: n.page.kind == kennisbank::content::PageKind::Member,
                collection: n.page.collection.clone(),
                slug: n.page.slug.clone(),
                url: config.site_url(&n.page.path),
                relations: n
                    .relations
                    .iter()
                    .map(|(k, links)| {
                        (
                            k.clone(),
                            links.iter().map(|l| (l.node, l.why.clone())).collect(),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    Built { html, pages }
}

/// The shipped knowledge base, built once for all tests.
fn shipped() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&repo()))
}

/// The views fixture, built once.
fn fixture_site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = fixture("views");
        let built = build(dir.path());
        drop(dir);
        built
    })
}

/// Every element `<tag class="… class …"…>…</tag>` of a page, as its markup (tags of that name
/// are not nested inside one another in what the views write).
fn elements<'a>(html: &'a str, tag: &str, class: &str) -> Vec<&'a str> {
    let open = format!("<{tag} ");
    let close = format!("</{tag}>");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        let tail = &rest[start..];
        let head_end = tail.find('>').unwrap();
        let head = &tail[..head_end];
        let has_class = head
            .split("class=\"")
            .nth(1)
            .and_then(|c| c.split('"').next())
            .is_some_and(|c| c.split_whitespace().any(|x| x == class));
        if has_class {
            let end = tail.find(&close).expect("closed element") + close.len();
            out.push(&tail[..end]);
            rest = &tail[end..];
        } else {
            rest = &tail[head_end..];
        }
    }
    out
}

fn has_class(n: roxmltree::Node, class: &str) -> bool {
    n.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|x| x == class))
}

/// The `href`s of the links (HTML or SVG) under a node.
fn hrefs(n: roxmltree::Node) -> BTreeSet<String> {
    n.descendants()
        .filter(|d| d.tag_name().name() == "a")
        .filter_map(|d| d.attribute("href").map(str::to_string))
        .collect()
}

fn with_class<'a, 'i>(
    doc: &'a roxmltree::Document<'i>,
    class: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    doc.descendants().filter(move |n| has_class(*n, class))
}

/// The quadrant groups of a map drawing, by slug.
fn quadrants<'a, 'i>(
    svg: &'a roxmltree::Document<'i>,
) -> BTreeMap<String, roxmltree::Node<'a, 'i>> {
    with_class(svg, "qm-quadrant")
        .map(|g| (g.attribute("data-quadrant").unwrap().to_string(), g))
        .collect()
}

/// The one whole-map figure of a page, parsed.
fn full_map(html: &str) -> String {
    let figures = elements(html, "figure", "qm-full");
    assert_eq!(figures.len(), 1, "one quadrant map on the page");
    figures[0].to_string()
}

fn parse(markup: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(markup).unwrap_or_else(|e| panic!("not well-formed: {e}\n{markup}"))
}

#[test]
fn the_home_map_shows_every_quadrant_linked_to_its_page() {
    let site = shipped();
    let figure = full_map(site.page("index.html"));
    let doc = parse(&figure);
    let svgs: Vec<_> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .collect();
    assert_eq!(svgs.len(), 2, "a wide and a narrow drawing");
    for svg in svgs {
        assert_eq!(svg.attribute("role"), Some("group"));
        assert!(svg.attribute("aria-label").is_some_and(|l| !l.is_empty()));
        assert!(svg.attribute("viewBox").is_some());
        let axis: Vec<String> = svg
            .descendants()
            .filter(|n| has_class(*n, "qm-axis-label"))
            .map(|t| {
                t.descendants()
                    .filter(|d| d.is_text())
                    .map(|d| d.text().unwrap())
                    .collect::<String>()
            })
            .collect();
        for label in [
            "Vanuit overheid naar samenleving",
            "Vanuit samenleving naar overheid",
            "Vanuit resultaten naar randvoorwaarden",
            "Vanuit randvoorwaarden naar resultaten",
        ] {
            assert!(
                axis.contains(&label.to_string()),
                "axis label {label}: {axis:?}"
            );
        }
        let groups: Vec<_> = svg
            .descendants()
            .filter(|n| has_class(*n, "qm-quadrant"))
            .collect();
        assert_eq!(groups.len(), 4);
        let kw = site.members("kwadranten");
        assert_eq!(kw.len(), 4);
        for q in kw {
            let p = &site.pages[q];
            let g = groups
                .iter()
                .find(|g| g.attribute("data-quadrant") == Some(p.slug.as_str()))
                .unwrap_or_else(|| panic!("quadrant {} missing", p.slug));
            let title = g
                .children()
                .find(|c| has_class(*c, "qm-title-link"))
                .expect("title link");
            assert_eq!(title.attribute("href"), Some(p.url.as_str()));
            assert!(
                !has_class(*g, "is-current"),
                "nothing highlighted on the home page"
            );
        }
    }
}

#[test]
fn quadrants_sit_where_the_report_puts_them() {
    let site = shipped();
    let figure = full_map(site.page("index.html"));
    let doc = parse(&figure);
    let svg = doc
        .descendants()
        .find(|n| has_class(*n, "qm-svg-wide"))
        .unwrap();
    // The cell rectangle of each quadrant: (x, y).
    let pos: BTreeMap<&str, (f64, f64)> = svg
        .descendants()
        .filter(|n| has_class(*n, "qm-quadrant"))
        .map(|g| {
            let rect = g.children().find(|c| has_class(*c, "qm-cell")).unwrap();
            let num = |a: &str| rect.attribute(a).unwrap().parse::<f64>().unwrap();
            (g.attribute("data-quadrant").unwrap(), (num("x"), num("y")))
        })
        .collect();
    let (pl, sw, rm, rs) = (
        pos["presterende-overheid"],
        pos["samenwerkende-overheid"],
        pos["rechtmatige-overheid"],
        pos["responsieve-overheid"],
    );
    assert!(
        pl.0 < sw.0 && pl.1 == sw.1,
        "presterend left of samenwerkend, top row"
    );
    assert!(
        rm.0 < rs.0 && rm.1 == rs.1,
        "rechtmatig left of responsief, bottom row"
    );
    assert!(pl.1 < rm.1 && pl.0 == rm.0, "presterend above rechtmatig");
}

#[test]
fn every_lesson_and_case_is_a_marker_in_each_of_its_quadrants() {
    let site = shipped();
    let figure = full_map(site.page("index.html"));
    let doc = parse(&figure);
    for svg in doc.descendants().filter(|n| n.tag_name().name() == "svg") {
        for q in site.members("kwadranten") {
            let slug = &site.pages[q].slug;
            let g = svg
                .descendants()
                .find(|n| {
                    has_class(*n, "qm-quadrant") && n.attribute("data-quadrant") == Some(slug)
                })
                .unwrap();
            let markers: Vec<_> = g
                .children()
                .filter(|c| has_class(*c, "qm-marker"))
                .collect();
            let linked: BTreeSet<String> = markers
                .iter()
                .map(|m| m.attribute("href").unwrap().to_string())
                .collect();
            let mut expected = site.sources("lessen", "kwadranten", q);
            expected.extend(site.sources("praktijkvoorbeelden", "kwadranten", q));
            assert_eq!(linked, expected, "markers of {slug}");
            assert_eq!(markers.len(), expected.len(), "one marker a page in {slug}");
            for m in markers {
                // The marker's code is its visible text and starts its accessible name.
                let code: String = m
                    .descendants()
                    .filter(|d| d.is_text())
                    .map(|d| d.text().unwrap())
                    .collect();
                let name = m.attribute("aria-label").unwrap();
                assert!(
                    code.starts_with('L') || code.starts_with('P'),
                    "code {code}"
                );
                assert!(name.starts_with(&format!("{code} ")), "{name} / {code}");
            }
        }
    }
    // Lesson numbers are the lessons' own numbers: L1 is the first lesson.
    assert!(figure.contains("aria-label=\"L1 Bezint eer ge begint\""));
}

#[test]
fn the_text_equivalent_lists_the_same_links_as_the_map() {
    let site = shipped();
    for path in ["index.html", "kwadranten/samenwerkende-overheid/index.html"] {
        let figure = full_map(site.page(path));
        let doc = parse(&figure);
        let text = doc
            .descendants()
            .find(|n| has_class(*n, "qm-text"))
            .expect("text equivalent");
        assert_eq!(text.tag_name().name(), "details");
        assert!(
            text.attribute("open").is_some(),
            "open, so it prints and reads"
        );
        let items: BTreeMap<String, roxmltree::Node> = text
            .descendants()
            .filter(|n| has_class(*n, "qm-text-quadrant"))
            .map(|n| (n.attribute("data-quadrant").unwrap().to_string(), n))
            .collect();
        assert_eq!(items.len(), 4);
        for svg in doc.descendants().filter(|n| n.tag_name().name() == "svg") {
            for (slug, g) in svg
                .descendants()
                .filter(|n| has_class(*n, "qm-quadrant"))
                .map(|g| (g.attribute("data-quadrant").unwrap().to_string(), g))
            {
                assert_eq!(hrefs(g), hrefs(items[&slug]), "{path}: links of {slug}");
            }
        }
        // The survey figures of Tabel 1 are in words too.
        assert!(figure.contains("3D&#39;s 82%, Omgevingswet 77%"), "{path}");
    }
}

#[test]
fn a_quadrant_page_highlights_its_own_quadrant_and_shows_its_role() {
    let site = shipped();
    for q in site.members("kwadranten") {
        let slug = site.pages[q].slug.clone();
        let figure = full_map(site.page(&site.file(q)));
        let doc = parse(&figure);
        let roles = site.sources("rollen", "kwadranten", q);
        assert_eq!(roles.len(), 1, "one role for {slug}");
        for svg in doc.descendants().filter(|n| n.tag_name().name() == "svg") {
            let current: Vec<_> = svg
                .descendants()
                .filter(|n| has_class(*n, "qm-quadrant") && has_class(*n, "is-current"))
                .collect();
            assert_eq!(current.len(), 1, "{slug}: one quadrant highlighted");
            let g = current[0];
            assert_eq!(g.attribute("data-quadrant"), Some(slug.as_str()));
            let title = g
                .children()
                .find(|c| has_class(*c, "qm-title-link"))
                .unwrap();
            assert_eq!(title.attribute("aria-current"), Some("page"));
            let role_links: BTreeSet<String> = g
                .children()
                .filter(|c| has_class(*c, "qm-related-link"))
                .map(|a| a.attribute("href").unwrap().to_string())
                .collect();
            assert_eq!(role_links, roles, "{slug}: its role");
        }
        // Only the highlighted quadrant shows its role, in both drawings.
        assert_eq!(with_class(&doc, "qm-quadrant").count(), 8);
        assert_eq!(with_class(&doc, "qm-related-link").count(), 2 * roles.len());
        let current_text: Vec<_> = with_class(&doc, "qm-text-quadrant")
            .filter(|n| has_class(*n, "is-current"))
            .collect();
        assert_eq!(current_text.len(), 1);
        assert!(hrefs(current_text[0]).is_superset(&roles));
    }
}

#[test]
fn a_lesson_or_case_page_has_a_small_map_with_exactly_its_quadrants() {
    let site = shipped();
    let mut checked = 0;
    for coll in ["lessen", "praktijkvoorbeelden"] {
        for i in site.members(coll) {
            let html = site.page(&site.file(i));
            assert!(elements(html, "figure", "qm-full").is_empty());
            let small = elements(html, "figure", "qm-small");
            assert_eq!(small.len(), 1, "{}: one small map", site.file(i));
            let doc = parse(small[0]);
            let mine: BTreeSet<String> = site.pages[i].relations["kwadranten"]
                .iter()
                .map(|(t, _)| site.pages[*t].slug.clone())
                .collect();
            assert!(!mine.is_empty());
            let highlighted: BTreeSet<String> = with_class(&doc, "qm-quadrant")
                .filter(|n| has_class(*n, "is-current"))
                .map(|n| n.attribute("data-quadrant").unwrap().to_string())
                .collect();
            assert_eq!(highlighted, mine, "{}", site.file(i));
            assert_eq!(with_class(&doc, "qm-quadrant").count(), 4);
            // The list beside it: the same four links, the same ones marked.
            let listed: BTreeSet<String> = with_class(&doc, "qm-list-item")
                .filter(|n| has_class(*n, "is-current"))
                .map(|n| n.attribute("data-quadrant").unwrap().to_string())
                .collect();
            assert_eq!(listed, mine);
            let svg = doc
                .descendants()
                .find(|n| n.tag_name().name() == "svg")
                .unwrap();
            let list = with_class(&doc, "qm-list").next().unwrap();
            assert_eq!(hrefs(svg), hrefs(list));
            assert_eq!(hrefs(list).len(), 4);
            checked += 1;
        }
    }
    assert!(checked >= 18, "{checked}");
    // A role relates to one quadrant too; a theme to none, so it has no map.
    let role = elements(
        site.page("rollen/verbinder/index.html"),
        "figure",
        "qm-small",
    );
    assert_eq!(role.len(), 1);
    let doc = parse(role[0]);
    let highlighted: Vec<&str> = with_class(&doc, "qm-quadrant")
        .filter(|n| has_class(*n, "is-current"))
        .map(|n| n.attribute("data-quadrant").unwrap())
        .collect();
    assert_eq!(highlighted, ["samenwerkende-overheid"]);
    assert!(
        !site
            .page("themas/participatie/index.html")
            .contains("class=\"qm ")
    );
}

#[test]
fn the_map_has_no_ids_and_no_inline_style() {
    let site = shipped();
    for path in [
        "index.html",
        "kwadranten/index.html",
        "kwadranten/rechtmatige-overheid/index.html",
        "lessen/coach-het-college/index.html",
    ] {
        for figure in elements(site.page(path), "figure", "qm") {
            assert!(!figure.contains(" id="), "{path}: ids could repeat");
            assert!(
                !figure.contains("style="),
                "{path}: the CSP forbids inline style"
            );
            assert!(!figure.contains("<script"), "{path}");
        }
    }
}

/// The cells of the matrix `rows` × `relation` on a page: (row slug, column slug) → cell.
fn matrix_cells(html: &str, rows: &str, relation: &str) -> BTreeMap<(String, String), String> {
    let wanted = format!("data-rows=\"{rows}\" data-relation=\"{relation}\"");
    let table = elements(html, "table", "matrix")
        .into_iter()
        .find(|t| t.contains(&wanted))
        .unwrap_or_else(|| panic!("no matrix {rows} × {relation}"));
    let doc = parse(table);
    assert!(doc.descendants().any(|n| n.tag_name().name() == "caption"));
    let col_heads = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "th" && n.attribute("scope") == Some("col"))
        .count();
    let row_heads = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "th" && n.attribute("scope") == Some("row"))
        .count();
    assert!(col_heads > 1 && row_heads > 0);
    with_class(&doc, "matrix-hit")
        .map(|td| {
            let key = (
                td.attribute("data-row").unwrap().to_string(),
                td.attribute("data-col").unwrap().to_string(),
            );
            let why: String = td
                .descendants()
                .filter(|n| has_class(*n, "matrix-why"))
                .flat_map(|n| n.descendants())
                .filter(|n| n.is_text() && n.parent().is_some_and(|p| p.tag_name().name() == "p"))
                .map(|n| n.text().unwrap())
                .collect();
            let link = td
                .descendants()
                .find(|n| has_class(*n, "matrix-link"))
                .expect("a link in the cell");
            let name: String = link
                .descendants()
                .filter(|n| n.is_text())
                .map(|n| n.text().unwrap())
                .collect();
            assert!(name.len() > 3, "the link has a name");
            (key, format!("{}|{}", link.attribute("href").unwrap(), why))
        })
        .collect()
}

#[test]
fn the_overview_page_has_a_cell_with_its_reason_for_every_relation() {
    let site = shipped();
    let html = site.page("overzicht/index.html");
    for (rows, rel) in [
        ("lessen", "kwadranten"),
        ("lessen", "themas"),
        ("praktijkvoorbeelden", "themas"),
        ("praktijkvoorbeelden", "kwadranten"),
    ] {
        let cells = matrix_cells(html, rows, rel);
        let mut expected = BTreeMap::new();
        for i in site.members(rows) {
            for (t, why) in site.pages[i].relations.get(rel).into_iter().flatten() {
                expected.insert(
                    (site.pages[i].slug.clone(), site.pages[*t].slug.clone()),
                    format!("{}|{}", site.pages[i].url, why.clone().unwrap_or_default()),
                );
            }
        }
        assert!(!expected.is_empty());
        assert_eq!(cells, expected, "{rows} × {rel}");
    }
    // Linked from the home page and from every page's footer.
    assert!(site.page("index.html").contains("href=\"/overzicht/\""));
    assert!(
        site.page("lessen/coach-het-college/index.html")
            .contains("href=\"/overzicht/\"")
    );
}

#[test]
fn the_fixture_map_escapes_content_and_carries_the_base_path() {
    let site = fixture_site();
    let home = site.page("index.html");
    let figure = full_map(home);
    let doc = parse(&figure);
    assert!(figure.contains("Presterend &amp; &lt;co&gt;"));
    assert!(!figure.contains("<co>"));
    assert_eq!(quadrants(&doc).len(), 4);
    assert_eq!(with_class(&doc, "qm-quadrant").count(), 8, "two drawings");
    let links = |slug: &str| {
        let g = with_class(&doc, "qm-svg-wide")
            .next()
            .unwrap()
            .descendants()
            .find(|n| n.attribute("data-quadrant") == Some(slug))
            .unwrap();
        hrefs(g)
    };
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(
        links("samenwerkend"),
        set(&[
            "/kaart/kwadranten/samenwerkend/",
            "/kaart/lessen/les-een/",
            "/kaart/voorbeelden/beta/"
        ])
    );
    assert_eq!(
        links("rechtmatig"),
        set(&["/kaart/kwadranten/rechtmatig/", "/kaart/voorbeelden/alfa/"])
    );
    // Codes default to the first letter of the collection: V for Voorbeelden.
    assert!(figure.contains("aria-label=\"V2 Beta\""), "{figure}");
    // A quadrant page shows its role; a theme page has no map.
    let own = full_map(site.page("kwadranten/samenwerkend/index.html"));
    assert!(own.contains("class=\"qm-related-link\" href=\"/kaart/rollen/verbinder/\""));
    assert!(
        !site
            .page("themas/thema-x/index.html")
            .contains("class=\"qm ")
    );
}

#[test]
fn the_fixture_matrices_work_both_ways_and_escape_the_reasons() {
    let site = fixture_site();
    let html = site.page("overzicht/index.html");
    let direct = matrix_cells(html, "lessen", "kwadranten");
    assert_eq!(direct.len(), 3);
    assert_eq!(
        direct[&("les-een".to_string(), "samenwerkend".to_string())],
        "/kaart/lessen/les-een/|Omdat \"samen\" <beter> is & blijft."
    );
    assert!(html.contains("Omdat &quot;samen&quot; &lt;beter&gt; is &amp; blijft."));
    // Through the inverse relation: quadrants by lessons, the link goes to the lesson that
    // states it, the reason in a <details>.
    let inverse = matrix_cells(html, "kwadranten", "lessen");
    assert_eq!(
        inverse[&("presterend".to_string(), "les-twee".to_string())],
        "/kaart/lessen/les-twee/|Reden drie."
    );
    assert_eq!(inverse.len(), 3);
    assert!(html.contains("<summary>Waarom</summary>"));
    assert!(html.contains("<caption>Kwadranten &amp; lessen"));
    let themes = matrix_cells(html, "voorbeelden", "themas");
    assert_eq!(themes.len(), 3);
    assert_eq!(
        themes[&("beta".to_string(), "thema-y".to_string())],
        "/kaart/voorbeelden/beta/|"
    );
}

fn build_errors(root: &Path) -> Vec<kennisbank::error::Diagnostic> {
    match kennisbank::compile(&kennisbank::BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    }) {
        Ok(_) => panic!("the build should fail"),
        Err(Error::Content(d)) => d.0,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{from} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_quadrant_page_outside_the_configured_columns_is_an_error_naming_it() {
    let dir = fixture("views");
    edit(
        &dir.path().join("content/kwadranten/rechtmatig.md"),
        "kolom: links",
        "kolom: midden",
    );
    let errors = build_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = &errors[0];
    assert_eq!(e.file, "content/kwadranten/rechtmatig.md");
    assert_eq!(e.line, 3, "the line of `kolom`");
    assert!(e.message.contains("`kolom: midden`"), "{}", e.message);
    assert!(e.message.contains("links, rechts"), "{}", e.message);
}

#[test]
fn two_quadrant_pages_in_one_cell_or_a_missing_row_are_errors() {
    let dir = fixture("views");
    edit(
        &dir.path().join("content/kwadranten/rechtmatig.md"),
        "rij: onder",
        "rij: boven",
    );
    edit(
        &dir.path().join("content/kwadranten/responsief.md"),
        "rij: onder\n",
        "",
    );
    let errors = build_errors(dir.path());
    let text: Vec<String> = errors
        .iter()
        .map(|e| format!("{}:{}: {}", e.file, e.line, e.message))
        .collect();
    assert_eq!(
        text,
        [
            "content/kwadranten/rechtmatig.md:3: this page and `content/kwadranten/presterend.md` sit in the same quadrant (kolom = links, rij = boven); each quadrant holds one page",
            "content/kwadranten/responsief.md:1: missing `rij`: a page of `kwadranten` needs its row on the quadrant map (boven, onder)",
        ]
    );
}

#[test]
fn view_configuration_errors_name_their_line() {
    let dir = fixture("views");
    let toml = dir.path().join("site.toml");
    let original = read(&toml);
    let line_of =
        |text: &str, needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
    // An unknown key.
    let text = original.replace("markers = [", "markerz = [");
    std::fs::write(&toml, &text).unwrap();
    let e = &build_errors(dir.path())[0];
    assert_eq!(e.file, "site.toml");
    assert_eq!(e.line, line_of(&text, "markerz"));
    assert!(
        e.message.contains("unknown field `markerz`"),
        "{}",
        e.message
    );
    // A marker relation that does not point into the quadrants.
    let text = original.replace(
        "markers = [\"lessen\", \"voorbeelden\"]",
        "markers = [\"lessen\", \"voorbeeld\"]",
    );
    std::fs::write(&toml, &text).unwrap();
    let e = &build_errors(dir.path())[0];
    assert_eq!(e.line, line_of(&text, "markers"));
    assert!(
        e.message.contains("did you mean `voorbeelden`"),
        "{}",
        e.message
    );
    // Labels that do not match the values, and an unknown collection.
    let text = original
        .replace(
            "row_labels = [\"Resultaat eerst\", \"Regels eerst\"]",
            "row_labels = [\"Resultaat eerst\"]",
        )
        .replace("collection = \"kwadranten\"", "collection = \"kwadrant\"");
    std::fs::write(&toml, &text).unwrap();
    let errors = build_errors(dir.path());
    assert!(
        errors
            .iter()
            .any(|e| e.line == line_of(&text, "collection = ")
                && e.message.contains("did you mean `kwadranten`")),
        "{errors:?}"
    );
    std::fs::write(&toml, &original).unwrap();
    let text = original.replace(
        "row_labels = [\"Resultaat eerst\", \"Regels eerst\"]",
        "row_labels = [\"Resultaat eerst\"]",
    );
    std::fs::write(&toml, &text).unwrap();
    let e = &build_errors(dir.path())[0];
    assert_eq!(e.line, line_of(&text, "row_labels"));
    assert!(e.message.contains("1 labels for 2 rows"), "{}", e.message);
}

#[test]
fn a_matrix_of_an_unknown_relation_is_a_template_error() {
    let dir = fixture("views");
    edit(
        &dir.path().join("templates/matrices.html"),
        "relation=\"themas\"",
        "relation=\"thema\"",
    );
    let errors = build_errors(dir.path());
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].file, "content/overzicht.md");
    assert!(
        errors[0].message.contains("has no relation `thema`")
            && errors[0].message.contains("did you mean `themas`"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_site_without_views_renders_no_map() {
    let site = fixture("basic");
    let compiled = kennisbank::compile(&kennisbank::BuildOptions {
        root: site.path().to_path_buf(),
        ..Default::default()
    })
    .unwrap_or_else(|_| panic!("basic builds"));
    let home = String::from_utf8(compiled.output.read("index.html").unwrap()).unwrap();
    assert!(!home.contains("class=\"qm"));
}
