//! Open data within reach: the catalog of public datasets hepkey knows (ATLAS 13 TeV education
//! releases, ATLAS research PHYSLITE metadata, the AGC CMS NanoAOD inputs, HEPData likelihoods),
//! the download cache with its manifest, and (feature `net`) verified, resumable downloads and
//! the portal refresh.
//!
//! - `model`: what a catalog file holds (groups, records, datasets, files, physics numbers)
//! - `catalog`: loading (shipped or `HEPKEY_CATALOG`), lookup, selection, search, checks
//! - `cache`: the cache directory, file layout, manifest, dataset → cached files
//! - `checksum`, `verify`: adler32 and the recheck of a download directory
//! - `download`, `refresh` (feature `net`): HTTP(S) transfers and the portal record API

pub mod cache;
pub mod catalog;
pub mod checksum;
mod error;
pub mod model;
mod shipped;
pub mod verify;

#[cfg(feature = "net")]
pub mod download;
#[cfg(feature = "net")]
mod http;
#[cfg(feature = "net")]
pub mod refresh;

pub use catalog::Catalog;
pub use error::{Error, Result};
pub use model::{Dataset, FileEntry, Kind, Physics};

/// The catalog file format this hepkey reads.
pub const CATALOG_SCHEMA: u32 = 1;
