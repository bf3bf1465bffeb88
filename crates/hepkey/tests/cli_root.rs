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
        out.contains("Events;1  ROOT::RNTuple  1000 entries, 11 fields"),
        "{out}"
    );
    assert!(
        out.contains("_collection0.Muon_pt") && out.contains("nMuon"),
        "{out}"
    );
    assert!(
        out.contains("ROOT::VecOps::RVec<float>") && !out.contains("not supported"),
        "{out}"
    );
}

/// `std::variant` fields (not in the references): `inspect --json --stats` summarises them as
/// unions, their values in entry order as uproot reads them (`[1, 'two', 'three', 4, 5]` and
/// `[['one'], ['one', 2], ...]`), and `scan` shows them.
#[test]
fn variants_of_an_rntuple_inspect_and_scan() {
    let path = shared("data/root/test_stl_containers_rntuple_v1-0-0-0.root");
    let path = path.to_str().unwrap();
    let (ok, stdout, stderr) = hepkey(&["inspect", path, "--json", "--stats"]);
    assert!(ok, "{stderr}");
    let mine: Value = serde_json::from_str(&stdout).unwrap();
    let fields = &mine["objects"]["ntuple;1"]["fields"];
    let v = &fields["variant_int32_string"];
    assert_eq!(v["typename"], "std::variant<std::int32_t,std::string>");
    assert_eq!(v["kind"], "union");
    assert_eq!(v["depth"], 0);
    assert_eq!(v["n"], 5);
    assert_eq!(
        v["first5"],
        serde_json::json!([1.0, "two", "three", 4.0, 5.0])
    );
    assert_eq!(
        (v["sum"].as_f64(), v["min"].as_f64()),
        (Some(10.0), Some(1.0))
    );
    let vv = &fields["vector_variant_int64_string"];
    assert_eq!(vv["kind"], "union");
    assert_eq!(vv["depth"], 1);
    assert_eq!(vv["counts_first10"], serde_json::json!([1, 2, 3, 4, 5]));
    assert_eq!(vv["n"], 15);
    assert_eq!(
        vv["first5"],
        serde_json::json!(["one", "one", 2.0, "one", 2.0])
    );
    assert_eq!(vv["last5"], serde_json::json!(["one", 2.0, 3.0, 4.0, 5.0]));

    let (ok, stdout, stderr) = hepkey(&[
        "scan",
        path,
        "-b",
        "variant_int32_string,vector_variant_int64_string",
    ]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains(r#""three""#), "{stdout}");
    assert!(stdout.contains(r#"["one", 2, 3, 4, 5]"#), "{stdout}");
}

/// A reference number: null stands for NaN and infinities (JSON has neither).
fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn same_number(ours: &Value, theirs: &Value) -> bool {
    match (number(ours), number(theirs)) {
        (Some(a), Some(b)) => a == b || (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
        (None, None) => true,
        _ => false,
    }
}

/// `inspect --stats --json` on every shared RNTuple gives uproot's numbers
/// for every field (the rules of crates/root/tests/rntuple.rs).
#[test]
fn inspect_json_stats_of_rntuples_equals_the_references() {
    let dir = shared("data/root");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rntuple") && n.ends_with(".root"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 13);
    let (mut compared, mut diffs) = (0, Vec::new());
    for name in &names {
        let path = dir.join(name);
        let (ok, stdout, stderr) =
            hepkey(&["inspect", path.to_str().unwrap(), "--json", "--stats"]);
        assert!(ok, "{name}: {stderr}");
        let mine: Value = serde_json::from_str(&stdout).unwrap();
        let text = std::fs::read_to_string(shared(&format!("reference/root/{name}.json"))).unwrap();
        let text = text
            .replace("-Infinity", "null")
            .replace("Infinity", "null")
            .replace("NaN", "null");
        let reference: Value = serde_json::from_str(&text).unwrap();
        for (key, object) in reference["objects"].as_object().unwrap() {
            let ours = &mine["objects"][key];
            assert_eq!(ours["class"], object["class"], "{name}: {key}");
            if object["class"] != "ROOT::RNTuple" {
                continue;
            }
            assert_eq!(ours["entries"], object["entries"], "{name}: {key}");
            for (field, theirs) in object["fields"].as_object().unwrap() {
                let o = &ours["fields"][field];
                let label = format!("{name}: {key}: {field}");
                for k in [
                    "typename",
                    "depth",
                    "n",
                    "kind",
                    "counts_first10",
                    "counts_sum",
                ] {
                    if o[k] != theirs[k] {
                        diffs.push(format!("{label}: {k}: ours {}, uproot {}", o[k], theirs[k]));
                    }
                }
                if theirs["kind"] == "string" {
                    if o["first5"] != theirs["first5"] {
                        diffs.push(format!("{label}: first5"));
                    }
                } else {
                    for k in ["sum", "min", "max"] {
                        if theirs.get(k).is_some() && !same_number(&o[k], &theirs[k]) {
                            diffs
                                .push(format!("{label}: {k}: ours {}, uproot {}", o[k], theirs[k]));
                        }
                    }
                    for k in ["first5", "last5"] {
                        let (a, b) = (o[k].as_array(), theirs[k].as_array());
                        let same = match (a, b) {
                            (Some(a), Some(b)) => {
                                a.len() == b.len()
                                    && a.iter().zip(b).all(|(x, y)| same_number(x, y))
                            }
                            (_, None) => true,
                            _ => false,
                        };
                        if !same {
                            diffs
                                .push(format!("{label}: {k}: ours {}, uproot {}", o[k], theirs[k]));
                        }
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "{} differences:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
    assert!(compared > 1300, "only {compared} fields compared");
}

#[test]
fn scan_reads_rntuple_fields() {
    let path = shared(
        "data/root/cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root",
    );
    let (ok, out, err) = hepkey(&[
        "scan",
        path.to_str().unwrap(),
        "-b",
        "nJet,Muon_tightId,Jet_pt",
        "-n",
        "5",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("entry | nJet |"), "{out}");
    assert!(out.contains("[114.9375, 64.25, 56.78125"), "{out}");
    assert!(out.contains("(5 of 10 entries shown)"), "{out}");
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
