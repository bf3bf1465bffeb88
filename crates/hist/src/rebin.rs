//! Rebinning a 1D histogram: merging neighbouring bins by a factor, or onto a subset of its edges.
//!
//! Both follow boost-histogram's slicing semantics: content that leaves the new range is added to the
//! flow bins (not dropped), so totals with flow are preserved.

use crate::axis::{Axis, Binning};
use crate::error::{HistError, Result};
use crate::hist1d::Hist1D;

impl Hist1D {
    /// Merges every `factor` neighbouring bins (boost-histogram's `h[::rebin(factor)]`). When `factor` does
    /// not divide the number of bins, the trailing incomplete group goes to the overflow, as in boost-histogram.
    pub fn rebin(&self, factor: usize) -> Result<Hist1D> {
        let n = self.axis().bins();
        if factor == 0 || factor > n {
            return Err(HistError::InvalidRebin(format!(
                "factor {factor} for an axis of {n} bins"
            )));
        }
        let groups = n / factor;
        let keep: Vec<usize> = (0..=groups).map(|j| j * factor).collect();
        self.regroup(&keep)
    }

    /// Rebins onto `new_edges`, which must be (within 1e-9 of a bin width) a subset of the current edges,
    /// e.g. `[110, 150, ..., 550]` from 25 bins over [50, 550] (the AGC's `h[110j::rebin(2)]`). Bins below
    /// the first new edge go to the underflow, bins above the last to the overflow.
    pub fn rebin_to_edges(&self, new_edges: &[f64]) -> Result<Hist1D> {
        if matches!(self.axis().binning, Binning::Category(_)) {
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
        let old = self.axis().edges();
        let mut keep = Vec::with_capacity(new_edges.len());
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
                        self.axis().describe()
                    )))
                }
            }
        }
        self.regroup(&keep)
    }

    /// Builds the histogram whose bins are old bins `keep[j]..keep[j+1]` (edge indices, increasing).
    fn regroup(&self, keep: &[usize]) -> Result<Hist1D> {
        if matches!(self.axis().binning, Binning::Category(_)) {
            return Err(HistError::InvalidRebin(
                "a category axis cannot be rebinned".into(),
            ));
        }
        let n = self.axis().bins();
        let (w, w2) = (self.values_with_flow(), self.variances_with_flow());
        let (first, last) = (keep[0], keep[keep.len() - 1]);
        let mut sumw = Vec::with_capacity(keep.len() + 1);
        let mut sumw2 = Vec::with_capacity(keep.len() + 1);
        // Flow-inclusive old index of edge k's bin is k + 1; underflow collects old 0..=first.
        sumw.push(w[..=first].iter().sum());
        sumw2.push(w2[..=first].iter().sum());
        for pair in keep.windows(2) {
            sumw.push(w[pair[0] + 1..=pair[1]].iter().sum());
            sumw2.push(w2[pair[0] + 1..=pair[1]].iter().sum());
        }
        sumw.push(w[last + 1..=n + 1].iter().sum());
        sumw2.push(w2[last + 1..=n + 1].iter().sum());

        let old_edges = self.axis().edges();
        let step = keep[1] - keep[0];
        let uniform = keep.windows(2).all(|p| p[1] - p[0] == step);
        let binning = match &self.axis().binning {
            Binning::Regular(_) if uniform => {
                Axis::regular(keep.len() - 1, old_edges[first], old_edges[last])?.binning
            }
            _ => Axis::variable(keep.iter().map(|&k| old_edges[k]).collect::<Vec<_>>())?.binning,
        };
        let axis = Axis {
            binning,
            title: self.axis().title.clone(),
        };
        Ok(Hist1D::from_raw(
            axis,
            sumw,
            sumw2,
            self.entries(),
            self.title.clone(),
        ))
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
