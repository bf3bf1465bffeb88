//! One HTTP request for some byte ranges of a file, and what came back.

use std::io::Read;
use std::ops::Range;

/// What a request brought.
pub(crate) enum Reply {
    /// 206: byte ranges of the file (the server may have merged or reordered the ones asked for).
    Parts(Parts),
    /// 200: the server sent the file from its start, ignoring `Range` (or, for several ranges,
    /// not doing multi-range). Only the first `bytes.len()` bytes were read.
    FromStart(Vec<u8>),
}

/// A reply and the file's length when the server said it (`Content-Range: bytes a-b/LEN`, or the
/// length of a 200).
pub(crate) struct Answer {
    pub reply: Reply,
    pub file_len: Option<u64>,
}

/// Why a request failed: worth trying again (network, 5xx, short body) or not (404, 416, …).
pub(crate) enum Failure {
    Transient(String),
    Permanent(String),
}

/// Asks for `ranges` of `url` in one request. A 200 is read up to `read_until` bytes at most
/// (all of it when `None`).
pub(crate) fn request(
    agent: &ureq::Agent,
    url: &str,
    ranges: &[Range<u64>],
    read_until: Option<u64>,
) -> Result<Answer, Failure> {
    let header = ranges
        .iter()
        .map(|r| format!("{}-{}", r.start, r.end - 1))
        .collect::<Vec<_>>()
        .join(",");
    let response = agent
        .get(url)
        .header("Range", format!("bytes={header}"))
        .header("Accept-Encoding", "identity")
        .call()
        .map_err(|e| Failure::Transient(e.to_string()))?;
    let status = response.status().as_u16();
    let header_of = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header_of("content-type").unwrap_or_default();
    let content_range = header_of("content-range");
    let content_length = header_of("content-length").and_then(|v| v.parse::<u64>().ok());
    match status {
        206 => {}
        200 => {}
        416 => {
            return Err(Failure::Permanent(format!(
                "the server refused the byte ranges {header} (416 Range Not Satisfiable{}); has the file changed on the server?",
                content_range.map(|c| format!(", {c}")).unwrap_or_default()
            )))
        }
        408 | 425 | 429 | 500..=599 => return Err(Failure::Transient(format!("HTTP status {status}"))),
        404 | 410 => return Err(Failure::Permanent(format!("not found on the server (HTTP {status})"))),
        _ => return Err(Failure::Permanent(format!("the server answered HTTP {status}"))),
    }
    let mut body = response.into_body().into_reader();
    if status == 200 {
        let limit = read_until.unwrap_or(u64::MAX);
        let mut bytes = Vec::new();
        (&mut body)
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Failure::Transient(format!(
                    "the connection broke after {} bytes: {e}",
                    bytes.len()
                ))
            })?;
        if let Some(total) = content_length {
            if (bytes.len() as u64) < limit.min(total) {
                return Err(Failure::Transient(format!(
                    "the body ended after {} of {total} bytes",
                    bytes.len()
                )));
            }
        }
        return Ok(Answer {
            reply: Reply::FromStart(bytes),
            file_len: content_length,
        });
    }
    let mut bytes = Vec::new();
    body.read_to_end(&mut bytes).map_err(|e| {
        Failure::Transient(format!(
            "the connection broke after {} bytes: {e}",
            bytes.len()
        ))
    })?;
    if let Some(total) = content_length {
        if bytes.len() as u64 != total {
            return Err(Failure::Transient(format!(
                "the body ended after {} of {total} bytes",
                bytes.len()
            )));
        }
    }
    if let Some(boundary) = content_type
        .to_ascii_lowercase()
        .starts_with("multipart/byteranges")
        .then(|| boundary_of(&content_type))
        .flatten()
    {
        let (parts, file_len) = parse_multipart(&bytes, &boundary).map_err(Failure::Transient)?;
        return Ok(Answer {
            reply: Reply::Parts(parts),
            file_len,
        });
    }
    let Some((start, end, file_len)) = content_range.as_deref().and_then(parse_content_range)
    else {
        return Err(Failure::Permanent(format!(
            "a 206 answer without a usable Content-Range ({content_range:?})"
        )));
    };
    if end - start != bytes.len() as u64 {
        return Err(Failure::Transient(format!(
            "the body holds {} bytes where Content-Range announces {}",
            bytes.len(),
            end - start
        )));
    }
    Ok(Answer {
        reply: Reply::Parts(vec![(start, bytes)]),
        file_len,
    })
}

