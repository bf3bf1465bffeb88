//! Structural kernels on jagged columns: broadcasting per-event values to lists, masks, gathers by
//! local index, picking one element per event, local indices.

use std::sync::Arc;

use crate::column::{Column, Element, Offsets, Values};
use crate::error::{Error, Result};
use crate::kernels::{internal, src, Datum, Src};
use crate::with_values;

/// Repeats each event's value once per element of `like`'s list in that event.
pub fn broadcast(value: &Datum, like: &Datum) -> Result<Datum> {
    let offsets = like
        .offsets()
        .ok_or_else(|| internal("broadcast target is not jagged"))?
        .clone();
    let out = match value {
        Datum::Scalar(v) => {
            let n = *offsets.last().unwrap() as usize;
            with_values!(&**v, s => repeat_scalar(s[0], n))
        }
        Datum::Col(c) => {
            if c.n_events() != offsets.len() - 1 {
                return Err(internal("broadcast length mismatch"));
            }
            with_values!(c.values(), s => repeat_per_event(s, &offsets))
        }
        _ => return Err(internal("broadcast of a non-value")),
    };
    Ok(Datum::Col(Column::from_parts(out, Some(offsets))))
}

fn repeat_scalar<T: Element>(x: T, n: usize) -> Values {
    T::wrap(vec![x; n])
}

fn repeat_per_event<T: Element>(v: &[T], offsets: &[u32]) -> Values {
    let mut out = Vec::with_capacity(*offsets.last().unwrap() as usize);
    for (i, w) in offsets.windows(2).enumerate() {
        out.extend(std::iter::repeat_n(v[i], (w[1] - w[0]) as usize));
    }
    T::wrap(out)
}

/// The offsets that remain after keeping the elements where `mask` is true.
pub fn mask_offsets(mask: &Datum) -> Result<Datum> {
    let c = mask.column()?;
    let m = c
        .as_slice::<bool>()
        .ok_or_else(|| internal("mask is not boolean"))?;
    let o = c.offsets().ok_or_else(|| internal("mask is not jagged"))?;
    // A running count of true values over all elements, read at each event's end: two flat loops
    // instead of a short loop per event (lists hold a few objects).
    let running = running_count(m);
    let out: Vec<u32> = o.iter().map(|&end| running[end as usize]).collect();
    Ok(Datum::Offsets(Arc::new(out)))
}

/// The mask of a Python slice `[start:stop]` of each of `like`'s lists: bounds are one int64 per event
/// or a constant (`None`: the list's start or end); negative bounds count from the end, and bounds are
/// clipped to the list.
pub fn slice_mask(like: &Datum, start: Option<&Datum>, stop: Option<&Datum>) -> Result<Datum> {
    fn bound<'a>(d: Option<&'a Datum>, n_events: usize) -> Result<Option<Src<'a, i64>>> {
        let Some(d) = d else { return Ok(None) };
        let s = src::<i64>(d)?;
        if let Src::V(v) = s {
            if v.len() != n_events {
                return Err(internal("slice bound length"));
            }
        }
        Ok(Some(s))
    }
    let o = like
        .offsets()
        .ok_or_else(|| internal("slice of non-jagged data"))?
        .clone();
    let n_events = o.len() - 1;
    let (start, stop) = (bound(start, n_events)?, bound(stop, n_events)?);
    // Python's clipping of a bound into 0..=n.
    let clip = |b: i64, n: i64| if b < 0 { (b + n).max(0) } else { b.min(n) };
    let mut out = vec![false; *o.last().unwrap() as usize];
    for ev in 0..n_events {
        let (lo, n) = (o[ev] as usize, (o[ev + 1] - o[ev]) as i64);
        let a = start.map_or(0, |s| clip(s.at(ev), n));
        let b = stop.map_or(n, |s| clip(s.at(ev), n));
        if a < b {
            out[lo + a as usize..lo + b as usize].fill(true);
        }
    }
    Ok(Datum::Col(Column::from_parts(Values::Bool(out), Some(o))))
}

