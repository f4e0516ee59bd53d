//! The theme's files, in layers: the default theme compiled into the binary, then a site's
//! `themes/<theme>/` folder, then the site's own `templates/` and `static/`. A later layer
//! overrides an earlier one file by file, so a site needs no theme folder at all and can change
//! one template or one stylesheet without copying the rest.
//!
//! The string tables (`i18n/<language>.toml`) are layered the same way, key by key, with the
//! site's `[strings]` on top; the result is the site's [`Strings`].

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::i18n::{Strings, Text};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The default theme, as it is in `themes/default/` when the binary is built.
#[derive(rust_embed::Embed)]
#[folder = "themes/default/"]
struct BuiltIn;

/// The name under which a site asks for the built-in theme.
pub const DEFAULT_THEME: &str = "default";

/// Where a file of the theme comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// Compiled into the binary.
    BuiltIn(Cow<'static, [u8]>),
    /// A file of the site (a theme folder, `templates/` or `static/`).
    File(PathBuf),
}

impl Source {
    pub fn read(&self) -> std::io::Result<Cow<'_, [u8]>> {
        match self {
            Source::BuiltIn(bytes) => Ok(Cow::Borrowed(bytes.as_ref())),
            Source::File(path) => std::fs::read(path).map(Cow::Owned),
        }
    }

    /// How a problem in this file names it: its path under the site, or `(built-in theme)/…`.
    pub fn display(&self, root: &Path, name: &str) -> String {
        match self {
            Source::BuiltIn(_) => format!("(built-in theme)/{name}"),
            Source::File(p) => display_path(p.strip_prefix(root).unwrap_or(p)),
        }
    }
}

/// Every file of the theme a site sees, after layering.
pub struct ThemeFiles {
    /// Template name (`partials/header.html`) → its source.
    pub templates: BTreeMap<String, Source>,
    /// Static file name (`style.css`) → its source.
    pub statics: BTreeMap<String, Source>,
    pub strings: Strings,
    /// Folders the files came from, for `serve` to watch.
    pub dirs: Vec<PathBuf>,
}

impl ThemeFiles {
    /// The layered theme of the site at `root`, and its strings in the site's language.
    pub fn load(root: &Path, config: &Config) -> Result<ThemeFiles, Diagnostics> {
        let mut diags = Diagnostics::default();
        let mut files = ThemeFiles {
            templates: BTreeMap::new(),
            statics: BTreeMap::new(),
            strings: Strings::default(),
            dirs: Vec::new(),
        };
        let mut tables: BTreeMap<String, Vec<(String, Source)>> = BTreeMap::new();
        for name in BuiltIn::iter() {
            let Some(file) = BuiltIn::get(&name) else {
                continue;
            };
            files.add(&name, Source::BuiltIn(file.data), &mut tables);
        }
        let theme_dir = config.theme_dir(root);
        if theme_dir.is_dir() {
            files.add_folder(&theme_dir, "", &mut tables);
        } else if config.theme != DEFAULT_THEME {
            diags.push(config.error_at(
                "theme",
                format!(
                    "theme `{}` not found: no folder {}; remove `theme` to use the built-in theme",
                    config.theme,
                    display_path(theme_dir.strip_prefix(root).unwrap_or(&theme_dir))
                ),
            ));
            return Err(diags);
        }
        files.add_folder(&root.join("templates"), "templates/", &mut tables);
        files.add_folder(&root.join("static"), "static/", &mut tables);
        files.dirs = vec![theme_dir, root.join("templates"), root.join("static")];
        match strings_for(root, config, &tables) {
            Ok(s) => files.strings = s,
            Err(d) => diags.extend(d),
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(files)
    }

    /// A file at `name` under a theme's top folder (`templates/x.html`, `static/y.css`, `i18n/nl.toml`).
    fn add(
        &mut self,
        name: &str,
        source: Source,
        tables: &mut BTreeMap<String, Vec<(String, Source)>>,
    ) {
        if let Some(t) = name.strip_prefix("templates/") {
            self.templates.insert(t.to_string(), source);
        } else if let Some(s) = name.strip_prefix("static/") {
            self.statics.insert(s.to_string(), source);
        } else if let Some(lang) = name
            .strip_prefix("i18n/")
            .and_then(|n| n.strip_suffix(".toml"))
        {
            tables
                .entry(lang.to_string())
                .or_default()
                .push((name.to_string(), source));
        }
    }

    /// Every file under `dir`, named as `prefix` + its path under `dir`.
    fn add_folder(
        &mut self,
        dir: &Path,
        prefix: &str,
        tables: &mut BTreeMap<String, Vec<(String, Source)>>,
    ) {
        for (rel, path) in files_under(dir) {
            self.add(&format!("{prefix}{rel}"), Source::File(path), tables);
        }
    }
}

/// Files under `dir`, by path relative to it with `/` separators, sorted; hidden files skipped.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| {
            (
                display_path(e.path().strip_prefix(dir).unwrap_or(e.path())),
                e.path().to_path_buf(),
            )
        })
        .collect()
}

