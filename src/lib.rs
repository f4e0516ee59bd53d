//! kennisbank: a static site generator for knowledge bases.
//!
//! The pipeline runs one stage a module, data flowing one way:
//! [`config`] → [`content`] → [`graph`] → [`markdown`] (with [`views`]) → [`render`] → [`output`].
//! [`serve`] runs the same pipeline in memory and watches for changes; [`cli`] is the command line.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod config;
pub mod content;
pub mod error;
pub mod graph;
pub mod i18n;
pub mod init;
pub mod markdown;
pub mod output;
pub mod render;
pub mod search;
pub mod serve;
pub mod text;
pub mod theme;
pub mod views;

use error::{Diagnostic, Diagnostics, Error, Result};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build and how.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// The site folder, holding `site.toml`.
    pub root: PathBuf,
    /// Overrides `output_dir` of site.toml.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of site.toml.
    pub base_url: Option<String>,
    /// Include pages with `draft: true`.
    pub drafts: bool,
    /// Replace an output folder that kennisbank did not write.
    pub force: bool,
    /// A site that works from a folder (also `offline = true` in site.toml, for `build`).
    pub offline: bool,
    /// Write no precompressed `.gz` copies (offline builds write none either).
    pub no_gzip: bool,
    /// Keep what an incremental rebuild needs (`serve`): the Markdown sources and the plain
    /// text of every page. A one-off build frees them as soon as they are used, which lowers
    /// its peak memory.
    pub incremental: bool,
}

/// A site compiled in memory: every page rendered, nothing written yet.
pub struct Compiled {
    pub site: graph::Site,
    pub output: output::Output,
    /// Warnings (errors make [`compile`] fail).
    pub warnings: Diagnostics,
    /// Wall time of each stage, for `--verbose` and the benchmarks.
    pub timings: Vec<(&'static str, Duration)>,
    /// What `kennisbank search` and `/_search` answer from.
    pub search: search::SearchModel,
    /// What the search page carries about the search files.
    pub search_client: search::export::ClientData,
    /// Every page body rendered, by node; `serve` keeps them for incremental rebuilds.
    pub bodies: Vec<markdown::Rendered>,
    pub theme: render::Theme,
}

impl Compiled {
    pub fn page_count(&self) -> usize {
        self.site.nodes.len()
    }

    /// `57 pages, 6 collections, 0 warnings in 84 ms`
    pub fn summary(&self, start: std::time::Instant) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{}, {}, {} in {} ms",
            plural(self.page_count(), "page", "pages"),
            plural(self.site.collections.len(), "collection", "collections"),
            plural(self.warnings.warnings().count(), "warning", "warnings"),
            start.elapsed().as_millis()
        )
    }
}

struct Stopwatch {
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch {
            last: Instant::now(),
            laps: Vec::new(),
        }
    }
    fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }
}

/// Run every stage, keeping the site in memory ([`Compiled::output`]). Fails with every problem
/// found when the content is wrong.
pub fn compile(opts: &BuildOptions) -> Result<Compiled> {
    let memory = std::sync::Mutex::new(output::Output::default());
    let mut compiled = compile_into(opts, &memory, false)?;
    compiled.output = memory.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(compiled)
}

/// Stages 1–4: site.toml, the theme, the content, the graph and the Markdown, with the
/// warnings so far; the first error stops here with every problem found.
fn read_site(
    opts: &BuildOptions,
    watch: &mut Stopwatch,
) -> Result<(
    graph::Site,
    Vec<markdown::Rendered>,
    render::Theme,
    Diagnostics,
)> {
    let mut config = config::Config::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config
            .set_base_url(url)
            .map_err(|msg| Error::Usage(format!("--base-url: {msg}")))?;
    }
    watch.lap("config");
    // The theme is independent of the content; its strings are needed from the Markdown on.
    let theme = render::load_theme(&opts.root, &config);
    watch.lap("theme");
    let (content, mut diags) = content::load(&opts.root, &config);
    watch.lap("load");
    let (mut site, d) = graph::build(config, content, opts.drafts);
    diags.extend(d);
    watch.lap("graph");
    let theme = match theme {
        Ok(t) => t,
        Err(d) => {
            diags.extend(d);
            return Err(Error::Content(diags.sorted()));
        }
    };
    let (bodies, d) = markdown::render_all(&site, &theme.strings);
    diags.extend(d);
    if !opts.incremental {
        for node in &mut site.nodes {
            node.page.body = String::new();
        }
    }
    watch.lap("markdown");
    if diags.has_errors() {
        return Err(Error::Content(diags.sorted()));
    }
    Ok((site, bodies, theme, diags))
}

