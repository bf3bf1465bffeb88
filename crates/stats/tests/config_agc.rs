//! The AGC workspace built from histograms with examples/agc/fit.toml equals
//! cabinetry's ../shared/reference/agc/workspace_1file.json as a model.

mod common;
use common::*;
use hepkey_stats::config::{build_workspace, FitConfig, HistogramSet};
use hepkey_stats::{model_and_data, ModelOptions, Workspace};

#[test]
fn agc_workspace_from_histograms_matches_cabinetry() {
    let cfg_path = format!("{}/../../examples/agc/fit.toml", env!("CARGO_MANIFEST_DIR"));
    let cfg =
        FitConfig::from_toml(&std::fs::read_to_string(&cfg_path).unwrap(), "fit.toml").unwrap();
    let hists = HistogramSet::from_str(
        &std::fs::read_to_string(shared("reference/agc/agc_histos_1file.json")).unwrap(),
        "agc_histos_1file.json",
    )
    .unwrap();
    let built = build_workspace(&cfg, &hists).unwrap();
    let reference = Workspace::from_str(
        &std::fs::read_to_string(shared("reference/agc/workspace_1file.json")).unwrap(),
        "workspace_1file.json",
    )
    .unwrap();
    let (m1, d1) = model_and_data(&built, None, &[], &ModelOptions::default()).unwrap();
    let (m2, d2) = model_and_data(&reference, None, &[], &ModelOptions::default()).unwrap();
    assert_eq!(m1.par_names(), m2.par_names());
    assert_eq!(m1.suggested_bounds(), m2.suggested_bounds());
    for (a, b) in d1.main.iter().zip(&d2.main) {
        assert_rel(*a, *b, 1e-12, "observed");
    }
    // Same rates at the nominal point and away from it, same constraint terms.
    let init = m2.suggested_init();
    let shifted: Vec<f64> = init
        .iter()
        .enumerate()
        .map(|(i, x)| x + 0.3 * ((i as f64) * 0.7).sin())
        .collect();
    for pars in [&init, &shifted] {
        for (a, b) in m1.expected_main(pars).iter().zip(m2.expected_main(pars)) {
            assert_rel(*a, b, 1e-10, "expected rate");
        }
        assert_rel(
            m1.twice_nll(pars, &d1),
            m2.twice_nll(pars, &d2),
            1e-10,
            "twice_nll",
        );
    }
}

#[test]
fn config_errors_name_the_problem() {
    let bad = "[general]\nmeasurement = \"m\"\npoi = \"mu\"\ncolour = 1\n[[regions]]\nname = \"r\"\n[[samples]]\nname = \"d\"\ndata = true\n";
    let err = FitConfig::from_toml(bad, "bad.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("bad.toml") && err.contains("colour"), "{err}");
}

/// The layout `hepkey run` writes: in-range bins under `"values"` beside flow bins and an axis,
/// and nominal histograms under a variation name of their own (`nominal_variation`). The AGC
/// histograms rewritten that way build the same workspace.
#[test]
fn hepkey_run_layout_builds_the_same_workspace() {
    let cfg_path = format!("{}/../../examples/agc/fit.toml", env!("CARGO_MANIFEST_DIR"));
    let cfg_text = std::fs::read_to_string(&cfg_path).unwrap();
    let agc_text = std::fs::read_to_string(shared("reference/agc/agc_histos_1file.json")).unwrap();
    let cfg = FitConfig::from_toml(&cfg_text, "fit.toml").unwrap();
    let expected =
        build_workspace(&cfg, &HistogramSet::from_str(&agc_text, "agc").unwrap()).unwrap();

    let variations: Vec<String> = cfg
        .systematics
        .iter()
        .flat_map(|s| [&s.up.variation, &s.down.variation])
        .flatten()
        .cloned()
        .collect();
    let agc: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&agc_text).unwrap();
    let mut rewritten = serde_json::Map::new();
    for (key, h) in agc {
        let nominal = !variations.iter().any(|v| key.ends_with(v.as_str()));
        let key = if nominal {
            format!("{key}_nominal")
        } else {
            key
        };
        let contents = h["contents"].clone();
        let n = contents.as_array().unwrap().len();
        rewritten.insert(
            key,
            serde_json::json!({
                "edges": h["edges"],
                "values": contents,
                "underflow": 0.0,
                "overflow": 0.0,
                "entries": n,
                "axis": {"kind": "regular"},
            }),
        );
    }
    let cfg_text = cfg_text.replace(
        "histogram_key = ",
        "nominal_variation = \"_nominal\"\nhistogram_key = ",
    );
    let cfg = FitConfig::from_toml(&cfg_text, "fit.toml").unwrap();
    let hists = HistogramSet::from_str(
        &serde_json::Value::Object(rewritten).to_string(),
        "histograms.json",
    )
    .unwrap();
    let built = build_workspace(&cfg, &hists).unwrap();
    assert_eq!(built.to_value(), expected.to_value());

    // Neither "contents" nor "values": the error names the histogram and both keys.
    let err = HistogramSet::from_str(r#"{"r/s/nominal": {"edges": [0, 1]}}"#, "h.json")
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "h.json: at /r~1s~1nominal: expected a histogram with \"contents\" or \"values\""
    );
}
