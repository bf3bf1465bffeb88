//! The output directory as a whole: locked during a run, checked before any event is read,
//! swapped in at the end with nothing of an earlier run left beside it, and no temporary file
//! left behind by an interrupted command.

mod support;
use support::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn hepkey(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir` whose name marks it as temporary or staged.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".tmp") || name.starts_with(".hepkey-") {
                found.push(p.clone());
            }
            if p.is_dir() {
                stack.push(p);
            }
        }
    }
    found
}

#[test]
fn an_interrupted_generate_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("release");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["generate", "zll", "-q", "--events", "20000000", "-o"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until a sample is being written, then interrupt.
    let start = Instant::now();
    while leftovers(dir.path()).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        assert!(child.try_wait().unwrap().is_none(), "generate ended early");
        std::thread::sleep(Duration::from_millis(20));
    }
    // SAFETY: signalling our own child process.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    assert_eq!(leftovers(dir.path()), Vec::<PathBuf>::new());
}

#[test]
fn generate_refuses_an_absurd_number_of_events() {
    let dir = tempfile::tempdir().unwrap();
    let o = hepkey(&[
        "generate",
        "hyy",
        "--events",
        "18446744073709551615",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("give between 1 and 50000000"), "{err}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn outputs_of_an_earlier_run_do_not_stay() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let analysis = repo("examples/zmumu/zmumu.toml");
    let run = |extra: &[&str]| {
        let mut args = vec!["run", analysis.to_str().unwrap(), "-q", "-o"];
        args.push(out.to_str().unwrap());
        args.extend(extra);
        let o = hepkey(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&[]);
    assert!(out.join("plots").is_dir());
    run(&["--no-plots"]);
    assert!(!out.join("plots").exists(), "stale plots kept");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".hepkey.lock",
            "cutflow.json",
            "histograms.json",
            "histograms.root",
            "provenance.json"
        ]
    );
}

#[test]
fn a_busy_or_mistaken_output_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = repo("examples/zmumu/zmumu.toml");
    let analysis = analysis.to_str().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "keep me").unwrap();
    let o = hepkey(&["run", analysis, "-q", "-o", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("exists and is not a directory"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    // Another run holds the directory.
    let out = dir.path().join("out");
    let held = hepkey_output::OutputDir::prepare(&out).unwrap();
    let o = hepkey(&["run", analysis, "-q", "-o", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("another hepkey run is writing"), "{err}");
    drop(held);
    let o = hepkey(&["run", analysis, "-q", "-o", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}
