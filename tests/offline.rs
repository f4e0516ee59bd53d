//! `kennisbank build --offline`: a site that works from a folder. Every URL of every HTML file
//! is relative to its page and names a file that exists (with its anchor), so nothing depends
//! on a web server, a base path or where the folder sits.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

const BASE: &str = "https://offline.example/kb/";

/// The values of an attribute in an HTML file, with the tag each sits in.
fn attributes<'h>(html: &'h str, name: &str) -> Vec<(&'h str, &'h str)> {
    let needle = format!(" {name}=\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(&needle) {
        let start = from + at + needle.len();
        let end = start + html[start..].find('"').unwrap();
        let tag = &html[html[..start].rfind('<').unwrap()..end];
        out.push((&html[start..end], tag));
        from = end;
    }
    out
}

/// A relative URL against the folder of `file`, as a browser resolves it on `file:`.
fn resolve(file: &str, url: &str) -> Option<String> {
    let mut parts: Vec<&str> = file.split('/').collect();
    parts.pop();
    for seg in url.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn ids(html: &str) -> BTreeSet<String> {
    attributes(html, "id")
        .into_iter()
        .map(|(v, _)| v.to_string())
        .collect()
}

/// Every problem of an offline build's URLs, as "file: url: why".
fn url_problems(out: &Path) -> Vec<String> {
    let tree = read_tree(out);
    let html: BTreeMap<&str, String> = tree
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p.as_str(), String::from_utf8_lossy(b).into_owned()))
        .collect();
    let mut problems = Vec::new();
    for (file, text) in &html {
        let mut urls: Vec<(String, &str)> = Vec::new();
        for attr in ["href", "src", "action"] {
            for (v, tag) in attributes(text, attr) {
                urls.push((v.replace("&amp;", "&"), tag));
            }
        }
        for (v, tag) in attributes(text, "content") {
            if let Some((_, url)) = v.split_once("; url=") {
                urls.push((url.to_string(), tag));
            }
        }
        for (url, tag) in urls {
            let mut fail = |why: &str| problems.push(format!("{file}: {url}: {why}"));
            if tag.contains("rel=\"canonical\"") {
                // the page's address on the web, named on purpose; never loaded
                if !url.starts_with(BASE) {
                    fail("a canonical URL that is not the page's web address");
                }
                continue;
            }
            if url.starts_with('/') {
                fail("root-relative");
            } else if url.contains("offline.example") {
                fail("absolute URL of the site");
            } else if url.contains(':') || url.is_empty() {
                continue; // another site, mailto:
            } else {
                let (path, fragment) = url.split_once('#').unwrap_or((&url, ""));
                let path = path.split('?').next().unwrap();
                let target = if path.is_empty() {
                    Some(file.to_string())
                } else {
                    resolve(file, path)
                };
                match target {
                    None => fail("leads out of the folder"),
                    Some(t) if !tree.contains_key(&t) => fail("names no file of the folder"),
                    Some(t)
                        if !fragment.is_empty()
                            && !html
                                .get(t.as_str())
                                .is_some_and(|h| ids(h).contains(fragment)) =>
                    {
                        fail("names a missing anchor")
                    }
                    Some(_) => {}
                }
            }
        }
    }
    problems
}

/// Fails with the first problems of an offline build's URLs, if any.
fn assert_no_url_problems(out: &Path, what: &str) {
    let problems = url_problems(out);
    let first: Vec<&String> = problems.iter().take(15).collect();
    assert!(
        problems.is_empty(),
        "{what}: {} bad URLs, first: {first:#?}",
        problems.len()
    );
}

fn build_offline(root: &Path, out: &Path, extra: &[&str]) {
    let out = out.to_str().unwrap();
    let args = [&["build", "--out", out, "--base-url", BASE], extra].concat();
    let o = kennisbank(root, &args);
    assert!(o.status.success(), "offline build failed: {}", stderr(&o));
}

#[test]
fn the_shipped_site_offline_has_only_page_relative_urls_to_files_that_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("usb");
    build_offline(&repo(), &out, &["--offline"]);
    assert_no_url_problems(&out, "shipped site");
    // the check sees the links: a page of every kind, the search page, an alias, the 404 page
    let lesson = read(out.join("lessen/bezint-eer-ge-begint/index.html"));
    assert!(
        lesson.contains("href=\"../../lessen/index.html\""),
        "{lesson}"
    );
    assert!(lesson.contains("<script defer src=\"../../search."));
    let search = read(out.join("zoeken/index.html"));
    assert!(search.contains("data-search-index=\"../search/\""));
    assert!(search.contains("data-base=\"../\""));
}

