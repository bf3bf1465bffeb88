//! The ROOT commands from the command line: `inspect` (listing and JSON) and `scan`.

mod support;
use support::*;

use serde_json::Value;
use std::process::Command;

fn hepkey(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .expect("run hepkey");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The reference files are written by Python, which spells NaN unquoted.
fn reference(name: &str) -> Value {
    let text = std::fs::read_to_string(shared(&format!("reference/root/{name}.json"))).unwrap();
    serde_json::from_str(&text.replace("NaN", "null")).unwrap()
}

#[test]
fn inspect_json_stats_has_the_reference_shape() {
    for name in [
        "uproot-HZZ.root",
        "uproot-histograms.root",
        "uproot-stl_containers.root",
    ] {
        let path = shared(&format!("data/root/{name}"));
        let (ok, stdout, stderr) =
            hepkey(&["inspect", path.to_str().unwrap(), "--json", "--stats"]);
        assert!(ok, "{stderr}");
        let mine: Value = serde_json::from_str(&stdout).unwrap();
        let reference = reference(name);
        assert_eq!(mine["file"], reference["file"]);
        let (m, r) = (
            mine["objects"].as_object().unwrap(),
            reference["objects"].as_object().unwrap(),
        );
        assert_eq!(
            m.keys().collect::<Vec<_>>(),
            r.keys().collect::<Vec<_>>(),
            "{name}: objects"
        );
        for (key, robj) in r {
            let mobj = &m[key];
            if let Some(rb) = robj.get("branches").and_then(|b| b.as_object()) {
                assert_eq!(mobj["entries"], robj["entries"]);
                for (b, rv) in rb {
                    if rv.get("kind").is_none() {
                        continue; // uproot could not read it
                    }
                    let mv = &mobj["branches"][b];
                    let keys =
                        |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
                    assert_eq!(keys(mv), keys(rv), "{name} {b}: keys");
                    for k in [
                        "typename",
                        "depth",
                        "kind",
                        "n",
                        "counts_sum",
                        "counts_first10",
                        "first5",
                    ] {
                        assert_eq!(mv.get(k), rv.get(k), "{name} {b}: {k}");
                    }
                }
            } else {
                for k in ["class", "title", "entries", "edges", "values_flow"] {
                    assert_eq!(mobj.get(k), robj.get(k), "{name} {key}: {k}");
                }
            }
        }
    }
}

#[test]
fn inspect_lists_trees_histograms_and_rntuples() {
    let (ok, out, _) = hepkey(&[
        "inspect",
        shared("data/root/uproot-hepdata-example.root")
            .to_str()
            .unwrap(),
    ]);
    assert!(ok);
    assert!(
        out.contains("hpx;1  TH1F  100 bins [-4, 4]  entries 75000"),
        "{out}"
    );
    assert!(
        out.contains("ntuple;1  TNtuple  75000 entries, 5 branches"),
        "{out}"
    );
    let rntuple = shared("data/root/Run2012BC_DoubleMuParked_Muons_1000evts_rntuple_v1-0-0-0.root");
    let (ok, out, _) = hepkey(&["inspect", rntuple.to_str().unwrap()]);
    assert!(ok);
    assert!(
        out.contains("ROOT::RNTuple") && out.contains("not supported yet"),
        "{out}"
    );
}

#[test]
fn scan_prints_values_entry_by_entry() {
    let target = format!("{}:events", shared("data/root/uproot-HZZ.root").display());
    let (ok, out, err) = hepkey(&[
        "scan",
        &target,
        "-b",
        "NJet,Jet_Px",
        "-n",
        "4",
        "--start",
        "1",
    ]);
    assert!(ok, "{err}");
    let rows: Vec<&str> = out.lines().collect();
    assert!(rows[0].contains("entry") && rows[0].contains("NJet") && rows[0].contains("Jet_Px"));
    // Entry 1 has one jet, entry 3 three (values as uproot reads them).
    assert!(
        rows[2].trim_start().starts_with('1') && rows[2].contains("[-38.874714]"),
        "{out}"
    );
    let cells: Vec<&str> = rows[4].split('|').map(str::trim).collect();
    assert_eq!(
        cells,
        ["3", "3", "[-71.69521, 36.60637, -28.866419]"],
        "{out}"
    );
    assert!(out.contains("(4 of 2421 entries shown)"));
}

#[test]
fn bad_input_gives_a_clear_error_and_a_failing_exit() {
    let (ok, _, err) = hepkey(&["inspect", "/nonexistent/file.root"]);
    assert!(!ok);
    assert!(err.contains("/nonexistent/file.root"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(shared("data/root/uproot-HZZ.root")).unwrap();
    let cut = dir.path().join("cut.root");
    std::fs::write(&cut, &original[..original.len() / 2]).unwrap();
    let (ok, _, err) = hepkey(&["inspect", cut.to_str().unwrap(), "--stats"]);
    assert!(!ok);
    assert!(err.contains("cut.root"), "{err}");
    // The cause is said once, not once per layer of context.
    assert_eq!(
        err.matches("goes past the end of the file").count(),
        1,
        "{err}"
    );

    let target = format!("{}:events", shared("data/root/uproot-HZZ.root").display());
    let (ok, _, err) = hepkey(&["scan", &target, "-b", "Jet_Pxx"]);
    assert!(!ok);
    assert!(
        err.contains("no branch \"Jet_Pxx\"") && err.contains("Jet_Px"),
        "{err}"
    );
}
