//! RNTuple, ROOT's columnar successor of TTree (on-disk format 1.0, ROOT
//! 6.34+ and uproot 5.7): the format layer.
//!
//! Layout, from the entry point down:
//! - [`anchor`]: the `ROOT::RNTuple` key's object (big-endian) gives the
//!   byte ranges of the header and footer envelopes.
//! - [`envelope`]: envelopes are compressed like ROOT objects, carry a
//!   type ID and length, and end with an XXH3-64 checksum.
//! - [`schema`]: the header lists fields (a tree: leaf, collection, record,
//!   variant, streamer) and the columns attached to them; the footer adds
//!   fields and columns created while writing (schema extension).
//! - [`clusters`]: the footer lists cluster groups, each with a page list
//!   envelope giving, per cluster and column, the pages and their locations.
//! - `page` and [`column_type`]: pages are read, checksummed, decompressed
//!   (the crate's [`compression`](crate::compression)) and decoded into
//!   [`ColumnValues`] by [`RNTuple::read_column`].
//! - [`leaves`]: the leaf fields under uproot's dotted names, with their
//!   values and per-depth offsets.
//! - `arrays`: fields assembled into [`Array`](crate::Array)s over entry
//!   ranges, with the reading API of [`Tree`](crate::Tree)
//!   (`numeric_columns`, `read_many`, `chunk_ranges`).
//!
//! ```no_run
//! let file = hepkey_root::RootFile::open("ntpl001_staff.root")?;
//! let ntuple = hepkey_root::rntuple::RNTuple::open(&file, "Staff")?;
//! for leaf in ntuple.leaves()? {
//!     println!("{} ({}): {} values", leaf.path, leaf.type_name, leaf.values.len());
//! }
//! # Ok::<(), hepkey_root::Error>(())
//! ```

pub mod anchor;
mod arrays;
pub mod clusters;
pub mod column_type;
pub mod envelope;
pub mod leaves;
pub(crate) mod page;
mod page_buffer;
mod reader;
pub mod schema;
mod unsplit;
pub mod values;
mod variant;
mod window;

/// Whether xxhash3 checksums (anchor, envelopes, pages) are enforced: always, except in the
/// cargo-fuzz build (`--cfg fuzzing`), where a mutated byte would otherwise stop at the checksum
/// and never reach the parsers behind it.
pub(crate) const CHECKSUMS_ENFORCED: bool = !cfg!(fuzzing);

pub use anchor::Anchor;
pub use arrays::{leaf_array, LeafName};
pub use clusters::{Cluster, ClusterGroup, ColumnPages};
pub use column_type::{ColumnType, ElementKind};
pub use leaves::{LeafField, LeafValues};
pub use schema::{ColumnDescription, FieldDescription, Role, Schema};
pub use values::{ColumnValues, SwitchValue};

use crate::error::{Error, Result, ResultExt};
use crate::file::RootFile;
use crate::source::ByteSource;
use envelope::EnvelopeKind;
use reader::Reader;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use window::OpenValues;
pub(crate) use window::{OffsetsProblem, RelativeOffsets};

/// The class name of RNTuple anchors in ROOT files.
pub const ANCHOR_CLASS: &str = "ROOT::RNTuple";

/// An opened RNTuple: its schema and where every page is.
pub struct RNTuple {
    source: Arc<dyn ByteSource>,
    /// "file: RNTuple name", for error messages.
    what: String,
    pub name: String,
    pub description: String,
    /// The library that wrote it (e.g. "ROOT v6.34.02").
    pub writer: String,
    pub anchor: Anchor,
    pub schema: Schema,
    pub groups: Vec<ClusterGroup>,
    /// Every cluster of every group, in entry order.
    pub clusters: Vec<Cluster>,
    /// An upper bound of the elements any column or level can have: all
    /// elements the page lists announce plus the late columns' synthetic
    /// leading zeros. Sizes taken from data are checked against it before
    /// allocating.
    element_bound: u64,
    /// Dotted names of leaves and fields, from the schema.
    names: arrays::Names,
    /// The last page decoded of each column while chunks of its cluster still need it: a writer
    /// that puts a whole cluster's column in one page (uproot does) would otherwise have every
    /// chunk of the cluster decode the whole page again.
    open_pages: window::OpenPages,
}

