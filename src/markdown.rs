//! Stage 4: Markdown to HTML. Heading ids and anchors (as the graph computed them), internal
//! links rewritten to URLs under the base path, external links marked, images checked for alt
//! text, raw HTML escaped unless allowed, and fenced `chart` blocks handed to the views.

use crate::content::Asset;
use crate::content::markdown_options;
use crate::error::{Diagnostic, Diagnostics, LineIndex};
use crate::graph::{Node, Site};
use crate::i18n::Strings;
use crate::text::escape_html;
use crate::views;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::HashMap;

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
    /// Links of the body that the graph could not check (root-relative or relative URLs), as
    /// the HTML has them, with the line and column they are written at: the check of the built
    /// site reports them there when they lead nowhere.
    pub unchecked: Vec<(String, usize, usize)>,
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

/// Images larger than this get a warning: they slow a page down for every reader.
const LARGE_IMAGE: u64 = 1024 * 1024;

/// Render every page body. `strings` give the words the HTML holds (the note on an external link).
pub fn render_all(site: &Site, strings: &Strings) -> (Vec<Rendered>, Diagnostics) {
    let files = Files::of(site);
    let results: Vec<(Rendered, Diagnostics)> = site
        .nodes
        .par_iter()
        .map(|node| render_page(node, site, &files, strings))
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
pub fn render_one(site: &Site, i: usize, strings: &Strings) -> (Rendered, Diagnostics) {
    render_page(&site.nodes[i], site, &Files::of(site), strings)
}

/// The files under `content/` by site path.
struct Files<'a>(HashMap<&'a str, &'a Asset>);

impl<'a> Files<'a> {
    fn of(site: &'a Site) -> Self {
        Files(site.assets.iter().map(|a| (a.path.as_str(), a)).collect())
    }
}

impl views::chart::DataFiles for Files<'_> {
    fn data(&self, path: &str) -> Option<&[u8]> {
        self.0.get(path)?.data.as_deref().map(Vec::as_slice)
    }
    fn paths(&self) -> Vec<&str> {
        self.0.keys().copied().collect()
    }
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

/// A link being written: whether it leaves the site, and whether its text is replaced by the
/// title of the page it leads to (a bare `[[slug]]`).
#[derive(Default, Clone, Copy)]
struct OpenLink {
    external: bool,
    titled: bool,
}

/// One page body on its way to HTML: the events out, the plain text and sections for search,
/// the charts read, the problems found.
struct PageRenderer<'a> {
    node: &'a Node,
    site: &'a Site,
    files: &'a Files<'a>,
    /// `<span class="visually-hidden"> (external link)</span></a>`, in the site's language.
    external_note: String,
    events: Vec<Event<'a>>,
    heading_index: usize,
    links: Vec<OpenLink>,
    /// An image being read: its alt text so far, its source and its offset.
    image: Option<(String, String, usize)>,
    images_seen: usize,
    /// A chart block being read: its text so far and its offset.
    chart: Option<(String, usize)>,
    diags: Diagnostics,
    /// The charts read so far, with their lines, in the order of their marks.
    charts: Vec<(usize, views::chart::Chart)>,
    text: String,
    sections: Vec<Section>,
    unchecked: Vec<(String, usize, usize)>,
    /// Where the body's lines begin, found at the first place asked for: a page with many
    /// links would otherwise be scanned from its start for each.
    lines: std::cell::OnceCell<LineIndex<'a>>,
}

