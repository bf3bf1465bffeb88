//! Which columnar layout a writer uses for event data: TTree or RNTuple.

use crate::error::{Error, Result};

/// The layout of event data written by hepkey (generated samples, skims).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TreeFormat {
    /// A TTree (ROOT's classic layout; every ROOT and uproot version reads it).
    #[default]
    TTree,
    /// An RNTuple, format 1.0 (ROOT 6.34+, uproot 5.7+).
    RNTuple,
}

impl TreeFormat {
    /// Parses `ttree` or `rntuple` (any case).
    pub fn parse(s: &str) -> Result<TreeFormat> {
        match s.to_ascii_lowercase().as_str() {
            "ttree" | "tree" => Ok(TreeFormat::TTree),
            "rntuple" => Ok(TreeFormat::RNTuple),
            other => Err(Error::format(format!(
                "unknown format {other:?} (use \"ttree\" or \"rntuple\")"
            ))),
        }
    }

    /// The name `parse` reads.
    pub fn name(self) -> &'static str {
        match self {
            TreeFormat::TTree => "ttree",
            TreeFormat::RNTuple => "rntuple",
        }
    }
}
