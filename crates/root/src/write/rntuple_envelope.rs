//! RNTuple serialisation for writing: little-endian frames, envelopes and
//! their checksums, the header / footer / page-list payloads, the anchor,
//! and the page encodings (byte split, zigzag, delta, bit packing).

use super::buffer::WBuf;
use crate::rntuple::column_type::ColumnType;

/// A little-endian byte builder with RNTuple's record and list frames.
#[derive(Default)]
pub(crate) struct LeBuf {
    pub data: Vec<u8>,
}

impl LeBuf {
    pub fn u16(&mut self, v: u16) {
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u32(&mut self, v: u32) {
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i32(&mut self, v: i32) {
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    pub fn u64(&mut self, v: u64) {
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    pub fn i64(&mut self, v: i64) {
        self.data.extend_from_slice(&v.to_le_bytes());
    }
    /// A string: 32-bit length, then the bytes.
    pub fn string(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.data.extend_from_slice(s.as_bytes());
    }

    /// A record frame around what `body` writes (the size counts itself).
    pub fn record(&mut self, body: impl FnOnce(&mut LeBuf)) {
        let at = self.data.len();
        self.i64(0);
        body(self);
        let size = (self.data.len() - at) as i64;
        self.data[at..at + 8].copy_from_slice(&size.to_le_bytes());
    }

    /// A list frame of `count` items written by `body` (negative size).
    pub fn list(&mut self, count: usize, body: impl FnOnce(&mut LeBuf)) {
        let at = self.data.len();
        self.i64(0);
        self.u32(count as u32);
        body(self);
        let size = -((self.data.len() - at) as i64);
        self.data[at..at + 8].copy_from_slice(&size.to_le_bytes());
    }

    /// A locator of a byte range in the file (standard: 32-bit size).
    pub fn locator(&mut self, offset: u64, stored_len: u64) {
        self.i32(stored_len as i32);
        self.u64(offset);
    }
}

/// Envelope type IDs.
#[derive(Clone, Copy)]
pub(crate) enum Envelope {
    Header = 1,
    Footer = 2,
    PageList = 3,
}

/// Wraps a payload in an envelope: type and length word, payload, XXH3-64
/// checksum of both. Returns the envelope and its checksum.
pub(crate) fn envelope(kind: Envelope, payload: &[u8]) -> (Vec<u8>, u64) {
    let total = 8 + payload.len() + 8;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&((kind as u64) | ((total as u64) << 16)).to_le_bytes());
    out.extend_from_slice(payload);
    let checksum = xxhash_rust::xxh3::xxh3_64(&out);
    out.extend_from_slice(&checksum.to_le_bytes());
    (out, checksum)
}

/// Where an envelope was written: offset, stored size, uncompressed size.
#[derive(Clone, Copy, Default)]
pub(crate) struct Link {
    pub offset: u64,
    pub stored_len: u64,
    pub len: u64,
}

/// The anchor object (`ROOT::RNTuple`, class version 2, big-endian), then
/// the XXH3-64 checksum of its fields.
pub(crate) fn anchor(header: Link, footer: Link, max_key_size: u64) -> Vec<u8> {
    let mut fields = WBuf::new(0);
    for v in [1u16, 0, 0, 0] {
        fields.u16(v); // format version 1.0.0.0
    }
    for link in [header, footer] {
        fields.i64(link.offset as i64);
        fields.i64(link.stored_len as i64);
        fields.i64(link.len as i64);
    }
    fields.i64(max_key_size as i64);
    let checksum = xxhash_rust::xxh3::xxh3_64(&fields.data);
    // The byte count covers the version and fields; the checksum follows.
    let mut b = WBuf::new(0);
    let p = b.begin(2);
    b.bytes(&fields.data);
    b.end(p);
    b.i64(checksum as i64);
    b.data
}

/// Encodes `n` elements given as little-endian bytes (one byte per element,
/// 0 or 1, for `Bit`) into a page of `ty`: byte planes for split types,
/// zigzag for split signed integers, differences for split index columns,
/// bits packed least significant first.
pub(crate) fn encode_page(ty: ColumnType, raw: &[u8]) -> Vec<u8> {
    if ty == ColumnType::Bit {
        let mut out = vec![0u8; raw.len().div_ceil(8)];
        for (i, &b) in raw.iter().enumerate() {
            out[i / 8] |= (b & 1) << (i % 8);
        }
        return out;
    }
    if !ty.is_split() {
        return raw.to_vec();
    }
    let width = ty.element_bytes();
    let n = raw.len() / width;
    let mut elements = raw.to_vec();
    if ty.is_delta() {
        // Index columns are stored as 64 or 32-bit values; differences from
        // the previous element, the first as it is.
        let mut previous = 0u64;
        for e in elements.chunks_exact_mut(width) {
            let v = read_le(e);
            write_le(e, v.wrapping_sub(previous));
            previous = v;
        }
    } else if ty.is_zigzag() {
        let bits = 8 * width as u32;
        for e in elements.chunks_exact_mut(width) {
            let v = sign_extend(read_le(e), bits);
            write_le(e, ((v << 1) ^ (v >> (bits - 1))) as u64);
        }
    }
    let mut out = vec![0u8; elements.len()];
    for (i, e) in elements.chunks_exact(width).enumerate() {
        for (b, &byte) in e.iter().enumerate() {
            out[b * n + i] = byte;
        }
    }
    out
}

fn read_le(e: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    b[..e.len()].copy_from_slice(e);
    u64::from_le_bytes(b)
}

fn write_le(e: &mut [u8], v: u64) {
    let n = e.len();
    e.copy_from_slice(&v.to_le_bytes()[..n]);
}

fn sign_extend(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rntuple::schema::ColumnDescription;

    fn decode(ty: ColumnType, bits: u16, page: &[u8], n: usize) -> crate::rntuple::ColumnValues {
        let c = ColumnDescription {
            id: 0,
            column_type: ty,
            bits_on_storage: bits,
            field: 0,
            representation: 0,
            first_element: 0,
            value_range: None,
            index_in_field: 0,
        };
        crate::rntuple::page::decode_page(page, n, &c)
    }

    #[test]
    fn encodings_invert_the_readers_decoding() {
        use crate::rntuple::ColumnValues;
        let ints = [-3i32, 0, 7, i32::MIN, i32::MAX];
        let raw: Vec<u8> = ints.iter().flat_map(|v| v.to_le_bytes()).collect();
        let page = encode_page(ColumnType::SplitInt32, &raw);
        assert_eq!(
            decode(ColumnType::SplitInt32, 32, &page, 5),
            ColumnValues::I32(ints.to_vec())
        );
        let offsets = [3u64, 5, 5, 10];
        let raw: Vec<u8> = offsets.iter().flat_map(|v| v.to_le_bytes()).collect();
        let page = encode_page(ColumnType::SplitIndex64, &raw);
        assert_eq!(
            decode(ColumnType::SplitIndex64, 64, &page, 4),
            ColumnValues::Offsets(vec![0, 3, 5, 5, 10])
        );
        let bits = [1u8, 0, 1, 1, 0, 0, 0, 0, 1];
        let page = encode_page(ColumnType::Bit, &bits);
        assert_eq!(page, vec![0b0000_1101, 1]);
        let shorts = [-2i16, 1, -32768];
        let raw: Vec<u8> = shorts.iter().flat_map(|v| v.to_le_bytes()).collect();
        let page = encode_page(ColumnType::SplitInt16, &raw);
        assert_eq!(
            decode(ColumnType::SplitInt16, 16, &page, 3),
            ColumnValues::I16(shorts.to_vec())
        );
    }
}
