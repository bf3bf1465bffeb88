//! Compressing payloads into ROOT blocks.

use crate::error::{Error, Result};

/// The largest block ROOT's 3-byte sizes allow.
const MAX_BLOCK: usize = 0xFF_FFFF;

/// Compression of a file being written: algorithm and level, as ROOT's
/// `fCompress` setting (`100 * algorithm + level`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Zlib(u32),
    Lz4(u32),
    Zstd(u32),
    Lzma(u32),
}

impl Compression {
    /// The `fCompress` number stored in files and branches.
    pub fn setting(self) -> i32 {
        match self {
            Compression::None => 0,
            Compression::Zlib(l) => 100 + l as i32,
            Compression::Lzma(l) => 200 + l as i32,
            Compression::Lz4(l) => 400 + l as i32,
            Compression::Zstd(l) => 500 + l as i32,
        }
    }

    /// Parses `zlib`, `zlib:6`, `lz4`, `zstd:5`, `lzma`, `none`.
    pub fn parse(s: &str) -> Result<Compression> {
        let (name, level) = match s.split_once(':') {
            Some((n, l)) => (
                n,
                Some(l.parse::<u32>().map_err(|_| {
                    Error::format(format!("compression level {l:?} is not a number"))
                })?),
            ),
            None => (s, None),
        };
        Ok(match name.to_ascii_lowercase().as_str() {
            "none" | "off" => Compression::None,
            "zlib" => Compression::Zlib(level.unwrap_or(1).clamp(1, 9)),
            "lz4" => Compression::Lz4(level.unwrap_or(4).clamp(1, 9)),
            "zstd" => Compression::Zstd(level.unwrap_or(5).clamp(1, 9)),
            "lzma" | "xz" => Compression::Lzma(level.unwrap_or(7).clamp(1, 9)),
            other => {
                return Err(Error::format(format!(
                    "unknown compression {other:?} (use zlib, lz4, zstd, lzma or none, optionally with :level)"
                )))
            }
        })
    }
}

/// Compresses `data` into ROOT blocks, or returns it as it is when
/// compression is off or does not pay.
pub fn compress(data: &[u8], c: Compression) -> Vec<u8> {
    if c == Compression::None || data.len() < 32 {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(data.len() / 2 + 64);
    for chunk in data.chunks(MAX_BLOCK) {
        let (magic, payload): (&[u8; 2], Vec<u8>) = match c {
            Compression::Zlib(l) => (b"ZL", zlib(chunk, l)),
            Compression::Lz4(_) => {
                let block = lz4_flex::block::compress(chunk);
                let mut p = xxhash_rust::xxh64::xxh64(&block, 0).to_be_bytes().to_vec();
                p.extend_from_slice(&block);
                (b"L4", p)
            }
            Compression::Zstd(l) => (b"ZS", zstd_block(chunk, l)),
            Compression::Lzma(l) => (b"XZ", xz_block(chunk, l)),
            Compression::None => unreachable!(),
        };
        if payload.len() > MAX_BLOCK || payload.len() >= chunk.len() {
            return data.to_vec(); // does not pay: store uncompressed
        }
        // The method byte ROOT writes for each algorithm.
        let method = match c {
            Compression::Zlib(_) => 8,
            Compression::Lzma(_) => 0,
            _ => 1,
        };
        out.extend_from_slice(magic);
        out.push(method);
        let (c_len, u_len) = (payload.len(), chunk.len());
        out.extend_from_slice(&[c_len as u8, (c_len >> 8) as u8, (c_len >> 16) as u8]);
        out.extend_from_slice(&[u_len as u8, (u_len >> 8) as u8, (u_len >> 16) as u8]);
        out.extend_from_slice(&payload);
    }
    if out.len() >= data.len() {
        return data.to_vec();
    }
    out
}

#[cfg(feature = "native")]
fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    let mut c = libdeflater::Compressor::new(
        libdeflater::CompressionLvl::new(level as i32).unwrap_or_default(),
    );
    let mut out = vec![0u8; c.zlib_compress_bound(data.len())];
    let n = c.zlib_compress(data, &mut out).unwrap_or(0);
    out.truncate(n);
    out
}

#[cfg(not(feature = "native"))]
fn zlib(data: &[u8], level: u32) -> Vec<u8> {
    use std::io::Write;
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level));
    let _ = z.write_all(data);
    z.finish().unwrap_or_default()
}

#[cfg(feature = "native")]
fn zstd_block(data: &[u8], level: u32) -> Vec<u8> {
    zstd::bulk::compress(data, level as i32).unwrap_or_default()
}

#[cfg(not(feature = "native"))]
fn zstd_block(data: &[u8], _level: u32) -> Vec<u8> {
    data.to_vec() // no pure-Rust zstd encoder: the caller stores it raw
}

#[cfg(feature = "native")]
fn xz_block(data: &[u8], level: u32) -> Vec<u8> {
    use std::io::Write;
    let mut e = xz2::write::XzEncoder::new(Vec::new(), level);
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

#[cfg(not(feature = "native"))]
fn xz_block(data: &[u8], _level: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = lzma_rs::xz_compress(&mut std::io::Cursor::new(data), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_algorithm_round_trips() {
        let data: Vec<u8> = (0..100_000u32)
            .flat_map(|i| ((i / 7) as u16).to_be_bytes())
            .collect();
        for name in ["zlib", "lz4", "zstd", "lzma:3"] {
            let c = Compression::parse(name).unwrap();
            let packed = compress(&data, c);
            // Without the C codecs, zstd and LZMA payloads are stored (nearly) as they are.
            if cfg!(feature = "native") || name == "zlib" || name == "lz4" {
                assert!(packed.len() < data.len() / 2, "{c:?}");
            }
            assert_eq!(
                crate::compression::decompress(&packed, data.len(), "t").unwrap(),
                data
            );
        }
        assert!(Compression::parse("gzip").is_err());
    }
}
