//! RNTuple fields assembled into the shared column types ([`Array`]), with
//! the reading API of [`Tree`](crate::Tree): `numeric_columns`, `read`,
//! `read_many`, `chunk_ranges`.
//!
//! Names are uproot's dotted names (as [`RNTuple::leaves`] gives them) plus
//! every field above a leaf (`lorentz_vector` reads the whole record). A name
//! shared by a field and its transparent `_0` child (`Jet_pt` and its
//! items) means the outer field. Reading a name reads only the columns of
//! that field and the offsets of the collections above it, and only the
//! clusters covering the entry range; the result is cut to the range, with
//! list offsets starting at 0.

use super::column_type::ElementKind;
use super::schema::Role;
use super::values::ColumnValues;
use super::{OffsetsProblem, RNTuple};
use crate::error::{Error, Result};
use hepkey_column::{Array, DType, Values};
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

/// A leaf name with what [`RNTuple::numeric_columns`] and listings need,
/// found from the schema alone.
#[derive(Clone, Debug)]
pub struct LeafName {
    /// uproot's dotted name.
    pub path: String,
    /// The field holding the values.
    pub field: usize,
    /// Type name of the field the name ends at.
    pub type_name: String,
    /// Collection and fixed-size array levels above the values.
    pub depth: usize,
    /// The element type when the values are numbers (or bools) and no
    /// optional or variant lies on the way.
    pub dtype: Option<DType>,
}

/// The names of an RNTuple: its leaves in field order, and every dotted
/// name mapped to the outermost field it names.
#[derive(Clone, Debug, Default)]
pub(crate) struct Names {
    pub leaves: Vec<LeafName>,
    pub by_name: HashMap<String, usize>,
}

fn is_optional(type_name: &str) -> bool {
    type_name.starts_with("std::optional<") || type_name.starts_with("std::unique_ptr<")
}

/// The name part a child adds: nothing for the `_0` of a collection, array
/// or wrapper; `N` for the `_N` member of a tuple or pair.
fn child_path(parent: &str, child: &str, transparent: bool) -> String {
    if transparent && child == "_0" {
        return parent.to_string();
    }
    let member_number =
        child.len() > 1 && child.starts_with('_') && child[1..].chars().all(|c| c.is_ascii_digit());
    let part = if member_number && !transparent {
        &child[1..]
    } else {
        child
    };
    format!("{parent}.{part}")
}

fn dtype_of(kind: ElementKind) -> Option<DType> {
    Some(match kind {
        ElementKind::Bool => DType::Bool,
        ElementKind::I8 => DType::I8,
        ElementKind::U8 | ElementKind::Byte | ElementKind::Char => DType::U8,
        ElementKind::I16 => DType::I16,
        ElementKind::U16 => DType::U16,
        ElementKind::I32 => DType::I32,
        ElementKind::U32 => DType::U32,
        ElementKind::I64 => DType::I64,
        ElementKind::U64 => DType::U64,
        ElementKind::F32 => DType::F32,
        ElementKind::F64 => DType::F64,
        ElementKind::Index | ElementKind::Switch => return None,
    })
}

/// Decoded column data as shared values (offsets and switches are not values).
fn to_values(v: ColumnValues) -> Option<Values> {
    Some(match v {
        ColumnValues::Bool(v) => Values::Bool(v),
        ColumnValues::Byte(v) | ColumnValues::Char(v) | ColumnValues::U8(v) => Values::U8(v),
        ColumnValues::I8(v) => Values::I8(v),
        ColumnValues::I16(v) => Values::I16(v),
        ColumnValues::U16(v) => Values::U16(v),
        ColumnValues::I32(v) => Values::I32(v),
        ColumnValues::U32(v) => Values::U32(v),
        ColumnValues::I64(v) => Values::I64(v),
        ColumnValues::U64(v) => Values::U64(v),
        ColumnValues::F32(v) => Values::F32(v),
        ColumnValues::F64(v) => Values::F64(v),
        ColumnValues::Offsets(_) | ColumnValues::Switch(_) => return None,
    })
}

