//! Just enough HTTP/1.1: the request line and headers in, a response head out.

use std::io::{BufRead, Read, Write};

pub struct Request {
    pub method: String,
    /// The path, percent-decoded, without the query.
    pub path: String,
    pub range: Option<String>,
}

/// Reads a request head (at most 64 KiB); None when it is not HTTP or the peer closed.
pub fn read_request(reader: &mut impl BufRead) -> Option<Request> {
    let mut line = String::new();
    let mut total = 0;
    let mut next = |line: &mut String| -> Option<()> {
        line.clear();
        let n = Read::take(&mut *reader, 16 * 1024).read_line(line).ok()?;
        total += n;
        (n > 0 && total < 64 * 1024).then_some(())
    };
    next(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    parts.next().filter(|v| v.starts_with("HTTP/1"))?;
    let mut range = None;
    loop {
        next(&mut line)?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("range") {
                range = Some(value.trim().to_string());
            }
        }
    }
    let raw_path = target.split(['?', '#']).next().unwrap_or("");
    Some(Request {
        method,
        path: percent_decode(raw_path)?,
        range,
    })
}

/// `%2F` → `/`; None for a malformed escape or a result that is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Writes a response head; the body (if any) follows.
pub fn write_head(
    out: &mut impl Write,
    status: &str,
    content_type: &str,
    len: u64,
    extra: &[(&str, String)],
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\
         Accept-Ranges: bytes\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n\
         Connection: close\r\n"
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    out.write_all(head.as_bytes())
}
