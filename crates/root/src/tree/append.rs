//! Filling one column from the entry ranges of several baskets.
//!
//! A chunk of entries usually starts inside one basket and ends inside
//! another. Numbers, leaf-count arrays and `std::vector`/`RVec` of numbers
//! are converted from the decompressed bytes of each basket straight into the
//! chunk's column: no column per basket, no slicing, no joining copies. Other
//! kinds are decoded basket by basket and the wanted entries copied over.

use std::ops::Range;

use super::decode::{
    append_be, decode_basket, simple_list_of, too_many, vector_entry_len, wrap_fixed, VECTOR_HEADER,
};
use super::interpretation::Interpretation;
use super::types::uproot_name;
use crate::error::{Error, Result};
use hepkey_column::{Array, DType, Values};

/// A column under construction, for one branch.
pub(crate) struct Appender<'a> {
    kind: Kind<'a>,
}

enum Kind<'a> {
    /// `per` numbers per entry, wrapped into lists of `dims` at the end.
    Fixed {
        values: Values,
        prim: DType,
        dims: &'a [usize],
        entries: usize,
    },
    /// Leaf-count arrays: an entry's byte size gives its item count.
    Jagged {
        values: Values,
        prim: DType,
        inner: &'a [usize],
        list: Vec<u32>,
    },
    /// `std::vector`/`RVec`/`std::set` of numbers, each entry with its header.
    Vector {
        values: Values,
        prim: DType,
        list: Vec<u32>,
        interp: &'a Interpretation,
    },
    /// Everything else: each basket decoded whole, then its entries copied.
    Generic {
        interp: &'a Interpretation,
        array: Option<Array>,
    },
}

