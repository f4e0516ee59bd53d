//! `kennisbank init`: a small, working site to start from, in Dutch or English. The files are
//! compiled into the binary from `src/init/<language>/`; with the built-in theme they build as
//! they are, with no warning.

use crate::error::{Error, Result, display_path};
use std::path::{Path, PathBuf};

#[derive(rust_embed::Embed)]
#[folder = "src/init/"]
struct Starter;

/// The languages `init` has a starter site for.
pub fn languages() -> Vec<String> {
    let mut langs: Vec<String> = Starter::iter()
        .filter_map(|p| p.split('/').next().map(str::to_string))
        .collect();
    langs.sort();
    langs.dedup();
    langs
}

/// Write the starter site in `language` into `dir`, which must be new or empty. Returns the
/// files written, relative to `dir`.
pub fn init(dir: &Path, language: &str) -> Result<Vec<PathBuf>> {
    let known = languages();
    if !known.iter().any(|l| l == language) {
        return Err(Error::Usage(format!(
            "no starter site in `{language}`; choose one of: {}",
            known.join(", ")
        )));
    }
    if let Ok(mut entries) = std::fs::read_dir(dir)
        && entries.next().is_some()
    {
        return Err(Error::Usage(format!(
            "{} is not empty; `kennisbank init` writes a new site into a new or empty folder",
            display_path(dir)
        )));
    }
    let prefix = format!("{language}/");
    let mut written = Vec::new();
    for name in Starter::iter() {
        let Some(rel) = name.strip_prefix(&prefix) else {
            continue;
        };
        let Some(file) = Starter::get(&name) else {
            continue;
        };
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, &file.data).map_err(|e| Error::io(&path, e))?;
        written.push(PathBuf::from(rel));
    }
    written.sort();
    Ok(written)
}
