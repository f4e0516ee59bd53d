//! The files every site has besides its pages, each drawn by a template of the theme that a site
//! can override: the search page, `404.html`, `sitemap.xml`, `atom.xml`, `robots.txt` and a
//! redirect page (`alias.html`) for every alias.

use super::{Renderer, functions::strings_json};
use crate::error::Diagnostic;
use crate::output::OutputFile;
use serde::Serialize;

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

#[derive(Serialize)]
struct FeedEntry<'a> {
    title: &'a str,
    url: String,
    published: String,
    updated: String,
    summary: Option<&'a str>,
    content: &'a str,
}

/// `2018-03-01` as an Atom timestamp.
fn stamp(date: &str) -> String {
    format!("{date}T00:00:00Z")
}

impl Renderer<'_> {
    /// The search page, when the theme has one.
    pub(super) fn search_page(
        &self,
        search: &crate::search::export::ClientData,
    ) -> Result<Option<OutputFile>, Diagnostic> {
        if !self.theme.has_template("search.html") {
            return Ok(None);
        }
        let config = self.config();
        let path = self.theme.url_segment("url.search");
        let titles: Vec<&str> = config
            .collections
            .values()
            .map(|c| c.title.as_str())
            .collect();
        let collections = serde_json::to_string(&titles).unwrap_or_default();
        let page = serde_json::json!({
            "title": self.theme.strings.get("search.title"),
            "kind": "search",
            "url": config.site_url(&path),
            "permalink": config.absolute_url(&path),
        });
        let strings = strings_json(&self.theme.strings, "search.");
        self.render_file("search.html", format!("{path}index.html"), |ctx| {
            ctx.insert("page", &page);
            ctx.insert("search_collections", &collections);
            ctx.insert("search_parts", &search.parts.join(" "));
            ctx.insert("search_pages", &search.pages);
            ctx.insert("search_stop_words", &search.stop_words.join(" "));
            let pack = search.pack.clone().unwrap_or_default();
            ctx.insert("search_pack", &pack.file);
            ctx.insert("search_pack_members", &pack.members);
            ctx.insert("search_strings", &strings);
        })
        .map(Some)
    }

    pub(super) fn not_found_page(&self) -> Result<OutputFile, Diagnostic> {
        let page = serde_json::json!({
            "title": self.theme.strings.get("not_found.title"),
            "kind": "404",
            "url": self.config().site_url("404.html"),
        });
        self.render_file("404.html", "404.html".into(), |ctx| {
            ctx.insert("page", &page)
        })
    }

    /// A redirect page at every alias of every page.
    pub(super) fn aliases(&self) -> Vec<Result<OutputFile, Diagnostic>> {
        let config = self.config();
        let mut out = Vec::new();
        for n in &self.site.nodes {
            for alias in &n.page.aliases {
                let path = if alias.ends_with(".html") {
                    alias.clone()
                } else {
                    format!("{alias}index.html")
                };
                let redirect = serde_json::json!({
                    "url": config.site_url(&n.page.path),
                    "permalink": config.absolute_url(&n.page.path),
                    "title": n.page.title,
                });
                out.push(
                    self.render_file("alias.html", path, |ctx| ctx.insert("redirect", &redirect)),
                );
            }
        }
        out
    }

    pub(super) fn sitemap(&self) -> Result<OutputFile, Diagnostic> {
        let config = self.config();
        let entries: Vec<SitemapEntry> = self
            .site
            .nodes
            .iter()
            .map(|n| SitemapEntry {
                loc: config.absolute_url(&n.page.path),
                lastmod: n.page.updated.clone().or_else(|| n.page.date.clone()),
            })
            .collect();
        self.render_file("sitemap.xml", "sitemap.xml".into(), |ctx| {
            ctx.insert("entries", &entries)
        })
    }

    pub(super) fn robots(&self) -> Result<OutputFile, Diagnostic> {
        let sitemap = self.config().absolute_url("sitemap.xml");
        self.render_file("robots.txt", "robots.txt".into(), |ctx| {
            ctx.insert("sitemap_url", &sitemap)
        })
    }

    /// An Atom feed of the pages that have a date, the most recently updated first, at most
    /// `feed_limit` of them.
    pub(super) fn atom_feed(&self) -> Result<OutputFile, Diagnostic> {
        let site = self.site;
        let config = self.config();
        let mut dated: Vec<usize> = (0..site.nodes.len())
            .filter(|&i| site.nodes[i].page.date.is_some())
            .collect();
        let changed = |i: usize| {
            let p = &site.nodes[i].page;
            p.updated.as_ref().or(p.date.as_ref())
        };
        dated.sort_by(|&a, &b| {
            changed(b)
                .cmp(&changed(a))
                .then_with(|| site.nodes[a].page.path.cmp(&site.nodes[b].page.path))
        });
        if config.feed_limit > 0 {
            dated.truncate(config.feed_limit);
        }
        let updated = site
            .nodes
            .iter()
            .filter_map(|n| n.page.updated.as_ref().or(n.page.date.as_ref()))
            .max()
            .map(|d| stamp(d));
        let entries: Vec<FeedEntry> = dated
            .into_iter()
            .map(|i| {
                let p = &site.nodes[i].page;
                let date = p.date.as_deref().unwrap_or_default();
                FeedEntry {
                    title: &p.title,
                    url: config.absolute_url(&p.path),
                    published: stamp(date),
                    updated: stamp(p.updated.as_deref().unwrap_or(date)),
                    summary: p.summary.as_deref(),
                    content: self.drawn[i].as_deref().unwrap_or(&self.bodies[i].html),
                }
            })
            .collect();
        let feed = serde_json::json!({
            "url": config.absolute_url("atom.xml"),
            "home": config.absolute_url(""),
            "updated": updated.unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
            "author": if config.author.is_empty() { &config.title } else { &config.author },
        });
        self.render_file("atom.xml", "atom.xml".into(), |ctx| {
            ctx.insert("feed", &feed);
            ctx.insert("entries", &entries);
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{SITE_TOML, built};
    use super::*;
    use crate::output::Data;

    fn text(file: &OutputFile) -> String {
        match &file.data {
            Data::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            Data::Copy(p) => std::fs::read_to_string(p).unwrap(),
        }
    }

    const FEED: &str = "{{ feed.updated }} {{ feed.author }}\
        {% for e in entries %}|{{ e.title }} {{ e.published }} {{ e.updated }} {{ e.url }}{% endfor %}";

    #[test]
    fn the_feed_lists_the_latest_changes_first_up_to_feed_limit() {
        let b = built(&[("templates/atom.xml", FEED)]);
        let feed = b.renderer().atom_feed().unwrap();
        assert_eq!(feed.path, "atom.xml");
        // Stroom was updated on 1 May, Bron published on 1 April; Delta (February) is cut by
        // `feed_limit = 2`.
        assert_eq!(
            text(&feed),
            "2018-05-01T00:00:00Z Redactie\
             |Stroom 2018-03-01T00:00:00Z 2018-05-01T00:00:00Z https://example.nl/water/tochten/stroom/\
             |Bron 2018-04-01T00:00:00Z 2018-04-01T00:00:00Z https://example.nl/water/tochten/bron/"
        );
        // `feed_limit = 0`: every dated page; no author: the site's title.
        let toml = SITE_TOML
            .replace("feed_limit = 2", "feed_limit = 0")
            .replace("author = \"Redactie\"\n", "");
        let b = built(&[("templates/atom.xml", FEED), ("site.toml", &toml)]);
        let feed = text(&b.renderer().atom_feed().unwrap());
        assert!(feed.starts_with("2018-05-01T00:00:00Z Rivieren|"), "{feed}");
        assert_eq!(feed.matches('|').count(), 3);
    }

    #[test]
    fn the_sitemap_gives_every_page_its_last_change() {
        let template = "{% for e in entries %}{{ e.loc }} {{ e.lastmod }}\n{% endfor %}";
        let b = built(&[("templates/sitemap.xml", template)]);
        let sitemap = text(&b.renderer().sitemap().unwrap());
        let lines: Vec<&str> = sitemap.lines().collect();
        assert_eq!(lines.len(), b.site.nodes.len());
        assert!(lines.contains(&"https://example.nl/water/tochten/stroom/ 2018-05-01"));
        assert!(lines.contains(&"https://example.nl/water/tochten/bron/ 2018-04-01"));
        assert!(lines.contains(&"https://example.nl/water/rivieren/maas/ "));
    }

    #[test]
    fn an_alias_is_a_redirect_page_at_the_old_path() {
        let template = "{{ redirect.title }} {{ redirect.url }} {{ redirect.permalink }}";
        let b = built(&[("templates/alias.html", template)]);
        let files: Vec<(String, String)> = b
            .renderer()
            .aliases()
            .into_iter()
            .map(|f| f.unwrap())
            .map(|f| (f.path.clone(), text(&f)))
            .collect();
        let redirect = "Over /water/over/ https://example.nl/water/over/".to_string();
        assert_eq!(
            files,
            [
                ("wie/index.html".to_string(), redirect.clone()),
                ("oud.html".to_string(), redirect),
            ]
        );
    }

    #[test]
    fn robots_txt_points_at_the_sitemap_and_the_404_page_has_its_title() {
        let b = built(&[("templates/404.html", "{{ page.title }} {{ page.url }}")]);
        let r = b.renderer();
        let robots = text(&r.robots().unwrap());
        assert!(
            robots.contains("Sitemap: https://example.nl/water/sitemap.xml"),
            "{robots}"
        );
        let not_found = r.not_found_page().unwrap();
        assert_eq!(not_found.path, "404.html");
        assert_eq!(text(&not_found), "Pagina niet gevonden /water/404.html");
    }
}
