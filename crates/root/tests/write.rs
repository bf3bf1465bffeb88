//! Files written by hepkey read back with the same values, for every branch
//! kind and compression; failed writes leave nothing behind.

use hepkey_root::hist::{Axis, Histogram};
use hepkey_root::write::{BranchSpec, Compression, FileWriter};
use hepkey_root::DType;
use hepkey_root::{read_histogram, Array, RootFile, Tree, Values};

fn list(offsets: &[u32], v: Values) -> Array {
    Array::List {
        offsets: offsets.to_vec().into(),
        content: Box::new(Array::Flat(v)),
    }
}

/// Columns for entries `start..start+n` of the test tree.
fn columns(start: usize, n: usize) -> Vec<Array> {
    let idx: Vec<usize> = (start..start + n).collect();
    let counts: Vec<u32> = idx.iter().map(|i| (i * 7 % 5) as u32).collect();
    let mut offsets = vec![0u32];
    for c in &counts {
        offsets.push(offsets.last().unwrap() + c);
    }
    let total = *offsets.last().unwrap() as usize;
    let base = offsets_base(start);
    vec![
        Array::Flat(Values::F64(
            idx.iter().map(|&i| i as f64 * 0.37 - 11.0).collect(),
        )),
        Array::Flat(Values::I64(idx.iter().map(|&i| (i as i64) << 33).collect())),
        Array::Flat(Values::U8(idx.iter().map(|&i| (i % 251) as u8).collect())),
        Array::Flat(Values::Bool(idx.iter().map(|&i| i % 3 == 1).collect())),
        list(
            &(0..=n as u32).map(|k| k * 2).collect::<Vec<_>>(),
            Values::I16((0..2 * n).map(|k| (start * 2 + k) as i16 - 300).collect()),
        ),
        Array::Flat(Values::I32(counts.iter().map(|&c| c as i32).collect())),
        list(
            &offsets,
            Values::F32((0..total).map(|k| (base + k) as f32 * 0.5).collect()),
        ),
        list(
            &offsets,
            Values::U32((0..total).map(|k| (base + k) as u32).collect()),
        ),
        list(
            &offsets,
            Values::F64((0..total).map(|k| -((base + k) as f64)).collect()),
        ),
        list(
            &offsets,
            Values::Bool((0..total).map(|k| (base + k).is_multiple_of(2)).collect()),
        ),
    ]
}

/// Number of list items before entry `start` (so values continue across chunks).
fn offsets_base(start: usize) -> usize {
    (0..start).map(|i| i * 7 % 5).sum()
}

fn specs() -> Vec<BranchSpec> {
    vec![
        BranchSpec::scalar("f8", DType::F64),
        BranchSpec::scalar("i8", DType::I64),
        BranchSpec::scalar("u1", DType::U8),
        BranchSpec::scalar("b", DType::Bool),
        BranchSpec::fixed("a2", DType::I16, 2),
        BranchSpec::scalar("n", DType::I32),
        BranchSpec::jagged("pt", DType::F32, "n"),
        BranchSpec::jagged("id", DType::U32, "n"),
        BranchSpec::vector("vd", DType::F64),
        BranchSpec::vector("vb", DType::Bool),
    ]
}

fn histograms() -> (Histogram, Histogram) {
    let h1 = Histogram {
        class: "TH1D".into(),
        name: "mass".into(),
        title: "m_{#mu#mu}".into(),
        axes: vec![Axis {
            title: "m [GeV]".into(),
            edges: vec![0.0, 10.0, 25.0, 50.0, 100.0],
        }],
        values: vec![1.0, 2.5, 3.0, 4.0, 5.0, 0.5],
        errors: vec![],
        sumw2: vec![1.0, 3.25, 4.0, 8.0, 9.0, 0.25],
        entries: 16.0,
    };
    let h2 = Histogram {
        class: "TH2D".into(),
        name: "map".into(),
        title: "eta-phi".into(),
        axes: vec![
            Axis {
                title: "#eta".into(),
                edges: vec![-2.5, 0.0, 2.5],
            },
            Axis {
                title: "#phi".into(),
                edges: vec![-3.0, -1.0, 1.0, 3.0],
            },
        ],
        values: (0..20).map(|i| i as f64 * 1.5).collect(),
        errors: vec![],
        sumw2: (0..20).map(|i| i as f64 * 2.25).collect(),
        entries: 42.0,
    };
    (h1, h2)
}

fn write_file(path: &std::path::Path, compression: Compression) {
    let mut f = FileWriter::create(path, compression).unwrap();
    f.basket_entries = 400;
    let dir = f.mkdirs("a/b").unwrap();
    let t = f.add_tree(dir, "events", "test events", specs()).unwrap();
    let mut start = 0;
    for n in [150, 300, 1, 700, 349] {
        f.fill(t, &columns(start, n)).unwrap();
        start += n;
    }
    let (h1, h2) = histograms();
    f.write_histogram(f.root(), &h1).unwrap();
    let hd = f.mkdirs("hists").unwrap();
    f.write_histogram(hd, &h2).unwrap();
    f.close().unwrap();
}

