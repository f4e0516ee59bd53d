//! Fenced ```` ```chart ```` blocks: a CSV file under `content/data/` drawn as an accessible SVG
//! bar chart (bar, grouped-bar or stacked-bar), inside a `<figure>` with its caption and source,
//! with the figures as an HTML table beside it.
//!
//! Series are told apart by pattern as well as colour, and every bar carries its value as text,
//! so the chart reads without colour vision and in print.

use crate::i18n::Strings;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bar,
    GroupedBar,
    StackedBar,
}

/// The parsed `key: value` lines of a chart block.
#[derive(Debug, Clone)]
pub struct Spec {
    pub data: String,
    pub kind: Kind,
    pub title: String,
    pub unit: String,
    pub source: String,
    /// Series to draw, by column name; all numeric columns when empty.
    pub columns: Vec<String>,
}

/// The table read from the CSV file: row labels, series names and values (None = empty cell).
#[derive(Debug, Clone)]
pub struct Table {
    pub label_header: String,
    pub series: Vec<String>,
    pub rows: Vec<(String, Vec<Option<f64>>)>,
}

const KEYS: &[&str] = &["data", "kind", "title", "unit", "source", "columns"];

pub fn parse_spec(text: &str) -> Result<Spec, String> {
    let mut spec = Spec {
        data: String::new(),
        kind: Kind::Bar,
        title: String::new(),
        unit: String::new(),
        source: String::new(),
        columns: Vec::new(),
    };
    for (i, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(format!(
                "line {} of the block: expected `key: value`",
                i + 1
            ));
        };
        let key = key.trim();
        let value = value.trim().trim_matches(['"', '\'']).to_string();
        match key {
            "data" => spec.data = value,
            "kind" => {
                spec.kind = match value.as_str() {
                    "bar" => Kind::Bar,
                    "grouped-bar" => Kind::GroupedBar,
                    "stacked-bar" => Kind::StackedBar,
                    other => {
                        return Err(format!(
                            "unknown kind `{other}` (bar, grouped-bar or stacked-bar){}",
                            crate::error::suggestion(other, ["bar", "grouped-bar", "stacked-bar"])
                        ));
                    }
                }
            }
            "title" => spec.title = value,
            "unit" => spec.unit = value,
            "source" => spec.source = value,
            "columns" => {
                spec.columns = value
                    .trim_matches(['[', ']'])
                    .split(',')
                    .map(|c| c.trim().trim_matches(['"', '\'']).to_string())
                    .filter(|c| !c.is_empty())
                    .collect()
            }
            other => {
                return Err(format!(
                    "unknown key `{other}` (known: {}){}",
                    KEYS.join(", "),
                    crate::error::suggestion(other, KEYS.iter().copied())
                ));
            }
        }
    }
    if spec.data.is_empty() {
        return Err("missing `data: file.csv` (a path under content/data/)".into());
    }
    if spec.title.is_empty() {
        return Err("missing `title:`; a chart needs a caption".into());
    }
    Ok(spec)
}

/// Read the CSV named by the spec, keeping the requested columns.
pub fn load_table(spec: &Spec, data_dir: &Path) -> Result<Table, String> {
    if crate::text::check_site_path(&spec.data).is_err() {
        return Err(format!(
            "data file `{}` must be a path inside content/data/",
            spec.data
        ));
    }
    let path = data_dir.join(&spec.data);
    let bytes = std::fs::read(&path)
        .map_err(|e| format!("cannot read data file `content/data/{}`: {e}", spec.data))?;
    let text = crate::content::decode(&bytes).map_err(|(l, _)| {
        format!(
            "data file `content/data/{}` is not UTF-8 (line {l})",
            spec.data
        )
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("data file `{}`: {e}", spec.data))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.len() < 2 {
        return Err(format!(
            "data file `{}` needs a label column and at least one value column",
            spec.data
        ));
    }
    let wanted: Vec<usize> = if spec.columns.is_empty() {
        (1..headers.len()).collect()
    } else {
        let mut idx = Vec::new();
        for c in &spec.columns {
            match headers.iter().position(|h| h == c) {
                Some(i) if i > 0 => idx.push(i),
                _ => {
                    return Err(format!(
                        "unknown column `{c}` in `{}`{}",
                        spec.data,
                        crate::error::suggestion(c, headers[1..].iter().map(String::as_str))
                    ));
                }
            }
        }
        idx
    };
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("data file `{}`: {e}", spec.data))?;
        let label = record.get(0).unwrap_or_default().trim().to_string();
        let mut values = Vec::new();
        for &i in &wanted {
            let cell = record.get(i).unwrap_or_default().trim();
            if cell.is_empty() {
                values.push(None);
                continue;
            }
            let v: f64 = cell.parse().map_err(|_| {
                format!(
                    "data file `{}` line {}, column `{}`: `{cell}` is not a number",
                    spec.data,
                    n + 2,
                    headers[i]
                )
            })?;
            if !v.is_finite() {
                return Err(format!(
                    "data file `{}` line {}: `{cell}` is not a finite number",
                    spec.data,
                    n + 2
                ));
            }
            values.push(Some(v));
        }
        rows.push((label, values));
    }
    if rows.is_empty() {
        return Err(format!("data file `{}` has no rows", spec.data));
    }
    Ok(Table {
        label_header: headers[0].clone(),
        series: wanted.iter().map(|&i| headers[i].clone()).collect(),
        rows,
    })
}

