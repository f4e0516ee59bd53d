//! Stage 1: `site.toml`, parsed and checked.
//!
//! Unknown keys and wrong types are errors naming the key and its line; cross-references
//! (a relation to a collection that does not exist, a `sort_by` on an unknown field) are
//! checked here too, so later stages can trust the configuration.

use crate::error::{Diagnostic, Diagnostics, Error, LineIndex, Result, line_col, suggestion};
use indexmap::IndexMap;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "site.toml";

/// The whole site configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    #[serde(default)]
    pub author: String,
    /// Raw HTML in Markdown is escaped unless this is true.
    #[serde(default)]
    pub allow_raw_html: bool,
    /// Build a site that works from a folder (`file://`): every URL relative to its page.
    #[serde(default)]
    pub offline: bool,
    /// Pages per list page; 0 turns pagination off.
    #[serde(default = "default_paginate_by")]
    pub paginate_by: usize,
    /// The most entries the Atom feed holds, newest first; 0 lists every dated page.
    #[serde(default = "default_feed_limit")]
    pub feed_limit: usize,
    /// In declaration order: the order of the main navigation and the home page.
    #[serde(default)]
    pub collections: IndexMap<String, CollectionConfig>,
    /// Views computed from the content: the quadrant map.
    #[serde(default)]
    pub views: ViewsConfig,
    /// The site's own words over the theme's string tables (`search.button = "Zoek"`).
    #[serde(default)]
    pub strings: toml::Table,
    /// The text and links at the bottom of every page.
    #[serde(default)]
    pub footer: FooterConfig,
    /// `[search]`: the site's synonyms and abbreviations.
    #[serde(default)]
    pub search: SearchConfig,
    /// Where each key of site.toml sits, for the diagnostics of later stages.
    #[serde(skip)]
    positions: std::sync::Arc<Positions>,
}

/// `[footer]`: a paragraph and a list of links shown at the bottom of every page.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FooterConfig {
    /// A paragraph of Markdown (emphasis, links; raw HTML is shown as text).
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub links: Vec<FooterLink>,
}

/// A footer link: to a page by its file (`@/over.md`), to a site path (`/atom.xml`) or to a URL.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FooterLink {
    pub title: String,
    pub to: String,
}

/// `[search]`: what the search of the site knows beyond its text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// `[search.synonyms]`: a query word (an abbreviation, another name) and what it also
    /// stands for, each a word or several (`dso = ["digitaal stelsel omgevingswet"]`).
    #[serde(default)]
    pub synonyms: IndexMap<String, Vec<String>>,
}

/// The language of a site whose site.toml names none.
pub const DEFAULT_LANGUAGE: &str = "nl";

fn default_language() -> String {
    DEFAULT_LANGUAGE.into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_paginate_by() -> usize {
    20
}
fn default_feed_limit() -> usize {
    50
}

/// A folder under `content/` with its own fields and relations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollectionConfig {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `weight` (the default), `title`, `date` or the name of one of the collection's fields.
    #[serde(default)]
    pub sort_by: SortBy,
    /// Overrides the site's `paginate_by` for this collection's list.
    pub paginate_by: Option<usize>,
    /// Accept front-matter keys that are not declared fields.
    #[serde(default)]
    pub allow_unknown_fields: bool,
    /// When set, a page `<collection>/<url.handout>/` with this title shows every page of the
    /// collection in full, to print as one handout.
    pub handout: Option<String>,
    /// One page of the collection, as messages and labels name it (`guide` for `guides`);
    /// default: "page".
    pub singular: Option<String>,
    /// What a match on one of its pages weighs in search, against 1 for other pages (a
    /// glossary at 0.5 does not outrank the pages it explains; 0 leaves the pages out).
    pub search_weight: Option<f64>,
    /// The integer field that numbers the collection's pages ("Lesson 3"): shown on cards, in
    /// lists, in prev/next links and above the title, and not among the page's facts.
    pub number_field: Option<String>,
    /// In declaration order, which is the order pages show them in.
    #[serde(default)]
    pub fields: IndexMap<String, FieldSpec>,
    /// In declaration order: the order pages list them in.
    #[serde(default)]
    pub relations: IndexMap<String, RelationSpec>,
}

