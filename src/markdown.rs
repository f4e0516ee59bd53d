//! Stage 4: Markdown to HTML. Heading ids and anchors (as the graph computed them), internal
//! links rewritten to URLs under the base path, external links marked, images checked for alt
//! text, raw HTML escaped unless allowed, and fenced `chart` blocks handed to the views.

use crate::error::{Diagnostic, Diagnostics, line_col};
use crate::graph::{Node, Site, markdown_options};
use crate::i18n::Strings;
use crate::text::escape_html;
use crate::views;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::path::Path;

/// A page body as HTML, plus its plain text (for search and word counts).
#[derive(Debug, Default, Clone)]
pub struct Rendered {
    pub html: String,
    /// The charts of the body, each at a byte offset of `html`, for the render stage to draw.
    pub charts: Vec<ChartSlot>,
    pub text: String,
    pub word_count: usize,
    /// The body cut at every `h2` and `h3`: the part before the first heading, then one section a
    /// heading. Search hits link to the section they sit in.
    pub sections: Vec<Section>,
}

/// A chart block, read, and where it goes in the page's HTML.
#[derive(Debug, Clone)]
pub struct ChartSlot {
    /// Byte offset in [`Rendered::html`].
    pub at: usize,
    /// The line of the block in the page's file.
    pub line: usize,
    pub chart: views::chart::Chart,
}

/// Stands in the HTML for a chart until the HTML is complete. pulldown-cmark replaces every NUL
/// of the input, so no text of a page can hold it.
const CHART_MARK: &str = "\u{0}chart\u{0}\n";

/// A stretch of a page body under one heading.
#[derive(Debug, Default, Clone)]
pub struct Section {
    /// The heading's id; `None` for the part before the first heading.
    pub anchor: Option<String>,
    pub heading: String,
    /// Byte range of the section in [`Rendered::text`].
    pub range: std::ops::Range<usize>,
}

impl Rendered {
    pub fn section_text(&self, i: usize) -> &str {
        self.sections
            .get(i)
            .map_or("", |s| &self.text[s.range.clone()])
    }
}

/// Render every page body. `data_dir` is where chart data files live (`content/data`); `strings`
/// give the words the HTML holds (the note on an external link).
pub fn render_all(site: &Site, data_dir: &Path, strings: &Strings) -> (Vec<Rendered>, Diagnostics) {
    let results: Vec<(Rendered, Diagnostics)> = site
        .nodes
        .par_iter()
        .map(|node| render_page(node, site, data_dir, strings))
        .collect();
    let mut diags = Diagnostics::default();
    let mut out = Vec::with_capacity(results.len());
    for (r, d) in results {
        out.push(r);
        diags.extend(d);
    }
    (out, diags)
}

/// Render the body of node `i` alone (after [`crate::graph::replace_body`]).
pub fn render_one(
    site: &Site,
    i: usize,
    data_dir: &Path,
    strings: &Strings,
) -> (Rendered, Diagnostics) {
    render_page(&site.nodes[i], site, data_dir, strings)
}

/// Schemes a link may use; anything else (`javascript:`, `data:`, …) is dropped.
fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(colon) => {
            // A colon after a `/`, `?` or `#` is part of a path, not a scheme.
            if lower[..colon].contains(['/', '?', '#']) {
                return true;
            }
            ["http", "https", "mailto", "tel"].contains(&&lower[..colon])
        }
    }
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://") || url.starts_with("//")
}

struct PageRenderer<'a> {
    node: &'a Node,
    site: &'a Site,
    data_dir: &'a Path,
    diags: Diagnostics,
    /// The charts read so far, with their lines, in the order of their marks.
    charts: Vec<(usize, views::chart::Chart)>,
    text: String,
    sections: Vec<Section>,
}

