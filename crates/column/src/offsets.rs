//! List offsets: list `i` holds the values `offsets[i]..offsets[i + 1]`.

use std::fmt;
use std::sync::Arc;

/// Offsets of lists, Arrow style: `n_lists + 1` entries, the first 0, non-decreasing, the last
/// equal to the number of values. Behind an `Arc` so that several columns of one collection share
/// one buffer (and a filter can find the kept lists once for all of them); a `Vec<u32>` moves in
/// with `Arc::new` without copying.
pub type Offsets = Arc<Vec<u32>>;

/// Why offsets do not describe lists of the given values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OffsetsError {
    /// Empty, or the first entry is not 0.
    DoesNotStartAtZero,
    /// Some entry is smaller than the one before.
    Decreasing,
    /// The last entry is not the number of values.
    WrongEnd { end: usize, n_values: usize },
}

impl fmt::Display for OffsetsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OffsetsError::DoesNotStartAtZero => f.write_str("jagged offsets must start with 0"),
            OffsetsError::Decreasing => f.write_str("jagged offsets must not decrease"),
            OffsetsError::WrongEnd { end, n_values } => write!(
                f,
                "jagged offsets end at {end} but there are {n_values} values"
            ),
        }
    }
}

impl std::error::Error for OffsetsError {}

/// Checks that `offsets` describe lists covering exactly `n_values` values.
pub fn check_offsets(offsets: &[u32], n_values: usize) -> Result<(), OffsetsError> {
    if offsets.first() != Some(&0) {
        return Err(OffsetsError::DoesNotStartAtZero);
    }
    // A fold without early exit: it vectorises, and offsets are rarely wrong.
    if offsets
        .windows(2)
        .fold(false, |back, w| back | (w[1] < w[0]))
    {
        return Err(OffsetsError::Decreasing);
    }
    let end = *offsets.last().expect("starts with 0") as usize;
    if end != n_values {
        return Err(OffsetsError::WrongEnd { end, n_values });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_must_start_at_zero_not_decrease_and_end_at_the_values() {
        assert_eq!(check_offsets(&[0], 0), Ok(()));
        assert_eq!(check_offsets(&[0, 2, 2, 5], 5), Ok(()));
        assert_eq!(check_offsets(&[], 0), Err(OffsetsError::DoesNotStartAtZero));
        assert_eq!(
            check_offsets(&[1, 2], 2),
            Err(OffsetsError::DoesNotStartAtZero)
        );
        assert_eq!(
            check_offsets(&[0, 3, 2, 5], 5),
            Err(OffsetsError::Decreasing)
        );
        assert_eq!(
            check_offsets(&[0, 2, 4], 5),
            Err(OffsetsError::WrongEnd {
                end: 4,
                n_values: 5
            })
        );
        assert_eq!(
            OffsetsError::WrongEnd {
                end: 4,
                n_values: 5
            }
            .to_string(),
            "jagged offsets end at 4 but there are 5 values"
        );
    }
}
