//! The standard normal distribution.

/// Φ(x), accurate in the far tails (via erfc).
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// 1 − Φ(x) without cancellation.
pub fn normal_sf(x: f64) -> f64 {
    0.5 * libm::erfc(x / std::f64::consts::SQRT_2)
}

/// ln(1 − Φ(x)), finite far beyond where 1 − Φ(x) underflows.
pub fn ln_normal_sf(x: f64) -> f64 {
    if x < 35.0 {
        normal_sf(x).ln()
    } else {
        let x2 = x * x;
        let series = 1.0 - 1.0 / x2 + 3.0 / (x2 * x2) - 15.0 / (x2 * x2 * x2);
        -0.5 * x2 - x.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln() + series.ln()
    }
}

/// Φ(−a)/Φ(−b) computed in log space (both may underflow).
pub fn sf_ratio(a: f64, b: f64) -> f64 {
    (ln_normal_sf(a) - ln_normal_sf(b)).exp()
}
