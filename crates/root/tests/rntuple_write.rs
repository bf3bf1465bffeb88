//! RNTuples hepkey writes read back with the same values: by hepkey's own
//! reader (several clusters and pages, every compression) and by uproot 5.7
//! (`HEPKEY_PYTHON=/path/to/venv/bin/python`, which `.ci/run` makes; without
//! it the uproot half says so and passes locally, but fails under CI).

use hepkey_root::rntuple::RNTuple;
use hepkey_root::write::{Compression, FieldKind, FieldSpec, FileWriter};
use hepkey_root::{Array, DType, RootFile, Values};
use serde_json::{json, Value};
use std::process::Command;

fn python() -> Option<String> {
    match std::env::var("HEPKEY_PYTHON") {
        Ok(p) => Some(p),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("HEPKEY_PYTHON must name a Python with uproot in CI")
        }
        Err(_) => {
            eprintln!("HEPKEY_PYTHON is not set: skipping the uproot check");
            None
        }
    }
}

fn list(counts: &[u32], content: Array) -> Array {
    let mut offsets = vec![0u32];
    for c in counts {
        offsets.push(offsets.last().unwrap() + c);
    }
    Array::list(offsets, content).unwrap()
}

/// `n` entries of every field kind, deterministic and different per entry.
fn sample(n: usize) -> Vec<(String, Array)> {
    let counts: Vec<u32> = (0..n as u32).map(|i| (i * 7) % 4).collect();
    let m: usize = counts.iter().map(|&c| c as usize).sum();
    let i = || 0..n;
    let mut out: Vec<(String, Array)> = vec![
        (
            "b".into(),
            Array::Flat(Values::Bool(i().map(|k| k % 3 == 0).collect())),
        ),
        (
            "i8".into(),
            Array::Flat(Values::I8(
                i().map(|k| (k as i8).wrapping_mul(37)).collect(),
            )),
        ),
        (
            "u8".into(),
            Array::Flat(Values::U8(i().map(|k| (k * 11) as u8).collect())),
        ),
        (
            "i16".into(),
            Array::Flat(Values::I16(i().map(|k| (k as i16) * -300 + 7).collect())),
        ),
        (
            "u16".into(),
            Array::Flat(Values::U16(i().map(|k| (k as u16) * 1000).collect())),
        ),
        (
            "i32".into(),
            Array::Flat(Values::I32(
                i().map(|k| (k as i32 - 20) * 100_003).collect(),
            )),
        ),
        (
            "u32".into(),
            Array::Flat(Values::U32(i().map(|k| (k as u32) << 25).collect())),
        ),
        (
            "i64".into(),
            Array::Flat(Values::I64(i().map(|k| (k as i64 - 5) << 40).collect())),
        ),
        (
            "u64".into(),
            Array::Flat(Values::U64(i().map(|k| (k as u64) << 50).collect())),
        ),
        (
            "f32".into(),
            Array::Flat(Values::F32(i().map(|k| k as f32 / 4.0 - 3.0).collect())),
        ),
        (
            "f64".into(),
            Array::Flat(Values::F64(i().map(|k| (k as f64).sqrt()).collect())),
        ),
        (
            "s".into(),
            Array::Strings(i().map(|k| "é".repeat(k % 3) + &format!("{k}")).collect()),
        ),
        (
            "vf".into(),
            list(
                &counts,
                Array::Flat(Values::F32((0..m).map(|k| k as f32 * 0.5).collect())),
            ),
        ),
        (
            "vb".into(),
            list(
                &counts,
                Array::Flat(Values::Bool((0..m).map(|k| k % 2 == 1).collect())),
            ),
        ),
        (
            "vs".into(),
            list(
                &counts,
                Array::Strings((0..m).map(|k| format!("s{k}")).collect()),
            ),
        ),
    ];
    // A vector of vectors: entry k holds counts[k] lists of k % 3 integers.
    let inner: Vec<u32> = counts
        .iter()
        .enumerate()
        .flat_map(|(k, &c)| std::iter::repeat_n(k as u32 % 3, c as usize))
        .collect();
    let l: usize = inner.iter().map(|&c| c as usize).sum();
    out.push((
        "vv".into(),
        list(
            &counts,
            list(
                &inner,
                Array::Flat(Values::I64((0..l as i64).map(|k| -k).collect())),
            ),
        ),
    ));
    // A record with a number, a vector and a nested record.
    out.push((
        "rec".into(),
        Array::Record(vec![
            (
                "x".into(),
                Array::Flat(Values::F64(i().map(|k| k as f64 * 1.5).collect())),
            ),
            (
                "hits".into(),
                list(&counts, Array::Flat(Values::U16((0..m as u16).collect()))),
            ),
            (
                "sub".into(),
                Array::Record(vec![(
                    "id".into(),
                    Array::Flat(Values::I32(i().map(|k| k as i32 * -3).collect())),
                )]),
            ),
        ]),
    ));
    // A vector of records (a collection of objects, as NanoAOD's muons).
    out.push((
        "muons".into(),
        list(
            &counts,
            Array::Record(vec![
                (
                    "pt".into(),
                    Array::Flat(Values::F32((0..m).map(|k| 10.0 + k as f32).collect())),
                ),
                (
                    "charge".into(),
                    Array::Flat(Values::I8(
                        (0..m).map(|k| if k % 2 == 0 { 1 } else { -1 }).collect(),
                    )),
                ),
            ]),
        ),
    ));
    out
}

