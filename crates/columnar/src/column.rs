//! The in-memory column model: a chunk of events is a set of named columns; a column holds flat typed
//! values and, for per-object (jagged) data, Arrow-like offsets (`n_events + 1` entries, starting at 0).
//!
//! Values and offsets sit behind `Arc`s, so columns are cheap to clone and several columns of one object
//! collection (e.g. `Jet_pt`, `Jet_eta` after a mask) can share one offsets buffer. Handing over a `Vec<T>`
//! (and a `Vec<u32>` of offsets) moves it in without copying.

use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) use hepkey_column::cast_slice;
use hepkey_column::Array;
pub use hepkey_column::{Element, Offsets, Values};

use crate::dtype::{DType, Type};
use crate::error::{Error, Result};

/// Runs `$body` with `$v` bound to the typed `Vec<T>` inside a [`Values`], for every element type.
#[macro_export]
#[doc(hidden)]
macro_rules! with_values {
    ($values:expr, $v:ident => $body:expr) => {
        match $values {
            $crate::Values::Bool($v) => $body,
            $crate::Values::I8($v) => $body,
            $crate::Values::I16($v) => $body,
            $crate::Values::I32($v) => $body,
            $crate::Values::I64($v) => $body,
            $crate::Values::U8($v) => $body,
            $crate::Values::U16($v) => $body,
            $crate::Values::U32($v) => $body,
            $crate::Values::U64($v) => $body,
            $crate::Values::F32($v) => $body,
            $crate::Values::F64($v) => $body,
        }
    };
}

/// Builds a `Vec` of the element type named by a [`DType`] and runs `$body` with `$t` as that type.
#[macro_export]
#[doc(hidden)]
macro_rules! with_dtype {
    ($dtype:expr, $t:ident => $body:expr) => {
        match $dtype {
            $crate::DType::Bool => {
                type $t = bool;
                $body
            }
            $crate::DType::I8 => {
                type $t = i8;
                $body
            }
            $crate::DType::I16 => {
                type $t = i16;
                $body
            }
            $crate::DType::I32 => {
                type $t = i32;
                $body
            }
            $crate::DType::I64 => {
                type $t = i64;
                $body
            }
            $crate::DType::U8 => {
                type $t = u8;
                $body
            }
            $crate::DType::U16 => {
                type $t = u16;
                $body
            }
            $crate::DType::U32 => {
                type $t = u32;
                $body
            }
            $crate::DType::U64 => {
                type $t = u64;
                $body
            }
            $crate::DType::F32 => {
                type $t = f32;
                $body
            }
            $crate::DType::F64 => {
                type $t = f64;
                $body
            }
        }
    };
}

/// One column of a chunk: one value per event, or a list of values per event.
#[derive(Clone, Debug)]
pub struct Column {
    values: Arc<Values>,
    offsets: Option<Offsets>,
}

impl PartialEq for Column {
    fn eq(&self, other: &Column) -> bool {
        self.values == other.values && self.offsets == other.offsets
    }
}

impl Column {
    /// A column with one value per event.
    pub fn flat(values: impl Into<Values>) -> Column {
        Column {
            values: Arc::new(values.into()),
            offsets: None,
        }
    }

    /// A jagged column from flat values and offsets; checks that the offsets are well-formed.
    pub fn jagged(values: impl Into<Values>, offsets: Vec<u32>) -> Result<Column> {
        Column::jagged_shared(values, Arc::new(offsets))
    }

    /// A jagged column that shares an offsets buffer with other columns of the same collection.
    pub fn jagged_shared(values: impl Into<Values>, offsets: Offsets) -> Result<Column> {
        let values = values.into();
        check_offsets(&offsets, values.len())?;
        Ok(Column {
            values: Arc::new(values),
            offsets: Some(offsets),
        })
    }

    /// A jagged column from lists (convenient in tests).
    pub fn from_lists<T: Element>(lists: &[Vec<T>]) -> Column {
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        offsets.push(0u32);
        let mut flat = Vec::new();
        for l in lists {
            flat.extend_from_slice(l);
            offsets.push(flat.len() as u32);
        }
        Column {
            values: Arc::new(T::wrap(flat)),
            offsets: Some(Arc::new(offsets)),
        }
    }

    /// Moves a reader's array (numbers, or one list of numbers per event) into a column without
    /// copying. A list whose offsets equal those of an earlier column in `seen` (`Jet_eta` after
    /// `Jet_pt`) shares them, so kernels combining the two see one collection without comparing.
    pub fn from_array(array: Array, seen: &mut Vec<Offsets>) -> Result<Column> {
        let unsupported = || Error::data("neither numbers nor one list of numbers per entry");
        match array {
            Array::Flat(values) => Ok(Column::flat(values)),
            Array::List { offsets, content } => {
                let Array::Flat(values) = *content else {
                    return Err(unsupported());
                };
                let offsets = match seen.iter().find(|o| **o == offsets) {
                    Some(o) => o.clone(),
                    None => {
                        seen.push(offsets.clone());
                        offsets
                    }
                };
                Column::jagged_shared(values, offsets)
            }
            _ => Err(unsupported()),
        }
    }

