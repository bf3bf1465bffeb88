//! `hepkey key build` and `hepkey key verify`: a key runs its examples with its own program and
//! no network, every file is listed and checked, datasets come from the cache or the network
//! verified, and a key that cannot be completed is never left half-made.

use hepkey_testserver::TestServer;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ZPRIME: &str =
    "ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root";
const ZPRIME_DATASET: &str =
    "atlas-2025e/2J2LMET30/mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt";

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .canonicalize()
        .unwrap()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn hepkey(cwd: &Path, args: &[&str], envs: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hepkey"));
    cmd.args(args).current_dir(cwd).env_remove("HEPKEY_CATALOG");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn size_of(dir: &Path) -> u64 {
    let mut total = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        total += if p.is_dir() {
            size_of(&p)
        } else {
            p.metadata().unwrap().len()
        };
    }
    total
}

#[test]
fn a_key_without_datasets_runs_its_examples_offline_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let empty_cache = dir.path().join("no-cache");
    let shared = shared();
    let out = hepkey(
        dir.path(),
        &["key", "build", "usb", "--shared", shared.to_str().unwrap()],
        &[("HEPKEY_CACHE", &empty_cache)],
    );
    assert!(out.status.success(), "{}", text(&out));
    let key = dir.path().join("usb");
    for f in [
        "START-HERE.html",
        "bin/hepkey",
        "docs/README.html",
        "docs/analysis-file.html",
        "docs/catalog.html",
        "examples/zmumu/zmumu.toml",
        "examples/atlas/hzz_2020.toml",
        "example-data/uproot-Zmumu.root",
        "hepkey-key.json",
    ] {
        assert!(key.join(f).is_file(), "{f} missing");
    }
    // No staging folder left beside it.
    let beside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(beside.len(), 1, "{beside:?}");
    // Everything but the program is small; the program is this (debug) build, stripped.
    let program = key.join("bin/hepkey").metadata().unwrap().len();
    assert!(
        size_of(&key) - program < 5_000_000,
        "{}",
        size_of(&key) - program
    );
    let start = std::fs::read_to_string(key.join("START-HERE.html")).unwrap();
    assert!(start.contains("bin/hepkey run examples/zmumu/zmumu.toml -o out/zmumu"));
    assert!(start.contains("href=\"docs/analysis-file.html\""));
    let readme = std::fs::read_to_string(key.join("docs/README.html")).unwrap();
    assert!(
        readme.contains("<h2>Open data: the catalog and verified downloads</h2>"),
        "README rendered"
    );

    // The key's own program runs the example from the key, as the repository's example runs.
    let from_key = Command::new(key.join("bin/hepkey"))
        .args(["run", "examples/zmumu/zmumu.toml", "-o", "out/zmumu"])
        .current_dir(&key)
        .env("HTTP_PROXY", "http://127.0.0.1:9")
        .output()
        .unwrap();
    assert!(from_key.status.success(), "{}", text(&from_key));
    let in_repo = hepkey(
        dir.path(),
        &[
            "run",
            repo().join("examples/zmumu/zmumu.toml").to_str().unwrap(),
            "-o",
            "repo-zmumu",
        ],
        &[],
    );
    assert!(in_repo.status.success(), "{}", text(&in_repo));
    let read = |p: PathBuf| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
    };
    assert_eq!(
        read(key.join("out/zmumu/histograms.json")),
        read(dir.path().join("repo-zmumu/histograms.json"))
    );

    // The page as one file, for a browser without a server.
    let page = std::fs::read_to_string(key.join("hepkey.html")).unwrap();
    assert!(page.contains("WebSampleSet") && !page.contains("src=\"app.js\""));

    let verify = hepkey(dir.path(), &["key", "verify", "usb"], &[]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(
        text(&verify).contains("22 files checked, 0 bad"),
        "{}",
        text(&verify)
    );
    // The outputs written on the key are noted, not errors.
    assert!(
        text(&verify).contains("note: out/zmumu/histograms.json: not in hepkey-key.json"),
        "{}",
        text(&verify)
    );

    let mut doc = std::fs::read(key.join("docs/README.html")).unwrap();
    doc[200] ^= 0x20;
    std::fs::write(key.join("docs/README.html"), &doc).unwrap();
    std::fs::remove_file(key.join("examples/hzz/hzz.toml")).unwrap();
    let verify = hepkey(dir.path(), &["key", "verify", "usb"], &[]);
    assert!(!verify.status.success());
    let t = text(&verify);
    assert!(
        t.contains("BAD  docs/README.html: ")
            && t.contains("BAD  examples/hzz/hzz.toml: missing")
            && t.contains("2 bad"),
        "{t}"
    );
}

