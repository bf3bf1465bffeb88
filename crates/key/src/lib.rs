//! The offline key (`hepkey key build DIR`, `hepkey key verify DIR`): a folder for a USB stick
//! that holds everything a class needs without network or installation.
//!
//! ```text
//! DIR/START-HERE.html        what is on the key and how to run it
//! DIR/bin/hepkey             the program
//! DIR/docs/*.html            README and docs, rendered
//! DIR/examples/**/*.toml     the example analyses, their data paths pointing into DIR/datasets
//! DIR/datasets/…             chosen datasets, laid out as on the portal, with hepkey-manifest.json
//! DIR/hepkey-key.json        size and adler32 of every file above
//! ```
//!
//! - `content`: the documents and examples compiled into hepkey
//! - `html`: Markdown to HTML pages
//! - `examples`: rewriting the example analysis files to the key's paths
//! - `build`, `verify`: making and checking a key; `listing`: the key's file list

mod build;
mod content;
mod examples;
mod html;
mod listing;
mod verify;

pub use build::{build, parse_size, BuildOptions, Built};
pub use listing::{KeyFile, Listing, LISTING};
pub use verify::{verify, Problem};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Data(#[from] hepkey_data::Error),
    #[error("{0}")]
    Key(String),
}

impl Error {
    fn io(path: impl Into<std::path::PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
