//! Per-event reductions of jagged columns to one value per event.

use crate::column::{Column, Element, Values};
use crate::error::Result;
use crate::kernels::jagged::num_nan::Nan;
use crate::kernels::{internal, Datum};
use crate::with_values;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReduceOp {
    /// Sum: floats in float64, signed integers in int64, unsigned in uint64, booleans count as int64.
    Sum,
    /// Product, with the same widening as `Sum`.
    Prod,
    /// Number of elements, int64.
    Count,
    /// Any element true (false for an empty list).
    Any,
    /// All elements true (true for an empty list).
    All,
    /// Smallest / largest element, same float type; NaN for an empty list (NaN elements are skipped).
    Min,
    Max,
    /// Position of the first smallest / largest element, int64; -1 for an empty list.
    ArgMin,
    ArgMax,
    /// First / last element, same float type (NaN for an empty list), or boolean (false).
    First,
    Last,
    /// Mean in float64; NaN for an empty list.
    Mean,
}

pub fn reduce(op: ReduceOp, data: &Datum) -> Result<Datum> {
    if let (ReduceOp::Count, Some(o)) = (op, data.offsets()) {
        let counts = o.windows(2).map(|w| (w[1] - w[0]) as i64).collect();
        return Ok(Datum::Col(Column::from_parts(Values::I64(counts), None)));
    }
    let c = data.column()?;
    let o = c
        .offsets()
        .ok_or_else(|| internal("reduction of non-jagged data"))?;
    let v = c.values();
    let out: Values = match op {
        ReduceOp::Count => Values::I64(o.windows(2).map(|w| (w[1] - w[0]) as i64).collect()),
        ReduceOp::Any | ReduceOp::All => {
            let b = v
                .as_slice::<bool>()
                .ok_or_else(|| internal("any/all of non-bool"))?;
            let any = op == ReduceOp::Any;
            Values::Bool(
                o.windows(2)
                    .map(|w| {
                        let s = &b[w[0] as usize..w[1] as usize];
                        if any {
                            s.iter().any(|&x| x)
                        } else {
                            s.iter().all(|&x| x)
                        }
                    })
                    .collect(),
            )
        }
        // Counting true values (`count(jets.btag > 0.5)`): a running count, read at the events' ends.
        ReduceOp::Sum if matches!(v, Values::Bool(_)) => {
            let b = v
                .as_slice::<bool>()
                .ok_or_else(|| internal("sum of bool"))?;
            let running = crate::kernels::jagged::running_count(b);
            Values::I64(
                o.windows(2)
                    .map(|w| (running[w[1] as usize] - running[w[0] as usize]) as i64)
                    .collect(),
            )
        }
        ReduceOp::Sum | ReduceOp::Prod => {
            let prod = op == ReduceOp::Prod;
            match v {
                Values::F32(_) | Values::F64(_) => {
                    with_values!(v, s => Values::F64(fold(s, o, prod, |x| x.to_f64(), 0.0, 1.0, |a, b| a + b, |a, b| a * b)))
                }
                Values::U8(_) | Values::U16(_) | Values::U32(_) | Values::U64(_) => {
                    with_values!(v, s => Values::U64(fold(s, o, prod, |x| x.to_i128() as u64, 0, 1, u64::wrapping_add, u64::wrapping_mul)))
                }
                _ => {
                    with_values!(v, s => Values::I64(fold(s, o, prod, |x| x.to_i128() as i64, 0, 1, i64::wrapping_add, i64::wrapping_mul)))
                }
            }
        }
        ReduceOp::Mean => with_values!(v, s => Values::F64(
            o.windows(2)
                .map(|w| {
                    let l = &s[w[0] as usize..w[1] as usize];
                    l.iter().map(|x| x.to_f64()).sum::<f64>() / l.len() as f64
                })
                .collect()
        )),
        ReduceOp::ArgMin | ReduceOp::ArgMax => {
            let max = op == ReduceOp::ArgMax;
            with_values!(v, s => Values::I64(arg_extreme(s, o, max)))
        }
        ReduceOp::Min | ReduceOp::Max | ReduceOp::First | ReduceOp::Last => match v {
            // First / last of conditions: false for an empty list.
            Values::Bool(s) if matches!(op, ReduceOp::First | ReduceOp::Last) => Values::Bool(
                o.windows(2)
                    .map(|w| {
                        let l = &s[w[0] as usize..w[1] as usize];
                        if op == ReduceOp::First {
                            l.first()
                        } else {
                            l.last()
                        }
                        .copied()
                        .unwrap_or(false)
                    })
                    .collect(),
            ),
            Values::F32(s) => Values::F32(pick_one(s, o, op)),
            Values::F64(s) => Values::F64(pick_one(s, o, op)),
            _ => return Err(internal("min/max/first/last of non-float")),
        },
    };
    Ok(Datum::Col(Column::from_parts(out, None)))
}

