//! shapefactor: one free factor per bin (init 1, bounds [0, 10]).
use super::Draft;
use crate::model::parameters::ModifierType;
use crate::model::BinFactors;

pub(crate) fn draft(nbins: usize) -> Draft {
    Draft::unconstrained(ModifierType::ShapeFactor, nbins, 1.0, (0.0, 10.0))
}

/// Bin b of the sample times component b.
pub(crate) fn effect(first_par: usize) -> BinFactors {
    BinFactors { first_par }
}
