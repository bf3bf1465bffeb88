//! `hepkey key verify DIR`: every file the key lists is there, with its size and adler32.

use crate::listing::{files_under, Listing, LISTING};
use crate::Result;
use hepkey_data::checksum::{adler32_file, hex};
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Missing(String),
    Changed {
        path: String,
        detail: String,
    },
    /// A file on the key that the listing does not know (not an error for running, but a sign
    /// the key was changed by hand).
    Unlisted(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing(p) => write!(f, "{p}: missing"),
            Problem::Changed { path, detail } => write!(f, "{path}: {detail}"),
            Problem::Unlisted(p) => write!(f, "{p}: not in {LISTING}"),
        }
    }
}

/// The number of files checked and the problems found.
pub fn verify(key: &Path, mut on_file: impl FnMut()) -> Result<(usize, Vec<Problem>)> {
    let listing = Listing::read(key)?;
    let mut problems = Vec::new();
    for f in &listing.files {
        let path = key.join(&f.path);
        if !path.is_file() {
            problems.push(Problem::Missing(f.path.clone()));
        } else {
            let (size, sum) = adler32_file(&path)?;
            if size != f.size || hex(sum) != f.adler32 {
                problems.push(Problem::Changed {
                    path: f.path.clone(),
                    detail: format!(
                        "{size} bytes, adler32 {}; the key lists {} bytes, adler32 {}",
                        hex(sum),
                        f.size,
                        f.adler32
                    ),
                });
            }
        }
        on_file();
    }
    for path in files_under(key)? {
        if path != LISTING
            && !path.ends_with(".hepkey-manifest.lock")
            && !listing.files.iter().any(|f| f.path == path)
        {
            problems.push(Problem::Unlisted(path));
        }
    }
    Ok((listing.files.len(), problems))
}
