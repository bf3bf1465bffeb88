//! staterror: one factor gamma_b per bin shared by all samples carrying the
//! modifier name, Gauss(1 | gamma_b, sigma_b) with the combined relative
//! uncertainty sigma_b = sqrt(Σ_s delta_sb²) / Σ_s nominal_sb over those samples.
//! Bins with sigma_b = 0 get sigma 1 and are held fixed.
use super::{Carrier, Draft};
use crate::model::parameters::{Constraint, ModifierType};
use crate::model::BinFactors;
use crate::workspace::ModifierData;

/// The parameter set over `nbins` bins from every sample carrying the modifier.
pub(crate) fn draft(nbins: usize, carriers: &[Carrier]) -> Draft {
    // (nominal, absolute uncertainty) of each carrier.
    let contributions: Vec<(&[f64], &[f64])> = carriers
        .iter()
        .filter_map(|c| match c.data {
            ModifierData::StatError(unc) => Some((c.sample.data.as_slice(), unc.as_slice())),
            _ => None,
        })
        .collect();
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

/// Bin b of the sample times component b.
pub(crate) fn effect(first_par: usize) -> BinFactors {
    BinFactors { first_par }
}