/// The order of a collection's pages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(from = "String")]
pub enum SortBy {
    /// Front matter's `weight`, lowest first; pages without one last.
    #[default]
    Weight,
    /// The titles, as a reader sorts them (folded: `Ĳssel` with `IJssel`).
    Title,
    /// `date`, newest first.
    Date,
    /// One of the collection's fields (numbers by value, text folded).
    Field(String),
}

impl From<String> for SortBy {
    fn from(s: String) -> Self {
        match s.as_str() {
            "weight" => SortBy::Weight,
            "title" => SortBy::Title,
            "date" => SortBy::Date,
            _ => SortBy::Field(s),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[serde(rename = "type")]
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// The allowed values of an `enum` field (or of the items of a `list`).
    #[serde(default)]
    pub values: Vec<String>,
    /// The allowed keys of the items of a `records` field.
    #[serde(default)]
    pub keys: Vec<String>,
    /// How the field is named on the page (default: the key with a capital).
    pub label: Option<String>,
    /// The least and most items of a `list` or `records` field (a required one has at least one).
    pub min: Option<usize>,
    pub max: Option<usize>,
    /// Checked, searchable and in the context, but not shown in the page's facts.
    #[serde(default)]
    pub hidden: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Enum,
    /// A list of strings.
    List,
    /// A list of small maps of strings, e.g. people with a name and a function.
    Records,
}

impl FieldKind {
    pub fn describe(self) -> &'static str {
        match self {
            FieldKind::String => "a string",
            FieldKind::Integer => "an integer",
            FieldKind::Float => "a number",
            FieldKind::Boolean => "true or false",
            FieldKind::Date => "a date (YYYY-MM-DD)",
            FieldKind::Enum => "one of the listed values",
            FieldKind::List => "a list of strings",
            FieldKind::Records => "a list of records",
        }
    }
}

/// A typed link from the pages of one collection to the pages of another.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationSpec {
    /// The target collection.
    pub to: String,
    /// The name under which target pages list their sources.
    pub inverse: String,
    #[serde(default)]
    pub why: WhyRule,
    /// The least and most pages a page of the source collection links to.
    pub min: Option<usize>,
    pub max: Option<usize>,
}

/// Whether each link of a relation must give its reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhyRule {
    Required,
    #[default]
    Optional,
}

/// `[views]`: views of the content that the theme can show.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViewsConfig {
    /// `[views.quadrants]`: a grid of the pages of one collection, placed by two fields.
    pub quadrants: Option<QuadrantsConfig>,
}

/// The quadrant map: each page of `collection` sits in the cell named by its `column_field`
/// and `row_field`; pages that relate to it show as markers inside its cell.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuadrantsConfig {
    /// The collection that holds the quadrant pages.
    pub collection: String,
    /// The caption of the map (default: the collection's title).
    #[serde(default)]
    pub title: String,
    /// The field of a quadrant page that names its column.
    pub column_field: String,
    /// The column values, left to right.
    pub columns: Vec<String>,
    /// The axis label of each column, in the same order.
    pub column_labels: Vec<String>,
    /// The field of a quadrant page that names its row.
    pub row_field: String,
    /// The row values, top to bottom.
    pub rows: Vec<String>,
    /// The axis label of each row, in the same order.
    pub row_labels: Vec<String>,
    /// Inverse relations of the quadrant pages whose pages are drawn as markers in each quadrant.
    #[serde(default)]
    pub markers: Vec<String>,
    /// The short code of each marker kind (`L` gives `L1`, `L2`, …); default: the first letter
    /// of the collection's title.
    #[serde(default)]
    pub marker_codes: Vec<String>,
    /// Inverse relations of a quadrant page shown in its quadrant on its own page (its roles).
    #[serde(default)]
    pub page_relations: Vec<String>,
    /// Survey figures drawn in each quadrant (Kader 9, Tabel 1): a CSV under content/data/.
    pub overlay: Option<OverlayConfig>,
}

/// Figures per quadrant from a CSV file: the row whose label starts with a quadrant's title.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverlayConfig {
    /// The CSV file, a path under `content/data/`.
    pub data: String,
    /// What the figures are (`Gewenste sturing`).
    pub title: String,
    /// Where they come from (`Tabel 1, §2.2`).
    #[serde(default)]
    pub source: String,
    /// The unit of the figures (`%`).
    #[serde(default)]
    pub unit: String,
}

