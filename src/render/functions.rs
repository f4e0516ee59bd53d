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
