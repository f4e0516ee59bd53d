//! Stage 2: walk `content/`, split and parse front matter, validate every page against its
//! collection's schema, and derive slugs and URL paths.
//!
//! Drafts are kept here, flagged, so that the graph stage can tell "links to a draft" apart from
//! "links to nothing"; the graph stage drops them.

pub mod fields;
pub mod front;
mod value;

use crate::config::{BUILTIN_KEYS, CollectionConfig, Config};
use crate::error::{Diagnostic, Diagnostics, display_path, line_col, suggestion};
use crate::text::{check_site_path, is_valid_slug, nfc, slugify};
use fields::{Checker, is_date, scalar_string, yaml_to_display};
pub use front::{Positions, Split, split_front_matter};
use rayon::prelude::*;
use serde_norway::Value as Yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
pub use value::FieldValue;

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
    /// `content/<collection>/<slug>.md`, or `content/<collection>/<slug>/index.md` (a page
    /// bundle: the page and its files in one folder).
    Member,
    /// `content/<slug>.md` (or `content/<slug>/index.md`), a page outside any collection.
    Standalone,
}

/// One link in front matter: `slug` or `{to: slug, why: "…"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationRef {
    pub to: String,
    pub why: Option<String>,
    /// Where it is written in the front matter (`topics.1`), for the page's [`Positions`].
    pub at: String,
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
    /// The collection's own fields, checked and typed (undeclared keys, where allowed, as they
    /// came).
    pub fields: BTreeMap<String, FieldValue>,
    pub relations: BTreeMap<String, Vec<RelationRef>>,
    pub body: String,
    /// Line of the file where the body starts.
    pub body_line: usize,
    /// Where the front matter's keys and values sit in the file.
    pub positions: Positions,
    /// What a draft still lacks (empty required values, relations under their `min`): errors
    /// when the draft is built (`--drafts`), a to-do in the drafts list when it is left out.
    pub unfinished: Vec<Diagnostic>,
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
            positions: Positions::default(),
            unfinished: Vec::new(),
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

    /// The line of a front-matter key, or 1 for a key that is not there.
    pub fn line_of(&self, key: &str) -> usize {
        self.positions.key_line(key)
    }

    /// The folder of the page's source file, under the site root (`content/guides`), against
    /// which its relative links resolve.
    pub fn source_dir(&self) -> &str {
        self.file.rsplit_once('/').map_or("", |(dir, _)| dir)
    }
}

/// A non-Markdown file under `content/`, copied to the output as is.
#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Site path: `data/survey/table-1.csv`.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Width and height in pixels, for an image whose header says them.
    pub image: Option<(u32, u32)>,
    /// The bytes of a data file (`.csv`), read here so that later stages read no files.
    pub data: Option<std::sync::Arc<Vec<u8>>>,
}

impl Asset {
    fn read(source: PathBuf, path: String) -> Asset {
        let bytes = std::fs::metadata(&source).map_or(0, |m| m.len());
        let image = image_size(&source);
        let data = path
            .ends_with(".csv")
            .then(|| std::fs::read(&source).ok().map(std::sync::Arc::new))
            .flatten();
        Asset {
            source,
            path,
            bytes,
            image,
            data,
        }
    }
}

/// The pixel size of an image file: from its header (PNG, JPEG, GIF, WebP, …), or from the
/// `width` and `height` (else `viewBox`) of an SVG's root element.
fn image_size(path: &Path) -> Option<(u32, u32)> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    if ext == "svg" {
        let text = std::fs::read_to_string(path).ok()?;
        let doc = roxmltree::Document::parse(&text).ok()?;
        let root = doc.root_element();
        let number = |v: &str| v.trim().trim_end_matches("px").parse::<f64>().ok();
        let size = match (root.attribute("width"), root.attribute("height")) {
            (Some(w), Some(h)) => (number(w)?, number(h)?),
            _ => {
                let vb: Vec<f64> = root
                    .attribute("viewBox")?
                    .split([' ', ','])
                    .filter_map(|p| p.parse().ok())
                    .collect();
                (*vb.get(2)?, *vb.get(3)?)
            }
        };
        return Some((size.0.round() as u32, size.1.round() as u32));
    }
    if ![
        "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico", "tif", "tiff",
    ]
    .contains(&ext.as_str())
    {
        return None;
    }
    let size = imagesize::size(path).ok()?;
    Some((size.width as u32, size.height as u32))
}