/// A chart block read: its spec and its data. The Markdown stage leaves it in a slot of the
/// page body; the render stage draws it with the theme's `partials/chart.html`.
#[derive(Debug, Clone)]
pub struct Chart {
    pub spec: Spec,
    pub table: Table,
}

/// Read a chart block and its data file, or say what is wrong with them.
pub fn read(block: &str, data_dir: &Path) -> Result<Chart, String> {
    let spec = parse_spec(block)?;
    let table = load_table(&spec, data_dir)?;
    Ok(Chart { spec, table })
}

/// The chart is drawn twice: wide for screens and print, narrow for phones (CSS shows one),
/// so that its text stays readable at 360 px.
const WIDE: f64 = 720.0;
const NARROW: f64 = 360.0;
const LABEL_LINE: f64 = 18.0;
const BAR: f64 = 20.0;
const BAR_GAP: f64 = 4.0;
const ROW_GAP: f64 = 16.0;
const PLOT_LEFT: f64 = 8.0;
const PLOT_RIGHT: f64 = 72.0;
const MAX_SERIES_STYLES: usize = 4;

/// A round upper bound for the axis: 100 for percentages, else 1, 2 or 5 × 10ⁿ above the maximum.
fn axis_max(max: f64, unit: &str) -> f64 {
    if unit == "%" && max <= 100.0 {
        return 100.0;
    }
    if max <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|&c| c >= max)
        .unwrap_or(10.0 * mag)
}

/// Split a label into lines of at most `width` characters at spaces.
fn wrap(label: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in label.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

/// A stable id for the chart's SVG definitions, from its data file and title.
fn chart_id(spec: &Spec) -> String {
    let slug = crate::text::slugify(&format!(
        "{} {}",
        spec.data.trim_end_matches(".csv"),
        spec.title
    ));
    format!("chart-{}", slug.chars().take(48).collect::<String>())
}

/// A coordinate as the SVG gets it: one decimal.
fn c(v: f64) -> String {
    format!("{v:.1}")
}

/// Everything `partials/chart.html` draws: the figure, its two drawings and its table.
#[derive(Debug, Serialize)]
pub struct ChartView {
    pub id: String,
    pub title: String,
    pub source: String,
    /// The string key of the chart's kind (`chart.bar`), for its description.
    pub kind: &'static str,
    pub row_count: usize,
    pub drawings: Vec<Drawing>,
    pub table: TableView,
}

/// One SVG drawing of the chart.
#[derive(Debug, Serialize)]
pub struct Drawing {
    /// The id prefix of its definitions (fill patterns) and title.
    pub id: String,
    pub class: &'static str,
    pub width: String,
    pub height: String,
    pub grid: Vec<GridLine>,
    pub legend: Vec<LegendItem>,
    pub rows: Vec<RowView>,
}

#[derive(Debug, Serialize)]
pub struct GridLine {
    pub x: String,
    pub y1: String,
    pub y2: String,
    pub label_y: String,
    pub anchor: &'static str,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct LegendItem {
    pub style: usize,
    pub x: String,
    pub y: String,
    pub text_x: String,
    pub text_y: String,
    pub name: String,
}

/// The label lines and bars of one row of the table.
#[derive(Debug, Serialize)]
pub struct RowView {
    pub labels: Vec<TextAt>,
    pub bars: Vec<BarView>,
    /// The total after a stacked bar.
    pub total: Option<TextAt>,
}

#[derive(Debug, Serialize)]
pub struct TextAt {
    pub x: String,
    pub y: String,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct BarView {
    pub style: usize,
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The bar's tooltip: series and value.
    pub title: String,
    /// Its value as text beside the bar (or inside a wide enough stacked segment).
    pub value: Option<TextAt>,
    pub inside: bool,
}

#[derive(Debug, Serialize)]
pub struct TableView {
    /// The caption's unit, `(%)`, or empty.
    pub unit: String,
    pub label_header: String,
    pub series: Vec<String>,
    pub rows: Vec<(String, Vec<String>)>,
}

/// The layout of a chart in the site's language (decimal mark, the text of a missing figure).
pub fn layout(chart: &Chart, strings: &Strings) -> ChartView {
    let (spec, table) = (&chart.spec, &chart.table);
    let id = chart_id(spec);
    let drawings = vec![
        drawing(spec, table, &id, WIDE, "chart-svg chart-svg-wide", strings),
        drawing(
            spec,
            table,
            &format!("{id}-n"),
            NARROW,
            "chart-svg chart-svg-narrow",
            strings,
        ),
    ];
    ChartView {
        id,
        title: spec.title.clone(),
        source: spec.source.clone(),
        kind: match spec.kind {
            Kind::Bar => "chart.bar",
            Kind::GroupedBar => "chart.grouped_bar",
            Kind::StackedBar => "chart.stacked_bar",
        },
        row_count: table.rows.len(),
        drawings,
        table: table_view(spec, table, strings),
    }
}

fn table_view(spec: &Spec, table: &Table, strings: &Strings) -> TableView {
    TableView {
        unit: if spec.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", spec.unit)
        },
        label_header: table.label_header.clone(),
        series: table.series.clone(),
        rows: table
            .rows
            .iter()
            .map(|(label, values)| {
                let cells = values
                    .iter()
                    .map(|v| v.map_or_else(|| "–".into(), |v| strings.number(v)))
                    .collect();
                (label.clone(), cells)
            })
            .collect(),
    }
}

/// The sizes every row of one drawing shares.
struct Frame<'a> {
    spec: &'a Spec,
    table: &'a Table,
    strings: &'a Strings,
    top: f64,
    plot_w: f64,
    series_count: usize,
}

