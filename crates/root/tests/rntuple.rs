//! Every RNTuple of the shared ROOT files, compared field by field with what
//! uproot 5.7 read from the same files (`../shared/reference/root`), and
//! corrupt or truncated RNTuples, which must give errors, never panics.

use hepkey_root::rntuple::{LeafField, LeafValues, RNTuple, ANCHOR_CLASS};
use hepkey_root::source::MemorySource;
use hepkey_root::RootFile;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn rntuple_files() -> Vec<PathBuf> {
    let dir = shared().join("data/root");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains("rntuple") && name.ends_with(".root")
        })
        .collect();
    files.sort();
    files
}

/// Python's json writes NaN and Infinity as bare tokens; quote them.
fn python_json(text: &str) -> Value {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
        } else if ch == '"' {
            in_string = true;
        } else {
            let token = ["-Infinity", "Infinity", "NaN"]
                .into_iter()
                .find(|t| rest.starts_with(t));
            if let Some(t) = token {
                out.push('"');
                out.push_str(t);
                out.push('"');
                rest = &rest[t.len()..];
                continue;
            }
        }
        out.push(ch);
        rest = &rest[ch.len_utf8()..];
    }
    serde_json::from_str(&out).expect("reference JSON")
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "NaN" => f64::NAN,
        Value::String(s) if s == "Infinity" => f64::INFINITY,
        Value::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
        other => other.as_f64().unwrap_or(f64::NAN),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(num).collect())
        .unwrap_or_default()
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-9 * a.abs().max(b.abs())
}

fn all_close(a: &[f64], b: &[f64], exact: bool) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            if exact {
                x == y || (x.is_nan() && y.is_nan())
            } else {
                close(*x, *y)
            }
        })
}

/// numpy's min/max: NaN if any value is NaN.
fn extreme(values: &[f64], pick: fn(f64, f64) -> f64) -> f64 {
    if values.iter().any(|x| x.is_nan()) {
        return f64::NAN;
    }
    values.iter().copied().reduce(pick).unwrap_or(f64::NAN)
}

/// Compares one leaf with its reference; returns the differences.
fn compare(leaf: &LeafField, reference: &Value) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut check = |ok: bool, what: &str, ours: String, theirs: String| {
        if !ok {
            diffs.push(format!("{what}: ours {ours}, uproot {theirs}"));
        }
    };
    let typename = reference["typename"].as_str().unwrap_or("");
    check(
        leaf.type_name == typename,
        "typename",
        leaf.type_name.clone(),
        typename.into(),
    );
    let depth = reference["depth"].as_u64().unwrap_or(0) as usize;
    check(
        leaf.depth() == depth,
        "depth",
        leaf.depth().to_string(),
        depth.to_string(),
    );
    let n = reference["n"].as_u64().unwrap_or(0) as usize;
    check(
        leaf.values.len() == n,
        "n",
        leaf.values.len().to_string(),
        n.to_string(),
    );
    if let Some(first_counts) = reference.get("counts_first10") {
        let outer = leaf.offsets.first().cloned().unwrap_or_default();
        let counts: Vec<f64> = outer.windows(2).map(|w| (w[1] - w[0]) as f64).collect();
        let expected = nums(first_counts);
        let ours = &counts[..counts.len().min(10)];
        check(
            ours == expected.as_slice(),
            "counts_first10",
            format!("{ours:?}"),
            format!("{expected:?}"),
        );
        let total: f64 = counts.iter().sum();
        let expected_total = num(&reference["counts_sum"]);
        check(
            total == expected_total,
            "counts_sum",
            total.to_string(),
            expected_total.to_string(),
        );
    }
    match &leaf.values {
        LeafValues::Numbers(values) => {
            let v = values.to_f64();
            let sum: f64 = v.iter().sum();
            check(
                close(sum, num(&reference["sum"])),
                "sum",
                sum.to_string(),
                reference["sum"].to_string(),
            );
            if !v.is_empty() {
                let (min, max) = (extreme(&v, f64::min), extreme(&v, f64::max));
                check(
                    close(min, num(&reference["min"])),
                    "min",
                    min.to_string(),
                    reference["min"].to_string(),
                );
                check(
                    close(max, num(&reference["max"])),
                    "max",
                    max.to_string(),
                    reference["max"].to_string(),
                );
            }
            let exact = values.is_integer();
            let first = &v[..v.len().min(5)];
            let last = &v[v.len().saturating_sub(5)..];
            for (name, ours) in [("first5", first), ("last5", last)] {
                if let Some(theirs) = reference.get(name) {
                    let theirs = nums(theirs);
                    check(
                        all_close(ours, &theirs, exact),
                        name,
                        format!("{ours:?}"),
                        format!("{theirs:?}"),
                    );
                }
            }
        }
        LeafValues::Strings(strings) => {
            let theirs: Vec<&str> = reference["first5"]
                .as_array()
                .map(|a| a.iter().filter_map(|s| s.as_str()).collect())
                .unwrap_or_default();
            let ours: Vec<&str> = strings.iter().take(5).map(|s| s.as_str()).collect();
            check(
                ours == theirs,
                "first5",
                format!("{ours:?}"),
                format!("{theirs:?}"),
            );
        }
        // The references hold no variants (see rntuple_variant.rs).
        LeafValues::Union(_) => diffs.push("a union, which the references do not hold".into()),
        LeafValues::Unsupported(why) => diffs.push(format!("unsupported: {why}")),
    }
    diffs
}

