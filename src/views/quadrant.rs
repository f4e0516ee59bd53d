//! The quadrant map (`[views.quadrants]` in site.toml): the pages of one collection placed in a
//! grid by two of their fields, with the axis labels of site.toml, drawn as inline SVG.
//!
//! - the whole map: each quadrant linked to its page, with the pages that relate to it (the
//!   `markers` inverse relations, e.g. lessons and cases) as numbered markers, each a link; on a
//!   quadrant's own page that quadrant is highlighted and shows its `page_relations` (its roles);
//! - the small map of a page related to the quadrants: its quadrants highlighted.
//!
//! Every map comes with a text equivalent holding the same links, no element ids (a page may
//! show more than one map) and colours from the theme's CSS custom properties, so it follows the
//! light and dark scheme. The whole map is drawn twice, wide and narrow; CSS shows one.

use super::{Model, PageInfo, page_error};
use crate::config::QuadrantsConfig;
use crate::content::FieldValue;
use crate::error::{Diagnostic, Diagnostics, suggestion};
use crate::graph::{Link, Site};
use crate::i18n::Strings;
use serde::Serialize;
use std::collections::BTreeMap;

/// A kind of marker: the pages of one inverse relation of the quadrant pages.
#[derive(Debug, Clone)]
pub struct MarkerKind {
    /// The inverse name on the quadrant pages (`guides`).
    pub inverse: String,
    /// The short code before the number (`L`).
    pub code: String,
    /// The title of the source collection (`Guides`).
    pub title: String,
}

/// Survey figures per quadrant.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub title: String,
    pub source: String,
    pub unit: String,
    pub series: Vec<String>,
    /// Quadrant page → one value per series.
    pub values: BTreeMap<usize, Vec<Option<f64>>>,
    /// The largest value, for the bar scale.
    pub max: f64,
}

/// The configured map with the quadrant pages in place.
#[derive(Debug, Clone)]
pub struct Grid {
    pub collection: String,
    pub title: String,
    pub column_labels: Vec<String>,
    pub row_labels: Vec<String>,
    /// `cells[row][column]`: the quadrant page there.
    pub cells: Vec<Vec<Option<usize>>>,
    pub markers: Vec<MarkerKind>,
    /// Inverse names shown in a quadrant on its own page, with their collection titles.
    pub page_relations: Vec<(String, String)>,
    pub overlay: Option<Overlay>,
}

impl Grid {
    /// Place the quadrant pages; a page whose field value is not a configured column or row,
    /// or that shares its cell with another page, is an error naming that page.
    pub fn build(site: &Site, q: &QuadrantsConfig, diags: &mut Diagnostics) -> Option<Grid> {
        let coll = site.config.collections.get(&q.collection)?;
        let members = site
            .collections
            .get(&q.collection)
            .cloned()
            .unwrap_or_default();
        let cells = place_pages(site, q, &members, diags);
        let inverse_title = |inverse: &str| inverse_collection_title(site, q, inverse);
        let markers = q
            .markers
            .iter()
            .enumerate()
            .filter_map(|(k, inv)| {
                let title = inverse_title(inv)?;
                let code = q.marker_codes.get(k).cloned().unwrap_or_else(|| {
                    title
                        .chars()
                        .find(|c| c.is_alphanumeric())
                        .map(|c| c.to_uppercase().collect())
                        .unwrap_or_default()
                });
                Some(MarkerKind {
                    inverse: inv.clone(),
                    code,
                    title: title.to_string(),
                })
            })
            .collect();
        let page_relations = q
            .page_relations
            .iter()
            .filter_map(|inv| Some((inv.clone(), inverse_title(inv)?.to_string())))
            .collect();
        let overlay = q
            .overlay
            .as_ref()
            .and_then(|o| load_overlay(site, o, &members, diags));
        Some(Grid {
            collection: q.collection.clone(),
            title: if q.title.is_empty() {
                coll.title.clone()
            } else {
                q.title.clone()
            },
            column_labels: q.column_labels.clone(),
            row_labels: q.row_labels.clone(),
            cells,
            markers,
            page_relations,
            overlay,
        })
    }

    /// Row and column of a quadrant page.
    pub fn position(&self, page: usize) -> Option<(usize, usize)> {
        self.cells.iter().enumerate().find_map(|(r, row)| {
            row.iter()
                .position(|&c| c == Some(page))
                .map(|col| (r, col))
        })
    }

    /// Where a cell sits, in words: a corner in a 2×2 map (`linksboven`), else its column and
    /// row (`kolom 2, rij 1`), from the strings `map.corner` and `map.cell`.
    pub fn place_name(&self, row: usize, col: usize, strings: &Strings) -> String {
        let corner = |key: &str, i: usize| match strings.entry(key) {
            Some(crate::i18n::Text::List(words)) => words.get(i).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let (template, column, row) = if self.cells.len() == 2 && self.column_labels.len() == 2 {
            (
                "map.corner",
                corner("map.columns", col),
                corner("map.rows", row),
            )
        } else {
            ("map.cell", (col + 1).to_string(), (row + 1).to_string())
        };
        strings
            .format(template, None, &[("column", &column), ("row", &row)])
            .unwrap_or_default()
    }
}

/// The title of the collection whose relation into the quadrant collection has `inverse`.
fn inverse_collection_title<'s>(
    site: &'s Site,
    q: &QuadrantsConfig,
    inverse: &str,
) -> Option<&'s str> {
    site.config.collections.values().find_map(|cc| {
        cc.relations
            .values()
            .any(|r| r.to == q.collection && r.inverse == inverse)
            .then_some(cc.title.as_str())
    })
}

