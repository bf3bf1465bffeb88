//! normsys: a multiplicative factor interpolated between lo and hi (code 4 by
//! default), alpha constrained by Gauss(0 | alpha, 1), init 0, bounds [-5, 5].
use super::Draft;
use crate::model::interpolation::{Code4, NormsysCode};
use crate::model::parameters::{Constraint, ModifierType};
use crate::model::ScalarFactor;

pub(crate) fn draft(kind: ModifierType) -> Draft {
    Draft {
        kind,
        inits: vec![0.0],
        bounds: vec![(-5.0, 5.0)],
        fixed: vec![false],
        auxdata: vec![0.0],
        constraint: Constraint::Normal { sigmas: vec![1.0] },
    }
}

/// The sample's rates times the interpolated factor; none when hi = lo = 1, which is
/// the constant 1 for both codes.
pub(crate) fn effect(par: usize, hi: f64, lo: f64, code: NormsysCode) -> Option<ScalarFactor> {
    if hi == 1.0 && lo == 1.0 {
        return None;
    }
    Some(match code {
        NormsysCode::Code1 => ScalarFactor::NormSysCode1 { par, hi, lo },
        NormsysCode::Code4 => ScalarFactor::NormSysCode4 {
            par,
            interp: Code4::new(hi, lo),
        },
    })
}
