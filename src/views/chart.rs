//! Fenced ```` ```chart ```` blocks: a CSV file under `content/data/` drawn as an accessible SVG
//! bar chart (bar, grouped-bar or stacked-bar), inside a `<figure>` with its caption and source,
//! with the figures as an HTML table beside it.
//!
//! Series are told apart by pattern as well as colour, and every bar carries its value as text,
//! so the chart reads without colour vision and in print.

use crate::i18n::Strings;
use serde::Serialize;

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

/// A chart block as written: YAML with these keys.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    data: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    title: Option<String>,
    #[serde(default)]
    unit: Option<serde_norway::Value>,
    #[serde(default)]
    source: Option<serde_norway::Value>,
    #[serde(default)]
    columns: Option<Columns>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(untagged)]
enum Columns {
    List(Vec<serde_norway::Value>),
    One(String),
}

const KEYS: &[&str] = &["data", "kind", "title", "unit", "source", "columns"];

/// A problem with a chart: its message and, when known, the line of the block it is on (1 for
/// the block's first line).
#[derive(Debug)]
pub struct ChartError {
    pub line: Option<usize>,
    pub message: String,
}

impl From<String> for ChartError {
    fn from(message: String) -> Self {
        ChartError {
            line: None,
            message,
        }
    }
}

/// A scalar of the spec as text (`unit: 5` is the text `5`).
fn text_of(v: Option<serde_norway::Value>) -> String {
    match v {
        Some(serde_norway::Value::String(s)) => s,
        Some(serde_norway::Value::Number(n)) => n.to_string(),
        Some(serde_norway::Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    }
}

/// Read the YAML of a chart block.
pub fn parse_spec(text: &str) -> Result<Spec, ChartError> {
    let raw: RawSpec = serde_norway::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        let message = match msg.strip_prefix("unknown field ") {
            Some(rest) => {
                let key = rest.split('`').nth(1).unwrap_or_default();
                format!(
                    "unknown key `{key}` (known: {}){}",
                    KEYS.join(", "),
                    crate::error::suggestion(key, KEYS.iter().copied())
                )
            }
            None => msg,
        };
        ChartError {
            line: e.location().map(|l| l.line()),
            message,
        }
    })?;
    let kind = match raw.kind.as_deref().unwrap_or("bar") {
        "bar" => Kind::Bar,
        "grouped-bar" => Kind::GroupedBar,
        "stacked-bar" => Kind::StackedBar,
        other => {
            return Err(format!(
                "unknown kind `{other}` (bar, grouped-bar or stacked-bar){}",
                crate::error::suggestion(other, ["bar", "grouped-bar", "stacked-bar"])
            )
            .into());
        }
    };
    let columns = match raw.columns {
        None => Vec::new(),
        Some(Columns::One(c)) => vec![c],
        Some(Columns::List(items)) => items.into_iter().map(|v| text_of(Some(v))).collect(),
    };
    let spec = Spec {
        data: raw.data.unwrap_or_default(),
        kind,
        title: raw.title.unwrap_or_default(),
        unit: text_of(raw.unit),
        source: text_of(raw.source),
        columns,
    };
    if spec.data.is_empty() {
        return Err("missing `data: file.csv` (a path under content/data/)"
            .to_string()
            .into());
    }
    if spec.title.is_empty() {
        return Err("missing `title:`; a chart needs a caption"
            .to_string()
            .into());
    }
    Ok(spec)
}

/// The data files of the site, read by the content stage: bytes by site path.
pub trait DataFiles {
    fn data(&self, path: &str) -> Option<&[u8]>;
    /// The site paths of every data file, for suggestions.
    fn paths(&self) -> Vec<&str>;
}

/// How a CSV file is written: its separator and its decimal mark. A spreadsheet in Dutch saves
/// `;` and `,` (`Gemeente;Aandeel` / `Breda;35,5`); in English `,` and `.`.
struct Dialect {
    separator: u8,
    decimal_comma: bool,
}

impl Dialect {
    /// From the header line: the separator it uses most (`;`, tab or `,`). A decimal comma is
    /// read only when the separator is not a comma.
    fn of(text: &str) -> Dialect {
        let header = text.lines().next().unwrap_or_default();
        let count = |c: char| header.matches(c).count();
        let separator = [(';', b';'), ('\t', b'\t'), (',', b',')]
            .into_iter()
            .max_by_key(|(c, _)| count(*c))
            .filter(|(c, _)| count(*c) > 0)
            .map_or(b',', |(_, b)| b);
        Dialect {
            separator,
            decimal_comma: separator != b',',
        }
    }

