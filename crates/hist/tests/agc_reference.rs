//! Cross-check with the AGC references in ../shared: the 25-bin histograms of `agc_histos_1file.json`,
//! rebinned as cabinetry does (`h[110j::rebin(2)]`, config binning 110, 150, ..., 550), must give the
//! sample data of the pyhf workspace cabinetry built from them (`workspace_1file.json`).

use hepkey_hist::{Axis, Hist1D};
use serde_json::Value;

fn shared(path: &str) -> Value {
    let p = format!(
        "{}/../../../shared/reference/agc/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}")))
        .unwrap()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn agc_edges_are_the_regular_axis_edges() {
    let refs = shared("hists_relaxed_lepton_tree200.json");
    let axis = Axis::regular(25, 50.0, 550.0).unwrap();
    for (name, h) in refs.as_object().unwrap() {
        assert_eq!(nums(&h["edges"]), axis.edges(), "{name}");
        // The stored flow-inclusive contents load into a histogram of that axis.
        let hist =
            Hist1D::from_parts(axis.clone(), nums(&h["contents"]), nums(&h["sumw2"])).unwrap();
        let total: f64 = nums(&h["contents"]).iter().sum();
        assert_eq!(hist.sum(true), total, "{name}");
    }
}

#[test]
fn cabinetry_rebinning_reproduces_the_workspace() {
    let hists = shared("agc_histos_1file.json");
    let ws = shared("workspace_1file.json");
    let binning: Vec<f64> = (0..=11).map(|k| 110.0 + 40.0 * k as f64).collect();
    let path = |sample: &str| match sample {
        "ttbar" => "ttbar",
        "W+jets" => "wjets",
        "single top, s-channel" => "single_top_s_chan",
        "single top, t-channel" => "single_top_t_chan",
        "tW" => "single_top_tW",
        other => panic!("unknown sample {other}"),
    };
    let load = |key: &str| {
        let h = &hists[key];
        let axis = Axis::variable(nums(&h["edges"])).unwrap();
        let contents = nums(&h["contents"]);
        let zeros = vec![0.0; contents.len()];
        Hist1D::from_parts(axis, contents, zeros)
            .unwrap()
            .rebin_to_edges(&binning)
            .unwrap()
    };
    let mut checked = 0;
    for ch in ws["channels"].as_array().unwrap() {
        let region = ch["name"].as_str().unwrap().split(' ').next().unwrap();
        for s in ch["samples"].as_array().unwrap() {
            let got = load(&format!("{region}_{}", path(s["name"].as_str().unwrap())));
            let want = nums(&s["data"]);
            assert_eq!(got.edges(), binning);
            for (i, (g, w)) in got.values().iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-12 * w.abs(),
                    "{region} {}: bin {i}: {g} vs {w}",
                    s["name"]
                );
            }
            checked += 1;
        }
    }
    for obs in ws["observations"].as_array().unwrap() {
        let region = obs["name"].as_str().unwrap().split(' ').next().unwrap();
        let got = load(&format!("{region}_pseudodata"));
        for (g, w) in got.values().iter().zip(&nums(&obs["data"])) {
            assert!(
                (g - w).abs() <= 1e-12 * w.abs(),
                "{region} pseudodata: {g} vs {w}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 12);
}
