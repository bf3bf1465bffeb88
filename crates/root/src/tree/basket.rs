//! Baskets: the compressed blocks a branch's entries are stored in.

use super::model::BranchModel;
use crate::compression;
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::key::Key;
use crate::source::ByteSource;

/// Where one basket is and which entries it holds.
#[derive(Clone, Debug)]
pub struct BasketRef {
    /// Index among the branch's baskets.
    pub index: usize,
    pub entry_start: u64,
    pub entry_stop: u64,
    /// File position and size; None for baskets embedded in the tree object.
    pub location: Option<(u64, usize)>,
}

/// A basket's decompressed bytes.
pub struct RawBasket {
    pub data: Vec<u8>,
    /// Entry start positions in `data`, ending with the data length.
    pub offsets: Option<Vec<u32>>,
    pub entries: usize,
}

/// The baskets of a branch in entry order. `fBasketEntry[i]` is the first
/// entry of basket `i`, and `fBasketEntry[fWriteBasket]` the first entry of
/// the basket still in memory when the tree was written (embedded in the tree
/// object if the file was not closed cleanly).
pub fn basket_refs(b: &BranchModel) -> Vec<BasketRef> {
    let n = b.write_basket as usize;
    let total = b.entries.max(0) as u64;
    let first_entry = |i: usize| b.basket_entry.get(i).map(|&e| e.max(0) as u64);
    let mut out = Vec::new();
    for i in 0..n {
        let start = first_entry(i).unwrap_or(0);
        // Never before its start, even when a damaged tree gives fewer entries than baskets.
        let stop = first_entry(i + 1)
            .filter(|&e| e >= start)
            .unwrap_or(total)
            .max(start);
        let (seek, bytes) = (
            b.basket_seek.get(i).copied().unwrap_or(0),
            b.basket_bytes.get(i).copied().unwrap_or(0),
        );
        if seek > 0 && bytes > 0 {
            out.push(BasketRef {
                index: i,
                entry_start: start,
                entry_stop: stop,
                location: Some((seek as u64, bytes as usize)),
            });
        }
    }
    let mut next = first_entry(n).unwrap_or(total);
    for (k, e) in b.embedded.iter().enumerate() {
        out.push(BasketRef {
            index: n + k,
            entry_start: next,
            entry_stop: next + e.entries as u64,
            location: None,
        });
        next += e.entries as u64;
    }
    out
}

/// Reads and decompresses one basket into an owned buffer.
pub fn read_basket(
    source: &dyn ByteSource,
    branch: &BranchModel,
    r: &BasketRef,
    what: &str,
    generate: Option<&GenerateOffsets>,
) -> Result<RawBasket> {
    with_basket(
        source,
        branch,
        r,
        what,
        generate,
        |data, offsets, entries| {
            Ok(RawBasket {
                data: data.to_vec(),
                offsets: offsets.map(<[u32]>::to_vec),
                entries,
            })
        },
    )
}

