//! A bump hunt: a binned Poisson likelihood fit of a falling background
//! (the exponential of a quadratic) plus a signal template scaled by μ, the
//! discovery significance from the profile likelihood ratio (Z = √q0), and
//! the significance expected for μ = 1 (Asimov data).

use crate::fit::linalg;

/// The result of a fit.
#[derive(Clone, Debug)]
pub struct BumpFit {
    /// Signal strength (1 = the Standard Model expectation).
    pub mu: f64,
    pub mu_error: f64,
    /// Observed significance, in standard deviations.
    pub significance: f64,
    /// Significance expected with μ = 1.
    pub expected_significance: f64,
    /// Background parameters (b0, b1, b2) of the free fit.
    pub background: [f64; 3],
    /// Background-only parameters.
    pub background_only: [f64; 3],
    centre: f64,
    half_width: f64,
}

impl BumpFit {
    /// Background expected in a bin centred at `x` (events per bin).
    pub fn background_at(&self, x: f64) -> f64 {
        let t = (x - self.centre) / self.half_width;
        let b = self.background;
        (b[0] + b[1] * t + b[2] * t * t).exp()
    }
}

/// Parameters, NLL and Hessian at a minimum.
type Minimum = ([f64; 4], f64, [[f64; 4]; 4]);

struct Problem<'a> {
    n: &'a [f64],
    t: Vec<f64>,
    s: &'a [f64],
}

impl Problem<'_> {
    /// NLL, gradient and Hessian in (b0, b1, b2, μ); with `fix_mu` μ stays at `p[3]`.
    fn eval(&self, p: &[f64; 4], fix_mu: bool) -> (f64, [f64; 4], [[f64; 4]; 4]) {
        let (mut nll, mut g, mut h) = (0.0, [0.0; 4], [[0.0; 4]; 4]);
        for i in 0..self.n.len() {
            let t = self.t[i];
            let b = (p[0] + p[1] * t + p[2] * t * t).exp();
            let nu = (b + p[3] * self.s[i]).max(1e-300);
            let n = self.n[i];
            nll += nu - if n > 0.0 { n * nu.ln() } else { 0.0 };
            let d = [b, b * t, b * t * t, self.s[i]];
            let r = 1.0 - n / nu;
            let w = n / (nu * nu);
            for j in 0..4 {
                g[j] += r * d[j];
                for k in 0..4 {
                    h[j][k] += w * d[j] * d[k];
                }
            }
            // Second derivatives of the background term.
            let pw = [1.0, t, t * t, t * t * t, t * t * t * t];
            for j in 0..3 {
                for k in 0..3 {
                    h[j][k] += r * b * pw[j + k];
                }
            }
        }
        if fix_mu {
            g[3] = 0.0;
            h[3] = [0.0; 4];
            for row in h.iter_mut() {
                row[3] = 0.0;
            }
            h[3][3] = 1.0;
        }
        (nll, g, h)
    }

    /// Newton's method with backtracking; returns the parameters and NLL.
    fn minimise(&self, mut p: [f64; 4], fix_mu: bool) -> Result<Minimum, String> {
        let (mut f, mut g, mut h) = self.eval(&p, fix_mu);
        for _ in 0..500 {
            let step = solve(h, g.map(|x| -x))
                .filter(|s| s.iter().zip(&g).map(|(a, b)| a * b).sum::<f64>() < 0.0);
            let dir = step.unwrap_or(g.map(|x| -x * 1e-3));
            let mut lambda = 1.0;
            let mut improved = false;
            for _ in 0..60 {
                let mut q = p;
                for j in 0..4 {
                    q[j] += lambda * dir[j];
                }
                let (fq, gq, hq) = self.eval(&q, fix_mu);
                if fq.is_finite() && fq <= f {
                    let done = (f - fq).abs() < 1e-10 * (1.0 + f.abs());
                    p = q;
                    f = fq;
                    g = gq;
                    h = hq;
                    improved = true;
                    if done {
                        return Ok((p, f, h));
                    }
                    break;
                }
                lambda *= 0.5;
            }
            if !improved {
                return Ok((p, f, h));
            }
        }
        Err("the fit did not converge in 500 iterations".into())
    }
}

