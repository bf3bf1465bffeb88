//! A real HTTP/1.1 server on 127.0.0.1 for the tests of everything that reads over the network.
//!
//! It serves the files under one directory with `GET` and `HEAD`, single and multiple byte ranges
//! (`multipart/byteranges`), and can be told to misbehave the ways real servers and networks do:
//! drop the connection mid-body, answer 500 before succeeding, refuse ranges with 416, ignore
//! `Range`, send fewer bytes than announced, send them slowly, or flip a byte. Every request is
//! logged (path, range, status, body bytes), so a test can count what a reader cost.
//!
//! Standard library only: one thread per connection, `Connection: close` after each response.

mod fault;
mod http;

pub use fault::Fault;
pub use http::Request;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// A fault for the paths starting with `prefix`, for `remaining` more requests (`None`: always).
struct Injection {
    prefix: String,
    fault: Fault,
    remaining: Option<u32>,
}

/// What the connection threads share.
struct State {
    root: PathBuf,
    injections: Mutex<Vec<Injection>>,
    log: Mutex<Vec<Request>>,
    stopping: AtomicBool,
}

impl State {
    /// The fault for a request to `path`, counting it off the injection it came from.
    fn take_fault(&self, path: &str) -> Option<Fault> {
        let mut injections = self.injections.lock().expect("injections");
        let i = injections
            .iter()
            .position(|inj| path.starts_with(&inj.prefix) && inj.remaining.is_none_or(|n| n > 0))?;
        let fault = injections[i].fault.clone();
        if let Some(n) = &mut injections[i].remaining {
            *n -= 1;
        }
        Some(fault)
    }
}

/// The server; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    accept: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Serves the files under `root` on a free port of 127.0.0.1.
    pub fn serve_dir(root: impl Into<PathBuf>) -> std::io::Result<TestServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            root: root.into(),
            injections: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
            stopping: AtomicBool::new(false),
        });
        let shared = Arc::clone(&state);
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if shared.stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let state = Arc::clone(&shared);
                std::thread::spawn(move || http::serve_connection(stream, &state));
            }
        });
        Ok(TestServer {
            addr,
            state,
            accept: Some(accept),
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of `path` (relative to the served directory).
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base_url(), path.trim_start_matches('/'))
    }

    /// Makes the next `times` requests (`None`: every request) to paths starting with `prefix`
    /// (e.g. `/data/file.root`; `/` for all) misbehave as `fault` says. Earlier injections come first.
    pub fn inject(&self, prefix: &str, fault: Fault, times: Option<u32>) {
        self.state
            .injections
            .lock()
            .expect("injections")
            .push(Injection {
                prefix: prefix.to_string(),
                fault,
                remaining: times,
            });
    }

    /// Removes every injected fault.
    pub fn clear_faults(&self) {
        self.state.injections.lock().expect("injections").clear();
    }

    /// The requests answered so far, in order.
    pub fn log(&self) -> Vec<Request> {
        self.state.log.lock().expect("log").clone()
    }

    /// Forgets the logged requests.
    pub fn clear_log(&self) {
        self.state.log.lock().expect("log").clear();
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.state.stopping.store(true, Ordering::SeqCst);
        // Wakes the accepting thread so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
    }
}
