//! RNTuples being written (on-disk format 1.0, as ROOT 6.34+ and uproot 5.7
//! read it): fields of numbers, strings, `std::vector`s and records.
//!
//! Entries accumulate per column; a cluster is written when enough entries
//! are pending (and at the end): every column's elements cut into pages,
//! encoded as ROOT's writer does by default (byte-split floats and integers,
//! zigzag for signed integers, delta-encoded 64-bit offsets, packed bits for
//! bools; plain encodings when the file is not compressed), compressed in
//! parallel, each with an XXH3-64 checksum, and stored together in one
//! `RBlob` key. At the end the page list, footer and the `ROOT::RNTuple`
//! anchor are written, with one cluster group.

use super::compress::{compress, Compression};
use super::file::{DirId, FileWriter};
use super::rntuple_envelope::{anchor, encode_page, envelope, Envelope, LeBuf, Link};
use crate::error::{Error, Result};
use crate::rntuple::column_type::ColumnType;
use hepkey_column::{Array, DType, Values};
use std::ops::Range;

/// Pages hold at most this many uncompressed bytes (ROOT's default maximum).
const MAX_PAGE_BYTES: usize = 1 << 20;
/// The largest payload of one key ROOT's readers accept by default (1 GiB).
const MAX_KEY_SIZE: u64 = 1 << 30;
/// Pages are stored together in keys of at most this many bytes (key sizes are 32-bit).
const MAX_BLOB_BYTES: usize = 256 << 20;
/// Pending uncompressed bytes after which a cluster is written whatever its entries.
pub(crate) const MAX_CLUSTER_BYTES: usize = 512 << 20;

/// What a field holds.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    /// One number (or bool) per item.
    Number(DType),
    /// `std::string`.
    String,
    /// `std::vector` of items of the inner kind (the subfield `_0`).
    Vector(Box<FieldKind>),
    /// A record (struct) with named members.
    Record(Vec<FieldSpec>),
}

/// A field to declare.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    pub name: String,
    pub kind: FieldKind,
}

impl FieldSpec {
    pub fn number(name: &str, dtype: DType) -> Self {
        Self::new(name, FieldKind::Number(dtype))
    }
    pub fn string(name: &str) -> Self {
        Self::new(name, FieldKind::String)
    }
    /// `std::vector<item>`.
    pub fn vector(name: &str, item: FieldKind) -> Self {
        Self::new(name, FieldKind::Vector(Box::new(item)))
    }
    pub fn record(name: &str, members: Vec<FieldSpec>) -> Self {
        Self::new(name, FieldKind::Record(members))
    }
    pub fn new(name: &str, kind: FieldKind) -> Self {
        FieldSpec {
            name: name.into(),
            kind,
        }
    }

    /// The field that stores `array` (lists as vectors, records by member).
    pub fn of_array(name: &str, array: &Array) -> Result<Self> {
        Ok(Self::new(
            name,
            kind_of(array).map_err(|e| e.context(name))?,
        ))
    }
}

fn kind_of(array: &Array) -> Result<FieldKind> {
    Ok(match array {
        Array::Flat(v) => FieldKind::Number(v.dtype()),
        Array::Strings(_) => FieldKind::String,
        Array::List { content, .. } => FieldKind::Vector(Box::new(kind_of(content)?)),
        Array::Record(members) => FieldKind::Record(
            members
                .iter()
                .map(|(n, a)| FieldSpec::of_array(n, a))
                .collect::<Result<_>>()?,
        ),
        Array::Optional { .. } => {
            return Err(Error::Unsupported(
                "optional items cannot be written to an RNTuple yet".into(),
            ))
        }
        Array::Union { .. } => {
            return Err(Error::Unsupported(
                "unions (std::variant) cannot be written to an RNTuple yet".into(),
            ))
        }
    })
}

