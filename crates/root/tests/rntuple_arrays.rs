//! RNTuple fields read as arrays over entry ranges (`read_many`, the API
//! shared with TTree), checked against uproot's references and against the
//! whole-file leaf reader.

use hepkey_root::rntuple::{leaf_array, LeafValues, RNTuple, ANCHOR_CLASS};
use hepkey_root::summary::Summary;
use hepkey_root::{Array, DType, Events, RootFile};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

const CMS: &str = "cmsopendata2015_ttbar_19980_NANOAOD_RNTupleImporter_rntuple_v1-0-0-1.root";

fn open(name: &str) -> RootFile {
    RootFile::open(shared().join("data/root").join(name)).unwrap()
}

fn reference(name: &str) -> Value {
    let text =
        std::fs::read_to_string(shared().join("reference/root").join(format!("{name}.json")))
            .unwrap();
    // Python writes NaN and Infinity as bare tokens; the fields checked here
    // hold none, so they may read as null.
    let text = text
        .replace("-Infinity", "null")
        .replace("Infinity", "null")
        .replace("NaN", "null");
    serde_json::from_str(&text).unwrap()
}

fn flat(a: &Array) -> Vec<f64> {
    a.leaves()
        .iter()
        .filter_map(|l| l.values())
        .flat_map(|v| v.to_f64_vec())
        .collect()
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn cms_nanoaod_columns_read_as_uproot_names_and_values() {
    let file = open(CMS);
    let ntuple = RNTuple::open(&file, "Events").unwrap();
    let fields = &reference(CMS)["objects"]["Events;1"]["fields"];
    let names = ["Jet_pt", "Jet_eta", "nJet", "Muon_tightId"];
    let numeric: Vec<(&str, DType, bool)> = ntuple.numeric_columns().collect();
    for (name, dtype, jagged) in [
        ("Jet_pt", DType::F32, true),
        ("Jet_eta", DType::F32, true),
        ("nJet", DType::U32, false),
        ("Muon_tightId", DType::Bool, true),
    ] {
        assert!(
            numeric.contains(&(name, dtype, jagged)),
            "{name} {dtype:?} {jagged} not among the numeric columns"
        );
    }
    let n = ntuple.entries();
    assert_eq!(n, 10);

    let all = ntuple.read_many(&names, 0..n).unwrap();
    let head = ntuple.read_many(&names, 0..5).unwrap();
    let middle = ntuple.read_many(&names, 3..8).unwrap();
    for (i, name) in names.iter().enumerate() {
        let r = &fields[*name];
        let values = flat(&all[i]);
        let sum: f64 = values.iter().sum();
        let expected = r["sum"].as_f64().unwrap();
        assert!(
            (sum - expected).abs() <= 1e-9 * expected.abs(),
            "{name}: sum {sum} vs {expected}"
        );
        assert_eq!(values.len() as u64, r["n"].as_u64().unwrap(), "{name}: n");
        let first5 = nums(&r["first5"]);
        // Entries 0..5 may hold fewer than 5 values (4 muons).
        let h = flat(&head[i]);
        let k = h.len().min(first5.len());
        assert_eq!(h[..k], first5[..k], "{name}: first5");
        assert_eq!(middle[i].len(), 5, "{name}");
        assert_eq!(middle[i], all[i].slice(3..8), "{name}: entries 3..8");
        if let Some(c) = r.get("counts_first10") {
            let counts: Vec<u32> = nums(c).into_iter().map(|x| x as u32).collect();
            assert_eq!(middle[i].counts().unwrap(), counts[3..8], "{name}: counts");
            // Offsets of a sub-range start at 0.
            let Array::List { offsets, .. } = &middle[i] else {
                panic!("{name}: not a list")
            };
            assert_eq!(offsets[0], 0);
        }
    }
    let nj = &middle[2];
    assert_eq!(flat(nj), vec![9.0, 7.0, 5.0, 5.0, 9.0]);

    // Two chunks joined equal one read.
    let a = ntuple.read_many(&names, 3..5).unwrap();
    let b = ntuple.read_many(&names, 5..8).unwrap();
    for i in 0..names.len() {
        let joined = Array::concat(vec![a[i].clone(), b[i].clone()]).unwrap();
        assert_eq!(joined, middle[i], "{}", names[i]);
    }

    // The same through the common interface.
    let events = Events::open(&file, "Events").unwrap();
    assert!(matches!(events, Events::RNTuple(_)));
    assert_eq!(events.read_many(&names, 3..8).unwrap(), middle);
    assert_eq!(events.chunk_ranges(&names, 4), vec![0..4, 4..8, 8..10]);
    let err = ntuple.read("Jet_ptt", 0..1).unwrap_err().to_string();
    assert!(err.contains(CMS) && err.contains("Jet_ptt"), "{err}");
    assert!(ntuple.read("Jet_pt", 5..11).is_err());
}

fn rntuple_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(shared().join("data/root"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rntuple") && n.ends_with(".root"))
        .collect();
    files.sort();
    files
}

/// Every numeric column read by name equals the whole-file leaf reader's
/// values, and every top-level field reads the same in chunks as at once.
#[test]
fn named_reads_agree_with_leaves_and_chunks_join() {
    let (mut checked, mut fields_chunked) = (0, 0);
    let mut multi_page_files = Vec::new();
    for name in rntuple_files() {
        let file = open(&name);
        for entry in file.walk().unwrap() {
            if entry.key.class_name != ANCHOR_CLASS {
                continue;
            }
            let ntuple = RNTuple::open(&file, &entry.path).unwrap();
            let leaves = ntuple.leaves().unwrap();
            for (path, _, _) in ntuple.numeric_columns() {
                let leaf = leaves.iter().find(|l| l.path == path).unwrap();
                let whole = ntuple.read_all(path).unwrap();
                let expected = leaf_array(leaf).unwrap();
                // Debug forms, so that NaN equals NaN.
                assert_eq!(
                    format!("{:?}", Summary::of(&whole)),
                    format!("{:?}", Summary::of(&expected)),
                    "{name}: {path}"
                );
                checked += 1;
            }
            for leaf in &leaves {
                if !matches!(leaf.values, LeafValues::Unsupported(_)) {
                    let a = ntuple.read_all(&leaf.path).unwrap();
                    let s = Summary::of(&a);
                    let e = Summary::of(&leaf_array(leaf).unwrap());
                    assert_eq!((s.n, s.depth), (e.n, e.depth), "{name}: {}", leaf.path);
                }
            }
            let n = ntuple.entries();
            let most_pages = ntuple
                .clusters
                .iter()
                .flat_map(|c| c.columns.iter().map(|p| p.pages.len()))
                .max()
                .unwrap_or(0);
            if most_pages > 1 {
                multi_page_files.push(name.clone());
            }
            // Thirds, and odd steps that start and end inside pages (a chunk inside a cluster
            // reads only the pages holding it).
            let odd = if n <= 2000 { 7 } else { 997 };
            for step in [(n / 3).max(1), odd, 4099] {
                let ranges = ntuple.chunk_ranges(&[], step);
                assert_eq!(ranges.first().map(|r| r.start), Some(0).filter(|_| n > 0));
                assert_eq!(ranges.last().map(|r| r.end), Some(n).filter(|_| n > 0));
                // Leaves inside collections too (their offsets above them are read in the window).
                for (path, _, _) in ntuple.numeric_columns() {
                    let whole = ntuple.read_all(path).unwrap();
                    let parts: Vec<Array> = ranges
                        .iter()
                        .map(|r| ntuple.read(path, r.clone()).unwrap())
                        .collect();
                    assert_eq!(
                        format!(
                            "{:?}",
                            Array::concat(parts).unwrap_or_else(|| whole.empty_like())
                        ),
                        format!("{whole:?}"),
                        "{name}: {path} in steps of {step}"
                    );
                }
                for f in ntuple.schema.top_level() {
                    let Ok(whole) = ntuple.read_all(&f.name) else {
                        continue;
                    };
                    let parts: Vec<Array> = ranges
                        .iter()
                        .map(|r| ntuple.read(&f.name, r.clone()).unwrap())
                        .collect();
                    // Debug forms, so that NaN equals NaN.
                    assert_eq!(
                        format!(
                            "{:?}",
                            Array::concat(parts).unwrap_or_else(|| whole.empty_like())
                        ),
                        format!("{whole:?}"),
                        "{name}: {} in steps of {step}",
                        f.name
                    );
                    fields_chunked += 1;
                }
            }
        }
    }
    println!("{checked} numeric columns, {fields_chunked} fields in chunks; clusters of several pages per column in {multi_page_files:?}");
    // Chunks inside a cluster cut across pages somewhere.
    assert!(!multi_page_files.is_empty());
    assert!(checked > 1000 && fields_chunked > 100);
}

#[test]
fn records_arrays_and_strings_assemble() {
    let file = open("test_stl_containers_rntuple_v1-0-0-0.root");
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    let lv = ntuple.read_all("lorentz_vector").unwrap();
    let Array::Record(members) = &lv else {
        panic!("{lv:?}")
    };
    let names: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["pt", "eta", "phi", "mass"]);
    let arr = ntuple.read_all("array_float").unwrap();
    assert_eq!(arr.counts().unwrap()[0], 3);
    let tuple = ntuple.read_all("tuple_int32_string").unwrap();
    let Array::Record(members) = &tuple else {
        panic!("{tuple:?}")
    };
    assert_eq!(members[0].0, "0");
    assert!(matches!(members[1].1, Array::Strings(_)));
    let vs = ntuple.read_all("vector_vector_string").unwrap();
    assert_eq!(vs.depth(), 2);
}

/// Chunks read at the same time and out of order, as `hepkey run` reads them (every chunk a
/// task), give what one whole read gives: chunks of one cluster share its decoded pages, which
/// are decoded once and dropped after their last window, and a chunk coming after that decodes
/// the page again.
#[test]
fn chunks_read_in_parallel_and_out_of_order_join_to_the_whole_read() {
    use rayon::prelude::*;
    let mut checked = 0;
    for name in rntuple_files() {
        let file = open(&name);
        for entry in file.walk().unwrap() {
            if entry.key.class_name != ANCHOR_CLASS {
                continue;
            }
            let ntuple = RNTuple::open(&file, &entry.path).unwrap();
            let paths: Vec<&str> = ntuple.numeric_columns().map(|(p, _, _)| p).collect();
            let n = ntuple.entries();
            if paths.is_empty() || n < 4 {
                continue;
            }
            let whole: Vec<String> = paths
                .iter()
                .map(|p| format!("{:?}", ntuple.read_all(p).unwrap()))
                .collect();
            for step in [(n / 5).max(1), 3] {
                let ranges = ntuple.chunk_ranges(&paths, step);
                // Last chunk first, then the rest at the same time.
                let mut order: Vec<usize> = (0..ranges.len()).rev().collect();
                order.rotate_left(1);
                let mut parts: Vec<(usize, Vec<Array>)> = order
                    .par_iter()
                    .map(|&i| (i, ntuple.read_many(&paths, ranges[i].clone()).unwrap()))
                    .collect();
                parts.sort_by_key(|(i, _)| *i);
                for (k, path) in paths.iter().enumerate() {
                    let joined = Array::concat(parts.iter().map(|(_, a)| a[k].clone()).collect());
                    assert_eq!(
                        format!("{:?}", joined.unwrap()),
                        whole[k],
                        "{name}: {path} in steps of {step}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
