//! Views computed from content and configuration at build time: survey charts from CSV data
//! ([`chart`], read by the Markdown stage), the quadrant map ([`quadrant`]) and relation
//! matrices ([`matrix`]). Rust computes their layout (cells, positions, markers, bars, table rows)
//! as serialisable models; the theme's templates draw them as HTML and SVG that need no
//! JavaScript (`partials/chart.html`, `partials/quadrant-map.html`, `partials/matrix.html`).
//!
//! The render stage builds one [`Model`] of the site (checking the quadrant pages against
//! `[views.quadrants]` on the way) and registers the template functions with it:
//!
//! - `quadrant_map()` – the whole map with its markers (home page);
//!   `quadrant_map(page=page.url)` – on a quadrant page the map with that quadrant highlighted,
//!   on a page related to the quadrants a small map with its quadrants highlighted, else nothing;
//! - `matrix(rows="a", relation="b")` – a table of the pages of one collection against the targets
//!   of one of its relations (or inverse relations), each cell with its `why`;
//! - `get_page(path="about.md")` – a page's `title` and `url` by its file under `content/`,
//!   or nothing when there is no such page.

pub mod chart;
pub mod matrix;
pub mod quadrant;

use crate::config::Config;
use crate::content::{FieldValue, PageKind};
use crate::error::{Diagnostic, Diagnostics, suggestion};
use crate::graph::{Link, Site};
use crate::i18n::Strings;
use indexmap::IndexMap;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// A page as the views see it.
#[derive(Debug, Clone)]
pub struct PageInfo {
    pub title: String,
    /// Root-relative URL, base path included (what templates get as `page.url`).
    pub url: String,
    pub kind: PageKind,
    pub collection: Option<String>,
    pub slug: String,
    pub fields: BTreeMap<String, FieldValue>,
    pub relations: IndexMap<String, Vec<Link>>,
    pub inverse: BTreeMap<String, Vec<Link>>,
}

/// Everything the view functions draw from: the pages, the collections in order and the quadrant
/// grid. Built once per build, shared by every page render.
#[derive(Debug, Default)]
pub struct Model {
    pub config: Option<Config>,
    pub pages: Vec<PageInfo>,
    /// Members of each collection in the collection's order.
    pub collections: BTreeMap<String, Vec<usize>>,
    by_url: HashMap<String, usize>,
    /// Content files (`guides/x.md`, relative to `content/`) → page.
    by_file: HashMap<String, usize>,
    /// The quadrant grid, when `[views.quadrants]` is configured.
    pub grid: Option<quadrant::Grid>,
    /// The UI text in the site's language, for the words the layouts hold.
    pub strings: Arc<Strings>,
}

impl Model {
    /// The model of a site, and the problems of its quadrant pages and overlay data.
    pub fn new(site: &Site, strings: Arc<Strings>) -> (Model, Diagnostics) {
        let config = &site.config;
        let pages: Vec<PageInfo> = site
            .nodes
            .iter()
            .map(|n| PageInfo {
                title: n.page.title.clone(),
                url: config.site_url(&n.page.path),
                kind: n.page.kind,
                collection: n.page.collection.clone(),
                slug: n.page.slug.clone(),
                fields: n.page.fields.clone(),
                relations: n.relations.clone(),
                inverse: n.inverse.clone(),
            })
            .collect();
        let by_url = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.url.clone(), i))
            .collect();
        let prefix = format!("{}/", crate::content::CONTENT_DIR);
        let by_file = site
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.page.file.strip_prefix(&prefix)?.to_string(), i)))
            .collect();
        let mut diags = Diagnostics::default();
        let grid = config
            .views
            .quadrants
            .as_ref()
            .and_then(|q| quadrant::Grid::build(site, q, &mut diags));
        let model = Model {
            config: Some(config.clone()),
            pages,
            collections: site.collections.clone(),
            by_url,
            by_file,
            grid,
            strings,
        };
        (model, diags)
    }

    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// The page with this URL (`page.url` in a template), with or without the base path.
    pub fn page_by_url(&self, url: &str) -> Option<usize> {
        if let Some(&i) = self.by_url.get(url) {
            return Some(i);
        }
        let c = self.config()?;
        self.by_url.get(&c.site_url(url)).copied()
    }

    /// The position (1-based) of a page in its collection.
    pub fn number_in_collection(&self, i: usize) -> usize {
        self.pages[i]
            .collection
            .as_deref()
            .and_then(|c| self.collections.get(c))
            .and_then(|m| m.iter().position(|&j| j == i))
            .map_or(0, |p| p + 1)
    }

    /// The title of a collection, or its name.
    pub fn collection_title<'a>(&'a self, name: &'a str) -> &'a str {
        self.config()
            .and_then(|c| c.collections.get(name))
            .map_or(name, |c| c.title.as_str())
    }

    /// The source collection and relation name behind an inverse name on the pages of `target`.
    pub fn inverse_source(&self, target: &str, inverse: &str) -> Option<(&str, &str)> {
        let config = self.config()?;
        config.collections.iter().find_map(|(name, cc)| {
            cc.relations
                .iter()
                .find(|(_, r)| r.to == target && r.inverse == inverse)
                .map(|(rel, _)| (name.as_str(), rel.as_str()))
        })
    }

    /// Pages linked by `links`, in the order of their collection.
    pub fn sorted_links<'a>(&self, links: &'a [Link]) -> Vec<&'a Link> {
        let mut out: Vec<&Link> = links.iter().collect();
        out.sort_by_key(|l| (self.number_in_collection(l.node), l.node));
        out.dedup_by_key(|l| l.node);
        out
    }
}

