//! docs/analysis-file.md documents every key the analysis-file parser accepts.
//!
//! The accepted keys are not listed by hand: a deserializer that records the
//! field names serde's derived code passes to `deserialize_struct` walks
//! `AnalysisFile` and every struct inside it, so a new field shows up here
//! without anyone remembering this test. Keys the document describes but the
//! parser does not know yet are allowed (they may be added on another branch).

use hepkey_analysis::config::AnalysisFile;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use serde::Deserialize;
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

/// Table path (`""`, `samples`, `histograms.y`, …) → the keys its struct accepts.
type Seen = Rc<RefCell<BTreeMap<String, Vec<&'static str>>>>;

#[derive(Debug)]
struct Stop(String);

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for Stop {}
impl de::Error for Stop {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Stop(msg.to_string())
    }
}

/// Answers every request with a value of the asked shape: a struct with all of its
/// fields, one element per list or map, the first variant of an enum.
#[derive(Clone)]
struct Probe {
    path: String,
    seen: Seen,
}

impl Probe {
    fn child(&self, key: &str) -> Probe {
        let path = match (self.path.as_str(), key.starts_with("$__")) {
            // toml's Spanned wraps a value in a struct of its own.
            (_, true) => self.path.clone(),
            ("", _) => key.to_string(),
            (p, _) => format!("{p}.{key}"),
        };
        Probe {
            path,
            seen: self.seen.clone(),
        }
    }
}

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_u64(1)
    }
    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_bool(false)
    }
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_str("x")
    }
    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_str("x")
    }
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_str("x")
    }
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_some(self)
    }
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        v.visit_seq(Elements {
            probe: self,
            left: 1,
        })
    }
    fn deserialize_tuple<V: Visitor<'de>>(self, len: usize, v: V) -> Result<V::Value, Stop> {
        v.visit_seq(Elements {
            probe: self,
            left: len,
        })
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        v: V,
    ) -> Result<V::Value, Stop> {
        v.visit_seq(Elements {
            probe: self,
            left: len,
        })
    }
    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Stop> {
        // Free-form names (variables, replacements): one entry, no keys to record.
        v.visit_map(Fields {
            probe: self,
            fields: &["name"],
            at: 0,
            record: false,
        })
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        let record = !name.starts_with("$__");
        if record {
            self.seen
                .borrow_mut()
                .insert(self.path.clone(), fields.to_vec());
        }
        v.visit_map(Fields {
            probe: self,
            fields,
            at: 0,
            record,
        })
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Stop> {
        v.visit_enum(variants[0].into_deserializer())
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, Stop> {
        v.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit unit_struct ignored_any
    }
}

struct Elements {
    probe: Probe,
    left: usize,
}

impl<'de> de::SeqAccess<'de> for Elements {
    type Error = Stop;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(self.probe.clone()).map(Some)
    }
}

struct Fields {
    probe: Probe,
    fields: &'static [&'static str],
    at: usize,
    record: bool,
}

impl<'de> de::MapAccess<'de> for Fields {
    type Error = Stop;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        let Some(&key) = self.fields.get(self.at) else {
            return Ok(None);
        };
        // Borrowed, as toml's Spanned asks for its field names.
        seed.deserialize(de::value::BorrowedStrDeserializer::new(key))
            .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let key = self.fields[self.at];
        self.at += 1;
        let probe = if self.record {
            self.probe.child(key)
        } else {
            self.probe.clone()
        };
        seed.deserialize(probe)
    }
}

/// Keys the parser accepts, as (table, key): `("histograms", "y.label")` for a key
/// of the inline table `y` of `[[histograms]]`, `("", "samples")` at the top level.
fn parser_keys() -> BTreeSet<(String, String)> {
    let seen: Seen = Rc::default();
    AnalysisFile::deserialize(Probe {
        path: String::new(),
        seen: seen.clone(),
    })
    .expect("the probe builds an AnalysisFile");
    let mut out = BTreeSet::new();
    for (path, fields) in seen.borrow().iter() {
        // A sub-table of a table's struct is documented in that table's section.
        let (table, prefix) = match path.split_once('.') {
            Some((t, rest)) => (t.to_string(), format!("{rest}.")),
            None => (path.clone(), String::new()),
        };
        for f in fields {
            out.insert((table.clone(), format!("{prefix}{f}")));
        }
    }
    out
}

/// Keys the document lists: the first cell (a code span) of each table row, in
/// the section whose heading names the table (`[analysis]`, `[[samples]]`, or
/// "Top-level keys").
fn documented_keys(doc: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut table: Option<String> = None;
    for line in doc.lines() {
        if line.starts_with('#') {
            table = if line.contains("Top-level keys") {
                Some(String::new())
            } else {
                line.split('`')
                    .nth(1)
                    .map(|c| c.trim_matches(['[', ']']).to_string())
                    .filter(|t| !t.is_empty())
            };
        } else if let (Some(t), Some(row)) = (&table, line.strip_prefix("| `")) {
            if let Some((key, _)) = row.split_once('`') {
                out.insert((t.clone(), key.to_string()));
            }
        }
    }
    out
}

#[test]
fn every_parser_key_is_documented() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/analysis-file.md");
    let doc = std::fs::read_to_string(path).expect("docs/analysis-file.md");
    let parser = parser_keys();
    // The walk reaches the nested structs: the 2D axis and a sample's fields.
    assert!(
        parser.contains(&("histograms".into(), "y.label".into())),
        "{parser:?}"
    );
    assert!(
        parser.contains(&("samples".into(), "sum_weights".into())),
        "{parser:?}"
    );
    assert!(
        parser.contains(&("regions".into(), "cut".into())),
        "{parser:?}"
    );
    let documented = documented_keys(&doc);
    let missing: Vec<String> = parser
        .difference(&documented)
        .map(|(t, k)| {
            if t.is_empty() {
                format!("top level: {k}")
            } else {
                format!("[{t}]: {k}")
            }
        })
        .collect();
    assert!(
        missing.is_empty(),
        "keys the parser accepts but docs/analysis-file.md does not document (add a row to the table's section):\n  {}",
        missing.join("\n  ")
    );
}

/// The reader of the document finds what a reader of it would: each section's keys.
#[test]
fn documented_keys_are_read_per_section() {
    let doc = "## Top-level keys\n| `samples` | x |\n## `[[samples]]`\n| key | type |\n|---|---|\n| `name` | string |\n## `[plots]`\n| `formats` | list |\nprose with | `fake` |\n";
    let keys = documented_keys(doc);
    let want: BTreeSet<(String, String)> =
        [("", "samples"), ("samples", "name"), ("plots", "formats")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(keys, want);
}