    fn number(&self, cell: &str) -> Option<f64> {
        let cell = cell.trim().trim_end_matches('%').trim();
        if self.decimal_comma {
            cell.replace(',', ".").parse().ok()
        } else {
            cell.parse().ok()
        }
    }

    fn describe(&self) -> String {
        let sep = match self.separator {
            b';' => "`;`",
            b'\t' => "tabs",
            _ => "`,`",
        };
        let mark = if self.decimal_comma { "`,`" } else { "`.`" };
        format!("columns separated by {sep}, decimal mark {mark}")
    }
}

/// Read the CSV named by the spec from `files`, keeping the requested columns.
pub fn load_table(spec: &Spec, files: &dyn DataFiles) -> Result<Table, String> {
    let text = data_text(spec, files)?;
    let dialect = Dialect::of(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(dialect.separator)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("data file `{}`: {e}", spec.data))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if headers.len() < 2 {
        return Err(format!(
            "data file `{}` needs a label column and at least one value column (read as {})",
            spec.data,
            dialect.describe()
        ));
    }
    let wanted = wanted_columns(spec, &headers)?;
    let columns = RowReader {
        spec,
        dialect: &dialect,
        headers: &headers,
        wanted: &wanted,
    };
    let rows = reader
        .records()
        .enumerate()
        .map(|(n, record)| {
            let record = record.map_err(|e| format!("data file `{}`: {e}", spec.data))?;
            columns.row(&record, n + 2)
        })
        .collect::<Result<Vec<_>, String>>()?;
    if rows.is_empty() {
        return Err(format!("data file `{}` has no rows", spec.data));
    }
    Ok(Table {
        label_header: headers[0].clone(),
        series: wanted.iter().map(|&i| headers[i].clone()).collect(),
        rows,
    })
}

/// The text of the spec's data file, from the files the content stage read.
fn data_text(spec: &Spec, files: &dyn DataFiles) -> Result<String, String> {
    if crate::text::check_site_path(&spec.data).is_err() {
        return Err(format!(
            "data file `{}` must be a path inside content/data/",
            spec.data
        ));
    }
    let path = format!("{}/{}", crate::content::DATA_DIR, spec.data);
    let bytes = files.data(&path).ok_or_else(|| {
        let prefix = format!("{}/", crate::content::DATA_DIR);
        let known = files.paths();
        let known = known.iter().filter_map(|p| p.strip_prefix(&prefix));
        format!(
            "no data file `content/{path}`{}",
            crate::error::suggestion(&spec.data, known)
        )
    })?;
    crate::content::decode(bytes)
        .map_err(|(l, _)| format!("data file `content/{path}` is not UTF-8 (line {l})"))
}

/// How a data file's rows are read: which columns, in which dialect.
struct RowReader<'a> {
    spec: &'a Spec,
    dialect: &'a Dialect,
    headers: &'a [String],
    wanted: &'a [usize],
}

impl RowReader<'_> {
    /// A row's label and its wanted values (`None` for an empty cell); `line` is its line.
    fn row(
        &self,
        record: &csv::StringRecord,
        line: usize,
    ) -> Result<(String, Vec<Option<f64>>), String> {
        let label = record.get(0).unwrap_or_default().trim().to_string();
        let mut values = Vec::with_capacity(self.wanted.len());
        for &i in self.wanted {
            let cell = record.get(i).unwrap_or_default().trim();
            if cell.is_empty() {
                values.push(None);
                continue;
            }
            let v = self.dialect.number(cell).filter(|v| v.is_finite()).ok_or_else(|| {
                format!(
                    "data file `{}` line {line}, column `{}`: `{cell}` is not a number (read as {})",
                    self.spec.data,
                    self.headers[i],
                    self.dialect.describe()
                )
            })?;
            values.push(Some(v));
        }
        Ok((label, values))
    }
}

/// The indexes of the value columns to draw: those the spec names, else all.
fn wanted_columns(spec: &Spec, headers: &[String]) -> Result<Vec<usize>, String> {
    if spec.columns.is_empty() {
        return Ok((1..headers.len()).collect());
    }
    spec.columns
        .iter()
        .map(|c| match headers.iter().position(|h| h == c) {
            Some(i) if i > 0 => Ok(i),
            _ => Err(format!(
                "unknown column `{c}` in `{}`{}",
                spec.data,
                crate::error::suggestion(c, headers[1..].iter().map(String::as_str))
            )),
        })
        .collect()
}

