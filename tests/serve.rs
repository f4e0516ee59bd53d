//! `kennisbank serve` over HTTP on an ephemeral port: pages, 404s, refused paths, live reload,
//! what it watches, and incremental updates that serve exactly what a full build writes.
//!
//! Nothing here reads the server's log to learn what it did, and no check races with it: a
//! test waits for what a reader would see (an event, a page, a search answer), each wait with
//! a deadline. Whether an update read the content again is shown with a page whose file is a
//! link into a hidden folder of the site, which the watcher ignores: a change there shows only
//! when the content is read again.

mod common;
use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a test waits for something the server should do at once.
const DEADLINE: Duration = Duration::from_secs(30);

struct Server {
    child: Child,
    host: String,
    port: u16,
    /// What the server printed on stderr so far, shown when a test fails.
    log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn get(&self, target: &str) -> (u16, String) {
        let (status, body) = self.get_bytes(target);
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    /// Send a raw request target and return (status, body).
    fn get_bytes(&self, target: &str) -> (u16, Vec<u8>) {
        let (status, _, body) = self.request("GET", target);
        (status, body)
    }

    /// Send a raw request and return (status, head in lower case, body).
    fn request(&self, method: &str, target: &str) -> (u16, String, Vec<u8>) {
        let mut s = TcpStream::connect((self.host.as_str(), self.port)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut bytes = Vec::new();
        s.read_to_end(&mut bytes).unwrap();
        let head_end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map_or(bytes.len(), |p| p + 4);
        let head = String::from_utf8_lossy(&bytes[..head_end]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head, bytes[head_end..].to_vec())
    }

    /// The number of threads of the server once it has started them all (the watcher's start
    /// just after the address is announced): the same count for half a second.
    fn settled_threads(&self) -> usize {
        let start = Instant::now();
        let mut count = self.threads();
        loop {
            std::thread::sleep(Duration::from_millis(500));
            let now = self.threads();
            if now == count || start.elapsed() > DEADLINE {
                return now;
            }
            count = now;
        }
    }

    /// The number of threads of the server process.
    fn threads(&self) -> usize {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap()
    }

    /// Wait until `path` is served with `what` in it (or without it, when `present` is false).
    fn wait_for_page(&self, path: &str, what: &str, present: bool) {
        let start = Instant::now();
        loop {
            let (status, body) = self.get(path);
            if status == 200 && body.contains(what) == present {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "{path}: `{what}` {} after {DEADLINE:?}; server log:\n{}",
                if present { "never showed" } else { "stayed" },
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn events(&self) -> Events {
        Events::open(self)
    }
}

fn start(root: &Path) -> Server {
    start_with(root, &[])
}

/// Start `kennisbank serve` and wait (with a deadline) for the address it announces once its
/// first build is done.
fn start_with(root: &Path, extra: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kennisbank"))
        .args(["--root", root.to_str().unwrap(), "serve", "--port", "0"])
        .args(extra)
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
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!(
                "serve announced no address; its log:\n{}",
                log.lock().unwrap()
            );
        }
    };
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|a| a.rsplit_once(':'))
        .and_then(|(h, p)| Some((h.to_string(), p.parse().ok()?)));
    let Some((host, port)) = address else {
        let _ = child.kill();
        panic!("no address in {line:?}; log:\n{}", log.lock().unwrap());
    };
    Server {
        child,
        host,
        port,
        log,
    }
}

/// A connection to the live-reload event stream, after its `hello`.
struct Events(BufReader<TcpStream>, Arc<Mutex<String>>);

impl Events {
    fn open(server: &Server) -> Self {
        match Events::try_open(server) {
            Ok(events) => events,
            Err(status) => panic!("the event stream answered {status}"),
        }
    }

    /// The stream after its `hello`, or the status it was refused with.
    fn try_open(server: &Server) -> Result<Self, u16> {
        let mut s = TcpStream::connect((server.host.as_str(), server.port)).unwrap();
        s.set_read_timeout(Some(DEADLINE)).unwrap();
        write!(
            s,
            "GET /_kennisbank/events HTTP/1.1\r\nHost: localhost\r\n\r\n"
        )
        .unwrap();
        let mut reader = BufReader::new(s);
        let mut status_line = String::new();
        reader.read_line(&mut status_line).unwrap();
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok());
        if status != Some(200) {
            return Err(status.unwrap_or(0));
        }
        let mut events = Events(reader, server.log.clone());
        events.wait_for("hello");
        Ok(events)
    }

    /// Read events until `what`; fails after the deadline, with the server's log.
    fn wait_for(&mut self, what: &str) {
        let start = Instant::now();
        let mut line = String::new();
        while start.elapsed() < DEADLINE {
            line.clear();
            if self.0.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if line.trim() == format!("event: {what}") {
                return;
            }
        }
        panic!("no `{what}` event; server log:\n{}", self.1.lock().unwrap());
    }
}

/// Every file a full build of `root` for this server writes, by path (without the `.gz` copies
/// for web servers, which `serve` has no use for).
fn full_build(root: &Path, server: &Server) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let built = kennisbank(
        root,
        &[
            "build",
            "--no-gzip",
            "--out",
            public.to_str().unwrap(),
            "--base-url",
            &format!("http://{}:{}/", server.host, server.port),
        ],
    );
    assert!(built.status.success(), "{}", stderr(&built));
    read_tree(&public)
        .into_iter()
        .filter(|(path, _)| !path.starts_with(".kennisbank"))
        .collect()
}

