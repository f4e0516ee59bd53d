//! The house rules of ARCHITECTURE.md that the compiler does not hold: dependencies point one
//! way, from the later stages of the pipeline to the earlier ones and to the shared helpers below
//! them all.

use std::collections::BTreeMap;
use std::path::Path;

/// Each module of `src/` and its layer: a module may use modules of lower layers only (and its
/// own submodules). The stages keep the pipeline's order; `output` is a layer of its own low down
/// because every stage hands it files through its `Sink`.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("text", 0),
    ("i18n", 1),
    ("output", 1),
    ("config", 2),
    ("theme", 3),
    ("content", 4),
    ("graph", 5),
    ("views", 6),
    ("markdown", 7),
    ("search", 8),
    ("render", 9),
    ("init", 9),
    // The crate root: `compile`, `Compiled`, `BuildOptions`.
    ("lib", 10),
    ("serve", 11),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The module a source file belongs to: `src/graph/links.rs` → `graph`, `src/lib.rs` → `lib`.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The crate modules a file names in code (`crate::x`, `use crate::{x, y}`), with their lines;
/// comments are skipped. A name that is not a module (`crate::compile`) is the crate root.
fn uses(text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut in_braces = false;
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if rest.starts_with('{') {
                in_braces = true;
                rest = &rest[1..];
            } else {
                found.push((ident(rest), n + 1));
            }
        }
        if in_braces {
            for part in rest.split([',', '{', '}', ' ']) {
                let name = ident(part.trim());
                if !name.is_empty() {
                    found.push((name, n + 1));
                }
            }
            if code.contains('}') {
                in_braces = false;
            }
        }
    }
    found
        .into_iter()
        .map(|(name, n)| {
            let module = if layer(&name).is_some() {
                name
            } else {
                "lib".into()
            };
            (module, n)
        })
        .collect()
}

fn ident(s: &str) -> String {
    s.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

#[test]
fn every_module_uses_only_earlier_stages_and_shared_helpers() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut files = 0;
    for entry in walkdir::WalkDir::new(&src) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let module = module_of(&src, entry.path());
        if module == "main" || module == "cli" {
            continue; // the binary: it may use the whole library
        }
        files += 1;
        let Some(own) = layer(&module) else {
            panic!("src/{module}: a new module; give it a layer in tests/structure.rs");
        };
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (used, line) in uses(&text) {
            let theirs = layer(&used).unwrap();
            if used != module && theirs >= own {
                wrong.entry(module.clone()).or_default().push(format!(
                    "{}:{line} uses `{used}`",
                    entry.path().strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(files > 20, "only {files} source files found");
    assert!(
        wrong.is_empty(),
        "modules that reach into a later stage or a module of their own layer:\n{wrong:#?}"
    );
}

#[test]
fn the_check_reads_use_lines_as_written() {
    let text = "use crate::config::Config;\nuse crate::{graph, text::slugify};\n\
                // crate::serve in a comment\nlet x = crate::compile(&o);\nuse crate::{\n    search,\n    views::Model,\n};\n";
    let found: Vec<String> = uses(text).into_iter().map(|(m, _)| m).collect();
    assert_eq!(found, ["config", "graph", "text", "lib", "search", "views"]);
}
