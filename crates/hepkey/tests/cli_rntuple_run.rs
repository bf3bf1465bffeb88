//! `hepkey run` on an RNTuple: the relaxed-lepton AGC analysis on the 10 genuine tt̄ events of the
//! CMS RNTupleImporter file gives the same histograms and cutflow as on the same events written by
//! uproot as a TTree (`bench/agc/make_ttbar_file.py -n 10`).

mod support;

use std::path::Path;
use std::process::Command;
use support::{python, repo, shared};

const RNTUPLE: &str =
    "data/root/cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root";

/// The relaxed AGC analysis file with the tt̄ sample reading `input`, run into `out`.
fn run_relaxed(input: &Path, dir: &Path, name: &str) -> (String, String) {
    let text = std::fs::read_to_string(repo("examples/agc/ttbar_relaxed_lepton.toml")).unwrap();
    let mut replaced = false;
    let toml: String = text
        .lines()
        .map(|l| {
            if l.starts_with("files = ") && !replaced {
                replaced = true;
                format!("files = [{:?}]", input.display().to_string())
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let analysis = dir.join(format!("{name}.toml"));
    std::fs::write(&analysis, toml).unwrap();
    let out = dir.join(name);
    let st = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["run", analysis.to_str().unwrap(), "--no-plots", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    (
        std::fs::read_to_string(out.join("histograms.json")).unwrap(),
        std::fs::read_to_string(out.join("cutflow.json")).unwrap(),
    )
}

#[test]
fn the_agc_on_an_rntuple_equals_the_agc_on_the_same_events_as_a_ttree() {
    let Some(python) = python() else { return };
    let dir = repo("target/tmp/cli_rntuple_run");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ttree = dir.join("ttbar_10.root");
    let st = Command::new(&python)
        .arg(repo("bench/agc/make_ttbar_file.py"))
        .args(["-n", "10", "-o"])
        .arg(&ttree)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );

    let (hists_rntuple, cutflow_rntuple) = run_relaxed(&shared(RNTUPLE), &dir, "rntuple");
    let (hists_ttree, cutflow_ttree) = run_relaxed(&ttree, &dir, "ttree");
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    let h = json(&hists_rntuple);
    assert_eq!(h.as_object().unwrap().len(), 22);
    // Two events reach 4j2b: its nominal m_bjj histogram is filled.
    let filled: f64 = h["4j2b/m_bjj/ttbar/nominal"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(filled > 0.0);
    assert_eq!(h, json(&hists_ttree));
    assert_eq!(json(&cutflow_rntuple), json(&cutflow_ttree));
}
