//! Where an input file lives: on this machine (a path) or on a server (an `http(s)://` URL or a
//! portal `root://` name, read by range requests through `hepkey-remote`).
//!
//! Inputs stay `PathBuf`s everywhere else (the sample's file list, partial results, provenance):
//! a URL kept in a `PathBuf` prints back exactly as written. Only opening, the checksum and the
//! change check need to know the difference, and they ask here.

use crate::error::{Error, Result};
use hepkey_root::RootFile;
use std::path::Path;

/// True when `input` names a file on a server.
pub fn is_remote(input: &Path) -> bool {
    input.to_str().is_some_and(hepkey_remote::is_remote)
}

/// Opens an input, local or remote.
pub fn open(input: &Path) -> Result<RootFile> {
    match input.to_str() {
        Some(text) if hepkey_remote::is_remote(text) => Ok(hepkey_remote::open(text)?),
        _ => Ok(RootFile::open(input)?),
    }
}

/// Size and Adler-32 of an input, for `provenance.json`. A remote file is not read through for its
/// checksum: the catalog's size and Adler-32 are taken where the catalog lists the URL (its
/// `https://` or `root://` form), else its size from the server and an empty checksum ("unknown").
pub fn checksum(input: &Path) -> Result<(u64, String)> {
    if !is_remote(input) {
        return crate::checksum::checksum(input);
    }
    let text = input.to_string_lossy();
    if let Some((size, adler32)) = crate::dataset::catalog_checksum(&text) {
        return Ok((size, adler32));
    }
    let file = open(input)?;
    Ok((file.source().len(), String::new()))
}

/// A URL cannot hold a file pattern: a server lists no directories.
pub fn check_remote_pattern(pattern: &str) -> Result<()> {
    // `?` starts a query and `[` an IPv6 host in a URL: only `*` and `{` say "pattern".
    if pattern.contains(['*', '{']) {
        return Err(Error::Config(format!(
            "{pattern:?}: a URL cannot hold a file pattern (a server lists no directories); list each file, or `hepkey data get` the dataset and name it with `dataset = \"…\"`"
        )));
    }
    Ok(())
}
