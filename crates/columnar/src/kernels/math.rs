//! Element-wise math functions on float32 or float64 (the type checker converts integers to float64).
//! float32 inputs are computed in float32, as numpy does for float32 arrays; the Gaussian quantile is
//! computed in float64 and rounded.

use crate::column::Element;
use crate::error::Result;
use crate::kernels::special::{normal_ppf, with_normal_ppf_memo};
use crate::kernels::{internal, map1, map2, Datum};
use crate::Values;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func1 {
    Sqrt,
    Exp,
    Log,
    Log10,
    Log2,
    Log1p,
    Expm1,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Asinh,
    Acosh,
    Atanh,
    Floor,
    Ceil,
    Round,
    Trunc,
    NormalPpf,
}

impl Func1 {
    pub fn from_name(name: &str) -> Option<Func1> {
        Some(match name {
            "sqrt" => Func1::Sqrt,
            "exp" => Func1::Exp,
            "log" => Func1::Log,
            "log10" => Func1::Log10,
            "log2" => Func1::Log2,
            "log1p" => Func1::Log1p,
            "expm1" => Func1::Expm1,
            "sin" => Func1::Sin,
            "cos" => Func1::Cos,
            "tan" => Func1::Tan,
            "asin" | "arcsin" => Func1::Asin,
            "acos" | "arccos" => Func1::Acos,
            "atan" | "arctan" => Func1::Atan,
            "sinh" => Func1::Sinh,
            "cosh" => Func1::Cosh,
            "tanh" => Func1::Tanh,
            "asinh" | "arcsinh" => Func1::Asinh,
            "acosh" | "arccosh" => Func1::Acosh,
            "atanh" | "arctanh" => Func1::Atanh,
            "floor" => Func1::Floor,
            "ceil" => Func1::Ceil,
            "round" => Func1::Round,
            "trunc" => Func1::Trunc,
            "normal_ppf" | "ndtri" => Func1::NormalPpf,
            _ => return None,
        })
    }

    pub const NAMES: [&'static str; 24] = [
        "sqrt",
        "exp",
        "log",
        "log10",
        "log2",
        "log1p",
        "expm1",
        "sin",
        "cos",
        "tan",
        "asin",
        "acos",
        "atan",
        "sinh",
        "cosh",
        "tanh",
        "asinh",
        "acosh",
        "atanh",
        "floor",
        "ceil",
        "round",
        "trunc",
        "normal_ppf",
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func2 {
    Atan2,
    Hypot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Predicate {
    IsNan,
    IsFinite,
    IsInf,
}

pub trait Float: Element {
    fn apply1(f: Func1, x: Self) -> Self;
    fn apply2(f: Func2, x: Self, y: Self) -> Self;
    fn test(p: Predicate, x: Self) -> bool;
}

macro_rules! impl_float {
    ($t:ty) => {
        impl Float for $t {
            fn apply1(f: Func1, x: Self) -> Self {
                match f {
                    Func1::Sqrt => x.sqrt(),
                    Func1::Exp => x.exp(),
                    Func1::Log => x.ln(),
                    Func1::Log10 => x.log10(),
                    Func1::Log2 => x.log2(),
                    Func1::Log1p => x.ln_1p(),
                    Func1::Expm1 => x.exp_m1(),
                    Func1::Sin => x.sin(),
                    Func1::Cos => x.cos(),
                    Func1::Tan => x.tan(),
                    Func1::Asin => x.asin(),
                    Func1::Acos => x.acos(),
                    Func1::Atan => x.atan(),
                    Func1::Sinh => x.sinh(),
                    Func1::Cosh => x.cosh(),
                    Func1::Tanh => x.tanh(),
                    Func1::Asinh => x.asinh(),
                    Func1::Acosh => x.acosh(),
                    Func1::Atanh => x.atanh(),
                    Func1::Floor => x.floor(),
                    Func1::Ceil => x.ceil(),
                    // numpy rounds half to even.
                    Func1::Round => x.round_ties_even(),
                    Func1::Trunc => x.trunc(),
                    Func1::NormalPpf => normal_ppf(x as f64) as $t,
                }
            }
            fn apply2(f: Func2, x: Self, y: Self) -> Self {
                match f {
                    Func2::Atan2 => x.atan2(y),
                    Func2::Hypot => x.hypot(y),
                }
            }
            fn test(p: Predicate, x: Self) -> bool {
                match p {
                    Predicate::IsNan => x.is_nan(),
                    Predicate::IsFinite => x.is_finite(),
                    Predicate::IsInf => x.is_infinite(),
                }
            }
        }
    };
}
impl_float!(f32);
impl_float!(f64);

/// Applies `f` element-wise; the function is chosen once per column, not per element.
pub fn apply1(f: Func1, a: &Datum) -> Result<Datum> {
    macro_rules! dispatch {
        ($t:ty) => {
            match f {
                Func1::Sqrt => map1(a, |x: $t| x.sqrt()),
                Func1::Exp => map1(a, |x: $t| x.exp()),
                Func1::Log => map1(a, |x: $t| x.ln()),
                Func1::Sin => map1(a, |x: $t| x.sin()),
                Func1::Cos => map1(a, |x: $t| x.cos()),
                Func1::Sinh => map1(a, |x: $t| x.sinh()),
                Func1::Floor => map1(a, |x: $t| x.floor()),
                Func1::Ceil => map1(a, |x: $t| x.ceil()),
                Func1::Trunc => map1(a, |x: $t| x.trunc()),
                Func1::NormalPpf => {
                    with_normal_ppf_memo(|ppf| map1(a, |x: $t| ppf.get(x as f64) as $t))
                }
                other => map1(a, |x: $t| <$t>::apply1(other, x)),
            }
        };
    }
    match a.values()? {
        Values::F32(_) => dispatch!(f32),
        Values::F64(_) => dispatch!(f64),
        _ => Err(internal("math function on integers")),
    }
}

pub fn apply2(f: Func2, a: &Datum, b: &Datum) -> Result<Datum> {
    match a.values()? {
        Values::F32(_) => map2(a, b, |x: f32, y: f32| f32::apply2(f, x, y)),
        Values::F64(_) => map2(a, b, |x: f64, y: f64| f64::apply2(f, x, y)),
        _ => Err(internal("math function on integers")),
    }
}

pub fn test(p: Predicate, a: &Datum) -> Result<Datum> {
    match a.values()? {
        Values::F32(_) => map1(a, |x: f32| f32::test(p, x)),
        Values::F64(_) => map1(a, |x: f64| f64::test(p, x)),
        _ => Err(internal("float predicate on integers")),
    }
}
