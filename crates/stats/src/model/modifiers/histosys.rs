//! histosys: an additive per-bin shift interpolated between lo_data and hi_data
//! (code 4p by default); its alpha has the same unit-Gaussian constraint as normsys,
//! and both may share one parameter.
use super::Draft;
use crate::model::parameters::ModifierType;

pub(crate) fn draft() -> Draft {
    super::normsys::draft(ModifierType::HistoSys)
}