/// The server serves every file of a fresh full build, byte for byte (but the live-reload
/// script), and none of the files of `earlier` (an older full build) that the new one lacks.
fn assert_serves_exactly_a_full_build(
    root: &Path,
    server: &Server,
    earlier: &BTreeMap<String, Vec<u8>>,
) {
    let full = full_build(root, server);
    let reload = b"<script type=\"module\" src=\"/_kennisbank/livereload.js\"></script>";
    for (name, bytes) in &full {
        let (status, mut served) = server.get_bytes(&format!("/{name}"));
        assert_eq!(status, 200, "{name}");
        if let Some(at) = served.windows(reload.len()).position(|w| w == reload) {
            served.drain(at..at + reload.len());
        }
        assert!(&served == bytes, "`{name}` differs from a full build");
    }
    let gone: Vec<&String> = earlier.keys().filter(|k| !full.contains_key(*k)).collect();
    for name in &gone {
        assert_eq!(
            server.get(&format!("/{name}")).0,
            404,
            "`{name}` is still served; a full build no longer writes it"
        );
    }
    assert!(full.len() > 20, "compared {} files", full.len());
}

/// Make `content/<page>` a symbolic link to a copy in the site's hidden `.stash/` folder, which
/// the watcher ignores. Returns the copy: what is written there shows only when the content is
/// read again.
fn stash(site: &Path, page: &str) -> PathBuf {
    let file = site.join("content").join(page);
    let copy = site.join(".stash").join(page);
    std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
    std::fs::rename(&file, &copy).unwrap();
    std::os::unix::fs::symlink(&copy, &file).unwrap();
    copy
}

/// Save a file in one write, without truncating it first (as `fs::write` does), so that the
/// watcher never sees it empty. The new text must not be shorter than the old.
fn save(path: &Path, text: &str) {
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    assert!(text.len() as u64 >= f.metadata().unwrap().len());
    f.write_all(text.as_bytes()).unwrap();
}

/// Put a folder into the site in one step (a rename), so the watcher sees it whole.
fn put_folder(site: &Path, name: &str, files: &[(&str, &str)]) {
    let staging = site.join(".nieuw").join(name);
    for (path, text) in files {
        let file = staging.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    std::fs::rename(&staging, site.join(name)).unwrap();
}

#[test]
fn serves_pages_refuses_escapes_and_answers_unknown_with_404() {
    let site = fixture("basic");
    let server = start(site.path());
    let (status, body) = server.get("/lessen/eerste-les/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Eerste les</h1>"));
    assert!(
        body.contains("/_kennisbank/livereload.js"),
        "live reload script injected"
    );
    // links point at the dev server, not at the configured base URL
    assert!(body.contains("href=\"/lessen/tweede-les/#kop-met-accent\""));
    let (status, body) = server.get("/bestaat-niet/");
    assert_eq!(status, 404);
    assert!(body.contains("Pagina niet gevonden"));
    assert_eq!(server.get("/lessen/eerste-les").0, 301);
    for (evil, refused) in [
        ("/../../etc/passwd", 404),
        ("/%2e%2e/%2e%2e/etc/passwd", 404),
        ("/..%2f..%2fsite.toml", 404),
        ("/..%5c..%5csite.toml", 400),
        ("http://example.org/etc/passwd", 400),
    ] {
        let (status, body) = server.get(evil);
        assert_eq!(status, refused, "{evil}");
        assert!(
            !body.contains("root:") && !body.contains("base_url"),
            "{evil} leaked a file"
        );
    }
    assert_eq!(
        server.get("/site.toml").0,
        404,
        "files outside the built site are never served"
    );
    assert_eq!(server.get("/content/over.md").0, 404);
}

