//! Opening a ROOT file: the header, the directory tree, object payloads.

use crate::compression;
use crate::cursor::Cursor;
use crate::directory::{Directory, DirectoryHeader};
use crate::error::{Error, Result, ResultExt};
use crate::key::Key;
use crate::source::ByteSource;
use crate::streamers::{read_streamer_infos, StreamerInfo};
use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// The file header (the first bytes of every ROOT file).
#[derive(Clone, Debug)]
pub struct FileHeader {
    pub version: i32,
    pub begin: i64,
    pub end: i64,
    pub nbytes_name: i32,
    pub compress: i32,
    pub seek_info: i64,
    pub nbytes_info: i32,
}

/// An open ROOT file.
pub struct RootFile {
    source: Arc<dyn ByteSource>,
    header: FileHeader,
    root: Directory,
    streamers: OnceLock<std::result::Result<Arc<[StreamerInfo]>, String>>,
}

/// An object found while walking the directory tree.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Full path, with directories separated by `/` (no cycle).
    pub path: String,
    pub key: Key,
}

impl RootFile {
    /// Opens a local file (memory mapped where the platform allows).
    pub fn open(path: impl AsRef<Path>) -> Result<RootFile> {
        let path = path.as_ref();
        #[cfg(feature = "native")]
        let source: Arc<dyn ByteSource> = Arc::new(crate::source::MmapSource::open(path)?);
        #[cfg(not(feature = "native"))]
        let source: Arc<dyn ByteSource> = Arc::new(crate::source::FileSource::open(path)?);
        Self::from_source(source)
    }

    /// Opens a file from any byte source.
    pub fn from_source(source: Arc<dyn ByteSource>) -> Result<RootFile> {
        let name = source.name().to_string();
        Self::read_structure(source).with_context(|| format!("{name}: not a readable ROOT file"))
    }

    fn read_structure(source: Arc<dyn ByteSource>) -> Result<RootFile> {
        let head_len = source.len().min(100) as usize;
        let head = source.read_at(0, head_len)?;
        let mut c = Cursor::new(&head, 0, "file header");
        if c.bytes(4).ok() != Some(b"root".as_slice()) {
            return Err(Error::format(
                "the file does not start with the ROOT magic bytes \"root\"",
            ));
        }
        let version = c.i32()?;
        let begin = c.i32()? as i64;
        let large = version >= 1_000_000;
        let end = if large { c.i64()? } else { c.i32()? as i64 };
        let _seek_free = if large { c.i64()? } else { c.i32()? as i64 };
        c.i32()?; // nbytes free
        c.i32()?; // nfree
        let nbytes_name = c.i32()?;
        c.u8()?; // units
        let compress = c.i32()?;
        let seek_info = if large { c.i64()? } else { c.i32()? as i64 };
        let nbytes_info = c.i32()?;
        let header = FileHeader {
            version,
            begin,
            end,
            nbytes_name,
            compress,
            seek_info,
            nbytes_info,
        };
        if begin < 0 || nbytes_name < 0 {
            return Err(Error::format("file header has negative offsets"));
        }
        // The top directory record follows the file's own key and name.
        let dir_at = (begin + nbytes_name as i64) as u64;
        let dir_len = (source.len().saturating_sub(dir_at)).min(64) as usize;
        let dir_bytes = source.read_at(dir_at, dir_len)?;
        let dir = DirectoryHeader::read(&mut Cursor::new(&dir_bytes, 0, "top directory"))?;
        let root =
            read_directory_keys(source.as_ref(), &dir).with_context(|| "top directory".into())?;
        drop(head);
        drop(dir_bytes);
        Ok(RootFile {
            source,
            header,
            root,
            streamers: OnceLock::new(),
        })
    }

    /// The file's name (path).
    pub fn name(&self) -> &str {
        self.source.name()
    }

    /// The byte source behind the file.
    pub fn source(&self) -> &Arc<dyn ByteSource> {
        &self.source
    }

    /// The header fields.
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// The top directory's keys.
    pub fn keys(&self) -> &[Key] {
        &self.root.keys
    }

    /// The keys of a subdirectory's key.
    pub fn directory(&self, key: &Key) -> Result<Directory> {
        let data = self.object_bytes(key)?;
        let dir = DirectoryHeader::read(&mut Cursor::new(&data, 0, &key.name))?;
        read_directory_keys(self.source.as_ref(), &dir)
            .with_context(|| format!("{}: directory {}", self.name(), key.name))
    }

