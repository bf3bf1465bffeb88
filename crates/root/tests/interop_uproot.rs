//! Files hepkey writes read back in uproot with the same values.
//!
//! Needs a Python with uproot: `HEPKEY_PYTHON=/path/to/venv/bin/python`
//! (`.ci/run` makes one). Without it the test says so and passes locally,
//! but fails under CI, where the interpreter must be there.

use hepkey_root::hist::{Axis, Histogram};
use hepkey_root::tree::types::Prim;
use hepkey_root::write::{BranchSpec, Compression, FileWriter};
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
            BranchSpec::scalar("x", Prim::F32),
            BranchSpec::scalar("u", Prim::U64),
            BranchSpec::fixed("v3", Prim::F64, 3),
            BranchSpec::scalar("nj", Prim::I32),
            BranchSpec::jagged("jpt", Prim::F32, "nj"),
            BranchSpec::vector("lep", Prim::I32),
            BranchSpec::vector("ok", Prim::Bool),
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
            offsets: offs.clone(),
            content: Box::new(Array::Flat(v)),
        };
        f.fill(
            t,
            &[
                Array::Flat(Values::F32((0..n).map(|i| i as f32 / 4.0).collect())),
                Array::Flat(Values::U64((0..n as u64).map(|i| i << 40).collect())),
                Array::List {
                    offsets: (0..=n as u32).map(|i| 3 * i).collect(),
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
