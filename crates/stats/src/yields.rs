//! Pre- and post-fit yield tables: per channel, sample and bin, with the total
//! uncertainty propagated from the parameter covariance (J C Jᵀ).

use crate::likelihood::Data;
use crate::model::Model;

/// Yields of one channel.
#[derive(Debug, Clone)]
pub struct ChannelYields {
    pub name: String,
    /// (sample name, yields per bin).
    pub samples: Vec<(String, Vec<f64>)>,
    pub total: Vec<f64>,
    pub total_uncertainty: Vec<f64>,
    pub data: Vec<f64>,
}

/// Pre-fit covariance: diagonal with the constraint widths (0 for free parameters).
pub fn prefit_covariance(model: &Model) -> Vec<f64> {
    let n = model.n_pars();
    let fixed = model.suggested_fixed();
    let mut cov = vec![0.0; n * n];
    for p in &model.paramsets {
        for c in 0..p.len() {
            let i = p.offset + c;
            if let (Some(w), false) = (p.prefit_width(c), fixed[i]) {
                cov[i * n + i] = w * w;
            }
        }
    }
    cov
}

/// Yields at `pars` with uncertainties from `cov` (row-major n_pars²).
pub fn yield_table(model: &Model, data: &Data, pars: &[f64], cov: &[f64]) -> Vec<ChannelYields> {
    let n = model.n_pars();
    let nominal = model.expected_main(pars);
    // Jacobian of the total rates by central differences.
    let mut jac = vec![0.0; n * nominal.len()];
    let bounds = model.suggested_bounds();
    for i in 0..n {
        if cov[i * n + i] == 0.0 {
            continue;
        }
        let h = 1e-5 * pars[i].abs().max(1e-2);
        let mut p = pars.to_vec();
        p[i] = (pars[i] + h).min(bounds[i].1.max(pars[i] + h));
        let up = model.expected_main(&p);
        p[i] = pars[i] - h;
        let down = model.expected_main(&p);
        for b in 0..nominal.len() {
            jac[i * nominal.len() + b] = (up[b] - down[b]) / (2.0 * h);
        }
    }
    let nb = nominal.len();
    let mut var = vec![0.0; nb];
    for b in 0..nb {
        let mut v = 0.0;
        for i in 0..n {
            let ji = jac[i * nb + b];
            if ji == 0.0 {
                continue;
            }
            for j in 0..n {
                v += ji * cov[i * n + j] * jac[j * nb + b];
            }
        }
        var[b] = v.max(0.0);
    }
    let by_sample = model.expected_by_sample(pars);
    model
        .channels
        .iter()
        .enumerate()
        .map(|(ci, c)| {
            let range = c.offset..c.offset + c.nbins;
            ChannelYields {
                name: c.name.clone(),
                samples: by_sample
                    .iter()
                    .filter(|(ch, _, _)| *ch == ci)
                    .map(|(_, s, r)| (model.samples[*s].clone(), r.clone()))
                    .collect(),
                total: nominal[range.clone()].to_vec(),
                total_uncertainty: var[range.clone()].iter().map(|v| v.sqrt()).collect(),
                data: data.main[range].to_vec(),
            }
        })
        .collect()
}
