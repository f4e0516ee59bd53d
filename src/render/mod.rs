//! Stage 6: pages into HTML with the theme's Tera templates, plus the files every site needs
//! (sitemap, Atom feed, robots.txt, 404 page, alias redirects), each drawn by a template of the
//! theme. Every file goes to a [`Sink`] as soon as it is rendered; writing it to disk is the
//! output stage's job.

mod context;
mod files;
mod functions;
#[cfg(test)]
pub(crate) mod testing;
mod theme;

pub use theme::{Theme, load_theme};

use crate::config::Config;
use crate::content::PageKind;
use crate::error::{Diagnostic, Diagnostics};
use crate::graph::{Link, Node, Site};
use crate::markdown::Rendered;
use crate::output::{OutputFile, Sink};
use context::{CollectionCtx, PageCtx, PageLink, PageRef, Paginator, RelationGroup, facts};
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::Arc;
use theme::error_chain;

struct Renderer<'a> {
    site: &'a Site,
    bodies: &'a [Rendered],
    theme: &'a Theme,
    /// The theme's templates with the view functions bound to this site.
    tera: tera::Tera,
    site_ctx: tera::Value,
    /// The body of each page that has charts, with the charts drawn in; `None` for the others.
    drawn: Vec<Option<String>>,
}

impl<'a> Renderer<'a> {
    fn config(&self) -> &'a Config {
        &self.site.config
    }

    /// The number of page `i` by its collection's `number_field`, and its label ("Tocht 3").
    fn number(&self, i: usize) -> (Option<i64>, Option<String>) {
        let p = &self.site.nodes[i].page;
        let Some(cc) = p
            .collection
            .as_deref()
            .and_then(|c| self.config().collections.get(c))
        else {
            return (None, None);
        };
        let Some(n) = cc
            .number_field
            .as_ref()
            .and_then(|f| p.fields.get(f))
            .and_then(|v| v.as_i64())
        else {
            return (None, None);
        };
        let name = cc.singular.as_deref().map(capitalised).unwrap_or_default();
        let number = n.to_string();
        let label = self
            .theme
            .strings
            .format("page.number", None, &[("name", &name), ("number", &number)])
            .unwrap_or_else(|_| format!("{name} {number}"));
        (Some(n), Some(label.trim().to_string()))
    }

    fn page_ref(&self, i: usize, why: Option<&'a str>) -> PageRef<'a> {
        let site: &'a Site = self.site;
        let p = &site.nodes[i].page;
        let (number, number_label) = self.number(i);
        PageRef {
            number,
            number_label,
            title: &p.title,
            url: self.config().site_url(&p.path),
            summary: p.summary.as_deref(),
            collection: p.collection.as_deref(),
            slug: &p.slug,
            fields: &p.fields,
            why,
        }
    }

    fn groups(
        &self,
        rels: impl IntoIterator<Item = (&'a String, &'a Vec<Link>)>,
        inverse: bool,
        node: &Node,
    ) -> Vec<RelationGroup<'a>> {
        let config = self.config();
        rels.into_iter()
            .map(|(name, links)| {
                let title = if inverse {
                    links
                        .first()
                        .and_then(|l| self.site.nodes[l.node].page.collection.as_deref())
                        .and_then(|c| config.collections.get(c))
                        .map(|c| c.title.clone())
                } else {
                    node.page
                        .collection
                        .as_deref()
                        .and_then(|c| config.collections.get(c))
                        .and_then(|c| c.relations.get(name))
                        .and_then(|r| config.collections.get(&r.to))
                        .map(|c| c.title.clone())
                };
                RelationGroup {
                    name,
                    title: title.unwrap_or_else(|| name.clone()),
                    pages: links
                        .iter()
                        .map(|l| self.page_ref(l.node, l.why.as_deref()))
                        .collect(),
                }
            })
            .filter(|g| !g.pages.is_empty())
            .collect()
    }

    fn page_ctx(&self, i: usize) -> PageCtx<'a> {
        let site: &'a Site = self.site;
        let node = &site.nodes[i];
        let p = &node.page;
        let bodies: &'a [Rendered] = self.bodies;
        let body = &bodies[i];
        let cc = p
            .collection
            .as_deref()
            .and_then(|c| self.config().collections.get(c).map(|cc| (c, cc)));
        let (number, number_label) = self.number(i);
        PageCtx {
            number,
            number_label,
            title: &p.title,
            summary: p.summary.as_deref(),
            url: self.config().site_url(&p.path),
            permalink: self.config().absolute_url(&p.path),
            kind: match p.kind {
                PageKind::Home => "home",
                PageKind::Section => "section",
                PageKind::Member | PageKind::Standalone => "page",
            },
            collection: p.collection.as_deref(),
            collection_title: cc.map(|(_, cc)| cc.title.as_str()),
            collection_url: cc.map(|(c, _)| self.config().site_url(&format!("{c}/"))),
            handout_url: cc
                .filter(|(_, cc)| cc.handout.is_some())
                .map(|(c, _)| self.config().site_url(&self.handout_path(c))),
            slug: &p.slug,
            content: match &self.drawn[i] {
                Some(html) => Cow::Owned(html.clone()),
                None => Cow::Borrowed(&body.html),
            },
            toc: node
                .headings
                .iter()
                .filter(|h| h.level == 2 || h.level == 3)
                .collect(),
            date: p.date.as_deref(),
            updated: p.updated.as_deref(),
            fields: &p.fields,
            related: {
                let mut g = self.groups(&node.relations, false, node);
                g.extend(self.groups(&node.inverse, true, node));
                g
            },
            facts: cc.map(|(_, cc)| facts(cc, &p.fields)).unwrap_or_default(),
            prev: node.prev.map(|j| self.page_ref(j, None)),
            next: node.next.map(|j| self.page_ref(j, None)),
            word_count: body.word_count,
            reading_minutes: body.word_count.div_ceil(200).max(1),
        }
    }

    fn render(
        &self,
        template: &str,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<String, String> {
        let mut ctx = tera::Context::new();
        ctx.insert_value("site", self.site_ctx.clone());
        extra(&mut ctx);
        self.tera
            .render(template, &ctx)
            .map_err(|e| error_chain(&e))
    }

    /// Render `template` with `page` as the page; a failure is an error naming the template.
    fn render_file(
        &self,
        template: &str,
        path: String,
        extra: impl FnOnce(&mut tera::Context),
    ) -> Result<OutputFile, Diagnostic> {
        self.render(template, extra)
            .map(|text| OutputFile::bytes(path, text.into_bytes()))
            .map_err(|msg| Diagnostic::error(self.theme.template_file(template), 0, 0, msg))
    }

    fn template_for(&self, node: &Node) -> String {
        template_name(self.theme, node)
    }

    /// The renderer of a site, with the views registered; problems of the views model, the
    /// charts and the footer are returned.
    fn new(site: &'a Site, bodies: &'a [Rendered], theme: &'a Theme) -> (Self, Diagnostics) {
        let (model, mut diags) = crate::views::Model::new(site, theme.strings.clone());
        let mut tera = theme.tera.clone();
        crate::views::register(&mut tera, Arc::new(model));
        let (site_ctx, d) = context::site_ctx(site, &theme.url_segment("url.search"));
        diags.extend(d);
        let mut renderer = Renderer {
            site,
            bodies,
            theme,
            tera,
            site_ctx,
            drawn: Vec::new(),
        };
        let (drawn, d) = renderer.draw_charts();
        renderer.drawn = drawn;
        diags.extend(d);
        (renderer, diags)
    }

    /// [`Renderer::new`] for one part of a site built before: any problem fails it.
    fn checked(
        site: &'a Site,
        bodies: &'a [Rendered],
        theme: &'a Theme,
    ) -> Result<Self, Diagnostics> {
        let (renderer, diags) = Renderer::new(site, bodies, theme);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(renderer)
    }

    /// The bodies with charts, each chart drawn by the theme's `partials/chart.html` in its slot.
    fn draw_charts(&self) -> (Vec<Option<String>>, Diagnostics) {
        let mut diags = Diagnostics::default();
        let drawn = self
            .bodies
            .iter()
            .enumerate()
            .map(|(i, body)| {
                if body.charts.is_empty() {
                    return None;
                }
                let mut html = String::with_capacity(body.html.len() * 2);
                let mut at = 0;
                for slot in &body.charts {
                    html.push_str(&body.html[at..slot.at]);
                    let layout = crate::views::chart::layout(&slot.chart, &self.theme.strings);
                    match self.render("partials/chart.html", |ctx| ctx.insert("chart", &layout)) {
                        Ok(figure) => html.push_str(&figure),
                        Err(msg) => diags.push(Diagnostic::error(
                            &self.site.nodes[i].page.file,
                            slot.line,
                            0,
                            format!("chart: template `partials/chart.html`: {msg}"),
                        )),
                    }
                    at = slot.at;
                }
                html.push_str(&body.html[at..]);
                Some(html)
            })
            .collect();
        (drawn, diags)
    }

    fn handout_path(&self, collection: &str) -> String {
        format!("{collection}/{}", self.theme.url_segment("url.handout"))
    }

    /// A collection's print-all page, when site.toml gives it one.
    fn handout_of(&self, collection: &str) -> Result<Option<OutputFile>, Diagnostic> {
        let Some(title) = self
            .config()
            .collections
            .get(collection)
            .and_then(|c| c.handout.as_ref())
        else {
            return Ok(None);
        };
        self.handout(collection, title).map(Some)
    }

    /// Every page of a collection in full on one page, to print.
    fn handout(&self, collection: &str, title: &str) -> Result<OutputFile, Diagnostic> {
        let members = self
            .site
            .collections
            .get(collection)
            .cloned()
            .unwrap_or_default();
        let pages: Vec<PageCtx> = members.iter().map(|&j| self.page_ctx(j)).collect();
        // Heading ids repeat from page to page: give each page's ids its slug. A link to a page
        // that is on the handout goes to its section there.
        let sections: std::collections::HashMap<&str, &str> =
            pages.iter().map(|p| (p.url.as_str(), p.slug)).collect();
        let contents: Vec<String> = pages
            .iter()
            .map(|p| link_to_sections(&prefix_ids(&p.content, p.slug), &sections))
            .collect();
        let path = self.handout_path(collection);
        let cc = &self.config().collections[collection];
        let page = serde_json::json!({
            "title": title,
            "kind": "handout",
            "collection": collection,
            "collection_title": cc.title,
            "collection_url": self.config().site_url(&format!("{collection}/")),
            "collection_permalink": self.config().absolute_url(&format!("{collection}/")),
            "summary": (!cc.description.is_empty()).then_some(&cc.description),
            // the state of the whole: the latest date of its pages
            "updated": pages.iter().filter_map(|p| p.updated.or(p.date)).max(),
            "url": self.config().site_url(&path),
            "permalink": self.config().absolute_url(&path),
        });
        self.render_file("handout.html", format!("{path}index.html"), |ctx| {
            ctx.insert("page", &page);
            ctx.insert("pages", &pages);
            ctx.insert("contents", &contents);
        })
    }

    /// The HTML files of one node: one, or several for a paginated section.
    fn render_node(&self, i: usize) -> Result<Vec<OutputFile>, Diagnostic> {
        let node = &self.site.nodes[i];
        let p = &node.page;
        let template = self.template_for(node);
        let page_ctx = self.page_ctx(i);
        let result = match p.kind {
            PageKind::Section => self.render_section(i, &template, &page_ctx),
            PageKind::Home => {
                let collections = self.collections_ctx();
                self.render(&template, |ctx| {
                    ctx.insert("page", &page_ctx);
                    ctx.insert("collections", &collections);
                })
                .map(|html| vec![one_file(&p.path, html)])
            }
            _ => self
                .render(&template, |ctx| ctx.insert("page", &page_ctx))
                .map(|html| vec![one_file(&p.path, html)]),
        };
        result.map_err(|msg| {
            let file = if p.file.is_empty() {
                format!("(generated list of `{}`)", p.slug)
            } else {
                p.file.clone()
            };
            Diagnostic::error(file, 0, 0, format!("template `{template}`: {msg}"))
        })
    }

    /// A collection's list, cut into pages of `paginate_by` (`guides/`, `guides/page/2/`, …).
    fn render_section(
        &self,
        i: usize,
        template: &str,
        page_ctx: &PageCtx,
    ) -> Result<Vec<OutputFile>, String> {
        let p = &self.site.nodes[i].page;
        let coll = p.collection.as_deref().unwrap_or_default();
        let members = self.site.collections.get(coll).cloned().unwrap_or_default();
        let per = self
            .config()
            .collections
            .get(coll)
            .and_then(|c| c.paginate_by)
            .unwrap_or(self.config().paginate_by);
        let chunks: Vec<&[usize]> = if per == 0 || members.is_empty() {
            vec![&members[..]]
        } else {
            members.chunks(per).collect()
        };
        let total = chunks.len();
        let segment = self.theme.url_segment("url.page");
        let path_of = |n: usize| match n {
            1 => p.path.clone(),
            _ => format!("{}{segment}{n}/", p.path),
        };
        let page_url = |n: usize| self.config().site_url(&path_of(n));
        let mut out = Vec::new();
        for (k, chunk) in chunks.iter().enumerate() {
            let n = k + 1;
            let pages: Vec<PageRef> = chunk.iter().map(|&j| self.page_ref(j, None)).collect();
            let paginator = Paginator {
                current: n,
                total,
                prev_url: (n > 1).then(|| page_url(n - 1)),
                next_url: (n < total).then(|| page_url(n + 1)),
                pages: (1..=total)
                    .map(|m| PageLink {
                        number: m,
                        url: page_url(m),
                    })
                    .collect(),
            };
            let html = self.render(template, |ctx| {
                ctx.insert("page", page_ctx);
                ctx.insert("pages", &pages);
                ctx.insert("paginator", &paginator);
            })?;
            out.push(one_file(&path_of(n), html));
        }
        Ok(out)
    }

    fn collections_ctx(&self) -> Vec<CollectionCtx<'a>> {
        self.site
            .config
            .collections
            .iter()
            .map(|(name, cc)| CollectionCtx {
                name,
                title: &cc.title,
                description: &cc.description,
                url: self.config().site_url(&format!("{name}/")),
                pages: self.site.collections[name]
                    .iter()
                    .map(|&j| self.page_ref(j, None))
                    .collect(),
            })
            .collect()
    }
}

