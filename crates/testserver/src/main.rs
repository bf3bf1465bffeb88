//! `hepkey-testserver DIR`: serves DIR on 127.0.0.1 until killed (for benchmarks and trying a
//! reader by hand); prints the base URL, then one line per request.

fn main() {
    let Some(dir) = std::env::args_os().nth(1) else {
        eprintln!("usage: hepkey-testserver DIR");
        std::process::exit(2);
    };
    let server = match hepkey_testserver::TestServer::serve_dir(&dir) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("hepkey-testserver: cannot listen on 127.0.0.1: {e}");
            std::process::exit(1);
        }
    };
    println!("{}", server.base_url());
    let mut seen = 0;
    loop {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let log = server.log();
        for r in &log[seen..] {
            println!(
                "{} {} {:?} -> {} ({} bytes)",
                r.method, r.path, r.range, r.status, r.body_bytes
            );
        }
        seen = log.len();
    }
}
