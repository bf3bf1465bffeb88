//! Pages: reading one from the file (checksum, decompression) and decoding
//! its elements.
//!
//! Encodings, all undone within the page:
//! - split: the bytes of the elements are stored byte plane by byte plane
//!   (all first bytes, then all second bytes, ...);
//! - zigzag (split signed integers): `x` stored as `2x` or `-(2x + 1)`;
//! - delta (split index columns): the first element as is, then
//!   differences to the previous element;
//! - bit packing (`Bit`, `Real32Trunc`, `Real32Quant`): elements of `bits`
//!   bits in a little-endian bit stream, least significant bit first.
//!   `Real32Trunc` keeps the top bits of an IEEE float; `Real32Quant`
//!   stores `round((x - min) / (max - min) * (2^bits - 1))`.
//! - `Real16`: IEEE half precision, widened to f32.
//!
//! Index (offset) values are relative to the cluster here; `read_column`
//! makes them absolute.

use super::clusters::PageInfo;
use super::column_type::ColumnType;
use super::envelope::read_range_borrowed;
use super::page_buffer::zeroed_page_vec;
use super::schema::ColumnDescription;
use super::unsplit::{unsplit4, unsplit8};
use super::values::{ColumnValues, SwitchValue};
use crate::compression::{check_blocks, decompress_into};
use crate::error::{Error, Result};
use crate::source::ByteSource;

/// Reads one page: its bytes (borrowed from the source where it can), its checksum verified
/// (when it has one), decompressed to the size its element count implies, and decoded.
pub(crate) fn read_page(
    source: &dyn ByteSource,
    page: &PageInfo,
    column: &ColumnDescription,
    max_key_size: u64,
    what: &str,
) -> Result<ColumnValues> {
    let n = page.elements as usize;
    let expected = column
        .column_type
        .page_bytes(page.elements as u64, column.bits_on_storage)
        .ok_or_else(|| Error::format(format!("{what}: page size overflows")))?;
    let stored_len = page.locator.stored_len;
    let with_checksum = stored_len
        .checked_add(if page.has_checksum { 8 } else { 0 })
        .ok_or_else(|| Error::format(format!("{what}: page size {stored_len} overflows")))?;
    let raw = read_range_borrowed(
        source,
        page.locator.offset,
        with_checksum,
        max_key_size,
        what,
    )?;
    let (stored, checksum) = raw.split_at(stored_len as usize);
    if page.has_checksum {
        let stated = u64::from_le_bytes(checksum.try_into().expect("8 bytes"));
        let computed = xxhash_rust::xxh3::xxh3_64(stored);
        if super::CHECKSUMS_ENFORCED && stated != computed {
            return Err(Error::format(format!(
                "{what}: page checksum mismatch (stored {stated:#018x}, computed {computed:#018x}); the page is corrupt"
            )));
        }
    }
    let Ok(expected) = usize::try_from(expected) else {
        return Err(Error::format(format!(
            "{what}: {expected} uncompressed bytes"
        )));
    };
    // The compressed blocks must add up to the page's size before that much is allocated.
    if stored.len() != expected {
        check_blocks(stored, expected, what)?;
    }
    if let Some(values) = plain_page(stored, expected, n, column, what)? {
        return Ok(values);
    }
    if stored.len() == expected {
        return Ok(decode_page(stored, n, column));
    }
    // Decoding makes new values: the decompressed bytes are only read once, so they go to a
    // buffer each thread reuses (in cache, and not zeroed again for every page).
    if expected > SCRATCH_MAX_BYTES {
        let mut bytes = zeroed_page_vec::<u8>(expected);
        decompress_into(stored, &mut bytes, what)?;
        return Ok(decode_page(&bytes, n, column));
    }
    SCRATCH.with_borrow_mut(|scratch| {
        if scratch.len() < expected {
            scratch.resize(expected, 0);
        }
        let bytes = &mut scratch[..expected];
        decompress_into(stored, bytes, what)?;
        Ok(decode_page(bytes, n, column))
    })
}

/// Pages to decode larger than this (one-page clusters of megabytes) get a buffer of their own
/// rather than growing the thread's for good.
const SCRATCH_MAX_BYTES: usize = 4 << 20;

