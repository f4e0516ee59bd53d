//! Stage 3: the site as a graph. Drops drafts, resolves every relation in front matter and
//! every internal link and anchor in Markdown, computes the inverse relations, orders the
//! collections, and checks that no two URLs collide.

use crate::config::{Config, WhyRule};
use crate::content::{Asset, Content, Page, PageKind};
use crate::error::{Diagnostic, Diagnostics, line_col, suggestion};
use crate::text::slugify;
use indexmap::IndexMap;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A heading of a page body, with the id the Markdown stage gives it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// One end of a resolved relation: the page at the other end and the reason given.
#[derive(Debug, Clone)]
pub struct Link {
    pub node: usize,
    pub why: Option<String>,
}

/// A page with everything the graph knows about it.
#[derive(Debug)]
pub struct Node {
    pub page: Page,
    pub headings: Vec<Heading>,
    /// Internal link targets as written (`@/lessen/x.md#kop`, `x#kop`) → site path with fragment.
    pub links: HashMap<String, String>,
    /// Outgoing relations by name, in the order site.toml declares them.
    pub relations: IndexMap<String, Vec<Link>>,
    /// Incoming relations by inverse name, in the source collection's order.
    pub inverse: BTreeMap<String, Vec<Link>>,
    pub prev: Option<usize>,
    pub next: Option<usize>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Sorted by path; index 0 is the home page when there is one.
    pub nodes: Vec<Node>,
    /// Members of each collection, in the collection's configured order.
    pub collections: BTreeMap<String, Vec<usize>>,
    pub assets: Vec<Asset>,
}

impl Site {
    pub fn node_by_path(&self, path: &str) -> Option<usize> {
        self.nodes
            .binary_search_by(|n| n.page.path.as_str().cmp(path))
            .ok()
    }

    pub fn section(&self, collection: &str) -> Option<usize> {
        self.node_by_path(&format!("{collection}/"))
    }
}

/// Build the graph from the loaded content. `include_drafts` keeps draft pages (`--drafts`).
pub fn build(config: Config, content: Content, include_drafts: bool) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::default();
    let (pages, drafts): (Vec<Page>, Vec<Page>) = content
        .pages
        .into_iter()
        .partition(|p| include_drafts || !p.draft);
    let draft_paths: BTreeSet<String> = drafts.iter().map(|p| p.path.clone()).collect();

    let scans: Vec<Scan> = pages.par_iter().map(scan_body).collect();
    let mut nodes: Vec<Node> = pages
        .into_iter()
        .zip(scans.iter())
        .map(|(page, scan)| Node {
            page,
            headings: scan.headings.clone(),
            links: HashMap::new(),
            relations: IndexMap::new(),
            inverse: BTreeMap::new(),
            prev: None,
            next: None,
        })
        .collect();
    let index = Index::new(&nodes, draft_paths);

    for (i, scan) in scans.iter().enumerate() {
        for d in &scan.problems {
            diags.push(Diagnostic::error(
                &nodes[i].page.file,
                d.0,
                d.1,
                d.2.clone(),
            ));
        }
        let links = resolve_links(i, scan, &nodes, &index, &mut diags);
        nodes[i].links = links;
    }
    resolve_relations(&config, &mut nodes, &index, &mut diags);
    let collections = order_collections(&config, &mut nodes);
    compute_inverse(&config, &mut nodes, &collections);
    check_aliases(&nodes, &mut diags);
    let site = Site {
        config,
        nodes,
        collections,
        assets: content.assets,
    };
    (site, diags)
}

/// Give node `i` a new version of its page that differs in its body alone, when the new body
/// has the same headings (so no other page's links change) and its links all resolve: the node
/// takes the new page and links, and the result is what a full build would give. Returns false,
/// changing nothing, otherwise; the caller then rebuilds the site, which reports any problem.
pub fn replace_body(site: &mut Site, i: usize, page: Page) -> bool {
    if !page.same_except_body(&site.nodes[i].page) {
        return false;
    }
    let scan = scan_body(&page);
    if scan.headings != site.nodes[i].headings || !scan.problems.is_empty() {
        return false;
    }
    let old = std::mem::replace(&mut site.nodes[i].page, page);
    let index = Index::new(&site.nodes, BTreeSet::new());
    let mut diags = Diagnostics::default();
    let links = resolve_links(i, &scan, &site.nodes, &index, &mut diags);
    if diags.has_errors() {
        site.nodes[i].page = old;
        return false;
    }
    site.nodes[i].links = links;
    true
}

