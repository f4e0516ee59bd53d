//! The dev server's HTTP side, on axum (hyper's HTTP/1) in a small tokio runtime: the site from
//! memory, the live-reload script and event stream under [`PREFIX`], `/_search`.
//!
//! Everything is bounded: [`WORKERS`] threads answer every request, at most [`MAX_CONNECTIONS`]
//! connections are open at once (more wait in the listen queue until one closes), a connection
//! that sends no request for [`IDLE`] is closed, and at most [`MAX_EVENT_STREAMS`] of the
//! connections are live-reload streams, which hold no thread while they wait. So neither many
//! clients nor many open pages can take the threads or connections that page requests need.

use super::{Generation, State};
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Where the dev server's own files live; never a path of the site.
pub(super) const PREFIX: &str = "/_kennisbank/";
const LIVERELOAD_JS: &str = include_str!("livereload.js");
/// Threads that answer requests (the runtime's workers).
const WORKERS: usize = 2;
/// Connections open at once; a further one waits in the listen queue until one closes.
const MAX_CONNECTIONS: usize = 256;
/// Live-reload event streams open at once (part of [`MAX_CONNECTIONS`]); one more is refused
/// with 503, so open pages can never take the connections that page requests need.
const MAX_EVENT_STREAMS: usize = 32;
/// How long a connection may stay without a (whole) request before it is closed.
const IDLE: Duration = Duration::from_secs(10);
/// How often an idle event stream sends a comment, which also finds pages that are gone.
const EVENT_KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What the handlers share: the served site and the event streams' permits.
#[derive(Clone)]
struct App {
    state: Arc<State>,
    streams: Arc<Semaphore>,
}

/// Answer HTTP on `listener` until the process ends.
pub(super) fn serve(listener: std::net::TcpListener, state: Arc<State>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .max_blocking_threads(1)
        .thread_name("kennisbank-http")
        .enable_all()
        .build()?;
    let app = App {
        state,
        streams: Arc::new(Semaphore::new(MAX_EVENT_STREAMS)),
    };
    let router = axum::Router::new()
        .fallback(handle)
        .layer(axum::middleware::map_response(common_headers))
        .with_state(app);
    runtime.block_on(accept(listener, router))
}

/// Accept connections while fewer than [`MAX_CONNECTIONS`] are open, each served by hyper.
async fn accept(listener: std::net::TcpListener, router: axum::Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(permit) = open.clone().acquire_owned().await else {
            return Ok(()); // never closed
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, say: try again shortly rather than spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _ = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(IDLE)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            drop(permit);
        });
    }
}

/// Every answer is fresh and says what it is: no caching, no content sniffing.
async fn common_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// GET and HEAD of a clean path (hyper leaves the body out for HEAD); every other method is 405.
async fn handle(
    axum::extract::State(app): axum::extract::State<App>,
    method: Method,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let path = match clean_path(&uri) {
        Ok(p) => p,
        Err(status) => return plain(status, "bad request\n"),
    };
    match path.strip_prefix(PREFIX) {
        Some("events") => return events(&app),
        Some("livereload.js") => {
            return reply(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                LIVERELOAD_JS,
            );
        }
        Some("status") => {
            let json = status(&app.state).to_string();
            return reply(StatusCode::OK, "application/json", json);
        }
        _ => {}
    }
    if path == "/_search" {
        return search_endpoint(uri.query().unwrap_or(""), &app.state);
    }
    answer(&path, &uri, &app.state)
}

/// The decoded path of a request target, or the status to refuse it with. Only origin-form
/// targets (`/a/b`) are served; `..`, backslashes, NUL, bytes that are not UTF-8 and absolute
/// URIs are refused. (A `%` without two hex digits stays as it is, as in a browser's URL.)
fn clean_path(uri: &Uri) -> Result<String, StatusCode> {
    if uri.scheme().is_some() || uri.authority().is_some() || !uri.path().starts_with('/') {
        return Err(StatusCode::BAD_REQUEST);
    }
    let decoded = percent_encoding::percent_decode_str(uri.path())
        .decode_utf8()
        .map_err(|_| StatusCode::BAD_REQUEST)?;
    if decoded.contains(['\\', '\0']) {
        return Err(StatusCode::BAD_REQUEST);
    }
    if decoded.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(decoded.into_owned())
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    reply(status, "text/plain; charset=utf-8", text)
}

fn reply(status: StatusCode, ctype: &str, body: impl Into<Body>) -> Response {
    let ctype = HeaderValue::from_str(ctype)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (status, [(header::CONTENT_TYPE, ctype)], body.into()).into_response()
}

/// `/_search?q=…&filter=field=value&limit=N`: the same JSON as `kennisbank search --json`.
fn search_endpoint(query: &str, state: &State) -> Response {
    let (mut q, mut filters, mut limit) = (String::new(), Vec::new(), 10usize);
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "q" => q = value.into_owned(),
            "filter" => filters.push(value.into_owned()),
            "limit" => limit = value.parse().unwrap_or(10).min(1000),
            _ => {}
        }
    }
    let json =
        |status, value: serde_json::Value| reply(status, "application/json", value.to_string());
    let guard = state.search.read().unwrap_or_else(|e| e.into_inner());
    let Some((model, config)) = guard.as_ref() else {
        return json(
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "error": "the site has not been built" }),
        );
    };
    match crate::search::parse_filters(model, &filters) {
        Ok(ids) => {
            let answer = crate::search::answer(model, config, &q, &ids, limit);
            let text = serde_json::to_string(&answer).unwrap_or_default();
            reply(StatusCode::OK, "application/json", text)
        }
        Err(msg) => json(StatusCode::BAD_REQUEST, serde_json::json!({ "error": msg })),
    }
}

