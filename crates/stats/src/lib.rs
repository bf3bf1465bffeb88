//! # hepkey-stats
//!
//! HistFactory statistics from pyhf JSON workspaces, computing what pyhf 0.7.6
//! computes: workspace documents with schema validation, RFC 6902 patches and
//! pyhf PatchSets (with pyhf's digests), pyhf's prune / rename / combine / sort,
//! the model with all seven modifier types
//! and pyhf's parameter ordering, −2 log L with an analytic gradient, bounded
//! maximum-likelihood fits with uncertainties from the exact curvature at the
//! minimum, asymptotic CLs (q̃μ, qμ, q0) with the expected band,
//! upper limits, discovery significance, pulls, ranking and pre-/post-fit yield
//! tables (uncertainties propagated as cabinetry does), and
//! workspaces built from histograms by a TOML configuration.
//!
//! Everything here is pure Rust; the optional `native` feature only adds threads.

pub mod bump;
pub mod config;
pub mod error;
pub mod fit;
pub mod infer;
pub mod likelihood;
pub mod model;
pub mod prepare;
pub mod ranking;
pub mod workspace;
pub mod yields;

pub use error::{Error, Result};
pub use likelihood::{Data, Scratch};
pub use model::{Model, ModelOptions};
pub use prepare::model_and_data;
pub use workspace::{JsonPatch, PatchSet, Workspace};
