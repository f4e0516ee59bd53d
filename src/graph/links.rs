//! The links of page bodies: heading ids, and every link and image destination that points into
//! the site resolved to a site path, or reported with the nearest valid choice.
//!
//! A destination can name a page by its file (`@/guides/x.md`, or relative to the page's own
//! file: `x.md`, `../guides/x.md`), by its slug (`[[x]]`, `[[guides/x]]`), or a file under
//! `content/` (`@/data/table.csv`, or relative to the page: `picture.png`). An anchor (`#part`)
//! must be a heading of the target page. Root-relative URLs (`/guides/x/`) are left to the check of
//! the built site (`crate::output::links`).

use super::{Heading, Node};
use crate::content::{Asset, Page, PageKind};
use crate::error::{Diagnostic, Diagnostics, line_col, suggestion};
use crate::text::slugify;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::collections::{BTreeSet, HashMap};

/// Lookup tables over the nodes and the files of the site.
pub(super) struct Index {
    pub by_path: HashMap<String, usize>,
    /// `collection/slug` and bare `slug` → nodes (a bare slug may be ambiguous).
    by_slug: HashMap<String, Vec<usize>>,
    /// Content files (`guides/x.md`, `guides/x/index.md`) → node.
    by_file: HashMap<String, usize>,
    pub drafts: BTreeSet<String>,
    /// Pages that failed to load (their own problems are reported): links to them are not.
    pub broken: BTreeSet<String>,
    /// Site paths of the files under `content/` that are not pages.
    assets: BTreeSet<String>,
}

impl Index {
    pub(super) fn new(nodes: &[Node], drafts: BTreeSet<String>, assets: &[Asset]) -> Self {
        let mut by_path = HashMap::new();
        let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_file = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_path.insert(n.page.path.clone(), i);
            if let Some(file) = n.page.file.strip_prefix("content/") {
                by_file.insert(file.to_string(), i);
            }
            if n.page.kind != PageKind::Home {
                by_slug.entry(n.page.slug.clone()).or_default().push(i);
            }
        }
        Index {
            by_path,
            by_slug,
            by_file,
            drafts,
            broken: BTreeSet::new(),
            assets: assets.iter().map(|a| a.path.clone()).collect(),
        }
    }

    fn all_slugs(&self) -> impl Iterator<Item = &str> {
        self.by_slug.keys().map(String::as_str)
    }
}

/// How a destination was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LinkKind {
    Link,
    Wiki,
    Image,
}

/// What the graph needs from a page body: its headings and its links into the site.
pub(super) struct Scan {
    pub headings: Vec<Heading>,
    /// (destination as written, byte offset in the body, how it was written)
    pub links: Vec<(String, usize, LinkKind)>,
}

/// Whether a destination has a scheme (`https:`, `mailto:`) or is protocol-relative: it leaves
/// the site, or is not a link at all.
fn is_outside(dest: &str) -> bool {
    if dest.starts_with("//") {
        return true;
    }
    match dest.find(':') {
        Some(colon) => !dest[..colon].contains(['/', '?', '#']),
        None => false,
    }
}

