//! Accepting connections and answering them.

use crate::files::{Refusal, SharedDir};
use crate::http::{read_request, write_head, Request};
use crate::page;
use crate::range::{self, Wanted};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;

/// The page loads nothing from elsewhere: the browser enforces it.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'";

/// A bound server, not yet answering.
pub struct Server {
    listener: TcpListener,
    dir: Option<Arc<SharedDir>>,
}

impl Server {
    /// Binds `addr` (port 0 picks a free one) to serve the page and, when given, the files under `dir`.
    pub fn bind(addr: &str, dir: Option<SharedDir>) -> std::io::Result<Server> {
        Ok(Server {
            listener: TcpListener::bind(addr)?,
            dir: dir.map(Arc::new),
        })
    }

    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers connections until the process ends, each on its own thread.
    pub fn run(self) {
        for stream in self.listener.incoming() {
            let Ok(stream) = stream else { continue };
            let dir = self.dir.clone();
            std::thread::spawn(move || {
                // A client that went away is no error of the server's.
                let _ = answer(stream, dir.as_deref());
            });
        }
    }
}

fn answer(stream: TcpStream, dir: Option<&SharedDir>) -> std::io::Result<()> {
    stream.set_read_timeout(Some(std::time::Duration::from_secs(30)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = std::io::BufWriter::new(stream);
    let Some(request) = read_request(&mut reader) else {
        return text(&mut out, "400 Bad Request", "bad request\n", false);
    };
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        return text(
            &mut out,
            "405 Method Not Allowed",
            "read-only: GET and HEAD only\n",
            false,
        );
    }
    respond(&mut out, &request, dir, head_only)?;
    out.flush()
}

fn respond(
    out: &mut impl Write,
    request: &Request,
    dir: Option<&SharedDir>,
    head_only: bool,
) -> std::io::Result<()> {
    if let Some(asset) = page::asset(&request.path) {
        let csp = vec![(
            "Content-Security-Policy",
            CONTENT_SECURITY_POLICY.to_string(),
        )];
        write_head(
            out,
            "200 OK",
            asset.content_type,
            asset.body.len() as u64,
            &csp,
        )?;
        if !head_only {
            out.write_all(asset.body)?;
        }
        return Ok(());
    }
    let Some(relative) = request.path.strip_prefix("/files/") else {
        return text(out, "404 Not Found", "not found\n", head_only);
    };
    let Some(dir) = dir else {
        return text(out, "404 Not Found", "no directory is shared\n", head_only);
    };
    if relative.is_empty() {
        let list: Vec<serde_json::Value> = dir
            .page_files(10_000)
            .into_iter()
            .map(|(path, size)| serde_json::json!({ "path": path, "size": size }))
            .collect();
        let body = serde_json::to_string(&list).unwrap_or_else(|_| "[]".into());
        write_head(out, "200 OK", "application/json", body.len() as u64, &[])?;
        if !head_only {
            out.write_all(body.as_bytes())?;
        }
        return Ok(());
    }
    match dir.resolve(relative) {
        Err(Refusal::Outside) => text(
            out,
            "403 Forbidden",
            "outside the shared directory\n",
            head_only,
        ),
        Err(Refusal::Missing) => text(out, "404 Not Found", "not found\n", head_only),
        Ok(path) => {
            let Ok(mut file) = std::fs::File::open(&path) else {
                return text(out, "404 Not Found", "not readable\n", head_only);
            };
            let len = file.metadata()?.len();
            let binary = "application/octet-stream";
            match range::parse(request.range.as_deref(), len) {
                Wanted::Whole => {
                    write_head(out, "200 OK", binary, len, &[])?;
                    if !head_only {
                        std::io::copy(&mut file, out)?;
                    }
                }
                Wanted::Part(r) => {
                    let content_range = format!("bytes {}-{}/{len}", r.start, r.end - 1);
                    write_head(
                        out,
                        "206 Partial Content",
                        binary,
                        r.end - r.start,
                        &[("Content-Range", content_range)],
                    )?;
                    if !head_only {
                        file.seek(SeekFrom::Start(r.start))?;
                        std::io::copy(&mut file.take(r.end - r.start), out)?;
                    }
                }
                Wanted::Unsatisfiable => {
                    write_head(
                        out,
                        "416 Range Not Satisfiable",
                        "text/plain",
                        0,
                        &[("Content-Range", format!("bytes */{len}"))],
                    )?;
                }
            }
            Ok(())
        }
    }
}

fn text(out: &mut impl Write, status: &str, body: &str, head_only: bool) -> std::io::Result<()> {
    write_head(
        out,
        status,
        "text/plain; charset=utf-8",
        body.len() as u64,
        &[],
    )?;
    if !head_only {
        out.write_all(body.as_bytes())?;
    }
    Ok(())
}
