//! Fenced ```` ```chart ```` blocks: a CSV file under `content/data/` drawn as an accessible SVG
//! bar chart (bar, grouped-bar or stacked-bar), inside a `<figure>` with its caption and source,
//! with the figures as an HTML table beside it.
//!
//! Series are told apart by pattern as well as colour, and every bar carries its value as text,
//! so the chart reads without colour vision and in print.

use crate::text::escape_html;
use std::fmt::Write as _;
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
    if crate::content::check_site_path(&spec.data).is_err() {
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

/// Render a chart block to HTML, or say what is wrong with it.
pub fn render(block: &str, data_dir: &Path) -> Result<String, String> {
    let spec = parse_spec(block)?;
    let table = load_table(&spec, data_dir)?;
    Ok(render_figure(&spec, &table))
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

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.1}").replace('.', ",")
    }
}

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

pub fn render_figure(spec: &Spec, table: &Table) -> String {
    let id = chart_id(spec);
    let svg = render_svg(spec, table, &id, WIDE, "chart-svg chart-svg-wide")
        + &render_svg(
            spec,
            table,
            &format!("{id}-n"),
            NARROW,
            "chart-svg chart-svg-narrow",
        );
    let mut html = String::new();
    let _ = write!(
        html,
        "<figure class=\"chart\" id=\"{id}\">\n<figcaption><span class=\"chart-title\">{}</span>",
        escape_html(&spec.title)
    );
    if !spec.source.is_empty() {
        let _ = write!(
            html,
            " <span class=\"chart-source\">Bron: {}</span>",
            escape_html(&spec.source)
        );
    }
    html.push_str("</figcaption>\n");
    html.push_str(&svg);
    html.push_str(&render_table(spec, table));
    html.push_str("</figure>\n");
    html
}

