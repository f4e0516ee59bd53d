//! `kennisbank serve`: build in memory, serve over HTTP, watch the site, rebuild on change and
//! tell open pages to reload.
//!
//! The server answers only from the built site held in memory, so no request can reach a file
//! outside it. A failed rebuild keeps the last good site and shows the problems in the page.
//! The HTTP side is in [`http`]; what a change needs rebuilt, in [`update`].

use crate::error::{Error, Result};
use crate::i18n::Strings;
use crate::output::Output;
use crate::{BuildOptions, Compiled};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

mod http;
mod update;

/// The site being served and its state.
pub struct State {
    /// The last site that built without errors.
    site: RwLock<Option<Output>>,
    /// Its search model and configuration, for `/_search`.
    search: RwLock<Option<(crate::search::SearchModel, crate::config::Config)>>,
    /// The problems of the last build, when it failed.
    problems: RwLock<Option<String>>,
    /// The site's strings, for the words over the problems and the error page: from the last
    /// build, or as far as a failed one could read them ([`site_strings`]).
    strings: RwLock<Arc<Strings>>,
    /// Bumped on every build and every new search index; open pages wait on it.
    generation: tokio::sync::watch::Sender<Generation>,
}

/// Counters of what changed, for the events sent to open pages.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Generation {
    /// Builds (good or failed): pages reload or show the problems.
    build: u64,
    /// Search indexes built after the pages: only the search page reloads.
    search: u64,
}

impl State {
    fn new() -> Self {
        State {
            site: RwLock::new(None),
            search: RwLock::new(None),
            problems: RwLock::new(None),
            strings: RwLock::new(Arc::default()),
            generation: tokio::sync::watch::Sender::new(Generation::default()),
        }
    }

    fn publish(&self, result: std::result::Result<Output, String>) {
        match result {
            Ok(out) => {
                *self.site.write().unwrap_or_else(|e| e.into_inner()) = Some(out);
                *self.problems.write().unwrap_or_else(|e| e.into_inner()) = None;
            }
            Err(msg) => *self.problems.write().unwrap_or_else(|e| e.into_inner()) = Some(msg),
        }
        self.bump(|g| g.build += 1);
    }

    /// Change the served site in place (an incremental rebuild) and tell open pages.
    fn patch(&self, edit: impl FnOnce(&mut Output), bump: fn(&mut Generation)) {
        if let Some(out) = self
            .site
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .as_mut()
        {
            edit(out);
        }
        *self.problems.write().unwrap_or_else(|e| e.into_inner()) = None;
        self.bump(bump);
    }

    fn set_search(&self, model: crate::search::SearchModel, config: crate::config::Config) {
        *self.search.write().unwrap_or_else(|e| e.into_inner()) = Some((model, config));
    }

    fn set_strings(&self, strings: Arc<Strings>) {
        *self.strings.write().unwrap_or_else(|e| e.into_inner()) = strings;
    }

    /// Change the generation; every open event stream sees it.
    fn bump(&self, how: fn(&mut Generation)) {
        self.generation.send_modify(how);
    }

    fn generation(&self) -> Generation {
        *self.generation.borrow()
    }
}

/// What the rebuild thread is told: a file changed, or a search index is ready.
enum Message {
    Changed(notify::Event),
    Search(update::SearchDone),
}

/// Build once, serve, and rebuild on every change until the process ends.
pub fn run(root: &Path, bind: &str, port: u16, drafts: bool) -> Result<()> {
    let listener = TcpListener::bind((bind, port))
        .map_err(|e| Error::Usage(format!("cannot listen on {bind}:{port}: {e}")))?;
    let addr = listener.local_addr().map_err(|e| Error::io(root, e))?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let opts = BuildOptions {
        root: crate::output::absolute(root),
        base_url: Some(format!("http://{host}:{}/", addr.port())),
        drafts,
        incremental: true,
        ..Default::default()
    };
    let state = Arc::new(State::new());
    let workspace = rebuild(&opts, &state);
    // Watch before announcing the address, so that no change after the announcement is missed.
    let (tx, rx) = std::sync::mpsc::channel();
    let watcher = start_watching(&opts.root, tx.clone());
    println!(
        "Serving {} at http://{host}:{}/ (Ctrl+C to stop)",
        crate::error::display_path(root),
        addr.port()
    );
    let _ = std::io::stdout().flush();
    if let Some(watcher) = watcher {
        let watcher_state = state.clone();
        std::thread::spawn(move || {
            let _keep = watcher;
            let search = update::SearchJobs::start(tx, Message::Search);
            rebuild_on_change(&opts, rx, &watcher_state, workspace, &search)
        });
    }
    http::serve(listener, state).map_err(|e| Error::io(root, e))
}

