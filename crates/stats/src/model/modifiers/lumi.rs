//! lumi: one factor with a Gaussian constraint whose width (and by default its
//! centre, init and bounds) come from the measurement config.
use super::Draft;
use crate::error::{Error, Result};
use crate::model::parameters::{Constraint, ModifierType};
use crate::model::ScalarFactor;
use crate::workspace::ParameterConfig;

/// pyhf has no defaults for lumi: `sigmas` is required. Where pyhf would fail on a
/// missing key we take auxdata 1, init = auxdata and bounds auxdata ± 5 sigma.
pub(crate) fn draft(config: Option<&ParameterConfig>, name: &str) -> Result<Draft> {
    let sigma = config
        .and_then(|c| c.sigmas.as_ref())
        .and_then(|s| s.first().copied())
        .ok_or_else(|| {
            Error::InvalidModel(format!(
                "the lumi modifier {name:?} needs \"sigmas\" in the measurement's parameter config"
            ))
        })?;
    let aux = config
        .and_then(|c| c.auxdata.as_ref())
        .and_then(|a| a.first().copied())
        .unwrap_or(1.0);
    Ok(Draft {
        kind: ModifierType::Lumi,
        inits: vec![aux],
        bounds: vec![(aux - 5.0 * sigma, aux + 5.0 * sigma)],
        fixed: vec![false],
        auxdata: vec![aux],
        constraint: Constraint::Normal {
            sigmas: vec![sigma],
        },
    })
}

/// The sample's rates times the parameter.
pub(crate) fn effect(par: usize) -> ScalarFactor {
    ScalarFactor::Linear { par }
}
