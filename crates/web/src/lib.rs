//! # hepkey-web
//!
//! What the page (`crates/web/page`) runs in the browser: the hepkey ROOT reader, expression language and
//! histograms over the bytes of a file the user picked. Everything here is plain Rust, tested natively
//! (`cargo test -p hepkey-web`); [`bindings`] is the thin wasm-bindgen layer the page's JavaScript calls,
//! which passes JSON text both ways.

pub mod analysis;
pub mod bindings;
pub mod contents;
pub mod fit;
pub mod glob;
pub mod histogram;
pub mod save;
pub mod session;
pub mod set;

pub use analysis::{AnalysisRequest, AnalysisResult, Cut};
pub use session::Session;
pub use set::{SampleSet, SetRequest};
