//! Leaf-count arrays stored without entry offsets (ROOT's `kGenerateOffsetMap` I/O feature, the
//! fixture `offset_map.root` written by ROOT 6.40): read through their counter branch, with ROOT's
//! values (uproot 5.7 cannot read them), and a counter that disagrees with the data is an error
//! naming both branches, never wrong values.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../root/tests/fixtures/offset_map.root")
}

fn scan(file: &Path, branches: &str, extra: &[&str]) -> Output {
    let target = format!("{}:t", file.display());
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["scan", &target, "-b", branches])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn arrays_without_entry_offsets_scan_with_root_values() {
    let out = scan(&fixture(), "n,x,d,i", &["-n", "6", "--start", "295"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Entry e holds (7e mod 6) items: x = e + k/4, d = k - 1.5e, i = 10e + k (as ROOT reads them).
    for e in 295..300u32 {
        let n = (e * 7) % 6;
        let x: Vec<String> = (0..n)
            .map(|k| format!("{}", e as f32 + 0.25 * k as f32))
            .collect();
        let i: Vec<String> = (0..n).map(|k| (10 * e + k).to_string()).collect();
        let row = text
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{e} |")))
            .unwrap_or_else(|| panic!("no row {e} in\n{text}"));
        assert!(row.contains(&format!("[{}]", x.join(", "))), "{row}");
        assert!(row.contains(&format!("[{}]", i.join(", "))), "{row}");
    }
}

#[test]
fn a_counter_disagreeing_with_the_data_is_an_error_naming_both() {
    let original = std::fs::read(fixture()).unwrap();
    // The counter's first basket (the file is uncompressed): entry 1 holds 1 item; say 3.
    let file = hepkey_root::RootFile::open(fixture()).unwrap();
    let tree = hepkey_root::Tree::open(&file, "t").unwrap();
    let (seek, _) = tree.branch("n").unwrap().baskets()[0].location.unwrap();
    let seek = seek as usize;
    let keylen = u16::from_be_bytes([original[seek + 14], original[seek + 15]]) as usize;
    let at = seek + keylen + 4;
    assert_eq!(original[at..at + 4], 1i32.to_be_bytes());
    let mut bytes = original.clone();
    bytes[at..at + 4].copy_from_slice(&3i32.to_be_bytes());
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("offset_map_broken.root");
    std::fs::write(&broken, &bytes).unwrap();

    let out = scan(&broken, "x", &["-n", "3"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("\"x\"") && err.contains("counter \"n\"") && err.contains("basket holds"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    // The counter itself still reads (with the changed value): only x cannot.
    let out = scan(&broken, "n", &["-n", "3"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 | 3"));
}
