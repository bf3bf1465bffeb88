//! `std::variant` fields of RNTuple read as unions: the values uproot 5.7 reads, whole, in
//! chunks inside a cluster, inside collections, and summarised for `inspect --stats`.
//!
//! With `HEPKEY_PYTHON` naming a Python with uproot the expected values come from uproot itself;
//! without it, from what uproot 5.7.7 read (written below).

use hepkey_root::rntuple::{LeafValues, RNTuple};
use hepkey_root::summary::{Summary, UnionValue};
use hepkey_root::{Array, RootFile};
use std::path::{Path, PathBuf};
use std::process::Command;

const FILE: &str = "test_stl_containers_rntuple_v1-0-0-0.root";
const VARIANTS: [&str; 2] = ["variant_int32_string", "vector_variant_int64_string"];

fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root")
        .join(FILE)
}

/// Each entry as JSON text (`json.dumps` of uproot's `tolist()`), which is also how
/// [`Array::display`] prints numbers, quoted strings and lists.
fn expected(field: &str) -> Vec<String> {
    if let Ok(python) = std::env::var("HEPKEY_PYTHON") {
        let script = "import sys, json, uproot\n\
                      a = uproot.open(sys.argv[1])['ntuple'][sys.argv[2]].array()\n\
                      print(str(a.type))\n\
                      for x in a.tolist(): print(json.dumps(x))";
        let out = Command::new(&python)
            .args(["-c", script])
            .arg(path())
            .arg(field)
            .output()
            .unwrap_or_else(|e| panic!("running {python}: {e}"));
        assert!(
            out.status.success(),
            "uproot failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut lines = text.lines();
        let type_line = lines.next().unwrap();
        assert!(type_line.contains("union["), "uproot's type: {type_line}");
        return lines.map(str::to_string).collect();
    }
    eprintln!("HEPKEY_PYTHON is not set: comparing with uproot 5.7.7's values written in the test");
    let lines: &[&str] = match field {
        "variant_int32_string" => &["1", r#""two""#, r#""three""#, "4", "5"],
        "vector_variant_int64_string" => &[
            r#"["one"]"#,
            r#"["one", 2]"#,
            r#"["one", 2, 3]"#,
            r#"["one", 2, 3, 4]"#,
            r#"["one", 2, 3, 4, 5]"#,
        ],
        other => panic!("no values written for {other}"),
    };
    lines.iter().map(|s| s.to_string()).collect()
}

fn shown(a: &Array) -> Vec<String> {
    (0..a.len()).map(|i| a.display(i)).collect()
}

#[test]
fn variants_read_as_uproot_reads_them() {
    let file = RootFile::open(path()).unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    for field in VARIANTS {
        let whole = ntuple.read_all(field).unwrap();
        assert_eq!(shown(&whole), expected(field), "{field}");
    }
    // The union itself: tags name the alternatives (int first, string second), indices count
    // within each.
    let Array::Union {
        tags,
        index,
        alternatives,
    } = ntuple.read_all("variant_int32_string").unwrap()
    else {
        panic!("a variant reads as a union")
    };
    assert_eq!(tags, vec![1, 2, 2, 1, 1]);
    assert_eq!(index, vec![0, 0, 1, 1, 2]);
    assert_eq!(alternatives.len(), 2);
    assert_eq!(alternatives[0].display(2), "5");
    assert_eq!(alternatives[1].display(1), r#""three""#);
}

#[test]
fn variants_read_in_chunks_join_to_the_whole_read() {
    let file = RootFile::open(path()).unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    let entries = ntuple.entries();
    for field in VARIANTS {
        let whole = ntuple.read_all(field).unwrap();
        for step in [1, 2, 3, 4] {
            // Chunks inside the one cluster: windows of the switch column and the alternatives.
            let chunks = ntuple.chunk_ranges(&[field], step);
            assert!(chunks.len() > 1 || step >= entries, "{field}: {chunks:?}");
            let parts: Vec<Array> = chunks
                .iter()
                .map(|r| ntuple.read(field, r.clone()).unwrap())
                .collect();
            for (r, p) in chunks.iter().zip(&parts) {
                assert_eq!(
                    shown(p),
                    shown(&whole.slice(r.start as usize..r.end as usize)),
                    "{field} {r:?}"
                );
            }
            let joined = Array::concat(parts).unwrap();
            assert_eq!(joined, whole, "{field}, chunks of {step}");
        }
        // Every window, as `read_many` would ask for it.
        for a in 0..entries {
            for b in a..=entries {
                let part = ntuple.read_many(&[field], a..b).unwrap().remove(0);
                assert_eq!(
                    shown(&part),
                    shown(&whole.slice(a as usize..b as usize)),
                    "{field} {a}..{b}"
                );
            }
        }
    }
}

#[test]
fn variant_leaves_summarise_their_values_in_entry_order() {
    let file = RootFile::open(path()).unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    let leaves = ntuple.leaves().unwrap();
    let num = UnionValue::Number;
    let text = |s: &str| UnionValue::String(s.to_string());
    for (field, depth, n, (sum, min, max), first5, last5) in [
        (
            "variant_int32_string",
            0,
            5,
            (10.0, 1.0, 5.0),
            vec![num(1.0), text("two"), text("three"), num(4.0), num(5.0)],
            vec![num(1.0), text("two"), text("three"), num(4.0), num(5.0)],
        ),
        (
            "vector_variant_int64_string",
            1,
            15,
            (30.0, 2.0, 5.0),
            vec![text("one"), text("one"), num(2.0), text("one"), num(2.0)],
            vec![text("one"), num(2.0), num(3.0), num(4.0), num(5.0)],
        ),
    ] {
        let leaf = leaves.iter().find(|l| l.path == field).unwrap();
        assert!(matches!(leaf.values, LeafValues::Union(_)), "{field}");
        let array = hepkey_root::rntuple::leaf_array(leaf).unwrap();
        assert_eq!(shown(&array), expected(field), "{field}");
        let s = Summary::of(&array);
        assert_eq!(s.depth, depth, "{field}");
        assert_eq!(s.n, n, "{field}");
        assert_eq!(s.sum, sum, "{field}");
        assert_eq!((s.min, s.max), (Some(min), Some(max)), "{field}");
        let union = s.union.expect("a union summary");
        assert_eq!(union.first5, first5, "{field}");
        assert_eq!(union.last5, last5, "{field}");
        if depth == 1 {
            assert_eq!(s.counts_first10, Some(vec![1, 2, 3, 4, 5]));
            assert_eq!(s.counts_sum, Some(15));
        }
    }
}
