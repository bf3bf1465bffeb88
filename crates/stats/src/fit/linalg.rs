//! Small dense linear algebra (n ≲ a few hundred), the one home for it in hepkey:
//! row-major matrices, Cholesky factorisation and solves for the minimiser, and a
//! general solve for the small systems of interpolation codes and peak fits.

/// Cholesky factor L (lower, row-major) of a symmetric positive-definite matrix,
/// or None when it is not positive definite.
pub fn cholesky(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / d;
        }
    }
    Some(l)
}

/// Solves L Lᵀ x = b in place.
pub fn cholesky_solve(l: &[f64], n: usize, b: &mut [f64]) {
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
    for i in (0..n).rev() {
        let mut s = b[i];
        for k in i + 1..n {
            s -= l[k * n + i] * b[k];
        }
        b[i] = s / l[i * n + i];
    }
}

/// Inverse of a symmetric positive-definite matrix, or None.
pub fn spd_inverse(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let l = cholesky(a, n)?;
    let mut inv = vec![0.0; n * n];
    let mut col = vec![0.0; n];
    for j in 0..n {
        col.iter_mut().for_each(|c| *c = 0.0);
        col[j] = 1.0;
        cholesky_solve(&l, n, &mut col);
        for i in 0..n {
            inv[i * n + j] = col[i];
        }
    }
    Some(inv)
}

/// Cholesky of `a + lambda I` for the smallest lambda in a doubling sequence that works.
pub fn regularised_cholesky(a: &[f64], n: usize) -> Option<(Vec<f64>, f64)> {
    if let Some(l) = cholesky(a, n) {
        return Some((l, 0.0));
    }
    let scale = (0..n)
        .map(|i| a[i * n + i].abs())
        .fold(0.0, f64::max)
        .max(1e-8);
    let mut lambda = 1e-10 * scale;
    let mut m = a.to_vec();
    for _ in 0..60 {
        for i in 0..n {
            m[i * n + i] = a[i * n + i] + lambda;
        }
        if let Some(l) = cholesky(&m, n) {
            return Some((l, lambda));
        }
        lambda *= 4.0;
    }
    None
}

/// Solves `a x = b` for a general square `a` (row-major, `b.len()` rows) by Gauss–Jordan
/// elimination with partial pivoting; None when `a` is singular or `x` is not finite.
///
/// The code-4 interpolation's coefficients come from this solve, and fits are sensitive to their last
/// bits (the AGC limit's line search), so the arithmetic is fixed: change it only with the stats tests.
pub fn solve(mut a: Vec<f64>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    if a.len() != n * n {
        return None;
    }
    for c in 0..n {
        let pivot = (c..n).max_by(|&i, &j| a[i * n + c].abs().total_cmp(&a[j * n + c].abs()))?;
        if a[pivot * n + c].abs() < 1e-300 {
            return None;
        }
        if pivot != c {
            for k in 0..n {
                a.swap(c * n + k, pivot * n + k);
            }
            b.swap(c, pivot);
        }
        for r in (0..n).filter(|&r| r != c) {
            let f = a[r * n + c] / a[c * n + c];
            for k in c..n {
                a[r * n + k] -= f * a[c * n + k];
            }
            b[r] -= f * b[c];
        }
    }
    let x: Vec<f64> = (0..n).map(|i| b[i] / a[i * n + i]).collect();
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_needs_pivoting_and_recovers_the_solution() {
        // The first pivot is zero: without row exchanges the elimination divides by 0.
        let a = vec![0.0, 2.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.0, 3.0];
        let x_true = [1.0, -2.0, 3.0];
        let b: Vec<f64> = (0..3)
            .map(|r| (0..3).map(|k| a[r * 3 + k] * x_true[k]).sum())
            .collect();
        let x = solve(a, b).unwrap();
        for (x, t) in x.iter().zip(x_true) {
            assert!((x - t).abs() < 1e-12, "{x} != {t}");
        }
    }

    #[test]
    fn solve_refuses_a_singular_matrix() {
        assert_eq!(solve(vec![1.0, 2.0, 2.0, 4.0], vec![1.0, 2.0]), None);
        assert_eq!(solve(vec![1.0, 2.0, 3.0], vec![1.0, 2.0]), None);
    }
}
