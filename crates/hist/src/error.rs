//! The one error type of the crate.

use thiserror::Error;

/// Everything that can go wrong when building, filling, combining or decoding histograms.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum HistError {
    /// An axis could not be built from the given parameters.
    #[error("invalid axis: {0}")]
    InvalidAxis(String),
    /// Slices passed to a fill had different lengths.
    #[error("fill: {what} has {got} entries but the values have {expected}")]
    LengthMismatch {
        what: &'static str,
        got: usize,
        expected: usize,
    },
    /// A fill used the wrong kind of value for an axis (numbers on a string-category axis or the reverse).
    #[error("fill: {0}")]
    WrongValueKind(String),
    /// Two histograms that are combined must have identical binning.
    #[error("cannot merge histograms: {0}")]
    IncompatibleAxes(String),
    /// A rebinning request that does not fit the axis.
    #[error("cannot rebin: {0}")]
    InvalidRebin(String),
    /// A JSON document that does not describe a histogram; names the field that is wrong.
    #[error("histogram JSON: {0}")]
    InvalidJson(String),
}

/// Shorthand used throughout the crate.
pub type Result<T> = std::result::Result<T, HistError>;