#[derive(Debug, Default)]
pub struct Content {
    pub pages: Vec<Page>,
    pub assets: Vec<Asset>,
    /// The site paths of pages that could not be read (their problems are reported): links to
    /// them are not reported again.
    pub broken: std::collections::BTreeSet<String>,
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
    let mut broken = std::collections::BTreeSet::new();
    for ((page, d), (_, rel)) in parsed.into_iter().zip(&files) {
        match page {
            Some(p) if !d.has_errors() => pages.push(p),
            Some(p) => {
                broken.insert(p.path);
            }
            None => {
                broken.insert(default_path(rel));
            }
        }
        diags.extend(d);
    }
    add_missing_sections(&mut pages, config);
    check_duplicate_slugs(&pages, &mut diags);
    pages.sort_by(|a, b| a.path.cmp(&b.path));
    (
        Content {
            pages,
            assets,
            broken,
        },
        diags,
    )
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
    // Hidden folders (`.git`, `.obsidian`) are not walked into: nothing in them is published.
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, &e));
                continue;
            }
        };
        let rel = rel_to(root, entry.path());
        if entry.path_is_symlink() && !points_inside(entry.path(), &real_root) {
            diags.push(Diagnostic::error(
                &rel,
                0,
                0,
                "symbolic link points outside the project; refusing to read it",
            ));
            continue;
        }
        if entry.file_name().to_string_lossy().starts_with('.') {
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
        match sort_file(content_dir, under_content, &rel, config) {
            Found::Page => files.push((entry.path().to_path_buf(), rel)),
            Found::Asset(path) => assets.push(Asset::read(entry.path().to_path_buf(), path)),
            Found::Problem(d) => diags.push(d),
            Found::Nothing => {}
        }
    }
    (files, assets)
}

/// What a file under `content/` is to the site.
enum Found {
    Page,
    /// A file copied as is, at this site path.
    Asset(String),
    Problem(Diagnostic),
    Nothing,
}

fn sort_file(content_dir: &Path, under_content: &Path, rel: &Path, config: &Config) -> Found {
    let is_md = under_content.extension().is_some_and(|e| e == "md");
    if is_md && !under_content.starts_with(DATA_DIR) {
        if is_page_file(under_content, config) {
            return Found::Page;
        }
        if in_known_folder(content_dir, under_content, config) {
            return Found::Problem(Diagnostic::warning(
                rel,
                0,
                0,
                "not a page: a page is content/<collection>/<slug>.md, or index.md in a folder \
                 of its own (content/<collection>/<slug>/index.md); this file is left out",
            ));
        }
        return Found::Nothing;
    }
    let path = display_path(under_content);
    match check_site_path(&path) {
        Ok(()) => Found::Asset(path),
        Err(msg) => Found::Problem(Diagnostic::error(rel, 0, 0, msg)),
    }
}

/// An entry the walk could not read, as a diagnostic.
fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| rel_to(root, p))
        .unwrap_or_else(|| CONTENT_DIR.into());
    let msg = if e.loop_ancestor().is_some() {
        "symbolic link loop: this link points back to a folder that contains it".to_string()
    } else {
        format!(
            "cannot read: {}",
            e.io_error().map_or(e.to_string(), |io| io.to_string())
        )
    };
    Diagnostic::error(path, 0, 0, msg)
}

/// Whether a symbolic link leads to somewhere inside the project.
fn points_inside(link: &Path, real_root: &Path) -> bool {
    std::fs::canonicalize(link).is_ok_and(|real| real.starts_with(real_root))
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
    let is_bundle = dir.join("index.md").is_file();
    if parts.len() == 1 && !config.collections.contains_key(name.as_ref()) && !is_bundle {
        diags.push(Diagnostic::error(
            rel,
            0,
            0,
            format!(
                "folder `{name}` is not a collection declared in site.toml{}",
                suggestion(&name, config.collections.keys().map(String::as_str))
            ),
        ));
    }
}

