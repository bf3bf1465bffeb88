//! Workspace documents: pyhf digests, schema errors with JSON paths, patches and
//! patchsets, and clear errors instead of NaN.

mod common;
use common::*;
use hepkey_stats::infer::{AsymptoticCalculator, TestStatistic};
use hepkey_stats::workspace::digest::digest;
use hepkey_stats::{Error, PatchSet, Workspace};
use serde_json::{json, Value};

fn sbottom_value(region: &str) -> Value {
    serde_json::from_str(&sbottom_text(&format!("{region}/BkgOnly.json"))).unwrap()
}

#[test]
fn sha256_digests_match_pyhf_utils_digest() {
    // pyhf.utils.digest(BkgOnly.json) of the sbottom regions (spec §5).
    for (region, want) in [
        (
            "RegionA",
            "516fa21b09fd7aecb09116e8906f8259f151aa41b8763eefd9e5548bb7c82a58",
        ),
        (
            "RegionB",
            "e7d31923a652d498cfd62137c287a2460f5f63cdb9058f3a4deadef74fa35655",
        ),
        (
            "RegionC",
            "223c07cd7e0a9423f072b0aef6ba1be2dbfe3934f5e6a315e444792a0646e460",
        ),
    ] {
        assert_eq!(
            digest(&sbottom_value(region), "sha256").unwrap(),
            want,
            "{region}"
        );
    }
}

#[test]
fn patchset_verifies_digest_and_applies_by_name() {
    let ws = sbottom_value("RegionA");
    let ops: Value =
        serde_json::from_str(&sbottom_text("RegionA/patch.sbottom_1300_205_60.json")).unwrap();
    let make = |sha: &str| {
        json!({
            "metadata": {"description": "sbottom", "digests": {"sha256": sha}, "labels": ["m1", "m2", "m3"],
                         "references": {"hepdata": "ins1748602"}},
            "patches": [{"metadata": {"name": "sbottom_1300_205_60", "values": [1300, 205, 60]}, "patch": ops}],
            "version": "1.0.0"
        })
    };
    let good = PatchSet::from_value(
        &make("516fa21b09fd7aecb09116e8906f8259f151aa41b8763eefd9e5548bb7c82a58"),
        "ps.json",
    )
    .unwrap();
    let patched = good.apply(&ws, "sbottom_1300_205_60").unwrap();
    assert_eq!(
        patched["channels"].as_array().unwrap().len(),
        2,
        "the patch removes the VRtt channel"
    );
    assert!(matches!(
        good.apply(&ws, "nope"),
        Err(Error::InvalidInput(_))
    ));
    let bad = PatchSet::from_value(&make(&"0".repeat(64)), "ps.json").unwrap();
    let err = bad.apply(&ws, "sbottom_1300_205_60").unwrap_err();
    assert!(matches!(err, Error::Digest { .. }), "{err}");
}

#[test]
fn schema_errors_name_the_json_path() {
    let mut ws = sbottom_value("RegionB");
    ws["channels"][1]["samples"][2]["modifiers"][3]["data"] = json!({"hi": 1.1});
    let err = Workspace::from_value(&ws, "ws.json")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/channels/1/samples/2/modifiers/3/data") && err.contains("required key"),
        "{err}"
    );

    let mut ws = sbottom_value("RegionB");
    ws["observations"][2]["data"][0] = json!("12");
    let err = Workspace::from_value(&ws, "ws.json")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/observations/2/data/0") && err.contains("a number"),
        "{err}"
    );

    let mut ws = sbottom_value("RegionB");
    ws["channels"][0]["colour"] = json!("red");
    let err = Workspace::from_value(&ws, "ws.json")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/channels/0/colour") && err.contains("no such key"),
        "{err}"
    );

    let err = Workspace::from_str("{\"channels\": [", "broken.json")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("broken.json") && err.contains("invalid JSON"),
        "{err}"
    );
}

#[test]
fn bounds_that_are_not_pairs_fail_at_model_build() {
    let mut ws = sbottom_value("RegionA");
    ws["measurements"][0]["config"]["parameters"][0]["bounds"] = json!([[0.9, 1.0, 1.1]]);
    let ws = Workspace::from_value(&ws, "ws.json").expect("the schema accepts it, like pyhf's");
    let err = hepkey_stats::model_and_data(&ws, None, &[], &Default::default())
        .unwrap_err()
        .to_string();
    assert!(err.contains("lumi") && err.contains("pair"), "{err}");
}

#[test]
fn background_only_model_has_no_poi_and_says_so() {
    let (model, data) = sbottom("RegionA", None);
    assert!(model.poi.is_none());
    let err = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde)
        .err()
        .unwrap();
    assert!(matches!(err, Error::NoPoi(_)), "{err}");
}

#[test]
fn impossible_data_is_a_fit_error_not_nan() {
    // Observed events where the model predicts none: −2 log L is infinite everywhere.
    let ws = json!({
        "channels": [{"name": "c", "samples": [{"name": "s", "data": [0.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]}]}],
        "observations": [{"name": "c", "data": [5.0]}],
        "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
        "version": "1.0.0"
    });
    let ws = Workspace::from_value(&ws, "ws.json").unwrap();
    let (model, data) = hepkey_stats::model_and_data(&ws, None, &[], &Default::default()).unwrap();
    let err = hepkey_stats::fit::fit(&model, &data, &Default::default()).unwrap_err();
    assert!(matches!(err, Error::FailedMinimization(_)), "{err}");
}