/// The cells of the map, each holding the page placed there by its column and row fields.
fn place_pages(
    site: &Site,
    q: &QuadrantsConfig,
    members: &[usize],
    diags: &mut Diagnostics,
) -> Vec<Vec<Option<usize>>> {
    let mut cells: Vec<Vec<Option<usize>>> = vec![vec![None; q.columns.len()]; q.rows.len()];
    for &i in members {
        let col = place(site, q, i, Axis::Column);
        let row = place(site, q, i, Axis::Row);
        let (c, r) = match (col, row) {
            (Ok(c), Ok(r)) => (c, r),
            (c, r) => {
                for d in [c.err(), r.err()].into_iter().flatten() {
                    diags.push(d);
                }
                continue;
            }
        };
        match cells[r][c] {
            Some(other) => diags.push(page_error(
                site,
                i,
                &q.column_field,
                format!(
                    "this page and `{}` sit in the same quadrant ({} = {}, {} = {}); each quadrant holds one page",
                    site.nodes[other].page.file,
                    q.column_field,
                    q.columns[c],
                    q.row_field,
                    q.rows[r]
                ),
            )),
            None => cells[r][c] = Some(i),
        }
    }
    cells
}

#[derive(Clone, Copy)]
enum Axis {
    Column,
    Row,
}

/// The index of page `i`'s value among the map's columns or rows.
fn place(site: &Site, q: &QuadrantsConfig, i: usize, axis: Axis) -> Result<usize, Diagnostic> {
    let (field, values, what, key) = match axis {
        Axis::Column => (&q.column_field, &q.columns, "column", "columns"),
        Axis::Row => (&q.row_field, &q.rows, "row", "rows"),
    };
    let value = site.nodes[i].page.fields.get(field);
    // The value as text (what an axis reads), a value of another type, or no value.
    let message = match value.map(FieldValue::as_str) {
        Some(Some(v)) => match values.iter().position(|x| x == v) {
            Some(at) => return Ok(at),
            None => format!(
                "`{field}: {v}` is not a {what} of the quadrant map (views.quadrants.{key} in site.toml: {}){}",
                values.join(", "),
                suggestion(v, values.iter().map(String::as_str))
            ),
        },
        Some(None) => format!("`{field}` must be one of: {}", values.join(", ")),
        None => format!(
            "missing `{field}`: a page of `{}` needs its {what} on the quadrant map ({})",
            q.collection,
            values.join(", ")
        ),
    };
    Err(page_error(site, i, field, message))
}

/// The overlay figures: the CSV row whose label starts with each quadrant's title.
fn load_overlay(
    site: &Site,
    o: &crate::config::OverlayConfig,
    members: &[usize],
    diags: &mut Diagnostics,
) -> Option<Overlay> {
    let config_error = |msg: String| site.config.error_at("views.quadrants.overlay.data", msg);
    let spec = super::chart::Spec {
        data: o.data.clone(),
        kind: super::chart::Kind::Bar,
        title: o.title.clone(),
        unit: o.unit.clone(),
        source: o.source.clone(),
        columns: Vec::new(),
    };
    let table = match super::chart::load_table(&spec, &SiteFiles(site)) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(config_error(format!("views.quadrants.overlay: {msg}")));
            return None;
        }
    };
    let mut values = BTreeMap::new();
    for &i in members {
        let title = crate::text::fold(&site.nodes[i].page.title);
        match table
            .rows
            .iter()
            .find(|(label, _)| crate::text::fold(label).starts_with(&title))
        {
            Some((_, v)) => {
                values.insert(i, v.clone());
            }
            None => diags.push(config_error(format!(
                "views.quadrants.overlay: no row of `{}` starts with the title of quadrant `{}`",
                o.data, site.nodes[i].page.title
            ))),
        }
    }
    let max = values
        .values()
        .flatten()
        .flatten()
        .fold(0.0f64, |a, &b| a.max(b));
    Some(Overlay {
        title: o.title.clone(),
        source: o.source.clone(),
        unit: o.unit.clone(),
        series: table.series,
        values,
        max: if o.unit == "%" { max.max(100.0) } else { max },
    })
}

/// The site's data files, for the overlay's table.
struct SiteFiles<'a>(&'a Site);

impl super::chart::DataFiles for SiteFiles<'_> {
    fn data(&self, path: &str) -> Option<&[u8]> {
        let asset = self.0.assets.iter().find(|a| a.path == path)?;
        asset.data.as_deref().map(Vec::as_slice)
    }
    fn paths(&self) -> Vec<&str> {
        self.0.assets.iter().map(|a| a.path.as_str()).collect()
    }
}