/// The search stage: the index (in memory: nothing reads it back, and two builds cannot collide
/// on it) and the model read out of it. It works on a copy of the texts; a one-off build frees
/// the originals first.
fn build_search(
    opts: &BuildOptions,
    site: &graph::Site,
    bodies: &mut [markdown::Rendered],
    theme: &render::Theme,
    watch: &mut Stopwatch,
) -> Result<search::SearchModel> {
    let input = search::index::prepare(site, bodies, theme.strings.get("search.collection_facet"));
    if !opts.incremental {
        for body in bodies.iter_mut() {
            body.text = String::new();
        }
    }
    let mut search_laps = Vec::new();
    let search = search::index::build_prepared(input, &mut search_laps).map_err(|msg| {
        Error::single(Diagnostic::error("", 0, 0, format!("search index: {msg}")))
    })?;
    watch.lap("search");
    watch.laps.extend(search_laps);
    Ok(search)
}

/// Run every stage, handing each built file to `sink` as soon as it exists; with `pack`, the
/// search files also go into one pack for multi-range requests ([`search::export::Pack`]).
fn compile_into(opts: &BuildOptions, sink: &dyn output::Sink, pack: bool) -> Result<Compiled> {
    let mut watch = Stopwatch::new();
    let (site, mut bodies, theme, mut diags) = read_site(opts, &mut watch)?;
    let mut search = build_search(opts, &site, &mut bodies, &theme, &mut watch)?;
    let collections: Vec<String> = site.config.collections.keys().cloned().collect();
    let offline = opts.offline.then(|| {
        output::offline::Offline::new(sink, &site.config.base_path(), &site.config.base_url)
    });
    let exported = match offline {
        Some(_) => search::offline::export(&mut search, &collections),
        None => search::export::export(&search, &collections, pack),
    };
    let sink: &dyn output::Sink = match &offline {
        Some(o) => o,
        None => sink,
    };
    let checker = output::links::LinkCheck::new(sink, &site.config.base_path());
    use output::Sink as _;
    exported.files.into_par_iter().for_each(|f| checker.add(f));
    let search_client = exported.client;
    watch.lap("export");
    diags.extend(render::render_site(
        &site,
        &bodies,
        &theme,
        &search_client,
        &checker,
    ));
    watch.lap("render");
    diags.extend(check_links(checker, &site, &bodies, &theme));
    if let Some(o) = &offline {
        diags.extend(o.problems());
    }
    watch.lap("links");
    for path in &sink.collisions() {
        diags.push(Diagnostic::error(
            content::CONTENT_DIR,
            0,
            0,
            format!(
                "two files would be written to `{path}` (a page, alias or asset share this URL)"
            ),
        ));
    }
    let warnings = diags.into_result()?;
    Ok(Compiled {
        site,
        output: output::Output::default(),
        warnings,
        timings: watch.laps,
        search,
        search_client,
        bodies,
        theme,
    })
}

/// The links of the built site that lead nowhere, reported at the Markdown line that wrote them
/// or at the template.
pub(crate) fn check_links(
    checker: output::links::LinkCheck,
    site: &graph::Site,
    bodies: &[markdown::Rendered],
    theme: &render::Theme,
) -> Diagnostics {
    let by_file: std::collections::HashMap<String, usize> = site
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (format!("{}index.html", n.page.path), i))
        .collect();
    checker.finish(|file| {
        let &i = by_file.get(file)?;
        let page = &site.nodes[i].page;
        Some(output::links::Source {
            file: if page.file.is_empty() {
                file.to_string()
            } else {
                page.file.clone()
            },
            unchecked: &bodies[i].unchecked,
            template: render::template_file(site, theme, i),
        })
    })
}

/// The output folder a build writes to.
pub fn output_dir(opts: &BuildOptions, config: &config::Config) -> PathBuf {
    match &opts.out {
        Some(p) => p.clone(),
        None => config.output_path(&opts.root),
    }
}

/// Check that the output folder is one the build may replace.
pub fn guard_output(opts: &BuildOptions, config: &config::Config) -> Result<PathBuf> {
    let out = output_dir(opts, config);
    let root = &opts.root;
    let protected = [
        ("content", root.join(content::CONTENT_DIR)),
        ("theme", config.theme_dir(root)),
        ("templates", root.join("templates")),
        ("static", root.join("static")),
    ];
    output::check_output_dir(&out, root, &protected)?;
    Ok(out)
}

