//! Writing ROOT files: directories, TTrees (numeric scalars, fixed arrays,
//! leaf-count arrays, `std::vector`), RNTuples (numbers, strings, vectors,
//! records), TH1D/TH2D, with zlib, LZ4, zstd or
//! LZMA compression. Files are written to a temporary name and renamed when
//! complete, so a failure never leaves a half-written file behind.
//!
//! ```no_run
//! use hepkey_root::write::{BranchSpec, Compression, FileWriter};
//! use hepkey_root::{Array, DType, Values};
//! let mut f = FileWriter::create("out.root", Compression::Zlib(1))?;
//! let t = f.add_tree(f.root(), "t", "a tree", vec![BranchSpec::scalar("x", DType::F64)])?;
//! f.fill(t, &[Array::Flat(Values::F64(vec![1.0, 2.0]))])?;
//! f.close()?;
//! # Ok::<(), hepkey_root::Error>(())
//! ```

mod buffer;
mod compress;
mod file;
mod hist;
mod rntuple;
mod rntuple_envelope;
mod tree;
mod tree_format;

pub use compress::{compress, Compression};
pub use file::{set_temporary_file_hook, DirId, FileWriter, NTupleId, TreeId};
pub use rntuple::{FieldKind, FieldSpec};
pub use tree::{BranchKind, BranchSpec};
pub use tree_format::TreeFormat;