/// Lookup tables over the nodes.
struct Index {
    by_path: HashMap<String, usize>,
    /// The file under `content/` (`lessen/x.md`) → node; a page with a `slug:` has another path.
    by_file: HashMap<String, usize>,
    /// `collection/slug` and bare `slug` → nodes (a bare slug may be ambiguous).
    by_slug: HashMap<String, Vec<usize>>,
    drafts: BTreeSet<String>,
}

impl Index {
    fn new(nodes: &[Node], drafts: BTreeSet<String>) -> Self {
        let mut by_path = HashMap::new();
        let mut by_slug: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_file = HashMap::new();
        for (i, n) in nodes.iter().enumerate() {
            by_path.insert(n.page.path.clone(), i);
            if let Some(file) = n.page.file.strip_prefix("content/") {
                by_file.insert(file.to_string(), i);
            }
            if n.page.kind != PageKind::Home {
                by_slug.entry(n.page.slug.clone()).or_default().push(i);
            }
        }
        Index {
            by_path,
            by_file,
            by_slug,
            drafts,
        }
    }

    fn all_slugs(&self) -> impl Iterator<Item = &str> {
        self.by_slug.keys().map(String::as_str)
    }
}

/// What the graph needs from a page body: its headings and its internal links.
struct Scan {
    headings: Vec<Heading>,
    /// (destination as written, byte offset in the body, is wiki link)
    links: Vec<(String, usize, bool)>,
    /// (line, column, message)
    problems: Vec<(usize, usize, String)>,
}

pub fn markdown_options() -> pulldown_cmark::Options {
    use pulldown_cmark::Options;
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}

/// Heading ids as the Markdown stage will emit them: explicit `{#id}` or the slug of the text,
/// made unique within the page with `-1`, `-2`, ….
fn scan_body(page: &Page) -> Scan {
    let mut headings = Vec::new();
    let mut links = Vec::new();
    let mut used: HashMap<String, usize> = HashMap::new();
    let mut current: Option<(u8, Option<String>, String)> = None;
    for (event, range) in Parser::new_ext(&page.body, markdown_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                current = Some((level as u8, id.map(|s| s.to_string()), String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, explicit, title)) = current.take() {
                    let base = explicit.unwrap_or_else(|| {
                        let s = slugify(&title);
                        if s.is_empty() { "kop".into() } else { s }
                    });
                    let id = unique_id(&mut used, base);
                    headings.push(Heading {
                        level,
                        id,
                        title: title.trim().to_string(),
                    });
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                let wiki = matches!(link_type, LinkType::WikiLink { .. });
                if wiki || dest_url.starts_with("@/") || dest_url.starts_with('#') {
                    links.push((dest_url.to_string(), range.start, wiki));
                }
            }
            _ => {}
        }
    }
    Scan {
        headings,
        links,
        problems: Vec::new(),
    }
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    // `used`: every id given so far → the last suffix tried for it. A suffixed id may be the
    // readable id of another heading (`## Aanpak 1`), so it is checked too.
    let Some(&last) = used.get(&base) else {
        used.insert(base.clone(), 0);
        return base;
    };
    let mut n = last;
    loop {
        n += 1;
        let id = format!("{base}-{n}");
        if !used.contains_key(&id) {
            used.insert(base, n);
            used.insert(id.clone(), 0);
            return id;
        }
    }
}

/// Resolve the internal links of node `i` into site paths; report the ones that lead nowhere.
fn resolve_links(
    i: usize,
    scan: &Scan,
    nodes: &[Node],
    index: &Index,
    diags: &mut Diagnostics,
) -> HashMap<String, String> {
    let page = &nodes[i].page;
    let mut out = HashMap::new();
    for (dest, offset, wiki) in &scan.links {
        let (line, col) = line_col(&page.body, *offset);
        let at = |msg: String| Diagnostic::error(&page.file, page.body_line + line - 1, col, msg);
        let (target, fragment) = match dest.split_once('#') {
            Some((t, f)) => (t, Some(f)),
            None => (dest.as_str(), None),
        };
        let node = if target.is_empty() {
            Ok(i)
        } else if let Some(file) = target.strip_prefix("@/") {
            resolve_file_link(file, index)
        } else if *wiki {
            resolve_wiki_link(target, index)
        } else {
            continue;
        };
        let node = match node {
            Ok(n) => n,
            Err(msg) => {
                diags.push(at(msg));
                continue;
            }
        };
        let mut url = nodes[node].page.path.clone();
        if let Some(f) = fragment.filter(|f| !f.is_empty()) {
            if !nodes[node].headings.iter().any(|h| h.id == f) {
                let ids = nodes[node].headings.iter().map(|h| h.id.as_str());
                let where_ = if node == i {
                    "this page".to_string()
                } else {
                    format!("`{}`", nodes[node].page.title)
                };
                diags.push(at(format!(
                    "anchor `#{f}` does not exist on {where_}{}",
                    suggestion(f, ids)
                )));
                continue;
            }
            url = format!("{url}#{f}");
        }
        out.insert(dest.clone(), url);
    }
    out
}