fn write(
    path: &std::path::Path,
    c: Compression,
    n: usize,
    per_fill: usize,
    cluster: usize,
) -> Vec<(String, Array)> {
    let data = sample(n);
    let specs: Vec<FieldSpec> = data
        .iter()
        .map(|(name, a)| FieldSpec::of_array(name, a).unwrap())
        .collect();
    let mut f = FileWriter::create(path, c).unwrap();
    f.cluster_entries = cluster;
    let dir = f.mkdirs("dir").unwrap();
    let t = f.add_rntuple(dir, "ntuple", specs).unwrap();
    let mut start = 0;
    while start < n {
        let end = (start + per_fill).min(n);
        let part: Vec<Array> = data.iter().map(|(_, a)| a.slice(start..end)).collect();
        f.fill_rntuple(t, &part).unwrap();
        start = end;
    }
    f.close().unwrap();
    data
}

const COMPRESSIONS: [&str; 4] = ["zstd", "zlib", "lz4", "none"];

#[test]
fn hepkey_reads_back_every_field_kind_and_compression() {
    let dir = tempfile::tempdir().unwrap();
    for c in COMPRESSIONS {
        let path = dir.path().join(format!("{c}.root"));
        let data = write(&path, Compression::parse(c).unwrap(), 50, 7, 10);
        let file = RootFile::open(&path).unwrap();
        let nt = RNTuple::open(&file, "dir/ntuple").unwrap();
        assert_eq!(nt.entries(), 50, "{c}");
        assert_eq!(
            nt.clusters.len(),
            4,
            "{c}: clusters of 14, 14, 14, 8 entries"
        );
        for (name, want) in &data {
            let got = nt.read_field(nt.field_id(name).unwrap(), 0..50).unwrap();
            assert_eq!(&got, want, "{c}: field {name}");
            // A range across a cluster boundary.
            let got = nt.read_field(nt.field_id(name).unwrap(), 12..31).unwrap();
            assert_eq!(got, want.slice(12..31), "{c}: field {name}, entries 12..31");
        }
    }
}

#[test]
fn columns_larger_than_a_page_span_several_pages() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.root");
    let n = 300_000usize;
    let x: Vec<f64> = (0..n).map(|k| (k as f64).sin()).collect();
    let ok: Vec<bool> = (0..n).map(|k| k % 7 == 0).collect();
    let mut f = FileWriter::create(&path, Compression::Zstd(5)).unwrap();
    let t = f
        .add_rntuple(
            f.root(),
            "big",
            vec![
                FieldSpec::number("x", DType::F64),
                FieldSpec::vector("ok", FieldKind::Number(DType::Bool)),
            ],
        )
        .unwrap();
    let ok_lists = list(&vec![1; n], Array::Flat(Values::Bool(ok.clone())));
    f.fill_rntuple(t, &[Array::Flat(Values::F64(x.clone())), ok_lists.clone()])
        .unwrap();
    f.close().unwrap();
    let file = RootFile::open(&path).unwrap();
    let nt = RNTuple::open(&file, "big").unwrap();
    let pages = |field: &str| {
        let id = nt.field_id(field).unwrap();
        let column = *nt.fields()[id].columns.first().unwrap();
        nt.clusters[0].columns[column].pages.len()
    };
    assert_eq!(pages("x"), 3, "2.4 MB of doubles in pages of at most 1 MiB");
    assert_eq!(nt.read_all("x").unwrap(), Array::Flat(Values::F64(x)));
    assert_eq!(nt.read_all("ok").unwrap(), ok_lists);
}