impl Frame<'_> {
    fn scale(&self, v: f64) -> f64 {
        (v.max(0.0) / self.top) * self.plot_w
    }

    fn shown(&self, v: f64) -> String {
        format!("{}{}", self.strings.number(v), self.spec.unit)
    }

    /// The bars of one row, from `y`; returns them and the `y` below them.
    fn bars(&self, values: &[Option<f64>], mut y: f64) -> (Vec<BarView>, Option<TextAt>, f64) {
        let mut bars = Vec::new();
        if self.spec.kind == Kind::StackedBar {
            let mut x = PLOT_LEFT;
            for (s, v) in values.iter().enumerate() {
                let Some(v) = *v else { continue };
                let w = self.scale(v);
                bars.push(BarView {
                    style: s % MAX_SERIES_STYLES,
                    x: c(x),
                    y: c(y),
                    width: c(w),
                    height: BAR.to_string(),
                    title: format!("{}: {}", self.table.series[s], self.shown(v)),
                    value: (w >= 30.0).then(|| TextAt {
                        x: c(x + w / 2.0),
                        y: c(y + BAR - 6.0),
                        text: self.strings.number(v),
                    }),
                    inside: true,
                });
                x += w;
            }
            let total: f64 = values.iter().flatten().sum();
            let total = TextAt {
                x: c(x + 6.0),
                y: c(y + BAR - 6.0),
                text: self.shown(total),
            };
            return (bars, Some(total), y + BAR + ROW_GAP);
        }
        for (s, v) in values.iter().take(self.series_count).enumerate() {
            let w = v.map(|v| self.scale(v)).unwrap_or(0.0);
            let shown = v.map_or_else(
                || self.strings.get("chart.no_value").to_string(),
                |v| self.shown(v),
            );
            bars.push(BarView {
                style: s % MAX_SERIES_STYLES,
                x: PLOT_LEFT.to_string(),
                y: c(y),
                width: c(w),
                height: BAR.to_string(),
                title: format!("{}: {shown}", self.table.series[s]),
                value: Some(TextAt {
                    x: c(PLOT_LEFT + w + 6.0),
                    y: c(y + BAR - 6.0),
                    text: shown,
                }),
                inside: false,
            });
            y += BAR + BAR_GAP;
        }
        (bars, None, y + ROW_GAP - BAR_GAP)
    }
}

/// Legend items flow left to right and wrap to a new line when the width is used up. Returns
/// them and the height they take.
fn legend(table: &Table, series_count: usize, width: f64) -> (Vec<LegendItem>, f64) {
    let mut items = Vec::new();
    if series_count < 2 {
        return (items, 0.0);
    }
    let (mut x, mut ly) = (PLOT_LEFT, 4.0);
    for (s, name) in table.series.iter().take(series_count).enumerate() {
        let item_w = 22.0 + name.chars().count() as f64 * 7.5 + 24.0;
        if x > PLOT_LEFT && x + item_w > width {
            x = PLOT_LEFT;
            ly += 22.0;
        }
        items.push(LegendItem {
            style: s % MAX_SERIES_STYLES,
            x: c(x),
            y: c(ly),
            text_x: c(x + 22.0),
            text_y: c(ly + 13.0),
            name: name.clone(),
        });
        x += item_w;
    }
    (items, ly + 24.0)
}

