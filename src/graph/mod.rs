//! Stage 3: the site as a graph. Drops drafts, resolves every relation in front matter and
//! every internal link and anchor in Markdown, computes the inverse relations, orders the
//! collections, and checks that no two URLs collide.

mod links;

use crate::config::{Config, SortBy, WhyRule};
use crate::content::{Asset, Content, FieldValue, Page, PageKind};
use crate::error::{Diagnostic, Diagnostics, suggestion};
use crate::text::slugify;
use indexmap::IndexMap;
use links::{Index, Scan, resolve_links, scan_body};
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
    /// Internal link targets as written (`@/guides/x.md#part`, `x#part`) → site path with fragment.
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
    /// The files of the drafts left out of the build.
    pub drafts: Vec<String>,
    /// What those drafts still lack before they can be published.
    pub unfinished: Vec<Diagnostic>,
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
    let draft_files: Vec<String> = drafts.iter().map(|p| p.file.clone()).collect();
    let unfinished = drafts.into_iter().flat_map(|p| p.unfinished).collect();
    let mut pages = pages;
    for page in &mut pages {
        std::mem::take(&mut page.unfinished)
            .into_iter()
            .for_each(|d| diags.push(d));
    }

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
    let mut index = Index::new(&nodes, draft_paths, &content.assets);
    index.broken = content.broken;

    for (i, scan) in scans.iter().enumerate() {
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
        drafts: draft_files,
        unfinished,
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
    if scan.headings != site.nodes[i].headings {
        return false;
    }
    let old = std::mem::replace(&mut site.nodes[i].page, page);
    let index = Index::new(&site.nodes, BTreeSet::new(), &site.assets);
    let mut diags = Diagnostics::default();
    let links = resolve_links(i, &scan, &site.nodes, &index, &mut diags);
    if diags.has_errors() {
        site.nodes[i].page = old;
        return false;
    }
    site.nodes[i].links = links;
    true
}

fn resolve_relations(config: &Config, nodes: &mut [Node], index: &Index, diags: &mut Diagnostics) {
    for i in 0..nodes.len() {
        let page = &nodes[i].page;
        let Some(cc) = page
            .collection
            .as_deref()
            .and_then(|c| config.collections.get(c))
        else {
            continue;
        };
        let mut resolved = IndexMap::new();
        for (name, spec) in &cc.relations {
            let Some(refs) = page.relations.get(name) else {
                continue;
            };
            let relation = Relation {
                config,
                name,
                spec,
                page,
                nodes,
            };
            let mut links: Vec<Link> = Vec::new();
            for r in refs {
                if let Some(link) = relation.link(r, index, &links, diags) {
                    links.push(link);
                }
            }
            resolved.insert(name.clone(), links);
        }
        nodes[i].relations = resolved;
    }
}

/// One relation of one page, while its references are resolved.
struct Relation<'a> {
    config: &'a Config,
    name: &'a str,
    spec: &'a crate::config::RelationSpec,
    page: &'a Page,
    nodes: &'a [Node],
}