#[test]
fn bind_chooses_the_address_it_listens_on() {
    let site = fixture("basic");
    let server = start_with(site.path(), &["--bind", "127.0.0.2"]);
    assert_eq!(server.host, "127.0.0.2");
    let (status, body) = server.get("/lessen/eerste-les/");
    assert_eq!(status, 200);
    // the site is built for the address it is served on
    assert!(body.contains(&format!(
        "<link rel=\"canonical\" href=\"http://127.0.0.2:{}/lessen/eerste-les/\">",
        server.port
    )));
    assert!(
        TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "also listening on 127.0.0.1"
    );
}

#[test]
fn a_change_sends_reload_and_a_broken_change_keeps_the_last_good_site() {
    let site = fixture("basic");
    let server = start(site.path());
    let mut events = server.events();
    let page = site.path().join("content/themas/participatie.md");
    std::fs::write(&page, "---\ntitle: Participatie\n---\nBewerkte tekst.\n").unwrap();
    events.wait_for("reload");
    assert!(
        server
            .get("/themas/participatie/")
            .1
            .contains("Bewerkte tekst.")
    );

    std::fs::write(
        &page,
        "---\ntitle: Participatie\nonbekend: 1\n---\nKapot.\n",
    )
    .unwrap();
    events.wait_for("problems");
    let (status, body) = server.get("/themas/participatie/");
    assert_eq!(status, 200);
    assert!(
        body.contains("Bewerkte tekst."),
        "the last good site is kept"
    );
    let (_, status_json) = server.get("/_kennisbank/status");
    let status: serde_json::Value = serde_json::from_str(&status_json).unwrap();
    assert_eq!(
        status["problems"],
        "content/themas/participatie.md:3:1: unknown field `onbekend` in collection `themas`"
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
    assert_eq!(server.get("/lessen/eerste-les/").0, 200);
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
        // a burst of saves, some of them while a rebuild runs
        std::thread::sleep(Duration::from_millis(7));
        if i % 5 == 0 {
            assert_eq!(server.get("/").0, 200, "the server answers during rebuilds");
        }
    }
    server.wait_for_page("/themas/participatie/", "Versie 29.", true);
}

