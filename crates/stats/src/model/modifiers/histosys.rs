//! histosys: an additive per-bin shift interpolated between lo_data and hi_data
//! (code 4p by default); its alpha has the same unit-Gaussian constraint as normsys,
//! and both may share one parameter.
use super::Draft;
use crate::model::interpolation::HistosysCode;
use crate::model::parameters::ModifierType;
use crate::model::ShiftTerm;

pub(crate) fn draft() -> Draft {
    super::normsys::draft(ModifierType::HistoSys)
}

/// Adds to each bin's list the shift this modifier makes there (`slot`: the
/// parameter's index among the histosys parameters); bins it leaves alone get none.
pub(crate) fn effect(
    slot: u32,
    nominal: &[f64],
    hi_data: &[f64],
    lo_data: &[f64],
    per_bin: &mut [Vec<ShiftTerm>],
) {
    for (i, bin) in per_bin.iter_mut().enumerate() {
        let (s, a) = HistosysCode::coefficients(nominal[i], hi_data[i], lo_data[i]);
        if s != 0.0 || a != 0.0 {
            bin.push(ShiftTerm { slot, s, a });
        }
    }
}
