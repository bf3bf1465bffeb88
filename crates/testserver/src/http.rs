//! One connection: read a request, answer it, close.

use crate::{Fault, State};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::path::{Component, Path, PathBuf};

/// A request as the server saw and answered it.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The `Range` header, if any.
    pub range: Option<String>,
    pub status: u16,
    /// Body bytes written (headers excluded).
    pub body_bytes: u64,
}

const BOUNDARY: &str = "hepkey-testserver-boundary";

pub(crate) fn serve_connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(30)));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("").to_string(),
        parts.next().unwrap_or("/").to_string(),
    );
    let mut range = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    let path = target.split('?').next().unwrap_or("/").to_string();
    let fault = state.take_fault(&path);
    let mut out = Response {
        stream,
        fault,
        written: 0,
    };
    let status = answer(&mut out, state, &method, &path, range.as_deref());
    let _ = out.stream.flush();
    // Logged before the connection closes: a client that has seen the end may read the log.
    state.log.lock().expect("log").push(Request {
        method,
        path,
        range,
        status,
        body_bytes: out.written,
    });
    let _ = out.stream.shutdown(std::net::Shutdown::Both);
}

/// The response being written, with the fault that shapes it.
struct Response {
    stream: TcpStream,
    fault: Option<Fault>,
    written: u64,
}

impl Response {
    fn head(
        &mut self,
        status: u16,
        reason: &str,
        headers: &[(&str, String)],
    ) -> std::io::Result<()> {
        let mut text = format!("HTTP/1.1 {status} {reason}\r\nConnection: close\r\n");
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str("\r\n");
        self.stream.write_all(text.as_bytes())
    }

