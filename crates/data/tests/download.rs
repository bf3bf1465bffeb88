//! Downloads from a real HTTP server on 127.0.0.1 (hepkey-testserver) serving the real files of
//! ../shared, with the faults real networks have. Each case ends with the exact bytes of the
//! source file, or with a clear error and no file (in the cache or in -o DIR) but the good ones.

use hepkey_data::cache::{resolve_in, Layout, Manifest};
use hepkey_data::download::{self, part_path, Job, Options};
use hepkey_data::verify::{verify_dir, Problem};
use hepkey_data::Catalog;
use hepkey_testserver::{Fault, TestServer};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ZPRIME: &str = "data/atlas/ODEO_FEB2025_v0_2J2LMET30_mc_301333.Pythia8EvtGen_A14NNPDF23LO_zprime3000_tt.2J2LMET30.root";
const DATA_A: &str = "data/atlas/data_A.4lep.root";
const DATA_B: &str = "data/atlas/data_B.4lep.root";
const HZZ: &str = "data/root/uproot-HZZ.root";

fn shared() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).to_path_buf()
}

fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(shared().join(rel)).unwrap()
}

/// A test catalog whose `test/<name>` datasets are the given shared files on `server`.
/// The 2025 file's size and adler32 are the portal's (record 93913), independent of hepkey;
/// the others are measured here with the standard definition (zlib's adler32 = 1 + Σ…).
fn catalog(server: &TestServer, files: &[(&str, &str, Option<&str>)]) -> Catalog {
    let datasets: Vec<_> = files
        .iter()
        .map(|(name, rel, adler)| {
            let size = bytes(rel).len();
            let sum = adler
                .map(str::to_string)
                .unwrap_or_else(|| format!("{:08x}", adler32_reference(&bytes(rel))));
            json!({"name": format!("test/{name}"), "kind": "mc", "tree": "mini",
                   "files": [{"url": server.url(rel), "size": size, "adler32": sum}]})
        })
        .collect();
    let group = json!({"schema": 1, "group": "test", "title": "test", "datasets": datasets});
    Catalog::from_groups(vec![serde_json::from_value(group).unwrap()], "test").unwrap()
}

