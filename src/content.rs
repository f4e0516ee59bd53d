//! Stage 2: walk `content/`, split and parse front matter, validate every page against its
//! collection's schema, and derive slugs and URL paths.
//!
//! Drafts are kept here, flagged, so that the graph stage can tell "links to a draft" apart from
//! "links to nothing"; the graph stage drops them.

use crate::config::{BUILTIN_KEYS, CollectionConfig, Config, FieldKind, FieldSpec};
use crate::error::{Diagnostic, Diagnostics, display_path, line_col, suggestion};
use crate::text::{check_site_path, is_valid_slug, nfc, slugify};
use rayon::prelude::*;
use serde_json::Value as Json;
use serde_norway::Value as Yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONTENT_DIR: &str = "content";
/// Data files (CSV) for charts live here; the folder is not a collection.
pub const DATA_DIR: &str = "data";
/// A page larger than this is refused: a knowledge-base page this long is a mistake.
pub const MAX_PAGE_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PageKind {
    /// `content/_index.md`
    Home,
    /// `content/<collection>/_index.md`, or generated when absent.
    Section,
    /// `content/<collection>/<slug>.md`
    Member,
    /// `content/<slug>.md`, a page outside any collection.
    Standalone,
}

/// One link in front matter: `slug` or `{to: slug, why: "…"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationRef {
    pub to: String,
    pub why: Option<String>,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The source file relative to the site root (`content/guides/x.md`); empty for generated pages.
    pub file: String,
    pub kind: PageKind,
    pub collection: Option<String>,
    pub slug: String,
    /// Site path without the base: `""` (home), `guides/`, `guides/x/`.
    pub path: String,
    pub title: String,
    pub summary: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub draft: bool,
    pub weight: Option<i64>,
    /// What a match on this page weighs in search (front matter `search_weight`), over its
    /// collection's.
    pub search_weight: Option<f64>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// The collection's own fields, typed and checked.
    pub fields: BTreeMap<String, Json>,
    pub relations: BTreeMap<String, Vec<RelationRef>>,
    pub body: String,
    /// Line of the file where the body starts.
    pub body_line: usize,
    /// Top-level front-matter keys and their lines.
    pub key_lines: BTreeMap<String, usize>,
}

impl Page {
    /// A page with nothing but its file, kind and collection; the loader fills in the rest.
    fn blank(file: String, kind: PageKind, collection: Option<String>) -> Self {
        Page {
            file,
            kind,
            collection,
            slug: String::new(),
            path: String::new(),
            title: String::new(),
            summary: None,
            date: None,
            updated: None,
            draft: false,
            weight: None,
            search_weight: None,
            aliases: Vec::new(),
            template: None,
            fields: BTreeMap::new(),
            relations: BTreeMap::new(),
            body: String::new(),
            body_line: 1,
            key_lines: BTreeMap::new(),
        }
    }

    /// Whether two versions of a page differ in their body alone (same file, front matter and
    /// place of the body), the change `serve` can apply without rebuilding the site.
    pub fn same_except_body(&self, other: &Page) -> bool {
        let without_body = |p: &Page| Page {
            body: String::new(),
            ..p.clone()
        };
        without_body(self) == without_body(other)
    }

    /// The line of a front-matter key, or 1.
    pub fn line_of(&self, key: &str) -> usize {
        self.key_lines.get(key).copied().unwrap_or(1)
    }
}

/// A non-Markdown file under `content/`, copied to the output as is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Site path: `data/enquete/tabel-1.csv`.
    pub path: String,
}

#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
}

/// Walk `content/` under `root` and parse every page.
pub fn load(root: &Path, config: &Config) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::default();
    let content_dir = root.join(CONTENT_DIR);
    let (files, assets) = walk(root, &content_dir, config, &mut diags);
    let parsed: Vec<(Option<Page>, Diagnostics)> = files
        .par_iter()
        .map(|(abs, rel)| load_page(abs, rel, config))
        .collect();
    let mut pages = Vec::with_capacity(parsed.len());
    for (page, d) in parsed {
        diags.extend(d);
        pages.extend(page);
    }
    add_missing_sections(&mut pages, config);
    check_duplicate_slugs(&pages, &mut diags);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    (Content { pages, assets }, diags)
}