/// Build in memory and publish the result. Returns the build to update incrementally.
fn rebuild(opts: &BuildOptions, state: &State) -> Option<Compiled> {
    let start = Instant::now();
    match crate::compile(opts) {
        Ok(mut compiled) => {
            for w in &compiled.warnings.0 {
                eprintln!("{w}");
            }
            let summary = compiled.summary(start);
            state.set_strings(compiled.theme.strings.clone());
            let model = std::mem::take(&mut compiled.search);
            state.set_search(model, compiled.site.config.clone());
            state.publish(Ok(std::mem::take(&mut compiled.output)));
            eprintln!("built: {summary}");
            Some(compiled)
        }
        Err(e) => {
            e.report();
            let text = match &e {
                Error::Content(d) => {
                    d.0.iter()
                        .map(|d| d.to_string())
                        .collect::<Vec<_>>()
                        .join("\n")
                }
                other => other.to_string(),
            };
            state.set_strings(Arc::new(site_strings(&opts.root)));
            state.publish(Err(text));
            None
        }
    }
}

/// A watcher on the whole site folder, sending its events to `tx`.
fn start_watching(root: &Path, tx: Sender<Message>) -> Option<notify::RecommendedWatcher> {
    let mut watcher = match notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            let _ = tx.send(Message::Changed(ev));
        }
    }) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("warning: cannot watch for changes: {e}");
            return None;
        }
    };
    if let Err(e) = watcher.watch(root, RecursiveMode::Recursive) {
        eprintln!("warning: cannot watch {}: {e}", root.display());
        return None;
    }
    Some(watcher)
}

/// Rebuild after each burst of relevant changes, as little as the change needs (see
/// [`update`]); put each search index in place when its thread is done.
fn rebuild_on_change(
    opts: &BuildOptions,
    rx: Receiver<Message>,
    state: &State,
    mut workspace: Option<Compiled>,
    search: &update::SearchJobs,
) {
    let root = &opts.root;
    let ignored = ignored_dirs(root);
    // The generation of the content the newest search job was submitted for.
    let mut content_generation = 0u64;
    while let Ok(message) = rx.recv() {
        let ev = match message {
            Message::Changed(ev) => ev,
            Message::Search(done) => {
                if done.generation == content_generation
                    && let Some(ws) = workspace.as_mut()
                {
                    let mut model = None;
                    state.patch(
                        |out| model = update::apply_search(ws, done, out),
                        |g| g.search += 1,
                    );
                    if let Some(model) = model {
                        state.set_search(model, ws.site.config.clone());
                        eprintln!("search index updated");
                    }
                }
                continue;
            }
        };
        if !is_relevant(&ev, root, &ignored) {
            continue;
        }
        // Let a burst of saves settle, then build once.
        // A search index that arrives meanwhile is for older content: it is dropped.
        let mut paths: BTreeSet<PathBuf> = ev.paths.into_iter().collect();
        while let Ok(m) = rx.recv_timeout(Duration::from_millis(30)) {
            if let Message::Changed(ev) = m
                && is_relevant(&ev, root, &ignored)
            {
                paths.extend(ev.paths);
            }
        }
        let start = Instant::now();
        let done = workspace.as_mut().is_some_and(|ws| {
            incremental(ws, root, &paths, state, search, &mut content_generation)
        });
        if done {
            eprintln!("updated in {} ms", start.elapsed().as_millis());
        } else {
            eprintln!("change detected, rebuilding …");
            content_generation += 1; // a full build indexes the content itself
            workspace = rebuild(opts, state);
        }
    }
}

