//! [`Events`]: a TTree or an RNTuple behind one reading API, so that code
//! reading columns of events need not care which of the two a file holds.

use crate::error::{Error, Result};
use crate::file::RootFile;
use crate::rntuple::{RNTuple, ANCHOR_CLASS};
use crate::tree::Tree;
use hepkey_column::{Array, DType};
use std::ops::Range;

/// The events of a file: a TTree or an RNTuple.
pub enum Events {
    // Boxed: a tree keeps its object for the branches it reads later.
    Tree(Box<Tree>),
    // Boxed: an RNTuple carries its schema, page lists and open pages.
    RNTuple(Box<RNTuple>),
}

impl Events {
    /// Opens the TTree or RNTuple at `name` (`dir/name;cycle` allowed),
    /// whichever the key holds.
    pub fn open(file: &RootFile, name: &str) -> Result<Events> {
        let key = file.find_key(name)?;
        match key.class_name.as_str() {
            "TTree" | "TNtuple" | "TNtupleD" => {
                Tree::open(file, name).map(|t| Events::Tree(Box::new(t)))
            }
            ANCHOR_CLASS => RNTuple::open(file, name).map(|n| Events::RNTuple(Box::new(n))),
            other => Err(Error::NotFound(format!(
                "{}: {name:?} is a {other}, not a TTree or an RNTuple",
                file.name()
            ))),
        }
    }

    /// Number of entries.
    pub fn entries(&self) -> u64 {
        match self {
            Events::Tree(t) => t.entries(),
            Events::RNTuple(n) => n.entries(),
        }
    }

    /// Every column usable as numbers (one or one list per entry): name,
    /// element type, whether entries are lists.
    pub fn numeric_columns(&self) -> Box<dyn Iterator<Item = (&str, DType, bool)> + '_> {
        match self {
            Events::Tree(t) => Box::new(t.numeric_columns()),
            Events::RNTuple(n) => Box::new(n.numeric_columns()),
        }
    }

    /// Reads entries `range` of one column.
    pub fn read(&self, name: &str, range: Range<u64>) -> Result<Array> {
        match self {
            Events::Tree(t) => t.read(name, range),
            Events::RNTuple(n) => n.read(name, range),
        }
    }

    /// Reads several columns over the same range.
    pub fn read_many(&self, names: &[&str], range: Range<u64>) -> Result<Vec<Array>> {
        match self {
            Events::Tree(t) => t.read_many(names, range),
            Events::RNTuple(n) => n.read_many(names, range),
        }
    }

    /// Entry ranges of at most `step` entries covering all entries, cut
    /// where reading is cheapest (basket or cluster boundaries).
    pub fn chunk_ranges(&self, names: &[&str], step: u64) -> Vec<Range<u64>> {
        match self {
            Events::Tree(t) => t.chunk_ranges(names, step),
            Events::RNTuple(n) => n.chunk_ranges(names, step),
        }
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Events::Tree(t) => write!(f, "Events::Tree({:?}, {} entries)", t.path, t.entries()),
            Events::RNTuple(n) => write!(f, "Events::{n:?}"),
        }
    }
}