type Files = Vec<(PathBuf, PathBuf)>;

/// Every Markdown file (absolute and root-relative path) and every other file under `content/`.
fn walk(
    root: &Path,
    content_dir: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> (Files, Vec<Asset>) {
    let mut files = Vec::new();
    let mut assets = Vec::new();
    if !content_dir.is_dir() {
        diags.push(Diagnostic::error(
            CONTENT_DIR,
            0,
            0,
            "no content/ folder: a site keeps its pages there",
        ));
        return (files, assets);
    }
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel_to(root, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                let msg = if e.loop_ancestor().is_some() {
                    "symbolic link loop: this link points back to a folder that contains it"
                        .to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error().map_or(e.to_string(), |io| io.to_string())
                    )
                };
                diags.push(Diagnostic::error(path, 0, 0, msg));
                continue;
            }
        };
        let rel = rel_to(root, entry.path());
        if entry.path_is_symlink() {
            let inside =
                std::fs::canonicalize(entry.path()).is_ok_and(|real| real.starts_with(&real_root));
            if !inside {
                diags.push(Diagnostic::error(
                    &rel,
                    0,
                    0,
                    "symbolic link points outside the project; refusing to read it",
                ));
                continue;
            }
        }
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') {
            continue; // editor swap files, .DS_Store, .git
        }
        if entry.file_type().is_dir() {
            check_folder(content_dir, entry.path(), &rel, config, diags);
            continue;
        }
        let under_content = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        let is_md = name.ends_with(".md");
        if is_md && !under_content.starts_with(DATA_DIR) {
            files.push((entry.path().to_path_buf(), rel));
        } else {
            let path = display_path(under_content);
            if let Err(msg) = check_site_path(&path) {
                diags.push(Diagnostic::error(&rel, 0, 0, msg));
                continue;
            }
            assets.push(Asset {
                source: entry.path().to_path_buf(),
                path,
            });
        }
    }
    (files, assets)
}

/// Folders directly under `content/` must be declared collections (or `data/`); collections are flat.
fn check_folder(
    content_dir: &Path,
    dir: &Path,
    rel: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) {
    let Ok(under) = dir.strip_prefix(content_dir) else {
        return;
    };
    let parts: Vec<_> = under.components().collect();
    if parts.is_empty() || under.starts_with(DATA_DIR) {
        return;
    }
    let name = parts[0].as_os_str().to_string_lossy();
    if parts.len() == 1 && !config.collections.contains_key(name.as_ref()) {
        diags.push(Diagnostic::error(
            rel,
            0,
            0,
            format!(
                "folder `{name}` is not a collection declared in site.toml{}",
                suggestion(&name, config.collections.keys().map(String::as_str))
            ),
        ));
    } else if parts.len() > 1 && config.collections.contains_key(name.as_ref()) {
        diags.push(Diagnostic::warning(
            rel,
            0,
            0,
            "sub-folders of a collection hold assets only; Markdown files in them are not pages",
        ));
    }
}

fn rel_to(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

/// Read, decode and parse one page. Returns the page (when it could be built at all) and its problems.
pub fn load_page(abs: &Path, rel: &Path, config: &Config) -> (Option<Page>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let file = display_path(rel);
    let err = |line, col, msg: String| Diagnostic::error(&file, line, col, msg);
    match std::fs::metadata(abs) {
        Ok(m) if m.len() > MAX_PAGE_BYTES => {
            let mb = m.len() as f64 / (1024.0 * 1024.0);
            diags.push(err(
                0,
                0,
                format!("file is {mb:.1} MB; a page may be at most 8 MB"),
            ));
            return (None, diags);
        }
        Err(e) => {
            diags.push(err(0, 0, format!("cannot read: {e}")));
            return (None, diags);
        }
        _ => {}
    }
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            diags.push(err(0, 0, format!("cannot read: {e}")));
            return (None, diags);
        }
    };
    parse_source(&bytes, rel, config)
}

