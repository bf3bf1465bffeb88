//! One module per subcommand.

pub mod data;
pub mod demo;
pub mod generate;
pub mod inspect;
pub mod key;
pub mod run;
pub mod scan;
pub mod stats;