    /// Every object of the file, depth first, directories included.
    pub fn walk(&self) -> Result<Vec<Entry>> {
        let mut out = Vec::new();
        self.walk_into(&self.root, "", &mut out, 0)?;
        Ok(out)
    }

    fn walk_into(
        &self,
        dir: &Directory,
        prefix: &str,
        out: &mut Vec<Entry>,
        depth: usize,
    ) -> Result<()> {
        if depth > 64 {
            return Err(Error::format(format!(
                "{}: directories nested more than 64 deep (a loop in a corrupt file?)",
                self.name()
            )));
        }
        for key in &dir.keys {
            let path = format!("{prefix}{}", key.name);
            out.push(Entry {
                path: path.clone(),
                key: key.clone(),
            });
            if key.is_directory() {
                let sub = self.directory(key)?;
                self.walk_into(&sub, &format!("{path}/"), out, depth + 1)?;
            }
        }
        Ok(())
    }

    /// Finds an object's key by path (`dir/name` or `dir/name;cycle`).
    pub fn find_key(&self, path: &str) -> Result<Key> {
        let (path, cycle) = match path.rsplit_once(';') {
            Some((p, c)) => match c.parse::<i16>() {
                Ok(c) => (p, Some(c)),
                Err(_) => (path, None),
            },
            None => (path, None),
        };
        let mut dir = Cow::Borrowed(&self.root);
        let mut parts = path.trim_matches('/').split('/').peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            let key = dir.find(part, if last { cycle } else { None }).cloned();
            let Some(key) = key else {
                let available: Vec<&str> = dir.keys.iter().map(|k| k.name.as_str()).collect();
                return Err(Error::NotFound(format!(
                    "{}: no object named {:?} (available: {})",
                    self.name(),
                    path,
                    available.join(", ")
                )));
            };
            if last {
                return Ok(key);
            }
            if !key.is_directory() {
                return Err(Error::NotFound(format!(
                    "{}: {:?} is a {}, not a directory",
                    self.name(),
                    part,
                    key.class_name
                )));
            }
            dir = Cow::Owned(self.directory(&key)?);
        }
        Err(Error::NotFound(format!(
            "{}: empty object path",
            self.name()
        )))
    }

    /// The uncompressed payload of a key's object.
    pub fn object_bytes(&self, key: &Key) -> Result<Vec<u8>> {
        let start = key.seek_key as u64 + key.keylen as u64;
        let stored = self.source.read_at(start, key.stored_len())?;
        self.decompress_object(key, &stored)
    }

    /// The object of `key` from its bytes as stored (already read).
    pub(crate) fn decompress_object(&self, key: &Key, stored: &[u8]) -> Result<Vec<u8>> {
        let what = format!("{}: {} {}", self.name(), key.class_name, key.name);
        compression::decompress(stored, key.objlen as usize, &what)
    }

    /// The streamer infos (class descriptions), read once.
    pub fn streamer_infos(&self) -> Result<&[StreamerInfo]> {
        self.shared_streamer_infos().map(|v| &v[..])
    }

    /// [`RootFile::streamer_infos`], shared (trees keep them to read their branches later).
    pub(crate) fn shared_streamer_infos(&self) -> Result<&Arc<[StreamerInfo]>> {
        let r = self.streamers.get_or_init(|| {
            self.read_streamer_infos_uncached()
                .map(Arc::from)
                .map_err(|e| e.to_string())
        });
        match r {
            Ok(v) => Ok(v),
            Err(e) => Err(Error::format(e.clone())),
        }
    }

    fn read_streamer_infos_uncached(&self) -> Result<Vec<StreamerInfo>> {
        if self.header.seek_info <= 0 || self.header.nbytes_info <= 0 {
            return Ok(Vec::new());
        }
        let raw = self.source.read_at(
            self.header.seek_info as u64,
            self.header.nbytes_info as usize,
        )?;
        let key = Key::read(&mut Cursor::new(&raw, 0, "streamer info key"))?;
        let data = self.object_bytes(&key)?;
        let mut c = Cursor::new(&data, key.keylen as u32, "streamer infos");
        read_streamer_infos(&mut c).with_context(|| format!("{}: streamer infos", self.name()))
    }
}

fn read_directory_keys(source: &dyn ByteSource, dir: &DirectoryHeader) -> Result<Directory> {
    if dir.seek_keys == 0 {
        return Ok(Directory::default());
    }
    let bytes = source.read_at(dir.seek_keys as u64, dir.nbytes_keys as usize)?;
    Directory::read_keys(&mut Cursor::new(&bytes, 0, "key list"))
}