impl Relation<'_> {
    /// The link a reference makes, or `None` (with a diagnostic unless its target failed to load).
    fn link(
        &self,
        r: &crate::content::RelationRef,
        index: &Index,
        links: &[Link],
        diags: &mut Diagnostics,
    ) -> Option<Link> {
        let name = self.name;
        let at = |msg: String| self.error_at(r, msg);
        let target = self.target(r, index, diags)?;
        if links.iter().any(|l| l.node == target) {
            diags.push(at(format!("`{name}` lists `{}` twice", r.to)));
            return None;
        }
        if self.spec.why == WhyRule::Required
            && r.why.as_deref().is_none_or(|w| w.trim().is_empty())
        {
            diags.push(at(format!(
                "`{name}` link to `{}` needs a reason: write `{{to: {}, why: \"…\"}}`",
                r.to, r.to
            )));
        }
        Some(Link {
            node: target,
            why: r.why.clone(),
        })
    }

    /// An error at the place of a reference in the page's front matter.
    fn error_at(&self, r: &crate::content::RelationRef, msg: String) -> Diagnostic {
        let (line, column) = self.page.positions.at(&r.at);
        Diagnostic::error(&self.page.file, line, column, msg)
    }

    /// The node a reference names: by its slug, or (a name that is not a slug, `Zaanstad`)
    /// slugified. A draft or an unknown name is an error at the reference.
    fn target(
        &self,
        r: &crate::content::RelationRef,
        index: &Index,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let (name, to) = (self.name, &self.spec.to);
        let mut path = format!("{to}/{}/", r.to);
        if !index.by_path.contains_key(&path)
            && !index.drafts.contains(&path)
            && !index.broken.contains(&path)
        {
            path = format!("{to}/{}/", slugify(&r.to));
        }
        if let Some(&target) = index.by_path.get(&path) {
            return Some(target);
        }
        if index.broken.contains(&path) {
            return None; // its own problems are reported
        }
        let msg = if index.drafts.contains(&path) {
            format!(
                "`{name}` links to `{}`, which is a draft and will not be published",
                r.to
            )
        } else {
            let candidates = self.nodes.iter().filter(|n| {
                n.page.kind == PageKind::Member && n.page.collection.as_deref() == Some(to)
            });
            format!(
                "unknown {} `{}` in `{name}`{}",
                self.config.singular(to),
                r.to,
                suggestion(&r.to, candidates.map(|n| n.page.slug.as_str()))
            )
        };
        diags.push(self.error_at(r, msg));
        None
    }
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
        // Titles folded once, not at every comparison.
        let titles: HashMap<usize, String> = members
            .iter()
            .map(|&i| (i, crate::text::fold(&nodes[i].page.title)))
            .collect();
        members.sort_by(|&a, &b| {
            let (pa, pb) = (&nodes[a].page, &nodes[b].page);
            let by_title = || titles[&a].cmp(&titles[&b]);
            let primary = match &cc.sort_by {
                SortBy::Weight => pa
                    .weight
                    .unwrap_or(i64::MAX)
                    .cmp(&pb.weight.unwrap_or(i64::MAX)),
                SortBy::Title => by_title(),
                SortBy::Date => pb.date.cmp(&pa.date),
                SortBy::Field(field) => compare_fields(pa.fields.get(field), pb.fields.get(field)),
            };
            primary
                .then_with(by_title)
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

/// Two values of a `sort_by` field: numbers by size, texts by their folded form, a page
/// without the value after those with one.
fn compare_fields(a: Option<&FieldValue>, b: Option<&FieldValue>) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(x), Some(y)) => {
            if let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) {
                x.partial_cmp(&y).unwrap_or(Equal)
            } else if let (Some(x), Some(y)) = (x.as_str(), y.as_str()) {
                crate::text::fold(x).cmp(&crate::text::fold(y))
            } else {
                Equal
            }
        }
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
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
            if let Some(owner) = taken.get(alias) {
                let line = n.page.line_of("aliases");
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SITE: &str = r#"
title = "Rivieren"
base_url = "https://example.nl/water/"

[collections.rivers]
title = "Rivers"
sort_by = "length"
fields.length = { type = "integer" }

[collections.cities]
title = "Cities"
sort_by = "title"

[collections.cities.relations.rivers]
to = "rivers"
inverse = "cities"
"#;

    /// The graph of pages given as (file under content/, text).
    fn graph(pages: &[(&str, &str)], drafts: bool) -> (Site, Diagnostics) {
        let config = Config::parse(SITE).unwrap();
        let pages = pages
            .iter()
            .map(|(file, text)| {
                let rel = Path::new("content").join(file);
                let (page, diags) = crate::content::parse_source(text.as_bytes(), &rel, &config);
                assert!(!diags.has_errors(), "{file}: {:?}", diags.0);
                page.unwrap()
            })
            .collect();
        let content = Content {
            pages,
            assets: Vec::new(),
            broken: BTreeSet::new(),
        };
        build(config, content, drafts)
    }

    fn titles(site: &Site, collection: &str) -> Vec<String> {
        site.collections[collection]
            .iter()
            .map(|&i| site.nodes[i].page.title.clone())
            .collect()
    }

    const PAGES: &[(&str, &str)] = &[
        ("rivers/maas.md", "---\ntitle: Maas\nlength: 925\n---\n"),
        ("rivers/ijssel.md", "---\ntitle: IJssel\nlength: 125\n---\n"),
        ("rivers/rijn.md", "---\ntitle: Rijn\n---\n"),
        (
            "cities/zwolle.md",
            "---\ntitle: Zwolle\nrivers: [ijssel]\n---\n",
        ),
        (
            "cities/arnhem.md",
            "---\ntitle: Arnhem\nrivers: [rijn, ijssel]\n---\n",
        ),
        (
            "cities/ĳsselstein.md",
            "---\ntitle: Ĳsselstein\ndraft: true\nrivers: [ijssel]\n---\n",
        ),
    ];

    #[test]
    fn collections_sort_by_their_field_or_folded_title_and_link_neighbours() {
        let (site, diags) = graph(PAGES, false);
        assert!(!diags.has_errors(), "{:?}", diags.0);
        // By length, a page without the field last.
        assert_eq!(titles(&site, "rivers"), ["IJssel", "Maas", "Rijn"]);
        assert_eq!(titles(&site, "cities"), ["Arnhem", "Zwolle"]);
        let arnhem = site.collections["cities"][0];
        assert_eq!(site.nodes[arnhem].prev, None);
        assert_eq!(site.nodes[arnhem].next, Some(site.collections["cities"][1]));
    }

    #[test]
    fn inverse_relations_list_their_sources_in_collection_order_and_skip_drafts() {
        let (site, _) = graph(PAGES, false);
        let ijssel = site.collections["rivers"][0];
        let cities: Vec<&str> = site.nodes[ijssel].inverse["cities"]
            .iter()
            .map(|l| site.nodes[l.node].page.title.as_str())
            .collect();
        assert_eq!(cities, ["Arnhem", "Zwolle"]);
        assert_eq!(site.drafts, ["content/cities/ĳsselstein.md"]);
        // With --drafts the draft is a page like the others, sorted by its folded title.
        let (site, _) = graph(PAGES, true);
        assert_eq!(titles(&site, "cities"), ["Arnhem", "Ĳsselstein", "Zwolle"]);
    }

    #[test]
    fn a_relation_to_a_page_that_does_not_exist_names_the_nearest() {
        let mut pages = PAGES.to_vec();
        pages.push((
            "cities/deventer.md",
            "---\ntitle: Deventer\nrivers: [isel]\n---\n",
        ));
        let (_, diags) = graph(&pages, false);
        let messages: Vec<String> = diags.0.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            messages,
            [
                "content/cities/deventer.md:3:10: unknown page `isel` in `rivers`; did you mean `ijssel`?"
            ]
        );
    }
}