impl RNTuple {
    /// Opens the RNTuple named `name` (a key path, `dir/name;cycle` allowed):
    /// the anchor, header and footer envelopes and the page lists of every
    /// cluster group.
    pub fn open(file: &RootFile, name: &str) -> Result<RNTuple> {
        let what = format!("{}: RNTuple {name}", file.name());
        let key = file.find_key(name)?;
        if key.class_name != ANCHOR_CLASS {
            return Err(Error::NotFound(format!(
                "{what}: the object is a {}, not a {ANCHOR_CLASS}",
                key.class_name
            )));
        }
        // Every error below names the file and the RNTuple itself.
        Self::open_anchor(file, &key)
    }

    fn open_anchor(file: &RootFile, key: &crate::key::Key) -> Result<RNTuple> {
        let what = format!("{}: RNTuple {}", file.name(), key.name);
        let anchor = Anchor::parse(&file.object_bytes(key)?).with_context(|| what.clone())?;
        let source = file.source().clone();
        let max_key = anchor.max_key_size;

        let (header, header_checksum) = envelope::read_envelope(
            source.as_ref(),
            &anchor.header,
            EnvelopeKind::Header,
            max_key,
            &what,
        )?;
        let header_what = format!("{what}: header envelope");
        let mut r = Reader::new(&header, &header_what);
        r.feature_flags()?;
        let name = r.string()?;
        let description = r.string()?;
        let writer = r.string()?;
        let header_schema = schema::read_schema_lists(&mut r, 0, 0)?;

        let (footer, _) = envelope::read_envelope(
            source.as_ref(),
            &anchor.footer,
            EnvelopeKind::Footer,
            max_key,
            &what,
        )?;
        let footer_what = format!("{what}: footer envelope");
        let mut r = Reader::new(&footer, &footer_what);
        let footer = clusters::read_footer(
            &mut r,
            header_checksum,
            header_schema.fields.len(),
            header_schema.columns.len(),
        )?;
        let schema = Schema::build(header_schema, footer.extension)
            .with_context(|| format!("{what}: schema"))?;

        let mut all_clusters = Vec::new();
        for (i, group) in footer.groups.iter().enumerate() {
            let group_what = format!("{what}: cluster group {i}");
            let (list, _) = envelope::read_envelope(
                source.as_ref(),
                &group.page_list,
                EnvelopeKind::PageList,
                max_key,
                &group_what,
            )?;
            let list_what = format!("{group_what}: page list envelope");
            let mut r = Reader::new(&list, &list_what);
            let clusters = clusters::read_page_list(&mut r, header_checksum)?;
            if clusters.len() != group.cluster_count as usize {
                return Err(r.error(format!(
                    "the footer announces {} clusters, the page list has {}",
                    group.cluster_count,
                    clusters.len()
                )));
            }
            all_clusters.extend(clusters);
        }
        for c in &all_clusters {
            if c.columns.len() > schema.columns.len() {
                return Err(Error::format(format!(
                    "{what}: a cluster lists pages for {} columns, but the schema has {}",
                    c.columns.len(),
                    schema.columns.len()
                )));
            }
        }
        let stored: u64 = all_clusters
            .iter()
            .flat_map(|c| &c.columns)
            .map(|p| p.elements())
            .fold(0, u64::saturating_add);
        let late: u64 = schema
            .columns
            .iter()
            .map(|c| c.first_element.unsigned_abs())
            .fold(0, u64::saturating_add);
        let entries: u64 = all_clusters
            .iter()
            .map(|c| c.entries)
            .fold(0, u64::saturating_add);
        let element_bound = stored.saturating_add(late).saturating_add(entries);
        let mut ntuple = RNTuple {
            names: arrays::Names::default(),
            element_bound,
            source,
            what,
            name,
            description,
            writer,
            anchor,
            schema,
            groups: footer.groups,
            clusters: all_clusters,
            open_pages: Default::default(),
        };
        ntuple.names = ntuple.build_names();
        Ok(ntuple)
    }

