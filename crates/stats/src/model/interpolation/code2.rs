/// Quadratic shift inside [−1, 1] (a·alpha² + b·alpha), continued linearly with
/// matching slope outside.
#[inline]
pub fn code2(alpha: f64, nom: f64, hi: f64, lo: f64) -> (f64, f64) {
    let a = 0.5 * (hi + lo) - nom;
    let b = 0.5 * (hi - lo);
    if alpha > 1.0 {
        ((b + 2.0 * a) * (alpha - 1.0) + hi - nom, b + 2.0 * a)
    } else if alpha < -1.0 {
        ((b - 2.0 * a) * (alpha + 1.0) + lo - nom, b - 2.0 * a)
    } else {
        (a * alpha * alpha + b * alpha, 2.0 * a * alpha + b)
    }
}
