#![doc = include_str!("../README.md")]

pub mod ast;
pub mod column;
mod compile;
pub mod dtype;
pub mod error;
pub mod kernels;
mod lexer;
pub mod parser;
pub mod program;
pub mod schema;

pub use column::{Chunk, Column, Element, KeptLists, Offsets, Values};
pub use compile::{registry, Definitions, ProgramBuilder, Shape};
pub use dtype::{DType, Type};
pub use error::{did_you_mean, Error, ErrorKind, Result, Span};
pub use kernels::special::normal_ppf;
pub use parser::{parse_definitions, parse_expression};
pub use program::{set_profiling, take_profile, Program};
pub use schema::Schema;