/// The C++ type name ROOT gives a field kind; records are untyped (empty
/// name), and so is anything holding one, as uproot writes them.
fn type_name(kind: &FieldKind) -> String {
    fn inner(kind: &FieldKind) -> Option<String> {
        Some(match kind {
            FieldKind::Number(d) => match d {
                DType::Bool => "bool",
                DType::I8 => "std::int8_t",
                DType::U8 => "std::uint8_t",
                DType::I16 => "std::int16_t",
                DType::U16 => "std::uint16_t",
                DType::I32 => "std::int32_t",
                DType::U32 => "std::uint32_t",
                DType::I64 => "std::int64_t",
                DType::U64 => "std::uint64_t",
                DType::F32 => "float",
                DType::F64 => "double",
            }
            .to_string(),
            FieldKind::String => "std::string".into(),
            FieldKind::Vector(item) => format!("std::vector<{}>", inner(item)?),
            FieldKind::Record(_) => return None,
        })
    }
    inner(kind).unwrap_or_default()
}

/// The column type of numbers, split where ROOT splits by default.
fn number_column(d: DType, split: bool) -> ColumnType {
    use ColumnType::*;
    let (plain, split_type) = match d {
        DType::Bool => (Bit, Bit),
        DType::I8 => (Int8, Int8),
        DType::U8 => (UInt8, UInt8),
        DType::I16 => (Int16, SplitInt16),
        DType::U16 => (UInt16, SplitUInt16),
        DType::I32 => (Int32, SplitInt32),
        DType::U32 => (UInt32, SplitUInt32),
        DType::I64 => (Int64, SplitInt64),
        DType::U64 => (UInt64, SplitUInt64),
        DType::F32 => (Real32, SplitReal32),
        DType::F64 => (Real64, SplitReal64),
    };
    if split {
        split_type
    } else {
        plain
    }
}

fn type_code(t: ColumnType) -> u16 {
    use ColumnType::*;
    match t {
        Bit => 0x00,
        Byte => 0x01,
        Char => 0x02,
        Int8 => 0x03,
        UInt8 => 0x04,
        Int16 => 0x05,
        UInt16 => 0x06,
        Int32 => 0x07,
        UInt32 => 0x08,
        Int64 => 0x09,
        UInt64 => 0x0A,
        Real16 => 0x0B,
        Real32 => 0x0C,
        Real64 => 0x0D,
        Index32 => 0x0E,
        Index64 => 0x0F,
        Switch => 0x10,
        SplitInt16 => 0x11,
        SplitUInt16 => 0x12,
        SplitInt32 => 0x13,
        SplitUInt32 => 0x14,
        SplitInt64 => 0x15,
        SplitUInt64 => 0x16,
        SplitReal16 => 0x17,
        SplitReal32 => 0x18,
        SplitReal64 => 0x19,
        SplitIndex32 => 0x1A,
        SplitIndex64 => 0x1B,
        Real32Trunc => 0x1C,
        Real32Quant => 0x1D,
    }
}

/// Bits per element on storage.
fn bits(t: ColumnType) -> u16 {
    if t == ColumnType::Bit {
        1
    } else {
        8 * t.element_bytes() as u16
    }
}

/// One field of the schema, in field ID order (depth first).
struct FieldRecord {
    parent: usize,
    role: u16,
    name: String,
    type_name: String,
}

/// A column and its entries not yet written.
struct ColumnState {
    ty: ColumnType,
    field: usize,
    /// Pending elements as little-endian bytes (one byte per bool).
    pending: Vec<u8>,
    /// Elements written in earlier clusters.
    written: u64,
    /// For offset columns: the running item count within the cluster.
    cluster_items: u64,
}

impl ColumnState {
    fn elements(&self) -> u64 {
        let w = self.ty.element_bytes().max(1);
        (self.pending.len() / w) as u64
    }
}

/// How a declared field is filled: its kind and its columns.
#[derive(Debug)]
enum Plan {
    Number { column: usize, dtype: DType },
    String { offsets: usize, chars: usize },
    Vector { offsets: usize, item: Box<Plan> },
    Record(Vec<(String, Plan)>),
}

/// One page's place in the file.
struct PageRecord {
    elements: u32,
    offset: u64,
    stored_len: u64,
}

/// A written cluster: entries and, per column, its pages and first element.
struct ClusterRecord {
    first_entry: u64,
    entries: u64,
    columns: Vec<(u64, Vec<PageRecord>)>,
}