#[test]
fn datasets_come_from_the_cache_or_the_network_laid_out_for_the_examples() {
    let dir = tempfile::tempdir().unwrap();
    // In the cache under its shipped-catalog name (the shared file is the portal's file: size
    // and adler32 agree with record 93913), so the key needs no network for it.
    let cache = dir.path().join("cache");
    std::fs::create_dir_all(cache.join(ZPRIME_DATASET)).unwrap();
    std::fs::copy(
        shared().join("data/atlas").join(ZPRIME),
        cache.join(ZPRIME_DATASET).join(ZPRIME),
    )
    .unwrap();
    let out = hepkey(
        dir.path(),
        &[
            "key",
            "build",
            "usb",
            "--datasets",
            ZPRIME_DATASET,
            "--max-size",
            "1MB",
        ],
        &[("HEPKEY_CACHE", &cache)],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("(1 dataset files, 0.2 MB)"),
        "{}",
        text(&out)
    );
    let key = dir.path().join("usb");
    // Where hzz_2025.toml's rewritten ATLAS_2025 points.
    let example = std::fs::read_to_string(key.join("examples/atlas/hzz_2025.toml")).unwrap();
    let line = example
        .lines()
        .find(|l| l.starts_with("ATLAS_2025 = "))
        .unwrap();
    let rel = line.split('"').nth(1).unwrap();
    let placed = key.join("examples/atlas").join(rel).join(ZPRIME);
    assert_eq!(
        std::fs::read(&placed).unwrap(),
        std::fs::read(shared().join("data/atlas").join(ZPRIME)).unwrap()
    );
    let verify = hepkey(&key, &["data", "verify", "datasets"], &[]);
    assert!(
        text(&verify).contains("1 files good, 0 bad"),
        "{}",
        text(&verify)
    );
    let verify = hepkey(dir.path(), &["key", "verify", "usb"], &[]);
    assert!(verify.status.success(), "{}", text(&verify));

    // From the network (a test catalog on 127.0.0.1), with a size limit that is too small first.
    let server = TestServer::serve_dir(shared()).unwrap();
    let catalog = dir.path().join("catalog.json");
    std::fs::write(
        &catalog,
        serde_json::json!({"schema": 1, "group": "t", "title": "t", "datasets": [
            {"name": "t/zprime", "kind": "mc", "files": [{"url": server.url(&format!("data/atlas/{ZPRIME}")), "size": 241444, "adler32": "9c60bd04"}]}]})
        .to_string(),
    )
    .unwrap();
    let empty_cache = dir.path().join("empty");
    let envs = [
        ("HEPKEY_CATALOG", catalog.as_path()),
        ("HEPKEY_CACHE", empty_cache.as_path()),
    ];
    let small = hepkey(
        dir.path(),
        &[
            "key",
            "build",
            "net",
            "--datasets",
            "t",
            "--max-size",
            "200kB",
        ],
        &envs,
    );
    assert!(!small.status.success());
    assert!(
        text(&small).contains("the datasets need 241444 bytes, more than --max-size 200000 bytes"),
        "{}",
        text(&small)
    );
    assert!(!dir.path().join("net").exists());
    let out = hepkey(
        dir.path(),
        &["key", "build", "net", "--datasets", "t"],
        &envs,
    );
    assert!(out.status.success(), "{}", text(&out));
    let port = server.base_url().rsplit(':').next().unwrap().to_string();
    let placed = dir
        .path()
        .join(format!("net/datasets/127.0.0.1_{port}/data/atlas/{ZPRIME}"));
    assert_eq!(
        std::fs::read(&placed).unwrap(),
        std::fs::read(shared().join("data/atlas").join(ZPRIME)).unwrap()
    );

    // A folder that is not empty is refused.
    let again = hepkey(dir.path(), &["key", "build", "net"], &envs);
    assert!(!again.status.success());
    assert!(text(&again).contains("already exists"), "{}", text(&again));
}