/// Heading ids as the Markdown stage will emit them: explicit `{#id}` or the slug of the text,
/// made unique within the page with `-1`, `-2`, …; and every destination inside the site.
pub(super) fn scan_body(page: &Page) -> Scan {
    let mut headings = Vec::new();
    let mut links = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut current: Option<(u8, Option<String>, String)> = None;
    for (event, range) in
        Parser::new_ext(&page.body, crate::content::markdown_options()).into_offset_iter()
    {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((level as u8, id.map(|s| s.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, title)) = current.take() {
                    let base = explicit.unwrap_or_else(|| {
                        let s = slugify(&title);
                        if s.is_empty() { "kop".into() } else { s }
                    });
                    let id = unique_id(&mut used, base);
                    headings.push(Heading {
                        level,
                        id,
                        title: title.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let kind = match link_type {
                    LinkType::WikiLink { .. } => LinkKind::Wiki,
                    _ => LinkKind::Link,
                };
                if kind == LinkKind::Wiki || !is_outside(&dest_url) {
                    links.push((dest_url.to_string(), range.start, kind));
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if !is_outside(&dest_url) => {
                links.push((dest_url.to_string(), range.start, LinkKind::Image));
            }
            _ => {}
        }
    }
    Scan { headings, links }
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    // `used`: every id given so far → the last suffix tried for it. A suffixed id may be the
    // readable id of another heading (`## Aanpak 1`), so it is checked too.
    let Some(&last) = used.get(&base) else {
        used.insert(base.clone(), 0);
        return base;
    };
    let mut n = last;
    loop {
        n += 1;
        let id = format!("{base}-{n}");
        if !used.contains_key(&id) {
            used.insert(base, n);
            used.insert(id.clone(), 0);
            return id;
        }
    }
}

/// Where a destination leads.
enum Target {
    Page(usize),
    /// A file under `content/`, by its site path.
    File(String),
    /// Nothing to resolve here: a root-relative or relative URL, checked in the built site.
    Unchecked,
}

/// Why a destination does not resolve: a message, or nothing to say (the target page failed to
/// load, and its own problems are reported).
type Miss = Option<String>;

/// Resolve the links of node `i` into site paths (with their fragment); report the ones that
/// lead nowhere.
pub(super) fn resolve_links(
    i: usize,
    scan: &Scan,
    nodes: &[Node],
    index: &Index,
    diags: &mut Diagnostics,
) -> HashMap<String, String> {
    let page = &nodes[i].page;
    let mut out = HashMap::new();
    for (dest, offset, kind) in &scan.links {
        // The place is only worked out for a link that has a problem.
        let at = |msg: String| {
            let (line, col) = line_col(&page.body, *offset);
            Diagnostic::error(&page.file, page.body_line + line - 1, col, msg)
        };
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t, Some(f).filter(|f| !f.is_empty())),
            None => (dest.as_str(), None),
        };
        let resolved = match resolve_target(target, *kind, i, page, index) {
            Ok(r) => r,
            Err(Some(msg)) => {
                diags.push(at(msg));
                continue;
            }
            Err(None) => continue,
        };
        let path = match resolved {
            Target::Unchecked => continue,
            Target::File(path) => path,
            Target::Page(node) => {
                if let Some(f) = fragment
                    && !nodes[node].headings.iter().any(|h| h.id == f)
                {
                    diags.push(at(missing_anchor(f, node, i, nodes)));
                    continue;
                }
                nodes[node].page.path.clone()
            }
        };
        let url = match fragment {
            Some(f) => format!("{path}#{f}"),
            None => path,
        };
        out.insert(dest.clone(), url);
    }
    out
}

fn missing_anchor(f: &str, node: usize, from: usize, nodes: &[Node]) -> String {
    let ids = nodes[node].headings.iter().map(|h| h.id.as_str());
    let where_ = if node == from {
        "this page".to_string()
    } else {
        format!("`{}`", nodes[node].page.title)
    };
    format!(
        "anchor `#{f}` does not exist on {where_}{}",
        suggestion(f, ids)
    )
}

/// Where one destination (without its fragment) leads.
fn resolve_target(
    target: &str,
    kind: LinkKind,
    i: usize,
    page: &Page,
    index: &Index,
) -> Result<Target, Miss> {
    if target.is_empty() {
        return Ok(Target::Page(i));
    }
    if kind == LinkKind::Wiki {
        return resolve_wiki_link(target, index).map(Target::Page);
    }
    if let Some(file) = target.strip_prefix("@/") {
        return resolve_content_file(file, &format!("@/{file}"), index);
    }
    if target.starts_with('/') {
        return Ok(Target::Unchecked);
    }
    // Relative to the page's own file: a page file, or a file beside it. Other relative URLs
    // (`../`) are relative to the page's URL, checked in the built site.
    let is_file = target.ends_with(".md") || has_extension(target) || kind == LinkKind::Image;
    if !is_file {
        return Ok(Target::Unchecked);
    }
    let Some(file) = join_relative(page.source_dir(), target) else {
        return Err(Some(format!(
            "`{target}` leads out of content/; write a path inside the site"
        )));
    };
    resolve_content_file(&file, target, index)
}

/// A file of `content/` by its path under it: a page by its Markdown file, or any other file.
fn resolve_content_file(file: &str, written: &str, index: &Index) -> Result<Target, Miss> {
    if file.ends_with(".md") {
        return resolve_page_file(file, written, index).map(Target::Page);
    }
    if index.assets.contains(file) {
        return Ok(Target::File(file.to_string()));
    }
    let nearest = nearest_file(file, index.assets.iter().map(String::as_str));
    Err(Some(format!(
        "`{written}`: there is no file content/{file}{nearest}"
    )))
}

/// The closest existing file, preferring one in the same folder.
fn nearest_file<'a>(file: &str, files: impl Iterator<Item = &'a str> + Clone) -> String {
    let (dir, name) = file.rsplit_once('/').unwrap_or(("", file));
    let siblings = files
        .clone()
        .filter(|f| f.rsplit_once('/').map_or("", |(d, _)| d) == dir);
    let names: Vec<&str> = siblings
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .collect();
    if let Some(near) = crate::error::did_you_mean(name, names) {
        let path = if dir.is_empty() {
            near.to_string()
        } else {
            format!("{dir}/{near}")
        };
        return format!("; did you mean `{path}`?");
    }
    suggestion(file, files)
}

/// `guides/x.md`, `guides/x/index.md`, `guides/_index.md`, `_index.md`, `x.md` → node.
fn resolve_page_file(file: &str, written: &str, index: &Index) -> Result<usize, Miss> {
    if let Some(&n) = index.by_file.get(file) {
        return Ok(n);
    }
    let path = page_path_of_file(file);
    if let Some(&n) = index.by_path.get(&path) {
        return Ok(n);
    }
    if index.broken.contains(&path) {
        return Err(None);
    }
    if index.drafts.contains(&path) {
        return Err(Some(format!(
            "link to `{written}`, which is a draft and will not be published"
        )));
    }
    let known: Vec<&str> = index.by_file.keys().map(String::as_str).collect();
    Err(Some(format!(
        "link to `{written}`, which does not exist{}",
        suggestion(file, known)
    )))
}

/// The site path a page file has when its slug is its file name.
fn page_path_of_file(file: &str) -> String {
    let stem = file.trim_end_matches(".md");
    let stem = stem.strip_suffix("/index").unwrap_or(stem);
    match stem {
        "_index" => String::new(),
        s => match s.strip_suffix("/_index") {
            Some(coll) => format!("{coll}/"),
            None => format!("{s}/"),
        },
    }
}

/// `dir` joined with a relative path, `.` and `..` resolved; `None` when it leaves `content/`.
/// Returns the path under `content/`.
fn join_relative(dir: &str, rel: &str) -> Option<String> {
    let parts = crate::text::resolve_segments(dir, rel)?;
    match parts.split_first() {
        Some((&"content", rest)) if !rest.is_empty() => Some(rest.join("/")),
        _ => None,
    }
}

/// Whether the last segment of a path has a file extension (`x.png`, not `x/` or `x`).
fn has_extension(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .and_then(|name| name.rsplit_once('.'))
        .is_some_and(|(stem, ext)| !stem.is_empty() && !ext.is_empty() && ext != "html")
}

/// `[[slug]]` or `[[collection/slug]]` → node; a bare slug must be unique.
fn resolve_wiki_link(target: &str, index: &Index) -> Result<usize, Miss> {
    if target.contains('/') {
        let path = format!("{}/", target.trim_matches('/'));
        if index.broken.contains(&path) {
            return Err(None);
        }
        return index
            .by_path
            .get(&path)
            .copied()
            .ok_or_else(|| Some(format!("link to `[[{target}]]`, which does not exist")));
    }
    let last = |p: &String| p.trim_end_matches('/').rsplit('/').next() == Some(target);
    match index.by_slug.get(target).map(Vec::as_slice) {
        Some([n]) => Ok(*n),
        Some(many) if many.len() > 1 => Err(Some(format!(
            "`[[{target}]]` is ambiguous: {} pages have this slug; write `[[collection/{target}]]`",
            many.len()
        ))),
        _ if index.broken.iter().any(last) => Err(None),
        _ if index.drafts.iter().any(last) => Err(Some(format!(
            "link to `[[{target}]]`, which is a draft and will not be published"
        ))),
        _ => Err(Some(format!(
            "link to `[[{target}]]`, which does not exist{}",
            suggestion(target, index.all_slugs())
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_resolve_inside_content() {
        assert_eq!(
            join_relative("content/cases", "map.png").as_deref(),
            Some("cases/map.png")
        );
        assert_eq!(
            join_relative("content/cases/x", "../../data/t.csv").as_deref(),
            Some("data/t.csv")
        );
        assert_eq!(join_relative("content/cases", "../../site.toml"), None);
        assert_eq!(join_relative("content", "../x.png"), None);
    }

    #[test]
    fn page_files_name_their_site_path() {
        assert_eq!(page_path_of_file("guides/x.md"), "guides/x/");
        assert_eq!(page_path_of_file("guides/x/index.md"), "guides/x/");
        assert_eq!(page_path_of_file("guides/_index.md"), "guides/");
        assert_eq!(page_path_of_file("_index.md"), "");
    }

    #[test]
    fn schemes_and_protocol_relative_urls_leave_the_site() {
        assert!(is_outside("https://x.nl/"));
        assert!(is_outside("mailto:a@b.nl"));
        assert!(is_outside("//cdn.example/x.js"));
        assert!(!is_outside("/guides/x/"));
        assert!(!is_outside("x.png"));
        assert!(!is_outside("a/b:c.png"));
    }
}
