//! Bad input and impossible outputs on the command line (issue #18): each is an error that
//! names the file or option and says what to do, exit status 1, and nothing is written.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// (exit code, stdout, stderr)
fn hepkey<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const WORKSPACE: &str = r#"{
 "channels": [{"name": "SR", "samples": [
   {"name": "sig", "data": [5.0, 3.0], "modifiers": [{"name": "mu", "type": "normfactor", "data": null}]},
   {"name": "bkg", "data": [50.0, 60.0], "modifiers": [{"name": "unc", "type": "shapesys", "data": [5.0, 6.0]}]}]}],
 "observations": [{"name": "SR", "data": [52.0, 63.0]}],
 "measurements": [{"name": "m", "config": {"poi": "mu", "parameters": []}}],
 "version": "1.0.0"
}"#;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn a_self_copying_patch_is_stopped_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let ws = write(dir.path(), "ws.json", WORKSPACE);
    let ops: Vec<String> = (0..40)
        .map(|_| r#"{"op": "copy", "from": "/channels", "path": "/channels/-"}"#.to_string())
        .collect();
    let bomb = write(dir.path(), "bomb.json", &format!("[{}]", ops.join(",")));
    let out = dir.path().join("out.json");
    let (code, _, err) = hepkey(&["patch", &ws, &bomb, "-o", out.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!("patch {bomb}: operation '/")),
        "{err}"
    );
    assert!(
        err.contains("copy to '/channels/-'") && err.contains("64 times"),
        "{err}"
    );
    assert!(!out.exists());
    // The same patch given to a fit (it patches the model part).
    let (code, _, err) = hepkey(&["fit", &ws, "-p", &bomb]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("copy to '/channels/-'"), "{err}");
}

/// A .tar.gz whose member says it holds 3 GB (the data itself left out).
fn lying_archive(path: &Path) {
    let mut header = tar::Header::new_gnu();
    header.set_path("RegionA/BkgOnly.json").unwrap();
    header.set_size(3 << 30);
    header.set_mode(0o644);
    header.set_cksum();
    let mut raw = header.as_bytes().to_vec();
    raw.resize(4096, b' ');
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    std::fs::write(path, gz.finish().unwrap()).unwrap();
}

#[test]
fn an_archive_member_above_the_limit_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("big.tar.gz");
    lying_archive(&archive);
    let member = format!("{}/RegionA/BkgOnly.json", archive.display());
    let (code, _, err) = hepkey(&["inspect-ws", &member]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "{member}: larger than 1073741824 bytes (1024 MiB)"
        )),
        "{err}"
    );
}

#[test]
fn devices_directories_and_fifos_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ws = write(dir.path(), "ws.json", WORKSPACE);
    let (code, _, err) = hepkey(&["inspect-ws", "/dev/zero"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("/dev/zero: is not a regular file (a device, FIFO or socket)"),
        "{err}"
    );
    let (code, _, err) = hepkey(&["fit", &ws, "-p", "/dev/zero"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("/dev/zero: is not a regular file"), "{err}");
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = hepkey(&["sort", d]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains(&format!("{d}: is a directory")), "{err}");
    let binary = dir.path().join("binary.json");
    std::fs::write(&binary, [b'{', 0xff, 0xfe]).unwrap();
    let (code, _, err) = hepkey(&["inspect-ws", binary.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("binary.json: not UTF-8 text (invalid byte at offset 1)"),
        "{err}"
    );
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Opening a FIFO without a writer would block forever: it must not be opened at all.
    let (code, _, err) = hepkey(&[
        "fit",
        &ws,
        "--patchset",
        fifo.to_str().unwrap(),
        "--patch-name",
        "x",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("fifo: is not a regular file"), "{err}");
    let (code, _, err) = hepkey(&[
        "workspace",
        fifo.to_str().unwrap(),
        &ws,
        "-o",
        "/tmp/x.json",
    ]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("fifo: is not a regular file"), "{err}");
}

#[test]
fn outputs_that_cannot_be_written_are_refused_before_the_work() {
    let dir = tempfile::tempdir().unwrap();
    let ws = write(dir.path(), "ws.json", WORKSPACE);
    let d = dir.path().to_str().unwrap();
    let (code, _, err) = hepkey(&["sort", &ws, "-o", d]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "cannot write {d}: it is a directory; give a file name, e.g. {d}/sorted.json"
        )),
        "{err}"
    );
    let missing = dir.path().join("nodir/r.png");
    let (code, out, err) = hepkey(&["ranking", &ws, "-o", missing.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "cannot write {}: the directory {} does not exist (create it first)",
            missing.display(),
            dir.path().join("nodir").display()
        )),
        "{err}"
    );
    assert!(out.is_empty(), "the ranking ran: {out}");
    for cmd in ["prune", "rename", "combine"] {
        let mut args = vec![cmd, &ws];
        if cmd == "combine" {
            args.push(&ws);
        }
        args.extend(["-o", d]);
        let (code, _, err) = hepkey(&args);
        assert_eq!(code, Some(1), "{cmd}: {err}");
        assert!(err.contains("it is a directory"), "{cmd}: {err}");
    }
    let (code, _, err) = hepkey(&["patch", &ws, &ws, "-o", d]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("it is a directory"), "{err}");
    let file = write(dir.path(), "plots", "");
    let (code, _, err) = hepkey(&["fit", &ws, "--plots", &file]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("exists and is not a directory"), "{err}");
}

