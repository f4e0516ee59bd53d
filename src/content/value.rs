//! A front-matter value after its collection's schema has checked it: one variant per field type
//! (`config::FieldKind`), so that the later stages (sorting, the quadrant map, search facets and
//! facts, the page's facts) match on what a value is instead of on JSON.
//!
//! It serialises to exactly the JSON the templates got when values were `serde_json::Value`:
//! texts and dates as strings, numbers as JSON numbers, lists as arrays, records as objects with
//! their keys in sorted order.

use serde::{Serialize, Serializer};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// A field value of a page, typed by its declaration in site.toml.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// A `string`, or an `enum` (then one of the declared values).
    Text(String),
    #[serde(serialize_with = "integer")]
    Integer(i64),
    /// A `float`: always finite.
    Float(f64),
    /// A `boolean`.
    Bool(bool),
    /// A `date`: a day that exists, as written (`YYYY-MM-DD`).
    Date(String),
    /// A `list` of strings (each one of the declared `values`, when there are any).
    List(Vec<String>),
    /// `records`: small maps of strings, their keys in sorted order (as in the JSON of old).
    Records(Vec<BTreeMap<String, String>>),
    /// A key the collection does not declare, accepted by `allow_unknown_fields`. No schema types
    /// it, so it stays the YAML value as JSON.
    Undeclared(Json),
}

/// An integer as `serde_json::Value` writes it: a non-negative one as unsigned. Tera keeps
/// unsigned and signed numbers apart, so this keeps what templates get unchanged.
fn integer<S: Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    serde_json::Number::from(*n).serialize(s)
}

impl FieldValue {
    /// The value when it is one text: a `string`, `enum` or `date` (or an undeclared string).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) | FieldValue::Date(s) => Some(s),
            FieldValue::Undeclared(v) => v.as_str(),
            _ => None,
        }
    }

    /// The value of an `integer` (or of an undeclared whole number).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FieldValue::Integer(n) => Some(*n),
            FieldValue::Undeclared(v) => v.as_i64(),
            _ => None,
        }
    }

    /// The value of an `integer` or a `float` (or of an undeclared number), to compare by.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            FieldValue::Integer(n) => Some(*n as f64),
            FieldValue::Float(f) => Some(*f),
            FieldValue::Undeclared(v) => v.as_f64(),
            _ => None,
        }
    }

    /// The texts of a `list` (or the strings of an undeclared list); nothing for other values.
    pub fn strings(&self) -> impl Iterator<Item = &str> {
        let list: &[String] = match self {
            FieldValue::List(items) => items,
            _ => &[],
        };
        let undeclared: &[Json] = match self {
            FieldValue::Undeclared(Json::Array(items)) => items,
            _ => &[],
        };
        list.iter()
            .map(String::as_str)
            .chain(undeclared.iter().filter_map(Json::as_str))
    }

    /// How many items a `list` or `records` value has (what `min` and `max` count); 1 for a
    /// single value.
    pub fn item_count(&self) -> usize {
        match self {
            FieldValue::List(items) => items.len(),
            FieldValue::Records(records) => records.len(),
            FieldValue::Undeclared(Json::Array(items)) => items.len(),
            _ => 1,
        }
    }

    /// A single value as text: a text or date as written, a number as JSON writes it (`7`,
    /// `2.5`, `3.0`), `true` or `false`. `None` for a list, records, and an undeclared list, map
    /// or null.
    pub fn scalar_text(&self) -> Option<String> {
        match self {
            FieldValue::Text(s) | FieldValue::Date(s) => Some(s.clone()),
            FieldValue::Integer(n) => Some(n.to_string()),
            FieldValue::Float(f) => serde_json::Number::from_f64(*f).map(|n| n.to_string()),
            FieldValue::Bool(b) => Some(b.to_string()),
            FieldValue::List(_) | FieldValue::Records(_) => None,
            FieldValue::Undeclared(v) => match v {
                Json::String(s) => Some(s.clone()),
                Json::Number(_) | Json::Bool(_) => Some(v.to_string()),
                Json::Null | Json::Array(_) | Json::Object(_) => None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(v: &FieldValue) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn serialises_to_the_json_templates_read() {
        assert_eq!(json(&FieldValue::Text("Zwolle".into())), r#""Zwolle""#);
        assert_eq!(json(&FieldValue::Integer(-3)), "-3");
        assert_eq!(json(&FieldValue::Float(3.0)), "3.0");
        assert_eq!(json(&FieldValue::Bool(true)), "true");
        assert_eq!(
            json(&FieldValue::Date("2024-02-29".into())),
            r#""2024-02-29""#
        );
        assert_eq!(
            json(&FieldValue::List(vec!["a".into(), "b".into()])),
            r#"["a","b"]"#
        );
        let record = BTreeMap::from([
            ("role".to_string(), "chair".to_string()),
            ("name".to_string(), "An".to_string()),
        ]);
        assert_eq!(
            json(&FieldValue::Records(vec![record])),
            r#"[{"name":"An","role":"chair"}]"#
        );
        let free = serde_json::json!({"b": [1, null], "a": "x"});
        assert_eq!(
            json(&FieldValue::Undeclared(free.clone())),
            free.to_string()
        );
    }

    #[test]
    fn a_non_negative_integer_serialises_as_json_does() {
        // The same serializer calls as `serde_json::Value`, so Tera sees the same number type.
        for n in [0, 7, -7, i64::MAX, i64::MIN] {
            let typed = tera::Value::from_serializable(&FieldValue::Integer(n));
            let old = tera::Value::from_serializable(&Json::from(n));
            assert_eq!(format!("{typed:?}"), format!("{old:?}"));
        }
    }

    #[test]
    fn helpers_read_typed_and_undeclared_values_alike() {
        let text = FieldValue::Text("hoog".into());
        let free = FieldValue::Undeclared(Json::from("hoog"));
        assert_eq!(text.as_str(), Some("hoog"));
        assert_eq!(free.as_str(), Some("hoog"));
        assert_eq!(FieldValue::Integer(4).as_f64(), Some(4.0));
        assert_eq!(FieldValue::Undeclared(Json::from(4)).as_i64(), Some(4));
        let list = FieldValue::List(vec!["a".into(), "b".into()]);
        assert_eq!(list.strings().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(list.item_count(), 2);
        let mixed = FieldValue::Undeclared(serde_json::json!(["a", 1, "b"]));
        assert_eq!(mixed.strings().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(text.strings().count(), 0);
        assert_eq!(text.item_count(), 1);
    }

    #[test]
    fn scalar_text_writes_numbers_as_json_does() {
        assert_eq!(FieldValue::Float(3.0).scalar_text().as_deref(), Some("3.0"));
        assert_eq!(
            FieldValue::Float(1e21).scalar_text().as_deref(),
            Some("1e+21")
        );
        for f in [2.5, -0.1, 1e21, 1.5e300, -2.5e-7] {
            let old = Json::from(f).to_string();
            assert_eq!(FieldValue::Float(f).scalar_text(), Some(old));
        }
        assert_eq!(FieldValue::Integer(12).scalar_text().as_deref(), Some("12"));
        assert_eq!(FieldValue::List(vec!["a".into()]).scalar_text(), None);
    }
}
