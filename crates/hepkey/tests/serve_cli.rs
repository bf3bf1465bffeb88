//! `hepkey serve` as typed: the address it prints, the warning for other hosts, a bad directory.
//! (The server itself is tested in crates/serve/tests, the page in page_browser.rs.)

use std::process::Command;

fn serve(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("serve")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn binds_localhost_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = serve(&[
        dir.path().to_str().unwrap(),
        "--port",
        "0",
        "--exit-after-ready",
    ]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with("serving the hepkey page on http://127.0.0.1:"),
        "{stdout}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn another_host_is_warned_about() {
    let out = serve(&["--host", "0.0.0.0", "--port", "0", "--exit-after-ready"]);
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("warning: listening on 0.0.0.0"),
        "{stderr}"
    );
    assert!(String::from_utf8(out.stdout)
        .unwrap()
        .contains("http://0.0.0.0:"));
}

#[test]
fn a_missing_directory_is_an_error() {
    let out = serve(&["no/such/dir", "--port", "0", "--exit-after-ready"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("cannot serve no/such/dir"), "{stderr}");
    assert!(out.stdout.is_empty());
}