#[test]
fn the_cls_level_must_be_inside_zero_one() {
    let dir = tempfile::tempdir().unwrap();
    let ws = write(dir.path(), "ws.json", WORKSPACE);
    for level in ["nan", "0", "1", "-0.5", "inf"] {
        let (code, _, err) = hepkey(&["limit", &ws, &format!("--level={level}")]);
        assert_eq!(code, Some(1), "{level}: {err}");
        assert!(
            err.contains("the CLs level must be a number between 0 and 1, both excluded"),
            "{level}: {err}"
        );
    }
}

#[test]
fn a_thread_count_beyond_the_machine_is_refused() {
    let (code, _, err) = hepkey(&["run", "examples/zmumu/zmumu.toml", "--threads", "100000"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("--threads 100000: at most "), "{err}");
    assert!(err.contains("available cores"), "{err}");
}

#[test]
fn negative_shapesys_data_are_refused_with_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let ws = write(
        dir.path(),
        "ws.json",
        &WORKSPACE.replace("[5.0, 6.0]", "[5.0, -6.0]"),
    );
    let (code, _, err) = hepkey(&["fit", &ws]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("channel \"SR\", sample \"bkg\", modifier \"unc\" (shapesys): bin 1 is -6"),
        "{err}"
    );
}

#[test]
fn inspect_stats_fails_after_the_json_when_branches_cannot_be_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = std::fs::read(repo("../shared/data/root/uproot-HZZ.root")).unwrap();
    // Basket data in the middle of the file overwritten: the tree is intact, values are not.
    let n = bytes.len();
    for b in &mut bytes[n / 5..n * 3 / 10] {
        *b = 0x55;
    }
    let bad = dir.path().join("hzz-bad.root");
    std::fs::write(&bad, &bytes).unwrap();
    let path = bad.to_str().unwrap();
    let (code, out, err) = hepkey(&["inspect", path, "--json", "--stats"]);
    assert_eq!(code, Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("the JSON is complete");
    let muon_e = &doc["objects"]["events;1"]["branches"]["Muon_E"];
    assert!(muon_e["unreadable"].is_string(), "{muon_e}");
    assert!(
        err.contains(&format!("{path}: 2 branch(es) could not be read: ")),
        "{err}"
    );
    assert!(err.contains("events;1/Muon_E"), "{err}");
    let (code, out, err) = hepkey(&["inspect", path, "--stats"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("Muon_E"), "{out}");
    assert!(err.contains("2 branch(es) could not be read"), "{err}");
    // Without --stats no values are read, and the listing succeeds.
    let (code, _, err) = hepkey(&["inspect", path, "--json"]);
    assert_eq!(code, Some(0), "{err}");
}
