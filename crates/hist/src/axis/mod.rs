//! Axes: how a value maps to a bin.
//!
//! Every axis has an underflow bin (index 0), `bins()` ordinary bins (1..=bins) and an overflow bin
//! (bins + 1), so storage is always `bins + 2` long per dimension, like boost-histogram's `view(flow=True)`
//! and ROOT's bin numbering.

mod category;
mod integer;
mod regular;
mod variable;

pub use category::CategoryAxis;
pub use integer::IntegerAxis;
pub use regular::RegularAxis;
pub use variable::VariableAxis;

use crate::error::Result;

/// The binning of one dimension.
#[derive(Debug, Clone, PartialEq)]
pub enum Binning {
    Regular(RegularAxis),
    Variable(VariableAxis),
    Integer(IntegerAxis),
    Category(CategoryAxis),
}

/// An axis: a binning plus a title for plots and ROOT files (e.g. `"H_T [GeV]"`).
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub binning: Binning,
    pub title: String,
}

impl Axis {
    /// `bins` equal bins over `[low, high)`.
    pub fn regular(bins: usize, low: f64, high: f64) -> Result<Self> {
        Ok(Binning::Regular(RegularAxis::new(bins, low, high)?).into())
    }

    /// Bins between the given increasing edges.
    pub fn variable(edges: impl Into<Vec<f64>>) -> Result<Self> {
        Ok(Binning::Variable(VariableAxis::new(edges.into())?).into())
    }

    /// One bin per integer in `[low, high)`.
    pub fn integer(low: i64, high: i64) -> Result<Self> {
        Ok(Binning::Integer(IntegerAxis::new(low, high)?).into())
    }

    /// One bin per label.
    pub fn category<S: Into<String>>(labels: impl IntoIterator<Item = S>) -> Result<Self> {
        let labels = labels.into_iter().map(Into::into).collect();
        Ok(Binning::Category(CategoryAxis::new(labels)?).into())
    }

    /// The same axis with a title.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Number of ordinary bins (without flow).
    pub fn bins(&self) -> usize {
        match &self.binning {
            Binning::Regular(a) => a.bins(),
            Binning::Variable(a) => a.bins(),
            Binning::Integer(a) => a.bins(),
            Binning::Category(a) => a.bins(),
        }
    }

    /// Number of bins including under- and overflow.
    pub fn bins_with_flow(&self) -> usize {
        self.bins() + 2
    }

    /// Bin edges (`bins + 1` numbers); for categories the nominal edges `0..=bins`.
    pub fn edges(&self) -> Vec<f64> {
        match &self.binning {
            Binning::Regular(a) => a.edges(),
            Binning::Variable(a) => a.edges().to_vec(),
            Binning::Integer(a) => a.edges(),
            Binning::Category(a) => a.edges(),
        }
    }

    /// Bin centres (`bins` numbers).
    pub fn centers(&self) -> Vec<f64> {
        self.edges()
            .windows(2)
            .map(|w| 0.5 * (w[0] + w[1]))
            .collect()
    }

    /// Labels of a category axis.
    pub fn labels(&self) -> Option<&[String]> {
        match &self.binning {
            Binning::Category(a) => Some(a.labels()),
            _ => None,
        }
    }

    /// Flow-inclusive index of a number (0 underflow, bins + 1 overflow and NaN). A category axis sends
    /// every number to its overflow; use [`Axis::index_label`] for it.
    #[inline]
    pub fn index(&self, x: f64) -> usize {
        match &self.binning {
            Binning::Regular(a) => a.index(x),
            Binning::Variable(a) => a.index(x),
            Binning::Integer(a) => a.index(x),
            Binning::Category(a) => a.bins() + 1,
        }
    }

    /// Flow-inclusive index of a label on a category axis; `None` for numeric axes.
    pub fn index_label(&self, label: &str) -> Option<usize> {
        match &self.binning {
            Binning::Category(a) => Some(a.index(label)),
            _ => None,
        }
    }

    /// Whether two axes bin identically (titles are ignored). Regular axes compare their parameters
    /// exactly, so two axes whose edges differ by rounding are not the same binning.
    pub fn same_binning(&self, other: &Axis) -> bool {
        self.binning == other.binning
    }

    /// A short human description, used in error messages.
    pub fn describe(&self) -> String {
        match &self.binning {
            Binning::Regular(a) => format!("regular({} bins, {}, {})", a.bins(), a.low(), a.high()),
            Binning::Variable(a) => format!("variable({:?})", a.edges()),
            Binning::Integer(a) => format!("integer({}, {})", a.low(), a.high()),
            Binning::Category(a) => format!("category({:?})", a.labels()),
        }
    }
}

impl From<Binning> for Axis {
    fn from(binning: Binning) -> Self {
        Axis {
            binning,
            title: String::new(),
        }
    }
}
