//! shapefactor: one free factor per bin (init 1, bounds [0, 10]).
use super::Draft;
use crate::model::parameters::ModifierType;

pub(crate) fn draft(nbins: usize) -> Draft {
    Draft::unconstrained(ModifierType::ShapeFactor, nbins, 1.0, (0.0, 10.0))
}
