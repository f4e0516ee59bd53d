//! `kennisbank new`: a page with the fields its collection needs, never overwriting.
// A test reads as one scenario; the 60-line limit (clippy.toml) is for src/.
#![allow(clippy::too_many_lines)]

mod common;
use common::*;

#[test]
fn a_new_page_fails_check_until_its_placeholders_are_filled_and_build_leaves_it_out() {
    let site = fixture("basic");
    let o = kennisbank(site.path(), &["new", "lessen", "vierde-les"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = site.path().join("content/lessen/vierde-les.md");
    let text = read(&file);
    assert!(text.contains("title: \"Vierde les\""), "{text}");
    assert!(text.contains("draft: true"), "{text}");
    // Every field and relation is there, empty, with what it takes; an enum lists its values.
    let line = |key: &str| {
        let l = text
            .lines()
            .find(|l| l.starts_with(&format!("{key}:")))
            .unwrap_or_default();
        let (value, note) = l.split_once('#').unwrap_or((l, ""));
        (value.trim().to_string(), note.trim().to_string())
    };
    assert_eq!(
        line("nummer"),
        ("nummer:".into(), "required: an integer".into())
    );
    assert_eq!(
        line("status"),
        (
            "status:".into(),
            "optional: one of: concept, vastgesteld".into()
        )
    );
    assert_eq!(
        line("kwadranten"),
        (
            "kwadranten:".into(),
            "pages of `kwadranten`: each as {to: slug, why: \"…\"}".into()
        )
    );
    // check fails until the placeholders are filled, draft or not; build leaves the draft out and
    // says what it still lacks.
    let lack =
        "content/lessen/vierde-les.md:6:1: required field `nummer` is empty: give it an integer";
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).lines().next().unwrap_or_default(),
        format!("{lack} (a draft: `build` leaves it out, `check` wants it complete)")
    );
    let o = kennisbank(site.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["errors"][0]["line"], 6);
    assert_eq!(json["errors"].as_array().map(Vec::len), Some(1));
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("  to do before publishing: {lack}")),
        "{}",
        stderr(&o)
    );
    assert!(!site.path().join("public/lessen/vierde-les").exists());
    // Built with --drafts, or published with the placeholder still empty, it is an error.
    let o = kennisbank(site.path(), &["build", "--drafts"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().next().unwrap_or_default(), lack);
    std::fs::write(&file, text.replace("draft: true", "draft: false")).unwrap();
    let o = kennisbank(site.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().next().unwrap_or_default(), lack);
    // Filled in and no longer a draft, it passes, and the empty optional field shows nothing.
    let filled = text
        .replacen("nummer:", "nummer: 4", 1)
        .replace("draft: true", "draft: false");
    std::fs::write(&file, filled).unwrap();
    let o = kennisbank(site.path(), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = read(site.path().join("public/lessen/vierde-les/index.html"));
    assert!(page.contains("<h1>Vierde les</h1>"));
    assert!(
        !page.contains("fact-status"),
        "an empty optional field is no fact"
    );
}

#[test]
fn new_refuses_to_overwrite_and_suggests_collections() {
    let site = fixture("basic");
    let before = read(site.path().join("content/lessen/eerste-les.md"));
    let o = kennisbank(site.path(), &["new", "lessen", "eerste-les"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("already exists"));
    assert_eq!(
        read(site.path().join("content/lessen/eerste-les.md")),
        before
    );
    let o = kennisbank(site.path(), &["new", "les", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `lessen`"),
        "{}",
        stderr(&o)
    );
    let o = kennisbank(site.path(), &["new", "lessen", "../../etc"]);
    assert_eq!(o.status.code(), Some(2));
}
