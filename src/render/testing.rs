//! A small site for the render stage's tests: written to a temporary folder and read through the
//! stages before this one, as a build reads it. Lessons numbered by a field, with facts, a
//! relation to rivers (with a reason), dates, aliases, a footer and a print-all page.

use super::{Renderer, Theme, load_theme};
use crate::config::Config;
use crate::graph::Site;
use crate::markdown::Rendered;

pub(super) const SITE_TOML: &str = r#"
title = "Rivieren"
base_url = "https://example.nl/water/"
author = "Redactie"
feed_limit = 2

[footer]
text = "Een *proef*."
links = [
  { title = "Over", to = "@/over.md" },
  { title = "Feed", to = "/atom.xml" },
  { title = "Elders", to = "https://example.org/" },
]

[collections.tochten]
title = "Tochten"
singular = "tocht"
sort_by = "nummer"
number_field = "nummer"
paginate_by = 2
handout = "Alle tochten"
fields.nummer = { type = "integer" }
fields.niveau = { type = "enum", values = ["basis", "verdieping"], label = "Niveau" }
fields.duur = { type = "float", label = "Duur (uur)" }
fields.intern = { type = "string", hidden = true }
fields.docenten = { type = "records", keys = ["naam", "rol"] }
fields.thema = { type = "list" }

[collections.tochten.relations.rivieren]
to = "rivieren"
inverse = "tochten"

[collections.rivieren]
title = "Rivieren"
sort_by = "title"
"#;

const PAGES: &[(&str, &str)] = &[
    ("content/_index.md", "---\ntitle: Welkom\n---\nDe site.\n"),
    (
        "content/over.md",
        "---\ntitle: Over\naliases: [wie/, oud.html]\n---\nOver ons.\n",
    ),
    (
        "content/tochten/stroom.md",
        "---\ntitle: Stroom\nnummer: 2\nniveau: basis\nduur: 1.5\nintern: concept\n\
         docenten:\n  - {rol: gids, naam: An}\nthema: [water, klimaat]\n\
         rivieren:\n  - {to: maas, why: De Maas stroomt door.}\n\
         date: 2018-03-01\nupdated: 2018-05-01\n---\n## Bron\n\nZie [de bron](@/tochten/bron.md).\n",
    ),
    (
        "content/tochten/bron.md",
        "---\ntitle: Bron\nnummer: 1\ndate: 2018-04-01\nrivieren: [rijn]\n---\nHet begin.\n",
    ),
    (
        "content/tochten/delta.md",
        "---\ntitle: Delta\nnummer: 3\ndate: 2018-02-01\n---\nHet eind.\n",
    ),
    (
        "content/rivieren/maas.md",
        "---\ntitle: Maas\n---\nEen rivier.\n",
    ),
    (
        "content/rivieren/rijn.md",
        "---\ntitle: Rijn\n---\nEen rivier.\n",
    ),
];

/// Write `files` (paths under the site folder) into a new temporary folder.
pub(crate) fn write_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The site read up to the render stage.
pub(super) struct Built {
    pub site: Site,
    pub bodies: Vec<Rendered>,
    pub theme: Theme,
    /// Holds the folder as long as the site lives (static files are copied from it).
    _dir: tempfile::TempDir,
}

/// The site above with `extra` files added or put in place of its own (a `site.toml`, a
/// template under `templates/`); read through every stage before render, which must find no
/// problem.
pub(super) fn built(extra: &[(&str, &str)]) -> Built {
    let mut files: Vec<(&str, &str)> = vec![("site.toml", SITE_TOML)];
    files.extend(PAGES);
    files.retain(|(path, _)| !extra.iter().any(|(p, _)| p == path));
    files.extend(extra);
    let dir = write_site(&files);
    let root = dir.path();
    let config = Config::load(root).unwrap();
    let theme = load_theme(root, &config).unwrap_or_else(|d| panic!("{:?}", d.0));
    let (content, diags) = crate::content::load(root, &config);
    assert!(!diags.has_errors(), "{:?}", diags.0);
    let (site, diags) = crate::graph::build(config, content, false);
    assert!(!diags.has_errors(), "{:?}", diags.0);
    let (bodies, diags) = crate::markdown::render_all(&site, &theme.strings);
    assert!(!diags.has_errors(), "{:?}", diags.0);
    Built {
        site,
        bodies,
        theme,
        _dir: dir,
    }
}

impl Built {
    /// The renderer of the site, which must find no problem in the views or the footer.
    pub(super) fn renderer(&self) -> Renderer<'_> {
        let (renderer, diags) = Renderer::new(&self.site, &self.bodies, &self.theme);
        assert!(!diags.has_errors(), "{:?}", diags.0);
        renderer
    }

    /// The node of the page with title `title`.
    pub(super) fn node(&self, title: &str) -> usize {
        self.site
            .nodes
            .iter()
            .position(|n| n.page.title == title)
            .unwrap_or_else(|| panic!("no page `{title}`"))
    }
}
