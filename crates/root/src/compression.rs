//! ROOT's compressed blocks.
//!
//! A compressed payload is one or more blocks, each with a 9-byte header:
//! two letters naming the algorithm (`ZL` zlib, `L4` LZ4, `ZS` zstd, `XZ`
//! LZMA, `CS` the old ROOT algorithm), a method byte, then the compressed
//! and uncompressed sizes as 3-byte little-endian integers. LZ4 blocks carry
//! an 8-byte xxhash64 of the compressed bytes before the data.
//!
//! With the default `native` feature the C codecs (libdeflate, zstd, liblzma)
//! are used; without it, pure-Rust fallbacks that also build for WebAssembly.

use crate::error::{Error, Result};

const HEADER: usize = 9;
const LZ4_CHECKSUM: usize = 8;

/// A compression algorithm as named in block headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Zlib,
    Lz4,
    Zstd,
    Lzma,
    OldRoot,
}

impl Algorithm {
    fn from_magic(m: &[u8]) -> Option<Self> {
        match m {
            b"ZL" => Some(Algorithm::Zlib),
            b"L4" => Some(Algorithm::Lz4),
            b"ZS" => Some(Algorithm::Zstd),
            b"XZ" => Some(Algorithm::Lzma),
            b"CS" => Some(Algorithm::OldRoot),
            _ => None,
        }
    }

    /// The name uproot and ROOT users know.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Zlib => "zlib",
            Algorithm::Lz4 => "lz4",
            Algorithm::Zstd => "zstd",
            Algorithm::Lzma => "lzma",
            Algorithm::OldRoot => "old ROOT (CS)",
        }
    }
}

/// Decompresses a ROOT payload of `compressed` bytes into exactly
/// `uncompressed_len` bytes. Payloads whose sizes are equal are stored
/// uncompressed and returned as they are.
pub fn decompress(compressed: &[u8], uncompressed_len: usize, what: &str) -> Result<Vec<u8>> {
    if compressed.len() == uncompressed_len {
        return Ok(compressed.to_vec());
    }
    check_blocks(compressed, uncompressed_len, what)?;
    let mut out = vec![0u8; uncompressed_len];
    decompress_into(compressed, &mut out, what)?;
    Ok(out)
}

/// Walks the block headers and checks that they add up to the expected
/// size, so that a corrupt size never causes a large allocation.
pub(crate) fn check_blocks(compressed: &[u8], uncompressed_len: usize, what: &str) -> Result<()> {
    let (mut src, mut total) = (0usize, 0usize);
    while total < uncompressed_len {
        let Some(header) = compressed.get(src..src + HEADER) else {
            return Err(Error::format(format!(
                "{what}: compressed blocks describe {total} of {uncompressed_len} bytes before the data ends (truncated or corrupt)"
            )));
        };
        if Algorithm::from_magic(&header[0..2]).is_none() {
            return Err(Error::format(format!(
                "{what}: unknown compression block header {:?} at byte {src}",
                String::from_utf8_lossy(&header[0..2])
            )));
        }
        src += HEADER + u24(&header[3..6]);
        total += u24(&header[6..9]);
    }
    if total != uncompressed_len || src > compressed.len() {
        return Err(Error::format(format!(
            "{what}: compressed blocks describe {total} bytes in {src}, but the object has {uncompressed_len} bytes in {}",
            compressed.len()
        )));
    }
    Ok(())
}

/// Decompresses into a buffer of exactly the uncompressed size.
pub fn decompress_into(compressed: &[u8], out: &mut [u8], what: &str) -> Result<()> {
    let mut src = 0usize;
    let mut dst = 0usize;
    while dst < out.len() {
        let header = compressed.get(src..src + HEADER).ok_or_else(|| {
            Error::format(format!(
                "{what}: compressed data ends after {src} bytes, before all {} bytes were produced (truncated block header)",
                out.len()
            ))
        })?;
        let algorithm = Algorithm::from_magic(&header[0..2]).ok_or_else(|| {
            Error::format(format!(
                "{what}: unknown compression block header {:?} at byte {src}",
                String::from_utf8_lossy(&header[0..2])
            ))
        })?;
        let c_len = u24(&header[3..6]);
        let u_len = u24(&header[6..9]);
        let block = compressed
            .get(src + HEADER..src + HEADER + c_len)
            .ok_or_else(|| {
                Error::format(format!(
                    "{what}: {} block at byte {src} claims {c_len} bytes but only {} remain",
                    algorithm.name(),
                    compressed.len().saturating_sub(src + HEADER)
                ))
            })?;
        let room = out.len() - dst;
        let target = out.get_mut(dst..dst + u_len).ok_or_else(|| {
            Error::format(format!(
                "{what}: {} block at byte {src} would produce {u_len} bytes, more than the {} expected",
                algorithm.name(),
                room
            ))
        })?;
        decode_block(algorithm, block, target).map_err(|e| {
            Error::format(format!(
                "{what}: {} block at byte {src} ({c_len} -> {u_len} bytes): {e}",
                algorithm.name()
            ))
        })?;
        src += HEADER + c_len;
        dst += u_len;
    }
    Ok(())
}

fn u24(b: &[u8]) -> usize {
    b[0] as usize | (b[1] as usize) << 8 | (b[2] as usize) << 16
}

