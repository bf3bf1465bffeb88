//! The schema: field and column descriptions from the header envelope, plus
//! the schema extension in the footer (fields and columns added while
//! writing, "late model extension").
//!
//! Fields and columns are numbered by their order, header first, extension
//! after. A field's columns are the physical columns whose field ID is the
//! field's, plus alias columns (projected fields, e.g. `Muon_pt` viewing the
//! data of `_collection0._0.Muon_pt`).

use super::column_type::ColumnType;
use super::reader::Reader;
use crate::error::{Error, Result};

/// A field's structural role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A value with columns (or, with a repetition, a fixed-size array).
    Leaf,
    /// A variable-length collection: an offset column and one child `_0`.
    Collection,
    /// A struct, pair or tuple: children, no columns.
    Record,
    /// A `std::variant`: a switch column and one child per alternative.
    Variant,
    /// An object serialized by ROOT's streamer into a byte column.
    Streamer,
}

impl Role {
    fn from_code(code: u16) -> Result<Role> {
        Ok(match code {
            0 => Role::Leaf,
            1 => Role::Collection,
            2 => Role::Record,
            3 => Role::Variant,
            4 => Role::Streamer,
            other => {
                return Err(Error::Unsupported(format!(
                    "field structural role {other} (newer than format 1.0)"
                )))
            }
        })
    }
}

/// One field of the schema tree.
#[derive(Clone, Debug)]
pub struct FieldDescription {
    pub id: usize,
    pub name: String,
    pub type_name: String,
    pub type_alias: String,
    pub description: String,
    pub field_version: u32,
    pub type_version: u32,
    /// The parent's field ID; `None` for top-level fields (which store their
    /// own ID as parent).
    pub parent: Option<usize>,
    pub role: Role,
    /// For fixed-size arrays (`std::array<T, N>`, bitsets): N.
    pub repetition: Option<u64>,
    /// For projected fields: the field whose columns this one views.
    pub source_field: Option<usize>,
    pub type_checksum: Option<u32>,
    /// Children, in field ID order.
    pub children: Vec<usize>,
    /// Columns (physical and alias), in column ID order; several
    /// representations are told apart by [`ColumnDescription::representation`].
    pub columns: Vec<usize>,
}

/// One physical column.
#[derive(Clone, Debug)]
pub struct ColumnDescription {
    pub id: usize,
    pub column_type: ColumnType,
    pub bits_on_storage: u16,
    pub field: usize,
    pub representation: u16,
    /// Index of the first stored element for columns added late; earlier
    /// elements read as zeros. Suppressed deferred columns are negative.
    pub first_element: i64,
    /// The value range of quantized floats.
    pub value_range: Option<(f64, f64)>,
    /// Position among the field's columns of one representation (0 is the
    /// principal column, e.g. the offsets of a string, 1 its characters).
    pub index_in_field: usize,
}

/// An alias column of a projected field, viewing a physical column.
#[derive(Clone, Copy, Debug)]
pub struct AliasColumn {
    pub physical: usize,
    pub field: usize,
}

/// The schema description lists, as they are serialized.
#[derive(Default)]
pub(crate) struct SchemaPart {
    pub fields: Vec<FieldDescription>,
    pub columns: Vec<ColumnDescription>,
    pub aliases: Vec<AliasColumn>,
}

const FIELD_FLAG_REPETITIVE: u16 = 0x01;
const FIELD_FLAG_PROJECTED: u16 = 0x02;
const FIELD_FLAG_CHECKSUM: u16 = 0x04;
const COLUMN_FLAG_DEFERRED: u16 = 0x01;
const COLUMN_FLAG_RANGE: u16 = 0x02;

/// Reads the four schema lists (fields, columns, alias columns, extra type
/// information). `first_field` and `first_column` are the IDs the first
/// entries get (non-zero in the schema extension). In the schema extension
/// the lists may be absent altogether (an empty record frame).
pub(crate) fn read_schema_lists(
    r: &mut Reader,
    first_field: usize,
    first_column: usize,
) -> Result<SchemaPart> {
    let mut part = SchemaPart::default();
    if r.remaining() == 0 {
        return Ok(part);
    }
    let mut next_field = first_field;
    part.fields = r.list_of_records(|f| {
        let id = next_field;
        next_field += 1;
        read_field(f, id)
    })?;
    if r.remaining() == 0 {
        return Ok(part);
    }
    let mut next_column = first_column;
    part.columns = r.list_of_records(|c| {
        let id = next_column;
        next_column += 1;
        read_column(c, id)
    })?;
    if r.remaining() == 0 {
        return Ok(part);
    }
    part.aliases = r.list_of_records(|a| {
        Ok(AliasColumn {
            physical: a.u32()? as usize,
            field: a.u32()? as usize,
        })
    })?;
    if r.remaining() == 0 {
        return Ok(part);
    }
    // Extra type information (streamer infos of streamer fields): not
    // needed to read the columns; the frames are skipped by their size.
    r.list_of_records(|_| Ok(()))?;
    Ok(part)
}

