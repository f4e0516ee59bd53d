//! The offline build (`kennisbank build --offline`): a site that works from a folder, opened as
//! `file:///…/index.html`, at any depth, moved or renamed.
//!
//! [`Offline`] is a [`Sink`] in front of the real one. Every HTML file that passes is rewritten
//! so that each URL into the site is relative to the page and names a file: `/kb/guides/` on
//! `guides/x/index.html` becomes `../../guides/index.html` (a browser shows a folder, not its
//! `index.html`, from `file:`). That covers `href`, `src` and `action`, the redirect of an alias
//! page (`<meta http-equiv="refresh" content="0; url=…">`) and `data-*` attributes that hold a
//! folder of the site (they stay folders: `data-base="../../"`). Full URLs of the site
//! (`https://host/kb/x/`) are made relative too, except the canonical URL, which names the page
//! on the web on purpose.
//!
//! Browsers run no module script from `file:`, so a module script (`<script type="module">`)
//! is loaded as a deferred classic script, and its file is turned into one: its `export`
//! keywords dropped, its body wrapped in a strict function. A module that imports another
//! cannot be turned into one file here; that is an error naming the file and the line.

use super::{Data, OutputFile, Sink};
use crate::error::{Diagnostic, Diagnostics};
use memchr::memmem::Finder;
use std::sync::Mutex;

/// A [`Sink`] that makes every file it passes on work from a folder.
pub struct Offline<'a> {
    inner: &'a dyn Sink,
    /// The site's path (`/kb/`).
    base_path: String,
    /// The site's full URL with a trailing slash (`https://host/kb/`).
    base_url: String,
    problems: Mutex<Diagnostics>,
}

impl<'a> Offline<'a> {
    pub fn new(inner: &'a dyn Sink, base_path: &str, base_url: &str) -> Self {
        Offline {
            inner,
            base_path: base_path.to_string(),
            base_url: format!("{}/", base_url.trim_end_matches('/')),
            problems: Mutex::new(Diagnostics::default()),
        }
    }

    /// What could not be made to work from a folder.
    pub fn problems(&self) -> Diagnostics {
        std::mem::take(&mut *self.problems.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Sink for Offline<'_> {
    fn add(&self, mut f: OutputFile) {
        if let Data::Bytes(bytes) = &f.data {
            if f.path.ends_with(".html") {
                let html = rewrite_html(&f.path, bytes, &self.base_path, &self.base_url);
                f.data = Data::Bytes(std::sync::Arc::new(html));
            } else if f.path.ends_with(".js") {
                match classic_script(&f.path, bytes) {
                    Ok(Some(js)) => f.data = Data::Bytes(std::sync::Arc::new(js)),
                    Ok(None) => {}
                    Err(d) => self
                        .problems
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(d),
                }
            }
        }
        self.inner.add(f);
    }

    fn collisions(&self) -> std::collections::BTreeSet<String> {
        self.inner.collisions()
    }
}

/// What an attribute holds, by its name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `href`, `src`, `action`: a link or a file.
    Url,
    /// `content` of a refresh: `0; url=…`.
    Refresh,
    /// `data-*`: possibly a folder of the site, used as a prefix by a script.
    Folder,
}

fn kind_of(name: &[u8]) -> Option<Kind> {
    match name {
        b"href" | b"src" | b"action" => Some(Kind::Url),
        b"content" => Some(Kind::Refresh),
        n if n.starts_with(b"data-") => Some(Kind::Folder),
        _ => None,
    }
}

/// An HTML file with every URL into the site relative to it (see the module docs).
fn rewrite_html(file: &str, html: &[u8], base_path: &str, base_url: &str) -> Vec<u8> {
    thread_local! {
        static EQ: Finder<'static> = Finder::new(b"=\"");
    }
    let to_root = "../".repeat(file.matches('/').count());
    let site = Site {
        file,
        base_path,
        base_url,
        to_root: &to_root,
    };
    let mut out = Vec::with_capacity(html.len() + html.len() / 16);
    let mut copied = 0;
    EQ.with(|eq| {
        for at in eq.find_iter(html) {
            let name_start = html[..at]
                .iter()
                .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))
                .map_or(0, |p| p + 1);
            if name_start == 0 || !html[name_start - 1].is_ascii_whitespace() {
                continue;
            }
            let Some(kind) = kind_of(&html[name_start..at]) else {
                continue;
            };
            let start = at + 2;
            let Some(len) = memchr::memchr(b'"', &html[start..]) else {
                break;
            };
            let Ok(value) = std::str::from_utf8(&html[start..start + len]) else {
                continue;
            };
            if let Some(new) = site.rewrite(kind, value, tag_before(html, at)) {
                out.extend_from_slice(&html[copied..start]);
                out.extend_from_slice(new.as_bytes());
                copied = start + len;
            }
        }
    });
    out.extend_from_slice(&html[copied..]);
    module_scripts_to_classic(out)
}

