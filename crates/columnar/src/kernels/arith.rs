//! Arithmetic, comparison, logical and bit operations on operands of one element type.

use crate::column::Element;
use crate::error::Result;
use crate::kernels::{map1, map2, Datum};
use crate::with_values;

/// Operations with numpy semantics on one element type. Integer arithmetic wraps on overflow; `%` has
/// the sign of the divisor (Python/numpy), and `x % 0` is 0 for integers.
pub trait Num: Element {
    fn add(a: Self, b: Self) -> Self;
    fn sub(a: Self, b: Self) -> Self;
    fn mul(a: Self, b: Self) -> Self;
    fn div(a: Self, b: Self) -> Self;
    fn rem(a: Self, b: Self) -> Self;
    fn pow(a: Self, b: Self) -> Self;
    fn minimum(a: Self, b: Self) -> Self;
    fn maximum(a: Self, b: Self) -> Self;
    fn neg(a: Self) -> Self;
    fn abs(a: Self) -> Self;
    fn bitand(a: Self, b: Self) -> Self;
    fn bitor(a: Self, b: Self) -> Self;
    fn bitxor(a: Self, b: Self) -> Self;
    fn shl(a: Self, b: Self) -> Self;
    fn shr(a: Self, b: Self) -> Self;
    fn bitnot(a: Self) -> Self;
}

macro_rules! impl_num_int {
    ($($t:ty),*) => {$(
        impl Num for $t {
            fn add(a: Self, b: Self) -> Self { a.wrapping_add(b) }
            fn sub(a: Self, b: Self) -> Self { a.wrapping_sub(b) }
            fn mul(a: Self, b: Self) -> Self { a.wrapping_mul(b) }
            fn div(a: Self, b: Self) -> Self { a.checked_div(b).unwrap_or(0) }
            fn rem(a: Self, b: Self) -> Self {
                if b == 0 { return 0; }
                let r = a.wrapping_rem(b);
                #[allow(unused_comparisons)]
                if r != 0 && ((r < 0) != (b < 0)) { r.wrapping_add(b) } else { r }
            }
            fn pow(a: Self, b: Self) -> Self {
                #[allow(unused_comparisons)]
                if b < 0 { 0 } else { a.wrapping_pow(b as u32) }
            }
            fn minimum(a: Self, b: Self) -> Self { if b < a { b } else { a } }
            fn maximum(a: Self, b: Self) -> Self { if b > a { b } else { a } }
            fn neg(a: Self) -> Self { (0 as $t).wrapping_sub(a) }
            #[allow(unused_comparisons)]
            fn abs(a: Self) -> Self { if a < 0 { (0 as $t).wrapping_sub(a) } else { a } }
            fn bitand(a: Self, b: Self) -> Self { a & b }
            fn bitor(a: Self, b: Self) -> Self { a | b }
            fn bitxor(a: Self, b: Self) -> Self { a ^ b }
            fn shl(a: Self, b: Self) -> Self { a.wrapping_shl(b as u32) }
            fn shr(a: Self, b: Self) -> Self { a.wrapping_shr(b as u32) }
            fn bitnot(a: Self) -> Self { !a }
        }
    )*};
}
impl_num_int!(i8, i16, i32, i64, u8, u16, u32, u64);

macro_rules! impl_num_float {
    ($($t:ty),*) => {$(
        impl Num for $t {
            fn add(a: Self, b: Self) -> Self { a + b }
            fn sub(a: Self, b: Self) -> Self { a - b }
            fn mul(a: Self, b: Self) -> Self { a * b }
            fn div(a: Self, b: Self) -> Self { a / b }
            fn rem(a: Self, b: Self) -> Self {
                let r = a % b;
                if r != 0.0 && ((r < 0.0) != (b < 0.0)) { r + b } else { r }
            }
            fn pow(a: Self, b: Self) -> Self { a.powf(b) }
            // NaN-propagating, like numpy's minimum/maximum.
            fn minimum(a: Self, b: Self) -> Self { if a.is_nan() || b.is_nan() { <$t>::NAN } else { a.min(b) } }
            fn maximum(a: Self, b: Self) -> Self { if a.is_nan() || b.is_nan() { <$t>::NAN } else { a.max(b) } }
            fn neg(a: Self) -> Self { -a }
            fn abs(a: Self) -> Self { a.abs() }
            // Bit operations on floats are rejected by the type checker; these are never reached.
            fn bitand(a: Self, _: Self) -> Self { a }
            fn bitor(a: Self, _: Self) -> Self { a }
            fn bitxor(a: Self, _: Self) -> Self { a }
            fn shl(a: Self, _: Self) -> Self { a }
            fn shr(a: Self, _: Self) -> Self { a }
            fn bitnot(a: Self) -> Self { a }
        }
    )*};
}
impl_num_float!(f32, f64);

