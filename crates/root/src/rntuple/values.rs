//! Decoded column data, independent of the crate's TTree column types (which
//! are being replaced; assembly into the shared types comes later).

use super::column_type::ElementKind;

/// One element of a variant's switch column: which alternative (`tag`,
/// 1-based; 0 is the invalid state) and the item index in that
/// alternative. Stored relative to the cluster; [`RNTuple::read_column`]
/// makes it count from the start of the clusters read.
///
/// [`RNTuple::read_column`]: super::RNTuple::read_column
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SwitchValue {
    pub index: u64,
    pub tag: u32,
}

/// The decoded elements of a column.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    Bool(Vec<bool>),
    /// Uninterpreted bytes (e.g. streamer fields).
    Byte(Vec<u8>),
    /// Characters of strings.
    Char(Vec<u8>),
    I8(Vec<i8>),
    U8(Vec<u8>),
    I16(Vec<i16>),
    U16(Vec<u16>),
    I32(Vec<i32>),
    U32(Vec<u32>),
    I64(Vec<i64>),
    U64(Vec<u64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    /// Collection offsets: one more than the number of collections, starting
    /// at 0 and absolute over the clusters read (made so across pages and
    /// clusters, as uproot does).
    Offsets(Vec<u64>),
    Switch(Vec<SwitchValue>),
}

macro_rules! each_variant {
    ($self:expr, $v:ident => $e:expr) => {
        match $self {
            ColumnValues::Bool($v) => $e,
            ColumnValues::Byte($v) => $e,
            ColumnValues::Char($v) => $e,
            ColumnValues::I8($v) => $e,
            ColumnValues::U8($v) => $e,
            ColumnValues::I16($v) => $e,
            ColumnValues::U16($v) => $e,
            ColumnValues::I32($v) => $e,
            ColumnValues::U32($v) => $e,
            ColumnValues::I64($v) => $e,
            ColumnValues::U64($v) => $e,
            ColumnValues::F32($v) => $e,
            ColumnValues::F64($v) => $e,
            ColumnValues::Offsets($v) => $e,
            ColumnValues::Switch($v) => $e,
        }
    };
}

impl ColumnValues {
    /// Makes room for `n` more elements where the allocator can (a corrupt count asking for
    /// too much is left to fail where the elements are read).
    pub fn reserve(&mut self, n: usize) {
        let _ = each_variant!(self, v => v.try_reserve(n));
    }

    /// An empty vector for an element kind (offsets start with their 0).
    pub fn empty(kind: ElementKind) -> ColumnValues {
        match kind {
            ElementKind::Bool => ColumnValues::Bool(Vec::new()),
            ElementKind::Byte => ColumnValues::Byte(Vec::new()),
            ElementKind::Char => ColumnValues::Char(Vec::new()),
            ElementKind::I8 => ColumnValues::I8(Vec::new()),
            ElementKind::U8 => ColumnValues::U8(Vec::new()),
            ElementKind::I16 => ColumnValues::I16(Vec::new()),
            ElementKind::U16 => ColumnValues::U16(Vec::new()),
            ElementKind::I32 => ColumnValues::I32(Vec::new()),
            ElementKind::U32 => ColumnValues::U32(Vec::new()),
            ElementKind::I64 => ColumnValues::I64(Vec::new()),
            ElementKind::U64 => ColumnValues::U64(Vec::new()),
            ElementKind::F32 => ColumnValues::F32(Vec::new()),
            ElementKind::F64 => ColumnValues::F64(Vec::new()),
            ElementKind::Index => ColumnValues::Offsets(vec![0]),
            ElementKind::Switch => ColumnValues::Switch(Vec::new()),
        }
    }