fn render_table(spec: &Spec, table: &Table) -> String {
    let unit = if spec.unit.is_empty() {
        String::new()
    } else {
        format!(" ({})", spec.unit)
    };
    let mut t = String::from(
        "<details class=\"chart-data\" open>\n<summary>De cijfers als tabel</summary>\n<div class=\"table-wrap\"><table>\n",
    );
    let _ = write!(
        t,
        "<caption>{}{}</caption>\n<thead><tr><th scope=\"col\">{}</th>",
        escape_html(&spec.title),
        escape_html(&unit),
        escape_html(&table.label_header)
    );
    for s in &table.series {
        let _ = write!(t, "<th scope=\"col\">{}</th>", escape_html(s));
    }
    t.push_str("</tr></thead>\n<tbody>\n");
    for (label, values) in &table.rows {
        let _ = write!(t, "<tr><th scope=\"row\">{}</th>", escape_html(label));
        for v in values {
            let cell = v.map(fmt_num).unwrap_or_else(|| "–".into());
            let _ = write!(t, "<td>{cell}</td>");
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</tbody></table></div>\n</details>\n");
    t
}

fn render_svg(spec: &Spec, table: &Table, id: &str, width: f64, class: &str) -> String {
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
    let top = axis_max(max, &spec.unit);
    let plot_w = width - PLOT_LEFT - PLOT_RIGHT;
    let label_chars = (width / 9.0) as usize;
    let scale = |v: f64| (v.max(0.0) / top) * plot_w;
    let bars_per_row = if stacked { 1 } else { series_count };
    // Legend items flow left to right and wrap to a new line when the width is used up.
    let mut legend: Vec<(f64, f64)> = Vec::new(); // (x, y) of each item's swatch
    if series_count > 1 {
        let (mut x, mut ly) = (PLOT_LEFT, 4.0);
        for name in table.series.iter().take(series_count) {
            let item_w = 22.0 + name.chars().count() as f64 * 7.5 + 24.0;
            if x > PLOT_LEFT && x + item_w > width {
                x = PLOT_LEFT;
                ly += 22.0;
            }
            legend.push((x, ly));
            x += item_w;
        }
    }
    let legend_h = legend.last().map_or(0.0, |(_, ly)| ly + 24.0);
    let axis_h = 24.0;

    let mut body = String::new();
    let mut y = legend_h + 8.0;
    for (label, values) in &table.rows {
        let lines = wrap(label, label_chars);
        for (k, line) in lines.iter().enumerate() {
            let _ = writeln!(
                body,
                "<text class=\"chart-label\" x=\"{PLOT_LEFT}\" y=\"{:.1}\">{}</text>",
                y + LABEL_LINE * (k as f64 + 1.0) - 5.0,
                escape_html(line)
            );
        }
        y += LABEL_LINE * lines.len() as f64;
        if stacked {
            let mut x = PLOT_LEFT;
            for (s, v) in values.iter().enumerate() {
                let Some(v) = v else { continue };
                let w = scale(*v);
                let _ = writeln!(
                    body,
                    "<rect class=\"series-{}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"url(#{id}-p{})\"><title>{}: {}{}</title></rect>",
                    s % MAX_SERIES_STYLES,
                    s % MAX_SERIES_STYLES,
                    escape_html(&table.series[s]),
                    fmt_num(*v),
                    escape_html(&spec.unit)
                );
                if w >= 30.0 {
                    let _ = writeln!(
                        body,
                        "<text class=\"chart-value chart-value-inside\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                        x + w / 2.0,
                        y + BAR - 6.0,
                        fmt_num(*v)
                    );
                }
                x += w;
            }
            let total: f64 = values.iter().flatten().sum();
            let _ = writeln!(
                body,
                "<text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}{}</text>",
                x + 6.0,
                y + BAR - 6.0,
                fmt_num(total),
                escape_html(&spec.unit)
            );
            y += BAR + ROW_GAP;
        } else {
            for (s, v) in values.iter().take(bars_per_row).enumerate() {
                let w = v.map(scale).unwrap_or(0.0);
                let shown = v
                    .map(|v| format!("{}{}", fmt_num(v), spec.unit))
                    .unwrap_or_else(|| "geen gegeven".into());
                let _ = writeln!(
                    body,
                    "<rect class=\"series-{}\" x=\"{PLOT_LEFT}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{BAR}\" fill=\"url(#{id}-p{})\"><title>{}: {}</title></rect>",
                    s % MAX_SERIES_STYLES,
                    s % MAX_SERIES_STYLES,
                    escape_html(&table.series[s]),
                    escape_html(&shown)
                );
                let _ = writeln!(
                    body,
                    "<text class=\"chart-value\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    PLOT_LEFT + w + 6.0,
                    y + BAR - 6.0,
                    escape_html(&shown)
                );
                y += BAR + BAR_GAP;
            }
            y += ROW_GAP - BAR_GAP;
        }
    }
    let plot_bottom = y;
    let height = plot_bottom + axis_h;

    let mut svg = String::new();
    let desc = format!(
        "{}: {} met {} {}. De cijfers staan ook in de tabel bij deze figuur.",
        match spec.kind {
            Kind::Bar => "Staafdiagram",
            Kind::GroupedBar => "Gegroepeerd staafdiagram",
            Kind::StackedBar => "Gestapeld staafdiagram",
        },
        spec.title,
        table.rows.len(),
        if table.rows.len() == 1 {
            "rij"
        } else {
            "rijen"
        }
    );
    let _ = writeln!(
        svg,
        "<svg class=\"{class}\" viewBox=\"0 0 {width} {height:.0}\" role=\"img\" aria-labelledby=\"{id}-t\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-t\">{}</title>",
        escape_html(&desc)
    );
    svg.push_str(&patterns(id));
    // gridlines and axis labels
    for k in 0..=4 {
        let v = top * k as f64 / 4.0;
        let x = PLOT_LEFT + scale(v);
        let _ = writeln!(
            svg,
            "<line class=\"chart-grid\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{plot_bottom:.1}\"/>\n<text class=\"chart-axis\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}{}</text>",
            legend_h + 4.0,
            plot_bottom + 16.0,
            if k == 0 {
                "start"
            } else if k == 4 {
                "end"
            } else {
                "middle"
            },
            fmt_num(v),
            escape_html(&spec.unit)
        );
    }
    for (s, (name, (x, ly))) in table.series.iter().zip(&legend).enumerate() {
        let _ = writeln!(
            svg,
            "<rect class=\"series-{}\" x=\"{x:.1}\" y=\"{ly:.1}\" width=\"16\" height=\"16\" fill=\"url(#{id}-p{})\"/><text class=\"chart-legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            s % MAX_SERIES_STYLES,
            s % MAX_SERIES_STYLES,
            x + 22.0,
            ly + 13.0,
            escape_html(name)
        );
    }
    svg.push_str(&body);
    svg.push_str("</svg>\n");
    svg
}

/// Fill patterns, one per series style: solid, hatched, dotted, cross-hatched. Colours come from
/// the theme's CSS (`.series-N`), the patterns keep series apart without colour.
fn patterns(id: &str) -> String {
    format!(
        "<defs>\n\
<pattern id=\"{id}-p0\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect class=\"pattern-fill-0\" width=\"8\" height=\"8\"/></pattern>\n\
<pattern id=\"{id}-p1\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect class=\"pattern-fill-1\" width=\"8\" height=\"8\"/><rect class=\"pattern-ink-1\" width=\"3\" height=\"8\"/></pattern>\n\
<pattern id=\"{id}-p2\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect class=\"pattern-fill-2\" width=\"8\" height=\"8\"/><circle class=\"pattern-ink-2\" cx=\"4\" cy=\"4\" r=\"2\"/></pattern>\n\
<pattern id=\"{id}-p3\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect class=\"pattern-fill-3\" width=\"8\" height=\"8\"/><path class=\"pattern-ink-3\" d=\"M0 4H8M4 0V8\"/></pattern>\n\
</defs>\n"
    )
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
        let html = render_figure(&spec, &table());
        for needle in [
            "Rechtmatige overheid",
            "Presterende overheid",
            ">8%<",
            ">18%<",
            ">48%<",
            ">37%<",
            "<td>48</td>",
            "Bron: Tabel 1",
        ] {
            assert!(html.contains(needle), "missing {needle}");
        }
        // bar widths are proportional: 48 of 100 on a 640-wide plot
        assert!(html.contains("width=\"307.2\""), "{html}");
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