#[test]
fn a_body_edit_updates_its_page_at_once_and_search_after() {
    let site = fixture("basic");
    let hidden = stash(site.path(), "themas/participatie.md");
    let server = start(site.path());
    let earlier = full_build(site.path(), &server);
    let mut events = server.events();
    let original = read(&hidden);
    std::fs::write(
        &hidden,
        original.replace("Een thema.", "Verborgen wijziging."),
    )
    .unwrap();
    let page = site.path().join("content/lessen/eerste-les.md");
    let text = read(&page);
    let edited = text.replace(
        "Een externe bron",
        "Een nieuw woord: zeldzaamheidsproef. Een externe bron",
    );
    save(&page, &edited);
    events.wait_for("reload");
    // the reload comes when the page (and its print-all page) show the edit ...
    let (_, body) = server.get("/lessen/eerste-les/");
    assert!(
        body.contains("zeldzaamheidsproef"),
        "the page shows the edit"
    );
    assert!(
        server
            .get("/lessen/alles/")
            .1
            .contains("zeldzaamheidsproef"),
        "the print-all page shows the edit"
    );
    // ... and no other page was read again
    let other = server.get("/themas/participatie/").1;
    assert!(other.contains("Een thema."), "a body edit read other pages");
    assert!(!other.contains("Verborgen wijziging."));
    // the search index follows
    let start = Instant::now();
    while !server
        .get("/_search?q=zeldzaamheidsproef")
        .1
        .contains("\"url\":\"/lessen/eerste-les/")
    {
        assert!(
            start.elapsed() < DEADLINE,
            "search never found the new word; log:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::fs::write(&hidden, original).unwrap();
    assert_serves_exactly_a_full_build(site.path(), &server, &earlier);
}

#[test]
fn edits_beyond_a_body_rebuild_the_site_and_report_what_broke() {
    let site = fixture("basic");
    let hidden = stash(site.path(), "themas/participatie.md");
    let server = start(site.path());
    let mut events = server.events();
    // A new title shows on other pages (the list), so the site is built again: every page is
    // read anew, the hidden change too.
    std::fs::write(
        &hidden,
        read(&hidden).replace("Een thema.", "Verborgen wijziging."),
    )
    .unwrap();
    let page = site.path().join("content/lessen/tweede-les.md");
    let text = read(&page);
    std::fs::write(
        &page,
        text.replace("title: Tweede les", "title: Hernoemde les"),
    )
    .unwrap();
    events.wait_for("reload");
    assert!(server.get("/lessen/").1.contains("Hernoemde les"));
    assert!(
        server
            .get("/themas/participatie/")
            .1
            .contains("Verborgen wijziging."),
        "the site was not read again"
    );
    // Renaming a heading that another page links to breaks that link: reported, site kept.
    let renamed = text.replace("## Kop met áccent", "## Andere kop");
    std::fs::write(&page, renamed).unwrap();
    events.wait_for("problems");
    let (_, status) = server.get("/_kennisbank/status");
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(
        status["problems"],
        "content/lessen/eerste-les.md:13:10: anchor `#kop-met-accent` does not exist on `Tweede les`"
    );
    assert!(
        server
            .get("/lessen/tweede-les/")
            .1
            .contains("Kop met áccent")
    );
}

#[test]
fn a_new_slug_moves_the_page_and_its_old_url_answers_404() {
    let site = fixture("basic");
    let server = start(site.path());
    let earlier = full_build(site.path(), &server);
    let mut events = server.events();
    let page = site.path().join("content/lessen/derde-les.md");
    std::fs::write(
        &page,
        read(&page).replace("nummer: 3\n", "nummer: 3\nslug: laatste-les\n"),
    )
    .unwrap();
    events.wait_for("reload");
    assert_eq!(server.get("/lessen/laatste-les/").0, 200);
    assert_eq!(server.get("/lessen/derde-les/").0, 404);
    assert_serves_exactly_a_full_build(site.path(), &server, &earlier);
}

#[test]
fn a_template_edit_renders_every_page_again_without_reading_content() {
    let site = fixture("basic");
    let hidden = stash(site.path(), "themas/participatie.md");
    // The site's own copy of the built-in base template, edited while serve runs.
    let template = site.path().join("templates/base.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("themes/default/templates/base.html"), &template).unwrap();
    let server = start(site.path());
    let earlier = full_build(site.path(), &server);
    let mut events = server.events();
    let original = read(&hidden);
    std::fs::write(
        &hidden,
        original.replace("Een thema.", "Verborgen wijziging."),
    )
    .unwrap();
    let text = read(&template);
    let marked = text.replacen("</body>", "<p>sjabloonproef</p></body>", 1);
    assert_ne!(marked, text);
    save(&template, &marked);
    events.wait_for("reload");
    for path in [
        "/",
        "/lessen/eerste-les/",
        "/themas/participatie/",
        "/zoeken/",
    ] {
        assert!(
            server.get(path).1.contains("sjabloonproef"),
            "{path} uses the new template"
        );
    }
    let other = server.get("/themas/participatie/").1;
    assert!(
        other.contains("Een thema."),
        "a template edit read the content"
    );
    assert!(!other.contains("Verborgen wijziging."));
    let (_, json) = server.get("/_search?q=participatie");
    assert!(json.contains("\"url\":\"/themas/participatie/\""), "{json}");
    std::fs::write(&hidden, original).unwrap();
    assert_serves_exactly_a_full_build(site.path(), &server, &earlier);
}

#[test]
fn site_toml_templates_and_static_are_watched() {
    let site = fixture("basic");
    let server = start(site.path());
    let earlier = full_build(site.path(), &server);
    let mut events = server.events();
    // site.toml
    let toml = site.path().join("site.toml");
    std::fs::write(
        &toml,
        read(&toml).replace("title = \"Proefkennisbank\"", "title = \"Andere titel\""),
    )
    .unwrap();
    events.wait_for("reload");
    assert!(server.get("/over/").1.contains("Andere titel"));
    // a site's own templates/ folder, new since the server started
    put_folder(
        site.path(),
        "templates",
        &[(
            "partials/footer.html",
            "<footer class=\"site-footer\"><p>Eigen voettekst</p></footer>",
        )],
    );
    events.wait_for("reload");
    assert!(server.get("/over/").1.contains("<p>Eigen voettekst</p>"));
    // a site's own static/ folder
    put_folder(
        site.path(),
        "static",
        &[("downloads/folder.txt", "Een folder om te downloaden.\n")],
    );
    events.wait_for("reload");
    assert_eq!(
        server.get("/downloads/folder.txt"),
        (200, "Een folder om te downloaden.\n".to_string())
    );
    assert_serves_exactly_a_full_build(site.path(), &server, &earlier);
    assert_eq!(
        BTreeSet::from(["downloads/folder.txt"]),
        full_build(site.path(), &server)
            .keys()
            .filter(|k| !earlier.contains_key(*k))
            .map(String::as_str)
            .collect::<BTreeSet<_>>()
    );
}

#[test]
fn a_link_that_leads_nowhere_is_reported_after_a_body_or_a_template_edit() {
    let site = fixture("basic");
    let template = site.path().join("templates/base.html");
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("themes/default/templates/base.html"), &template).unwrap();
    let server = start(site.path());
    let mut events = server.events();
    // A text edit that adds a plain site path to a page that does not exist.
    let page = site.path().join("content/lessen/tweede-les.md");
    let text = read(&page);
    let broken = text.replace(
        "Tekst met een voetnoot.",
        "Zie [elders](/themas/bestaat-niet/).",
    );
    save(&page, &broken);
    events.wait_for("problems");
    let (_, status) = server.get("/_kennisbank/status");
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(
        status["problems"],
        "content/lessen/tweede-les.md:12:5: link `/themas/bestaat-niet/` leads to no file the build writes"
    );
    assert!(
        server
            .get("/lessen/tweede-les/")
            .1
            .contains("Tekst met een voetnoot.")
    );
    // Back as it was (padded, since a save never shortens the file).
    save(
        &page,
        &format!("{text}{}", " ".repeat(broken.len() - text.len())),
    );
    events.wait_for("reload");
    // A template edit that adds a link to a page that does not exist.
    let base = read(&template);
    save(
        &template,
        &base.replacen("</body>", "<a href=\"/nergens/\">x</a></body>", 1),
    );
    events.wait_for("problems");
    let (_, status) = server.get("/_kennisbank/status");
    assert!(status.contains("/nergens/"), "{status}");
    assert!(
        !server.get("/").1.contains("/nergens/"),
        "the last good site is kept"
    );
}

/// The bounds of the dev server (README): the live-reload streams open at once, and the
/// connections.
const MAX_EVENT_STREAMS: usize = 32;
const MAX_CONNECTIONS: usize = 256;

#[test]
fn more_open_pages_than_the_bound_leave_page_requests_answered() {
    let site = fixture("basic");
    let server = start(site.path());
    assert_eq!(server.get("/lessen/eerste-les/").0, 200);
    let threads = server.settled_threads();
    let streams: Vec<Events> = (0..MAX_EVENT_STREAMS).map(|_| server.events()).collect();
    // One more open page than the bound: refused at once, not kept waiting.
    for _ in 0..4 {
        assert_eq!(Events::try_open(&server).err(), Some(503));
    }
    for _ in 0..20 {
        let (status, body) = server.get("/lessen/eerste-les/");
        assert_eq!(status, 200);
        assert!(body.contains("<h1>Eerste les</h1>"));
    }
    assert_eq!(server.threads(), threads, "an event stream holds no thread");
    // The open pages still hear of a change.
    let page = site.path().join("content/themas/participatie.md");
    std::fs::write(&page, "---\ntitle: Participatie\n---\nBewerkt.\n").unwrap();
    for mut events in streams {
        events.wait_for("reload");
    }
    // Closed pages give their place back.
    let start = Instant::now();
    while Events::try_open(&server).is_err() {
        assert!(
            start.elapsed() < DEADLINE,
            "closed streams were never freed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn more_connections_than_the_bound_add_no_thread_and_wait_their_turn() {
    let site = fixture("basic");
    let server = start(site.path());
    assert_eq!(server.get("/lessen/eerste-les/").0, 200);
    let threads = server.settled_threads();
    // Connections that send nothing: the bound's worth are taken, the rest wait in the queue.
    let idle: Vec<TcpStream> = (0..MAX_CONNECTIONS + 40)
        .map(|_| TcpStream::connect((server.host.as_str(), server.port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(server.threads(), threads, "a connection holds no thread");
    // The idle ones are closed after 10 s, and the request that waited is answered.
    let start = Instant::now();
    let (status, body) = server.get("/lessen/eerste-les/");
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Eerste les</h1>"));
    assert!(start.elapsed() < DEADLINE);
    drop(idle);
}

#[test]
fn percent_encoded_paths_and_query_strings() {
    let site = fixture("basic");
    let folder = site.path().join("static/bijlagen");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("café menu.txt"), "Koffie en thee.\n").unwrap();
    let server = start(site.path());
    for target in [
        "/bijlagen/caf%C3%A9%20menu.txt",
        "/bijlagen/caf%c3%a9%20menu.txt",
        "/bijlagen/caf%C3%A9%20menu.txt?download=1",
    ] {
        let (status, head, body) = server.request("GET", target);
        assert_eq!(status, 200, "{target}");
        assert_eq!(body, b"Koffie en thee.\n", "{target}");
        assert!(
            head.contains("content-type: text/plain; charset=utf-8"),
            "{head}"
        );
    }
    // An é that is not UTF-8 (Latin-1) is refused.
    assert_eq!(server.get("/bijlagen/caf%E9%20menu.txt").0, 400);
    // A query string on a page changes nothing; on a folder without its slash it is kept.
    let plain = server.get("/lessen/eerste-les/").1;
    let (status, with_query) = server.get("/lessen/eerste-les/?utm_source=nieuwsbrief&q=caf%C3%A9");
    assert_eq!(status, 200);
    assert_eq!(with_query, plain);
    let (status, head, _) = server.request("GET", "/lessen/eerste-les?q=caf%C3%A9");
    assert_eq!(status, 301);
    assert!(
        head.contains("location: /lessen/eerste-les/?q=caf%c3%a9"),
        "{head}"
    );
    // HEAD: the headers of GET, no body; other methods are refused.
    let (status, head, body) = server.request("HEAD", "/lessen/eerste-les/");
    assert_eq!(status, 200);
    assert!(
        head.contains(&format!("content-length: {}", plain.len())),
        "{head}"
    );
    assert!(
        head.contains("cache-control: no-store")
            && head.contains("x-content-type-options: nosniff")
    );
    assert!(body.is_empty());
    assert_eq!(server.request("POST", "/lessen/eerste-les/").0, 405);
}

#[test]
fn the_page_for_a_failed_build_speaks_the_sites_language() {
    for (name, page, lang, title, heading) in [
        (
            "generic",
            "content/about.md",
            "en",
            "Build error",
            "The site could not be built",
        ),
        (
            "basic",
            "content/over.md",
            "nl",
            "Bouwfout",
            "De site kon niet worden gebouwd",
        ),
    ] {
        let site = fixture(name);
        let file = site.path().join(page);
        std::fs::write(
            &file,
            format!("{}\n[nergens](@/bestaat-niet.md)\n", read(&file)),
        )
        .unwrap();
        let server = start(site.path());
        let (status, body) = server.get("/");
        assert_eq!(status, 500, "{name}");
        assert!(body.contains(&format!("<html lang=\"{lang}\">")), "{body}");
        assert!(body.contains(&format!("<title>{title}</title>")), "{body}");
        assert!(body.contains(&format!("<h1>{heading}</h1>")), "{body}");
        assert!(
            body.contains("bestaat-niet.md"),
            "the problem is shown: {body}"
        );
        assert!(
            body.contains("/_kennisbank/livereload.js"),
            "it reloads when fixed"
        );
        let (_, status) = server.get("/_kennisbank/status");
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        let table = read(repo().join(format!("themes/default/i18n/{lang}.toml")));
        let headline = status["headline"].as_str().unwrap();
        assert!(
            table.contains(&format!("failed = \"{headline}\"")),
            "{headline}"
        );
    }
}
