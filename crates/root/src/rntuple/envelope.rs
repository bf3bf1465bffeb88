//! Envelopes (header, footer, page lists) and the locators that point to
//! envelopes and pages.
//!
//! An envelope is stored as ROOT compressed blocks (or raw when the stored
//! and uncompressed sizes are equal). Uncompressed, it starts with a 64-bit
//! word holding the type ID in its low 16 bits and the envelope length in
//! its high 48 bits, and ends with an XXH3-64 checksum of everything before
//! it.

use super::anchor::EnvelopeLink;
use super::reader::Reader;
use crate::compression;
use crate::error::{Error, Result};
use crate::source::ByteSource;

/// The kinds of envelopes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvelopeKind {
    Header = 1,
    Footer = 2,
    PageList = 3,
}

impl EnvelopeKind {
    fn name(self) -> &'static str {
        match self {
            EnvelopeKind::Header => "header",
            EnvelopeKind::Footer => "footer",
            EnvelopeKind::PageList => "page list",
        }
    }
}

/// A byte range of the file: where a page or an envelope is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Locator {
    pub offset: u64,
    pub stored_len: u64,
}

/// Reads a locator: a signed 32-bit size (negative for a non-standard
/// locator, whose type is in the high byte) and a 64-bit offset.
pub(crate) fn read_locator(r: &mut Reader) -> Result<Locator> {
    let size = r.i32()?;
    if size >= 0 {
        let offset = r.u64()?;
        return Ok(Locator {
            offset,
            stored_len: size as u64,
        });
    }
    let kind = (size.unsigned_abs() >> 24) & 0x7f;
    if kind == 1 {
        // Large locator: 64-bit size and offset.
        let stored_len = r.u64()?;
        let offset = r.u64()?;
        return Ok(Locator { offset, stored_len });
    }
    Err(r.unsupported(format!(
        "locator of type {kind} (only on-file locators are read)"
    )))
}

/// Reads an envelope link: uncompressed size, then a locator.
pub(crate) fn read_envelope_link(r: &mut Reader) -> Result<EnvelopeLink> {
    let len = r.u64()?;
    let loc = read_locator(r)?;
    Ok(EnvelopeLink {
        offset: loc.offset,
        stored_len: loc.stored_len,
        len,
    })
}

/// Reads `len` bytes at `offset`, checking the range against the file size
/// first so that a corrupt size never allocates more than the file holds.
pub(crate) fn read_range(
    source: &dyn ByteSource,
    offset: u64,
    len: u64,
    max_key_size: u64,
    what: &str,
) -> Result<Vec<u8>> {
    Ok(read_range_borrowed(source, offset, len, max_key_size, what)?.into_owned())
}

/// [`read_range`] without copying the bytes out of a memory-mapped or in-memory source.
pub(crate) fn read_range_borrowed<'s>(
    source: &'s dyn ByteSource,
    offset: u64,
    len: u64,
    max_key_size: u64,
    what: &str,
) -> Result<std::borrow::Cow<'s, [u8]>> {
    let total = source.len();
    if offset.checked_add(len).is_none_or(|end| end > total) {
        return Err(Error::format(format!(
            "{what}: {len} bytes at offset {offset} go past the end of the file ({total} bytes); the file is truncated or the locator corrupt"
        )));
    }
    if max_key_size > 0 && len > max_key_size {
        return Err(Error::Unsupported(format!(
            "{what}: {len} bytes, more than the maximum key size {max_key_size} (payloads split over several keys are not read yet)"
        )));
    }
    source.read_at(offset, len as usize)
}

/// Decompresses a payload of `stored` bytes into `len` bytes. The block
/// headers are checked to add up to `len` before anything is allocated
/// (`compression::decompress`), so a corrupt size cannot allocate more than
/// the blocks present describe.
pub(crate) fn decompress(stored: &[u8], len: u64, what: &str) -> Result<Vec<u8>> {
    let Ok(len) = usize::try_from(len) else {
        return Err(Error::format(format!("{what}: {len} uncompressed bytes")));
    };
    compression::decompress(stored, len, what)
}

/// Reads, decompresses and checks an envelope. Returns its payload: the
/// bytes between the 8-byte type/length word and the 8-byte checksum, plus
/// the checksum itself (the footer and page lists refer to the header's).
pub(crate) fn read_envelope(
    source: &dyn ByteSource,
    link: &EnvelopeLink,
    kind: EnvelopeKind,
    max_key_size: u64,
    what: &str,
) -> Result<(Vec<u8>, u64)> {
    let what = format!("{what}: {} envelope", kind.name());
    let stored = read_range(source, link.offset, link.stored_len, max_key_size, &what)?;
    let data = decompress(&stored, link.len, &what)?;
    if data.len() < 16 {
        return Err(Error::format(format!(
            "{what}: {} bytes, too short for an envelope (at least 16)",
            data.len()
        )));
    }
    let (body, checksum_bytes) = data.split_at(data.len() - 8);
    let stored_checksum = u64::from_le_bytes(checksum_bytes.try_into().expect("8 bytes"));
    let computed = xxhash_rust::xxh3::xxh3_64(body);
    if super::CHECKSUMS_ENFORCED && stored_checksum != computed {
        return Err(Error::format(format!(
            "{what}: checksum mismatch (stored {stored_checksum:#018x}, computed {computed:#018x}); the envelope is corrupt"
        )));
    }
    let word = u64::from_le_bytes(data[..8].try_into().expect("8 bytes"));
    let type_id = word & 0xffff;
    let len = word >> 16;
    if type_id != kind as u64 {
        return Err(Error::format(format!(
            "{what}: expected envelope type {} ({}), found {type_id}",
            kind as u64,
            kind.name()
        )));
    }
    if len != data.len() as u64 {
        return Err(Error::format(format!(
            "{what}: envelope says it has {len} bytes, but {} were stored",
            data.len()
        )));
    }
    Ok((body[8..].to_vec(), stored_checksum))
}