/// One item of the shape of `like`, standing in for a missing optional item.
fn placeholder(like: &Array) -> Array {
    match like {
        Array::Flat(v) => Array::Flat(Values::from(vec![0u8]).cast(v.dtype())),
        Array::Strings(_) => Array::Strings(vec![String::new()]),
        Array::List { content, .. } => Array::List {
            offsets: Arc::new(vec![0, 0]),
            content: Box::new(content.empty_like()),
        },
        Array::Record(fields) => Array::Record(
            fields
                .iter()
                .map(|(n, a)| (n.clone(), placeholder(a)))
                .collect(),
        ),
        Array::Optional { content, .. } => Array::Optional {
            valid: vec![false],
            content: Box::new(placeholder(content)),
        },
        Array::Union { alternatives, .. } => Array::Union {
            tags: vec![0],
            index: vec![0],
            alternatives: alternatives.iter().map(Array::empty_like).collect(),
        },
    }
}

impl RNTuple {
    /// Walks the schema (no data) for the names.
    pub(crate) fn build_names(&self) -> Names {
        let mut names = Names::default();
        for f in self.schema.top_level() {
            self.name_walk(
                f.id,
                f.name.clone(),
                f.type_name.clone(),
                0,
                true,
                &mut names,
                0,
            );
        }
        names
    }

    #[allow(clippy::too_many_arguments)]
    fn name_walk(
        &self,
        id: usize,
        path: String,
        type_name: String,
        depth: usize,
        numeric: bool,
        out: &mut Names,
        guard: usize,
    ) {
        if guard > 256 {
            return;
        }
        out.by_name.entry(path.clone()).or_insert(id);
        let f = &self.schema.fields[id];
        let child = |c: usize, transparent: bool| {
            let cf = &self.schema.fields[c];
            let p = child_path(&path, &cf.name, transparent);
            let t = if transparent && cf.name == "_0" {
                type_name.clone()
            } else {
                cf.type_name.clone()
            };
            (p, t)
        };
        match f.role {
            Role::Collection => {
                let numeric = numeric && !is_optional(&f.type_name);
                for &c in &f.children {
                    let (p, t) = child(c, true);
                    self.name_walk(c, p, t, depth + 1, numeric, out, guard + 1);
                }
            }
            Role::Record => {
                for &c in &f.children {
                    let (p, t) = child(c, false);
                    self.name_walk(c, p, t, depth, numeric, out, guard + 1);
                }
            }
            Role::Variant | Role::Streamer => out.leaves.push(LeafName {
                path,
                field: id,
                type_name,
                depth,
                dtype: None,
            }),
            Role::Leaf => {
                let depth = depth + usize::from(f.repetition.is_some());
                if f.columns.is_empty() {
                    for &c in &f.children {
                        let (p, t) = child(c, true);
                        self.name_walk(c, p, t, depth, numeric, out, guard + 1);
                    }
                    return;
                }
                let columns = self.schema.field_columns(id, 0);
                let dtype = if f.type_name.starts_with("ROOT::RNTupleCardinality<") {
                    Some(if f.type_name.contains("uint32") {
                        DType::U32
                    } else {
                        DType::U64
                    })
                } else if f.type_name == "std::string" || columns.len() != 1 {
                    None
                } else {
                    dtype_of(self.schema.columns[columns[0]].column_type.kind())
                };
                out.leaves.push(LeafName {
                    path,
                    field: id,
                    type_name,
                    depth,
                    dtype: dtype.filter(|_| numeric),
                });
            }
        }
    }

    /// Every leaf name (uproot's dotted names) with its type and depth, from
    /// the schema alone.
    pub fn leaf_names(&self) -> &[LeafName] {
        &self.names.leaves
    }

    /// Every leaf that reads as numbers (one or one list per entry): its
    /// dotted name, element type and whether entries are lists — what an
    /// expression engine can use, as [`Tree::numeric_columns`](crate::Tree::numeric_columns).
    pub fn numeric_columns(&self) -> impl Iterator<Item = (&str, DType, bool)> {
        self.names.leaves.iter().filter_map(|l| {
            let dtype = l.dtype?;
            (l.depth <= 1).then_some((l.path.as_str(), dtype, l.depth == 1))
        })
    }

