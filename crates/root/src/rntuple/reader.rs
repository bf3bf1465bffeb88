//! A bounds-checked little-endian reader for RNTuple envelopes, with the
//! record and list frames the envelopes are built from.
//!
//! A frame starts with a signed 64-bit size that counts the whole frame
//! (size field included): positive for a record frame, negative for a list
//! frame, which is followed by a 32-bit item count. Readers must skip to the
//! end given by the size rather than to the end of what they understood, so
//! that newer writers can append members.

use crate::error::{Error, Result};

/// A position in an envelope's bytes. `what` names the envelope for errors.
#[derive(Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    what: &'a str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8], what: &'a str) -> Self {
        Reader { data, pos: 0, what }
    }

    /// A format error naming the envelope and the byte position.
    pub(crate) fn error(&self, msg: impl std::fmt::Display) -> Error {
        Error::format(format!("{} at byte {}: {msg}", self.what, self.pos))
    }

    /// A feature this reader does not know, naming the envelope.
    pub(crate) fn unsupported(&self, msg: impl std::fmt::Display) -> Error {
        Error::Unsupported(format!("{} at byte {}: {msg}", self.what, self.pos))
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len() - self.pos
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.error(format!(
                "expected {n} more bytes, but only {} remain (truncated or corrupt)",
                self.remaining()
            )));
        }
        let out = &self.data[self.pos..self.pos + n];
        self.pos += n;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.bytes(N)?);
        Ok(out)
    }

    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub(crate) fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }
    pub(crate) fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_le_bytes(self.array()?))
    }

    /// A string: 32-bit byte length, then UTF-8 bytes.
    pub(crate) fn string(&mut self) -> Result<String> {
        let len = self.u32()? as usize;
        let bytes = self.bytes(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| self.error("a string is not valid UTF-8"))
    }

    /// Feature flags: 64-bit words, continued while the sign bit is set.
    /// Any set bit is a feature this reader does not know (none are defined
    /// in format 1.0).
    pub(crate) fn feature_flags(&mut self) -> Result<()> {
        loop {
            let word = self.u64()?;
            if word & !(1 << 63) != 0 {
                return Err(self.unsupported(format!(
                    "unknown feature flags {word:#x} (written by a newer RNTuple format)"
                )));
            }
            if word >> 63 == 0 {
                return Ok(());
            }
        }
    }

    /// Enters a frame: returns a reader over its contents (after the size
    /// and item count) and the item count for list frames, and moves this
    /// reader past the frame.
    fn frame(&mut self, want_list: bool) -> Result<(Reader<'a>, u32)> {
        let start = self.pos;
        let size = self.i64()?;
        let is_list = size < 0;
        if is_list != want_list {
            self.pos = start;
            return Err(self.error(format!(
                "expected a {} frame, found a {} frame",
                if want_list { "list" } else { "record" },
                if is_list { "list" } else { "record" }
            )));
        }
        let count = if is_list { self.u32()? } else { 0 };
        let header = self.pos - start;
        let size = size.unsigned_abs();
        if size < header as u64 || size - (header as u64) > self.remaining() as u64 {
            self.pos = start;
            return Err(self.error(format!(
                "frame of {size} bytes does not fit in the {} bytes that remain",
                self.data.len() - start
            )));
        }
        let end = start + size as usize;
        let inner = Reader {
            data: &self.data[..end],
            pos: self.pos,
            what: self.what,
        };
        self.pos = end;
        Ok((inner, count))
    }

    /// Enters a record frame; the returned reader ends where the frame ends.
    pub(crate) fn record_frame(&mut self) -> Result<Reader<'a>> {
        Ok(self.frame(false)?.0)
    }

    /// Enters a list frame; returns its reader and item count. The count is
    /// checked against the frame size (every item takes at least
    /// `min_item_bytes`) so that a corrupt count cannot cause a huge
    /// allocation.
    pub(crate) fn list_frame(&mut self, min_item_bytes: usize) -> Result<(Reader<'a>, usize)> {
        let (inner, count) = self.frame(true)?;
        let count = count as usize;
        if count.saturating_mul(min_item_bytes.max(1)) > inner.remaining() {
            return Err(inner.error(format!(
                "list frame claims {count} items but holds only {} bytes",
                inner.remaining()
            )));
        }
        Ok((inner, count))
    }

    /// Reads every item of a list frame of record frames with `read_item`.
    pub(crate) fn list_of_records<T>(
        &mut self,
        mut read_item: impl FnMut(&mut Reader<'a>) -> Result<T>,
    ) -> Result<Vec<T>> {
        // A record frame is at least its 8-byte size.
        let (mut list, count) = self.list_frame(8)?;
        let mut out = Vec::with_capacity(count);
        for _ in 0..count {
            let mut record = list.record_frame()?;
            out.push(read_item(&mut record)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_larger_than_the_data_is_an_error() {
        let mut data = Vec::new();
        data.extend_from_slice(&(-1000i64).to_le_bytes());
        data.extend_from_slice(&3u32.to_le_bytes());
        let mut r = Reader::new(&data, "test");
        assert!(r.list_frame(1).is_err());
    }

    #[test]
    fn a_record_frame_is_skipped_by_its_size() {
        let mut data = Vec::new();
        data.extend_from_slice(&16i64.to_le_bytes());
        data.extend_from_slice(&7u32.to_le_bytes());
        data.extend_from_slice(&9u32.to_le_bytes()); // a member this reader ignores
        data.extend_from_slice(&5u32.to_le_bytes());
        let mut r = Reader::new(&data, "test");
        let mut record = r.record_frame().unwrap();
        assert_eq!(record.u32().unwrap(), 7);
        assert_eq!(r.u32().unwrap(), 5);
    }
}
