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

/// The temporary folders builds left next to the output folder of `site`.
fn temporary_folders(site: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(site)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .contains("kennisbank-tmp")
        })
        .collect()
}

fn entries(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

/// Start a build of `site` and SIGKILL it as soon as `progress` says its temporary folder has
/// got far enough. `None` when the build ended on its own first.
fn kill_build_when(
    site: &std::path::Path,
    progress: impl Fn(&std::path::Path) -> bool,
) -> Option<std::process::ExitStatus> {
    use std::os::unix::fs::MetadataExt;
    // Folders of earlier killed builds (which this build removes) are not this build's.
    let inode = |d: &std::path::Path| std::fs::metadata(d).map(|m| m.ino()).ok();
    let stale: Vec<_> = temporary_folders(site).iter().map(|d| inode(d)).collect();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .args(["--root", site.to_str().unwrap(), "build"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "the build failed: {status}");
            return None;
        }
        let ours = temporary_folders(site)
            .into_iter()
            .find(|d| !stale.contains(&inode(d)));
        // Once a folder has the manifest, the build is about to swap it in (or has, and the
        // folder then holds the old site on its way out): too late.
        if ours.is_some_and(|d| !d.join(".kennisbank-manifest").exists() && progress(&d)) {
            break;
        }
        assert!(Instant::now() < deadline, "the build never got that far");
        std::thread::sleep(Duration::from_micros(200));
    }
    child.kill().unwrap();
    Some(child.wait().unwrap())
}

/// A sign that a build in its temporary folder got far enough.
type Progress<'a> = &'a dyn Fn(&std::path::Path) -> bool;

#[test]
// The length limit is for src/; this test reads best as one story of three rounds.
#[allow(clippy::too_many_lines)]
fn a_killed_build_leaves_the_previous_site_whole() {
    use std::os::unix::process::ExitStatusExt;
    let site = fixture("basic");
    // Enough pages, and long enough, that writing them takes a while after the first file is
    // out, even when other tests share the two cores.
    let body = "Een alinea met woorden. ".repeat(100);
    for i in 0..600 {
        std::fs::write(
            site.path().join(format!("content/themas/thema-{i}.md")),
            format!("---\ntitle: Thema {i}\n---\n## Kop\n\n{body}\n"),
        )
        .unwrap();
    }
    let public = site.path().join("public");
    let toml = site.path().join("site.toml");
    let original = read(&toml);
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut before = read_tree(&public);
    // The site a build of the current content writes, built elsewhere.
    let reference = || {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let o = kennisbank(site.path(), &["build", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        read_tree(&out)
    };
    // Signs of progress: the first file out (the search files come first), the first page.
    let first_file = |tmp: &std::path::Path| {
        walkdir::WalkDir::new(tmp)
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.file_type().is_file())
    };
    let first_page = |tmp: &std::path::Path| entries(&tmp.join("themas")) > 0;
    // Kill while the search files are written, then while the pages are; then once more
    // after a build that ran to the end.
    let rounds: [(&str, Progress); 3] = [
        ("at the first file", &first_file),
        ("at the first page", &first_page),
        ("after a whole build", &first_page),
    ];
    let mut version = 0;
    for (round, progress) in rounds {
        if round == "after a whole build" {
            let o = kennisbank(site.path(), &["build"]);
            assert!(o.status.success(), "{}", stderr(&o));
            before = read_tree(&public);
            assert!(temporary_folders(site.path()).is_empty());
        }
        let mut killed = false;
        // A kill can land after the new site was swapped in (the build then only removes the
        // old one): that is the whole new site, which becomes the one to keep, and the round
        // is tried again (on a busy machine the build can outrun the watcher a few times).
        for _ in 0..20 {
            // A new site title changes every page, so no file of the new build is linked.
            version += 1;
            std::fs::write(
                &toml,
                original.replacen("Proefkennisbank", &format!("Proefkennisbank {version}"), 1),
            )
            .unwrap();
            let status = kill_build_when(site.path(), progress);
            let after = read_tree(&public);
            if after == before {
                let status = status.expect("the build ended but the site did not change");
                assert_eq!(status.signal(), Some(9), "{round}: {status}"); // SIGKILL
                killed = true;
                break;
            }
            assert!(
                after == reference(),
                "{round}: the site is neither the previous one nor the new one"
            );
            before = after;
        }
        assert!(
            killed,
            "{round}: no kill landed before the new site was in place"
        );
        // The killed build's folder is still there, holding part of the new site.
        let left = temporary_folders(site.path());
        assert_eq!(left.len(), 1, "{round}: {left:?}");
        let written = read_tree(&left[0]).len();
        assert!(
            written > 0 && written < before.len(),
            "{round}: the killed build had written {written} of {} files",
            before.len()
        );
    }
    // the next build cleans up what a killed build left and succeeds
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let leftovers = temporary_folders(site.path());
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(read(public.join("index.html")).contains(&format!("Proefkennisbank {version}")));
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
