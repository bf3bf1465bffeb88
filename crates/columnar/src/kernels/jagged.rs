//! Structural kernels on jagged columns: broadcasting per-event values to lists, masks, gathers by
//! local index, picking one element per event, local indices.

use std::sync::Arc;

use crate::column::{Column, Element, Offsets, Values};
use crate::error::{Error, Result};
use crate::kernels::{internal, Datum};
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
    let mut out = Vec::with_capacity(o.len());
    out.push(0u32);
    let mut kept = 0u32;
    for w in o.windows(2) {
        kept += m[w[0] as usize..w[1] as usize]
            .iter()
            .map(|&b| b as u32)
            .sum::<u32>();
        out.push(kept);
    }
    Ok(Datum::Offsets(Arc::new(out)))
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
    let mut out = Vec::with_capacity(n);
    for (&x, &keep) in v.iter().zip(m) {
        if keep {
            out.push(x);
        }
    }
    T::wrap(out)
}

/// Gathers `data[event][index[event][j]]` (negative indices count from the end); the result has the
/// structure of `index`. An index outside its event's list is an error.
pub fn take(data: &Datum, index: &Datum) -> Result<Datum> {
    let c = data.column()?;
    let od = c
        .offsets()
        .ok_or_else(|| internal("take from non-jagged data"))?;
    let ic = index.column()?;
    let oi = ic
        .offsets()
        .ok_or_else(|| internal("take with non-jagged index"))?;
    let idx = ic
        .as_slice::<i64>()
        .ok_or_else(|| internal("index is not int64"))?;
    if od.len() != oi.len() {
        return Err(internal("take: different numbers of events"));
    }
    let mut flat = Vec::with_capacity(idx.len());
    for ev in 0..od.len() - 1 {
        let (start, n) = (od[ev] as i64, (od[ev + 1] - od[ev]) as i64);
        for &i in &idx[oi[ev] as usize..oi[ev + 1] as usize] {
            let j = if i < 0 { i + n } else { i };
            if j < 0 || j >= n {
                return Err(Error::data(format!(
                    "index {i} is out of range for a list of {n} entries (event {ev} of the chunk)"
                )));
            }
            flat.push((start + j) as usize);
        }
    }
    let out = with_values!(c.values(), v => gather(v, &flat));
    Ok(Datum::Col(Column::from_parts(out, Some(oi.clone()))))
}

pub(crate) fn gather<T: Element>(v: &[T], idx: &[usize]) -> Values {
    T::wrap(idx.iter().map(|&i| v[i]).collect())
}

/// One element per event, `data[event][index[event]]` (negative counts from the end), float result:
/// NaN when the event's list has no such element. `data` must be float (the type checker widens).
pub fn pick(data: &Datum, index: &Datum) -> Result<Datum> {
    let c = data.column()?;
    let od = c
        .offsets()
        .ok_or_else(|| internal("pick from non-jagged data"))?;
    let n_events = od.len() - 1;
    let idx: Vec<i64> = match index {
        Datum::Scalar(v) => {
            vec![v.as_slice::<i64>().ok_or_else(|| internal("index type"))?[0]; n_events]
        }
        Datum::Col(ic) => ic
            .as_slice::<i64>()
            .ok_or_else(|| internal("index type"))?
            .to_vec(),
        _ => return Err(internal("pick index")),
    };
    fn run<T: Element + num_nan::Nan>(v: &[T], od: &[u32], idx: &[i64]) -> Values {
        let out: Vec<T> = od
            .windows(2)
            .zip(idx)
            .map(|(w, &i)| {
                let n = (w[1] - w[0]) as i64;
                let j = if i < 0 { i + n } else { i };
                if j < 0 || j >= n {
                    T::NAN
                } else {
                    v[(w[0] as i64 + j) as usize]
                }
            })
            .collect();
        T::wrap(out)
    }
    let out = match c.values() {
        Values::F32(v) => run(v, od, &idx),
        Values::F64(v) => run(v, od, &idx),
        _ => return Err(internal("pick from non-float data")),
    };
    Ok(Datum::Col(Column::from_parts(out, None)))
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
