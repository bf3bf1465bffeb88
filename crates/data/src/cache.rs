//! Where downloaded files live and the manifest that says what each one is.
//!
//! A download directory (the cache, or the `-o DIR` of `hepkey data get`) holds the files and
//! `hepkey-manifest.json`, which lists for each file its path relative to the directory, its
//! dataset, URL, size, adler32 and download time. `hepkey data verify DIR` rechecks them.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::model::{Dataset, FileEntry};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const CACHE_ENV: &str = "HEPKEY_CACHE";
pub const MANIFEST: &str = "hepkey-manifest.json";
const MANIFEST_SCHEMA: u32 = 1;

/// `HEPKEY_CACHE`, else `$XDG_CACHE_HOME/hepkey`, else `~/.cache/hepkey`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(CACHE_ENV).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    if let Some(dir) = std::env::var_os("XDG_CACHE_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("hepkey");
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| ".".into());
    PathBuf::from(home).join(".cache").join("hepkey")
}

/// How files are laid out in a download directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `DIR/<dataset name>/<file>`: the cache, where datasets never collide.
    ByDataset,
    /// `DIR/<file>`: an output directory chosen with `-o`.
    Flat,
    /// `DIR/<host>/<URL path>`: as the files lie on their server, so that a release's own
    /// directory structure (`4lep/Data/…`, `4lep/MC/…`) is kept (the offline key).
    Mirror,
}

/// A file's path relative to its download directory.
pub fn relative_path(layout: Layout, dataset: &Dataset, file: &FileEntry) -> PathBuf {
    match layout {
        Layout::ByDataset => Path::new(&dataset.name).join(file.file_name()),
        Layout::Flat => PathBuf::from(file.file_name()),
        Layout::Mirror => mirror_path(file),
    }
}

/// `https://host:port/a/b/c.root?x` → `host_port/a/b/<file name>`, with only plain components.
fn mirror_path(file: &FileEntry) -> PathBuf {
    let without_scheme = file.url.split_once("://").map_or(&*file.url, |(_, r)| r);
    let without_query = without_scheme.split(['?', '#']).next().unwrap_or("");
    let mut parts: Vec<String> = without_query
        .split('/')
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(|p| p.replace([':', '\\'], "_"))
        .collect();
    parts.pop(); // the last segment: replaced by the file's name
    let mut path: PathBuf = parts.iter().collect();
    path.push(file.file_name());
    path
}

/// One downloaded file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ManifestEntry {
    /// Relative to the manifest's directory, `/`-separated.
    pub path: String,
    pub dataset: String,
    pub url: String,
    pub size: u64,
    /// The adler32 the file was verified against (or, where the catalog has none, measured).
    pub adler32: String,
    /// Whether `adler32` came from the catalog (verified) or was only measured.
    pub verified: bool,
    /// Seconds since 1970-01-01 UTC when the file was completed.
    pub time: u64,
    /// The file's modification time (seconds since 1970) when it was verified: a file whose
    /// size or modification time changed since is checksummed again before it is trusted.
    #[serde(default)]
    pub mtime_ns: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: u32,
    pub files: Vec<ManifestEntry>,
}

impl Manifest {
    /// The manifest of `dir` (empty if it has none yet).
    pub fn read(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let m: Manifest =
                    serde_json::from_slice(&bytes).map_err(|e| Error::BadManifest {
                        path: path.clone(),
                        message: e.to_string(),
                    })?;
                if m.schema != MANIFEST_SCHEMA {
                    return Err(Error::BadManifest {
                        path,
                        message: format!(
                            "schema {} (this hepkey reads {MANIFEST_SCHEMA})",
                            m.schema
                        ),
                    });
                }
                Ok(m)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest {
                schema: MANIFEST_SCHEMA,
                files: Vec::new(),
            }),
            Err(e) => Err(Error::io(path, e)),
        }
    }

    pub fn entry(&self, path: &str) -> Option<&ManifestEntry> {
        self.files.iter().find(|e| e.path == path)
    }

    /// Adds `entry` (replacing the one with the same path) and writes the manifest of `dir`
    /// atomically, under a lock so that concurrent hepkey processes do not lose entries.
    pub fn record(dir: &Path, entry: ManifestEntry) -> Result<()> {
        Manifest::update(dir, |m| {
            m.files.retain(|e| e.path != entry.path);
            m.files.push(entry);
            m.files.sort_by(|a, b| a.path.cmp(&b.path));
        })
    }

    /// Removes the entry for `path`, if any.
    pub fn forget(dir: &Path, path: &str) -> Result<()> {
        Manifest::update(dir, |m| m.files.retain(|e| e.path != path))
    }

    fn update(dir: &Path, change: impl FnOnce(&mut Manifest)) -> Result<()> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let lock_path = dir.join(".hepkey-manifest.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| Error::io(&lock_path, e))?;
        lock.lock().map_err(|e| Error::io(&lock_path, e))?;
        let mut manifest = Manifest::read(dir)?;
        manifest.schema = MANIFEST_SCHEMA;
        change(&mut manifest);
        let path = dir.join(MANIFEST);
        let tmp = dir.join(format!(".{MANIFEST}.{}.tmp", std::process::id()));
        let text = serde_json::to_string_pretty(&manifest).expect("manifest serialises");
        std::fs::write(&tmp, text + "\n").map_err(|e| Error::io(&tmp, e))?;
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
        Ok(())
    }
}

/// `/`-separated form of a relative path, as the manifest stores it.
pub fn manifest_path(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// The cached files of dataset `name`, in catalog order; an error naming the command to run
/// when some are missing. Used by analysis files (`dataset = "…"`).
pub fn resolve_dataset(catalog: &Catalog, name: &str) -> Result<Vec<PathBuf>> {
    let dataset = catalog.get(name).ok_or_else(|| catalog.unknown(name))?;
    resolve_in(&cache_dir(), dataset)
}

/// The files of `dataset` in the cache directory `cache`.
pub fn resolve_in(cache: &Path, dataset: &Dataset) -> Result<Vec<PathBuf>> {
    if dataset.kind == crate::Kind::Metadata || dataset.files.is_empty() {
        return Err(Error::NotDownloadable {
            name: dataset.name.clone(),
            reason: "the catalog lists no files for it".into(),
        });
    }
    let paths: Vec<PathBuf> = dataset
        .files
        .iter()
        .map(|f| cache.join(relative_path(Layout::ByDataset, dataset, f)))
        .collect();
    let missing = paths.iter().filter(|p| !p.is_file()).count();
    if missing > 0 {
        return Err(Error::NotDownloaded {
            name: dataset.name.clone(),
            missing,
            total: paths.len(),
            cache: cache.to_path_buf(),
        });
    }
    Ok(paths)
}

/// Modification time of `path` in nanoseconds since 1970 (0 if unknown).
pub fn mtime_of(path: &Path) -> u64 {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64)
}

#[cfg(feature = "net")]
pub(crate) fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