thread_local! {
    /// Each thread's buffer for the decompressed bytes of the page it decodes.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Fills `out` with a page's bytes (checked by `check_blocks`): decompressed, or copied when
/// stored uncompressed.
fn fill(stored: &[u8], out: &mut [u8], what: &str) -> Result<()> {
    if stored.len() == out.len() {
        out.copy_from_slice(stored);
        return Ok(());
    }
    decompress_into(stored, out, what)
}

/// Elements stored as plain little-endian numbers are decompressed straight into their vector:
/// no intermediate bytes, no decoding pass. None for the other encodings.
fn plain_page(
    stored: &[u8],
    expected: usize,
    n: usize,
    column: &ColumnDescription,
    what: &str,
) -> Result<Option<ColumnValues>> {
    use ColumnType::*;
    if cfg!(target_endian = "big") {
        return Ok(None);
    }
    let ty = column.column_type;
    let width = ty.element_bytes();
    if width == 0 || n.checked_mul(width) != Some(expected) {
        return Ok(None);
    }
    macro_rules! direct {
        ($variant:ident, $t:ty) => {{
            let mut values = zeroed_page_vec::<$t>(n);
            fill(stored, bytemuck::cast_slice_mut(&mut values), what)?;
            ColumnValues::$variant(values)
        }};
    }
    Ok(Some(match ty {
        Byte => direct!(Byte, u8),
        Char => direct!(Char, u8),
        UInt8 => direct!(U8, u8),
        Int8 => direct!(I8, i8),
        Int16 => direct!(I16, i16),
        UInt16 => direct!(U16, u16),
        Int32 => direct!(I32, i32),
        UInt32 => direct!(U32, u32),
        Int64 => direct!(I64, i64),
        UInt64 => direct!(U64, u64),
        Real32 => direct!(F32, f32),
        Real64 => direct!(F64, f64),
        Index64 => {
            // Offsets as stored (absolute within the cluster) after the leading 0.
            let mut offsets = zeroed_page_vec::<u64>(n + 1);
            fill(stored, bytemuck::cast_slice_mut(&mut offsets[1..]), what)?;
            ColumnValues::Offsets(offsets)
        }
        _ => return Ok(None),
    }))
}

/// Rearranges byte planes back into little-endian elements of `width` bytes.
fn unsplit(data: &[u8], width: usize) -> Vec<u8> {
    let n = data.len() / width;
    let mut out = vec![0u8; n * width];
    for b in 0..width {
        let plane = &data[b * n..(b + 1) * n];
        for (i, &byte) in plane.iter().enumerate() {
            out[i * width + b] = byte;
        }
    }
    out
}

/// Offsets (a leading 0, then one end offset per element) from stored index values: the values
/// themselves, or, delta-encoded, their running sum.
fn offsets_from(stored: impl Iterator<Item = u64>, n: usize, delta: bool) -> Vec<u64> {
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0u64);
    let mut running = 0u64;
    offsets.extend(stored.map(|x| {
        running = if delta { running.wrapping_add(x) } else { x };
        running
    }));
    offsets
}

/// Element `i` of `bits` bits from a little-endian bit stream.
fn packed_bits(data: &[u8], i: usize, bits: u32) -> u64 {
    let start = i * bits as usize;
    let mut word = 0u64;
    let first = start / 8;
    // At most 32 bits starting mid-byte: five bytes suffice.
    for k in 0..5 {
        if let Some(&b) = data.get(first + k) {
            word |= (b as u64) << (8 * k);
        }
    }
    (word >> (start % 8)) & ((1u64 << bits) - 1)
}

/// IEEE half precision to single precision.
fn half_to_f32(h: u16) -> f32 {
    let sign = ((h >> 15) as u32) << 31;
    let exp = ((h >> 10) & 0x1f) as u32;
    let mant = (h & 0x3ff) as u32;
    let bits = match (exp, mant) {
        (0, 0) => sign,
        (0, m) => {
            // Subnormal: normalise the mantissa.
            let mut e = 127 - 15 + 1;
            let mut m = m;
            while m & 0x400 == 0 {
                m <<= 1;
                e -= 1;
            }
            sign | (e << 23) | ((m & 0x3ff) << 13)
        }
        (0x1f, m) => sign | 0x7f80_0000 | (m << 13),
        (e, m) => sign | ((e + 127 - 15) << 23) | (m << 13),
    };
    f32::from_bits(bits)
}

fn zigzag(u: u64) -> i64 {
    (u >> 1) as i64 ^ -((u & 1) as i64)
}

fn chunks<const N: usize>(data: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    data.chunks_exact(N)
        .map(|c| c.try_into().expect("chunks_exact"))
}

