//! The leaf fields of an RNTuple, flattened: every field that holds values,
//! named as uproot names them, with its values as one flat vector and the
//! offsets of every collection level above it.
//!
//! Names join field names with dots. The `_0` child of a collection, fixed
//! size array or wrapper (atomic, enum) adds nothing (`vector_int32`, not
//! `vector_int32._0`); the `_N` members of tuples and pairs appear as `N`
//! (`tuple_int32_string.0`).

use super::arrays::Span;
use super::schema::Role;
use super::values::ColumnValues;
use super::RNTuple;
use crate::error::{Error, Result};
use hepkey_column::Array;

/// What a leaf holds.
#[derive(Clone, Debug, PartialEq)]
pub enum LeafValues {
    /// One number (or bool) per innermost item.
    Numbers(ColumnValues),
    /// `std::string` values.
    Strings(Vec<String>),
    /// `std::variant` items, one per innermost item, as [`Array::Union`].
    Union(Array),
    /// A field kind the format layer does not flatten yet, with the reason.
    Unsupported(String),
}

impl LeafValues {
    /// Number of values (0 for unsupported leaves).
    pub fn len(&self) -> usize {
        match self {
            LeafValues::Numbers(v) => v.len(),
            LeafValues::Strings(v) => v.len(),
            LeafValues::Union(v) => v.len(),
            LeafValues::Unsupported(_) => 0,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A leaf field with its data.
#[derive(Clone, Debug)]
pub struct LeafField {
    /// uproot's dotted name, e.g. `my_struct.sub_struct.i`.
    pub path: String,
    /// The field holding the values.
    pub field: usize,
    /// Type name of the field the name ends at (`std::vector<float>` for
    /// `two_v_floats`, `float` for `lorentz_vector.pt`).
    pub type_name: String,
    /// Offsets per collection level, outermost first; each starts at 0 and
    /// has one more element than the items of the level above (entries for
    /// the outermost).
    pub offsets: Vec<Vec<u64>>,
    pub values: LeafValues,
}

impl LeafField {
    /// Number of collection levels above the values.
    pub fn depth(&self) -> usize {
        self.offsets.len()
    }
}

/// Where the walk is: the name so far, the type it ends at, the offsets of
/// the levels above and how many items the current level has.
#[derive(Clone)]
struct Level {
    path: String,
    type_name: String,
    offsets: Vec<Vec<u64>>,
    items: u64,
}

impl RNTuple {
    /// Every leaf field, depth first in field order, with its values.
    pub fn leaves(&self) -> Result<Vec<LeafField>> {
        let mut out = Vec::new();
        let top: Vec<usize> = self.schema.top_level().map(|f| f.id).collect();
        for id in top {
            let f = &self.schema.fields[id];
            let level = Level {
                path: f.name.clone(),
                type_name: f.type_name.clone(),
                offsets: Vec::new(),
                items: self.entries(),
            };
            self.walk(id, level, &mut out, 0)?;
        }
        Ok(out)
    }

    /// Column `position` of a field's first representation (0: its principal column).
    pub(super) fn principal_column(&self, field: usize, position: usize) -> Result<usize> {
        let columns = self.schema.field_columns(field, 0);
        columns.get(position).copied().ok_or_else(|| {
            Error::format(format!(
                "{}: field {:?} has {} columns, expected at least {}",
                self.what,
                self.schema.fields[field].name,
                columns.len(),
                position + 1
            ))
        })
    }

    /// Reads a column over every cluster and checks its length.
    fn read_leaf_column(&self, column: usize, expected: u64, field: usize) -> Result<ColumnValues> {
        let values = self.read_column(column, 0..self.clusters.len())?;
        if values.len() as u64 != expected {
            return Err(Error::format(format!(
                "{}: field {:?}: column {column} has {} elements, but {expected} were expected",
                self.what,
                self.schema.fields[field].name,
                values.len()
            )));
        }
        Ok(values)
    }

    fn offsets_of(&self, field: usize, items: u64) -> Result<Vec<u64>> {
        let column = self.principal_column(field, 0)?;
        match self.read_leaf_column(column, items, field)? {
            ColumnValues::Offsets(o) => Ok(o),
            _ => Err(Error::format(format!(
                "{}: field {:?}: the principal column {column} is not an offset column",
                self.what, self.schema.fields[field].name
            ))),
        }
    }

    fn walk(&self, id: usize, level: Level, out: &mut Vec<LeafField>, depth: usize) -> Result<()> {
        // Fields are nested by ID order, so depth is bounded by the field
        // count; this guards the stack against deep but valid schemas.
        if depth > 256 {
            return Err(Error::Unsupported(format!(
                "{}: fields nested more than 256 deep",
                self.what
            )));
        }
        let f = &self.schema.fields[id];
        let leaf = |values: LeafValues, level: Level| LeafField {
            path: level.path,
            field: id,
            type_name: level.type_name,
            offsets: level.offsets,
            values,
        };
        let child_level = |child: usize, level: &Level, transparent: bool| -> Level {
            let c = &self.schema.fields[child];
            let mut next = level.clone();
            let is_member_number =
                c.name.starts_with('_') && c.name[1..].chars().all(|ch| ch.is_ascii_digit());
            if transparent && c.name == "_0" {
                return next;
            }
            let part = if is_member_number && !transparent {
                &c.name[1..]
            } else {
                &c.name[..]
            };
            next.path = format!("{}.{}", level.path, part);
            next.type_name = c.type_name.clone();
            next
        };

        match f.role {
            Role::Collection => {
                let offsets = self.offsets_of(id, level.items)?;
                let mut next = level.clone();
                next.items = *offsets.last().unwrap_or(&0);
                if next.items > self.element_bound {
                    return Err(Error::format(format!(
                        "{}: field {:?}: offsets claim {} items, more than the pages hold",
                        self.what, f.name, next.items
                    )));
                }
                next.offsets.push(offsets);
                for &child in &f.children {
                    self.walk(child, child_level(child, &next, true), out, depth + 1)?;
                }
            }
            Role::Record => {
                for &child in &f.children {
                    self.walk(child, child_level(child, &level, false), out, depth + 1)?;
                }
            }
            Role::Variant => {
                let all = Span::Clusters(0..self.clusters.len());
                // An alternative of a kind not read yet leaves the other fields readable.
                let values = match self.assemble(id, level.items, &all, depth) {
                    Ok(union) => LeafValues::Union(union),
                    Err(Error::Unsupported(why)) => LeafValues::Unsupported(why),
                    Err(e) => return Err(e),
                };
                out.push(leaf(values, level));
            }
            Role::Streamer => out.push(leaf(
                LeafValues::Unsupported(format!("streamer field {:?}", f.type_name)),
                level,
            )),
            Role::Leaf => {
                let mut level = level;
                if let Some(n) = f.repetition {
                    let items = level.items.checked_mul(n).ok_or_else(|| {
                        Error::format(format!("{}: array size {n} overflows", self.what))
                    })?;
                    if items > self.element_bound {
                        return Err(Error::format(format!(
                            "{}: field {:?}: {items} array items, more than the pages hold",
                            self.what, f.name
                        )));
                    }
                    let offsets = (0..=level.items).map(|i| i * n).collect();
                    level.offsets.push(offsets);
                    level.items = items;
                }
                if f.columns.is_empty() {
                    // Arrays, atomics and enums: the values are in the child.
                    for &child in &f.children {
                        self.walk(child, child_level(child, &level, true), out, depth + 1)?;
                    }
                    return Ok(());
                }
                let values = self.leaf_values(id, level.items)?;
                out.push(leaf(values, level));
            }
        }
        Ok(())
    }

    /// The values of a leaf field with columns.
    fn leaf_values(&self, id: usize, items: u64) -> Result<LeafValues> {
        let f = &self.schema.fields[id];
        let columns = self.schema.field_columns(id, 0);
        if f.type_name.starts_with("ROOT::RNTupleCardinality<") {
            let offsets = self.offsets_of(id, items)?;
            let counts = offsets.windows(2).map(|w| w[1].wrapping_sub(w[0]));
            return Ok(LeafValues::Numbers(if f.type_name.contains("uint32") {
                ColumnValues::U32(counts.map(|c| c as u32).collect())
            } else {
                ColumnValues::U64(counts.collect())
            }));
        }
        if f.type_name == "std::string" {
            let offsets = self.offsets_of(id, items)?;
            let chars_column = self.principal_column(id, 1)?;
            let total = *offsets.last().unwrap_or(&0);
            let ColumnValues::Char(chars) = self.read_leaf_column(chars_column, total, id)? else {
                return Err(Error::format(format!(
                    "{}: string field {:?}: the second column is not a character column",
                    self.what, f.name
                )));
            };
            let mut strings = Vec::with_capacity(offsets.len().saturating_sub(1));
            for w in offsets.windows(2) {
                let Some(bytes) = chars.get(w[0] as usize..w[1] as usize) else {
                    return Err(Error::format(format!(
                        "{}: string field {:?}: offsets {}..{} outside the {} characters",
                        self.what,
                        f.name,
                        w[0],
                        w[1],
                        chars.len()
                    )));
                };
                strings.push(String::from_utf8_lossy(bytes).into_owned());
            }
            return Ok(LeafValues::Strings(strings));
        }
        if columns.len() != 1 {
            return Ok(LeafValues::Unsupported(format!(
                "leaf {:?} of type {:?} with {} columns",
                f.name,
                f.type_name,
                columns.len()
            )));
        }
        Ok(LeafValues::Numbers(
            self.read_leaf_column(columns[0], items, id)?,
        ))
    }
}
