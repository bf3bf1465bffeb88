//! Byte sources: where the bytes of a ROOT file come from.
//!
//! Everything above this layer asks for byte ranges, so a local file (memory
//! mapped or read with positioned reads), an in-memory buffer and, later, HTTP
//! range requests plug in the same way.

use crate::error::{Error, Result};
use std::borrow::Cow;
use std::sync::Arc;

/// Random access to the bytes of one file.
pub trait ByteSource: Send + Sync {
    /// Total length in bytes.
    fn len(&self) -> u64;

    /// True for an empty source.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Reads `len` bytes at `offset`. Borrowed where the source can
    /// (memory maps, buffers), owned otherwise.
    fn read_at(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>>;

    /// A name for error messages (usually the path).
    fn name(&self) -> &str;

    /// Announces byte ranges (offset, length) about to be read, so that a remote source can
    /// fetch them in few requests; local sources need nothing.
    fn prefetch(&self, _ranges: &[(u64, usize)]) -> Result<()> {
        Ok(())
    }
}

/// Checks that `[offset, offset+len)` lies in a source of `total` bytes.
pub(crate) fn check_range(name: &str, total: u64, offset: u64, len: usize) -> Result<()> {
    match offset.checked_add(len as u64) {
        Some(end) if end <= total => Ok(()),
        _ => Err(Error::format(format!(
            "{name}: read of {len} bytes at offset {offset} goes past the end of the file ({total} bytes); the file is truncated or corrupt"
        ))),
    }
}

/// Borrows `[offset, offset+len)` of bytes held in memory (a buffer or a map).
fn borrow_range<'a>(name: &str, data: &'a [u8], offset: u64, len: usize) -> Result<Cow<'a, [u8]>> {
    check_range(name, data.len() as u64, offset, len)?;
    let start = offset as usize;
    Ok(Cow::Borrowed(&data[start..start + len]))
}

/// A source held in memory (used for tests, WebAssembly and small files).
pub struct MemorySource {
    name: String,
    data: Arc<[u8]>,
}

impl MemorySource {
    /// Wraps bytes under a display name.
    pub fn new(name: impl Into<String>, data: impl Into<Arc<[u8]>>) -> Self {
        MemorySource {
            name: name.into(),
            data: data.into(),
        }
    }
}

impl ByteSource for MemorySource {
    fn len(&self) -> u64 {
        self.data.len() as u64
    }
    fn read_at(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>> {
        borrow_range(&self.name, &self.data, offset, len)
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// A local file, memory mapped.
#[cfg(feature = "native")]
pub struct MmapSource {
    name: String,
    map: memmap2::Mmap,
}

#[cfg(feature = "native")]
impl MmapSource {
    /// Opens and maps a file.
    pub fn open(path: &std::path::Path) -> Result<Self> {
        let name = path.display().to_string();
        let io = |source| Error::Io {
            path: name.clone(),
            source,
        };
        let file = open_regular(path).map_err(io)?;
        // SAFETY: the map is read-only; a file changed underneath by another process gives wrong
        // bytes (caught by the format checks and by `hepkey run`'s check of size and time), and
        // one truncated raises SIGBUS, which `memory::report_truncated_inputs` reports.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
        #[cfg(unix)]
        crate::memory::note_mapped(&name);
        Ok(MmapSource { name, map })
    }
}

#[cfg(feature = "native")]
impl ByteSource for MmapSource {
    fn len(&self) -> u64 {
        self.map.len() as u64
    }
    fn read_at(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>> {
        borrow_range(&self.name, &self.map, offset, len)
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Opens a file that can hold a ROOT file: a directory, a pipe or a device is refused by name
/// (mapping one fails with an obscure "No such device", reading a pipe may never end).
fn open_regular(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let kind = std::fs::metadata(path)?.file_type();
    if kind.is_dir() {
        return Err(std::io::Error::other("is a directory, not a ROOT file"));
    }
    if !kind.is_file() {
        return Err(std::io::Error::other(
            "is not a regular file (a pipe or a device?); a ROOT file must be a file on disk",
        ));
    }
    std::fs::File::open(path)
}

/// A local file read with positioned reads (no map), for file systems where
/// mapping is unavailable or unwise.
pub struct FileSource {
    name: String,
    file: std::fs::File,
    len: u64,
}

impl FileSource {
    /// Opens a file.
    pub fn open(path: &std::path::Path) -> Result<Self> {
        let name = path.display().to_string();
        let io = |source| Error::Io {
            path: name.clone(),
            source,
        };
        let file = open_regular(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        Ok(FileSource { name, file, len })
    }
}

impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>> {
        check_range(&self.name, self.len, offset, len)?;
        let mut buf = vec![0u8; len];
        read_exact_at(&self.file, &mut buf, offset).map_err(|source| Error::Io {
            path: self.name.clone(),
            source,
        })?;
        Ok(Cow::Owned(buf))
    }
    fn name(&self) -> &str {
        &self.name
    }
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::os::unix::fs::FileExt;
    file.read_exact_at(buf, offset)
}

#[cfg(not(unix))]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = file.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}
