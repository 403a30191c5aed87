//! JSON text to a `serde_json::Value`, noting duplicate member names on the way.
//!
//! RFC 8259 says member names SHOULD be unique; serde_json keeps the last of a repeated name
//! without a word. A duplicate is legal JSON but usually a mistake (an edited file, a merge), so
//! the reader reports each one as a warning with its path. The last value wins, as in most JSON
//! readers (JavaScript's `JSON.parse`, Python's `json`), so evacmap reads what other tools read.

use std::fmt;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// One step of a path into a JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Member(String),
    Index(usize),
}

/// A member name that appeared more than once in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// Where the object's repeated member is, the member's name last.
    pub path: Vec<Step>,
}

/// A parsed document and the duplicate member names it had.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    pub duplicates: Vec<Duplicate>,
}

/// Parses JSON text (serde_json's grammar and recursion limit), noting duplicate member names.
pub fn parse(bytes: &[u8]) -> Result<Parsed, serde_json::Error> {
    let mut tracker = Tracker::default();
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = ValueSeed {
        tracker: &mut tracker,
    }
    .deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(Parsed {
        value,
        duplicates: tracker.duplicates,
    })
}

#[derive(Default)]
struct Tracker {
    path: Vec<Step>,
    duplicates: Vec<Duplicate>,
}

struct ValueSeed<'a> {
    tracker: &'a mut Tracker,
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // JSON numbers are finite, so this is always `Some`.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            self.tracker.path.push(Step::Index(items.len()));
            let item = seq.next_element_seed(ValueSeed {
                tracker: &mut *self.tracker,
            })?;
            self.tracker.path.pop();
            match item {
                Some(item) => items.push(item),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            self.tracker.path.push(Step::Member(name));
            let value = access.next_value_seed(ValueSeed {
                tracker: &mut *self.tracker,
            })?;
            if let Some(Step::Member(name)) = self.tracker.path.last()
                && map.contains_key(name)
            {
                self.tracker.duplicates.push(Duplicate {
                    path: self.tracker.path.clone(),
                });
            }
            if let Some(Step::Member(name)) = self.tracker.path.pop() {
                map.insert(name, value);
            }
        }
        Ok(Value::Object(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_parses_as_serde_json_parses_it() {
        let text = br#"{"a": [1, -2, 3.5, "x", null, true, {"b": {}}], "c": -0}"#;
        let parsed = parse(text).unwrap();
        let reference: Value = serde_json::from_slice(text).unwrap();
        assert_eq!(parsed.value, reference);
        assert!(parsed.duplicates.is_empty());
    }

    #[test]
    fn a_repeated_member_name_is_noted_with_its_path_and_the_last_value_wins() {
        let text = br#"{"features": [{"properties": {"name": "A", "name": "B"}}]}"#;
        let parsed = parse(text).unwrap();
        assert_eq!(parsed.value["features"][0]["properties"]["name"], "B");
        assert_eq!(
            parsed.duplicates,
            vec![Duplicate {
                path: vec![
                    Step::Member("features".into()),
                    Step::Index(0),
                    Step::Member("properties".into()),
                    Step::Member("name".into()),
                ]
            }]
        );
    }

    #[test]
    fn trailing_text_and_deep_nesting_are_errors() {
        assert!(parse(b"{} x").is_err());
        let deep = "[".repeat(10_000);
        let error = parse(deep.as_bytes()).unwrap_err();
        assert!(error.to_string().contains("recursion limit"), "{error}");
    }
}
