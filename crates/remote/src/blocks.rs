//! The file cut into fixed-size blocks: what is held in memory, and which blocks a set of byte
//! ranges still needs.

use std::collections::{HashMap, VecDeque};
use std::ops::Range;
use std::sync::Arc;

/// Bytes per block: small enough that a small basket does not drag in much of its neighbours,
/// large enough that the block table stays small.
pub(crate) const BLOCK: u64 = 16 * 1024;

/// The blocks covering bytes `range` of a file.
pub(crate) fn covering(range: &Range<u64>) -> Range<u64> {
    range.start / BLOCK..range.end.div_ceil(BLOCK)
}

/// The bytes of block `index` in a file of `len` bytes.
pub(crate) fn bytes_of(index: u64, len: u64) -> Range<u64> {
    index * BLOCK..((index + 1) * BLOCK).min(len)
}

/// Blocks held in memory, oldest dropped first beyond a byte budget (the disk cache keeps them).
pub(crate) struct Blocks {
    held: HashMap<u64, Arc<[u8]>>,
    order: VecDeque<u64>,
    bytes: usize,
    budget: usize,
}

impl Blocks {
    pub(crate) fn new(budget: usize) -> Blocks {
        Blocks {
            held: HashMap::new(),
            order: VecDeque::new(),
            bytes: 0,
            budget,
        }
    }

    pub(crate) fn get(&self, index: u64) -> Option<Arc<[u8]>> {
        self.held.get(&index).cloned()
    }

    pub(crate) fn insert(&mut self, index: u64, data: Arc<[u8]>) {
        self.bytes += data.len();
        if let Some(old) = self.held.insert(index, data) {
            self.bytes -= old.len();
        } else {
            self.order.push_back(index);
        }
        while self.bytes > self.budget && self.order.len() > 1 {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(old) = self.held.remove(&oldest) {
                self.bytes -= old.len();
            }
        }
    }

    /// Of the blocks covering `ranges`, those for which `have` is false, as sorted runs of
    /// consecutive blocks; runs at most `gap` blocks apart are joined (one range fetched instead
    /// of two, at the cost of the blocks between).
    pub(crate) fn missing_runs(
        ranges: &[Range<u64>],
        gap: u64,
        have: impl Fn(u64) -> bool,
    ) -> Vec<Range<u64>> {
        let mut wanted: Vec<u64> = ranges
            .iter()
            .filter(|r| r.start < r.end)
            .flat_map(covering)
            .filter(|&i| !have(i))
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let mut runs: Vec<Range<u64>> = Vec::new();
        for i in wanted {
            match runs.last_mut() {
                Some(run) if i <= run.end + gap => run.end = i + 1,
                _ => runs.push(i..i + 1),
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_of_missing_blocks() {
        let b = BLOCK;
        let ranges = [
            0..10,
            3 * b..3 * b + 1,
            5 * b - 1..5 * b + 1,
            20 * b..22 * b,
        ];
        assert_eq!(
            Blocks::missing_runs(&ranges, 0, |_| false),
            [0..1, 3..6, 20..22]
        );
        assert_eq!(
            Blocks::missing_runs(&ranges, 0, |i| i == 3),
            [0..1, 4..6, 20..22]
        );
        assert_eq!(Blocks::missing_runs(&ranges, 2, |_| false), [0..6, 20..22]);
        let empty = 7..7;
        assert_eq!(
            Blocks::missing_runs(std::slice::from_ref(&empty), 0, |_| false),
            []
        );
    }

    #[test]
    fn memory_budget_drops_the_oldest() {
        let mut blocks = Blocks::new(2 * BLOCK as usize);
        for i in 0..4 {
            blocks.insert(i, vec![i as u8; BLOCK as usize].into());
        }
        assert!(blocks.get(0).is_none() && blocks.get(1).is_none());
        assert_eq!(blocks.get(3).unwrap()[0], 3);
        assert_eq!(bytes_of(2, 2 * BLOCK + 5), 2 * BLOCK..2 * BLOCK + 5);
    }
}
