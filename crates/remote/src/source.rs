//! [`HttpSource`]: the bytes of a remote file, fetched by range requests and cached in blocks.

use crate::blocks::{bytes_of, covering, Blocks, BLOCK};
use crate::disk::DiskCache;
use crate::http::{request, Failure, Reply};
use hepkey_root::source::ByteSource;
use hepkey_root::{Error, Result};
use std::borrow::Cow;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a remote file is read.
#[derive(Clone, Debug)]
pub struct Options {
    /// Attempts after the first for a request that failed in a way worth retrying.
    pub retries: u32,
    /// The wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// The longest wait for a connection or for the server to start answering.
    pub timeout: Duration,
    /// Where fetched blocks are kept across runs (`None`: in memory only).
    pub cache_dir: Option<PathBuf>,
    /// Bytes of blocks held in memory.
    pub memory_budget: usize,
    /// Ranges asked for in one request where the server does multi-range.
    pub ranges_per_request: usize,
    /// Requests in flight at once.
    pub parallel_requests: usize,
    /// Bytes read at least when a read misses the cache (the reader's small reads — keys,
    /// directories, streamers — then come from few requests).
    pub readahead: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            retries: 4,
            backoff: Duration::from_millis(250),
            timeout: Duration::from_secs(60),
            cache_dir: None,
            memory_budget: 512 << 20,
            ranges_per_request: 32,
            parallel_requests: 4,
            readahead: 256 << 10,
        }
    }
}

impl Options {
    /// The defaults, with the block cache in `$HEPKEY_CACHE/blocks` (else `~/.cache/hepkey/blocks`;
    /// `HEPKEY_NO_BLOCK_CACHE=1` keeps blocks in memory only), and `HEPKEY_HTTP_RETRIES`,
    /// `HEPKEY_HTTP_TIMEOUT` (seconds) when set.
    pub fn from_env() -> Options {
        let mut options = Options::default();
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        if var("HEPKEY_NO_BLOCK_CACHE").is_none_or(|v| v == "0") {
            options.cache_dir = var("HEPKEY_CACHE")
                .map(PathBuf::from)
                .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cache/hepkey")))
                .map(|d| d.join("blocks"));
        }
        if let Some(n) = var("HEPKEY_HTTP_RETRIES").and_then(|v| v.parse().ok()) {
            options.retries = n;
        }
        if let Some(s) = var("HEPKEY_HTTP_TIMEOUT").and_then(|v| v.parse::<f64>().ok()) {
            options.timeout = Duration::from_secs_f64(s.max(0.001));
        }
        options
    }
}

/// What reading a remote file has cost so far.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Traffic {
    pub requests: u64,
    /// Body bytes received.
    pub bytes: u64,
}

/// A remote file read by HTTP range requests.
pub struct HttpSource {
    url: String,
    name: String,
    len: u64,
    agent: ureq::Agent,
    options: Options,
    memory: Mutex<Blocks>,
    disk: Option<DiskCache>,
    /// False once the server answered a request for several ranges with the whole file.
    multi_range: AtomicBool,
    requests: AtomicU64,
    bytes: AtomicU64,
}