    pub(crate) fn from_parts(values: Values, offsets: Option<Offsets>) -> Column {
        debug_assert!(offsets
            .as_ref()
            .is_none_or(|o| *o.last().unwrap_or(&0) as usize == values.len()));
        Column {
            values: Arc::new(values),
            offsets,
        }
    }

    pub fn values(&self) -> &Values {
        &self.values
    }

    pub fn offsets(&self) -> Option<&Offsets> {
        self.offsets.as_ref()
    }

    pub fn dtype(&self) -> DType {
        self.values.dtype()
    }

    pub fn is_jagged(&self) -> bool {
        self.offsets.is_some()
    }

    pub fn ty(&self) -> Type {
        Type {
            dtype: self.dtype(),
            jagged: self.is_jagged(),
        }
    }

    /// Number of events.
    pub fn n_events(&self) -> usize {
        match &self.offsets {
            Some(o) => o.len() - 1,
            None => self.values.len(),
        }
    }

    /// The list of event `i` of a jagged column, or its single value, as float64 (for tests and display).
    pub fn event_f64(&self, i: usize) -> Vec<f64> {
        match &self.offsets {
            Some(o) => (o[i] as usize..o[i + 1] as usize)
                .map(|j| self.values.get_f64(j))
                .collect(),
            None => vec![self.values.get_f64(i)],
        }
    }

    /// Typed access to the flat values.
    pub fn as_slice<T: Element>(&self) -> Option<&[T]> {
        self.values.as_slice()
    }

    /// The events where `keep` is true (an event selection applied to the data).
    pub fn filter_events(&self, keep: &[bool]) -> Result<Column> {
        if keep.len() != self.n_events() {
            return Err(Error::data(format!(
                "event mask has {} entries but the column has {} events",
                keep.len(),
                self.n_events()
            )));
        }
        self.take_events_sharing(&kept_events(keep), &mut Vec::new())
    }

    /// The given events (strictly increasing indices), for several columns in turn: the kept lists of
    /// an offsets buffer are found once (`lists` remembers them), and the columns of one collection
    /// keep sharing their offsets.
    pub fn take_events_sharing(
        &self,
        events: &[usize],
        lists: &mut Vec<KeptLists>,
    ) -> Result<Column> {
        let n = self.n_events();
        if events.last().is_some_and(|&i| i >= n) || events.windows(2).any(|w| w[0] >= w[1]) {
            return Err(Error::data(format!(
                "the events to keep are not increasing indices below {n}, the column's events"
            )));
        }
        Ok(match &self.offsets {
            None => {
                Column::from_parts(with_values!(&*self.values, v => take_flat(v, events)), None)
            }
            Some(o) => {
                let at = match lists.iter().position(|l| Arc::ptr_eq(&l.of, o)) {
                    Some(i) => i,
                    None => {
                        lists.push(KeptLists::new(o, events));
                        lists.len() - 1
                    }
                };
                let l = &lists[at];
                let n = *l.offsets.last().expect("offsets start with 0") as usize;
                let values = with_values!(&*self.values, v => filter_ranges(v, &l.ranges, n));
                Column::from_parts(values, Some(l.offsets.clone()))
            }
        })
    }

    /// Typed per-event lists of a jagged column (for tests and small outputs).
    pub fn to_lists<T: Element>(&self) -> Option<Vec<Vec<T>>> {
        let v = self.as_slice::<T>()?;
        let o = self.offsets.as_ref()?;
        Some(
            o.windows(2)
                .map(|w| v[w[0] as usize..w[1] as usize].to_vec())
                .collect(),
        )
    }
}

impl<T: Element> From<Vec<T>> for Column {
    fn from(v: Vec<T>) -> Column {
        Column::flat(v)
    }
}

impl<T: Element> TryFrom<(Vec<T>, Vec<u32>)> for Column {
    type Error = Error;
    fn try_from((values, offsets): (Vec<T>, Vec<u32>)) -> Result<Column> {
        Column::jagged(values, offsets)
    }
}

fn take_flat<T: Element>(v: &[T], events: &[usize]) -> Values {
    T::wrap(events.iter().map(|&i| v[i]).collect())
}

/// The indices where `keep` is true.
pub fn kept_events(keep: &[bool]) -> Vec<usize> {
    (0..keep.len()).filter(|&i| keep[i]).collect()
}