#[cfg(feature = "native")]
thread_local! {
    /// Decompressed baskets are decoded straight away, so each thread keeps
    /// one buffer for them instead of asking the system for fresh pages.
    static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Makes the entry offsets of a basket stored without them (ROOT's `kGenerateOffsetMap` I/O
/// feature: a leaf-count array's offsets follow from its counter branch), given the basket and the
/// length of its data.
pub type GenerateOffsets<'a> = dyn Fn(&BasketRef, usize) -> Result<Vec<u32>> + Sync + 'a;

/// Reads one basket and calls `f` with its data (entries only), its entry
/// offsets (ending with the data length; made by `generate` when the basket
/// has none and the branch can have them made) and its number of entries. The
/// data is borrowed from the file when stored uncompressed, else from a buffer
/// reused by the thread.
pub fn with_basket<R>(
    source: &dyn ByteSource,
    branch: &BranchModel,
    r: &BasketRef,
    what: &str,
    generate: Option<&GenerateOffsets>,
    f: impl FnOnce(&[u8], Option<&[u32]>, usize) -> Result<R>,
) -> Result<R> {
    let Some((seek, nbytes)) = r.location else {
        let e = &branch.embedded[r.index - branch.write_basket as usize];
        let generated = match (&e.offsets, generate) {
            (None, Some(g)) => Some(g(r, e.data.len())?),
            _ => None,
        };
        return f(
            &e.data,
            e.offsets.as_deref().or(generated.as_deref()),
            e.entries,
        );
    };
    let bytes = source.read_at(seek, nbytes)?;
    let mut c = Cursor::new(&bytes, 0, what);
    let key = Key::read(&mut c)?;
    let keylen = key.keylen as usize;
    if keylen < 19 || keylen > key.nbytes as usize || key.nbytes as usize > bytes.len() {
        return Err(Error::format(format!(
            "{what}: basket {} has an inconsistent key (keylen {keylen}, nbytes {}, {} bytes listed)",
            r.index, key.nbytes, nbytes
        )));
    }
    c.seek(keylen - 19)?;
    c.u16()?; // basket version
    c.i32()?; // buffer size
    c.i32()?; // entry size
    let nev_buf = c.i32()?;
    let last = c.i32()?;
    let expected = (r.entry_stop - r.entry_start) as usize;
    if nev_buf < 0 || nev_buf as usize != expected {
        return Err(Error::format(format!(
            "{what}: basket {} holds {nev_buf} entries but the branch lists {expected}",
            r.index
        )));
    }
    let what_b = format!("{what}, basket {}", r.index);
    let stored = &bytes[keylen..key.nbytes as usize];
    let objlen = key.objlen as usize;
    let entries = nev_buf as usize;
    let finish = |raw: &[u8]| -> Result<R> {
        let border = (last as i64 - keylen as i64).clamp(0, raw.len() as i64) as usize;
        let offsets = if border < raw.len() {
            // A count, then one big-endian position per entry (from the key start).
            let table = raw.get(border + 4..border + 4 + 4 * entries).ok_or_else(|| {
                Error::format(format!(
                    "{what_b}: the entry-offset table of {entries} entries runs past the basket's end"
                ))
            })?;
            // A zeroed table filled by a zip of slices: loops the compiler vectorises. Positions
            // outside the data (only in damaged files) are clamped to it, in a second pass.
            let mut offs = vec![0u32; entries + 1];
            let mut outside = false;
            for (o, b) in offs.iter_mut().zip(table.chunks_exact(4)) {
                *o = u32::from_be_bytes([b[0], b[1], b[2], b[3]]).wrapping_sub(keylen as u32);
                outside |= *o > border as u32;
            }
            if outside {
                let (start, end) = (keylen as i64, border as i64);
                for (o, b) in offs.iter_mut().zip(table.chunks_exact(4)) {
                    let at = i32::from_be_bytes([b[0], b[1], b[2], b[3]]) as i64 - start;
                    *o = at.clamp(0, end) as u32;
                }
            }
            offs[entries] = border as u32;
            Some(offs)
        } else if let Some(g) = generate {
            Some(g(r, border)?)
        } else {
            None
        };
        f(&raw[..border], offsets.as_deref(), entries)
    };
    if stored.len() == objlen {
        return finish(stored);
    }
    compression::check_blocks(stored, objlen, &what_b)?;
    #[cfg(feature = "native")]
    {
        SCRATCH.with(|cell| {
            // A buffer in use (a decode that reads another basket) is not shared.
            let Ok(mut buf) = cell.try_borrow_mut() else {
                let raw = compression::decompress(stored, objlen, &what_b)?;
                return finish(&raw);
            };
            buf.resize(objlen, 0);
            compression::decompress_into(stored, &mut buf[..objlen], &what_b)?;
            finish(&buf[..objlen])
        })
    }
    #[cfg(not(feature = "native"))]
    {
        let raw = compression::decompress(stored, objlen, &what_b)?;
        finish(&raw)
    }
}

#[cfg(test)]
mod tests {
    use super::basket_refs;
    use crate::tree::model::BranchModel;

    /// Found by fuzzing: a branch claiming fewer entries than its last basket starts at.
    #[test]
    fn baskets_never_end_before_they_start() {
        let branch = BranchModel {
            title: "x/I".into(),
            write_basket: 2,
            basket_bytes: vec![100, 100],
            basket_entry: vec![0, 8],
            basket_seek: vec![1000, 2000],
            ..BranchModel::named("x", 5)
        };
        let refs = basket_refs(&branch);
        assert_eq!(refs.len(), 2);
        for r in &refs {
            assert!(r.entry_stop >= r.entry_start, "{r:?}");
        }
    }
}
