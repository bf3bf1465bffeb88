//! `hepkey generate --format rntuple` writes the samples as RNTuples named `mini`, and `hepkey
//! run` on them gives the same histograms and cutflow as on the same samples written as TTrees.

mod support;

use std::path::Path;
use support::hepkey_ok;

/// Generates the 4lep collection in `format` and runs the H → ZZ* example on it.
fn generate_and_run(dir: &Path, format: &str) -> (serde_json::Value, serde_json::Value) {
    let release = dir.join(format);
    let release = release.to_str().unwrap();
    hepkey_ok(&[
        "generate", "hzz", "-o", release, "--events", "797", "--format", format, "-q",
    ]);
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/atlas/hzz_2020.toml"
    );
    let out = dir.join(format!("out-{format}"));
    hepkey_ok(&[
        "run",
        example,
        "--set",
        &format!("ATLAS_2020={release}"),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--no-plots",
    ]);
    let json = |f: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(out.join(f)).unwrap()).unwrap()
    };
    (json("histograms.json"), json("cutflow.json"))
}

#[test]
fn run_on_generated_rntuples_equals_run_on_generated_ttrees() {
    let dir = tempfile::tempdir().unwrap();
    let (hists_tree, cutflow_tree) = generate_and_run(dir.path(), "ttree");
    let (hists_ntuple, cutflow_ntuple) = generate_and_run(dir.path(), "rntuple");

    // The generated files hold an RNTuple `mini` with the TTree's entries.
    let data = |format: &str| dir.path().join(format).join("4lep/Data/data_D.4lep.root");
    let file = hepkey_root::RootFile::open(data("rntuple")).unwrap();
    let key = file.find_key("mini").unwrap();
    assert_eq!(key.class_name, "ROOT::RNTuple");
    let ntuple = hepkey_root::rntuple::RNTuple::open(&file, "mini").unwrap();
    let tree_file = hepkey_root::RootFile::open(data("ttree")).unwrap();
    let tree = hepkey_root::Tree::open(&tree_file, "mini").unwrap();
    assert!(ntuple.entries() > 100);
    assert_eq!(ntuple.entries(), tree.entries());
    assert_eq!(
        ntuple.read_all("lep_pt").unwrap(),
        tree.read_all("lep_pt").unwrap()
    );

    let filled: f64 = hists_ntuple
        .as_object()
        .unwrap()
        .values()
        .flat_map(|h| h["values"].as_array().unwrap())
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(filled > 100.0, "the histograms are filled");
    assert_eq!(hists_ntuple, hists_tree);
    assert_eq!(cutflow_ntuple, cutflow_tree);
}
