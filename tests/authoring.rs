//! Authoring without surprises: pages with their own files (page bundles, images beside a page,
//! `@/` files), every URL of the built site existing, images with their size, Dutch spreadsheet
//! CSV, two builds at once, and command-line values that are usage errors. The diagnoses of
//! broken variants are fixtures under `tests/fixtures/errors/`.

mod common;
use common::*;
use std::path::{Path, PathBuf};

/// A copy of a fixture without a theme folder (the built-in theme serves it), and its output.
fn site(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(&repo().join("tests/fixtures").join(name), &root);
    (dir, root)
}

fn build(root: &Path) -> PathBuf {
    let out = root.parent().unwrap().join("public");
    let o = kennisbank(root, &["build", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(" 0 warnings"), "{}", stderr(&o));
    out
}

#[test]
fn a_page_bundle_and_a_page_beside_its_files_link_to_files_that_exist() {
    let (_tmp, root) = site("authoring");
    let out = build(&root);
    let harbour = read(out.join("cases/harbour/index.html"));
    // The bundle's page is the folder's URL; its files sit beside it in the output.
    assert!(harbour.contains(
        "<img src=\"/docs/cases/harbour/night.png\" alt=\"The harbour at night\" width=\"64\" height=\"48\">"
    ));
    assert!(out.join("cases/harbour/night.png").is_file());
    // The SVG's size comes from its viewBox; the second image of a page loads lazily.
    assert!(harbour.contains(
        "<img src=\"/docs/cases/harbour/plan.svg\" alt=\"The plan of the quay\" width=\"120\" height=\"80\" loading=\"lazy\">"
    ));
    assert!(harbour.contains("<a href=\"/docs/cases/harbour/figures.csv\">figures</a>"));
    assert!(
        harbour.contains("<a href=\"/docs/cases/dike/#results\">dike</a>"),
        "a relative .md link"
    );
    let dike = read(out.join("cases/dike/index.html"));
    // A page beside its picture: the picture is linked where it is copied, not under the page.
    assert!(dike.contains(
        "<img src=\"/docs/cases/dike.png\" alt=\"The dike in winter\" width=\"40\" height=\"30\">"
    ));
    assert!(out.join("cases/dike.png").is_file());
    assert!(
        dike.contains("src=\"/docs/data/region.png\""),
        "an @/ image"
    );
    let home = read(out.join("index.html"));
    assert!(home.contains("<a href=\"/docs/cases/harbour/\">the harbour</a>"));
    assert!(home.contains("<a href=\"/docs/cases/dike/\">the dike</a>"));
}

#[test]
fn a_dutch_spreadsheet_csv_is_read_with_its_separator_and_decimal_comma() {
    let (_tmp, root) = site("authoring");
    let out = build(&root);
    let dike = read(out.join("cases/dike/index.html"));
    // The chart's title holds `#` and `:`; the figures are shown with the site's decimal mark.
    assert!(dike.contains("<span class=\"chart-title\">Polder #3: height in metres</span>"));
    assert!(dike.contains("<span class=\"chart-source\">Source: Survey 2025</span>"));
    assert!(
        dike.contains("<th scope=\"row\">Noord</th><td>1.5</td>"),
        "{dike}"
    );
    assert!(dike.contains("<th scope=\"row\">Zuid</th><td>-0.5</td>"));
}

#[test]
fn an_image_over_a_megabyte_is_a_warning_with_its_size() {
    let (_tmp, root) = site("authoring");
    // A PNG header, then 1.5 MB of an ancillary chunk.
    let mut png = std::fs::read(root.join("content/cases/dike.png")).unwrap();
    png.truncate(png.len() - 12); // without IEND
    let filler = vec![0u8; 1_500_000];
    png.extend((filler.len() as u32).to_be_bytes());
    png.extend(b"zzZz");
    png.extend(&filler);
    png.extend([0, 0, 0, 0]);
    png.extend([0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    std::fs::write(root.join("content/cases/dike.png"), png).unwrap();
    let o = kennisbank(&root, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "content/cases/dike.md:8:1: warning: image `dike.png` is 1.4 MB; make it smaller (under 1 MB) so the page loads fast"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_build_waits_while_another_build_writes_the_same_folder() {
    let (_tmp, root) = site("authoring");
    let out = root.parent().unwrap().join("public");
    // Hold the folder's lock as a running build would.
    let lock =
        std::fs::File::create(root.parent().unwrap().join(".public.kennisbank-lock")).unwrap();
    lock.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .arg("--root")
        .arg(&root)
        .args(["build", "--out", out.to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It says so, and writes nothing while it waits.
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut err, &mut first).unwrap();
    assert!(first.starts_with("another build is writing "), "{first}");
    assert!(first.contains("waiting for it to finish"), "{first}");
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "it did not wait");
    assert!(!out.exists());
    // Released, it builds.
    drop(lock);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert!(read(out.join("cases/dike/index.html")).contains("The dike"));
    assert!(
        !root.join(".kennisbank-cache").exists(),
        "no search cache in the site"
    );
}

#[test]
fn command_line_values_are_usage_errors() {
    let (_tmp, root) = site("authoring");
    let o = kennisbank(&root, &["build", "--base-url", "ftp://x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: --base-url: base_url `ftp://x` must start with http:// or https://\n"
    );
    assert!(!root.join("public").exists());
}

#[test]
fn a_search_filter_that_matches_nothing_finds_nothing_and_succeeds() {
    let (_tmp, root) = site("authoring");
    let o = kennisbank(
        &root,
        &["search", "water", "--filter", "tags=fire", "--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 0);
    assert!(
        stderr(&o).contains("note: no page has tags=fire"),
        "{}",
        stderr(&o)
    );
    // A field no page has is a mistake in the command: a usage error with the nearest field.
    let o = kennisbank(&root, &["search", "water", "--filter", "tag=fire"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown filter field `tag`; did you mean `tags`?"),
        "{}",
        stderr(&o)
    );
}
