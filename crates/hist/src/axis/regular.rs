//! Equal-width bins, with boost-histogram's exact index and edge arithmetic.

use crate::error::{HistError, Result};

/// `bins` equal-width bins over `[low, high)`.
///
/// The bin index is computed exactly as boost-histogram (and therefore `hist`, coffea) does it in float64:
/// `z = (x - low) / (high - low)`; `z < 0` is underflow, `z >= 1` or NaN is overflow, otherwise the bin is
/// `trunc(z * bins)`. This is not the same as `floor((x - low) / width)` for values within rounding of an edge,
/// and matching it bit for bit is what lets hepkey reproduce reference histograms bin for bin.
#[derive(Debug, Clone, PartialEq)]
pub struct RegularAxis {
    bins: usize,
    low: f64,
    high: f64,
    delta: f64,
}

impl RegularAxis {
    /// A regular axis; `bins >= 1`, finite `low < high`.
    pub fn new(bins: usize, low: f64, high: f64) -> Result<Self> {
        if bins == 0 {
            return Err(HistError::InvalidAxis(
                "a regular axis needs at least one bin".into(),
            ));
        }
        if !(low.is_finite() && high.is_finite() && low < high) {
            return Err(HistError::InvalidAxis(format!(
                "a regular axis needs finite low < high, got [{low}, {high}]"
            )));
        }
        // Finite ends can still be too far apart for a double ([-1e308, 1e308]), or bins too
        // narrow to tell apart ([0, 5e-324]): either would put every value in one bin or none.
        let delta = high - low;
        let width = delta / bins as f64;
        if !delta.is_finite() || !width.is_normal() || low + width == low || high - width == high {
            return Err(HistError::InvalidAxis(format!(
                "{bins} bins over [{low}, {high}] are too wide or too narrow for double precision"
            )));
        }
        Ok(Self {
            bins,
            low,
            high,
            delta,
        })
    }

    /// Number of bins without flow.
    pub fn bins(&self) -> usize {
        self.bins
    }

    /// Lower end of the range.
    pub fn low(&self) -> f64 {
        self.low
    }

    /// Upper end of the range.
    pub fn high(&self) -> f64 {
        self.high
    }

    /// Flow-inclusive index: 0 underflow, 1..=bins the bins, bins + 1 overflow (also for NaN).
    ///
    /// Same result as boost's `z < 1 ? (z >= 0 ? int(z * bins) : -1) : bins` (shifted by one), written
    /// without branches so that fills of random data do not pay for mispredictions: `min` maps NaN and
    /// everything at or above the range (including `z * bins` rounding up to `bins`) to `bins`, and the
    /// sign test of `z` (not of `z * bins`, which can round to -0) selects the underflow.
    #[inline(always)]
    pub fn index(&self, x: f64) -> usize {
        let z = (x - self.low) / self.delta;
        let n = self.bins as f64;
        let clamped = (z * n).min(n).max(0.0);
        let i = clamped as i64 as usize + 1;
        if z < 0.0 {
            0
        } else {
            i
        }
    }

    /// Edge `i` (0..=bins) as `numpy.linspace(low, high, bins + 1)` computes it (`low + i * width`, last
    /// edge exactly `high`), which is also what uproot reports for a ROOT TH1 and what the AGC references
    /// store: 190 rather than boost-histogram's `(1 - z) low + z high` = 190.00000000000003. Edges are
    /// for display and output only; the bin index never uses them.
    pub fn edge(&self, i: usize) -> f64 {
        if i >= self.bins {
            self.high
        } else {
            i as f64 * (self.delta / self.bins as f64) + self.low
        }
    }

    /// All `bins + 1` edges.
    pub fn edges(&self) -> Vec<f64> {
        (0..=self.bins).map(|i| self.edge(i)).collect()
    }
}
