//! One module per subcommand.

pub mod inspect;
pub mod plot_font;
pub mod scan;
pub mod stats;
