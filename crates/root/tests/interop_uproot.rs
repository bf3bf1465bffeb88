//! Files hepkey writes read back in uproot with the same values.
//!
//! Needs a Python with uproot: `HEPKEY_PYTHON=/path/to/venv/bin/python`
//! (`.ci/run` makes one). Without it the test says so and passes locally,
//! but fails under CI, where the interpreter must be there.

use hepkey_root::hist::{Axis, Histogram};
use hepkey_root::write::{BranchSpec, Compression, FileWriter};
use hepkey_root::DType;
use hepkey_root::{Array, Values};
use serde_json::Value;
use std::process::Command;

fn python() -> Option<String> {
    match std::env::var("HEPKEY_PYTHON") {
        Ok(p) => Some(p),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("HEPKEY_PYTHON must name a Python with uproot in CI")
        }
        Err(_) => {
            eprintln!("HEPKEY_PYTHON is not set: skipping the uproot interoperability check");
            None
        }
    }
}

#[test]
fn uproot_reads_what_hepkey_writes() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/uproot_dump.py");
    for compression in ["zlib", "lz4", "zstd", "lzma"] {
        let path = dir.path().join(format!("{compression}.root"));
        let mut f = FileWriter::create(&path, Compression::parse(compression).unwrap()).unwrap();
        f.basket_entries = 7;
        let sub = f.mkdirs("dir").unwrap();
        let specs = vec![
            BranchSpec::scalar("x", DType::F32),
            BranchSpec::scalar("u", DType::U64),
            BranchSpec::fixed("v3", DType::F64, 3),
            BranchSpec::scalar("nj", DType::I32),
            BranchSpec::jagged("jpt", DType::F32, "nj"),
            BranchSpec::vector("lep", DType::I32),
            BranchSpec::vector("ok", DType::Bool),
        ];
        let t = f.add_tree(sub, "tree", "", specs).unwrap();
        let n = 20usize;
        let counts: Vec<u32> = (0..n as u32).map(|i| i % 3).collect();
        let mut offs = vec![0u32];
        counts
            .iter()
            .for_each(|c| offs.push(offs.last().unwrap() + c));
        let m = *offs.last().unwrap() as usize;
        let l = |v: Values| Array::List {
            offsets: offs.clone().into(),
            content: Box::new(Array::Flat(v)),
        };
        f.fill(
            t,
            &[
                Array::Flat(Values::F32((0..n).map(|i| i as f32 / 4.0).collect())),
                Array::Flat(Values::U64((0..n as u64).map(|i| i << 40).collect())),
                Array::List {
                    offsets: (0..=n as u32).map(|i| 3 * i).collect::<Vec<_>>().into(),
                    content: Box::new(Array::Flat(Values::F64(
                        (0..3 * n).map(|i| i as f64 - 0.5).collect(),
                    ))),
                },
                Array::Flat(Values::I32(counts.iter().map(|&c| c as i32).collect())),
                l(Values::F32((0..m).map(|i| 10.0 + i as f32).collect())),
                l(Values::I32((0..m).map(|i| i as i32 * -2).collect())),
                l(Values::Bool((0..m).map(|i| i % 2 == 1).collect())),
            ],
        )
        .unwrap();
        let h = Histogram {
            class: "TH1D".into(),
            name: "h".into(),
            title: "title".into(),
            axes: vec![Axis {
                title: String::new(),
                edges: vec![0.0, 0.5, 1.0, 2.0],
            }],
            values: vec![0.5, 1.0, 2.0, 3.0, 0.25],
            errors: vec![],
            sumw2: vec![0.25, 1.0, 2.0, 4.5, 0.0625],
            entries: 7.0,
        };
        f.write_histogram(f.root(), &h).unwrap();
        f.close().unwrap();

        let out = Command::new(&python)
            .arg(script)
            .arg(&path)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        let tree = &doc["dir/tree;1"];
        assert_eq!(tree["entries"], 20, "{compression}");
        let b = &tree["branches"];
        assert_eq!(b["x"]["values"][5], 1.25);
        assert_eq!(b["u"]["values"][3], 3u64 << 40);
        assert_eq!(b["v3"]["typename"], "double[3]");
        assert_eq!(b["v3"]["values"][2], serde_json::json!([5.5, 6.5, 7.5]));
        assert_eq!(b["jpt"]["typename"], "float[]");
        let jpt: Vec<Vec<f64>> = serde_json::from_value(b["jpt"]["values"].clone()).unwrap();
        assert_eq!(
            jpt.iter().map(Vec::len).collect::<Vec<_>>(),
            counts.iter().map(|&c| c as usize).collect::<Vec<_>>()
        );
        assert_eq!(jpt[2], vec![11.0, 12.0]);
        assert_eq!(b["lep"]["typename"], "std::vector<int32_t>");
        assert_eq!(b["lep"]["values"][5], serde_json::json!([-8, -10]));
        assert_eq!(b["ok"]["values"][4], serde_json::json!([true]));
        let hist = &doc["h;1"];
        assert_eq!(hist["values"], serde_json::json!(h.values));
        assert_eq!(hist["variances"], serde_json::json!(h.sumw2));
        assert_eq!(hist["edges"], serde_json::json!([[0.0, 0.5, 1.0, 2.0]]));
        assert_eq!(hist["entries"], 7.0);
    }
}

