//! Relation matrices: the pages of one collection (rows) against the pages that one of its
//! relations points to (columns), or that point to it through an inverse relation. Each cell that
//! holds a link shows a marker linking to the page that states the relation, and the link's `why`
//! as text (or in a `<details>`), so the reason reads without a mouse and in print. Rust computes
//! the table ([`MatrixView`]); the theme's `partials/matrix.html` draws it.

use super::Model;
use crate::error::suggestion;
use crate::graph::Link;
use serde::Serialize;

/// How a cell shows the reason of its link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// As a paragraph in the cell.
    Inline,
    /// In a `<details>` of the cell, opened by click or keyboard.
    Details,
    /// Not at all.
    None,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// The table's caption (default: the string `matrix.caption` with both collections' titles).
    pub caption: Option<String>,
    pub why: Why,
}

/// A table as the theme's `partials/matrix.html` draws it.
#[derive(Debug, Serialize)]
pub struct MatrixView {
    /// The collection of the rows and the relation, as site.toml names them.
    pub rows_name: String,
    pub relation: String,
    pub caption: String,
    /// The heading of the row headers' column: the rows' collection title.
    pub rows_title: String,
    /// How the reasons show: `inline`, `details`, or `none` (also when no link has one).
    pub why: &'static str,
    pub columns: Vec<PageLink>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Serialize)]
pub struct PageLink {
    pub url: String,
    pub title: String,
    pub slug: String,
}

#[derive(Debug, Serialize)]
pub struct MatrixRow {
    pub page: PageLink,
    /// One per column; `None` where the row page and the column page are not linked.
    pub cells: Vec<Option<MatrixCell>>,
}

#[derive(Debug, Serialize)]
pub struct MatrixCell {
    /// The column page's slug and title.
    pub column: String,
    pub column_title: String,
    /// The page that states the link (and so its reason).
    pub url: String,
    pub why: Option<String>,
}

/// The collection of the columns of `rows` by `relation`, and whether the row pages state the
/// links (a relation) or the column pages do (an inverse relation).
fn columns_of<'m>(model: &'m Model, rows: &str, relation: &str) -> Result<(&'m str, bool), String> {
    let config = model.config().ok_or("matrix(): no site")?;
    let Some(rows_cc) = config.collections.get(rows) else {
        return Err(format!(
            "matrix(): unknown collection `{rows}`{}",
            suggestion(rows, config.collections.keys().map(String::as_str))
        ));
    };
    if let Some(spec) = rows_cc.relations.get(relation) {
        return Ok((spec.to.as_str(), true));
    }
    if let Some((source, _)) = model.inverse_source(rows, relation) {
        return Ok((source, false));
    }
    let mut known: Vec<&str> = rows_cc.relations.keys().map(String::as_str).collect();
    for cc in config.collections.values() {
        known.extend(
            cc.relations
                .values()
                .filter(|r| r.to == rows)
                .map(|r| r.inverse.as_str()),
        );
    }
    Err(format!(
        "matrix(): collection `{rows}` has no relation `{relation}` (known: {}){}",
        if known.is_empty() {
            "none".to_string()
        } else {
            known.join(", ")
        },
        suggestion(relation, known.iter().copied())
    ))
}

/// The matrix of `rows` (a collection) by `relation` (one of its relations or inverse relations).
pub fn layout(
    model: &Model,
    rows: &str,
    relation: &str,
    opts: &Options,
) -> Result<MatrixView, String> {
    let (cols, direct) = columns_of(model, rows, relation)?;
    let row_pages = model.collections.get(rows).cloned().unwrap_or_default();
    let col_pages = model.collections.get(cols).cloned().unwrap_or_default();
    let rows_title = model.collection_title(rows);
    let caption = match &opts.caption {
        Some(c) => c.clone(),
        None => model.strings.format(
            "matrix.caption",
            None,
            &[
                ("rows", rows_title),
                ("columns", &model.collection_title(cols).to_lowercase()),
            ],
        )?,
    };
    let matrix = Matrix {
        model,
        relation,
        direct,
        opts,
    };
    let has_why = opts.why != Why::None
        && row_pages.iter().any(|&r| {
            matrix
                .links_of(r)
                .iter()
                .any(|l| l.why.as_deref().is_some_and(|w| !w.trim().is_empty()))
        });
    Ok(MatrixView {
        rows_name: rows.to_string(),
        relation: relation.to_string(),
        caption,
        rows_title: rows_title.to_string(),
        why: match (has_why, opts.why) {
            (false, _) | (_, Why::None) => "none",
            (true, Why::Inline) => "inline",
            (true, Why::Details) => "details",
        },
        columns: col_pages.iter().map(|&c| matrix.link(c)).collect(),
        rows: row_pages
            .iter()
            .map(|&r| MatrixRow {
                page: matrix.link(r),
                cells: col_pages.iter().map(|&c| matrix.cell(r, c)).collect(),
            })
            .collect(),
    })
}

/// A matrix being laid out: its relation, read from the rows' side (`direct`) or the columns'.
struct Matrix<'a> {
    model: &'a Model,
    relation: &'a str,
    direct: bool,
    opts: &'a Options,
}

impl Matrix<'_> {
    /// The links of row page `r` along the relation.
    fn links_of(&self, r: usize) -> &[Link] {
        let p = &self.model.pages[r];
        let links = if self.direct {
            p.relations.get(self.relation)
        } else {
            p.inverse.get(self.relation)
        };
        links.map_or(&[], Vec::as_slice)
    }

    /// The cell of row `r` and column `c`: empty when they are not linked.
    fn cell(&self, r: usize, c: usize) -> Option<MatrixCell> {
        let link = self.links_of(r).iter().find(|l| l.node == c)?;
        let (rp, cp) = (&self.model.pages[r], &self.model.pages[c]);
        // The page that states the link, and so its reason.
        let stated_by = if self.direct { rp } else { cp };
        Some(MatrixCell {
            column: cp.slug.clone(),
            column_title: cp.title.clone(),
            url: stated_by.url.clone(),
            why: link
                .why
                .as_deref()
                .filter(|w| !w.trim().is_empty() && self.opts.why != Why::None)
                .map(str::to_string),
        })
    }

    fn link(&self, i: usize) -> PageLink {
        let page = &self.model.pages[i];
        PageLink {
            url: page.url.clone(),
            title: page.title.clone(),
            slug: page.slug.clone(),
        }
    }
}
