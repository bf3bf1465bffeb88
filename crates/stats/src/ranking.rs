//! Pulls and ranking: the impact of each nuisance parameter on the POI, as cabinetry
//! computes it: refit with the parameter held at its best fit ± its post-fit
//! uncertainty (post-fit impact) and ± its pre-fit constraint width (pre-fit impact).

use crate::error::Result;
use crate::fit::{fit, FitOptions, FitResult};
use crate::likelihood::Data;
use crate::model::Model;

/// Pull and impacts of one parameter component.
#[derive(Debug, Clone)]
pub struct Impact {
    pub label: String,
    pub index: usize,
    pub bestfit: f64,
    pub uncertainty: f64,
    /// Pull (θ̂ − θ0)/σ_prefit for constrained parameters.
    pub pull: Option<f64>,
    /// Δμ̂ with the parameter at θ̂ + σ_prefit / θ̂ − σ_prefit (constrained only).
    pub prefit_up: Option<f64>,
    pub prefit_down: Option<f64>,
    /// Δμ̂ with the parameter at θ̂ + σ̂ / θ̂ − σ̂.
    pub postfit_up: f64,
    pub postfit_down: f64,
}

/// Impacts of every free parameter except the POI, largest post-fit impact first.
pub fn ranking(model: &Model, data: &Data) -> Result<(FitResult, Vec<Impact>)> {
    let poi = model.require_poi()?;
    let nominal = fit(
        model,
        data,
        &FitOptions {
            uncertainties: true,
            ..Default::default()
        },
    )?;
    let unc = nominal.uncertainties.clone().unwrap_or_default();
    let fixed = model.suggested_fixed();
    let labels = model.par_names();
    let mut jobs: Vec<(usize, Option<f64>, Option<f64>, f64)> = Vec::new();
    for p in &model.paramsets {
        for c in 0..p.len() {
            let i = p.offset + c;
            if i == poi || fixed[i] {
                continue;
            }
            let (pull, width) = match (p.prefit_centre(c), p.prefit_width(c)) {
                (Some(centre), Some(w)) => (Some((nominal.bestfit[i] - centre) / w), Some(w)),
                _ => (None, None),
            };
            jobs.push((i, pull, width, unc[i]));
        }
    }
    let mu_hat = nominal.bestfit[poi];
    let bounds = model.suggested_bounds();
    let refit = |i: usize, value: f64| -> Result<f64> {
        let v = value.clamp(bounds[i].0, bounds[i].1);
        let r = fit(
            model,
            data,
            &FitOptions {
                fix: vec![(i, v)],
                ..Default::default()
            },
        )?;
        Ok(r.bestfit[poi] - mu_hat)
    };
    let one =
        |&(i, pull, width, sigma): &(usize, Option<f64>, Option<f64>, f64)| -> Result<Impact> {
            let theta = nominal.bestfit[i];
            let (prefit_up, prefit_down) = match width {
                Some(w) => (Some(refit(i, theta + w)?), Some(refit(i, theta - w)?)),
                None => (None, None),
            };
            Ok(Impact {
                label: labels[i].clone(),
                index: i,
                bestfit: theta,
                uncertainty: sigma,
                pull,
                prefit_up,
                prefit_down,
                postfit_up: refit(i, theta + sigma)?,
                postfit_down: refit(i, theta - sigma)?,
            })
        };
    #[cfg(feature = "native")]
    let impacts: Vec<Impact> = {
        use rayon::prelude::*;
        jobs.par_iter().map(one).collect::<Result<Vec<_>>>()?
    };
    #[cfg(not(feature = "native"))]
    let impacts: Vec<Impact> = jobs.iter().map(one).collect::<Result<Vec<_>>>()?;
    let mut impacts = impacts;
    impacts.sort_by(|a, b| {
        let ia = a.postfit_up.abs().max(a.postfit_down.abs());
        let ib = b.postfit_up.abs().max(b.postfit_down.abs());
        ib.total_cmp(&ia).then(a.index.cmp(&b.index))
    });
    Ok((nominal, impacts))
}
