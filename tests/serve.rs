//! `kennisbank serve` over HTTP on an ephemeral port: pages, 404s, refused paths, live reload.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    /// What the server printed on stderr so far.
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(root: &std::path::Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .args(["--root", root.to_str().unwrap(), "serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let stderr = child.stderr.take().unwrap();
    let sink = log.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(|l| l.ok()) {
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .rsplit("http://127.0.0.1:")
        .next()
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server { child, port, log }
}

/// A connection to the live-reload event stream, after its `hello`.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Self {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            s,
            "GET /_kennisbank/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        let mut events = Events(BufReader::new(s));
        assert!(events.wait_for("hello"));
        events
    }

    /// Read events until `what` (true) or 20 seconds pass (false).
    fn wait_for(&mut self, what: &str) -> bool {
        let start = Instant::now();
        let mut line = String::new();
        while start.elapsed() < Duration::from_secs(20) {
            line.clear();
            if self.0.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if line.trim() == format!("event: {what}") {
                return true;
            }
        }
        false
    }
}

/// Send a raw request target and return (status, body).
fn get(port: u16, target: &str) -> (u16, String) {
    let (status, body) = get_bytes(port, target);
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn get_bytes(port: u16, target: &str) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    s.read_to_end(&mut bytes).unwrap();
    let head_end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(bytes.len(), |p| p + 4);
    let status = String::from_utf8_lossy(&bytes[..head_end])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, bytes[head_end..].to_vec())
}

/// Every file a full build of `root` for this server writes, compared with what it serves.
fn assert_serves_what_a_full_build_writes(root: &std::path::Path, port: u16) {
    let out = tempfile::tempdir().unwrap();
    let built = kennisbank(
        root,
        &[
            "build",
            "--out",
            out.path().join("public").to_str().unwrap(),
            "--base-url",
            &format!("http://127.0.0.1:{port}/"),
        ],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    let public = out.path().join("public");
    let reload = b"<script type=\"module\" src=\"/_kennisbank/livereload.js\"></script>";
    let mut compared = 0;
    for entry in walkdir::WalkDir::new(&public) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&public).unwrap();
        let name = rel.to_string_lossy().replace('\\', "/");
        if !entry.file_type().is_file() || name.starts_with(".kennisbank") {
            continue;
        }
        let (status, mut served) = get_bytes(port, &format!("/{name}"));
        assert_eq!(status, 200, "{name}");
        if let Some(at) = served.windows(reload.len()).position(|w| w == reload) {
            served.drain(at..at + reload.len());
        }
        assert!(
            served == std::fs::read(entry.path()).unwrap(),
            "`{name}` differs from a full build"
        );
        compared += 1;
    }
    assert!(compared > 20, "compared {compared} files");
}

#[test]
fn serves_pages_refuses_escapes_and_answers_unknown_with_404() {
    let site = fixture("basic");
    let server = start(site.path());
    let (status, body) = get(server.port, "/lessen/eerste-les/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Eerste les</h1>"));
    assert!(
        body.contains("/_kennisbank/livereload.js"),
        "live reload script injected"
    );
    // links point at the dev server, not at the configured base URL
    assert!(body.contains("href=\"/lessen/tweede-les/#kop-met-accent\""));
    let (status, body) = get(server.port, "/bestaat-niet/");
    assert_eq!(status, 404);
    assert!(body.contains("Pagina niet gevonden"));
    assert_eq!(get(server.port, "/lessen/eerste-les").0, 301);
    for evil in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fsite.toml",
        "/..%5c..%5csite.toml",
        "http://example.org/etc/passwd",
    ] {
        let (status, body) = get(server.port, evil);
        assert!(status == 404 || status == 400, "{evil}: {status}");
        assert!(
            !body.contains("root:") && !body.contains("base_url"),
            "{evil} leaked a file"
        );
    }
    assert_eq!(
        get(server.port, "/site.toml").0,
        404,
        "files outside the built site are never served"
    );
    assert_eq!(get(server.port, "/content/over.md").0, 404);
}

#[test]
fn a_change_sends_reload_and_a_broken_change_keeps_the_last_good_site() {
    let site = fixture("basic");
    let server = start(site.path());
    let mut events = Events::open(server.port);
    let page = site.path().join("content/themas/participatie.md");
    std::fs::write(&page, "---\ntitle: Participatie\n---\nBewerkte tekst.\n").unwrap();
    assert!(events.wait_for("reload"), "no reload event after a change");
    assert!(
        get(server.port, "/themas/participatie/")
            .1
            .contains("Bewerkte tekst.")
    );

    std::fs::write(
        &page,
        "---\ntitle: Participatie\nonbekend: 1\n---\nKapot.\n",
    )
    .unwrap();
    assert!(
        events.wait_for("problems"),
        "no problems event after a broken change"
    );
    let (status, body) = get(server.port, "/themas/participatie/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Bewerkte tekst."),
        "the last good site is kept"
    );
    let (_, status_json) = get(server.port, "/_kennisbank/status");
    assert!(
        status_json.contains("unknown front-matter key `onbekend`")
            || status_json.contains("onbekend"),
        "{status_json}"
    );
}

