//! Nested columns as readers return them: values, strings, lists, records, optional items,
//! unions (`std::variant`).

use std::ops::Range;
use std::sync::Arc;

use crate::offsets::{check_offsets, Offsets, OffsetsError};
use crate::union::{check_union, UnionError};
use crate::values::Values;

/// A column of items (at the top level, one item per entry): the shape of a ROOT branch or an
/// RNTuple field. A jagged `float` branch is a `List` whose offsets index a flat `F32`; a
/// `std::map` is a list of records with `keys` and `values`.
#[derive(Clone, Debug, PartialEq)]
pub enum Array {
    /// One number per item.
    Flat(Values),
    /// One string per item.
    Strings(Vec<String>),
    /// Variable-length lists: item `i` is `content[offsets[i]..offsets[i + 1]]`.
    List {
        offsets: Offsets,
        content: Box<Array>,
    },
    /// Named fields of equal length (e.g. a map's `keys` and `values`, a class's members).
    Record(Vec<(String, Array)>),
    /// Items that may be missing (`std::optional`): item `i` is `content[i]` when `valid[i]`,
    /// else missing; `content` has a placeholder at missing items, so both have one entry per
    /// item.
    Optional {
        valid: Vec<bool>,
        content: Box<Array>,
    },
    /// Items of one of several types (`std::variant`): item `i` is
    /// `alternatives[tags[i] - 1]` at `index[i]`, or empty (no value) when `tags[i]` is 0, as
    /// in ROOT's switch columns.
    Union {
        tags: Vec<u8>,
        index: Vec<u32>,
        alternatives: Vec<Array>,
    },
}