/// adler32 straight from its definition (RFC 1950 §9), independent of the crate's SIMD one.
fn adler32_reference(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn quick() -> Options {
    Options {
        parallel: 3,
        attempts: 4,
        backoff: Duration::from_millis(5),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(10),
        progress: false,
    }
}

fn jobs(catalog: &Catalog, names: &[&str], dir: &Path, layout: Layout) -> Vec<Job> {
    let datasets: Vec<_> = names.iter().map(|n| catalog.get(n).unwrap()).collect();
    download::plan(&datasets, dir, layout, None).unwrap()
}

fn server() -> TestServer {
    TestServer::serve_dir(shared()).unwrap()
}

/// The server's log once it holds at least `n` requests: the server logs a request after
/// closing its connection, which can be a moment after the client has read the answer.
fn log_of(server: &TestServer, n: usize) -> Vec<hepkey_testserver::Request> {
    for _ in 0..500 {
        let log = server.log();
        if log.len() >= n {
            return log;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    server.log()
}

fn gets_of(server: &TestServer, rel: &str, n: usize) -> Vec<(Option<String>, u16, u64)> {
    log_of(server, n)
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == format!("/{rel}"))
        .map(|r| (r.range, r.status, r.body_bytes))
        .collect()
}

/// Only the files of `expected` (and the manifest) are in `dir`: no part, no stray file.
fn only_files(dir: &Path, expected: &[&str]) {
    let mut found: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| {
            p.strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .filter(|p| p != "hepkey-manifest.json" && p != ".hepkey-manifest.lock")
        .collect();
    found.sort();
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(found, expected);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn parallel_get_then_second_get_transfers_nothing() {
    let server = server();
    let cat = catalog(
        &server,
        &[
            ("zprime", ZPRIME, Some("9c60bd04")),
            ("a", DATA_A, None),
            ("hzz", HZZ, None),
        ],
    );
    let cache = tempfile::tempdir().unwrap();
    let names = ["test/zprime", "test/a", "test/hzz"];
    let first = download::run(
        jobs(&cat, &names, cache.path(), Layout::ByDataset),
        &quick(),
    );
    assert!(first.failed.is_empty(), "{:?}", first.failed);
    assert_eq!(
        (first.downloaded, first.present, first.unverified),
        (3, 0, 0)
    );
    let total: usize = [ZPRIME, DATA_A, HZZ].iter().map(|r| bytes(r).len()).sum();
    assert_eq!(first.bytes as usize, total);
    for (name, rel) in names.iter().zip([ZPRIME, DATA_A, HZZ]) {
        let paths = resolve_in(cache.path(), cat.get(name).unwrap()).unwrap();
        assert_eq!(std::fs::read(&paths[0]).unwrap(), bytes(rel), "{name}");
    }
    let manifest = Manifest::read(cache.path()).unwrap();
    assert_eq!(manifest.files.len(), 3);
    let z = manifest
        .entry(&format!(
            "test/zprime/{}",
            ZPRIME.rsplit('/').next().unwrap()
        ))
        .unwrap();
    assert_eq!(
        (z.size, z.adler32.as_str(), z.verified),
        (241444, "9c60bd04", true)
    );
    assert_eq!(z.url, server.url(ZPRIME));

    server.clear_log();
    let second = download::run(
        jobs(&cat, &names, cache.path(), Layout::ByDataset),
        &quick(),
    );
    assert!(second.failed.is_empty());
    assert_eq!((second.downloaded, second.present, second.bytes), (0, 3, 0));
    assert!(server.log().is_empty(), "{:?}", server.log());

    let report = verify_dir(cache.path(), |_| {}).unwrap();
    assert_eq!((report.good.len(), report.bad.len()), (3, 0));
}

#[test]
fn dropped_connection_is_resumed_with_a_range() {
    let server = server();
    let cat = catalog(&server, &[("zprime", ZPRIME, Some("9c60bd04"))]);
    server.inject(&format!("/{ZPRIME}"), Fault::DropAfter(100_000), Some(2));
    let cache = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/zprime"], cache.path(), Layout::ByDataset),
        &quick(),
    );
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let gets = gets_of(&server, ZPRIME, 3);
    // 0-…: 100 000 bytes, then from 100 000: 100 000 more, then the rest from 200 000.
    assert_eq!(gets.len(), 3, "{gets:?}");
    assert_eq!(gets[0].0, None);
    assert_eq!(gets[1].0.as_deref(), Some("bytes=100000-"));
    assert_eq!(gets[2].0.as_deref(), Some("bytes=200000-"));
    assert_eq!(gets[2].1, 206);
    assert_eq!(s.bytes, 241444, "each byte crossed the network once");
    let got = std::fs::read(&resolve_in(cache.path(), cat.get("test/zprime").unwrap()).unwrap()[0])
        .unwrap();
    assert_eq!(got, bytes(ZPRIME));
}

#[test]
fn server_errors_then_success() {
    let server = server();
    let cat = catalog(&server, &[("a", DATA_A, None)]);
    server.inject(&format!("/{DATA_A}"), Fault::Status(500), Some(2));
    let cache = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/a"], cache.path(), Layout::ByDataset),
        &quick(),
    );
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let statuses: Vec<u16> = gets_of(&server, DATA_A, 3).iter().map(|g| g.1).collect();
    assert_eq!(statuses, [500, 500, 200]);
    only_files(cache.path(), &["test/a/data_A.4lep.root"]);
    assert_eq!(
        std::fs::read(cache.path().join("test/a/data_A.4lep.root")).unwrap(),
        bytes(DATA_A)
    );
}

#[test]
fn server_error_that_persists_is_a_clear_error_and_leaves_no_file() {
    let server = server();
    let cat = catalog(&server, &[("a", DATA_A, None)]);
    server.inject(&format!("/{DATA_A}"), Fault::Status(503), None);
    let cache = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/a"], cache.path(), Layout::ByDataset),
        &quick(),
    );
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].1.contains("HTTP 503") && s.failed[0].1.contains("gave up after 4 attempts"),
        "{}",
        s.failed[0].1
    );
    assert_eq!(gets_of(&server, DATA_A, 4).len(), 4);
    only_files(cache.path(), &[]);
    let err = resolve_in(cache.path(), cat.get("test/a").unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("run `hepkey data get test/a`"), "{err}");
}

#[test]
fn not_found_is_not_retried() {
    let server = server();
    let mut cat = catalog(&server, &[("a", DATA_A, None)]);
    cat.groups[0].datasets[0].files[0].url = server.url("data/atlas/no-such-file.root");
    let cat = Catalog::from_groups(cat.groups, "test").unwrap();
    let out = tempfile::tempdir().unwrap();
    let s = download::run(jobs(&cat, &["test/a"], out.path(), Layout::Flat), &quick());
    assert_eq!(s.failed.len(), 1);
    assert!(s.failed[0].1.contains("HTTP 404"), "{}", s.failed[0].1);
    assert_eq!(log_of(&server, 1).len(), 1);
    only_files(out.path(), &[]);
}

