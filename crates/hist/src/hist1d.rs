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
    moments: Moments1D,
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
            moments: Moments1D::default(),
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

    /// A histogram from flow-inclusive contents (`bins + 2` each), e.g. decoded from a file.
    /// Entries are set to 0 and the moments are estimated from bin centres, as ROOT does when it lacks them.
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
        h.moments = h.moments_from_bins();
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

    /// ROOT-style running moments of in-range fills.
    pub fn moments(&self) -> Moments1D {
        self.moments
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
        if i.wrapping_sub(1) < self.axis.bins() {
            let xc = self.moment_coordinate(i, x);
            self.moments.push(xc, w);
        }
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
            moments,
            ..
        } = self;
        // Dispatch on the axis once, so the per-value loop is monomorphic and inlined.
        match &axis.binning {
            Binning::Regular(a) => kernel(|x| a.index(x), xs, weights, sumw, sumw2, moments),
            Binning::Variable(a) => kernel(|x| a.index(x), xs, weights, sumw, sumw2, moments),
            Binning::Integer(a) => kernel(|x| a.index(x), xs, weights, sumw, sumw2, moments),
            Binning::Category(_) => unreachable!("rejected above"),
        }
        *entries += xs.len() as u64;
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
            if i.wrapping_sub(1) < self.axis.bins() {
                self.moments.push(i as f64 - 0.5, w);
            }
        }
        self.entries += labels.len() as u64;
        Ok(())
    }

    /// Adds another histogram of identical binning, bin by bin (Σw and Σw² add; entries and moments too).
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
        self.moments.add(&other.moments);
        Ok(())
    }

    /// Multiplies every Σw by `factor` and every Σw² by `factor²` (e.g. luminosity normalisation).
    pub fn scale(&mut self, factor: f64) {
        self.sumw.iter_mut().for_each(|v| *v *= factor);
        self.sumw2.iter_mut().for_each(|v| *v *= factor * factor);
        self.moments.scale(factor);
    }

    /// Empties every bin, keeping the binning.
    pub fn reset(&mut self) {
        self.sumw.iter_mut().for_each(|v| *v = 0.0);
        self.sumw2.iter_mut().for_each(|v| *v = 0.0);
        self.entries = 0;
        self.moments = Moments1D::default();
    }

    /// The coordinate that enters the moments: the value itself on numeric axes.
    fn moment_coordinate(&self, i: usize, x: f64) -> f64 {
        match self.axis.binning {
            Binning::Category(_) => i as f64 - 0.5,
            _ => x,
        }
    }

    /// Moments estimated from bin centres and contents (in-range bins only).
    pub(crate) fn moments_from_bins(&self) -> Moments1D {
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

    pub(crate) fn from_raw(
        axis: Axis,
        sumw: Vec<f64>,
        sumw2: Vec<f64>,
        entries: u64,
        moments: Moments1D,
        title: String,
    ) -> Self {
        debug_assert_eq!(sumw.len(), axis.bins_with_flow());
        Self {
            axis,
            sumw,
            sumw2,
            entries,
            moments,
            title,
        }
    }
}

/// The fill loop, generic over the axis' index function (inlined per axis kind).
#[inline(always)]
fn kernel<X: FillValue, W: FillValue>(
    index: impl Fn(f64) -> usize,
    xs: &[X],
    weights: Option<&[W]>,
    sumw: &mut [f64],
    sumw2: &mut [f64],
    moments: &mut Moments1D,
) {
    let in_range = sumw.len() - 2;
    match weights {
        Some(ws) => {
            for (&x, &w) in xs.iter().zip(ws) {
                let (x, w) = (x.to_f64(), w.to_f64());
                let i = index(x);
                sumw[i] += w;
                sumw2[i] += w * w;
                if i.wrapping_sub(1) < in_range {
                    moments.push(x, w);
                }
            }
        }
        None => {
            for &x in xs {
                let x = x.to_f64();
                let i = index(x);
                sumw[i] += 1.0;
                sumw2[i] += 1.0;
                if i.wrapping_sub(1) < in_range {
                    moments.push(x, 1.0);
                }
            }
        }
    }
}