/// Decodes the uncompressed bytes of a page of `n` elements. Index columns
/// come out as `Offsets` with a leading 0, relative to the cluster.
pub(crate) fn decode_page(data: &[u8], n: usize, column: &ColumnDescription) -> ColumnValues {
    use ColumnType::*;
    let ty = column.column_type;
    let bits = column.bits_on_storage as u32;
    match ty {
        SplitReal32 => {
            return ColumnValues::F32(unsplit4(data).into_iter().map(f32::from_bits).collect())
        }
        SplitReal64 => {
            return ColumnValues::F64(
                unsplit8(data, None)
                    .into_iter()
                    .map(f64::from_bits)
                    .collect(),
            )
        }
        SplitInt32 => {
            return ColumnValues::I32(
                unsplit4(data)
                    .into_iter()
                    .map(|u| zigzag(u as u64) as i32)
                    .collect(),
            )
        }
        SplitUInt32 => return ColumnValues::U32(unsplit4(data)),
        SplitInt64 => {
            return ColumnValues::I64(unsplit8(data, None).into_iter().map(zigzag).collect())
        }
        SplitUInt64 => return ColumnValues::U64(unsplit8(data, None)),
        // Index values are deltas: their running sum, after the leading 0.
        SplitIndex32 => {
            let mut running = 0u64;
            let mut offsets = Vec::with_capacity(data.len() / 4 + 1);
            offsets.push(0u64);
            offsets.extend(unsplit4(data).into_iter().map(|d| {
                running = running.wrapping_add(d as u64);
                running
            }));
            return ColumnValues::Offsets(offsets);
        }
        SplitIndex64 => {
            let mut offsets = unsplit8(data, Some(0));
            let mut running = 0u64;
            for o in &mut offsets[1..] {
                running = running.wrapping_add(*o);
                *o = running;
            }
            return ColumnValues::Offsets(offsets);
        }
        _ => {}
    }
    let owned;
    let data = if ty.is_split() {
        owned = unsplit(data, ty.element_bytes());
        &owned[..]
    } else {
        data
    };
    match ty {
        Bit => ColumnValues::Bool((0..n).map(|i| packed_bits(data, i, 1) != 0).collect()),
        Byte => ColumnValues::Byte(data[..n].to_vec()),
        Char => ColumnValues::Char(data[..n].to_vec()),
        Int8 => ColumnValues::I8(data[..n].iter().map(|&b| b as i8).collect()),
        UInt8 => ColumnValues::U8(data[..n].to_vec()),
        Int16 => ColumnValues::I16(chunks(data).map(i16::from_le_bytes).collect()),
        UInt16 | SplitUInt16 => ColumnValues::U16(chunks(data).map(u16::from_le_bytes).collect()),
        SplitInt16 => ColumnValues::I16(
            chunks(data)
                .map(|c| zigzag(u16::from_le_bytes(c) as u64) as i16)
                .collect(),
        ),
        Int32 => ColumnValues::I32(chunks(data).map(i32::from_le_bytes).collect()),
        UInt32 | SplitUInt32 => ColumnValues::U32(chunks(data).map(u32::from_le_bytes).collect()),
        SplitInt32 => ColumnValues::I32(
            chunks(data)
                .map(|c| zigzag(u32::from_le_bytes(c) as u64) as i32)
                .collect(),
        ),
        Int64 => ColumnValues::I64(chunks(data).map(i64::from_le_bytes).collect()),
        UInt64 | SplitUInt64 => ColumnValues::U64(chunks(data).map(u64::from_le_bytes).collect()),
        SplitInt64 => ColumnValues::I64(
            chunks(data)
                .map(|c| zigzag(u64::from_le_bytes(c)))
                .collect(),
        ),
        Real16 | SplitReal16 => ColumnValues::F32(
            chunks(data)
                .map(|c| half_to_f32(u16::from_le_bytes(c)))
                .collect(),
        ),
        Real32 | SplitReal32 => ColumnValues::F32(chunks(data).map(f32::from_le_bytes).collect()),
        Real64 | SplitReal64 => ColumnValues::F64(chunks(data).map(f64::from_le_bytes).collect()),
        Index32 | SplitIndex32 => {
            let stored = chunks(data).map(|c| u32::from_le_bytes(c) as u64);
            ColumnValues::Offsets(offsets_from(stored, n, ty.is_delta()))
        }
        Index64 | SplitIndex64 => {
            let stored = chunks(data).map(u64::from_le_bytes);
            ColumnValues::Offsets(offsets_from(stored, n, ty.is_delta()))
        }
        Switch => ColumnValues::Switch(
            data.chunks_exact(12)
                .map(|c| SwitchValue {
                    index: u64::from_le_bytes(c[..8].try_into().expect("8 bytes")),
                    tag: u32::from_le_bytes(c[8..].try_into().expect("4 bytes")),
                })
                .collect(),
        ),
        Real32Trunc => ColumnValues::F32(
            (0..n)
                .map(|i| f32::from_bits((packed_bits(data, i, bits) as u32) << (32 - bits)))
                .collect(),
        ),
        Real32Quant => {
            let (min, max) = column.value_range.unwrap_or((0.0, 0.0));
            let scale = (max - min) / ((1u64 << bits) - 1) as f64;
            ColumnValues::F32(
                (0..n)
                    .map(|i| (min + packed_bits(data, i, bits) as f64 * scale) as f32)
                    .collect(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn column(column_type: ColumnType, bits: u16) -> ColumnDescription {
        ColumnDescription {
            id: 0,
            column_type,
            bits_on_storage: bits,
            field: 0,
            representation: 0,
            first_element: 0,
            value_range: Some((-1.0, 1.0)),
            index_in_field: 0,
        }
    }

    /// Byte planes of little-endian elements (what split columns store).
    fn split(elements: &[&[u8]]) -> Vec<u8> {
        let width = elements[0].len();
        (0..width)
            .flat_map(|b| elements.iter().map(move |e| e[b]))
            .collect()
    }

    #[test]
    fn split_index_pages_undo_delta_encoding() {
        // Collections of sizes 3, 2, 0, 5: offsets 3, 5, 5, 10 stored as the
        // first value and then differences.
        let deltas = [3u32, 2, 0, 5].map(u32::to_le_bytes);
        let data = split(&deltas.iter().map(|d| &d[..]).collect::<Vec<_>>());
        let values = decode_page(&data, 4, &column(ColumnType::SplitIndex32, 32));
        assert_eq!(values, ColumnValues::Offsets(vec![0, 3, 5, 5, 10]));
    }

    #[test]
    fn plain_index_pages_are_offsets_as_stored() {
        let data: Vec<u8> = [3u64, 5, 5].iter().flat_map(|x| x.to_le_bytes()).collect();
        let values = decode_page(&data, 3, &column(ColumnType::Index64, 64));
        assert_eq!(values, ColumnValues::Offsets(vec![0, 3, 5, 5]));
    }

    #[test]
    fn split_signed_integers_undo_zigzag() {
        // -2, 1 zigzag to 3, 2.
        let data = split(&[&3u16.to_le_bytes(), &2u16.to_le_bytes()]);
        let values = decode_page(&data, 2, &column(ColumnType::SplitInt16, 16));
        assert_eq!(values, ColumnValues::I16(vec![-2, 1]));
    }

    #[test]
    fn plain_doubles_and_halves() {
        let data: Vec<u8> = [1.5f64, -2.0]
            .iter()
            .flat_map(|x| x.to_le_bytes())
            .collect();
        let values = decode_page(&data, 2, &column(ColumnType::Real64, 64));
        assert_eq!(values, ColumnValues::F64(vec![1.5, -2.0]));
        let halves = split(&[&0x3c00u16.to_le_bytes(), &0xc000u16.to_le_bytes()]);
        let values = decode_page(&halves, 2, &column(ColumnType::SplitReal16, 16));
        assert_eq!(values, ColumnValues::F32(vec![1.0, -2.0]));
    }

    #[test]
    fn bits_are_least_significant_first() {
        let values = decode_page(&[0b0000_0101, 0b1], 9, &column(ColumnType::Bit, 1));
        let expected = [true, false, true, false, false, false, false, false, true];
        assert_eq!(values, ColumnValues::Bool(expected.to_vec()));
    }

    #[test]
    fn quantized_floats_span_their_range() {
        // Two 4-bit values: 0 and 15, the ends of the range [-1, 1].
        let values = decode_page(&[0xf0], 2, &column(ColumnType::Real32Quant, 4));
        assert_eq!(values, ColumnValues::F32(vec![-1.0, 1.0]));
    }

    #[test]
    fn truncated_floats_keep_the_top_bits() {
        // 1.0f32 is 0x3f80_0000; its top 12 bits are 0x3f8.
        let values = decode_page(&[0xf8, 0x03], 1, &column(ColumnType::Real32Trunc, 12));
        assert_eq!(values, ColumnValues::F32(vec![1.0]));
    }

    #[test]
    fn unsplit_restores_element_bytes() {
        // Elements 0x0201, 0x0403 stored as planes [01 03] [02 04].
        assert_eq!(unsplit(&[1, 3, 2, 4], 2), vec![1, 2, 3, 4]);
    }

    #[test]
    fn zigzag_maps_back_to_signed() {
        assert_eq!(zigzag(0), 0);
        assert_eq!(zigzag(1), -1);
        assert_eq!(zigzag(2), 1);
        assert_eq!(zigzag(3), -2);
    }

    #[test]
    fn half_precision_values() {
        assert_eq!(half_to_f32(0x3c00), 1.0);
        assert_eq!(half_to_f32(0xc000), -2.0);
        assert_eq!(half_to_f32(0x0001), 2f32.powi(-24));
        assert!(half_to_f32(0x7e00).is_nan());
    }

    #[test]
    fn packed_bits_cross_byte_boundaries() {
        // Three 5-bit values 1, 2, 31: bits 00001 00010 11111, LSB first.
        let word: u32 = 1 | (2 << 5) | (31 << 10);
        let data = word.to_le_bytes();
        assert_eq!(packed_bits(&data, 0, 5), 1);
        assert_eq!(packed_bits(&data, 1, 5), 2);
        assert_eq!(packed_bits(&data, 2, 5), 31);
    }
}