#[test]
fn every_branch_kind_and_compression_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let expected = columns(0, 1500);
    for c in ["none", "zlib", "lz4", "zstd", "lzma"] {
        let path = dir.path().join(format!("{c}.root"));
        write_file(&path, Compression::parse(c).unwrap());
        let file = RootFile::open(&path).unwrap();
        assert_eq!(
            file.header().compress,
            Compression::parse(c).unwrap().setting()
        );
        let tree = Tree::open(&file, "a/b/events").unwrap();
        assert_eq!(tree.entries(), 1500, "{c}");
        assert_eq!(tree.branches()[0].baskets().len(), 3, "{c}: baskets");
        for (spec, want) in specs().iter().zip(&expected) {
            let got = tree.read_all(&spec.name).unwrap();
            assert_eq!(&got, want, "{c}: branch {}", spec.name);
            // A range in the middle, across baskets.
            assert_eq!(
                tree.read(&spec.name, 390..820).unwrap(),
                want.slice(390..820)
            );
        }
        let (h1, h2) = histograms();
        for (path, h) in [("mass", h1), ("hists/map", h2)] {
            let back = read_histogram(&file, path).unwrap();
            assert_eq!(back.values, h.values, "{c} {path}");
            assert_eq!(back.sumw2, h.sumw2);
            assert_eq!(back.axes, h.axes);
            assert_eq!((back.title, back.entries), (h.title, h.entries));
        }
    }
}

#[test]
fn same_content_gives_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.root"), dir.path().join("b.root"));
    write_file(&a, Compression::Zstd(3));
    write_file(&b, Compression::Zstd(3));
    assert_eq!(
        std::fs::read(&a).unwrap().len(),
        std::fs::read(&b).unwrap().len()
    );
    // The file name is stored in the file; otherwise the bytes agree.
    let (x, y) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    let differing = x.iter().zip(&y).filter(|(p, q)| p != q).count();
    assert!(differing < 64, "{differing} bytes differ");
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.root");
    {
        let mut f = FileWriter::create(&path, Compression::Zlib(1)).unwrap();
        let t = f.add_tree(f.root(), "t", "", specs()).unwrap();
        let mut cols = columns(0, 10);
        cols[0] = Array::Flat(Values::F32(vec![0.0; 10])); // wrong type
        let err = f.fill(t, &cols).unwrap_err().to_string();
        assert!(err.contains("f8") && err.contains("double"), "{err}");
        // A counter that disagrees with its array.
        let mut cols = columns(0, 10);
        cols[5] = Array::Flat(Values::I32(vec![9; 10]));
        assert!(f
            .fill(t, &cols)
            .unwrap_err()
            .to_string()
            .contains("counter"));
    } // dropped without close
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left: {left:?}");
    // A jagged branch must name a declared int32 counter.
    let mut f = FileWriter::create(&path, Compression::None).unwrap();
    let err = f
        .add_tree(
            f.root(),
            "t",
            "",
            vec![BranchSpec::jagged("x", DType::F32, "nX")],
        )
        .unwrap_err();
    assert!(err.to_string().contains("nX"));
}

#[test]
fn chunked_iteration_equals_reading_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chunks.root");
    write_file(&path, Compression::Lz4(1));
    let file = RootFile::open(&path).unwrap();
    let tree = Tree::open(&file, "a/b/events").unwrap();
    let names: Vec<String> = specs().iter().map(|s| s.name.clone()).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let whole = tree.read_many(&names, 0..tree.entries()).unwrap();
    for step in [1, 7, 333, 400, 1000, 5000] {
        let mut parts: Vec<Vec<Array>> = vec![Vec::new(); names.len()];
        let mut next = 0;
        for chunk in tree.iterate(&names, step).unwrap() {
            let chunk = chunk.unwrap();
            assert_eq!(chunk.entries.start, next, "chunks are consecutive");
            assert!(chunk.entries.end - chunk.entries.start <= step);
            next = chunk.entries.end;
            for (p, c) in parts.iter_mut().zip(chunk.columns) {
                p.push(c);
            }
        }
        assert_eq!(next, tree.entries());
        for ((name, p), w) in names.iter().zip(parts).zip(&whole) {
            assert_eq!(&Array::concat(p).unwrap(), w, "step {step}, branch {name}");
        }
    }
    // Ranges cut at basket boundaries when one is near.
    let ranges = tree.chunk_ranges(&names, 500);
    assert!(ranges.iter().any(|r| r.end == 450), "{ranges:?}");
}

/// A temporary file left by a killed writer (its process gone) is removed by the next writer of
/// the same file; one of a running process is left alone.
#[cfg(target_os = "linux")]
#[test]
fn temporaries_of_killed_writers_are_removed() {
    use hepkey_root::write::{Compression, FileWriter};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.root");
    // PIDs are below 2^22 on Linux: this one cannot be running.
    let stale = dir.path().join(".out.root.4294967-0-0000abcd.tmp");
    let live = dir
        .path()
        .join(format!(".out.root.{}-7-0000abcd.tmp", std::process::id()));
    std::fs::write(&stale, b"half a file").unwrap();
    std::fs::write(&live, b"being written").unwrap();
    FileWriter::create(&path, Compression::None)
        .unwrap()
        .close()
        .unwrap();
    assert!(path.is_file());
    assert!(!stale.exists());
    assert!(live.exists());
}