/// `r[j]` = number of true values in `m[..j]` (`m.len() + 1` entries).
pub(crate) fn running_count(m: &[bool]) -> Vec<u32> {
    let mut r = Vec::with_capacity(m.len() + 1);
    let mut kept = 0u32;
    r.push(0);
    r.extend(m.iter().map(|&b| {
        kept += b as u32;
        kept
    }));
    r
}

/// Keeps the elements of jagged `data` where the jagged `mask` is true; `offsets` from [`mask_offsets`].
pub fn mask(data: &Datum, mask: &Datum, offsets: &Datum) -> Result<Datum> {
    let c = data.column()?;
    let mc = mask.column()?;
    let m = mc
        .as_slice::<bool>()
        .ok_or_else(|| internal("mask is not boolean"))?;
    let (Some(od), Some(om)) = (c.offsets(), mc.offsets()) else {
        return Err(internal("mask of non-jagged data"));
    };
    if !Arc::ptr_eq(od, om) && od != om {
        return Err(Error::data(
            "a mask has a different number of entries per event than the list it selects from \
             (mask and list must come from the same collection)",
        ));
    }
    let new_offsets = match offsets {
        Datum::Offsets(o) => o.clone(),
        _ => return Err(internal("mask offsets")),
    };
    let out = with_values!(c.values(), v => filter(v, m, *new_offsets.last().unwrap() as usize));
    Ok(Datum::Col(Column::from_parts(out, Some(new_offsets))))
}

fn filter<T: Element>(v: &[T], m: &[bool], n: usize) -> Values {
    if v.is_empty() {
        return T::wrap(Vec::new());
    }
    // Branch-free: write every element, advance only past kept ones (masks are ~50% true, which a
    // branch would mispredict). One spare slot takes the last write.
    let mut out = vec![v[0]; n + 1];
    let mut k = 0usize;
    for (&x, &keep) in v.iter().zip(m) {
        out[k] = x;
        k += keep as usize;
    }
    out.truncate(n);
    T::wrap(out)
}

/// Flat positions of local indices in the lists of `like` (negative indices count from the end).
/// With `pick`, `index` has one value per event (or is a constant) and a missing element gives -1;
/// otherwise `index` is jagged and an index outside its event's list is an error.
pub fn positions(like: &Datum, index: &Datum, pick: bool, n_events: usize) -> Result<Datum> {
    let od = like
        .offsets()
        .ok_or_else(|| internal("positions in non-jagged data"))?;
    if od.len() != n_events + 1 {
        return Err(internal("positions: different numbers of events"));
    }
    let resolve = |ev: usize, i: i64| -> Option<i64> {
        let (start, n) = (od[ev] as i64, (od[ev + 1] - od[ev]) as i64);
        let j = if i < 0 { i + n } else { i };
        (0..n).contains(&j).then_some(start + j)
    };
    if pick {
        let pos: Vec<i64> = match index {
            Datum::Scalar(v) => {
                let i = v.as_slice::<i64>().ok_or_else(|| internal("index type"))?[0];
                (0..n_events)
                    .map(|ev| resolve(ev, i).unwrap_or(-1))
                    .collect()
            }
            Datum::Col(c) => {
                let idx = c.as_slice::<i64>().ok_or_else(|| internal("index type"))?;
                idx.iter()
                    .enumerate()
                    .map(|(ev, &i)| resolve(ev, i).unwrap_or(-1))
                    .collect()
            }
            _ => return Err(internal("pick index")),
        };
        return Ok(Datum::Positions {
            pos: Arc::new(pos),
            offsets: None,
            source: od.clone(),
        });
    }
    let ic = index.column()?;
    let oi = ic
        .offsets()
        .ok_or_else(|| internal("take with non-jagged index"))?;
    let idx = ic
        .as_slice::<i64>()
        .ok_or_else(|| internal("index is not int64"))?;
    let mut pos = Vec::with_capacity(idx.len());
    for ev in 0..n_events {
        let list = &idx[oi[ev] as usize..oi[ev + 1] as usize];
        // Indices inside the list, the common case (e.g. those of combinations), by one loop that
        // vectorises; negative ones and errors by the general path.
        let (start, n) = (od[ev] as i64, (od[ev + 1] - od[ev]) as i64);
        if list.iter().all(|&i| (0..n).contains(&i)) {
            pos.extend(list.iter().map(|&i| start + i));
            continue;
        }
        for &i in list {
            match resolve(ev, i) {
                Some(p) => pos.push(p),
                None => {
                    return Err(Error::data(format!(
                    "index {i} is out of range for a list of {} entries (event {ev} of the chunk)",
                    od[ev + 1] - od[ev]
                )))
                }
            }
        }
    }
    Ok(Datum::Positions {
        pos: Arc::new(pos),
        offsets: Some(oi.clone()),
        source: od.clone(),
    })
}