/// What `quadrant_map(page=…)` shows for a page (see the module documentation), or nothing.
pub fn for_page(model: &Model, page: Option<&str>) -> Result<Option<MapView>, String> {
    let Some(grid) = &model.grid else {
        return Ok(None);
    };
    let Some(url) = page else {
        return Ok(Some(full_map(model, grid, None)));
    };
    let i = model
        .page_by_url(url)
        .ok_or_else(|| format!("quadrant_map(): no page has the URL `{url}`"))?;
    let p = &model.pages[i];
    if p.kind == crate::content::PageKind::Home {
        return Ok(Some(full_map(model, grid, None)));
    }
    if p.collection.as_deref() == Some(grid.collection.as_str()) {
        return Ok(match grid.position(i) {
            Some(_) => Some(full_map(model, grid, Some(i))),
            None if p.kind == crate::content::PageKind::Section => {
                Some(full_map(model, grid, None))
            }
            None => None,
        });
    }
    let config = model.config().ok_or("quadrant_map(): no configuration")?;
    let relations = p
        .collection
        .as_deref()
        .and_then(|c| config.collections.get(c));
    let mut mine: Vec<usize> = Vec::new();
    for (name, links) in &p.relations {
        let to_quadrants = relations
            .and_then(|cc| cc.relations.get(name))
            .is_some_and(|r| r.to == grid.collection);
        if to_quadrants {
            mine.extend(links.iter().map(|l| l.node));
        }
    }
    if mine.is_empty() {
        return Ok(None);
    }
    Ok(Some(small_map(model, grid, &mine)))
}

// ---------------------------------------------------------------------------------------------
// The layout model: what the theme's `partials/quadrant-map.html` draws. The wide, the narrow
// and the small map are one model: a grid of cells, each with what its quadrant shows there.

/// A whole map: its caption and legend, its drawings, and its text equivalent.
#[derive(Debug, Serialize)]
pub struct MapView {
    /// `full` (home and quadrant pages, drawn wide and narrow) or `small` (a related page).
    pub kind: &'static str,
    pub caption: String,
    /// A quadrant is highlighted as the page's own (full) or as one of its quadrants (small).
    pub has_current: bool,
    pub legend: Vec<LegendEntry>,
    pub overlay: Option<OverlayLegend>,
    pub drawings: Vec<MapDrawing>,
    /// One item a quadrant, in reading order: the text equivalent of the drawings.
    pub list: Vec<ListQuadrant>,
}

