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

#[cfg(test)]
mod tests {
    use super::super::testing::write_site;
    use super::*;

    const SITE: &str = "title = \"Rivieren\"\nbase_url = \"https://example.nl/water/\"\n";

    fn theme(files: &[(&str, &str)]) -> Result<Theme, Vec<String>> {
        let dir = write_site(files);
        let config = Config::load(dir.path()).unwrap();
        load_theme(dir.path(), &config).map_err(|d| d.0.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn scripts_and_style_sheets_get_their_content_hash_in_their_name() {
        let files = [
            ("site.toml", SITE),
            ("static/app.js", "console.log(1);"),
            ("static/logo.svg", "<svg/>"),
        ];
        let t = theme(&files).unwrap();
        let app = &t.asset_paths["app.js"];
        let hash = app.strip_prefix("app.").and_then(|s| s.strip_suffix(".js"));
        assert!(
            hash.is_some_and(|h| h.len() == 10 && h.chars().all(|c| c.is_ascii_hexdigit())),
            "{app}"
        );
        assert_eq!(t.asset_paths["logo.svg"], "logo.svg");
        assert!(t.assets.iter().any(|f| &f.path == app));
        // The same bytes, the same name; other bytes, another name.
        assert_eq!(&theme(&files).unwrap().asset_paths["app.js"], app);
        let changed = [files[0], ("static/app.js", "console.log(2);")];
        assert_ne!(&theme(&changed).unwrap().asset_paths["app.js"], app);
    }

    #[test]
    fn a_site_template_replaces_the_themes_and_is_named_by_its_file() {
        let t = theme(&[
            ("site.toml", SITE),
            ("templates/page.html", "{{ page.title }}"),
        ])
        .unwrap();
        assert_eq!(t.template_file("page.html"), "templates/page.html");
        assert_eq!(
            t.template_file("section.html"),
            "(built-in theme)/templates/section.html"
        );
        assert!(t.has_template("search.html") && !t.has_template("tochten/page.html"));
        assert_eq!(t.url_segment("url.search"), "zoeken/");
    }

    #[test]
    fn a_template_that_does_not_parse_is_an_error_at_its_line_and_column() {
        let broken = "<h1>{{ page.title }}</h1>\n<p>{% if %}</p>\n";
        let err = theme(&[("site.toml", SITE), ("templates/page.html", broken)])
            .err()
            .unwrap();
        assert_eq!(err.len(), 1);
        // Where `{% if %}` lacks its condition.
        assert!(
            err[0].starts_with("templates/page.html:2:10: Found `%}`"),
            "{err:?}"
        );
    }

    #[test]
    fn a_folder_string_that_is_no_slug_is_an_error_at_its_key_in_site_toml() {
        let toml = format!("{SITE}\n[strings]\n\"url.search\" = \"Zoek hier\"\n");
        let err = theme(&[("site.toml", &toml)]).err().unwrap();
        assert_eq!(
            err,
            [
                "site.toml:5:16: string `url.search` is `Zoek hier`; it names a folder of the site, so it must be a slug (a-z, 0-9, -)"
            ]
        );
    }
}
