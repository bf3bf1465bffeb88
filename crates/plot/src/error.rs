//! The one error type of the crate.

use thiserror::Error;

/// What can go wrong when preparing or writing a figure.
#[derive(Debug, Error)]
pub enum PlotError {
    /// The histograms of one figure must share their bin edges.
    #[error("plot: histogram {label:?} has different bin edges from {reference:?}")]
    Binning { label: String, reference: String },
    /// A figure with nothing to draw, or with bad settings.
    #[error("plot: {0}")]
    Invalid(String),
    /// A colour string that is neither `#rrggbb` nor a known name.
    #[error("colour {0:?}: expected \"#rrggbb\", \"#rgb\" or a name such as \"red\"")]
    Colour(String),
    /// The drawing library failed.
    #[error("plot: drawing failed: {0}")]
    Draw(String),
    /// Writing the output file failed.
    #[error("plot: cannot write {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

/// Shorthand used throughout the crate.
pub type Result<T> = std::result::Result<T, PlotError>;

/// Wraps a drawing-library error.
pub(crate) fn draw_err<E: std::fmt::Display>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}
