//! `hepkey-key.json`: every file of a key with its size and adler32.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const LISTING: &str = "hepkey-key.json";

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct KeyFile {
    /// Relative to the key, `/`-separated.
    pub path: String,
    pub size: u64,
    pub adler32: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Listing {
    pub schema: u32,
    pub hepkey_version: String,
    pub files: Vec<KeyFile>,
}

impl Listing {
    pub fn read(key: &Path) -> Result<Listing> {
        let path = key.join(LISTING);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Key(format!("{}: {e}", path.display())))
    }
}

/// Every regular file under `dir`, relative, `/`-separated, sorted.
pub fn files_under(dir: &Path) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let entry = entry.map_err(|e| Error::io(&d, e))?;
            let path = entry.path();
            let kind = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                let rel = path.strip_prefix(dir).expect("under dir");
                out.push(hepkey_data::cache::manifest_path(rel));
            }
        }
    }
    out.sort();
    Ok(out)
}