/// An innermost vector of an [`Array`]: numbers or strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Leaf<'a> {
    Numbers(&'a Values),
    Strings(&'a [String]),
}

impl<'a> Leaf<'a> {
    pub fn len(&self) -> usize {
        match self {
            Leaf::Numbers(v) => v.len(),
            Leaf::Strings(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The numbers, if this leaf holds numbers.
    pub fn values(&self) -> Option<&'a Values> {
        match self {
            Leaf::Numbers(v) => Some(v),
            Leaf::Strings(_) => None,
        }
    }
}

impl Array {
    /// Lists of `content` after checking that `offsets` fit it.
    pub fn list(offsets: impl Into<Offsets>, content: Array) -> Result<Array, OffsetsError> {
        let offsets = offsets.into();
        check_offsets(&offsets, content.len())?;
        Ok(Array::List {
            offsets,
            content: Box::new(content),
        })
    }

    /// A union after checking that every tag names one of `alternatives` and every index is
    /// inside it.
    pub fn union(
        tags: Vec<u8>,
        index: Vec<u32>,
        alternatives: Vec<Array>,
    ) -> Result<Array, UnionError> {
        let lens: Vec<usize> = alternatives.iter().map(Array::len).collect();
        check_union(&tags, &index, &lens)?;
        Ok(Array::Union {
            tags,
            index,
            alternatives,
        })
    }

    /// Number of items (entries, at the top level).
    pub fn len(&self) -> usize {
        match self {
            Array::Flat(v) => v.len(),
            Array::Strings(v) => v.len(),
            Array::List { offsets, .. } => offsets.len().saturating_sub(1),
            Array::Record(fields) => fields.first().map_or(0, |(_, a)| a.len()),
            Array::Optional { valid, .. } => valid.len(),
            Array::Union { tags, .. } => tags.len(),
        }
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many list levels wrap the values (0 for flat columns).
    pub fn depth(&self) -> usize {
        match self {
            Array::Flat(_) | Array::Strings(_) => 0,
            Array::List { content, .. } => 1 + content.depth(),
            Array::Record(fields) => fields.iter().map(|(_, a)| a.depth()).max().unwrap_or(0),
            Array::Optional { content, .. } => content.depth(),
            Array::Union { alternatives, .. } => {
                alternatives.iter().map(Array::depth).max().unwrap_or(0)
            }
        }
    }

    /// Every innermost vector, in order (record fields one after the other).
    pub fn leaves(&self) -> Vec<Leaf<'_>> {
        let mut out = Vec::new();
        self.collect_leaves(&mut out);
        out
    }

    fn collect_leaves<'a>(&'a self, out: &mut Vec<Leaf<'a>>) {
        match self {
            Array::Flat(v) => out.push(Leaf::Numbers(v)),
            Array::Strings(v) => out.push(Leaf::Strings(v)),
            Array::List { content, .. } | Array::Optional { content, .. } => {
                content.collect_leaves(out)
            }
            Array::Record(fields) => fields.iter().for_each(|(_, a)| a.collect_leaves(out)),
            Array::Union { alternatives, .. } => {
                alternatives.iter().for_each(|a| a.collect_leaves(out))
            }
        }
    }

    /// The number of items of each top-level list (None when the top level is not lists).
    pub fn counts(&self) -> Option<Vec<u32>> {
        match self {
            Array::List { offsets, .. } => Some(offsets.windows(2).map(|w| w[1] - w[0]).collect()),
            _ => None,
        }
    }

    /// An empty array of the same shape and types.
    pub fn empty_like(&self) -> Array {
        match self {
            Array::Flat(v) => Array::Flat(Values::empty(v.dtype())),
            Array::Strings(_) => Array::Strings(Vec::new()),
            Array::List { content, .. } => Array::List {
                offsets: Arc::new(vec![0]),
                content: Box::new(content.empty_like()),
            },
            Array::Record(fields) => Array::Record(
                fields
                    .iter()
                    .map(|(n, a)| (n.clone(), a.empty_like()))
                    .collect(),
            ),
            Array::Optional { content, .. } => Array::Optional {
                valid: Vec::new(),
                content: Box::new(content.empty_like()),
            },
            Array::Union { alternatives, .. } => Array::Union {
                tags: Vec::new(),
                index: Vec::new(),
                alternatives: alternatives.iter().map(Array::empty_like).collect(),
            },
        }
    }

    /// Appends items `range` of `other`, which has the same shape and types (a mismatch is a bug
    /// in the caller and panics).
    pub fn extend_from(&mut self, other: &Array, range: Range<usize>) {
        match (self, other) {
            (Array::Flat(a), Array::Flat(b)) => a.extend_from(b, range),
            (Array::Strings(a), Array::Strings(b)) => a.extend_from_slice(&b[range]),
            (
                Array::List { offsets, content },
                Array::List {
                    offsets: o2,
                    content: c2,
                },
            ) => {
                let (lo, hi) = (o2[range.start] as usize, o2[range.end] as usize);
                // Copies only when the offsets are shared, which a column being built is not.
                let offsets = Arc::make_mut(offsets);
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
            (
                Array::Optional { valid, content },
                Array::Optional {
                    valid: v2,
                    content: c2,
                },
            ) => {
                valid.extend_from_slice(&v2[range.clone()]);
                content.extend_from(c2, range);
            }
            (
                Array::Union {
                    tags,
                    index,
                    alternatives,
                },
                Array::Union {
                    tags: t2,
                    index: i2,
                    alternatives: a2,
                },
            ) => {
                // The items taken are appended to their alternatives, so the result holds no
                // item it does not use.
                for i in range {
                    let tag = t2[i];
                    tags.push(tag);
                    if tag == 0 {
                        index.push(0);
                        continue;
                    }
                    let (to, from) = (&mut alternatives[tag as usize - 1], &a2[tag as usize - 1]);
                    index.push(to.len() as u32);
                    let at = i2[i] as usize;
                    to.extend_from(from, at..at + 1);
                }
            }
            _ => panic!("extend_from: arrays of different shapes"),
        }
    }

    /// Items `range` as a new array.
    pub fn slice(&self, range: Range<usize>) -> Array {
        let mut out = self.empty_like();
        out.extend_from(self, range);
        out
    }

    /// Concatenates arrays of the same shape (None for no arrays).
    pub fn concat(parts: Vec<Array>) -> Option<Array> {
        let mut it = parts.into_iter();
        let mut first = it.next()?;
        for p in it {
            let n = p.len();
            first.extend_from(&p, 0..n);
        }
        Some(first)
    }

    /// A printable form of item `i` (lists in brackets, strings quoted, missing items `None`).
    pub fn display(&self, i: usize) -> String {
        match self {
            Array::Flat(v) => v.display(i),
            Array::Strings(v) => format!("{:?}", v[i]),
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
            Array::Optional { valid, content } => {
                if valid[i] {
                    content.display(i)
                } else {
                    "None".to_string()
                }
            }
            Array::Union {
                tags,
                index,
                alternatives,
            } => match tags[i] {
                0 => "None".to_string(),
                tag => alternatives[tag as usize - 1].display(index[i] as usize),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ints() -> Array {
        Array::list(
            vec![0, 2, 2, 5],
            Array::Flat(Values::from(vec![1i32, 2, 3, 4, 5])),
        )
        .unwrap()
    }

    #[test]
    fn slicing_and_concatenating_lists() {
        let a = ints();
        let s = a.slice(1..3);
        assert_eq!(s.counts().unwrap(), vec![0, 3]);
        assert_eq!(
            s.leaves()[0],
            Leaf::Numbers(&Values::from(vec![3i32, 4, 5]))
        );
        let c = Array::concat(vec![a.slice(0..1), a.slice(1..3)]).unwrap();
        assert_eq!(c, a);
        assert_eq!(a.display(2), "[3, 4, 5]");
        assert_eq!(Array::concat(Vec::new()), None);
    }

    #[test]
    fn list_checks_its_offsets_against_the_content() {
        let five = || Array::Flat(Values::from(vec![0u8; 5]));
        assert!(Array::list(vec![0, 2, 5], five()).is_ok());
        assert_eq!(
            Array::list(vec![0, 3, 2, 5], five()),
            Err(OffsetsError::Decreasing)
        );
        assert_eq!(
            Array::list(vec![0, 4], five()),
            Err(OffsetsError::WrongEnd {
                end: 4,
                n_values: 5
            })
        );
        assert_eq!(
            Array::list(vec![1, 5], five()),
            Err(OffsetsError::DoesNotStartAtZero)
        );
    }

    #[test]
    fn extending_shared_offsets_leaves_the_other_owner_alone() {
        let a = ints();
        let Array::List { offsets, .. } = &a else {
            unreachable!()
        };
        let mut b = a.clone();
        b.extend_from(&a, 0..3);
        assert_eq!(b.len(), 6);
        assert_eq!(**offsets, vec![0, 2, 2, 5]);
        assert_eq!(b.counts().unwrap(), vec![2, 0, 3, 2, 0, 3]);
    }

    #[test]
    fn records_strings_and_optionals() {
        let map = Array::list(
            vec![0, 1, 3],
            Array::Record(vec![
                (
                    "keys".into(),
                    Array::Strings(vec!["a".into(), "b".into(), "c".into()]),
                ),
                (
                    "values".into(),
                    Array::Flat(Values::from(vec![1.5f64, 2.0, 3.0])),
                ),
            ]),
        )
        .unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map.depth(), 1);
        assert_eq!(
            map.display(1),
            r#"[{keys: "b", values: 2}, {keys: "c", values: 3}]"#
        );
        let leaves = map.leaves();
        assert_eq!(leaves.iter().map(Leaf::len).collect::<Vec<_>>(), vec![3, 3]);
        assert!(leaves[0].values().is_none());

        let opt = Array::Optional {
            valid: vec![true, false, true],
            content: Box::new(Array::Flat(Values::from(vec![7i64, 0, 9]))),
        };
        assert_eq!(opt.len(), 3);
        assert_eq!(opt.display(1), "None");
        let back = Array::concat(vec![opt.slice(0..1), opt.slice(1..3)]).unwrap();
        assert_eq!(back, opt);
        assert_eq!(opt.empty_like().len(), 0);
    }

    fn int_or_string() -> Array {
        // [1, "two", None, 4, "five"]
        Array::union(
            vec![1, 2, 0, 1, 2],
            vec![0, 0, 0, 1, 1],
            vec![
                Array::Flat(Values::from(vec![1i32, 4])),
                Array::Strings(vec!["two".into(), "five".into()]),
            ],
        )
        .unwrap()
    }

    #[test]
    fn unions_slice_concatenate_and_display_in_item_order() {
        let u = int_or_string();
        assert_eq!(u.len(), 5);
        let shown: Vec<String> = (0..5).map(|i| u.display(i)).collect();
        assert_eq!(shown, ["1", "\"two\"", "None", "4", "\"five\""]);
        // A slice keeps only the alternative items it uses.
        let tail = u.slice(3..5);
        let Array::Union { alternatives, .. } = &tail else {
            unreachable!()
        };
        assert_eq!(alternatives[0], Array::Flat(Values::from(vec![4i32])));
        assert_eq!(alternatives[1], Array::Strings(vec!["five".into()]));
        assert_eq!(
            Array::concat(vec![u.slice(0..2), u.slice(2..3), tail]).unwrap(),
            u
        );
        assert_eq!(u.empty_like().len(), 0);
        assert_eq!(u.depth(), 0);
        assert_eq!(
            u.leaves().iter().map(Leaf::len).collect::<Vec<_>>(),
            vec![2, 2]
        );
        let lists = Array::list(vec![0, 1, 1, 5], u).unwrap();
        assert_eq!(lists.display(2), r#"["two", None, 4, "five"]"#);
        assert_eq!(lists.depth(), 1);
    }

    #[test]
    fn union_checks_tags_and_indices() {
        let one = || vec![Array::Flat(Values::from(vec![1i32]))];
        assert_eq!(
            Array::union(vec![2], vec![0], one()),
            Err(UnionError::NoSuchAlternative {
                item: 0,
                tag: 2,
                alternatives: 1
            })
        );
        assert_eq!(
            Array::union(vec![0, 1], vec![0, 1], one()),
            Err(UnionError::IndexOutside {
                item: 1,
                index: 1,
                len: 1
            })
        );
        assert_eq!(
            Array::union(vec![0], vec![], one()),
            Err(UnionError::Lengths { tags: 1, index: 0 })
        );
    }

    #[test]
    #[should_panic(expected = "different shapes")]
    fn extending_with_another_shape_panics() {
        ints().extend_from(&Array::Strings(vec!["x".into()]), 0..1);
    }
}
