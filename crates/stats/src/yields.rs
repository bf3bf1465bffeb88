//! Pre- and post-fit yield tables: per channel, sample and bin, with the total
//! uncertainty propagated from the parameter covariance as cabinetry does it.

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
    /// Uncertainty of the sum over the channel's bins (bins are correlated
    /// through the parameters, so not the quadratic sum of the bins').
    pub sum_uncertainty: f64,
    pub data: Vec<f64>,
}

impl ChannelYields {
    /// The model's sum over the channel's bins.
    pub fn total_sum(&self) -> f64 {
        self.total.iter().sum()
    }

    /// The observed sum over the channel's bins.
    pub fn data_sum(&self) -> f64 {
        self.data.iter().sum()
    }
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

/// Yields at `pars` with uncertainties from `cov` (row-major n_pars²), propagated as
/// cabinetry does (`model_utils.yield_stdev`): each parameter is moved by ±1σ, the
/// half-difference of the two predictions is its effect, and the effects are combined
/// with the correlation matrix. Finite ±1σ shifts (rather than a Jacobian) keep the
/// non-linearity of the interpolation over that range, and match cabinetry's tables.
pub fn yield_table(model: &Model, data: &Data, pars: &[f64], cov: &[f64]) -> Vec<ChannelYields> {
    let n = model.n_pars();
    let nominal = model.expected_main(pars);
    let nb = nominal.len();
    let sigma: Vec<f64> = (0..n).map(|i| cov[i * n + i].max(0.0).sqrt()).collect();
    let moved: Vec<usize> = (0..n).filter(|&i| sigma[i] > 0.0).collect();
    let mut effects = vec![vec![0.0; nb]; moved.len()];
    let mut p = pars.to_vec();
    for (k, &i) in moved.iter().enumerate() {
        p[i] = pars[i] + sigma[i];
        let up = model.expected_main(&p);
        p[i] = pars[i] - sigma[i];
        let down = model.expected_main(&p);
        p[i] = pars[i];
        for b in 0..nb {
            effects[k][b] = 0.5 * (up[b] - down[b]);
        }
    }
    // A parameter's effect on a channel's sum is the sum of its effects on the
    // bins, as cabinetry's `total_stdev_model_channels`.
    let channel_effects: Vec<Vec<f64>> = effects
        .iter()
        .map(|e| {
            model
                .channels
                .iter()
                .map(|c| e[c.offset..c.offset + c.nbins].iter().sum())
                .collect()
        })
        .collect();
    let nc = model.channels.len();
    let mut var = vec![0.0; nb];
    let mut sum_var = vec![0.0; nc];
    for (a, &i) in moved.iter().enumerate() {
        for (c, &j) in moved.iter().enumerate() {
            let corr = cov[i * n + j] / (sigma[i] * sigma[j]);
            if corr == 0.0 {
                continue;
            }
            for b in 0..nb {
                var[b] += effects[a][b] * corr * effects[c][b];
            }
            for (ci, v) in sum_var.iter_mut().enumerate() {
                *v += channel_effects[a][ci] * corr * channel_effects[c][ci];
            }
        }
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
                total_uncertainty: var[range.clone()]
                    .iter()
                    .map(|v| v.max(0.0).sqrt())
                    .collect(),
                sum_uncertainty: sum_var[ci].max(0.0).sqrt(),
                data: data.main[range].to_vec(),
            }
        })
        .collect()
}