impl PageRenderer<'_> {
    /// Close the current section at the end of the text so far and open a new one.
    fn start_section(&mut self, anchor: Option<String>, heading: String) {
        let end = self.text.len();
        if let Some(last) = self.sections.last_mut() {
            last.range.end = end;
        }
        self.sections.push(Section {
            anchor,
            heading,
            range: end..end,
        });
    }

    fn line_of(&self, offset: usize) -> (usize, usize) {
        let (l, c) = line_col(&self.node.page.body, offset);
        (self.node.page.body_line + l - 1, c)
    }

    fn error(&mut self, offset: usize, msg: String) {
        let (l, c) = self.line_of(offset);
        self.diags
            .push(Diagnostic::error(&self.node.page.file, l, c, msg));
    }

    fn warning(&mut self, offset: usize, msg: String) {
        let (l, c) = self.line_of(offset);
        self.diags
            .push(Diagnostic::warning(&self.node.page.file, l, c, msg));
    }

    /// The URL an author's link destination resolves to, or `None` when it must be dropped.
    fn href(&mut self, dest: &str, offset: usize) -> Option<String> {
        if dest.starts_with('#') {
            return Some(dest.to_string()); // checked against this page's headings by the graph
        }
        if let Some(path) = self.node.links.get(dest) {
            return Some(self.site.config.site_url(path));
        }
        if dest.starts_with("@/") {
            return None; // already reported by the graph
        }
        if !is_safe_url(dest) {
            self.warning(
                offset,
                format!("link `{dest}` uses a scheme that is not allowed; the link is removed"),
            );
            return None;
        }
        if dest.starts_with('/') && !dest.starts_with("//") {
            return Some(self.site.config.site_url(dest));
        }
        Some(dest.to_string())
    }
}

