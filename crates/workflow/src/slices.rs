//! Cutting a sample's files into jobs.

use std::fmt;

/// Files `start..end` (0-based, end-exclusive) of one sample, in the order `hepkey run` reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slice {
    pub start: usize,
    pub end: usize,
}

impl Slice {
    /// The `--file-range` argument.
    pub fn range_arg(&self) -> String {
        format!("{}..{}", self.start, self.end)
    }
}

/// The name of the slice's directory under `parts/SAMPLE/`: `A-B` (`..` makes a poor file name).
impl fmt::Display for Slice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// `files` cut into slices of `per_job` files, the last one shorter; none for no files.
pub fn slices(files: usize, per_job: usize) -> Vec<Slice> {
    let per_job = per_job.max(1);
    (0..files)
        .step_by(per_job)
        .map(|start| Slice {
            start,
            end: (start + per_job).min(files),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_once_in_order() {
        let s = slices(7, 3);
        assert_eq!(
            s.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
            vec![(0, 3), (3, 6), (6, 7)]
        );
        assert_eq!(s[2].to_string(), "6-7");
        assert_eq!(s[2].range_arg(), "6..7");
    }

    #[test]
    fn exact_and_oversized_slices() {
        assert_eq!(slices(4, 2).len(), 2);
        assert_eq!(slices(4, 100), vec![Slice { start: 0, end: 4 }]);
        assert_eq!(slices(1, 1), vec![Slice { start: 0, end: 1 }]);
        assert!(slices(0, 5).is_empty());
    }
}
