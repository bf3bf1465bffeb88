//! The asymptotic calculator (Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727), as
//! pyhf's `AsymptoticCalculator` with `calc_base_dist="normal"`.
//!
//! Per tested μ pyhf runs five fits; three of them (the free fit to data, the
//! Asimov-generating fit and the free fit to Asimov data) do not depend on μ, so
//! they are done once here and each new μ costs two POI-fixed fits, warm-started
//! from the nearest μ already tested.

use super::normal::{normal_cdf, sf_ratio};
use super::test_statistics::TestStatistic;
use crate::error::{Error, Result};
use crate::fit::{fit, fixed_poi_fit, FitOptions, FitResult};
use crate::likelihood::Data;
use crate::model::Model;

/// Below this q_A the data carry no information on μ: every CLs is ≥ 0.999 and
/// pyhf's formula turns into 0/0 (NaN). Reported as [`Sensitivity::None`].
pub const MIN_ASIMOV_QMU: f64 = 1e-6;

/// Whether the test had any power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sensitivity {
    /// Normal case.
    Normal,
    /// q_A ≈ 0: the signal does not change the likelihood; CLs reported as 1.
    None,
}

/// Result of one hypothesis test.
#[derive(Debug, Clone)]
pub struct HypotestResult {
    pub mu: f64,
    pub cls_obs: f64,
    /// Expected CLs at −2σ, −1σ, median, +1σ, +2σ (smallest to largest).
    pub cls_exp: [f64; 5],
    pub clsb_obs: f64,
    pub clb_obs: f64,
    /// CLs+b of the expected band (the p-values for q0).
    pub clsb_exp: [f64; 5],
    pub q_obs: f64,
    pub q_asimov: f64,
    pub mu_hat: f64,
    pub sensitivity: Sensitivity,
}

/// Asymptotic hypothesis tests on one model and dataset.
pub struct AsymptoticCalculator<'a> {
    pub model: &'a Model,
    pub data: &'a Data,
    pub test_stat: TestStatistic,
    poi: usize,
    options: FitOptions,
    free_data: FitResult,
    asimov: Data,
    free_asimov: FitResult,
    /// Fixed-μ fits already done: (μ, fit to data, fit to Asimov).
    fixed: Vec<(f64, Vec<f64>, Vec<f64>)>,
    /// Start fixed-μ fits from the nearest tested μ instead of the suggested init.
    pub warm_start: bool,
}

impl<'a> AsymptoticCalculator<'a> {
    /// Runs the μ-independent fits.
    pub fn new(model: &'a Model, data: &'a Data, test_stat: TestStatistic) -> Result<Self> {
        let poi = model.require_poi()?;
        let options = FitOptions::default();
        let free_data = fit(model, data, &options)?;
        let asimov_fit = fixed_poi_fit(model, data, test_stat.asimov_mu(), &options)?;
        let asimov = model.expected_data(&asimov_fit.bestfit)?;
        let free_asimov = fit(
            model,
            &asimov,
            &FitOptions {
                init: None,
                ..options.clone()
            },
        )?;
        Ok(AsymptoticCalculator {
            model,
            data,
            test_stat,
            poi,
            options,
            free_data,
            asimov,
            free_asimov,
            fixed: Vec::new(),
            warm_start: false,
        })
    }

    /// The free fit to the observed data.
    pub fn free_fit(&self) -> &FitResult {
        &self.free_data
    }

    /// Start point of the fixed-μ fits: the suggested init (as pyhf), or with
    /// `warm_start` the fit of the nearest μ already tested (faster, but the result
    /// may then depend on the history where the likelihood has several minima).
    fn start(&self, mu: f64, asimov: bool) -> Vec<f64> {
        if !self.warm_start {
            let mut x = self.model.suggested_init();
            x[self.poi] = mu;
            return x;
        }
        let nearest = self
            .fixed
            .iter()
            .min_by(|a, b| (a.0 - mu).abs().total_cmp(&(b.0 - mu).abs()));
        let mut x = match nearest {
            Some((_, d, a)) => {
                if asimov {
                    a.clone()
                } else {
                    d.clone()
                }
            }
            None => {
                if asimov {
                    self.free_asimov.bestfit.clone()
                } else {
                    self.free_data.bestfit.clone()
                }
            }
        };
        x[self.poi] = mu;
        x
    }