fn read_field(r: &mut Reader, id: usize) -> Result<FieldDescription> {
    let field_version = r.u32()?;
    let type_version = r.u32()?;
    let parent = r.u32()? as usize;
    let role = Role::from_code(r.u16()?).map_err(|e| r.unsupported(e))?;
    let flags = r.u16()?;
    let name = r.string()?;
    let type_name = r.string()?;
    let type_alias = r.string()?;
    let description = r.string()?;
    let repetition = if flags & FIELD_FLAG_REPETITIVE != 0 {
        Some(r.u64()?)
    } else {
        None
    };
    let source_field = if flags & FIELD_FLAG_PROJECTED != 0 {
        Some(r.u32()? as usize)
    } else {
        None
    };
    let type_checksum = if flags & FIELD_FLAG_CHECKSUM != 0 {
        Some(r.u32()?)
    } else {
        None
    };
    Ok(FieldDescription {
        id,
        name,
        type_name,
        type_alias,
        description,
        field_version,
        type_version,
        parent: (parent != id).then_some(parent),
        role,
        repetition,
        source_field,
        type_checksum,
        children: Vec::new(),
        columns: Vec::new(),
    })
}

fn read_column(r: &mut Reader, id: usize) -> Result<ColumnDescription> {
    let code = r.u16()?;
    let bits_on_storage = r.u16()?;
    let field = r.u32()? as usize;
    let flags = r.u16()?;
    let representation = r.u16()?;
    let column_type = ColumnType::from_code(code).map_err(|e| r.unsupported(e))?;
    column_type
        .check_bits(bits_on_storage)
        .map_err(|e| r.error(e))?;
    let first_element = if flags & COLUMN_FLAG_DEFERRED != 0 {
        r.i64()?
    } else {
        0
    };
    let value_range = if flags & COLUMN_FLAG_RANGE != 0 {
        Some((r.f64()?, r.f64()?))
    } else {
        None
    };
    if column_type == ColumnType::Real32Quant && value_range.is_none() {
        return Err(r.error("a Real32Quant column without a value range"));
    }
    Ok(ColumnDescription {
        id,
        column_type,
        bits_on_storage,
        field,
        representation,
        first_element,
        value_range,
        index_in_field: 0,
    })
}

/// The whole schema, header and extension merged, with the tree links
/// (children, columns of each field) filled in and every ID checked.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub fields: Vec<FieldDescription>,
    pub columns: Vec<ColumnDescription>,
    pub aliases: Vec<AliasColumn>,
}

impl Schema {
    pub(crate) fn build(header: SchemaPart, extension: SchemaPart) -> Result<Schema> {
        let mut fields = header.fields;
        fields.extend(extension.fields);
        let mut columns = header.columns;
        columns.extend(extension.columns);
        let mut aliases = header.aliases;
        aliases.extend(extension.aliases);
        let n_fields = fields.len();
        for f in &fields {
            if let Some(p) = f.parent {
                if p >= n_fields {
                    return Err(Error::format(format!(
                        "field {} ({:?}) has parent {p}, but there are {n_fields} fields",
                        f.id, f.name
                    )));
                }
            }
            if let Some(s) = f.source_field {
                if s >= n_fields {
                    return Err(Error::format(format!(
                        "projected field {} ({:?}) has source {s}, but there are {n_fields} fields",
                        f.id, f.name
                    )));
                }
            }
        }
        for id in 0..n_fields {
            if let Some(p) = fields[id].parent {
                fields[p].children.push(id);
            }
        }
        // Parents must have smaller IDs than children ("subfields are ordered
        // from smaller IDs to larger IDs"), which also rules out loops.
        for f in &fields {
            if let Some(p) = f.parent {
                if p > f.id {
                    return Err(Error::format(format!(
                        "field {} ({:?}) has a parent with a larger ID ({p})",
                        f.id, f.name
                    )));
                }
            }
        }
        for c in &columns {
            if c.field >= n_fields {
                return Err(Error::format(format!(
                    "column {} belongs to field {}, but there are {n_fields} fields",
                    c.id, c.field
                )));
            }
        }
        for c in &columns {
            fields[c.field].columns.push(c.id);
        }
        for a in &aliases {
            if a.physical >= columns.len() || a.field >= n_fields {
                return Err(Error::format(format!(
                    "alias column for field {} views column {}, but there are {} columns and {n_fields} fields",
                    a.field,
                    a.physical,
                    columns.len()
                )));
            }
            fields[a.field].columns.push(a.physical);
        }
        // Position of each physical column among its field's columns of the
        // same representation (principal column first).
        for f in &fields {
            if f.source_field.is_some() {
                continue;
            }
            let mut seen = std::collections::HashMap::<u16, usize>::new();
            for &c in &f.columns {
                let n = seen.entry(columns[c].representation).or_default();
                columns[c].index_in_field = *n;
                *n += 1;
            }
        }
        Ok(Schema {
            fields,
            columns,
            aliases,
        })
    }

    /// The top-level fields, in field ID order.
    pub fn top_level(&self) -> impl Iterator<Item = &FieldDescription> {
        self.fields.iter().filter(|f| f.parent.is_none())
    }

    /// The columns of a field for one representation, principal first.
    pub fn field_columns(&self, field: usize, representation: u16) -> Vec<usize> {
        self.fields[field]
            .columns
            .iter()
            .copied()
            .filter(|&c| self.columns[c].representation == representation)
            .collect()
    }
}