/// One position per event (`pick`, -1: none) into the values gathered at list positions `inner`,
/// made a position into the values `inner` gathers from.
pub fn compose(inner: &Datum, pick: &Datum) -> Result<Datum> {
    let (
        Datum::Positions {
            pos: inner_pos,
            offsets: Some(inner_lists),
            source,
        },
        Datum::Positions {
            pos,
            offsets: None,
            source: picked_from,
        },
    ) = (inner, pick)
    else {
        return Err(internal("compose of positions of the wrong kinds"));
    };
    if !(Arc::ptr_eq(inner_lists, picked_from) || inner_lists == picked_from) {
        return Err(internal("compose: the pick is not into the gathered lists"));
    }
    let composed = pos
        .iter()
        .map(|&p| if p < 0 { -1 } else { inner_pos[p as usize] })
        .collect();
    Ok(Datum::Positions {
        pos: Arc::new(composed),
        offsets: None,
        source: source.clone(),
    })
}

const LISTS_DIFFER: &str =
    "the fields of a collection have different numbers of entries per event \
     (all fields of one collection must share one counter)";

/// `data` at [`positions`]: a jagged result for list positions; for one position per event a float
/// result with NaN where the element is missing, or a boolean one with false (the type checker widens
/// integers to float).
pub fn gather(data: &Datum, positions: &Datum) -> Result<Datum> {
    let Datum::Positions {
        pos,
        offsets,
        source,
    } = positions
    else {
        return Err(internal("gather without positions"));
    };
    let c = data.column()?;
    match c.offsets() {
        Some(o) if Arc::ptr_eq(o, source) || o == source => {}
        _ => return Err(Error::data(LISTS_DIFFER)),
    }
    match offsets {
        Some(o) => {
            let out = with_values!(c.values(), v => gather_all(v, pos));
            Ok(Datum::Col(Column::from_parts(out, Some(o.clone()))))
        }
        None => {
            let out = match c.values() {
                Values::F32(v) => Values::F32(gather_or_nan(v, pos)),
                Values::F64(v) => Values::F64(gather_or_nan(v, pos)),
                Values::Bool(v) => {
                    Values::Bool(pos.iter().map(|&p| p >= 0 && v[p as usize]).collect())
                }
                _ => return Err(internal("pick from non-float data")),
            };
            Ok(Datum::Col(Column::from_parts(out, None)))
        }
    }
}

/// One position per event (-1: none) into the values `mask` keeps, made a position into the values
/// before the mask (the `mask`'s lists): the k-th kept value of the event's list is found by a walk
/// over that one list.
pub fn unmask(positions: &Datum, mask: &Datum) -> Result<Datum> {
    let Datum::Positions {
        pos,
        offsets: None,
        source: after,
    } = positions
    else {
        return Err(internal("unmask of positions that are not one per event"));
    };
    let mc = mask.column()?;
    let m = mc
        .as_slice::<bool>()
        .ok_or_else(|| internal("mask is not boolean"))?;
    let before = mc.offsets().ok_or_else(|| internal("mask is not jagged"))?;
    if pos.len() + 1 != before.len() || after.len() != before.len() {
        return Err(internal("unmask: different numbers of events"));
    }
    let unmasked = pos
        .iter()
        .enumerate()
        .map(|(ev, &p)| {
            if p < 0 {
                return -1;
            }
            let k = (p - after[ev] as i64) as usize;
            let list = before[ev] as usize..before[ev + 1] as usize;
            m[list.clone()]
                .iter()
                .enumerate()
                .filter(|(_, &keep)| keep)
                .nth(k)
                .map_or(-1, |(i, _)| (list.start + i) as i64)
        })
        .collect();
    Ok(Datum::Positions {
        pos: Arc::new(unmasked),
        offsets: None,
        source: before.clone(),
    })
}