    /// Test of the POI value `mu`.
    pub fn hypotest(&mut self, mu: f64) -> Result<HypotestResult> {
        if !mu.is_finite() {
            return Err(Error::InvalidInput(format!("cannot test mu = {mu}")));
        }
        let opts_d = FitOptions {
            init: Some(self.start(mu, false)),
            ..self.options.clone()
        };
        let opts_a = FitOptions {
            init: Some(self.start(mu, true)),
            ..self.options.clone()
        };
        let fixed_d = fixed_poi_fit(self.model, self.data, mu, &opts_d)?;
        let fixed_a = fixed_poi_fit(self.model, &self.asimov, mu, &opts_a)?;
        let mu_hat = self.free_data.bestfit[self.poi];
        let mu_hat_a = self.free_asimov.bestfit[self.poi];
        let q = self
            .test_stat
            .value(mu, mu_hat, fixed_d.twice_nll, self.free_data.twice_nll);
        let q_a = self
            .test_stat
            .value(mu, mu_hat_a, fixed_a.twice_nll, self.free_asimov.twice_nll);
        self.fixed.push((mu, fixed_d.bestfit, fixed_a.bestfit));
        Ok(self.pvalues(mu, q, q_a, mu_hat))
    }

    /// The expected band alone at `mu`: it depends only on the Asimov data, so one
    /// fit instead of two (used by the limit search for the expected curves).
    pub fn expected_cls(&mut self, mu: f64) -> Result<[f64; 5]> {
        if !mu.is_finite() {
            return Err(Error::InvalidInput(format!("cannot test mu = {mu}")));
        }
        let opts_a = FitOptions {
            init: Some(self.start(mu, true)),
            ..self.options.clone()
        };
        let fixed_a = fixed_poi_fit(self.model, &self.asimov, mu, &opts_a)?;
        let mu_hat_a = self.free_asimov.bestfit[self.poi];
        let q_a = self
            .test_stat
            .value(mu, mu_hat_a, fixed_a.twice_nll, self.free_asimov.twice_nll);
        // The observed part of `pvalues` is not used here; q = q_A keeps it finite.
        Ok(self
            .pvalues(mu, q_a, q_a, self.free_data.bestfit[self.poi])
            .cls_exp)
    }

    fn pvalues(&self, mu: f64, q: f64, q_a: f64, mu_hat: f64) -> HypotestResult {
        let sqrt_q = q.sqrt();
        let sqrt_qa = q_a.sqrt();
        let sigmas = [2.0, 1.0, 0.0, -1.0, -2.0];
        if q_a < MIN_ASIMOV_QMU && self.test_stat != TestStatistic::Q0 {
            return HypotestResult {
                mu,
                cls_obs: 1.0,
                cls_exp: [1.0; 5],
                clsb_obs: 1.0,
                clb_obs: 1.0,
                clsb_exp: sigmas.map(|n| normal_cdf(-n)),
                q_obs: q,
                q_asimov: q_a,
                mu_hat,
                sensitivity: Sensitivity::None,
            };
        }
        let t = match self.test_stat {
            TestStatistic::Qmu | TestStatistic::Q0 => sqrt_q - sqrt_qa,
            TestStatistic::QmuTilde => {
                if sqrt_q <= sqrt_qa {
                    sqrt_q - sqrt_qa
                } else {
                    (q - q_a) / (2.0 * sqrt_qa)
                }
            }
        };
        let clsb = normal_cdf(-(t + sqrt_qa));
        let clb = normal_cdf(-t);
        let clsb_exp = sigmas.map(|n| normal_cdf(-(n + sqrt_qa)));
        let cls_exp = sigmas.map(|n| sf_ratio(n + sqrt_qa, n));
        HypotestResult {
            mu,
            cls_obs: sf_ratio(t + sqrt_qa, t),
            cls_exp,
            clsb_obs: clsb,
            clb_obs: clb,
            clsb_exp,
            q_obs: q,
            q_asimov: q_a,
            mu_hat,
            sensitivity: Sensitivity::Normal,
        }
    }
}
