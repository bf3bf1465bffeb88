//! Arbitrary text as an analysis file: the TOML parse into the typed file and every check
//! that needs no input file (`validate`). Errors are fine, panics are bugs.
#![no_main]

use hepkey_analysis::config::AnalysisFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = toml::from_str::<AnalysisFile>(text) {
        let _ = hepkey_analysis::validate::validate(&file, "fuzz.toml");
    }
});