/// A string argument of a view function, `None` when absent or none.
fn str_arg(kwargs: &tera::Kwargs, key: &str) -> Result<Option<String>, String> {
    match kwargs.get::<tera::Value>(key) {
        Ok(None) => Ok(None),
        Ok(Some(v)) if v.is_none() || v.is_undefined() => Ok(None),
        Ok(Some(v)) => match v.as_str() {
            Some(s) => Ok(Some(s.to_string())),
            None => Err(format!("argument `{key}` must be a string")),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Register the view functions, drawing from `model`. The theme registers them with an empty
/// model so that templates using them compile; the render stage registers them again with the
/// site's model on its own copy of the templates.
pub fn register(tera: &mut tera::Tera, model: Arc<Model>) {
    let m = model.clone();
    tera.register_function(
        "quadrant_map",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let page = str_arg(&kwargs, "page").map_err(tera::Error::message)?;
            match quadrant::for_page(&m, page.as_deref()).map_err(tera::Error::message)? {
                Some(map) => Ok(tera::Value::from_serializable(&map)),
                None => Ok(tera::Value::none()),
            }
        },
    );
    let m = model.clone();
    tera.register_function(
        "matrix",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let table = matrix_of(&m, &kwargs).map_err(tera::Error::message)?;
            Ok(tera::Value::from_serializable(&table))
        },
    );
    let m = model;
    tera.register_function(
        "get_page",
        move |kwargs: tera::Kwargs, _: &tera::State| -> tera::TeraResult<tera::Value> {
            let path: String = kwargs.must_get("path")?;
            let path = path.trim_start_matches('/');
            let path = path
                .strip_prefix(&format!("{}/", crate::content::CONTENT_DIR))
                .unwrap_or(path);
            Ok(match m.by_file.get(path) {
                Some(&i) => tera::Value::from_serializable(&serde_json::json!({
                    "title": m.pages[i].title,
                    "url": m.pages[i].url,
                })),
                None => tera::Value::none(),
            })
        },
    );
}

/// `matrix(rows=…, relation=…, caption=…, why=…)`.
fn matrix_of(model: &Model, kwargs: &tera::Kwargs) -> Result<matrix::MatrixView, String> {
    let rows = str_arg(kwargs, "rows")?.ok_or("matrix(): missing `rows=\"collection\"`")?;
    let relation = str_arg(kwargs, "relation")?.ok_or("matrix(): missing `relation=\"name\"`")?;
    let opts = matrix::Options {
        caption: str_arg(kwargs, "caption")?,
        why: match str_arg(kwargs, "why")?.as_deref() {
            None | Some("inline") => matrix::Why::Inline,
            Some("details") => matrix::Why::Details,
            Some("none") => matrix::Why::None,
            Some(other) => {
                return Err(format!(
                    "matrix(): `why` must be inline, details or none, not `{other}`{}",
                    suggestion(other, ["inline", "details", "none"])
                ));
            }
        },
    };
    matrix::layout(model, &rows, &relation, &opts)
}

/// A diagnostic about a page of the site, at the line of one of its front-matter keys.
fn page_error(site: &Site, i: usize, key: &str, msg: String) -> Diagnostic {
    let p = &site.nodes[i].page;
    Diagnostic::error(&p.file, p.line_of(key), 0, msg)
}