impl HttpSource {
    /// Opens `url`; `name` is what error messages call it. The first request reads the start of
    /// the file and learns its length — unless the block cache already knows the file.
    pub fn open(url: &str, name: &str, options: Options) -> Result<HttpSource> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.timeout))
            .timeout_recv_response(Some(options.timeout))
            .timeout_recv_body(Some(options.timeout * 20))
            .build()
            .into();
        let mut source = HttpSource {
            url: url.to_string(),
            name: name.to_string(),
            len: 0,
            agent,
            memory: Mutex::new(Blocks::new(options.memory_budget)),
            disk: None,
            multi_range: AtomicBool::new(true),
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            options,
        };
        let known = source
            .options
            .cache_dir
            .as_deref()
            .and_then(|dir| DiskCache::known_len(dir, url));
        let len = match known {
            Some(len) => len,
            None => source.first_request()?,
        };
        source.len = len;
        if let Some(dir) = source.options.cache_dir.clone() {
            // A cache that cannot be made (read-only home, full disk) only costs network.
            source.disk = DiskCache::open(&dir, url, len).ok();
            let held: Vec<(u64, Arc<[u8]>)> = {
                let memory = source.memory.lock().expect("blocks");
                (0..len.div_ceil(BLOCK))
                    .filter_map(|i| memory.get(i).map(|b| (i, b)))
                    .collect()
            };
            if let Some(disk) = &source.disk {
                let _ = disk.write(&held.iter().map(|(i, b)| (*i, &b[..])).collect::<Vec<_>>());
            }
        }
        Ok(source)
    }

    /// Bytes and requests so far.
    pub fn traffic(&self) -> Traffic {
        Traffic {
            requests: self.requests.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        }
    }

    /// Reads the first blocks, and the file's length from the answer.
    fn first_request(&self) -> Result<u64> {
        let want = 0..self.options.readahead.max(BLOCK);
        let answer = self.with_retries(&format!("the first {} bytes", want.end), || {
            request(&self.agent, &self.url, std::slice::from_ref(&want), None)
        })?;
        let len = answer.file_len.ok_or_else(|| {
            self.error("the server did not say the file's length (no Content-Range total or Content-Length)".into())
        })?;
        self.store(answer.reply, len);
        Ok(len)
    }

    fn error(&self, message: String) -> Error {
        Error::Io {
            path: self.name.clone(),
            source: std::io::Error::other(message),
        }
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are used up, waiting
    /// longer each time.
    fn with_retries<T>(
        &self,
        what: &str,
        attempt: impl Fn() -> std::result::Result<T, Failure>,
    ) -> Result<T> {
        let mut wait = self.options.backoff;
        let mut last = String::new();
        for n in 0..=self.options.retries {
            if n > 0 {
                std::thread::sleep(wait);
                wait *= 2;
            }
            self.requests.fetch_add(1, Ordering::Relaxed);
            match attempt() {
                Ok(answer) => return Ok(answer),
                Err(Failure::Permanent(message)) => {
                    return Err(self.error(format!("reading {what}: {message}")))
                }
                Err(Failure::Transient(message)) => last = message,
            }
        }
        Err(self.error(format!(
            "reading {what}: gave up after {} attempts; the last: {last}",
            self.options.retries + 1
        )))
    }

    /// Keeps the whole blocks of a reply (in memory and on disk). `len` is the file's length.
    fn store(&self, reply: Reply, len: u64) {
        let pieces = match reply {
            Reply::Parts(parts) => parts,
            Reply::FromStart(bytes) => vec![(0, bytes)],
        };
        let mut blocks: Vec<(u64, Arc<[u8]>)> = Vec::new();
        for (start, bytes) in pieces {
            self.bytes.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            let end = start + bytes.len() as u64;
            for i in covering(&(start..end)) {
                let range = bytes_of(i, len);
                if range.start >= start && range.end <= end && range.start < range.end {
                    let at = (range.start - start) as usize;
                    blocks.push((i, bytes[at..at + (range.end - range.start) as usize].into()));
                }
            }
        }
        if let Some(disk) = &self.disk {
            let _ = disk.write(&blocks.iter().map(|(i, b)| (*i, &b[..])).collect::<Vec<_>>());
        }
        let mut memory = self.memory.lock().expect("blocks");
        for (i, b) in blocks {
            memory.insert(i, b);
        }
    }

    /// Block `index` from memory or disk.
    fn block(&self, index: u64) -> Option<Arc<[u8]>> {
        if let Some(b) = self.memory.lock().expect("blocks").get(index) {
            return Some(b);
        }
        let bytes: Arc<[u8]> = self.disk.as_ref()?.read(index)?.into();
        self.memory
            .lock()
            .expect("blocks")
            .insert(index, Arc::clone(&bytes));
        Some(bytes)
    }

    fn have(&self, index: u64) -> bool {
        self.memory.lock().expect("blocks").get(index).is_some()
            || self.disk.as_ref().is_some_and(|d| d.has(index))
    }

    /// Fetches runs of blocks: several runs per request while the server does multi-range, the
    /// requests in parallel.
    fn fetch(&self, runs: &[Range<u64>]) -> Result<()> {
        if runs.is_empty() {
            return Ok(());
        }
        let per_request = if self.multi_range.load(Ordering::Relaxed) {
            self.options.ranges_per_request.max(1)
        } else {
            1
        };
        let batches: Vec<&[Range<u64>]> = runs.chunks(per_request).collect();
        let parallel = self.options.parallel_requests.max(1);
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let mut out = Vec::new();
            for group in batches.chunks(parallel) {
                let handles: Vec<_> = group
                    .iter()
                    .map(|batch| scope.spawn(move || self.fetch_batch(batch)))
                    .collect();
                out.extend(handles.into_iter().map(|h| h.join().expect("fetch thread")));
            }
            out
        });
        results.into_iter().collect()
    }

    /// One request for a batch of block runs (again, the runs still missing, when the server
    /// turns out not to do multi-range).
    fn fetch_batch(&self, runs: &[Range<u64>]) -> Result<()> {
        let bytes: Vec<Range<u64>> = runs
            .iter()
            .map(|r| bytes_of(r.start, self.len).start..bytes_of(r.end - 1, self.len).end)
            .collect();
        let what = match bytes.as_slice() {
            [one] => format!("bytes {}..{}", one.start, one.end),
            many => format!("{} byte ranges", many.len()),
        };
        // For one range, a server ignoring Range sends the whole file: keep it all. For several,
        // a server without multi-range support does the same: read only as far as needed.
        let read_until = (bytes.len() > 1).then(|| bytes.iter().map(|r| r.end).max().unwrap_or(0));
        let answer = self.with_retries(&what, || {
            let answer = request(&self.agent, &self.url, &bytes, read_until)?;
            if let Some(len) = answer.file_len.filter(|&l| l != self.len) {
                return Err(Failure::Permanent(format!(
                    "the file is now {len} bytes, not {} as when it was opened; it changed on the server",
                    self.len
                )));
            }
            Ok(answer)
        })?;
        if matches!(answer.reply, Reply::FromStart(_)) && bytes.len() > 1 {
            self.multi_range.store(false, Ordering::Relaxed);
        }
        self.store(answer.reply, self.len);
        let still: Vec<Range<u64>> = Blocks::missing_runs(&bytes, 0, |i| self.have(i));
        if still.is_empty() {
            return Ok(());
        }
        if bytes.len() > 1 && !self.multi_range.load(Ordering::Relaxed) {
            return self.fetch(&still);
        }
        Err(self.error(format!(
            "reading {what}: the server's answer left {} blocks missing",
            still.iter().map(|r| r.end - r.start).sum::<u64>()
        )))
    }
}

