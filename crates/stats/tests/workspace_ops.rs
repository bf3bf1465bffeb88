//! pyhf's workspace operations on small documents: the rules of each join and the
//! errors pyhf raises (`InvalidWorkspaceOperation`, an invalid result). The same
//! operations on the sbottom workspace are checked against pyhf's digests in
//! crates/hepkey/tests/cli_ws_ops.rs.

use hepkey_stats::workspace::operations::{combine, prune, rename, sorted, Join, Prune, Rename};
use hepkey_stats::Error;
use serde_json::{json, Value};

fn ws(channel: &str, sample: &str, modifier: &str, mu_init: f64) -> Value {
    json!({
        "channels": [{"name": channel, "samples": [
            {"name": sample, "data": [5.0, 6.0], "modifiers": [
                {"name": "mu", "type": "normfactor", "data": null},
                {"name": modifier, "type": "normsys", "data": {"hi": 1.1, "lo": 0.9}}
            ]},
            {"name": "bkg", "data": [50, 60], "modifiers": []}
        ]}],
        "observations": [{"name": channel, "data": [55, 66]}],
        "measurements": [{"name": "meas", "config": {"poi": "mu", "parameters": [
            {"name": "mu", "inits": [mu_init]}
        ]}}],
        "version": "1.0.0"
    })
}

fn names(v: &Value, list: &str) -> Vec<String> {
    v[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn prune_removes_what_pyhf_removes() {
    let a = ws("SR", "sig", "syst", 1.0);
    let out = prune(
        &a,
        &Prune {
            samples: vec!["bkg".into()],
            modifier_types: vec!["normsys".into()],
            modifiers: vec!["mu".into()],
            ..Default::default()
        },
        "a",
    )
    .unwrap();
    assert_eq!(names(&out["channels"][0], "samples"), ["sig"]);
    assert_eq!(out["channels"][0]["samples"][0]["modifiers"], json!([]));
    // The parameter config of a pruned modifier goes, the POI name stays (as pyhf).
    assert_eq!(out["measurements"][0]["config"]["parameters"], json!([]));
    assert_eq!(out["measurements"][0]["config"]["poi"], "mu");
    // Integers stay integers.
    let out = prune(&a, &Prune::default(), "a").unwrap();
    assert_eq!(out["observations"][0]["data"], json!([55, 66]));
}

#[test]
fn prune_and_rename_refuse_unknown_names() {
    let a = ws("SR", "sig", "syst", 1.0);
    for (p, what) in [
        (
            Prune {
                channels: vec!["CR".into()],
                ..Default::default()
            },
            "CR is not one of the channels",
        ),
        (
            Prune {
                modifier_types: vec!["shapesys".into()],
                ..Default::default()
            },
            "shapesys is not one of the modifier types",
        ),
        (
            Prune {
                measurements: vec!["x".into()],
                ..Default::default()
            },
            "x is not one of the measurements",
        ),
    ] {
        let err = prune(&a, &p, "a").unwrap_err();
        assert!(matches!(err, Error::InvalidWorkspaceOperation(_)), "{err}");
        assert!(err.to_string().contains(what), "{err}");
    }
    let mut r = Rename::default();
    r.samples.insert("nope".into(), "x".into());
    assert!(rename(&a, &r, "a")
        .unwrap_err()
        .to_string()
        .contains("nope is not one of the samples"));
    // Pruning every sample of a channel leaves no valid workspace.
    let err = prune(
        &a,
        &Prune {
            samples: vec!["sig".into(), "bkg".into()],
            ..Default::default()
        },
        "a",
    )
    .unwrap_err();
    assert!(err.to_string().contains("/channels/0/samples"), "{err}");
}

#[test]
fn rename_follows_modifiers_into_measurements() {
    let a = ws("SR", "sig", "syst", 1.0);
    let mut r = Rename::default();
    r.modifiers.insert("mu".into(), "mu_sig".into());
    r.channels.insert("SR".into(), "signal_region".into());
    let out = rename(&a, &r, "a").unwrap();
    assert_eq!(out["measurements"][0]["config"]["poi"], "mu_sig");
    assert_eq!(
        out["measurements"][0]["config"]["parameters"][0]["name"],
        "mu_sig"
    );
    assert_eq!(
        out["channels"][0]["samples"][0]["modifiers"][0]["name"],
        "mu_sig"
    );
    assert_eq!(names(&out, "observations"), ["signal_region"]);
}

#[test]
fn joins_behave_as_in_pyhf() {
    let a = ws("SR", "sig", "syst", 1.0);
    let b = ws("CR", "sig", "syst", 1.0);
    // none: distinct channels, but the same measurement name is refused.
    let err = combine(&a, &b, Join::None, false).unwrap_err();
    assert!(err.to_string().contains("measurements in common"), "{err}");
    // outer: identical measurements are kept once; channels of both, left first.
    let out = combine(&a, &b, Join::Outer, false).unwrap();
    assert_eq!(names(&out, "channels"), ["SR", "CR"]);
    assert_eq!(out["measurements"].as_array().unwrap().len(), 1);
    // outer: same measurement, different parameter config: refused.
    let c = ws("CR", "sig", "syst", 2.0);
    let err = combine(&a, &c, Join::Outer, false).unwrap_err();
    assert!(
        err.to_string().contains("incompatible parameter configs"),
        "{err}"
    );
    // outer: same channel name with different content: refused; identical: kept once.
    let d = ws("SR", "sig", "other", 1.0);
    assert!(combine(&a, &d, Join::Outer, false)
        .unwrap_err()
        .to_string()
        .contains("incompatible structure"));
    assert_eq!(
        names(&combine(&a, &a, Join::Outer, false).unwrap(), "channels"),
        ["SR"]
    );
    // left / right outer: the named side wins a clash, and comes first.
    let left = combine(&a, &d, Join::LeftOuter, false).unwrap();
    assert_eq!(
        left["channels"][0]["samples"][0]["modifiers"][1]["name"],
        "syst"
    );
    let right = combine(&a, &d, Join::RightOuter, false).unwrap();
    assert_eq!(
        right["channels"][0]["samples"][0]["modifiers"][1]["name"],
        "other"
    );
    let right = combine(&a, &b, Join::RightOuter, false).unwrap();
    assert_eq!(names(&right, "channels"), ["CR", "SR"]);
    // merge_channels: samples of same-named channels are joined (left outer).
    let mut e = ws("SR", "extra", "syst", 1.0);
    e["channels"][0]["samples"]
        .as_array_mut()
        .unwrap()
        .truncate(1);
    let merged = combine(&a, &e, Join::LeftOuter, true).unwrap();
    assert_eq!(
        names(&merged["channels"][0], "samples"),
        ["sig", "bkg", "extra"]
    );
    assert!(matches!(
        combine(&a, &e, Join::None, true),
        Err(Error::InvalidInput(_))
    ));
    "left outer".parse::<Join>().unwrap();
    assert!("inner".parse::<Join>().is_err());
}

#[test]
fn sorted_orders_by_name() {
    let a = combine(
        &ws("SR", "sig", "syst", 1.0),
        &ws("CR", "sig", "syst", 1.0),
        Join::Outer,
        false,
    )
    .unwrap();
    let s = sorted(&a);
    assert_eq!(names(&s, "channels"), ["CR", "SR"]);
    assert_eq!(names(&s, "observations"), ["CR", "SR"]);
    assert_eq!(names(&s["channels"][0], "samples"), ["bkg", "sig"]);
}
