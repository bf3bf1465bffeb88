//! Errors of the ROOT layer. Every error says what was being read, so that a
//! message reaching the user names the file, the object and what was expected.

use std::fmt;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something went wrong reading (or writing) a ROOT file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The operating system refused an operation on a file.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The bytes do not have the structure the format requires.
    #[error("{0}")]
    Format(String),
    /// The file uses a feature hepkey does not read (yet).
    #[error("{0}")]
    Unsupported(String),
    /// A name (object, branch, directory) was not found.
    #[error("{0}")]
    NotFound(String),
    /// A page another thread is decoding, met by a read that asked not to wait for it. Internal:
    /// the RNTuple reader retries such reads itself and never returns this.
    #[error("a page is being decoded by another thread")]
    Busy,
    /// Context added on the way up: "while reading X: <inner>".
    #[error("{context}: {source}")]
    Context {
        context: String,
        #[source]
        source: Box<Error>,
    },
}

impl Error {
    /// A format error with a message.
    pub fn format(msg: impl fmt::Display) -> Self {
        Error::Format(msg.to_string())
    }

    /// Wraps this error with what was being done.
    pub fn context(self, context: impl fmt::Display) -> Self {
        Error::Context {
            context: context.to_string(),
            source: Box::new(self),
        }
    }

    /// The innermost error, without context layers.
    pub fn root_cause(&self) -> &Error {
        match self {
            Error::Context { source, .. } => source.root_cause(),
            other => other,
        }
    }
}

/// Adds context to results, like anyhow's `Context` but typed.
pub trait ResultExt<T> {
    /// Wraps the error (if any) with a lazily built description.
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T>;
}

impl<T> ResultExt<T> for Result<T> {
    fn with_context<F: FnOnce() -> String>(self, f: F) -> Result<T> {
        self.map_err(|e| e.context(f()))
    }
}