#[test]
fn wrong_arrays_are_errors_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = FileWriter::create(dir.path().join("bad.root"), Compression::Zstd(5)).unwrap();
    let t = f
        .add_rntuple(f.root(), "t", vec![FieldSpec::number("x", DType::F32)])
        .unwrap();
    let err = f
        .fill_rntuple(t, &[Array::Flat(Values::F64(vec![1.0]))])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("field \"x\"") && err.contains("float32"),
        "{err}"
    );
    let twice = vec![FieldSpec::string("a"), FieldSpec::string("a")];
    assert!(f.add_rntuple(f.root(), "u", twice).is_err());
}

/// Entry `i` of an array as uproot's `to_list` gives it.
fn entry_json(a: &Array, i: usize) -> Value {
    match a {
        Array::Flat(v) => match v {
            Values::Bool(x) => json!(x[i]),
            Values::F32(x) => json!(x[i] as f64),
            Values::F64(x) => json!(x[i]),
            Values::U64(x) => json!(x[i]),
            Values::I64(x) => json!(x[i]),
            other => json!(other.get_f64(i) as i64),
        },
        Array::Strings(s) => json!(s[i]),
        Array::List { offsets, content } => Value::Array(
            (offsets[i] as usize..offsets[i + 1] as usize)
                .map(|k| entry_json(content, k))
                .collect(),
        ),
        Array::Record(fields) => Value::Object(
            fields
                .iter()
                .map(|(n, f)| (n.clone(), entry_json(f, i)))
                .collect(),
        ),
        Array::Optional { .. } | Array::Union { .. } => unreachable!("not written"),
    }
}

const DUMP_PY: &str = r#"
import json, sys, uproot
f = uproot.open(sys.argv[1])
nt = f["dir/ntuple"]
arrays = nt.arrays()
out = {"class": type(nt).__name__, "entries": int(nt.num_entries), "fields": {}}
for name in arrays.fields:
    out["fields"][name] = arrays[name].to_list()
print(json.dumps(out))
"#;

#[test]
fn uproot_reads_every_field_kind_and_compression() {
    let Some(python) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    for c in COMPRESSIONS {
        let path = dir.path().join(format!("{c}.root"));
        let data = write(&path, Compression::parse(c).unwrap(), 40, 9, 9);
        let out = Command::new(&python)
            .arg("-c")
            .arg(DUMP_PY)
            .arg(&path)
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "{c}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["class"], "Model_ROOT_3a3a_RNTuple", "{c}");
        assert_eq!(doc["entries"], 40, "{c}");
        for (name, a) in &data {
            let want: Vec<Value> = (0..a.len()).map(|i| entry_json(a, i)).collect();
            assert_eq!(doc["fields"][name], Value::Array(want), "{c}: field {name}");
        }
    }
}

/// A skim of a sample where no event passes: an RNTuple without entries.
#[test]
fn an_rntuple_without_entries_reads_as_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.root");
    let mut f = FileWriter::create(&path, Compression::Zstd(5)).unwrap();
    let fields = vec![
        FieldSpec::number("x", DType::F32),
        FieldSpec::vector("v", FieldKind::Number(DType::I32)),
    ];
    f.add_rntuple(f.root(), "empty", fields).unwrap();
    f.close().unwrap();
    let file = RootFile::open(&path).unwrap();
    let nt = RNTuple::open(&file, "empty").unwrap();
    assert_eq!(nt.entries(), 0);
    assert_eq!(nt.read_all("x").unwrap(), Array::Flat(Values::F32(vec![])));
    let Some(python) = python() else { return };
    let out = Command::new(&python)
        .arg("-c")
        .arg("import sys, uproot; t = uproot.open(sys.argv[1])['empty']; a = t.arrays(); print(t.num_entries, len(a), a.fields)")
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0 0 ['x', 'v']"
    );
}
