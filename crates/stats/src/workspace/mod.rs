//! Workspace documents: parsing with schema validation, patches and patchsets,
//! digests, archives, and the pyhf workspace operations (prune, rename, combine).

pub mod archive;
pub mod digest;
pub mod document;
pub mod operations;
pub mod patch;
pub(crate) mod reader;

pub use document::{
    Channel, Measurement, ModelSpec, Modifier, ModifierData, Observation, ParameterConfig, Sample,
    Workspace,
};
pub use patch::{JsonPatch, PatchSet};
