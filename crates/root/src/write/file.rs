//! The file writer: header, directories, keys, and the final assembly.

use super::buffer::WBuf;
use super::compress::{compress, Compression};
use super::rntuple::{FieldSpec, NTupleBuilder};
use super::tree::{BranchSpec, TreeBuilder};
use crate::error::{Error, Result};
use crate::hist::Histogram;
use hepkey_column::Array;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Where the first key starts (ROOT's fBEGIN).
const BEGIN: u64 = 100;
/// ROOT file format version written (6.40, large-file layout).
const FILE_VERSION: i32 = 1_064_000;
/// Key version with 64-bit positions.
const KEY_VERSION: i16 = 1004;
const DIRECTORY_VERSION: i16 = 1005;
/// A fixed timestamp (2026-01-01 00:00:00 in ROOT's packed form) so that
/// the same content gives the same bytes.
const DATIME: u32 = ((2026 - 1995) << 26) | (1 << 21) | (1 << 16);
/// Size of a TDirectory record with 64-bit positions, plus its UUID.
const DIRECTORY_RECORD: usize = 2 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 18;

/// A directory of the file being written (0 is the top directory).
pub type DirId = usize;
/// A tree of the file being written.
pub type TreeId = usize;
/// An RNTuple of the file being written.
pub type NTupleId = usize;

struct Dir {
    name: String,
    title: String,
    parent: DirId,
    /// Where the directory's key (the TFile key for the top) starts.
    key_seek: u64,
    /// Where its TDirectory record is, to complete at the end.
    record_seek: u64,
    nbytes_name: i32,
    /// Headers of the keys it holds, in order.
    keys: Vec<Vec<u8>>,
}

/// A ROOT file being written.
pub struct FileWriter {
    path: PathBuf,
    tmp: PathBuf,
    out: BufWriter<std::fs::File>,
    pos: u64,
    compression: Compression,
    dirs: Vec<Dir>,
    trees: Vec<Option<TreeBuilder>>,
    ntuples: Vec<Option<NTupleBuilder>>,
    /// Entries per basket (all branches of a tree flush together).
    pub basket_entries: usize,
    /// Entries after which an RNTuple's pending entries are written as a
    /// cluster (checked after each fill).
    pub cluster_entries: usize,
}

/// A key header serialised.
/// The numbers of a key header.
pub(crate) struct KeySizes {
    pub nbytes: i32,
    pub objlen: i32,
    pub keylen: i16,
    pub seek: u64,
    pub pdir: u64,
}

pub(crate) fn key_header(k: KeySizes, class: &str, name: &str, title: &str) -> Vec<u8> {
    let KeySizes {
        nbytes,
        objlen,
        keylen,
        seek,
        pdir,
    } = k;
    let mut b = WBuf::new(0);
    b.i32(nbytes);
    b.i16(KEY_VERSION);
    b.i32(objlen);
    b.u32(DATIME);
    b.i16(keylen);
    b.i16(1); // cycle
    b.i64(seek as i64);
    b.i64(pdir as i64);
    b.string(class);
    b.string(name);
    b.string(title);
    b.data
}

/// The length of a key header with these strings.
pub(crate) fn key_len(class: &str, name: &str, title: &str) -> usize {
    let s = |x: &str| x.len() + if x.len() < 255 { 1 } else { 5 };
    4 + 2 + 4 + 4 + 2 + 2 + 8 + 8 + s(class) + s(name) + s(title)
}

impl FileWriter {
    /// Starts a file at `path` (written as `path.tmp…`, renamed by [`FileWriter::close`]).
    pub fn create(path: impl AsRef<Path>, compression: Compression) -> Result<FileWriter> {
        let path = path.as_ref().to_path_buf();
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out.root".into());
        let (tmp, file) = create_temporary(&path, &file_name)?;
        let mut w = FileWriter {
            path,
            tmp,
            out: BufWriter::with_capacity(1 << 20, file),
            pos: 0,
            compression,
            dirs: Vec::new(),
            trees: Vec::new(),
            ntuples: Vec::new(),
            basket_entries: 10_000,
            cluster_entries: 500_000,
        };
        // Header (completed at close), then the TFile key and top directory.
        w.write_raw(&[0u8; BEGIN as usize])?;
        let keylen = key_len("TFile", &file_name, "");
        let mut names = WBuf::new(0);
        names.string(&file_name);
        names.string("");
        let nbytes_name = (keylen + names.len()) as i32;
        let total = keylen + names.len() + DIRECTORY_RECORD;
        let header = key_header(
            KeySizes {
                nbytes: total as i32,
                objlen: total as i32 - keylen as i32,
                keylen: keylen as i16,
                seek: BEGIN,
                pdir: 0,
            },
            "TFile",
            &file_name,
            "",
        );
        w.write_raw(&header)?;
        w.write_raw(&names.data)?;
        let record_seek = w.pos;
        w.write_raw(&[0u8; DIRECTORY_RECORD])?;
        w.dirs.push(Dir {
            name: file_name,
            title: String::new(),
            parent: 0,
            key_seek: BEGIN,
            record_seek,
            nbytes_name,
            keys: Vec::new(),
        });
        Ok(w)
    }

    /// The top directory.
    pub fn root(&self) -> DirId {
        0
    }

    /// The file's compression.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io {
            path: self.tmp.display().to_string(),
            source,
        }
    }

    pub(crate) fn write_raw(&mut self, bytes: &[u8]) -> Result<u64> {
        let at = self.pos;
        self.out.write_all(bytes).map_err(|e| self.io(e))?;
        self.pos += bytes.len() as u64;
        Ok(at)
    }

    /// Writes an object under a key in `dir`; returns where the key starts.
    /// `payload` is the uncompressed object (serialised for `keylen`).
    pub(crate) fn write_key(
        &mut self,
        dir: DirId,
        class: &str,
        name: &str,
        title: &str,
        payload: &[u8],
    ) -> Result<u64> {
        let pdir = self.dirs[dir].key_seek;
        let (seek, header, _) = self.write_record(pdir, class, name, title, payload, true)?;
        self.dirs[dir].keys.push(header);
        Ok(seek)
    }

    /// Writes a key and its payload (compressed if asked and it pays);
    /// returns where it starts, its header and its total size.
    fn write_record(
        &mut self,
        pdir: u64,
        class: &str,
        name: &str,
        title: &str,
        payload: &[u8],
        compressed: bool,
    ) -> Result<(u64, Vec<u8>, i32)> {
        let keylen = key_len(class, name, title);
        let stored = if compressed {
            compress(payload, self.compression)
        } else {
            payload.to_vec()
        };
        let seek = self.pos;
        let header = key_header(
            KeySizes {
                nbytes: (keylen + stored.len()) as i32,
                objlen: payload.len() as i32,
                keylen: keylen as i16,
                seek,
                pdir,
            },
            class,
            name,
            title,
        );
        self.write_raw(&header)?;
        self.write_raw(&stored)?;
        let nbytes = (header.len() + stored.len()) as i32;
        Ok((seek, header, nbytes))
    }

    /// Creates a subdirectory of `parent`.
    pub fn mkdir(&mut self, parent: DirId, name: &str) -> Result<DirId> {
        if parent >= self.dirs.len() {
            return Err(Error::NotFound(format!("no directory #{parent}")));
        }
        let keylen = key_len("TDirectory", name, name);
        let seek = self.pos;
        let header = key_header(
            KeySizes {
                nbytes: (keylen + DIRECTORY_RECORD) as i32,
                objlen: DIRECTORY_RECORD as i32,
                keylen: keylen as i16,
                seek,
                pdir: self.dirs[parent].key_seek,
            },
            "TDirectory",
            name,
            name,
        );
        self.write_raw(&header)?;
        let record_seek = self.write_raw(&[0u8; DIRECTORY_RECORD])?;
        self.dirs[parent].keys.push(header);
        self.dirs.push(Dir {
            name: name.to_string(),
            title: name.to_string(),
            parent,
            key_seek: seek,
            record_seek,
            nbytes_name: keylen as i32,
            keys: Vec::new(),
        });
        Ok(self.dirs.len() - 1)
    }

    /// Creates (or finds) a directory path like `a/b/c` below the top.
    pub fn mkdirs(&mut self, path: &str) -> Result<DirId> {
        let mut dir = self.root();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let existing = (0..self.dirs.len())
                .find(|&d| d != 0 && self.dirs[d].parent == dir && self.dirs[d].name == part);
            dir = match existing {
                Some(d) => d,
                None => self.mkdir(dir, part)?,
            };
        }
        Ok(dir)
    }

    /// Writes a histogram (TH1D for one axis, TH2D for two) into `dir`.
    pub fn write_histogram(&mut self, dir: DirId, h: &Histogram) -> Result<()> {
        let (class, payload) = super::hist::serialise(h)?;
        self.write_key(dir, class, &h.name, &h.title, &payload)?;
        Ok(())
    }

    /// Declares a tree; fill it with [`FileWriter::fill`].
    pub fn add_tree(
        &mut self,
        dir: DirId,
        name: &str,
        title: &str,
        branches: Vec<BranchSpec>,
    ) -> Result<TreeId> {
        let t = TreeBuilder::new(dir, name, title, branches, self.compression)?;
        self.trees.push(Some(t));
        Ok(self.trees.len() - 1)
    }

    /// Appends entries: one column per declared branch, in order, all of
    /// the same length.
    pub fn fill(&mut self, tree: TreeId, columns: &[Array]) -> Result<()> {
        let mut t = self
            .trees
            .get_mut(tree)
            .and_then(Option::take)
            .ok_or_else(|| Error::NotFound(format!("no open tree #{tree}")))?;
        let result = t.append(columns).and_then(|()| {
            if t.pending_entries() >= self.basket_entries {
                t.flush(self)
            } else {
                Ok(())
            }
        });
        self.trees[tree] = Some(t);
        result
    }

    /// Declares an RNTuple (its header is written now); fill it with
    /// [`FileWriter::fill_rntuple`].
    pub fn add_rntuple(
        &mut self,
        dir: DirId,
        name: &str,
        fields: Vec<FieldSpec>,
    ) -> Result<NTupleId> {
        if dir >= self.dirs.len() {
            return Err(Error::NotFound(format!("no directory #{dir}")));
        }
        let n = NTupleBuilder::new(self, dir, name, fields)?;
        self.ntuples.push(Some(n));
        Ok(self.ntuples.len() - 1)
    }

    /// Appends entries to an RNTuple: one array per declared field, in
    /// order, all of the same length. A cluster is written once
    /// [`FileWriter::cluster_entries`] entries (or 512 MiB) are pending.
    pub fn fill_rntuple(&mut self, ntuple: NTupleId, arrays: &[Array]) -> Result<()> {
        let mut n = self
            .ntuples
            .get_mut(ntuple)
            .and_then(Option::take)
            .ok_or_else(|| Error::NotFound(format!("no open RNTuple #{ntuple}")))?;
        let result = n.append(arrays).and_then(|()| {
            if n.pending_entries() >= self.cluster_entries as u64
                || n.pending_bytes() >= super::rntuple::MAX_CLUSTER_BYTES
            {
                n.flush(self)
            } else {
                Ok(())
            }
        });
        self.ntuples[ntuple] = Some(n);
        result
    }

    /// Writes everything still pending, the directories and the header,
    /// then moves the file to its final name.
    pub fn close(mut self) -> Result<()> {
        let trees: Vec<TreeBuilder> = self.trees.iter_mut().filter_map(Option::take).collect();
        for mut t in trees {
            t.flush(&mut self)?;
            let dir = t.dir;
            let (name, title) = (t.name.clone(), t.title.clone());
            let keylen = key_len("TTree", &name, &title);
            let payload = t.serialise(keylen as u32);
            self.write_key(dir, "TTree", &name, &title, &payload)?;
        }
        let ntuples: Vec<NTupleBuilder> =
            self.ntuples.iter_mut().filter_map(Option::take).collect();
        for n in ntuples {
            let (dir, name) = (n.dir, n.name.clone());
            let anchor = n.finish(&mut self)?;
            self.write_key(dir, crate::rntuple::ANCHOR_CLASS, &name, "", &anchor)?;
        }
        // An empty streamer-info list: readers use their own class descriptions.
        let keylen = key_len("TList", "StreamerInfo", "Doubly linked list");
        let mut list = WBuf::new(keylen as u32);
        let p = list.begin(5);
        list.tobject();
        list.string("");
        list.i32(0);
        list.end(p);
        let (info_seek, _, nbytes_info) = self.write_record(
            BEGIN,
            "TList",
            "StreamerInfo",
            "Doubly linked list",
            &list.data,
            true,
        )?;
        // Key lists, deepest directories first does not matter: all are complete.
        let mut records = Vec::new();
        for d in 0..self.dirs.len() {
            let class = if d == 0 { "TFile" } else { "TDirectory" };
            let (name, title) = (self.dirs[d].name.clone(), self.dirs[d].title.clone());
            let mut body = WBuf::new(0);
            body.i32(self.dirs[d].keys.len() as i32);
            for k in &self.dirs[d].keys {
                body.bytes(k);
            }
            let pdir = self.dirs[d].key_seek;
            let (seek, _, nbytes_keys) =
                self.write_record(pdir, class, &name, &title, &body.data, false)?;
            let dir = &self.dirs[d];
            let parent_seek = if d == 0 {
                0
            } else {
                self.dirs[dir.parent].key_seek
            };
            records.push((
                dir.record_seek,
                directory_record(
                    nbytes_keys,
                    dir.nbytes_name,
                    dir.key_seek,
                    parent_seek,
                    seek,
                ),
            ));
        }
        // Free segments: everything after the end.
        let name = self.dirs[0].name.clone();
        let keylen = key_len("TFile", &name, "");
        let mut free = WBuf::new(0);
        free.i16(1001);
        let end_guess = self.pos + (keylen + 18) as u64;
        free.i64(end_guess as i64);
        free.i64(2_000_000_000_000);
        let (seek_free, _, nbytes_free) =
            self.write_record(BEGIN, "TFile", &name, "", &free.data, false)?;
        let end = self.pos;
        // Header and directory records.
        let mut h = WBuf::new(0);
        h.bytes(b"root");
        h.i32(FILE_VERSION);
        h.i32(BEGIN as i32);
        h.i64(end as i64);
        h.i64(seek_free as i64);
        h.i32(nbytes_free);
        h.i32(1); // free segments
        h.i32(self.dirs[0].nbytes_name);
        h.u8(8); // units: 8-byte positions
        h.i32(self.compression.setting());
        h.i64(info_seek as i64);
        h.i32(nbytes_info);
        h.u16(1);
        h.bytes(&uuid(&self.dirs[0].name));
        self.out.flush().map_err(|e| self.io(e))?;
        let file = self.out.get_mut();
        let r = (|| -> std::io::Result<()> {
            for (at, bytes) in
                std::iter::once((0u64, &h.data)).chain(records.iter().map(|(a, r)| (*a, r)))
            {
                file.seek(SeekFrom::Start(at))?;
                file.write_all(bytes)?;
            }
            file.sync_all()
        })();
        r.map_err(|e| Error::Io {
            path: self.tmp.display().to_string(),
            source: e,
        })?;
        let renamed = std::fs::rename(&self.tmp, &self.path).map_err(|e| Error::Io {
            path: self.path.display().to_string(),
            source: e,
        });
        announce(&self.tmp, false);
        renamed
    }

    /// Current write position (for basket keys).
    pub(crate) fn position(&self) -> u64 {
        self.pos
    }
}