#[derive(Debug, Serialize)]
pub struct LegendEntry {
    /// The marker kind (0–2), which gives its shape.
    pub kind: usize,
    pub code: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct OverlayLegend {
    pub title: String,
    pub unit: String,
    pub source: String,
}

/// One SVG drawing of the map; all coordinates are viewBox units, written out.
#[derive(Debug, Serialize)]
pub struct MapDrawing {
    pub class: &'static str,
    pub width: String,
    pub height: String,
    pub column_labels: Vec<TextBlock>,
    pub top_axis: Line,
    /// Row labels, each turned a quarter to the left around its centre.
    pub row_labels: Vec<RowLabel>,
    pub left_axis: Line,
    pub cells: Vec<CellView>,
}

/// A text of one or more lines (`<text>` with a `<tspan>` a line).
#[derive(Debug, Serialize)]
pub struct TextBlock {
    pub x: String,
    pub y: String,
    /// The font size, when it is not the CSS's.
    pub size: Option<String>,
    pub line_height: String,
    pub anchor: &'static str,
    pub lines: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct RowLabel {
    pub cx: String,
    pub cy: String,
    pub text: TextBlock,
}

#[derive(Debug, Serialize)]
pub struct Line {
    pub x1: String,
    pub y1: String,
    pub x2: String,
    pub y2: String,
}

#[derive(Debug, Serialize)]
pub struct Rect {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
}

/// A cell of the grid: its rectangle and, unless it is empty, its quadrant.
#[derive(Debug, Serialize)]
pub struct CellView {
    pub rect: Rect,
    pub radius: &'static str,
    pub quadrant: Option<QuadrantCell>,
}

/// What a quadrant shows in its cell.
#[derive(Debug, Serialize)]
pub struct QuadrantCell {
    pub slug: String,
    /// Highlighted, and ticked.
    pub current: bool,
    pub tick: Option<Tick>,
    pub title: TitleLinkView,
    /// On its own page: the pages of its `page_relations`.
    pub groups: Vec<RelatedGroup>,
    pub overlay: Vec<OverlayBar>,
    pub markers: Vec<MarkerView>,
}

#[derive(Debug, Serialize)]
pub struct Tick {
    pub cx: String,
    pub cy: String,
    pub r: String,
    pub text_y: String,
}

/// A quadrant's title as a focusable link to its page, with a focus ring.
#[derive(Debug, Serialize)]
pub struct TitleLinkView {
    pub url: String,
    /// The link's accessible name.
    pub label: String,
    /// The link leads to the page it is on.
    pub current: bool,
    pub ring: Rect,
    pub text: TextBlock,
}

#[derive(Debug, Serialize)]
pub struct RelatedGroup {
    pub x: String,
    pub y: String,
    pub title: String,
    pub links: Vec<RelatedLink>,
}

#[derive(Debug, Serialize)]
pub struct RelatedLink {
    pub url: String,
    pub label: String,
    pub ring: Rect,
    pub x: String,
    pub y: String,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct OverlayBar {
    pub x: String,
    pub y: String,
    pub series: String,
    pub value: String,
    /// The bar, when there is a figure; `style` picks its colour.
    pub bar: Option<Rect>,
    pub style: usize,
}

/// A marker: a focusable link drawn as a shape by kind (disc, square, diamond) with its code.
#[derive(Debug, Serialize)]
pub struct MarkerView {
    pub kind: usize,
    pub url: String,
    pub label: String,
    /// The focus ring (outer, inner) and the marker itself: the same shape, larger for the ring.
    pub ring: Shape,
    pub shape: Shape,
    pub code: String,
    pub code_x: String,
    pub code_y: String,
}

/// A disc, a square or a diamond.
#[derive(Debug, Serialize)]
pub struct Shape {
    /// `circle`, `rect` or `polygon`.
    pub element: &'static str,
    pub cx: String,
    pub cy: String,
    pub r: String,
    pub x: String,
    pub y: String,
    pub size: String,
    pub points: String,
}

/// A quadrant in the text equivalent of a map.
#[derive(Debug, Serialize)]
pub struct ListQuadrant {
    pub slug: String,
    pub url: String,
    pub title: String,
    pub current: bool,
    /// Where it sits: `linksboven`, `kolom 2, rij 1`.
    pub place: String,
    pub column_label: String,
    /// The row label with a lower-case first letter, to follow the column label.
    pub row_label: String,
    pub figures: Option<Figures>,
    /// The pages of its `page_relations`, on its own page.
    pub related: Vec<ListGroup>,
    pub groups: Vec<ListGroup>,
}

#[derive(Debug, Serialize)]
pub struct Figures {
    pub title: String,
    pub source: String,
    /// `3D's 82%`, one a series.
    pub values: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ListGroup {
    pub title: String,
    /// Marker kind (0–2) for the code's shape; unused for related pages.
    pub kind: usize,
    pub pages: Vec<ListPage>,
}

#[derive(Debug, Serialize)]
pub struct ListPage {
    pub code: String,
    pub url: String,
    pub title: String,
}

// ---------------------------------------------------------------------------------------------
// Geometry

/// Sizes of one drawing of the map, in viewBox units.
struct Geometry {
    width: f64,
    gap: f64,
    pad: f64,
    title: f64,
    label: f64,
    marker_r: f64,
    pitch: f64,
    code: f64,
    min_cell: f64,
    /// Lines a rotated row label may take.
    row_lines: f64,
}

const WIDE: Geometry = Geometry {
    width: 600.0,
    gap: 8.0,
    pad: 12.0,
    title: 18.0,
    label: 14.0,
    marker_r: 15.0,
    pitch: 35.0,
    code: 12.5,
    min_cell: 150.0,
    row_lines: 2.0,
};

const NARROW: Geometry = Geometry {
    width: 330.0,
    gap: 6.0,
    pad: 8.0,
    title: 14.0,
    label: 12.0,
    marker_r: 13.0,
    pitch: 31.0,
    code: 11.0,
    min_cell: 120.0,
    row_lines: 2.0,
};

const SMALL: Geometry = Geometry {
    width: 320.0,
    gap: 5.0,
    pad: 6.0,
    title: 12.5,
    label: 10.5,
    marker_r: 0.0,
    pitch: 0.0,
    code: 0.0,
    min_cell: 60.0,
    row_lines: 3.0,
};

/// The height of an overlay bar.
const OVERLAY_BAR: f64 = 7.0;

/// A number for an SVG attribute: one decimal, none when whole.
fn n(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round() as i64)
    } else {
        format!("{r:.1}")
    }
}

fn rect(x: f64, y: f64, w: f64, h: f64) -> Rect {
    Rect {
        x: n(x),
        y: n(y),
        width: n(w),
        height: n(h),
    }
}

/// An estimate of the width of a text in the theme's sans-serif font.
fn text_width(text: &str, size: f64, bold: bool) -> f64 {
    text.chars().count() as f64 * size * if bold { 0.72 } else { 0.62 }
}

/// Split a text into lines that fit `width` at `size`, at spaces.
fn wrap(text: &str, width: f64, size: f64, bold: bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_string()
        } else {
            format!("{current} {word}")
        };
        if !current.is_empty() && text_width(&candidate, size, bold) > width {
            lines.push(std::mem::replace(&mut current, word.to_string()));
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The width of the widest of `lines` in bold at `size`.
fn widest(lines: &[String], size: f64) -> f64 {
    lines
        .iter()
        .map(|l| text_width(l, size, true))
        .fold(0.0, f64::max)
}

/// A marker's shape, by kind: a disc, a square, a diamond, then the same again.
fn marker_shape(kind: usize, cx: f64, cy: f64, r: f64) -> Shape {
    let mut shape = Shape {
        element: "circle",
        cx: n(cx),
        cy: n(cy),
        r: n(r),
        x: String::new(),
        y: String::new(),
        size: String::new(),
        points: String::new(),
    };
    match kind % 3 {
        0 => {}
        1 => {
            let s = r * 0.95;
            shape.element = "rect";
            shape.x = n(cx - s);
            shape.y = n(cy - s);
            shape.size = n(2.0 * s);
        }
        _ => {
            let s = r * 1.15;
            shape.element = "polygon";
            shape.points = format!(
                "{},{} {},{} {},{} {},{}",
                n(cx),
                n(cy - s),
                n(cx + s),
                n(cy),
                n(cx),
                n(cy + s),
                n(cx - s),
                n(cy)
            );
        }
    }
    shape
}

/// One marker before it is placed.
struct Marker {
    kind: usize,
    code: String,
    title: String,
    url: String,
}

/// The markers of a quadrant, grouped by kind, in collection order.
fn markers_of(model: &Model, grid: &Grid, q: usize) -> Vec<Vec<Marker>> {
    grid.markers
        .iter()
        .enumerate()
        .map(|(k, kind)| {
            let links: &[Link] = model.pages[q]
                .inverse
                .get(&kind.inverse)
                .map_or(&[], Vec::as_slice);
            model
                .sorted_links(links)
                .into_iter()
                .map(|l| {
                    let p = &model.pages[l.node];
                    Marker {
                        kind: k,
                        code: format!("{}{}", kind.code, model.number_in_collection(l.node)),
                        title: p.title.clone(),
                        url: p.url.clone(),
                    }
                })
                .collect()
        })
        .collect()
}

/// The pages of the `page_relations` of a quadrant: (collection title, pages).
fn page_relations_of<'a>(
    model: &'a Model,
    grid: &'a Grid,
    q: usize,
) -> Vec<(&'a str, Vec<&'a PageInfo>)> {
    grid.page_relations
        .iter()
        .filter_map(|(inv, title)| {
            let links = model.pages[q].inverse.get(inv)?;
            let pages: Vec<&PageInfo> = model
                .sorted_links(links)
                .into_iter()
                .map(|l| &model.pages[l.node])
                .collect();
            (!pages.is_empty()).then_some((title.as_str(), pages))
        })
        .collect()
}

/// Room for the axis labels: the row labels at the left, the column labels on top.
fn margins(grid: &Grid, g: &Geometry, cell_w: f64) -> (f64, f64) {
    let lh = g.label * 1.25;
    let col_lines = grid
        .column_labels
        .iter()
        .map(|l| wrap(l, cell_w - 8.0, g.label, false).len())
        .max()
        .unwrap_or(1) as f64;
    (g.row_lines * lh + 14.0, col_lines * lh + 14.0)
}

fn cell_width(grid: &Grid, g: &Geometry) -> f64 {
    let cols = grid.column_labels.len().max(1) as f64;
    let left = g.row_lines * g.label * 1.25 + 14.0;
    (g.width - left - 2.0 - g.gap * (cols - 1.0)) / cols
}

/// The least row height that fits every rotated row label on its lines.
fn row_min(grid: &Grid, g: &Geometry) -> f64 {
    let fits = |h: f64| {
        grid.row_labels
            .iter()
            .all(|l| wrap(l, h - 10.0, g.label, false).len() as f64 <= g.row_lines)
    };
    let mut h = g.min_cell;
    while !fits(h) && h < 2000.0 {
        h += 4.0;
    }
    h
}

/// The title size of a map: the theme's, or less when a word of a title would not fit a cell.
fn title_size(model: &Model, grid: &Grid, width: f64, size: f64) -> f64 {
    grid.cells
        .iter()
        .flatten()
        .flatten()
        .flat_map(|&q| model.pages[q].title.split_whitespace())
        .map(|word| width / text_width(word, 1.0, true))
        .fold(size, f64::min)
        .max(8.0)
}

fn tick(x: f64, y: f64, r: f64) -> Tick {
    Tick {
        cx: n(x),
        cy: n(y),
        r: n(r),
        text_y: n(y + r * 0.45),
    }
}

/// One drawing of a map in the making: its geometry, the sizes that follow from it, and the
/// height of each row.
struct Layout<'a> {
    model: &'a Model,
    grid: &'a Grid,
    g: &'a Geometry,
    cell_w: f64,
    /// The width inside a cell's padding.
    inner: f64,
    /// The quadrant titles' size and line height.
    ts: f64,
    title_lh: f64,
    row_h: Vec<f64>,
    left: f64,
    top: f64,
}

impl<'a> Layout<'a> {
    fn new(model: &'a Model, grid: &'a Grid, g: &'a Geometry) -> Self {
        let cell_w = cell_width(grid, g);
        let inner = cell_w - 2.0 * g.pad;
        let ts = title_size(model, grid, inner, g.title);
        let (left, top) = margins(grid, g, cell_w);
        Layout {
            model,
            grid,
            g,
            cell_w,
            inner,
            ts,
            title_lh: ts * 1.2,
            row_h: Vec::new(),
            left,
            top,
        }
    }

