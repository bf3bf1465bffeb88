//! Two-dimensional histogram with weighted storage and flow bins on both axes, and its projections.

use crate::axis::{Axis, Binning};
use crate::error::{HistError, Result};
use crate::hist1d::Hist1D;
use crate::moments::Moments2D;
use crate::value::FillValue;

/// A 2D histogram. Storage is row-major over flow-inclusive indices, `ix * (ny + 2) + iy`, which is
/// numpy's layout of boost-histogram's `view(flow=True)`. (ROOT numbers bins `ix + (nx + 2) * iy`;
/// a TH2 writer transposes with [`Hist2D::root_bin`].)
#[derive(Debug, Clone, PartialEq)]
pub struct Hist2D {
    x: Axis,
    y: Axis,
    sumw: Vec<f64>,
    sumw2: Vec<f64>,
    entries: u64,
    /// Histogram title.
    pub title: String,
}

impl Hist2D {
    /// An empty histogram over `x` × `y` (numeric axes).
    pub fn new(x: Axis, y: Axis) -> Self {
        let n = x.bins_with_flow() * y.bins_with_flow();
        Self {
            x,
            y,
            sumw: vec![0.0; n],
            sumw2: vec![0.0; n],
            entries: 0,
            title: String::new(),
        }
    }

    /// The same histogram with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// A histogram from flow-inclusive contents in row-major order (`(nx + 2) * (ny + 2)` each).
    pub fn from_parts(
        x: Axis,
        y: Axis,
        values_with_flow: Vec<f64>,
        variances_with_flow: Vec<f64>,
    ) -> Result<Self> {
        let n = x.bins_with_flow() * y.bins_with_flow();
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
        let mut h = Self::new(x, y);
        h.sumw = values_with_flow;
        h.sumw2 = variances_with_flow;
        Ok(h)
    }

    /// The x axis.
    pub fn x_axis(&self) -> &Axis {
        &self.x
    }

    /// The y axis.
    pub fn y_axis(&self) -> &Axis {
        &self.y
    }

    /// Flat storage index of flow-inclusive bin indices.
    #[inline(always)]
    pub fn flat_index(&self, ix: usize, iy: usize) -> usize {
        ix * self.y.bins_with_flow() + iy
    }

    /// ROOT's global bin number of flow-inclusive indices (`ix + (nx + 2) * iy`).
    pub fn root_bin(&self, ix: usize, iy: usize) -> usize {
        ix + self.x.bins_with_flow() * iy
    }

    /// Σw at flow-inclusive indices.
    pub fn value(&self, ix: usize, iy: usize) -> f64 {
        self.sumw[self.flat_index(ix, iy)]
    }

    /// Σw² at flow-inclusive indices.
    pub fn variance(&self, ix: usize, iy: usize) -> f64 {
        self.sumw2[self.flat_index(ix, iy)]
    }

    /// Σw including flow, row-major.
    pub fn values_with_flow(&self) -> &[f64] {
        &self.sumw
    }

    /// Σw² including flow, row-major.
    pub fn variances_with_flow(&self) -> &[f64] {
        &self.sumw2
    }

    /// Σw of ordinary bins as rows over x (`nx` rows of `ny`).
    pub fn values(&self) -> Vec<Vec<f64>> {
        self.inner_rows(&self.sumw)
    }

    /// Σw² of ordinary bins as rows over x.
    pub fn variances(&self) -> Vec<Vec<f64>> {
        self.inner_rows(&self.sumw2)
    }

    fn inner_rows(&self, data: &[f64]) -> Vec<Vec<f64>> {
        let (nx, ny) = (self.x.bins(), self.y.bins());
        (1..=nx)
            .map(|ix| (1..=ny).map(|iy| data[self.flat_index(ix, iy)]).collect())
            .collect()
    }

    /// Number of fill calls.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// Overrides the entry count.
    pub fn set_entries(&mut self, entries: u64) {
        self.entries = entries;
    }

    /// ROOT's statistics sums over the bins inside both ranges, each bin's content at its centre
    /// (as `TH1::ResetStats` and uproot compute them).
    pub fn moments(&self) -> Moments2D {
        let (cx, cy) = (self.x.centers(), self.y.centers());
        let mut m = Moments2D::default();
        for (ix, x) in cx.iter().enumerate() {
            for (iy, y) in cy.iter().enumerate() {
                let k = self.flat_index(ix + 1, iy + 1);
                let (w, w2) = (self.sumw[k], self.sumw2[k]);
                m.sumw += w;
                m.sumw2 += w2;
                m.sumwx += w * x;
                m.sumwx2 += w * x * x;
                m.sumwy += w * y;
                m.sumwy2 += w * y * y;
                m.sumwxy += w * x * y;
            }
        }
        m
    }