/// `lessen/x.md`, `lessen/_index.md`, `_index.md`, `x.md` (standalone) → node.
fn resolve_file_link(file: &str, index: &Index) -> Result<usize, String> {
    let path = match file.strip_suffix(".md") {
        Some("_index") => String::new(),
        Some(p) => match p.strip_suffix("/_index") {
            Some(coll) => format!("{coll}/"),
            None => format!("{p}/"),
        },
        None => {
            return Err(format!(
                "internal link `@/{file}` must name a Markdown file (`@/collectie/pagina.md`)"
            ));
        }
    };
    if let Some(&n) = index.by_file.get(file).or_else(|| index.by_path.get(&path)) {
        return Ok(n);
    }
    if index.drafts.contains(&path) {
        return Err(format!(
            "link to `@/{file}`, which is a draft and will not be published"
        ));
    }
    let known: Vec<String> = index
        .by_path
        .keys()
        .map(|p| format!("{}.md", p.trim_end_matches('/')))
        .collect();
    Err(format!(
        "link to `@/{file}`, which does not exist{}",
        suggestion(file, known.iter().map(String::as_str))
    ))
}

/// `[[slug]]` or `[[collectie/slug]]` → node; a bare slug must be unique.
fn resolve_wiki_link(target: &str, index: &Index) -> Result<usize, String> {
    if target.contains('/') {
        let path = format!("{}/", target.trim_matches('/'));
        return index
            .by_path
            .get(&path)
            .copied()
            .ok_or_else(|| format!("link to `[[{target}]]`, which does not exist"));
    }
    match index.by_slug.get(target).map(Vec::as_slice) {
        Some([n]) => Ok(*n),
        Some(many) if many.len() > 1 => Err(format!(
            "`[[{target}]]` is ambiguous: {} pages have this slug; write `[[collectie/{target}]]`",
            many.len()
        )),
        _ if index
            .drafts
            .iter()
            .any(|p| p.trim_end_matches('/').rsplit('/').next() == Some(target)) =>
        {
            Err(format!(
                "link to `[[{target}]]`, which is a draft and will not be published"
            ))
        }
        _ => Err(format!(
            "link to `[[{target}]]`, which does not exist{}",
            suggestion(target, index.all_slugs())
        )),
    }
}

fn resolve_relations(config: &Config, nodes: &mut [Node], index: &Index, diags: &mut Diagnostics) {
    for i in 0..nodes.len() {
        let page = &nodes[i].page;
        let Some(coll) = page.collection.as_deref() else {
            continue;
        };
        let Some(cc) = config.collections.get(coll) else {
            continue;
        };
        let mut resolved = IndexMap::new();
        for (name, spec) in &cc.relations {
            let Some(refs) = page.relations.get(name) else {
                continue;
            };
            let mut links: Vec<Link> = Vec::new();
            for r in refs {
                let at = |msg: String| Diagnostic::error(&page.file, r.line, r.column, msg);
                // A target is named by its slug; a name that is not a slug (`Zaanstad`) is slugified.
                let mut path = format!("{}/{}/", spec.to, r.to);
                if !index.by_path.contains_key(&path) && !index.drafts.contains(&path) {
                    path = format!("{}/{}/", spec.to, slugify(&r.to));
                }
                let Some(&target) = index.by_path.get(&path) else {
                    if index.drafts.contains(&path) {
                        diags.push(at(format!(
                            "`{name}` links to `{}`, which is a draft and will not be published",
                            r.to
                        )));
                    } else {
                        let candidates: Vec<&str> = nodes
                            .iter()
                            .filter(|n| {
                                n.page.kind == PageKind::Member
                                    && n.page.collection.as_deref() == Some(&spec.to)
                            })
                            .map(|n| n.page.slug.as_str())
                            .collect();
                        diags.push(at(format!(
                            "unknown {} `{}` in `{name}`{}",
                            singular(&spec.to),
                            r.to,
                            suggestion(&r.to, candidates)
                        )));
                    }
                    continue;
                };
                if links.iter().any(|l| l.node == target) {
                    diags.push(at(format!("`{name}` lists `{}` twice", r.to)));
                    continue;
                }
                if spec.why == WhyRule::Required
                    && r.why.as_deref().is_none_or(|w| w.trim().is_empty())
                {
                    diags.push(at(format!(
                        "`{name}` link to `{}` needs a reason: write `{{to: {}, why: \"…\"}}`",
                        r.to, r.to
                    )));
                }
                links.push(Link {
                    node: target,
                    why: r.why.clone(),
                });
            }
            resolved.insert(name.clone(), links);
        }
        nodes[i].relations = resolved;
    }
}