    /// Number of entries (sum over clusters).
    pub fn entries(&self) -> u64 {
        self.clusters.iter().map(|c| c.entries).sum()
    }

    /// The fields, indexed by field ID.
    pub fn fields(&self) -> &[FieldDescription] {
        &self.schema.fields
    }

    /// The physical columns, indexed by column ID.
    pub fn columns(&self) -> &[ColumnDescription] {
        &self.schema.columns
    }

    /// The clusters holding the entries of `entries` (the whole clusters).
    pub fn clusters_for_entries(&self, entries: Range<u64>) -> Range<usize> {
        let first = self
            .clusters
            .iter()
            .position(|c| c.first_entry + c.entries > entries.start)
            .unwrap_or(self.clusters.len());
        let end = self
            .clusters
            .iter()
            .rposition(|c| c.first_entry < entries.end)
            .map_or(first, |i| (i + 1).max(first));
        first..end
    }

    /// The column that holds `column`'s data in cluster `c`: the column
    /// itself, or, when it is suppressed there, the column at the same
    /// position in the field's active representation.
    fn active_column(&self, column: usize, c: usize) -> Result<Option<(usize, &ColumnPages)>> {
        let cluster = &self.clusters[c];
        let Some(pages) = cluster.columns.get(column) else {
            return Ok(None);
        };
        if !pages.suppressed {
            return Ok(Some((column, pages)));
        }
        let desc = &self.schema.columns[column];
        for &other in &self.schema.fields[desc.field].columns {
            let o = &self.schema.columns[other];
            if o.index_in_field == desc.index_in_field && o.representation != desc.representation {
                if let Some(p) = cluster.columns.get(other).filter(|p| !p.suppressed) {
                    return Ok(Some((other, p)));
                }
            }
        }
        Err(Error::format(format!(
            "{}: column {column} is suppressed in cluster {c} and no other representation is active",
            self.what
        )))
    }

    /// How many elements of a column each entry holds when that is fixed
    /// (no collection between it and the top level), for clusters whose
    /// page list predates a late-added column.
    fn elements_per_entry(&self, column: usize) -> Option<u64> {
        let mut field = self.schema.columns[column].field;
        let mut per_entry = 1u64;
        loop {
            let f = &self.schema.fields[field];
            // The column's own field may be a collection (its offsets).
            if f.role == Role::Collection && field != self.schema.columns[column].field {
                return None;
            }
            per_entry = per_entry.checked_mul(f.repetition.unwrap_or(1))?;
            match f.parent {
                Some(p) => field = p,
                None => return Some(per_entry),
            }
        }
    }

    /// The synthetic leading zeros of a column in each cluster. A column
    /// added while writing has no data before its first element index,
    /// which can fall inside a cluster: the page list then gives the index
    /// of the first stored element, and the elements between the cluster's
    /// start and it are zeros. A cluster whose page list predates the column
    /// holds only zeros: as many as its entries imply, or, when that is not
    /// fixed, what the next cluster's first element index leaves over.
    fn leading_zeros(&self, column: usize) -> Result<Vec<u64>> {
        let n = self.clusters.len();
        let mut present: Vec<Option<(u64, u64)>> = Vec::with_capacity(n);
        for c in 0..n {
            present.push(
                self.active_column(column, c)?
                    .map(|(_, pages)| (pages.first_element, pages.elements())),
            );
        }
        let per_entry = self.elements_per_entry(column);
        let mut zeros = Vec::with_capacity(n);
        // Element index of the column at the start of the cluster.
        let mut position = 0u64;
        for (c, cluster) in self.clusters.iter().enumerate() {
            match present[c] {
                Some((first, stored)) => {
                    zeros.push(first.saturating_sub(position));
                    position = position.max(first).saturating_add(stored);
                }
                None => {
                    let next_start = present.get(c + 1).copied().flatten().map(|p| p.0);
                    let count = match per_entry {
                        Some(k) => cluster.entries.saturating_mul(k),
                        None => next_start.map_or(0, |next| next.saturating_sub(position)),
                    };
                    zeros.push(count);
                    position = position.saturating_add(count);
                }
            }
        }
        Ok(zeros)
    }

