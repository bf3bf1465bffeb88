//! The errors of catalog lookups, the cache and downloads.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("catalog {file}: {message}")]
    BadCatalog { file: String, message: String },
    #[error("no dataset named {name:?} in the catalog{hint}")]
    UnknownDataset { name: String, hint: String },
    #[error("dataset {name} is not downloaded ({missing} of {total} files missing from {cache}); run `hepkey data get {name}`")]
    NotDownloaded {
        name: String,
        missing: usize,
        total: usize,
        cache: PathBuf,
    },
    #[error("dataset {name} is listed for reference only ({reason}); hepkey does not download it")]
    NotDownloadable { name: String, reason: String },
    #[error("{path}: manifest: {message}")]
    BadManifest { path: PathBuf, message: String },
    #[error("{0}")]
    Download(String),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
