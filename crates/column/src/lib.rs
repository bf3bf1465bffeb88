//! # hepkey-column
//!
//! Typed columns, the one in-memory data model that hepkey's readers produce and its expression
//! engine consumes — the role `arrow-schema` and `arrow-array` play under `parquet`.
//!
//! * [`DType`]: the eleven numeric element types (bool, signed and unsigned integers of 8 to 64
//!   bits, float32, float64) and facts about them (name, size, kind).
//! * [`Values`]: a typed vector of one of those types; [`Element`] links a Rust type to its
//!   variant so code can be written once, generically.
//! * [`Offsets`]: list boundaries (`n_lists + 1` non-decreasing entries starting at 0), shared
//!   behind an `Arc` so that the columns of one collection (`Jet_pt`, `Jet_eta`) can use one
//!   buffer.
//! * [`Array`]: what a reader returns for a branch or field: flat values, strings, lists of
//!   arrays, records of named arrays, optional items (a validity mask) or unions of several
//!   types (`std::variant`: a tag and an index per item).
//!
//! `hepkey-root` decodes TTree branches into [`Array`]s; `hepkey-columnar` moves their vectors
//! into its columns without copying and computes on [`Values`]. Keeping the types here means
//! neither crate converts the other's eleven variants. The crate uses only `std` and builds for
//! `wasm32-unknown-unknown`.
//!
//! ```
//! use hepkey_column::{Array, DType, Values};
//!
//! // Two events with 2 and 1 jets.
//! let pt = Array::list(vec![0, 2, 3], Array::Flat(Values::from(vec![40.0f32, 25.0, 31.5])))?;
//! assert_eq!(pt.len(), 2);
//! assert_eq!(pt.display(0), "[40, 25]");
//! assert_eq!(pt.leaves()[0].values().unwrap().dtype(), DType::F32);
//! # Ok::<(), hepkey_column::OffsetsError>(())
//! ```

mod array;
mod dtype;
mod offsets;
mod union;
mod values;

pub use array::{Array, Leaf};
pub use dtype::DType;
pub use offsets::{check_offsets, Offsets, OffsetsError};
pub use union::{check_union, UnionError};
pub use values::{cast_slice, Element, Values};