    /// Tells the byte source which pages the fields `ids` (with their subfields) need for entries
    /// `range`, so that a remote source fetches them in few requests.
    pub(crate) fn prefetch(&self, ids: &[usize], range: Range<u64>) -> Result<()> {
        self.source.prefetch(&self.page_ranges(ids, range))
    }

    /// The byte ranges (offset, length) of the pages the fields `ids` (with their subfields) need
    /// for entries `range`.
    pub(crate) fn page_ranges(&self, ids: &[usize], range: Range<u64>) -> Vec<(u64, usize)> {
        let fields = &self.schema.fields;
        let in_subtree = |mut f: usize| {
            // Bounded: a corrupt schema could make the parents a cycle.
            for _ in 0..=fields.len() {
                if ids.contains(&f) {
                    return true;
                }
                match fields.get(f).and_then(|d| d.parent) {
                    Some(p) if p != f => f = p,
                    _ => return false,
                }
            }
            false
        };
        let columns: Vec<usize> = (0..self.schema.columns.len())
            .filter(|&c| in_subtree(self.schema.columns[c].field))
            .collect();
        let mut ranges = Vec::new();
        for cluster in &self.clusters[self.clusters_for_entries(range)] {
            for &c in &columns {
                if let Some(pages) = cluster.columns.get(c) {
                    ranges.extend(
                        pages
                            .pages
                            .iter()
                            .map(|p| (p.locator.offset, p.locator.stored_len as usize)),
                    );
                }
            }
        }
        ranges
    }

    /// Reads a physical column over a range of clusters: every page,
    /// decompressed and decoded, checksums verified. Offsets (index
    /// columns) are absolute from the start of the range; elements before a
    /// late-added column's first element read as zeros.
    pub fn read_column(&self, column: usize, clusters: Range<usize>) -> Result<ColumnValues> {
        let Some(desc) = self.schema.columns.get(column) else {
            return Err(Error::NotFound(format!(
                "{}: no column {column} (there are {})",
                self.what,
                self.schema.columns.len()
            )));
        };
        if clusters.end > self.clusters.len() || clusters.start > clusters.end {
            return Err(Error::NotFound(format!(
                "{}: cluster range {clusters:?} outside 0..{}",
                self.what,
                self.clusters.len()
            )));
        }
        let leading_zeros = self.leading_zeros(column)?;
        let mut out = ColumnValues::empty(desc.column_type.kind());
        let mut alternative_items = HashMap::<u32, u64>::new();
        for c in clusters {
            let what = format!("{}: column {column} in cluster {c}", self.what);
            let mut part = ColumnValues::empty(desc.column_type.kind());
            if let Some((active, pages)) = self.active_column(column, c)? {
                for (i, page) in pages.pages.iter().enumerate() {
                    part.append_page(self.read_page(active, page, &format!("{what}, page {i}"))?);
                }
            }
            let zeros = leading_zeros[c];
            if zeros > 0 {
                // Zeros are not stored, so corrupt offsets could ask for any
                // number: bound them by what the page lists announce.
                if zeros > self.element_bound {
                    return Err(Error::format(format!(
                        "{what}: {zeros} synthetic elements, more than the pages hold (corrupt element offsets)"
                    )));
                }
                let mut filled = ColumnValues::empty(desc.column_type.kind());
                filled.push_zeros(zeros as usize);
                filled.append_page(part);
                part = filled;
            }
            // Switch indices count each alternative's items from 0 in every
            // cluster: continue them from the earlier clusters' items.
            if let ColumnValues::Switch(values) = &mut part {
                shift_switch_indices(values, &mut alternative_items);
            }
            // Offsets restart at 0 in every cluster: `append` shifts them by
            // the end of the previous cluster.
            out.append(part);
        }
        Ok(out)
    }

