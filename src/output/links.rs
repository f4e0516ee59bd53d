//! The check of the built site: every `href`, `src` and `action` of every HTML file that points
//! inside the site must name a file the build writes, and with a fragment, an id of that file.
//! Links written in a page's Markdown are reported at their line; the others come from the
//! templates (the theme's or the site's) and are reported once per URL, with the pages they
//! are on.
//!
//! [`LinkCheck`] is a [`Sink`] in front of the real one: it reads each HTML file as it passes
//! (a fast scan of the attributes kennisbank's templates and Markdown write, always double-quoted)
//! and keeps only its links and ids.

use super::{Data, OutputFile, Sink};
use crate::error::{Diagnostic, Diagnostics};
use memchr::memmem::Finder;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Mutex;

/// What the check keeps of the site.
#[derive(Default)]
struct Seen {
    /// Every path the build writes.
    paths: HashSet<String>,
    /// The ids of each HTML file.
    ids: HashMap<String, HashSet<String>>,
    /// Each HTML file's links into the site: (URL as written, unescaped).
    links: Vec<(String, Vec<String>)>,
}

/// A [`Sink`] that reads the links and ids of every HTML file on its way to `inner`.
pub struct LinkCheck<'a> {
    inner: &'a dyn Sink,
    base_path: String,
    seen: Mutex<Seen>,
}

impl<'a> LinkCheck<'a> {
    pub fn new(inner: &'a dyn Sink, base_path: &str) -> Self {
        LinkCheck {
            inner,
            base_path: base_path.to_string(),
            seen: Mutex::new(Seen::default()),
        }
    }
}

impl Sink for LinkCheck<'_> {
    fn add(&self, f: OutputFile) {
        let scanned = match (&f.data, f.path.ends_with(".html")) {
            (Data::Bytes(bytes), true) => Some(scan(bytes.as_slice())),
            _ => None,
        };
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            seen.paths.insert(f.path.clone());
            if let Some((links, ids)) = scanned {
                seen.ids.insert(f.path.clone(), ids);
                seen.links.push((f.path.clone(), links));
            }
        }
        self.inner.add(f);
    }

    fn collisions(&self) -> BTreeSet<String> {
        self.inner.collisions()
    }
}

/// Where a page's links came from, for the report.
pub struct Source<'s> {
    /// The page's source file (or its output path, for a generated page).
    pub file: String,
    /// The links its Markdown wrote that the graph did not check: (URL, line, column).
    pub unchecked: &'s [(String, usize, usize)],
    /// The template that drew the page.
    pub template: String,
}

impl LinkCheck<'_> {
    /// Every link that leads nowhere, as diagnostics. `source_of` tells, for an HTML file, the
    /// page it shows (none for the search page, 404 page and such).
    pub fn finish<'s>(self, source_of: impl Fn(&str) -> Option<Source<'s>>) -> Diagnostics {
        let mut seen = self.seen.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut diags = Diagnostics::default();
        let mut files = std::mem::take(&mut seen.links);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut in_text: HashSet<String> = HashSet::new();
        let mut from_templates: BTreeMap<String, TemplateLink> = BTreeMap::new();
        // Most links (menus, footers, assets) are the same root-relative URLs on every page.
        let mut known: HashMap<&str, Option<String>> = HashMap::new();
        for (file, links) in &files {
            let mut source = None;
            for url in links {
                let found = match known.get(url.as_str()) {
                    Some(p) => p.clone(),
                    None => {
                        let p = problem(&seen, &self.base_path, file, url);
                        if url.starts_with('/') {
                            known.insert(url, p.clone());
                        }
                        p
                    }
                };
                let Some(problem) = found else {
                    continue;
                };
                let source = source.get_or_insert_with(|| source_of(file));
                let written = source
                    .as_ref()
                    .and_then(|s| s.unchecked.iter().find(|(u, _, _)| u == url));
                if let (Some(s), Some((_, line, column))) = (source.as_ref(), written) {
                    diags.push(Diagnostic::error(
                        &s.file,
                        *line,
                        *column,
                        format!("link `{url}` {problem}"),
                    ));
                    in_text.insert(url.clone());
                    continue;
                }
                let entry = from_templates
                    .entry(url.clone())
                    .or_insert_with(|| TemplateLink {
                        problem,
                        template: None,
                        pages: Vec::new(),
                    });
                if entry.template.is_none() {
                    entry.template = source.as_ref().map(|s| s.template.clone());
                }
                entry
                    .pages
                    .push(format!("/{}", file.trim_end_matches("index.html")));
            }
        }
        for (url, t) in from_templates {
            // A page that shows other pages' text (a handout) repeats their links.
            if !in_text.contains(&url) {
                diags.push(t.diagnostic(&url));
            }
        }
        diags
    }
}

/// A link that leads nowhere, written by the templates, and the pages it is on.
struct TemplateLink {
    problem: String,
    /// The template of the first page with a source: where to look.
    template: Option<String>,
    pages: Vec<String>,
}

impl TemplateLink {
    fn diagnostic(&self, url: &str) -> Diagnostic {
        let more = match self.pages.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        let file = self.template.as_deref().unwrap_or("templates");
        Diagnostic::error(
            file,
            0,
            0,
            format!(
                "link `{url}` in this template or a partial it includes {} (on {}{more})",
                self.problem, self.pages[0]
            ),
        )
    }
}