fn drawing(
    spec: &Spec,
    table: &Table,
    id: &str,
    width: f64,
    class: &'static str,
    strings: &Strings,
) -> Drawing {
    let stacked = spec.kind == Kind::StackedBar;
    let series_count = if spec.kind == Kind::Bar {
        1
    } else {
        table.series.len()
    };
    let max = table
        .rows
        .iter()
        .map(|(_, vs)| {
            if stacked {
                vs.iter().flatten().sum()
            } else {
                vs.iter()
                    .take(series_count)
                    .flatten()
                    .fold(0.0f64, |a, &b| a.max(b))
            }
        })
        .fold(0.0f64, f64::max);
    let frame = Frame {
        spec,
        table,
        strings,
        top: axis_max(max, &spec.unit),
        plot_w: width - PLOT_LEFT - PLOT_RIGHT,
        series_count,
    };
    let (legend, legend_h) = legend(table, series_count, width);
    let label_chars = (width / 9.0) as usize;
    let mut rows = Vec::new();
    let mut y = legend_h + 8.0;
    for (label, values) in &table.rows {
        let lines = wrap(label, label_chars);
        let labels = lines
            .iter()
            .enumerate()
            .map(|(k, line)| TextAt {
                x: PLOT_LEFT.to_string(),
                y: c(y + LABEL_LINE * (k as f64 + 1.0) - 5.0),
                text: line.clone(),
            })
            .collect();
        y += LABEL_LINE * lines.len() as f64;
        let (bars, total, below) = frame.bars(values, y);
        y = below;
        rows.push(RowView {
            labels,
            bars,
            total,
        });
    }
    let grid = (0..=4)
        .map(|k| {
            let v = frame.top * k as f64 / 4.0;
            GridLine {
                x: c(PLOT_LEFT + frame.scale(v)),
                y1: c(legend_h + 4.0),
                y2: c(y),
                label_y: c(y + 16.0),
                anchor: match k {
                    0 => "start",
                    4 => "end",
                    _ => "middle",
                },
                label: frame.shown(v),
            }
        })
        .collect();
    Drawing {
        id: id.to_string(),
        class,
        width: format!("{width}"),
        height: format!("{:.0}", y + 24.0),
        grid,
        legend,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        Table {
            label_header: "Sturing".into(),
            series: vec!["3D's".into(), "Omgevingswet".into()],
            rows: vec![
                ("Rechtmatige overheid".into(), vec![Some(8.0), Some(18.0)]),
                ("Presterende overheid".into(), vec![Some(48.0), Some(37.0)]),
            ],
        }
    }

    #[test]
    fn values_and_labels_of_the_csv_appear_in_svg_and_table() {
        let spec = parse_spec(
            "data: t.csv\nkind: grouped-bar\ntitle: Gewenste sturing\nunit: \"%\"\nsource: Tabel 1",
        )
        .unwrap();
        let strings = Strings::new(
            "nl",
            Strings::parse_table("[format]\ndecimal_mark = \",\"\n[chart]\nno_value = \"-\"\n")
                .unwrap(),
        );
        let view = layout(
            &Chart {
                spec,
                table: table(),
            },
            &strings,
        );
        let wide = &view.drawings[0];
        let values: Vec<&str> = wide
            .rows
            .iter()
            .flat_map(|r| &r.bars)
            .filter_map(|b| b.value.as_ref())
            .map(|v| v.text.as_str())
            .collect();
        assert_eq!(values, ["8%", "18%", "48%", "37%"]);
        assert_eq!(wide.rows[1].labels[0].text, "Presterende overheid");
        assert_eq!(view.table.rows[1].1, ["48", "37"]);
        assert_eq!(view.source, "Tabel 1");
        // bar widths are proportional: 48 of 100 on a 640-wide plot
        assert_eq!(wide.rows[1].bars[0].width, "307.2");
    }

    #[test]
    fn bad_specs_say_what_is_wrong() {
        assert!(
            parse_spec("kind: bar\ntitle: x")
                .unwrap_err()
                .contains("missing `data")
        );
        assert!(
            parse_spec("data: x.csv\ntitle: x\nkind: taart")
                .unwrap_err()
                .contains("unknown kind `taart`")
        );
        assert!(
            parse_spec("data: x.csv\ntitel: x")
                .unwrap_err()
                .contains("did you mean `title`")
        );
    }

    #[test]
    fn axis_rounds_up() {
        assert_eq!(axis_max(48.0, "%"), 100.0);
        assert_eq!(axis_max(126.0, ""), 200.0);
        assert_eq!(axis_max(388.0, ""), 500.0);
    }
}
