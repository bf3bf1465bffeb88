//! A memory-mapped input truncated under the reader raises SIGBUS; with
//! `memory::report_truncated_inputs` the process ends with an error naming the mapped files and
//! exit code 1 instead of dying of the signal. The scenario runs in a child process (this test
//! binary again, told by an environment variable), since it ends the process.

use hepkey_root::source::{ByteSource, MmapSource};
use std::process::Command;

const CHILD: &str = "HEPKEY_SIGBUS_CHILD";

#[test]
fn a_file_truncated_while_mapped_is_an_error_not_a_crash() {
    if let Ok(path) = std::env::var(CHILD) {
        hepkey_root::memory::report_truncated_inputs();
        let path = std::path::Path::new(&path);
        let source = MmapSource::open(path).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .unwrap()
            .set_len(0)
            .unwrap();
        let bytes = source.read_at(1 << 20, 4096).unwrap();
        // Touching a page past the new end raises SIGBUS; the handler exits with 1.
        let sum: u64 = bytes.iter().map(|b| u64::from(*b)).sum();
        println!("read {sum} without a signal");
        std::process::exit(0);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("input.root");
    std::fs::write(&path, vec![7u8; 4 << 20]).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_file_truncated_while_mapped_is_an_error_not_a_crash",
            "--nocapture",
        ])
        .env(CHILD, &path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("was truncated while hepkey read it")
            && stderr.contains(path.to_str().unwrap()),
        "{stderr}"
    );
}
