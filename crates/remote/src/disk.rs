//! The block cache on disk: per URL, a sparse file of the remote file's length holding the
//! blocks fetched so far, and a bitmap of which ones. A second read of the same bytes, in this
//! process or a later one, needs no network; several processes may share it (a block is the
//! same bytes whoever writes it; a lost bitmap update only means a block is fetched again).

use crate::blocks::{bytes_of, BLOCK};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub(crate) struct DiskCache {
    data: File,
    present_path: PathBuf,
    present: Mutex<Vec<u8>>,
    len: u64,
}

impl DiskCache {
    /// The cache of `url` (a file of `len` bytes) under `dir`; a cache made for another length
    /// (the file changed on the server) is started afresh.
    pub(crate) fn open(dir: &Path, url: &str, len: u64) -> std::io::Result<DiskCache> {
        std::fs::create_dir_all(dir)?;
        let stem = stem(dir, url);
        let (data_path, present_path, meta_path) = (
            stem.with_extension("data"),
            stem.with_extension("present"),
            stem.with_extension("url"),
        );
        let meta = format!("{url}\n{len}\n");
        let fresh = std::fs::read_to_string(&meta_path).ok().as_deref() != Some(meta.as_str());
        if fresh {
            let _ = std::fs::remove_file(&present_path);
        }
        let data = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&data_path)?;
        if fresh || data.metadata()?.len() != len {
            data.set_len(0)?;
            data.set_len(len)?;
            write_replacing(&meta_path, meta.as_bytes())?;
        }
        let blocks = len.div_ceil(BLOCK) as usize;
        let mut present = std::fs::read(&present_path).unwrap_or_default();
        present.resize(blocks.div_ceil(8), 0);
        Ok(DiskCache {
            data,
            present_path,
            present: Mutex::new(present),
            len,
        })
    }

    /// The length of `url` as a cache under `dir` recorded it, so that a file read before opens
    /// with no network.
    pub(crate) fn known_len(dir: &Path, url: &str) -> Option<u64> {
        let meta = std::fs::read_to_string(stem(dir, url).with_extension("url")).ok()?;
        let mut lines = meta.lines();
        (lines.next()? == url).then_some(())?;
        lines.next()?.parse().ok()
    }

    pub(crate) fn has(&self, index: u64) -> bool {
        let present = self.present.lock().expect("bitmap");
        present
            .get((index / 8) as usize)
            .is_some_and(|b| b & (1 << (index % 8)) != 0)
    }

    /// Block `index`, if it is on disk.
    pub(crate) fn read(&self, index: u64) -> Option<Vec<u8>> {
        if !self.has(index) {
            return None;
        }
        let range = bytes_of(index, self.len);
        let mut buf = vec![0u8; (range.end - range.start) as usize];
        read_exact_at(&self.data, &mut buf, range.start).ok()?;
        Some(buf)
    }

    /// Stores blocks (index, bytes), then records them in the bitmap.
    pub(crate) fn write(&self, blocks: &[(u64, &[u8])]) -> std::io::Result<()> {
        for (index, bytes) in blocks {
            write_all_at(&self.data, bytes, bytes_of(*index, self.len).start)?;
        }
        let mut present = self.present.lock().expect("bitmap");
        for (index, _) in blocks {
            if let Some(b) = present.get_mut((index / 8) as usize) {
                *b |= 1 << (index % 8);
            }
        }
        write_replacing(&self.present_path, &present)
    }
}

/// The cache files of `url` are `<stem>.data`, `.present` and `.url`.
fn stem(dir: &Path, url: &str) -> PathBuf {
    use sha2::{Digest, Sha256};
    let key = format!("{:x}", Sha256::digest(url.as_bytes()));
    dir.join(&key[..32])
}

/// Replaces a small file through a temporary name, so a reader never sees half of it.
fn write_replacing(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

#[cfg(not(unix))]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.write_all(buf)
}