    /// One page of column `active` (the representation that holds the data), read, checked and
    /// decoded.
    fn read_page(
        &self,
        active: usize,
        page: &clusters::PageInfo,
        what: &str,
    ) -> Result<ColumnValues> {
        let desc = &self.schema.columns[active];
        page::read_page(
            self.source.as_ref(),
            page,
            desc,
            self.anchor.max_key_size,
            what,
        )
    }

    /// Elements `elements` (counted from the cluster's first) of a column in cluster `c`, reading
    /// only the pages that hold them: a chunk inside a cluster larger than the chunk decodes its
    /// own pages, not the whole cluster's. Index columns come back as offsets relative to the
    /// cluster, starting with where the window's first collection starts.
    pub(crate) fn read_column_window(
        &self,
        column: usize,
        c: usize,
        elements: Range<u64>,
    ) -> Result<ColumnValues> {
        let Some(desc) = self.schema.columns.get(column) else {
            return Err(Error::NotFound(format!(
                "{}: no column {column}",
                self.what
            )));
        };
        let kind = desc.column_type.kind();
        let what = format!("{}: column {column} in cluster {c}", self.what);
        let short = |held: usize| {
            Error::format(format!(
                "{what}: elements {elements:?} asked for, the pages hold {held}"
            ))
        };
        let synthetic = self.leading_zeros(column)?.get(c).copied().unwrap_or(0) > 0;
        if synthetic || kind == ElementKind::Switch {
            // Rare layouts (a column added late, variants): the whole cluster, then the window.
            let mut values = self.read_column(column, c..c + 1)?;
            if elements.end > values.len() as u64 {
                return Err(short(values.len()));
            }
            values.keep(elements.start as usize..elements.end as usize);
            return Ok(values);
        }
        // An index window starts with the end of the element before it (0 at the cluster's start).
        let (first_needed, mut out) = match (kind, elements.start) {
            (ElementKind::Index, 0) => (0, ColumnValues::Offsets(vec![0])),
            (ElementKind::Index, a) => (a - 1, ColumnValues::Offsets(Vec::new())),
            (_, a) => (a, ColumnValues::empty(kind)),
        };
        // The window's size is known: one allocation, not one per doubling with a copy each.
        out.reserve(elements.end.saturating_sub(first_needed) as usize);
        self.window_pages(
            column,
            c,
            first_needed..elements.end,
            &what,
            |page, range| {
                if page.extend_into(&mut out, range) {
                    Ok(())
                } else {
                    Err(short(page.len()))
                }
            },
        )?;
        if (out.len() as u64) != elements.end - elements.start {
            return Err(short(out.len()));
        }
        Ok(out)
    }

    /// The offsets of an index column's window (as [`read_column_window`](Self::read_column_window)
    /// gives them) made relative to the window's first collection and checked, in one pass over
    /// the pages. None for a column that is no index column or for the rare layouts (a column
    /// added late) that only the general path reads.
    pub(crate) fn read_offsets_window(
        &self,
        column: usize,
        c: usize,
        elements: Range<u64>,
    ) -> Result<Option<RelativeOffsets>> {
        let is_index = self
            .schema
            .columns
            .get(column)
            .is_some_and(|d| d.column_type.kind() == ElementKind::Index);
        if !is_index || self.leading_zeros(column)?.get(c).copied().unwrap_or(0) > 0 {
            return Ok(None);
        }
        let what = format!("{}: column {column} in cluster {c}", self.what);
        let short = |held: usize| {
            Error::format(format!(
                "{what}: elements {elements:?} asked for, the pages hold {held}"
            ))
        };
        let room = elements
            .end
            .saturating_sub(elements.start)
            .saturating_add(1);
        let mut window = RelativeOffsets::with_room(room as usize);
        let first_needed = match elements.start {
            0 => {
                window.extend(&[0u64]);
                0
            }
            a => a - 1,
        };
        self.window_pages(
            column,
            c,
            first_needed..elements.end,
            &what,
            |page, range| {
                if page.push_offsets(&mut window, range) {
                    Ok(())
                } else {
                    Err(short(page.len()))
                }
            },
        )?;
        if window.len() as u64 != (elements.end - elements.start).saturating_add(1) {
            return Err(short(window.len().saturating_sub(1)));
        }
        Ok(Some(window))
    }