/// Try the incremental plans; false when the site must be built in full.
fn incremental(
    ws: &mut Compiled,
    root: &Path,
    paths: &BTreeSet<PathBuf>,
    state: &State,
    search: &update::SearchJobs,
    generation: &mut u64,
) -> bool {
    match update::plan(ws, root, paths) {
        update::Plan::Bodies(changed) => {
            let Some(files) = update::apply_bodies(ws, root, &changed) else {
                return false;
            };
            state.patch(
                |out| {
                    for f in files {
                        out.files.insert(f.path, f.data);
                    }
                },
                |g| g.build += 1,
            );
            *generation += 1;
            search.submit(ws, *generation);
            true
        }
        update::Plan::Theme => {
            let current = state.site.read().unwrap_or_else(|e| e.into_inner()).clone();
            let Some(out) = current.and_then(|c| update::apply_theme(ws, root, &c)) else {
                return false;
            };
            state.publish(Ok(out));
            true
        }
        update::Plan::Full => false,
    }
}

/// The strings of the site at `root` when its build failed, as far as they can be read: its
/// theme's and its own in its language when site.toml and the theme load; else the built-in
/// theme's in the language site.toml names, or in the default language.
fn site_strings(root: &Path) -> Strings {
    let config = crate::config::Config::load(root);
    if let Some(theme) = config
        .as_ref()
        .ok()
        .and_then(|c| crate::theme::ThemeFiles::load(root, c).ok())
    {
        return theme.strings;
    }
    let named = std::fs::read_to_string(root.join(crate::config::CONFIG_FILE))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|t| t.get("language")?.as_str().map(str::to_string));
    named
        .and_then(|l| crate::theme::built_in_strings(&l))
        .or_else(|| crate::theme::built_in_strings(crate::config::DEFAULT_LANGUAGE))
        .unwrap_or_default()
}

fn ignored_dirs(root: &Path) -> Vec<PathBuf> {
    let out = crate::config::Config::load(root)
        .map(|c| c.output_path(root))
        .unwrap_or_else(|_| root.join("public"));
    vec![
        crate::output::absolute(&out),
        root.join("target"),
        root.join(".git"),
        root.join("node_modules"),
    ]
}

fn is_relevant(ev: &notify::Event, root: &Path, ignored: &[PathBuf]) -> bool {
    if matches!(ev.kind, notify::EventKind::Access(_)) {
        return false;
    }
    ev.paths.iter().any(|p| {
        let hidden = p
            .strip_prefix(root)
            .map(|r| {
                r.components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
            })
            .unwrap_or(false);
        let in_ignored = ignored.iter().any(|i| p.starts_with(i));
        let temp = p.file_name().is_some_and(|n| {
            let n = n.to_string_lossy();
            n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".tmp")
        });
        !hidden && !in_ignored && !temp
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings_with(site_toml: &str) -> Strings {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), site_toml).unwrap();
        site_strings(dir.path())
    }

    #[test]
    fn a_failed_build_still_speaks_the_sites_language() {
        let good = "title = \"T\"\nbase_url = \"/\"\nlanguage = \"en\"\n";
        assert_eq!(strings_with(good).language, "en");
        // site.toml names its language but does not load: the built-in table for it.
        let broken =
            strings_with("title = \"T\"\nbase_url = \"/\"\nlanguage = \"en\"\nonbekend = 1\n");
        assert_eq!(broken.language, "en");
        assert_eq!(broken.get("serve.error_title"), "Build error");
        // No language to be read, or one the theme lacks: the default language.
        assert_eq!(
            strings_with("title = ").language,
            crate::config::DEFAULT_LANGUAGE
        );
        let unknown = strings_with("title = \"T\"\nbase_url = \"/\"\nlanguage = \"xx\"\n");
        assert_eq!(unknown.language, crate::config::DEFAULT_LANGUAGE);
        assert_ne!(unknown.get("serve.error_heading"), "serve.error_heading");
    }
}