/// The template that draws a page: its `template:`, else `<collection>/page.html` (or
/// `section.html`) when the theme has one, else `page.html`, `section.html` or `index.html`.
fn template_name(theme: &Theme, node: &Node) -> String {
    let p = &node.page;
    if let Some(t) = &p.template {
        return t.clone();
    }
    let generic = match p.kind {
        PageKind::Home => return "index.html".into(),
        PageKind::Section => "section.html",
        _ => "page.html",
    };
    if let Some(c) = &p.collection {
        let specific = format!("{c}/{generic}");
        if theme.has_template(&specific) {
            return specific;
        }
    }
    generic.into()
}

/// The file of the template that draws node `i`, as problems name it.
pub fn template_file(site: &Site, theme: &Theme, i: usize) -> String {
    theme.template_file(&template_name(theme, &site.nodes[i]))
}

/// `word` with its first letter in upper case (`les` → `Les`).
fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The `index.html` of a site path.
fn one_file(path: &str, html: String) -> OutputFile {
    OutputFile::bytes(format!("{path}index.html"), html.into_bytes())
}

/// Render every page and the site-wide files into `out`.
pub fn render_site(
    site: &Site,
    bodies: &[Rendered],
    theme: &Theme,
    search: &crate::search::export::ClientData,
    out: &dyn Sink,
) -> Diagnostics {
    let (renderer, mut diags) = Renderer::new(site, bodies, theme);
    // Each page goes to the sink as soon as it is rendered (a build writes it to disk at once).
    let failed: Vec<Diagnostic> = (0..site.nodes.len())
        .into_par_iter()
        .filter_map(|i| match renderer.render_node(i) {
            Ok(files) => {
                files.into_iter().for_each(|f| out.add(f));
                None
            }
            Err(d) => Some(d),
        })
        .collect();
    diags.extend(Diagnostics(failed));
    let handouts = site
        .config
        .collections
        .keys()
        .filter_map(|name| renderer.handout_of(name).transpose());
    let site_files = [
        renderer.search_page(search).transpose(),
        Some(renderer.not_found_page()),
        Some(renderer.sitemap()),
        Some(renderer.atom_feed()),
        Some(renderer.robots()),
    ];
    for file in site_files
        .into_iter()
        .flatten()
        .chain(handouts)
        .chain(renderer.aliases())
    {
        match file {
            Ok(f) => out.add(f),
            Err(d) => diags.push(d),
        }
    }
    for f in &theme.assets {
        out.add(f.clone());
    }
    for a in &site.assets {
        out.add(OutputFile::copy(a.path.clone(), a.source.clone()));
    }
    diags
}

