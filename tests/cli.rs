//! The command line from outside: `check` writes nothing, and without `--root` the site is
//! the current folder or its nearest parent with a site.toml.

mod common;
use common::*;
use std::path::Path;

/// Every file and folder under `dir` with its bytes (folders with none).
fn everything(dir: &Path) -> Vec<(String, Option<Vec<u8>>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            let bytes = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (rel, bytes)
        })
        .collect()
}

#[test]
fn check_writes_nothing() {
    for (name, code) in [("basic", 0), ("errors/wrong-type", 1)] {
        let site = fixture(name);
        let before = everything(site.path());
        for args in [
            &["check"][..],
            &["check", "--format", "json"],
            &["check", "--drafts"],
        ] {
            let o = kennisbank(site.path(), args);
            assert_eq!(
                o.status.code(),
                Some(code),
                "{name} {args:?}: {}",
                stderr(&o)
            );
        }
        // no output folder, no search cache, not a byte changed
        assert!(
            !site.path().join("public").exists(),
            "{name}: public/ written"
        );
        assert!(
            !site.path().join(".kennisbank-cache").exists(),
            "{name}: .kennisbank-cache/ written"
        );
        assert!(
            everything(site.path()) == before,
            "{name}: the site folder changed"
        );
    }
}

/// A site copied into `tree/kennisbank`, the tree a temporary folder of the test's own.
fn site_in_a_tree() -> (tempfile::TempDir, std::path::PathBuf) {
    let tree = tempfile::tempdir().unwrap();
    let site = tree.path().join("kennisbank");
    copy_dir(&repo().join("tests/fixtures/basic"), &site);
    (tree, site)
}

fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn without_root_the_site_is_the_nearest_folder_with_a_site_toml() {
    let (_tree, site) = site_in_a_tree();
    // from deep inside the site
    let nested = site.join("notities/2018/maart");
    std::fs::create_dir_all(&nested).unwrap();
    let o = run_in(&nested, &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("public/lessen/eerste-les/index.html").is_file());
    assert_eq!(
        std::fs::read_dir(&nested).unwrap().count(),
        0,
        "wrote into the current folder"
    );
    // from the site folder itself, and from content/
    for dir in [site.clone(), site.join("content/lessen")] {
        let o = run_in(&dir, &["check"]);
        assert!(o.status.success(), "{}: {}", dir.display(), stderr(&o));
    }
    // the nearest site.toml wins: a site inside the site
    let inner = site.join("notities/binnen");
    copy_dir(&repo().join("tests/fixtures/field-types"), &inner);
    let o = run_in(&inner.join("content/gemeenten"), &["build"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        inner
            .join("public/gemeenten/sudwest-fryslan/index.html")
            .is_file()
    );
    assert!(!site.join("public/gemeenten").exists());
}

#[test]
fn without_root_and_without_a_site_toml_above_it_is_a_usage_error() {
    let (tree, _site) = site_in_a_tree();
    let beside = tree.path().join("elders/dieper");
    std::fs::create_dir_all(&beside).unwrap();
    // The walk goes up past the tree: that no folder above it holds a site.toml is a premise.
    for up in tree.path().ancestors() {
        assert!(
            !up.join("site.toml").exists(),
            "{} holds a site.toml; this test needs a temporary folder outside any site",
            up.display()
        );
    }
    let o = run_in(&beside, &["check"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let real = std::fs::canonicalize(&beside).unwrap();
    assert_eq!(
        stderr(&o),
        format!(
            "error: no site.toml in {}: run kennisbank in a site folder or pass --root\n",
            real.display()
        )
    );
}
