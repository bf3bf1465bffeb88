/// Piecewise-exponential factor: hi^alpha above 0, lo^(−alpha) below.
#[inline]
pub fn code1(alpha: f64, hi: f64, lo: f64) -> (f64, f64) {
    if alpha >= 0.0 {
        let v = hi.powf(alpha);
        (v, v * hi.ln())
    } else {
        let v = lo.powf(-alpha);
        (v, -v * lo.ln())
    }
}