/// The start of the tag an attribute at `at` belongs to, up to the attribute.
fn tag_before(html: &[u8], at: usize) -> &[u8] {
    let open = memchr::memrchr(b'<', &html[..at]).unwrap_or(0);
    &html[open..at]
}

/// `<script type="module" src=…>` → `<script defer src=…>`: the same order and timing, from `file:`.
fn module_scripts_to_classic(html: Vec<u8>) -> Vec<u8> {
    const MODULE: &[u8] = b"<script type=\"module\"";
    if memchr::memmem::find(&html, MODULE).is_none() {
        return html;
    }
    let mut out = Vec::with_capacity(html.len());
    let mut rest = html.as_slice();
    while let Some(at) = memchr::memmem::find(rest, MODULE) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(b"<script defer");
        rest = &rest[at + MODULE.len()..];
    }
    out.extend_from_slice(rest);
    out
}

/// The page being rewritten and where the site is.
struct Site<'s> {
    file: &'s str,
    base_path: &'s str,
    base_url: &'s str,
    /// `../` once for each folder the page is in.
    to_root: &'s str,
}

impl Site<'_> {
    /// The new value of an attribute, or `None` to keep it.
    fn rewrite(&self, kind: Kind, value: &str, tag: &[u8]) -> Option<String> {
        match kind {
            Kind::Url => {
                let canonical = memchr::memmem::find(tag, b"rel=\"canonical\"").is_some();
                if canonical {
                    return None;
                }
                self.url(value)
            }
            Kind::Refresh => {
                let (delay, url) = value.split_once(';')?;
                let url = url.trim_start();
                let target = url
                    .strip_prefix("url=")
                    .or_else(|| url.strip_prefix("URL="))?;
                Some(format!("{delay}; url={}", self.url(target)?))
            }
            Kind::Folder => {
                let rest = value.strip_prefix(self.base_path)?;
                Some(if self.to_root.is_empty() && rest.is_empty() {
                    "./".to_string()
                } else {
                    format!("{}{rest}", self.to_root)
                })
            }
        }
    }

    /// A link made relative to the page and naming a file, or `None` to keep it as it is
    /// (another site, an anchor of the page, a relative link to a file, a path outside the
    /// site's, which the link check reports).
    fn url(&self, value: &str) -> Option<String> {
        let split = value.find(['?', '#']).unwrap_or(value.len());
        let (path, tail) = value.split_at(split);
        let site_path = if let Some(rest) = path.strip_prefix(self.base_url) {
            rest.to_string()
        } else if path.starts_with("//") || has_scheme(path) {
            return None;
        } else if let Some(rest) = path.strip_prefix(self.base_path) {
            rest.to_string()
        } else if path == self.base_path.trim_end_matches('/') && !path.is_empty() {
            String::new()
        } else if path.starts_with('/') || !names_folder(path) {
            return None;
        } else {
            super::links::join(self.file, path)?
        };
        let file = if site_path.is_empty() || site_path.ends_with('/') {
            format!("{site_path}index.html")
        } else if names_folder(&site_path) {
            format!("{site_path}/index.html")
        } else {
            site_path
        };
        Some(format!("{}{file}{tail}", self.to_root))
    }
}

/// Whether a path names a folder: it ends with `/`, `.` or `..`, or its last part has no dot
/// (pages are folders; files have an extension).
fn names_folder(path: &str) -> bool {
    if path.is_empty() {
        return false;
    }
    let last = path.rsplit('/').next().unwrap_or("");
    last.is_empty() || last == "." || last == ".." || !last.contains('.')
}

fn has_scheme(url: &str) -> bool {
    url.find(':')
        .is_some_and(|colon| !url[..colon].contains(['/', '?', '#']))
}

