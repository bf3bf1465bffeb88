//! Interpolation between the nominal and the ±1σ variations, as pyhf's
//! `interpolators/`: each code returns the value and its derivative in alpha.
//! Multiplicative codes (1, 4) act on a normalisation factor; additive codes
//! (0, 2, 4p) give a shift of a bin yield.

mod code0;
mod code1;
mod code2;
mod code4;
mod code4p;

pub use code0::code0;
pub use code1::code1;
pub use code2::code2;
pub use code4::Code4;
pub use code4p::code4p;

/// Interpolation code of a normsys modifier (multiplicative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NormsysCode {
    /// Piecewise exponential.
    Code1,
    /// Exponential outside ±1, 6th-order polynomial inside (pyhf's default).
    Code4,
}

/// Interpolation code of a histosys modifier (additive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistosysCode {
    /// Piecewise linear.
    Code0,
    /// Quadratic inside ±1, linear outside.
    Code2,
    /// Linear outside ±1, 6th-order polynomial inside (pyhf's default).
    Code4p,
}

impl NormsysCode {
    pub fn parse(s: &str) -> Option<NormsysCode> {
        match s {
            "code1" | "1" => Some(NormsysCode::Code1),
            "code4" | "4" => Some(NormsysCode::Code4),
            _ => None,
        }
    }
}

impl HistosysCode {
    pub fn parse(s: &str) -> Option<HistosysCode> {
        match s {
            "code0" | "0" => Some(HistosysCode::Code0),
            "code2" | "2" => Some(HistosysCode::Code2),
            "code4p" | "4p" => Some(HistosysCode::Code4p),
            _ => None,
        }
    }

    /// Every additive code is `delta = s·alpha + a·P(alpha)` with per-bin
    /// s = (up + down)/2, a = (up − down)/16 (up = hi − nom, down = nom − lo) and a
    /// shape P common to all bins: this returns (P, dP/dalpha). Evaluating P once per
    /// parameter makes a shift two multiply-adds per bin.
    #[inline]
    pub fn shape(self, alpha: f64) -> (f64, f64) {
        match self {
            HistosysCode::Code0 => {
                if alpha >= 0.0 {
                    (8.0 * alpha, 8.0)
                } else {
                    (-8.0 * alpha, -8.0)
                }
            }
            HistosysCode::Code2 => {
                if alpha > 1.0 {
                    (16.0 * alpha - 8.0, 16.0)
                } else if alpha < -1.0 {
                    (-16.0 * alpha - 8.0, -16.0)
                } else {
                    (8.0 * alpha * alpha, 16.0 * alpha)
                }
            }
            HistosysCode::Code4p => {
                if alpha > 1.0 {
                    (8.0 * alpha, 8.0)
                } else if alpha < -1.0 {
                    (-8.0 * alpha, -8.0)
                } else {
                    let a2 = alpha * alpha;
                    (
                        a2 * (15.0 + a2 * (-10.0 + 3.0 * a2)),
                        alpha * (30.0 + a2 * (-40.0 + 18.0 * a2)),
                    )
                }
            }
        }
    }

    /// d²P/dalpha² of [`HistosysCode::shape`] (0 at the kinks of code 0).
    #[inline]
    pub fn shape_second_derivative(self, alpha: f64) -> f64 {
        match self {
            HistosysCode::Code0 => 0.0,
            HistosysCode::Code2 => {
                if alpha.abs() > 1.0 {
                    0.0
                } else {
                    16.0
                }
            }
            HistosysCode::Code4p => {
                if alpha.abs() > 1.0 {
                    0.0
                } else {
                    let a2 = alpha * alpha;
                    30.0 + a2 * (-120.0 + 90.0 * a2)
                }
            }
        }
    }

    /// The per-bin coefficients (s, a) of [`HistosysCode::shape`].
    #[inline]
    pub fn coefficients(nom: f64, hi: f64, lo: f64) -> (f64, f64) {
        let up = hi - nom;
        let down = nom - lo;
        (0.5 * (up + down), 0.0625 * (up - down))
    }

    /// Shift of one bin and its derivative in alpha.
    #[inline]
    pub fn delta(self, alpha: f64, nom: f64, hi: f64, lo: f64) -> (f64, f64) {
        match self {
            HistosysCode::Code0 => code0(alpha, nom, hi, lo),
            HistosysCode::Code2 => code2(alpha, nom, hi, lo),
            HistosysCode::Code4p => code4p(alpha, nom, hi, lo),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_form_equals_the_direct_formulas() {
        let (nom, hi, lo) = (10.0, 12.5, 9.1);
        let (s, a) = HistosysCode::coefficients(nom, hi, lo);
        for code in [
            HistosysCode::Code0,
            HistosysCode::Code2,
            HistosysCode::Code4p,
        ] {
            for alpha in [-2.3, -1.0, -0.4, 0.0, 0.7, 1.0, 1.8] {
                let (p, dp) = code.shape(alpha);
                let (d, dd) = code.delta(alpha, nom, hi, lo);
                assert!((s * alpha + a * p - d).abs() < 1e-12, "{code:?} {alpha}");
                assert!(
                    (s + a * dp - dd).abs() < 1e-12,
                    "{code:?} {alpha} derivative"
                );
            }
        }
    }
}
