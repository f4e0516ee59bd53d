//! Property tests (this project's fuzzing: cargo fuzz needs a nightly toolchain, which this
//! machine cannot fetch). Arbitrary input must never make the front-matter splitter and parser,
//! the Markdown stage with its link rewriting, or the site.toml parser panic or hang.
//!
//! CI runs a few hundred cases per target; a long run is
//! `PROPTEST_CASES=200000 cargo test --release --test properties` (see the README).

use kennisbank::config::Config;
use kennisbank::content::{Content, PageKind, parse_source};
use proptest::prelude::*;
use std::path::Path;

const SITE: &str = r#"title = "Eigenschappen"
base_url = "https://example.nl/sub/pad/"
[collections.lessen]
title = "Lessen"
sort_by = "nummer"
fields.nummer = { type = "integer", required = true }
fields.soort = { type = "enum", values = ["a", "b"] }
fields.mensen = { type = "records", keys = ["naam", "functie"] }
[collections.lessen.relations.kwadranten]
to = "kwadranten"
inverse = "lessen"
why = "required"
[collections.kwadranten]
title = "Kwadranten"
"#;

fn config() -> Config {
    Config::parse(SITE).unwrap()
}

/// Markdown-ish text: the characters that matter to the parsers, in any order.
fn markdownish() -> impl Strategy<Value = String> {
    let atoms = prop_oneof![
        Just("\n".to_string()),
        Just("---\n".to_string()),
        Just("## ".to_string()),
        Just("[[".to_string()),
        Just("]]".to_string()),
        Just("](@/".to_string()),
        Just("lessen/les.md".to_string()),
        Just("#kop".to_string()),
        Just("|".to_string()),
        Just("![".to_string()),
        Just("```chart\n".to_string()),
        Just("```\n".to_string()),
        Just("> ".to_string()),
        Just("- ".to_string()),
        Just("<script>".to_string()),
        Just("javascript:".to_string()),
        Just("[^1]".to_string()),
        Just("title: ".to_string()),
        Just("nummer: ".to_string()),
        Just("kwadranten:\n  - to: ".to_string()),
        Just("why: ".to_string()),
        Just("{".to_string()),
        Just(":".to_string()),
        "[a-zA-Zéú0-9 ]{0,12}".prop_map(|s| s),
        any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn front_matter_parser_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_source(&bytes, Path::new("content/lessen/les.md"), &config());
    }

    #[test]
    fn front_matter_parser_never_panics_on_markdownish_text(text in markdownish()) {
        let _ = parse_source(text.as_bytes(), Path::new("content/lessen/les.md"), &config());
        let with_header = format!("---\ntitle: T\nnummer: 1\n{text}");
        let _ = parse_source(with_header.as_bytes(), Path::new("content/lessen/les.md"), &config());
    }

    #[test]
    fn markdown_stage_never_panics(body in markdownish()) {
        let config = config();
        let mut pages = Vec::new();
        let page = format!("---\ntitle: Les\nnummer: 1\n---\n{body}");
        if let (Some(p), _) = parse_source(page.as_bytes(), Path::new("content/lessen/les.md"), &config) {
            prop_assert_eq!(p.kind, PageKind::Member);
            pages.push(p);
        }
        let other = "---\ntitle: Kwadrant\n---\n## Kop\n";
        pages.push(parse_source(other.as_bytes(), Path::new("content/kwadranten/k.md"), &config).0.unwrap());
        let (site, _) = kennisbank::graph::build(config, Content { pages, ..Content::default() }, false);
        let (rendered, _) = kennisbank::markdown::render_all(&site, &kennisbank::i18n::Strings::default());
        for r in &rendered {
            prop_assert!(!r.html.contains("href=\"javascript:"));
            prop_assert!(!r.html.contains("<script>"));
        }
    }

    #[test]
    fn config_parser_never_panics(extra in markdownish(), bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Config::parse(&format!("{SITE}{extra}"));
        let _ = Config::parse(&String::from_utf8_lossy(&bytes));
    }
}
