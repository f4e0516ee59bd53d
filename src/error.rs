//! Diagnostics: every problem the build finds, with the file, line and column it sits at.
//!
//! Stages collect problems into a [`Diagnostics`] list instead of stopping at the first, so an
//! editor sees every mistake of a build at once.

use serde::Serialize;
use std::fmt;
use std::path::Path;

/// How bad a problem is: errors fail the build, warnings are reported and the build goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    /// Path relative to the site root, with `/` separators (`content/guides/x.md`).
    pub file: String,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    pub fn error(
        file: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            file: display_path(file.as_ref()),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(
        file: impl AsRef<Path>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        match self.severity {
            Severity::Error => write!(f, ": {}", self.message),
            Severity::Warning => write!(f, ": warning: {}", self.message),
        }
    }
}

/// The problems a stage found, in the order found; sorted before they are shown.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }

    pub fn sorted(mut self) -> Self {
        self.0.sort();
        self.0.dedup();
        self
    }

    /// Turn the list into a result: `Err` when any error is present.
    pub fn into_result(self) -> Result<Diagnostics, Error> {
        if self.has_errors() {
            Err(Error::Content(self.sorted()))
        } else {
            Ok(self.sorted())
        }
    }
}

/// Why a command failed. `Content` maps to exit code 1, `Usage` to 2, `Io` to 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} problem(s) in the content", .0.errors().count())]
    Content(Diagnostics),
    #[error("{0}")]
    Usage(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Print the error to stderr as the command line shows it: every diagnostic on its own line,
    /// then how many problems there were.
    pub fn report(&self) {
        match self {
            Error::Content(d) => {
                for diag in &d.0 {
                    eprintln!("{diag}");
                }
                let n = d.errors().count();
                eprintln!(
                    "error: {n} problem{} found; nothing was written",
                    if n == 1 { "" } else { "s" }
                );
            }
            other => eprintln!("error: {other}"),
        }
    }

    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: display_path(path.as_ref()),
            source,
        }
    }

    pub fn single(d: Diagnostic) -> Self {
        Error::Content(Diagnostics(vec![d]))
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Content(_) | Error::Io { .. } => 1,
            Error::Usage(_) => 2,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A path as shown to users: `/` separators, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Line and column of many byte offsets in one text, without scanning it from the start for each.
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based (line, column in characters) of `offset`, as [`line_col`] gives it.
    pub fn at(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        (line, self.text[start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The closest candidate to `wanted` by edit distance, when it is close enough to be a likely typo
/// or when `wanted` is a prefix or part of it.
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let c_lower = c.to_lowercase();
        let whole = strsim::levenshtein(&wanted_lower, &c_lower);
        // A typed beginning of a longer name (`rijn` for `rijn-en-ijssel`) counts
        // as one edit more than its distance to that beginning.
        let prefix: String = c_lower.chars().take(wanted_lower.chars().count()).collect();
        let dist = if prefix.chars().count() < c_lower.chars().count() {
            whole.min(strsim::levenshtein(&wanted_lower, &prefix) + 1)
        } else {
            whole
        };
        let limit = (wanted_lower.chars().count() / 3).max(2);
        if dist <= limit && best.is_none_or(|(d, b)| dist < d || (dist == d && c < b)) {
            best = Some((dist, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `"; did you mean `x`?"`, or nothing.
pub fn suggestion<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(wanted, candidates)
        .map(|c| format!("; did you mean `{c}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_index_places_every_offset_as_line_col_does() {
        let text = "titel = \"Fryslân\"\n\n[a]\nb = 1\r\nc = \"ĳ\"";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.at(offset), line_col(text, offset), "offset {offset}");
        }
    }

    #[test]
    fn suggests_the_name_an_editor_meant() {
        let rivers = ["waal-en-maas", "rijn-en-ijssel", "schelde-en-leie"];
        assert_eq!(did_you_mean("rijn", rivers), Some("rijn-en-ijssel"));
        assert_eq!(did_you_mean("waal-en-mas", rivers), Some("waal-en-maas"));
        assert_eq!(did_you_mean("zwolle", rivers), None);
    }

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let text = "één\ntwee: ú x";
        assert_eq!(line_col(text, 0), (1, 1));
        let x = text.find('x').unwrap();
        assert_eq!(line_col(text, x), (2, 9));
    }

    #[test]
    fn diagnostic_prints_file_line_column() {
        let d = Diagnostic::error("content/guides/x.md", 4, 12, "unknown topic");
        assert_eq!(d.to_string(), "content/guides/x.md:4:12: unknown topic");
    }
}
