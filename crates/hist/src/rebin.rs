//! Rebinning: merging neighbouring bins by a factor, or onto a subset of the edges, for 1D and 2D.
//!
//! Both follow boost-histogram's slicing semantics: content that leaves the new range is added to the
//! flow bins (not dropped), so totals with flow are preserved. Old bins are added in ascending order, so
//! results equal summing the old slices one after another.

use crate::axis::{Axis, Binning};
use crate::error::{HistError, Result};
use crate::hist1d::Hist1D;
use crate::hist2d::Hist2D;

/// The new axis and, for every old flow-inclusive index, the new flow-inclusive index it goes to.
struct Regrouping {
    axis: Axis,
    map: Vec<usize>,
}

/// Edge indices kept when merging `factor` bins (the trailing incomplete group goes to the overflow).
fn keep_for_factor(axis: &Axis, factor: usize) -> Result<Vec<usize>> {
    let n = axis.bins();
    if factor == 0 || factor > n {
        return Err(HistError::InvalidRebin(format!(
            "factor {factor} for an axis of {n} bins"
        )));
    }
    Ok((0..=n / factor).map(|j| j * factor).collect())
}

/// Edge indices of `new_edges` among the axis' edges (matched within 1e-9 of the neighbouring bin width).
fn keep_for_edges(axis: &Axis, new_edges: &[f64]) -> Result<Vec<usize>> {
    if matches!(axis.binning, Binning::Category(_)) {
        return Err(HistError::InvalidRebin(
            "a category axis has no edges to rebin to".into(),
        ));
    }
    if new_edges.len() < 2 {
        return Err(HistError::InvalidRebin(format!(
            "need at least 2 new edges, got {}",
            new_edges.len()
        )));
    }
    let old = axis.edges();
    let mut keep: Vec<usize> = Vec::with_capacity(new_edges.len());
    for (j, &e) in new_edges.iter().enumerate() {
        let k = old.partition_point(|&o| o < e);
        let near = [k.checked_sub(1), Some(k)]
            .into_iter()
            .flatten()
            .filter(|&k| k < old.len())
            .find(|&k| (old[k] - e).abs() <= 1e-9 * edge_scale(&old, k));
        match near {
            Some(k) if keep.last().is_none_or(|&p| p < k) => keep.push(k),
            Some(_) => {
                return Err(HistError::InvalidRebin(format!(
                    "new edges must increase strictly (edge {j} = {e})"
                )))
            }
            None => {
                return Err(HistError::InvalidRebin(format!(
                    "new edge {j} = {e} is not an edge of {}",
                    axis.describe()
                )))
            }
        }
    }
    Ok(keep)
}

/// Builds the axis whose bins are old bins `keep[j]..keep[j+1]` (edge indices, increasing).
fn regrouping(axis: &Axis, keep: &[usize]) -> Result<Regrouping> {
    if matches!(axis.binning, Binning::Category(_)) {
        return Err(HistError::InvalidRebin(
            "a category axis cannot be rebinned".into(),
        ));
    }
    let n = axis.bins();
    let (first, last) = (keep[0], keep[keep.len() - 1]);
    let new_bins = keep.len() - 1;
    // Old flow-inclusive index j covers edges j-1..j: underflow collects j <= first, overflow j > last.
    let map = (0..=n + 1)
        .map(|j| {
            if j <= first {
                0
            } else if j > last {
                new_bins + 1
            } else {
                keep.partition_point(|&k| k < j)
            }
        })
        .collect();
    let old_edges = axis.edges();
    let step = keep[1] - keep[0];
    let uniform = keep.windows(2).all(|p| p[1] - p[0] == step);
    let binning = match &axis.binning {
        Binning::Regular(_) if uniform => {
            Axis::regular(new_bins, old_edges[first], old_edges[last])?.binning
        }
        _ => Axis::variable(keep.iter().map(|&k| old_edges[k]).collect::<Vec<_>>())?.binning,
    };
    Ok(Regrouping {
        axis: Axis {
            binning,
            title: axis.title.clone(),
        },
        map,
    })
}

