//! Pages kept open while the chunks of their cluster are read, and the windows chunks take from
//! them. A writer that puts a cluster's column in one page (uproot does) makes every chunk take a
//! window of the same page: the page is decoded once, and index pages, the bulk of such a file
//! (one offset column per jagged branch), are kept as 32-bit offsets, in half the memory.

use super::page_buffer::zeroed_page_vec;
use super::values::ColumnValues;
use crate::error::Error;
use crate::error::Result;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// Decoded pages that more than one chunk takes windows from, shared by the chunks of a cluster
/// whether they are read one after the other or at the same time (`hepkey run` reads chunks in
/// parallel): a page is decoded once, by the first chunk needing it, while the others wait for it
/// rather than decoding it again. A page is dropped once the window reaching its end has taken
/// it, and at most a few pages of each column are kept.
#[derive(Default)]
pub(crate) struct OpenPages {
    columns: Mutex<HashMap<usize, KeptPages>>,
}

/// The pages kept open of one column, oldest first.
type KeptPages = VecDeque<(PageKey, Arc<OpenSlot>)>;

/// A page of a column: cluster and page index.
type PageKey = (usize, usize);

/// One page, decoded once.
type OpenSlot = Mutex<Option<Arc<OpenValues>>>;

/// Pages kept per column: the pages the chunks in flight share.
const KEPT_PER_COLUMN: usize = 4;

thread_local! {
    /// Whether a read on this thread waits for a page another thread is decoding (else it gets
    /// [`Error::Busy`]); see [`without_waiting`].
    static WAIT_FOR_PAGES: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Runs `read` so that meeting a page another thread is decoding returns [`Error::Busy`] at once
/// instead of waiting: chunks read at the same time that share whole-cluster pages (uproot writes
/// one page per column and cluster) then decode different pages instead of waiting for each
/// other's.
pub(crate) fn without_waiting<T>(read: impl FnOnce() -> Result<T>) -> Result<T> {
    let before = WAIT_FOR_PAGES.replace(false);
    let result = read();
    WAIT_FOR_PAGES.set(before);
    result
}

impl OpenPages {
    /// Page `key` of `column`, decoded by `decode` unless another chunk has done it (or is doing
    /// it: then this waits for it).
    pub(crate) fn get_or_decode(
        &self,
        column: usize,
        key: PageKey,
        decode: impl FnOnce() -> Result<ColumnValues>,
    ) -> Result<Arc<OpenValues>> {
        let slot = {
            let mut columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
            let kept = columns.entry(column).or_default();
            match kept.iter().find(|(k, _)| *k == key) {
                Some((_, slot)) => slot.clone(),
                None => {
                    let slot = Arc::new(Mutex::new(None));
                    kept.push_back((key, slot.clone()));
                    if kept.len() > KEPT_PER_COLUMN {
                        kept.pop_front();
                    }
                    slot
                }
            }
        };
        let mut values = match slot.try_lock() {
            Ok(values) => values,
            Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner(),
            // Another chunk is decoding it: a read that can do other work first says so.
            Err(std::sync::TryLockError::WouldBlock) if !WAIT_FOR_PAGES.get() => {
                return Err(Error::Busy)
            }
            Err(std::sync::TryLockError::WouldBlock) => {
                slot.lock().unwrap_or_else(|e| e.into_inner())
            }
        };
        if let Some(v) = values.as_ref() {
            return Ok(v.clone());
        }
        let decoded = Arc::new(OpenValues::narrowed(decode()?));
        *values = Some(decoded.clone());
        Ok(decoded)
    }

    /// Drops page `key` of `column`: its last window has been taken.
    pub(crate) fn close(&self, column: usize, key: PageKey) {
        let mut columns = self.columns.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(kept) = columns.get_mut(&column) {
            kept.retain(|(k, _)| *k != key);
        }
    }
}

/// A decoded page as kept for the windows of later chunks.
pub(crate) enum OpenValues {
    Decoded(ColumnValues),
    /// An index page whose offsets (relative to the cluster, with the leading 0) all fit 32 bits.
    Offsets32(Vec<u32>),
}

impl OpenValues {
    /// The page as kept open: offsets narrowed to 32 bits when they fit.
    pub(crate) fn narrowed(values: ColumnValues) -> OpenValues {
        match values {
            ColumnValues::Offsets(v) if v.iter().all(|&x| x <= u64::from(u32::MAX)) => {
                let mut narrow = zeroed_page_vec::<u32>(v.len());
                for (n, &x) in narrow.iter_mut().zip(&v) {
                    *n = x as u32;
                }
                OpenValues::Offsets32(narrow)
            }
            other => OpenValues::Decoded(other),
        }
    }

    /// Number of elements (for offsets: of collections).
    pub(crate) fn len(&self) -> usize {
        match self {
            OpenValues::Decoded(v) => v.len(),
            OpenValues::Offsets32(v) => v.len().saturating_sub(1),
        }
    }

    /// Appends elements `range` to `out`, as [`ColumnValues::extend_from`] does. False when the
    /// kinds differ or the range is outside the page.
    pub(crate) fn extend_into(&self, out: &mut ColumnValues, range: Range<usize>) -> bool {
        match (self, out) {
            (OpenValues::Decoded(page), out) => out.extend_from(page, range),
            (OpenValues::Offsets32(page), ColumnValues::Offsets(out)) => {
                let Some(ends) = end_offsets(page, range) else {
                    return false;
                };
                out.extend(ends.iter().map(|&x| u64::from(x)));
                true
            }
            (OpenValues::Offsets32(_), _) => false,
        }
    }

    /// Appends the end offsets of collections `range` to `window`. False when the page holds
    /// no offsets or the range is outside it.
    pub(crate) fn push_offsets(&self, window: &mut RelativeOffsets, range: Range<usize>) -> bool {
        match self {
            OpenValues::Offsets32(page) => end_offsets(page, range).map(|e| window.extend(e)),
            OpenValues::Decoded(ColumnValues::Offsets(page)) => {
                end_offsets(page, range).map(|e| window.extend(e))
            }
            OpenValues::Decoded(_) => None,
        }
        .is_some()
    }
}

/// The end offsets of collections `range` of a page's offsets (which start with a 0).
fn end_offsets<T>(page: &[T], range: Range<usize>) -> Option<&[T]> {
    if range.start > range.end {
        return None;
    }
    page.get(range.start + 1..range.end + 1)
}

/// What is wrong with a window's offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OffsetsProblem {
    Decreasing,
    /// The window's collections hold more than 2^32 items.
    TooMany,
}

