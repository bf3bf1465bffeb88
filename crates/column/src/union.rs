//! The check that makes an [`Array::Union`](crate::Array::Union) safe to index.

use std::fmt;

/// Why tags and indices do not describe a union of the given alternatives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnionError {
    /// Tags and indices differ in length.
    Lengths { tags: usize, index: usize },
    /// Item `item` names alternative `tag` (1-based), beyond the `alternatives` there are.
    NoSuchAlternative {
        item: usize,
        tag: u8,
        alternatives: usize,
    },
    /// Item `item` points at `index` in an alternative of `len` items.
    IndexOutside { item: usize, index: u32, len: usize },
}

impl fmt::Display for UnionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnionError::Lengths { tags, index } => {
                write!(f, "union of {tags} tags but {index} indices")
            }
            UnionError::NoSuchAlternative {
                item,
                tag,
                alternatives,
            } => write!(
                f,
                "union item {item} has tag {tag}, but there are {alternatives} alternatives"
            ),
            UnionError::IndexOutside { item, index, len } => write!(
                f,
                "union item {item} points at item {index} of an alternative of {len} items"
            ),
        }
    }
}

impl std::error::Error for UnionError {}

/// Checks that every non-zero tag names an alternative and its index is inside it.
pub fn check_union(
    tags: &[u8],
    index: &[u32],
    alternative_lens: &[usize],
) -> Result<(), UnionError> {
    if tags.len() != index.len() {
        return Err(UnionError::Lengths {
            tags: tags.len(),
            index: index.len(),
        });
    }
    for (item, (&tag, &i)) in tags.iter().zip(index).enumerate() {
        if tag == 0 {
            continue;
        }
        let Some(&len) = alternative_lens.get(tag as usize - 1) else {
            return Err(UnionError::NoSuchAlternative {
                item,
                tag,
                alternatives: alternative_lens.len(),
            });
        };
        if i as usize >= len {
            return Err(UnionError::IndexOutside {
                item,
                index: i,
                len,
            });
        }
    }
    Ok(())
}