/// Decode and parse the bytes of a page at `rel` (root-relative, `content/<collection>/<slug>.md`).
/// Never panics, whatever the bytes; the property tests feed it arbitrary input.
pub fn parse_source(bytes: &[u8], rel: &Path, config: &Config) -> (Option<Page>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let file = display_path(rel);
    let text = match decode(bytes) {
        Ok(t) => t,
        Err((line, col)) => {
            diags.push(Diagnostic::error(
                &file,
                line,
                col,
                "not valid UTF-8; save the file as UTF-8",
            ));
            return (None, diags);
        }
    };
    let page = parse_page(&text, &file, rel, config, &mut diags);
    (page, diags)
}

/// UTF-8 with an optional BOM, CRLF folded to LF, normalised to NFC. On invalid UTF-8, the
/// line and column of the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, (usize, usize)> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => {
            let s = if s.contains('\r') {
                std::borrow::Cow::Owned(s.replace("\r\n", "\n"))
            } else {
                std::borrow::Cow::Borrowed(s)
            };
            // Most text is NFC already; the quick check saves a full normalisation pass.
            if unicode_normalization::is_nfc_quick(s.chars())
                == unicode_normalization::IsNormalized::Yes
            {
                Ok(s.into_owned())
            } else {
                Ok(nfc(&s))
            }
        }
        Err(e) => {
            let good = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            Err(line_col(good, good.len()))
        }
    }
}

/// Front matter and body of a page's text.
pub struct Split<'a> {
    pub front: &'a str,
    pub body: &'a str,
    /// Line of the body's first line.
    pub body_line: usize,
}

/// Split `---\nYAML\n---\nbody`. Errors carry the line to report.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    if text.trim().is_empty() {
        return Err((1, "empty file: a page starts with front matter between `---` lines, with at least a title".into()));
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err((1, "no front matter: a page must start with a `---` line, then YAML with at least `title:`, then `---`".into()));
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                front: &rest[..offset],
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "front matter is not closed: add a `---` line after the last front-matter key".into(),
    ))
}

