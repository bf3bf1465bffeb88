//! Reading ROOT files that are not on this machine.
//!
//! [`HttpSource`] is a [`hepkey_root::source::ByteSource`] over HTTP(S) range requests, so the
//! whole reader — keys, streamers, TTree baskets, RNTuple pages — works on a URL as on a local
//! file, fetching only the bytes it reads. The reader announces the baskets or pages a chunk
//! needs ([`ByteSource::prefetch`]) and the source fetches the missing ones in few requests:
//! several ranges per request where the server answers `multipart/byteranges`, one range per
//! request where it does not. What was fetched is kept in a block cache on disk, so a second
//! read of the same bytes needs no network.
//!
//! [`open`] takes what a user types: a local path, an `http(s)://` URL or a `root://` name of
//! the CERN Open Data portal's EOS (read through the portal's HTTPS endpoint).

mod blocks;
mod disk;
mod http;
mod location;
mod source;

pub use location::Location;
pub use source::{HttpSource, Options, Traffic};

use hepkey_root::source::ByteSource;
use hepkey_root::{Result, RootFile};
use std::sync::Arc;

/// Opens a ROOT file from a local path or a URL.
pub fn open(location: &str) -> Result<RootFile> {
    match Location::parse(location)? {
        Location::Local(path) => RootFile::open(path),
        Location::Http { url, name } => {
            let source: Arc<dyn ByteSource> =
                Arc::new(HttpSource::open(&url, &name, Options::from_env())?);
            RootFile::from_source(source)
        }
    }
}

/// True when `text` names a remote file (a URL), not a local path.
pub fn is_remote(text: &str) -> bool {
    location::scheme(text).is_some()
}
