//! Histogram JSON files: `{key: {"contents": [...], "edges": [...], "variances"?: [...]}}`
//! (the AGC layout; `contents` may include under- and overflow bins), optionally
//! nested under a top-level `"histograms"` key; or the `histograms.json` of `hepkey run`,
//! whose in-range bins are `"values"` (its flow bins and axis are kept apart and ignored here).

use crate::error::{Error, Result};
use crate::workspace::reader::{child, Reader};
use serde_json::Value;
use std::collections::BTreeMap;

/// One histogram: in-range contents and variances (flow bins dropped).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    pub edges: Vec<f64>,
    pub contents: Vec<f64>,
    pub variances: Option<Vec<f64>>,
}

/// All histograms of a file by key.
#[derive(Debug, Clone, Default)]
pub struct HistogramSet {
    pub histograms: BTreeMap<String, Histogram>,
    pub source_name: String,
}

impl HistogramSet {
    pub fn from_str(text: &str, source_name: &str) -> Result<HistogramSet> {
        let v: Value = serde_json::from_str(text).map_err(|e| Error::Json {
            source_name: source_name.into(),
            message: e.to_string(),
        })?;
        let r = Reader::new(source_name);
        let (root, base) = match v.get("histograms") {
            Some(h) => (h, "/histograms".to_string()),
            None => (&v, String::new()),
        };
        let map = r.object(root, &base, &[], &[], false)?;
        let mut histograms = BTreeMap::new();
        for (key, h) in map {
            let path = child(&base, key);
            let o = r.object(h, &path, &["edges"], &[], false)?;
            let contents_key = ["contents", "values"]
                .into_iter()
                .find(|k| o.contains_key(*k));
            let Some(contents_key) = contents_key else {
                return r.fail(
                    &path,
                    "a histogram with \"contents\" or \"values\"".to_string(),
                );
            };
            let edges = r.numbers(&o["edges"], &child(&path, "edges"), 2)?;
            let nb = edges.len() - 1;
            let strip = |vals: Vec<f64>, what: &str| -> Result<Vec<f64>> {
                if vals.len() == nb {
                    Ok(vals)
                } else if vals.len() == nb + 2 {
                    Ok(vals[1..=nb].to_vec())
                } else {
                    r.fail(
                        &child(&path, what),
                        format!(
                            "{nb} values (one per bin) or {} (with under/overflow)",
                            nb + 2
                        ),
                    )
                }
            };
            let contents = strip(
                r.numbers(&o[contents_key], &child(&path, contents_key), 1)?,
                contents_key,
            )?;
            let variances = match o.get("variances") {
                Some(vv) => Some(strip(
                    r.numbers(vv, &child(&path, "variances"), 1)?,
                    "variances",
                )?),
                None => None,
            };
            histograms.insert(
                key.clone(),
                Histogram {
                    edges,
                    contents,
                    variances,
                },
            );
        }
        Ok(HistogramSet {
            histograms,
            source_name: source_name.into(),
        })
    }

    pub fn get(&self, key: &str) -> Result<&Histogram> {
        self.histograms.get(key).ok_or_else(|| Error::Config {
            source_name: self.source_name.clone(),
            message: format!("no histogram {key:?} in the file"),
        })
    }
}

impl Histogram {
    /// Merges bins to the target edges (each must be one of the histogram's edges).
    pub fn rebin(&self, target: &[f64], key: &str) -> Result<Histogram> {
        let find = |x: f64| -> Result<usize> {
            self.edges
                .iter()
                .position(|e| (e - x).abs() <= 1e-9 * (1.0 + x.abs()))
                .ok_or_else(|| Error::Config {
                    source_name: key.into(),
                    message: format!(
                        "binning edge {x} is not an edge of the histogram ({:?})",
                        self.edges
                    ),
                })
        };
        let idx: Vec<usize> = target.iter().map(|&x| find(x)).collect::<Result<_>>()?;
        let sum = |v: &[f64]| -> Vec<f64> {
            idx.windows(2).map(|w| v[w[0]..w[1]].iter().sum()).collect()
        };
        Ok(Histogram {
            edges: target.to_vec(),
            contents: sum(&self.contents),
            variances: self.variances.as_ref().map(|v| sum(v)),
        })
    }
}