/// Front-matter keys every page understands, whatever its collection.
pub const BUILTIN_KEYS: &[&str] = &[
    "title",
    "summary",
    "date",
    "updated",
    "draft",
    "weight",
    "slug",
    "aliases",
    "template",
    "search_weight",
];

impl Config {
    /// Read and check `site.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::Usage(format!(
                    "no {CONFIG_FILE} in {}: run kennisbank in a site folder or pass --root",
                    crate::error::display_path(root)
                ))
            } else {
                Error::io(&path, e)
            }
        })?;
        let text = String::from_utf8(text).map_err(|e| {
            Error::single(Diagnostic::error(
                CONFIG_FILE,
                0,
                0,
                format!("not valid UTF-8: {e}"),
            ))
        })?;
        Config::parse(&text)
    }

    /// Parse and check the text of a `site.toml`.
    pub fn parse(text: &str) -> Result<Config> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((0, 0), |s| line_col(text, s.start));
            Error::single(Diagnostic::error(
                CONFIG_FILE,
                line,
                column,
                e.message().trim().to_string(),
            ))
        })?;
        config.positions = std::sync::Arc::new(Positions::of(text));
        config.check().into_result()?;
        Ok(config)
    }

    /// An error at the value of a key of site.toml (`collections.x.sort_by`).
    pub fn error_at(&self, path: &str, message: impl Into<String>) -> Diagnostic {
        let (line, column) = self.positions.at(path);
        Diagnostic::error(CONFIG_FILE, line, column, message)
    }

    fn check(&self) -> Diagnostics {
        let mut out = Diagnostics::default();
        if let Err(msg) = self.base_path_checked() {
            out.push(self.error_at("base_url", msg));
        }
        for (name, coll) in &self.collections {
            self.check_collection(name, coll, &mut out);
        }
        self.check_inverse_names(&mut out);
        self.check_search(&mut out);
        if let Some(q) = &self.views.quadrants {
            self.check_quadrants(q, &mut |key: &str, msg: String| {
                out.push(self.error_at(&format!("views.quadrants.{key}"), msg))
            });
        }
        out
    }

    /// A collection's name, `sort_by`, fields and relations.
    fn check_collection(&self, name: &str, coll: &CollectionConfig, out: &mut Diagnostics) {
        let at = |key: &str| format!("collections.{name}{key}");
        if !crate::text::is_valid_slug(name) || name == "data" {
            out.push(self.error_at(
                &at(""),
                format!("collection name `{name}` must be a lower-case slug (a-z, 0-9, -) and not `data`"),
            ));
        }
        if let SortBy::Field(field) = &coll.sort_by
            && !coll.fields.contains_key(field)
        {
            let choices = ["weight", "title", "date"]
                .into_iter()
                .chain(coll.fields.keys().map(String::as_str));
            out.push(self.error_at(
                &at(".sort_by"),
                format!(
                    "collection `{name}`: cannot sort by unknown field `{field}`{}",
                    suggestion(field, choices)
                ),
            ));
        }
        if let Some(msg) = number_field_problem(name, coll) {
            out.push(self.error_at(&at(".number_field"), msg));
        }
        for (field, spec) in &coll.fields {
            if let Some(msg) = field_problem(name, field, spec) {
                out.push(self.error_at(&at(&format!(".fields.{field}")), msg));
            }
        }
        for (rel, spec) in &coll.relations {
            if let Some(msg) = self.relation_problem(name, coll, rel, spec) {
                out.push(self.error_at(&at(&format!(".relations.{rel}")), msg));
            }
        }
    }

    /// What is wrong with relation `rel` of collection `name`, if anything.
    fn relation_problem(
        &self,
        name: &str,
        coll: &CollectionConfig,
        rel: &str,
        spec: &RelationSpec,
    ) -> Option<String> {
        if coll.fields.contains_key(rel) || BUILTIN_KEYS.contains(&rel) {
            return Some(format!(
                "collection `{name}`: relation `{rel}` has the name of a field"
            ));
        }
        if let (Some(min), Some(max)) = (spec.min, spec.max)
            && min > max
        {
            return Some(format!(
                "relation `{name}.{rel}`: `min` ({min}) is more than `max` ({max})"
            ));
        }
        let Some(target) = self.collections.get(&spec.to) else {
            return Some(format!(
                "relation `{name}.{rel}` points to unknown collection `{}`{}",
                spec.to,
                suggestion(&spec.to, self.collections.keys().map(String::as_str))
            ));
        };
        (target.fields.contains_key(&spec.inverse) || target.relations.contains_key(&spec.inverse))
            .then(|| {
                format!(
                    "relation `{name}.{rel}`: inverse name `{}` is already a field or relation of `{}`",
                    spec.inverse, spec.to
                )
            })
    }

    /// Two relations into one collection may not share an inverse name.
    fn check_inverse_names(&self, out: &mut Diagnostics) {
        let mut inverses: BTreeMap<(&str, &str), &str> = BTreeMap::new();
        for (name, coll) in &self.collections {
            for (rel, spec) in &coll.relations {
                let key = (spec.to.as_str(), spec.inverse.as_str());
                if let Some(first) = inverses.insert(key, rel) {
                    out.push(self.error_at(
                        &format!("collections.{name}.relations.{rel}.inverse"),
                        format!(
                            "relation `{name}.{rel}`: inverse name `{}` is used twice for collection `{}` (also by relation `{first}`)",
                            spec.inverse, spec.to
                        ),
                    ));
                }
            }
        }
    }

    /// `[views.quadrants]`: the collection, its two fields, the axis labels and the relations exist
    /// and agree with each other.
    fn check_quadrants(&self, q: &QuadrantsConfig, err: &mut impl FnMut(&str, String)) {
        let names = self.collections.keys().map(String::as_str);
        let Some(coll) = self.collections.get(&q.collection) else {
            err(
                "collection",
                format!(
                    "views.quadrants: unknown collection `{}`{}",
                    q.collection,
                    suggestion(&q.collection, names)
                ),
            );
            return;
        };
        let axes = [
            QuadrantAxis {
                field_key: "column_field",
                field: &q.column_field,
                values_key: "columns",
                values: &q.columns,
                labels_key: "column_labels",
                labels: &q.column_labels,
            },
            QuadrantAxis {
                field_key: "row_field",
                field: &q.row_field,
                values_key: "rows",
                values: &q.rows,
                labels_key: "row_labels",
                labels: &q.row_labels,
            },
        ];
        for axis in axes {
            axis.check(&q.collection, coll, err);
        }
        self.check_quadrant_relations(q, err);
        if !q.marker_codes.is_empty() && q.marker_codes.len() != q.markers.len() {
            err(
                "marker_codes",
                format!(
                    "views.quadrants: `marker_codes` has {} codes for {} markers",
                    q.marker_codes.len(),
                    q.markers.len()
                ),
            );
        }
        if let Some(o) = &q.overlay
            && crate::text::check_site_path(&o.data).is_err()
        {
            err(
                "data",
                format!(
                    "views.quadrants.overlay: `{}` must be a path inside content/data/",
                    o.data
                ),
            );
        }
    }

    /// The relations the quadrant map shows (`markers`, `page_relations`) lead into its collection.
    fn check_quadrant_relations(&self, q: &QuadrantsConfig, err: &mut impl FnMut(&str, String)) {
        // The inverse relations into the quadrant collection, by name.
        let inverses: Vec<&str> = self
            .collections
            .values()
            .flat_map(|c| c.relations.values())
            .filter(|r| r.to == q.collection)
            .map(|r| r.inverse.as_str())
            .collect();
        for (key, list) in [
            ("markers", &q.markers),
            ("page_relations", &q.page_relations),
        ] {
            for name in list {
                if !inverses.contains(&name.as_str()) {
                    err(
                        key,
                        format!(
                            "views.quadrants: `{name}` in `{key}` is not a relation into `{}` (known: {}){}",
                            q.collection,
                            if inverses.is_empty() {
                                "none".to_string()
                            } else {
                                inverses.join(", ")
                            },
                            suggestion(name, inverses.iter().copied())
                        ),
                    );
                }
            }
        }
    }

    /// Wrong search settings: a collection's `search_weight` that is not a number from 0 up, a
    /// synonym that is not one word or has nothing to stand for.
    fn check_search(&self, out: &mut Diagnostics) {
        for (name, coll) in &self.collections {
            if let Some(w) = coll.search_weight
                && !(w.is_finite() && w >= 0.0)
            {
                out.push(self.error_at(
                    &format!("collections.{name}.search_weight"),
                    format!(
                        "collection `{name}`: `search_weight` must be a number from 0 up (1 is normal, 0.5 ranks its pages lower, 0 leaves them out of search), found {w}"
                    ),
                ));
            }
        }
        for (key, expansions) in &self.search.synonyms {
            let at = format!("search.synonyms.{key}");
            // One word as search splits text: a run of letters and digits.
            if key.is_empty() || !key.chars().all(char::is_alphanumeric) {
                out.push(self.error_at(
                    &at,
                    format!(
                        "search.synonyms: `{key}` must be one word of letters and digits, as a query word is (e.g. `{}`)",
                        key.chars().filter(|c| c.is_alphanumeric()).collect::<String>()
                    ),
                ));
            }
            if expansions.is_empty()
                || expansions
                    .iter()
                    .any(|e| !e.chars().any(char::is_alphanumeric))
            {
                out.push(self.error_at(
                    &at,
                    format!("search.synonyms: `{key}` needs one or more words to stand for, e.g. {key} = [\"...\"]"),
                ));
            }
        }
    }

    /// Replace `base_url` (from the command line), or say what is wrong with the new one.
    pub fn set_base_url(&mut self, url: &str) -> std::result::Result<(), String> {
        let old = std::mem::replace(&mut self.base_url, url.to_string());
        self.base_path_checked().map(|_| ()).inspect_err(|_| {
            self.base_url = old;
        })
    }

    /// The path part of `base_url`, always starting and ending with `/` (`/kb/water/`).
    pub fn base_path(&self) -> String {
        self.base_path_checked().unwrap_or_else(|_| "/".into())
    }

    fn base_path_checked(&self) -> std::result::Result<String, String> {
        let url = self.base_url.trim();
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url `{url}` must start with http:// or https://"))?;
        let path = rest.find('/').map_or("/", |i| &rest[i..]);
        if path.contains(['?', '#', '"', '<', '>', ' '])
            || path.contains("/../")
            || path.contains("/./")
        {
            return Err(format!(
                "base_url `{url}` must be a plain URL without query, fragment or dot segments"
            ));
        }
        let mut p = path.to_string();
        if !p.ends_with('/') {
            p.push('/');
        }
        Ok(p)
    }

    /// `base_url` without the trailing slash, scheme and host included (`https://x.nl/leren`).
    pub fn base_url_trimmed(&self) -> &str {
        self.base_url.trim().trim_end_matches('/')
    }

    /// The absolute URL of a site path (`guides/x/` → `https://x.nl/kb/guides/x/`).
    pub fn absolute_url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.base_url_trimmed(),
            path.trim_start_matches('/')
        )
    }

    /// The root-relative URL of a site path, under the base path (`guides/x/` → `/kb/guides/x/`).
    pub fn site_url(&self, path: &str) -> String {
        format!("{}{}", self.base_path(), path.trim_start_matches('/'))
    }

    /// The line and column of a key of site.toml by its dotted path (see [`Positions::at`]).
    pub fn position(&self, path: &str) -> (usize, usize) {
        self.positions.at(path)
    }

    /// A collection's page as messages name it: its `singular`, else "page".
    pub fn singular(&self, collection: &str) -> String {
        self.collections
            .get(collection)
            .and_then(|c| c.singular.clone())
            .unwrap_or_else(|| "page".into())
    }

    pub fn output_path(&self, root: &Path) -> PathBuf {
        root.join(&self.output_dir)
    }

    pub fn theme_dir(&self, root: &Path) -> PathBuf {
        root.join("themes").join(&self.theme)
    }
}