/// Reads, with uproot, the sizes of every branch of a few shared files: its
/// `compressed_bytes`/`uncompressed_bytes` (baskets written to the file) and,
/// for baskets kept inside the tree object (which uproot leaves out of those),
/// their key header, data and entry-offset table; also the tree key's sizes.
const SIZES_PY: &str = r#"
import json, sys, uproot
out = {}
for path in sys.argv[1:]:
    f = uproot.open(path)
    for name, cls in f.classnames().items():
        if cls != "TTree":
            continue
        key = f.key(name)
        branches = {}
        for bname, b in f[name].items(recursive=True, full_paths=True):
            emb = 0
            for e in b.embedded_baskets or []:
                table = 0 if e.byte_offsets is None else 4 + 4 * e.num_entries
                emb += e.member("fKeylen") + e.border + table
            branches[bname] = [b.compressed_bytes, b.uncompressed_bytes, emb]
        out[path] = {"branches": branches, "key": [key.fNbytes, key.fKeylen, key.fObjlen]}
print(json.dumps(out))
"#;

/// `Branch::compressed_bytes`/`uncompressed_bytes` against uproot's for every
/// branch: equal for baskets in the file; baskets in the tree object (all but
/// one branch of the nanoAOD file) add their stored bytes to the uncompressed
/// size and their share of the tree key's compressed bytes to the compressed.
#[test]
fn branch_sizes_match_uproot() {
    let Some(python) = python() else { return };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/root");
    let files: Vec<String> = [
        "nanoAOD_2015_CMS_Open_Data_ttbar.root",
        "uproot-HZZ-zstd.root",
        "uproot-sample-6.20.04-lz4.root",
        "uproot-sample-5.30.00-lzma.root",
        "uproot-stl_containers.root",
        "uproot-small-flat-tree.root",
    ]
    .iter()
    .map(|f| dir.join(f).display().to_string())
    .collect();
    let out = Command::new(&python)
        .arg("-c")
        .arg(SIZES_PY)
        .args(&files)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut embedded_branches = 0;
    for path in &files {
        let want = &doc[path.as_str()];
        let file = hepkey_root::RootFile::open(path).unwrap();
        let tree = file
            .walk()
            .unwrap()
            .into_iter()
            .find(|e| e.key.class_name == "TTree")
            .map(|e| hepkey_root::Tree::open(&file, &e.path).unwrap())
            .unwrap();
        let branches = want["branches"].as_object().unwrap();
        assert_eq!(tree.branches().len(), branches.len(), "{path}");
        let (mut share, mut stored) = (0i64, 0i64);
        for b in tree.branches() {
            let w = &branches[&b.path];
            let (zip, tot, emb) = (
                w[0].as_i64().unwrap(),
                w[1].as_i64().unwrap(),
                w[2].as_i64().unwrap(),
            );
            let what = format!("{path}: {}", b.path);
            assert_eq!(b.uncompressed_bytes(), tot + emb, "{what}");
            if emb == 0 {
                assert_eq!(b.embedded_baskets(), 0, "{what}");
                assert_eq!(b.compressed_bytes(), zip, "{what}");
            } else {
                embedded_branches += 1;
                assert!(
                    b.compressed_bytes() > zip && b.compressed_bytes() < zip + emb,
                    "{what}"
                );
                share += b.compressed_bytes() - zip;
                stored += emb;
            }
        }
        if stored > 0 {
            // The shares add up to the tree key's compressed bytes in proportion
            // to what the baskets take of the uncompressed tree object.
            let key: Vec<f64> = want["key"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let expected = stored as f64 * (key[0] - key[1]) / key[2];
            assert!(
                (share as f64 - expected).abs() <= tree.branches().len() as f64,
                "{path}: {share} vs {expected}"
            );
        }
    }
    // 946 branches of the nanoAOD file keep all their baskets in the tree object, one has two in the file too.
    assert_eq!(embedded_branches, 947);
}