/// The answer for a clean path of the site: its file, a redirect to the folder, the site's 404
/// page, or the problems when no build has succeeded yet.
fn answer(path: &str, uri: &Uri, state: &State) -> Response {
    let site = state.site.read().unwrap_or_else(|e| e.into_inner());
    let Some(site) = site.as_ref() else {
        return reply(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            inject_reload(error_page(state)),
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
        return reply(StatusCode::OK, &ctype, body);
    }
    if !key.is_empty()
        && !key.ends_with('/')
        && site.files.contains_key(&format!("{key}/index.html"))
    {
        // The target as sent (still percent-encoded), with its query.
        let location = match uri.query() {
            Some(q) => format!("{}/?{q}", uri.path()),
            None => format!("{}/", uri.path()),
        };
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    let body = site
        .read("404.html")
        .unwrap_or_else(|| b"<!DOCTYPE html><title>404</title><h1>404</h1>".to_vec());
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        inject_reload(body),
    )
}

/// `/_kennisbank/status`: the build generation, and the problems of the last build with the
/// words over them, for the page's banner.
fn status(state: &State) -> serde_json::Value {
    let problems = state
        .problems
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let strings = state.strings.read().unwrap_or_else(|e| e.into_inner());
    serde_json::json!({
        "generation": state.generation().build,
        "problems": problems,
        "headline": strings.get("serve.failed"),
    })
}

/// The page served while no build has succeeded: the problems, in the site's language.
fn error_page(state: &State) -> Vec<u8> {
    let problems = state
        .problems
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_default();
    let strings = state.strings.read().unwrap_or_else(|e| e.into_inner());
    let escape = crate::text::escape_html;
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body><h1>{}</h1><pre>{}</pre></body></html>",
        escape(&strings.language),
        escape(strings.get("serve.error_title")),
        escape(strings.get("serve.error_heading")),
        escape(&problems)
    )
    .into_bytes()
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

/// The content type of a file by its extension (`mime_guess`), text in UTF-8.
fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.type_() == mime_guess::mime::TEXT || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// Server-sent events: `hello` at once, then `reload` after every successful build,
/// `problems` after a failed one and `search` when a new search index is in place. Refused with
/// 503 when [`MAX_EVENT_STREAMS`] are open.
fn events(app: &App) -> Response {
    let Ok(permit) = app.streams.clone().try_acquire_owned() else {
        return plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many live-reload connections\n",
        );
    };
    let mut changes = app.state.generation.subscribe();
    let seen = *changes.borrow_and_update();
    let hello = Event::default()
        .retry(Duration::from_millis(500))
        .event("hello")
        .data(seen.build.to_string());
    let later =
        futures_util::stream::unfold((changes, seen, app.state.clone(), permit), next_event);
    let stream = futures_util::stream::once(std::future::ready(Ok(hello))).chain(later);
    Sse::new(stream)
        .keep_alive(
            KeepAlive::new()
                .interval(EVENT_KEEP_ALIVE)
                .text("keep-alive"),
        )
        .into_response()
}

type EventState = (
    tokio::sync::watch::Receiver<Generation>,
    Generation,
    Arc<State>,
    OwnedSemaphorePermit,
);

/// The next event of a stream: waits for the next change of the generation.
async fn next_event(
    (mut changes, seen, state, permit): EventState,
) -> Option<(Result<Event, Infallible>, EventState)> {
    changes.changed().await.ok()?;
    let now = *changes.borrow_and_update();
    let failed = state
        .problems
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    let name = match (now.build != seen.build, failed) {
        (true, true) => "problems",
        (true, false) => "reload",
        (false, _) => "search",
    };
    let event = Event::default().event(name).data(now.build.to_string());
    Some((Ok(event), (changes, now, state, permit)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(target: &str) -> Result<String, u16> {
        clean_path(&target.parse().unwrap()).map_err(|s| s.as_u16())
    }

    #[test]
    fn traversal_and_absolute_uris_are_refused() {
        assert_eq!(clean("/guides/"), Ok("/guides/".into()));
        assert_eq!(clean("/a%20b?q=1"), Ok("/a b".into()));
        assert_eq!(clean("/caf%C3%A9/"), Ok("/café/".into()));
        assert_eq!(clean("/../../etc/passwd"), Err(404));
        assert_eq!(clean("/%2e%2e/%2e%2e/etc/passwd"), Err(404));
        assert_eq!(clean("/..%5c..%5cetc/passwd"), Err(400));
        assert_eq!(clean("/a%00b"), Err(400));
        assert_eq!(clean("/%FF"), Err(400), "not UTF-8");
        assert_eq!(clean("http://evil.example/etc/passwd"), Err(400));
        // A `%` without two hex digits is kept, as the URL standard does (the hand-written
        // decoder refused it with 400); no file of a site has such a name, so it is a 404.
        assert_eq!(clean("/%zz"), Ok("/%zz".into()));
    }

    #[test]
    fn content_types_come_from_the_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("search.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("x.json"), "application/json");
        assert_eq!(content_type("logo.svg"), "image/svg+xml");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("search/p/3.bin"), "application/octet-stream");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
