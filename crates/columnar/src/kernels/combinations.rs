//! All combinations of k distinct elements per event (i < j < k, in lexicographic order, as
//! `ak.combinations` and `itertools.combinations`).

use std::sync::Arc;

use crate::column::{Column, Values};
use crate::error::{Error, Result};
use crate::kernels::{internal, Datum};

fn binomial(n: u64, k: u64) -> u64 {
    if k > n {
        return 0;
    }
    (0..k).fold(1u64, |acc, i| acc * (n - i) / (i + 1))
}

/// Combinations of `k` elements of each event's list in `like` (any jagged column of the collection).
pub fn combinations(like: &Datum, k: usize) -> Result<Datum> {
    let o = like
        .offsets()
        .ok_or_else(|| internal("combinations of non-jagged data"))?;
    let mut offsets = Vec::with_capacity(o.len());
    offsets.push(0u32);
    let mut total: u64 = 0;
    for w in o.windows(2) {
        total += binomial((w[1] - w[0]) as u64, k as u64);
        if total > u32::MAX as u64 {
            return Err(Error::data(format!(
                "too many combinations of {k} in one chunk (more than 2^32); use smaller chunks"
            )));
        }
        offsets.push(total as u32);
    }
    let mut indices = Vec::with_capacity(total as usize * k);
    if k == 2 || k == 3 {
        nested(o, k, &mut indices);
    } else {
        odometer(o, k, &mut indices);
    }
    Ok(Datum::Comb {
        k,
        indices: Arc::new(indices),
        offsets: Arc::new(offsets),
    })
}

/// Pairs and triplets, the common cases, by nested loops: several times faster than [`odometer`],
/// which copies a tuple of runtime size per combination.
fn nested(o: &[u32], k: usize, indices: &mut Vec<u32>) {
    for w in o.windows(2) {
        let n = w[1] - w[0];
        for a in 0..n {
            for b in a + 1..n {
                if k == 2 {
                    indices.extend([a, b]);
                } else {
                    for c in b + 1..n {
                        indices.extend([a, b, c]);
                    }
                }
            }
        }
    }
}

/// Combinations of any size, in lexicographic order.
fn odometer(o: &[u32], k: usize, indices: &mut Vec<u32>) {
    let mut cur = vec![0u32; k];
    for w in o.windows(2) {
        let n = w[1] - w[0];
        if (n as usize) < k {
            continue;
        }
        for (i, c) in cur.iter_mut().enumerate() {
            *c = i as u32;
        }
        loop {
            indices.extend_from_slice(&cur);
            // Advance the rightmost index that has not reached its last position.
            let mut i = k;
            while i > 0 && cur[i - 1] == n - (k - i + 1) as u32 {
                i -= 1;
            }
            if i == 0 {
                break;
            }
            let i = i - 1;
            cur[i] += 1;
            for j in i + 1..k {
                cur[j] = cur[j - 1] + 1;
            }
        }
    }
}

/// Every pair of an element of `a`'s list and an element of `b`'s list in the same event, `a`-major
/// (as `ak.cartesian`).
pub fn cartesian(a: &Datum, b: &Datum) -> Result<Datum> {
    let oa = a
        .offsets()
        .ok_or_else(|| internal("cartesian of non-jagged data"))?;
    let ob = b
        .offsets()
        .ok_or_else(|| internal("cartesian of non-jagged data"))?;
    if oa.len() != ob.len() {
        return Err(internal("cartesian: different numbers of events"));
    }
    let mut offsets = Vec::with_capacity(oa.len());
    offsets.push(0u32);
    let mut total: u64 = 0;
    for (wa, wb) in oa.windows(2).zip(ob.windows(2)) {
        total += (wa[1] - wa[0]) as u64 * (wb[1] - wb[0]) as u64;
        if total > u32::MAX as u64 {
            return Err(Error::data(
                "too many pairs in one chunk (more than 2^32); use smaller chunks",
            ));
        }
        offsets.push(total as u32);
    }
    let mut indices = Vec::with_capacity(total as usize * 2);
    for (wa, wb) in oa.windows(2).zip(ob.windows(2)) {
        for i in 0..wa[1] - wa[0] {
            for j in 0..wb[1] - wb[0] {
                indices.push(i);
                indices.push(j);
            }
        }
    }
    Ok(Datum::Comb {
        k: 2,
        indices: Arc::new(indices),
        offsets: Arc::new(offsets),
    })
}