#[test]
fn fixture_sites_offline_have_only_page_relative_urls_to_files_that_exist() {
    for name in ["basic", "generic", "views"] {
        let site = fixture(name);
        let out = site.path().join("public");
        build_offline(site.path(), &out, &["--offline"]);
        assert_no_url_problems(&out, name);
        if name == "basic" {
            // an alias page redirects to its page's file
            let alias = read(out.join("oud/over/index.html"));
            assert!(
                alias.contains("content=\"0; url=../../over/index.html\""),
                "{alias}"
            );
        }
    }
}

#[test]
fn the_online_build_keeps_root_relative_urls_and_writes_no_search_scripts() {
    let site = fixture("basic");
    let out = site.path().join("public");
    build_offline(site.path(), &out, &[]);
    let problems = url_problems(&out);
    assert!(
        problems.iter().any(|p| p.ends_with("root-relative")),
        "{problems:?}"
    );
    let tree = read_tree(&out);
    assert!(
        !tree
            .keys()
            .any(|p| p.starts_with("search/") && p.ends_with(".js"))
    );
    assert!(tree.keys().any(|p| p.starts_with("search/p/")));
}

#[test]
fn offline_in_site_toml_builds_the_same_folder_and_search_registers_its_files() {
    let site = fixture("basic");
    let flag = site.path().join("by-flag");
    build_offline(site.path(), &flag, &["--offline"]);
    let toml = site.path().join("site.toml");
    let text = read(&toml);
    std::fs::write(&toml, format!("offline = true\n{text}")).unwrap();
    let by_toml = site.path().join("by-toml");
    build_offline(site.path(), &by_toml, &[]);
    assert_eq!(read_tree(&flag), read_tree(&by_toml));
    let tree = read_tree(&flag);
    let part = String::from_utf8(tree["search/p/0.bin.js"].clone()).unwrap();
    assert!(part.starts_with("(window.__kb_search = window.__kb_search || {})[\"p/0.bin\"] = \""));
    let cards = String::from_utf8(tree["search/c/0.json.js"].clone()).unwrap();
    assert!(
        cards.contains("index.html"),
        "result links name their file: {cards}"
    );

    std::fs::write(&toml, format!("offline = \"ja\"\n{text}")).unwrap();
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("site.toml:1:11:"), "{}", stderr(&o));
}

#[test]
fn a_module_script_that_imports_fails_an_offline_build_and_leaves_the_folder_whole() {
    let site = fixture("basic");
    let out = site.path().join("public");
    build_offline(site.path(), &out, &["--offline"]);
    let before = read_tree(&out);
    let statics = site.path().join("static");
    std::fs::create_dir_all(&statics).unwrap();
    std::fs::write(
        statics.join("search.js"),
        "// search\nimport { x } from \"./x.js\";\nexport function f() {}\n",
    )
    .unwrap();
    let o = kennisbank(site.path(), &["build", "--offline"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("search.")
            && err.contains(".js:2:1: an offline build cannot use a module script that imports"),
        "{err}"
    );
    assert_eq!(read_tree(&out), before);
}

#[test]
fn a_web_build_writes_gzip_copies_of_text_files_and_an_offline_build_none() {
    let site = fixture("basic");
    let out = site.path().join("public");
    build_offline(site.path(), &out, &[]);
    let tree = read_tree(&out);
    let page = "lessen/eerste-les/index.html";
    let gz = &tree[&format!("{page}.gz")];
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(gz.as_slice()),
        &mut unpacked,
    )
    .unwrap();
    assert_eq!(unpacked, tree[page]);
    // every text file of 1 KB or more has one, small files and images none
    for (path, bytes) in &tree {
        let text = [".html", ".css", ".js", ".xml", ".json"]
            .iter()
            .any(|e| path.ends_with(e));
        if text && bytes.len() >= 4096 {
            assert!(tree.contains_key(&format!("{path}.gz")), "no {path}.gz");
        }
        if bytes.len() < 1024 || path.ends_with(".png") {
            assert!(!tree.contains_key(&format!("{path}.gz")), "{path}.gz");
        }
    }
    // a build with no change links the copies instead of compressing again
    let inode =
        |p: &str| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(out.join(p)).unwrap());
    let before = inode(&format!("{page}.gz"));
    build_offline(site.path(), &out, &[]);
    assert_eq!(
        inode(&format!("{page}.gz")),
        before,
        "linked, not written again"
    );

    let flat = site.path().join("flat");
    build_offline(site.path(), &flat, &["--offline"]);
    assert!(!read_tree(&flat).keys().any(|p| p.ends_with(".gz")));
    build_offline(site.path(), &flat, &["--no-gzip"]);
    assert!(!read_tree(&flat).keys().any(|p| p.ends_with(".gz")));
}

#[test]
fn the_readme_quotes_the_tested_web_server_configurations_as_they_are() {
    let readme = read(repo().join("README.md"));
    for file in ["docs/hosting/nginx.conf", "docs/hosting/htaccess"] {
        let config = read(repo().join(file));
        assert!(
            readme.contains(&config),
            "README.md does not quote {file} as it is; copy the file into its code block"
        );
    }
}