/// What is wrong with the `number_field` of collection `name`, if anything: it must name an
/// integer field of the collection.
fn number_field_problem(name: &str, coll: &CollectionConfig) -> Option<String> {
    let field = coll.number_field.as_deref()?;
    match coll.fields.get(field) {
        Some(spec) if spec.kind == FieldKind::Integer => None,
        Some(spec) => Some(format!(
            "collection `{name}`: `number_field` must name an integer field, and `{field}` is {}; \
             {} or name another field",
            spec.kind.describe(),
            declare_integer(field)
        )),
        None => {
            let integers = coll
                .fields
                .iter()
                .filter(|(_, s)| s.kind == FieldKind::Integer)
                .map(|(k, _)| k.as_str());
            let fix = match suggestion(field, integers) {
                s if s.is_empty() => format!("; {}", declare_integer(field)),
                s => s,
            };
            Some(format!(
                "collection `{name}`: `number_field` names `{field}`, which is not a field of the collection{fix}"
            ))
        }
    }
}

/// The fix that declares `field` an integer field, as site.toml writes it.
fn declare_integer(field: &str) -> String {
    let table = "{ type = \"integer\" }";
    format!("declare it as `fields.{field} = {table}`")
}

/// What is wrong with the declaration of field `field` of collection `name`, if anything.
fn field_problem(name: &str, field: &str, spec: &FieldSpec) -> Option<String> {
    if BUILTIN_KEYS.contains(&field) {
        return Some(format!(
            "collection `{name}`: field `{field}` is a built-in key and cannot be redeclared"
        ));
    }
    if spec.kind == FieldKind::Enum && spec.values.is_empty() {
        return Some(format!(
            "collection `{name}`: enum field `{field}` needs `values = [...]`"
        ));
    }
    if (spec.min.is_some() || spec.max.is_some())
        && !matches!(spec.kind, FieldKind::List | FieldKind::Records)
    {
        return Some(format!(
            "collection `{name}`: `min` and `max` count the items of a list or records field; `{field}` is {}",
            spec.kind.describe()
        ));
    }
    match (spec.min, spec.max) {
        (Some(min), Some(max)) if min > max => Some(format!(
            "collection `{name}`: field `{field}`: `min` ({min}) is more than `max` ({max})"
        )),
        _ => None,
    }
}