/// A collection name used as a noun in messages: `kwadranten` → `kwadrant`, `lessen` → `les`.
fn singular(collection: &str) -> String {
    for (plural, one) in [
        ("kwadranten", "kwadrant"),
        ("lessen", "les"),
        ("themas", "thema"),
        ("rollen", "rol"),
    ] {
        if collection == plural {
            return one.into();
        }
    }
    format!("page of `{collection}`")
}

/// Sort each collection as configured and link each member to its neighbours.
fn order_collections(config: &Config, nodes: &mut [Node]) -> BTreeMap<String, Vec<usize>> {
    let mut out = BTreeMap::new();
    for (name, cc) in &config.collections {
        let mut members: Vec<usize> = (0..nodes.len())
            .filter(|&i| {
                nodes[i].page.kind == PageKind::Member
                    && nodes[i].page.collection.as_deref() == Some(name)
            })
            .collect();
        members.sort_by(|&a, &b| {
            let (pa, pb) = (&nodes[a].page, &nodes[b].page);
            let primary = match cc.sort_by.as_str() {
                "weight" => pa
                    .weight
                    .unwrap_or(i64::MAX)
                    .cmp(&pb.weight.unwrap_or(i64::MAX)),
                "title" => crate::text::fold(&pa.title).cmp(&crate::text::fold(&pb.title)),
                "date" => pb.date.cmp(&pa.date),
                field => compare_json(pa.fields.get(field), pb.fields.get(field)),
            };
            primary
                .then_with(|| crate::text::fold(&pa.title).cmp(&crate::text::fold(&pb.title)))
                .then_with(|| pa.path.cmp(&pb.path))
        });
        for (pos, &i) in members.iter().enumerate() {
            nodes[i].prev = pos.checked_sub(1).map(|p| members[p]);
            nodes[i].next = members.get(pos + 1).copied();
        }
        out.insert(name.clone(), members);
    }
    out
}

fn compare_json(
    a: Option<&serde_json::Value>,
    b: Option<&serde_json::Value>,
) -> std::cmp::Ordering {
    use serde_json::Value::*;
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(Number(x)), Some(Number(y))) => x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(Equal),
        (Some(String(x)), Some(String(y))) => crate::text::fold(x).cmp(&crate::text::fold(y)),
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        _ => Equal,
    }
}

/// Fill in the inverse side of every relation, sources in their collection's order.
fn compute_inverse(
    config: &Config,
    nodes: &mut [Node],
    collections: &BTreeMap<String, Vec<usize>>,
) {
    let mut incoming: Vec<BTreeMap<String, Vec<Link>>> = vec![BTreeMap::new(); nodes.len()];
    for (coll, members) in collections {
        let cc = &config.collections[coll];
        for &src in members {
            for (name, links) in &nodes[src].relations {
                let Some(spec) = cc.relations.get(name) else {
                    continue;
                };
                for l in links {
                    incoming[l.node]
                        .entry(spec.inverse.clone())
                        .or_default()
                        .push(Link {
                            node: src,
                            why: l.why.clone(),
                        });
                }
            }
        }
    }
    for (node, inv) in nodes.iter_mut().zip(incoming) {
        node.inverse = inv;
    }
}

/// An alias may not be the URL of a page or of another alias (that would make a redirect loop).
fn check_aliases(nodes: &[Node], diags: &mut Diagnostics) {
    let mut taken: BTreeMap<String, String> = nodes
        .iter()
        .map(|n| (n.page.path.clone(), n.page.file.clone()))
        .collect();
    for n in nodes {
        for alias in &n.page.aliases {
            let line = n.page.line_of("aliases");
            if let Some(owner) = taken.get(alias) {
                let what = if nodes.iter().any(|m| &m.page.path == alias) {
                    "the URL of"
                } else {
                    "also an alias in"
                };
                let owner = if owner.is_empty() {
                    "a generated page"
                } else {
                    owner
                };
                diags.push(Diagnostic::error(
                    &n.page.file,
                    line,
                    1,
                    format!("alias `{alias}` is {what} {owner}; a redirect there would loop or hide a page"),
                ));
            } else {
                taken.insert(alias.clone(), n.page.file.clone());
            }
        }
    }
}
