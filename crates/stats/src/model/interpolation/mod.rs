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
