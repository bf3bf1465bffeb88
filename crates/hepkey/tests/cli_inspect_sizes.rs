//! `hepkey inspect` on the CMS nanoAOD file, whose 947 branches keep their
//! baskets inside the tree object (uproot's compressed_bytes is 0 for 946 of
//! them): every branch gets a size, and long names keep the columns aligned.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

fn nano() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root")
        .display()
        .to_string()
}

fn inspect(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("inspect")
        .arg(nano())
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_branch_has_a_size() {
    let doc: Value = serde_json::from_str(&inspect(&["--json"])).unwrap();
    let branches = doc["objects"]["Events;1"]["branches"].as_object().unwrap();
    assert_eq!(branches.len(), 947);
    for (name, b) in branches {
        let (zip, tot) = (
            b["compressed_bytes"].as_i64().unwrap(),
            b["uncompressed_bytes"].as_i64().unwrap(),
        );
        assert!(zip > 0 && tot > zip, "{name}: {zip} / {tot}");
        assert!(b["embedded_baskets"].as_u64().unwrap() >= 1, "{name}");
    }
    // The one branch with baskets in the file too: at least what uproot 5.7.7 reads for
    // those two (compressed_bytes 36169, uncompressed_bytes 62802).
    let pdf = &branches["LHEPdfWeight"];
    assert!(pdf["compressed_bytes"].as_i64().unwrap() > 36169);
    assert!(pdf["uncompressed_bytes"].as_i64().unwrap() > 62802);
}

#[test]
fn long_names_are_shortened_and_rows_aligned() {
    let text = inspect(&[]);
    let rows: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.trim_start().starts_with("branch "))
        .skip(1)
        .take(947)
        .collect();
    assert_eq!(rows.len(), 947);
    // Each row: name, type, compressed, uncompressed; the numbers end in the same column.
    let width = rows[0].chars().count();
    let mut shortened = std::collections::BTreeSet::new();
    for row in &rows {
        assert_eq!(row.chars().count(), width, "{row}");
        let name = row.split_whitespace().next().unwrap();
        assert!(name.chars().count() <= 40, "{row}");
        if name.contains('…') {
            assert!(shortened.insert(name), "two names shorten to {name}");
        }
    }
    // Every name longer than 40 characters appears as its start and its end around "…",
    // in 40 characters.
    let doc: Value = serde_json::from_str(&inspect(&["--json"])).unwrap();
    let long: Vec<Vec<char>> = doc["objects"]["Events;1"]["branches"]
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.chars().collect::<Vec<char>>())
        .filter(|k| k.len() > 40)
        .collect();
    assert!(!long.is_empty());
    for name in &long {
        let name: String = name.iter().collect();
        // Another split of start and end is allowed, where two names would read the same.
        let shown = shortened.iter().any(|s| {
            let (start, end) = s.split_once('…').unwrap();
            name.starts_with(start) && name.ends_with(end) && s.chars().count() == 40
        });
        assert!(shown, "{name}");
    }
    assert_eq!(shortened.len(), long.len());
    assert!(text.contains("--json lists them in full"));
}
