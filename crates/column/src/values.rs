//! Typed vectors of one element type.

use std::ops::Range;

use crate::dtype::DType;

/// A Rust type that is the element type of a column: ties `f32` to [`DType::F32`] and
/// [`Values::F32`], so generic code handles all eleven types once.
pub trait Element: Copy + PartialOrd + Send + Sync + 'static {
    const DTYPE: DType;
    /// Moves a vector into [`Values`] (no copy).
    fn wrap(v: Vec<Self>) -> Values;
    /// The values as a slice, if their type is `Self`.
    fn slice(v: &Values) -> Option<&[Self]>;
    fn to_f64(self) -> f64;
    fn to_i128(self) -> i128;
    fn from_f64(x: f64) -> Self;
    fn from_i128(x: i128) -> Self;
}

macro_rules! impl_element {
    ($t:ty, $variant:ident) => {
        impl Element for $t {
            const DTYPE: DType = DType::$variant;
            fn wrap(v: Vec<Self>) -> Values {
                Values::$variant(v)
            }
            fn slice(v: &Values) -> Option<&[Self]> {
                match v {
                    Values::$variant(x) => Some(x),
                    _ => None,
                }
            }
            fn to_f64(self) -> f64 {
                self as f64
            }
            fn to_i128(self) -> i128 {
                self as i128
            }
            // Float to integer truncates toward zero and saturates, like C casts in Rust and
            // numpy's astype for in-range values.
            fn from_f64(x: f64) -> Self {
                x as $t
            }
            // Integer to integer wraps around, like numpy's astype.
            fn from_i128(x: i128) -> Self {
                x as $t
            }
        }
    };
}

impl_element!(f32, F32);
impl_element!(f64, F64);
impl_element!(i8, I8);
impl_element!(i16, I16);
impl_element!(i32, I32);
impl_element!(i64, I64);
impl_element!(u8, U8);
impl_element!(u16, U16);
impl_element!(u32, U32);
impl_element!(u64, U64);

impl Element for bool {
    const DTYPE: DType = DType::Bool;
    fn wrap(v: Vec<Self>) -> Values {
        Values::Bool(v)
    }
    fn slice(v: &Values) -> Option<&[Self]> {
        match v {
            Values::Bool(x) => Some(x),
            _ => None,
        }
    }
    fn to_f64(self) -> f64 {
        self as u8 as f64
    }
    fn to_i128(self) -> i128 {
        self as i128
    }
    fn from_f64(x: f64) -> Self {
        x != 0.0
    }
    fn from_i128(x: i128) -> Self {
        x != 0
    }
}

/// Flat values of one element type.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Bool(Vec<bool>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
}

/// Runs `$body` with `$v` bound to the typed vector inside a [`Values`].
macro_rules! each {
    ($values:expr, $v:ident => $body:expr) => {
        match $values {
            Values::Bool($v) => $body,
            Values::I8($v) => $body,
            Values::I16($v) => $body,
            Values::I32($v) => $body,
            Values::I64($v) => $body,
            Values::U8($v) => $body,
            Values::U16($v) => $body,
            Values::U32($v) => $body,
            Values::U64($v) => $body,
            Values::F32($v) => $body,
            Values::F64($v) => $body,
        }
    };
}

/// Runs `$body` with `$t` the Rust type of a [`DType`].
macro_rules! each_type {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            DType::Bool => {
                type $t = bool;
                $body
            }
            DType::I8 => {
                type $t = i8;
                $body
            }
            DType::I16 => {
                type $t = i16;
                $body
            }
            DType::I32 => {
                type $t = i32;
                $body
            }
            DType::I64 => {
                type $t = i64;
                $body
            }
            DType::U8 => {
                type $t = u8;
                $body
            }
            DType::U16 => {
                type $t = u16;
                $body
            }
            DType::U32 => {
                type $t = u32;
                $body
            }
            DType::U64 => {
                type $t = u64;
                $body
            }
            DType::F32 => {
                type $t = f32;
                $body
            }
            DType::F64 => {
                type $t = f64;
                $body
            }
        }
    };
}

impl Values {
    /// An empty vector of type `dtype` with room for `n` values.
    pub fn with_capacity(dtype: DType, n: usize) -> Values {
        each_type!(dtype, T => T::wrap(Vec::<T>::with_capacity(n)))
    }

