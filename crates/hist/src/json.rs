//! JSON layout of histograms (`histograms.json`), with a validating round trip.
//!
//! A 1D histogram is written as
//! `{"edges": [..], "values": [..], "variances": [..], "underflow": u, "overflow": o,
//!   "underflow_variance": .., "overflow_variance": .., "entries": n, "title": "..", "axis": {..}}`.
//! `values`/`variances` hold the ordinary bins only. `axis` records the exact binning (`regular` with
//! bins/low/high, `variable`, `integer`, `category` with labels) so that decoding gives back the same
//! histogram; when it is absent the edges define a variable axis. Decoding checks every length and names
//! the offending field.
//!
//! JSON has no NaN or infinity: serde_json writes such contents (only possible with NaN or infinite
//! weights) as `null`, which decoding then rejects with an error naming the field.

use serde::{Deserialize, Serialize};

use crate::axis::{Axis, Binning};
use crate::error::HistError;
use crate::hist1d::Hist1D;
use crate::hist2d::Hist2D;

/// Serialised description of an axis' binning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum AxisJson {
    Regular {
        bins: usize,
        low: f64,
        high: f64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
    },
    Variable {
        edges: Vec<f64>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
    },
    Integer {
        low: i64,
        high: i64,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
    },
    Category {
        labels: Vec<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        title: String,
    },
}

impl From<&Axis> for AxisJson {
    fn from(a: &Axis) -> Self {
        let title = a.title.clone();
        match &a.binning {
            Binning::Regular(r) => AxisJson::Regular {
                bins: r.bins(),
                low: r.low(),
                high: r.high(),
                title,
            },
            Binning::Variable(v) => AxisJson::Variable {
                edges: v.edges().to_vec(),
                title,
            },
            Binning::Integer(i) => AxisJson::Integer {
                low: i.low(),
                high: i.high(),
                title,
            },
            Binning::Category(c) => AxisJson::Category {
                labels: c.labels().to_vec(),
                title,
            },
        }
    }
}

impl AxisJson {
    fn to_axis(&self, field: &str) -> Result<Axis, HistError> {
        let bad = |e: HistError| HistError::InvalidJson(format!("`{field}`: {e}"));
        let (axis, title) = match self {
            AxisJson::Regular {
                bins,
                low,
                high,
                title,
            } => (Axis::regular(*bins, *low, *high).map_err(bad)?, title),
            AxisJson::Variable { edges, title } => {
                (Axis::variable(edges.clone()).map_err(bad)?, title)
            }
            AxisJson::Integer { low, high, title } => {
                (Axis::integer(*low, *high).map_err(bad)?, title)
            }
            AxisJson::Category { labels, title } => {
                (Axis::category(labels.clone()).map_err(bad)?, title)
            }
        };
        Ok(axis.with_title(title.clone()))
    }
}

/// The on-disk form of a [`Hist1D`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hist1DJson {
    pub edges: Vec<f64>,
    pub values: Vec<f64>,
    pub variances: Vec<f64>,
    pub underflow: f64,
    pub overflow: f64,
    #[serde(default)]
    pub underflow_variance: f64,
    #[serde(default)]
    pub overflow_variance: f64,
    #[serde(default)]
    pub entries: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axis: Option<AxisJson>,
}

impl From<&Hist1D> for Hist1DJson {
    fn from(h: &Hist1D) -> Self {
        let (w, w2) = (h.values_with_flow(), h.variances_with_flow());
        Hist1DJson {
            edges: h.edges(),
            values: h.values().to_vec(),
            variances: h.variances().to_vec(),
            underflow: w[0],
            overflow: w[w.len() - 1],
            underflow_variance: w2[0],
            overflow_variance: w2[w2.len() - 1],
            entries: h.entries(),
            title: h.title.clone(),
            axis: Some(h.axis().into()),
        }
    }
}

impl TryFrom<Hist1DJson> for Hist1D {
    type Error = HistError;

    fn try_from(j: Hist1DJson) -> Result<Self, HistError> {
        let axis = match &j.axis {
            Some(a) => a.to_axis("axis")?,
            None => Axis::variable(j.edges.clone())
                .map_err(|e| HistError::InvalidJson(format!("`edges`: {e}")))?,
        };
        let n = axis.bins();
        if j.edges.len() != n + 1 {
            return Err(HistError::InvalidJson(format!(
                "`edges` has {} numbers but the axis has {n} bins (expected {})",
                j.edges.len(),
                n + 1
            )));
        }
        if j.axis.is_some() {
            let expected = axis.edges();
            if let Some(i) = (0..=n).find(|&i| !close(j.edges[i], expected[i])) {
                return Err(HistError::InvalidJson(format!(
                    "`edges[{i}]` = {} disagrees with `axis` ({})",
                    j.edges[i], expected[i]
                )));
            }
        }
        for (field, v) in [("values", &j.values), ("variances", &j.variances)] {
            if v.len() != n {
                return Err(HistError::InvalidJson(format!(
                    "`{field}` has {} numbers, expected {n} (one per bin)",
                    v.len()
                )));
            }
        }
        let with_flow = |under: f64, inner: &[f64], over: f64| {
            let mut v = Vec::with_capacity(n + 2);
            v.push(under);
            v.extend_from_slice(inner);
            v.push(over);
            v
        };
        let mut h = Hist1D::from_parts(
            axis,
            with_flow(j.underflow, &j.values, j.overflow),
            with_flow(j.underflow_variance, &j.variances, j.overflow_variance),
        )?;
        h.set_entries(j.entries);
        h.title = j.title;
        Ok(h)
    }
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
}

