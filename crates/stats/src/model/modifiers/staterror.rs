//! staterror: one factor gamma_b per bin shared by all samples carrying the
//! modifier name, Gauss(1 | gamma_b, sigma_b) with the combined relative
//! uncertainty sigma_b = sqrt(Σ_s delta_sb²) / Σ_s nominal_sb over those samples.
//! Bins with sigma_b = 0 get sigma 1 and are held fixed.
use super::Draft;
use crate::model::parameters::{Constraint, ModifierType};

/// `contributions`: (nominal, absolute uncertainty) of each sample carrying the modifier.
pub(crate) fn draft(nbins: usize, contributions: &[(&[f64], &[f64])]) -> Draft {
    let mut sigmas = Vec::with_capacity(nbins);
    let mut fixed = Vec::with_capacity(nbins);
    for b in 0..nbins {
        let total: f64 = contributions.iter().map(|(nom, _)| nom[b]).sum();
        let var: f64 = contributions.iter().map(|(_, d)| d[b] * d[b]).sum();
        let rel = if total > 0.0 { var.sqrt() / total } else { 0.0 };
        if rel == 0.0 {
            sigmas.push(1.0);
            fixed.push(true);
        } else {
            sigmas.push(rel);
            fixed.push(false);
        }
    }
    Draft {
        kind: ModifierType::StatError,
        inits: vec![1.0; nbins],
        bounds: vec![(1e-10, 10.0); nbins],
        fixed,
        auxdata: vec![1.0; nbins],
        constraint: Constraint::Normal { sigmas },
    }
}
