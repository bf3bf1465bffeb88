//! Number types a histogram can be filled from.

/// A column element that widens losslessly to `f64` (the type the bin index is computed in, as in
/// boost-histogram, so a float32 column bins exactly like its float64 widening).
pub trait FillValue: Copy {
    fn to_f64(self) -> f64;
}

macro_rules! lossless {
    ($($t:ty),*) => {$(
        impl FillValue for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
        }
    )*};
}
lossless!(f64, f32, i32, u32, i16, u16, i8, u8);

impl FillValue for bool {
    #[inline(always)]
    fn to_f64(self) -> f64 {
        if self {
            1.0
        } else {
            0.0
        }
    }
}

/// 64-bit integers (event numbers, counters) convert with rounding beyond 2^53, like numpy's
/// `astype(float64)` does when boost-histogram bins them.
macro_rules! rounding {
    ($($t:ty),*) => {$(
        impl FillValue for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
rounding!(i64, u64);
