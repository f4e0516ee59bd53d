//! Bad input gets a clear error and never a panic or a hang; nothing leaks; a killed build
//! leaves the previous site whole.

mod common;
use common::*;
use std::time::{Duration, Instant};

/// Run `check` on a copy of the `errors/wrong-type` site's skeleton with one page replaced.
fn check_with_page(name: &str, bytes: &[u8]) -> (Option<i32>, String) {
    let site = fixture("errors/why-missing");
    std::fs::write(
        site.path().join("content/lessen/les.md"),
        "---\ntitle: Les\nnummer: 1\n---\nTekst.\n",
    )
    .unwrap();
    std::fs::write(site.path().join("content/lessen").join(name), bytes).unwrap();
    let start = Instant::now();
    let o = kennisbank(site.path(), &["check"]);
    assert!(
        start.elapsed() < Duration::from_secs(60),
        "{name} took {:?}",
        start.elapsed()
    );
    let err = stderr(&o);
    assert!(!err.contains("panicked"), "{name}: panic\n{err}");
    (o.status.code(), err)
}

#[test]
fn a_20_mb_page_is_refused_with_its_size() {
    let mut page = b"---\ntitle: Groot\nnummer: 2\n---\n".to_vec();
    page.extend(std::iter::repeat_n(b"woord ".as_slice(), 20 * 1024 * 1024 / 6).flatten());
    let (code, err) = check_with_page("groot.md", &page);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("content/lessen/groot.md: file is 20.0 MB; a page may be at most 8 MB"),
        "{err}"
    );
}

#[test]
fn markdown_nested_10000_levels_deep_builds_without_crashing() {
    let mut page = b"---\ntitle: Diep\nnummer: 2\n---\n".to_vec();
    page.extend(std::iter::repeat_n(b'>', 10_000));
    page.extend(b" bodem\n\n");
    page.extend(std::iter::repeat_n(b"- ".as_slice(), 10_000).flatten());
    page.extend(b"lijst\n");
    let (code, err) = check_with_page("diep.md", &page);
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn a_symlink_out_of_the_project_is_refused_and_a_loop_is_reported() {
    let site = fixture("errors/why-missing");
    std::fs::write(
        site.path().join("content/lessen/les.md"),
        "---\ntitle: Les\nnummer: 1\n---\nTekst.\n",
    )
    .unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("geheim.md"),
        "---\ntitle: Geheim\nnummer: 9\n---\nbuiten\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("geheim.md"),
        site.path().join("content/lessen/link.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        site.path().join("content"),
        site.path().join("content/lessen/lus"),
    )
    .unwrap();
    let start = Instant::now();
    let o = kennisbank(site.path(), &["check"]);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "a symlink loop hangs"
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "content/lessen/link.md: symbolic link points outside the project; refusing to read it"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/lessen/lus: symbolic link loop"),
        "{err}"
    );
}

#[test]
fn content_is_escaped_everywhere_and_javascript_links_are_removed() {
    let site = fixture("basic");
    let evil = r#"---
title: "<script>alert('titel')</script>"
summary: "\"><img src=x onerror=alert('summary')>"
nummer: 5
kwadranten:
  - to: responsieve-overheid
    why: "</script><script>alert('why')</script>"
---
## <img src=x onerror=alert('kop')>

Tekst <script>alert('body')</script> en [klik](javascript:alert('link')) en [ook](JaVaScRiPt:alert(1)).

<iframe src="javascript:alert('iframe')"></iframe>
"#;
    std::fs::write(site.path().join("content/lessen/kwaad.md"), evil).unwrap();
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("uses a scheme that is not allowed"),
        "{}",
        stderr(&o)
    );
    for (path, bytes) in read_tree(&site.path().join("public")) {
        // Search files are JSON data, shown by the client as text nodes only.
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for needle in [
            "<script>alert",
            "href=\"javascript:",
            "href=\"JaVaScRiPt:",
            "<iframe",
            "<img src=x",
        ] {
            assert!(!text.contains(needle), "{path} contains {needle}");
        }
    }
    let page = read(site.path().join("public/lessen/kwaad/index.html"));
    assert!(
        page.contains("&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt;"),
        "title shown as text"
    );
}

#[test]
fn a_killed_build_leaves_the_previous_site_whole() {
    let site = fixture("basic");
    let first = kennisbank(site.path(), &["build"]);
    assert!(first.status.success());
    let before = read_tree(&site.path().join("public"));
    // Make the build long enough to be killed in the middle of its work.
    for i in 0..300 {
        let body = "Een alinea met woorden. ".repeat(200);
        std::fs::write(
            site.path().join(format!("content/themas/thema-{i}.md")),
            format!("---\ntitle: Thema {i}\n---\n## Kop\n\n{body}\n"),
        )
        .unwrap();
    }
    for delay_ms in [5u64, 40, 120, 250] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
            .args(["--root", site.path().to_str().unwrap(), "build"])
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let after = read_tree(&site.path().join("public"));
        if status.success() {
            // finished before the kill: then it must be the complete new site
            assert!(after.keys().any(|k| k.starts_with("themas/thema-299/")));
        } else {
            assert_eq!(
                after.keys().collect::<Vec<_>>(),
                before.keys().collect::<Vec<_>>(),
                "killed after {delay_ms} ms"
            );
            assert!(
                after == before,
                "the previous site changed after a kill at {delay_ms} ms"
            );
        }
    }
    // the next build cleans up what a killed build left and succeeds
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success());
    let leftovers: Vec<_> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("kennisbank-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn site_toml_missing_unreadable_or_wrong_is_a_clear_error() {
    let site = fixture("basic");
    let toml = site.path().join("site.toml");
    std::fs::write(&toml, "title = \"x\"\nbase_url = 42\n").unwrap();
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("site.toml:2:12: invalid type: integer `42`, expected a string"),
        "{}",
        stderr(&o)
    );
    std::fs::write(&toml, b"title = \"\xff\"\n").unwrap();
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("site.toml: not valid UTF-8"),
        "{}",
        stderr(&o)
    );
}