    /// The height of every row: that of its tallest cell (`content_h` of each quadrant), at
    /// least what its row label needs.
    fn row_heights(&self, content_h: impl Fn(usize) -> f64) -> Vec<f64> {
        let min_h = row_min(self.grid, self.g);
        self.grid
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .flatten()
                    .map(|&q| content_h(q))
                    .fold(min_h, f64::max)
            })
            .collect()
    }

    fn title_lines(&self, q: usize) -> Vec<String> {
        wrap(&self.model.pages[q].title, self.inner, self.ts, true)
    }

    fn height(&self) -> f64 {
        self.top
            + self.row_h.iter().sum::<f64>()
            + self.g.gap * (self.row_h.len() as f64 - 1.0)
            + 2.0
    }

    /// The drawing around `cell` (called with each cell's place and quadrant).
    fn drawing(
        &self,
        class: &'static str,
        radius: &'static str,
        mut cell: impl FnMut(f64, f64, usize, usize) -> Option<QuadrantCell>,
    ) -> MapDrawing {
        let mut cells = Vec::new();
        let mut y = self.top;
        for (r, row) in self.grid.cells.iter().enumerate() {
            for (c, q) in row.iter().enumerate() {
                let x = self.left + c as f64 * (self.cell_w + self.g.gap);
                cells.push(CellView {
                    rect: rect(x, y, self.cell_w, self.row_h[r]),
                    radius,
                    quadrant: q.and_then(|q| cell(x, y, r, q)),
                });
            }
            y += self.row_h[r] + self.g.gap;
        }
        let (column_labels, top_axis) = self.column_axis();
        let (row_labels, left_axis) = self.row_axis();
        MapDrawing {
            class,
            width: n(self.g.width),
            height: n(self.height()),
            column_labels,
            top_axis,
            row_labels,
            left_axis,
            cells,
        }
    }

    /// The column labels above the grid, and the line under them.
    fn column_axis(&self) -> (Vec<TextBlock>, Line) {
        let g = self.g;
        let lh = g.label * 1.25;
        let labels = self
            .grid
            .column_labels
            .iter()
            .enumerate()
            .map(|(c, label)| {
                let lines = wrap(label, self.cell_w - 8.0, g.label, false);
                let x = self.left + c as f64 * (self.cell_w + g.gap) + self.cell_w / 2.0;
                let y = self.top - 12.0 - (lines.len() as f64 - 1.0) * lh;
                text_block(x, y, None, lh, "middle", lines)
            })
            .collect();
        let right =
            self.left + self.grid.column_labels.len() as f64 * (self.cell_w + g.gap) - g.gap;
        let line = Line {
            x1: n(self.left),
            y1: n(self.top - 5.0),
            x2: n(right),
            y2: n(self.top - 5.0),
        };
        (labels, line)
    }

    /// The row labels left of the grid, turned, and the line beside them.
    fn row_axis(&self) -> (Vec<RowLabel>, Line) {
        let g = self.g;
        let lh = g.label * 1.25;
        let mut y = self.top;
        let mut labels = Vec::new();
        for (r, label) in self.grid.row_labels.iter().enumerate() {
            let h = self.row_h.get(r).copied().unwrap_or(g.min_cell);
            let lines = wrap(label, h - 10.0, g.label, false);
            labels.push(RowLabel {
                cx: n(self.left - 12.0 - (lines.len() as f64 - 1.0) * lh),
                cy: n(y + h / 2.0),
                text: text_block(0.0, 0.0, None, lh, "middle", lines),
            });
            y += h + g.gap;
        }
        let line = Line {
            x1: n(self.left - 5.0),
            y1: n(self.top),
            x2: n(self.left - 5.0),
            y2: n(y - g.gap),
        };
        (labels, line)
    }
}