fn parse_page(
    text: &str,
    file: &str,
    rel: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Page> {
    let err = |line, col, msg: String| Diagnostic::error(file, line, col, msg);
    let split = match split_front_matter(text) {
        Ok(s) => s,
        Err((line, msg)) => {
            diags.push(err(line, 0, msg));
            return None;
        }
    };
    let yaml: Yaml = match serde_norway::from_str(split.front) {
        Ok(Yaml::Null) => Yaml::Mapping(Default::default()),
        Ok(v) => v,
        Err(e) => {
            let (line, col) = e.location().map_or((0, 0), |l| (l.line() + 1, l.column()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            diags.push(err(
                line,
                col,
                format!("front matter is not valid YAML: {msg}"),
            ));
            return None;
        }
    };
    let Yaml::Mapping(map) = yaml else {
        diags.push(err(
            2,
            1,
            "front matter must be a set of `key: value` lines".into(),
        ));
        return None;
    };
    let key_lines = key_lines(split.front);
    let line_of = |k: &str| key_lines.get(k).copied().unwrap_or(1);

    let (kind, collection, stem) = classify(rel);
    let coll_config = collection
        .as_deref()
        .and_then(|c| config.collections.get(c));
    let mut page = Page {
        body: split.body.to_string(),
        body_line: split.body_line,
        key_lines: key_lines.clone(),
        ..Page::blank(file.to_string(), kind, collection.clone())
    };
    let mut explicit_slug = None;
    for (k, v) in &map {
        let Some(key) = k.as_str() else {
            diags.push(err(
                2,
                1,
                format!("front-matter key `{}` must be a word", yaml_to_display(k)),
            ));
            continue;
        };
        let line = line_of(key);
        let here = |msg: String| Diagnostic::error(file, line, 1, msg);
        match key {
            "title" => match scalar_string(v) {
                Some(s) if !s.trim().is_empty() => page.title = s.trim().to_string(),
                _ => diags.push(here("`title` must be a non-empty string".into())),
            },
            "summary" => match scalar_string(v) {
                Some(s) => page.summary = Some(s.trim().to_string()),
                None => diags.push(here("`summary` must be a string".into())),
            },
            "date" | "updated" => match scalar_string(v).filter(|s| is_date(s)) {
                Some(s) => {
                    if key == "date" {
                        page.date = Some(s)
                    } else {
                        page.updated = Some(s)
                    }
                }
                None => diags.push(here(format!(
                    "`{key}` must be a date written YYYY-MM-DD, found `{}`",
                    yaml_to_display(v)
                ))),
            },
            "draft" => match v.as_bool() {
                Some(b) => page.draft = b,
                None => diags.push(here(format!("`draft` must be true or false, found `{}`", yaml_to_display(v)))),
            },
            "weight" => match v.as_i64() {
                Some(w) => page.weight = Some(w),
                None => diags.push(here(format!("`weight` must be an integer, found `{}`", yaml_to_display(v)))),
            },
            "search_weight" => match v.as_f64().filter(|w| w.is_finite() && *w >= 0.0) {
                Some(w) => page.search_weight = Some(w),
                None => diags.push(here(format!("`search_weight` must be a number from 0 up, found `{}`", yaml_to_display(v)))),
            },
            "slug" => match scalar_string(v) {
                Some(s) if is_valid_slug(&s) => explicit_slug = Some(s),
                _ => diags.push(here(format!(
                    "`slug` `{}` is not a valid slug: use a-z, 0-9 and `-` only (no `/`, `.` or spaces)",
                    yaml_to_display(v)
                ))),
            },
            "template" => match scalar_string(v) {
                Some(s) if s.ends_with(".html") && check_site_path(&s).is_ok() => page.template = Some(s),
                _ => diags.push(here("`template` must name an .html template of the theme".into())),
            },
            "aliases" => page.aliases = parse_aliases(v, file, line, diags),
            _ => {
                let Some(cc) = coll_config else {
                    diags.push(here(format!(
                        "unknown front-matter key `{key}`{}",
                        suggestion(key, BUILTIN_KEYS.iter().copied())
                    )));
                    continue;
                };
                if let Some(spec) = cc.fields.get(key) {
                    if let Some(value) = check_field(key, spec, v, file, line, diags) {
                        page.fields.insert(key.to_string(), value);
                    }
                } else if cc.relations.contains_key(key) {
                    let refs = parse_relation(key, v, split.front, &key_lines, file, diags);
                    page.relations.insert(key.to_string(), refs);
                } else if cc.allow_unknown_fields {
                    if let Ok(j) = serde_json::to_value(v) {
                        page.fields.insert(key.to_string(), j);
                    }
                } else {
                    let known = BUILTIN_KEYS
                        .iter()
                        .copied()
                        .chain(cc.fields.keys().map(String::as_str))
                        .chain(cc.relations.keys().map(String::as_str));
                    diags.push(here(format!(
                        "unknown field `{key}` in collection `{}`{}",
                        collection.as_deref().unwrap_or_default(),
                        suggestion(key, known)
                    )));
                }
            }
        }
    }
    if page.title.is_empty() && !map.contains_key("title") {
        diags.push(err(1, 1, "missing required field `title`".into()));
    }
    if let Some(cc) = coll_config.filter(|_| kind == PageKind::Member) {
        check_required(cc, &page, file, diags);
    }
    let slug = match explicit_slug {
        Some(s) => s,
        None => slugify(&stem),
    };
    if slug.is_empty() && matches!(kind, PageKind::Member | PageKind::Standalone) {
        diags.push(err(
            0,
            0,
            "cannot derive a slug from the file name; add `slug:`".into(),
        ));
        return None;
    }
    page.path = match (kind, &collection) {
        (PageKind::Home, _) => String::new(),
        (PageKind::Section, Some(c)) => format!("{c}/"),
        (PageKind::Member, Some(c)) => format!("{c}/{slug}/"),
        _ => format!("{slug}/"),
    };
    page.slug = match kind {
        PageKind::Section => collection.clone().unwrap_or_default(),
        _ => slug,
    };
    Some(page)
}

/// The page kind, collection and file stem of a root-relative path like `content/guides/x.md`.
fn classify(rel: &Path) -> (PageKind, Option<String>, String) {
    let under: Vec<String> = rel
        .components()
        .skip(1)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let stem = under
        .last()
        .map(|n| n.trim_end_matches(".md").to_string())
        .unwrap_or_default();
    match under.len() {
        1 if stem == "_index" => (PageKind::Home, None, stem),
        1 => (PageKind::Standalone, None, stem),
        _ if stem == "_index" => (PageKind::Section, Some(under[0].clone()), stem),
        _ => (PageKind::Member, Some(under[0].clone()), stem),
    }
}

/// A generated list page for every collection that has no `_index.md`.
fn add_missing_sections(pages: &mut Vec<Page>, config: &Config) {
    for (name, cc) in &config.collections {
        let has = pages
            .iter()
            .any(|p| p.kind == PageKind::Section && p.collection.as_deref() == Some(name));
        if !has {
            pages.push(Page {
                slug: name.clone(),
                path: format!("{name}/"),
                title: cc.title.clone(),
                summary: (!cc.description.is_empty()).then(|| cc.description.clone()),
                ..Page::blank(String::new(), PageKind::Section, Some(name.clone()))
            });
        }
    }
}

fn check_duplicate_slugs(pages: &[Page], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<&str, &Page> = BTreeMap::new();
    for p in pages {
        if let Some(prev) = seen.insert(&p.path, p) {
            // Report on the page that chose the slug explicitly, else on the later file.
            let explicit = |q: &Page| q.key_lines.contains_key("slug");
            let (kept, dup) = match (explicit(prev), explicit(p)) {
                (true, false) => (p, prev),
                (false, true) => (prev, p),
                _ if prev.file < p.file => (prev, p),
                _ => (p, prev),
            };
            diags.push(Diagnostic::error(
                &dup.file,
                dup.line_of("slug"),
                0,
                format!(
                    "duplicate slug `{}`: {} already has the URL /{}",
                    dup.slug, kept.file, dup.path
                ),
            ));
        }
    }
}

fn check_required(cc: &CollectionConfig, page: &Page, file: &str, diags: &mut Diagnostics) {
    for (name, spec) in &cc.fields {
        if spec.required && !page.fields.contains_key(name) && !page.key_lines.contains_key(name) {
            diags.push(Diagnostic::error(
                file,
                1,
                1,
                format!("missing required field `{name}` ({})", spec.kind.describe()),
            ));
        }
    }
}

/// Check one field value against its declared type; `None` (with a diagnostic) when it does not fit.
fn check_field(
    key: &str,
    spec: &FieldSpec,
    v: &Yaml,
    file: &str,
    line: usize,
    diags: &mut Diagnostics,
) -> Option<Json> {
    let wrong = |diags: &mut Diagnostics, extra: &str| {
        diags.push(Diagnostic::error(
            file,
            line,
            1,
            format!(
                "field `{key}` must be {}, found `{}`{extra}",
                spec.kind.describe(),
                yaml_to_display(v)
            ),
        ));
        None
    };
    match spec.kind {
        FieldKind::String => scalar_string(v)
            .filter(|_| !v.is_number() && !v.is_bool())
            .map(Json::String)
            .or_else(|| wrong(diags, "")),
        FieldKind::Integer => v.as_i64().map(Json::from).or_else(|| wrong(diags, "")),
        FieldKind::Float => v
            .as_f64()
            .and_then(|f| serde_json::Number::from_f64(f).map(Json::Number))
            .or_else(|| wrong(diags, "")),
        FieldKind::Boolean => v.as_bool().map(Json::Bool).or_else(|| wrong(diags, "")),
        FieldKind::Date => scalar_string(v)
            .filter(|s| is_date(s))
            .map(Json::String)
            .or_else(|| wrong(diags, "")),
        FieldKind::Enum => match v.as_str() {
            Some(s) if spec.values.iter().any(|x| x == s) => Some(Json::String(s.to_string())),
            Some(s) => {
                let hint = suggestion(s, spec.values.iter().map(String::as_str));
                let choices = format!(" (one of: {}){hint}", spec.values.join(", "));
                wrong(diags, &choices)
            }
            None => wrong(diags, ""),
        },
        FieldKind::List => {
            let items: Vec<&Yaml> = match v {
                Yaml::Sequence(s) => s.iter().collect(),
                Yaml::String(_) => vec![v],
                _ => return wrong(diags, ""),
            };
            let mut out = Vec::new();
            for item in items {
                match scalar_string(item) {
                    Some(s) if spec.values.is_empty() || spec.values.contains(&s) => {
                        out.push(Json::String(s))
                    }
                    Some(s) => {
                        let hint = suggestion(&s, spec.values.iter().map(String::as_str));
                        return wrong(
                            diags,
                            &format!(": `{s}` is not one of {}{hint}", spec.values.join(", ")),
                        );
                    }
                    None => return wrong(diags, ""),
                }
            }
            Some(Json::Array(out))
        }
        FieldKind::Records => {
            let Yaml::Sequence(items) = v else {
                return wrong(diags, "");
            };
            let mut out = Vec::new();
            for item in items {
                let Yaml::Mapping(m) = item else {
                    return wrong(diags, "");
                };
                let mut rec = serde_json::Map::new();
                for (k, val) in m {
                    let (Some(k), Some(val)) = (k.as_str(), scalar_string(val)) else {
                        return wrong(diags, "");
                    };
                    if !spec.keys.is_empty() && !spec.keys.iter().any(|x| x == k) {
                        let hint = suggestion(k, spec.keys.iter().map(String::as_str));
                        return wrong(
                            diags,
                            &format!(
                                ": unknown key `{k}` (allowed: {}){hint}",
                                spec.keys.join(", ")
                            ),
                        );
                    }
                    rec.insert(k.to_string(), Json::String(val));
                }
                out.push(Json::Object(rec));
            }
            Some(Json::Array(out))
        }
    }
}

fn parse_relation(
    key: &str,
    v: &Yaml,
    front: &str,
    key_lines: &BTreeMap<String, usize>,
    file: &str,
    diags: &mut Diagnostics,
) -> Vec<RelationRef> {
    let start = key_lines.get(key).copied().unwrap_or(1);
    let items: Vec<&Yaml> = match v {
        Yaml::Sequence(s) => s.iter().collect(),
        Yaml::String(_) => vec![v],
        Yaml::Null => vec![],
        _ => {
            diags.push(Diagnostic::error(
                file,
                start,
                1,
                format!(
                    "relation `{key}` must be a list of slugs or of `{{to: slug, why: \"…\"}}`"
                ),
            ));
            return vec![];
        }
    };
    let mut out = Vec::new();
    for item in items {
        let (to, why) = match item {
            Yaml::String(s) => (s.clone(), None),
            Yaml::Mapping(m) => {
                let mut to = None;
                let mut why = None;
                for (k, val) in m {
                    match (k.as_str(), scalar_string(val)) {
                        (Some("to"), Some(s)) => to = Some(s),
                        (Some("why"), Some(s)) => why = Some(s.trim().to_string()),
                        (Some(other), _) => {
                            let (line, col) = locate_value(front, key_lines, key, other);
                            diags.push(Diagnostic::error(
                                file,
                                line,
                                col,
                                format!(
                                    "relation `{key}`: unknown key `{other}` in a link (use `to` and `why`){}",
                                    suggestion(other, ["to", "why"])
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
                match to {
                    Some(t) => (t, why),
                    None => {
                        diags.push(Diagnostic::error(
                            file,
                            start,
                            1,
                            format!("relation `{key}`: every `{{…}}` link needs `to: slug`"),
                        ));
                        continue;
                    }
                }
            }
            _ => {
                diags.push(Diagnostic::error(
                    file,
                    start,
                    1,
                    format!(
                        "relation `{key}`: `{}` is not a slug",
                        yaml_to_display(item)
                    ),
                ));
                continue;
            }
        };
        let (line, column) = locate_value(front, key_lines, key, &to);
        out.push(RelationRef {
            to,
            why,
            line,
            column,
        });
    }
    out
}

/// Line and column (in the file) of `needle` inside the block of top-level `key`.
pub fn locate_value(
    front: &str,
    key_lines: &BTreeMap<String, usize>,
    key: &str,
    needle: &str,
) -> (usize, usize) {
    let start = key_lines.get(key).copied().unwrap_or(2);
    let end = key_lines
        .values()
        .copied()
        .filter(|&l| l > start)
        .min()
        .unwrap_or(usize::MAX);
    for (i, line) in front.lines().enumerate() {
        let file_line = i + 2;
        if file_line < start || file_line >= end {
            continue;
        }
        if let Some(pos) = line.find(needle) {
            return (file_line, line[..pos].chars().count() + 1);
        }
    }
    (start, 1)
}

/// Lines (in the file: front matter starts at line 2) of the top-level keys.
fn key_lines(front: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (i, line) in front.lines().enumerate() {
        if line.starts_with([' ', '\t', '-', '#']) || line.is_empty() {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let key = line[..colon].trim().trim_matches(['"', '\'']);
            out.entry(key.to_string()).or_insert(i + 2);
        }
    }
    out
}

fn parse_aliases(v: &Yaml, file: &str, line: usize, diags: &mut Diagnostics) -> Vec<String> {
    let items: Vec<&Yaml> = match v {
        Yaml::Sequence(s) => s.iter().collect(),
        Yaml::String(_) => vec![v],
        _ => {
            diags.push(Diagnostic::error(
                file,
                line,
                1,
                "`aliases` must be a list of site paths",
            ));
            return vec![];
        }
    };
    let mut out = Vec::new();
    for item in items {
        let Some(s) = scalar_string(item) else {
            continue;
        };
        let path = s.trim().trim_start_matches('/').to_string();
        match check_site_path(&path) {
            Ok(()) if !path.is_empty() && !s.contains("://") => {
                let mut p = path.trim_end_matches("index.html").to_string();
                if !p.ends_with('/') && !p.ends_with(".html") {
                    p.push('/');
                }
                out.push(p);
            }
            Ok(()) => diags.push(Diagnostic::error(
                file,
                line,
                1,
                format!("alias `{s}` must be a path inside the site, like `oud/pad/`"),
            )),
            Err(msg) => diags.push(Diagnostic::error(
                file,
                line,
                1,
                format!("alias `{s}`: {msg}"),
            )),
        }
    }
    out
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}

fn scalar_string(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn yaml_to_display(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Null => "nothing".into(),
        other => serde_norway::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_reports_body_line() {
        let s = split_front_matter("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split_front_matter("---\ntitle: x\nbody\n").err().unwrap();
        assert!(e.1.contains("not closed"));
    }

    #[test]
    fn decode_strips_bom_and_crlf_and_normalises() {
        let text = decode(b"\xEF\xBB\xBF---\r\ntitle: Su\xCC\x81dwest\r\n---\r\n").unwrap();
        assert_eq!(text, "---\ntitle: S\u{fa}dwest\n---\n");
        assert_eq!(decode(b"ok\nab\xFF"), Err((2, 3)));
    }

    #[test]
    fn values_are_located_in_their_key_block() {
        let front = "title: x\ncases:\n  - to: river\n    why: y\ntopics: [river]\n";
        let kl = key_lines(front);
        assert_eq!(locate_value(front, &kl, "cases", "river"), (4, 9));
        assert_eq!(locate_value(front, &kl, "topics", "river"), (6, 10));
    }
}