fn render_page(
    node: &Node,
    site: &Site,
    data_dir: &Path,
    strings: &Strings,
) -> (Rendered, Diagnostics) {
    let external_note = format!(
        "<span class=\"visually-hidden\"> {}</span></a>",
        escape_html(strings.get("page.external_link"))
    );
    let mut r = PageRenderer {
        node,
        site,
        data_dir,
        charts: Vec::new(),
        diags: Diagnostics::default(),
        text: String::new(),
        sections: vec![Section::default()],
    };
    let allow_html = site.config.allow_raw_html;
    let parser = Parser::new_ext(&node.page.body, markdown_options()).into_offset_iter();
    let mut events: Vec<Event> = Vec::new();
    let mut heading_index = 0;
    // Link state: (is external, replace the text by the target's title)
    let mut link_stack: Vec<(bool, bool)> = Vec::new();
    let mut image: Option<(String, String, usize)> = None;
    let mut chart: Option<(String, usize)> = None;

    for (event, range) in parser {
        if let Some((alt, _, _)) = image.as_mut() {
            match event {
                Event::Text(t) | Event::Code(t) => {
                    alt.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::Image) => {
                    let (alt, src, offset) = image.take().unwrap_or_default();
                    if alt.trim().is_empty() {
                        r.error(offset, format!("image `{src}` has no alt text: write `![what the image shows]({src})`"));
                    }
                    let src = r.href(&src, offset).unwrap_or_default();
                    events.push(Event::InlineHtml(CowStr::from(format!(
                        "<img src=\"{}\" alt=\"{}\" loading=\"lazy\">",
                        escape_html(&src),
                        escape_html(alt.trim())
                    ))));
                    continue;
                }
                _ => continue,
            }
        }
        if let Some((spec, _)) = chart.as_mut() {
            match event {
                Event::Text(t) => {
                    spec.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (spec, offset) = chart.take().unwrap_or_default();
                    match views::chart::read(&spec, r.data_dir) {
                        Ok(c) => {
                            r.charts.push((r.line_of(offset).0, c));
                            events.push(Event::Html(CowStr::from(CHART_MARK)));
                        }
                        Err(msg) => r.error(offset, format!("chart: {msg}")),
                    }
                    continue;
                }
                _ => continue,
            }
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                let heading = node.headings.get(heading_index);
                let id = heading.map(|h| h.id.clone()).unwrap_or_default();
                if matches!(
                    level,
                    pulldown_cmark::HeadingLevel::H2 | pulldown_cmark::HeadingLevel::H3
                ) {
                    let title = heading.map(|h| h.title.clone()).unwrap_or_default();
                    r.start_section(Some(id.clone()), title);
                }
                events.push(Event::Html(CowStr::from(format!(
                    "<{level} id=\"{}\">",
                    escape_html(&id)
                ))));
            }
            Event::End(TagEnd::Heading(level)) => {
                let id = node
                    .headings
                    .get(heading_index)
                    .map(|h| h.id.clone())
                    .unwrap_or_default();
                heading_index += 1;
                events.push(Event::Html(CowStr::from(format!(
                    " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></{level}>\n",
                    escape_html(&id)
                ))));
                r.text.push('\n');
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => {
                let wiki_bare = matches!(link_type, LinkType::WikiLink { has_pothole: false });
                let href = if matches!(link_type, LinkType::Email) {
                    Some(format!("mailto:{dest_url}"))
                } else {
                    r.href(&dest_url, range.start)
                };
                let external = href.as_deref().is_some_and(is_external);
                let mut tag = String::from("<a");
                if let Some(h) = &href {
                    tag.push_str(&format!(" href=\"{}\"", escape_html(h)));
                }
                if external {
                    tag.push_str(" class=\"external\" rel=\"external noopener\"");
                }
                if !title.is_empty() {
                    tag.push_str(&format!(" title=\"{}\"", escape_html(&title)));
                }
                tag.push('>');
                events.push(Event::InlineHtml(CowStr::from(tag)));
                let title = wiki_bare
                    .then(|| {
                        node.links
                            .get(dest_url.as_ref())
                            .and_then(|p| link_title(site, p))
                    })
                    .flatten();
                if let Some(target) = title {
                    events.push(Event::Text(CowStr::from(target.clone())));
                    r.text.push_str(&target);
                    link_stack.push((external, true));
                    continue;
                }
                link_stack.push((external, false));
            }
            Event::End(TagEnd::Link) => {
                let (external, _) = link_stack.pop().unwrap_or_default();
                let close = if external {
                    CowStr::from(external_note.clone())
                } else {
                    CowStr::from("</a>")
                };
                events.push(Event::InlineHtml(close));
            }
            Event::Text(t) if link_stack.last().is_some_and(|l| l.1) => {
                let _ = t; // the bare wiki link's slug, replaced by the title above
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                image = Some((String::new(), dest_url.to_string(), range.start));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == "chart" =>
            {
                chart = Some((String::new(), range.start));
            }
            Event::Html(h) | Event::InlineHtml(h) if !allow_html => {
                events.push(Event::Text(h));
            }
            Event::Text(t) => {
                r.text.push_str(&t);
                events.push(Event::Text(t));
            }
            Event::Code(t) => {
                r.text.push_str(&t);
                events.push(Event::Code(t));
            }
            Event::SoftBreak | Event::HardBreak => {
                r.text.push(' ');
                events.push(event);
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => {
                r.text.push('\n');
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(node.page.body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let (html, charts) = cut_chart_slots(html, std::mem::take(&mut r.charts));
    let word_count = r.text.split_whitespace().count();
    r.start_section(None, String::new());
    let mut sections = r.sections;
    sections.pop(); // the marker pushed above only closed the last section
    let rendered = Rendered {
        html,
        charts,
        text: r.text,
        word_count,
        sections,
    };
    (rendered, r.diags)
}

/// A short text of site.toml (the footer) as HTML: Markdown for emphasis and links, raw HTML
/// shown as text.
pub fn snippet_html(text: &str) -> String {
    let events = Parser::new(text).map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Take the chart marks out of `html`, and give each chart the offset its mark had.
fn cut_chart_slots(
    html: String,
    charts: Vec<(usize, views::chart::Chart)>,
) -> (String, Vec<ChartSlot>) {
    if charts.is_empty() {
        return (html, Vec::new());
    }
    let mut out = String::with_capacity(html.len());
    let mut slots = Vec::with_capacity(charts.len());
    let mut pieces = html.split(CHART_MARK);
    out.push_str(pieces.next().unwrap_or_default());
    for ((line, chart), piece) in charts.into_iter().zip(pieces) {
        slots.push(ChartSlot {
            at: out.len(),
            line,
            chart,
        });
        out.push_str(piece);
    }
    (out, slots)
}

/// The title of the page a resolved link path points to.
fn link_title(site: &Site, path: &str) -> Option<String> {
    let page_path = path.split('#').next().unwrap_or(path);
    site.node_by_path(page_path)
        .map(|i| site.nodes[i].page.title.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_safe_schemes_pass() {
        assert!(is_safe_url("https://example.nl"));
        assert!(is_safe_url("mailto:a@b.nl"));
        assert!(is_safe_url("../x/"));
        assert!(is_safe_url("/a/b:c"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" JavaScript:alert(1)"));
        assert!(!is_safe_url("data:text/html,x"));
    }
}
