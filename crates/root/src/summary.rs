//! Summary statistics of a column, in the form uproot-based references use:
//! counts of the outer lists, and count, sum, minimum, maximum, first and
//! last values of all values flattened (record fields one after another).

use hepkey_column::{Array, Leaf};

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
}

impl Summary {
    /// Summarises a column.
    pub fn of(array: &Array) -> Summary {
        let leaves = array.leaves();
        let strings = leaves.iter().any(|v| matches!(v, Leaf::Strings(_)));
        let n: usize = leaves.iter().map(|v| v.len()).sum();
        let counts = array.counts();
        let mut s = Summary {
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
        };
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
                // NaN propagates, as in numpy's min and max.
                s.min = Some(s.min.map_or(x, |m: f64| {
                    if m.is_nan() || x < m || x.is_nan() {
                        if m.is_nan() {
                            m
                        } else {
                            x
                        }
                    } else {
                        m
                    }
                }));
                s.max = Some(s.max.map_or(x, |m: f64| {
                    if m.is_nan() || x > m || x.is_nan() {
                        if m.is_nan() {
                            m
                        } else {
                            x
                        }
                    } else {
                        m
                    }
                }));
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
}

/// List depth as awkward reports it for the references: records (maps) do
/// not add a level.
fn summary_depth(array: &Array) -> usize {
    match array {
        Array::Flat(_) | Array::Strings(_) | Array::Record(_) => 0,
        Array::List { content, .. } => 1 + summary_depth(content),
        Array::Optional { content, .. } => summary_depth(content),
    }
}
