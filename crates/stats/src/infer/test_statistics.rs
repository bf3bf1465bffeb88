//! Profile-likelihood test statistics: q̃μ (pyhf's default), qμ and q0.
//! All three are clip(2NLL(fixed) − 2NLL(free), 0), zeroed on the side the test is
//! one-sided against; they differ in the POI tested and in the asymptotic transform.

/// The test statistic of a hypothesis test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestStatistic {
    /// q̃μ: upper-limit statistic for a POI bounded below at 0 (pyhf `qtilde`).
    QmuTilde,
    /// qμ: upper-limit statistic (pyhf `q`).
    Qmu,
    /// q0: discovery statistic at μ = 0 (pyhf `q0`).
    Q0,
}

impl TestStatistic {
    pub fn parse(s: &str) -> Option<TestStatistic> {
        match s {
            "qtilde" | "qmu_tilde" => Some(TestStatistic::QmuTilde),
            "q" | "qmu" => Some(TestStatistic::Qmu),
            "q0" => Some(TestStatistic::Q0),
            _ => None,
        }
    }

    /// The value of the statistic from the two fits.
    pub fn value(self, mu: f64, mu_hat: f64, twice_nll_fixed: f64, twice_nll_free: f64) -> f64 {
        let q = (twice_nll_fixed - twice_nll_free).max(0.0);
        match self {
            TestStatistic::QmuTilde | TestStatistic::Qmu if mu_hat > mu => 0.0,
            TestStatistic::Q0 if mu_hat < 0.0 => 0.0,
            _ => q,
        }
    }

    /// POI value of the Asimov dataset the calculator uses (1 for q0, else 0).
    pub fn asimov_mu(self) -> f64 {
        if self == TestStatistic::Q0 {
            1.0
        } else {
            0.0
        }
    }
}