impl<'a> PageRenderer<'a> {
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
        let node = self.node;
        let (l, c) = self
            .lines
            .get_or_init(|| LineIndex::new(&node.page.body))
            .at(offset);
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
        let url = if dest.starts_with('/') && !dest.starts_with("//") {
            self.site.config.site_url(dest)
        } else {
            dest.to_string()
        };
        if !is_external(&url) && !url.contains(':') {
            let (line, column) = self.line_of(offset);
            self.unchecked.push((url.clone(), line, column));
        }
        Some(url)
    }

    fn html(&mut self, html: String) {
        self.events.push(Event::Html(CowStr::from(html)));
    }

    fn inline_html(&mut self, html: String) {
        self.events.push(Event::InlineHtml(CowStr::from(html)));
    }

    /// One event of the parser. The open image or chart block takes the events inside it.
    fn event(&mut self, event: Event<'a>, offset: usize) {
        if self.image.is_some() {
            return self.image_event(event);
        }
        if self.chart.is_some() {
            return self.chart_event(event);
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => self.open_heading(level),
            Event::End(TagEnd::Heading(level)) => self.close_heading(level),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                ..
            }) => self.open_link(link_type, &dest_url, &title, offset),
            Event::End(TagEnd::Link) => {
                let link = self.links.pop().unwrap_or_default();
                let close = if link.external {
                    self.external_note.clone()
                } else {
                    "</a>".into()
                };
                self.inline_html(close);
            }
            // The slug of a bare wiki link, replaced by the target's title.
            Event::Text(_) if self.links.last().is_some_and(|l| l.titled) => {}
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.image = Some((String::new(), dest_url.to_string(), offset));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang)))
                if lang.as_ref() == "chart" =>
            {
                self.chart = Some((String::new(), offset));
            }
            Event::Html(h) | Event::InlineHtml(h) if !self.site.config.allow_raw_html => {
                self.events.push(Event::Text(h));
            }
            other => self.text_event(other),
        }
    }

    /// Text, breaks and block ends: into the HTML and the plain text.
    fn text_event(&mut self, event: Event<'a>) {
        match &event {
            Event::Text(t) | Event::Code(t) => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak => self.text.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => self.text.push('\n'),
            _ => {}
        }
        self.events.push(event);
    }

    fn open_heading(&mut self, level: pulldown_cmark::HeadingLevel) {
        let heading = self.node.headings.get(self.heading_index);
        let id = heading.map(|h| h.id.clone()).unwrap_or_default();
        if matches!(
            level,
            pulldown_cmark::HeadingLevel::H2 | pulldown_cmark::HeadingLevel::H3
        ) {
            let title = heading.map(|h| h.title.clone()).unwrap_or_default();
            self.start_section(Some(id.clone()), title);
        }
        self.html(format!("<{level} id=\"{}\">", escape_html(&id)));
    }

    fn close_heading(&mut self, level: pulldown_cmark::HeadingLevel) {
        let heading = self.node.headings.get(self.heading_index);
        let id = heading.map(|h| h.id.clone()).unwrap_or_default();
        self.heading_index += 1;
        self.html(format!(
            " <a class=\"anchor\" href=\"#{}\" aria-hidden=\"true\" tabindex=\"-1\">#</a></{level}>\n",
            escape_html(&id)
        ));
        self.text.push('\n');
    }

    fn open_link(&mut self, link_type: LinkType, dest: &str, title: &str, offset: usize) {
        let href = if matches!(link_type, LinkType::Email) {
            Some(format!("mailto:{dest}"))
        } else {
            self.href(dest, offset)
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
            tag.push_str(&format!(" title=\"{}\"", escape_html(title)));
        }
        tag.push('>');
        self.inline_html(tag);
        let bare_wiki = matches!(link_type, LinkType::WikiLink { has_pothole: false });
        let target_title = bare_wiki
            .then(|| {
                self.node
                    .links
                    .get(dest)
                    .and_then(|p| link_title(self.site, p))
            })
            .flatten();
        if let Some(t) = &target_title {
            self.events.push(Event::Text(CowStr::from(t.clone())));
            self.text.push_str(t);
        }
        self.links.push(OpenLink {
            external,
            titled: target_title.is_some(),
        });
    }

    /// Inside an image: its text is the alt text; at its end the `<img>` is written.
    fn image_event(&mut self, event: Event<'a>) {
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some((alt, _, _)) = self.image.as_mut() {
                    alt.push_str(&t);
                }
            }
            Event::End(TagEnd::Image) => {
                let (alt, src, offset) = self.image.take().unwrap_or_default();
                self.write_image(alt.trim(), &src, offset);
            }
            _ => {}
        }
    }

    /// `<img>` with its size from the file, lazy loading after the first image of the page, and
    /// a warning for a large file.
    fn write_image(&mut self, alt: &str, src: &str, offset: usize) {
        if alt.is_empty() {
            self.error(
                offset,
                format!("image `{src}` has no alt text: write `![what the image shows]({src})`"),
            );
        }
        let url = self.href(src, offset).unwrap_or_default();
        let file = self
            .node
            .links
            .get(src)
            .and_then(|p| self.files.0.get(p.as_str()));
        let mut tag = format!(
            "<img src=\"{}\" alt=\"{}\"",
            escape_html(&url),
            escape_html(alt)
        );
        if let Some((w, h)) = file.and_then(|f| f.image) {
            tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
        }
        if let Some(f) = file.filter(|f| f.bytes > LARGE_IMAGE) {
            let mb = f.bytes as f64 / (1024.0 * 1024.0);
            self.warning(
                offset,
                format!("image `{src}` is {mb:.1} MB; make it smaller (under 1 MB) so the page loads fast"),
            );
        }
        self.images_seen += 1;
        if self.images_seen > 1 {
            tag.push_str(" loading=\"lazy\"");
        }
        tag.push('>');
        self.inline_html(tag);
    }

    /// Inside a ```chart block: its text is the chart's spec.
    fn chart_event(&mut self, event: Event<'a>) {
        match event {
            Event::Text(t) => {
                if let Some((spec, _)) = self.chart.as_mut() {
                    spec.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let (spec, offset) = self.chart.take().unwrap_or_default();
                let line = self.line_of(offset).0;
                match views::chart::read(&spec, self.files) {
                    Ok(c) => {
                        self.charts.push((line, c));
                        self.html(CHART_MARK.to_string());
                    }
                    Err(e) => {
                        // The spec starts on the line after the opening fence.
                        let (line, column) = e.line.map_or((line, 1), |l| (line + l, 1));
                        self.diags.push(Diagnostic::error(
                            &self.node.page.file,
                            line,
                            column,
                            format!("chart: {}", e.message),
                        ));
                    }
                }
            }
            _ => {}
        }
    }

    /// The rendered body.
    fn finish(mut self) -> (Rendered, Diagnostics) {
        let mut html = String::with_capacity(self.node.page.body.len() * 3 / 2);
        let events = std::mem::take(&mut self.events);
        pulldown_cmark::html::push_html(&mut html, events.into_iter());
        let (html, charts) = cut_chart_slots(html, std::mem::take(&mut self.charts));
        let word_count = self.text.split_whitespace().count();
        self.start_section(None, String::new());
        let mut sections = self.sections;
        sections.pop(); // the marker pushed above only closed the last section
        let rendered = Rendered {
            html,
            charts,
            text: self.text,
            word_count,
            sections,
            unchecked: self.unchecked,
        };
        (rendered, self.diags)
    }
}

fn render_page(
    node: &Node,
    site: &Site,
    files: &Files,
    strings: &Strings,
) -> (Rendered, Diagnostics) {
    let mut r = PageRenderer {
        node,
        site,
        files,
        external_note: format!(
            "<span class=\"visually-hidden\"> {}</span></a>",
            escape_html(strings.get("page.external_link"))
        ),
        events: Vec::new(),
        heading_index: 0,
        links: Vec::new(),
        image: None,
        images_seen: 0,
        chart: None,
        diags: Diagnostics::default(),
        charts: Vec::new(),
        text: String::new(),
        sections: vec![Section::default()],
        unchecked: Vec::new(),
        lines: std::cell::OnceCell::new(),
    };
    for (event, range) in Parser::new_ext(&node.page.body, markdown_options()).into_offset_iter() {
        r.event(event, range.start);
    }
    r.finish()
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
