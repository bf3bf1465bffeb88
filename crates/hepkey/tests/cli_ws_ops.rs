//! `hepkey prune | rename | combine | digest` against pyhf 0.7.6 on the sbottom RegionA
//! workspace: the digest of each result (i.e. its exact content), the model's parameter
//! order and the best-fit −2 log L (crates/stats/tests/fixtures/ws_ops.json, made by
//! make_ws_ops.py).

mod support;
use support::*;

use std::path::Path;
use std::process::Command;

fn bkg_only() -> String {
    repo(
        "../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json",
    )
    .to_str()
    .unwrap()
    .to_string()
}

fn reference() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(repo("crates/stats/tests/fixtures/ws_ops.json")).unwrap(),
    )
    .unwrap()
}

fn hepkey<I, S>(args: I) -> std::process::Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Digest, parameter order and (optionally) best-fit −2 log L of a written workspace
/// against pyhf's for the same operation.
fn check(path: &Path, case: &str, fit: bool) {
    let want = &reference()[case];
    let p = path.to_str().unwrap();
    let digest = ok(hepkey(["digest", p]));
    assert_eq!(
        digest.trim(),
        format!("sha256:{}", want["sha256"].as_str().unwrap()),
        "{case}: content differs from pyhf's"
    );
    let fit_json: serde_json::Value =
        serde_json::from_str(&ok(hepkey(["fit", p, "--json"]))).unwrap();
    let mut order: Vec<String> = Vec::new();
    for label in fit_json["labels"].as_array().unwrap() {
        let base = label
            .as_str()
            .unwrap()
            .split('[')
            .next()
            .unwrap()
            .to_string();
        if order.last() != Some(&base) {
            order.push(base);
        }
    }
    let want_order: Vec<String> = want["par_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(order, want_order, "{case}: parameter order");
    if fit {
        let got = fit_json["twice_nll"].as_f64().unwrap();
        let expected = want["twice_nll"].as_f64().unwrap();
        assert!(
            ((got - expected) / expected).abs() < 1e-6,
            "{case}: twice_nll {got} vs pyhf {expected}"
        );
    }
}

#[test]
fn digest_matches_pyhf() {
    let out = ok(hepkey(["digest", &bkg_only(), "-a", "sha256", "-a", "md5"]));
    assert_eq!(
        out,
        "sha256:516fa21b09fd7aecb09116e8906f8259f151aa41b8763eefd9e5548bb7c82a58\n\
         md5:c62c23c87d1c9b735c75cf0830f0ad84\n"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(hepkey(["digest", &bkg_only(), "--json"]))).unwrap();
    assert_eq!(json["sha256"], reference()["original"]["sha256"]);
}

#[test]
fn prune_matches_pyhf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("no_ttH.json");
    ok(hepkey([
        "prune",
        &bkg_only(),
        "-s",
        "ttH",
        "-o",
        out.to_str().unwrap(),
    ]));
    check(&out, "prune_sample_ttH", true);
    let out = dir.path().join("mixed.json");
    ok(hepkey([
        "prune",
        &bkg_only(),
        "-s",
        "ttH",
        "-m",
        "ttZ_theory",
        "-t",
        "staterror",
        "-c",
        "VRtt_meff",
        "-o",
        out.to_str().unwrap(),
    ]));
    check(&out, "prune_mixed", false);
}

#[test]
fn prune_errors_like_pyhf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.json");
    let o = out.to_str().unwrap();
    let r = hepkey(["prune", &bkg_only(), "-s", "no_such_sample", "-o", o]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("no_such_sample is not one of the samples"));
    // Removing every channel leaves no valid workspace: an error, and no file.
    let r = hepkey([
        "prune",
        &bkg_only(),
        "-c",
        "SR_meff",
        "-c",
        "CRtt_meff",
        "-c",
        "VRtt_meff",
        "-o",
        o,
    ]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("/channels"));
    assert!(!out.exists());
}

#[test]
fn rename_matches_pyhf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("renamed.json");
    // Both pyhf's `OLD NEW` form and `OLD:NEW`.
    ok(hepkey([
        "rename",
        &bkg_only(),
        "-c",
        "SR_meff",
        "SR",
        "-s",
        "ttbar:TTBAR",
        "-m",
        "mu_ttbar",
        "mu_tt",
        "--measurement",
        "NormalMeasurement:NM",
        "-o",
        out.to_str().unwrap(),
    ]));
    check(&out, "rename", false);
}

#[test]
fn combine_matches_pyhf() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    ok(hepkey([
        "prune",
        &bkg_only(),
        "-c",
        "CRtt_meff",
        "-c",
        "VRtt_meff",
        "-o",
        &p("sr.json"),
    ]));
    ok(hepkey([
        "prune",
        &bkg_only(),
        "-c",
        "SR_meff",
        "-o",
        &p("crvr.json"),
    ]));
    // Same measurement in both: join none refuses, as pyhf does.
    let r = hepkey([
        "combine",
        &p("sr.json"),
        &p("crvr.json"),
        "-o",
        &p("none.json"),
    ]);
    assert!(!r.status.success());
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(reference()["combine_none_of_split_error"]
        .as_str()
        .unwrap()
        .contains("measurements in common"));
    assert!(
        err.contains("measurements in common") && err.contains("NormalMeasurement"),
        "{err}"
    );
    ok(hepkey([
        "combine",
        &p("crvr.json"),
        &p("sr.json"),
        "--join",
        "outer",
        "-o",
        &p("outer.json"),
    ]));
    check(Path::new(&p("outer.json")), "combine_outer_of_split", true);
    // Channels merged: the samples of the right workspace's channels join the left's.
    ok(hepkey([
        "prune",
        &bkg_only(),
        "-s",
        "ttH",
        "-o",
        &p("no_tth.json"),
    ]));
    let mut args = vec!["prune".to_string(), bkg_only()];
    for s in ["W", "Z", "diboson", "st", "ttW", "ttZ", "ttbar"] {
        args.extend(["-s".to_string(), s.to_string()]);
    }
    args.extend(["-o".to_string(), p("tth.json")]);
    ok(hepkey(&args));
    ok(hepkey([
        "combine",
        &p("no_tth.json"),
        &p("tth.json"),
        "-j",
        "left outer",
        "--merge-channels",
        "-o",
        &p("merged.json"),
    ]));
    check(Path::new(&p("merged.json")), "combine_merge_channels", true);
    for (join, case) in [
        ("left outer", "combine_left_outer"),
        ("right outer", "combine_right_outer"),
    ] {
        let out = p("joined.json");
        ok(hepkey([
            "combine",
            &p("sr.json"),
            &bkg_only(),
            "-j",
            join,
            "-o",
            &out,
        ]));
        check(Path::new(&out), case, false);
    }
}

#[test]
fn sort_matches_pyhf() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sorted.json");
    ok(hepkey(["sort", &bkg_only(), "-o", out.to_str().unwrap()]));
    check(&out, "sorted", false);
}
