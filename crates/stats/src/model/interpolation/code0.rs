/// Piecewise-linear additive shift: alpha·(hi−nom) above 0, alpha·(nom−lo) below.
#[inline]
pub fn code0(alpha: f64, nom: f64, hi: f64, lo: f64) -> (f64, f64) {
    let slope = if alpha >= 0.0 { hi - nom } else { nom - lo };
    (alpha * slope, slope)
}
