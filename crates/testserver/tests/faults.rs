//! The server's answers, read with a raw socket so that what a client library would hide
//! (statuses, short bodies, multipart framing) is seen as sent.

use hepkey_testserver::{Fault, TestServer};
use std::io::{Read, Write};
use std::net::TcpStream;

/// Status, headers (lower-cased names) and body of one request.
fn get(
    server: &TestServer,
    path: &str,
    range: Option<&str>,
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let addr = server.base_url().trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(addr).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n");
    if let Some(r) = range {
        req.push_str(&format!("Range: {r}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(all[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, all[split + 4..].to_vec())
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn fixture() -> (tempfile::TempDir, Vec<u8>, TestServer) {
    let dir = tempfile::tempdir().unwrap();
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::create_dir_all(dir.path().join("d")).unwrap();
    std::fs::write(dir.path().join("d/file.bin"), &bytes).unwrap();
    let server = TestServer::serve_dir(dir.path()).unwrap();
    (dir, bytes, server)
}

#[test]
fn whole_files_ranges_and_missing_paths() {
    let (_dir, bytes, server) = fixture();
    let (status, headers, body) = get(&server, "/d/file.bin", None);
    assert_eq!((status, body.as_slice()), (200, bytes.as_slice()));
    assert_eq!(header(&headers, "content-length"), Some("100000"));
    let (status, headers, body) = get(&server, "/d/file.bin", Some("bytes=10-19"));
    assert_eq!((status, body.as_slice()), (206, &bytes[10..20]));
    assert_eq!(
        header(&headers, "content-range"),
        Some("bytes 10-19/100000")
    );
    let (status, _, body) = get(&server, "/d/file.bin", Some("bytes=-3"));
    assert_eq!((status, body.as_slice()), (206, &bytes[99_997..]));
    assert_eq!(get(&server, "/d/missing.bin", None).0, 404);
    assert_eq!(get(&server, "/d/../d/file.bin", None).0, 404);
    assert_eq!(get(&server, "/d/file.bin", Some("bytes=200000-")).0, 416);
    let log = server.log();
    assert_eq!(log.len(), 6);
    assert_eq!((log[1].status, log[1].body_bytes), (206, 10));
}

#[test]
fn several_ranges_come_as_multipart_byteranges() {
    let (_dir, bytes, server) = fixture();
    let (status, headers, body) = get(&server, "/d/file.bin", Some("bytes=0-3,50000-50009"));
    assert_eq!(status, 206);
    let kind = header(&headers, "content-type").unwrap();
    let boundary = kind.split("boundary=").nth(1).unwrap();
    assert_eq!(
        header(&headers, "content-length")
            .unwrap()
            .parse::<usize>()
            .unwrap(),
        body.len()
    );
    let text = String::from_utf8_lossy(&body);
    assert_eq!(text.matches(&format!("--{boundary}")).count(), 3);
    assert!(text.contains("Content-Range: bytes 50000-50009/100000"));
    let second =
        text.find("50000-50009/100000\r\n\r\n").unwrap() + "50000-50009/100000\r\n\r\n".len();
    assert_eq!(&body[second..second + 10], &bytes[50_000..50_010]);
    server.inject("/d/", Fault::NoMultiRange, None);
    let (status, _, body) = get(&server, "/d/file.bin", Some("bytes=0-3,50000-50009"));
    assert_eq!((status, body.len()), (200, bytes.len()));
    assert_eq!(get(&server, "/d/file.bin", Some("bytes=0-3")).0, 206);
}

#[test]
fn faults_happen_the_number_of_times_asked() {
    let (_dir, bytes, server) = fixture();
    server.inject("/d/file.bin", Fault::Status(500), Some(2));
    assert_eq!(get(&server, "/d/file.bin", None).0, 500);
    assert_eq!(get(&server, "/d/file.bin", None).0, 500);
    assert_eq!(get(&server, "/d/file.bin", None).0, 200);

    server.inject("/d/", Fault::DropAfter(1000), Some(1));
    let (status, headers, body) = get(&server, "/d/file.bin", None);
    assert_eq!((status, body.as_slice()), (200, &bytes[..1000]));
    assert_eq!(header(&headers, "content-length"), Some("100000"));

    server.inject("/", Fault::Truncate(10), Some(1));
    let (_, _, body) = get(&server, "/d/file.bin", Some("bytes=0-99"));
    assert_eq!(body.as_slice(), &bytes[..90]);

    server.inject("/", Fault::IgnoreRange, Some(1));
    let (status, _, body) = get(&server, "/d/file.bin", Some("bytes=0-99"));
    assert_eq!((status, body.len()), (200, bytes.len()));

    server.inject("/", Fault::RangeNotSatisfiable, Some(1));
    assert_eq!(get(&server, "/d/file.bin", Some("bytes=0-99")).0, 416);

    server.inject("/", Fault::Corrupt(70_000), Some(1));
    let (_, _, body) = get(&server, "/d/file.bin", None);
    let differing: Vec<usize> = (0..bytes.len()).filter(|&i| body[i] != bytes[i]).collect();
    assert_eq!(differing, [70_000]);

    server.inject(
        "/",
        Fault::Slow(std::time::Duration::from_millis(1)),
        Some(1),
    );
    assert_eq!(get(&server, "/d/file.bin", None).2, bytes);
    assert_eq!(get(&server, "/d/file.bin", None).2, bytes);
}
