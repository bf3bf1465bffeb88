//! From ROOT branches to the columns expressions run on: types for the
//! schema, and arrays handed over by moving their vectors (no copy).

use hepkey_columnar::{Column, DType, Offsets, Schema, Type};
use hepkey_root::tree::interpretation::Interpretation;
use hepkey_root::tree::types::{CppType, Prim};
use hepkey_root::{Array, Tree, Values};

fn dtype(p: Prim) -> DType {
    match p {
        Prim::Bool => DType::Bool,
        Prim::I8 => DType::I8,
        Prim::U8 => DType::U8,
        Prim::I16 => DType::I16,
        Prim::U16 => DType::U16,
        Prim::I32 => DType::I32,
        Prim::U32 => DType::U32,
        Prim::I64 => DType::I64,
        Prim::U64 => DType::U64,
        Prim::F32 => DType::F32,
        Prim::F64 => DType::F64,
    }
}

/// The expression type of a branch, if expressions can use it: numbers per
/// event, or one list of numbers per event.
pub fn branch_type(interp: &Interpretation) -> Option<Type> {
    match interp {
        Interpretation::Fixed { prim, dims } if dims.is_empty() => Some(Type::flat(dtype(*prim))),
        Interpretation::Fixed { prim, dims } if dims.len() == 1 => Some(Type::jagged(dtype(*prim))),
        Interpretation::Jagged { prim, inner } if inner.is_empty() => {
            Some(Type::jagged(dtype(*prim)))
        }
        Interpretation::Truncated {
            trunc,
            dims,
            jagged,
        } if dims.len() <= 1 => {
            let d = if trunc.float16 {
                DType::F32
            } else {
                DType::F64
            };
            Some(if *jagged || !dims.is_empty() {
                Type::jagged(d)
            } else {
                Type::flat(d)
            })
        }
        Interpretation::Container(CppType::Vector(t) | CppType::RVec(t) | CppType::Set(t)) => {
            match **t {
                CppType::Prim(p) => Some(Type::jagged(dtype(p))),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The schema of a tree: every branch expressions can use.
pub fn schema_of(tree: &Tree) -> Schema {
    let mut s = Schema::new();
    for b in tree.branches() {
        if let Some(t) = b.interpretation.as_ref().ok().and_then(branch_type) {
            s.insert(b.path.clone(), t);
        }
    }
    s
}

fn values(v: Values) -> Option<hepkey_columnar::Values> {
    use hepkey_columnar::Values as C;
    Some(match v {
        Values::Bool(x) => C::Bool(x),
        Values::I8(x) => C::I8(x),
        Values::U8(x) => C::U8(x),
        Values::I16(x) => C::I16(x),
        Values::U16(x) => C::U16(x),
        Values::I32(x) => C::I32(x),
        Values::U32(x) => C::U32(x),
        Values::I64(x) => C::I64(x),
        Values::U64(x) => C::U64(x),
        Values::F32(x) => C::F32(x),
        Values::F64(x) => C::F64(x),
        Values::Str(_) => return None,
    })
}

/// Moves a ROOT column into an expression column.
pub fn column(name: &str, a: Array) -> Result<Column, String> {
    column_sharing(name, a, &mut Vec::new())
}

/// Like [`column`], and a list column whose offsets equal those of an earlier one (`Jet_pt` and
/// `Jet_eta`) shares them: kernels combining the two then see one collection without comparing.
pub fn column_sharing(name: &str, a: Array, seen: &mut Vec<Offsets>) -> Result<Column, String> {
    let unsupported =
        || format!("branch {name:?} is neither numbers nor one list of numbers per entry");
    match a {
        Array::Flat(v) => Ok(Column::flat(values(v).ok_or_else(unsupported)?)),
        Array::List { offsets, content } => match *content {
            Array::Flat(v) => {
                let offsets = match seen.iter().find(|o| ***o == offsets) {
                    Some(o) => o.clone(),
                    None => {
                        let o = Offsets::new(offsets);
                        seen.push(o.clone());
                        o
                    }
                };
                Column::jagged_shared(values(v).ok_or_else(unsupported)?, offsets)
                    .map_err(|e| format!("branch {name:?}: {e}"))
            }
            _ => Err(unsupported()),
        },
        Array::Record(_) => Err(unsupported()),
    }
}