/// The files that show the body of node `i`: its page, its collection's print-all page and the
/// feed. `serve` re-renders these after an edit of that body alone.
pub fn render_body_files(
    site: &Site,
    bodies: &[Rendered],
    theme: &Theme,
    i: usize,
) -> Result<Vec<OutputFile>, Diagnostics> {
    let renderer = Renderer::checked(site, bodies, theme)?;
    let one = |d: Diagnostic| Diagnostics(vec![d]);
    let mut files = renderer.render_node(i).map_err(one)?;
    if let Some(c) = &site.nodes[i].page.collection
        && let Some(f) = renderer.handout_of(c).map_err(one)?
    {
        files.push(f);
    }
    files.push(renderer.atom_feed().map_err(one)?);
    Ok(files)
}

/// The search page alone, for a new search export (`serve` builds search after the pages).
pub fn render_search_page(
    site: &Site,
    bodies: &[Rendered],
    theme: &Theme,
    search: &crate::search::export::ClientData,
) -> Result<Option<OutputFile>, Diagnostics> {
    Renderer::checked(site, bodies, theme)?
        .search_page(search)
        .map_err(|d| Diagnostics(vec![d]))
}

/// Make the ids of one page's body unique on a page that shows several: `id="x"` becomes
/// `id="slug-x"`, and every reference to it (`href="#x"`, `url(#x)`, `aria-labelledby="x"`) too.
fn prefix_ids(html: &str, slug: &str) -> String {
    html.replace(" id=\"", &format!(" id=\"{slug}-"))
        .replace("href=\"#", &format!("href=\"#{slug}-"))
        .replace("url(#", &format!("url(#{slug}-"))
        .replace("aria-labelledby=\"", &format!("aria-labelledby=\"{slug}-"))
}