/// An RNTuple being written.
pub(crate) struct NTupleBuilder {
    pub dir: DirId,
    pub name: String,
    fields: Vec<FieldRecord>,
    columns: Vec<ColumnState>,
    plans: Vec<(String, Plan)>,
    compression: Compression,
    entries: u64,
    flushed_entries: u64,
    clusters: Vec<ClusterRecord>,
    header: Link,
    header_checksum: u64,
}

impl NTupleBuilder {
    /// Declares the schema and writes the header envelope.
    pub fn new(
        file: &mut FileWriter,
        dir: DirId,
        name: &str,
        specs: Vec<FieldSpec>,
    ) -> Result<NTupleBuilder> {
        let compression = file.compression();
        let mut b = NTupleBuilder {
            dir,
            name: name.into(),
            fields: Vec::new(),
            columns: Vec::new(),
            plans: Vec::new(),
            compression,
            entries: 0,
            flushed_entries: 0,
            clusters: Vec::new(),
            header: Link::default(),
            header_checksum: 0,
        };
        for (i, s) in specs.iter().enumerate() {
            if specs[..i].iter().any(|o| o.name == s.name) {
                return Err(Error::format(format!(
                    "RNTuple {name}: field {:?} declared twice",
                    s.name
                )));
            }
            let plan = b.declare(s, None)?;
            b.plans.push((s.name.clone(), plan));
        }
        let payload = b.header_payload();
        let (env, checksum) = envelope(Envelope::Header, &payload);
        b.header = write_blob(file, &env, compression)?;
        b.header_checksum = checksum;
        Ok(b)
    }

    /// Adds a field (and its subfields and columns), depth first.
    fn declare(&mut self, spec: &FieldSpec, parent: Option<usize>) -> Result<Plan> {
        if spec.name.is_empty() || spec.name.contains('.') {
            return Err(Error::format(format!(
                "RNTuple {}: field name {:?} must be non-empty and without dots",
                self.name, spec.name
            )));
        }
        let id = self.fields.len();
        let role = match spec.kind {
            FieldKind::Vector(_) => 1,
            FieldKind::Record(_) => 2,
            _ => 0,
        };
        self.fields.push(FieldRecord {
            parent: parent.unwrap_or(id),
            role,
            name: spec.name.clone(),
            type_name: type_name(&spec.kind),
        });
        let split = self.compression != Compression::None;
        let index = if split {
            ColumnType::SplitIndex64
        } else {
            ColumnType::Index64
        };
        Ok(match &spec.kind {
            FieldKind::Number(d) => Plan::Number {
                column: self.add_column(number_column(*d, split), id),
                dtype: *d,
            },
            FieldKind::String => Plan::String {
                offsets: self.add_column(index, id),
                chars: self.add_column(ColumnType::Char, id),
            },
            FieldKind::Vector(item) => {
                let offsets = self.add_column(index, id);
                let item = self.declare(&FieldSpec::new("_0", (**item).clone()), Some(id))?;
                Plan::Vector {
                    offsets,
                    item: Box::new(item),
                }
            }
            FieldKind::Record(members) => {
                let mut plans = Vec::new();
                for (i, m) in members.iter().enumerate() {
                    if members[..i].iter().any(|o| o.name == m.name) {
                        return Err(Error::format(format!(
                            "RNTuple {}: member {:?} of {:?} declared twice",
                            self.name, m.name, spec.name
                        )));
                    }
                    plans.push((m.name.clone(), self.declare(m, Some(id))?));
                }
                Plan::Record(plans)
            }
        })
    }

    fn add_column(&mut self, ty: ColumnType, field: usize) -> usize {
        self.columns.push(ColumnState {
            ty,
            field,
            pending: Vec::new(),
            written: 0,
            cluster_items: 0,
        });
        self.columns.len() - 1
    }

