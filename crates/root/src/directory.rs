//! TDirectory: a list of keys, possibly nested.

use crate::cursor::Cursor;
use crate::error::Result;
use crate::key::Key;

/// The fixed part of a directory record.
#[derive(Clone, Debug)]
pub struct DirectoryHeader {
    pub nbytes_keys: i32,
    pub seek_keys: i64,
}

impl DirectoryHeader {
    /// Reads a TDirectory record (small or large-file layout).
    pub fn read(c: &mut Cursor) -> Result<DirectoryHeader> {
        let version = c.i16()?;
        c.u32()?; // created
        c.u32()?; // modified
        let nbytes_keys = c.i32()?;
        let _nbytes_name = c.i32()?;
        let seek_keys = if version > 1000 {
            c.i64()?; // seek dir
            c.i64()?; // seek parent
            c.i64()?
        } else {
            c.i32()?;
            c.i32()?;
            c.i32()? as i64
        };
        if nbytes_keys < 0 || seek_keys < 0 {
            return Err(c.error(format!(
                "directory record has a negative key-list size {nbytes_keys} or position {seek_keys}"
            )));
        }
        Ok(DirectoryHeader {
            nbytes_keys,
            seek_keys,
        })
    }
}

/// The keys of one directory.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    pub keys: Vec<Key>,
}

impl Directory {
    /// Parses a key list: its own key header, a count, then the keys.
    pub fn read_keys(c: &mut Cursor) -> Result<Directory> {
        Key::read(c)?;
        let n = c.count(20)?;
        let mut keys = Vec::with_capacity(n);
        for _ in 0..n {
            keys.push(Key::read(c)?);
        }
        Ok(Directory { keys })
    }

    /// Finds a key by name and optional cycle; without a cycle, the highest.
    pub fn find(&self, name: &str, cycle: Option<i16>) -> Option<&Key> {
        self.keys
            .iter()
            .filter(|k| k.name == name && cycle.is_none_or(|c| k.cycle == c))
            .max_by_key(|k| k.cycle)
    }
}