/// The lists of the kept events of one offsets buffer: their value ranges and new offsets.
#[derive(Debug)]
pub struct KeptLists {
    of: Offsets,
    ranges: Vec<std::ops::Range<usize>>,
    offsets: Offsets,
}

impl KeptLists {
    /// `events`: increasing indices below the number of lists.
    fn new(o: &Offsets, events: &[usize]) -> KeptLists {
        let mut offsets = Vec::with_capacity(events.len() + 1);
        offsets.push(0u32);
        let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(events.len());
        let mut n = 0u32;
        for &i in events {
            let (start, end) = (o[i], o[i + 1]);
            // No overflow: the kept lists are some of the lists, whose total fits.
            n += end - start;
            let (start, end) = (start as usize, end as usize);
            ranges.push(start..end);
            offsets.push(n);
        }
        KeptLists {
            of: o.clone(),
            ranges,
            offsets: Arc::new(offsets),
        }
    }
}

fn filter_ranges<T: Element>(v: &[T], ranges: &[std::ops::Range<usize>], n: usize) -> Values {
    // Most ranges are one event's few objects, for which a call to memcpy costs more than the copy:
    // those are copied as a fixed block of WIDE values (the excess is overwritten by the next range
    // and cut at the end), which compiles to a few vector moves.
    const WIDE: usize = 16;
    let Some(&any) = v.first() else {
        return T::wrap(Vec::new());
    };
    let mut out = vec![any; n + WIDE];
    let mut at = 0;
    for r in ranges {
        let len = r.end - r.start;
        if len <= WIDE && r.start + WIDE <= v.len() {
            out[at..at + WIDE].copy_from_slice(&v[r.start..r.start + WIDE]);
        } else {
            out[at..at + len].copy_from_slice(&v[r.clone()]);
        }
        at += len;
    }
    out.truncate(n);
    T::wrap(out)
}

pub(crate) fn check_offsets(offsets: &[u32], n_values: usize) -> Result<()> {
    hepkey_column::check_offsets(offsets, n_values).map_err(|e| Error::data(e.to_string()))
}

/// A chunk of events: named columns with the same number of events.
#[derive(Clone, Debug, Default)]
pub struct Chunk {
    n_events: usize,
    columns: BTreeMap<String, Column>,
}

impl Chunk {
    pub fn new(n_events: usize) -> Chunk {
        Chunk {
            n_events,
            columns: BTreeMap::new(),
        }
    }

    pub fn n_events(&self) -> usize {
        self.n_events
    }

    /// Adds (or replaces) a column; its number of events must match the chunk's.
    pub fn insert(&mut self, name: impl Into<String>, column: Column) -> Result<()> {
        let name = name.into();
        if column.n_events() != self.n_events {
            return Err(Error::data(format!(
                "column '{name}' has {} events but the chunk has {}",
                column.n_events(),
                self.n_events
            )));
        }
        self.columns.insert(name, column);
        Ok(())
    }

    /// Builder-style [`Chunk::insert`].
    pub fn with(mut self, name: impl Into<String>, column: Column) -> Result<Chunk> {
        self.insert(name, column)?;
        Ok(self)
    }

    pub fn get(&self, name: &str) -> Option<&Column> {
        self.columns.get(name)
    }

