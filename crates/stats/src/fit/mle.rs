//! Free and POI-fixed maximum-likelihood fits (pyhf's `mle.fit` / `mle.fixed_poi_fit`).

use super::hessian::central_hessian;
use super::linalg::spd_inverse;
use super::minimizer::{minimize, MinimizerOptions, Minimum};
use super::structured::{
    exact_hessian, inverse_hessian, minimize_structured, HessianWork, Structure,
};
use crate::error::{Error, Result};
use crate::likelihood::{Data, Scratch};
use crate::model::Model;

/// What to fit: start values, extra fixed parameters, whether to compute errors.
#[derive(Debug, Clone, Default)]
pub struct FitOptions {
    /// Start values (default: the model's suggested init).
    pub init: Option<Vec<f64>>,
    /// Parameters held at a value (on top of the model's fixed ones).
    pub fix: Vec<(usize, f64)>,
    /// Compute uncertainties and the covariance from the Hessian.
    pub uncertainties: bool,
    pub minimizer: MinimizerOptions,
}

/// The result of a fit.
#[derive(Debug, Clone)]
pub struct FitResult {
    pub bestfit: Vec<f64>,
    /// −2 log L at the best fit.
    pub twice_nll: f64,
    /// Uncertainties (0 for fixed parameters), when requested.
    pub uncertainties: Option<Vec<f64>>,
    /// Covariance matrix (row-major, n_pars²), when requested.
    pub covariance: Option<Vec<f64>>,
    pub iterations: usize,
    pub evaluations: usize,
}

impl FitResult {
    /// Correlation matrix (row-major), when the covariance is known.
    pub fn correlations(&self) -> Option<Vec<f64>> {
        let cov = self.covariance.as_ref()?;
        let n = self.bestfit.len();
        let mut out = vec![0.0; n * n];
        for i in 0..n {
            for j in 0..n {
                let d = (cov[i * n + i] * cov[j * n + j]).sqrt();
                out[i * n + j] = if d > 0.0 {
                    cov[i * n + j] / d
                } else if i == j {
                    1.0
                } else {
                    0.0
                };
            }
        }
        Some(out)
    }
}

/// Free fit with the model's bounds and fixed parameters.
pub fn fit(model: &Model, data: &Data, options: &FitOptions) -> Result<FitResult> {
    let n = model.n_pars();
    let mut x0 = options
        .init
        .clone()
        .unwrap_or_else(|| model.suggested_init());
    if x0.len() != n {
        return Err(Error::InvalidInput(format!(
            "init has {} values, the model has {n} parameters",
            x0.len()
        )));
    }
    let bounds = model.suggested_bounds();
    let mut fixed = model.suggested_fixed();
    for &(i, v) in &options.fix {
        fixed[i] = true;
        x0[i] = v;
    }
    // The minimiser sees only the free parameters.
    let free: Vec<usize> = (0..n).filter(|&i| !fixed[i]).collect();
    let lower: Vec<f64> = free.iter().map(|&i| bounds[i].0).collect();
    let upper: Vec<f64> = free.iter().map(|&i| bounds[i].1).collect();
    let start: Vec<f64> = free.iter().map(|&i| x0[i]).collect();
    if free.len() > DENSE_LIMIT {
        return fit_structured(model, data, options, free, x0, lower, upper, start);
    }
    let mut full = x0.clone();
    let mut full_grad = vec![0.0; n];
    let mut scratch = Scratch::default();
    let mut objective = |x: &[f64], g: &mut [f64]| -> f64 {
        for (k, &i) in free.iter().enumerate() {
            full[i] = x[k];
        }
        let v = model.twice_nll_grad(&full, data, &mut full_grad, &mut scratch);
        for (k, &i) in free.iter().enumerate() {
            g[k] = full_grad[i];
        }
        v
    };
    let m = minimize(&mut objective, &start, &lower, &upper, &options.minimizer);
    check_converged(&m)?;
    let mut bestfit = x0.clone();
    for (k, &i) in free.iter().enumerate() {
        bestfit[i] = m.x[k];
    }
    let mut evaluations = m.evaluations;
    let (uncertainties, covariance) = if options.uncertainties {
        let nf = free.len();
        let mut g0 = vec![0.0; nf];
        objective(&m.x, &mut g0);
        let h = central_hessian(&mut objective, &m.x, &g0, &lower, &upper, &mut evaluations);
        let inv = spd_inverse(&h, nf).ok_or_else(not_positive_definite)?;
        let cov = expand_covariance(n, &free, |a, b| inv[a * nf + b]);
        let unc = (0..n).map(|i| cov[i * n + i].max(0.0).sqrt()).collect();
        (Some(unc), Some(cov))
    } else {
        (None, None)
    };
    Ok(FitResult {
        bestfit,
        twice_nll: m.fval,
        uncertainties,
        covariance,
        iterations: m.iterations,
        evaluations,
    })
}

