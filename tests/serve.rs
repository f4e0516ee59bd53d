//! `kennisbank serve` over HTTP on an ephemeral port: pages, 404s, refused paths, live reload.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
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
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
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
    Server { child, port }
}

/// Send a raw request target and return (status, body).
fn get(port: u16, target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
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
    let mut events = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    events
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        events,
        "GET /_kennisbank/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    .unwrap();
    let mut reader = BufReader::new(events);
    let wait_for = |reader: &mut BufReader<TcpStream>, what: &str| {
        let start = Instant::now();
        let mut line = String::new();
        while start.elapsed() < Duration::from_secs(20) {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if line.trim() == format!("event: {what}") {
                return true;
            }
        }
        false
    };
    assert!(wait_for(&mut reader, "hello"));
    let page = site.path().join("content/themas/participatie.md");
    std::fs::write(&page, "---\ntitle: Participatie\n---\nBewerkte tekst.\n").unwrap();
    assert!(
        wait_for(&mut reader, "reload"),
        "no reload event after a change"
    );
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
        wait_for(&mut reader, "problems"),
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
