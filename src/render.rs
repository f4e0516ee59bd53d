//! Stage 6: pages into HTML with the theme's Tera templates, plus the files every site needs:
//! sitemap, Atom feed, robots.txt, 404 page and alias redirects. Produces an in-memory
//! [`Output`]; writing it to disk is the output stage's job.

use crate::config::Config;
use crate::content::PageKind;
use crate::error::{Diagnostic, Diagnostics, display_path};
use crate::graph::{Link, Node, Site};
use crate::markdown::Rendered;
use crate::output::{OutputFile, Sink};
use crate::text::escape_html;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Where the search page lives.
pub const SEARCH_PATH: &str = "zoeken/";

/// The theme: compiled templates and static assets (with fingerprinted names for CSS and JS).
pub struct Theme {
    tera: tera::Tera,
    /// Logical asset path (`style.css`) → output path (`style.3f2a1c9e.css`).
    pub asset_paths: Arc<BTreeMap<String, String>>,
    pub assets: Vec<OutputFile>,
    /// Folders the templates and assets came from (theme first, site overrides second), for `serve` to watch.
    pub dirs: Vec<PathBuf>,
}

/// Load the theme named in the config, with the site's own `templates/` and `static/` on top.
pub fn load_theme(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let theme_dir = config.theme_dir(root);
    let mut diags = Diagnostics::default();
    if !theme_dir.is_dir() {
        diags.push(Diagnostic::error(
            crate::config::CONFIG_FILE,
            0,
            0,
            format!(
                "theme `{}` not found: no folder {}",
                config.theme,
                display_path(theme_dir.strip_prefix(root).unwrap_or(&theme_dir))
            ),
        ));
        return Err(diags);
    }
    let layers = [theme_dir.clone(), root.to_path_buf()];
    let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut statics: BTreeMap<String, PathBuf> = BTreeMap::new();
    for layer in &layers {
        for (name, path) in files_under(&layer.join("templates")) {
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    templates.insert(name, (path, text));
                }
                Err(e) => diags.push(Diagnostic::error(
                    rel(root, &path),
                    0,
                    0,
                    format!("cannot read template: {e}"),
                )),
            }
        }
        for (name, path) in files_under(&layer.join("static")) {
            statics.insert(name, path);
        }
    }
    let (asset_paths, assets) = fingerprint_assets(&statics, root, &mut diags);
    let asset_paths = Arc::new(asset_paths);
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    register_functions(&mut tera, config, asset_paths.clone());
    // With an empty model, so that templates calling the views compile; `render_site` registers
    // them again with the site's model.
    crate::views::register(&mut tera, Arc::new(crate::views::Model::default()));
    let sources: Vec<(String, String)> = templates
        .iter()
        .map(|(n, (_, t))| (n.clone(), t.clone()))
        .collect();
    if let Err(e) = tera.add_raw_templates(sources) {
        diags.push(template_error(&e, root, &templates));
    }
    for required in ["page.html", "section.html", "index.html", "404.html"] {
        if !templates.contains_key(required) {
            diags.push(Diagnostic::error(
                rel(root, &theme_dir.join("templates")),
                0,
                0,
                format!("the theme has no `{required}` template"),
            ));
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Theme {
        tera,
        asset_paths,
        assets,
        dirs: layers
            .iter()
            .flat_map(|l| [l.join("templates"), l.join("static")])
            .collect(),
    })
}

fn rel(root: &Path, path: &Path) -> String {
    display_path(path.strip_prefix(root).unwrap_or(path))
}

/// Files under `dir`, by path relative to it with `/` separators, sorted.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
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

/// CSS and JS get a content hash in their name so browsers may cache them forever.
fn fingerprint_assets(
    statics: &BTreeMap<String, PathBuf>,
    root: &Path,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, String>, Vec<OutputFile>) {
    let mut paths = BTreeMap::new();
    let mut files = Vec::new();
    for (name, path) in statics {
        let fingerprint = name.ends_with(".css") || name.ends_with(".js");
        if !fingerprint {
            paths.insert(name.clone(), name.clone());
            files.push(OutputFile::copy(name.clone(), path.clone()));
            continue;
        }
        match std::fs::read(path) {
            Ok(bytes) => {
                let hash = format!("{:016x}", crate::output::hash(&bytes));
                let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
                let out = format!("{stem}.{}.{ext}", &hash[..10]);
                paths.insert(name.clone(), out.clone());
                files.push(OutputFile::bytes(out, bytes));
            }
            Err(e) => diags.push(Diagnostic::error(
                rel(root, path),
                0,
                0,
                format!("cannot read: {e}"),
            )),
        }
    }
    (paths, files)
}

