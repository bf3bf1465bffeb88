//! TKey: the record in front of every object stored in a ROOT file.

use crate::cursor::Cursor;
use crate::error::Result;

/// One key of a directory: where an object is and what it is.
#[derive(Clone, Debug)]
pub struct Key {
    /// Total bytes of the key and its (possibly compressed) object.
    pub nbytes: i32,
    /// Uncompressed length of the object.
    pub objlen: i32,
    /// Length of the key header.
    pub keylen: i16,
    /// Cycle number ("name;cycle").
    pub cycle: i16,
    /// Where the key starts in the file.
    pub seek_key: i64,
    /// Class of the object, e.g. `TTree`, `TH1F`.
    pub class_name: String,
    /// The object's name.
    pub name: String,
    /// The object's title.
    pub title: String,
}

impl Key {
    /// Reads a key header at the cursor.
    pub fn read(c: &mut Cursor) -> Result<Key> {
        let nbytes = c.i32()?;
        let version = c.i16()?;
        let objlen = c.i32()?;
        c.u32()?; // datime
        let keylen = c.i16()?;
        let cycle = c.i16()?;
        let (seek_key, _seek_pdir) = if version > 1000 {
            (c.i64()?, c.i64()?)
        } else {
            (c.i32()? as i64, c.i32()? as i64)
        };
        let class_name = c.string()?;
        let name = c.string()?;
        let title = c.string()?;
        if nbytes < 0 || objlen < 0 || keylen < 0 || seek_key < 0 {
            return Err(c.error(format!(
                "key {name:?} has negative sizes or position (nbytes {nbytes}, objlen {objlen}, keylen {keylen}, seek {seek_key})"
            )));
        }
        Ok(Key {
            nbytes,
            objlen,
            keylen,
            cycle,
            seek_key,
            class_name,
            name,
            title,
        })
    }

    /// True if the object is stored compressed.
    pub fn is_compressed(&self) -> bool {
        self.objlen != self.nbytes - self.keylen as i32
    }

    /// Bytes of the stored object (after the key header).
    pub fn stored_len(&self) -> usize {
        (self.nbytes as i64 - self.keylen as i64).max(0) as usize
    }

    /// True for subdirectories.
    pub fn is_directory(&self) -> bool {
        matches!(self.class_name.as_str(), "TDirectory" | "TDirectoryFile")
    }
}
