//! Columns as hepkey hands them out: typed values plus offsets for lists,
//! like Arrow or awkward arrays. A jagged `float` branch is a `List` whose
//! offsets (one more than the entries, starting at 0) index a flat `F32`.

/// Flat values of one primitive type.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    Bool(Vec<bool>),
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
    Str(Vec<String>),
}

macro_rules! each_values {
    ($v:expr, $x:ident => $e:expr) => {
        match $v {
            Values::Bool($x) => $e,
            Values::I8($x) => $e,
            Values::U8($x) => $e,
            Values::I16($x) => $e,
            Values::U16($x) => $e,
            Values::I32($x) => $e,
            Values::U32($x) => $e,
            Values::I64($x) => $e,
            Values::U64($x) => $e,
            Values::F32($x) => $e,
            Values::F64($x) => $e,
            Values::Str($x) => $e,
        }
    };
}

impl Values {
    /// Number of values.
    pub fn len(&self) -> usize {
        each_values!(self, v => v.len())
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An empty vector of the same type.
    pub fn empty_like(&self) -> Values {
        match self {
            Values::Bool(_) => Values::Bool(Vec::new()),
            Values::I8(_) => Values::I8(Vec::new()),
            Values::U8(_) => Values::U8(Vec::new()),
            Values::I16(_) => Values::I16(Vec::new()),
            Values::U16(_) => Values::U16(Vec::new()),
            Values::I32(_) => Values::I32(Vec::new()),
            Values::U32(_) => Values::U32(Vec::new()),
            Values::I64(_) => Values::I64(Vec::new()),
            Values::U64(_) => Values::U64(Vec::new()),
            Values::F32(_) => Values::F32(Vec::new()),
            Values::F64(_) => Values::F64(Vec::new()),
            Values::Str(_) => Values::Str(Vec::new()),
        }
    }

    /// Appends values of the same type (panics on a type mismatch, which
    /// would be a bug in the caller).
    pub fn extend_from(&mut self, other: &Values, range: std::ops::Range<usize>) {
        match (self, other) {
            (Values::Bool(a), Values::Bool(b)) => a.extend_from_slice(&b[range]),
            (Values::I8(a), Values::I8(b)) => a.extend_from_slice(&b[range]),
            (Values::U8(a), Values::U8(b)) => a.extend_from_slice(&b[range]),
            (Values::I16(a), Values::I16(b)) => a.extend_from_slice(&b[range]),
            (Values::U16(a), Values::U16(b)) => a.extend_from_slice(&b[range]),
            (Values::I32(a), Values::I32(b)) => a.extend_from_slice(&b[range]),
            (Values::U32(a), Values::U32(b)) => a.extend_from_slice(&b[range]),
            (Values::I64(a), Values::I64(b)) => a.extend_from_slice(&b[range]),
            (Values::U64(a), Values::U64(b)) => a.extend_from_slice(&b[range]),
            (Values::F32(a), Values::F32(b)) => a.extend_from_slice(&b[range]),
            (Values::F64(a), Values::F64(b)) => a.extend_from_slice(&b[range]),
            (Values::Str(a), Values::Str(b)) => a.extend_from_slice(&b[range]),
            (a, b) => panic!("extend_from: {} into {}", b.type_name(), a.type_name()),
        }
    }

    /// The value at `i` as f64 (strings give None).
    pub fn get_f64(&self, i: usize) -> Option<f64> {
        Some(match self {
            Values::Bool(v) => v[i] as u8 as f64,
            Values::I8(v) => v[i] as f64,
            Values::U8(v) => v[i] as f64,
            Values::I16(v) => v[i] as f64,
            Values::U16(v) => v[i] as f64,
            Values::I32(v) => v[i] as f64,
            Values::U32(v) => v[i] as f64,
            Values::I64(v) => v[i] as f64,
            Values::U64(v) => v[i] as f64,
            Values::F32(v) => v[i] as f64,
            Values::F64(v) => v[i],
            Values::Str(_) => return None,
        })
    }

    /// A printable form of the value at `i` (integers exactly).
    pub fn display(&self, i: usize) -> String {
        match self {
            Values::Bool(v) => v[i].to_string(),
            Values::I8(v) => v[i].to_string(),
            Values::U8(v) => v[i].to_string(),
            Values::I16(v) => v[i].to_string(),
            Values::U16(v) => v[i].to_string(),
            Values::I32(v) => v[i].to_string(),
            Values::U32(v) => v[i].to_string(),
            Values::I64(v) => v[i].to_string(),
            Values::U64(v) => v[i].to_string(),
            Values::F32(v) => format!("{}", v[i]),
            Values::F64(v) => format!("{}", v[i]),
            Values::Str(v) => format!("{:?}", v[i]),
        }
    }

    /// The C++ name of the element type, as uproot spells it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Values::Bool(_) => "bool",
            Values::I8(_) => "int8_t",
            Values::U8(_) => "uint8_t",
            Values::I16(_) => "int16_t",
            Values::U16(_) => "uint16_t",
            Values::I32(_) => "int32_t",
            Values::U32(_) => "uint32_t",
            Values::I64(_) => "int64_t",
            Values::U64(_) => "uint64_t",
            Values::F32(_) => "float",
            Values::F64(_) => "double",
            Values::Str(_) => "string",
        }
    }
}

