//! The functions and filters every template can use (the views add theirs in `crate::views`):
//!
//! - `asset(path="style.css")`: the URL of a static file, fingerprinted;
//! - `url(path="guides/")`: a URL under the site's base path;
//! - `t(key="search.button")`: a text of the string tables, with `n=` for a count (singular or
//!   plural) and any other argument filling in `{name}`;
//! - `| long_date`: `2018-03-01` written out in the site's language;
//! - `| number`: a figure with the language's decimal mark.

use crate::config::Config;
use crate::i18n::Strings;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tera::{Kwargs, State, TeraResult, Value};

pub(super) fn register(
    tera: &mut tera::Tera,
    config: &Config,
    assets: Arc<BTreeMap<String, String>>,
    strings: Arc<Strings>,
) {
    let base = config.base_path();
    let base_for_url = base.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            match assets.get(path.trim_start_matches('/')) {
                Some(out) => Ok(format!("{base}{out}")),
                None => Err(tera::Error::message(format!(
                    "asset `{path}` not found in the theme's static/ folder"
                ))),
            }
        },
    );
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(format!("{base_for_url}{}", path.trim_start_matches('/')))
        },
    );
    let s = strings.clone();
    // Most calls name a key alone: their texts are made into template values once.
    let plain: HashMap<String, Value> = strings
        .keys()
        .filter(|k| !k.is_empty())
        .map(|k| (k.to_string(), Value::from(strings.get(k))))
        .collect();
    tera.register_function("t", move |kwargs: Kwargs, _: &State| {
        if kwargs.iter().nth(1).is_none()
            && let Ok(Some(key)) = kwargs.get::<&str>("key")
            && let Some(text) = plain.get(key)
        {
            return Ok(text.clone());
        }
        translate(&s, &kwargs).map(Value::from)
    });
    let s = strings.clone();
    tera.register_filter("long_date", move |date: &str, _: Kwargs, _: &State| {
        s.long_date(date)
    });
    tera.register_filter("number", move |v: f64, _: Kwargs, _: &State| {
        strings.number(v)
    });
}

/// `t(key=…, n=…, name=…)`.
fn translate(strings: &Strings, kwargs: &Kwargs) -> TeraResult<String> {
    let key: String = kwargs.must_get("key")?;
    let n: Option<i64> = kwargs.get("n")?;
    let mut args: Vec<(String, String)> = Vec::new();
    for (name, value) in kwargs.iter() {
        let name = name.to_string();
        if name == "key" || name == "n" {
            continue;
        }
        let text = match value.as_str() {
            Some(s) => s.to_string(),
            None => value.to_string(),
        };
        args.push((name, text));
    }
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    strings
        .format(&key, n, &borrowed)
        .map_err(tera::Error::message)
}

/// The strings of one section (`search.`) as JSON, for a script.
pub(super) fn strings_json(strings: &Strings, prefix: &str) -> Value {
    Value::from(strings.section_json(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRINGS: &str = r#"
[format]
decimal_mark = ","
long_date = "{day} {month} {year}"
months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"]

[search]
results = { one = "{n} resultaat", other = "{n} resultaten" }
for = "Resultaten voor {query} in {where}"
"#;

    /// A Tera with the functions of a site at `/water/` that has one fingerprinted style sheet.
    fn tera() -> tera::Tera {
        let config =
            Config::parse("title = \"Rivieren\"\nbase_url = \"https://example.nl/water/\"\n")
                .unwrap();
        let assets =
            BTreeMap::from([("style.css".to_string(), "style.0a1b2c3d4e.css".to_string())]);
        let strings = Strings::new("nl", Strings::parse_table(STRINGS).unwrap());
        let mut tera = tera::Tera::new();
        register(&mut tera, &config, Arc::new(assets), Arc::new(strings));
        tera
    }

    fn render(template: &str) -> Result<String, String> {
        tera()
            .render_str(template, &tera::Context::new(), false)
            .map_err(|e| super::super::theme::error_chain(&e))
    }

    #[test]
    fn asset_and_url_lead_under_the_base_path() {
        assert_eq!(
            render(
                r#"{{ asset(path="/style.css") }} {{ url(path="/tochten/") }} {{ url(path="") }}"#
            ),
            Ok("/water/style.0a1b2c3d4e.css /water/tochten/ /water/".into())
        );
        let err = render(r#"{{ asset(path="app.js") }}"#).unwrap_err();
        assert!(
            err.contains("asset `app.js` not found in the theme's static/ folder"),
            "{err}"
        );
    }

    #[test]
    fn t_picks_the_singular_or_plural_and_fills_in_its_arguments() {
        assert_eq!(
            render(r#"{{ t(key="search.results", n=1) }}; {{ t(key="search.results", n=12) }}"#),
            Ok("1 resultaat; 12 resultaten".into())
        );
        // Without a count, the plural form; any other argument fills in its `{name}`.
        assert_eq!(
            render(
                r#"{{ t(key="search.results") }}; {{ t(key="search.for", query="dijk", where=3) }}"#
            ),
            Ok("{n} resultaten; Resultaten voor dijk in 3".into())
        );
        let err = render(r#"{{ t(key="search.result") }}"#).unwrap_err();
        assert!(
            err.contains(
                "no string `search.result` in the nl string table; did you mean `search.results`?"
            ),
            "{err}"
        );
    }

    #[test]
    fn dates_and_figures_are_written_in_the_sites_language() {
        assert_eq!(
            render(r#"{{ "2018-03-01" | long_date }}, {{ 12.5 | number }}, {{ 48 | number }}"#),
            Ok("1 maart 2018, 12,5, 48".into())
        );
        // What is no date stays as it is.
        assert_eq!(
            render(r#"{{ "binnenkort" | long_date }}"#),
            Ok("binnenkort".into())
        );
    }

    #[test]
    fn a_section_of_the_strings_goes_to_scripts_as_json() {
        let strings = Strings::new("nl", Strings::parse_table(STRINGS).unwrap());
        let json = strings_json(&strings, "search.");
        let parsed: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
        assert_eq!(parsed["for"], "Resultaten voor {query} in {where}");
        assert_eq!(parsed["results"]["one"], "{n} resultaat");
    }
}
