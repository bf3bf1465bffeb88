//! A small schema walker: typed access to a `serde_json::Value` whose errors name the
//! JSON path (as a JSON Pointer) and what the pyhf schema expects there.

use crate::error::{Error, Result};
use serde_json::{Map, Value};

/// Walks a JSON document and reports schema violations with their location.
pub(crate) struct Reader<'a> {
    pub source_name: &'a str,
}

/// JSON Pointer of a child (RFC 6901 escaping).
pub(crate) fn child(path: &str, key: &str) -> String {
    format!("{path}/{}", key.replace('~', "~0").replace('/', "~1"))
}

pub(crate) fn index(path: &str, i: usize) -> String {
    format!("{path}/{i}")
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'a> Reader<'a> {
    pub fn new(source_name: &'a str) -> Self {
        Reader { source_name }
    }

    pub fn fail<T>(&self, path: &str, expected: impl Into<String>) -> Result<T> {
        Err(Error::Schema {
            source_name: self.source_name.to_string(),
            path: if path.is_empty() {
                "/".into()
            } else {
                path.into()
            },
            expected: expected.into(),
        })
    }

    /// An object with the given required keys and, when `closed`, no other keys.
    pub fn object<'v>(
        &self,
        v: &'v Value,
        path: &str,
        required: &[&str],
        optional: &[&str],
        closed: bool,
    ) -> Result<&'v Map<String, Value>> {
        let Value::Object(map) = v else {
            return self.fail(path, format!("an object, found {}", describe(v)));
        };
        for key in required {
            if !map.contains_key(*key) {
                return self.fail(path, format!("an object with the required key {key:?}"));
            }
        }
        if closed {
            for key in map.keys() {
                if !required.contains(&key.as_str()) && !optional.contains(&key.as_str()) {
                    let allowed: Vec<&str> = required.iter().chain(optional).copied().collect();
                    return self.fail(
                        &child(path, key),
                        format!("no such key (allowed keys: {})", allowed.join(", ")),
                    );
                }
            }
        }
        Ok(map)
    }

    pub fn string(&self, v: &Value, path: &str) -> Result<String> {
        match v {
            Value::String(s) => Ok(s.clone()),
            _ => self.fail(path, format!("a string, found {}", describe(v))),
        }
    }

    pub fn number(&self, v: &Value, path: &str) -> Result<f64> {
        match v.as_f64() {
            Some(x) if v.is_number() => Ok(x),
            _ => self.fail(path, format!("a number, found {}", describe(v))),
        }
    }

    pub fn boolean(&self, v: &Value, path: &str) -> Result<bool> {
        match v {
            Value::Bool(b) => Ok(*b),
            _ => self.fail(path, format!("a boolean, found {}", describe(v))),
        }
    }

    pub fn array<'v>(&self, v: &'v Value, path: &str, min_items: usize) -> Result<&'v [Value]> {
        match v {
            Value::Array(a) if a.len() >= min_items => Ok(a),
            Value::Array(_) => {
                self.fail(path, format!("an array with at least {min_items} item(s)"))
            }
            _ => self.fail(path, format!("an array, found {}", describe(v))),
        }
    }

    pub fn numbers(&self, v: &Value, path: &str, min_items: usize) -> Result<Vec<f64>> {
        self.array(v, path, min_items)?
            .iter()
            .enumerate()
            .map(|(i, x)| self.number(x, &index(path, i)))
            .collect()
    }

    pub fn null(&self, v: &Value, path: &str) -> Result<()> {
        match v {
            Value::Null => Ok(()),
            _ => self.fail(path, format!("null, found {}", describe(v))),
        }
    }
}