/// Where each key of site.toml sits: its dotted path (`collections.guides.sort_by`; array items
/// by their index, `footer.links.0.to`) → line and column of its value (of the header, for a
/// table). From the TOML parser's spans.
#[derive(Debug, Clone, Default)]
pub struct Positions(BTreeMap<String, (usize, usize)>);

impl Positions {
    fn of(text: &str) -> Positions {
        let mut out = BTreeMap::new();
        if let Ok(doc) = toml::de::DeTable::parse(text) {
            collect_positions(doc.get_ref(), "", &LineIndex::new(text), &mut out);
        }
        Positions(out)
    }

    /// The line and column of `path`, else of the nearest table or key above it that is
    /// written, else (0, 0).
    pub fn at(&self, path: &str) -> (usize, usize) {
        let mut p = path;
        loop {
            if let Some(&pos) = self.0.get(p) {
                return pos;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return (0, 0),
            }
        }
    }
}

/// One axis of the quadrant map as site.toml gives it: the field, its values and their labels.
struct QuadrantAxis<'q> {
    field_key: &'static str,
    field: &'q String,
    values_key: &'static str,
    values: &'q [String],
    labels_key: &'static str,
    labels: &'q [String],
}

impl QuadrantAxis<'_> {
    /// Values present, unique and labelled, and those of the page field the axis reads.
    fn check(&self, collection: &str, coll: &CollectionConfig, err: &mut impl FnMut(&str, String)) {
        let (values_key, values, labels_key) = (self.values_key, self.values, self.labels_key);
        if values.is_empty() {
            err(
                values_key,
                format!("views.quadrants: `{values_key}` needs at least one value"),
            );
        }
        if self.labels.len() != values.len() {
            err(
                labels_key,
                format!(
                    "views.quadrants: `{labels_key}` has {} labels for {} {values_key}",
                    self.labels.len(),
                    values.len()
                ),
            );
        }
        for (i, v) in values.iter().enumerate() {
            if values[..i].contains(v) {
                err(
                    values_key,
                    format!("views.quadrants: `{v}` appears twice in `{values_key}`"),
                );
            }
        }
        self.check_field(collection, coll, err);
    }

    /// The field exists and holds a string or an enum with every value of the axis.
    fn check_field(
        &self,
        collection: &str,
        coll: &CollectionConfig,
        err: &mut impl FnMut(&str, String),
    ) {
        let (field, values_key) = (self.field, self.values_key);
        let Some(spec) = coll.fields.get(field) else {
            if !coll.allow_unknown_fields {
                err(
                    self.field_key,
                    format!(
                        "views.quadrants: `{field}` is not a field of collection `{collection}`{}",
                        suggestion(field, coll.fields.keys().map(String::as_str))
                    ),
                );
            }
            return;
        };
        if spec.kind == FieldKind::Enum {
            for v in self.values.iter().filter(|v| !spec.values.contains(v)) {
                err(
                    values_key,
                    format!(
                        "views.quadrants: `{v}` in `{values_key}` is not a value of field `{field}` of `{collection}`{}",
                        suggestion(v, spec.values.iter().map(String::as_str))
                    ),
                );
            }
        } else if !matches!(spec.kind, FieldKind::String) {
            err(
                self.field_key,
                format!(
                    "views.quadrants: field `{field}` of `{collection}` must be a string or an enum"
                ),
            );
        }
    }
}

