//! Maximum-likelihood fits: the bounded minimiser, free and POI-fixed fits of
//! −2 log L, and uncertainties/correlations from the Hessian.

pub mod hessian;
pub mod linalg;
pub mod minimizer;
mod mle;
mod structured;

pub use minimizer::{minimize, MinimizerOptions, Minimum};
pub use mle::{fit, fixed_poi_fit, FitOptions, FitResult};
