//! normfactor: one free factor multiplying the sample (init 1, bounds [0, 10]).
use super::Draft;
use crate::model::parameters::ModifierType;
use crate::model::ScalarFactor;

pub(crate) fn draft() -> Draft {
    Draft::unconstrained(ModifierType::NormFactor, 1, 1.0, (0.0, 10.0))
}

/// The sample's rates times the parameter.
pub(crate) fn effect(par: usize) -> ScalarFactor {
    ScalarFactor::Linear { par }
}
