//! Front matter: split from the body, parsed as YAML (with hints for the mistakes editors make),
//! and located: where each key, value and list item sits in the file, from a YAML parser's
//! markers rather than from searching the text.

use serde_norway::Value as Yaml;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use yaml_rust2::parser::{Event, Parser};

/// Front matter and body of a page's text.
pub struct Split<'a> {
    pub front: &'a str,
    pub body: &'a str,
    /// Line of the body's first line.
    pub body_line: usize,
}

/// The file line of the front matter's first line (after the opening `---`).
pub const FRONT_LINE: usize = 2;

/// Split `---\nYAML\n---\nbody`. Errors carry the line to report.
pub fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    if text.trim().is_empty() {
        return Err((1, "empty file: a page starts with front matter between `---` lines, with at least a title".into()));
    }
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| (text.trim_end() == "---").then_some(""))
    else {
        return Err((1, "no front matter: a page must start with a `---` line, then YAML with at least `title:`, then `---`".into()));
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" || line.trim_end() == "..." {
            let body = &rest[offset + line.len()..];
            return Ok(Split {
                front: &rest[..offset],
                body,
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err((
        1,
        "front matter is not closed: add a `---` line after the last front-matter key".into(),
    ))
}

/// A YAML problem: file line, column and the message with its fix.
pub type YamlError = (usize, usize, String);

/// Parse the front matter, or say what is wrong in words an editor can act on.
pub fn parse_yaml(front: &str) -> Result<Yaml, YamlError> {
    match serde_norway::from_str(front) {
        Ok(Yaml::Null) => Ok(Yaml::Mapping(Default::default())),
        Ok(v) => Ok(v),
        Err(e) => {
            let (line, col) = e
                .location()
                .map_or((0, 0), |l| (l.line() + FRONT_LINE - 1, l.column()));
            let msg = e.to_string();
            let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            let hint = yaml_hint(front, &msg, line.saturating_sub(FRONT_LINE - 1));
            Err((
                line,
                col,
                format!("front matter is not valid YAML: {msg}{hint}"),
            ))
        }
    }
}

/// A plain hint for the parser's message about line `line` (1-based within `front`).
fn yaml_hint(front: &str, msg: &str, line: usize) -> String {
    let text = front
        .lines()
        .nth(line.saturating_sub(1))
        .unwrap_or_default();
    let key = text
        .split_once(':')
        .map(|(k, _)| k.trim().trim_start_matches("- "))
        .unwrap_or("key");
    if front
        .lines()
        .any(|l| l.starts_with('\t') || l.trim_start_matches(' ').starts_with('\t'))
        && (msg.contains("tab") || msg.contains("cannot start any token"))
    {
        return "; indent with spaces, not tabs".into();
    }
    // `key: value: more` has a colon in its value; `  key: value` under another key's value is
    // indented too far.
    let colons = text.matches(": ").count() + usize::from(text.trim_end().ends_with(':'));
    if msg.contains("mapping values are not allowed") && colons >= 2 {
        let value = text
            .split_once(':')
            .map(|(_, v)| v.trim())
            .unwrap_or_default();
        return format!(
            "; a value with `: ` in it must be in quotes: `{key}: \"{}\"`",
            value.replace('"', "\\\"")
        );
    }
    if msg.contains("did not find expected key")
        || msg.contains("mapping values are not allowed")
        || msg.contains("block sequence entries are not allowed")
        || msg.contains("did not find expected '-' indicator")
    {
        return "; check the indentation: keys of one level start in the same column, and list \
                items under a key are indented below it"
            .into();
    }
    if msg.contains("found character that cannot start any token") {
        return "; a value starting with `@`, `` ` ``, `%` or `|` must be in quotes".into();
    }
    String::new()
}

/// Where the keys and values of a front matter sit in the file: by path (`title`, `topics.1`,
/// `cases.0.why`), the 1-based line and column of the value, and of each top-level key its line.
/// The front matter is read for them at the first question, which a build asks only of a page
/// with a problem (reading every page's twice cost 1.5 % of a 10,000-page build); copies share
/// the answer.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    front: Arc<str>,
    found: Arc<OnceLock<Found>>,
}

#[derive(Debug, Default)]
struct Found {
    values: BTreeMap<String, (usize, usize)>,
    keys: BTreeMap<String, usize>,
}

/// Positions are those of the same text.
impl PartialEq for Positions {
    fn eq(&self, other: &Self) -> bool {
        self.front == other.front
    }
}

impl Positions {
    /// The positions of `front` (front matter that parsed as YAML).
    pub fn of(front: &str) -> Positions {
        Positions {
            front: Arc::from(front),
            found: Arc::default(),
        }
    }

    fn found(&self) -> &Found {
        self.found.get_or_init(|| {
            let mut walk = Walk::default();
            let mut parser = Parser::new_from_str(&self.front);
            while let Ok((event, mark)) = parser.next_token() {
                if event == Event::StreamEnd {
                    break;
                }
                walk.event(event, (mark.line() + FRONT_LINE - 1, mark.col() + 1));
            }
            walk.found
        })
    }

    /// The line of a top-level key, or 1 (the opening `---`) for a key that is not there.
    pub fn key_line(&self, key: &str) -> usize {
        self.found().keys.get(key).copied().unwrap_or(1)
    }

    pub fn has_key(&self, key: &str) -> bool {
        self.found().keys.contains_key(key)
    }

    /// The line and column of a value by its path; else of the nearest value above it.
    pub fn at(&self, path: &str) -> (usize, usize) {
        let values = &self.found().values;
        let mut p = path;
        loop {
            if let Some(&pos) = values.get(p) {
                return pos;
            }
            match p.rfind('.') {
                Some(i) => p = &p[..i],
                None => return (self.key_line(path), 1),
            }
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = (&String, &usize)> {
        self.found().keys.iter()
    }
}

/// A container being read: a mapping (waiting for a key, or with the key of the value to come)
/// or a sequence (with the index of the next item).
enum Frame {
    Mapping { key: Option<String>, path: String },
    Sequence { next: usize, path: String },
}

#[derive(Default)]
struct Walk {
    stack: Vec<Frame>,
    found: Found,
}

impl Walk {
    /// The path of the value that comes next, or `None` when a mapping key comes next.
    fn value_path(&mut self) -> Option<String> {
        let join = |p: &str, k: &str| {
            if p.is_empty() {
                k.to_string()
            } else {
                format!("{p}.{k}")
            }
        };
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Mapping { key: None, .. }) => None,
            Some(Frame::Mapping { key, path }) => Some(join(path, &key.take().unwrap_or_default())),
            Some(Frame::Sequence { next, path }) => {
                *next += 1;
                Some(join(path, &(*next - 1).to_string()))
            }
        }
    }

    fn event(&mut self, event: Event, at: (usize, usize)) {
        match event {
            Event::Scalar(text, ..) => match self.value_path() {
                Some(path) => {
                    self.found.values.entry(path).or_insert(at);
                }
                None => self.key(text, at),
            },
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let Some(path) = self.value_path() else {
                    return;
                };
                // A block mapping's marker is off; its first key gives its place instead.
                if matches!(event, Event::SequenceStart(..)) && !path.is_empty() {
                    self.found.values.entry(path.clone()).or_insert(at);
                }
                self.stack.push(match event {
                    Event::SequenceStart(..) => Frame::Sequence { next: 0, path },
                    _ => Frame::Mapping { key: None, path },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// A mapping key: remember it for the value that follows, and place the mapping itself.
    fn key(&mut self, text: String, at: (usize, usize)) {
        let Some(Frame::Mapping { key, path }) = self.stack.last_mut() else {
            return;
        };
        if path.is_empty() {
            self.found.keys.entry(text.clone()).or_insert(at.0);
        } else {
            self.found.values.entry(path.clone()).or_insert(at);
        }
        *key = Some(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_reports_body_line() {
        let s = split_front_matter("---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front, "title: x\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split_front_matter("---\ntitle: x\nbody\n").err().unwrap();
        assert!(e.1.contains("not closed"));
    }

    #[test]
    fn values_and_items_are_placed_where_they_are_written() {
        let front =
            "title: x\ncases:\n  - to: river\n    why: y\ntopics: [river, sea]\nyear:   2019\n";
        let p = Positions::of(front);
        assert_eq!(p.key_line("cases"), 3);
        assert_eq!(p.at("cases.0"), (4, 5), "the first item: its first key");
        assert_eq!(p.at("cases.0.to"), (4, 9));
        assert_eq!(p.at("cases.0.why"), (5, 10));
        assert_eq!(p.at("topics.1"), (6, 17));
        assert_eq!(p.at("year"), (7, 9));
        assert_eq!(p.at("nothing"), (1, 1));
    }

    #[test]
    fn common_yaml_mistakes_get_a_plain_hint() {
        let e = parse_yaml("title: Zwolle: een voorbeeld\n").unwrap_err();
        assert_eq!((e.0, e.1), (2, 14));
        assert!(
            e.2.ends_with("in quotes: `title: \"Zwolle: een voorbeeld\"`"),
            "{}",
            e.2
        );
        let e = parse_yaml("title: x\n\tsummary: y\n").unwrap_err();
        assert!(e.2.ends_with("indent with spaces, not tabs"), "{}", e.2);
        for wrong in [
            "title: x\ntopics:\n  - a\n - b\n",
            "title: x\ncases:\n  - to: x\n   why: y\n",
            "title: x\n  summary: y\n",
        ] {
            let e = parse_yaml(wrong).unwrap_err();
            assert!(e.2.contains("check the indentation"), "{wrong:?}: {}", e.2);
        }
        let e = parse_yaml("title: @x\n").unwrap_err();
        assert!(e.2.ends_with("must be in quotes"), "{}", e.2);
    }
}
