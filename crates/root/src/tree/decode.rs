//! Decoding the bytes of one basket into a column.
//!
//! Fixed-size numbers are converted in bulk from big-endian; lists of numbers
//! (leaf-count arrays, `std::vector`, `RVec`) take their lengths from the
//! basket's entry offsets and their values in bulk. Other containers are
//! walked object by object.

use super::interpretation::{Interpretation, Truncation};
use super::types::{uproot_name, CppType};
use crate::cursor::Cursor;
use crate::error::{Error, Result};
use hepkey_column::{Array, DType, Values};

/// Bit set in an object's version when it was streamed member-wise.
const MEMBERWISE: i16 = 0x4000;

/// Decodes `entries` entries from a basket's data.
/// `offsets`, when the basket has them, gives each entry's start and ends
/// with the data length.
pub fn decode_basket(
    interp: &Interpretation,
    data: &[u8],
    offsets: Option<&[u32]>,
    entries: usize,
    what: &str,
) -> Result<Array> {
    if let Some(o) = offsets {
        check_offsets(o, data.len(), entries, what)?;
    }
    match interp {
        Interpretation::Fixed { prim, dims } => {
            let per: usize = dims.iter().product::<usize>().max(1);
            let n = entries.checked_mul(per).ok_or_else(|| too_many(what))?;
            let values = bulk(*prim, data, n, what)?;
            Ok(wrap_fixed(Array::Flat(values), dims, entries))
        }
        Interpretation::Jagged { prim, inner } => {
            let offsets = offsets.ok_or_else(|| {
                Error::Unsupported(format!(
                    "{what} ({}): a variable-length array stored without entry offsets, which hepkey \
                     cannot split into entries",
                    interp.type_name()
                ))
            })?;
            let block = prim.size() * inner.iter().product::<usize>().max(1);
            let mut list = Vec::with_capacity(offsets.len());
            list.push(0u32);
            let mut total = 0u32;
            // Item sizes are powers of two in practice: a shift, not a division.
            let shift = block.is_power_of_two().then(|| block.trailing_zeros());
            let mut misaligned = 0usize;
            for w in offsets.windows(2) {
                let len = (w[1] - w[0]) as usize;
                if shift.is_some() {
                    misaligned |= len & (block - 1);
                }
                let items = match shift {
                    Some(s) => len >> s,
                    None => {
                        misaligned |= len % block;
                        len / block
                    }
                };
                total = total
                    .checked_add(items as u32)
                    .ok_or_else(|| too_many(what))?;
                list.push(total);
            }
            if misaligned != 0 {
                return Err(Error::format(format!(
                    "{what}: an entry is not a whole number of {block}-byte items"
                )));
            }
            let start = offsets[0] as usize;
            let n_items = (total as usize).saturating_mul(inner.iter().product::<usize>().max(1));
            let values = bulk(*prim, &data[start..], n_items, what)?;
            let content = wrap_fixed(Array::Flat(values), inner, total as usize);
            Ok(Array::List {
                offsets: list.into(),
                content: Box::new(content),
            })
        }
        Interpretation::Truncated {
            trunc,
            dims,
            jagged,
        } => decode_truncated(trunc, dims, *jagged, data, offsets, entries, what),
        Interpretation::Strings(kind) => {
            let mut out = Vec::with_capacity(entries.min(data.len()));
            // Top-level strings carry no object header (whatever their kind).
            let _ = kind;
            for_each_entry(data, offsets, entries, what, |c| {
                out.push(c.string()?);
                Ok(())
            })?;
            Ok(Array::Strings(out))
        }
        Interpretation::MemberStrings => {
            // An entry's strings end where the entry does: its offsets are needed.
            if offsets.is_none() {
                return Err(Error::format(format!(
                    "{what}: string members of a split collection without entry offsets"
                )));
            }
            let mut offsets_out = vec![0u32];
            let mut strings = Vec::new();
            for_each_entry(data, offsets, entries, what, |c| {
                if c.remaining() > 0 {
                    c.version()?;
                }
                while c.remaining() > 0 {
                    strings.push(c.string()?);
                }
                let n = u32::try_from(strings.len())
                    .map_err(|_| c.error("more than 2^32 strings in one basket".to_string()))?;
                offsets_out.push(n);
                Ok(())
            })?;
            Ok(Array::List {
                offsets: std::sync::Arc::new(offsets_out),
                content: Box::new(Array::Strings(strings)),
            })
        }
        Interpretation::LeafList(fields) => decode_leaf_list(fields, data, entries, what),
        Interpretation::Group(_) => Err(Error::Unsupported(format!(
            "{what}: a split object is read from its sub-branches"
        ))),
        Interpretation::Container(ty) => {
            if let (Some(offs), Some(prim)) = (offsets, simple_list_of(ty)) {
                return decode_list_of_numbers(prim, data, offs, what);
            }
            let mut builder = Builder::new(ty);
            // A class stored whole in its own branch is written member by
            // member, without the byte count and version containers carry.
            let header = !matches!(ty, CppType::Struct(..));
            for_each_entry(data, offsets, entries, what, |c| {
                builder.read(c, ty, header)
            })?;
            Ok(builder.finish())
        }
    }
}

