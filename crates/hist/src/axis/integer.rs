//! One bin per integer.

use crate::error::{HistError, Result};

/// One bin per integer in `[low, high)`; bin edges are the integers themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegerAxis {
    low: i64,
    high: i64,
}

impl IntegerAxis {
    /// Bins for `low, low + 1, ..., high - 1`.
    pub fn new(low: i64, high: i64) -> Result<Self> {
        if low >= high {
            return Err(HistError::InvalidAxis(format!(
                "an integer axis needs low < high, got [{low}, {high})"
            )));
        }
        if high - low > (1 << 40) {
            return Err(HistError::InvalidAxis(format!(
                "an integer axis of {} bins is too large",
                high - low
            )));
        }
        Ok(Self { low, high })
    }

    /// Number of bins without flow.
    pub fn bins(&self) -> usize {
        (self.high - self.low) as usize
    }

    /// First integer with a bin.
    pub fn low(&self) -> i64 {
        self.low
    }

    /// One past the last integer with a bin.
    pub fn high(&self) -> i64 {
        self.high
    }

    /// Flow-inclusive index of a number: the bin of `floor(x)`; NaN goes to the overflow.
    #[inline(always)]
    pub fn index(&self, x: f64) -> usize {
        // Branch-free like the regular axis: `min` sends NaN and values above the range to the overflow.
        let z = (x - self.low as f64).floor();
        let n = self.bins() as f64;
        let i = z.min(n).max(0.0) as i64 as usize + 1;
        if z < 0.0 {
            0
        } else {
            i
        }
    }

    /// The `bins + 1` edges `low, ..., high`.
    pub fn edges(&self) -> Vec<f64> {
        (self.low..=self.high).map(|v| v as f64).collect()
    }
}