    pub fn columns(&self) -> impl Iterator<Item = (&str, &Column)> {
        self.columns.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The events where `keep` is true, in every column (e.g. to run expensive expressions only on
    /// events that pass a preselection).
    pub fn filter(&self, keep: &[bool]) -> Result<Chunk> {
        if keep.len() != self.n_events {
            return Err(Error::data(format!(
                "event mask has {} entries but the chunk has {} events",
                keep.len(),
                self.n_events
            )));
        }
        let names: Vec<&str> = self.columns.keys().map(String::as_str).collect();
        self.take_events(&kept_events(keep), &names)
    }

    /// The given events (strictly increasing indices) of the named columns; the columns of one
    /// collection keep sharing their offsets.
    pub fn take_events(&self, events: &[usize], names: &[&str]) -> Result<Chunk> {
        let mut out = Chunk::new(events.len());
        let mut lists = Vec::new();
        for &name in names {
            let c = self
                .get(name)
                .ok_or_else(|| Error::data(format!("column '{name}' is missing from the chunk")))?;
            out.columns
                .insert(name.to_string(), c.take_events_sharing(events, &mut lists)?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filtering_columns_of_one_collection_shares_their_offsets() {
        let offsets: Offsets = Arc::new(vec![0, 2, 2, 5, 6]);
        let pt =
            Column::jagged_shared(vec![1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0], offsets.clone()).unwrap();
        let id = Column::jagged_shared(vec![10i32, 20, 30, 40, 50, 60], offsets).unwrap();
        let other = Column::jagged(vec![7u8, 8], vec![0, 0, 1, 2, 2]).unwrap();
        let keep = [true, false, true, false];
        let mut lists = Vec::new();
        let events = kept_events(&keep);
        let fpt = pt.take_events_sharing(&events, &mut lists).unwrap();
        let fid = id.take_events_sharing(&events, &mut lists).unwrap();
        let fother = other.take_events_sharing(&events, &mut lists).unwrap();
        assert_eq!(lists.len(), 2);
        assert!(Arc::ptr_eq(fpt.offsets().unwrap(), fid.offsets().unwrap()));
        assert_eq!(
            fpt.to_lists::<f32>().unwrap(),
            vec![vec![1.0, 2.0], vec![3.0, 4.0, 5.0]]
        );
        assert_eq!(
            fid.to_lists::<i32>().unwrap(),
            vec![vec![10, 20], vec![30, 40, 50]]
        );
        assert_eq!(fother.to_lists::<u8>().unwrap(), vec![vec![], vec![8]]);
        for (c, f) in [(&pt, &fpt), (&id, &fid), (&other, &fother)] {
            assert_eq!(&c.filter_events(&keep).unwrap(), f);
        }
        // Event indices must increase and exist.
        for bad in [&[2, 0][..], &[1, 1], &[4]] {
            assert!(pt.take_events_sharing(bad, &mut Vec::new()).is_err());
        }
        assert_eq!(
            pt.take_events_sharing(&[3], &mut Vec::new())
                .unwrap()
                .to_lists::<f32>()
                .unwrap(),
            vec![vec![6.0]]
        );
    }

    #[test]
    fn moves_vectors_without_copy() {
        let v = vec![1.0f32, 2.0, 3.0];
        let ptr = v.as_ptr();
        let c = Column::jagged(v, vec![0, 2, 2, 3]).unwrap();
        assert_eq!(c.as_slice::<f32>().unwrap().as_ptr(), ptr);
        assert_eq!(c.n_events(), 3);
        assert_eq!(c.event_f64(0), vec![1.0, 2.0]);
        assert!(c.event_f64(1).is_empty());
    }

    #[test]
    fn rejects_bad_offsets() {
        assert!(Column::jagged(vec![1i32, 2], vec![0, 3]).is_err());
        assert!(Column::jagged(vec![1i32, 2], vec![1, 2]).is_err());
        assert!(Column::jagged(vec![1i32, 2], vec![0, 2, 1, 2]).is_err());
        let mut chunk = Chunk::new(2);
        assert!(chunk.insert("x", Column::flat(vec![1u8])).is_err());
    }

    #[test]
    fn event_filter_keeps_whole_events() {
        let mut chunk = Chunk::new(3);
        chunk
            .insert(
                "j",
                Column::from_lists(&[vec![1i32, 2], vec![3], vec![4, 5, 6]]),
            )
            .unwrap();
        chunk
            .insert("m", Column::flat(vec![0.5f32, 1.5, 2.5]))
            .unwrap();
        let f = chunk.filter(&[true, false, true]).unwrap();
        assert_eq!(f.n_events(), 2);
        assert_eq!(
            f.get("j").unwrap().to_lists::<i32>().unwrap(),
            vec![vec![1, 2], vec![4, 5, 6]]
        );
        assert_eq!(f.get("m").unwrap().as_slice::<f32>().unwrap(), &[0.5, 2.5]);
        assert!(chunk.filter(&[true]).is_err());
    }

    #[test]
    fn arrays_move_in_and_equal_offsets_are_shared() {
        let pt = vec![1.0f32, 2.0, 3.0];
        let ptr = pt.as_ptr();
        let list = |v: Values| Array::list(vec![0, 2, 3], Array::Flat(v)).unwrap();
        let mut seen = Vec::new();
        let a = Column::from_array(list(pt.into()), &mut seen).unwrap();
        let b = Column::from_array(list(vec![1u8, 2, 3].into()), &mut seen).unwrap();
        assert_eq!(a.as_slice::<f32>().unwrap().as_ptr(), ptr);
        assert!(Arc::ptr_eq(a.offsets().unwrap(), b.offsets().unwrap()));
        assert_eq!(seen.len(), 1);
        let flat = Column::from_array(Array::Flat(vec![1i64].into()), &mut seen).unwrap();
        assert!(!flat.is_jagged());
        assert!(Column::from_array(Array::Strings(vec!["x".into()]), &mut seen).is_err());
        let nested = Array::list(vec![0, 2], list(vec![1i32, 2, 3].into())).unwrap();
        assert!(Column::from_array(nested, &mut seen).is_err());
    }
}