    fn header_payload(&self) -> Vec<u8> {
        let mut b = LeBuf::default();
        b.u64(0); // feature flags
        b.string(&self.name);
        b.string(""); // description
        b.string(concat!("hepkey ", env!("CARGO_PKG_VERSION")));
        b.list(self.fields.len(), |b| {
            for f in &self.fields {
                b.record(|b| {
                    b.u32(0); // field version
                    b.u32(0); // type version
                    b.u32(f.parent as u32);
                    b.u16(f.role);
                    b.u16(0); // flags
                    b.string(&f.name);
                    b.string(&f.type_name);
                    b.string(""); // type alias
                    b.string(""); // description
                });
            }
        });
        b.list(self.columns.len(), |b| {
            for c in &self.columns {
                b.record(|b| {
                    b.u16(type_code(c.ty));
                    b.u16(bits(c.ty));
                    b.u32(c.field as u32);
                    b.u16(0); // flags
                    b.u16(0); // representation
                });
            }
        });
        b.list(0, |_| {}); // alias columns
        b.list(0, |_| {}); // extra type information
        b.data
    }

    pub fn pending_entries(&self) -> u64 {
        self.entries - self.flushed_entries
    }

    /// Uncompressed bytes of the pending entries.
    pub fn pending_bytes(&self) -> usize {
        self.columns.iter().map(|c| c.pending.len()).sum()
    }

    /// Appends entries: one array per declared field, in order.
    pub fn append(&mut self, arrays: &[Array]) -> Result<()> {
        if arrays.len() != self.plans.len() {
            return Err(Error::format(format!(
                "RNTuple {}: {} columns given for {} fields",
                self.name,
                arrays.len(),
                self.plans.len()
            )));
        }
        let n = arrays.first().map_or(0, Array::len);
        for ((name, plan), a) in self.plans.iter().zip(arrays) {
            if a.len() != n {
                return Err(Error::format(format!(
                    "RNTuple {}: field {name:?} has {} entries, the first has {n}",
                    self.name,
                    a.len()
                )));
            }
            check(plan, a).map_err(|e| {
                Error::format(format!("RNTuple {}, field {name:?}: {e}", self.name))
            })?;
        }
        let plans = std::mem::take(&mut self.plans);
        for ((_, plan), a) in plans.iter().zip(arrays) {
            fill(&mut self.columns, plan, a, 0..n);
        }
        self.plans = plans;
        self.entries += n as u64;
        Ok(())
    }

    /// Writes the pending entries as one cluster.
    pub fn flush(&mut self, file: &mut FileWriter) -> Result<()> {
        let entries = self.pending_entries();
        if entries == 0 {
            return Ok(());
        }
        let compression = self.compression;
        // Encode and compress every page in parallel; write them in order.
        let jobs: Vec<(usize, usize)> = self
            .columns
            .iter()
            .enumerate()
            .flat_map(|(c, col)| {
                let w = col.ty.element_bytes().max(1);
                let per_page = (MAX_PAGE_BYTES / w).max(1) * w;
                let pages = col.pending.len().div_ceil(per_page);
                (0..pages).map(move |p| (c, p * per_page))
            })
            .collect();
        let pages: Vec<(usize, u32, Vec<u8>)> = par_map(&jobs, |&(c, start)| {
            let col = &self.columns[c];
            let w = col.ty.element_bytes().max(1);
            let per_page = (MAX_PAGE_BYTES / w).max(1) * w;
            let raw = &col.pending[start..(start + per_page).min(col.pending.len())];
            let stored = compress(&encode_page(col.ty, raw), compression);
            (c, (raw.len() / w) as u32, stored)
        });
        let mut columns: Vec<(u64, Vec<PageRecord>)> = self
            .columns
            .iter()
            .map(|c| (c.written, Vec::new()))
            .collect();
        // Pages (each followed by its checksum) go into few keys, in order.
        let mut blob = Vec::new();
        let mut layout = Vec::new();
        let mut pages = pages.into_iter().peekable();
        while let Some((c, elements, stored)) = pages.next() {
            let at = blob.len() as u64;
            let checksum = xxhash_rust::xxh3::xxh3_64(&stored);
            blob.extend_from_slice(&stored);
            blob.extend_from_slice(&checksum.to_le_bytes());
            layout.push((c, elements, at, stored.len() as u64));
            let full = pages
                .peek()
                .is_none_or(|next| blob.len() + next.2.len() + 8 > MAX_BLOB_BYTES);
            if full {
                let base = write_raw_blob(file, &blob)?;
                for (c, elements, at, stored_len) in layout.drain(..) {
                    columns[c].1.push(PageRecord {
                        elements,
                        offset: base + at,
                        stored_len,
                    });
                }
                blob.clear();
            }
        }
        for col in &mut self.columns {
            col.written += col.elements();
            col.pending.clear();
            col.cluster_items = 0;
        }
        self.clusters.push(ClusterRecord {
            first_entry: self.flushed_entries,
            entries,
            columns,
        });
        self.flushed_entries = self.entries;
        Ok(())
    }