/// A module script as a classic one (`None`: it is not a module). A module that imports
/// another is an error.
fn classic_script(path: &str, js: &[u8]) -> Result<Option<Vec<u8>>, Diagnostic> {
    let Ok(text) = std::str::from_utf8(js) else {
        return Ok(None);
    };
    let statement = |line: &str, word: &str| {
        line.strip_prefix(word)
            .is_some_and(|r| r.starts_with([' ', '{', '*']))
    };
    let mut module = false;
    for (n, line) in text.lines().enumerate() {
        if statement(line, "import") {
            return Err(Diagnostic::error(
                path,
                n + 1,
                1,
                "an offline build cannot use a module script that imports another: \
                 browsers refuse modules from a folder, so it is loaded as a classic script; \
                 put the imported code in the same file, or build without --offline",
            ));
        }
        module |= statement(line, "export");
    }
    if !module {
        return Ok(None);
    }
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str("(function () {\n\"use strict\";\n");
    for line in text.lines() {
        match line.strip_prefix("export ") {
            Some(rest) if !rest.starts_with(['{', '*']) && !rest.starts_with("default") => {
                out.push_str(rest)
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out.push_str("})();\n");
    if out.lines().any(|l| statement(l, "export")) {
        let n = text
            .lines()
            .position(|l| statement(l, "export"))
            .unwrap_or(0);
        return Err(Diagnostic::error(
            path,
            n + 1,
            1,
            "an offline build turns module scripts into classic ones and can only drop \
             `export` before a declaration (`export function f`); declare it that way",
        ));
    }
    Ok(Some(out.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewrite(file: &str, html: &str) -> String {
        String::from_utf8(rewrite_html(
            file,
            html.as_bytes(),
            "/kb/",
            "https://example.nl/kb/",
        ))
        .unwrap()
    }

    #[test]
    fn links_become_relative_and_name_their_file() {
        let html = r#"<a href="/kb/">h</a><a class="x" href="/kb/guides/">l</a><img src="/kb/style.1a.css" alt=""><form action="/kb/zoeken/"><a href="/kb/guides/a/#kop">k</a><a href="/kb/zoeken/?q=a&amp;f=b">q</a>"#;
        assert_eq!(
            rewrite("guides/x/index.html", html),
            r#"<a href="../../index.html">h</a><a class="x" href="../../guides/index.html">l</a><img src="../../style.1a.css" alt=""><form action="../../zoeken/index.html"><a href="../../guides/a/index.html#kop">k</a><a href="../../zoeken/index.html?q=a&amp;f=b">q</a>"#
        );
        assert_eq!(
            rewrite(
                "index.html",
                r#"<a href="/kb/guides">l</a><a href="/kb">h</a>"#
            ),
            r#"<a href="guides/index.html">l</a><a href="index.html">h</a>"#
        );
    }

    #[test]
    fn other_sites_anchors_files_and_the_canonical_url_stay() {
        let html = r##"<link rel="canonical" href="https://example.nl/kb/a/"><a href="https://example.nl/kb/a/">a</a><a href="https://x.nl/">x</a><a href="mailto:a@b.nl">m</a><a href="#kop">k</a><img src="kaart.png" alt=""><a href="../b/">b</a><a href="/elders/">e</a><p>href="/kb/" is text</p>"##;
        assert_eq!(
            rewrite("a/index.html", html),
            r##"<link rel="canonical" href="https://example.nl/kb/a/"><a href="../a/index.html">a</a><a href="https://x.nl/">x</a><a href="mailto:a@b.nl">m</a><a href="#kop">k</a><img src="kaart.png" alt=""><a href="../b/index.html">b</a><a href="/elders/">e</a><p>href="/kb/" is text</p>"##
        );
    }

    #[test]
    fn redirects_folders_of_scripts_and_module_scripts() {
        let html = r#"<meta http-equiv="refresh" content="0; url=/kb/nieuw/"><div data-base="/kb/" data-index="/kb/search/" data-x="[1]"></div><script type="module" src="/kb/search.1.js"></script>"#;
        assert_eq!(
            rewrite("oud/index.html", html),
            r#"<meta http-equiv="refresh" content="0; url=../nieuw/index.html"><div data-base="../" data-index="../search/" data-x="[1]"></div><script defer src="../search.1.js"></script>"#
        );
        assert!(rewrite("index.html", r#"<p data-base="/kb/">"#).contains(r#"data-base="./""#));
    }

    #[test]
    fn a_module_becomes_a_classic_script_and_an_import_is_an_error() {
        let js = b"const A = 1;\nexport function f() {}\nexport async function g() {}\nexport class C {}\n";
        let out = String::from_utf8(classic_script("s.js", js).unwrap().unwrap()).unwrap();
        assert!(out.starts_with("(function () {\n\"use strict\";\n"));
        assert!(out.contains("\nfunction f() {}\nasync function g() {}\nclass C {}\n"));
        assert!(!out.contains("export"));
        assert!(classic_script("s.js", b"var x = 1;\n").unwrap().is_none());
        let err = classic_script(
            "s.js",
            b"// a\nimport { x } from \"./x.js\";\nexport const y = 1;\n",
        )
        .unwrap_err();
        assert_eq!((err.file.as_str(), err.line), ("s.js", 2));
        let err = classic_script("s.js", b"export { x };\n").unwrap_err();
        assert!(err.message.contains("export function"), "{}", err.message);
    }
}
