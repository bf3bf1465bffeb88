//! The element types of columns.

use std::fmt;

/// The element type of a column: one of the eleven numeric types readers decode and expressions
/// compute on. The order (bool, signed, unsigned, float) is the order of [`DType::ALL`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DType {
    Bool,
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    F32,
    F64,
}

impl DType {
    /// All types, in the order of their names' documentation.
    pub const ALL: [DType; 11] = [
        DType::Bool,
        DType::I8,
        DType::I16,
        DType::I32,
        DType::I64,
        DType::U8,
        DType::U16,
        DType::U32,
        DType::U64,
        DType::F32,
        DType::F64,
    ];

    /// The numpy-style name (`float32`, `int64`, ...), also the expression language's cast
    /// function name.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::I8 => "int8",
            DType::I16 => "int16",
            DType::I32 => "int32",
            DType::I64 => "int64",
            DType::U8 => "uint8",
            DType::U16 => "uint16",
            DType::U32 => "uint32",
            DType::U64 => "uint64",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// The type named `name` (the inverse of [`DType::name`]).
    pub fn from_name(name: &str) -> Option<DType> {
        DType::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Size of one value in bytes (bool takes one byte, as in ROOT and numpy).
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::I8 | DType::U8 => 1,
            DType::I16 | DType::U16 => 2,
            DType::I32 | DType::U32 | DType::F32 => 4,
            DType::I64 | DType::U64 | DType::F64 => 8,
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, DType::F32 | DType::F64)
    }

    /// Signed or unsigned integer (bool is not an integer here).
    pub fn is_int(self) -> bool {
        !self.is_float() && self != DType::Bool
    }

    pub fn is_signed_int(self) -> bool {
        matches!(self, DType::I8 | DType::I16 | DType::I32 | DType::I64)
    }

    pub fn is_unsigned_int(self) -> bool {
        matches!(self, DType::U8 | DType::U16 | DType::U32 | DType::U64)
    }
}

impl fmt::Display for DType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_kinds_partition_the_types() {
        for d in DType::ALL {
            assert_eq!(DType::from_name(d.name()), Some(d));
            let kinds = [
                d == DType::Bool,
                d.is_signed_int(),
                d.is_unsigned_int(),
                d.is_float(),
            ];
            assert_eq!(kinds.iter().filter(|&&k| k).count(), 1, "{d}");
            assert_eq!(d.is_int(), d.is_signed_int() || d.is_unsigned_int());
        }
        assert_eq!(DType::from_name("float"), None);
        assert_eq!(DType::U16.size(), 2);
        assert_eq!(DType::F64.to_string(), "float64");
    }
}
