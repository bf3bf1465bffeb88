/// Linear shift outside [−1, 1]; inside, the mean slope plus a polynomial in alpha²
/// that joins both lines with continuous first and second derivatives.
#[inline]
pub fn code4p(alpha: f64, nom: f64, hi: f64, lo: f64) -> (f64, f64) {
    let up = hi - nom;
    let down = nom - lo;
    if alpha > 1.0 {
        (alpha * up, up)
    } else if alpha < -1.0 {
        (alpha * down, down)
    } else {
        let s = 0.5 * (up + down);
        let a = 0.0625 * (up - down);
        let a2 = alpha * alpha;
        let poly = a2 * (15.0 + a2 * (-10.0 + 3.0 * a2));
        let dpoly = alpha * (30.0 + a2 * (-40.0 + 18.0 * a2));
        (alpha * s + a * poly, s + a * dpoly)
    }
}
