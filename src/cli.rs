//! The command line: argument parsing, printing diagnostics and summaries, exit codes.

use clap::{Parser, Subcommand, ValueEnum};
use kennisbank::error::{Diagnostics, Error, Result};
use kennisbank::{BuildOptions, config, content};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(
    name = "kennisbank",
    version,
    about = "Build a searchable static site from a knowledge base of linked Markdown pages."
)]
pub(crate) struct Cli {
    /// The site folder (holding site.toml); default: the current folder or the nearest parent with a site.toml.
    #[arg(long, global = true, value_name = "DIR")]
    pub root: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Start a new site: a site.toml, two collections and a few pages that build as they are.
    Init {
        /// The folder to create it in (new or empty; default: the current folder).
        dir: Option<PathBuf>,
        /// The language of the site and of every fixed text.
        #[arg(long, default_value = "nl", value_parser = ["nl", "en"])]
        language: String,
    },
    /// Build the site into the output folder (default: `public/`).
    Build {
        /// Output folder, instead of site.toml's `output_dir`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Base URL, instead of site.toml's `base_url` (e.g. https://example.nl/kb/water/).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Replace an output folder that holds files kennisbank did not write.
        #[arg(long)]
        force: bool,
        /// A site that works from a folder or a USB stick (file://), search included: every
        /// link relative to its page (also `offline = true` in site.toml).
        #[arg(long)]
        offline: bool,
        /// Write no precompressed `.gz` copies of the text files (for a server that compresses
        /// itself, or none).
        #[arg(long)]
        no_gzip: bool,
        /// Print the time each stage took.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Build, serve on http://127.0.0.1:1111/, rebuild on every change and reload open pages.
    Serve {
        #[arg(long, default_value_t = 1111)]
        port: u16,
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Validate everything a build validates; write nothing.
    Check {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Check with draft pages included.
        #[arg(long)]
        drafts: bool,
    },
    /// Search the site as the browser does; prints ranked results with an excerpt.
    Search {
        /// The words to look for.
        query: String,
        /// Keep only pages with this facet value (e.g. topics=water); repeatable.
        #[arg(long = "filter", value_name = "FIELD=VALUE")]
        filters: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print JSON: {"query", "total", "results": [{url, title, heading, collection, score, excerpt}]}.
        #[arg(long)]
        json: bool,
    },
    /// Create a page in a collection with the fields the collection needs.
    New {
        /// The collection (a folder under content/ declared in site.toml).
        collection: String,
        /// The page's slug: its file name and URL.
        slug: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// Run the command line; returns the process exit code.
pub(crate) fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    if let Command::Init { dir, language } = &cli.command {
        let dir = dir.clone().unwrap_or_else(|| PathBuf::from("."));
        return exit_code(run_init(&dir, language));
    }
    let root = kennisbank::find_root(cli.root.as_deref().unwrap_or(std::path::Path::new(".")));
    let result = match cli.command {
        Command::Init { .. } => Ok(()),
        Command::Build {
            out,
            base_url,
            drafts,
            force,
            offline,
            no_gzip,
            verbose,
        } => {
            let opts = BuildOptions {
                root,
                out,
                base_url,
                drafts,
                force,
                offline,
                no_gzip,
                incremental: false,
            };
            run_build(&opts, verbose)
        }
        Command::Serve { port, bind, drafts } => kennisbank::serve::run(&root, &bind, port, drafts),
        Command::Check { format, drafts } => run_check(
            &BuildOptions {
                root,
                drafts,
                ..Default::default()
            },
            format,
        ),
        Command::New { collection, slug } => run_new(&root, &collection, &slug),
        Command::Search {
            query,
            filters,
            limit,
            json,
        } => run_search(root, &query, &filters, limit, json),
    };
    exit_code(result)
}

fn exit_code(result: Result<()>) -> i32 {
    match result {
        Ok(()) => 0,
        Err(e) => {
            Error::report(&e);
            e.exit_code()
        }
    }
}

fn run_init(dir: &std::path::Path, language: &str) -> Result<()> {
    let files = kennisbank::init::init(dir, language)?;
    let shown = kennisbank::error::display_path(dir);
    println!("created a new site in {shown} ({} files):", files.len());
    for f in &files {
        println!("  {}", kennisbank::error::display_path(f));
    }
    let cd = if shown == "." {
        String::new()
    } else {
        format!("cd {shown} && ")
    };
    println!("next: {cd}kennisbank serve   (then open http://127.0.0.1:1111/)");
    Ok(())
}

/// Print an error with every diagnostic it carries.
fn print_diagnostics(d: &Diagnostics) {
    for diag in &d.0 {
        eprintln!("{diag}");
    }
}

fn run_build(opts: &BuildOptions, verbose: bool) -> Result<()> {
    let start = Instant::now();
    let progress = std::io::stderr().is_terminal();
    if progress {
        eprint!(
            "building {} …\r",
            kennisbank::error::display_path(&opts.root)
        );
    }
    let (compiled, stats) = kennisbank::build(opts)?;
    if progress {
        eprint!("\x1b[2K");
    }
    print_diagnostics(&compiled.warnings);
    if verbose {
        for (stage, t) in &compiled.timings {
            eprintln!("  {stage:<10} {:>8.1} ms", t.as_secs_f64() * 1000.0);
        }
        eprintln!(
            "  wrote {} files ({} unchanged, linked), {:.1} MB",
            stats.files,
            stats.linked,
            stats.bytes as f64 / 1e6
        );
    }
    print_drafts(&compiled);
    eprintln!("{}", compiled.summary(start));
    Ok(())
}

/// Which drafts a build left out: an editor should not wonder where a page went.
fn print_drafts(c: &kennisbank::Compiled) {
    let drafts = &c.site.drafts;
    if drafts.is_empty() {
        return;
    }
    eprintln!(
        "left out {} draft{} (add --drafts to include them): {}",
        drafts.len(),
        if drafts.len() == 1 { "" } else { "s" },
        drafts.join(", ")
    );
    for lack in &c.site.unfinished {
        eprintln!(
            "  to do before publishing: {}:{}:{}: {}",
            lack.file, lack.line, lack.column, lack.message
        );
    }
}

/// `check` is the editor's gate: a draft that still lacks a required value or relation fails it,
/// though `build` and `serve` leave the draft out and build the rest.
fn drafts_finished(compiled: kennisbank::Compiled) -> Result<kennisbank::Compiled> {
    if compiled.site.unfinished.is_empty() {
        return Ok(compiled);
    }
    let mut diags = kennisbank::error::Diagnostics::default();
    for d in &compiled.site.unfinished {
        let mut d = d.clone();
        d.message
            .push_str(" (a draft: `build` leaves it out, `check` wants it complete)");
        diags.push(d);
    }
    Err(Error::Content(diags))
}

fn run_check(opts: &BuildOptions, format: Format) -> Result<()> {
    let start = Instant::now();
    let result = kennisbank::compile(opts).and_then(drafts_finished);
    if format == Format::Json {
        let (ok, diags) = match &result {
            Ok(c) => (true, c.warnings.0.clone()),
            Err(Error::Content(d)) => (false, d.0.clone()),
            Err(other) => (
                false,
                vec![kennisbank::error::Diagnostic::error(
                    config::CONFIG_FILE,
                    0,
                    0,
                    other.to_string(),
                )],
            ),
        };
        let drafts = match &result {
            Ok(c) => c.site.drafts.clone(),
            Err(_) => Vec::new(),
        };
        let json = serde_json::json!({
            "ok": ok,
            "errors": diags.iter().filter(|d| d.is_error()).collect::<Vec<_>>(),
            "warnings": diags.iter().filter(|d| !d.is_error()).collect::<Vec<_>>(),
            "drafts": drafts,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
        return match result {
            Ok(_) => Ok(()),
            Err(e) => std::process::exit(e.exit_code()),
        };
    }
    let compiled = result?;
    print_diagnostics(&compiled.warnings);
    print_drafts(&compiled);
    eprintln!("ok: {}", compiled.summary(start));
    Ok(())
}

fn run_search(
    root: PathBuf,
    query: &str,
    filters: &[String],
    limit: usize,
    json: bool,
) -> Result<()> {
    let opts = BuildOptions {
        root,
        ..Default::default()
    };
    let compiled = kennisbank::compile(&opts)?;
    let model = &compiled.search;
    let written = filters;
    let filters = kennisbank::search::parse_filters(model, filters).map_err(Error::Usage)?;
    for (f, id) in written.iter().zip(&filters) {
        if *id == kennisbank::search::NO_PAGE {
            eprintln!("note: no page has {f}");
        }
    }
    let answer = kennisbank::search::answer(model, &compiled.site.config, query, &filters, limit);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).unwrap_or_default()
        );
        return Ok(());
    }
    for i in &answer.interpreted {
        eprintln!(
            "searched `{}` as {} ({})",
            i.word,
            i.searched_as.join(" | "),
            i.how.as_str()
        );
    }
    let bold = std::io::stdout().is_terminal();
    for (i, r) in answer.results.iter().enumerate() {
        let heading = r
            .heading
            .as_ref()
            .map(|h| format!(" › {h}"))
            .unwrap_or_default();
        println!("{:>2}. {}{heading}  ({:.2})", i + 1, r.title, r.score);
        println!("    {}", r.url);
        println!("    {}", highlight(&r.excerpt, &r.marks, bold));
    }
    match answer.total {
        0 => eprintln!("no page matches `{query}`"),
        total if answer.partial => {
            eprintln!("{total} results (no page has every word; these have some)")
        }
        total => eprintln!("{total} result{}", if total == 1 { "" } else { "s" }),
    }
    Ok(())
}

/// Mark the matched words of an excerpt: bold on a terminal, `*word*` elsewhere.
fn highlight(text: &str, marks: &[(usize, usize)], bold: bool) -> String {
    let (open, close) = if bold {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("*", "*")
    };
    let mut out = String::new();
    let mut pos = 0;
    for &(a, b) in marks {
        if a < pos || b > text.len() || !text.is_char_boundary(a) || !text.is_char_boundary(b) {
            continue;
        }
        out.push_str(&text[pos..a]);
        out.push_str(open);
        out.push_str(&text[a..b]);
        out.push_str(close);
        pos = b;
    }
    out.push_str(&text[pos..]);
    out
}

fn run_new(root: &std::path::Path, collection: &str, slug: &str) -> Result<()> {
    let config = config::Config::load(root)?;
    let Some(cc) = config.collections.get(collection) else {
        return Err(Error::Usage(format!(
            "unknown collection `{collection}`{}",
            kennisbank::error::suggestion(
                collection,
                config.collections.keys().map(String::as_str)
            )
        )));
    };
    if !kennisbank::text::is_valid_slug(slug) {
        return Err(Error::Usage(format!(
            "`{slug}` is not a valid slug: use a-z, 0-9 and `-`"
        )));
    }
    let dir = root.join(content::CONTENT_DIR).join(collection);
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; not overwriting it",
            kennisbank::error::display_path(&path)
        )));
    }
    let text = new_page_text(slug, cc);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    // create_new: never overwrite, even if the file appeared since the check above
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    println!(
        "created {}",
        kennisbank::error::display_path(path.strip_prefix(root).unwrap_or(&path))
    );
    Ok(())
}

