//! ROOT's statistics sums (`fTsumw`, `fTsumw2`, `fTsumwx`, `fTsumwx2`, and for 2D `fTsumwy`, `fTsumwy2`,
//! `fTsumwxy`), which a TH1/TH2 writer stores and ROOT's mean and standard deviation come from.
//!
//! They are computed from the in-range bins with each content at its bin centre, as `TH1::ResetStats`
//! does and as uproot does when it writes a boost-histogram. (ROOT's own `Fill` sums the exact values;
//! the difference is below a bin width, and exact running sums would halve the fill speed.)

/// Statistics sums of a 1D histogram.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments1D {
    /// Σw
    pub sumw: f64,
    /// Σw²
    pub sumw2: f64,
    /// Σw·x
    pub sumwx: f64,
    /// Σw·x²
    pub sumwx2: f64,
}

impl Moments1D {
    /// Weighted mean (NaN when Σw = 0).
    pub fn mean(&self) -> f64 {
        self.sumwx / self.sumw
    }

    /// Weighted standard deviation, as ROOT's `GetStdDev`.
    pub fn std_dev(&self) -> f64 {
        let m = self.mean();
        (self.sumwx2 / self.sumw - m * m).max(0.0).sqrt()
    }
}

/// Statistics sums of a 2D histogram (bins inside both ranges).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Moments2D {
    /// Σw
    pub sumw: f64,
    /// Σw²
    pub sumw2: f64,
    /// Σw·x
    pub sumwx: f64,
    /// Σw·x²
    pub sumwx2: f64,
    /// Σw·y
    pub sumwy: f64,
    /// Σw·y²
    pub sumwy2: f64,
    /// Σw·x·y
    pub sumwxy: f64,
}

impl Moments2D {}