/// Decodes one block into `out`, which has exactly the block's uncompressed size.
fn decode_block(algorithm: Algorithm, block: &[u8], out: &mut [u8]) -> Result<(), String> {
    let produced = match algorithm {
        Algorithm::Zlib => inflate_zlib(block, out)?,
        Algorithm::Lz4 => {
            if block.len() < LZ4_CHECKSUM {
                return Err("LZ4 block shorter than its checksum".into());
            }
            let (sum, data) = block.split_at(LZ4_CHECKSUM);
            let expected = u64::from_be_bytes(sum.try_into().expect("8 bytes"));
            let actual = xxhash_rust::xxh64::xxh64(data, 0);
            if expected != actual {
                return Err(format!(
                    "LZ4 checksum mismatch (stored {expected:016x}, computed {actual:016x}): the data is corrupt"
                ));
            }
            lz4_flex::block::decompress_into(data, out).map_err(|e| e.to_string())?
        }
        Algorithm::Zstd => unzstd(block, out)?,
        Algorithm::Lzma => unxz(block, out)?,
        Algorithm::OldRoot => {
            return Err(
                "the old ROOT compression algorithm (CS, before ROOT 5) is not supported; rewrite the file with a recent ROOT (e.g. `hadd -f207 new.root old.root`)"
                    .into(),
            )
        }
    };
    if produced != out.len() {
        return Err(format!(
            "produced {produced} bytes instead of {}",
            out.len()
        ));
    }
    Ok(())
}

#[cfg(feature = "native")]
fn inflate_zlib(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    let mut d = libdeflater::Decompressor::new();
    d.zlib_decompress(block, out).map_err(|e| e.to_string())
}

#[cfg(not(feature = "native"))]
fn inflate_zlib(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    let mut d = flate2::Decompress::new(true);
    d.decompress(block, out, flate2::FlushDecompress::Finish)
        .map_err(|e| e.to_string())?;
    Ok(d.total_out() as usize)
}

#[cfg(feature = "native")]
fn unzstd(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    zstd::bulk::decompress_to_buffer(block, out).map_err(|e| e.to_string())
}

#[cfg(not(feature = "native"))]
fn unzstd(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    let mut dec = ruzstd::StreamingDecoder::new(block).map_err(|e| e.to_string())?;
    read_all(&mut dec, out)
}

#[cfg(feature = "native")]
fn unxz(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    let mut s = xz2::stream::Stream::new_stream_decoder(u64::MAX, 0).map_err(|e| e.to_string())?;
    let status = s
        .process(block, out, xz2::stream::Action::Finish)
        .map_err(|e| e.to_string())?;
    let _ = status;
    Ok(s.total_out() as usize)
}

#[cfg(not(feature = "native"))]
fn unxz(block: &[u8], out: &mut [u8]) -> Result<usize, String> {
    let mut input = std::io::Cursor::new(block);
    let mut v = Vec::with_capacity(out.len());
    lzma_rs::xz_decompress(&mut input, &mut v).map_err(|e| e.to_string())?;
    if v.len() != out.len() {
        return Err(format!(
            "produced {} bytes instead of {}",
            v.len(),
            out.len()
        ));
    }
    out.copy_from_slice(&v);
    Ok(v.len())
}

#[cfg(not(feature = "native"))]
fn read_all(r: &mut impl std::io::Read, out: &mut [u8]) -> Result<usize, String> {
    let mut n = 0;
    while n < out.len() {
        match r.read(&mut out[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(n)
}

/// The algorithm of the first block of a compressed payload, if any.
pub fn algorithm_of(compressed: &[u8]) -> Option<Algorithm> {
    compressed.get(0..2).and_then(Algorithm::from_magic)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block(magic: &[u8; 2], payload: &[u8], u_len: usize) -> Vec<u8> {
        let mut v = magic.to_vec();
        v.push(1);
        let c = payload.len();
        v.extend_from_slice(&[c as u8, (c >> 8) as u8, (c >> 16) as u8]);
        v.extend_from_slice(&[u_len as u8, (u_len >> 8) as u8, (u_len >> 16) as u8]);
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn zlib_and_lz4_blocks_concatenate() {
        let text: Vec<u8> = (0..5000u32).flat_map(|i| (i % 251).to_be_bytes()).collect();
        let (a, b) = text.split_at(7000);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut z, a).unwrap();
        let za = z.finish().unwrap();
        let lz = lz4_flex::block::compress(b);
        let mut l4 = xxhash_rust::xxh64::xxh64(&lz, 0).to_be_bytes().to_vec();
        l4.extend_from_slice(&lz);
        let mut payload = block(b"ZL", &za, a.len());
        payload.extend(block(b"L4", &l4, b.len()));
        assert_eq!(decompress(&payload, text.len(), "t").unwrap(), text);

        // A flipped byte in the LZ4 data fails the checksum.
        let n = payload.len();
        payload[n - 3] ^= 0x55;
        let err = decompress(&payload, text.len(), "t")
            .unwrap_err()
            .to_string();
        assert!(err.contains("checksum"), "{err}");
        // Truncation is an error, not a panic.
        assert!(decompress(&payload[..n / 2], text.len(), "t").is_err());
    }
}