    /// Fills pairs of float64 values with optional weights.
    pub fn fill(&mut self, xs: &[f64], ys: &[f64], weights: Option<&[f64]>) -> Result<()> {
        self.fill_values(xs, ys, weights)
    }

    /// Fills pairs of float32 values with optional float32 weights.
    pub fn fill_f32(&mut self, xs: &[f32], ys: &[f32], weights: Option<&[f32]>) -> Result<()> {
        self.fill_values(xs, ys, weights)
    }

    /// Fills pairs of any numeric columns.
    pub fn fill_values<X: FillValue, Y: FillValue, W: FillValue>(
        &mut self,
        xs: &[X],
        ys: &[Y],
        weights: Option<&[W]>,
    ) -> Result<()> {
        if ys.len() != xs.len() {
            return Err(HistError::LengthMismatch {
                what: "y values",
                got: ys.len(),
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
        for a in [&self.x, &self.y] {
            if matches!(a.binning, Binning::Category(_)) {
                return Err(HistError::WrongValueKind(format!(
                    "numbers cannot fill the category axis {}",
                    a.describe()
                )));
            }
        }
        let stride = self.y.bins_with_flow();
        // Blocked like the 1D fill: indices of a block first, then the sums in fill order.
        const BLOCK: usize = 512;
        let (mut ix, mut iy) = ([0usize; BLOCK], [0usize; BLOCK]);
        for (block, (xb, yb)) in xs.chunks(BLOCK).zip(ys.chunks(BLOCK)).enumerate() {
            for (slot, &x) in ix.iter_mut().zip(xb) {
                *slot = self.x.index(x.to_f64());
            }
            for (slot, &y) in iy.iter_mut().zip(yb) {
                *slot = self.y.index(y.to_f64());
            }
            let start = block * BLOCK;
            for k in 0..xb.len() {
                let w = weights.map_or(1.0, |ws| ws[start + k].to_f64());
                let i = ix[k] * stride + iy[k];
                self.sumw[i] += w;
                self.sumw2[i] += w * w;
            }
        }
        self.entries += xs.len() as u64;
        Ok(())
    }

    /// Adds another histogram of identical binning (see [`Hist1D::add`] on merge order).
    pub fn add(&mut self, other: &Hist2D) -> Result<()> {
        if !self.x.same_binning(&other.x) || !self.y.same_binning(&other.y) {
            return Err(HistError::IncompatibleAxes(format!(
                "{} x {} vs {} x {}",
                self.x.describe(),
                self.y.describe(),
                other.x.describe(),
                other.y.describe()
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

    /// Multiplies Σw by `factor` and Σw² by `factor²`.
    pub fn scale(&mut self, factor: f64) {
        self.sumw.iter_mut().for_each(|v| *v *= factor);
        self.sumw2.iter_mut().for_each(|v| *v *= factor * factor);
    }

    /// Projection on x: sums over all y bins, flow included (as boost-histogram's `project(0)`).
    pub fn project_x(&self) -> Hist1D {
        let (nxf, nyf) = (self.x.bins_with_flow(), self.y.bins_with_flow());
        let mut w = vec![0.0; nxf];
        let mut w2 = vec![0.0; nxf];
        for ix in 0..nxf {
            for iy in 0..nyf {
                w[ix] += self.sumw[ix * nyf + iy];
                w2[ix] += self.sumw2[ix * nyf + iy];
            }
        }
        Hist1D::from_raw(self.x.clone(), w, w2, self.entries, self.title.clone())
    }

    /// Projection on y: sums over all x bins, flow included.
    pub fn project_y(&self) -> Hist1D {
        let (nxf, nyf) = (self.x.bins_with_flow(), self.y.bins_with_flow());
        let mut w = vec![0.0; nyf];
        let mut w2 = vec![0.0; nyf];
        for ix in 0..nxf {
            for iy in 0..nyf {
                w[iy] += self.sumw[ix * nyf + iy];
                w2[iy] += self.sumw2[ix * nyf + iy];
            }
        }
        Hist1D::from_raw(self.y.clone(), w, w2, self.entries, self.title.clone())
    }
}