/// `boundary=X` (quoted or not) of a multipart content type.
fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

/// `bytes a-b/LEN` as (a, b+1, LEN) (LEN `*` when unknown).
fn parse_content_range(value: &str) -> Option<(u64, u64, Option<u64>)> {
    let spec = value.trim().strip_prefix("bytes")?.trim();
    let (range, total) = spec.split_once('/')?;
    let (a, b) = range.split_once('-')?;
    let (a, b): (u64, u64) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    (b >= a).then_some((a, b + 1, total.trim().parse().ok()))
}

/// Byte ranges of a file as (offset, bytes).
type Parts = Vec<(u64, Vec<u8>)>;

/// The parts of a `multipart/byteranges` body: each `--boundary`, headers with a Content-Range,
/// an empty line, then exactly that many bytes.
fn parse_multipart(body: &[u8], boundary: &str) -> Result<(Parts, Option<u64>), String> {
    let delimiter = format!("--{boundary}");
    let find = |from: usize, what: &[u8]| {
        body.get(from..)
            .and_then(|rest| rest.windows(what.len()).position(|w| w == what))
            .map(|p| p + from)
    };
    let mut parts = Vec::new();
    let mut file_len = None;
    let mut at = 0;
    loop {
        let Some(d) = find(at, delimiter.as_bytes()) else {
            return Err("a multipart answer without its closing boundary".into());
        };
        let after = d + delimiter.len();
        if body.get(after..after + 2) == Some(b"--") {
            return Ok((parts, file_len));
        }
        let Some(head_end) = find(after, b"\r\n\r\n") else {
            return Err("a multipart part without the end of its headers".into());
        };
        let headers = String::from_utf8_lossy(&body[after..head_end]);
        let range = headers
            .lines()
            .filter_map(|l| l.split_once(':'))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-range"))
            .and_then(|(_, v)| parse_content_range(v))
            .ok_or("a multipart part without a Content-Range")?;
        let (start, end, total) = range;
        file_len = file_len.or(total);
        let data_start = head_end + 4;
        let data_end = data_start + (end - start) as usize;
        let data = body
            .get(data_start..data_end)
            .ok_or("a multipart part shorter than its Content-Range")?;
        parts.push((start, data.to_vec()));
        at = data_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_and_content_ranges() {
        assert_eq!(
            parse_content_range("bytes 0-9/100"),
            Some((0, 10, Some(100)))
        );
        assert_eq!(parse_content_range("bytes 5-5/*"), Some((5, 6, None)));
        assert_eq!(parse_content_range("bytes 9-5/100"), None);
        assert_eq!(
            boundary_of("multipart/byteranges; boundary=\"ab c\""),
            Some("ab c".into())
        );
        let body = b"\r\n--XY\r\nContent-Type: x\r\nContent-Range: bytes 0-2/50\r\n\r\nabc\r\n--XY\r\nContent-Range: bytes 10-11/50\r\n\r\n\r\n\r\n--XY--\r\n";
        let (parts, len) = parse_multipart(body, "XY").unwrap();
        assert_eq!(parts, vec![(0, b"abc".to_vec()), (10, b"\r\n".to_vec())]);
        assert_eq!(len, Some(50));
        assert!(parse_multipart(&body[..60], "XY").is_err());
    }
}