    /// Number of elements (for offsets: the number of collections).
    pub fn len(&self) -> usize {
        match self {
            ColumnValues::Offsets(v) => v.len().saturating_sub(1),
            other => each_variant!(other, v => v.len()),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Element `i` as a number (offsets: the end offset of collection `i`;
    /// switches: the tag), for summaries and tests.
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        Some(match self {
            ColumnValues::Bool(v) => *v.get(i)? as u8 as f64,
            ColumnValues::Byte(v) | ColumnValues::Char(v) | ColumnValues::U8(v) => {
                *v.get(i)? as f64
            }
            ColumnValues::I8(v) => *v.get(i)? as f64,
            ColumnValues::I16(v) => *v.get(i)? as f64,
            ColumnValues::U16(v) => *v.get(i)? as f64,
            ColumnValues::I32(v) => *v.get(i)? as f64,
            ColumnValues::U32(v) => *v.get(i)? as f64,
            ColumnValues::I64(v) => *v.get(i)? as f64,
            ColumnValues::U64(v) => *v.get(i)? as f64,
            ColumnValues::F32(v) => *v.get(i)? as f64,
            ColumnValues::F64(v) => *v.get(i)?,
            ColumnValues::Offsets(v) => *v.get(i + 1)? as f64,
            ColumnValues::Switch(v) => v.get(i)?.tag as f64,
        })
    }

    /// All elements as f64.
    pub fn to_f64(&self) -> Vec<f64> {
        (0..self.len()).filter_map(|i| self.get_f64(i)).collect()
    }

    /// True for integer and boolean element types.
    pub fn is_integer(&self) -> bool {
        !matches!(self, ColumnValues::F32(_) | ColumnValues::F64(_))
    }

    /// Appends `n` zero elements (the synthetic leading data of columns
    /// added late; offsets repeat the last value: empty collections).
    pub(crate) fn push_zeros(&mut self, n: usize) {
        match self {
            ColumnValues::Offsets(v) => {
                let last = *v.last().unwrap_or(&0);
                v.resize(v.len() + n, last);
            }
            other => each_variant!(other, v => v.resize(v.len() + n, Default::default())),
        }
    }

    /// Keeps elements `range` (`range.end <= self.len()`); offsets keep the end of the element
    /// before the range too, where the range's first collection starts.
    pub(crate) fn keep(&mut self, range: std::ops::Range<usize>) {
        match self {
            ColumnValues::Offsets(v) => {
                v.truncate(range.end + 1);
                v.drain(..range.start);
            }
            other => each_variant!(other, v => {
                v.truncate(range.end);
                v.drain(..range.start);
            }),
        }
    }

    /// Appends elements `range` of `page`, a page of the same column (offsets: its end offsets,
    /// relative to the cluster as stored). False when the kinds differ or the range is outside.
    pub(crate) fn extend_from(
        &mut self,
        page: &ColumnValues,
        range: std::ops::Range<usize>,
    ) -> bool {
        if range.start > range.end || range.end > page.len() {
            return false;
        }
        macro_rules! same {
            ($($variant:ident),*) => {
                match (self, page) {
                    (ColumnValues::Offsets(a), ColumnValues::Offsets(b)) => {
                        a.extend_from_slice(&b[range.start + 1..range.end + 1])
                    }
                    $((ColumnValues::$variant(a), ColumnValues::$variant(b)) => {
                        a.extend_from_slice(&b[range])
                    })*
                    _ => return false,
                }
            };
        }
        same!(Bool, Byte, Char, I8, U8, I16, U16, I32, U32, I64, U64, F32, F64, Switch);
        true
    }

    /// Becomes `other` when empty and of the same kind (no copy: a cluster of one page is its
    /// page); otherwise hands `other` back to be appended.
    fn replace_if_empty(&mut self, other: ColumnValues) -> Option<ColumnValues> {
        let empty = match (&*self, &other) {
            // Offsets both starting at 0: appending would shift by 0 and drop the other's 0.
            (ColumnValues::Offsets(a), ColumnValues::Offsets(b)) => {
                a[..] == [0] && b.first() == Some(&0)
            }
            (a, b) => a.is_empty() && std::mem::discriminant(a) == std::mem::discriminant(b),
        };
        if empty {
            *self = other;
            return None;
        }
        Some(other)
    }

    /// Appends the next page of the same cluster: offsets are relative to
    /// the cluster, so they continue without a shift.
    pub(crate) fn append_page(&mut self, page: ColumnValues) {
        let Some(page) = self.replace_if_empty(page) else {
            return;
        };
        match (self, page) {
            (ColumnValues::Offsets(a), ColumnValues::Offsets(b)) => a.extend(b.into_iter().skip(1)),
            (this, page) => this.append(page),
        }
    }

    /// Appends the next cluster's values (offsets shifted by the last
    /// offset so far; switch indices are shifted by `read_column`, which
    /// counts each alternative's items); a different kind (another
    /// column representation in some clusters) is converted through f64.
    pub(crate) fn append(&mut self, other: ColumnValues) {
        let Some(other) = self.replace_if_empty(other) else {
            return;
        };
        match (self, other) {
            (ColumnValues::Offsets(a), ColumnValues::Offsets(b)) => {
                let base = *a.last().unwrap_or(&0);
                a.extend(b.into_iter().skip(1).map(|x| x.wrapping_add(base)));
            }
            (ColumnValues::Bool(a), ColumnValues::Bool(b)) => a.extend(b),
            (ColumnValues::Byte(a), ColumnValues::Byte(b)) => a.extend(b),
            (ColumnValues::Char(a), ColumnValues::Char(b)) => a.extend(b),
            (ColumnValues::I8(a), ColumnValues::I8(b)) => a.extend(b),
            (ColumnValues::U8(a), ColumnValues::U8(b)) => a.extend(b),
            (ColumnValues::I16(a), ColumnValues::I16(b)) => a.extend(b),
            (ColumnValues::U16(a), ColumnValues::U16(b)) => a.extend(b),
            (ColumnValues::I32(a), ColumnValues::I32(b)) => a.extend(b),
            (ColumnValues::U32(a), ColumnValues::U32(b)) => a.extend(b),
            (ColumnValues::I64(a), ColumnValues::I64(b)) => a.extend(b),
            (ColumnValues::U64(a), ColumnValues::U64(b)) => a.extend(b),
            (ColumnValues::F32(a), ColumnValues::F32(b)) => a.extend(b),
            (ColumnValues::F64(a), ColumnValues::F64(b)) => a.extend(b),
            (ColumnValues::Switch(a), ColumnValues::Switch(b)) => a.extend(b),
            (this, other) => {
                let numbers = other.to_f64();
                match this {
                    ColumnValues::F64(a) => a.extend(numbers),
                    ColumnValues::F32(a) => a.extend(numbers.iter().map(|&x| x as f32)),
                    ColumnValues::I64(a) => a.extend(numbers.iter().map(|&x| x as i64)),
                    ColumnValues::U64(a) => a.extend(numbers.iter().map(|&x| x as u64)),
                    ColumnValues::I32(a) => a.extend(numbers.iter().map(|&x| x as i32)),
                    ColumnValues::U32(a) => a.extend(numbers.iter().map(|&x| x as u32)),
                    ColumnValues::I16(a) => a.extend(numbers.iter().map(|&x| x as i16)),
                    ColumnValues::U16(a) => a.extend(numbers.iter().map(|&x| x as u16)),
                    ColumnValues::I8(a) => a.extend(numbers.iter().map(|&x| x as i8)),
                    ColumnValues::U8(a) | ColumnValues::Byte(a) | ColumnValues::Char(a) => {
                        a.extend(numbers.iter().map(|&x| x as u8))
                    }
                    ColumnValues::Bool(a) => a.extend(numbers.iter().map(|&x| x != 0.0)),
                    ColumnValues::Offsets(_) | ColumnValues::Switch(_) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_continue_across_pages_and_shift_across_clusters() {
        // Offsets are relative to the cluster: the second page of a cluster
        // continues, the next cluster restarts at 0.
        let mut cluster = ColumnValues::Offsets(vec![0, 2, 3]);
        cluster.append_page(ColumnValues::Offsets(vec![0, 5]));
        assert_eq!(cluster, ColumnValues::Offsets(vec![0, 2, 3, 5]));
        let mut all = ColumnValues::empty(ElementKind::Index);
        all.append(cluster);
        all.append(ColumnValues::Offsets(vec![0, 1, 4]));
        assert_eq!(all, ColumnValues::Offsets(vec![0, 2, 3, 5, 6, 9]));
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn appending_to_nothing_takes_the_values_as_they_are() {
        let mut values = ColumnValues::empty(ElementKind::F32);
        values.append(ColumnValues::F32(vec![1.0, 2.0]));
        assert_eq!(values, ColumnValues::F32(vec![1.0, 2.0]));
        // A window's offsets without their leading 0 stay without it.
        let mut window = ColumnValues::Offsets(Vec::new());
        window.append(ColumnValues::Offsets(vec![0, 2, 3]));
        assert_eq!(window, ColumnValues::Offsets(vec![2, 3]));
        // Another kind is converted, not taken.
        let mut ints = ColumnValues::empty(ElementKind::I32);
        ints.append(ColumnValues::F64(vec![4.0]));
        assert_eq!(ints, ColumnValues::I32(vec![4]));
    }

    #[test]
    fn zeros_of_late_offset_columns_are_empty_collections() {
        let mut v = ColumnValues::Offsets(vec![0, 2]);
        v.push_zeros(2);
        assert_eq!(v, ColumnValues::Offsets(vec![0, 2, 2, 2]));
    }
}