#[test]
fn every_rntuple_field_matches_uproot() {
    let files = rntuple_files();
    assert_eq!(files.len(), 13, "expected the 13 shared RNTuple files");
    let (mut matched, mut failures, mut skipped) = (0usize, Vec::new(), Vec::new());
    for path in &files {
        let file_name = path.file_name().unwrap().to_string_lossy().to_string();
        let reference_path = shared()
            .join("reference/root")
            .join(format!("{file_name}.json"));
        let text = std::fs::read_to_string(&reference_path).unwrap();
        let reference = python_json(&text);
        let file = RootFile::open(path).unwrap();
        let objects = reference["objects"].as_object().unwrap();
        for (object_name, object) in objects {
            if object["class"] != ANCHOR_CLASS {
                continue;
            }
            let ntuple = RNTuple::open(&file, object_name)
                .unwrap_or_else(|e| panic!("{file_name}: {object_name}: {e}"));
            assert_eq!(
                ntuple.entries(),
                object["entries"].as_u64().unwrap(),
                "{file_name}: {object_name}: entries"
            );
            let leaves = ntuple
                .leaves()
                .unwrap_or_else(|e| panic!("{file_name}: {object_name}: {e}"));
            let by_path: BTreeMap<&str, &LeafField> =
                leaves.iter().map(|l| (l.path.as_str(), l)).collect();
            let fields = object["fields"].as_object().unwrap();
            for (field_name, expected) in fields {
                let label = format!("{file_name}: {object_name}: {field_name}");
                let Some(leaf) = by_path.get(field_name.as_str()) else {
                    skipped.push(format!("{label}: no such leaf"));
                    continue;
                };
                if let LeafValues::Unsupported(why) = &leaf.values {
                    skipped.push(format!("{label}: {why}"));
                    continue;
                }
                let diffs = compare(leaf, expected);
                if diffs.is_empty() {
                    matched += 1;
                } else {
                    failures.push(format!("{label}: {}", diffs.join("; ")));
                }
            }
            for leaf in &leaves {
                if !fields.contains_key(&leaf.path) {
                    println!(
                        "{file_name}: {object_name}: leaf {} is not in uproot's view",
                        leaf.path
                    );
                }
            }
        }
    }
    println!("{matched} fields match uproot");
    println!("{} fields skipped:", skipped.len());
    for s in &skipped {
        println!("  skipped {s}");
    }
    assert!(
        failures.is_empty(),
        "{} fields differ from uproot:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        skipped.is_empty(),
        "{} fields skipped:\n{}",
        skipped.len(),
        skipped.join("\n")
    );
    assert!(matched > 1000, "only {matched} fields compared");
}