fn text_block(
    x: f64,
    y: f64,
    size: Option<f64>,
    line_height: f64,
    anchor: &'static str,
    lines: Vec<String>,
) -> TextBlock {
    TextBlock {
        x: n(x),
        y: n(y),
        size: size.map(n),
        line_height: n(line_height),
        anchor,
        lines,
    }
}

// ---------------------------------------------------------------------------------------------
// The whole map

/// The whole map (home, collection and quadrant pages): two drawings and the text equivalent.
fn full_map(model: &Model, grid: &Grid, current: Option<usize>) -> MapView {
    MapView {
        kind: "full",
        caption: grid.title.clone(),
        has_current: current.is_some(),
        legend: grid
            .markers
            .iter()
            .enumerate()
            .map(|(k, m)| LegendEntry {
                kind: k % 3,
                code: m.code.clone(),
                title: m.title.clone(),
            })
            .collect(),
        overlay: grid.overlay.as_ref().map(|o| OverlayLegend {
            title: o.title.clone(),
            unit: o.unit.clone(),
            source: o.source.clone(),
        }),
        drawings: vec![
            full_drawing(model, grid, current, &WIDE, "qm-svg-wide"),
            full_drawing(model, grid, current, &NARROW, "qm-svg-narrow"),
        ],
        list: full_list(model, grid, current),
    }
}

/// How many markers fit a row of a cell.
fn markers_per_row(l: &Layout) -> usize {
    let g = l.g;
    (((l.inner + g.pitch - 2.0 * g.marker_r) / g.pitch).floor() as usize).max(1)
}

/// One drawing of the whole map (wide or narrow).
fn full_drawing(
    model: &Model,
    grid: &Grid,
    current: Option<usize>,
    g: &Geometry,
    class: &'static str,
) -> MapDrawing {
    let mut l = Layout::new(model, grid, g);
    let line_lh = g.label * 1.45;
    let per_row = markers_per_row(&l);
    let overlay_h = grid.overlay.as_ref().map_or(0.0, |o| {
        o.series.len() as f64 * (line_lh + OVERLAY_BAR + 4.0)
    });
    let content_h = |q: usize| {
        let mut h = g.pad + l.title_lines(q).len() as f64 * l.title_lh;
        if current == Some(q) {
            for (_, pages) in page_relations_of(model, grid, q) {
                h += (1 + pages.len()) as f64 * line_lh;
            }
        }
        h += 6.0 + overlay_h;
        for group in markers_of(model, grid, q) {
            h += group.len().div_ceil(per_row) as f64 * g.pitch;
        }
        h + g.pad
    };
    l.row_h = l.row_heights(content_h);
    l.drawing(class, "6", |x, y, _, q| {
        Some(full_cell(&l, current, x, y, q))
    })
}

