//! `kennisbank serve`: build in memory, serve over HTTP, watch the site, rebuild on change and
//! tell open pages to reload.
//!
//! The server answers only from the built site held in memory, so no request can reach a file
//! outside it. A failed rebuild keeps the last good site and shows the problems in the page.

use crate::error::{Error, Result};
use crate::output::Output;
use crate::{BuildOptions, Compiled};
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

/// Where the dev server's own files live; never a path of the site.
pub const PREFIX: &str = "/_kennisbank/";
const LIVERELOAD_JS: &str = include_str!("serve/livereload.js");
const MAX_HEADER_BYTES: usize = 16 * 1024;

mod update;

/// The site being served and its state.
pub struct State {
    /// The last site that built without errors.
    site: RwLock<Option<Output>>,
    /// Its search model and configuration, for `/_search`.
    search: RwLock<Option<(crate::search::SearchModel, crate::config::Config)>>,
    /// The problems of the last build, when it failed.
    problems: RwLock<Option<String>>,
    /// The words over the problems, in the site's language (from the last good build).
    headline: RwLock<String>,
    /// Bumped on every build and every new search index; open pages wait on it.
    generation: Mutex<Generation>,
    changed: Condvar,
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
            headline: RwLock::new(
                "The site could not be rebuilt; you are seeing the last good version.".into(),
            ),
            generation: Mutex::new(Generation::default()),
            changed: Condvar::new(),
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

    fn bump(&self, how: fn(&mut Generation)) {
        let mut g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        how(&mut g);
        self.changed.notify_all();
    }

    fn generation(&self) -> Generation {
        *self.generation.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wait until the generation differs from `seen`, or the timeout passes.
    fn wait_change(&self, seen: Generation, timeout: Duration) -> Generation {
        let g = self.generation.lock().unwrap_or_else(|e| e.into_inner());
        let (g, _) = self
            .changed
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .unwrap_or_else(|e| e.into_inner());
        *g
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
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let state = state.clone();
        std::thread::spawn(move || {
            let _ = handle_connection(stream, &state);
        });
    }
    Ok(())
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
            *state.headline.write().unwrap_or_else(|e| e.into_inner()) =
                compiled.theme.strings.get("serve.failed").to_string();
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

fn ignored_dirs(root: &Path) -> Vec<PathBuf> {
    let out = crate::config::Config::load(root)
        .map(|c| c.output_path(root))
        .unwrap_or_else(|_| root.join("public"));
    vec![
        crate::output::absolute(&out),
        root.join("target"),
        root.join(".git"),
        root.join("node_modules"),
        root.join(".kennisbank-cache"),
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

// ---------------------------------------------------------------------------------------------
// HTTP

struct Request {
    method: String,
    target: String,
    keep_alive: bool,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> std::io::Result<Option<Request>> {
    let mut line = String::new();
    let mut total = 0;
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    total += line.len();
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), version) = (parts.next(), parts.next(), parts.next()) else {
        return Err(std::io::Error::other("bad request line"));
    };
    let mut keep_alive = version == Some("HTTP/1.1");
    let (method, target) = (method.to_string(), target.to_string());
    loop {
        let mut h = String::new();
        let n = reader.read_line(&mut h)?;
        total += n;
        if n == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if total > MAX_HEADER_BYTES {
            return Err(std::io::Error::other("headers too large"));
        }
        if let Some((k, v)) = h.split_once(':')
            && k.eq_ignore_ascii_case("connection")
        {
            keep_alive = !v.trim().eq_ignore_ascii_case("close");
        }
    }
    Ok(Some(Request {
        method,
        target,
        keep_alive,
    }))
}

fn handle_connection(stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut writer = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(_) => {
                let _ = respond(
                    &mut writer,
                    400,
                    "text/plain; charset=utf-8",
                    b"bad request\n",
                    false,
                    true,
                );
                return Ok(());
            }
        };
        let head_only = req.method == "HEAD";
        if req.method != "GET" && !head_only {
            respond(
                &mut writer,
                405,
                "text/plain; charset=utf-8",
                b"method not allowed\n",
                false,
                false,
            )?;
            return Ok(());
        }
        let path = match clean_path(&req.target) {
            Ok(p) => p,
            Err(status) => {
                respond(
                    &mut writer,
                    status,
                    "text/plain; charset=utf-8",
                    b"bad request\n",
                    head_only,
                    req.keep_alive,
                )?;
                if !req.keep_alive {
                    return Ok(());
                }
                continue;
            }
        };
        if path == format!("{PREFIX}events") {
            return stream_events(&mut writer, state);
        }
        let (status, ctype, body, location) = if path == "/_search" {
            search_endpoint(&req.target, state)
        } else {
            answer(&path, state)
        };
        if let Some(loc) = location {
            let head = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {loc}\r\nContent-Length: 0\r\n\r\n"
            );
            writer.write_all(head.as_bytes())?;
        } else {
            respond(&mut writer, status, ctype, &body, head_only, req.keep_alive)?;
        }
        if !req.keep_alive {
            return Ok(());
        }
    }
}

