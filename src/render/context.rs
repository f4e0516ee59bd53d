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

#[cfg(test)]
mod tests {
    use super::super::testing::{SITE_TOML, built};
    use super::*;

    #[test]
    fn facts_follow_the_declaration_under_their_labels_without_hidden_or_number_fields() {
        let config = Config::parse(SITE_TOML).unwrap();
        let cc = &config.collections["tochten"];
        let record = |pairs: &[(&str, &str)]| {
            let pairs = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()));
            pairs.collect::<BTreeMap<_, _>>()
        };
        let fields = BTreeMap::from([
            (
                "thema".to_string(),
                FieldValue::List(vec!["water".into(), "klimaat".into()]),
            ),
            ("nummer".to_string(), FieldValue::Integer(2)),
            ("intern".to_string(), FieldValue::Text("concept".into())),
            ("duur".to_string(), FieldValue::Float(3.0)),
            (
                "docenten".to_string(),
                // Shown in the order of the declared keys (naam, rol), not the map's.
                FieldValue::Records(vec![
                    record(&[("rol", "gids"), ("naam", "An")]),
                    record(&[("naam", "Bo")]),
                ]),
            ),
            ("niveau".to_string(), FieldValue::Text("basis".into())),
        ]);
        let shown: Vec<(String, String, String)> = facts(cc, &fields)
            .into_iter()
            .map(|f| (f.name, f.label, f.value))
            .collect();
        let fact = |n: &str, l: &str, v: &str| (n.to_string(), l.to_string(), v.to_string());
        assert_eq!(
            shown,
            [
                fact("niveau", "Niveau", "basis"),
                fact("duur", "Duur (uur)", "3.0"),
                fact("docenten", "Docenten", "An, gids; Bo"),
                fact("thema", "Thema", "water; klimaat"),
            ]
        );
    }

    #[test]
    fn records_without_declared_keys_show_their_values_by_key() {
        let records = FieldValue::Records(vec![BTreeMap::from([
            ("z".to_string(), "laatste".to_string()),
            ("a".to_string(), "eerste".to_string()),
        ])]);
        assert_eq!(display_field(&records, &[]), "eerste, laatste");
        assert_eq!(display_field(&FieldValue::Bool(true), &[]), "true");
        assert_eq!(display_field(&FieldValue::Integer(-4), &[]), "-4");
        assert_eq!(
            display_field(&FieldValue::Date("2018-03-01".into()), &[]),
            "2018-03-01"
        );
    }

    #[test]
    fn every_page_shares_the_nav_the_search_url_and_the_footer_links() {
        let b = built(&[]);
        let (ctx, diags) = site_ctx(&b.site, "zoeken/");
        assert!(diags.0.is_empty(), "{:?}", diags.0);
        let get = |path: &str| {
            let v = ctx.get_from_path(path);
            v.and_then(|v| v.as_str()).unwrap_or_default().to_string()
        };
        assert_eq!(get("search_url"), "/water/zoeken/");
        assert_eq!(get("base_url"), "https://example.nl/water/");
        assert_eq!(get("base_path"), "/water/");
        assert_eq!(get("nav.0.url"), "/water/tochten/");
        assert_eq!(get("nav.1.title"), "Rivieren");
        assert_eq!(get("footer.html"), "<p>Een <em>proef</em>.</p>\n");
        // A page by its file, a path under the base path, a URL as it is.
        let (footer, _) = footer_ctx(&b.site);
        let urls: Vec<&str> = footer.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(
            urls,
            ["/water/over/", "/water/atom.xml", "https://example.org/"]
        );
    }

    #[test]
    fn a_footer_link_that_leads_nowhere_is_an_error_at_its_line_of_site_toml() {
        let toml = SITE_TOML
            .replace("@/over.md", "@/ovr.md")
            .replace("https://example.org/", "example.org");
        let b = built(&[("site.toml", &toml)]);
        let (footer, diags) = footer_ctx(&b.site);
        assert_eq!(footer.links.len(), 1);
        let messages: Vec<String> = diags.0.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            messages,
            [
                "site.toml:10:26: [footer]: link `@/ovr.md`: no page content/ovr.md; did you mean `over.md`?",
                "site.toml:12:28: [footer]: link `example.org`: write `@/file.md` for a page, `/path` for a file of the site, or a full URL",
            ]
        );
    }
}
