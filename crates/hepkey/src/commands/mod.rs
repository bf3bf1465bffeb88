//! One module per subcommand.

pub mod demo;
pub mod generate;
pub mod inspect;
pub mod run;
pub mod scan;
pub mod stats;
pub mod workflow;
