//! The anchor: the `ROOT::RNTuple` object of a ROOT file key, which says
//! where the header and footer envelopes are.
//!
//! Unlike the rest of RNTuple it is a classic ROOT object, so big-endian:
//! a byte count and class version (6 bytes), then the format version
//! (epoch, major, minor, patch as 16-bit integers), seek/compressed/
//! uncompressed sizes of the header and the footer, the maximum key size
//! (64-bit each), and an XXH3-64 checksum of those 64 bytes.

use crate::error::{Error, Result};

/// Serialized size of the anchor's fields (without the checksum).
const FIELDS_LEN: usize = 4 * 2 + 7 * 8;
/// ROOT's flag marking a byte count in front of an object.
const BYTE_COUNT_FLAG: u32 = 0x4000_0000;

/// Where an envelope is: offset and stored (compressed) size in the file,
/// and its uncompressed size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EnvelopeLink {
    pub offset: u64,
    pub stored_len: u64,
    pub len: u64,
}

/// The decoded anchor.
#[derive(Clone, Debug)]
pub struct Anchor {
    /// Format version: epoch, major, minor, patch.
    pub version: [u16; 4],
    pub header: EnvelopeLink,
    pub footer: EnvelopeLink,
    /// Larger payloads are split over several keys ("RBlobs").
    pub max_key_size: u64,
}

impl Anchor {
    /// Parses the anchor from the (uncompressed) object bytes of its key.
    pub fn parse(object: &[u8]) -> Result<Anchor> {
        let mut data = object;
        // Skip the byte count and class version that ROOT writes in front.
        if data.len() >= 6 {
            let count = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            if count & BYTE_COUNT_FLAG != 0 {
                data = &data[6..];
            }
        }
        let Some(fields) = data.get(..FIELDS_LEN + 8) else {
            return Err(Error::format(format!(
                "anchor: expected {} bytes of anchor fields and checksum, found {}",
                FIELDS_LEN + 8,
                data.len()
            )));
        };
        let u16_at = |i: usize| u16::from_be_bytes([fields[i], fields[i + 1]]);
        let u64_at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&fields[i..i + 8]);
            u64::from_be_bytes(b)
        };
        let stored_checksum = u64_at(FIELDS_LEN);
        let computed = xxhash_rust::xxh3::xxh3_64(&fields[..FIELDS_LEN]);
        if super::CHECKSUMS_ENFORCED && stored_checksum != computed {
            return Err(Error::format(format!(
                "anchor: checksum mismatch (stored {stored_checksum:#018x}, computed {computed:#018x}); the anchor is corrupt"
            )));
        }
        let version = [u16_at(0), u16_at(2), u16_at(4), u16_at(6)];
        if version[0] != 1 {
            return Err(Error::Unsupported(format!(
                "anchor: RNTuple format epoch {} (version {}.{}.{}.{}); only epoch 1 (ROOT 6.34+) is read",
                version[0], version[0], version[1], version[2], version[3]
            )));
        }
        let link = |at: usize| EnvelopeLink {
            offset: u64_at(at),
            stored_len: u64_at(at + 8),
            len: u64_at(at + 16),
        };
        Ok(Anchor {
            version,
            header: link(8),
            footer: link(32),
            max_key_size: u64_at(56),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor_bytes() -> Vec<u8> {
        let mut fields = Vec::new();
        for v in [1u16, 0, 0, 0] {
            fields.extend_from_slice(&v.to_be_bytes());
        }
        for v in [100u64, 50, 80, 300, 40, 60, 1 << 30] {
            fields.extend_from_slice(&v.to_be_bytes());
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&fields);
        let mut out = (BYTE_COUNT_FLAG | 74).to_be_bytes().to_vec();
        out.extend_from_slice(&2u16.to_be_bytes());
        out.extend_from_slice(&fields);
        out.extend_from_slice(&checksum.to_be_bytes());
        out
    }

    #[test]
    fn reads_the_envelope_links() {
        let a = Anchor::parse(&anchor_bytes()).unwrap();
        assert_eq!(a.version, [1, 0, 0, 0]);
        assert_eq!(
            a.footer,
            EnvelopeLink {
                offset: 300,
                stored_len: 40,
                len: 60
            }
        );
    }

    #[test]
    fn a_flipped_byte_fails_the_checksum() {
        let mut bytes = anchor_bytes();
        bytes[20] ^= 1;
        let err = Anchor::parse(&bytes).unwrap_err().to_string();
        assert!(err.contains("checksum"), "{err}");
    }
}
