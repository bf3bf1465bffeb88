//! Discovery significance: the q0 test of μ = 0 (pyhf `hypotest(0, test_stat="q0")`).

use super::asymptotic::AsymptoticCalculator;
use super::test_statistics::TestStatistic;
use crate::error::Result;
use crate::likelihood::Data;
use crate::model::Model;

/// Observed and expected discovery p-values and significances.
#[derive(Debug, Clone)]
pub struct Significance {
    pub p0_obs: f64,
    pub z_obs: f64,
    /// Expected p-values for the signal-plus-background expectation, in pyhf's order
    /// (test-statistic shifts n = 2, 1, 0, −1, −2: smallest p first).
    pub p0_exp: [f64; 5],
    /// Z of each expected p-value; the median is √q0,A.
    pub z_exp: [f64; 5],
    pub q0: f64,
    pub mu_hat: f64,
}

/// q0 test on the observed data; the Asimov data are built at μ = 1.
pub fn significance(model: &Model, data: &Data) -> Result<Significance> {
    let mut calc = AsymptoticCalculator::new(model, data, TestStatistic::Q0)?;
    let r = calc.hypotest(0.0)?;
    let sqrt_qa = r.q_asimov.sqrt();
    let sigmas = [2.0, 1.0, 0.0, -1.0, -2.0];
    Ok(Significance {
        p0_obs: r.clsb_obs,
        z_obs: r.q_obs.sqrt(),
        p0_exp: r.clsb_exp,
        z_exp: sigmas.map(|n| n + sqrt_qa),
        q0: r.q_obs,
        mu_hat: r.mu_hat,
    })
}
