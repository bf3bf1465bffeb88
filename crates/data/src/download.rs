//! Verified downloads: HTTP(S) with resume, retries with back-off, several files at once,
//! progress bars, adler32 against the catalog, atomic placement and a manifest.
//!
//! A file is written to `NAME.hepkey-part` next to its final place, resumed from there with a
//! `Range` request (a 206 answer must start where the part ends; a 200 answer means the server
//! ignored the range and the part is rewritten from byte 0), checked against the catalog's size
//! and adler32, and only then renamed to `NAME` and entered in the manifest. A failed transfer
//! keeps the part so that the next attempt (or the next `hepkey data get`) resumes it; a checksum
//! mismatch deletes it.

use crate::cache::{manifest_path, relative_path, Layout, Manifest, ManifestEntry};
use crate::checksum::{adler32_file, hex};
use crate::error::{Error, Result};
use crate::model::{Dataset, FileEntry};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Suffix of a file being downloaded.
pub const PART_SUFFIX: &str = ".hepkey-part";

#[derive(Clone, Debug)]
pub struct Options {
    /// Files transferred at the same time.
    pub parallel: usize,
    /// Transfers tried per file before giving up.
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one (capped at 60 s).
    pub backoff: Duration,
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of an answer.
    pub read_timeout: Duration,
    /// Draw progress bars (on a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            parallel: 4,
            attempts: 6,
            backoff: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_secs(60),
            progress: true,
        }
    }
}

/// One file to bring into a download directory.
#[derive(Clone, Debug)]
pub struct Job {
    pub dataset: String,
    pub file: FileEntry,
    /// The download directory (holds the manifest).
    pub dir: PathBuf,
    /// The file's path inside `dir`.
    pub rel: PathBuf,
}

impl Job {
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.rel)
    }
}

/// The jobs for `datasets` into `dir`, keeping only files whose name matches `files` (a glob).
pub fn plan(
    datasets: &[&Dataset],
    dir: &Path,
    layout: Layout,
    files: Option<&str>,
) -> Result<Vec<Job>> {
    let matcher = match files {
        Some(pattern) => Some(
            globset::Glob::new(pattern)
                .map_err(|e| Error::Download(format!("--files {pattern:?}: {e}")))?
                .compile_matcher(),
        ),
        None => None,
    };
    let mut jobs = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for ds in datasets {
        if ds.kind == crate::Kind::Metadata {
            let size = ds.files.iter().filter_map(|f| f.size).sum::<u64>();
            return Err(Error::NotDownloadable {
                name: ds.name.clone(),
                reason: if size > 0 {
                    format!("{} bytes", size)
                } else {
                    "metadata only: far too large for hepkey to download; its file indexes are on the portal record".into()
                },
            });
        }
        for file in &ds.files {
            if matcher
                .as_ref()
                .is_some_and(|m| !m.is_match(file.file_name()))
            {
                continue;
            }
            let rel = relative_path(layout, ds, file);
            if let Some(other) = seen.insert(rel.clone(), ds.name.clone()) {
                return Err(Error::Download(format!(
                    "{} and {} both have a file named {}; download them into separate directories",
                    other,
                    ds.name,
                    rel.display()
                )));
            }
            jobs.push(Job {
                dataset: ds.name.clone(),
                file: file.clone(),
                dir: dir.to_path_buf(),
                rel,
            });
        }
    }
    Ok(jobs)
}

/// What happened to each file.
#[derive(Debug, Default)]
pub struct Summary {
    /// Files transferred now.
    pub downloaded: usize,
    /// Files already in place and matching (nothing transferred).
    pub present: usize,
    /// Bytes received over the network.
    pub bytes: u64,
    /// Files placed without a catalog checksum to verify them against.
    pub unverified: usize,
    pub failed: Vec<(Job, String)>,
}

enum Outcome {
    Downloaded { bytes: u64, verified: bool },
    Present { verified: bool },
}