fn collect_positions(
    table: &toml::de::DeTable,
    prefix: &str,
    lines: &LineIndex,
    out: &mut BTreeMap<String, (usize, usize)>,
) {
    use toml::de::DeValue;
    for (key, value) in table.iter() {
        let path = format!("{prefix}{}", key.get_ref());
        out.insert(path.clone(), lines.at(value.span().start));
        match value.get_ref() {
            DeValue::Table(t) => collect_positions(t, &format!("{path}."), lines, out),
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}.{i}");
                    out.insert(item_path.clone(), lines.at(item.span().start));
                    if let DeValue::Table(t) = item.get_ref() {
                        collect_positions(t, &format!("{item_path}."), lines, out);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = "title = \"T\"\nbase_url = \"https://example.nl/kb/water\"\n";

    #[test]
    fn base_path_comes_from_base_url() {
        let c = Config::parse(MINIMAL).unwrap();
        assert_eq!(c.base_path(), "/kb/water/");
        assert_eq!(c.site_url("guides/x/"), "/kb/water/guides/x/");
        assert_eq!(
            c.absolute_url("/guides/x/"),
            "https://example.nl/kb/water/guides/x/"
        );
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let text = format!("{MINIMAL}titel = \"x\"\n");
        let Err(Error::Content(d)) = Config::parse(&text) else {
            panic!("expected an error")
        };
        let d = &d.0[0];
        assert_eq!(d.line, 3);
        assert!(d.message.contains("unknown field `titel`"), "{}", d.message);
    }

    #[test]
    fn relation_to_unknown_collection_suggests_the_right_one() {
        let text = format!(
            "{MINIMAL}[collections.guides]\ntitle = \"G\"\n[collections.rivers]\ntitle = \"R\"\n\
             [collections.guides.relations.r]\nto = \"river\"\ninverse = \"guides\"\n"
        );
        let Err(Error::Content(d)) = Config::parse(&text) else {
            panic!("expected an error")
        };
        assert_eq!(d.0[0].line, 7);
        assert!(
            d.0[0].message.contains("did you mean `rivers`"),
            "{}",
            d.0[0].message
        );
    }

    #[test]
    fn search_settings_are_checked_with_their_lines() {
        let text = format!(
            "{MINIMAL}[collections.guides]\ntitle = \"G\"\nsearch_weight = -1.0\n\
             [search.synonyms]\now = [\"omgevingswet\"]\n\"b en w\" = [\"college\"]\nx = []\n"
        );
        let Err(Error::Content(d)) = Config::parse(&text) else {
            panic!("expected errors")
        };
        // each at the line of its key, naming the key; the exact texts are in the fixture
        // tests/fixtures/errors/search-config
        let got: Vec<(usize, bool)> =
            d.0.iter()
                .zip([
                    "`guides`: `search_weight`",
                    "`b en w` must be one word",
                    "`x` needs",
                ])
                .map(|(d, part)| (d.line, d.message.contains(part)))
                .collect();
        assert_eq!(got, [(5, true), (8, true), (9, true)], "{d:?}");
        let ok = format!("{MINIMAL}[search.synonyms]\ndso = [\"digitaal stelsel omgevingswet\"]\n");
        let c = Config::parse(&ok).unwrap();
        assert_eq!(c.search.synonyms["dso"], ["digitaal stelsel omgevingswet"]);
    }
}