#[test]
fn range_not_satisfiable_on_a_stale_part_restarts_from_zero() {
    let server = server();
    let cat = catalog(&server, &[("b", DATA_B, None)]);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("data_B.4lep.root");
    // A part left by an earlier run of another version of the file.
    std::fs::write(part_path(&target), vec![0xAB; 5000]).unwrap();
    server.inject(&format!("/{DATA_B}"), Fault::RangeNotSatisfiable, Some(1));
    let s = download::run(jobs(&cat, &["test/b"], out.path(), Layout::Flat), &quick());
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let gets = gets_of(&server, DATA_B, 2);
    assert_eq!(
        gets.iter().map(|g| (g.0.clone(), g.1)).collect::<Vec<_>>(),
        [(Some("bytes=5000-".to_string()), 416), (None, 200)]
    );
    assert_eq!(std::fs::read(&target).unwrap(), bytes(DATA_B));
    only_files(out.path(), &["data_B.4lep.root"]);
}

#[test]
fn server_ignoring_range_restarts_from_zero_correctly() {
    let server = server();
    let cat = catalog(&server, &[("zprime", ZPRIME, Some("9c60bd04"))]);
    server.inject(&format!("/{ZPRIME}"), Fault::DropAfter(70_000), Some(1));
    server.inject(&format!("/{ZPRIME}"), Fault::IgnoreRange, None);
    let out = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/zprime"], out.path(), Layout::Flat),
        &quick(),
    );
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let gets = gets_of(&server, ZPRIME, 2);
    assert_eq!(gets.len(), 2);
    assert_eq!(
        (gets[1].0.as_deref(), gets[1].1),
        (Some("bytes=70000-"), 200)
    );
    assert_eq!(
        std::fs::read(out.path().join(ZPRIME.rsplit('/').next().unwrap())).unwrap(),
        bytes(ZPRIME)
    );
}

#[test]
fn truncated_body_is_completed() {
    let server = server();
    let cat = catalog(&server, &[("hzz", HZZ, None)]);
    server.inject(&format!("/{HZZ}"), Fault::Truncate(1000), Some(1));
    let out = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/hzz"], out.path(), Layout::Flat),
        &quick(),
    );
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    let size = bytes(HZZ).len();
    let gets = gets_of(&server, HZZ, 2);
    assert_eq!(gets.len(), 2, "{gets:?}");
    assert_eq!(gets[1].0, Some(format!("bytes={}-", size - 1000)));
    assert_eq!(gets[1].2, 1000);
    assert_eq!(
        std::fs::read(out.path().join("uproot-HZZ.root")).unwrap(),
        bytes(HZZ)
    );
}

#[test]
fn wrong_checksum_is_an_error_and_leaves_nothing() {
    let server = server();
    // The real file, but the catalog's checksum is not its checksum.
    let cat = catalog(
        &server,
        &[("zprime", ZPRIME, Some("9c60bd05")), ("a", DATA_A, None)],
    );
    for layout in [Layout::ByDataset, Layout::Flat] {
        let dir = tempfile::tempdir().unwrap();
        let s = download::run(
            jobs(&cat, &["test/zprime", "test/a"], dir.path(), layout),
            &quick(),
        );
        assert_eq!(s.failed.len(), 1, "{layout:?}");
        let message = &s.failed[0].1;
        assert!(
            message.contains("adler32 9c60bd04 does not match the catalog's 9c60bd05"),
            "{message}"
        );
        // The good file is there; of the bad one nothing, not even a part.
        let a = if layout == Layout::Flat {
            "data_A.4lep.root"
        } else {
            "test/a/data_A.4lep.root"
        };
        only_files(dir.path(), &[a]);
        let m = Manifest::read(dir.path()).unwrap();
        assert_eq!(m.files.len(), 1);
    }
}

#[test]
fn corrupted_bytes_are_fetched_again_once_and_persistent_corruption_is_an_error() {
    let server = server();
    let cat = catalog(&server, &[("zprime", ZPRIME, Some("9c60bd04"))]);
    server.inject(&format!("/{ZPRIME}"), Fault::Corrupt(123_456), Some(1));
    let out = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/zprime"], out.path(), Layout::Flat),
        &quick(),
    );
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    assert_eq!(gets_of(&server, ZPRIME, 2).len(), 2);
    let name = ZPRIME.rsplit('/').next().unwrap();
    assert_eq!(std::fs::read(out.path().join(name)).unwrap(), bytes(ZPRIME));

    server.clear_log();
    server.inject(&format!("/{ZPRIME}"), Fault::Corrupt(5), None);
    let out = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/zprime"], out.path(), Layout::Flat),
        &quick(),
    );
    assert_eq!(s.failed.len(), 1);
    assert!(
        s.failed[0].1.contains("does not match"),
        "{}",
        s.failed[0].1
    );
    assert_eq!(gets_of(&server, ZPRIME, 2).len(), 2);
    only_files(out.path(), &[]);
}

