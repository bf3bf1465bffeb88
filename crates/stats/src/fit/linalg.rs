//! Small dense linear algebra for the minimiser (n ≲ a few hundred): row-major
//! symmetric matrices, Cholesky factorisation and solves.

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