/// Leaf lists are stored entry by entry, each entry all its fields.
fn decode_leaf_list(
    fields: &[(String, DType, usize)],
    data: &[u8],
    entries: usize,
    what: &str,
) -> Result<Array> {
    let stride: usize = fields.iter().map(|(_, p, k)| p.size() * k).sum();
    let need = stride.saturating_mul(entries);
    if data.len() < need {
        return Err(Error::format(format!(
            "{what}: needed {need} bytes for {entries} entries of {stride} bytes but the basket has {}",
            data.len()
        )));
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (name, prim, k) in fields {
        let width = prim.size() * k;
        let mut values = Values::with_capacity(*prim, entries * k);
        for e in 0..entries {
            let start = e * stride + at;
            append_be(&mut values, &data[start..start + width]);
        }
        let dims = if *k > 1 { vec![*k] } else { vec![] };
        out.push((
            name.clone(),
            wrap_fixed(Array::Flat(values), &dims, entries),
        ));
        at += width;
    }
    Ok(Array::Record(out))
}

fn check_offsets(o: &[u32], len: usize, entries: usize, what: &str) -> Result<()> {
    if o.len() != entries + 1 || o.windows(2).any(|w| w[0] > w[1]) || o[entries] as usize > len {
        return Err(Error::format(format!(
            "{what}: the basket's entry offsets are inconsistent ({} offsets for {entries} entries in {len} bytes)",
            o.len()
        )));
    }
    Ok(())
}

/// Runs `read` on each entry: on the entry's own bytes when offsets are
/// known (so that one bad entry cannot shift the others), else in sequence.
fn for_each_entry(
    data: &[u8],
    offsets: Option<&[u32]>,
    entries: usize,
    what: &str,
    mut read: impl FnMut(&mut Cursor) -> Result<()>,
) -> Result<()> {
    match offsets {
        Some(o) => {
            for w in o.windows(2) {
                let bytes = &data[w[0] as usize..w[1] as usize];
                let mut c = Cursor::new(bytes, 0, what);
                read(&mut c)?;
            }
        }
        None => {
            let mut c = Cursor::new(data, 0, what);
            for _ in 0..entries {
                read(&mut c)?;
            }
        }
    }
    Ok(())
}

/// `vector<T>`, `RVec<T>` or `set<T>` of a primitive T: the fast path.
pub(crate) fn simple_list_of(ty: &CppType) -> Option<DType> {
    match ty {
        CppType::Vector(t) | CppType::RVec(t) | CppType::Set(t) => match **t {
            CppType::Prim(p) => Some(p),
            _ => None,
        },
        _ => None,
    }
}

/// Bytes before the values of a `std::vector` entry: byte count and version (6), length (4).
pub(crate) const VECTOR_HEADER: usize = 10;

/// The number of `size`-byte values of the `std::vector` entry in `data[start..end]` (0 for an
/// empty entry), checked against its header and its bytes.
pub(crate) fn vector_entry_len(
    data: &[u8],
    start: u32,
    end: u32,
    size: usize,
    what: &str,
) -> Result<usize> {
    if end < start || end as usize > data.len() {
        return Err(Error::format(format!(
            "{what}: the basket's entry offsets are not in increasing order or run past its data"
        )));
    }
    let len = (end - start) as usize;
    if len == 0 {
        return Ok(0);
    }
    let body = len.checked_sub(VECTOR_HEADER).ok_or_else(|| {
        Error::format(format!(
            "{what}: an entry of {len} bytes is shorter than its header"
        ))
    })?;
    let at = start as usize + 6;
    let stored = i32::from_be_bytes(data[at..at + 4].try_into().expect("4 bytes"));
    if stored < 0 || (stored as usize).saturating_mul(size) != body {
        return Err(Error::format(format!(
            "{what}: an entry says it holds {stored} values but has {body} bytes for them"
        )));
    }
    Ok(stored as usize)
}

/// Each entry: byte count and version (6 bytes), a 4-byte length, values.
fn decode_list_of_numbers(prim: DType, data: &[u8], offsets: &[u32], what: &str) -> Result<Array> {
    let size = prim.size();
    let mut list = Vec::with_capacity(offsets.len());
    list.push(0u32);
    let mut total = 0usize;
    for w in offsets.windows(2) {
        total += vector_entry_len(data, w[0], w[1], size, what)?;
        list.push(u32::try_from(total).map_err(|_| too_many(what))?);
    }
    let mut values = Values::with_capacity(prim, total);
    for w in offsets.windows(2) {
        if w[1] > w[0] {
            append_be(
                &mut values,
                &data[w[0] as usize + VECTOR_HEADER..w[1] as usize],
            );
        }
    }
    Ok(Array::List {
        offsets: list.into(),
        content: Box::new(Array::Flat(values)),
    })
}

pub(crate) fn too_many(what: &str) -> Error {
    Error::Unsupported(format!(
        "{what}: more than 4 billion values in one read; read fewer entries at a time"
    ))
}

/// Wraps flat values into regular lists for fixed dimensions (innermost last).
pub(crate) fn wrap_fixed(mut array: Array, dims: &[usize], entries: usize) -> Array {
    if dims.is_empty() || dims.iter().product::<usize>() == 1 && dims.len() == 1 && dims[0] == 1 {
        return array;
    }
    let mut count = entries * dims.iter().product::<usize>();
    for &d in dims.iter().rev() {
        count /= d.max(1);
        let offsets = (0..=count).map(|i| (i * d) as u32).collect();
        array = Array::List {
            offsets: std::sync::Arc::new(offsets),
            content: Box::new(array),
        };
    }
    array
}

/// Converts `n` big-endian values.
fn bulk(prim: DType, data: &[u8], n: usize, what: &str) -> Result<Values> {
    let need = n.saturating_mul(prim.size());
    let bytes = data.get(..need).ok_or_else(|| {
        Error::format(format!(
            "{what}: needed {need} bytes for {n} values of {} but the basket has {}",
            uproot_name(prim),
            data.len()
        ))
    })?;
    let mut v = Values::with_capacity(prim, n);
    append_be(&mut v, bytes);
    Ok(v)
}

/// Appends big-endian values (the slice length is a multiple of the size).
pub(crate) fn append_be(values: &mut Values, bytes: &[u8]) {
    macro_rules! conv {
        ($v:expr, $t:ty) => {{
            const S: usize = std::mem::size_of::<$t>();
            $v.extend(
                bytes
                    .chunks_exact(S)
                    .map(|c| <$t>::from_be_bytes(c.try_into().expect("chunk size"))),
            )
        }};
    }
    match values {
        Values::Bool(v) => v.extend(bytes.iter().map(|&b| b != 0)),
        Values::I8(v) => v.extend(bytes.iter().map(|&b| b as i8)),
        Values::U8(v) => v.extend_from_slice(bytes),
        Values::I16(v) => conv!(v, i16),
        Values::U16(v) => conv!(v, u16),
        Values::I32(v) => conv!(v, i32),
        Values::U32(v) => conv!(v, u32),
        Values::I64(v) => conv!(v, i64),
        Values::U64(v) => conv!(v, u64),
        Values::F32(v) => conv!(v, f32),
        Values::F64(v) => conv!(v, f64),
    }
}

fn decode_truncated(
    t: &Truncation,
    dims: &[usize],
    jagged: bool,
    data: &[u8],
    offsets: Option<&[u32]>,
    entries: usize,
    what: &str,
) -> Result<Array> {
    let mut out: Vec<f64> = Vec::new();
    let mut list = vec![0u32];
    let per: usize = dims.iter().product::<usize>().max(1);
    if jagged {
        let offsets = offsets.ok_or_else(|| {
            Error::Unsupported(format!(
                "{what}: a variable-length array without entry offsets"
            ))
        })?;
        for w in offsets.windows(2) {
            let mut c = Cursor::new(&data[w[0] as usize..w[1] as usize], 0, what);
            let before = out.len();
            while c.remaining() > 0 {
                out.push(read_truncated(&mut c, t)?);
            }
            list.push(
                ((out.len() - before) / per + (list.last().copied().unwrap_or(0) as usize)) as u32,
            );
        }
        let n = *list.last().unwrap_or(&0) as usize;
        let content = wrap_fixed(Array::Flat(Values::F64(out)), dims, n);
        return Ok(Array::List {
            offsets: list.into(),
            content: Box::new(content),
        });
    }
    let mut c = Cursor::new(data, 0, what);
    for _ in 0..entries.saturating_mul(per) {
        out.push(read_truncated(&mut c, t)?);
    }
    let values = if t.float16 {
        Values::F32(out.into_iter().map(|x| x as f32).collect())
    } else {
        Values::F64(out)
    };
    Ok(wrap_fixed(Array::Flat(values), dims, entries))
}

/// One Float16_t / Double32_t value, following ROOT's TBufferFile rules.
fn read_truncated(c: &mut Cursor, t: &Truncation) -> Result<f64> {
    if t.has_range && t.max > t.min {
        // Packed into an integer over [min, max].
        let factor = if t.nbits >= 32 {
            u32::MAX as f64 / (t.max - t.min)
        } else {
            (1u64 << t.nbits) as f64 / (t.max - t.min)
        };
        let raw = c.u32()?;
        return Ok(t.min + raw as f64 / factor);
    }
    if t.float16 || (t.has_range && t.nbits < 32) {
        // Exponent byte and truncated mantissa.
        let exp = c.u8()? as u32;
        let man = c.u16()? as u32;
        let nbits = t.nbits.min(22);
        let mut bits = exp << 23;
        bits |= (man & ((1 << (nbits + 1)) - 1)) << (23 - nbits);
        let mut f = f32::from_bits(bits);
        if (1 << (nbits + 1)) & man != 0 {
            f = -f;
        }
        return Ok(f as f64);
    }
    Ok(c.f32()? as f64)
}

/// Collects objects of a container type into arrays as they are read.
enum Builder {
    Flat(Values),
    Strings(Vec<String>),
    List {
        offsets: Vec<u32>,
        content: Box<Builder>,
    },
    Map {
        offsets: Vec<u32>,
        keys: Box<Builder>,
        values: Box<Builder>,
    },
    /// A class: one builder per member.
    Struct(Vec<(String, Builder)>),
}

impl Builder {
    fn new(ty: &CppType) -> Builder {
        match ty {
            CppType::Prim(p) => Builder::Flat(Values::empty(*p)),
            CppType::Double32 => Builder::Flat(Values::F64(Vec::new())),
            CppType::StdString | CppType::TString => Builder::Strings(Vec::new()),
            CppType::Vector(t) | CppType::RVec(t) | CppType::Set(t) => Builder::List {
                offsets: vec![0],
                content: Box::new(Builder::new(t)),
            },
            CppType::Map(k, v) => Builder::Map {
                offsets: vec![0],
                keys: Box::new(Builder::new(k)),
                values: Box::new(Builder::new(v)),
            },
            CppType::Array(t, _) => Builder::List {
                offsets: vec![0],
                content: Box::new(Builder::new(t)),
            },
            CppType::Struct(_, fields) => Builder::Struct(
                fields
                    .iter()
                    .map(|(n, t)| (n.clone(), Builder::new(t)))
                    .collect(),
            ),
        }
    }

    fn finish(self) -> Array {
        match self {
            Builder::Flat(v) => Array::Flat(v),
            Builder::Strings(v) => Array::Strings(v),
            Builder::List { offsets, content } => Array::List {
                offsets: offsets.into(),
                content: Box::new(content.finish()),
            },
            Builder::Map {
                offsets,
                keys,
                values,
            } => Array::List {
                offsets: offsets.into(),
                content: Box::new(Array::Record(vec![
                    ("keys".into(), keys.finish()),
                    ("values".into(), values.finish()),
                ])),
            },
            // Base classes without members of their own (TObject) leave no field.
            Builder::Struct(fields) => Array::Record(
                fields
                    .into_iter()
                    .map(|(n, b)| (n, b.finish()))
                    .filter(|(_, a)| !matches!(a, Array::Record(f) if f.is_empty()))
                    .collect(),
            ),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Flat(v) => v.len(),
            Builder::Strings(v) => v.len(),
            Builder::List { offsets, .. } | Builder::Map { offsets, .. } => offsets.len() - 1,
            Builder::Struct(fields) => fields.first().map_or(0, |(_, b)| b.len()),
        }
    }

    /// Reads one object of type `ty`; `header` is true for the outermost
    /// object of an entry, which carries a byte count and version.
    fn read(&mut self, c: &mut Cursor, ty: &CppType, header: bool) -> Result<()> {
        match (self, ty) {
            (Builder::Flat(v), CppType::Prim(p)) => {
                let bytes = c.bytes(p.size())?;
                append_be(v, bytes);
            }
            (Builder::Flat(Values::F64(v)), CppType::Double32) => v.push(c.f32()? as f64),
            (Builder::Strings(v), CppType::StdString | CppType::TString) => {
                if header && matches!(ty, CppType::StdString) {
                    c.version()?;
                }
                v.push(c.string()?);
            }
            (
                Builder::List { offsets, content },
                CppType::Vector(t) | CppType::RVec(t) | CppType::Set(t),
            ) => {
                if header {
                    let v = c.version()?;
                    if v.version & MEMBERWISE != 0 {
                        return Err(c.error(format!(
                            "member-wise streamed {} is not supported",
                            ty.name()
                        )));
                    }
                }
                let n = c.count(1)?;
                if let (CppType::Prim(p), Builder::Flat(values)) = (&**t, &mut **content) {
                    let bytes = c.bytes(
                        n.checked_mul(p.size())
                            .ok_or_else(|| c.error("length overflow"))?,
                    )?;
                    append_be(values, bytes);
                } else {
                    for _ in 0..n {
                        content.read(c, t, false)?;
                    }
                }
                let total = u32::try_from(content.len()).map_err(|_| c.error("too many values"))?;
                offsets.push(total);
            }
            (
                Builder::Map {
                    offsets,
                    keys,
                    values,
                },
                CppType::Map(kt, vt),
            ) => {
                let mut memberwise = false;
                if header {
                    let v = c.version()?;
                    memberwise = v.version & MEMBERWISE != 0;
                    if memberwise {
                        c.skip(6)?; // the pair's class version and checksum
                    }
                }
                let n = c.count(1)?;
                if memberwise {
                    // Each block of non-numeric members starts with its own
                    // byte count and version.
                    let block_header = |t: &CppType| {
                        !matches!(t, CppType::Prim(_) | CppType::Double32 | CppType::TString)
                    };
                    if block_header(kt) {
                        c.skip(6)?;
                    }
                    for _ in 0..n {
                        keys.read(c, kt, false)?;
                    }
                    if block_header(vt) {
                        c.skip(6)?;
                    }
                    for _ in 0..n {
                        values.read(c, vt, false)?;
                    }
                } else {
                    for _ in 0..n {
                        keys.read(c, kt, false)?;
                        values.read(c, vt, false)?;
                    }
                }
                let total = u32::try_from(keys.len()).map_err(|_| c.error("too many values"))?;
                offsets.push(total);
            }
            (Builder::List { offsets, content }, CppType::Array(t, n)) => {
                for _ in 0..*n {
                    content.read(c, t, false)?;
                }
                let total = u32::try_from(content.len()).map_err(|_| c.error("too many values"))?;
                offsets.push(total);
            }
            (Builder::Struct(_), CppType::Struct(name, _)) if name == "TObject" => c.tobject()?,
            (Builder::Struct(_), CppType::Struct(name, _)) if name == "TNamed" => {
                c.tnamed()?;
            }
            (Builder::Struct(builders), CppType::Struct(_, fields)) => {
                let v = if header { Some(c.version()?) } else { None };
                for ((_, b), (_, t)) in builders.iter_mut().zip(fields) {
                    // Objects and STL members carry their own byte count and version.
                    let own_header = matches!(
                        t,
                        CppType::Struct(..)
                            | CppType::Vector(_)
                            | CppType::RVec(_)
                            | CppType::Set(_)
                            | CppType::Map(..)
                            | CppType::StdString
                    );
                    b.read(c, t, own_header)?;
                }
                if let Some(v) = v {
                    c.finish(v)?;
                }
            }
            (_, ty) => {
                return Err(c.error(format!("internal: builder does not match {}", ty.name())))
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_arrays_become_regular_lists() {
        let data: Vec<u8> = (1..=6i32).flat_map(|i| i.to_be_bytes()).collect();
        let interp = Interpretation::Fixed {
            prim: DType::I32,
            dims: vec![3],
        };
        let a = decode_basket(&interp, &data, None, 2, "t").unwrap();
        assert_eq!(a.counts().unwrap(), vec![3, 3]);
        assert_eq!(a.display(1), "[4, 5, 6]");
        // Too few bytes is an error.
        assert!(decode_basket(&interp, &data[..20], None, 2, "t").is_err());
    }

    #[test]
    fn vector_entries_check_their_lengths() {
        let mut data = vec![0x40, 0, 0, 10, 0, 9];
        data.extend(2i32.to_be_bytes());
        data.extend(1.5f32.to_be_bytes());
        data.extend(2.5f32.to_be_bytes());
        let ty = CppType::Vector(Box::new(CppType::Prim(DType::F32)));
        let a = decode_basket(
            &Interpretation::Container(ty.clone()),
            &data,
            Some(&[0, 18]),
            1,
            "t",
        )
        .unwrap();
        assert_eq!(a.display(0), "[1.5, 2.5]");
        // A length that disagrees with the entry size is an error.
        data[9] = 3;
        assert!(decode_basket(
            &Interpretation::Container(ty),
            &data,
            Some(&[0, 18]),
            1,
            "t"
        )
        .is_err());
    }
}
