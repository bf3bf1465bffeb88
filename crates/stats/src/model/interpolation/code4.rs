use crate::fit::linalg::solve;

/// Exponential factor outside (−1, 1) (hi^alpha, lo^−alpha) and inside
/// 1 + Σ_{i=1..6} a_i alpha^i, with a_i fixed by continuity of the value and the
/// first two derivatives at alpha = ±1.
#[derive(Debug, Clone, Copy)]
pub struct Code4 {
    hi: f64,
    lo: f64,
    ln_hi: f64,
    ln_lo: f64,
    coeffs: [f64; 6],
}

impl Code4 {
    pub fn new(hi: f64, lo: f64) -> Code4 {
        let (ln_hi, ln_lo) = (hi.ln(), lo.ln());
        // Rows: f(1), f(-1), f'(1), f'(-1), f''(1), f''(-1) of Σ a_i alpha^i.
        let mut m = vec![0.0f64; 36];
        for i in 1..=6 {
            let fi = i as f64;
            let sign = if i % 2 == 0 { 1.0 } else { -1.0 };
            let column = [
                1.0,
                sign,
                fi,
                -fi * sign,
                fi * (fi - 1.0),
                fi * (fi - 1.0) * sign,
            ];
            for (row, value) in column.into_iter().enumerate() {
                m[row * 6 + i - 1] = value;
            }
        }
        let rhs = vec![
            hi - 1.0,
            lo - 1.0,
            ln_hi * hi,
            -ln_lo * lo,
            ln_hi * ln_hi * hi,
            ln_lo * ln_lo * lo,
        ];
        // The matrix is fixed and regular; only a non-finite hi or lo (rejected when
        // the model is checked) could leave no solution.
        let mut coeffs = [f64::NAN; 6];
        if let Some(x) = solve(m, rhs) {
            coeffs.copy_from_slice(&x);
        }
        Code4 {
            hi,
            lo,
            ln_hi,
            ln_lo,
            coeffs,
        }
    }

    /// Factor and its derivative at alpha.
    #[inline]
    pub fn eval(&self, alpha: f64) -> (f64, f64) {
        if alpha >= 1.0 {
            let v = self.hi.powf(alpha);
            (v, v * self.ln_hi)
        } else if alpha <= -1.0 {
            let v = self.lo.powf(-alpha);
            (v, -v * self.ln_lo)
        } else {
            let c = &self.coeffs;
            let v = 1.0
                + alpha
                    * (c[0]
                        + alpha
                            * (c[1]
                                + alpha * (c[2] + alpha * (c[3] + alpha * (c[4] + alpha * c[5])))));
            let d = c[0]
                + alpha
                    * (2.0 * c[1]
                        + alpha
                            * (3.0 * c[2]
                                + alpha
                                    * (4.0 * c[3] + alpha * (5.0 * c[4] + alpha * 6.0 * c[5]))));
            (v, d)
        }
    }
}

impl Code4 {
    /// Second derivative of the factor in alpha (for the exact Hessian).
    #[inline]
    pub fn second_derivative(&self, alpha: f64) -> f64 {
        if alpha >= 1.0 {
            self.hi.powf(alpha) * self.ln_hi * self.ln_hi
        } else if alpha <= -1.0 {
            self.lo.powf(-alpha) * self.ln_lo * self.ln_lo
        } else {
            let c = &self.coeffs;
            2.0 * c[1]
                + alpha
                    * (6.0 * c[2]
                        + alpha * (12.0 * c[3] + alpha * (20.0 * c[4] + alpha * 30.0 * c[5])))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuous_at_the_joins() {
        let c = Code4::new(1.2, 0.85);
        for a in [1.0, -1.0] {
            let inside = 1.0
                + (1..=6)
                    .map(|i| c.coeffs[i - 1] * f64::powi(a, i as i32))
                    .sum::<f64>();
            let outside = if a > 0.0 { 1.2f64 } else { 0.85 };
            assert!((inside - outside).abs() < 1e-12);
        }
        assert!((c.eval(0.0).0 - 1.0).abs() < 1e-15);
    }
}
