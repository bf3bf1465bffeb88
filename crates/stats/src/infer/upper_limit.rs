//! Upper limits on the POI: the μ where CLs = level (0.05), observed and for the five
//! expected curves, found by bracketed root finding as pyhf's `upper_limit`
//! (toms748 scan on [POI lower bound, POI upper bound]).
//!
//! As pyhf, CLs at μ = 0 is taken as 1 for all six curves. Where pyhf fails (a curve
//! still above the level at the POI upper bound) the curve is reported as
//! [`LimitValue::AboveBound`] and the others are still solved.

use super::asymptotic::{AsymptoticCalculator, HypotestResult};
use crate::error::{Error, Result};

/// One limit: a value or "above the POI's upper bound".
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LimitValue {
    Value(f64),
    /// CLs is still above the level at the POI upper bound (carried here).
    AboveBound(f64),
}

impl LimitValue {
    pub fn value(&self) -> Option<f64> {
        match self {
            LimitValue::Value(v) => Some(*v),
            LimitValue::AboveBound(_) => None,
        }
    }
}

/// Observed and expected (−2σ..+2σ) upper limits.
#[derive(Debug, Clone)]
pub struct UpperLimit {
    pub obs: LimitValue,
    pub exp: [LimitValue; 5],
    /// Every hypothesis test evaluated, sorted by μ.
    pub scan: Vec<HypotestResult>,
}

/// Settings of the limit search.
#[derive(Debug, Clone)]
pub struct UpperLimitOptions {
    pub level: f64,
    /// Absolute and relative tolerance on μ (pyhf: 2e-12 and 1e-4; tighter here so the
    /// result is the root itself, not one end of a 1e-4 bracket).
    pub atol: f64,
    pub rtol: f64,
    /// Search interval (default: the POI bounds).
    pub bounds: Option<(f64, f64)>,
}

impl Default for UpperLimitOptions {
    fn default() -> Self {
        UpperLimitOptions {
            level: 0.05,
            atol: 2e-12,
            rtol: 1e-9,
            bounds: None,
        }
    }
}

fn curve(r: &HypotestResult, k: usize) -> f64 {
    if k == 0 {
        r.cls_obs
    } else {
        r.cls_exp[k - 1]
    }
}

/// Observed and expected upper limits at CLs = `level`.
pub fn upper_limit(
    calc: &mut AsymptoticCalculator,
    opts: &UpperLimitOptions,
) -> Result<UpperLimit> {
    let poi = calc.model.require_poi()?;
    let (lo, hi) = opts.bounds.unwrap_or(calc.model.suggested_bounds()[poi]);
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return Err(Error::InvalidInput(format!(
            "empty limit search interval [{lo}, {hi}]"
        )));
    }
    let mut cache: Vec<HypotestResult> = Vec::new();
    let low = if lo == 0.0 {
        // pyhf gets CLs(0) = 1 whenever it succeeds (the Asimov data are built at μ = 0).
        let mut r = calc.hypotest(0.0)?;
        r.cls_obs = 1.0;
        r.cls_exp = [1.0; 5];
        r
    } else {
        calc.hypotest(lo)?
    };
    cache.push(low);
    cache.push(calc.hypotest(hi)?);
    let mut limits = [LimitValue::AboveBound(hi); 6];
    let mut expected_only: Vec<(f64, [f64; 5])> = Vec::new();
    for (k, limit) in limits.iter_mut().enumerate() {
        let f_lo = curve(&cache[0], k) - opts.level;
        let f_hi = curve(&cache[1], k) - opts.level;
        if f_hi > 0.0 {
            *limit = LimitValue::AboveBound(hi);
            continue;
        }
        if f_lo < 0.0 {
            *limit = LimitValue::Value(lo);
            continue;
        }
        // Best bracket from everything evaluated so far.
        let (mut a, mut fa, mut b, mut fb) = (lo, f_lo, hi, f_hi);
        for r in &cache {
            let f = curve(r, k) - opts.level;
            if f >= 0.0 && r.mu > a && r.mu < b {
                a = r.mu;
                fa = f;
            } else if f < 0.0 && r.mu < b && r.mu > a {
                b = r.mu;
                fb = f;
            }
        }
        let root = if k == 0 {
            brent(a, fa, b, fb, opts.atol, opts.rtol, |mu| {
                let r = calc.hypotest(mu)?;
                let f = curve(&r, k) - opts.level;
                cache.push(r);
                Ok(f)
            })?
        } else {
            // Expected curves need only the Asimov fit at each μ.
            for &(mu, exp) in &expected_only {
                let f = exp[k - 1] - opts.level;
                if f >= 0.0 && mu > a && mu < b {
                    a = mu;
                    fa = f;
                } else if f < 0.0 && mu < b && mu > a {
                    b = mu;
                    fb = f;
                }
            }
            brent(a, fa, b, fb, opts.atol, opts.rtol, |mu| {
                let exp = calc.expected_cls(mu)?;
                expected_only.push((mu, exp));
                Ok(exp[k - 1] - opts.level)
            })?
        };
        *limit = LimitValue::Value(root);
    }
    cache.sort_by(|a, b| a.mu.total_cmp(&b.mu));
    Ok(UpperLimit {
        obs: limits[0],
        exp: [limits[1], limits[2], limits[3], limits[4], limits[5]],
        scan: cache,
    })
}

/// Brent's method on a bracket with f(a) ≥ 0 > f(b) (inverse quadratic interpolation,
/// secant and bisection steps).
fn brent(
    mut a: f64,
    mut fa: f64,
    mut b: f64,
    mut fb: f64,
    atol: f64,
    rtol: f64,
    mut f: impl FnMut(f64) -> Result<f64>,
) -> Result<f64> {
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    let (mut c, mut fc) = (a, fa);
    let mut d = b - a;
    let mut e = d;
    for _ in 0..200 {
        if (fb > 0.0) == (fc > 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol = 2.0 * f64::EPSILON * b.abs() + 0.5 * (atol + rtol * b.abs());
        let m = 0.5 * (c - b);
        if m.abs() <= tol || fb == 0.0 {
            return Ok(b);
        }
        if e.abs() >= tol && fa.abs() > fb.abs() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * m * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * m * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * m * q - (tol * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = m;
                e = m;
            }
        } else {
            d = m;
            e = m;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol { d } else { tol.copysign(m) };
        fb = f(b)?;
    }
    Err(Error::FailedMinimization(
        "upper limit root finding did not converge".into(),
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn brent_finds_a_root() {
        let r = super::brent(0.0, 1.0, 3.0, -8.0, 1e-14, 1e-12, |x| Ok(1.0 - x * x)).unwrap();
        assert!((r - 1.0).abs() < 1e-10);
    }
}
