//! `hepkey data …` end to end: a test catalog (HEPKEY_CATALOG) whose files are served by a real
//! HTTP server on 127.0.0.1 from ../shared, a temporary cache (HEPKEY_CACHE), and a portal
//! record API fixture (HEPKEY_PORTAL) for `refresh`.

use hepkey_testserver::{Fault, TestServer};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ZPRIME: &str = "data/atlas/ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root";
const ZPRIME_NAME: &str =
    "ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root";
const DATA_A: &str = "data/atlas/data_A.4lep.root";

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// adler32 from its definition (RFC 1950), independent of hepkey's.
fn adler32(data: &[u8]) -> String {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    format!("{:08x}", (b << 16) | a)
}

struct Env {
    _dir: tempfile::TempDir,
    catalog: PathBuf,
    cache: PathBuf,
    work: PathBuf,
}

/// A catalog of two datasets on `server`; `zprime_sum` is the checksum it claims for the
/// 2025 file (the portal's is 9c60bd04).
fn env(server: &TestServer, zprime_sum: &str) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let a = std::fs::read(shared().join(DATA_A)).unwrap();
    let group = json!({
        "schema": 1, "group": "test", "title": "test files on 127.0.0.1",
        "records": [{"recid": 777, "doi": "10.0/TEST", "title": "Test record", "source": "test fixture"}],
        "datasets": [
            {"name": "test/4lep/data_A", "recid": 777, "kind": "data", "tree": "mini",
             "files": [{"url": server.url(DATA_A), "root_url": "root://eospublic.cern.ch//eos/opendata/test/data_A.4lep.root",
                        "size": a.len(), "adler32": adler32(&a)}]},
            {"name": "test/2J2LMET30/mc_301333.zprime", "recid": 777, "kind": "mc", "tree": "analysis",
             "files": [{"url": server.url(ZPRIME), "root_url": "root://eospublic.cern.ch//eos/opendata/test/zprime.root",
                        "size": 241444, "adler32": zprime_sum}],
             "physics": {"xsec_pb": 0.005084, "kfactor": 1.0, "filter_eff": 1.0, "sum_weights": 30000.0,
                         "source": "the file's own branches"}}
        ]
    });
    let catalog = dir.path().join("catalog");
    std::fs::create_dir_all(&catalog).unwrap();
    std::fs::write(catalog.join("test.json"), group.to_string()).unwrap();
    let cache = dir.path().join("cache");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    Env {
        catalog,
        cache,
        work,
        _dir: dir,
    }
}