/// Solves the 4×4 system `a x = b`.
fn solve(a: [[f64; 4]; 4], b: [f64; 4]) -> Option<[f64; 4]> {
    let x = linalg::solve(a.concat(), b.to_vec())?;
    x.try_into().ok()
}

/// Fits `data` (events per bin, bins centred at `centres`) with the
/// background shape plus `mu` times `signal` (expected events per bin).
pub fn fit(data: &[f64], centres: &[f64], signal: &[f64]) -> Result<BumpFit, String> {
    if data.len() != centres.len() || data.len() != signal.len() || data.len() < 5 {
        return Err(
            "data, bin centres and signal must have the same length (at least 5 bins)".into(),
        );
    }
    if signal.iter().sum::<f64>() <= 0.0 {
        return Err(
            "the signal template is empty: no simulated signal passed the selection".into(),
        );
    }
    let (lo, hi) = (centres[0], centres[centres.len() - 1]);
    let (centre, half_width) = ((lo + hi) / 2.0, ((hi - lo) / 2.0).max(1e-9));
    let t = centres.iter().map(|x| (x - centre) / half_width).collect();
    let mean = data.iter().sum::<f64>() / data.len() as f64;
    let start = [mean.max(1.0).ln(), 0.0, 0.0, 0.0];
    let problem = Problem {
        n: data,
        t,
        s: signal,
    };
    let (p0, nll0, _) = problem.minimise(start, true)?;
    let (p1, nll1, h1) = problem.minimise([p0[0], p0[1], p0[2], 1.0], false)?;
    let q0 = if p1[3] > 0.0 {
        (2.0 * (nll0 - nll1)).max(0.0)
    } else {
        0.0
    };
    let mu_error = invert_diag(h1, 3).map(f64::sqrt).unwrap_or(f64::NAN);
    // Asimov data for μ = 1 on the fitted background.
    let asimov: Vec<f64> = (0..data.len())
        .map(|i| {
            let t = problem.t[i];
            (p1[0] + p1[1] * t + p1[2] * t * t).exp() + signal[i]
        })
        .collect();
    let pa = Problem {
        n: &asimov,
        t: problem.t.clone(),
        s: signal,
    };
    let (a0, anll0, _) = pa.minimise([p1[0], p1[1], p1[2], 0.0], true)?;
    let (_, anll1, _) = pa.minimise([a0[0], a0[1], a0[2], 1.0], false)?;
    Ok(BumpFit {
        mu: p1[3],
        mu_error,
        significance: q0.sqrt(),
        expected_significance: (2.0 * (anll0 - anll1)).max(0.0).sqrt(),
        background: [p1[0], p1[1], p1[2]],
        background_only: [p0[0], p0[1], p0[2]],
        centre,
        half_width,
    })
}

/// The `i`-th diagonal element of the inverse of `h`.
fn invert_diag(h: [[f64; 4]; 4], i: usize) -> Option<f64> {
    let mut e = [0.0; 4];
    e[i] = 1.0;
    solve(h, e).map(|x| x[i]).filter(|v| *v > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asimov-like data built from known parameters is fitted back to them.
    #[test]
    fn recovers_the_parameters_of_noise_free_data() {
        let centres: Vec<f64> = (0..55).map(|i| 105.5 + i as f64).collect();
        let signal: Vec<f64> = centres
            .iter()
            .map(|m| {
                300.0 * (-(m - 125.0f64).powi(2) / (2.0 * 1.6 * 1.6)).exp()
                    / (1.6 * (2.0 * std::f64::consts::PI).sqrt())
            })
            .collect();
        let bkg = |m: f64| {
            let t = (m - 132.5) / 27.0;
            (7.0 - 0.9 * t + 0.1 * t * t).exp()
        };
        let data: Vec<f64> = centres
            .iter()
            .zip(&signal)
            .map(|(m, s)| bkg(*m) + 1.5 * s)
            .collect();
        let f = fit(&data, &centres, &signal).unwrap();
        assert!((f.mu - 1.5).abs() < 1e-4, "{f:?}");
        for m in [106.0, 130.0, 159.0] {
            assert!((f.background_at(m) / bkg(m) - 1.0).abs() < 1e-6);
        }
        assert!(f.significance > f.expected_significance, "{f:?}");
        assert!(fit(&data, &centres, &vec![0.0; 55]).is_err());
    }
}
