//! shapesys: one factor gamma_b per bin with a Poisson constraint
//! Poisson(tau_b | gamma_b tau_b), tau_b = (nominal_b / uncertainty_b)^2. Bins
//! without nominal or uncertainty get tau 1 and are held fixed.
use super::{Carrier, Draft};
use crate::error::{Error, Result};
use crate::model::parameters::{Constraint, ModifierType};
use crate::model::BinFactors;
use crate::workspace::ModifierData;

/// The parameter set of the shapesys `name`, which only one sample may carry.
pub(crate) fn draft(name: &str, carriers: &[Carrier]) -> Result<Draft> {
    match carriers {
        [Carrier {
            sample,
            data: ModifierData::ShapeSys(uncertainty),
            ..
        }] => Ok(draft_of(&sample.data, uncertainty)),
        _ => Err(Error::InvalidNameReuse {
            name: name.to_string(),
            reason: "a shapesys parameter cannot be shared between samples".into(),
        }),
    }
}

/// Bin b of the sample times component b.
pub(crate) fn effect(first_par: usize) -> BinFactors {
    BinFactors { first_par }
}

fn draft_of(nominal: &[f64], uncertainty: &[f64]) -> Draft {
    let n = nominal.len();
    let mut factors = Vec::with_capacity(n);
    let mut fixed = Vec::with_capacity(n);
    for (&nom, &unc) in nominal.iter().zip(uncertainty) {
        if nom > 0.0 && unc > 0.0 {
            factors.push((nom / unc) * (nom / unc));
            fixed.push(false);
        } else {
            factors.push(1.0);
            fixed.push(true);
        }
    }
    Draft {
        kind: ModifierType::ShapeSys,
        inits: vec![1.0; n],
        bounds: vec![(1e-10, 10.0); n],
        fixed,
        auxdata: factors.clone(),
        constraint: Constraint::Poisson { factors },
    }
}
