//! # hepkey-hist
//!
//! Weighted histograms for particle-physics analyses, binned bit-for-bit like boost-histogram (and so like
//! `hist` and coffea):
//!
//! * axes: [regular](axis::RegularAxis) (boost's float64 index arithmetic: `x = high` and NaN go to the
//!   overflow), [variable](axis::VariableAxis), [integer](axis::IntegerAxis) and
//!   [string category](axis::CategoryAxis);
//! * [`Hist1D`] and [`Hist2D`] with Σw and Σw² per bin, under- and overflow, entry counts, titles, axis
//!   titles and ROOT's statistics sums ([`Moments1D`]): what a TH1D/TH2D writer needs;
//! * fast fills from float64, float32 or integer columns with optional weights, or through a selection
//!   mask ([`Hist1D::fill_masked`]); Σw and Σw² are summed in fill order, so they equal boost-histogram's
//!   to the last bit;
//! * [`Hist1D::add`] / [`merge_in_order`] with an error for different binnings, [`Hist1D::rebin`],
//!   [`Hist1D::rebin_to_edges`], [`Hist2D::project_x`] / [`Hist2D::project_y`];
//! * JSON in the `histograms.json` layout (`edges`, `values`, `variances`, `underflow`, `overflow`, ...),
//!   with a validating round trip ([`json`]); a `BTreeMap<String, Hist1D>` serialises as a whole file.
//!
//! Regular-axis edges are reported as `numpy.linspace` and uproot give them (exactly 190, not
//! boost-histogram's 190.00000000000003); bin indices never use edges.
//!
//! The crate uses no threads, no file system and no C code, and builds for `wasm32-unknown-unknown`.
//!
//! ```
//! use hepkey_hist::Hist1D;
//! let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
//! h.fill(&[50.0, 70.0, 549.9, 550.0, f64::NAN], Some(&[1.0, 2.0, 0.5, 1.0, 1.0])).unwrap();
//! assert_eq!(h.values()[0], 1.0); // [50, 70)
//! assert_eq!(h.values()[1], 2.0); // 70 opens the second bin
//! assert_eq!(h.overflow(), 2.0); // 550 and NaN
//! ```

pub mod axis;
mod error;
pub mod exact;
mod hist1d;
mod hist2d;
pub mod json;
mod merge;
mod moments;
mod rebin;
mod value;

pub use axis::{Axis, Binning};
pub use error::{HistError, Result};
pub use exact::{ExactBins, ExactSum};
pub use hist1d::Hist1D;
pub use hist2d::Hist2D;
pub use merge::{merge_by_chunk, merge_in_order, Mergeable};
pub use moments::{Moments1D, Moments2D};
pub use value::FillValue;
