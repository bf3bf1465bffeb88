//! # hepkey-root
//!
//! Reads CERN ROOT files: the file structure (header, directories, keys,
//! streamer infos, compressed blocks), TTree branches into typed columns
//! ([`Array`] of the `hepkey-column` crate, re-exported as [`column`](mod@column)), and histograms.
//!
//! ```no_run
//! let file = hepkey_root::RootFile::open("uproot-HZZ.root")?;
//! let tree = hepkey_root::Tree::open(&file, "events")?;
//! let px = tree.read_all("Jet_Px")?;
//! println!("{} entries, first: {}", px.len(), px.display(0));
//! # Ok::<(), hepkey_root::Error>(())
//! ```
//!
//! Layers, bottom up: [`source`] (byte ranges), [`compression`], `cursor`
//! (big-endian decoding), [`key`]/[`directory`]/[`file`], [`streamers`],
//! [`tree`] (models, interpretations, baskets, decoding), [`hist`].

pub mod compression;
mod containers;
mod cursor;
pub mod directory;
pub mod error;
pub mod events;
pub mod file;
pub mod hist;
pub mod key;
pub mod memory;
pub mod rntuple;
mod serialisation;
pub mod source;
pub mod streamers;
pub mod summary;
pub mod tree;
pub mod write;

pub use error::{Error, Result};
pub use events::Events;
pub use file::RootFile;
/// The typed columns branches decode into.
pub use hepkey_column as column;
pub use hepkey_column::{Array, DType, Values};
pub use hist::{read_histogram, Histogram};
pub use rntuple::RNTuple;
pub use tree::{Branch, Tree};