    /// The field a dotted name (or a field's own name, when unique) means.
    pub fn field_id(&self, name: &str) -> Result<usize> {
        if let Some(&id) = self.names.by_name.get(name) {
            return Ok(id);
        }
        let mut close: Vec<&str> = self
            .names
            .leaves
            .iter()
            .map(|l| l.path.as_str())
            .filter(|p| p.ends_with(name) || p.to_lowercase() == name.to_lowercase())
            .collect();
        close.truncate(5);
        Err(Error::NotFound(format!(
            "{}: no field {name:?}{}",
            self.what,
            if close.is_empty() {
                String::new()
            } else {
                format!(" (did you mean {}?)", close.join(", "))
            }
        )))
    }

    /// Reads entries `range` of one field by dotted name.
    pub fn read(&self, name: &str, range: Range<u64>) -> Result<Array> {
        let id = self.field_id(name)?;
        self.read_field(id, range)
            .map_err(|e| e.context(format!("field {name:?}")))
    }

    /// Reads all entries of one field.
    pub fn read_all(&self, name: &str) -> Result<Array> {
        self.read(name, 0..self.entries())
    }

    /// Reads several fields over the same range, in parallel.
    pub fn read_many(&self, names: &[&str], range: Range<u64>) -> Result<Vec<Array>> {
        let ids = names
            .iter()
            .map(|n| self.field_id(n))
            .collect::<Result<Vec<_>>>()?;
        self.prefetch(&ids, range.clone())?;
        // Largest fields first, so that no large one is left to run alone at the end (a chunk
        // decoding whole one-page clusters has a few fields of many megabytes).
        let bytes = |id: usize| -> usize {
            self.page_ranges(&[id], range.clone())
                .iter()
                .map(|r| r.1)
                .sum()
        };
        let mut jobs: Vec<(usize, usize, &str)> = ids
            .into_iter()
            .zip(names.iter().copied())
            .enumerate()
            .map(|(i, (id, name))| (i, id, name))
            .collect();
        jobs.sort_by_key(|&(_, id, _)| std::cmp::Reverse(bytes(id)));
        // First every field whose pages no other chunk is decoding right now, then (waiting for
        // them) the others.
        let first = crate::tree::par_map(&jobs, |&(_, id, _)| {
            super::window::without_waiting(|| self.read_field(id, range.clone()))
        });
        let mut arrays: Vec<Option<Array>> = vec![None; jobs.len()];
        for (&(i, id, name), array) in jobs.iter().zip(first) {
            let array = match array {
                Err(e) if matches!(e.root_cause(), Error::Busy) => {
                    self.read_field(id, range.clone())
                }
                other => other,
            };
            arrays[i] = Some(array.map_err(|e| e.context(format!("field {name:?}")))?);
        }
        Ok(arrays.into_iter().flatten().collect())
    }

    /// Entry ranges of at most `step` entries covering the RNTuple: whole
    /// clusters joined while they fit, larger clusters cut in equal parts, so
    /// that no chunk but a cut one decodes a cluster another chunk needs.
    /// `names` is unused (clusters are shared by all columns); it keeps the
    /// signature of [`Tree::chunk_ranges`](crate::Tree::chunk_ranges).
    pub fn chunk_ranges(&self, _names: &[&str], step: u64) -> Vec<Range<u64>> {
        let step = step.max(1);
        let mut out: Vec<Range<u64>> = Vec::new();
        let mut open: Option<Range<u64>> = None;
        for c in &self.clusters {
            let (start, end) = (c.first_entry, c.first_entry.saturating_add(c.entries));
            if c.entries == 0 {
                continue;
            }
            if let Some(o) = &mut open {
                if o.end == start && end - o.start <= step {
                    o.end = end;
                    continue;
                }
                out.push(o.clone());
                open = None;
            }
            if c.entries <= step {
                open = Some(start..end);
            } else {
                let parts = c.entries.div_ceil(step);
                let size = c.entries.div_ceil(parts);
                let mut s = start;
                while s < end {
                    out.push(s..(s + size).min(end));
                    s += size;
                }
            }
        }
        out.extend(open);
        out
    }