// Booleans take part only in logic (the type checker converts them to integers for arithmetic).
impl Num for bool {
    fn add(a: Self, b: Self) -> Self {
        a | b
    }
    fn sub(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn mul(a: Self, b: Self) -> Self {
        a & b
    }
    fn div(a: Self, _: Self) -> Self {
        a
    }
    fn rem(a: Self, _: Self) -> Self {
        a
    }
    fn pow(a: Self, _: Self) -> Self {
        a
    }
    fn minimum(a: Self, b: Self) -> Self {
        a & b
    }
    fn maximum(a: Self, b: Self) -> Self {
        a | b
    }
    fn neg(a: Self) -> Self {
        a
    }
    fn abs(a: Self) -> Self {
        a
    }
    fn bitand(a: Self, b: Self) -> Self {
        a & b
    }
    fn bitor(a: Self, b: Self) -> Self {
        a | b
    }
    fn bitxor(a: Self, b: Self) -> Self {
        a ^ b
    }
    fn shl(a: Self, _: Self) -> Self {
        a
    }
    fn shr(a: Self, _: Self) -> Self {
        a
    }
    fn bitnot(a: Self) -> Self {
        !a
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Min,
    Max,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryKernel {
    Neg,
    Abs,
    BitNot,
}

fn arith_typed<T: Num>(op: ArithOp, a: &Datum, b: &Datum) -> Result<Datum> {
    match op {
        ArithOp::Add => map2(a, b, T::add),
        ArithOp::Sub => map2(a, b, T::sub),
        ArithOp::Mul => map2(a, b, T::mul),
        ArithOp::Div => map2(a, b, T::div),
        ArithOp::Mod => map2(a, b, T::rem),
        ArithOp::Pow => map2(a, b, T::pow),
        ArithOp::Min => map2(a, b, T::minimum),
        ArithOp::Max => map2(a, b, T::maximum),
        ArithOp::BitAnd => map2(a, b, T::bitand),
        ArithOp::BitOr => map2(a, b, T::bitor),
        ArithOp::BitXor => map2(a, b, T::bitxor),
        ArithOp::Shl => map2(a, b, T::shl),
        ArithOp::Shr => map2(a, b, T::shr),
    }
}

/// `a op b` for operands of one element type.
pub fn arith(op: ArithOp, a: &Datum, b: &Datum) -> Result<Datum> {
    if op == ArithOp::Mod {
        if let Some(d) = rem_by_constant(a, b) {
            return Ok(d);
        }
    }
    with_values!(a.values()?, v => arith_dispatch(op, v, a, b))
}

/// Largest magnitude for which integer division through float64 is exact enough to correct.
const EXACT: i64 = 1 << 52;

/// `int64 column % positive constant` (as in the AGC's `int64(pt * 1000) % 1000`) without a hardware
/// division per element, which costs about ten times a multiplication: the float64 quotient is off
/// by at most one, then corrected. Same results as [`Num::rem`].
fn rem_by_constant(a: &Datum, b: &Datum) -> Option<Datum> {
    let (Datum::Col(c), Datum::Scalar(s)) = (a, b) else {
        return None;
    };
    let (x, &[d]) = (c.as_slice::<i64>()?, s.as_slice::<i64>()?) else {
        return None;
    };
    if !(1..EXACT).contains(&d) {
        return None;
    }
    // The truncated product with 1/d is within two of the floor of the quotient (below 2^52):
    // at most two corrections up or one down. Truncation, unlike `floor`, is one instruction
    // on every x86-64.
    let inverse = 1.0 / d as f64;
    let out: Vec<i64> = x
        .iter()
        .map(|&v| {
            if v.unsigned_abs() >= EXACT as u64 {
                return i64::rem(v, d);
            }
            let mut r = v - (v as f64 * inverse) as i64 * d;
            if r < 0 {
                r += d;
                if r < 0 {
                    r += d;
                }
            } else if r >= d {
                r -= d;
            }
            r
        })
        .collect();
    Some(Datum::Col(crate::Column::from_parts(
        crate::Values::I64(out),
        c.offsets().cloned(),
    )))
}

fn arith_dispatch<T: Num>(op: ArithOp, _: &[T], a: &Datum, b: &Datum) -> Result<Datum> {
    arith_typed::<T>(op, a, b)
}

fn compare_typed<T: Element>(op: CmpOp, a: &Datum, b: &Datum) -> Result<Datum> {
    match op {
        CmpOp::Eq => map2(a, b, |x: T, y: T| x == y),
        CmpOp::Ne => map2(a, b, |x: T, y: T| x != y),
        CmpOp::Lt => map2(a, b, |x: T, y: T| x < y),
        CmpOp::Le => map2(a, b, |x: T, y: T| x <= y),
        CmpOp::Gt => map2(a, b, |x: T, y: T| x > y),
        CmpOp::Ge => map2(a, b, |x: T, y: T| x >= y),
    }
}

/// `a op b` for operands of one element type, giving booleans.
pub fn compare(op: CmpOp, a: &Datum, b: &Datum) -> Result<Datum> {
    with_values!(a.values()?, v => compare_dispatch(op, v, a, b))
}

fn compare_dispatch<T: Element>(op: CmpOp, _: &[T], a: &Datum, b: &Datum) -> Result<Datum> {
    compare_typed::<T>(op, a, b)
}

/// Element-wise unary operation keeping the element type.
pub fn unary(op: UnaryKernel, a: &Datum) -> Result<Datum> {
    with_values!(a.values()?, v => unary_dispatch(op, v, a))
}

fn unary_dispatch<T: Num>(op: UnaryKernel, _: &[T], a: &Datum) -> Result<Datum> {
    match op {
        UnaryKernel::Neg => map1(a, T::neg),
        UnaryKernel::Abs => map1(a, T::abs),
        UnaryKernel::BitNot => map1(a, T::bitnot),
    }
}

/// Converts to another element type (numpy `astype`).
pub fn cast(a: &Datum, to: crate::DType) -> Result<Datum> {
    Ok(match a {
        Datum::Scalar(v) => Datum::Scalar(std::sync::Arc::new(v.cast(to))),
        Datum::Col(c) => Datum::Col(crate::Column::from_parts(
            c.values().cast(to),
            c.offsets().cloned(),
        )),
        _ => return Err(super::internal("cast of a non-value")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Column, Values};
    use std::sync::Arc;

    #[test]
    fn remainder_by_a_constant_equals_the_division() {
        let mut x: Vec<i64> = (-5000..5000).map(|i| i * 7919 + i / 3).collect();
        x.extend([
            0,
            EXACT - 1,
            -(EXACT - 1),
            EXACT,
            -EXACT,
            i64::MAX,
            i64::MIN,
            999_999_999_999,
        ]);
        // Every magnitude up to 2^53, both signs (a fixed linear congruential sequence).
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            let v = (state >> (11 + state % 50)) as i64;
            x.push(if state & 1 == 0 { v } else { -v });
        }
        for d in [1i64, 2, 3, 7, 1000, 65_537, 1 << 40, EXACT - 1] {
            let a = Datum::Col(Column::flat(Values::I64(x.clone())));
            let b = Datum::Scalar(Arc::new(Values::I64(vec![d])));
            let got = rem_by_constant(&a, &b).expect("fast path");
            let got = got.column().unwrap().as_slice::<i64>().unwrap().to_vec();
            let want: Vec<i64> = x.iter().map(|&v| i64::rem(v, d)).collect();
            assert_eq!(got, want, "divisor {d}");
        }
        // Zero and negative divisors take the general kernel.
        let a = Datum::Col(Column::flat(Values::I64(x)));
        for d in [0i64, -7] {
            let b = Datum::Scalar(Arc::new(Values::I64(vec![d])));
            assert!(rem_by_constant(&a, &b).is_none());
        }
    }
}
