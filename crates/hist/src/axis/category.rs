//! Named bins (process names, regions, systematic variations).

use crate::error::{HistError, Result};

/// One bin per label; values that are not among the labels go to the overflow bin, as in
/// boost-histogram's `StrCategory`. The underflow bin exists for a uniform layout and stays empty.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryAxis {
    labels: Vec<String>,
}

impl CategoryAxis {
    /// Distinct, non-empty list of labels.
    pub fn new(labels: Vec<String>) -> Result<Self> {
        if labels.is_empty() {
            return Err(HistError::InvalidAxis(
                "a category axis needs at least one label".into(),
            ));
        }
        for (i, l) in labels.iter().enumerate() {
            if labels[..i].contains(l) {
                return Err(HistError::InvalidAxis(format!(
                    "category label {l:?} appears twice"
                )));
            }
        }
        Ok(Self { labels })
    }

    /// Number of labels.
    pub fn bins(&self) -> usize {
        self.labels.len()
    }

    /// The labels in bin order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Flow-inclusive index of a label: 1..=bins, or bins + 1 when unknown.
    pub fn index(&self, label: &str) -> usize {
        self.labels
            .iter()
            .position(|l| l == label)
            .map_or(self.labels.len() + 1, |i| i + 1)
    }

    /// Nominal edges `0, 1, ..., bins` used where a numeric axis is expected (plots, JSON).
    pub fn edges(&self) -> Vec<f64> {
        (0..=self.labels.len()).map(|v| v as f64).collect()
    }
}
