//! One-dimensional histogram with weighted storage (Σw, Σw²) and flow bins.

use crate::axis::{Axis, Binning};
use crate::error::{HistError, Result};
use crate::moments::Moments1D;
use crate::value::FillValue;

/// A 1D histogram: Σw and Σw² per bin, including under- and overflow.
///
/// Storage index 0 is the underflow, `1..=bins` the ordinary bins and `bins + 1` the overflow
/// (boost-histogram's `view(flow=True)` order, and ROOT's bin numbers).
#[derive(Debug, Clone, PartialEq)]
pub struct Hist1D {
    axis: Axis,
    sumw: Vec<f64>,
    sumw2: Vec<f64>,
    entries: u64,
    /// Histogram title (for plots and ROOT's `fTitle`).
    pub title: String,
}

impl Hist1D {
    /// An empty histogram over `axis`.
    pub fn new(axis: Axis) -> Self {
        let n = axis.bins_with_flow();
        Self {
            axis,
            sumw: vec![0.0; n],
            sumw2: vec![0.0; n],
            entries: 0,
            title: String::new(),
        }
    }

    /// An empty histogram of `bins` regular bins over `[low, high)`.
    pub fn regular(bins: usize, low: f64, high: f64) -> Result<Self> {
        Ok(Self::new(Axis::regular(bins, low, high)?))
    }

    /// The same histogram with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// A histogram from flow-inclusive contents (`bins + 2` each), e.g. decoded from a file; entries are 0.
    pub fn from_parts(
        axis: Axis,
        values_with_flow: Vec<f64>,
        variances_with_flow: Vec<f64>,
    ) -> Result<Self> {
        let n = axis.bins_with_flow();
        for (what, v) in [
            ("values", &values_with_flow),
            ("variances", &variances_with_flow),
        ] {
            if v.len() != n {
                return Err(HistError::LengthMismatch {
                    what,
                    got: v.len(),
                    expected: n,
                });
            }
        }
        let mut h = Self::new(axis);
        h.sumw = values_with_flow;
        h.sumw2 = variances_with_flow;
        Ok(h)
    }

    /// The axis.
    pub fn axis(&self) -> &Axis {
        &self.axis
    }

    /// Mutable axis title (the binning itself cannot change).
    pub fn axis_title_mut(&mut self) -> &mut String {
        &mut self.axis.title
    }

    /// Bin edges (`bins + 1`).
    pub fn edges(&self) -> Vec<f64> {
        self.axis.edges()
    }

    /// Σw of the ordinary bins.
    pub fn values(&self) -> &[f64] {
        &self.sumw[1..self.sumw.len() - 1]
    }

    /// Σw² of the ordinary bins.
    pub fn variances(&self) -> &[f64] {
        &self.sumw2[1..self.sumw2.len() - 1]
    }

    /// Σw including flow: `[underflow, bins..., overflow]`.
    pub fn values_with_flow(&self) -> &[f64] {
        &self.sumw
    }

    /// Σw² including flow.
    pub fn variances_with_flow(&self) -> &[f64] {
        &self.sumw2
    }

    /// Σw of the underflow bin.
    pub fn underflow(&self) -> f64 {
        self.sumw[0]
    }

    /// Σw of the overflow bin (values at or above the last edge, and NaN).
    pub fn overflow(&self) -> f64 {
        self.sumw[self.sumw.len() - 1]
    }

    /// Number of fill calls, all bins and NaN included (ROOT's `fEntries`).
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Overrides the entry count (for histograms read from files).
    pub fn set_entries(&mut self, entries: u64) {
        self.entries = entries;
    }

    /// ROOT's statistics sums (`fTsumw`, `fTsumw2`, `fTsumwx`, `fTsumwx2`) over the in-range bins, with
    /// each bin's content at its centre: what `TH1::ResetStats` computes and what uproot writes for a
    /// boost-histogram. Computing them from bins keeps the fill loop fast and the sums mergeable.
    pub fn moments(&self) -> Moments1D {
        let mut m = Moments1D::default();
        for ((c, &w), &w2) in self
            .axis
            .centers()
            .iter()
            .zip(self.values())
            .zip(self.variances())
        {
            m.sumw += w;
            m.sumw2 += w2;
            m.sumwx += w * c;
            m.sumwx2 += w * c * c;
        }
        m
    }