impl ByteSource for HttpSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn read_at(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>> {
        let end = offset.checked_add(len as u64).filter(|&e| e <= self.len).ok_or_else(|| {
            Error::format(format!(
                "{}: read of {len} bytes at offset {offset} goes past the end of the file ({} bytes); the file is truncated or corrupt",
                self.name, self.len
            ))
        })?;
        let wanted = offset..end;
        if let Some(first) = covering(&wanted).find(|&i| !self.have(i)) {
            // Read ahead from the first missing block: the reader's small reads come in bunches.
            let ahead = (bytes_of(first, self.len).start + self.options.readahead)
                .min(self.len)
                .max(wanted.end);
            let span = wanted.start..ahead;
            let runs = Blocks::missing_runs(std::slice::from_ref(&span), 0, |i| self.have(i));
            self.fetch(&runs)?;
        }
        let mut out = Vec::with_capacity(len);
        for i in covering(&wanted) {
            let block = self
                .block(i)
                .ok_or_else(|| self.error(format!("block {i} missing after it was fetched")))?;
            let range = bytes_of(i, self.len);
            let from = wanted.start.max(range.start) - range.start;
            let to = wanted.end.min(range.end) - range.start;
            out.extend_from_slice(&block[from as usize..to as usize]);
        }
        Ok(Cow::Owned(out))
    }

    fn prefetch(&self, ranges: &[(u64, usize)]) -> Result<()> {
        let wanted: Vec<Range<u64>> = ranges
            .iter()
            .map(|&(at, n)| at.min(self.len)..(at + n as u64).min(self.len))
            .collect();
        // Runs two blocks apart or less are fetched as one range.
        let runs = Blocks::missing_runs(&wanted, 2, |i| self.have(i));
        self.fetch(&runs)
    }
}
