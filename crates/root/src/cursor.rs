//! A bounds-checked big-endian reader over a byte slice, with the bookkeeping
//! ROOT's object serialisation needs (byte counts, versions, references).

use crate::error::{Error, Result};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use crate::serialisation::{BYTE_COUNT_MASK, CLASS_MASK, MAP_OFFSET, NEW_CLASS_TAG};

/// What a tag in ROOT's reference map points to.
#[derive(Clone, Debug)]
enum Ref {
    /// Shared: every object of a class refers to its name (a NanoAOD has thousands of TBranch).
    Class(Rc<str>),
    Object(String),
}

/// Hashes the reference map's keys (buffer positions, unique and not chosen by an adversary
/// who gains from collisions: a corrupt file only slows its own parse) with one multiplication,
/// as rustc's FxHash does; SipHash was a tenth of opening a 1,500-branch tree.
#[derive(Default)]
struct TagHasher(u64);

impl Hasher for TagHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u32(&mut self, tag: u32) {
        self.0 = (self.0.rotate_left(5) ^ tag as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// Reads an object's body given its class name; returns it with the name references use.
type ReadObject<'r, 'a, T> = dyn FnMut(&mut Cursor<'a>, &str) -> Result<(T, String)> + 'r;

/// Text as stored, invalid UTF-8 replaced.
pub fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The result of reading a pointer to an object (`ReadObjectAny`).
pub enum Pointer<T> {
    /// A null pointer.
    Null,
    /// A new object, with the name it was registered under (if any).
    New(T),
    /// A reference to an object read earlier; the string is the name the
    /// reader registered for it (empty if none).
    Ref(String),
}

/// A position in a buffer of ROOT-serialised data.
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    /// Added to positions to number them as ROOT does (the key length, since
    /// ROOT counts from the start of the key).
    base: u32,
    refs: HashMap<u32, Ref, BuildHasherDefault<TagHasher>>,
    /// What the data is, for error messages.
    what: &'a str,
    /// Nesting of objects being read, bounded so corrupt data cannot
    /// exhaust the stack.
    depth: u32,
}

/// How deeply objects may nest inside one another.
const MAX_DEPTH: u32 = 100;

/// A versioned object's header: its version and where it ends (when the
/// writer recorded a byte count).
#[derive(Clone, Copy, Debug)]
pub struct Version {
    pub version: i16,
    pub end: Option<usize>,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`; `base` is the key length of the key
    /// that holds it (0 for data that is not inside a key).
    pub fn new(data: &'a [u8], base: u32, what: &'a str) -> Self {
        Cursor {
            data,
            pos: 0,
            base,
            refs: HashMap::default(),
            what,
            depth: 0,
        }
    }

    /// The current position.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The whole buffer.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    /// A format error that says where it happened.
    pub fn error(&self, msg: impl std::fmt::Display) -> Error {
        Error::format(format!("{} (in {} at byte {})", msg, self.what, self.pos))
    }

    /// The error of a read past the end: out of line, so that reads inline to a bounds check.
    #[cold]
    #[inline(never)]
    fn short(&self, n: usize) -> Error {
        self.error(format!(
            "needed {n} more bytes but only {} remain",
            self.remaining()
        ))
    }

    /// Moves to an absolute position.
    #[inline]
    pub fn seek(&mut self, pos: usize) -> Result<()> {
        if pos > self.data.len() {
            return Err(self.error(format!(
                "jump to byte {pos} past the end of a {}-byte buffer",
                self.data.len()
            )));
        }
        self.pos = pos;
        Ok(())
    }

    /// Skips `n` bytes.
    #[inline]
    pub fn skip(&mut self, n: usize) -> Result<()> {
        self.bytes(n).map(|_| ())
    }

    /// Takes the next `n` bytes.
    #[inline]
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| self.short(n))?;
        let out = &self.data[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    #[inline]
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let b = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    #[inline]
    pub fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    pub fn i8(&mut self) -> Result<i8> {
        Ok(self.u8()? as i8)
    }
    pub fn bool(&mut self) -> Result<bool> {
        Ok(self.u8()? != 0)
    }
    #[inline]
    pub fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn i16(&mut self) -> Result<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn i32(&mut self) -> Result<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn f32(&mut self) -> Result<f32> {
        Ok(f32::from_be_bytes(self.array()?))
    }
    #[inline]
    pub fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_be_bytes(self.array()?))
    }

    /// `n` big-endian 4-byte integers (one allocation of the right size, one bounds check).
    pub fn i32_array(&mut self, n: usize) -> Result<Vec<i32>> {
        self.be_array(n, i32::from_be_bytes)
    }

    /// `n` big-endian 8-byte integers.
    pub fn i64_array(&mut self, n: usize) -> Result<Vec<i64>> {
        self.be_array(n, i64::from_be_bytes)
    }

    fn be_array<T, const N: usize>(&mut self, n: usize, from: fn([u8; N]) -> T) -> Result<Vec<T>> {
        let len = n
            .checked_mul(N)
            .ok_or_else(|| self.error("array too long"))?;
        Ok(self
            .bytes(len)?
            .chunks_exact(N)
            .map(|b| from(b.try_into().expect("N bytes")))
            .collect())
    }

    /// A count that must be non-negative and plausible for the bytes left
    /// (each item taking at least `min_item_bytes`).
    pub fn count(&mut self, min_item_bytes: usize) -> Result<usize> {
        let n = self.i32()?;
        self.check_count(n as i64, min_item_bytes)
    }

    /// Checks a count read elsewhere against the bytes left.
    pub fn check_count(&self, n: i64, min_item_bytes: usize) -> Result<usize> {
        if n < 0 || (n as u64).saturating_mul(min_item_bytes as u64) > self.remaining() as u64 {
            return Err(self.error(format!(
                "count {n} is negative or larger than the {} bytes left allow",
                self.remaining()
            )));
        }
        Ok(n as usize)
    }

    /// A ROOT `TString` (or `std::string` member): a length byte, 255 meaning
    /// a 4-byte length follows.
    pub fn string(&mut self) -> Result<String> {
        self.string_bytes().map(lossy)
    }

    /// The bytes of a length-prefixed string.
    pub fn string_bytes(&mut self) -> Result<&'a [u8]> {
        let short = self.u8()?;
        let len = if short == 255 {
            self.u32()? as usize
        } else {
            short as usize
        };
        self.bytes(len)
    }

    /// A NUL-terminated string (class names in object headers).
    pub fn cstring(&mut self) -> Result<String> {
        let rest = &self.data[self.pos.min(self.data.len())..];
        let n = rest
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| self.error("unterminated class name"))?;
        let s = String::from_utf8_lossy(&rest[..n]).into_owned();
        self.pos += n + 1;
        Ok(s)
    }

    /// A version header: an optional byte count (flagged by 0x40000000) and a
    /// 2-byte version.
    pub fn version(&mut self) -> Result<Version> {
        let start = self.pos;
        let word = self.u32()?;
        if word & BYTE_COUNT_MASK != 0 {
            let count = (word & !BYTE_COUNT_MASK) as usize;
            let end = start + 4 + count;
            if end > self.data.len() || count < 2 {
                return Err(self.error(format!(
                    "byte count {count} of an object starting at byte {start} does not fit the {}-byte buffer",
                    self.data.len()
                )));
            }
            let version = self.i16()?;
            Ok(Version {
                version,
                end: Some(end),
            })
        } else {
            self.pos = start;
            Ok(Version {
                version: self.i16()?,
                end: None,
            })
        }
    }

    /// Moves to the end of a versioned object when its byte count is known.
    #[inline]
    pub fn finish(&mut self, v: Version) -> Result<()> {
        if let Some(end) = v.end {
            self.seek(end)?;
        }
        Ok(())
    }

    /// The `TObject` part of an object (unique id, bits, and a process id
    /// for referenced objects).
    pub fn tobject(&mut self) -> Result<()> {
        let v = self.version()?;
        if v.version < 0 {
            // An old, different layout; not met in files since ROOT 3.
            return Err(self.error("TObject with a negative version is not supported"));
        }
        self.u32()?; // fUniqueID
        let bits = self.u32()?;
        if bits & (1 << 4) != 0 {
            self.u16()?; // process id of a referenced object
        }
        self.finish(v)
    }

    /// A `TNamed`: returns (name, title).
    pub fn tnamed(&mut self) -> Result<(String, String)> {
        let (name, title) = self.tnamed_bytes()?;
        Ok((lossy(name), lossy(title)))
    }

    /// A `TNamed`'s name and title as stored, for a reader that keeps only some of them.
    pub fn tnamed_bytes(&mut self) -> Result<(&'a [u8], &'a [u8])> {
        let v = self.version()?;
        self.tobject()?;
        let name = self.string_bytes()?;
        let title = self.string_bytes()?;
        self.finish(v)?;
        Ok((name, title))
    }

    /// Skips a versioned object that has a byte count.
    pub fn skip_versioned(&mut self, what: &str) -> Result<()> {
        let v = self.version()?;
        match v.end {
            Some(end) => self.seek(end),
            None => Err(self.error(format!("cannot skip {what}: it has no byte count"))),
        }
    }

    fn tag_position(&self, pos: usize) -> u32 {
        (pos as u32)
            .wrapping_add(self.base)
            .wrapping_add(MAP_OFFSET)
    }

    /// Registers a name for the object that starts at `start` so that later
    /// references to it resolve to that name.
    fn register_object(&mut self, start: usize, name: String) {
        if name.is_empty() {
            // Nothing to resolve a reference to: an unknown reference reads as unnamed anyway.
            return;
        }
        let tag = self.tag_position(start);
        self.refs.insert(tag, Ref::Object(name));
    }

    /// ROOT's `ReadObjectAny`: a pointer that is null, a new object of a
    /// class named inline or referenced, or a reference to an object read
    /// before. `read` reads the object's body given its class name and
    /// returns it with a name other pointers may refer to it by.
    ///
    /// A reference to an object or class this cursor has not read (it started in the middle of
    /// the buffer, as for a branch read on its own) is resolved where the tag points: earlier in
    /// the same buffer, where the class name or the object is read then.
    pub fn object_any<T>(
        &mut self,
        mut read: impl FnMut(&mut Cursor<'a>, &str) -> Result<(T, String)>,
    ) -> Result<Pointer<T>> {
        self.object_any_dyn(&mut read)
    }

    /// The position in this buffer that `tag` refers to, when it lies before `before`.
    fn tag_target(&self, tag: u32, before: usize) -> Option<usize> {
        let pos = tag.checked_sub(self.base)?.checked_sub(MAP_OFFSET)? as usize;
        (pos < before).then_some(pos)
    }

    /// The class name stored at `pos` (a new-class tag, then the name), registered for later.
    fn class_at(&mut self, tag: u32, pos: usize) -> Option<Rc<str>> {
        let word = self.data.get(pos..pos + 4)?;
        if u32::from_be_bytes(word.try_into().ok()?) != NEW_CLASS_TAG {
            return None;
        }
        let rest = &self.data[pos + 4..];
        let name = &rest[..rest.iter().position(|&b| b == 0)?];
        let class: Rc<str> = String::from_utf8_lossy(name).into();
        self.refs.insert(tag, Ref::Class(class.clone()));
        Some(class)
    }

    /// The name of the object at `pos`, read there with `read` (and registered by it).
    fn object_name_at<T>(
        &mut self,
        tag: u32,
        pos: usize,
        read: &mut ReadObject<'_, 'a, T>,
    ) -> String {
        let back = self.pos;
        let named = self.seek(pos).is_ok() && self.object_any_dyn(read).is_ok();
        self.pos = back;
        // Tried once per tag: in corrupt data, failing objects referred to again and again
        // would otherwise be read again each time.
        let known = self.refs.entry(tag).or_insert(Ref::Object(String::new()));
        match known {
            Ref::Object(name) if named => name.clone(),
            _ => String::new(),
        }
    }

    fn object_any_dyn<T>(&mut self, read: &mut ReadObject<'_, 'a, T>) -> Result<Pointer<T>> {
        let beg = self.pos;
        let first = self.u32()?;
        let (tag, has_count, count_end) = if first & BYTE_COUNT_MASK == 0 || first == NEW_CLASS_TAG
        {
            (first, false, None)
        } else {
            let count = (first & !BYTE_COUNT_MASK) as usize;
            let end = beg + 4 + count;
            if end > self.data.len() {
                return Err(self.error(format!(
                    "object byte count {count} runs past the end of the buffer"
                )));
            }
            (self.u32()?, true, Some(end))
        };
        if tag & CLASS_MASK == 0 {
            // A reference to an object already read (or null).
            if tag == 0 {
                return Ok(Pointer::Null);
            }
            if let Some(Ref::Object(name)) = self.refs.get(&tag) {
                return Ok(Pointer::Ref(name.clone()));
            }
            let name = match self.tag_target(tag, beg) {
                Some(pos) if self.depth < MAX_DEPTH => {
                    self.depth += 1;
                    let name = self.object_name_at(tag, pos, read);
                    self.depth -= 1;
                    name
                }
                _ => String::new(),
            };
            // An unknown reference is skipped, as ROOT does.
            if let Some(end) = count_end {
                self.seek(end)?;
            }
            return Ok(Pointer::Ref(name));
        }
        let class = if tag == NEW_CLASS_TAG {
            let class_start = self.pos - 4;
            let class: Rc<str> = self.cstring()?.into();
            if has_count {
                let t = self.tag_position(class_start);
                self.refs.insert(t, Ref::Class(class.clone()));
            }
            class
        } else {
            let reference = tag & !CLASS_MASK;
            let known = match self.refs.get(&reference) {
                Some(Ref::Class(c)) => Some(c.clone()),
                _ => None,
            };
            let found = known.or_else(|| {
                let pos = self.tag_target(reference, beg)?;
                self.class_at(reference, pos)
            });
            found.ok_or_else(|| {
                self.error(format!("reference to an unknown class (tag {reference})"))
            })?
        };
        if self.depth >= MAX_DEPTH {
            return Err(self.error(format!("objects nested more than {MAX_DEPTH} deep")));
        }
        self.depth += 1;
        let result = read(self, &class);
        self.depth -= 1;
        let (obj, name) = result?;
        if has_count {
            self.register_object(beg, name);
        }
        if let Some(end) = count_end {
            self.seek(end)?;
        }
        Ok(Pointer::New(obj))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_big_endian_and_strings() {
        let data = [0x00, 0x01, 3, b'a', b'b', b'c', 0x3f, 0x80, 0, 0];
        let mut c = Cursor::new(&data, 0, "test");
        assert_eq!(c.u16().unwrap(), 1);
        assert_eq!(c.string().unwrap(), "abc");
        assert_eq!(c.f32().unwrap(), 1.0);
        assert!(c.u8().is_err());
    }

    #[test]
    fn byte_count_past_end_is_an_error() {
        let data = [0x40, 0, 0, 100, 0, 1];
        let mut c = Cursor::new(&data, 0, "test");
        assert!(c.version().is_err());
    }

    #[test]
    fn negative_count_is_an_error() {
        let data = (-5i32).to_be_bytes();
        let mut c = Cursor::new(&data, 0, "test");
        assert!(c.count(1).is_err());
    }
}