/// The strings of the site's language: the theme's tables for it, key by key, then site.toml's
/// `[strings]`. Every key of the built-in table must be there, and every key of `[strings]` must
/// be one of them.
fn strings_for(
    root: &Path,
    config: &Config,
    tables: &BTreeMap<String, Vec<(String, Source)>>,
) -> Result<Strings, Diagnostics> {
    let mut diags = Diagnostics::default();
    let language = config.language.as_str();
    let Some(layers) = tables.get(language) else {
        let known: Vec<&str> = tables.keys().map(String::as_str).collect();
        diags.push(config.error_at(
            "language",
            format!(
                "language `{language}` is not supported: the theme has string tables for {}; \
                 choose one of them, or add i18n/{language}.toml to a theme folder",
                known.join(", "),
            ),
        ));
        return Err(diags);
    };
    let (mut strings, mut required) = read_layers(root, language, layers, &mut diags);
    // A language only a site theme knows must still say everything the built-in theme says.
    if required.is_empty()
        && let Some(reference) = reference_keys()
    {
        required = reference;
    }
    check_complete(&strings, &required, language, &mut diags);
    overlay_site_strings(config, &mut strings, &mut diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok(strings)
}

/// The string tables of one language laid over each other, and the keys of the built-in one.
fn read_layers(
    root: &Path,
    language: &str,
    layers: &[(String, Source)],
    diags: &mut Diagnostics,
) -> (Strings, BTreeSet<String>) {
    let mut strings = Strings::new(language, BTreeMap::new());
    let mut required: BTreeSet<String> = BTreeSet::new();
    for (name, source) in layers {
        let entries = match source
            .read()
            .map_err(|e| e.to_string())
            .and_then(|b| String::from_utf8(b.into_owned()).map_err(|e| e.to_string()))
            .and_then(|text| Strings::parse_table(&text))
        {
            Ok(e) => e,
            Err(msg) => {
                diags.push(Diagnostic::error(source.display(root, name), 0, 0, msg));
                continue;
            }
        };
        if matches!(source, Source::BuiltIn(_)) {
            required.extend(entries.keys().cloned());
        }
        strings.overlay(entries);
    }
    (strings, required)
}

/// An error when the language's table lacks keys the theme uses.
fn check_complete(
    strings: &Strings,
    required: &BTreeSet<String>,
    language: &str,
    diags: &mut Diagnostics,
) {
    let missing: Vec<&String> = required
        .iter()
        .filter(|k| strings.entry(k).is_none())
        .collect();
    if missing.is_empty() {
        return;
    }
    let shown: Vec<&str> = missing.iter().take(8).map(|k| k.as_str()).collect();
    let more = if missing.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    diags.push(Diagnostic::error(
        format!("i18n/{language}.toml"),
        0,
        0,
        format!(
            "the string table for `{language}` lacks {} key(s) the theme uses: {}{more}",
            missing.len(),
            shown.join(", "),
        ),
    ));
}

/// The built-in theme's strings for `language`, when it has a table for it: for what must be
/// said when a site's own theme and strings cannot be loaded (`serve`'s page for a failed build).
pub fn built_in_strings(language: &str) -> Option<Strings> {
    let file = BuiltIn::get(&format!("i18n/{language}.toml"))?;
    let text = std::str::from_utf8(&file.data).ok()?;
    Some(Strings::new(language, Strings::parse_table(text).ok()?))
}

/// The keys of the built-in English table: what every language must define.
fn reference_keys() -> Option<BTreeSet<String>> {
    let file = BuiltIn::get("i18n/en.toml")?;
    let text = std::str::from_utf8(&file.data).ok()?;
    Some(Strings::parse_table(text).ok()?.into_keys().collect())
}

/// site.toml's `[strings]`: each key must be one the theme defines.
fn overlay_site_strings(config: &Config, strings: &mut Strings, diags: &mut Diagnostics) {
    let entries = match crate::i18n::Strings::parse_table(
        &toml::to_string(&config.strings).unwrap_or_default(),
    ) {
        Ok(e) => e,
        Err(msg) => {
            diags.push(config.error_at("strings", format!("[strings]: {msg}")));
            return;
        }
    };
    let mut valid: BTreeMap<String, Text> = BTreeMap::new();
    for (key, text) in entries {
        if strings.entry(&key).is_none() {
            diags.push(config.error_at(
                &format!("strings.{key}"),
                format!(
                    "[strings]: the theme has no string `{key}`{}",
                    crate::error::suggestion(&key, strings.keys())
                ),
            ));
            continue;
        }
        valid.insert(key, text);
    }
    strings.overlay(valid);
}