fn data(name: &str) -> Vec<u8> {
    std::fs::read(shared().join("data/root").join(name)).unwrap()
}

/// Opens an RNTuple from bytes and reads every leaf.
fn open_and_read(bytes: Vec<u8>, object: &str) -> hepkey_root::Result<usize> {
    let file = RootFile::from_source(Arc::new(MemorySource::new("corrupt.root", bytes)))?;
    let ntuple = RNTuple::open(&file, object)?;
    Ok(ntuple.leaves()?.len())
}

#[test]
fn a_flipped_byte_in_the_header_envelope_is_an_error_naming_the_object() {
    let name = "test_stl_containers_rntuple_v1-0-0-0.root";
    let bytes = data(name);
    let file = RootFile::open(shared().join("data/root").join(name)).unwrap();
    let header = RNTuple::open(&file, "ntuple").unwrap().anchor.header;
    for delta in [0, header.stored_len / 2, header.stored_len - 1] {
        let mut corrupt = bytes.clone();
        corrupt[(header.offset + delta) as usize] ^= 0x5a;
        let err = open_and_read(corrupt, "ntuple").unwrap_err().to_string();
        assert_eq!(err.matches("RNTuple ntuple").count(), 1, "{err}");
        assert!(err.contains("header envelope"), "{err}");
    }
}

#[test]
fn a_flipped_byte_in_a_page_fails_its_checksum_or_decompression() {
    let name = "test_int_float_rntuple_v1-0-0-0.root";
    let bytes = data(name);
    let file = RootFile::open(shared().join("data/root").join(name)).unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    let page = ntuple.clusters[0].columns[0].pages[0];
    let mut corrupt = bytes.clone();
    corrupt[page.locator.offset as usize] ^= 0xff;
    match open_and_read(corrupt, "ntuple") {
        Err(e) => {
            let e = e.to_string();
            assert!(e.contains("RNTuple ntuple") && e.contains("page"), "{e}");
        }
        // Without a page checksum an uncompressed page reads other values.
        Ok(_) => assert!(
            !page.has_checksum,
            "a corrupt page with a checksum was read"
        ),
    }
}

#[test]
fn a_truncated_file_is_an_error_not_a_panic() {
    let name = "test_stl_containers_rntuple_v1-0-0-0.root";
    let bytes = data(name);
    let mut errors = 0;
    for cut in (0..bytes.len()).step_by(37) {
        if open_and_read(bytes[..cut].to_vec(), "ntuple").is_err() {
            errors += 1;
        }
    }
    assert!(errors > 0);
    // Cut inside the footer (written last, before the file's own records):
    // the error names the object and says the read goes past the end.
    let file = RootFile::open(shared().join("data/root").join(name)).unwrap();
    let footer = RNTuple::open(&file, "ntuple").unwrap().anchor.footer;
    let cut = (footer.offset + footer.stored_len / 2) as usize;
    let mut truncated = bytes[..cut].to_vec();
    // Keep the ROOT structures reachable: pad with zeros to the original
    // length except the footer's tail, as a torn write would leave it.
    truncated.resize(bytes.len(), 0);
    truncated[(footer.offset + footer.stored_len) as usize..]
        .copy_from_slice(&bytes[(footer.offset + footer.stored_len) as usize..]);
    let err = open_and_read(truncated, "ntuple").unwrap_err().to_string();
    assert!(
        err.contains("RNTuple ntuple") && err.contains("footer"),
        "{err}"
    );
}

#[test]
fn every_single_byte_flip_is_an_error_or_a_value_never_a_panic() {
    for name in [
        "test_int_float_rntuple_v1-0-0-0.root",
        "test_stl_containers_rntuple_v1-0-0-0.root",
        "test_float_types_rntuple_v1-0-0-0.root",
    ] {
        let bytes = data(name);
        for i in 0..bytes.len() {
            let mut corrupt = bytes.clone();
            corrupt[i] ^= 0xa5;
            let _ = open_and_read(corrupt, "ntuple");
        }
    }
}