/// Whether a Markdown file (path under `content/`) is a page: `_index.md` or `x.md` at the top or
/// in a collection, or the `index.md` of a page bundle (`x/index.md`, `collection/x/index.md`).
fn is_page_file(under_content: &Path, config: &Config) -> bool {
    let parts: Vec<String> = under_content
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let is_collection = |name: &str| config.collections.contains_key(name);
    match parts.as_slice() {
        [_] => true,
        [coll, _] if is_collection(coll) => true,
        [bundle, file] => file == "index.md" && !is_collection(bundle),
        [coll, _, file] => file == "index.md" && is_collection(coll),
        _ => false,
    }
}

/// Whether the top folder of a path under `content/` is a collection or a page bundle (else
/// the folder itself is reported).
fn in_known_folder(content_dir: &Path, under_content: &Path, config: &Config) -> bool {
    let Some(top) = under_content.components().next() else {
        return false;
    };
    let top = top.as_os_str().to_string_lossy();
    config.collections.contains_key(top.as_ref())
        || content_dir.join(top.as_ref()).join("index.md").is_file()
}

/// The site path a page file would have with no front matter (for pages that fail to load).
fn default_path(rel: &Path) -> String {
    let (kind, collection, stem) = classify(rel);
    page_path(kind, collection.as_deref(), &slugify(&stem))
}

