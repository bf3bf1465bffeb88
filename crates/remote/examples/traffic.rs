//! What reading some branches of a ROOT file over HTTP costs: bytes and requests against the
//! file's size and the branches' own compressed bytes. The file is served by the test server on
//! 127.0.0.1 (the cost in bytes and requests does not depend on the network).
//!
//!     cargo run --release -p hepkey-remote --example traffic -- FILE TREE BRANCH...

use hepkey_remote::{HttpSource, Options};
use hepkey_root::source::ByteSource;
use hepkey_root::{RootFile, Tree};
use std::sync::Arc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, tree, branches @ ..] = args.as_slice() else {
        return Err("usage: traffic FILE TREE BRANCH...".into());
    };
    let path = std::path::Path::new(file);
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let name = path
        .file_name()
        .ok_or("FILE has no name")?
        .to_string_lossy();
    let server = hepkey_testserver::TestServer::serve_dir(dir)?;
    let url = server.url(&name);
    let size = std::fs::metadata(path)?.len();
    let names: Vec<&str> = branches.iter().map(String::as_str).collect();

    let local = Tree::open(&RootFile::open(path)?, tree)?;
    let needed: i64 = names
        .iter()
        .map(|n| local.branch(n).map(|b| b.compressed_bytes()))
        .sum::<Result<_, _>>()?;
    for (label, multi) in [("multi-range", true), ("one range per request", false)] {
        let options = Options {
            ranges_per_request: if multi { 32 } else { 1 },
            ..Options::default()
        };
        let source = Arc::new(HttpSource::open(&url, &url, options)?);
        let file = RootFile::from_source(source.clone() as Arc<dyn ByteSource>)?;
        let remote = Tree::open(&file, tree)?;
        let columns = remote.read_many(&names, 0..remote.entries())?;
        let expected = local.read_many(&names, 0..local.entries())?;
        assert!(columns == expected, "remote and local values differ");
        let t = source.traffic();
        println!(
            "{label}: {} branches of {} entries: {} requests, {:.2} MB fetched = {:.1}% of the file ({:.2} MB); the branches' baskets are {:.2} MB",
            names.len(),
            remote.entries(),
            t.requests,
            t.bytes as f64 / 1e6,
            100.0 * t.bytes as f64 / size as f64,
            size as f64 / 1e6,
            needed as f64 / 1e6
        );
    }
    Ok(())
}
