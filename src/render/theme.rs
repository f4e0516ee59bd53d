//! The theme made ready to render: its templates compiled by Tera with the site's functions and
//! filters, its static files fingerprinted, its strings in the site's language.

use crate::config::Config;
use crate::error::{Diagnostic, Diagnostics};
use crate::i18n::Strings;
use crate::output::OutputFile;
use crate::theme::{Source, ThemeFiles};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The theme: compiled templates and static assets (with fingerprinted names for CSS and JS).
pub struct Theme {
    pub(super) tera: tera::Tera,
    /// Logical asset path (`style.css`) → output path (`style.3f2a1c9e.css`).
    pub asset_paths: Arc<BTreeMap<String, String>>,
    pub assets: Vec<OutputFile>,
    /// Folders the templates and assets came from, for `serve` to watch.
    pub dirs: Vec<PathBuf>,
    /// The UI text in the site's language.
    pub strings: Arc<Strings>,
    /// Where each template came from, for messages.
    pub(super) origins: BTreeMap<String, String>,
}

impl Theme {
    /// How a problem in a template names its file.
    pub fn template_file(&self, name: &str) -> String {
        self.origins
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("templates/{name}"))
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// A site path of one of the theme's own pages, from the `url.*` strings (`zoeken/`).
    pub fn url_segment(&self, key: &str) -> String {
        format!("{}/", self.strings.get(key).trim_matches('/'))
    }
}

/// Load the site's theme: the built-in theme under the site's theme folder and its own
/// `templates/` and `static/`.
pub fn load_theme(root: &Path, config: &Config) -> Result<Theme, Diagnostics> {
    let files = ThemeFiles::load(root, config)?;
    let mut diags = Diagnostics::default();
    let strings = Arc::new(files.strings);
    check_url_segments(config, &strings, &mut diags);
    let (asset_paths, assets) = fingerprint_assets(&files.statics, root, &mut diags);
    let asset_paths = Arc::new(asset_paths);
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    super::functions::register(&mut tera, config, asset_paths.clone(), strings.clone());
    // With an empty model, so that templates calling the views compile; `render_site` registers
    // them again with the site's model.
    crate::views::register(&mut tera, Arc::new(crate::views::Model::default()));
    let mut sources = Vec::new();
    let mut origins = BTreeMap::new();
    for (name, source) in &files.templates {
        let shown = source.display(root, &format!("templates/{name}"));
        match source
            .read()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
        {
            Ok(text) => sources.push((name.clone(), text)),
            Err(e) => diags.push(Diagnostic::error(
                &shown,
                0,
                0,
                format!("cannot read template: {e}"),
            )),
        }
        origins.insert(name.clone(), shown);
    }
    if let Err(e) = tera.add_raw_templates(sources) {
        diags.push(template_error(&e, &origins));
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Theme {
        tera,
        asset_paths,
        assets,
        dirs: files.dirs,
        strings,
        origins,
    })
}

/// The `url.*` strings name folders of the site: they must be slugs.
fn check_url_segments(config: &Config, strings: &Strings, diags: &mut Diagnostics) {
    for key in ["url.search", "url.page", "url.handout"] {
        let value = strings.get(key);
        if !crate::text::is_valid_slug(value) {
            diags.push(config.error_at(
                &format!("strings.{key}"),
                format!("string `{key}` is `{value}`; it names a folder of the site, so it must be a slug (a-z, 0-9, -)"),
            ));
        }
    }
}

/// CSS and JS get a content hash in their name so browsers may cache them forever.
fn fingerprint_assets(
    statics: &BTreeMap<String, Source>,
    root: &Path,
    diags: &mut Diagnostics,
) -> (BTreeMap<String, String>, Vec<OutputFile>) {
    let mut paths = BTreeMap::new();
    let mut files = Vec::new();
    for (name, source) in statics {
        let fingerprint = name.ends_with(".css") || name.ends_with(".js");
        if let (false, Source::File(path)) = (fingerprint, source) {
            paths.insert(name.clone(), name.clone());
            files.push(OutputFile::copy(name.clone(), path.clone()));
            continue;
        }
        let bytes = match source.read() {
            Ok(b) => b.into_owned(),
            Err(e) => {
                diags.push(Diagnostic::error(
                    source.display(root, &format!("static/{name}")),
                    0,
                    0,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let out = if fingerprint {
            let hash = format!("{:016x}", crate::output::hash(&bytes));
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            format!("{stem}.{}.{ext}", &hash[..10])
        } else {
            name.clone()
        };
        paths.insert(name.clone(), out.clone());
        files.push(OutputFile::bytes(out, bytes));
    }
    (paths, files)
}

fn template_error(e: &tera::Error, origins: &BTreeMap<String, String>) -> Diagnostic {
    if let tera::ErrorKind::SyntaxError(report) = e.kind() {
        let file = origins
            .get(report.filename())
            .cloned()
            .unwrap_or_else(|| report.filename().to_string());
        let span = report.span();
        return Diagnostic::error(
            file,
            span.start_line,
            span.start_col + 1,
            report.message().to_string(),
        );
    }
    Diagnostic::error("templates", 0, 0, error_chain(e))
}

/// An error with the chain of its causes, on one line.
pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}