/// What a new page's comment says a field takes: `required: one of: a, b`.
fn field_note(spec: &config::FieldSpec) -> String {
    let need = if spec.required {
        "required"
    } else {
        "optional"
    };
    let what = match spec.kind {
        config::FieldKind::Enum => format!("one of: {}", spec.values.join(", ")),
        config::FieldKind::List if !spec.values.is_empty() => {
            format!("a list of: {}", spec.values.join(", "))
        }
        config::FieldKind::Records if !spec.keys.is_empty() => {
            format!("a list of records with {}", spec.keys.join(", "))
        }
        kind => kind.describe().to_string(),
    };
    format!("{need}: {what}")
}

/// The text of a new page: a title from the slug, every field and relation of the collection
/// empty with a comment that says what it takes (the allowed values of an enum), and
/// `draft: true`. A required field left empty fails `check`, so the page cannot be published
/// half-filled.
pub(crate) fn new_page_text(slug: &str, cc: &config::CollectionConfig) -> String {
    let mut title = slug.replace('-', " ");
    if let Some(first) = title.get(0..1) {
        title = first.to_uppercase() + &title[1..];
    }
    let mut lines = vec![
        (
            format!("title: \"{title}\""),
            "the page's title".to_string(),
        ),
        (
            "summary:".into(),
            "one sentence: what the page is about".into(),
        ),
        (
            "draft: true".into(),
            "remove this line when the page is ready".into(),
        ),
    ];
    for (name, spec) in &cc.fields {
        lines.push((format!("{name}:"), field_note(spec)));
    }
    for (name, spec) in &cc.relations {
        let how = match spec.why {
            config::WhyRule::Required => "each as {to: slug, why: \"…\"}",
            config::WhyRule::Optional => "slugs, or {to: slug, why: \"…\"}",
        };
        let count = match spec.min {
            Some(1) => "at least one page".to_string(),
            Some(n) if n > 1 => format!("at least {n} pages"),
            _ => "pages".to_string(),
        };
        lines.push((
            format!("{name}:"),
            format!("{count} of `{}`: {how}", spec.to),
        ));
    }
    let width = lines
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        + 2;
    let mut s = String::from("---\n");
    for (line, note) in lines {
        s.push_str(&format!("{line:<width$}# {note}\n"));
    }
    s.push_str("---\n\n");
    s
}