#[test]
fn variant_switch_columns_point_into_their_alternatives() {
    use hepkey_root::rntuple::{ColumnValues, Role};
    let file = RootFile::open(
        shared()
            .join("data/root")
            .join("test_stl_containers_rntuple_v1-0-0-0.root"),
    )
    .unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    let all = 0..ntuple.clusters.len();
    let variant = ntuple
        .fields()
        .iter()
        .find(|f| f.name == "variant_int32_string")
        .expect("variant field");
    assert_eq!(variant.role, Role::Variant);
    let switch_column = ntuple.schema.field_columns(variant.id, 0)[0];
    let ColumnValues::Switch(switch) = ntuple.read_column(switch_column, all.clone()).unwrap()
    else {
        panic!("a variant's column is a switch column");
    };
    assert_eq!(switch.len() as u64, ntuple.entries());
    // Every alternative holds exactly the elements the switch points to, and
    // the indices count up within each alternative.
    for (k, &alternative) in variant.children.iter().enumerate() {
        let tag = k as u32 + 1;
        let principal = ntuple.schema.field_columns(alternative, 0)[0];
        let stored = ntuple.read_column(principal, all.clone()).unwrap().len();
        let indices: Vec<u64> = switch
            .iter()
            .filter(|s| s.tag == tag)
            .map(|s| s.index)
            .collect();
        assert_eq!(indices.len(), stored, "alternative {tag}");
        assert!(indices.iter().enumerate().all(|(i, &x)| x == i as u64));
    }
    assert!(switch
        .iter()
        .all(|s| (1..=variant.children.len() as u32).contains(&s.tag)));
}

#[test]
fn reading_cluster_by_cluster_gives_the_same_columns_as_reading_all() {
    use hepkey_root::rntuple::ColumnValues;
    let file = RootFile::open(
        shared()
            .join("data/root")
            .join("test_multiple_cluster_groups_rntuple_v1-0-0-0.root"),
    )
    .unwrap();
    let ntuple = RNTuple::open(&file, "ntuple").unwrap();
    assert_eq!(ntuple.groups.len(), 3);
    let n_clusters = ntuple.clusters.len();
    assert!(n_clusters > 3);
    for column in 0..ntuple.columns().len() {
        let whole = ntuple.read_column(column, 0..n_clusters).unwrap();
        let mut pieces = ntuple.read_column(column, 0..0).unwrap();
        for c in 0..n_clusters {
            let piece = ntuple.read_column(column, c..c + 1).unwrap();
            if let ColumnValues::Offsets(o) = &piece {
                assert_eq!(o[0], 0, "offsets start at 0 in every range");
            }
            // Offsets of later ranges continue from the end of the earlier.
            match (&mut pieces, piece) {
                (ColumnValues::Offsets(all), ColumnValues::Offsets(o)) => {
                    let base = *all.last().unwrap();
                    all.extend(o.into_iter().skip(1).map(|x| x + base));
                }
                (ColumnValues::I32(all), ColumnValues::I32(v)) => all.extend(v),
                (ColumnValues::I16(all), ColumnValues::I16(v)) => all.extend(v),
                (other, piece) => panic!("unexpected kinds {other:?} {piece:?}"),
            }
        }
        assert_eq!(pieces, whole, "column {column}");
    }
    // Entry ranges map to the clusters that hold them.
    let last = ntuple.clusters.last().unwrap();
    assert_eq!(
        ntuple.clusters_for_entries(last.first_entry..last.first_entry + 1),
        n_clusters - 1..n_clusters
    );
    assert_eq!(
        ntuple.clusters_for_entries(0..ntuple.entries()),
        0..n_clusters
    );
    assert!(ntuple.read_column(99, 0..1).is_err());
    assert!(ntuple.read_column(0, 0..n_clusters + 1).is_err());
}