impl Serialize for Hist1D {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Hist1DJson::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Hist1D {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = Hist1DJson::deserialize(d)?;
        Hist1D::try_from(j).map_err(serde::de::Error::custom)
    }
}

/// The on-disk form of a [`Hist2D`]: ordinary bins as rows over x, and the full flow-inclusive arrays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hist2DJson {
    pub x_edges: Vec<f64>,
    pub y_edges: Vec<f64>,
    pub values: Vec<Vec<f64>>,
    pub variances: Vec<Vec<f64>>,
    pub values_with_flow: Vec<Vec<f64>>,
    pub variances_with_flow: Vec<Vec<f64>>,
    #[serde(default)]
    pub entries: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_axis: Option<AxisJson>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_axis: Option<AxisJson>,
}

impl From<&Hist2D> for Hist2DJson {
    fn from(h: &Hist2D) -> Self {
        let nyf = h.y_axis().bins_with_flow();
        let rows = |d: &[f64]| d.chunks(nyf).map(<[f64]>::to_vec).collect();
        Hist2DJson {
            x_edges: h.x_axis().edges(),
            y_edges: h.y_axis().edges(),
            values: h.values(),
            variances: h.variances(),
            values_with_flow: rows(h.values_with_flow()),
            variances_with_flow: rows(h.variances_with_flow()),
            entries: h.entries(),
            title: h.title.clone(),
            x_axis: Some(h.x_axis().into()),
            y_axis: Some(h.y_axis().into()),
        }
    }
}

impl TryFrom<Hist2DJson> for Hist2D {
    type Error = HistError;

    fn try_from(j: Hist2DJson) -> Result<Self, HistError> {
        let axis = |a: &Option<AxisJson>, edges: &[f64], field: &str| match a {
            Some(a) => a.to_axis(field),
            None => Axis::variable(edges.to_vec())
                .map_err(|e| HistError::InvalidJson(format!("`{field}`: {e}"))),
        };
        let x = axis(&j.x_axis, &j.x_edges, "x_axis")?;
        let y = axis(&j.y_axis, &j.y_edges, "y_axis")?;
        let (nxf, nyf) = (x.bins_with_flow(), y.bins_with_flow());
        let flat = |rows: &[Vec<f64>], field: &str| -> Result<Vec<f64>, HistError> {
            if rows.len() != nxf {
                return Err(HistError::InvalidJson(format!(
                    "`{field}` has {} rows, expected {nxf}",
                    rows.len()
                )));
            }
            if let Some(r) = rows.iter().position(|r| r.len() != nyf) {
                return Err(HistError::InvalidJson(format!(
                    "`{field}[{r}]` has {} numbers, expected {nyf}",
                    rows[r].len()
                )));
            }
            Ok(rows.concat())
        };
        let w = flat(&j.values_with_flow, "values_with_flow")?;
        let w2 = flat(&j.variances_with_flow, "variances_with_flow")?;
        let mut h = Hist2D::from_parts(x, y, w, w2)?;
        h.set_entries(j.entries);
        h.title = j.title;
        Ok(h)
    }
}

impl Serialize for Hist2D {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Hist2DJson::from(self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Hist2D {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let j = Hist2DJson::deserialize(d)?;
        Hist2D::try_from(j).map_err(serde::de::Error::custom)
    }
}

impl Hist1D {
    /// Compact JSON of this histogram.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("histograms serialise to JSON")
    }

    /// Decodes a histogram written by [`Hist1D::to_json`] (or any document in that layout).
    pub fn from_json(text: &str) -> Result<Self, HistError> {
        serde_json::from_str(text).map_err(|e| HistError::InvalidJson(e.to_string()))
    }
}

impl Hist2D {
    /// Compact JSON of this histogram.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("histograms serialise to JSON")
    }

    /// Decodes a 2D histogram in the layout of [`Hist2D::to_json`].
    pub fn from_json(text: &str) -> Result<Self, HistError> {
        serde_json::from_str(text).map_err(|e| HistError::InvalidJson(e.to_string()))
    }
}