fn register_functions(
    tera: &mut tera::Tera,
    config: &Config,
    assets: Arc<BTreeMap<String, String>>,
) {
    let base = config.base_path();
    let base_for_url = base.clone();
    tera.register_function(
        "asset",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            match assets.get(path.trim_start_matches('/')) {
                Some(out) => Ok(format!("{base}{out}")),
                None => Err(tera::Error::message(format!(
                    "asset `{path}` not found in the theme's static/ folder"
                ))),
            }
        },
    );
    tera.register_function(
        "url",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{base_for_url}{}", path.trim_start_matches('/')))
        },
    );
}

fn template_error(
    e: &tera::Error,
    root: &Path,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> Diagnostic {
    if let tera::ErrorKind::SyntaxError(report) = e.kind() {
        let file = templates
            .get(report.filename())
            .map(|(p, _)| rel(root, p))
            .unwrap_or_else(|| report.filename().to_string());
        let span = report.span();
        return Diagnostic::error(
            file,
            span.start_line,
            span.start_col + 1,
            report.message().to_string(),
        );
    }
    Diagnostic::error("templates", 0, 0, error_chain(e))
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

// ---------------------------------------------------------------------------------------------
// Template contexts

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    base_path: String,
    language: &'a str,
    author: &'a str,
    nav: Vec<NavItem>,
}

#[derive(Serialize)]
struct NavItem {
    name: String,
    title: String,
    url: String,
}

/// A page as other pages see it: in lists, relations, navigation.
#[derive(Serialize, Clone)]
struct PageRef<'a> {
    title: &'a str,
    url: String,
    summary: Option<&'a str>,
    collection: Option<&'a str>,
    slug: &'a str,
    fields: &'a BTreeMap<String, Json>,
    why: Option<&'a str>,
}

#[derive(Serialize)]
struct RelationGroup<'a> {
    name: &'a str,
    title: String,
    pages: Vec<PageRef<'a>>,
}

#[derive(Serialize)]
struct PageCtx<'a> {
    title: &'a str,
    summary: Option<&'a str>,
    url: String,
    permalink: String,
    kind: &'static str,
    collection: Option<&'a str>,
    collection_title: Option<&'a str>,
    collection_url: Option<String>,
    /// The collection's print-all page, when it has one.
    handout_url: Option<String>,
    slug: &'a str,
    content: &'a str,
    toc: Vec<&'a crate::graph::Heading>,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    fields: &'a BTreeMap<String, Json>,
    /// Outgoing relations, then incoming ones.
    related: Vec<RelationGroup<'a>>,
    /// The collection's fields as label and display text, in declaration order.
    facts: Vec<Fact>,
    prev: Option<PageRef<'a>>,
    next: Option<PageRef<'a>>,
    word_count: usize,
    reading_minutes: usize,
}

#[derive(Serialize)]
struct Fact {
    name: String,
    label: String,
    value: String,
}

/// The fields of a page as text, labelled as site.toml declares them.
fn facts(cc: &crate::config::CollectionConfig, fields: &BTreeMap<String, Json>) -> Vec<Fact> {
    cc.fields
        .iter()
        .filter_map(|(name, spec)| {
            let value = display_field(fields.get(name)?, &spec.keys);
            let label = spec.label.clone().unwrap_or_else(|| {
                let mut c = name.chars();
                c.next()
                    .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                    .unwrap_or_default()
            });
            (!value.is_empty()).then(|| Fact {
                name: name.clone(),
                label,
                value,
            })
        })
        .collect()
}

