//! Histograms as the page draws them: edges, contents and errors, flow bins apart.

use serde::Serialize;

/// A TH1/TH2 read from a file, or a histogram the page filled.
#[derive(Debug, Serialize, PartialEq)]
pub struct HistogramJson {
    pub name: String,
    pub title: String,
    /// One axis for 1D, two (x then y) for 2D.
    pub axes: Vec<AxisJson>,
    /// In-range contents; for 2D, row after row (x fastest), `nx * ny` values.
    pub values: Vec<f64>,
    /// Bin errors (√Σw²), same layout.
    pub errors: Vec<f64>,
    /// Under- and overflow (1D only; both 0 for 2D).
    pub underflow: f64,
    pub overflow: f64,
    pub entries: f64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct AxisJson {
    pub title: String,
    pub edges: Vec<f64>,
}

/// Converts a histogram read from a ROOT file, dropping the flow bins from the grid.
pub fn from_root(h: &hepkey_root::Histogram) -> HistogramJson {
    let axes: Vec<AxisJson> = h
        .axes
        .iter()
        .map(|a| AxisJson {
            title: a.title.clone(),
            edges: a.edges.clone(),
        })
        .collect();
    let nx = h.axes.first().map_or(0, |a| a.bins());
    let (mut values, mut errors) = (Vec::new(), Vec::new());
    let (mut underflow, mut overflow) = (0.0, 0.0);
    let at = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(0.0);
    if h.axes.len() == 2 {
        let ny = h.axes[1].bins();
        for iy in 1..=ny {
            for ix in 1..=nx {
                let i = iy * (nx + 2) + ix;
                values.push(at(&h.values, i));
                errors.push(at(&h.errors, i));
            }
        }
    } else {
        underflow = at(&h.values, 0);
        overflow = at(&h.values, nx + 1);
        for ix in 1..=nx {
            values.push(at(&h.values, ix));
            errors.push(at(&h.errors, ix));
        }
    }
    HistogramJson {
        name: h.name.clone(),
        title: h.title.clone(),
        axes,
        values,
        errors,
        underflow,
        overflow,
        entries: h.entries,
    }
}

/// Converts a histogram the page filled.
pub fn from_hist(name: &str, axis_title: &str, h: &hepkey_hist::Hist1D) -> HistogramJson {
    HistogramJson {
        name: name.to_string(),
        title: name.to_string(),
        axes: vec![AxisJson {
            title: axis_title.to_string(),
            edges: h.edges(),
        }],
        values: h.values().to_vec(),
        errors: h.variances().iter().map(|v| v.sqrt()).collect(),
        underflow: h.underflow(),
        overflow: h.overflow(),
        entries: h.entries() as f64,
    }
}
