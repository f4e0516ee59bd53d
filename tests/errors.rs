//! One fixture per kind of content error under `tests/fixtures/errors/`: `kennisbank check`
//! must exit 1 and print exactly the diagnostics in the fixture's `expected.txt`.

mod common;
use common::*;

/// The operating system's words for an I/O error (`No such file or directory (os error 2)` on
/// Linux, other words elsewhere) as `<OS error>`, so that the goldens hold only kennisbank's text.
fn without_os_text(line: &str) -> String {
    match line.find(" (os error ") {
        Some(at) if line.ends_with(')') => {
            let start = line[..at].rfind(": ").map_or(0, |i| i + 2);
            format!("{}<OS error>", &line[..start])
        }
        _ => line.to_string(),
    }
}

#[test]
fn every_error_fixture_reports_its_file_line_and_message() {
    let dir = repo().join("tests/fixtures/errors");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 23, "fixtures missing: {names:?}");
    let mut failures = Vec::new();
    for name in &names {
        let site = fixture(&format!("errors/{name}"));
        let expected = read(site.path().join("expected.txt"));
        let o = kennisbank(site.path(), &["check"]);
        let err = stderr(&o);
        if o.status.code() != Some(1) {
            failures.push(format!(
                "{name}: exit {:?}, expected 1\n{err}",
                o.status.code()
            ));
            continue;
        }
        if err.contains("panicked") {
            failures.push(format!("{name}: panic\n{err}"));
        }
        let got: Vec<String> = err
            .lines()
            .filter(|l| !l.starts_with("error: "))
            .map(without_os_text)
            .collect();
        let want: Vec<&str> = expected.lines().collect();
        if got != want {
            failures.push(format!("{name}:\n  expected {want:#?}\n  got {got:#?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_failing_build_writes_nothing() {
    let site = fixture("errors/wrong-type");
    let o = kennisbank(site.path(), &["build"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("error: 1 problem found; nothing was written\n"),
        "{}",
        stderr(&o)
    );
    assert!(!site.path().join("public").exists());
}

#[test]
fn check_json_lists_problems_for_editors() {
    let site = fixture("errors/unknown-relation-target");
    let o = kennisbank(site.path(), &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json on stdout");
    assert_eq!(v["ok"], false);
    let e = &v["errors"][0];
    assert_eq!(e["file"], "content/lessen/les.md");
    assert_eq!(e["line"], 5);
    assert_eq!(e["column"], 9);
    assert_eq!(e["severity"], "error");
    assert_eq!(
        e["message"],
        "unknown kwadrant `responsief` in `kwadranten`; did you mean `responsieve-overheid`?"
    );
    assert_eq!(v["errors"].as_array().unwrap().len(), 1);
    assert_eq!(v["warnings"], serde_json::json!([]));
    // a site that builds, with a warning: ok, no errors, the warning with its place
    let ok = fixture("basic");
    std::fs::write(
        ok.path().join("content/lessen/kwaad.md"),
        "---\ntitle: Kwaad\nnummer: 9\nkwadranten: []\n---\nEen [klik](javascript:alert(1)) hier.\n",
    )
    .unwrap();
    let o = kennisbank(ok.path(), &["check", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({
            "drafts": ["content/lessen/geheime-les.md"],
            "ok": true,
            "errors": [],
            "warnings": [{
                "file": "content/lessen/kwaad.md",
                "line": 6,
                "column": 5,
                "severity": "warning",
                "message": "link `javascript:alert(1)` uses a scheme that is not allowed; the link is removed",
            }],
        })
    );
}

#[test]
fn a_missing_site_toml_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = kennisbank(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no site.toml"), "{}", stderr(&o));
}

#[test]
fn bad_usage_exits_2() {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .arg("bouw")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
