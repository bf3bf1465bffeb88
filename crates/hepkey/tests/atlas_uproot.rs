//! The ATLAS-format samples `hepkey generate` writes read back in uproot with
//! the values hepkey reads: every branch of every file of every collection
//! (`scripts/compare_with_uproot.py`: counts, sums, extremes, first and last values, type names).
//!
//! Needs a Python with uproot: `HEPKEY_PYTHON=/path/to/venv/bin/python`
//! (`.ci/run` makes one). Without it the test says so and passes locally,
//! but fails under CI, where the interpreter must be there.

mod support;
use support::*;

use std::path::Path;
use std::process::Command;

fn root_files(dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            root_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "root") {
            out.push(p.display().to_string());
        }
    }
}

#[test]
fn uproot_reads_the_generated_release_files_as_hepkey_does() {
    let Some(python) = python() else { return };
    let hepkey = env!("CARGO_BIN_EXE_hepkey");
    let dir = tempfile::tempdir().unwrap();
    for which in ["hyy", "zll", "hzz", "wlnu"] {
        let status = Command::new(hepkey)
            .args(["generate", which, "-o"])
            .arg(dir.path())
            .args(["--events", "1500", "-q"])
            .status()
            .unwrap();
        assert!(status.success(), "hepkey generate {which}");
    }
    let mut files = Vec::new();
    root_files(dir.path(), &mut files);
    files.sort();
    assert!(files.len() >= 30, "{files:?}");
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scripts/compare_with_uproot.py"
    );
    let out = Command::new(python)
        .arg(script)
        .arg(hepkey)
        .args(&files)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains(" 0 differences"),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Every branch of every file was compared (81 per tree in the 2020 format).
    let compared: usize = text
        .split(" branches compared")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert_eq!(compared, 81 * files.len(), "{text}");
}
