//! UI text in the site's language: the string tables of the theme (`i18n/<language>.toml`), with
//! the site's own `[strings]` of site.toml on top. Every text a reader sees that is not content
//! (labels, counts, notes, the words in the views) comes from here, so a theme knows no language
//! and a site can change any word.
//!
//! A table is TOML. A key holds a text (`skip_link = "Naar de inhoud"`), a text with a singular
//! and a plural (`results = { one = "{n} resultaat", other = "{n} resultaten" }`) or a list
//! (`months = ["januari", …]`); tables nest into dotted keys (`[search]` + `button` is
//! `search.button`). `{name}` in a text is replaced by an argument of that name.

use std::collections::BTreeMap;

/// One entry of a string table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Text {
    One(String),
    Plural { one: String, other: String },
    List(Vec<String>),
}

/// The texts of one language, by dotted key.
#[derive(Debug, Clone, Default)]
pub struct Strings {
    pub language: String,
    entries: BTreeMap<String, Text>,
}

impl Strings {
    pub fn new(language: &str, entries: BTreeMap<String, Text>) -> Self {
        Strings {
            language: language.to_string(),
            entries,
        }
    }

    /// The entries of a string table's text, or what is wrong with it.
    pub fn parse_table(text: &str) -> Result<BTreeMap<String, Text>, String> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| e.message().trim().to_string())?;
        flatten(&table)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    pub fn entry(&self, key: &str) -> Option<&Text> {
        self.entries.get(key)
    }

    /// Put `entries` over the present ones, key by key.
    pub fn overlay(&mut self, entries: BTreeMap<String, Text>) {
        self.entries.extend(entries);
    }

    /// The plain text of `key`; the key itself when the table lacks it (a loaded theme has been
    /// checked to hold every key the engine asks for).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(Text::One(s)) => s,
            Some(Text::Plural { other, .. }) => other,
            _ => key,
        }
    }

    /// The text of `key` for the count `n` (when given), with `{name}` replaced by `args`
    /// and `{n}` by the count.
    pub fn format(
        &self,
        key: &str,
        n: Option<i64>,
        args: &[(&str, &str)],
    ) -> Result<String, String> {
        let template = match self.entries.get(key) {
            Some(Text::One(s)) => s.as_str(),
            Some(Text::Plural { one, .. }) if n == Some(1) => one.as_str(),
            Some(Text::Plural { other, .. }) => other.as_str(),
            Some(Text::List(_)) => return Err(format!("string `{key}` is a list, not a text")),
            None => {
                return Err(format!(
                    "no string `{key}` in the {} string table{}",
                    self.language,
                    crate::error::suggestion(key, self.keys())
                ));
            }
        };
        let mut out = template.to_string();
        if let Some(n) = n {
            out = out.replace("{n}", &n.to_string());
        }
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        Ok(out)
    }

    fn list(&self, key: &str) -> &[String] {
        match self.entries.get(key) {
            Some(Text::List(items)) => items,
            _ => &[],
        }
    }

    /// A figure as the language writes it: `48`, `12,5` (one decimal, the language's mark).
    pub fn number(&self, v: f64) -> String {
        if (v - v.round()).abs() < 1e-9 {
            format!("{}", v.round() as i64)
        } else {
            format!("{v:.1}").replace('.', self.get("format.decimal_mark"))
        }
    }

    /// A date `YYYY-MM-DD` written out: `1 maart 2018`, `1 March 2018`. Other text comes back as is.
    pub fn long_date(&self, date: &str) -> String {
        let mut parts = date.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return date.to_string();
        };
        let (Ok(m), Ok(d)) = (m.parse::<usize>(), d.parse::<u32>()) else {
            return date.to_string();
        };
        let Some(month) = m
            .checked_sub(1)
            .and_then(|i| self.list("format.months").get(i))
        else {
            return date.to_string();
        };
        self.get("format.long_date")
            .replace("{day}", &d.to_string())
            .replace("{month}", month)
            .replace("{year}", y)
    }

    /// The entries whose key starts with `prefix`, without it, as JSON (for the search script).
    pub fn section_json(&self, prefix: &str) -> String {
        let section: BTreeMap<&str, &Text> = self
            .entries
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(prefix)?, v)))
            .collect();
        serde_json::to_string(&section).unwrap_or_default()
    }
}

/// Nested tables into dotted keys; each leaf a text, a `{one, other}` pair or a list of texts.
fn flatten(table: &toml::Table) -> Result<BTreeMap<String, Text>, String> {
    let mut out = BTreeMap::new();
    flatten_into(table, "", &mut out)?;
    Ok(out)
}

fn flatten_into(
    table: &toml::Table,
    prefix: &str,
    out: &mut BTreeMap<String, Text>,
) -> Result<(), String> {
    for (k, v) in table {
        let key = format!("{prefix}{k}");
        let text = match v {
            toml::Value::String(s) => Text::One(s.clone()),
            toml::Value::Array(items) => Text::List(
                items
                    .iter()
                    .map(|i| i.as_str().map(str::to_string))
                    .collect::<Option<_>>()
                    .ok_or_else(|| format!("`{key}` must be a list of texts"))?,
            ),
            toml::Value::Table(t) if t.contains_key("one") || t.contains_key("other") => {
                let part = |name: &str| {
                    t.get(name)
                        .and_then(|v| v.as_str())
                        .map(str::to_string)
                        .ok_or_else(|| format!("`{key}` needs both `one` and `other` as texts"))
                };
                let plural = Text::Plural {
                    one: part("one")?,
                    other: part("other")?,
                };
                if t.len() != 2 {
                    return Err(format!("`{key}` may hold only `one` and `other`"));
                }
                plural
            }
            toml::Value::Table(t) => {
                flatten_into(t, &format!("{key}."), out)?;
                continue;
            }
            _ => {
                return Err(format!(
                    "`{key}` must be a text, a list of texts or a table"
                ));
            }
        };
        out.insert(key, text);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Strings {
        Strings::new("nl", Strings::parse_table(text).unwrap())
    }

    #[test]
    fn plurals_and_arguments() {
        let s = strings(
            "[search]\nresults = { one = \"{n} resultaat\", other = \"{n} resultaten\" }\nnone = \"Niets voor {query}\"\n",
        );
        assert_eq!(
            s.format("search.results", Some(1), &[]).unwrap(),
            "1 resultaat"
        );
        assert_eq!(
            s.format("search.results", Some(3), &[]).unwrap(),
            "3 resultaten"
        );
        assert_eq!(
            s.format("search.none", None, &[("query", "x")]).unwrap(),
            "Niets voor x"
        );
        let e = s.format("search.resultz", Some(1), &[]).unwrap_err();
        assert!(e.contains("did you mean `search.results`"), "{e}");
    }

    #[test]
    fn dates_and_numbers_follow_the_language() {
        let s = strings(
            "[format]\ndecimal_mark = \",\"\nlong_date = \"{day} {month} {year}\"\nmonths = [\"januari\", \"februari\", \"maart\"]\n",
        );
        assert_eq!(s.long_date("2018-03-01"), "1 maart 2018");
        assert_eq!(s.long_date("2018-13-01"), "2018-13-01");
        assert_eq!(s.number(12.5), "12,5");
        assert_eq!(s.number(48.0), "48");
    }

    #[test]
    fn a_malformed_table_says_which_key() {
        let e = Strings::parse_table("[a]\nb = 3\n").unwrap_err();
        assert!(e.contains("`a.b`"), "{e}");
        let e = Strings::parse_table("c = { one = \"x\" }\n").unwrap_err();
        assert!(e.contains("`c` needs both"), "{e}");
    }
}
