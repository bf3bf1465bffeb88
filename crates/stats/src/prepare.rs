//! From a workspace (plus patches) to a model and its observed data, as
//! `Workspace.model(patches=...)` and `Workspace.data(model)` do in pyhf.

use crate::error::{Error, Result};
use crate::likelihood::Data;
use crate::model::{Model, ModelOptions};
use crate::workspace::{JsonPatch, ModelSpec, Workspace};

/// Builds the model of a measurement (by name, else the first) with patches applied
/// to the `{channels, parameters}` document, and the observed data for it.
/// The POI is the measurement's when the (patched) model has that parameter.
pub fn model_and_data(
    ws: &Workspace,
    measurement: Option<&str>,
    patches: &[JsonPatch],
    options: &ModelOptions,
) -> Result<(Model, Data)> {
    let meas = ws.measurement(measurement)?;
    let mut spec = ws.model_spec(meas);
    if !patches.is_empty() {
        let mut doc = spec.to_value();
        for p in patches {
            p.apply(&mut doc)?;
        }
        spec = ModelSpec::from_value(&doc, "patched model")?;
    }
    // Checked here, after patching, so that a patch cannot bring in what the workspace may not hold.
    spec.check_values()?;
    let mut opts = options.clone();
    if opts.poi_name.is_none() {
        let has_poi = spec
            .channels
            .iter()
            .flat_map(|c| &c.samples)
            .flat_map(|s| &s.modifiers)
            .any(|m| m.name == meas.poi);
        if has_poi {
            opts.poi_name = Some(meas.poi.clone());
        }
    }
    // Observed counts below 0 have no Poisson probability (pyhf's log-likelihood is -inf).
    for c in &spec.channels {
        let obs = ws.observation(&c.name).unwrap_or_default();
        if let Some((i, x)) = obs
            .iter()
            .enumerate()
            .find(|(_, x)| !(x.is_finite() && **x >= 0.0))
        {
            return Err(Error::InvalidModel(format!(
                "observation of channel {:?}: bin {i} is {x}; expected counts ≥ 0",
                c.name
            )));
        }
    }
    let model = Model::new(&spec, &opts)?;
    let data = Data::observed(&model, ws)?;
    Ok((model, data))
}