    /// Σw of the ordinary bins, or of all bins with `flow`.
    pub fn sum(&self, flow: bool) -> f64 {
        if flow {
            self.sumw.iter().sum()
        } else {
            self.values().iter().sum()
        }
    }

    /// Fills one value with a weight.
    #[inline]
    pub fn fill_one(&mut self, x: f64, w: f64) {
        let i = self.axis.index(x);
        self.sumw[i] += w;
        self.sumw2[i] += w * w;
        self.entries += 1;
    }

    /// Fills a column of float64 values, with optional per-value weights (unit weights otherwise).
    pub fn fill(&mut self, xs: &[f64], weights: Option<&[f64]>) -> Result<()> {
        self.fill_values(xs, weights)
    }

    /// Fills a column of float32 values (binned as their exact float64 widening).
    pub fn fill_f32(&mut self, xs: &[f32], weights: Option<&[f32]>) -> Result<()> {
        self.fill_values(xs, weights)
    }

    /// Fills any numeric column with any numeric weights.
    pub fn fill_values<X: FillValue, W: FillValue>(
        &mut self,
        xs: &[X],
        weights: Option<&[W]>,
    ) -> Result<()> {
        if let Some(ws) = weights {
            if ws.len() != xs.len() {
                return Err(HistError::LengthMismatch {
                    what: "weights",
                    got: ws.len(),
                    expected: xs.len(),
                });
            }
        }
        if let Binning::Category(_) = self.axis.binning {
            return Err(HistError::WrongValueKind(
                "numbers cannot fill a category axis; use fill_labels".into(),
            ));
        }
        let Self {
            axis,
            sumw,
            sumw2,
            entries,
            ..
        } = self;
        // Dispatch on the axis once, so the per-value loop is monomorphic and inlined.
        match &axis.binning {
            Binning::Regular(a) => kernel(|x| a.index(x), xs, weights, None, sumw, sumw2),
            Binning::Variable(a) => kernel(|x| a.index(x), xs, weights, None, sumw, sumw2),
            Binning::Integer(a) => kernel(|x| a.index(x), xs, weights, None, sumw, sumw2),
            Binning::Category(_) => unreachable!("rejected above"),
        }
        *entries += xs.len() as u64;
        Ok(())
    }

    /// Fills only the values whose `mask` entry is true (an event selection), without building the
    /// selected columns first. Gives the sums of filling the selected values alone, bit for bit.
    pub fn fill_masked<X: FillValue, W: FillValue>(
        &mut self,
        xs: &[X],
        weights: Option<&[W]>,
        mask: &[bool],
    ) -> Result<()> {
        if mask.len() != xs.len() {
            return Err(HistError::LengthMismatch {
                what: "mask",
                got: mask.len(),
                expected: xs.len(),
            });
        }
        if let Some(ws) = weights {
            if ws.len() != xs.len() {
                return Err(HistError::LengthMismatch {
                    what: "weights",
                    got: ws.len(),
                    expected: xs.len(),
                });
            }
        }
        if let Binning::Category(_) = self.axis.binning {
            return Err(HistError::WrongValueKind(
                "numbers cannot fill a category axis; use fill_labels".into(),
            ));
        }
        let Self {
            axis,
            sumw,
            sumw2,
            entries,
            ..
        } = self;
        match &axis.binning {
            Binning::Regular(a) => kernel(|x| a.index(x), xs, weights, Some(mask), sumw, sumw2),
            Binning::Variable(a) => kernel(|x| a.index(x), xs, weights, Some(mask), sumw, sumw2),
            Binning::Integer(a) => kernel(|x| a.index(x), xs, weights, Some(mask), sumw, sumw2),
            Binning::Category(_) => unreachable!("rejected above"),
        }
        *entries += mask.iter().filter(|&&m| m).count() as u64;
        Ok(())
    }

