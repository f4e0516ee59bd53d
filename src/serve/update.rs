//! Incremental rebuilds for `serve`. After a change, [`plan`] picks the least work that gives
//! the same site a full build would:
//!
//! - [`Plan::Bodies`]: only the bodies of existing pages changed (same front matter, same
//!   headings, links that resolve). Those bodies are parsed and rendered again, and only the
//!   files that show them (the page, its collection's print-all page, the feed) are replaced.
//!   The search index is rebuilt afterwards on another thread ([`SearchJobs`]), so the reload
//!   does not wait for it.
//! - [`Plan::Theme`]: only templates or theme assets changed. Every page is rendered again from
//!   the content already parsed; the search files are kept.
//! - [`Plan::Full`]: anything else, or when an incremental step finds a problem (the full build
//!   then reports it with file and line).

use crate::Compiled;
use crate::content;
use crate::output::links::LinkCheck;
use crate::output::{Output, OutputFile, Sink};
use crate::search::{self, SearchModel, export::Export};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};

/// What a set of changed paths needs.
#[derive(Debug, PartialEq)]
pub(super) enum Plan {
    /// Changed page bodies: (absolute file, node).
    Bodies(Vec<(PathBuf, usize)>),
    Theme,
    Full,
}

/// Decide what the changed `paths` (absolute) need, given the last good build.
pub(super) fn plan(ws: &Compiled, root: &Path, paths: &BTreeSet<PathBuf>) -> Plan {
    let content = root.join(content::CONTENT_DIR);
    let mut bodies = Vec::new();
    let mut theme = false;
    for p in paths {
        let is_page_file = p.starts_with(&content)
            && p.extension().is_some_and(|e| e == "md")
            && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file());
        let node = is_page_file
            .then(|| {
                let rel = p.strip_prefix(root).ok()?;
                let rel = crate::error::display_path(rel);
                ws.site.nodes.iter().position(|n| n.page.file == rel)
            })
            .flatten();
        // A string table reaches the page bodies too (the note on external links).
        let is_strings = p.components().any(|c| c.as_os_str() == "i18n");
        match node {
            Some(i) => bodies.push((p.clone(), i)),
            None if !is_strings && ws.theme.dirs.iter().any(|d| p.starts_with(d)) => theme = true,
            None => return Plan::Full,
        }
    }
    match (bodies.is_empty(), theme) {
        (false, false) => Plan::Bodies(bodies),
        (true, true) => Plan::Theme,
        _ => Plan::Full,
    }
}

/// Apply changed bodies to the last good build. Returns the output files to replace, or `None`
/// when a change is more than a body edit or has a problem; `ws` must then be rebuilt in full.
pub(super) fn apply_bodies(
    ws: &mut Compiled,
    root: &Path,
    changed: &[(PathBuf, usize)],
) -> Option<Vec<OutputFile>> {
    for (abs, i) in changed {
        let rel = abs.strip_prefix(root).ok()?;
        let (page, diags) = content::load_page(abs, rel, &ws.site.config);
        if diags.has_errors() || !crate::graph::replace_body(&mut ws.site, *i, page?) {
            return None;
        }
        let (body, diags) = crate::markdown::render_one(&ws.site, *i, &ws.theme.strings);
        // Links the graph cannot check (plain site paths, files) are checked in the rendered
        // site; a new one needs the full build to check it.
        let known = |url: &String| ws.bodies[*i].unchecked.iter().any(|(u, ..)| u == url);
        if diags.has_errors() || !body.unchecked.iter().all(|(u, ..)| known(u)) {
            return None;
        }
        ws.bodies[*i] = body;
    }
    let mut files = Vec::new();
    for (_, i) in changed {
        files.extend(crate::render::render_body_files(&ws.site, &ws.bodies, &ws.theme, *i).ok()?);
    }
    Some(files)
}

/// Render every page again with the theme as it is now on disk, keeping the content and the
/// search files of `current`. `None` when the theme has a problem (a full build reports it).
pub(super) fn apply_theme(ws: &mut Compiled, root: &Path, current: &Output) -> Option<Output> {
    ws.theme = crate::render::load_theme(root, &ws.site.config).ok()?;
    let out = std::sync::Mutex::new(Output::default());
    // Every link of the pages drawn anew is checked, as a full build checks it.
    let checker = LinkCheck::new(&out, &ws.site.config.base_path());
    for (path, data) in current.files.range("search/".to_string()..) {
        if !path.starts_with("search/") {
            break;
        }
        if search::export::is_export_file(path) {
            checker.add(OutputFile {
                path: path.clone(),
                data: data.clone(),
                gzip: None,
            });
        }
    }
    let diags =
        crate::render::render_site(&ws.site, &ws.bodies, &ws.theme, &ws.search_client, &checker);
    let broken = crate::check_links(checker, &ws.site, &ws.bodies, &ws.theme);
    let out = out.into_inner().unwrap_or_else(|e| e.into_inner());
    (!diags.has_errors() && !broken.has_errors() && out.collisions.is_empty()).then_some(out)
}

/// A search index built for the content of one generation of `serve`.
pub(super) struct SearchDone {
    pub generation: u64,
    pub model: Box<SearchModel>,
    pub export: Export,
}

/// A thread that builds search indexes: it takes the newest job, skipping ones overtaken while
/// it was busy, and hands each result to `done`.
pub(super) struct SearchJobs {
    jobs: Sender<Job>,
}

impl SearchJobs {
    pub(super) fn start<M: Send + 'static>(done: Sender<M>, wrap: fn(SearchDone) -> M) -> Self {
        let (jobs, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || run_jobs(rx, done, wrap));
        SearchJobs { jobs }
    }

    /// Queue a rebuild of the search index of `ws` as generation `generation`.
    pub(super) fn submit(&self, ws: &Compiled, generation: u64) {
        let input = search::index::prepare(
            &ws.site,
            &ws.bodies,
            ws.theme.strings.get("search.collection_facet"),
        );
        let collections = ws.site.config.collections.keys().cloned().collect();
        let _ = self.jobs.send((generation, input, collections));
    }
}

/// A generation, the texts to index and the site's collections.
type Job = (u64, search::index::SearchInput, Vec<String>);

fn run_jobs<M>(rx: Receiver<Job>, done: Sender<M>, wrap: fn(SearchDone) -> M) {
    while let Ok(mut job) = rx.recv() {
        while let Ok(newer) = rx.try_recv() {
            job = newer;
        }
        let (generation, input, collections) = job;
        match search::index::build_prepared(input, &mut Vec::new()) {
            Ok(model) => {
                let export = search::export::export(&model, &collections, false);
                let result = SearchDone {
                    generation,
                    model: Box::new(model),
                    export,
                };
                if done.send(wrap(result)).is_err() {
                    return;
                }
            }
            Err(msg) => eprintln!("search index: {msg}"),
        }
    }
}

/// Put a new search export into the served site: the old search files go, the new ones and the
/// search page (which says where the parts begin) come in.
pub(super) fn apply_search(
    ws: &mut Compiled,
    done: SearchDone,
    out: &mut Output,
) -> Option<SearchModel> {
    let page =
        crate::render::render_search_page(&ws.site, &ws.bodies, &ws.theme, &done.export.client)
            .ok()?;
    ws.search_client = done.export.client;
    out.files
        .retain(|path, _| !search::export::is_export_file(path));
    for f in done.export.files.into_iter().chain(page) {
        out.files.insert(f.path, f.data);
    }
    Some(*done.model)
}
