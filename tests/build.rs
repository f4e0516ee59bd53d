//! The `basic` fixture built page by page: relations both ways, links under a sub-path,
//! sitemap and feed, drafts absent, determinism and atomicity.
// A test reads as one scenario; the 60-line limit (clippy.toml) is for src/.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;

fn build(dir: &std::path::Path, extra: &[&str]) -> std::path::PathBuf {
    let out = dir.join("public");
    let o = kennisbank(dir, &[&["build"], extra].concat());
    assert!(o.status.success(), "build failed: {}", stderr(&o));
    out
}

#[test]
fn builds_every_page_with_pretty_urls() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    for page in [
        "index.html",
        "lessen/index.html",
        "lessen/pagina/2/index.html",
        "lessen/eerste-les/index.html",
        "lessen/tweede-les/index.html",
        "lessen/derde-les/index.html",
        "kwadranten/responsieve-overheid/index.html",
        "themas/participatie/index.html",
        "themas/index.html",
        "over/index.html",
        "oud/over/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "data/enquete/sturing.csv",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
}

#[test]
fn relations_show_on_both_sides_with_their_reason() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let lesson = read(out.join("lessen/eerste-les/index.html"));
    assert!(lesson.contains(
        "href=\"/kenniskring/leren/kwadranten/responsieve-overheid/\">Responsieve overheid</a>"
    ));
    // the reason is shown, escaped
    assert!(lesson.contains(
        "Omdat de gemeente &lt;em&gt;luistert&lt;/em&gt; naar vragen uit de samenleving."
    ));
    let quadrant = read(out.join("kwadranten/responsieve-overheid/index.html"));
    assert!(
        quadrant.contains("href=\"/kenniskring/leren/lessen/eerste-les/\">Eerste les</a>"),
        "inverse missing"
    );
    assert!(quadrant.contains("href=\"/kenniskring/leren/lessen/tweede-les/\">Tweede les</a>"));
    assert!(quadrant.contains("Ook hier reageert de gemeente."));
    let theme = read(out.join("themas/participatie/index.html"));
    assert!(theme.contains(">Eerste les</a>"));
    // lessons are ordered by `nummer`: first before second on the quadrant page
    assert!(quadrant.find("Eerste les").unwrap() < quadrant.find("Tweede les").unwrap());
}

#[test]
fn internal_links_resolve_under_the_base_path() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let lesson = read(out.join("lessen/eerste-les/index.html"));
    assert!(
        lesson.contains(
            "<a href=\"/kenniskring/leren/lessen/tweede-les/#kop-met-accent\">vervolg</a>"
        )
    );
    // a bare [[slug]] takes the target's title as its text
    assert!(lesson.contains(
        "<a href=\"/kenniskring/leren/kwadranten/responsieve-overheid/\">Responsieve overheid</a>"
    ));
    assert!(
        lesson.contains("<h2 id=\"sudwest-fryslan\">"),
        "Dutch heading id"
    );
    assert!(lesson.contains("class=\"external\" rel=\"external noopener\""));
    let about = read(out.join("over/index.html"));
    assert!(about.contains("href=\"/kenniskring/leren/lessen/eerste-les/#waarom-deze-les\""));
    // every root-relative URL in every page stays under the base path
    for (path, bytes) in read_tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"/", "src=\"/"] {
            for (i, _) in html.match_indices(attr) {
                let rest = &html[i + attr.len() - 1..];
                assert!(
                    rest.starts_with("/kenniskring/leren/"),
                    "{path}: link outside the base path: {}",
                    &rest[..40.min(rest.len())]
                );
            }
        }
    }
}

#[test]
fn base_url_flag_moves_every_link() {
    let site = fixture("basic");
    let out = build(site.path(), &["--base-url", "https://vgs.nl/ander/pad/"]);
    let lesson = read(out.join("lessen/eerste-les/index.html"));
    assert!(lesson.contains("href=\"/ander/pad/lessen/tweede-les/#kop-met-accent\""));
    assert!(
        lesson.contains(
            "<link rel=\"canonical\" href=\"https://vgs.nl/ander/pad/lessen/eerste-les/\">"
        )
    );
}

