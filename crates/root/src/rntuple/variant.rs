//! `std::variant` fields assembled into [`Array::Union`]: the switch column gives each item's
//! alternative (tag, 1-based; 0 is the empty variant) and its index among that alternative's
//! items, which are the items of the variant's child fields.

use super::arrays::Span;
use super::values::{ColumnValues, SwitchValue};
use super::RNTuple;
use crate::error::{Error, Result};
use hepkey_column::Array;

impl RNTuple {
    /// Items `span` of the variant field `id` (`items` of them).
    pub(super) fn variant(
        &self,
        id: usize,
        items: u64,
        span: &Span,
        depth: usize,
    ) -> Result<Array> {
        let f = &self.schema.fields[id];
        let bad = |why: String| {
            Error::format(format!(
                "{}: std::variant field {:?} ({}): {why}",
                self.what, f.name, f.type_name
            ))
        };
        let n_alternatives = f.children.len();
        if n_alternatives > usize::from(u8::MAX) {
            return Err(Error::Unsupported(format!(
                "{}: std::variant field {:?} with {n_alternatives} alternatives (at most 255)",
                self.what, f.name
            )));
        }
        let column = self.principal_column(id, 0)?;
        let ColumnValues::Switch(switch) = self.read_checked(column, span, items, id)? else {
            return Err(bad(format!("column {column} is not a switch column")));
        };
        // The items each alternative's indices reach: first and one past the last.
        let mut reach: Vec<Option<(u64, u64)>> = vec![None; n_alternatives];
        let mut counts = vec![0u64; n_alternatives];
        for &SwitchValue { index, tag } in &switch {
            if tag == 0 {
                continue;
            }
            let Some(r) = reach.get_mut(tag as usize - 1) else {
                return Err(bad(format!(
                    "tag {tag}, but there are {n_alternatives} alternatives"
                )));
            };
            let end = index
                .checked_add(1)
                .ok_or_else(|| bad(format!("item index {index}")))?;
            *r = Some(r.map_or((index, end), |(a, b)| (a.min(index), b.max(end))));
            counts[tag as usize - 1] += 1;
        }
        let mut alternatives = Vec::with_capacity(n_alternatives);
        let mut firsts = Vec::with_capacity(n_alternatives);
        for (k, &child) in f.children.iter().enumerate() {
            let (first, alternative_items, alternative_span) = match span {
                // Indices count from the first cluster read, and the alternatives hold exactly
                // the items whose tag names them.
                Span::Clusters(c) => (0, counts[k], Span::Clusters(c.clone())),
                // Indices count from the cluster's first item: read the items the window uses.
                Span::Within { cluster, .. } => {
                    let (a, b) = reach[k].unwrap_or((0, 0));
                    let elements = a..b;
                    (
                        a,
                        b - a,
                        Span::Within {
                            cluster: *cluster,
                            elements,
                        },
                    )
                }
            };
            if alternative_items > self.element_bound {
                return Err(bad(format!(
                    "alternative {} claims {alternative_items} items, more than the pages hold",
                    k + 1
                )));
            }
            alternatives.push(self.assemble(
                child,
                alternative_items,
                &alternative_span,
                depth + 1,
            )?);
            firsts.push(first);
        }
        let mut tags = Vec::with_capacity(switch.len());
        let mut index = Vec::with_capacity(switch.len());
        for &SwitchValue { index: i, tag } in &switch {
            tags.push(tag as u8);
            index.push(if tag == 0 {
                0
            } else {
                let i = i - firsts[tag as usize - 1];
                u32::try_from(i).map_err(|_| bad(format!("item index {i} over 2^32")))?
            });
        }
        Array::union(tags, index, alternatives).map_err(|e| bad(e.to_string()))
    }
}
