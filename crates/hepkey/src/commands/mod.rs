//! One module per subcommand.

pub mod data;
pub mod demo;
pub mod files;
pub mod generate;
pub mod inspect;
pub mod key;
pub mod merge;
pub mod rerun;
pub mod run;
pub mod scan;
pub mod serve;
pub mod stats;
pub mod workflow;