    /// Reads entries `range` of a field: the offsets of the collections
    /// above it and its own columns, over the clusters covering the range.
    pub fn read_field(&self, id: usize, range: Range<u64>) -> Result<Array> {
        if id >= self.schema.fields.len() {
            return Err(Error::NotFound(format!("{}: no field {id}", self.what)));
        }
        let total = self.entries();
        if range.start > range.end || range.end > total {
            return Err(Error::NotFound(format!(
                "{}: entries {range:?} outside 0..{total}",
                self.what
            )));
        }
        let clusters = self.clusters_for_entries(range.clone());
        let first_entry = self
            .clusters
            .get(clusters.start)
            .map_or(0, |c| c.first_entry);
        let cluster_entries: u64 = self.clusters[clusters.clone()]
            .iter()
            .map(|c| c.entries)
            .sum();
        // A range inside one cluster (a chunk of a cluster larger than the chunk) reads only the
        // pages holding it; otherwise whole clusters are read and the range cut out after.
        let inside_one = clusters.len() == 1
            && (range.start > first_entry || range.end < first_entry + cluster_entries);
        let (mut span, items, first_entry) = if inside_one {
            let elements = (range.start - first_entry)..(range.end - first_entry);
            let span = Span::Within {
                cluster: clusters.start,
                elements,
            };
            (span, range.end - range.start, range.start)
        } else {
            (Span::Clusters(clusters), cluster_entries, first_entry)
        };
        // The levels above the field, outermost first.
        let mut chain = Vec::new();
        let mut up = self.schema.fields[id].parent;
        while let Some(p) = up {
            if chain.len() > 256 {
                return Err(Error::Unsupported(format!(
                    "{}: fields nested more than 256 deep",
                    self.what
                )));
            }
            chain.push(p);
            up = self.schema.fields[p].parent;
        }
        chain.reverse();
        let mut levels: Vec<Vec<u32>> = Vec::new();
        let mut items = items;
        for &a in &chain {
            let f = &self.schema.fields[a];
            match f.role {
                Role::Collection => {
                    let (offsets, inner) = self.offsets_in(a, items, &span)?;
                    items = u64::from(*offsets.last().unwrap_or(&0));
                    levels.push(offsets);
                    span = inner;
                }
                Role::Leaf => {
                    if let Some(n) = f.repetition {
                        let (offsets, inner, inner_span) =
                            self.fixed_offsets(a, items, n, &span)?;
                        levels.push(offsets);
                        items = inner;
                        span = inner_span;
                    }
                }
                Role::Record => {}
                Role::Variant | Role::Streamer => {
                    return Err(Error::Unsupported(format!(
                        "{}: field {:?} inside a {} field",
                        self.what,
                        f.name,
                        if f.role == Role::Variant {
                            "std::variant"
                        } else {
                            "streamer"
                        }
                    )))
                }
            }
        }
        let mut array = self.assemble(id, items, &span, 0)?;
        for offsets in levels.into_iter().rev() {
            array = self.list(offsets, array, id)?;
        }
        let lo = (range.start - first_entry) as usize;
        let hi = (range.end - first_entry) as usize;
        if lo == 0 && hi == array.len() {
            return Ok(array);
        }
        if hi > array.len() {
            return Err(Error::format(format!(
                "{}: field {:?}: {} entries read, {hi} expected",
                self.what,
                self.schema.fields[id].name,
                array.len()
            )));
        }
        Ok(array.slice(lo..hi))
    }

    fn list(&self, offsets: Vec<u32>, content: Array, id: usize) -> Result<Array> {
        Array::list(offsets, content).map_err(|e| {
            Error::format(format!(
                "{}: field {:?}: {e}",
                self.what, self.schema.fields[id].name
            ))
        })
    }

