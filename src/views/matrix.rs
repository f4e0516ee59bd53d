//! Relation matrices: the pages of one collection (rows) against the pages that one of its
//! relations points to (columns), or that point to it through an inverse relation. Each cell that
//! holds a link shows a marker linking to the page that states the relation, and the link's `why`
//! as text (or in a `<details>`), so the reason reads without a mouse and in print.

use super::Model;
use crate::error::suggestion;
use crate::graph::Link;
use crate::text::escape_html;
use std::fmt::Write as _;

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
    /// The table's caption (default: "Lessen en kwadranten").
    pub caption: Option<String>,
    pub why: Why,
}

/// The matrix of `rows` (a collection) by `relation` (one of its relations or inverse relations).
pub fn render(model: &Model, rows: &str, relation: &str, opts: &Options) -> Result<String, String> {
    let config = model.config().ok_or("matrix(): no site")?;
    let Some(rows_cc) = config.collections.get(rows) else {
        return Err(format!(
            "matrix(): unknown collection `{rows}`{}",
            suggestion(rows, config.collections.keys().map(String::as_str))
        ));
    };
    // Direct: the row pages state the links. Inverse: the column pages do.
    let (cols, direct) = if let Some(spec) = rows_cc.relations.get(relation) {
        (spec.to.as_str(), true)
    } else if let Some((source, _)) = model.inverse_source(rows, relation) {
        (source, false)
    } else {
        let mut known: Vec<&str> = rows_cc.relations.keys().map(String::as_str).collect();
        for cc in config.collections.values() {
            known.extend(
                cc.relations
                    .values()
                    .filter(|r| r.to == rows)
                    .map(|r| r.inverse.as_str()),
            );
        }
        return Err(format!(
            "matrix(): collection `{rows}` has no relation `{relation}` (known: {}){}",
            if known.is_empty() {
                "none".to_string()
            } else {
                known.join(", ")
            },
            suggestion(relation, known.iter().copied())
        ));
    };
    let row_pages = model.collections.get(rows).cloned().unwrap_or_default();
    let col_pages = model.collections.get(cols).cloned().unwrap_or_default();
    let rows_title = model.collection_title(rows);
    let cols_title = model.collection_title(cols);
    let caption = opts
        .caption
        .clone()
        .unwrap_or_else(|| format!("{rows_title} en {}", cols_title.to_lowercase()));
    let links_of = |r: usize| -> &[Link] {
        let p = &model.pages[r];
        let links = if direct {
            p.relations.get(relation)
        } else {
            p.inverse.get(relation)
        };
        links.map_or(&[], Vec::as_slice)
    };
    let has_why = opts.why != Why::None
        && row_pages.iter().any(|&r| {
            links_of(r)
                .iter()
                .any(|l| l.why.as_deref().is_some_and(|w| !w.trim().is_empty()))
        });
    let mut out = String::new();
    let _ = write!(
        out,
        "<div class=\"table-wrap matrix-wrap\">\n<table class=\"matrix{}\" data-rows=\"{}\" data-relation=\"{}\">\n<caption>{}<span class=\"matrix-note\">● = verbonden{}</span></caption>\n<thead>\n<tr><th scope=\"col\" class=\"matrix-corner\">{}</th>",
        if has_why { " matrix-has-why" } else { "" },
        escape_html(rows),
        escape_html(relation),
        escape_html(&caption),
        match (has_why, opts.why) {
            (true, Why::Inline) => "; de reden staat erbij",
            (true, Why::Details) => "; open ‘Waarom’ voor de reden",
            _ => "",
        },
        escape_html(rows_title)
    );
    for &c in &col_pages {
        let p = &model.pages[c];
        let _ = write!(
            out,
            "<th scope=\"col\"><a href=\"{}\">{}</a></th>",
            escape_html(&p.url),
            escape_html(&p.title)
        );
    }
    out.push_str("</tr>\n</thead>\n<tbody>\n");
    for &r in &row_pages {
        let rp = &model.pages[r];
        let _ = write!(
            out,
            "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>",
            escape_html(&rp.url),
            escape_html(&rp.title)
        );
        let links = links_of(r);
        for &c in &col_pages {
            let cp = &model.pages[c];
            let Some(link) = links.iter().find(|l| l.node == c) else {
                out.push_str("<td class=\"matrix-empty\"></td>");
                continue;
            };
            // The page that states the link, and so its reason.
            let stated_by = if direct { rp } else { cp };
            let _ = write!(
                out,
                "<td class=\"matrix-hit\" data-row=\"{}\" data-col=\"{}\"><a class=\"matrix-link\" href=\"{}\"><span class=\"matrix-mark\" aria-hidden=\"true\">●</span><span class=\"visually-hidden\">{} – {}</span></a>",
                escape_html(&rp.slug),
                escape_html(&cp.slug),
                escape_html(&stated_by.url),
                escape_html(&rp.title),
                escape_html(&cp.title)
            );
            if let Some(why) = link.why.as_deref().filter(|w| !w.trim().is_empty()) {
                match opts.why {
                    Why::Inline => {
                        let _ = write!(out, "<p class=\"matrix-why\">{}</p>", escape_html(why));
                    }
                    Why::Details => {
                        let _ = write!(
                            out,
                            "<details class=\"matrix-why\"><summary>Waarom</summary><p>{}</p></details>",
                            escape_html(why)
                        );
                    }
                    Why::None => {}
                }
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</div>\n");
    Ok(out)
}