#[test]
fn slow_server_times_out_with_a_clear_error_and_a_patient_client_completes() {
    let server = server();
    let cat = catalog(&server, &[("b", DATA_B, None)]);
    server.inject(
        &format!("/{DATA_B}"),
        Fault::Slow(Duration::from_millis(400)),
        None,
    );
    let out = tempfile::tempdir().unwrap();
    let impatient = Options {
        read_timeout: Duration::from_millis(100),
        attempts: 2,
        ..quick()
    };
    let s = download::run(
        jobs(&cat, &["test/b"], out.path(), Layout::Flat),
        &impatient,
    );
    assert_eq!(s.failed.len(), 1);
    let message = &s.failed[0].1;
    assert!(
        message.to_lowercase().contains("timed out") || message.contains("timeout"),
        "{message}"
    );
    assert!(!out.path().join("data_B.4lep.root").exists());

    server.clear_faults();
    server.inject(
        &format!("/{DATA_B}"),
        Fault::Slow(Duration::from_millis(20)),
        None,
    );
    let s = download::run(jobs(&cat, &["test/b"], out.path(), Layout::Flat), &quick());
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    assert_eq!(
        std::fs::read(out.path().join("data_B.4lep.root")).unwrap(),
        bytes(DATA_B)
    );
    only_files(out.path(), &["data_B.4lep.root"]);
}

#[test]
fn verify_finds_a_changed_byte_and_a_missing_file() {
    let server = server();
    let cat = catalog(&server, &[("a", DATA_A, None), ("b", DATA_B, None)]);
    let out = tempfile::tempdir().unwrap();
    let s = download::run(
        jobs(&cat, &["test/a", "test/b"], out.path(), Layout::Flat),
        &quick(),
    );
    assert!(s.failed.is_empty());
    let a = out.path().join("data_A.4lep.root");
    let mut data = std::fs::read(&a).unwrap();
    data[1000] ^= 1;
    std::fs::write(&a, &data).unwrap();
    std::fs::remove_file(out.path().join("data_B.4lep.root")).unwrap();
    let report = verify_dir(out.path(), |_| {}).unwrap();
    assert!(report.good.is_empty());
    let problems: Vec<(String, Problem)> =
        report.bad.into_iter().map(|(e, p)| (e.path, p)).collect();
    let expected_a = format!("{:08x}", adler32_reference(&bytes(DATA_A)));
    let found_a = format!("{:08x}", adler32_reference(&data));
    assert_eq!(
        problems,
        [
            (
                "data_A.4lep.root".to_string(),
                Problem::Checksum {
                    expected: expected_a,
                    found: found_a
                }
            ),
            ("data_B.4lep.root".to_string(), Problem::Missing),
        ]
    );
    // A get repairs it: the changed file is fetched again, atomically.
    let s = download::run(
        jobs(&cat, &["test/a", "test/b"], out.path(), Layout::Flat),
        &quick(),
    );
    assert_eq!((s.downloaded, s.present), (2, 0));
    assert_eq!(verify_dir(out.path(), |_| {}).unwrap().bad.len(), 0);
}

#[test]
fn files_laid_out_by_hand_are_recognised_not_fetched() {
    let server = server();
    let cat = catalog(&server, &[("zprime", ZPRIME, Some("9c60bd04"))]);
    let out = tempfile::tempdir().unwrap();
    let name = ZPRIME.rsplit('/').next().unwrap();
    std::fs::copy(shared().join(ZPRIME), out.path().join(name)).unwrap();
    let s = download::run(
        jobs(&cat, &["test/zprime"], out.path(), Layout::Flat),
        &quick(),
    );
    assert_eq!((s.downloaded, s.present), (0, 1));
    assert!(server.log().is_empty());
    assert_eq!(Manifest::read(out.path()).unwrap().files.len(), 1);
}

#[test]
fn files_pattern_and_metadata_only_datasets() {
    let cat = Catalog::shipped().unwrap();
    let dir = Path::new("/nonexistent");
    let all = cat.select("atlas-2020/4lep").unwrap();
    let data = download::plan(&all, dir, Layout::ByDataset, Some("data_*")).unwrap();
    let names: Vec<String> = data.iter().map(|j| j.file.file_name()).collect();
    assert_eq!(
        names,
        [
            "data_A.4lep.root",
            "data_B.4lep.root",
            "data_C.4lep.root",
            "data_D.4lep.root"
        ]
    );
    let physlite = cat.select("atlas-2024").unwrap();
    let err = download::plan(&physlite, dir, Layout::ByDataset, None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("listed for reference only"), "{err}");
}