/// A chart block read: its spec and its data. The Markdown stage leaves it in a slot of the
/// page body; the render stage draws it with the theme's `partials/chart.html`.
#[derive(Debug, Clone)]
pub struct Chart {
    pub spec: Spec,
    pub table: Table,
}

/// Read a chart block and its data file, or say what is wrong with them (at the line of the
/// key the problem is about).
pub fn read(block: &str, files: &dyn DataFiles) -> Result<Chart, ChartError> {
    let spec = parse_spec(block)?;
    let table = load_table(&spec, files).map_err(|message| {
        let key = if message.starts_with("unknown column") {
            "columns"
        } else {
            "data"
        };
        let positions = crate::content::Positions::of(block);
        let line = positions
            .has_key(key)
            .then(|| positions.key_line(key) + 1 - crate::content::front::FRONT_LINE);
        ChartError { line, message }
    })?;
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
    let series_count = if spec.kind == Kind::Bar {
        1
    } else {
        table.series.len()
    };
    let frame = Frame {
        spec,
        table,
        strings,
        top: axis_max(largest_bar(spec, table, series_count), &spec.unit),
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
    Drawing {
        id: id.to_string(),
        class,
        width: format!("{width}"),
        height: format!("{:.0}", y + 24.0),
        grid: grid(&frame, legend_h + 4.0, y),
        legend,
        rows,
    }
}

/// The longest bar: a row's sum when stacked, else its largest drawn value.
fn largest_bar(spec: &Spec, table: &Table, series_count: usize) -> f64 {
    let stacked = spec.kind == Kind::StackedBar;
    table
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
        .fold(0.0f64, f64::max)
}

/// Five vertical grid lines from `top` to `bottom`, labelled below.
fn grid(frame: &Frame, top: f64, bottom: f64) -> Vec<GridLine> {
    (0..=4)
        .map(|k| {
            let v = frame.top * k as f64 / 4.0;
            GridLine {
                x: c(PLOT_LEFT + frame.scale(v)),
                y1: c(top),
                y2: c(bottom),
                label_y: c(bottom + 16.0),
                anchor: match k {
                    0 => "start",
                    4 => "end",
                    _ => "middle",
                },
                label: frame.shown(v),
            }
        })
        .collect()
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
        let err = |spec: &str| parse_spec(spec).unwrap_err().message;
        assert!(err("kind: bar\ntitle: x").contains("missing `data"));
        assert!(err("data: x.csv\ntitle: x\nkind: taart").contains("unknown kind `taart`"));
        assert!(err("data: x.csv\ntitel: x").contains("did you mean `title`"));
        let e = parse_spec("data: x.csv\ntitle: x\n  kind: bar\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{}", e.message);
    }

    #[test]
    fn a_title_may_hold_a_hash_and_a_colon_when_quoted() {
        let spec = parse_spec(
            "data: x.csv\ntitle: \"Stelling #3: samen\"\nsource: Tabel 1 # the report\n",
        )
        .unwrap();
        assert_eq!(spec.title, "Stelling #3: samen");
        assert_eq!(spec.source, "Tabel 1");
    }

    struct OneFile(&'static str);
    impl DataFiles for OneFile {
        fn data(&self, path: &str) -> Option<&[u8]> {
            (path == "data/t.csv").then_some(self.0.as_bytes())
        }
        fn paths(&self) -> Vec<&str> {
            vec!["data/t.csv"]
        }
    }

    #[test]
    fn dutch_spreadsheets_with_semicolons_and_decimal_commas_are_read() {
        let spec = parse_spec("data: t.csv\ntitle: x").unwrap();
        let t = load_table(
            &spec,
            &OneFile("Gemeente;Aandeel;Groei\nBreda;35,5;2\nBorne;12;\n"),
        )
        .unwrap();
        assert_eq!(t.series, ["Aandeel", "Groei"]);
        assert_eq!(t.rows[0].1, [Some(35.5), Some(2.0)]);
        assert_eq!(t.rows[1].1, [Some(12.0), None]);
        let e = load_table(&spec, &OneFile("Gemeente,Aandeel\nBreda,35;5\n")).unwrap_err();
        assert!(
            e.contains(
                "`35;5` is not a number (read as columns separated by `,`, decimal mark `.`)"
            ),
            "{e}"
        );
    }

    #[test]
    fn axis_rounds_up() {
        assert_eq!(axis_max(48.0, "%"), 100.0);
        assert_eq!(axis_max(126.0, ""), 200.0);
        assert_eq!(axis_max(388.0, ""), 500.0);
    }
}