/// Compile and write the site, each file as soon as it is built, into a temporary folder that
/// replaces the output folder when everything succeeded. Returns the compiled site (without
/// [`Compiled::output`]) and what the write did.
pub fn build(opts: &BuildOptions) -> Result<(Compiled, output::WriteStats)> {
    let config = config::Config::load(&opts.root)?;
    let out = guard_output(opts, &config)?;
    let waiting = |lock: &Path| {
        eprintln!(
            "another build is writing {}; waiting for it to finish (lock {})",
            error::display_path(&out),
            error::display_path(lock)
        )
    };
    // A folder opened from a disk needs no compressed copies.
    let offline = opts.offline || config.offline;
    let writer =
        output::Writer::begin(&out, opts.force, &waiting)?.with_gzip(!offline && !opts.no_gzip);
    let opts = &BuildOptions {
        offline,
        ..opts.clone()
    };
    let mut compiled = match compile_into(opts, &writer, !offline && !opts.no_gzip) {
        Ok(c) => c,
        Err(e) => {
            writer.abort();
            return Err(e);
        }
    };
    let start = Instant::now();
    let stats = writer.finish()?;
    compiled.timings.push(("write", start.elapsed()));
    Ok((compiled, stats))
}

/// Find the site root: `dir` itself or the nearest parent holding a site.toml.
pub fn find_root(dir: &Path) -> PathBuf {
    let abs = output::absolute(dir);
    let mut cur = abs.as_path();
    loop {
        if cur.join(config::CONFIG_FILE).is_file() {
            return cur.to_path_buf();
        }
        match cur.parent() {
            Some(p) => cur = p,
            None => return abs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "title = \"Rivieren\"\nbase_url = \"https://example.nl/water/\"\n\n\
                        [collections.rivieren]\ntitle = \"Rivieren\"\n";

    const MAAS: (&str, &str) = (
        "content/rivieren/maas.md",
        "---\ntitle: Maas\n---\nDe Maas stroomt door [Limburg](/rivieren/limburg/).\n",
    );
    const DRAFT: (&str, &str) = (
        "content/rivieren/schets.md",
        "---\ntitle: Schets\ndraft: true\n---\nNog niet af.\n",
    );

    // A site folder holding `files`.
    use crate::render::testing::write_site as site;

    fn opts(root: &Path) -> BuildOptions {
        BuildOptions {
            root: root.to_path_buf(),
            ..BuildOptions::default()
        }
    }

    /// The problems of a failed compile, as the command line prints them.
    fn problems(result: Result<Compiled>) -> Vec<String> {
        match result {
            Err(Error::Content(d)) => d.0.iter().map(ToString::to_string).collect(),
            Err(e) => vec![e.to_string()],
            Ok(_) => vec![],
        }
    }

    /// The summary line without its time, which differs from run to run.
    fn summary(c: &Compiled) -> String {
        let line = c.summary(Instant::now());
        let (counts, time) = line.rsplit_once(" in ").unwrap();
        assert!(
            time.strip_suffix(" ms").unwrap().parse::<u64>().is_ok(),
            "{line}"
        );
        counts.to_string()
    }

    #[test]
    fn the_summary_counts_pages_collections_and_warnings_in_words() {
        let home = ("content/_index.md", "---\ntitle: Welkom\n---\n");
        let toml = "title = \"Leeg\"\nbase_url = \"https://example.nl/\"\n";
        let dir = site(&[("site.toml", toml), home]);
        let c = compile(&opts(dir.path())).unwrap();
        assert_eq!(summary(&c), "1 page, 0 collections, 0 warnings");
        // A link with a scheme that is not allowed is removed, with a warning.
        let risky = (
            "content/rivieren/maas.md",
            "---\ntitle: Maas\n---\n[klik](javascript:alert(1))\n",
        );
        let dir = site(&[("site.toml", SITE), home, risky]);
        let c = compile(&opts(dir.path())).unwrap();
        assert_eq!(summary(&c), "3 pages, 1 collection, 1 warning");
    }

    #[test]
    fn a_site_with_problems_fails_with_every_one_of_them_in_file_order() {
        let dir = site(&[
            ("site.toml", SITE),
            (
                "content/rivieren/rijn.md",
                "---\ntitle: Rijn\nlengte: 1\n---\n",
            ),
            MAAS,
            (
                "content/rivieren/ijssel.md",
                "---\nsummary: Zonder titel\n---\n",
            ),
        ]);
        assert_eq!(
            problems(compile(&opts(dir.path()))),
            [
                "content/rivieren/ijssel.md:1:1: missing required field `title`",
                "content/rivieren/rijn.md:3:1: unknown field `lengte` in collection `rivieren`",
            ]
        );
    }

    #[test]
    fn a_link_to_nowhere_is_reported_where_it_was_written() {
        // In Markdown at its line and column; in a template at the template, with the pages.
        let template = "<a href=\"/water/elders/\">elders</a>{{ page.content | safe }}";
        let dir = site(&[("site.toml", SITE), MAAS, ("templates/page.html", template)]);
        assert_eq!(
            problems(compile(&opts(dir.path()))),
            [
                "content/rivieren/maas.md:4:22: link `/water/rivieren/limburg/` leads to no file the build writes",
                "templates/page.html: link `/water/elders/` in this template or a partial it includes leads to no file the build writes (on /rivieren/maas/)",
            ]
        );
    }

    #[test]
    fn serve_keeps_the_sources_a_one_off_build_frees() {
        let dir = site(&[
            ("site.toml", SITE),
            (
                "content/rivieren/maas.md",
                "---\ntitle: Maas\n---\nWater.\n",
            ),
        ]);
        let maas = |c: &Compiled| {
            c.site
                .nodes
                .iter()
                .position(|n| n.page.title == "Maas")
                .unwrap()
        };
        let once = compile(&opts(dir.path())).unwrap();
        let i = maas(&once);
        assert_eq!(
            (
                once.site.nodes[i].page.body.as_str(),
                once.bodies[i].text.as_str()
            ),
            ("", "")
        );
        let kept = compile(&BuildOptions {
            incremental: true,
            ..opts(dir.path())
        })
        .unwrap();
        let i = maas(&kept);
        assert_eq!(kept.site.nodes[i].page.body, "Water.\n");
        assert!(kept.bodies[i].text.contains("Water."));
        // The same site either way.
        assert_eq!(
            once.output.files.keys().collect::<Vec<_>>(),
            kept.output.files.keys().collect::<Vec<_>>()
        );
    }

    #[test]
    fn base_url_replaces_that_of_site_toml_and_must_be_a_url() {
        let dir = site(&[
            ("site.toml", SITE),
            MAAS,
            ("content/rivieren/limburg.md", "---\ntitle: Limburg\n---\n"),
        ]);
        let c = compile(&BuildOptions {
            base_url: Some("https://elders.nl/kaart/".into()),
            ..opts(dir.path())
        })
        .unwrap();
        let page = String::from_utf8(c.output.read("rivieren/maas/index.html").unwrap()).unwrap();
        assert!(page.contains("href=\"/kaart/rivieren/limburg/\""), "{page}");
        assert!(page.contains("https://elders.nl/kaart/rivieren/maas/"));
        let wrong = compile(&BuildOptions {
            base_url: Some("kaart".into()),
            ..opts(dir.path())
        });
        assert!(
            matches!(&wrong, Err(Error::Usage(msg)) if msg.starts_with("--base-url: ")),
            "{:?}",
            problems(wrong)
        );
    }

    #[test]
    fn the_output_folder_is_out_or_output_dir_and_never_a_folder_of_the_site() {
        let dir = site(&[("site.toml", SITE)]);
        let root = dir.path();
        let config = config::Config::load(root).unwrap();
        assert_eq!(output_dir(&opts(root), &config), root.join("public"));
        let out = |p: PathBuf| BuildOptions {
            out: Some(p),
            ..opts(root)
        };
        assert_eq!(output_dir(&out(root.join("x")), &config), root.join("x"));
        assert!(guard_output(&out(root.join("public")), &config).is_ok());
        for (folder, why) in [
            (root.join("content"), "content folder"),
            (root.join("templates/site"), "templates folder"),
            (root.to_path_buf(), "the project itself"),
        ] {
            let refused = guard_output(&out(folder), &config);
            assert!(
                matches!(&refused, Err(Error::Usage(msg)) if msg.contains(why)),
                "{why}: {:?}",
                refused.map(|_| ())
            );
        }
    }

    #[test]
    fn build_writes_drafts_only_when_asked_and_no_gzip_copies_offline() {
        let dir = site(&[
            ("site.toml", SITE),
            MAAS,
            ("content/rivieren/limburg.md", "---\ntitle: Limburg\n---\n"),
            DRAFT,
        ]);
        let out = dir.path().join("public");
        let (compiled, stats) = build(&opts(dir.path())).unwrap();
        assert!(out.join("rivieren/maas/index.html").is_file());
        assert!(!out.join("rivieren/schets").exists());
        assert_eq!(compiled.site.drafts, ["content/rivieren/schets.md"]);
        assert!(stats.files > 0 && out.join("index.html.gz").is_file());
        build(&BuildOptions {
            drafts: true,
            offline: true,
            ..opts(dir.path())
        })
        .unwrap();
        assert!(out.join("rivieren/schets/index.html").is_file());
        let gz = walkdir::WalkDir::new(&out)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "gz"))
            .count();
        assert_eq!(gz, 0);
    }

    #[test]
    fn the_root_is_the_nearest_folder_that_holds_site_toml() {
        let dir = site(&[("site.toml", SITE), MAAS]);
        let root = output::absolute(dir.path());
        assert_eq!(find_root(&dir.path().join("content/rivieren")), root);
        assert_eq!(find_root(dir.path()), root);
        let bare = tempfile::tempdir().unwrap();
        assert_eq!(find_root(bare.path()), output::absolute(bare.path()));
    }
}
