//! One error type for the crate; every variant says where and what was expected.

use thiserror::Error;

/// Errors from reading documents, building models and running inference.
#[derive(Debug, Error)]
pub enum Error {
    /// The text is not JSON at all.
    #[error("{source_name}: invalid JSON: {message}")]
    Json {
        source_name: String,
        message: String,
    },
    /// The JSON does not follow the pyhf schema at `path`.
    #[error("{source_name}: at {path}: expected {expected}")]
    Schema {
        source_name: String,
        path: String,
        expected: String,
    },
    /// A JSON patch could not be applied.
    #[error("patch {patch}: {message}")]
    Patch { patch: String, message: String },
    /// The background-only workspace does not carry the digest the patchset expects.
    #[error("patchset verification failed: {algorithm} digest of the workspace is {actual}, the patchset expects {expected}")]
    Digest {
        algorithm: String,
        expected: String,
        actual: String,
    },
    /// The workspace is valid JSON but its model cannot be built.
    #[error("invalid model: {0}")]
    InvalidModel(String),
    /// A parameter name is used by modifiers that disagree on its meaning.
    #[error("parameter {name:?} is reused by incompatible modifiers: {reason}")]
    InvalidNameReuse { name: String, reason: String },
    /// An inference needs a parameter of interest and the model has none.
    #[error("the model has no parameter of interest{0}")]
    NoPoi(String),
    /// The minimiser could not converge to a finite minimum.
    #[error("fit failed: {0}")]
    FailedMinimization(String),
    /// Something about the arguments of an inference call is wrong.
    #[error("{0}")]
    InvalidInput(String),
    /// A prune, rename or combine that pyhf refuses (`InvalidWorkspaceOperation`).
    #[error("invalid workspace operation: {0}")]
    InvalidWorkspaceOperation(String),
    /// Reading a file or archive failed.
    #[error("{path}: {message}")]
    Io { path: String, message: String },
    /// The histogram-to-workspace configuration is wrong.
    #[error("{source_name}: {message}")]
    Config {
        source_name: String,
        message: String,
    },
}

/// Result with the crate's error.
pub type Result<T> = std::result::Result<T, Error>;
