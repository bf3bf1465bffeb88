//! Statistics subcommands (HistFactory / pyhf JSON), one module each, with the
//! options they share in `common`.

pub mod cls;
pub mod combine;
pub mod common;
pub mod digest;
pub mod fit;
pub mod fit_plots;
pub mod inspect_ws;
pub mod limit;
pub mod patch;
pub mod progress;
pub mod prune;
pub mod ranking;
pub mod rename;
pub mod significance;
pub mod sort;
pub mod workspace;