    /// Writes body bytes, applying a drop, truncation, slowness or corruption. `file_offset` is
    /// where `bytes` start in the file, for [`Fault::Corrupt`]; `budget` bytes may still be sent
    /// before a drop or truncation closes the connection.
    fn body(
        &mut self,
        bytes: &[u8],
        file_offset: Option<u64>,
        budget: &mut u64,
    ) -> std::io::Result<bool> {
        for (i, piece) in bytes.chunks(16 * 1024).enumerate() {
            if let Some(Fault::Slow(pause)) = &self.fault {
                std::thread::sleep(*pause);
            }
            let take = (piece.len() as u64).min(*budget) as usize;
            let mut piece = piece[..take].to_vec();
            if let (Some(Fault::Corrupt(at)), Some(start)) = (&self.fault, file_offset) {
                let start = start + (i * 16 * 1024) as u64;
                if (start..start + piece.len() as u64).contains(at) {
                    piece[(at - start) as usize] ^= 0xff;
                }
            }
            self.stream.write_all(&piece)?;
            self.written += piece.len() as u64;
            *budget -= take as u64;
            if *budget == 0 && take < bytes.len() {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Answers one request; returns the status sent.
fn answer(out: &mut Response, state: &State, method: &str, path: &str, range: Option<&str>) -> u16 {
    if method != "GET" && method != "HEAD" {
        let _ = out.head(405, "Method Not Allowed", &[("Content-Length", "0".into())]);
        return 405;
    }
    if let Some(Fault::Status(code)) = out.fault {
        let text = format!("injected status {code}\n");
        let _ = out.head(
            code,
            "Injected",
            &[("Content-Length", text.len().to_string())],
        );
        let _ = out.stream.write_all(text.as_bytes());
        return code;
    }
    let Some(file) = local_path(&state.root, path).and_then(|p| std::fs::File::open(p).ok()) else {
        let text = "not found\n";
        let _ = out.head(
            404,
            "Not Found",
            &[("Content-Length", text.len().to_string())],
        );
        let _ = out.stream.write_all(text.as_bytes());
        return 404;
    };
    let size = file.metadata().map_or(0, |m| m.len());
    let mut file = file;
    let ranges = match (range, &out.fault) {
        (None, _) | (_, Some(Fault::IgnoreRange)) => None,
        (Some(r), _) => match parse_ranges(r, size) {
            Some(list) if !list.is_empty() => Some(list),
            _ => Some(Vec::new()),
        },
    };
    let ranges = match ranges {
        Some(list) if list.len() > 1 && out.fault == Some(Fault::NoMultiRange) => None,
        other => other,
    };
    if matches!(ranges.as_deref(), Some([]))
        || (ranges.is_some() && out.fault == Some(Fault::RangeNotSatisfiable))
    {
        let _ = out.head(
            416,
            "Range Not Satisfiable",
            &[
                ("Content-Range", format!("bytes */{size}")),
                ("Content-Length", "0".into()),
            ],
        );
        return 416;
    }
    let mut budget = match out.fault {
        Some(Fault::DropAfter(n)) => n,
        _ => u64::MAX,
    };
    let shortfall = match out.fault {
        Some(Fault::Truncate(n)) => n,
        _ => 0,
    };
    let head_only = method == "HEAD";
    let send = |out: &mut Response,
                file: &mut std::fs::File,
                start: u64,
                len: u64,
                budget: &mut u64|
     -> std::io::Result<bool> {
        if head_only {
            return Ok(true);
        }
        file.seek(SeekFrom::Start(start))?;
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = len;
        while left > 0 {
            let n = (left as usize).min(buf.len());
            file.read_exact(&mut buf[..n])?;
            if !out.body(&buf[..n], Some(start + len - left), budget)? {
                return Ok(false);
            }
            left -= n as u64;
        }
        Ok(true)
    };
    let result = match ranges.as_deref() {
        None => {
            let _ = out.head(
                200,
                "OK",
                &[
                    ("Content-Length", size.to_string()),
                    ("Accept-Ranges", "bytes".into()),
                ],
            );
            budget = budget.min(size.saturating_sub(shortfall));
            send(out, &mut file, 0, size, &mut budget).map(|_| 200)
        }
        Some(&[(start, end)]) => {
            let len = end - start;
            let _ = out.head(
                206,
                "Partial Content",
                &[
                    ("Content-Length", len.to_string()),
                    ("Content-Range", format!("bytes {start}-{}/{size}", end - 1)),
                ],
            );
            budget = budget.min(len.saturating_sub(shortfall));
            send(out, &mut file, start, len, &mut budget).map(|_| 206)
        }
        Some(list) => {
            // multipart/byteranges: each part with its own headers.
            let parts: Vec<(String, u64, u64)> = list
                .iter()
                .map(|&(s, e)| {
                    (format!("\r\n--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes {s}-{}/{size}\r\n\r\n", e - 1), s, e)
                })
                .collect();
            let closing = format!("\r\n--{BOUNDARY}--\r\n");
            let total: u64 = parts
                .iter()
                .map(|(h, s, e)| h.len() as u64 + e - s)
                .sum::<u64>()
                + closing.len() as u64;
            let _ = out.head(
                206,
                "Partial Content",
                &[
                    ("Content-Length", total.to_string()),
                    (
                        "Content-Type",
                        format!("multipart/byteranges; boundary={BOUNDARY}"),
                    ),
                ],
            );
            budget = budget.min(total.saturating_sub(shortfall));
            (|| {
                for (h, s, e) in &parts {
                    if !out.body(h.as_bytes(), None, &mut budget)?
                        || !send(out, &mut file, *s, e - s, &mut budget)?
                    {
                        return Ok(206);
                    }
                }
                out.body(closing.as_bytes(), None, &mut budget)?;
                Ok(206)
            })()
        }
    };
    result.unwrap_or(0)
}

/// The file under `root` that a URL path names; `None` for paths leaving it.
fn local_path(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = hepkey_serve::percent_decode(url_path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let path = root.join(relative);
    path.is_file().then_some(path)
}

/// `bytes=a-b, c-, -n` as half-open ranges within `size`; `None` when not a byte-range header,
/// an empty list when no range is satisfiable.
fn parse_ranges(header: &str, size: u64) -> Option<Vec<(u64, u64)>> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let mut out = Vec::new();
    for part in spec.split(',') {
        let (first, last) = part.trim().split_once('-')?;
        let (start, end) = match (first.trim(), last.trim()) {
            ("", n) => {
                let n: u64 = n.parse().ok()?;
                (size.saturating_sub(n), size)
            }
            (a, "") => (a.parse().ok()?, size),
            (a, b) => {
                let (a, b): (u64, u64) = (a.parse().ok()?, b.parse().ok()?);
                if b < a {
                    return None;
                }
                (a, (b + 1).min(size))
            }
        };
        if start < end {
            out.push((start, end));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::parse_ranges;

    #[test]
    fn ranges_of_a_header() {
        assert_eq!(parse_ranges("bytes=0-9", 100), Some(vec![(0, 10)]));
        assert_eq!(parse_ranges("bytes=90-", 100), Some(vec![(90, 100)]));
        assert_eq!(parse_ranges("bytes=-5", 100), Some(vec![(95, 100)]));
        assert_eq!(
            parse_ranges("bytes=0-0, 98-200", 100),
            Some(vec![(0, 1), (98, 100)])
        );
        assert_eq!(parse_ranges("bytes=200-300", 100), Some(vec![]));
        assert_eq!(parse_ranges("items=0-1", 100), None);
    }
}