/// The local indices (int64) of member `slot` of every combination; all slots share the offsets.
pub fn slot(comb: &Datum, slot: usize) -> Result<Datum> {
    let Datum::Comb {
        k,
        indices,
        offsets,
    } = comb
    else {
        return Err(internal("slot of a non-combination"));
    };
    let out: Vec<i64> = indices
        .iter()
        .skip(slot)
        .step_by(*k)
        .map(|&i| i as i64)
        .collect();
    Ok(Datum::Col(Column::from_parts(
        Values::I64(out),
        Some(offsets.clone()),
    )))
}

/// The flat positions in `like`'s lists of member `slot` of every combination (as `Positions` of
/// [`slot`]'s local indices, which combinations keep in range).
pub fn slot_positions(comb: &Datum, slot: usize, like: &Datum) -> Result<Datum> {
    let Datum::Comb {
        k,
        indices,
        offsets,
    } = comb
    else {
        return Err(internal("slot of a non-combination"));
    };
    let lists = like
        .offsets()
        .ok_or_else(|| internal("positions in non-jagged data"))?;
    if lists.len() != offsets.len() {
        return Err(internal("slot positions: different numbers of events"));
    }
    let mut pos = Vec::with_capacity(*offsets.last().unwrap_or(&0) as usize);
    for (ev, w) in offsets.windows(2).enumerate() {
        let start = lists[ev] as i64;
        let members = &indices[w[0] as usize * k..w[1] as usize * k];
        pos.extend(
            members
                .iter()
                .skip(slot)
                .step_by(*k)
                .map(|&i| start + i as i64),
        );
    }
    Ok(Datum::Positions {
        pos: Arc::new(pos),
        offsets: Some(offsets.clone()),
        source: lists.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicographic_triples() {
        let like = Datum::Col(Column::from_lists(&[
            vec![0u8; 4],
            vec![],
            vec![0u8; 2],
            vec![0u8; 3],
        ]));
        let c = combinations(&like, 3).unwrap();
        let Datum::Comb {
            indices, offsets, ..
        } = &c
        else {
            panic!()
        };
        assert_eq!(**offsets, vec![0, 4, 4, 4, 5]);
        assert_eq!(**indices, vec![0, 1, 2, 0, 1, 3, 0, 2, 3, 1, 2, 3, 0, 1, 2]);
        let c2 = combinations(&like, 2).unwrap();
        let Datum::Comb {
            indices, offsets, ..
        } = &c2
        else {
            panic!()
        };
        assert_eq!(**offsets, vec![0, 6, 6, 7, 10]);
        assert_eq!(&indices[..12], &[0, 1, 0, 2, 0, 3, 1, 2, 1, 3, 2, 3]);
    }

    #[test]
    fn nested_loops_equal_the_general_odometer() {
        let offsets: Vec<u32> = [0u32, 0, 1, 2, 3, 4, 5, 6, 9, 2]
            .iter()
            .scan(0, |at, n| {
                *at += n;
                Some(*at)
            })
            .collect();
        for k in [2, 3] {
            let (mut fast, mut general) = (Vec::new(), Vec::new());
            nested(&offsets, k, &mut fast);
            odometer(&offsets, k, &mut general);
            assert!(!fast.is_empty());
            assert_eq!(fast, general, "k = {k}");
        }
    }
}
