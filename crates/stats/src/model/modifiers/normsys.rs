//! normsys: a multiplicative factor interpolated between lo and hi (code 4 by
//! default), alpha constrained by Gauss(0 | alpha, 1), init 0, bounds [-5, 5].
use super::Draft;
use crate::model::parameters::{Constraint, ModifierType};

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