/// Above this many free parameters the fit uses the exact Hessian in arrowhead form
/// (`structured`); below, the dense finite-difference Newton path, whose cost is
/// negligible there (published likelihoods like sbottom and AGC have < 100).
const DENSE_LIMIT: usize = 100;

/// Dense covariance only up to this many free parameters (8·n² bytes: 72 MB at 3,000);
/// above, uncertainties only.
const DENSE_COVARIANCE_LIMIT: usize = 3000;

fn check_converged(m: &Minimum) -> Result<()> {
    if !m.converged || !m.fval.is_finite() {
        return Err(Error::FailedMinimization(format!(
            "{} after {} iterations (−2 log L = {})",
            m.message, m.iterations, m.fval
        )));
    }
    Ok(())
}

fn not_positive_definite() -> Error {
    Error::FailedMinimization(
        "the Hessian at the minimum is not positive definite: uncertainties are undefined".into(),
    )
}

/// Covariance over all parameters (0 for fixed ones) from the inverse Hessian of −2 log L
/// over the free ones: 2 H⁻¹ (errordef 1 on −log L).
fn expand_covariance(n: usize, free: &[usize], inv: impl Fn(usize, usize) -> f64) -> Vec<f64> {
    let mut cov = vec![0.0; n * n];
    for (a, &i) in free.iter().enumerate() {
        for (b, &j) in free.iter().enumerate() {
            cov[i * n + j] = 2.0 * inv(a, b);
        }
    }
    cov
}

/// The large-model path of [`fit`]: Newton on the exact, arrowhead-structured Hessian.
#[allow(clippy::too_many_arguments)]
fn fit_structured(
    model: &Model,
    data: &Data,
    options: &FitOptions,
    free: Vec<usize>,
    mut full: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    start: Vec<f64>,
) -> Result<FitResult> {
    let n = model.n_pars();
    let st = Structure::new(model, &free);
    let hfull_start = full.clone();
    let mut full_grad = vec![0.0; n];
    let mut scratch = Scratch::default();
    let mut hfull = full.clone();
    let mut work = HessianWork::default();
    let mut hessian = |x: &[f64], h: &mut super::structured::Arrow| {
        for (k, &i) in free.iter().enumerate() {
            hfull[i] = x[k];
        }
        exact_hessian(model, data, &hfull, &st, h, &mut work);
    };
    let mut objective = |x: &[f64], g: &mut [f64]| -> f64 {
        for (k, &i) in free.iter().enumerate() {
            full[i] = x[k];
        }
        let v = model.twice_nll_grad(&full, data, &mut full_grad, &mut scratch);
        for (k, &i) in free.iter().enumerate() {
            g[k] = full_grad[i];
        }
        v
    };
    let m = minimize_structured(
        &mut objective,
        &mut hessian,
        &st,
        &start,
        &lower,
        &upper,
        &options.minimizer,
    );
    check_converged(&m)?;
    let mut bestfit = hfull_start;
    for (k, &i) in free.iter().enumerate() {
        bestfit[i] = m.x[k];
    }
    let (uncertainties, covariance) = if options.uncertainties {
        let mut h = st.new_arrow();
        hessian(&m.x, &mut h);
        let dense = free.len() <= DENSE_COVARIANCE_LIMIT;
        let (diag, inv) = inverse_hessian(&h, &st, dense).ok_or_else(not_positive_definite)?;
        let mut unc = vec![0.0; n];
        for (k, &i) in free.iter().enumerate() {
            unc[i] = (2.0 * diag[k]).max(0.0).sqrt();
        }
        let nf = free.len();
        let cov = inv.map(|inv| expand_covariance(n, &free, |a, b| inv[a * nf + b]));
        (Some(unc), cov)
    } else {
        (None, None)
    };
    Ok(FitResult {
        bestfit,
        twice_nll: m.fval,
        uncertainties,
        covariance,
        iterations: m.iterations,
        evaluations: m.evaluations,
    })
}

/// Fit with the POI held at `mu`.
pub fn fixed_poi_fit(
    model: &Model,
    data: &Data,
    mu: f64,
    options: &FitOptions,
) -> Result<FitResult> {
    let poi = model.require_poi()?;
    let mut opts = options.clone();
    opts.fix.push((poi, mu));
    fit(model, data, &opts)
}
