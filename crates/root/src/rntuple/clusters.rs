//! The footer (schema extension, cluster groups) and the page list
//! envelopes (cluster summaries and, per cluster and column, the pages).
//!
//! Page list layout: a list frame with one item per cluster; each is a list
//! frame with one item per column (in column ID order; clusters written
//! before a late column was added may list fewer columns); each of those is
//! a list frame of page descriptions (element count, with the sign bit
//! marking a trailing checksum, and a locator) followed by the column's
//! first element index in the cluster (negative when the column is
//! suppressed in this cluster) and, unless suppressed, its compression
//! settings.

use super::anchor::EnvelopeLink;
use super::envelope::{read_envelope_link, read_locator, Locator};
use super::reader::Reader;
use super::schema::{read_schema_lists, SchemaPart};
use crate::error::Result;

/// One cluster group of the footer: its entry range and page list.
#[derive(Clone, Debug)]
pub struct ClusterGroup {
    pub min_entry: u64,
    pub entry_span: u64,
    pub cluster_count: u32,
    pub page_list: EnvelopeLink,
}

/// What the footer holds.
pub(crate) struct Footer {
    pub extension: SchemaPart,
    pub groups: Vec<ClusterGroup>,
}

/// Parses the footer payload. `header_checksum` is the header envelope's
/// checksum, which the footer repeats so that mismatched pairs are caught.
pub(crate) fn read_footer(
    r: &mut Reader,
    header_checksum: u64,
    n_fields: usize,
    n_columns: usize,
) -> Result<Footer> {
    r.feature_flags()?;
    let stated = r.u64()?;
    if stated != header_checksum {
        return Err(r.error(format!(
            "the footer belongs to a header with checksum {stated:#018x}, not {header_checksum:#018x}"
        )));
    }
    let mut ext = r.record_frame()?;
    let extension = read_schema_lists(&mut ext, n_fields, n_columns)?;
    let groups = r.list_of_records(|g| {
        Ok(ClusterGroup {
            min_entry: g.u64()?,
            entry_span: g.u64()?,
            cluster_count: g.u32()?,
            page_list: read_envelope_link(g)?,
        })
    })?;
    Ok(Footer { extension, groups })
}

/// One page of a column in a cluster.
#[derive(Clone, Copy, Debug)]
pub struct PageInfo {
    pub elements: u32,
    pub has_checksum: bool,
    pub locator: Locator,
}

/// A column's pages in one cluster.
#[derive(Clone, Debug, Default)]
pub struct ColumnPages {
    /// Index of the column's first element in this cluster (counted over
    /// the whole RNTuple).
    pub first_element: u64,
    /// Suppressed: another representation of the field holds the data.
    pub suppressed: bool,
    pub compression: u32,
    pub pages: Vec<PageInfo>,
}

impl ColumnPages {
    /// Elements stored in this cluster.
    pub fn elements(&self) -> u64 {
        self.pages.iter().map(|p| p.elements as u64).sum()
    }
}

/// One cluster: its entries and, per column ID, its pages (`None` for
/// columns the cluster's page list does not mention).
#[derive(Clone, Debug)]
pub struct Cluster {
    pub first_entry: u64,
    pub entries: u64,
    pub columns: Vec<ColumnPages>,
}

/// Bytes of one page description: element count and a standard locator.
const PAGE_DESCRIPTION_BYTES: usize = 4 + 4 + 8;

/// Parses a page list payload into its clusters.
pub(crate) fn read_page_list(r: &mut Reader, header_checksum: u64) -> Result<Vec<Cluster>> {
    let stated = r.u64()?;
    if stated != header_checksum {
        return Err(r.error(format!(
            "the page list belongs to a header with checksum {stated:#018x}, not {header_checksum:#018x}"
        )));
    }
    let summaries = r.list_of_records(|s| {
        let first_entry = s.u64()?;
        let word = s.u64()?;
        let flags = word >> 56;
        if flags & 0x01 != 0 {
            return Err(s.unsupported("sharded clusters (cluster flag 0x01)"));
        }
        Ok((first_entry, word & ((1 << 56) - 1)))
    })?;
    // Each cluster item is at least an empty list frame (12 bytes).
    let (mut cluster_list, n_clusters) = r.list_frame(12)?;
    if n_clusters != summaries.len() {
        return Err(cluster_list.error(format!(
            "{} cluster summaries but page locations for {n_clusters} clusters",
            summaries.len()
        )));
    }
    let mut clusters = Vec::with_capacity(n_clusters);
    for (first_entry, entries) in summaries {
        let (mut column_list, n_columns) = cluster_list.list_frame(12)?;
        let mut columns = Vec::with_capacity(n_columns);
        for _ in 0..n_columns {
            let (mut page_list, n_pages) = column_list.list_frame(PAGE_DESCRIPTION_BYTES)?;
            let mut pages = Vec::with_capacity(n_pages);
            for _ in 0..n_pages {
                let count = page_list.i32()?;
                let locator = read_locator(&mut page_list)?;
                pages.push(PageInfo {
                    elements: count.unsigned_abs(),
                    has_checksum: count < 0,
                    locator,
                });
            }
            let offset = page_list.i64()?;
            let suppressed = offset < 0;
            let compression = if suppressed { 0 } else { page_list.u32()? };
            if suppressed && !pages.is_empty() {
                return Err(page_list.error("a suppressed column with pages"));
            }
            columns.push(ColumnPages {
                first_element: if suppressed { 0 } else { offset as u64 },
                suppressed,
                compression,
                pages,
            });
        }
        clusters.push(Cluster {
            first_entry,
            entries,
            columns,
        });
    }
    Ok(clusters)
}
