//! What templates get: the `site` every page shares and the `page` of each, as serialisable
//! structs built from the graph and the rendered bodies.

use crate::config::{CollectionConfig, Config};
use crate::content::FieldValue;
use crate::error::{Diagnostics, suggestion};
use crate::graph::Site;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    base_path: String,
    language: &'a str,
    author: &'a str,
    nav: Vec<NavItem>,
    /// The search page (`/zoeken/`).
    search_url: String,
    footer: FooterCtx,
}

#[derive(Serialize)]
struct NavItem {
    name: String,
    title: String,
    url: String,
}

#[derive(Serialize)]
struct FooterCtx {
    /// `[footer] text` as HTML (it may use Markdown for emphasis and links).
    html: String,
    links: Vec<FooterLinkCtx>,
}

#[derive(Serialize)]
struct FooterLinkCtx {
    title: String,
    url: String,
}

/// A page as other pages see it: in lists, relations, navigation.
#[derive(Serialize, Clone)]
pub(super) struct PageRef<'a> {
    pub title: &'a str,
    pub url: String,
    pub summary: Option<&'a str>,
    pub collection: Option<&'a str>,
    pub slug: &'a str,
    pub fields: &'a BTreeMap<String, FieldValue>,
    pub why: Option<&'a str>,
    /// The value of its collection's `number_field`, and the label that shows it ("Lesson 3").
    pub number: Option<i64>,
    pub number_label: Option<String>,
}

#[derive(Serialize)]
pub(super) struct RelationGroup<'a> {
    pub name: &'a str,
    pub title: String,
    pub pages: Vec<PageRef<'a>>,
}

#[derive(Serialize)]
pub(super) struct PageCtx<'a> {
    pub title: &'a str,
    pub summary: Option<&'a str>,
    pub url: String,
    pub permalink: String,
    pub kind: &'static str,
    pub collection: Option<&'a str>,
    pub collection_title: Option<&'a str>,
    pub collection_url: Option<String>,
    /// The collection's print-all page, when it has one.
    pub handout_url: Option<String>,
    pub slug: &'a str,
    pub content: Cow<'a, str>,
    pub toc: Vec<&'a crate::graph::Heading>,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    /// The value of its collection's `number_field`, and the label that shows it ("Lesson 3").
    pub number: Option<i64>,
    pub number_label: Option<String>,
    pub fields: &'a BTreeMap<String, FieldValue>,
    /// Outgoing relations, then incoming ones.
    pub related: Vec<RelationGroup<'a>>,
    /// The collection's fields as label and display text, in declaration order.
    pub facts: Vec<Fact>,
    pub prev: Option<PageRef<'a>>,
    pub next: Option<PageRef<'a>>,
    pub word_count: usize,
    pub reading_minutes: usize,
}

#[derive(Serialize)]
pub(super) struct Fact {
    name: String,
    label: String,
    value: String,
}

/// The fields of a page as text, labelled as site.toml declares them; hidden fields and the
/// collection's `number_field` (shown with the title) are left out.
pub(super) fn facts(cc: &CollectionConfig, fields: &BTreeMap<String, FieldValue>) -> Vec<Fact> {
    cc.fields
        .iter()
        .filter(|(name, spec)| !spec.hidden && cc.number_field.as_ref() != Some(*name))
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

/// A field's value as text: items of a list and records apart by `; `, the values of a record
/// by `, ` in the order its `keys` are declared (`name, role`), or by key when it declares none.
fn display_field(v: &FieldValue, keys: &[String]) -> String {
    match v {
        FieldValue::List(items) => items.join("; "),
        FieldValue::Records(records) => records
            .iter()
            .map(|record| {
                let values: Vec<&str> = if keys.is_empty() {
                    record.values().map(String::as_str).collect()
                } else {
                    keys.iter()
                        .filter_map(|k| record.get(k).map(String::as_str))
                        .collect()
                };
                values.join(", ")
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => other.scalar_text().unwrap_or_default(),
    }
}

#[derive(Serialize)]
pub(super) struct Paginator {
    pub current: usize,
    pub total: usize,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

#[derive(Serialize)]
pub(super) struct PageLink {
    pub number: usize,
    pub url: String,
}

#[derive(Serialize)]
pub(super) struct CollectionCtx<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub pages: Vec<PageRef<'a>>,
}

/// The `site` of every template, and the problems of its footer links.
pub(super) fn site_ctx(site: &Site, search_path: &str) -> (tera::Value, Diagnostics) {
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
    let (footer, diags) = footer_ctx(site);
    let ctx = SiteCtx {
        title: &c.title,
        description: &c.description,
        base_url: format!("{}/", c.base_url_trimmed()),
        base_path: c.base_path(),
        language: &c.language,
        author: &c.author,
        nav,
        search_url: c.site_url(search_path),
        footer,
    };
    (tera::Value::from_serializable(&ctx), diags)
}

/// `[footer]` with each link resolved: `@/file.md` to its page (an error when there is none),
/// `/path` under the base path, a URL as it is.
fn footer_ctx(site: &Site) -> (FooterCtx, Diagnostics) {
    let c = &site.config;
    let mut diags = Diagnostics::default();
    let mut links = Vec::new();
    for (i, link) in c.footer.links.iter().enumerate() {
        match resolve_footer_link(site, &link.to) {
            Ok(url) => links.push(FooterLinkCtx {
                title: link.title.clone(),
                url,
            }),
            Err(msg) => diags.push(c.error_at(
                &format!("footer.links.{i}.to"),
                format!("[footer]: link `{}`: {msg}", link.to),
            )),
        }
    }
    let footer = FooterCtx {
        html: crate::markdown::snippet_html(&c.footer.text),
        links,
    };
    (footer, diags)
}

fn resolve_footer_link(site: &Site, to: &str) -> Result<String, String> {
    let c: &Config = &site.config;
    if to.starts_with("http://") || to.starts_with("https://") || to.starts_with("mailto:") {
        return Ok(to.to_string());
    }
    if let Some(file) = to.strip_prefix("@/") {
        let wanted = format!("{}/{file}", crate::content::CONTENT_DIR);
        return site
            .nodes
            .iter()
            .find(|n| n.page.file == wanted)
            .map(|n| c.site_url(&n.page.path))
            .ok_or_else(|| {
                let files: Vec<&str> = site
                    .nodes
                    .iter()
                    .filter_map(|n| n.page.file.strip_prefix("content/"))
                    .collect();
                format!("no page content/{file}{}", suggestion(file, files))
            });
    }
    if let Some(path) = to.strip_prefix('/') {
        return Ok(c.site_url(path));
    }
    Err("write `@/file.md` for a page, `/path` for a file of the site, or a full URL".into())
}
