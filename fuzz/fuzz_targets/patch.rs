//! Arbitrary text as an RFC 6902 patch (or a pyhf PatchSet) applied to a small valid workspace,
//! then the patched model built and evaluated once: errors are fine, panics are bugs, and the
//! growth limit must stop `copy` loops before they exhaust memory.
#![no_main]

use hepkey_stats::{model_and_data, JsonPatch, ModelOptions, PatchSet, Workspace};
use libfuzzer_sys::fuzz_target;

const WORKSPACE: &str = r#"{
 "channels": [{"name": "ch", "samples": [
   {"name": "sig", "data": [5.0, 3.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
   {"name": "bkg", "data": [50.0, 60.0], "modifiers": [
     {"name": "unc", "type": "shapesys", "data": [5.0, 6.0]},
     {"name": "stat", "type": "staterror", "data": [1.0, 2.0]},
     {"name": "lumi", "type": "lumi", "data": null},
     {"name": "ns", "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}},
     {"name": "hs", "type": "histosys", "data": {"hi_data": [55.0, 62.0], "lo_data": [45.0, 58.0]}}]}]}],
 "observations": [{"name": "ch", "data": [52.0, 63.0]}],
 "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": [
   {"name": "lumi", "auxdata": [1.0], "sigmas": [0.02], "bounds": [[0.9, 1.1]], "inits": [1.0]}]}}],
 "version": "1.0.0"
}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let ws = Workspace::from_str(WORKSPACE, "ws.json").unwrap();
    let value: serde_json::Value = serde_json::from_str(WORKSPACE).unwrap();
    let mut patches = Vec::new();
    if let Ok(p) = JsonPatch::from_str(text, "fuzz.json") {
        // The whole workspace patched (as `hepkey patch` does) ...
        let mut whole = value.clone();
        if p.apply(&mut whole).is_ok() {
            let _ = Workspace::from_value(&whole, "patched");
        }
        patches.push(p);
    } else if let Ok(set) = PatchSet::from_str(text, "fuzz.json") {
        for p in &set.patches {
            let _ = set.apply(&value, &p.name);
            patches.push(p.patch.clone());
        }
    }
    // ... and the model part (as the fits do).
    if let Ok((model, data)) = model_and_data(&ws, None, &patches, &ModelOptions::default()) {
        let _ = model.twice_nll(&model.suggested_init(), &data);
    }
});
