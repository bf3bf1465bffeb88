//! Central Poisson confidence intervals (Garwood 1936), the error bars of data points in HEP plots.
//!
//! For an observed count `n` and coverage `1 - α`, the interval is
//! `[Γ⁻¹(α/2; n), Γ⁻¹(1 - α/2; n + 1)]` with Γ⁻¹ the quantile of the unit-scale gamma distribution
//! (equivalently `χ²⁻¹(α/2; 2n)/2` and `χ²⁻¹(1 - α/2; 2n + 2)/2`), and a lower end of 0 for `n = 0`.
//! This is mplhep's `poisson_interval` and ROOT's `TH1::kPoisson` error option. Non-integer `n`
//! (weighted data) uses the same continuous formula.

use statrs::function::gamma::{gamma_lr, ln_gamma};

/// One Gaussian standard deviation: `erf(1/√2)`.
pub const ONE_SIGMA: f64 = 0.682_689_492_137_085_9;

/// The `[lower, upper]` Garwood interval of `n` at the given coverage (use [`ONE_SIGMA`]).
/// Negative or NaN counts give `(NaN, NaN)`.
pub fn poisson_interval(n: f64, coverage: f64) -> (f64, f64) {
    let valid = n >= 0.0 && n.is_finite() && coverage > 0.0 && coverage < 1.0;
    if !valid {
        return (f64::NAN, f64::NAN);
    }
    let alpha = 1.0 - coverage;
    let lower = if n == 0.0 {
        0.0
    } else {
        gamma_quantile(n, alpha / 2.0)
    };
    let upper = gamma_quantile(n + 1.0, 1.0 - alpha / 2.0);
    (lower, upper)
}

/// The `p`-quantile of Gamma(shape `a`, scale 1): the `x` with `P(a, x) = p`, by Newton steps kept
/// inside a bisection bracket (robust for every shape, converges to a few ulps).
fn gamma_quantile(a: f64, p: f64) -> f64 {
    // Bracket: P(a, x) is increasing in x from 0 to 1.
    let (mut lo, mut hi) = (0.0_f64, a.max(1.0));
    while gamma_lr(a, hi) < p {
        lo = hi;
        hi *= 2.0;
    }
    let ln_norm = ln_gamma(a);
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let f = gamma_lr(a, x) - p;
        if f == 0.0 {
            return x;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let density = ((a - 1.0) * x.ln() - x - ln_norm).exp();
        let newton = x - f / density;
        let next = if density > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 1e-15 * x.abs() || hi - lo <= 1e-15 * hi {
            return next;
        }
        x = next;
    }
    x
}
