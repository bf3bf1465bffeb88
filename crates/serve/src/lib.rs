//! # hepkey-serve
//!
//! The server behind `hepkey serve`: plain HTTP/1.1 on `std::net`, one thread per connection, GET and HEAD
//! only. It serves the page embedded in the binary ([`page`]) and, read-only, the files under one
//! directory ([`files`]) with byte ranges, so the page can read big files piece by piece. Nothing outside
//! the directory is reachable: `..`, absolute paths and symlinks leading out are refused.

pub mod files;
mod http;
pub mod one_file;
pub mod page;
mod range;
mod server;

pub use http::percent_decode;
pub use one_file::page_as_one_file;
pub use server::Server;
