//! Column types of format 1.0: the element type on storage and the page
//! encoding it implies (split bytes, zigzag, delta, bit packing).

use crate::error::{Error, Result};

/// A column's on-disk element type (spec table "Column Description").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnType {
    Bit,
    Byte,
    Char,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Real16,
    Real32,
    Real64,
    Index32,
    Index64,
    Switch,
    SplitInt16,
    SplitUInt16,
    SplitInt32,
    SplitUInt32,
    SplitInt64,
    SplitUInt64,
    SplitReal16,
    SplitReal32,
    SplitReal64,
    SplitIndex32,
    SplitIndex64,
    Real32Trunc,
    Real32Quant,
}

/// The element type once decoded, ignoring the encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElementKind {
    Bool,
    Byte,
    Char,
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    /// Half, truncated or quantized floats are widened to f32.
    F32,
    F64,
    /// Offsets of a collection (Index32/64), relative to the cluster on disk.
    Index,
    /// A variant's (index, tag) pairs.
    Switch,
}

impl ColumnType {
    /// Decodes the type code of a column record.
    pub fn from_code(code: u16) -> Result<ColumnType> {
        use ColumnType::*;
        Ok(match code {
            0x00 => Bit,
            0x01 => Byte,
            0x02 => Char,
            0x03 => Int8,
            0x04 => UInt8,
            0x05 => Int16,
            0x06 => UInt16,
            0x07 => Int32,
            0x08 => UInt32,
            0x09 => Int64,
            0x0A => UInt64,
            0x0B => Real16,
            0x0C => Real32,
            0x0D => Real64,
            0x0E => Index32,
            0x0F => Index64,
            0x10 => Switch,
            0x11 => SplitInt16,
            0x12 => SplitUInt16,
            0x13 => SplitInt32,
            0x14 => SplitUInt32,
            0x15 => SplitInt64,
            0x16 => SplitUInt64,
            0x17 => SplitReal16,
            0x18 => SplitReal32,
            0x19 => SplitReal64,
            0x1A => SplitIndex32,
            0x1B => SplitIndex64,
            0x1C => Real32Trunc,
            0x1D => Real32Quant,
            other => {
                return Err(Error::Unsupported(format!(
                    "column type {other:#x} (newer than format 1.0)"
                )))
            }
        })
    }

    /// The fixed number of bits per element, or the allowed range for the
    /// variable-width float types.
    fn bits_range(self) -> (u16, u16) {
        use ColumnType::*;
        match self {
            Bit => (1, 1),
            Byte | Char | Int8 | UInt8 => (8, 8),
            Int16 | UInt16 | Real16 | SplitInt16 | SplitUInt16 | SplitReal16 => (16, 16),
            Int32 | UInt32 | Real32 | Index32 | SplitInt32 | SplitUInt32 | SplitReal32
            | SplitIndex32 => (32, 32),
            Int64 | UInt64 | Real64 | Index64 | SplitInt64 | SplitUInt64 | SplitReal64
            | SplitIndex64 => (64, 64),
            Switch => (96, 96),
            Real32Trunc => (10, 31),
            Real32Quant => (1, 32),
        }
    }

    /// Checks the bits-on-storage of a column record against the type.
    pub fn check_bits(self, bits: u16) -> Result<()> {
        let (lo, hi) = self.bits_range();
        // Trunc with 32 bits is plain Real32; accept it as ROOT does.
        let hi = if self == ColumnType::Real32Trunc {
            32
        } else {
            hi
        };
        if bits < lo || bits > hi {
            return Err(Error::format(format!(
                "column of type {self:?} with {bits} bits on storage (expected {lo}..={hi})"
            )));
        }
        Ok(())
    }

    /// Bytes per element of a split or plain fixed-width column (0 for the
    /// bit-packed types).
    pub fn element_bytes(self) -> usize {
        use ColumnType::*;
        match self {
            Bit | Real32Trunc | Real32Quant => 0,
            other => other.bits_range().0 as usize / 8,
        }
    }

    /// Byte-split encoding: all first bytes of the page, then all second
    /// bytes, and so on.
    pub fn is_split(self) -> bool {
        use ColumnType::*;
        matches!(
            self,
            SplitInt16
                | SplitUInt16
                | SplitInt32
                | SplitUInt32
                | SplitInt64
                | SplitUInt64
                | SplitReal16
                | SplitReal32
                | SplitReal64
                | SplitIndex32
                | SplitIndex64
        )
    }

    /// Zigzag encoding of signed integers (after unsplitting).
    pub fn is_zigzag(self) -> bool {
        use ColumnType::*;
        matches!(self, SplitInt16 | SplitInt32 | SplitInt64)
    }

    /// Delta encoding within each page (split index columns).
    pub fn is_delta(self) -> bool {
        matches!(self, ColumnType::SplitIndex32 | ColumnType::SplitIndex64)
    }

    /// True for the offset columns of collections.
    pub fn is_index(self) -> bool {
        self.kind() == ElementKind::Index
    }

    /// The decoded element type.
    pub fn kind(self) -> ElementKind {
        use ColumnType::*;
        match self {
            Bit => ElementKind::Bool,
            Byte => ElementKind::Byte,
            Char => ElementKind::Char,
            Int8 => ElementKind::I8,
            UInt8 => ElementKind::U8,
            Int16 | SplitInt16 => ElementKind::I16,
            UInt16 | SplitUInt16 => ElementKind::U16,
            Int32 | SplitInt32 => ElementKind::I32,
            UInt32 | SplitUInt32 => ElementKind::U32,
            Int64 | SplitInt64 => ElementKind::I64,
            UInt64 | SplitUInt64 => ElementKind::U64,
            Real16 | SplitReal16 | Real32 | SplitReal32 | Real32Trunc | Real32Quant => {
                ElementKind::F32
            }
            Real64 | SplitReal64 => ElementKind::F64,
            Index32 | Index64 | SplitIndex32 | SplitIndex64 => ElementKind::Index,
            Switch => ElementKind::Switch,
        }
    }

    /// Uncompressed bytes of a page of `elements` elements with `bits` bits
    /// on storage, or `None` on overflow.
    pub fn page_bytes(self, elements: u64, bits: u16) -> Option<u64> {
        match self {
            ColumnType::Bit | ColumnType::Real32Trunc | ColumnType::Real32Quant => {
                Some(elements.checked_mul(bits as u64)?.div_ceil(8))
            }
            other => elements.checked_mul(other.element_bytes() as u64),
        }
    }
}