    /// Writes the last cluster, the page list and footer; returns the anchor
    /// object to store under the RNTuple's key.
    pub fn finish(mut self, file: &mut FileWriter) -> Result<Vec<u8>> {
        self.flush(file)?;
        let compression = self.compression.setting() as u32;
        let mut b = LeBuf::default();
        b.u64(self.header_checksum);
        b.list(self.clusters.len(), |b| {
            for c in &self.clusters {
                b.record(|b| {
                    b.u64(c.first_entry);
                    b.u64(c.entries);
                });
            }
        });
        b.list(self.clusters.len(), |b| {
            for c in &self.clusters {
                b.list(c.columns.len(), |b| {
                    for (first_element, pages) in &c.columns {
                        b.list(pages.len(), |b| {
                            for p in pages {
                                b.i32(-(p.elements as i32)); // negative: with checksum
                                b.locator(p.offset, p.stored_len);
                            }
                            b.i64(*first_element as i64);
                            b.u32(compression);
                        });
                    }
                });
            }
        });
        // Without clusters, no cluster group (as ROOT writes an empty RNTuple).
        let page_list = if self.clusters.is_empty() {
            None
        } else {
            let (env, _) = envelope(Envelope::PageList, &b.data);
            Some(write_blob(file, &env, self.compression)?)
        };

        let mut b = LeBuf::default();
        b.u64(0); // feature flags
        b.u64(self.header_checksum);
        b.record(|b| {
            for _ in 0..4 {
                b.list(0, |_| {}); // no schema extension
            }
        });
        b.list(page_list.iter().len(), |b| {
            for link in page_list.iter() {
                b.record(|b| {
                    b.u64(0); // first entry
                    b.u64(self.entries);
                    b.u32(self.clusters.len() as u32);
                    b.u64(link.len);
                    b.locator(link.offset, link.stored_len);
                });
            }
        });
        let (env, _) = envelope(Envelope::Footer, &b.data);
        let footer = write_blob(file, &env, self.compression)?;
        Ok(anchor(self.header, footer, MAX_KEY_SIZE))
    }
}

/// Compresses and writes an envelope as an `RBlob` key.
fn write_blob(file: &mut FileWriter, env: &[u8], compression: Compression) -> Result<Link> {
    let stored = compress(env, compression);
    let offset = write_raw_blob(file, &stored)?;
    Ok(Link {
        offset,
        stored_len: stored.len() as u64,
        len: env.len() as u64,
    })
}

/// Writes bytes under an `RBlob` key (not listed in any directory, as ROOT
/// stores RNTuple pages and envelopes); returns where the bytes start.
fn write_raw_blob(file: &mut FileWriter, bytes: &[u8]) -> Result<u64> {
    let seek = file.position();
    let keylen = super::file::key_len("RBlob", "", "");
    let header = super::file::key_header(
        super::file::KeySizes {
            nbytes: (keylen + bytes.len()) as i32,
            objlen: bytes.len() as i32,
            keylen: keylen as i16,
            seek,
            pdir: 100,
        },
        "RBlob",
        "",
        "",
    );
    file.write_raw(&header)?;
    file.write_raw(bytes)?;
    Ok(seek + keylen as u64)
}

