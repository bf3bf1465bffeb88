//! One module per subcommand.

pub mod demo;
pub mod generate;
pub mod inspect;
pub mod plot_font;
pub mod run;
pub mod scan;
pub mod stats;
