//! Vectorised column kernels. Each takes whole columns (or scalars) of one chunk and returns a new column;
//! the compiled program calls them once per node and chunk, never per event.

pub mod arith;
pub mod combinations;
pub mod jagged;
pub mod math;
pub mod reduce;
pub mod sort;
pub mod special;

use std::sync::Arc;

use crate::column::{Column, Element, Offsets, Values};
use crate::error::{Error, Result};

/// A runtime value of a program node.
#[derive(Clone, Debug)]
pub enum Datum {
    /// A constant, broadcast to every element (a one-element [`Values`]).
    Scalar(Arc<Values>),
    Col(Column),
    /// Offsets of a masked collection, shared by all its masked fields.
    Offsets(Offsets),
    /// Flat positions into the values of a jagged column: jagged (with `offsets`) for gathers of whole
    /// lists, or one per event (`offsets` is `None`, -1 where the element is missing).
    Positions {
        pos: Arc<Vec<i64>>,
        offsets: Option<Offsets>,
        /// The lists the positions point into; gathered columns must have exactly these.
        source: Offsets,
    },
    /// Combinations of `k` objects: per combination `k` local indices (interleaved), offsets count combinations.
    Comb {
        k: usize,
        indices: Arc<Vec<u32>>,
        offsets: Offsets,
    },
}

impl Datum {
    pub fn values(&self) -> Result<&Values> {
        match self {
            Datum::Scalar(v) => Ok(v),
            Datum::Col(c) => Ok(c.values()),
            _ => Err(internal("expected values")),
        }
    }

    pub fn column(&self) -> Result<&Column> {
        match self {
            Datum::Col(c) => Ok(c),
            _ => Err(internal("expected a column")),
        }
    }

    pub fn offsets(&self) -> Option<&Offsets> {
        match self {
            Datum::Col(c) => c.offsets(),
            Datum::Offsets(o) => Some(o),
            Datum::Comb { offsets, .. } => Some(offsets),
            Datum::Positions { offsets, .. } => offsets.as_ref(),
            Datum::Scalar(_) => None,
        }
    }
}

pub(crate) fn internal(what: &str) -> Error {
    Error::data(format!("internal error in expression evaluation: {what}"))
}

/// One operand of an element-wise kernel: a scalar or a slice.
#[derive(Clone, Copy)]
pub enum Src<'a, T> {
    S(T),
    V(&'a [T]),
}

impl<T: Copy> Src<'_, T> {
    #[inline]
    pub fn at(&self, i: usize) -> T {
        match self {
            Src::S(v) => *v,
            Src::V(v) => v[i],
        }
    }
}

pub fn src<T: Element>(d: &Datum) -> Result<Src<'_, T>> {
    let v = d.values()?;
    let s = v
        .as_slice::<T>()
        .ok_or_else(|| internal("operand of unexpected type"))?;
    Ok(match d {
        Datum::Scalar(_) => Src::S(s[0]),
        _ => Src::V(s),
    })
}

/// The shape of an element-wise result: the offsets of the column operand(s), checked to agree.
pub fn result_shape(a: &Datum, b: &Datum) -> Result<Option<Option<Offsets>>> {
    match (a, b) {
        (Datum::Scalar(_), Datum::Scalar(_)) => Ok(None),
        (Datum::Col(c), Datum::Scalar(_)) | (Datum::Scalar(_), Datum::Col(c)) => {
            Ok(Some(c.offsets().cloned()))
        }
        (Datum::Col(x), Datum::Col(y)) => {
            if x.values().len() != y.values().len() {
                return Err(Error::data(format!(
                    "columns of different lengths meet in an element-wise operation ({} and {} values); \
                     lists from different collections cannot be combined element by element",
                    x.values().len(),
                    y.values().len()
                )));
            }
            match (x.offsets(), y.offsets()) {
                (Some(ox), Some(oy)) => {
                    if !Arc::ptr_eq(ox, oy) && ox != oy {
                        return Err(Error::data(
                            "lists with different numbers of entries per event meet in an element-wise \
                             operation; lists from different collections cannot be combined element by element",
                        ));
                    }
                    Ok(Some(Some(ox.clone())))
                }
                (None, None) => Ok(Some(None)),
                _ => Err(internal("jagged and flat operands without broadcast")),
            }
        }
        _ => Err(internal("element-wise operation on a non-value")),
    }
}

/// Wraps a result vector in the shape computed by [`result_shape`] (or a scalar).
pub fn wrap<T: Element>(out: Vec<T>, shape: Option<Option<Offsets>>) -> Datum {
    match shape {
        None => Datum::Scalar(Arc::new(T::wrap(out))),
        Some(offsets) => Datum::Col(Column::from_parts(T::wrap(out), offsets)),
    }
}

/// Element-wise map of one operand.
pub fn map1<A: Element, R: Element>(a: &Datum, f: impl Fn(A) -> R) -> Result<Datum> {
    let out: Vec<R> = match src::<A>(a)? {
        Src::S(x) => vec![f(x)],
        Src::V(x) => x.iter().map(|&x| f(x)).collect(),
    };
    let shape = match a {
        Datum::Scalar(_) => None,
        Datum::Col(c) => Some(c.offsets().cloned()),
        _ => return Err(internal("map1 on a non-value")),
    };
    Ok(wrap(out, shape))
}

/// Element-wise map of two operands of possibly different element types.
pub fn map2<A: Element, B: Element, R: Element>(
    a: &Datum,
    b: &Datum,
    f: impl Fn(A, B) -> R,
) -> Result<Datum> {
    let shape = result_shape(a, b)?;
    let out: Vec<R> = match (src::<A>(a)?, src::<B>(b)?) {
        (Src::V(x), Src::V(y)) => x.iter().zip(y).map(|(&x, &y)| f(x, y)).collect(),
        (Src::V(x), Src::S(y)) => x.iter().map(|&x| f(x, y)).collect(),
        (Src::S(x), Src::V(y)) => y.iter().map(|&y| f(x, y)).collect(),
        (Src::S(x), Src::S(y)) => vec![f(x, y)],
    };
    Ok(wrap(out, shape))
}

/// Element-wise map of three operands (`where`, `clip`).
pub fn map3<A: Element, B: Element, C: Element, R: Element>(
    a: &Datum,
    b: &Datum,
    c: &Datum,
    f: impl Fn(A, B, C) -> R,
) -> Result<Datum> {
    let s1 = result_shape(a, b)?;
    let s2 = result_shape(b, c)?;
    let s3 = result_shape(a, c)?;
    let shape = s1.or(s2).or(s3);
    let n = [a, b, c]
        .iter()
        .filter_map(|d| match d {
            Datum::Col(c) => Some(c.values().len()),
            _ => None,
        })
        .next()
        .unwrap_or(1);
    let (x, y, z) = (src::<A>(a)?, src::<B>(b)?, src::<C>(c)?);
    let out: Vec<R> = (0..n).map(|i| f(x.at(i), y.at(i), z.at(i))).collect();
    Ok(wrap(out, shape))
}