#[test]
fn a_client_that_hangs_up_mid_response_does_not_hurt_the_server() {
    let site = fixture("basic");
    let server = start(site.path());
    for _ in 0..20 {
        let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(s, "GET /lessen/eerste-les/ HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        let mut first = [0u8; 16];
        let _ = s.read(&mut first);
        drop(s); // hang up before the body is read
        let mut half = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
        write!(half, "GET /lessen/eer").unwrap(); // a request line that never ends
        drop(half);
    }
    assert_eq!(get(server.port, "/lessen/eerste-les/").0, 200);
}

#[test]
fn files_changing_during_rebuilds_end_in_the_last_version() {
    let site = fixture("basic");
    let server = start(site.path());
    let page = site.path().join("content/themas/participatie.md");
    for i in 0..30 {
        std::fs::write(
            &page,
            format!("---\ntitle: Participatie\n---\nVersie {i}.\n"),
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(7));
        if i % 5 == 0 {
            assert_eq!(
                get(server.port, "/").0,
                200,
                "the server answers during rebuilds"
            );
        }
    }
    let start = Instant::now();
    loop {
        let (status, body) = get(server.port, "/themas/participatie/");
        if status == 200 && body.contains("Versie 29.") {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the last version never showed"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_body_edit_updates_its_page_at_once_and_search_after() {
    let site = fixture("basic");
    let server = start(site.path());
    let mut events = Events::open(server.port);
    let page = site.path().join("content/lessen/eerste-les.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let edited = text.replace(
        "Een externe bron",
        "Een nieuw woord: zeldzaamheidsproef. Een externe bron",
    );
    std::fs::write(&page, edited).unwrap();
    assert!(events.wait_for("reload"), "no reload after a body edit");
    let (_, body) = get(server.port, "/lessen/eerste-les/");
    assert!(
        body.contains("zeldzaamheidsproef"),
        "the page shows the edit"
    );
    assert!(
        get(server.port, "/lessen/alles/")
            .1
            .contains("zeldzaamheidsproef"),
        "the print-all page shows the edit"
    );
    assert!(
        server.log.lock().unwrap().contains("updated in"),
        "a body edit does not rebuild the site: {}",
        server.log.lock().unwrap()
    );
    assert!(
        events.wait_for("search"),
        "no search event after the index was rebuilt"
    );
    let (_, json) = get(server.port, "/_search?q=zeldzaamheidsproef");
    assert!(json.contains("/lessen/eerste-les/"), "{json}");
    assert_serves_what_a_full_build_writes(site.path(), server.port);
}

#[test]
fn edits_beyond_a_body_rebuild_the_site_and_report_what_broke() {
    let site = fixture("basic");
    let server = start(site.path());
    let mut events = Events::open(server.port);
    // A new title shows on other pages (the list), so the site is built again.
    let page = site.path().join("content/lessen/tweede-les.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replace("title: Tweede les", "title: Hernoemde les"),
    )
    .unwrap();
    assert!(events.wait_for("reload"));
    assert!(get(server.port, "/lessen/").1.contains("Hernoemde les"));
    assert!(server.log.lock().unwrap().contains("rebuilding"));
    // Renaming a heading that another page links to breaks that link: reported, site kept.
    let renamed = text.replace("## Kop met áccent", "## Andere kop");
    std::fs::write(&page, renamed).unwrap();
    assert!(
        events.wait_for("problems"),
        "no problems after breaking a link"
    );
    let (_, status) = get(server.port, "/_kennisbank/status");
    assert!(status.contains("kop-met-accent"), "{status}");
    assert!(
        get(server.port, "/lessen/tweede-les/")
            .1
            .contains("Kop met áccent")
    );
}

#[test]
fn a_template_edit_renders_every_page_again_without_reading_content() {
    let site = fixture("basic");
    let server = start(site.path());
    let mut events = Events::open(server.port);
    let template = site.path().join("themes/default/templates/base.html");
    let text = std::fs::read_to_string(&template).unwrap();
    let marked = text.replacen("</body>", "<p>sjabloonproef</p></body>", 1);
    assert_ne!(marked, text);
    std::fs::write(&template, marked).unwrap();
    assert!(events.wait_for("reload"));
    for path in [
        "/",
        "/lessen/eerste-les/",
        "/themas/participatie/",
        "/zoeken/",
    ] {
        assert!(
            get(server.port, path).1.contains("sjabloonproef"),
            "{path} uses the new template"
        );
    }
    assert!(server.log.lock().unwrap().contains("updated in"));
    assert_eq!(
        get(server.port, "/search/facets.json").0,
        200,
        "search files kept"
    );
    let (_, json) = get(server.port, "/_search?q=participatie");
    assert!(json.contains("/themas/participatie/"));
    assert_serves_what_a_full_build_writes(site.path(), server.port);
}
