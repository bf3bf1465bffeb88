//! Arbitrary text as a pyhf workspace: parse, build the model of each measurement, take the
//! observed data and evaluate −2 log L once at the suggested start: errors are fine, panics are bugs.
#![no_main]

use hepkey_stats::{model_and_data, ModelOptions, Workspace};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ws) = Workspace::from_str(text, "fuzz.json") else {
        return;
    };
    for m in &ws.measurements {
        if let Ok((model, data)) = model_and_data(&ws, Some(&m.name), &[], &ModelOptions::default())
        {
            let _ = model.twice_nll(&model.suggested_init(), &data);
        }
    }
});
