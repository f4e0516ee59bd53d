//! `kennisbank new`: a page with the fields its collection needs, never overwriting.

mod common;
use common::*;

#[test]
fn new_page_has_the_required_fields_and_passes_check() {
    let site = fixture("basic");
    let o = kennisbank(site.path(), &["new", "lessen", "vierde-les"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = read(site.path().join("content/lessen/vierde-les.md"));
    assert!(text.contains("title: \"Vierde les\""));
    assert!(text.contains("nummer: 0"));
    assert!(text.contains("kwadranten: []"));
    assert!(text.contains("draft: true"));
    let o = kennisbank(site.path(), &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
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
