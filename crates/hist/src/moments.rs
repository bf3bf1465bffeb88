//! Running moments of the filled values, as ROOT keeps them (`fTsumw`, `fTsumw2`, `fTsumwx`, `fTsumwx2`, ...).
//!
//! ROOT's mean and standard deviation come from these sums, not from the bin contents, and a TH1 writer
//! needs them. As in ROOT, only fills that land in an ordinary bin (not under- or overflow) count.

/// Weighted sums over in-range fills of a 1D histogram.
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
    #[inline(always)]
    pub(crate) fn push(&mut self, x: f64, w: f64) {
        self.sumw += w;
        self.sumw2 += w * w;
        self.sumwx += w * x;
        self.sumwx2 += w * x * x;
    }

    pub(crate) fn add(&mut self, o: &Self) {
        self.sumw += o.sumw;
        self.sumw2 += o.sumw2;
        self.sumwx += o.sumwx;
        self.sumwx2 += o.sumwx2;
    }

    pub(crate) fn scale(&mut self, f: f64) {
        self.sumw *= f;
        self.sumw2 *= f * f;
        self.sumwx *= f;
        self.sumwx2 *= f;
    }

    /// Weighted mean of the in-range fills (NaN when Σw = 0).
    pub fn mean(&self) -> f64 {
        self.sumwx / self.sumw
    }

    /// Weighted standard deviation of the in-range fills, as ROOT's `GetStdDev`.
    pub fn std_dev(&self) -> f64 {
        let m = self.mean();
        (self.sumwx2 / self.sumw - m * m).max(0.0).sqrt()
    }
}

/// Weighted sums over fills of a 2D histogram that land in an ordinary bin on both axes.
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

impl Moments2D {
    #[inline(always)]
    pub(crate) fn push(&mut self, x: f64, y: f64, w: f64) {
        self.sumw += w;
        self.sumw2 += w * w;
        self.sumwx += w * x;
        self.sumwx2 += w * x * x;
        self.sumwy += w * y;
        self.sumwy2 += w * y * y;
        self.sumwxy += w * x * y;
    }

    pub(crate) fn add(&mut self, o: &Self) {
        self.sumw += o.sumw;
        self.sumw2 += o.sumw2;
        self.sumwx += o.sumwx;
        self.sumwx2 += o.sumwx2;
        self.sumwy += o.sumwy;
        self.sumwy2 += o.sumwy2;
        self.sumwxy += o.sumwxy;
    }

    pub(crate) fn scale(&mut self, f: f64) {
        self.sumw *= f;
        self.sumw2 *= f * f;
        self.sumwx *= f;
        self.sumwx2 *= f;
        self.sumwy *= f;
        self.sumwy2 *= f;
        self.sumwxy *= f;
    }
}