impl Drop for FileWriter {
    fn drop(&mut self) {
        // Not closed (an error or a panic on the way): leave nothing behind.
        if self.tmp.exists() {
            let _ = std::fs::remove_file(&self.tmp);
            announce(&self.tmp, false);
        }
    }
}

/// Told of every temporary file: `(path, true)` when it is created, `(path, false)` when it is
/// renamed or removed. A program sets it to remove files still in flight when it is interrupted.
static TEMPORARY_FILE_HOOK: std::sync::OnceLock<fn(&Path, bool)> = std::sync::OnceLock::new();

/// Sets the hook told of temporary files (once; later calls are ignored).
pub fn set_temporary_file_hook(hook: fn(&Path, bool)) {
    let _ = TEMPORARY_FILE_HOOK.set(hook);
}

fn announce(path: &Path, in_flight: bool) {
    if let Some(hook) = TEMPORARY_FILE_HOOK.get() {
        hook(path, in_flight);
    }
}

/// Removes temporary files of `path` left by writers that were killed (SIGKILL, a crash): those
/// named `.{file_name}.{pid}-….tmp` whose process no longer runs. Only where the process table
/// can be read (`/proc`); elsewhere nothing is removed.
fn remove_stale_temporaries(path: &Path, file_name: &str) {
    let proc_table = Path::new("/proc/self");
    if !proc_table.exists() {
        return;
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{file_name}.");
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some(pid) = rest.split('-').next().filter(|p| p.parse::<u32>().is_ok()) else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A new temporary file beside `path`, created exclusively (`O_EXCL`): a file or symlink planted
/// under the name makes the attempt fail instead of being overwritten or followed.
fn create_temporary(path: &Path, file_name: &str) -> Result<(PathBuf, std::fs::File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    remove_stale_temporaries(path, file_name);
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut last = None;
    for _ in 0..16 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let unique = format!(
            "{}-{}-{nanos:08x}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let tmp = path.with_file_name(format!(".{file_name}.{unique}.tmp"));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => {
                announce(&tmp, true);
                return Ok((tmp, file));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some((tmp, e)),
            Err(source) => {
                return Err(Error::Io {
                    path: tmp.display().to_string(),
                    source,
                })
            }
        }
    }
    let (tmp, source) = last.expect("at least one attempt");
    Err(Error::Io {
        path: tmp.display().to_string(),
        source,
    })
}

fn directory_record(
    nbytes_keys: i32,
    nbytes_name: i32,
    seek_dir: u64,
    seek_parent: u64,
    seek_keys: u64,
) -> Vec<u8> {
    let mut b = WBuf::new(0);
    b.i16(DIRECTORY_VERSION);
    b.u32(DATIME);
    b.u32(DATIME);
    b.i32(nbytes_keys);
    b.i32(nbytes_name);
    b.i64(seek_dir as i64);
    b.i64(seek_parent as i64);
    b.i64(seek_keys as i64);
    b.u16(1);
    b.bytes(&uuid(&format!("{seek_dir}")));
    debug_assert_eq!(b.len(), DIRECTORY_RECORD);
    b.data
}

/// A deterministic identifier from a name (files must not differ run to run).
fn uuid(name: &str) -> [u8; 16] {
    let h1 = xxhash_rust::xxh64::xxh64(name.as_bytes(), 1);
    let h2 = xxhash_rust::xxh64::xxh64(name.as_bytes(), 2);
    let mut out = [0u8; 16];
    out[..8].copy_from_slice(&h1.to_be_bytes());
    out[8..].copy_from_slice(&h2.to_be_bytes());
    out
}