    /// Offsets of `items` arrays of `n` each, the items inside, and where those are.
    fn fixed_offsets(
        &self,
        id: usize,
        items: u64,
        n: u64,
        span: &Span,
    ) -> Result<(Vec<u32>, u64, Span)> {
        let inner_span = match span {
            Span::Clusters(c) => Some(Span::Clusters(c.clone())),
            Span::Within { cluster, elements } => elements
                .start
                .checked_mul(n)
                .zip(elements.end.checked_mul(n))
                .map(|(a, b)| Span::Within {
                    cluster: *cluster,
                    elements: a..b,
                }),
        }
        .ok_or_else(|| {
            Error::format(format!(
                "{}: field {:?}: arrays of {n} items beyond any page",
                self.what, self.schema.fields[id].name
            ))
        })?;
        let inner = items
            .checked_mul(n)
            .filter(|&i| i <= self.element_bound && i <= u64::from(u32::MAX))
            .ok_or_else(|| {
                Error::format(format!(
                    "{}: field {:?}: {items} arrays of {n} items, more than the pages hold",
                    self.what, self.schema.fields[id].name
                ))
            })?;
        let n = n as u32;
        Ok((
            (0..=items as u32).map(|i| i * n).collect(),
            inner,
            inner_span,
        ))
    }