/// A quadrant in the whole map: its title link, its roles on its own page, its figures and its
/// markers, top to bottom.
fn full_cell(l: &Layout, current: Option<usize>, x: f64, y: f64, q: usize) -> QuadrantCell {
    let (model, g) = (l.model, l.g);
    let is_current = current == Some(q);
    let page = &model.pages[q];
    let lines = l.title_lines(q);
    let text_w = widest(&lines, l.ts).min(l.inner);
    let mut cy = y + g.pad + l.ts * 0.95;
    let ring = rect(
        x + g.pad - 4.0,
        y + g.pad - 4.0,
        text_w + 8.0,
        lines.len() as f64 * l.title_lh + 6.0,
    );
    let title_lines = lines.len() as f64;
    let title = TitleLinkView {
        url: page.url.clone(),
        label: page.title.clone(),
        current: is_current,
        ring,
        text: text_block(x + g.pad, cy, Some(l.ts), l.title_lh, "start", lines),
    };
    cy += (title_lines - 1.0) * l.title_lh;
    let groups = if is_current {
        related_groups(l, x, &mut cy, q)
    } else {
        Vec::new()
    };
    cy += 6.0;
    let overlay = overlay_bars(l, x, &mut cy, q);
    QuadrantCell {
        slug: page.slug.clone(),
        current: is_current,
        tick: is_current.then(|| tick(x + l.cell_w - 18.0, y + 1.0, 9.0)),
        title,
        groups,
        overlay,
        markers: place_markers(l, x, cy, q),
    }
}

/// On a quadrant's own page: its `page_relations` (its roles) under its title, from `cy` down.
fn related_groups(l: &Layout, x: f64, cy: &mut f64, q: usize) -> Vec<RelatedGroup> {
    let g = l.g;
    let line_lh = g.label * 1.45;
    let mut out = Vec::new();
    for (title, pages) in page_relations_of(l.model, l.grid, q) {
        *cy += line_lh;
        let mut group = RelatedGroup {
            x: n(x + g.pad),
            y: n(*cy),
            title: title.to_string(),
            links: Vec::new(),
        };
        for p in pages {
            *cy += line_lh;
            let w = text_width(&p.title, g.label, true).min(l.inner);
            group.links.push(RelatedLink {
                url: p.url.clone(),
                label: format!("{title}: {}", p.title),
                ring: rect(x + g.pad - 3.0, *cy - g.label, w + 6.0, g.label * 1.4),
                x: n(x + g.pad),
                y: n(*cy),
                title: p.title.clone(),
            });
        }
        out.push(group);
    }
    out
}

/// The survey figures of a quadrant as labelled bars, from `cy` down.
fn overlay_bars(l: &Layout, x: f64, cy: &mut f64, q: usize) -> Vec<OverlayBar> {
    let g = l.g;
    let line_lh = g.label * 1.45;
    let Some(o) = &l.grid.overlay else {
        return Vec::new();
    };
    let Some(values) = o.values.get(&q) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, (series, v)) in o.series.iter().zip(values).enumerate() {
        *cy += line_lh;
        out.push(OverlayBar {
            x: n(x + g.pad),
            y: n(*cy),
            series: series.clone(),
            value: v.map_or("–".to_string(), |v| {
                format!("{}{}", l.model.strings.number(v), o.unit)
            }),
            bar: v.map(|v| {
                let w = if o.max > 0.0 {
                    l.inner * v / o.max
                } else {
                    0.0
                };
                rect(x + g.pad, *cy + 4.0, w.max(1.0), OVERLAY_BAR)
            }),
            style: k % 4,
        });
        *cy += OVERLAY_BAR + 4.0;
    }
    out
}

/// The markers of a quadrant, a row of each kind, below `cy`.
fn place_markers(l: &Layout, x: f64, cy: f64, q: usize) -> Vec<MarkerView> {
    let g = l.g;
    let per_row = markers_per_row(l);
    let mut out = Vec::new();
    let mut my = cy + 4.0 + g.pitch / 2.0;
    for group in markers_of(l.model, l.grid, q) {
        for (k, m) in group.iter().enumerate() {
            let mx = x + g.pad + g.marker_r + (k % per_row) as f64 * g.pitch;
            let row_y = my + (k / per_row) as f64 * g.pitch;
            out.push(MarkerView {
                kind: m.kind % 3,
                url: m.url.clone(),
                label: format!("{} {}", m.code, m.title),
                ring: marker_shape(m.kind, mx, row_y, g.marker_r + 5.0),
                shape: marker_shape(m.kind, mx, row_y, g.marker_r),
                code: m.code.clone(),
                code_x: n(mx),
                code_y: n(row_y + g.code * 0.36),
            });
        }
        my += group.len().div_ceil(per_row) as f64 * g.pitch;
    }
    out
}