fn hepkey(env: &Env, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .current_dir(&env.work)
        .env("HEPKEY_CATALOG", &env.catalog)
        .env("HEPKEY_CACHE", &env.cache)
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn get_into_the_cache_then_again_then_verify() {
    let server = TestServer::serve_dir(shared()).unwrap();
    let env = env(&server, "9c60bd04");
    let out = hepkey(&env, &["data", "get", "test"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("2 downloaded"), "{}", text(&out));
    let z = env
        .cache
        .join("test/2J2LMET30/mc_301333.zprime")
        .join(ZPRIME_NAME);
    assert_eq!(
        std::fs::read(&z).unwrap(),
        std::fs::read(shared().join(ZPRIME)).unwrap()
    );
    let a = env.cache.join("test/4lep/data_A/data_A.4lep.root");
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(shared().join(DATA_A)).unwrap()
    );

    server.clear_log();
    let again = hepkey(&env, &["data", "get", "test/4lep/data_A", "test/2J2LMET30"]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("0 downloaded (0 B), 2 already present"),
        "{}",
        text(&again)
    );
    assert!(server.log().is_empty());

    let info = hepkey(&env, &["data", "info", "test/4lep/data_A"]);
    assert!(text(&info).contains("(cached)"), "{}", text(&info));

    let verify = hepkey(&env, &["data", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(
        text(&verify).contains("2 files good, 0 bad"),
        "{}",
        text(&verify)
    );
    let mut bytes = std::fs::read(&a).unwrap();
    bytes[100] ^= 0x40;
    std::fs::write(&a, &bytes).unwrap();
    let verify = hepkey(&env, &["data", "verify"]);
    assert!(!verify.status.success());
    assert!(
        text(&verify).contains("BAD  test/4lep/data_A/data_A.4lep.root: adler32"),
        "{}",
        text(&verify)
    );
}

#[test]
fn get_into_a_directory_and_a_wrong_checksum() {
    let server = TestServer::serve_dir(shared()).unwrap();
    let env = env(&server, "00000001");
    let out = hepkey(&env, &["data", "get", "test", "-o", "here", "-j", "2"]);
    assert!(!out.status.success());
    let t = text(&out);
    assert!(
        t.contains("does not match the catalog's 00000001") && t.contains("1 of 2 files failed"),
        "{t}"
    );
    let here = env.work.join("here");
    let mut names: Vec<String> = std::fs::read_dir(&here)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(names, ["data_A.4lep.root", "hepkey-manifest.json"]);
    let verify = hepkey(&env, &["data", "verify", "here"]);
    assert!(
        text(&verify).contains("1 files good, 0 bad"),
        "{}",
        text(&verify)
    );
    // Nothing went to the cache.
    assert!(!env.cache.exists());
}

#[test]
fn dropped_connections_and_500s_end_with_the_right_bytes() {
    let server = TestServer::serve_dir(shared()).unwrap();
    let env = env(&server, "9c60bd04");
    server.inject(&format!("/{ZPRIME}"), Fault::DropAfter(50_000), Some(2));
    server.inject(&format!("/{DATA_A}"), Fault::Status(500), Some(1));
    let out = hepkey(&env, &["data", "get", "test", "-o", "d"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read(env.work.join("d").join(ZPRIME_NAME)).unwrap(),
        std::fs::read(shared().join(ZPRIME)).unwrap()
    );
}

#[test]
fn metadata_only_and_unknown_names_are_clear_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["data", "get", "atlas-2024/pp-2016-data"])
        .env("HEPKEY_CACHE", "/nonexistent/never-created")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("listed for reference only"),
        "{}",
        text(&out)
    );
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["data", "info", "atlas-2020/4lep/mc_345060"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("did you mean one of: atlas-2020/4lep/mc_345060.ggH125_ZZ4lep"),
        "{}",
        text(&out)
    );
}

#[test]
fn refresh_reports_what_the_portal_changed_and_writes_a_catalog() {
    let files = tempfile::tempdir().unwrap();
    let a = std::fs::read(shared().join(DATA_A)).unwrap();
    let record = json!({"id": 777, "metadata": {
    "recid": "777", "doi": "10.0/TEST", "title": "Test record, reissued",
    "files": [
        {"uri": "root://eospublic.cern.ch//eos/opendata/test/data_A.4lep.root", "size": a.len(), "checksum": format!("adler32:{}", adler32(&a))},
        {"uri": "root://eospublic.cern.ch//eos/opendata/test/zprime.root", "size": 241445, "checksum": "adler32:0badcafe"},
        {"uri": "root://eospublic.cern.ch//eos/opendata/test/data_B.4lep.root", "size": 10, "checksum": "adler32:00000001"}
    ]}});
    std::fs::create_dir_all(files.path().join("api/records")).unwrap();
    std::fs::write(files.path().join("api/records/777"), record.to_string()).unwrap();
    let portal = TestServer::serve_dir(files.path()).unwrap();
    let data_server = TestServer::serve_dir(shared()).unwrap();
    let env = env(&data_server, "9c60bd04");
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["data", "refresh", "--write", "new-catalog"])
        .current_dir(&env.work)
        .env("HEPKEY_CATALOG", &env.catalog)
        .env("HEPKEY_PORTAL", portal.base_url())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let t = text(&out);
    for line in [
        "record 777: title \"Test record\" → \"Test record, reissued\"".to_string(),
        format!("record 777: {ZPRIME_NAME} size 241444 → 241445"),
        format!("record 777: {ZPRIME_NAME} adler32 9c60bd04 → 0badcafe"),
        "record 777: new file root://eospublic.cern.ch//eos/opendata/test/data_B.4lep.root".into(),
        "1 records checked".into(),
        "4 changes".into(),
    ] {
        assert!(t.contains(&line), "missing {line:?} in\n{t}");
    }
    // The written catalog loads and holds the new numbers.
    let info = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["data", "info", "test/2J2LMET30/mc_301333.zprime", "--json"])
        .env("HEPKEY_CATALOG", env.work.join("new-catalog"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&info.stdout).unwrap();
    assert_eq!(v["files"][0]["adler32"], "0badcafe");
    assert_eq!(v["files"][0]["size"], 241445);

    // Offline: nothing listens on the port of a server that has been dropped.
    let gone = portal.base_url();
    drop(portal);
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["data", "refresh"])
        .env("HEPKEY_CATALOG", &env.catalog)
        .env("HEPKEY_PORTAL", &gone)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("cannot reach the portal") && text(&out).contains("offline"),
        "{}",
        text(&out)
    );
}