/// Checks that an array has the shape and types a field's plan expects.
fn check(plan: &Plan, a: &Array) -> std::result::Result<(), String> {
    match (plan, a) {
        (Plan::Number { dtype, .. }, Array::Flat(v)) if v.dtype() == *dtype => Ok(()),
        (Plan::String { .. }, Array::Strings(_)) => Ok(()),
        (Plan::Vector { item, .. }, Array::List { content, .. }) => check(item, content),
        (Plan::Record(members), Array::Record(fields)) => {
            for (name, p) in members {
                let Some((_, m)) = fields.iter().find(|(n, _)| n == name) else {
                    return Err(format!("the record has no member {name:?}"));
                };
                if m.len() != a.len() {
                    return Err(format!(
                        "member {name:?} has {} items, not {}",
                        m.len(),
                        a.len()
                    ));
                }
                check(p, m).map_err(|e| format!("member {name:?}: {e}"))?;
            }
            Ok(())
        }
        (p, a) => Err(format!("expected {}, got {}", expected(p), shape(a))),
    }
}

fn expected(p: &Plan) -> String {
    match p {
        Plan::Number { dtype, .. } => format!("numbers of {}", dtype.name()),
        Plan::String { .. } => "strings".into(),
        Plan::Vector { item, .. } => format!("lists of {}", expected(item)),
        Plan::Record(_) => "a record".into(),
    }
}

fn shape(a: &Array) -> String {
    match a {
        Array::Flat(v) => format!("numbers of {}", v.dtype().name()),
        Array::Strings(_) => "strings".into(),
        Array::List { content, .. } => format!("lists of {}", shape(content)),
        Array::Record(_) => "a record".into(),
        Array::Optional { .. } => "optional items".into(),
        Array::Union { .. } => "unions".into(),
    }
}

/// Appends items `range` of a (checked) array to the columns of its plan.
fn fill(columns: &mut [ColumnState], plan: &Plan, a: &Array, range: Range<usize>) {
    match (plan, a) {
        (Plan::Number { column, .. }, Array::Flat(v)) => {
            push_le(&mut columns[*column].pending, v, range)
        }
        (Plan::String { offsets, chars }, Array::Strings(s)) => {
            for s in &s[range] {
                let col = &mut columns[*offsets];
                col.cluster_items += s.len() as u64;
                let end = col.cluster_items;
                col.pending.extend_from_slice(&end.to_le_bytes());
                columns[*chars].pending.extend_from_slice(s.as_bytes());
            }
        }
        (
            Plan::Vector { offsets, item },
            Array::List {
                offsets: o,
                content,
            },
        ) => {
            let col = &mut columns[*offsets];
            for w in o[range.start..=range.end].windows(2) {
                col.cluster_items += (w[1] - w[0]) as u64;
                let end = col.cluster_items;
                col.pending.extend_from_slice(&end.to_le_bytes());
            }
            let items = o[range.start] as usize..o[range.end] as usize;
            fill(columns, item, content, items);
        }
        (Plan::Record(members), Array::Record(fields)) => {
            for (name, p) in members {
                if let Some((_, m)) = fields.iter().find(|(n, _)| n == name) {
                    fill(columns, p, m, range.clone());
                }
            }
        }
        _ => unreachable!("arrays are checked before filling"),
    }
}

/// Appends values as little-endian bytes (bools as one byte, 0 or 1).
fn push_le(out: &mut Vec<u8>, v: &Values, r: Range<usize>) {
    macro_rules! le {
        ($x:expr) => {
            $x[r]
                .iter()
                .for_each(|v| out.extend_from_slice(&v.to_le_bytes()))
        };
    }
    match v {
        Values::Bool(x) => out.extend(x[r].iter().map(|&b| b as u8)),
        Values::I8(x) => out.extend(x[r].iter().map(|&b| b as u8)),
        Values::U8(x) => out.extend_from_slice(&x[r]),
        Values::I16(x) => le!(x),
        Values::U16(x) => le!(x),
        Values::I32(x) => le!(x),
        Values::U32(x) => le!(x),
        Values::I64(x) => le!(x),
        Values::U64(x) => le!(x),
        Values::F32(x) => le!(x),
        Values::F64(x) => le!(x),
    }
}

fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "native")]
    {
        use rayon::prelude::*;
        items.par_iter().map(f).collect()
    }
    #[cfg(not(feature = "native"))]
    {
        items.iter().map(f).collect()
    }
}