/// Reduces the values of `cartesian(a, b)` (one per pair, `a`-major) over the pairs sharing their `a`
/// object (`slot` 0) or their `b` object (`slot` 1): a list with one value per object of that collection.
pub fn group_reduce(
    op: ReduceOp,
    data: &Datum,
    a: &Datum,
    b: &Datum,
    slot: usize,
) -> Result<Datum> {
    let c = data.column()?;
    let (Some(oa), Some(ob)) = (a.offsets(), b.offsets()) else {
        return Err(internal("grouped reduction without lists"));
    };
    let mut group_offsets = vec![0u32];
    let mut order: Vec<usize> = Vec::new();
    let mut start = 0usize;
    for (wa, wb) in oa.windows(2).zip(ob.windows(2)) {
        let (na, nb) = ((wa[1] - wa[0]) as usize, (wb[1] - wb[0]) as usize);
        let (groups, size) = if slot == 0 { (na, nb) } else { (nb, na) };
        for g in 0..groups {
            group_offsets.push(group_offsets.last().unwrap() + size as u32);
            if slot == 1 {
                // b-major view of the a-major pairs.
                order.extend((0..na).map(|i| start + i * nb + g));
            }
        }
        start += na * nb;
    }
    if start != c.values().len() {
        return Err(internal("grouped reduction: values are not one per pair"));
    }
    let values = if slot == 0 {
        c.values().clone()
    } else {
        with_values!(c.values(), v => permute(v, &order))
    };
    let grouped = Datum::Col(Column::from_parts(
        values,
        Some(std::sync::Arc::new(group_offsets)),
    ));
    let reduced = reduce(op, &grouped)?;
    let out = reduced.column()?.values().clone();
    let offsets = if slot == 0 { oa } else { ob };
    Ok(Datum::Col(Column::from_parts(out, Some(offsets.clone()))))
}

fn permute<T: Element>(v: &[T], order: &[usize]) -> Values {
    T::wrap(order.iter().map(|&i| v[i]).collect())
}

#[allow(clippy::too_many_arguments)]
fn fold<T: Element, A: Copy>(
    s: &[T],
    o: &[u32],
    prod: bool,
    conv: impl Fn(T) -> A,
    zero: A,
    one: A,
    add: impl Fn(A, A) -> A,
    mul: impl Fn(A, A) -> A,
) -> Vec<A> {
    o.windows(2)
        .map(|w| {
            let l = &s[w[0] as usize..w[1] as usize];
            if prod {
                l.iter().fold(one, |a, &x| mul(a, conv(x)))
            } else {
                l.iter().fold(zero, |a, &x| add(a, conv(x)))
            }
        })
        .collect()
}

/// First position of the extreme; NaN elements are skipped unless the list holds nothing else (then 0).
fn arg_extreme<T: Element>(s: &[T], o: &[u32], max: bool) -> Vec<i64> {
    o.windows(2)
        .map(|w| {
            let l = &s[w[0] as usize..w[1] as usize];
            if l.is_empty() {
                return -1;
            }
            let mut best: Option<usize> = None;
            for (i, &x) in l.iter().enumerate() {
                #[allow(clippy::eq_op)]
                if x != x {
                    continue;
                }
                best = match best {
                    None => Some(i),
                    Some(b) if (max && x > l[b]) || (!max && x < l[b]) => Some(i),
                    keep => keep,
                };
            }
            best.unwrap_or(0) as i64
        })
        .collect()
}

fn pick_one<T: Element + Nan>(s: &[T], o: &[u32], op: ReduceOp) -> Vec<T> {
    o.windows(2)
        .map(|w| {
            let l = &s[w[0] as usize..w[1] as usize];
            match op {
                ReduceOp::First => l.first().copied().unwrap_or(T::NAN),
                ReduceOp::Last => l.last().copied().unwrap_or(T::NAN),
                _ => {
                    let mut best = T::NAN;
                    for &x in l {
                        #[allow(clippy::eq_op)]
                        let best_is_nan = best != best;
                        if best_is_nan
                            || (op == ReduceOp::Max && x > best)
                            || (op == ReduceOp::Min && x < best)
                        {
                            best = x;
                        }
                    }
                    best
                }
            }
        })
        .collect()
}
