//! Remote reading from the command line: every shared ROOT file served over HTTP on 127.0.0.1
//! gives the same `inspect --json --stats` as the local file, also when the server misbehaves.

mod support;

use hepkey_testserver::{Fault, TestServer};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::shared;

fn hepkey(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .env("HEPKEY_CACHE", cache)
        .env("HEPKEY_HTTP_RETRIES", "3")
        .env("HEPKEY_HTTP_TIMEOUT", "10")
        .output()
        .unwrap()
}

/// The shared ROOT files, relative to `../shared/data`.
fn shared_root_files() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["root", "atlas"] {
        for e in std::fs::read_dir(shared("data").join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".root") {
                out.push(format!("{dir}/{name}"));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 30, "{out:?}");
    out
}

fn same_output(local: &Output, remote: &Output, what: &str) {
    assert_eq!(
        (local.status.code(), String::from_utf8_lossy(&local.stdout)),
        (
            remote.status.code(),
            String::from_utf8_lossy(&remote.stdout)
        ),
        "{what}: remote stderr: {}",
        String::from_utf8_lossy(&remote.stderr)
    );
}

#[test]
fn every_shared_file_reads_the_same_over_http() {
    let data: PathBuf = shared("data");
    let server = TestServer::serve_dir(&data).unwrap();
    let cache = tempfile::tempdir().unwrap();
    for rel in shared_root_files() {
        let local = hepkey(
            &[
                "inspect",
                "--json",
                "--stats",
                data.join(&rel).to_str().unwrap(),
            ],
            cache.path(),
        );
        let remote = hepkey(
            &["inspect", "--json", "--stats", &server.url(&rel)],
            cache.path(),
        );
        same_output(&local, &remote, &rel);
    }
    // A second pass reads from the block cache: no request at all.
    server.clear_log();
    let rel = "root/nanoAOD_2015_CMS_Open_Data_ttbar.root";
    let again = hepkey(
        &["inspect", "--json", "--stats", &server.url(rel)],
        cache.path(),
    );
    assert!(again.status.success());
    assert_eq!(server.log(), []);
}

