//! normfactor: one free factor multiplying the sample (init 1, bounds [0, 10]).
use super::Draft;
use crate::model::parameters::ModifierType;

pub(crate) fn draft() -> Draft {
    Draft::unconstrained(ModifierType::NormFactor, 1, 1.0, (0.0, 10.0))
}
