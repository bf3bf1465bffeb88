//! A big-endian output buffer with ROOT's object-serialisation bookkeeping:
//! byte counts, versions, class tags and references by position.

use std::collections::HashMap;

use crate::serialisation::{BYTE_COUNT_MASK, CLASS_MASK, MAP_OFFSET, NEW_CLASS_TAG};
/// `kNotDeleted | kIsOnHeap`, the bits ROOT writes for ordinary objects.
const TOBJECT_BITS: u32 = 0x0300_0000;

/// Bytes being serialised for one key.
pub struct WBuf {
    pub data: Vec<u8>,
    /// The key length of the key the bytes will be stored under: ROOT
    /// numbers positions from the start of the key.
    base: u32,
    classes: HashMap<String, u32>,
}

/// A byte count to fill in once the object is complete.
#[must_use]
pub struct Pending(usize);

impl WBuf {
    /// An empty buffer for data stored after a key header of `keylen` bytes.
    pub fn new(keylen: u32) -> WBuf {
        WBuf {
            data: Vec::new(),
            base: keylen,
            classes: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }
    pub fn u8(&mut self, v: u8) {
        self.data.push(v);
    }
    pub fn bool(&mut self, v: bool) {
        self.data.push(v as u8);
    }
    pub fn i16(&mut self, v: i16) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u16(&mut self, v: u16) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn f32(&mut self, v: f32) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn f64(&mut self, v: f64) {
        self.data.extend_from_slice(&v.to_be_bytes());
    }
    pub fn bytes(&mut self, b: &[u8]) {
        self.data.extend_from_slice(b);
    }

    /// A TString: one length byte, or 255 and a 4-byte length.
    pub fn string(&mut self, s: &str) {
        let b = s.as_bytes();
        if b.len() < 255 {
            self.u8(b.len() as u8);
        } else {
            self.u8(255);
            self.u32(b.len() as u32);
        }
        self.bytes(b);
    }

    /// Starts a versioned object with a byte count.
    pub fn begin(&mut self, version: i16) -> Pending {
        let at = self.data.len();
        self.u32(0);
        self.i16(version);
        Pending(at)
    }

    /// Fills in the byte count of an object started with [`WBuf::begin`].
    pub fn end(&mut self, p: Pending) {
        let count = (self.data.len() - p.0 - 4) as u32 | BYTE_COUNT_MASK;
        self.data[p.0..p.0 + 4].copy_from_slice(&count.to_be_bytes());
    }

    /// A TObject (version 1, no byte count).
    pub fn tobject(&mut self) {
        self.i16(1);
        self.u32(0);
        self.u32(TOBJECT_BITS);
    }

    /// A TNamed.
    pub fn tnamed(&mut self, name: &str, title: &str) {
        let p = self.begin(1);
        self.tobject();
        self.string(name);
        self.string(title);
        self.end(p);
    }

    /// TAttLine, TAttFill and TAttMarker with ROOT's defaults, as trees
    /// and histograms start.
    pub fn line_fill_marker(&mut self) {
        let q = self.begin(2); // TAttLine: colour, style, width
        self.i16(602);
        self.i16(1);
        self.i16(1);
        self.end(q);
        let q = self.begin(2); // TAttFill: colour, style
        self.i16(0);
        self.i16(1001);
        self.end(q);
        let q = self.begin(2); // TAttMarker: colour, style, size
        self.i16(1);
        self.i16(1);
        self.f32(1.0);
        self.end(q);
    }

    /// The reference tag of the object whose byte count starts at `pos`.
    pub fn tag_of(&self, pos: usize) -> u32 {
        pos as u32 + self.base + MAP_OFFSET
    }

    /// Writes a pointer to a new object of `class` (class named the first
    /// time, referenced after) and returns the position the object starts
    /// at, for later references. `body` writes the object itself.
    pub fn object(&mut self, class: &str, body: impl FnOnce(&mut WBuf)) -> usize {
        let start = self.data.len();
        self.u32(0); // byte count, filled below
        match self.classes.get(class) {
            Some(&tag) => self.u32(tag | CLASS_MASK),
            None => {
                let tag = self.tag_of(self.data.len());
                self.u32(NEW_CLASS_TAG);
                self.bytes(class.as_bytes());
                self.u8(0);
                self.classes.insert(class.to_string(), tag);
            }
        }
        body(self);
        let count = (self.data.len() - start - 4) as u32 | BYTE_COUNT_MASK;
        self.data[start..start + 4].copy_from_slice(&count.to_be_bytes());
        start
    }

    /// A reference to an object written earlier at `pos` (from [`WBuf::object`]).
    pub fn reference(&mut self, pos: usize) {
        let tag = self.tag_of(pos);
        self.u32(tag);
    }

    /// A null pointer.
    pub fn null(&mut self) {
        self.u32(0);
    }
}