    /// Hands `take` each page of `column` in cluster `c` holding some of elements `needed`
    /// (counted from the cluster's first), with the range of its elements inside `needed`.
    fn window_pages(
        &self,
        column: usize,
        c: usize,
        needed: Range<u64>,
        what: &str,
        mut take: impl FnMut(&OpenValues, Range<usize>) -> Result<()>,
    ) -> Result<()> {
        let Some((active, pages)) = self.active_column(column, c)? else {
            return Ok(());
        };
        let mut position = 0u64;
        for (i, page) in pages.pages.iter().enumerate() {
            if position >= needed.end {
                break;
            }
            let next = position.saturating_add(u64::from(page.elements));
            if next > needed.start {
                // Shared with the chunk after when the window ends inside the page; then the
                // chunk whose window reaches the page's end takes it last.
                let keep = next > needed.end;
                let shared = keep || needed.start > position;
                let values = self.page_for_window(active, c, i, shared, what)?;
                let lo = (needed.start.max(position) - position) as usize;
                let hi = (needed.end.min(next) - position) as usize;
                take(&values, lo..hi)?;
                if shared && !keep {
                    self.open_pages.close(active, (c, i));
                }
            }
            position = next;
        }
        Ok(())
    }

    /// Page `i` of column `active` in cluster `c`, decoded: from the open pages (decoded there
    /// once) when other chunks take windows of it too (`shared`), else read for this window only.
    fn page_for_window(
        &self,
        active: usize,
        c: usize,
        i: usize,
        shared: bool,
        what: &str,
    ) -> Result<Arc<OpenValues>> {
        let page = &self.clusters[c].columns[active].pages[i];
        let read = || self.read_page(active, page, &format!("{what}, page {i}"));
        if shared {
            self.open_pages.get_or_decode(active, (c, i), read)
        } else {
            Ok(Arc::new(OpenValues::Decoded(read()?)))
        }
    }
}

/// Shifts one cluster's switch indices by the items each alternative (tag)
/// had in the clusters before, then counts this cluster's items.
fn shift_switch_indices(values: &mut [SwitchValue], items_before: &mut HashMap<u32, u64>) {
    let mut items_here = HashMap::<u32, u64>::new();
    for v in values.iter_mut().filter(|v| v.tag != 0) {
        v.index = v
            .index
            .wrapping_add(items_before.get(&v.tag).copied().unwrap_or(0));
        *items_here.entry(v.tag).or_default() += 1;
    }
    for (tag, n) in items_here {
        *items_before.entry(tag).or_default() += n;
    }
}

impl std::fmt::Debug for RNTuple {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RNTuple")
            .field("name", &self.name)
            .field("entries", &self.entries())
            .field("fields", &self.schema.fields.len())
            .field("columns", &self.schema.columns.len())
            .field("clusters", &self.clusters.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn switch_indices_continue_across_clusters_per_alternative() {
        let v = |index, tag| SwitchValue { index, tag };
        let mut items = HashMap::new();
        let mut first = vec![v(0, 1), v(0, 2), v(1, 1)];
        shift_switch_indices(&mut first, &mut items);
        assert_eq!(first, vec![v(0, 1), v(0, 2), v(1, 1)]);
        let mut second = vec![v(0, 2), v(0, 1), v(0, 0)];
        shift_switch_indices(&mut second, &mut items);
        assert_eq!(second, vec![v(1, 2), v(2, 1), v(0, 0)]);
    }
}
