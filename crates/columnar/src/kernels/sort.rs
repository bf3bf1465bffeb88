//! Per-event sorting: local indices that order each event's list by a key.

use crate::column::{Column, Element, Values};
use crate::error::Result;
use crate::kernels::{internal, Datum};
use crate::with_values;

/// Stable per-event argsort of a jagged key, int64 local indices; NaN keys go last in either direction.
pub fn argsort(key: &Datum, descending: bool) -> Result<Datum> {
    let c = key.column()?;
    let o = c
        .offsets()
        .ok_or_else(|| internal("argsort of non-jagged data"))?;
    let out = with_values!(c.values(), v => argsort_typed(v, o, descending));
    Ok(Datum::Col(Column::from_parts(
        Values::I64(out),
        Some(o.clone()),
    )))
}

fn argsort_typed<T: Element>(v: &[T], o: &[u32], descending: bool) -> Vec<i64> {
    let mut out = Vec::with_capacity(v.len());
    let mut idx: Vec<usize> = Vec::new();
    for w in o.windows(2) {
        let list = &v[w[0] as usize..w[1] as usize];
        idx.clear();
        idx.extend(0..list.len());
        // `x != x` is true only for NaN; such keys sort after all others.
        #[allow(clippy::eq_op)]
        let is_nan = |x: T| x != x;
        idx.sort_by(|&a, &b| {
            let (x, y) = (list[a], list[b]);
            match (is_nan(x), is_nan(y)) {
                (true, true) => std::cmp::Ordering::Equal,
                (true, false) => std::cmp::Ordering::Greater,
                (false, true) => std::cmp::Ordering::Less,
                _ => {
                    let ord = x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal);
                    if descending {
                        ord.reverse()
                    } else {
                        ord
                    }
                }
            }
        });
        out.extend(idx.iter().map(|&i| i as i64));
    }
    out
}
