//! The schema of a collection applied to one page's front matter: each field checked against its
//! declared type (and `required`, `min`, `max`), each relation read into links, each problem
//! placed at its value with a fix where there is one.

use super::front::Positions;
use super::{FieldValue, RelationRef};
use crate::config::{CollectionConfig, FieldKind, FieldSpec, RelationSpec};
use crate::error::{Diagnostic, Diagnostics, suggestion};
use serde_norway::Value as Yaml;
use std::collections::BTreeMap;

/// Where the diagnostics of one page go, with the positions of its front matter.
pub struct Checker<'a> {
    pub file: &'a str,
    pub positions: &'a Positions,
    pub diags: &'a mut Diagnostics,
    /// What the page still lacks (an empty required value, too few items or links): errors for a
    /// page that is built, a to-do for a draft that is left out.
    pub unfinished: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// An error placed at the value at `path` (`place`, `topics.1`).
    fn at(&self, path: &str, msg: String) -> Diagnostic {
        let (line, column) = self.positions.at(path);
        Diagnostic::error(self.file, line, column, msg)
    }

    /// An error at the value at `path`.
    pub fn error_at(&mut self, path: &str, msg: String) {
        let d = self.at(path, msg);
        self.diags.push(d);
    }

    /// Something the page still lacks, at the value at `path`.
    fn lack(&mut self, path: &str, msg: String) {
        let d = self.at(path, msg);
        self.unfinished.push(d);
    }

    /// An error at a top-level key itself (an unknown key), not at its value.
    pub fn key_error(&mut self, key: &str, msg: String) {
        let line = self.positions.key_line(key);
        self.diags.push(Diagnostic::error(self.file, line, 1, msg));
    }

    /// Check one field value against its declared type and type it; `None` (with a diagnostic)
    /// when it does not fit. An empty value (`key:`, `""`, `[]`) is no value: an error for a
    /// required field.
    pub fn field(&mut self, key: &str, spec: &FieldSpec, v: &Yaml) -> Option<FieldValue> {
        if is_empty(v) {
            if spec.required {
                let what = match spec.kind {
                    FieldKind::Enum => format!("one of: {}", spec.values.join(", ")),
                    kind => kind.describe().to_string(),
                };
                self.lack(
                    key,
                    format!("required field `{key}` is empty: give it {what}"),
                );
            }
            return None;
        }
        let value = match spec.kind {
            FieldKind::List => self.list(key, spec, v),
            FieldKind::Records => self.records(key, spec, v),
            _ => self.scalar(key, spec, v),
        }?;
        self.count(key, spec.min, spec.max, value.item_count(), "items")
            .then_some(value)
    }

    /// A field of one value.
    fn scalar(&mut self, key: &str, spec: &FieldSpec, v: &Yaml) -> Option<FieldValue> {
        let value = match spec.kind {
            FieldKind::String => scalar_string(v)
                .filter(|_| !v.is_number() && !v.is_bool())
                .map(FieldValue::Text),
            FieldKind::Integer => v.as_i64().map(FieldValue::Integer),
            // `.nan` and `.inf` are no numbers a page can show.
            FieldKind::Float => v.as_f64().filter(|f| f.is_finite()).map(FieldValue::Float),
            FieldKind::Boolean => v.as_bool().map(FieldValue::Bool),
            FieldKind::Date => scalar_string(v)
                .filter(|s| is_date(s))
                .map(FieldValue::Date),
            FieldKind::Enum => v
                .as_str()
                .filter(|s| spec.values.iter().any(|x| x == s))
                .map(|s| FieldValue::Text(s.to_string())),
            FieldKind::List | FieldKind::Records => None,
        };
        if value.is_none() {
            let hint = self.scalar_hint(key, spec, v);
            self.wrong(key, spec, v, &hint);
        }
        value
    }

    /// The fix for a value of the wrong type, where there is an obvious one.
    fn scalar_hint(&self, key: &str, spec: &FieldSpec, v: &Yaml) -> String {
        let text = v.as_str().unwrap_or_default();
        match spec.kind {
            FieldKind::Integer | FieldKind::Float if text.trim().parse::<f64>().is_ok() => {
                format!(" (a text); remove the quotes: `{key}: {}`", text.trim())
            }
            FieldKind::Boolean if matches!(text.trim(), "true" | "false") => {
                format!(" (a text); remove the quotes: `{key}: {}`", text.trim())
            }
            FieldKind::Date
                if text.len() == 10 && text.chars().filter(|c| *c == '-').count() == 2 =>
            {
                " (there is no such day)".into()
            }
            FieldKind::Enum => format!(
                " (one of: {}){}",
                spec.values.join(", "),
                suggestion(text, spec.values.iter().map(String::as_str))
            ),
            _ => String::new(),
        }
    }

    fn wrong(&mut self, path: &str, spec: &FieldSpec, v: &Yaml, extra: &str) {
        let key = path.split('.').next().unwrap_or(path);
        self.error_at(
            path,
            format!(
                "field `{key}` must be {}, found `{}`{extra}",
                spec.kind.describe(),
                yaml_to_display(v)
            ),
        );
    }

    /// A list of strings; a single string is a list of one.
    fn list(&mut self, key: &str, spec: &FieldSpec, v: &Yaml) -> Option<FieldValue> {
        let items: Vec<&Yaml> = match v {
            Yaml::Sequence(s) => s.iter().collect(),
            Yaml::String(_) => vec![v],
            _ => {
                self.wrong(key, spec, v, "");
                return None;
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("{key}.{i}");
            match scalar_string(item) {
                Some(s) if spec.values.is_empty() || spec.values.contains(&s) => out.push(s),
                Some(s) => {
                    let hint = suggestion(&s, spec.values.iter().map(String::as_str));
                    let msg = format!(": `{s}` is not one of {}{hint}", spec.values.join(", "));
                    self.wrong(&path, spec, v, &msg);
                    return None;
                }
                None => {
                    self.wrong(&path, spec, v, "");
                    return None;
                }
            }
        }
        Some(FieldValue::List(out))
    }

    /// A list of small maps of strings, with the allowed keys.
    fn records(&mut self, key: &str, spec: &FieldSpec, v: &Yaml) -> Option<FieldValue> {
        let Yaml::Sequence(items) = v else {
            self.wrong(key, spec, v, "");
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{key}.{i}");
            let Yaml::Mapping(m) = item else {
                self.wrong(&path, spec, v, "");
                return None;
            };
            let mut rec = BTreeMap::new();
            for (k, val) in m {
                let (Some(k), Some(val)) = (k.as_str(), scalar_string(val)) else {
                    self.wrong(&path, spec, v, "");
                    return None;
                };
                if !spec.keys.is_empty() && !spec.keys.iter().any(|x| x == k) {
                    let hint = suggestion(k, spec.keys.iter().map(String::as_str));
                    let msg = format!(
                        ": unknown key `{k}` (allowed: {}){hint}",
                        spec.keys.join(", ")
                    );
                    self.wrong(&format!("{path}.{k}"), spec, v, &msg);
                    return None;
                }
                rec.insert(k.to_string(), val);
            }
            out.push(rec);
        }
        Some(FieldValue::Records(out))
    }

    /// Whether `count` items of `key` are within `min` and `max`; an error when not.
    pub fn count(
        &mut self,
        key: &str,
        min: Option<usize>,
        max: Option<usize>,
        count: usize,
        what: &str,
    ) -> bool {
        let unit = |n: usize| {
            if n == 1 {
                what.trim_end_matches('s')
            } else {
                what
            }
        };
        match (min, max) {
            (Some(min), _) if count < min => self.lack(
                key,
                format!("`{key}` needs at least {min} {}, it has {count}", unit(min)),
            ),
            (_, Some(max)) if count > max => self.error_at(
                key,
                format!(
                    "`{key}` may have at most {max} {}, it has {count}",
                    unit(max)
                ),
            ),
            _ => return true,
        }
        false
    }

    /// The links of relation `key`: slugs, or `{to: slug, why: "…"}`.
    pub fn relation(&mut self, key: &str, spec: &RelationSpec, v: &Yaml) -> Vec<RelationRef> {
        let items: Vec<&Yaml> = match v {
            Yaml::Sequence(s) => s.iter().collect(),
            Yaml::String(_) => vec![v],
            Yaml::Null => vec![],
            _ => {
                self.error_at(
                    key,
                    format!(
                        "relation `{key}` must be a list of slugs or of `{{to: slug, why: \"…\"}}`"
                    ),
                );
                return vec![];
            }
        };
        let single = matches!(v, Yaml::String(_));
        let mut out = Vec::new();
        for (i, item) in items.into_iter().enumerate() {
            let path = if single {
                key.to_string()
            } else {
                format!("{key}.{i}")
            };
            if let Some(link) = self.link(key, &path, item) {
                out.push(link);
            }
        }
        self.count(key, spec.min, spec.max, out.len(), "links");
        out
    }

    /// One link of a relation, at `path`.
    fn link(&mut self, key: &str, path: &str, item: &Yaml) -> Option<RelationRef> {
        let (to, why, at) = match item {
            Yaml::String(s) => (s.clone(), None, path.to_string()),
            Yaml::Mapping(m) => {
                let mut to = None;
                let mut why = None;
                for (k, val) in m {
                    match (k.as_str(), scalar_string(val)) {
                        (Some("to"), Some(s)) => to = Some(s),
                        (Some("why"), Some(s)) => why = Some(s.trim().to_string()),
                        (Some(other), _) => self.error_at(
                            &format!("{path}.{other}"),
                            format!(
                                "relation `{key}`: unknown key `{other}` in a link (use `to` and `why`){}",
                                suggestion(other, ["to", "why"])
                            ),
                        ),
                        _ => {}
                    }
                }
                let Some(to) = to else {
                    self.error_at(
                        path,
                        format!("relation `{key}`: every `{{…}}` link needs `to: slug`"),
                    );
                    return None;
                };
                (to, why, format!("{path}.to"))
            }
            _ => {
                self.error_at(
                    path,
                    format!(
                        "relation `{key}`: `{}` is not a slug",
                        yaml_to_display(item)
                    ),
                );
                return None;
            }
        };
        Some(RelationRef { to, why, at })
    }

    /// Every required field and every relation with a `min` must be there.
    pub fn required(&mut self, cc: &CollectionConfig, present: &dyn Fn(&str) -> bool) {
        for (name, spec) in &cc.fields {
            if spec.required && !present(name) {
                self.unfinished.push(Diagnostic::error(
                    self.file,
                    1,
                    1,
                    format!("missing required field `{name}` ({})", spec.kind.describe()),
                ));
            }
        }
        for (name, spec) in &cc.relations {
            if let Some(min) = spec.min.filter(|&m| m > 0 && !present(name)) {
                self.unfinished.push(Diagnostic::error(
                    self.file,
                    1,
                    1,
                    format!(
                        "missing relation `{name}`: link at least {min} page(s) of `{}`",
                        spec.to
                    ),
                ));
            }
        }
    }
}