    /// Fills labels on a category axis (unknown labels go to the overflow bin).
    pub fn fill_labels<S: AsRef<str>>(
        &mut self,
        labels: &[S],
        weights: Option<&[f64]>,
    ) -> Result<()> {
        if let Some(ws) = weights {
            if ws.len() != labels.len() {
                return Err(HistError::LengthMismatch {
                    what: "weights",
                    got: ws.len(),
                    expected: labels.len(),
                });
            }
        }
        if !matches!(self.axis.binning, Binning::Category(_)) {
            return Err(HistError::WrongValueKind(format!(
                "labels can only fill a category axis, not {}",
                self.axis.describe()
            )));
        }
        for (k, l) in labels.iter().enumerate() {
            let i = self.axis.index_label(l.as_ref()).expect("category axis");
            let w = weights.map_or(1.0, |ws| ws[k]);
            self.sumw[i] += w;
            self.sumw2[i] += w * w;
        }
        self.entries += labels.len() as u64;
        Ok(())
    }

    /// Adds another histogram of identical binning, bin by bin (Σw, Σw² and entries add).
    ///
    /// Floating-point addition is not associative, so `(a + b) + c` and `a + (b + c)` may differ in the last
    /// bits. For results that do not depend on thread count, merge per-chunk histograms in a fixed order
    /// (chunk order), as [`crate::merge_in_order`] does.
    pub fn add(&mut self, other: &Hist1D) -> Result<()> {
        if !self.axis.same_binning(&other.axis) {
            return Err(HistError::IncompatibleAxes(format!(
                "{} vs {}",
                self.axis.describe(),
                other.axis.describe()
            )));
        }
        for (a, b) in self.sumw.iter_mut().zip(&other.sumw) {
            *a += b;
        }
        for (a, b) in self.sumw2.iter_mut().zip(&other.sumw2) {
            *a += b;
        }
        self.entries += other.entries;
        Ok(())
    }

    /// Multiplies every Σw by `factor` and every Σw² by `factor²` (e.g. luminosity normalisation).
    pub fn scale(&mut self, factor: f64) {
        self.sumw.iter_mut().for_each(|v| *v *= factor);
        self.sumw2.iter_mut().for_each(|v| *v *= factor * factor);
    }

    /// Empties every bin, keeping the binning.
    pub fn reset(&mut self) {
        self.sumw.iter_mut().for_each(|v| *v = 0.0);
        self.sumw2.iter_mut().for_each(|v| *v = 0.0);
        self.entries = 0;
    }

    pub(crate) fn from_raw(
        axis: Axis,
        sumw: Vec<f64>,
        sumw2: Vec<f64>,
        entries: u64,
        title: String,
    ) -> Self {
        debug_assert_eq!(sumw.len(), axis.bins_with_flow());
        Self {
            axis,
            sumw,
            sumw2,
            entries,
            title,
        }
    }
}

/// Values are binned in blocks: first the indices of a block (a branch-free loop the compiler can
/// pipeline), then the bin sums in fill order, so Σw and Σw² equal a plain sequential fill bit for bit.
const BLOCK: usize = 512;

/// The fill loop, generic over the axis' index function (inlined per axis kind).
#[inline(always)]
fn kernel<X: FillValue, W: FillValue>(
    index: impl Fn(f64) -> usize,
    xs: &[X],
    weights: Option<&[W]>,
    mask: Option<&[bool]>,
    sumw: &mut [f64],
    sumw2: &mut [f64],
) {
    let mut idx = [0usize; BLOCK];
    for (block, xb) in xs.chunks(BLOCK).enumerate() {
        for (slot, &x) in idx.iter_mut().zip(xb) {
            *slot = index(x.to_f64());
        }
        let idx = &idx[..xb.len()];
        let range = block * BLOCK..block * BLOCK + xb.len();
        if let Some(mask) = mask {
            // Masked-out values get weight +0.0, which leaves every sum unchanged (x + 0.0 == x; only
            // a sum of exactly -0.0 would become +0.0, which compares equal), so the result equals
            // filling the selected values alone, without building the selected columns.
            let mb = &mask[range.clone()];
            for (k, &i) in idx.iter().enumerate() {
                let w = weights.map_or(1.0, |ws| ws[range.start + k].to_f64());
                let w = if mb[k] { w } else { 0.0 };
                sumw[i] += w;
                sumw2[i] += w * w;
            }
            continue;
        }
        match weights {
            Some(ws) => {
                let wb = &ws[range];
                for (&i, &w) in idx.iter().zip(wb) {
                    let w = w.to_f64();
                    sumw[i] += w;
                    sumw2[i] += w * w;
                }
            }
            None => {
                for &i in idx {
                    sumw[i] += 1.0;
                    sumw2[i] += 1.0;
                }
            }
        }
    }
}