    /// An empty vector of type `dtype`.
    pub fn empty(dtype: DType) -> Values {
        Values::with_capacity(dtype, 0)
    }

    pub fn dtype(&self) -> DType {
        each!(self, v => element_dtype(v))
    }

    pub fn len(&self) -> usize {
        each!(self, v => v.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The values as `&[T]`, if `T` is their element type.
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        T::slice(self)
    }

    /// Appends `other[range]`, which must have the same type (a mismatch is a bug in the caller
    /// and panics).
    pub fn extend_from(&mut self, other: &Values, range: Range<usize>) {
        each!(self, a => {
            let b = other.as_slice().unwrap_or_else(|| {
                panic!("extend_from: {} into {}", other.dtype(), element_dtype(a))
            });
            a.extend_from_slice(&b[range]);
        })
    }

    /// Converts to another element type: float to integer truncates toward zero, integer to
    /// integer wraps, anything to bool is `!= 0` (numpy's `astype`).
    pub fn cast(&self, to: DType) -> Values {
        if self.dtype() == to {
            return self.clone();
        }
        each!(self, v => cast_slice(v, to))
    }

    /// All values widened to float64 (e.g. to fill a histogram).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        each!(self, v => v.iter().map(|x| x.to_f64()).collect())
    }

    /// Hands every value, widened to float64 and in order, to `f`: `to_f64_vec` without the vector.
    pub fn for_each_f64(&self, mut f: impl FnMut(f64)) {
        each!(self, v => v.iter().for_each(|x| f(x.to_f64())))
    }

    /// Value `i` widened to float64.
    pub fn get_f64(&self, i: usize) -> f64 {
        each!(self, v => v[i].to_f64())
    }

    /// A printable form of value `i` (integers exactly, floats as Rust prints them).
    pub fn display(&self, i: usize) -> String {
        each!(self, v => v[i].to_string())
    }
}

fn element_dtype<T: Element>(_: &[T]) -> DType {
    T::DTYPE
}

/// `v` converted to type `to`, as [`Values::cast`] does.
pub fn cast_slice<S: Element>(v: &[S], to: DType) -> Values {
    let via_float = S::DTYPE.is_float() || to.is_float();
    each_type!(to, T => {
        let out: Vec<T> = if via_float {
            v.iter().map(|x| T::from_f64(x.to_f64())).collect()
        } else {
            v.iter().map(|x| T::from_i128(x.to_i128())).collect()
        };
        T::wrap(out)
    })
}

impl<T: Element> From<Vec<T>> for Values {
    fn from(v: Vec<T>) -> Values {
        T::wrap(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_moves_the_vector() {
        let v = vec![1.5f32, 2.5];
        let ptr = v.as_ptr();
        let values = Values::from(v);
        assert_eq!(values.as_slice::<f32>().unwrap().as_ptr(), ptr);
        assert_eq!(values.dtype(), DType::F32);
        assert!(values.as_slice::<f64>().is_none());
        for d in DType::ALL {
            assert_eq!(Values::with_capacity(d, 3).dtype(), d);
        }
    }

    #[test]
    fn casts_like_numpy_astype() {
        let v = Values::from(vec![1.7f64, -1.7, 300.0]);
        assert_eq!(v.cast(DType::I32), Values::from(vec![1i32, -1, 300]));
        assert_eq!(v.cast(DType::U8), Values::from(vec![1u8, 0, 255]));
        let w = Values::from(vec![300i32, -1]);
        assert_eq!(w.cast(DType::U8), Values::from(vec![44u8, 255]));
        assert_eq!(w.cast(DType::Bool), Values::from(vec![true, true]));
    }

    #[test]
    fn extends_and_displays() {
        let mut a = Values::from(vec![1u64]);
        a.extend_from(&Values::from(vec![2u64, u64::MAX, 4]), 1..3);
        assert_eq!(a, Values::from(vec![1u64, u64::MAX, 4]));
        assert_eq!(a.display(1), "18446744073709551615");
        assert_eq!(Values::from(vec![0.1f32]).display(0), "0.1");
        assert_eq!(Values::from(vec![true]).get_f64(0), 1.0);
    }

    #[test]
    #[should_panic(expected = "extend_from: int32 into float32")]
    fn extending_with_another_type_panics() {
        Values::from(vec![1.0f32]).extend_from(&Values::from(vec![1i32]), 0..1);
    }
}