#[test]
fn sitemap_and_feed_are_well_formed_xml() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let sitemap = read(out.join("sitemap.xml"));
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap parses");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&"https://example.nl/kenniskring/leren/lessen/eerste-les/"));
    assert!(locs.contains(&"https://example.nl/kenniskring/leren/"));
    let feed = read(out.join("atom.xml"));
    let doc = roxmltree::Document::parse(&feed).expect("feed parses");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| {
            e.children()
                .filter(|c| c.has_tag_name("title"))
                .filter_map(|c| c.text())
        })
        .collect();
    assert_eq!(
        titles,
        vec!["Over deze site"],
        "only dated pages are in the feed"
    );
    let robots = read(out.join("robots.txt"));
    assert!(robots.contains("Sitemap: https://example.nl/kenniskring/leren/sitemap.xml"));
}

/// What a draft of the `basic` fixture leaves in a file: its words (in any case: the search
/// files hold them folded), its URL or its alias.
fn draft_traces(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    ["geheimwoord", "geheime-les", "geheim/"]
        .into_iter()
        .filter(|t| lower.contains(t))
        .collect()
}

fn sitemap_locs(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("sitemap parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect()
}

/// The `<id>` (the page's URL) of every entry of an Atom feed.
fn feed_ids(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("feed parses");
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .flat_map(|e| {
            e.children()
                .filter(|c| c.has_tag_name("id"))
                .filter_map(|c| c.text().map(str::to_string))
        })
        .collect()
}

#[test]
fn drafts_appear_in_no_file_unless_asked() {
    // The draft has a date, a relation, an alias and words of its own: without --drafts none of
    // it may reach a page, a list, the handout, the sitemap, the feed or the search files.
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let with = site.path().join("met-concepten");
    let o = kennisbank(
        site.path(),
        &["build", "--drafts", "--out", with.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let url = "https://example.nl/kenniskring/leren/lessen/geheime-les/";

    let without = read_tree(&out);
    for (path, bytes) in &without {
        let traces = draft_traces(&String::from_utf8_lossy(bytes));
        assert!(traces.is_empty(), "draft leaked into {path}: {traces:?}");
        assert!(!path.contains("geheim"), "draft file {path}");
    }
    assert!(!sitemap_locs(&read(out.join("sitemap.xml"))).contains(&url.to_string()));
    assert!(!feed_ids(&read(out.join("atom.xml"))).contains(&url.to_string()));

    // With --drafts the same checks find the draft in every kind of file, so they can see a leak.
    let drafted = read_tree(&with);
    assert!(sitemap_locs(&read(with.join("sitemap.xml"))).contains(&url.to_string()));
    assert!(feed_ids(&read(with.join("atom.xml"))).contains(&url.to_string()));
    for file in [
        "lessen/geheime-les/index.html",
        "lessen/pagina/2/index.html",
        "lessen/alles/index.html",
        "kwadranten/responsieve-overheid/index.html",
        "geheim/index.html",
    ] {
        assert!(
            !draft_traces(&read(with.join(file))).is_empty(),
            "--drafts: the draft is not on {file}"
        );
    }
    let in_search = drafted
        .iter()
        .filter(|(p, b)| {
            p.starts_with("search/") && !draft_traces(&String::from_utf8_lossy(b)).is_empty()
        })
        .count();
    assert!(
        in_search >= 2,
        "--drafts: the draft is in {in_search} search files"
    );
}

#[test]
fn hidden_files_and_folders_in_content_are_not_published() {
    // An editor's or a tool's files: a swap file, a vault's settings, a repository.
    let site = fixture("basic");
    let content = site.path().join("content");
    std::fs::write(content.join("lessen/.eerste-les.md.swp"), "kladversie").unwrap();
    for (dir, file, text) in [
        (".obsidian", "workspace.json", "{\"geheim\": true}"),
        (".git", "config", "[remote] url = geheim"),
        (
            "lessen/.concepten",
            "vijfde-les.md",
            "---\ntitle: Vijfde\nnummer: 5\n---\nKlad.\n",
        ),
    ] {
        std::fs::create_dir_all(content.join(dir)).unwrap();
        std::fs::write(content.join(dir).join(file), text).unwrap();
    }
    let out = build(site.path(), &[]);
    let hidden: Vec<String> = read_tree(&out)
        .into_keys()
        .filter(|p| p.split('/').any(|part| part.starts_with('.')) && p != ".kennisbank-manifest")
        .collect();
    assert_eq!(hidden, Vec::<String>::new(), "hidden files were published");
    assert!(!out.join("lessen/vijfde-les").exists());
}

#[test]
fn aliases_redirect_without_script() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let alias = read(out.join("oud/over/index.html"));
    assert!(
        alias.contains("<meta http-equiv=\"refresh\" content=\"0; url=/kenniskring/leren/over/\">")
    );
    assert!(!alias.contains("<script"));
}

#[test]
fn charts_render_as_svg_with_a_table() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let lesson = read(out.join("lessen/eerste-les/index.html"));
    assert!(lesson.contains("<figure class=\"chart\""));
    assert!(lesson.contains("<svg class=\"chart-svg chart-svg-wide\""));
    assert!(lesson.contains("<svg class=\"chart-svg chart-svg-narrow\""));
    assert!(lesson.contains("<td>86</td><td>81</td>"));
}

#[test]
fn two_builds_give_identical_bytes() {
    let a = fixture("basic");
    let b = fixture("basic");
    let out_a = build(a.path(), &[]);
    let out_b = build(b.path(), &[]);
    let (ta, tb) = (read_tree(&out_a), read_tree(&out_b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (k, v) in &ta {
        assert!(v == &tb[k], "{k} differs between two builds");
    }
}

/// A failed build must not leave its temporary output folder next to the output folder.
fn assert_no_temporary_folders(dir: &std::path::Path) {
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kennisbank-tmp"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let before = read_tree(&out);
    std::fs::write(
        site.path().join("content/lessen/derde-les.md"),
        "---\ntitle: Kapot\nnummer: drie\n---\n",
    )
    .unwrap();
    let o = kennisbank(site.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(
        "content/lessen/derde-les.md:3:9: field `nummer` must be an integer, found `drie`"
    ));
    assert_eq!(read_tree(&out), before, "the previous site changed");
    assert_no_temporary_folders(site.path());
}

#[test]
fn a_build_that_fails_while_writing_pages_leaves_the_previous_site_untouched() {
    // Files go to disk as they are built: a template that fails on some pages fails the build
    // after other files were written, and still nothing of it may show.
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let before = read_tree(&out);
    std::fs::create_dir_all(site.path().join("templates")).unwrap();
    std::fs::write(
        site.path().join("templates/page.html"),
        "{% extends \"base.html\" %}{% block content %}{{ bestaat_niet.veld }}{% endblock content %}",
    )
    .unwrap();
    let o = kennisbank(site.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("bestaat_niet"), "{}", stderr(&o));
    assert_eq!(read_tree(&out), before, "the previous site changed");
    assert_no_temporary_folders(site.path());
}

#[test]
fn a_rebuild_links_unchanged_files_and_updates_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let before = read_tree(&out);
    // A second name for every file of the first build keeps its inode taken, so a file written
    // anew can never get the number of an old one.
    let kept = site.path().join("bewaard");
    for path in before.keys() {
        let dest = kept.join(path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::hard_link(out.join(path), &dest).unwrap();
    }
    std::fs::write(
        site.path().join("content/themas/participatie.md"),
        "---\ntitle: Participatie\n---\nNieuwe tekst.\n",
    )
    .unwrap();
    let o = kennisbank(site.path(), &["build", "--verbose"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(out.join("themas/participatie/index.html")).contains("Nieuwe tekst."));
    let after = read_tree(&out);
    let (mut linked, mut written) = (Vec::new(), Vec::new());
    for (path, bytes) in &after {
        if path == ".kennisbank-manifest" {
            continue;
        }
        let new = std::fs::metadata(out.join(path)).unwrap();
        if before.get(path) == Some(bytes) {
            // the same file as the previous build's: same inode, with our name and the site's
            let old = std::fs::metadata(kept.join(path)).unwrap();
            assert_eq!(
                new.ino(),
                old.ino(),
                "{path} is unchanged but was written anew"
            );
            assert_eq!(new.nlink(), 2, "{path}");
            linked.push(path.clone());
        } else {
            if let Ok(old) = std::fs::metadata(kept.join(path)) {
                assert_ne!(new.ino(), old.ino(), "{path} changed in place");
                assert_eq!(old.nlink(), 1, "{path}: the old bytes are only in our copy");
            }
            assert_eq!(new.nlink(), 1, "{path} changed but is linked");
            written.push(path.clone());
        }
    }
    assert!(linked.len() > 20, "only {} files linked", linked.len());
    let pages: Vec<_> = written.iter().filter(|p| p.ends_with(".html")).collect();
    assert!(
        (1..=4).contains(&pages.len())
            && pages.contains(&&"themas/participatie/index.html".to_string()),
        "pages written anew: {pages:?}"
    );
    // the write statistics say the same
    let err = stderr(&o);
    let line = err
        .lines()
        .find(|l| l.contains("unchanged, linked"))
        .expect("write statistics");
    assert!(
        line.contains(&format!(
            "wrote {} files ({} unchanged, linked)",
            after.len() - 1,
            linked.len()
        )),
        "{line}"
    );
}

#[test]
fn output_folder_guard_refuses_dangerous_targets() {
    let site = fixture("basic");
    let root = site.path().to_string_lossy().into_owned();
    let inside = |p: &str| site.path().join(p).to_string_lossy().into_owned();
    for out in [
        inside("."),
        inside("content"),
        inside("content/public"),
        inside("themes/default"),
        "/".into(),
        root,
    ] {
        let o = kennisbank(site.path(), &["build", "--out", &out]);
        assert_eq!(
            o.status.code(),
            Some(2),
            "--out {out} accepted: {}",
            stderr(&o)
        );
        assert!(
            stderr(&o).contains("refusing to write the site"),
            "{}",
            stderr(&o)
        );
    }
    assert!(site.path().join("content/_index.md").exists());
    // the reader's home folder (here a stand-in, through $HOME)
    let home = tempfile::tempdir().unwrap();
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .env("HOME", home.path())
        .args([
            "--root",
            site.path().to_str().unwrap(),
            "build",
            "--out",
            home.path().to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("your home folder"), "{}", stderr(&o));
    // a folder with someone else's files needs --force
    let other = site.path().join("elders");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notities.txt"), "belangrijk").unwrap();
    let o = kennisbank(site.path(), &["build", "--out", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"));
    assert_eq!(read(other.join("notities.txt")), "belangrijk");
    let o = kennisbank(
        site.path(),
        &["build", "--out", other.to_str().unwrap(), "--force"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn summary_line_counts_pages_and_collections() {
    let site = fixture("basic");
    let o = kennisbank(site.path(), &["build"]);
    let err = stderr(&o);
    let last = err.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("11 pages, 3 collections, 0 warnings in "),
        "{last}"
    );
    // The drafts left out are named, so an editor knows where a page went.
    assert!(
        err.contains(
            "left out 1 draft (add --drafts to include them): content/lessen/geheime-les.md\n"
        ),
        "{err}"
    );
    let with = stderr(&kennisbank(site.path(), &["build", "--drafts"]));
    assert!(!with.contains("left out"), "{with}");
}

#[test]
fn a_collection_with_a_handout_prints_every_page_on_one_page() {
    let site = fixture("basic");
    let out = build(site.path(), &[]);
    let handout = read(out.join("lessen/alles/index.html"));
    let first = handout
        .find("<h2 id=\"eerste-les-title\"")
        .expect("first lesson");
    let second = handout
        .find("<h2 id=\"tweede-les-title\"")
        .expect("second lesson");
    assert!(first < second, "in the collection's order");
    assert!(
        handout.contains("De voetnoot."),
        "full content, not only summaries"
    );
    // ids are unique on the page: every lesson's headings carry its slug
    assert!(handout.contains("id=\"eerste-les-waarom-deze-les\""));
    let mut ids: Vec<&str> = handout
        .split(" id=\"")
        .skip(1)
        .map(|r| r.split('"').next().unwrap())
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate ids on the handout page");
    // A link in a lesson to a lesson that is on the handout goes to its section there, with
    // the anchor as the handout names it; the "Online" line still leads to the lesson's page.
    assert!(
        handout.contains("<a href=\"#tweede-les-kop-met-accent\">vervolg</a>"),
        "the link to a heading of another lesson"
    );
    assert!(
        handout.contains("<a href=\"#eerste-les\">Eerste les</a>"),
        "a [[slug]] link to another lesson"
    );
    assert!(!handout.contains("lessen/tweede-les/#kop-met-accent"));
    // (its text is the page's full address, which a printed handout shows)
    assert!(handout.contains(
        "Online: <a href=\"/kenniskring/leren/lessen/eerste-les/\">https://example.nl/kenniskring/leren/lessen/eerste-les/</a>"
    ));
    // and every in-page link of the handout lands on an id of the handout
    for target in handout.split("href=\"#").skip(1) {
        let id = target.split('"').next().unwrap();
        assert!(
            ids.contains(&id),
            "href=\"#{id}\" has no target on the handout"
        );
    }
    assert!(!handout.contains("GEHEIMWOORD"), "drafts stay out");
    let list = read(out.join("lessen/index.html"));
    assert!(
        list.contains("href=\"/kenniskring/leren/lessen/alles/\""),
        "the list links to the handout"
    );
}