/// No value: `key:`, `""`, `[]` or `{}`.
fn is_empty(v: &Yaml) -> bool {
    match v {
        Yaml::Null => true,
        Yaml::String(s) => s.trim().is_empty(),
        Yaml::Sequence(s) => s.is_empty(),
        Yaml::Mapping(m) => m.is_empty(),
        _ => false,
    }
}

/// A date `YYYY-MM-DD` that exists (no 2018-02-31).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u8>().ok();
    let (Ok(year), Some(month), Some(day)) = (s[0..4].parse::<i32>(), num(5..7), num(8..10)) else {
        return false;
    };
    time::Month::try_from(month)
        .and_then(|m| time::Date::from_calendar_date(year, m, day))
        .is_ok()
}

pub fn scalar_string(v: &Yaml) -> Option<String> {
    match v {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn yaml_to_display(v: &Yaml) -> String {
    match v {
        Yaml::String(s) => s.clone(),
        Yaml::Null => "nothing".into(),
        // A list or a map on one line, so that a diagnostic stays one line.
        Yaml::Sequence(_) | Yaml::Mapping(_) if serde_json::to_string(v).is_ok() => {
            serde_json::to_string(v).unwrap_or_default()
        }
        other => serde_norway::to_string(other)
            .unwrap_or_default()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_must_exist() {
        assert!(is_date("2018-03-01"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2018-02-31"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2018-13-01"));
        assert!(!is_date("2018-3-1"));
    }
}
