//! `hepkey data verify`: recheck every file a manifest lists.

use crate::cache::{Manifest, ManifestEntry, MANIFEST};
use crate::checksum::{adler32_file, hex};
use crate::error::{Error, Result};
use std::path::Path;

/// What is wrong with one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Problem {
    Missing,
    Size { expected: u64, found: u64 },
    Checksum { expected: String, found: String },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing => f.write_str("missing"),
            Problem::Size { expected, found } => {
                write!(f, "size {found} bytes, expected {expected}")
            }
            Problem::Checksum { expected, found } => {
                write!(f, "adler32 {found}, expected {expected}")
            }
        }
    }
}

#[derive(Debug, Default)]
pub struct Report {
    /// Files that match their manifest entry.
    pub good: Vec<ManifestEntry>,
    pub bad: Vec<(ManifestEntry, Problem)>,
}

/// Rechecks size and adler32 of every file in `dir`'s manifest; `on_file` is called after each
/// (for a progress bar).
pub fn verify_dir(dir: &Path, mut on_file: impl FnMut(&ManifestEntry)) -> Result<Report> {
    if !dir.join(MANIFEST).is_file() {
        return Err(Error::BadManifest {
            path: dir.join(MANIFEST),
            message: "not found: this directory was not filled by `hepkey data get`".into(),
        });
    }
    let manifest = Manifest::read(dir)?;
    let mut report = Report::default();
    for entry in manifest.files {
        let path = dir.join(&entry.path);
        let problem = if !path.is_file() {
            Some(Problem::Missing)
        } else {
            let (size, sum) = adler32_file(&path)?;
            if size != entry.size {
                Some(Problem::Size {
                    expected: entry.size,
                    found: size,
                })
            } else if hex(sum) != entry.adler32 {
                Some(Problem::Checksum {
                    expected: entry.adler32.clone(),
                    found: hex(sum),
                })
            } else {
                None
            }
        };
        on_file(&entry);
        match problem {
            Some(p) => report.bad.push((entry, p)),
            None => report.good.push(entry),
        }
    }
    Ok(report)
}
