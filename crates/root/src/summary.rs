//! Summary statistics of a column, in the form uproot-based references use:
//! counts of the outer lists, and count, sum, minimum, maximum, first and
//! last values of all values flattened (record fields one after another).
//!
//! The references hold no `std::variant`; a column holding a union is summarised by the natural
//! extension: kind `union`, `n` values, the first and last five values in entry order, numbers
//! and strings mixed as they come (uproot shows `[1, 'two', 'three', 4, 5]`), and the sum,
//! minimum and maximum of the numbers among them.

use hepkey_column::{Array, Leaf};
use std::ops::Range;

/// One value of a union column, in entry order.
#[derive(Clone, Debug, PartialEq)]
pub enum UnionValue {
    Number(f64),
    String(String),
}

/// The values of a column holding a union, in entry order.
#[derive(Clone, Debug, PartialEq)]
pub struct UnionValues {
    pub first5: Vec<UnionValue>,
    pub last5: Vec<UnionValue>,
}

/// What `hepkey inspect --stats` reports for one branch.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub depth: usize,
    /// Lengths of the first ten outer lists (for depth ≥ 1).
    pub counts_first10: Option<Vec<u32>>,
    pub counts_sum: Option<u64>,
    /// True when the values are strings.
    pub strings: bool,
    pub n: usize,
    pub sum: f64,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub first5_numbers: Vec<f64>,
    pub last5_numbers: Vec<f64>,
    pub first5_strings: Vec<String>,
    /// Set when the column holds a union (`std::variant`); `n`, `sum`, `min` and `max` then
    /// count the union's values and `strings` is false.
    pub union: Option<UnionValues>,
}

impl Summary {
    /// Summarises a column.
    pub fn of(array: &Array) -> Summary {
        if holds_union(array) {
            return Summary::of_union(array);
        }
        let leaves = array.leaves();
        let strings = leaves.iter().any(|v| matches!(v, Leaf::Strings(_)));
        let n: usize = leaves.iter().map(|v| v.len()).sum();
        let mut s = Summary::start(array, n, strings);
        if strings {
            for v in &leaves {
                if let Leaf::Strings(v) = v {
                    s.first5_strings
                        .extend(v.iter().take(5 - s.first5_strings.len()).cloned());
                }
            }
            return s;
        }
        let mut all_last: Vec<f64> = Vec::new();
        for v in leaves.iter().filter_map(Leaf::values) {
            for i in 0..v.len() {
                let x = v.get_f64(i);
                s.sum += x;
                s.min = Some(s.min.map_or(x, |m: f64| nan_or(m, x, x < m)));
                s.max = Some(s.max.map_or(x, |m: f64| nan_or(m, x, x > m)));
                if s.first5_numbers.len() < 5 {
                    s.first5_numbers.push(x);
                }
            }
            let take = v.len().min(5);
            for i in v.len() - take..v.len() {
                all_last.push(v.get_f64(i));
            }
        }
        let k = all_last.len().saturating_sub(5);
        s.last5_numbers = all_last.split_off(k);
        s
    }

    /// The shape of a column (depth, counts) with `n` values and nothing summed yet.
    fn start(array: &Array, n: usize, strings: bool) -> Summary {
        let counts = array.counts();
        Summary {
            depth: summary_depth(array),
            counts_first10: counts
                .as_ref()
                .map(|c| c.iter().take(10).copied().collect()),
            counts_sum: counts.as_ref().map(|c| c.iter().map(|&x| x as u64).sum()),
            strings,
            n,
            sum: 0.0,
            min: None,
            max: None,
            first5_numbers: Vec::new(),
            last5_numbers: Vec::new(),
            first5_strings: Vec::new(),
            union: None,
        }
    }

    /// Summarises a column holding a union: its values in entry order.
    fn of_union(array: &Array) -> Summary {
        let mut values = Vec::new();
        in_entry_order(array, 0..array.len(), &mut values);
        let mut s = Summary::start(array, values.len(), false);
        for v in &values {
            if let UnionValue::Number(x) = *v {
                s.sum += x;
                s.min = Some(s.min.map_or(x, |m: f64| nan_or(m, x, x < m)));
                s.max = Some(s.max.map_or(x, |m: f64| nan_or(m, x, x > m)));
            }
        }
        s.union = Some(UnionValues {
            first5: values.iter().take(5).cloned().collect(),
            last5: values[values.len().saturating_sub(5)..].to_vec(),
        });
        s
    }
}

/// The new extreme: NaN propagates, as in numpy's min and max.
fn nan_or(m: f64, x: f64, better: bool) -> f64 {
    if m.is_nan() {
        m
    } else if x.is_nan() || better {
        x
    } else {
        m
    }
}

fn holds_union(array: &Array) -> bool {
    match array {
        Array::Flat(_) | Array::Strings(_) => false,
        Array::Union { .. } => true,
        Array::List { content, .. } | Array::Optional { content, .. } => holds_union(content),
        Array::Record(fields) => fields.iter().any(|(_, a)| holds_union(a)),
    }
}

/// Appends the values of items `range`, innermost first in entry order (record fields one after
/// another, missing optional and empty union items skipped).
fn in_entry_order(array: &Array, range: Range<usize>, out: &mut Vec<UnionValue>) {
    match array {
        Array::Flat(v) => out.extend(range.map(|i| UnionValue::Number(v.get_f64(i)))),
        Array::Strings(v) => out.extend(v[range].iter().cloned().map(UnionValue::String)),
        Array::List { offsets, content } => in_entry_order(
            content,
            offsets[range.start] as usize..offsets[range.end] as usize,
            out,
        ),
        Array::Record(fields) => fields
            .iter()
            .for_each(|(_, a)| in_entry_order(a, range.clone(), out)),
        Array::Optional { valid, content } => {
            for i in range.filter(|&i| valid[i]) {
                in_entry_order(content, i..i + 1, out);
            }
        }
        Array::Union {
            tags,
            index,
            alternatives,
        } => {
            for i in range.filter(|&i| tags[i] != 0) {
                let at = index[i] as usize;
                in_entry_order(&alternatives[tags[i] as usize - 1], at..at + 1, out);
            }
        }
    }
}

/// List depth as awkward reports it for the references: records (maps) do
/// not add a level.
fn summary_depth(array: &Array) -> usize {
    match array {
        Array::Flat(_) | Array::Strings(_) | Array::Record(_) => 0,
        Array::List { content, .. } => 1 + summary_depth(content),
        Array::Optional { content, .. } => summary_depth(content),
        Array::Union { alternatives, .. } => {
            alternatives.iter().map(summary_depth).max().unwrap_or(0)
        }
    }
}
