//! A real server on 127.0.0.1 over a temporary directory: the page, files, byte ranges, and every way out
//! of the directory refused.

use hepkey_serve::files::SharedDir;
use hepkey_serve::Server;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};

struct Response {
    status: u16,
    headers: String,
    body: Vec<u8>,
}

fn get(addr: SocketAddr, target: &str, extra: &str) -> Response {
    request(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: x\r\n{extra}\r\n"),
    )
}

fn request(addr: SocketAddr, text: &str) -> Response {
    let mut s = TcpStream::connect(addr).unwrap();
    s.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a head");
    let headers = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = headers[9..12].parse().unwrap();
    Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

fn start(dir: &std::path::Path) -> SocketAddr {
    let server = Server::bind("127.0.0.1:0", Some(SharedDir::new(dir).unwrap())).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    addr
}

fn setup() -> (tempfile::TempDir, tempfile::TempDir, SocketAddr) {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.root"), b"do not serve").unwrap();
    let shared = tempfile::tempdir().unwrap();
    std::fs::create_dir(shared.path().join("sub")).unwrap();
    let data: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    std::fs::write(shared.path().join("sub/data.root"), &data).unwrap();
    std::fs::write(shared.path().join("a b.root"), b"spaced").unwrap();
    // Analysis files are listed too (the page's sample sets); other files are not.
    std::fs::write(
        shared.path().join("sub/zll.toml"),
        b"[analysis]\nname = \"z\"\n\n[[samples]]\nname = \"data\"\n",
    )
    .unwrap();
    std::fs::write(shared.path().join("notes.txt"), b"not listed").unwrap();
    std::fs::write(
        shared.path().join("Cargo.toml"),
        b"[package]\nname = \"x\"\n",
    )
    .unwrap();
    std::fs::write(shared.path().join("notes.txt"), b"text").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            outside.path().join("secret.root"),
            shared.path().join("link.root"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), shared.path().join("outdir")).unwrap();
        std::os::unix::fs::symlink(
            shared.path().join("sub/data.root"),
            shared.path().join("inside.root"),
        )
        .unwrap();
    }
    let addr = start(shared.path());
    (shared, outside, addr)
}

#[test]
fn serves_the_embedded_page() {
    let (_shared, _outside, addr) = setup();
    let index = get(addr, "/", "");
    assert_eq!(index.status, 200);
    assert!(
        String::from_utf8_lossy(&index.body).contains("<script type=\"module\" src=\"app.js\">")
    );
    assert!(index
        .headers
        .contains("Content-Security-Policy: default-src 'self'"));
    let wasm = get(addr, "/pkg/hepkey_web_bg.wasm", "");
    assert_eq!(wasm.status, 200);
    assert!(wasm.headers.contains("Content-Type: application/wasm"));
    assert_eq!(&wasm.body[..4], b"\0asm");
    assert_eq!(get(addr, "/nothing.js", "").status, 404);
}

#[test]
fn lists_and_serves_files_with_ranges() {
    let (_shared, _outside, addr) = setup();
    let list: serde_json::Value = serde_json::from_slice(&get(addr, "/files/", "").body).unwrap();
    let paths: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // Sorted; .txt files, symlinks leading out and their targets are not listed.
    if cfg!(unix) {
        assert_eq!(
            paths,
            ["a b.root", "inside.root", "sub/data.root", "sub/zll.toml"]
        );
    }
    assert_eq!(list[2]["size"], 10_000);

    let whole = get(addr, "/files/sub/data.root", "");
    assert_eq!(whole.status, 200);
    assert_eq!(whole.body.len(), 10_000);
    assert_eq!(get(addr, "/files/a%20b.root", "").body, b"spaced");

    let part = get(addr, "/files/sub/data.root", "Range: bytes=256-259\r\n");
    assert_eq!(part.status, 206);
    assert!(
        part.headers.contains("Content-Range: bytes 256-259/10000"),
        "{}",
        part.headers
    );
    assert_eq!(part.body, [0, 1, 2, 3]);
    let tail = get(addr, "/files/sub/data.root", "Range: bytes=-2\r\n");
    assert_eq!(tail.body, [(9998 % 256) as u8, (9999 % 256) as u8]);
    let past = get(addr, "/files/sub/data.root", "Range: bytes=10000-\r\n");
    assert_eq!(past.status, 416);
    assert!(past.headers.contains("Content-Range: bytes */10000"));

    let head = request(addr, "HEAD /files/sub/data.root HTTP/1.1\r\n\r\n");
    assert!(head.headers.contains("Content-Length: 10000"));
    assert!(head.body.is_empty());
    assert_eq!(
        request(
            addr,
            "PUT /files/x.root HTTP/1.1\r\nContent-Length: 0\r\n\r\n"
        )
        .status,
        405
    );
}

#[test]
fn nothing_outside_the_directory() {
    let (_shared, outside, addr) = setup();
    let secret = outside.path().join("secret.root");
    let absolute = secret.display().to_string();
    for target in [
        "/files/../secret.root".to_string(),
        "/files/sub/../../secret.root".to_string(),
        "/files/%2e%2e/secret.root".to_string(),
        "/files/sub/%2E%2E/%2E%2E/secret.root".to_string(),
        format!("/files/{absolute}"),
        format!("/files/{}", absolute.replace('/', "%2F")),
        "/files/sub\\..\\..\\secret.root".to_string(),
        "/files/sub/data.root%00.txt".to_string(),
        "/files/./sub/data.root".to_string(),
    ] {
        let r = get(addr, &target, "");
        assert_eq!(r.status, 403, "{target}");
        assert!(!r.body.starts_with(b"do not serve"), "{target}");
    }
    if cfg!(unix) {
        assert_eq!(get(addr, "/files/link.root", "").status, 403);
        assert_eq!(get(addr, "/files/outdir/secret.root", "").status, 403);
        // A symlink that stays inside is fine.
        assert_eq!(get(addr, "/files/inside.root", "").body.len(), 10_000);
    }
    assert_eq!(get(addr, "/files/missing.root", "").status, 404);
    assert_eq!(get(addr, "/files/sub", "").status, 404);
    // Garbage instead of HTTP.
    assert_eq!(request(addr, "hello\r\n\r\n").status, 400);
}
