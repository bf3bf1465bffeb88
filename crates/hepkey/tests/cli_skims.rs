//! `[[skims]]`: `hepkey run` writes the events of a region with chosen columns, one file per
//! sample, as a TTree or an RNTuple. Read back by uproot, they equal the events the same cut
//! selects when uproot and numpy compute it from the input files; two runs with different thread
//! counts write identical bytes.

mod support;

use std::path::Path;
use std::process::Command;
use support::{hepkey_ok, python};

/// Two skims of one region (as a TTree and as an RNTuple) and one of every selected event.
const ANALYSIS: &str = r#"
definitions = """
lead_pt = lep_pt[0] / 1000
"""

[analysis]
name = "skims"
tree = "mini"
chunk_size = 700

[[samples]]
name = "data"
kind = "data"
files = ["release/2lep/Data/data_*.2lep.root"]

[[samples]]
name = "zee"
kind = "background"
files = ["release/2lep/MC/mc_361106.Zee.2lep.root"]

[[selections]]
name = "two leptons"
cut = "lep_n >= 2"

[[selections]]
name = "leading lepton"
cut = "lep_pt[0] > 30000"

[[regions]]
name = "high_met"
cut = "met_et > 30000"

[[regions]]
name = "low_met"
cut = "met_et <= 30000"

[[histograms]]
name = "met"
expression = "met_et / 1000"
bins = 10
range = [0, 200]

[[skims]]
region = "high_met"
columns = ["eventNumber", "runNumber", "met_et", "lep_pt", "lep_charge", "lead_pt"]

[[skims]]
name = "high_met_rntuple"
region = "high_met"
columns = ["eventNumber", "runNumber", "met_et", "lep_pt", "lep_charge", "lead_pt"]
format = "rntuple"
"#;

/// For every skim file: uproot's values, and the same selection computed with numpy on the
/// inputs (the files in the order the analysis lists them, sorted as hepkey sorts a pattern).
const CHECK_PY: &str = r#"
import glob, json, sys
import awkward as ak, numpy as np, uproot
root = sys.argv[1]
inputs = {
    "data": sorted(glob.glob(root + "/release/2lep/Data/data_*.2lep.root")),
    "zee": [root + "/release/2lep/MC/mc_361106.Zee.2lep.root"],
}
cols = ["eventNumber", "runNumber", "met_et", "lep_pt", "lep_charge"]
out = {}
for sample, files in inputs.items():
    a = ak.concatenate([uproot.open(f)["mini"].arrays(cols + ["lep_n"]) for f in files])
    keep = (a["lep_n"] >= 2) & (ak.firsts(a["lep_pt"]) > 30000) & (a["met_et"] > 30000)
    want = a[keep]
    expected = {c: want[c].to_list() for c in cols}
    # float32 / 1000 stays float32, as in numpy.
    expected["lead_pt"] = (ak.to_numpy(ak.firsts(want["lep_pt"])) / np.float32(1000)).tolist()
    for skim in ["high_met", "high_met_rntuple"]:
        obj = uproot.open(f"{root}/out1/skims/{skim}/{sample}.root")["mini"]
        got = obj.arrays()
        out[f"{skim}/{sample}"] = {
            "class": type(obj).__name__,
            "equal": {c: got[c].to_list() == expected[c] for c in expected},
            "entries": len(got),
            "passing": int(ak.sum(keep)),
            "lep_pt_type": str(got["lep_pt"].type),
        }
print(json.dumps(out))
"#;

fn write_and_run(dir: &Path, out: &str, threads: &str) {
    let analysis = dir.join("skims.toml");
    std::fs::write(&analysis, ANALYSIS).unwrap();
    hepkey_ok(&[
        "run",
        analysis.to_str().unwrap(),
        "-o",
        dir.join(out).to_str().unwrap(),
        "--threads",
        threads,
        "-q",
        "--no-plots",
    ]);
}

#[test]
fn skims_hold_the_region_events_and_are_the_same_bytes_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let release = dir.join("release");
    hepkey_ok(&[
        "generate",
        "zll",
        "-o",
        release.to_str().unwrap(),
        "--events",
        "6000",
        "-q",
    ]);
    write_and_run(dir, "out1", "1");
    write_and_run(dir, "out2", "2");
    for skim in ["high_met", "high_met_rntuple"] {
        for sample in ["data", "zee"] {
            let rel = format!("skims/{skim}/{sample}.root");
            let a = std::fs::read(dir.join("out1").join(&rel)).unwrap();
            let b = std::fs::read(dir.join("out2").join(&rel)).unwrap();
            assert!(a == b, "{rel}: different bytes with 1 and 2 threads");
        }
    }
    // The skim's entries: the region's count in the cutflow.
    let cutflow: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("out1/cutflow.json")).unwrap()).unwrap();
    for sample in ["data", "zee"] {
        let path = dir.join(format!("out1/skims/high_met_rntuple/{sample}.root"));
        let file = hepkey_root::RootFile::open(path).unwrap();
        let ntuple = hepkey_root::rntuple::RNTuple::open(&file, "mini").unwrap();
        let steps = cutflow[sample].as_array().unwrap();
        let region = steps
            .iter()
            .find(|s| s["name"] == "region high_met")
            .unwrap();
        assert_eq!(region["events"], ntuple.entries(), "{sample}");
        let all = steps[0]["events"].as_u64().unwrap();
        assert!(
            ntuple.entries() > 20 && ntuple.entries() < all / 4,
            "{sample}"
        );
    }

    let Some(python) = python() else { return };
    let out = Command::new(python)
        .arg("-c")
        .arg(CHECK_PY)
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (key, r) in doc.as_object().unwrap() {
        assert_eq!(r["entries"], r["passing"], "{key}");
        for (column, equal) in r["equal"].as_object().unwrap() {
            assert_eq!(equal, true, "{key}: column {column}");
        }
        let class = if key.contains("rntuple") {
            "Model_ROOT_3a3a_RNTuple"
        } else {
            "Model_TTree_v20"
        };
        assert_eq!(r["class"], class, "{key}");
        assert!(
            r["lep_pt_type"].as_str().unwrap().contains("var * float32"),
            "{key}: {r}"
        );
    }
}
