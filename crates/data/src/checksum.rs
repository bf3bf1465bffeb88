//! adler32, the checksum the CERN Open Data portal publishes for every file.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// Running adler32 over bytes seen so far (for checksumming while downloading).
#[derive(Default)]
pub struct Adler32(simd_adler32::Adler32);

impl Adler32 {
    pub fn new() -> Adler32 {
        Adler32(simd_adler32::Adler32::new())
    }
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.write(bytes);
    }
    pub fn value(&self) -> u32 {
        self.0.finish()
    }
}

/// adler32 of a whole file, as the portal writes it: 8 lowercase hex digits.
pub fn hex(value: u32) -> String {
    format!("{value:08x}")
}

/// (size, adler32) of the file at `path`.
pub fn adler32_file(path: &Path) -> Result<(u64, u32)> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut sum = Adler32::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        sum.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, sum.value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adler32_of_known_strings() {
        // RFC 1950's definition: "Wikipedia" → 0x11E60398 (worked example on the adler32 page).
        let mut a = Adler32::new();
        a.update(b"Wiki");
        a.update(b"pedia");
        assert_eq!(hex(a.value()), "11e60398");
        assert_eq!(Adler32::new().value(), 1);
    }
}