/// `data` at some of its list positions (a block of a gather's positions, none missing), as flat
/// values: a gather evaluated inside a fused element-wise group.
pub fn gather_flat(data: &Datum, positions: &Datum) -> Result<Datum> {
    let Datum::Positions { pos, source, .. } = positions else {
        return Err(internal("gather without positions"));
    };
    let c = data.column()?;
    match c.offsets() {
        Some(o) if Arc::ptr_eq(o, source) || o == source => {}
        _ => return Err(Error::data(LISTS_DIFFER)),
    }
    let out = with_values!(c.values(), v => gather_all(v, pos));
    Ok(Datum::Col(Column::from_parts(out, None)))
}

fn gather_all<T: Element>(v: &[T], pos: &[i64]) -> Values {
    T::wrap(pos.iter().map(|&p| v[p as usize]).collect())
}

fn gather_or_nan<T: Element + num_nan::Nan>(v: &[T], pos: &[i64]) -> Vec<T> {
    pos.iter()
        .map(|&p| if p < 0 { T::NAN } else { v[p as usize] })
        .collect()
}

pub(crate) mod num_nan {
    pub trait Nan {
        const NAN: Self;
    }
    impl Nan for f32 {
        const NAN: f32 = f32::NAN;
    }
    impl Nan for f64 {
        const NAN: f64 = f64::NAN;
    }
}

/// `0, 1, ..., n-1` for each event's list (awkward's `local_index`), int64.
pub fn local_index(data: &Datum) -> Result<Datum> {
    let o = data
        .offsets()
        .ok_or_else(|| internal("local_index of non-jagged data"))?;
    let mut out = Vec::with_capacity(*o.last().unwrap() as usize);
    for w in o.windows(2) {
        out.extend(0..(w[1] - w[0]) as i64);
    }
    Ok(Datum::Col(Column::from_parts(
        Values::I64(out),
        Some(o.clone()),
    )))
}

/// The number of elements of each event's list, int64.
pub fn counts(offsets: &Offsets) -> Vec<i64> {
    offsets.windows(2).map(|w| (w[1] - w[0]) as i64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_offsets_from_a_running_count() {
        // Empty lists first, in the middle and last.
        let m = vec![true, false, true, true, false, false, true];
        let o = vec![0u32, 0, 3, 3, 5, 7, 7];
        let mask = Datum::Col(Column::jagged(m.clone(), o.clone()).unwrap());
        let Datum::Offsets(got) = mask_offsets(&mask).unwrap() else {
            panic!("offsets expected")
        };
        let want: Vec<u32> = o
            .iter()
            .map(|&e| m[..e as usize].iter().filter(|&&b| b).count() as u32)
            .collect();
        assert_eq!(*got, want);
        assert_eq!(running_count(&[]), vec![0]);
    }

    #[test]
    fn branch_free_filter() {
        let v = [1i32, 2, 3, 4];
        for m in [
            [false; 4],
            [true; 4],
            [true, false, true, false],
            [false, false, false, true],
        ] {
            let n = m.iter().filter(|&&b| b).count();
            let want: Vec<i32> = v
                .iter()
                .zip(&m)
                .filter(|(_, &b)| b)
                .map(|(&x, _)| x)
                .collect();
            assert_eq!(filter(&v, &m, n), Values::I32(want));
        }
        assert_eq!(filter::<f32>(&[], &[], 0), Values::F32(vec![]));
    }
}