#[test]
fn a_misbehaving_server_still_gives_the_right_values_or_a_clear_error() {
    let data: PathBuf = shared("data");
    let server = TestServer::serve_dir(&data).unwrap();
    let rel = "root/nanoAOD_2015_CMS_Open_Data_ttbar.root";
    let path = format!("/{rel}");
    let local = hepkey(
        &[
            "inspect",
            "--json",
            "--stats",
            data.join(rel).to_str().unwrap(),
        ],
        Path::new("/nonexistent"),
    );
    let faults = [
        (Fault::DropAfter(5000), Some(2)),
        (Fault::Status(500), Some(2)),
        (Fault::Status(503), Some(1)),
        (Fault::Truncate(100), Some(2)),
        (Fault::NoMultiRange, None),
        (Fault::IgnoreRange, None),
        (Fault::Slow(std::time::Duration::from_millis(2)), None),
    ];
    for (fault, times) in faults {
        server.clear_faults();
        server.clear_log();
        server.inject(&path, fault.clone(), times);
        let cache = tempfile::tempdir().unwrap();
        let remote = hepkey(
            &["inspect", "--json", "--stats", &server.url(rel)],
            cache.path(),
        );
        same_output(&local, &remote, &format!("{fault:?}"));
        if fault == Fault::NoMultiRange {
            // Once the server is seen not to do multi-range, one range per request.
            assert!(server
                .log()
                .iter()
                .all(|r| r.status == 206 || r.status == 200));
        }
    }
    // Faults that do not go away end in an error naming the file, not in wrong values.
    for (fault, expect) in [
        (Fault::Status(500), "gave up after 4 attempts"),
        (Fault::RangeNotSatisfiable, "416"),
        (Fault::Status(404), "not found"),
        (Fault::DropAfter(10), "gave up"),
    ] {
        server.clear_faults();
        server.inject(&path, fault.clone(), None);
        let cache = tempfile::tempdir().unwrap();
        let out = hepkey(&["inspect", "--json", &server.url(rel)], cache.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{fault:?}");
        assert!(
            err.contains(&server.url(rel)) && err.contains(expect),
            "{fault:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn only_the_portal_s_root_names_are_mapped() {
    let cache = tempfile::tempdir().unwrap();
    let out = hepkey(
        &["inspect", "root://xrootd.example.org//store/file.root"],
        cache.path(),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("eospublic.cern.ch") && err.contains("xrootd.example.org"),
        "{err}"
    );
}

#[test]
fn only_the_baskets_needed_are_fetched() {
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    let generated = hepkey(
        &[
            "generate",
            "zll",
            "-q",
            "--events",
            "200000",
            "-o",
            release.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    let rel = "2lep/Data/data_A.2lep.root";
    let size = std::fs::metadata(release.join(rel)).unwrap().len();
    let server = TestServer::serve_dir(&release).unwrap();
    let args = |file: &str| {
        [
            "scan".to_string(),
            format!("{file}:mini"),
            "-b".into(),
            "lep_n,lep_pt".into(),
            "-n".into(),
            "5".into(),
            "--start".into(),
            "30000".into(),
        ]
    };
    let run = |file: &str, cache: &Path| {
        let a = args(file);
        hepkey(&a.iter().map(String::as_str).collect::<Vec<_>>(), cache)
    };
    let cache = tempfile::tempdir().unwrap();
    let local = run(release.join(rel).to_str().unwrap(), cache.path());
    let remote = run(&server.url(rel), cache.path());
    same_output(&local, &remote, rel);
    let fetched: u64 = server.log().iter().map(|r| r.body_bytes).sum();
    // The keys, the tree's metadata and one basket of each of two branches, of a file of many.
    assert!(
        fetched * 5 < size,
        "{fetched} bytes fetched of a file of {size} bytes for 5 entries of 2 branches"
    );
}

/// `hepkey run` on an analysis whose input is a URL: the H → ZZ → 4ℓ example (jagged lepton
/// branches) on its file served over HTTP gives the bytes of the run on the local file, also when
/// the connection drops; provenance names the URL and its size.
#[test]
fn an_analysis_reads_its_inputs_over_http() {
    let data: PathBuf = shared("data");
    let server = TestServer::serve_dir(&data).unwrap();
    let rel = "root/uproot-HZZ.root";
    let dir = tempfile::tempdir().unwrap();
    let analysis = dir.path().join("hzz.toml");
    let text = std::fs::read_to_string(support::repo("examples/hzz/hzz.toml")).unwrap();
    let local_line = "files = [\"../../../shared/data/root/uproot-HZZ.root\"]";
    assert!(text.contains(local_line));
    std::fs::write(
        &analysis,
        text.replace(local_line, "files = [\"${INPUT}\"]"),
    )
    .unwrap();
    let run_with = |input: &str, out: &str, cache: &Path, catalog: Option<&Path>| {
        let out = dir.path().join(out);
        let mut command = Command::new(env!("CARGO_BIN_EXE_hepkey"));
        if let Some(catalog) = catalog {
            command.env("HEPKEY_CATALOG", catalog);
        }
        let o = command
            .arg("run")
            .arg(&analysis)
            .args(["--set", &format!("INPUT={input}"), "-q", "--no-plots", "-o"])
            .arg(&out)
            .env("HEPKEY_CACHE", cache)
            .env("HEPKEY_HTTP_RETRIES", "3")
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        out
    };
    let run = |input: &str, out: &str, cache: &Path| run_with(input, out, cache, None);
    let local = run(data.join(rel).to_str().unwrap(), "local", dir.path());
    let histograms: serde_json::Value =
        serde_json::from_slice(&std::fs::read(local.join("histograms.json")).unwrap()).unwrap();
    let entries: u64 = histograms
        .as_object()
        .unwrap()
        .values()
        .map(|h| h["entries"].as_u64().unwrap())
        .sum();
    assert!(entries > 0, "the comparison needs filled histograms");
    let same = |remote: &Path, what: &str| {
        for f in ["histograms.json", "histograms.root", "cutflow.json"] {
            assert!(
                std::fs::read(local.join(f)).unwrap() == std::fs::read(remote.join(f)).unwrap(),
                "{what}: {f} differs from the local run's"
            );
        }
    };
    let cache = tempfile::tempdir().unwrap();
    let remote = run(&server.url(rel), "remote", cache.path());
    same(&remote, "over HTTP");
    let fetched: u64 = server.log().iter().map(|r| r.body_bytes).sum();
    assert!(fetched > 0, "nothing was fetched");

    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(remote.join("provenance.json")).unwrap()).unwrap();
    let input = &provenance["inputs"][0];
    assert_eq!(input["path"], server.url(rel).as_str());
    let size = std::fs::metadata(data.join(rel)).unwrap().len();
    assert_eq!(input["size"], size);
    // Not in the catalog, and not read through for a checksum: unknown.
    assert_eq!(input["adler32"], "");
    // In the catalog: the catalog's checksum, which is the local file's.
    let local_provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(local.join("provenance.json")).unwrap()).unwrap();
    let adler32 = local_provenance["inputs"][0]["adler32"].as_str().unwrap();
    assert_eq!(adler32.len(), 8);
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        serde_json::json!({"schema": 1, "group": "test", "title": "t", "datasets": [
            {"name": "test/hzz", "kind": "mc", "tree": "events",
             "files": [{"url": server.url(rel), "size": size, "adler32": adler32}]}]})
        .to_string(),
    )
    .unwrap();
    let listed = run_with(&server.url(rel), "listed", cache.path(), Some(&catalog));
    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(listed.join("provenance.json")).unwrap()).unwrap();
    assert_eq!(provenance["inputs"][0]["adler32"], adler32);

    // A dropped connection, with an empty block cache.
    server.inject(&format!("/{rel}"), Fault::DropAfter(5000), Some(2));
    let cache = tempfile::tempdir().unwrap();
    let dropped = run(&server.url(rel), "dropped", cache.path());
    same(&dropped, "after dropped connections");

    // A pattern cannot be a URL.
    let o = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("run")
        .arg(&analysis)
        .args([
            "--set",
            &format!("INPUT={}", server.url("root/*.root")),
            "-o",
        ])
        .arg(dir.path().join("pattern"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(err.contains("a URL cannot hold a file pattern"), "{err}");
}