fn page_path(kind: PageKind, collection: Option<&str>, slug: &str) -> String {
    match (kind, collection) {
        (PageKind::Home, _) => String::new(),
        (PageKind::Section, Some(c)) => format!("{c}/"),
        (PageKind::Member, Some(c)) => format!("{c}/{slug}/"),
        _ => format!("{slug}/"),
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

/// The Markdown a page body is written in: CommonMark with tables, footnotes, strikethrough,
/// task lists, smart punctuation, `{#id}` on headings and `[[wiki links]]`. The graph and the
/// Markdown stage both read bodies with it, so they see the same links and headings.
pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// The front matter of one page read against its collection's schema: the page (when it could
/// be built at all) and its problems go to `diags`.
fn parse_page(
    text: &str,
    file: &str,
    rel: &Path,
    config: &Config,
    diags: &mut Diagnostics,
) -> Option<Page> {
    let (split, map) = read_front(text, file, diags)?;
    let (kind, collection, stem) = classify(rel);
    let mut page = Page {
        body: split.body.to_string(),
        body_line: split.body_line,
        positions: Positions::of(split.front),
        ..Page::blank(file.to_string(), kind, collection.clone())
    };
    let cc = collection
        .as_deref()
        .and_then(|c| config.collections.get(c));
    let positions = page.positions.clone();
    let mut checker = Checker {
        file,
        positions: &positions,
        diags,
        unfinished: Vec::new(),
    };
    let explicit_slug = read_keys(&mut page, &mut checker, cc, &map);
    if let Some(cc) = cc.filter(|_| kind == PageKind::Member) {
        let present = |k: &str| map.contains_key(k);
        checker.required(cc, &present);
    }
    let unfinished = std::mem::take(&mut checker.unfinished);
    if page.draft {
        page.unfinished = unfinished;
    } else {
        unfinished.into_iter().for_each(|d| diags.push(d));
    }
    let slug = explicit_slug.unwrap_or_else(|| slugify(&stem));
    if slug.is_empty() && matches!(kind, PageKind::Member | PageKind::Standalone) {
        diags.push(Diagnostic::error(
            file,
            0,
            0,
            "cannot derive a slug from the file name; add `slug:`",
        ));
        return None;
    }
    page.path = page_path(kind, collection.as_deref(), &slug);
    page.slug = match kind {
        PageKind::Section => collection.unwrap_or_default(),
        _ => slug,
    };
    Some(page)
}

/// The front matter split from the body and read as a YAML mapping; `None` (with the problem in
/// `diags`) when it cannot be.
fn read_front<'t>(
    text: &'t str,
    file: &str,
    diags: &mut Diagnostics,
) -> Option<(front::Split<'t>, serde_norway::Mapping)> {
    let split = match split_front_matter(text) {
        Ok(s) => s,
        Err((line, msg)) => {
            diags.push(Diagnostic::error(file, line, 0, msg));
            return None;
        }
    };
    match front::parse_yaml(split.front) {
        Ok(Yaml::Mapping(map)) => Some((split, map)),
        Ok(_) => {
            diags.push(Diagnostic::error(
                file,
                2,
                1,
                "front matter must be a set of `key: value` lines",
            ));
            None
        }
        Err((line, col, msg)) => {
            diags.push(Diagnostic::error(file, line, col, msg));
            None
        }
    }
}

/// Every key of the front matter into `page`; the `slug:` it gives, if any.
fn read_keys(
    page: &mut Page,
    checker: &mut Checker,
    cc: Option<&CollectionConfig>,
    map: &serde_norway::Mapping,
) -> Option<String> {
    let mut explicit_slug = None;
    for (k, v) in map {
        let Some(key) = k.as_str() else {
            checker.error_at(
                "",
                format!("front-matter key `{}` must be a word", yaml_to_display(k)),
            );
            continue;
        };
        if key == "slug" {
            explicit_slug = read_slug(checker, v);
        } else if !read_builtin(page, checker, key, v) {
            read_collection_key(page, checker, cc, key, v);
        }
    }
    if page.title.is_empty() && !map.contains_key("title") {
        checker.diags.push(Diagnostic::error(
            checker.file,
            1,
            1,
            "missing required field `title`",
        ));
    }
    explicit_slug
}

fn read_slug(checker: &mut Checker, v: &Yaml) -> Option<String> {
    match scalar_string(v) {
        Some(s) if is_valid_slug(&s) => Some(s),
        _ => {
            checker.error_at(
                "slug",
                format!(
                    "`slug` `{}` is not a valid slug: use a-z, 0-9 and `-` only (no `/`, `.` or spaces)",
                    yaml_to_display(v)
                ),
            );
            None
        }
    }
}

/// A built-in front-matter key; false when `key` is not one.
fn read_builtin(page: &mut Page, checker: &mut Checker, key: &str, v: &Yaml) -> bool {
    let problem = match key {
        "title" | "summary" | "template" => read_text_key(page, key, v),
        "date" | "updated" | "draft" | "weight" | "search_weight" => read_value_key(page, key, v),
        "aliases" => {
            page.aliases = parse_aliases(v, checker);
            None
        }
        _ => return false,
    };
    if let Some(msg) = problem {
        checker.error_at(key, msg);
    }
    true
}

/// `title`, `summary` or `template` into the page; the problem, if any.
fn read_text_key(page: &mut Page, key: &str, v: &Yaml) -> Option<String> {
    let text = scalar_string(v);
    match key {
        "title" => match text.filter(|s| !s.trim().is_empty()) {
            Some(s) => page.title = s.trim().to_string(),
            None => return Some("`title` must be a non-empty string".to_string()),
        },
        "summary" => match (v, text) {
            (Yaml::Null, _) => {}
            (_, Some(s)) => page.summary = Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            _ => return Some("`summary` must be a string".into()),
        },
        _ => match text.filter(|s| s.ends_with(".html") && check_site_path(s).is_ok()) {
            Some(s) => page.template = Some(s),
            None => return Some("`template` must name an .html template of the theme".into()),
        },
    }
    None
}

/// `date`, `updated`, `draft`, `weight` or `search_weight` into the page; the problem, if any.
fn read_value_key(page: &mut Page, key: &str, v: &Yaml) -> Option<String> {
    let found = || yaml_to_display(v);
    match key {
        "date" | "updated" => {
            let Some(s) = scalar_string(v).filter(|s| is_date(s)) else {
                return Some(format!(
                    "`{key}` must be a date written YYYY-MM-DD that exists, found `{}`",
                    found()
                ));
            };
            *if key == "date" {
                &mut page.date
            } else {
                &mut page.updated
            } = Some(s);
        }
        "draft" => match v.as_bool() {
            Some(b) => page.draft = b,
            None => {
                return Some(format!(
                    "`draft` must be true or false, found `{}`",
                    found()
                ));
            }
        },
        "weight" => match v.as_i64() {
            Some(w) => page.weight = Some(w),
            None => return Some(format!("`weight` must be an integer, found `{}`", found())),
        },
        _ => match v.as_f64().filter(|w| w.is_finite() && *w >= 0.0) {
            Some(w) => page.search_weight = Some(w),
            None => {
                return Some(format!(
                    "`search_weight` must be a number from 0 up (1 is normal, 0.5 ranks the page lower, 0 leaves it out of search), found `{}`",
                    found()
                ));
            }
        },
    }
    None
}

/// A key of the page's collection: a field, a relation, or (when allowed) any other key.
fn read_collection_key(
    page: &mut Page,
    checker: &mut Checker,
    cc: Option<&CollectionConfig>,
    key: &str,
    v: &Yaml,
) {
    let Some(cc) = cc else {
        checker.key_error(
            key,
            format!(
                "unknown front-matter key `{key}`{}",
                suggestion(key, BUILTIN_KEYS.iter().copied())
            ),
        );
        return;
    };
    if let Some(spec) = cc.fields.get(key) {
        if let Some(value) = checker.field(key, spec, v) {
            page.fields.insert(key.to_string(), value);
        }
    } else if let Some(spec) = cc.relations.get(key) {
        let refs = checker.relation(key, spec, v);
        page.relations.insert(key.to_string(), refs);
    } else if cc.allow_unknown_fields {
        if let Ok(j) = serde_json::to_value(v) {
            page.fields
                .insert(key.to_string(), FieldValue::Undeclared(j));
        }
    } else {
        let known = BUILTIN_KEYS
            .iter()
            .copied()
            .chain(cc.fields.keys().map(String::as_str))
            .chain(cc.relations.keys().map(String::as_str));
        checker.key_error(
            key,
            format!(
                "unknown field `{key}` in collection `{}`{}",
                page.collection.as_deref().unwrap_or_default(),
                suggestion(key, known)
            ),
        );
    }
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
    match (under.len(), stem.as_str()) {
        (1, "_index") => (PageKind::Home, None, stem),
        (1, _) => (PageKind::Standalone, None, stem),
        // A page bundle: the folder names the page.
        (2, "index") => (PageKind::Standalone, None, under[0].clone()),
        (3, "index") => (PageKind::Member, Some(under[0].clone()), under[1].clone()),
        (_, "_index") => (PageKind::Section, Some(under[0].clone()), stem),
        _ => (PageKind::Member, Some(under[0].clone()), stem),
    }
}

/// A generated list page for every collection that has no `_index.md`.
/// And a generated home page when there is no `content/_index.md` (or it failed to load): every
/// site has a home, which the theme links to.
fn add_missing_sections(pages: &mut Vec<Page>, config: &Config) {
    if !pages.iter().any(|p| p.kind == PageKind::Home) {
        pages.push(Page {
            title: config.title.clone(),
            summary: (!config.description.is_empty()).then(|| config.description.clone()),
            ..Page::blank(String::new(), PageKind::Home, None)
        });
    }
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
            let explicit = |q: &Page| q.positions.has_key("slug");
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

/// `aliases`: old site paths that redirect to the page.
fn parse_aliases(v: &Yaml, checker: &mut Checker) -> Vec<String> {
    let items: Vec<&Yaml> = match v {
        Yaml::Sequence(s) => s.iter().collect(),
        Yaml::String(_) => vec![v],
        _ => {
            checker.error_at("aliases", "`aliases` must be a list of site paths".into());
            return vec![];
        }
    };
    let mut out = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        let Some(s) = scalar_string(item) else {
            continue;
        };
        let at = format!("aliases.{i}");
        let path = s.trim().trim_start_matches('/').to_string();
        match check_site_path(&path) {
            Ok(()) if !path.is_empty() && !s.contains("://") => {
                let mut p = path.trim_end_matches("index.html").to_string();
                if !p.ends_with('/') && !p.ends_with(".html") {
                    p.push('/');
                }
                out.push(p);
            }
            Ok(()) => checker.error_at(
                &at,
                format!("alias `{s}` must be a path inside the site, like `oud/pad/`"),
            ),
            Err(msg) => checker.error_at(&at, format!("alias `{s}`: {msg}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_crlf_and_normalises() {
        let text = decode(b"\xEF\xBB\xBF---\r\ntitle: Su\xCC\x81dwest\r\n---\r\n").unwrap();
        assert_eq!(text, "---\ntitle: S\u{fa}dwest\n---\n");
        assert_eq!(decode(b"ok\nab\xFF"), Err((2, 3)));
    }
}