/// On a handout, point links to pages that are on it at their sections: with `sections` mapping
/// `/base/guides/x/` to `x`, `href="/base/guides/x/#part"` becomes `href="#x-part"` (the ids
/// [`prefix_ids`] gave that page's headings) and `href="/base/guides/x/"` becomes `href="#x"`.
fn link_to_sections(html: &str, sections: &std::collections::HashMap<&str, &str>) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find("href=\"") {
        let (head, tail) = rest.split_at(at + "href=\"".len());
        out.push_str(head);
        let end = tail.find('"').unwrap_or(tail.len());
        let href = &tail[..end];
        let (page, fragment) = href.split_once('#').unwrap_or((href, ""));
        match sections.get(page) {
            Some(slug) => {
                out.push('#');
                out.push_str(slug);
                if !fragment.is_empty() {
                    out.push('-');
                    out.push_str(fragment);
                }
            }
            None => out.push_str(href),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::testing::built;
    use super::*;

    /// The paths of `files`, sorted.
    fn paths(files: &[OutputFile]) -> Vec<&str> {
        let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        paths.sort_unstable();
        paths
    }

    fn text(file: &OutputFile) -> String {
        match &file.data {
            crate::output::Data::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            crate::output::Data::Copy(p) => std::fs::read_to_string(p).unwrap(),
        }
    }

    #[test]
    fn a_list_is_cut_into_pages_of_paginate_by_with_links_between_them() {
        let section = "{{ paginator.current }}/{{ paginator.total }} \
            [{{ paginator.prev_url }}] [{{ paginator.next_url }}]:\
            {% for p in pages %} {{ p.number_label }} {{ p.title }};{% endfor %}";
        let b = built(&[("templates/section.html", section)]);
        let lessons = b
            .site
            .nodes
            .iter()
            .position(|n| n.page.kind == PageKind::Section && n.page.slug == "tochten")
            .unwrap();
        let files = b.renderer().render_node(lessons).unwrap();
        let pages: Vec<(&str, String)> = files.iter().map(|f| (f.path.as_str(), text(f))).collect();
        assert_eq!(
            pages,
            [
                (
                    "tochten/index.html",
                    "1/2 [] [/water/tochten/pagina/2/]: Tocht 1 Bron; Tocht 2 Stroom;".to_string()
                ),
                (
                    "tochten/pagina/2/index.html",
                    "2/2 [/water/tochten/] []: Tocht 3 Delta;".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_page_has_its_number_its_neighbours_and_its_relations_both_ways() {
        let b = built(&[]);
        let r = b.renderer();
        let stroom = r.page_ctx(b.node("Stroom"));
        assert_eq!(
            (stroom.number, stroom.number_label.as_deref()),
            (Some(2), Some("Tocht 2"))
        );
        assert_eq!(stroom.url, "/water/tochten/stroom/");
        assert_eq!(stroom.permalink, "https://example.nl/water/tochten/stroom/");
        assert_eq!(stroom.handout_url.as_deref(), Some("/water/tochten/alles/"));
        assert_eq!(stroom.prev.as_ref().map(|p| p.title), Some("Bron"));
        assert_eq!(stroom.next.as_ref().map(|p| p.title), Some("Delta"));
        let toc: Vec<&str> = stroom.toc.iter().map(|h| h.title.as_str()).collect();
        assert_eq!(toc, ["Bron"]);
        // Each group of related pages as `title: page (why), page`.
        let related = |ctx: &PageCtx| -> Vec<String> {
            let page = |p: &PageRef| match p.why {
                Some(why) => format!("{} ({why})", p.title),
                None => p.title.to_string(),
            };
            let group = |g: &RelationGroup| {
                let pages: Vec<String> = g.pages.iter().map(page).collect();
                format!("{}: {}", g.title, pages.join(", "))
            };
            ctx.related.iter().map(group).collect()
        };
        // An outgoing relation is titled by the collection it leads to, with each link's reason;
        // the inverse side by the collection its pages come from.
        assert_eq!(related(&stroom), ["Rivieren: Maas (De Maas stroomt door.)"]);
        let maas = r.page_ctx(b.node("Maas"));
        assert_eq!(related(&maas), ["Tochten: Stroom (De Maas stroomt door.)"]);
        let rijn = r.page_ctx(b.node("Rijn"));
        assert_eq!(related(&rijn), ["Tochten: Bron"]);
        assert_eq!(maas.number_label, None);
    }

    #[test]
    fn a_page_is_drawn_by_its_own_template_then_its_collections_then_the_generic_one() {
        let b = built(&[
            ("templates/tochten/page.html", "tocht {{ page.title }}"),
            ("templates/bijzonder.html", "bijzonder {{ page.title }}"),
            (
                "content/tochten/delta.md",
                "---\ntitle: Delta\nnummer: 3\ntemplate: bijzonder.html\n---\n",
            ),
        ]);
        let file = |title: &str| template_file(&b.site, &b.theme, b.node(title));
        assert_eq!(file("Stroom"), "templates/tochten/page.html");
        assert_eq!(file("Delta"), "templates/bijzonder.html");
        assert_eq!(file("Maas"), "(built-in theme)/templates/page.html");
        assert_eq!(file("Welkom"), "(built-in theme)/templates/index.html");
        let r = b.renderer();
        let html = |title: &str| text(&r.render_node(b.node(title)).unwrap()[0]);
        assert_eq!(html("Stroom"), "tocht Stroom");
        assert_eq!(html("Delta"), "bijzonder Delta");
    }

    #[test]
    fn on_a_handout_ids_are_made_unique_and_links_to_its_pages_stay_on_it() {
        let body = r##"<h2 id="bron">Bron</h2><a href="#bron">hier</a> <a href="/water/tochten/bron/#begin">bron</a> <a href="/water/tochten/bron/">bron</a> <a href="/water/rivieren/maas/">Maas</a> <svg aria-labelledby="t"><use href="url(#g)"/></svg>"##;
        let sections = std::collections::HashMap::from([("/water/tochten/bron/", "bron")]);
        assert_eq!(
            link_to_sections(&prefix_ids(body, "stroom"), &sections),
            r##"<h2 id="stroom-bron">Bron</h2><a href="#stroom-bron">hier</a> <a href="#bron-begin">bron</a> <a href="#bron">bron</a> <a href="/water/rivieren/maas/">Maas</a> <svg aria-labelledby="stroom-t"><use href="url(#stroom-g)"/></svg>"##
        );
    }

    #[test]
    fn a_site_is_every_page_and_the_files_every_site_has() {
        let b = built(&[]);
        let out = std::sync::Mutex::new(crate::output::Output::default());
        let search = crate::search::export::ClientData::default();
        let diags = render_site(&b.site, &b.bodies, &b.theme, &search, &out);
        assert!(diags.0.is_empty(), "{:?}", diags.0);
        let out = out.into_inner().unwrap();
        assert!(out.collisions.is_empty());
        for path in [
            "index.html",
            "over/index.html",
            "tochten/index.html",
            "tochten/pagina/2/index.html",
            "tochten/stroom/index.html",
            "tochten/alles/index.html",
            "rivieren/index.html",
            "rivieren/maas/index.html",
            "zoeken/index.html",
            "404.html",
            "sitemap.xml",
            "atom.xml",
            "robots.txt",
            "wie/index.html",
            "oud.html",
        ] {
            assert!(out.files.contains_key(path), "{path} missing");
        }
        // The theme's style sheet under its fingerprinted name.
        let style = &b.theme.asset_paths["style.css"];
        assert!(style.starts_with("style.") && out.files.contains_key(style));
    }

    #[test]
    fn after_a_body_edit_its_page_its_handout_and_the_feed_are_rendered_again() {
        let b = built(&[]);
        let files = render_body_files(&b.site, &b.bodies, &b.theme, b.node("Stroom")).unwrap();
        assert_eq!(
            paths(&files),
            [
                "atom.xml",
                "tochten/alles/index.html",
                "tochten/stroom/index.html"
            ]
        );
        // A page outside any collection has no handout.
        let files = render_body_files(&b.site, &b.bodies, &b.theme, b.node("Over")).unwrap();
        assert_eq!(paths(&files), ["atom.xml", "over/index.html"]);
    }
}
