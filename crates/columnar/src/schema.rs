//! The columns a program may read: name → type (element type, flat or jagged). Type checking runs
//! against a schema, before any event is read.

use std::collections::BTreeMap;

use crate::column::Chunk;
use crate::dtype::Type;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    columns: BTreeMap<String, Type>,
}

impl Schema {
    pub fn new() -> Schema {
        Schema::default()
    }

    /// Builder-style [`Schema::insert`].
    pub fn with(mut self, name: impl Into<String>, ty: Type) -> Schema {
        self.insert(name, ty);
        self
    }

    pub fn insert(&mut self, name: impl Into<String>, ty: Type) {
        self.columns.insert(name.into(), ty);
    }

    /// The schema of the columns present in a chunk.
    pub fn from_chunk(chunk: &Chunk) -> Schema {
        Schema {
            columns: chunk
                .columns()
                .map(|(n, c)| (n.to_string(), c.ty()))
                .collect(),
        }
    }

    pub fn get(&self, name: &str) -> Option<Type> {
        self.columns.get(name).copied()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.keys().map(|s| s.as_str())
    }

    /// Collections: `Jet` when jagged columns `Jet_pt`, `Jet_eta`, ... exist (NanoAOD's `Collection_field`
    /// naming; also `lep_pt`, `Muon_Px`). Returns the field names, sorted.
    pub fn collection_fields(&self, prefix: &str) -> Vec<String> {
        let start = format!("{prefix}_");
        self.columns
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&start))
            .filter(|(k, t)| t.jagged && k.len() > start.len())
            .map(|(k, _)| k[start.len()..].to_string())
            .collect()
    }

    /// All collection names (prefixes of jagged columns).
    pub fn collections(&self) -> Vec<String> {
        let mut v: Vec<String> = self
            .columns
            .iter()
            .filter(|(_, t)| t.jagged)
            .filter_map(|(k, _)| k.split_once('_').map(|(p, _)| p.to_string()))
            .filter(|p| !p.is_empty())
            .collect();
        v.dedup();
        v
    }
}

impl<S: Into<String>> FromIterator<(S, Type)> for Schema {
    fn from_iter<I: IntoIterator<Item = (S, Type)>>(columns: I) -> Schema {
        Schema {
            columns: columns.into_iter().map(|(n, t)| (n.into(), t)).collect(),
        }
    }
}