/// A column: flat values, lists of columns, or records (maps' keys and values).
#[derive(Clone, Debug, PartialEq)]
pub enum Array {
    /// One value per item.
    Flat(Values),
    /// Variable-length lists: item `i` is `content[offsets[i]..offsets[i+1]]`.
    List {
        offsets: Vec<u32>,
        content: Box<Array>,
    },
    /// Named fields of equal length (e.g. a map's `keys` and `values`).
    Record(Vec<(String, Array)>),
}

impl Array {
    /// Number of items (entries, at the top level).
    pub fn len(&self) -> usize {
        match self {
            Array::Flat(v) => v.len(),
            Array::List { offsets, .. } => offsets.len().saturating_sub(1),
            Array::Record(fields) => fields.first().map_or(0, |(_, a)| a.len()),
        }
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many list levels wrap the values (0 for flat columns).
    pub fn depth(&self) -> usize {
        match self {
            Array::Flat(_) => 0,
            Array::List { content, .. } => 1 + content.depth(),
            Array::Record(fields) => fields.iter().map(|(_, a)| a.depth()).max().unwrap_or(0),
        }
    }

    /// Every innermost values vector, in order (record fields one after the other).
    pub fn leaves(&self) -> Vec<&Values> {
        let mut out = Vec::new();
        self.collect_leaves(&mut out);
        out
    }

    fn collect_leaves<'a>(&'a self, out: &mut Vec<&'a Values>) {
        match self {
            Array::Flat(v) => out.push(v),
            Array::List { content, .. } => content.collect_leaves(out),
            Array::Record(fields) => fields.iter().for_each(|(_, a)| a.collect_leaves(out)),
        }
    }

    /// The number of items of each top-level list (None for flat columns).
    pub fn counts(&self) -> Option<Vec<u32>> {
        match self {
            Array::List { offsets, .. } => Some(offsets.windows(2).map(|w| w[1] - w[0]).collect()),
            _ => None,
        }
    }

    /// An empty array of the same shape and type.
    pub fn empty_like(&self) -> Array {
        match self {
            Array::Flat(v) => Array::Flat(v.empty_like()),
            Array::List { content, .. } => Array::List {
                offsets: vec![0],
                content: Box::new(content.empty_like()),
            },
            Array::Record(fields) => Array::Record(
                fields
                    .iter()
                    .map(|(n, a)| (n.clone(), a.empty_like()))
                    .collect(),
            ),
        }
    }

    /// Appends items `range` of `other` (same shape and type).
    pub fn extend_from(&mut self, other: &Array, range: std::ops::Range<usize>) {
        match (self, other) {
            (Array::Flat(a), Array::Flat(b)) => a.extend_from(b, range),
            (
                Array::List { offsets, content },
                Array::List {
                    offsets: o2,
                    content: c2,
                },
            ) => {
                let (lo, hi) = (o2[range.start] as usize, o2[range.end] as usize);
                let mut last = *offsets.last().expect("offsets start with 0");
                for w in o2[range.start..=range.end].windows(2) {
                    last += w[1] - w[0];
                    offsets.push(last);
                }
                content.extend_from(c2, lo..hi);
            }
            (Array::Record(a), Array::Record(b)) => {
                for ((_, x), (_, y)) in a.iter_mut().zip(b) {
                    x.extend_from(y, range.clone());
                }
            }
            _ => panic!("extend_from: arrays of different shapes"),
        }
    }

    /// Items `range` as a new array.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Array {
        let mut out = self.empty_like();
        out.extend_from(self, range);
        out
    }

    /// Concatenates arrays of the same shape.
    pub fn concat(parts: Vec<Array>) -> Option<Array> {
        let mut it = parts.into_iter();
        let mut first = it.next()?;
        for p in it {
            let n = p.len();
            first.extend_from(&p, 0..n);
        }
        Some(first)
    }

    /// A printable form of item `i` (lists in brackets).
    pub fn display(&self, i: usize) -> String {
        match self {
            Array::Flat(v) => v.display(i),
            Array::List { offsets, content } => {
                let (a, b) = (offsets[i] as usize, offsets[i + 1] as usize);
                let items: Vec<String> = (a..b).map(|j| content.display(j)).collect();
                format!("[{}]", items.join(", "))
            }
            Array::Record(fields) => {
                let items: Vec<String> = fields
                    .iter()
                    .map(|(n, a)| format!("{n}: {}", a.display(i)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slicing_and_concatenating_lists() {
        let a = Array::List {
            offsets: vec![0, 2, 2, 5],
            content: Box::new(Array::Flat(Values::I32(vec![1, 2, 3, 4, 5]))),
        };
        let s = a.slice(1..3);
        assert_eq!(s.counts().unwrap(), vec![0, 3]);
        assert_eq!(s.leaves()[0], &Values::I32(vec![3, 4, 5]));
        let c = Array::concat(vec![a.slice(0..1), a.slice(1..3)]).unwrap();
        assert_eq!(c, a);
        assert_eq!(a.display(2), "[3, 4, 5]");
    }
}