    /// Reads a column over `span` and checks its length.
    pub(super) fn read_checked(
        &self,
        column: usize,
        span: &Span,
        expected: u64,
        field: usize,
    ) -> Result<ColumnValues> {
        let values = match span {
            Span::Clusters(clusters) => self.read_column(column, clusters.clone())?,
            Span::Within { cluster, elements } => {
                self.read_column_window(column, *cluster, elements.clone())?
            }
        };
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

    /// A collection's offsets over `span`, from 0, as list offsets, and where its items are.
    fn offsets_in(&self, field: usize, items: u64, span: &Span) -> Result<(Vec<u32>, Span)> {
        let column = self.principal_column(field, 0)?;
        let name = &self.schema.fields[field].name;
        if let Span::Within { cluster, elements } = span {
            // A window inside a cluster: the offsets made relative in one pass over the page.
            if let Some(window) = self.read_offsets_window(column, *cluster, elements.clone())? {
                let (offsets, first) = window.finish().map_err(|problem| {
                    Error::format(match problem {
                        OffsetsProblem::Decreasing => {
                            format!("{}: field {name:?}: decreasing offsets", self.what)
                        }
                        OffsetsProblem::TooMany => format!(
                            "{}: field {name:?}: offsets claim over 2^32 items, more than the pages hold",
                            self.what
                        ),
                    })
                })?;
                let count = u64::from(*offsets.last().unwrap_or(&0));
                if offsets.len() as u64 != items.saturating_add(1) {
                    return Err(Error::format(format!(
                        "{}: field {name:?}: column {column} has {} elements, but {items} were expected",
                        self.what,
                        offsets.len().saturating_sub(1)
                    )));
                }
                if count > self.element_bound {
                    return Err(Error::format(format!(
                        "{}: field {name:?}: offsets claim {count} items, more than the pages hold",
                        self.what
                    )));
                }
                let inner = Span::Within {
                    cluster: *cluster,
                    elements: first..first + count,
                };
                return Ok((offsets, inner));
            }
        }
        let ColumnValues::Offsets(o) = self.read_checked(column, span, items, field)? else {
            return Err(Error::format(format!(
                "{}: field {:?}: the principal column {column} is not an offset column",
                self.what, self.schema.fields[field].name
            )));
        };
        if o.windows(2).any(|w| w[1] < w[0]) {
            return Err(Error::format(format!(
                "{}: field {:?}: decreasing offsets",
                self.what, self.schema.fields[field].name
            )));
        }
        // Over whole clusters the offsets start at 0; inside a cluster, where the window does.
        let (first, last) = (o[0], *o.last().unwrap_or(&0));
        let count = last - first;
        if count > self.element_bound || count > u64::from(u32::MAX) {
            return Err(Error::format(format!(
                "{}: field {:?}: offsets claim {count} items, more than the pages hold",
                self.what, self.schema.fields[field].name
            )));
        }
        let inner = match span {
            Span::Clusters(c) => Span::Clusters(c.clone()),
            Span::Within { cluster, .. } => Span::Within {
                cluster: *cluster,
                elements: first..last,
            },
        };
        Ok((o.into_iter().map(|x| (x - first) as u32).collect(), inner))
    }

    /// The children of a field as one array: the only child itself, or a
    /// record of them.
    fn children_array(
        &self,
        id: usize,
        items: u64,
        span: &Span,
        transparent: bool,
        depth: usize,
    ) -> Result<Array> {
        let f = &self.schema.fields[id];
        if transparent {
            if let [only] = f.children[..] {
                return self.assemble(only, items, span, depth + 1);
            }
        }
        if f.children.is_empty() {
            return Err(Error::Unsupported(format!(
                "{}: field {:?} of type {:?} has no columns and no members",
                self.what, f.name, f.type_name
            )));
        }
        let mut members = Vec::with_capacity(f.children.len());
        for &c in &f.children {
            let name = child_path("", &self.schema.fields[c].name, false);
            let name = name.trim_start_matches('.').to_string();
            members.push((name, self.assemble(c, items, span, depth + 1)?));
        }
        Ok(Array::Record(members))
    }

    pub(super) fn assemble(
        &self,
        id: usize,
        items: u64,
        span: &Span,
        depth: usize,
    ) -> Result<Array> {
        if depth > 256 {
            return Err(Error::Unsupported(format!(
                "{}: fields nested more than 256 deep",
                self.what
            )));
        }
        let f = &self.schema.fields[id];
        match f.role {
            Role::Collection => {
                let (offsets, inner_span) = self.offsets_in(id, items, span)?;
                let inner = u64::from(*offsets.last().unwrap_or(&0));
                let content = self.children_array(id, inner, &inner_span, true, depth)?;
                if is_optional(&f.type_name) {
                    return self.optional(id, &offsets, content);
                }
                self.list(offsets, content, id)
            }
            Role::Record => self.children_array(id, items, span, false, depth),
            Role::Variant => self.variant(id, items, span, depth),
            Role::Streamer => Err(Error::Unsupported(format!(
                "{}: streamer field {:?} ({})",
                self.what, f.name, f.type_name
            ))),
            Role::Leaf => {
                if let Some(n) = f.repetition {
                    let (offsets, inner, inner_span) = self.fixed_offsets(id, items, n, span)?;
                    let content = self.leaf_content(id, inner, &inner_span, depth)?;
                    return self.list(offsets, content, id);
                }
                self.leaf_content(id, items, span, depth)
            }
        }
    }

    /// `std::optional` and `std::unique_ptr` are collections of 0 or 1
    /// items; as [`Array::Optional`] every entry gets an item, a placeholder
    /// where it is missing.
    fn optional(&self, id: usize, offsets: &[u32], content: Array) -> Result<Array> {
        let mut valid = Vec::with_capacity(offsets.len().saturating_sub(1));
        let mut dense = content.empty_like();
        let missing = placeholder(&content);
        for w in offsets.windows(2) {
            match w[1] - w[0] {
                0 => {
                    valid.push(false);
                    dense.extend_from(&missing, 0..1);
                }
                1 if (w[1] as usize) <= content.len() => {
                    valid.push(true);
                    dense.extend_from(&content, w[0] as usize..w[1] as usize);
                }
                n => {
                    return Err(Error::format(format!(
                        "{}: optional field {:?} has an entry with {n} items",
                        self.what, self.schema.fields[id].name
                    )))
                }
            }
        }
        Ok(Array::Optional {
            valid,
            content: Box::new(dense),
        })
    }

    fn leaf_content(&self, id: usize, items: u64, span: &Span, depth: usize) -> Result<Array> {
        let f = &self.schema.fields[id];
        if f.columns.is_empty() {
            // Arrays, atomics and enums: the values are in the child.
            return self.children_array(id, items, span, true, depth);
        }
        if f.type_name.starts_with("ROOT::RNTupleCardinality<") {
            let (offsets, _) = self.offsets_in(id, items, span)?;
            let counts = offsets.windows(2).map(|w| w[1] - w[0]);
            return Ok(Array::Flat(if f.type_name.contains("uint32") {
                Values::U32(counts.collect())
            } else {
                Values::U64(counts.map(u64::from).collect())
            }));
        }
        if f.type_name == "std::string" {
            let (offsets, chars_span) = self.offsets_in(id, items, span)?;
            let chars_column = self.principal_column(id, 1)?;
            let total = u64::from(*offsets.last().unwrap_or(&0));
            let ColumnValues::Char(chars) =
                self.read_checked(chars_column, &chars_span, total, id)?
            else {
                return Err(Error::format(format!(
                    "{}: string field {:?}: the second column is not a character column",
                    self.what, f.name
                )));
            };
            // offsets_in checked they do not decrease and end at `total`.
            let strings = offsets
                .windows(2)
                .map(|w| String::from_utf8_lossy(&chars[w[0] as usize..w[1] as usize]).into_owned())
                .collect();
            return Ok(Array::Strings(strings));
        }
        let columns = self.schema.field_columns(id, 0);
        if columns.len() != 1 {
            return Err(Error::Unsupported(format!(
                "{}: leaf {:?} of type {:?} with {} columns",
                self.what,
                f.name,
                f.type_name,
                columns.len()
            )));
        }
        let values = self.read_checked(columns[0], span, items, id)?;
        to_values(values).map(Array::Flat).ok_or_else(|| {
            Error::format(format!(
                "{}: leaf {:?} of type {:?}: its column holds offsets or switches, not values",
                self.what, f.name, f.type_name
            ))
        })
    }
}

/// Which elements of its columns a read takes.
#[derive(Clone, Debug)]
pub(super) enum Span {
    /// Every element of these clusters.
    Clusters(Range<usize>),
    /// Elements `elements`, counted from the cluster's first, of one cluster.
    Within {
        cluster: usize,
        elements: Range<u64>,
    },
}

/// A leaf read by [`RNTuple::leaves`] as an [`Array`]: its values wrapped
/// in one list per collection level (for summaries in the layout of the
/// uproot references).
pub fn leaf_array(leaf: &super::LeafField) -> Result<Array> {
    let mut array = match &leaf.values {
        super::LeafValues::Numbers(v) => {
            Array::Flat(to_values(v.clone()).ok_or_else(|| {
                Error::format(format!("leaf {}: offsets are not values", leaf.path))
            })?)
        }
        super::LeafValues::Strings(s) => Array::Strings(s.clone()),
        super::LeafValues::Union(u) => u.clone(),
        super::LeafValues::Unsupported(why) => return Err(Error::Unsupported(why.clone())),
    };
    for offsets in leaf.offsets.iter().rev() {
        let o = offsets
            .iter()
            .map(|&x| u32::try_from(x))
            .collect::<std::result::Result<Vec<u32>, _>>()
            .map_err(|_| Error::Unsupported(format!("leaf {}: over 2^32 items", leaf.path)))?;
        array =
            Array::list(o, array).map_err(|e| Error::format(format!("leaf {}: {e}", leaf.path)))?;
    }
    Ok(array)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_have_one_item_of_the_same_shape() {
        let list = Array::list(vec![0, 2], Array::Flat(Values::from(vec![1.5f32, 2.5]))).unwrap();
        let record = Array::Record(vec![
            ("a".into(), list.clone()),
            ("b".into(), Array::Strings(vec!["x".into()])),
        ]);
        let p = placeholder(&record);
        assert_eq!(p.len(), 1);
        assert_eq!(p.display(0), r#"{a: [], b: ""}"#);
        let mut joined = record.clone();
        joined.extend_from(&p, 0..1);
        assert_eq!(joined.len(), 2);
    }

    #[test]
    fn names_of_members_and_transparent_children() {
        assert_eq!(child_path("v", "_0", true), "v");
        assert_eq!(child_path("t", "_1", false), "t.1");
        assert_eq!(child_path("s", "pt", false), "s.pt");
        assert_eq!(child_path("c", "Jet_pt", true), "c.Jet_pt");
    }
}