impl Hist1D {
    /// Merges every `factor` neighbouring bins (boost-histogram's `h[::rebin(factor)]`). When `factor` does
    /// not divide the number of bins, the trailing incomplete group goes to the overflow, as in boost-histogram.
    pub fn rebin(&self, factor: usize) -> Result<Hist1D> {
        let r = regrouping(self.axis(), &keep_for_factor(self.axis(), factor)?)?;
        Ok(self.apply(r))
    }

    /// Rebins onto `new_edges`, which must be (within 1e-9 of a bin width) a subset of the current edges,
    /// e.g. `[110, 150, ..., 550]` from 25 bins over [50, 550] (the AGC's `h[110j::rebin(2)]`). Bins below
    /// the first new edge go to the underflow, bins above the last to the overflow.
    pub fn rebin_to_edges(&self, new_edges: &[f64]) -> Result<Hist1D> {
        let r = regrouping(self.axis(), &keep_for_edges(self.axis(), new_edges)?)?;
        Ok(self.apply(r))
    }

    fn apply(&self, r: Regrouping) -> Hist1D {
        let n = r.axis.bins_with_flow();
        let (mut sumw, mut sumw2) = (vec![0.0; n], vec![0.0; n]);
        for (j, &to) in r.map.iter().enumerate() {
            sumw[to] += self.values_with_flow()[j];
            sumw2[to] += self.variances_with_flow()[j];
        }
        Hist1D::from_raw(r.axis, sumw, sumw2, self.entries(), self.title.clone())
    }
}

impl Hist2D {
    /// Merges `fx` neighbouring bins along x and `fy` along y (1 keeps an axis), as [`Hist1D::rebin`].
    pub fn rebin(&self, fx: usize, fy: usize) -> Result<Hist2D> {
        let rx = regrouping(self.x_axis(), &keep_for_factor(self.x_axis(), fx)?)?;
        let ry = regrouping(self.y_axis(), &keep_for_factor(self.y_axis(), fy)?)?;
        self.apply(rx, ry)
    }

    /// Rebins each axis onto a subset of its edges (`None` keeps that axis), as [`Hist1D::rebin_to_edges`].
    pub fn rebin_to_edges(
        &self,
        x_edges: Option<&[f64]>,
        y_edges: Option<&[f64]>,
    ) -> Result<Hist2D> {
        let all = |a: &Axis| (0..=a.bins()).collect::<Vec<_>>();
        let kx = match x_edges {
            Some(e) => keep_for_edges(self.x_axis(), e)?,
            None => all(self.x_axis()),
        };
        let ky = match y_edges {
            Some(e) => keep_for_edges(self.y_axis(), e)?,
            None => all(self.y_axis()),
        };
        self.apply(
            regrouping(self.x_axis(), &kx)?,
            regrouping(self.y_axis(), &ky)?,
        )
    }

    fn apply(&self, rx: Regrouping, ry: Regrouping) -> Result<Hist2D> {
        let nyf = ry.axis.bins_with_flow();
        let n = rx.axis.bins_with_flow() * nyf;
        let (mut sumw, mut sumw2) = (vec![0.0; n], vec![0.0; n]);
        for (ix, &tx) in rx.map.iter().enumerate() {
            for (iy, &ty) in ry.map.iter().enumerate() {
                sumw[tx * nyf + ty] += self.value(ix, iy);
                sumw2[tx * nyf + ty] += self.variance(ix, iy);
            }
        }
        let mut h = Hist2D::from_parts(rx.axis, ry.axis, sumw, sumw2)?;
        h.set_entries(self.entries());
        h.title = self.title.clone();
        Ok(h)
    }
}

/// A length scale for matching edge `k`: the width of its neighbouring bin(s).
fn edge_scale(edges: &[f64], k: usize) -> f64 {
    let left = if k > 0 {
        edges[k] - edges[k - 1]
    } else {
        f64::INFINITY
    };
    let right = if k + 1 < edges.len() {
        edges[k + 1] - edges[k]
    } else {
        f64::INFINITY
    };
    left.min(right)
}