/// A field's value as text, the values of each record in the order its `keys` are declared
/// (`naam, functie`), not in the order of the map that holds them.
fn display_field(v: &Json, keys: &[String]) -> String {
    match v {
        Json::Array(items) if !keys.is_empty() && items.iter().all(Json::is_object) => items
            .iter()
            .map(|record| {
                let values = keys.iter().filter_map(|k| record.get(k));
                values.map(display_value).collect::<Vec<_>>().join(", ")
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => display_value(other),
    }
}

fn display_value(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        Json::Array(items) => items
            .iter()
            .map(|i| match i {
                Json::Object(m) => m.values().map(display_value).collect::<Vec<_>>().join(", "),
                other => display_value(other),
            })
            .collect::<Vec<_>>()
            .join("; "),
        Json::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: usize,
    url: String,
}

#[derive(Serialize)]
struct CollectionCtx<'a> {
    name: &'a str,
    title: &'a str,
    description: &'a str,
    url: String,
    pages: Vec<PageRef<'a>>,
}

struct Renderer<'a> {
    site: &'a Site,
    bodies: &'a [Rendered],
    /// The theme's templates with the view functions bound to this site.
    tera: tera::Tera,
    site_ctx: tera::Value,
}

impl<'a> Renderer<'a> {
    fn config(&self) -> &'a Config {
        &self.site.config
    }

    fn page_ref(&self, i: usize, why: Option<&'a str>) -> PageRef<'a> {
        let site: &'a Site = self.site;
        let p = &site.nodes[i].page;
        PageRef {
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
        PageCtx {
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
                .map(|(c, _)| self.config().site_url(&handout_path(c))),
            slug: &p.slug,
            content: &body.html,
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

    fn template_for(&self, node: &Node) -> String {
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
            if self.tera.get_template_names().any(|n| n == specific) {
                return specific;
            }
        }
        generic.into()
    }

    /// The renderer of a site, with the views registered; problems of the views model are returned.
    fn new(site: &'a Site, bodies: &'a [Rendered], theme: &Theme) -> (Self, Diagnostics) {
        let (model, diags) = crate::views::Model::new(site);
        let mut tera = theme.tera.clone();
        crate::views::register(&mut tera, Arc::new(model));
        let renderer = Renderer {
            site,
            bodies,
            tera,
            site_ctx: site_ctx(site),
        };
        (renderer, diags)
    }

    /// [`Renderer::new`] for one part of a site built before: any problem fails it.
    fn checked(site: &'a Site, bodies: &'a [Rendered], theme: &Theme) -> Result<Self, Diagnostics> {
        let (renderer, diags) = Renderer::new(site, bodies, theme);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(renderer)
    }

    /// The search page, when the theme has one.
    fn search_page(
        &self,
        search: &crate::search::export::ClientData,
    ) -> Result<Option<OutputFile>, Diagnostic> {
        if !self.tera.get_template_names().any(|n| n == "search.html") {
            return Ok(None);
        }
        let site = self.site;
        let titles: Vec<&str> = site
            .config
            .collections
            .values()
            .map(|c| c.title.as_str())
            .collect();
        let collections = serde_json::to_string(&titles).unwrap_or_default();
        let page = serde_json::json!({
            "title": "Zoeken",
            "kind": "search",
            "url": site.config.site_url(SEARCH_PATH),
            "permalink": site.config.absolute_url(SEARCH_PATH),
        });
        let html = self
            .render("search.html", |ctx| {
                ctx.insert("page", &page);
                ctx.insert("search_collections", &collections);
                ctx.insert("search_parts", &search.parts.join(" "));
                ctx.insert("search_pages", &search.pages);
            })
            .map_err(|msg| Diagnostic::error("templates/search.html", 0, 0, msg))?;
        Ok(Some(OutputFile::bytes(
            format!("{SEARCH_PATH}index.html"),
            html.into_bytes(),
        )))
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
        self.handout(collection, title)
            .map(Some)
            .map_err(|msg| Diagnostic::error("templates/handout.html", 0, 0, msg))
    }

    /// Every page of a collection in full on one page, to print.
    fn handout(&self, collection: &str, title: &str) -> Result<OutputFile, String> {
        let members = self
            .site
            .collections
            .get(collection)
            .cloned()
            .unwrap_or_default();
        let pages: Vec<PageCtx> = members.iter().map(|&j| self.page_ctx(j)).collect();
        // Heading ids repeat from page to page ("de-les"): give each page's ids its slug. A
        // link to a page that is on the handout goes to its section there.
        let sections: std::collections::HashMap<&str, &str> =
            pages.iter().map(|p| (p.url.as_str(), p.slug)).collect();
        let contents: Vec<String> = pages
            .iter()
            .map(|p| link_to_sections(&prefix_ids(p.content, p.slug), &sections))
            .collect();
        let path = handout_path(collection);
        let cc = &self.config().collections[collection];
        let page = serde_json::json!({
            "title": title,
            "kind": "handout",
            "collection": collection,
            "collection_title": cc.title,
            "collection_url": self.config().site_url(&format!("{collection}/")),
            "url": self.config().site_url(&path),
            "permalink": self.config().absolute_url(&path),
        });
        let html = self.render("handout.html", |ctx| {
            ctx.insert("page", &page);
            ctx.insert("pages", &pages);
            ctx.insert("contents", &contents);
        })?;
        Ok(OutputFile::bytes(
            format!("{path}index.html"),
            html.into_bytes(),
        ))
    }

    /// The HTML files of one node: one, or several for a paginated section.
    fn render_node(&self, i: usize) -> Result<Vec<OutputFile>, Diagnostic> {
        let node = &self.site.nodes[i];
        let p = &node.page;
        let template = self.template_for(node);
        let fail = |msg: String| {
            let file = if p.file.is_empty() {
                format!("(generated list of `{}`)", p.slug)
            } else {
                p.file.clone()
            };
            Diagnostic::error(file, 0, 0, format!("template `{template}`: {msg}"))
        };
        let page_ctx = self.page_ctx(i);
        match p.kind {
            PageKind::Section => {
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
                let page_url = |n: usize| {
                    if n == 1 {
                        self.config().site_url(&p.path)
                    } else {
                        self.config().site_url(&format!("{}pagina/{n}/", p.path))
                    }
                };
                let mut out = Vec::new();
                for (k, chunk) in chunks.iter().enumerate() {
                    let n = k + 1;
                    let pages: Vec<PageRef> =
                        chunk.iter().map(|&j| self.page_ref(j, None)).collect();
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
                    let html = self
                        .render(&template, |ctx| {
                            ctx.insert("page", &page_ctx);
                            ctx.insert("pages", &pages);
                            ctx.insert("paginator", &paginator);
                        })
                        .map_err(fail)?;
                    let path = if n == 1 {
                        format!("{}index.html", p.path)
                    } else {
                        format!("{}pagina/{n}/index.html", p.path)
                    };
                    out.push(OutputFile::bytes(path, html.into_bytes()));
                }
                Ok(out)
            }
            PageKind::Home => {
                let collections = self.collections_ctx();
                let html = self
                    .render(&template, |ctx| {
                        ctx.insert("page", &page_ctx);
                        ctx.insert("collections", &collections);
                    })
                    .map_err(fail)?;
                Ok(vec![OutputFile::bytes(
                    format!("{}index.html", p.path),
                    html.into_bytes(),
                )])
            }
            _ => {
                let html = self
                    .render(&template, |ctx| ctx.insert("page", &page_ctx))
                    .map_err(fail)?;
                Ok(vec![OutputFile::bytes(
                    format!("{}index.html", p.path),
                    html.into_bytes(),
                )])
            }
        }
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

fn site_ctx(site: &Site) -> tera::Value {
    let c = &site.config;
    let nav = c
        .collections
        .iter()
        .map(|(name, cc)| NavItem {
            name: name.clone(),
            title: cc.title.clone(),
            url: c.site_url(&format!("{name}/")),
        })
        .collect();
    let ctx = SiteCtx {
        title: &c.title,
        description: &c.description,
        base_url: format!("{}/", c.base_url_trimmed()),
        base_path: c.base_path(),
        language: &c.language,
        author: &c.author,
        nav,
    };
    tera::Value::from_serializable(&ctx)
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
    match renderer.search_page(search) {
        Ok(Some(f)) => out.add(f),
        Ok(None) => {}
        Err(d) => diags.push(d),
    }
    match renderer.render("404.html", |ctx| {
        ctx.insert(
            "page",
            &serde_json::json!({"title": "Pagina niet gevonden", "kind": "404", "url": site.config.site_url("404.html")}),
        )
    }) {
        Ok(html) => out.add(OutputFile::bytes("404.html".into(), html.into_bytes())),
        Err(msg) => diags.push(Diagnostic::error("templates/404.html", 0, 0, msg)),
    }
    for name in site.config.collections.keys() {
        match renderer.handout_of(name) {
            Ok(Some(f)) => out.add(f),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    for f in &theme.assets {
        out.add(f.clone());
    }
    for a in &site.assets {
        out.add(OutputFile::copy(a.path.clone(), a.source.clone()));
    }
    for n in &site.nodes {
        for alias in &n.page.aliases {
            let target = site.config.site_url(&n.page.path);
            let path = if alias.ends_with(".html") {
                alias.clone()
            } else {
                format!("{alias}index.html")
            };
            out.add(OutputFile::bytes(
                path,
                alias_page(&target, &site.config.absolute_url(&n.page.path)).into_bytes(),
            ));
        }
    }
    out.add(OutputFile::bytes(
        "sitemap.xml".into(),
        sitemap(site).into_bytes(),
    ));
    out.add(atom_file(site, bodies));
    out.add(OutputFile::bytes(
        "robots.txt".into(),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {}\n",
            site.config.absolute_url("sitemap.xml")
        )
        .into_bytes(),
    ));
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
    files.push(atom_file(site, bodies));
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

fn atom_file(site: &Site, bodies: &[Rendered]) -> OutputFile {
    OutputFile::bytes("atom.xml".into(), atom_feed(site, bodies).into_bytes())
}

/// Where a collection's print-all page lives.
pub fn handout_path(collection: &str) -> String {
    format!("{collection}/alles/")
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
/// `/base/lessen/x/` to `x`, `href="/base/lessen/x/#kop"` becomes `href="#x-kop"` (the ids
/// [`prefix_ids`] gave that page's headings) and `href="/base/lessen/x/"` becomes `href="#x"`.
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

/// A redirect page for an old URL: no script, so it works under a strict CSP.
fn alias_page(target: &str, permalink: &str) -> String {
    let t = escape_html(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>Doorverwijzing</title>\n\
<link rel=\"canonical\" href=\"{}\">\n<meta name=\"robots\" content=\"noindex\">\n<meta http-equiv=\"refresh\" content=\"0; url={t}\">\n\
</head>\n<body>\n<p>Deze pagina is verplaatst naar <a href=\"{t}\">{t}</a>.</p>\n</body>\n</html>\n",
        escape_html(permalink)
    )
}

fn sitemap(site: &Site) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for n in &site.nodes {
        s.push_str("  <url>\n    <loc>");
        s.push_str(&escape_html(&site.config.absolute_url(&n.page.path)));
        s.push_str("</loc>\n");
        if let Some(d) = n.page.updated.as_ref().or(n.page.date.as_ref()) {
            s.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
        }
        s.push_str("  </url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

/// An Atom feed of the pages that have a date, newest first.
fn atom_feed(site: &Site, bodies: &[Rendered]) -> String {
    let c = &site.config;
    let mut dated: Vec<usize> = (0..site.nodes.len())
        .filter(|&i| site.nodes[i].page.date.is_some())
        .collect();
    dated.sort_by(|&a, &b| {
        let (pa, pb) = (&site.nodes[a].page, &site.nodes[b].page);
        pb.date.cmp(&pa.date).then_with(|| pa.path.cmp(&pb.path))
    });
    dated.truncate(50);
    let stamp = |d: &str| format!("{d}T00:00:00Z");
    let newest = site
        .nodes
        .iter()
        .filter_map(|n| n.page.updated.as_ref().or(n.page.date.as_ref()))
        .max()
        .map(|d| stamp(d))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let e = escape_html;
    let mut s = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <id>{}</id>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <updated>{newest}</updated>\n  <author><name>{}</name></author>\n",
        e(&c.language),
        e(&c.title),
        e(&c.description),
        e(&c.absolute_url("")),
        e(&c.absolute_url("atom.xml")),
        e(&c.absolute_url("")),
        e(if c.author.is_empty() {
            &c.title
        } else {
            &c.author
        }),
    );
    for i in dated {
        let p = &site.nodes[i].page;
        let url = c.absolute_url(&p.path);
        let date = p.date.as_deref().unwrap_or_default();
        let updated = p.updated.as_deref().unwrap_or(date);
        s.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n",
            e(&p.title),
            e(&url),
            e(&url),
            stamp(date),
            stamp(updated)
        ));
        if let Some(sum) = &p.summary {
            s.push_str(&format!("    <summary>{}</summary>\n", e(sum)));
        }
        s.push_str(&format!(
            "    <content type=\"html\">{}</content>\n  </entry>\n",
            e(&bodies[i].html)
        ));
    }
    s.push_str("</feed>\n");
    s
}