/// Why a link of `file` leads nowhere, or `None` when it leads somewhere the build writes.
fn problem(seen: &Seen, base_path: &str, file: &str, url: &str) -> Option<String> {
    let (target, fragment) = match url.split_once('#') {
        Some((t, f)) => (t, Some(f).filter(|f| !f.is_empty())),
        None => (url, None),
    };
    let target = target.split('?').next().unwrap_or(target);
    let path = if target.is_empty() {
        file.to_string()
    } else if let Some(abs) = target.strip_prefix('/') {
        let under = format!("/{abs}");
        match under.strip_prefix(base_path) {
            Some(p) => p.to_string(),
            None => {
                return Some(format!(
                    "is outside the site's path {base_path}; write it as a path of the site"
                ));
            }
        }
    } else {
        match join(file, target) {
            Some(p) => p,
            None => return Some("leads out of the site".into()),
        }
    };
    let Some(found) = existing_file(seen, &path) else {
        let pages = seen
            .paths
            .iter()
            .filter_map(|p| p.strip_suffix("index.html"))
            .filter(|p| !p.is_empty());
        let near = crate::error::did_you_mean(&path, pages)
            .map(|p| format!("; did you mean `{base_path}{p}`?"))
            .unwrap_or_default();
        return Some(format!("leads to no file the build writes{near}"));
    };
    let fragment = fragment?;
    let ids = seen.ids.get(&found)?;
    (!ids.contains(fragment)).then(|| {
        let near = crate::error::suggestion(fragment, ids.iter().map(String::as_str));
        format!("leads to a missing anchor: /{found} has no id `{fragment}`{near}")
    })
}

/// The file a site path names: itself, or the `index.html` of its folder.
fn existing_file(seen: &Seen, path: &str) -> Option<String> {
    if path.is_empty() || path.ends_with('/') {
        let index = format!("{path}index.html");
        return seen.paths.contains(&index).then_some(index);
    }
    if seen.paths.contains(path) {
        return Some(path.to_string());
    }
    let index = format!("{path}/index.html");
    seen.paths.contains(&index).then_some(index)
}

/// A relative URL against the folder of `file` (`guides/x/index.html`): `None` when it climbs
/// above the site.
pub(super) fn join(file: &str, rel: &str) -> Option<String> {
    let dir = file.rsplit_once('/').map_or("", |(dir, _)| dir);
    let trailing = rel.ends_with('/');
    let mut out = crate::text::resolve_segments(dir, rel)?.join("/");
    if trailing && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// The attributes that name a URL, and the one that names an id.
const URL_ATTRS: [&str; 3] = [" href=\"", " src=\"", " action=\""];

/// The links into the site and the ids of an HTML file.
fn scan(html: &[u8]) -> (Vec<String>, HashSet<String>) {
    thread_local! {
        static FINDERS: (Vec<Finder<'static>>, Finder<'static>) = (
            URL_ATTRS.iter().map(|a| Finder::new(a.as_bytes())).collect(),
            Finder::new(b" id=\""),
        );
    }
    FINDERS.with(|(url_finders, id_finder)| {
        let mut links = Vec::new();
        for finder in url_finders {
            for value in values(html, finder) {
                if is_inside(&value) {
                    links.push(value);
                }
            }
        }
        links.sort();
        links.dedup();
        let ids = values(html, id_finder).collect();
        (links, ids)
    })
}

/// The values of one attribute, unescaped.
fn values<'h>(html: &'h [u8], finder: &'h Finder<'_>) -> impl Iterator<Item = String> + 'h {
    finder.find_iter(html).filter_map(move |at| {
        let start = at + finder.needle().len();
        let len = memchr::memchr(b'"', &html[start..])?;
        let raw = std::str::from_utf8(&html[start..start + len]).ok()?;
        Some(unescape(raw))
    })
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A URL that points inside the site: no scheme, not protocol-relative.
fn is_inside(url: &str) -> bool {
    if url.starts_with("//") || url.is_empty() {
        return false;
    }
    match url.find(':') {
        Some(colon) => url[..colon].contains(['/', '?', '#']),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(paths: &[&str], ids: &[(&str, &[&str])]) -> Seen {
        Seen {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            ids: ids
                .iter()
                .map(|(p, i)| (p.to_string(), i.iter().map(|s| s.to_string()).collect()))
                .collect(),
            links: Vec::new(),
        }
    }

    #[test]
    fn links_resolve_like_a_browser_under_the_base_path() {
        let s = seen(
            &[
                "index.html",
                "guides/x/index.html",
                "guides/x/map.png",
                "style.css",
            ],
            &[("guides/x/index.html", &["part"])],
        );
        let ok = |file: &str, url: &str| problem(&s, "/kb/", file, url).is_none();
        assert!(ok("index.html", "/kb/guides/x/"));
        assert!(ok("index.html", "/kb/guides/x"));
        assert!(ok("index.html", "/kb/guides/x/#part"));
        assert!(ok("guides/x/index.html", "map.png"));
        assert!(ok("guides/x/index.html", "../../style.css"));
        assert!(ok("guides/x/index.html", "#part"));
        assert!(ok("index.html", "/kb/?q=x"));
        assert!(!ok("index.html", "/kb/guides/y/"));
        assert!(!ok("index.html", "/guides/x/"), "outside the base path");
        assert!(!ok("guides/x/index.html", "../../../x"));
        let missing = problem(&s, "/kb/", "index.html", "/kb/guides/x/#prat").unwrap();
        assert!(missing.contains("did you mean `part`"), "{missing}");
    }

    #[test]
    fn the_scan_finds_links_and_ids_and_skips_other_hosts() {
        let html = br#"<a href="/kb/a/">a</a><img src="x.png" alt=""><a href="https://x.nl/">x</a>
<form action="/kb/zoek/"><h2 id="deel">Deel</h2><a href="mailto:a@b.nl">m</a><a href="?q=1&amp;f=2">q</a>"#;
        let (links, ids) = scan(html);
        assert_eq!(links, ["/kb/a/", "/kb/zoek/", "?q=1&f=2", "x.png"]);
        assert!(ids.contains("deel"));
    }
}
