//! Combining per-chunk histograms into one, reproducibly.
//!
//! Σw is a floating-point sum, so its last bits depend on the order of additions. The analysis engine fills
//! one histogram per chunk of events (possibly on different threads) and then merges them **in chunk order**
//! with [`merge_in_order`]: a left fold `((h0 + h1) + h2) + ...`. Because the chunk boundaries and the fold
//! order do not depend on the number of threads, neither do the output bytes. Do not merge in completion
//! order (e.g. a rayon `reduce`), whose tree shape can change from run to run.

use crate::error::{HistError, Result};
use crate::hist1d::Hist1D;
use crate::hist2d::Hist2D;

/// Histograms that can be added bin by bin.
pub trait Mergeable: Clone {
    /// `self += other`, failing when the binning differs.
    fn merge_from(&mut self, other: &Self) -> Result<()>;
}

impl Mergeable for Hist1D {
    fn merge_from(&mut self, other: &Self) -> Result<()> {
        self.add(other)
    }
}

impl Mergeable for Hist2D {
    fn merge_from(&mut self, other: &Self) -> Result<()> {
        self.add(other)
    }
}

/// Left fold of `parts` in the order given: `((p0 + p1) + p2) + ...`. Errors on an empty input or on the
/// first part whose binning differs, naming its position.
pub fn merge_in_order<'a, H: Mergeable + 'a>(parts: impl IntoIterator<Item = &'a H>) -> Result<H> {
    let mut it = parts.into_iter();
    let mut acc = it
        .next()
        .ok_or_else(|| HistError::IncompatibleAxes("nothing to merge: no histograms given".into()))?
        .clone();
    for (k, h) in it.enumerate() {
        acc.merge_from(h).map_err(|e| match e {
            HistError::IncompatibleAxes(m) => {
                HistError::IncompatibleAxes(format!("part {}: {m}", k + 1))
            }
            other => other,
        })?;
    }
    Ok(acc)
}

/// Merges parts tagged with their chunk number in ascending chunk order, whatever order they arrive in
/// (e.g. collected from threads). Chunk numbers must be distinct.
pub fn merge_by_chunk<H: Mergeable>(mut parts: Vec<(usize, H)>) -> Result<H> {
    parts.sort_by_key(|(k, _)| *k);
    if let Some(w) = parts.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(HistError::IncompatibleAxes(format!(
            "chunk {} given twice",
            w[0].0
        )));
    }
    merge_in_order(parts.iter().map(|(_, h)| h))
}
