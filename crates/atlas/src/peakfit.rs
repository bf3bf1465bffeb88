//! Fitting a resonance in a histogram: a Gaussian, or a Breit–Wigner
//! convolved with a Gaussian resolution (Voigt profile), on a linear
//! background, by weighted least squares (Levenberg–Marquardt). The model
//! is integrated over each bin, so the fitted width does not absorb the bin
//! width. Used by the tests that check the generated Z and Higgs peaks.

use hepkey_stats::fit::linalg;

/// The line shape.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// A Gaussian: the fitted width is σ.
    Gaussian,
    /// A Breit–Wigner ⊗ Gaussian of known resolution `sigma`: the fitted
    /// width is the Breit–Wigner's Γ.
    Voigt { sigma: f64 },
}

/// The result of a fit.
#[derive(Clone, Debug)]
pub struct PeakFit {
    pub mass: f64,
    pub mass_error: f64,
    /// σ (Gaussian) or Γ (Voigt).
    pub width: f64,
    pub width_error: f64,
    /// Fitted number of events in the peak.
    pub signal: f64,
    pub chi2: f64,
    pub ndf: usize,
}

/// Probability density of the shape at `x`.
fn density(shape: Shape, x: f64, mass: f64, width: f64) -> f64 {
    match shape {
        Shape::Gaussian => {
            let s = width.abs().max(1e-6);
            (-(x - mass).powi(2) / (2.0 * s * s)).exp() / (s * (2.0 * std::f64::consts::PI).sqrt())
        }
        Shape::Voigt { sigma } => {
            let g = width.abs().max(1e-6);
            let bw = |u: f64| (g / (2.0 * std::f64::consts::PI)) / (u * u + g * g / 4.0);
            // The resolution convolved on a grid of ±5σ (Simpson's rule).
            const N: usize = 60;
            let h = 10.0 * sigma / N as f64;
            let mut sum = 0.0;
            for i in 0..=N {
                let t = -5.0 * sigma + i as f64 * h;
                let w = if i == 0 || i == N {
                    1.0
                } else if i % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                let gauss = (-t * t / (2.0 * sigma * sigma)).exp()
                    / (sigma * (2.0 * std::f64::consts::PI).sqrt());
                sum += w * gauss * bw(x - mass - t);
            }
            sum * h / 3.0
        }
    }
}

/// Expected content of each bin for parameters (N, mass, width, b0, b1).
fn model(shape: Shape, bins: &[(f64, f64)], centre: f64, p: &[f64; 5]) -> Vec<f64> {
    bins.iter()
        .map(|&(lo, hi)| {
            let mid = 0.5 * (lo + hi);
            // Simpson's rule over the bin, on two halves.
            let q = [lo, 0.75 * lo + 0.25 * hi, mid, 0.25 * lo + 0.75 * hi, hi];
            let f: Vec<f64> = q.iter().map(|&x| density(shape, x, p[1], p[2])).collect();
            let integral = (hi - lo) / 12.0 * (f[0] + 4.0 * f[1] + 2.0 * f[2] + 4.0 * f[3] + f[4]);
            p[0] * integral + (p[3] + p[4] * (mid - centre)) * (hi - lo)
        })
        .collect()
}