/// Brings every job's file into place, `options.parallel` at a time.
pub fn run(jobs: Vec<Job>, options: &Options) -> Summary {
    let agent = crate::http::agent(options.connect_timeout, options.read_timeout);
    let multi = MultiProgress::with_draw_target(if options.progress {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let total_bytes: u64 = jobs.iter().filter_map(|j| j.file.size).sum();
    let overall = multi.add(ProgressBar::new(total_bytes));
    overall.set_style(
        ProgressStyle::with_template(
            "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} {binary_bytes_per_sec} eta {eta}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    overall.set_prefix(format!("0/{} files", jobs.len()));
    let n_jobs = jobs.len();
    let queue = Mutex::new(jobs.into_iter().collect::<VecDeque<_>>());
    let summary = Mutex::new(Summary::default());
    let done = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..options.parallel.max(1).min(n_jobs.max(1)) {
            scope.spawn(|| loop {
                let Some(job) = queue.lock().expect("queue").pop_front() else {
                    break;
                };
                let bar = multi.add(ProgressBar::new(job.file.size.unwrap_or(0)));
                bar.set_style(
                    ProgressStyle::with_template(
                        "{prefix:>12} [{bar:30}] {bytes}/{total_bytes} {wide_msg}",
                    )
                    .expect("template")
                    .progress_chars("=> "),
                );
                bar.set_prefix("file");
                bar.set_message(job.file.file_name());
                let result = fetch(&agent, &job, options, &bar, &overall);
                bar.finish_and_clear();
                multi.remove(&bar);
                let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                overall.set_prefix(format!("{n}/{n_jobs} files"));
                let mut s = summary.lock().expect("summary");
                match result {
                    Ok(Outcome::Downloaded { bytes, verified }) => {
                        s.downloaded += 1;
                        s.bytes += bytes;
                        s.unverified += usize::from(!verified);
                    }
                    Ok(Outcome::Present { verified }) => {
                        s.present += 1;
                        s.unverified += usize::from(!verified);
                        if let Some(size) = job.file.size {
                            overall.inc(size);
                        }
                    }
                    Err(message) => {
                        let _ = multi.println(format!("error: {}: {message}", job.file.url));
                        s.failed.push((job, message));
                    }
                }
            });
        }
    });
    overall.finish_and_clear();
    summary.into_inner().expect("summary")
}

/// Why a transfer stopped.
enum Failure {
    /// Worth trying again (network, 5xx, short body).
    Retry(String),
    /// Trying again cannot help (404, the server's file differs from the catalog's).
    Fatal(String),
}

fn fetch(
    agent: &ureq::Agent,
    job: &Job,
    options: &Options,
    bar: &ProgressBar,
    overall: &ProgressBar,
) -> std::result::Result<Outcome, String> {
    let target = job.path();
    let rel = manifest_path(&job.rel);
    let expected = job.file.adler32_value();
    if target.is_file() {
        if let Some(outcome) = already_there(job, &target, &rel).map_err(|e| e.to_string())? {
            return Ok(outcome);
        }
    }
    let parent = target.parent().unwrap_or(&job.dir).to_path_buf();
    std::fs::create_dir_all(&parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let part = part_path(&target);
    let mut received = 0u64;
    let mut restarted_after_mismatch = false;
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        let transfer = transfer(agent, &job.file, &part, bar, overall, &mut received);
        let retry_reason = match transfer {
            Ok(()) => match check(&job.file, &part) {
                Ok((size, sum)) => {
                    place(&part, &target)?;
                    let verified = expected.is_some();
                    Manifest::record(
                        &job.dir,
                        ManifestEntry {
                            path: rel.clone(),
                            dataset: job.dataset.clone(),
                            url: job.file.url.clone(),
                            size,
                            adler32: hex(sum),
                            verified,
                            time: crate::cache::now_unix(),
                            mtime_ns: crate::cache::mtime_of(&target),
                        },
                    )
                    .map_err(|e| e.to_string())?;
                    return Ok(Outcome::Downloaded {
                        bytes: received,
                        verified,
                    });
                }
                Err(Mismatch::Checksum(message)) => {
                    let _ = std::fs::remove_file(&part);
                    // Once from byte 0: the bytes may have been damaged on the way, or an
                    // earlier part may have come from another version of the file.
                    if restarted_after_mismatch {
                        return Err(format!(
                            "{message}; the download was deleted (the catalog's checksum may be out of date: try `hepkey data refresh`)"
                        ));
                    }
                    restarted_after_mismatch = true;
                    attempt = 0;
                    continue;
                }
                Err(Mismatch::Size(message)) => message,
            },
            Err(Failure::Retry(message)) => message,
            Err(Failure::Fatal(message)) => return Err(message),
        };
        if attempt >= options.attempts {
            return Err(format!(
                "{retry_reason} (gave up after {attempt} attempts; run the command again to resume)"
            ));
        }
        let wait = options
            .backoff
            .saturating_mul(1 << (attempt - 1).min(16))
            .min(Duration::from_secs(60));
        bar.set_message(format!(
            "{} (retry {attempt} in {:.1}s: {retry_reason})",
            job.file.file_name(),
            wait.as_secs_f64()
        ));
        std::thread::sleep(wait);
        bar.set_message(job.file.file_name());
    }
}

/// `Some` when `target` already holds the catalog's file (recorded in the manifest if it was not).
fn already_there(job: &Job, target: &Path, rel: &str) -> Result<Option<Outcome>> {
    let len = std::fs::metadata(target)
        .map_err(|e| Error::io(target, e))?
        .len();
    let manifest = Manifest::read(&job.dir)?;
    let expected_hex = job.file.adler32.clone();
    if let Some(entry) = manifest.entry(rel) {
        let same_file = entry.url == job.file.url
            && entry.size == len
            && entry.mtime_ns == crate::cache::mtime_of(target)
            && job.file.size.is_none_or(|s| s == len)
            && expected_hex.as_ref().is_none_or(|h| *h == entry.adler32);
        if same_file {
            return Ok(Some(Outcome::Present {
                verified: entry.verified,
            }));
        }
    }
    // A file laid out by hand (or by an older run): keep it if it is the catalog's file.
    let Some(expected) = expected_hex else {
        return Ok(None);
    };
    if job.file.size.is_some_and(|s| s != len) {
        return Ok(None);
    }
    let (size, sum) = adler32_file(target)?;
    if hex(sum) != expected {
        return Ok(None);
    }
    Manifest::record(
        &job.dir,
        ManifestEntry {
            path: rel.to_string(),
            dataset: job.dataset.clone(),
            url: job.file.url.clone(),
            size,
            adler32: expected,
            verified: true,
            time: crate::cache::now_unix(),
            mtime_ns: crate::cache::mtime_of(target),
        },
    )?;
    Ok(Some(Outcome::Present { verified: true }))
}

pub fn part_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(PART_SUFFIX);
    target.with_file_name(name)
}

enum Mismatch {
    Size(String),
    Checksum(String),
}

/// Size and adler32 of the completed part against the catalog.
fn check(file: &FileEntry, part: &Path) -> std::result::Result<(u64, u32), Mismatch> {
    let (size, sum) = adler32_file(part).map_err(|e| Mismatch::Size(e.to_string()))?;
    if let Some(expected) = file.size {
        if size != expected {
            if size > expected {
                let _ = std::fs::remove_file(part);
            }
            return Err(Mismatch::Size(format!(
                "received {size} bytes, the catalog says {expected}"
            )));
        }
    }
    if let Some(expected) = file.adler32_value() {
        if sum != expected {
            return Err(Mismatch::Checksum(format!(
                "{}: adler32 {} does not match the catalog's {}",
                file.url,
                hex(sum),
                hex(expected)
            )));
        }
    }
    Ok((size, sum))
}

/// Makes the verified part the file, durably.
fn place(part: &Path, target: &Path) -> std::result::Result<(), String> {
    std::fs::rename(part, target).map_err(|e| format!("{}: {e}", target.display()))?;
    if let Some(dir) = target.parent() {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(())
}

/// One HTTP request continuing `part` (from its current length) to the end of the file.
fn transfer(
    agent: &ureq::Agent,
    file: &FileEntry,
    part: &Path,
    bar: &ProgressBar,
    overall: &ProgressBar,
    received: &mut u64,
) -> std::result::Result<(), Failure> {
    let io = |e: std::io::Error| Failure::Fatal(format!("{}: {e}", part.display()));
    let mut offset = std::fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    if let Some(size) = file.size {
        if offset == size {
            return Ok(()); // complete from an earlier attempt; check() decides
        }
        if offset > size {
            std::fs::remove_file(part).map_err(io)?;
            offset = 0;
        }
    }
    // The bytes as stored: offsets and the checksum are of the file, not of a compressed transfer.
    let mut request = agent.get(&file.url).header("Accept-Encoding", "identity");
    if offset > 0 {
        request = request.header("Range", &format!("bytes={offset}-"));
    }
    let response = request.call().map_err(|e| Failure::Retry(e.to_string()))?;
    let code = response.status().as_u16();
    let reason = response.status().canonical_reason().unwrap_or("");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    match code {
        416 => {
            // The part does not fit the server's file (stale, or the file is shorter): start over.
            std::fs::remove_file(part).map_err(io)?;
            return Err(Failure::Retry(format!(
                "the server refused the range from byte {offset} (416); restarting from 0"
            )));
        }
        408 | 429 | 500..=599 => return Err(Failure::Retry(format!("HTTP {code} {reason}"))),
        400..=499 => {
            return Err(Failure::Fatal(format!(
                "HTTP {code} {reason} for {}",
                file.url
            )))
        }
        _ => {}
    }
    let (start, total) = match code {
        206 => {
            let range = header("Content-Range").unwrap_or_default();
            let range = range.as_str();
            let Some((first, total)) = parse_content_range(range) else {
                return Err(Failure::Retry(format!(
                    "206 answer with an unreadable Content-Range {range:?}"
                )));
            };
            if first != offset {
                std::fs::remove_file(part).map_err(io)?;
                return Err(Failure::Retry(format!(
                    "asked for bytes from {offset}, the server sent from {first}; restarting from 0"
                )));
            }
            (offset, total)
        }
        200 => {
            // The whole file, whether we asked for a range or not.
            let length = header("Content-Length").and_then(|l| l.trim().parse::<u64>().ok());
            (0, length)
        }
        code => {
            return Err(Failure::Fatal(format!(
                "unexpected HTTP {code} {reason} for {}",
                file.url
            )))
        }
    };
    if let (Some(total), Some(size)) = (total, file.size) {
        if total != size {
            return Err(Failure::Fatal(format!(
                "{}: the server has {total} bytes, the catalog says {size}: the file changed on the server (try `hepkey data refresh`)",
                file.url
            )));
        }
    }
    let mut out = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(part)
        .map_err(io)?;
    out.set_len(start).map_err(io)?;
    out.seek(SeekFrom::Start(start)).map_err(io)?;
    let expected_len = total.or(file.size);
    if let Some(len) = expected_len {
        bar.set_length(len);
    }
    if start == 0 && offset > 0 {
        // The server ignored the range: the bytes already counted come again.
        overall.set_position(overall.position().saturating_sub(offset));
    }
    bar.set_position(start);
    let mut reader = response.into_body().into_reader();
    let mut buf = vec![0u8; 256 * 1024];
    let mut position = start;
    let outcome = loop {
        match reader.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = out.write_all(&buf[..n]) {
                    break Err(io(e));
                }
                position += n as u64;
                *received += n as u64;
                bar.inc(n as u64);
                overall.inc(n as u64);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                break Err(Failure::Retry(format!(
                    "connection lost after {position} bytes: {e}"
                )))
            }
        }
    };
    out.flush().map_err(io)?;
    out.sync_all().map_err(io)?;
    outcome?;
    if let Some(len) = expected_len {
        if position < len {
            return Err(Failure::Retry(format!(
                "the server closed the connection after {position} of {len} bytes"
            )));
        }
    }
    Ok(())
}

/// `bytes FIRST-LAST/TOTAL` → (FIRST, TOTAL if known).
fn parse_content_range(value: &str) -> Option<(u64, Option<u64>)> {
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (first, _last) = span.split_once('-')?;
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    Some((first.trim().parse().ok()?, total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_forms() {
        assert_eq!(
            parse_content_range("bytes 100-199/1000"),
            Some((100, Some(1000)))
        );
        assert_eq!(parse_content_range("bytes 5-9/*"), Some((5, None)));
        assert_eq!(parse_content_range("items 1-2/3"), None);
        assert_eq!(parse_content_range("bytes x-2/3"), None);
    }
}