/// The decoded path of a request target, or the status to refuse it with. Only origin-form
/// targets (`/a/b`) are served; `..`, backslashes, NUL and absolute URIs are refused.
pub fn clean_path(target: &str) -> std::result::Result<String, u16> {
    if !target.starts_with('/') {
        return Err(400);
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path).ok_or(400u16)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return Err(400);
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(404);
    }
    Ok(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

type Answer = (u16, &'static str, Vec<u8>, Option<String>);

/// `/_search?q=…&filter=field=value&limit=N`: the same JSON as `kennisbank search --json`.
fn search_endpoint(target: &str, state: &State) -> Answer {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let (mut q, mut filters, mut limit) = (String::new(), Vec::new(), 10usize);
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = percent_decode(&v.replace('+', " ")).unwrap_or_default();
        match k {
            "q" => q = v,
            "filter" => filters.push(v),
            "limit" => limit = v.parse().unwrap_or(10).min(1000),
            _ => {}
        }
    }
    let guard = state.search.read().unwrap_or_else(|e| e.into_inner());
    let Some((model, config)) = guard.as_ref() else {
        return (
            503,
            "application/json",
            br#"{"error":"the site has not been built"}"#.to_vec(),
            None,
        );
    };
    match crate::search::parse_filters(model, &filters) {
        Ok(ids) => {
            let answer = crate::search::answer(model, config, &q, &ids, limit);
            let json = serde_json::to_vec(&answer).unwrap_or_default();
            (200, "application/json", json, None)
        }
        Err(msg) => (
            400,
            "application/json",
            serde_json::json!({ "error": msg }).to_string().into_bytes(),
            None,
        ),
    }
}

/// Status, content type, body and an optional redirect for a clean path.
fn answer(path: &str, state: &State) -> Answer {
    if path == format!("{PREFIX}livereload.js") {
        return (
            200,
            "text/javascript; charset=utf-8",
            LIVERELOAD_JS.as_bytes().to_vec(),
            None,
        );
    }
    if path == format!("{PREFIX}status") {
        let problems = state
            .problems
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let headline = state
            .headline
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let json = serde_json::json!({
            "generation": state.generation().build,
            "problems": problems,
            "headline": headline,
        });
        return (200, "application/json", json.to_string().into_bytes(), None);
    }
    let site = state.site.read().unwrap_or_else(|e| e.into_inner());
    let Some(site) = site.as_ref() else {
        let problems = state
            .problems
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .unwrap_or_default();
        let body = format!(
            "<!DOCTYPE html><html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Bouwfout</title></head><body><h1>De site kon niet worden gebouwd</h1><pre>{}</pre></body></html>",
            crate::text::escape_html(&problems)
        );
        return (
            500,
            "text/html; charset=utf-8",
            inject_reload(body.into_bytes()),
            None,
        );
    };
    let key = path.trim_start_matches('/');
    let file = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if let Some(bytes) = site.read(&file) {
        let ctype = content_type(&file);
        let body = if ctype.starts_with("text/html") {
            inject_reload(bytes)
        } else {
            bytes
        };
        return (200, ctype, body, None);
    }
    if !key.is_empty()
        && !key.ends_with('/')
        && site.files.contains_key(&format!("{key}/index.html"))
    {
        return (301, "", Vec::new(), Some(format!("{path}/")));
    }
    let body = site
        .read("404.html")
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec());
    (404, "text/html; charset=utf-8", inject_reload(body), None)
}

/// Add the live-reload module to an HTML page (an external script, so CSP-safe).
fn inject_reload(mut html: Vec<u8>) -> Vec<u8> {
    let tag = format!("<script type=\"module\" src=\"{PREFIX}livereload.js\"></script>");
    let pos = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    html.splice(pos..pos, tag.into_bytes());
    html
}

pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn status_text(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Unknown",
    }
}

fn respond(
    w: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head_only: bool,
    keep_alive: bool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n\r\n",
        status_text(status),
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    );
    w.write_all(head.as_bytes())?;
    if !head_only {
        w.write_all(body)?;
    }
    w.flush()
}

/// Server-sent events: `reload` after every successful build, `problems` after a failed one.
fn stream_events(w: &mut TcpStream, state: &State) -> std::io::Result<()> {
    w.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")?;
    let mut seen = state.generation();
    w.write_all(format!("retry: 500\nevent: hello\ndata: {}\n\n", seen.build).as_bytes())?;
    w.flush()?;
    loop {
        let g = state.wait_change(seen, Duration::from_secs(15));
        if g == seen {
            w.write_all(b": keep-alive\n\n")?; // fails once the page is gone, which ends the thread
            w.flush()?;
            continue;
        }
        let failed = state
            .problems
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        let event = match (g.build != seen.build, failed) {
            (true, true) => "problems",
            (true, false) => "reload",
            (false, _) => "search",
        };
        seen = g;
        w.write_all(format!("event: {event}\ndata: {}\n\n", g.build).as_bytes())?;
        w.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_absolute_uris_are_refused() {
        assert_eq!(clean_path("/guides/"), Ok("/guides/".into()));
        assert_eq!(clean_path("/a%20b?q=1"), Ok("/a b".into()));
        assert_eq!(clean_path("/../../etc/passwd"), Err(404));
        assert_eq!(clean_path("/%2e%2e/%2e%2e/etc/passwd"), Err(404));
        assert_eq!(clean_path("/..%5c..%5cetc/passwd"), Err(400));
        assert_eq!(clean_path("http://evil.example/etc/passwd"), Err(400));
        assert_eq!(clean_path("/%zz"), Err(400));
    }
}