/// Fits `shape` plus a linear background to the bins of a histogram
/// (`edges` has one more entry than `values`; `variances` are the squared
/// bin errors, e.g. Σw²) whose centres lie in `range`, starting from
/// `mass` and `width`.
pub fn fit(
    edges: &[f64],
    values: &[f64],
    variances: &[f64],
    shape: Shape,
    range: (f64, f64),
    mass: f64,
    width: f64,
) -> Result<PeakFit, String> {
    if edges.len() != values.len() + 1 || variances.len() != values.len() {
        return Err("edges must have one more entry than values and variances".into());
    }
    let mut bins = Vec::new();
    let mut n = Vec::new();
    let mut inv_var = Vec::new();
    for i in 0..values.len() {
        let c = 0.5 * (edges[i] + edges[i + 1]);
        if c >= range.0 && c <= range.1 {
            bins.push((edges[i], edges[i + 1]));
            n.push(values[i]);
            // Empty bins count with an error of one event.
            inv_var.push(1.0 / variances[i].max(if values[i] > 0.0 { 1e-12 } else { 1.0 }));
        }
    }
    if bins.len() < 8 {
        return Err(format!(
            "only {} bins in {:?}: a peak fit needs at least 8",
            bins.len(),
            range
        ));
    }
    let total: f64 = n.iter().sum();
    if total <= 0.0 {
        return Err("the histogram is empty in the fit range".into());
    }
    let centre = 0.5 * (range.0 + range.1);
    let edge_level = 0.5
        * (n[0] / (bins[0].1 - bins[0].0)
            + n[n.len() - 1] / (bins[n.len() - 1].1 - bins[n.len() - 1].0));
    let mut p = [total.max(1.0), mass, width, edge_level.max(0.0), 0.0];
    let chi2 = |p: &[f64; 5]| -> f64 {
        model(shape, &bins, centre, p)
            .iter()
            .zip(&n)
            .zip(&inv_var)
            .map(|((m, y), w)| (y - m).powi(2) * w)
            .sum()
    };
    let jacobian = |p: &[f64; 5]| -> Vec<[f64; 5]> {
        let mut j = vec![[0.0; 5]; bins.len()];
        for k in 0..5 {
            let h = 1e-6 * p[k].abs().max(1e-3);
            let (mut up, mut down) = (*p, *p);
            up[k] += h;
            down[k] -= h;
            let (mu, md) = (
                model(shape, &bins, centre, &up),
                model(shape, &bins, centre, &down),
            );
            for i in 0..bins.len() {
                j[i][k] = (mu[i] - md[i]) / (2.0 * h);
            }
        }
        j
    };
    let normal = |p: &[f64; 5]| -> (Vec<Vec<f64>>, Vec<f64>) {
        let j = jacobian(p);
        let m = model(shape, &bins, centre, p);
        let mut a = vec![vec![0.0; 5]; 5];
        let mut g = vec![0.0; 5];
        for i in 0..bins.len() {
            let r = n[i] - m[i];
            for k in 0..5 {
                g[k] += j[i][k] * inv_var[i] * r;
                for l in 0..5 {
                    a[k][l] += j[i][k] * inv_var[i] * j[i][l];
                }
            }
        }
        (a, g)
    };
    let mut lambda = 1e-3;
    let mut current = chi2(&p);
    for _ in 0..300 {
        let (a, g) = normal(&p);
        let mut damped = a.clone();
        for (k, row) in damped.iter_mut().enumerate() {
            row[k] *= 1.0 + lambda;
        }
        let Some(step) = linalg::solve(damped.concat(), g) else {
            lambda *= 10.0;
            continue;
        };
        let mut q = p;
        for k in 0..5 {
            q[k] += step[k];
        }
        q[2] = q[2].abs();
        let next = chi2(&q);
        if next.is_finite() && next <= current {
            let done = current - next < 1e-9 * (1.0 + current);
            p = q;
            current = next;
            lambda = (lambda / 10.0).max(1e-12);
            if done {
                break;
            }
        } else {
            lambda *= 10.0;
            if lambda > 1e12 {
                break;
            }
        }
    }
    let (a, _) = normal(&p);
    let err = |k: usize| -> f64 {
        let mut e = vec![0.0; 5];
        e[k] = 1.0;
        linalg::solve(a.concat(), e).map_or(f64::NAN, |x| x[k].max(0.0).sqrt())
    };
    Ok(PeakFit {
        mass: p[1],
        mass_error: err(1),
        width: p[2],
        width_error: err(2),
        signal: p[0],
        chi2: current,
        ndf: bins.len() - 5,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Noise-free histograms made from known shapes are fitted back to them.
    #[test]
    fn recovers_gaussian_and_voigt_parameters() {
        let edges: Vec<f64> = (0..=60).map(|i| 66.0 + i as f64 * 1.0).collect();
        for (shape, width) in [(Shape::Gaussian, 2.1), (Shape::Voigt { sigma: 1.4 }, 2.5)] {
            let truth = [5000.0, 91.2, width, 30.0, -0.4];
            let bins: Vec<(f64, f64)> = edges.windows(2).map(|w| (w[0], w[1])).collect();
            let values = model(shape, &bins, 96.0, &truth);
            let variances = values.clone();
            let f = fit(&edges, &values, &variances, shape, (70.0, 122.0), 90.0, 3.0).unwrap();
            assert!((f.mass - 91.2).abs() < 1e-3, "{f:?}");
            assert!((f.width - width).abs() < 1e-3, "{f:?}");
            assert!(f.chi2 < 1e-3, "{f:?}");
        }
        assert!(fit(
            &edges,
            &[0.0; 3],
            &[0.0; 3],
            Shape::Gaussian,
            (0.0, 1.0),
            0.0,
            1.0
        )
        .is_err());
    }
}
