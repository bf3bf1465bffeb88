//! Bins with arbitrary increasing edges.

use std::cmp::Ordering;

use crate::error::{HistError, Result};

/// Bins `[e_i, e_{i+1})` for strictly increasing finite edges; the last edge belongs to the overflow.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableAxis {
    edges: Vec<f64>,
}

impl VariableAxis {
    /// At least two strictly increasing finite edges.
    pub fn new(edges: Vec<f64>) -> Result<Self> {
        if edges.len() < 2 {
            return Err(HistError::InvalidAxis(format!(
                "a variable axis needs at least 2 edges, got {}",
                edges.len()
            )));
        }
        if let Some(bad) = edges.iter().position(|e| !e.is_finite()) {
            return Err(HistError::InvalidAxis(format!(
                "edge {bad} is not finite ({})",
                edges[bad]
            )));
        }
        if let Some(i) = edges.windows(2).position(|w| w[0] >= w[1]) {
            return Err(HistError::InvalidAxis(format!(
                "edges must increase strictly, but edge {} ({}) >= edge {} ({})",
                i,
                edges[i],
                i + 1,
                edges[i + 1]
            )));
        }
        Ok(Self { edges })
    }

    /// Number of bins without flow.
    pub fn bins(&self) -> usize {
        self.edges.len() - 1
    }

    /// The edges.
    pub fn edges(&self) -> &[f64] {
        &self.edges
    }

    /// Flow-inclusive index. The predicate "x is not below e" counts edges at or below `x` and, being
    /// true for NaN, sends NaN to the overflow, as boost's `upper_bound` does.
    #[inline(always)]
    pub fn index(&self, x: f64) -> usize {
        self.edges
            .partition_point(|&e| x.partial_cmp(&e) != Some(Ordering::Less))
    }
}
