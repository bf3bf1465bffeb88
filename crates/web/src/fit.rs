//! The demo's bump hunt as the page shows it: the fit's numbers and its curves at the bin centres.

use serde::Serialize;

/// The page's view of a bump fit.
#[derive(Debug, Serialize)]
pub struct FitJson {
    pub mu: f64,
    pub mu_error: f64,
    pub significance: f64,
    pub expected_significance: f64,
    /// Fitted background, and background + μ × signal, at the bin centres.
    pub background: Vec<f64>,
    pub total: Vec<f64>,
}

impl FitJson {
    pub fn of(fit: &hepkey_stats::bump::BumpFit, centres: &[f64], signal: &[f64]) -> FitJson {
        let background: Vec<f64> = centres.iter().map(|x| fit.background_at(*x)).collect();
        let total = background
            .iter()
            .zip(signal)
            .map(|(b, s)| b + fit.mu * s)
            .collect();
        FitJson {
            mu: fit.mu,
            mu_error: fit.mu_error,
            significance: fit.significance,
            expected_significance: fit.expected_significance,
            background,
            total,
        }
    }
}
