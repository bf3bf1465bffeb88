//! The Hessian at a minimum, for uncertainties: central differences of the analytic
//! gradient, each step a small fraction of that parameter's conditional width.
//!
//! Why not fixed or marginal-width steps: HistFactory likelihoods are often stiff (the
//! AGC tt̄ fit has a condition number ~1e5; `ttbar_norm`'s conditional width is 0.004
//! while its marginal uncertainty is 0.108), so steps on the scale of the marginal
//! uncertainties (what MINUIT's HESSE takes from MIGRAD's error estimates) leave the
//! quadratic region along the stiff directions and bias the result by several percent.

use super::minimizer::{fd_hessian, Objective};

/// Step in units of the conditional width 1/sqrt(H_ii / 2): small against the scale on
/// which the curvature changes (truncation error ~ step²), large against the rounding
/// noise of the gradient.
const STEP_IN_WIDTHS: f64 = 1e-3;

/// Symmetrised central-difference Hessian of `obj` at `x` (gradient `g0` there).
/// Where a central step would cross a bound, a one-sided step is taken instead.
pub fn central_hessian<O: Objective>(
    obj: &mut O,
    x: &[f64],
    g0: &[f64],
    lower: &[f64],
    upper: &[f64],
    evaluations: &mut usize,
) -> Vec<f64> {
    let n = x.len();
    // A forward-difference pass gives the curvature scale of each parameter.
    let rough = fd_hessian(obj, x, g0, lower, upper, evaluations);
    let mut h = vec![0.0; n * n];
    let mut xp = x.to_vec();
    let mut gp = vec![0.0; n];
    let mut gm = vec![0.0; n];
    for i in 0..n {
        let hii = rough[i * n + i];
        let step = if hii > 0.0 && hii.is_finite() {
            STEP_IN_WIDTHS * (2.0 / hii).sqrt()
        } else {
            1e-6 * x[i].abs().max(1e-2)
        };
        let (up, down) = if x[i] + step > upper[i] {
            (0.0, step)
        } else if x[i] - step < lower[i] {
            (step, 0.0)
        } else {
            (step, step)
        };
        if up > 0.0 {
            xp[i] = x[i] + up;
            obj.value_grad(&xp, &mut gp);
            *evaluations += 1;
        } else {
            gp.copy_from_slice(g0);
        }
        if down > 0.0 {
            xp[i] = x[i] - down;
            obj.value_grad(&xp, &mut gm);
            *evaluations += 1;
        } else {
            gm.copy_from_slice(g0);
        }
        xp[i] = x[i];
        for j in 0..n {
            h[i * n + j] = (gp[j] - gm[j]) / (up + down);
        }
    }
    for i in 0..n {
        for j in 0..i {
            let a = 0.5 * (h[i * n + j] + h[j * n + i]);
            h[i * n + j] = a;
            h[j * n + i] = a;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stiff quadratic plus a cubic term: the central Hessian at the origin is the
    /// quadratic's, whatever the cubic (a forward step would pick up 6·c·step).
    #[test]
    fn central_hessian_of_a_stiff_cubic() {
        let a = [[2e4, 1.99e4 * 0.9], [1.99e4 * 0.9, 2e4]];
        let c = 50.0;
        let mut obj = |x: &[f64], g: &mut [f64]| {
            g[0] = a[0][0] * x[0] + a[0][1] * x[1] + 3.0 * c * x[0] * x[0];
            g[1] = a[1][0] * x[0] + a[1][1] * x[1];
            0.5 * (a[0][0] * x[0] * x[0] + 2.0 * a[0][1] * x[0] * x[1] + a[1][1] * x[1] * x[1])
                + c * x[0].powi(3)
        };
        let mut ev = 0;
        let h = central_hessian(
            &mut obj,
            &[0.0, 0.0],
            &[0.0, 0.0],
            &[-1.0; 2],
            &[1.0; 2],
            &mut ev,
        );
        for (k, want) in [a[0][0], a[0][1], a[1][0], a[1][1]].iter().enumerate() {
            assert!(
                (h[k] - want).abs() < 1e-9 * want.abs(),
                "{k}: {} vs {want}",
                h[k]
            );
        }
    }
}