/// A window's offsets made relative to its first, checked as they are appended.
#[derive(Default)]
pub(crate) struct RelativeOffsets {
    offsets: Vec<u32>,
    first: u64,
    previous: u64,
    problem: Option<OffsetsProblem>,
}

impl RelativeOffsets {
    pub(crate) fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Empty, with room for `n` offsets where the allocator can.
    pub(crate) fn with_room(n: usize) -> Self {
        let mut window = RelativeOffsets::default();
        let _ = window.offsets.try_reserve(n);
        window
    }

    pub(crate) fn extend<T: Copy + Into<u64>>(&mut self, values: &[T]) {
        let Some(&head) = values.first() else {
            return;
        };
        if self.offsets.is_empty() {
            self.first = head.into();
            self.previous = self.first;
        }
        let first = self.first;
        // Checked and converted in separate passes without a value carried from one element to
        // the next, which the compiler vectorises (one pass carrying the previous value was an
        // eighth of reading ROOT's NanoAOD RNTuple). Non-decreasing, the largest is the last.
        let decreasing = head.into() < self.previous
            || values
                .iter()
                .zip(&values[1..])
                .fold(false, |d, (&a, &b)| d | (b.into() < a.into()));
        let last: u64 = values[values.len() - 1].into();
        let too_many = last.wrapping_sub(first) > u64::from(u32::MAX);
        self.offsets
            .extend(values.iter().map(|&x| x.into().wrapping_sub(first) as u32));
        self.previous = last;
        if decreasing {
            self.problem = Some(OffsetsProblem::Decreasing);
        } else if too_many {
            self.problem = self.problem.or(Some(OffsetsProblem::TooMany));
        }
    }

    /// The offsets from 0 and the first one as stored (relative to the cluster).
    pub(crate) fn finish(self) -> Result<(Vec<u32>, u64), OffsetsProblem> {
        match self.problem {
            Some(p) => Err(p),
            None => Ok((self.offsets, self.first)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A read that may not wait gets `Busy` for a page another thread is decoding; one that may
    /// waits and gets the page that thread decoded (not a second decode).
    #[test]
    fn a_page_being_decoded_is_busy_or_waited_for() {
        let pages = OpenPages::default();
        let started = std::sync::Barrier::new(2);
        let (release, wait) = std::sync::mpsc::channel::<()>();
        std::thread::scope(|s| {
            let (pages, started) = (&pages, &started);
            s.spawn(move || {
                pages.get_or_decode(0, (0, 0), || {
                    started.wait();
                    wait.recv().expect("released");
                    Ok(ColumnValues::F32(vec![1.5]))
                })
            });
            started.wait();
            let busy = without_waiting(|| pages.get_or_decode(0, (0, 0), || unreachable!()));
            assert!(matches!(busy, Err(Error::Busy)));
            release.send(()).expect("decoder waits");
            let page = pages
                .get_or_decode(0, (0, 0), || panic!("decoded twice"))
                .expect("the page");
            let mut out = ColumnValues::F32(Vec::new());
            assert!(page.extend_into(&mut out, 0..1));
            assert_eq!(out, ColumnValues::F32(vec![1.5]));
        });
    }

    #[test]
    fn narrowed_offsets_give_the_same_windows() {
        let offsets = vec![0u64, 2, 5, 5, 9];
        let wide = OpenValues::Decoded(ColumnValues::Offsets(offsets.clone()));
        let narrow = OpenValues::narrowed(ColumnValues::Offsets(offsets));
        assert!(matches!(narrow, OpenValues::Offsets32(_)));
        for page in [&wide, &narrow] {
            let mut out = ColumnValues::Offsets(Vec::new());
            assert!(page.extend_into(&mut out, 1..3));
            assert_eq!(out, ColumnValues::Offsets(vec![5, 5]));
            let mut window = RelativeOffsets::default();
            assert!(page.push_offsets(&mut window, 0..4));
            assert_eq!(window.finish(), Ok((vec![0, 3, 3, 7], 2)));
            assert!(!page.extend_into(&mut ColumnValues::Offsets(Vec::new()), 2..5));
        }
        let big = ColumnValues::Offsets(vec![0, 1 << 33]);
        assert!(matches!(OpenValues::narrowed(big), OpenValues::Decoded(_)));
    }

    #[test]
    fn relative_offsets_report_decreasing_and_oversized_windows() {
        let mut w = RelativeOffsets::default();
        w.extend(&[3u64, 4]);
        w.extend(&[2u64]);
        assert_eq!(w.finish(), Err(OffsetsProblem::Decreasing));
        let mut w = RelativeOffsets::default();
        w.extend(&[1u64, 2 + u64::from(u32::MAX)]);
        assert_eq!(w.finish(), Err(OffsetsProblem::TooMany));
        let mut w = RelativeOffsets::default();
        w.extend(&[7u32]);
        w.extend(&[7u32, 8]);
        assert_eq!(w.finish(), Ok((vec![0, 0, 1], 7)));
    }
}
