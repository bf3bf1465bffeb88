//! What the command-line tests share: paths into the repository and `../shared`, and the Python
//! with uproot that the interoperability checks run (`HEPKEY_PYTHON`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// A path in the repository (absolute; `..` resolved when it exists).
pub fn repo(rel: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel);
    path.canonicalize().unwrap_or(path)
}

/// A path in `../shared` beside the repository.
pub fn shared(rel: &str) -> PathBuf {
    repo("../shared").join(rel)
}

/// The Python with uproot named by `HEPKEY_PYTHON` (`.ci/run` makes one). Without it a test
/// skips its interoperability check locally, saying so, but fails under CI.
pub fn python() -> Option<String> {
    match std::env::var("HEPKEY_PYTHON") {
        Ok(p) => Some(p),
        Err(_) if std::env::var("CI").is_ok() => {
            panic!("HEPKEY_PYTHON must name a Python with uproot in CI")
        }
        Err(_) => {
            eprintln!("HEPKEY_PYTHON is not set: skipping the check with uproot");
            None
        }
    }
}

/// Runs `hepkey ARGS` and asserts it succeeds, showing its output if not.
pub fn hepkey_ok(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hepkey {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