impl<'a> Appender<'a> {
    /// An empty column for `interp`, with room for about `entries` entries.
    /// `bytes` estimates the uncompressed bytes of those entries (to size the values once).
    pub(crate) fn new(interp: &'a Interpretation, entries: usize, bytes: usize) -> Appender<'a> {
        // Sizes come from the file: a damaged one must not make us reserve terabytes. Beyond the
        // cap the vectors grow as values arrive.
        const CAP: usize = 1 << 26;
        let (entries, bytes) = (entries.min(CAP), bytes.min(CAP * 8));
        let kind = match interp {
            Interpretation::Fixed { prim, dims } => Kind::Fixed {
                values: Values::with_capacity(
                    *prim,
                    entries
                        .saturating_mul(dims.iter().fold(1usize, |a, &d| a.saturating_mul(d)))
                        .min(CAP),
                ),
                prim: *prim,
                dims,
                entries: 0,
            },
            Interpretation::Jagged { prim, inner } => Kind::Jagged {
                values: Values::with_capacity(*prim, bytes / prim.size()),
                prim: *prim,
                inner,
                list: list_with_capacity(entries),
            },
            Interpretation::Container(ty) => match simple_list_of(ty) {
                Some(prim) => Kind::Vector {
                    values: Values::with_capacity(
                        prim,
                        bytes.saturating_sub(VECTOR_HEADER * entries) / prim.size(),
                    ),
                    prim,
                    list: list_with_capacity(entries),
                    interp,
                },
                None => Kind::Generic {
                    interp,
                    array: None,
                },
            },
            _ => Kind::Generic {
                interp,
                array: None,
            },
        };
        Appender { kind }
    }

    /// Whether baskets are decoded whole (then a decoded basket is worth keeping for the next chunk).
    pub(crate) fn decodes_whole_baskets(&self) -> bool {
        matches!(self.kind, Kind::Generic { .. })
    }

    /// Appends entries `range` of a basket (`data` and `offsets` as [`decode_basket`] takes them).
    pub(crate) fn append(
        &mut self,
        data: &[u8],
        offsets: Option<&[u32]>,
        entries: usize,
        range: Range<usize>,
        what: &str,
    ) -> Result<()> {
        // Whole-basket checks are O(1) here: a cached basket serves several
        // chunks, and the entries used are checked in order below.
        if let Some(o) = offsets {
            let end = range.end.min(entries);
            if o.len() != entries + 1
                || o[entries] as usize > data.len()
                || o[end] as usize > data.len()
            {
                return Err(Error::format(format!(
                    "{what}: the basket's entry offsets are inconsistent ({} offsets for {entries} entries in {} bytes)",
                    o.len(),
                    data.len()
                )));
            }
        }
        if range.start > range.end || range.end > entries {
            return Err(Error::format(format!(
                "{what}: entries {range:?} asked of a basket of {entries}"
            )));
        }
        match &mut self.kind {
            Kind::Fixed {
                values,
                prim,
                dims,
                entries: n,
            } => {
                let stride = prim.size() * dims.iter().product::<usize>().max(1);
                let need = entries.checked_mul(stride).ok_or_else(|| too_many(what))?;
                if data.len() < need {
                    return Err(Error::format(format!(
                        "{what}: needed {need} bytes for {entries} entries of {} but the basket has {}",
                        uproot_name(*prim),
                        data.len()
                    )));
                }
                append_be(values, &data[range.start * stride..range.end * stride]);
                *n += range.len();
            }
            Kind::Jagged {
                values,
                prim,
                inner,
                list,
            } => {
                let o = offsets.ok_or_else(|| {
                    Error::Unsupported(format!(
                        "{what}: a variable-length array without entry offsets"
                    ))
                })?;
                let per = inner.iter().product::<usize>().max(1);
                let block = prim.size() * per;
                if block > u32::MAX as usize {
                    return Err(too_many(what));
                }
                // Item sizes are powers of two in practice: a shift, not a division.
                let shift = block.is_power_of_two().then(|| block.trailing_zeros());
                let items = |bytes: usize| match shift {
                    Some(s) => bytes >> s,
                    None => bytes / block,
                };
                let base = *list.last().expect("offsets start with 0") as usize;
                let first = o[range.start] as usize;
                let total = base + items((o[range.end] as usize).saturating_sub(first));
                if total > u32::MAX as usize {
                    return Err(too_many(what));
                }
                // Counted from the range's first byte: every entry is whole
                // items exactly when every such count is. Separate passes
                // without shared state, so that each one vectorises.
                let used = &o[range.start..=range.end];
                if used.windows(2).fold(false, |back, w| back | (w[1] < w[0])) {
                    return Err(unordered(what));
                }
                // In u32: the byte counts and `total` were checked to fit.
                let (first, base) = (first as u32, base as u32);
                let misaligned = match shift {
                    Some(s) => {
                        list.extend(used[1..].iter().map(|&x| base + ((x - first) >> s)));
                        let rest = block as u32 - 1;
                        used.iter().fold(0, |m, &x| m | ((x - first) & rest))
                    }
                    None => {
                        let block = block as u32;
                        list.extend(used[1..].iter().map(|&x| base + (x - first) / block));
                        used.iter().fold(0, |m, &x| m | ((x - first) % block))
                    }
                };
                if misaligned != 0 {
                    return Err(Error::format(format!(
                        "{what}: an entry is not a whole number of {block}-byte items"
                    )));
                }
                let (lo, hi) = (o[range.start] as usize, o[range.end] as usize);
                append_be(values, &data[lo..lo + (hi - lo) / block * block]);
            }
            Kind::Vector {
                values,
                prim,
                list,
                interp,
            } => {
                let Some(o) = offsets else {
                    // Without entry offsets the entries are walked object by object.
                    let decoded = decode_basket(interp, data, None, entries, what)?;
                    let Array::List {
                        offsets: counts,
                        content,
                    } = &decoded
                    else {
                        return Err(Error::format(format!("{what}: not a list column")));
                    };
                    let Array::Flat(v) = content.as_ref() else {
                        return Err(Error::format(format!("{what}: not a list of numbers")));
                    };
                    let base = *list.last().expect("offsets start with 0");
                    for &c in &counts[range.start + 1..=range.end] {
                        list.push(base + c - counts[range.start]);
                    }
                    values.extend_from(v, counts[range.start] as usize..counts[range.end] as usize);
                    return Ok(());
                };
                let size = prim.size();
                let mut total = *list.last().expect("offsets start with 0") as usize;
                for w in o[range.start..=range.end].windows(2) {
                    let n = vector_entry_len(data, w[0], w[1], size, what)?;
                    if n == 0 {
                        list.push(total as u32);
                        continue;
                    }
                    total += n;
                    list.push(u32::try_from(total).map_err(|_| too_many(what))?);
                    append_be(values, &data[w[0] as usize + VECTOR_HEADER..w[1] as usize]);
                }
            }
            Kind::Generic { interp, .. } => {
                let decoded = decode_basket(interp, data, offsets, entries, what)?;
                self.append_decoded(&decoded, range);
            }
        }
        Ok(())
    }

    /// Appends entries `range` of a basket decoded whole (only for [`Kind::Generic`]).
    pub(crate) fn append_decoded(&mut self, decoded: &Array, range: Range<usize>) {
        if let Kind::Generic { array, .. } = &mut self.kind {
            let range = range.start.min(decoded.len())..range.end.min(decoded.len());
            match array {
                Some(a) => a.extend_from(decoded, range),
                None => *array = Some(decoded.slice(range)),
            }
        }
    }

    /// The finished column.
    pub(crate) fn finish(self, what: &str) -> Result<Array> {
        Ok(match self.kind {
            Kind::Fixed {
                values,
                dims,
                entries,
                ..
            } => wrap_fixed(Array::Flat(values), dims, entries),
            Kind::Jagged {
                values,
                inner,
                list,
                ..
            } => {
                let total = *list.last().expect("offsets start with 0") as usize;
                Array::List {
                    offsets: list.into(),
                    content: Box::new(wrap_fixed(Array::Flat(values), inner, total)),
                }
            }
            Kind::Vector { values, list, .. } => Array::List {
                offsets: list.into(),
                content: Box::new(Array::Flat(values)),
            },
            Kind::Generic { interp, array } => match array {
                Some(a) => a,
                None => decode_basket(interp, &[], Some(&[0]), 0, what)?,
            },
        })
    }
}

fn unordered(what: &str) -> Error {
    Error::format(format!(
        "{what}: the basket's entry offsets are not in increasing order"
    ))
}

fn list_with_capacity(entries: usize) -> Vec<u32> {
    let mut list = Vec::with_capacity(entries + 1);
    list.push(0);
    list
}