/// The text equivalent of the whole map: per quadrant its link, place, figures and markers.
fn full_list(model: &Model, grid: &Grid, current: Option<usize>) -> Vec<ListQuadrant> {
    let mut out = Vec::new();
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let Some(q) = *cell else { continue };
            let mut item = list_quadrant(model, grid, r, c, q, current == Some(q));
            item.figures = grid.overlay.as_ref().and_then(|o| {
                let values = o.values.get(&q)?;
                Some(Figures {
                    title: o.title.clone(),
                    source: o.source.clone(),
                    values: o
                        .series
                        .iter()
                        .zip(values)
                        .filter_map(|(s, v)| {
                            Some(format!("{s} {}{}", model.strings.number((*v)?), o.unit))
                        })
                        .collect(),
                })
            });
            if item.current {
                item.related = page_relations_of(model, grid, q)
                    .into_iter()
                    .map(|(title, pages)| ListGroup {
                        title: title.to_string(),
                        kind: 0,
                        pages: pages.iter().map(|p| list_page(String::new(), p)).collect(),
                    })
                    .collect();
            }
            item.groups = markers_of(model, grid, q)
                .into_iter()
                .enumerate()
                .filter(|(_, group)| !group.is_empty())
                .map(|(k, group)| ListGroup {
                    title: grid.markers[k].title.clone(),
                    kind: k % 3,
                    pages: group
                        .into_iter()
                        .map(|m| ListPage {
                            code: m.code,
                            url: m.url,
                            title: m.title,
                        })
                        .collect(),
                })
                .collect();
            out.push(item);
        }
    }
    out
}

fn list_page(code: String, p: &PageInfo) -> ListPage {
    ListPage {
        code,
        url: p.url.clone(),
        title: p.title.clone(),
    }
}

/// A quadrant in a map's text equivalent, with what every map says of it.
fn list_quadrant(
    model: &Model,
    grid: &Grid,
    r: usize,
    c: usize,
    q: usize,
    current: bool,
) -> ListQuadrant {
    let page = &model.pages[q];
    ListQuadrant {
        slug: page.slug.clone(),
        url: page.url.clone(),
        title: page.title.clone(),
        current,
        place: grid.place_name(r, c, &model.strings),
        column_label: grid.column_labels[c].clone(),
        row_label: lower_first(&grid.row_labels[r]),
        figures: None,
        related: Vec::new(),
        groups: Vec::new(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------
// The small map

/// The small map of a page related to the quadrants: its quadrants highlighted and ticked.
fn small_map(model: &Model, grid: &Grid, mine: &[usize]) -> MapView {
    let g = &SMALL;
    let mut l = Layout::new(model, grid, g);
    let title_h = |q: usize| 2.0 * g.pad + l.title_lines(q).len() as f64 * l.title_lh;
    l.row_h = l.row_heights(title_h);
    let drawing = l.drawing("qm-svg-small", "5", |x, y, r, q| {
        Some(small_cell(&l, mine.contains(&q), x, y, r, q))
    });
    let mut list = Vec::new();
    for (r, row) in grid.cells.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if let Some(q) = *cell {
                list.push(list_quadrant(model, grid, r, c, q, mine.contains(&q)));
            }
        }
    }
    MapView {
        kind: "small",
        caption: grid.title.clone(),
        has_current: true,
        legend: Vec::new(),
        overlay: None,
        drawings: vec![drawing],
        list,
    }
}

/// A quadrant in the small map: its title centred, ticked when it is one of the page's.
fn small_cell(l: &Layout, is_mine: bool, x: f64, y: f64, r: usize, q: usize) -> QuadrantCell {
    let page = &l.model.pages[q];
    let lines = l.title_lines(q);
    let text_h = lines.len() as f64 * l.title_lh;
    let text_w = widest(&lines, l.ts).min(l.inner);
    let cx = x + l.cell_w / 2.0;
    let ty = y + (l.row_h[r] - text_h) / 2.0;
    let label = if is_mine {
        format!("{} ({})", page.title, l.model.strings.get("map.belongs"))
    } else {
        page.title.clone()
    };
    QuadrantCell {
        slug: page.slug.clone(),
        current: is_mine,
        tick: is_mine.then(|| tick(x + 12.0, y + 12.0, 8.0)),
        title: TitleLinkView {
            url: page.url.clone(),
            label,
            current: false,
            ring: rect(
                cx - text_w / 2.0 - 4.0,
                ty - 3.0,
                text_w + 8.0,
                text_h + 6.0,
            ),
            text: text_block(
                cx,
                ty + l.ts * 0.95,
                Some(l.ts),
                l.title_lh,
                "middle",
                lines,
            ),
        },
        groups: Vec::new(),
        overlay: Vec::new(),
        markers: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let lines = wrap("Vanuit resultaten naar randvoorwaarden", 150.0, 12.0, false);
        assert!(lines.len() >= 2, "{lines:?}");
        assert_eq!(lines.join(" "), "Vanuit resultaten naar randvoorwaarden");
    }

    #[test]
    fn numbers_are_short() {
        assert_eq!(n(12.0), "12");
        assert_eq!(n(12.345), "12.3");
    }
}
