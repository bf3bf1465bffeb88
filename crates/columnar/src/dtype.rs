//! Element types of columns ([`DType`], from hepkey-column) and the promotion rules used when two values meet in an operation.
//!
//! The rules follow numpy 2 (NEP 50), which is what awkward and coffea users already know:
//! * two columns: the smallest type that holds both (`float32 * float32 -> float32`,
//!   `int32 + float32 -> float64`, `uint32 + int32 -> int64`, `uint64 + int64 -> float64`);
//! * a column and a literal: the literal is *weak* and takes the column's type when its kind allows
//!   (`Jet_pt * 1.03` stays float32, `Jet_jetId & 4` stays int32), but an integer column with a float
//!   literal becomes float64;
//! * two literals: int64 or float64.

use std::fmt;

pub use hepkey_column::DType;

/// Promotion of element types when two values meet in an operation: expression semantics, so they
/// live here rather than with [`DType`] in hepkey-column.
pub trait Promotion {
    /// The common type of two columns (numpy's `result_type` for arrays).
    fn promote(a: DType, b: DType) -> DType;
    /// The type a weak literal of kind `lit` takes next to a column of type `col`.
    fn promote_weak(col: DType, lit: DType) -> DType;
}

fn bits(d: DType) -> usize {
    d.size() * 8
}

fn signed_of_bits(bits: usize) -> DType {
    match bits {
        8 => DType::I8,
        16 => DType::I16,
        32 => DType::I32,
        _ => DType::I64,
    }
}

impl Promotion for DType {
    fn promote(a: DType, b: DType) -> DType {
        use DType::*;
        if a == b {
            return a;
        }
        match (a, b) {
            (Bool, x) | (x, Bool) => x,
            (F64, _) | (_, F64) => F64,
            (F32, x) | (x, F32) => {
                if bits(x) <= 16 {
                    F32
                } else {
                    F64
                }
            }
            _ => {
                let (sa, sb) = (a.is_signed_int(), b.is_signed_int());
                if sa == sb {
                    if bits(a) >= bits(b) {
                        a
                    } else {
                        b
                    }
                } else {
                    let (s, u) = if sa { (a, b) } else { (b, a) };
                    if bits(s) > bits(u) {
                        s
                    } else if bits(u) < 64 {
                        signed_of_bits(bits(u) * 2)
                    } else {
                        F64
                    }
                }
            }
        }
    }

    fn promote_weak(col: DType, lit: DType) -> DType {
        match (col, lit) {
            (c, DType::Bool) => c,
            (DType::Bool, l) => l,
            (c, l) if l.is_float() && !c.is_float() => DType::F64,
            (c, _) => c,
        }
    }
}

/// The type of an expression value: an element type, one per event or a list per event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Type {
    pub dtype: DType,
    /// `true` for a variable-length list per event (jagged), `false` for one value per event.
    pub jagged: bool,
}

impl Type {
    pub fn flat(dtype: DType) -> Type {
        Type {
            dtype,
            jagged: false,
        }
    }

    pub fn jagged(dtype: DType) -> Type {
        Type {
            dtype,
            jagged: true,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.jagged {
            write!(f, "list of {}", self.dtype)
        } else {
            write!(f, "{}", self.dtype)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DType::*;
    use super::*;

    #[test]
    fn promotion_follows_numpy() {
        assert_eq!(DType::promote(F32, F32), F32);
        assert_eq!(DType::promote(F32, I32), F64);
        assert_eq!(DType::promote(F32, I16), F32);
        assert_eq!(DType::promote(U32, I32), I64);
        assert_eq!(DType::promote(U64, I64), F64);
        assert_eq!(DType::promote(U8, I32), I32);
        assert_eq!(DType::promote(Bool, U16), U16);
        assert_eq!(DType::promote(I64, F32), F64);
    }

    #[test]
    fn weak_literals_keep_the_column_type() {
        assert_eq!(DType::promote_weak(F32, F64), F32);
        assert_eq!(DType::promote_weak(I32, I64), I32);
        assert_eq!(DType::promote_weak(I32, F64), F64);
        assert_eq!(DType::promote_weak(F32, I64), F32);
        assert_eq!(DType::promote_weak(Bool, I64), I64);
    }
}
