//! The stored description of a tree: TTree, TBranch, TBranchElement and
//! TLeaf objects as ROOT serialises them (class versions of ROOT 5.30 on).

use crate::containers::read_objarray;
use crate::cursor::{lossy, Cursor, Pointer, Version};
use crate::error::{Error, Result};

/// A leaf: the type of the values of a branch.
#[derive(Clone, Debug)]
// Every stored field is kept (and shown by Debug), though the reader uses only some.
#[allow(dead_code)]
pub struct Leaf {
    /// Leaf class: TLeafF, TLeafI, TLeafElement, …
    pub class: String,
    pub name: String,
    /// e.g. `Jet_pt[nJet]/F`; holds array dimensions and ranges.
    pub title: String,
    /// Number of fixed elements per entry (product of fixed dimensions).
    pub len: i32,
    /// Bytes per element.
    pub len_type: i32,
    pub is_unsigned: bool,
    /// The leaf that counts the elements of a jagged array, by name.
    pub count: Option<String>,
    /// ROOT type code of TLeafElement leaves (`fType`).
    pub element_type: Option<i32>,
}

/// Where a basket stored in the tree object itself (a file not closed
/// cleanly) keeps its bytes.
#[derive(Clone, Debug)]
pub struct EmbeddedBasket {
    /// Length of the basket's key header, counted in its size like a file basket's.
    pub keylen: i64,
    pub data: Vec<u8>,
    /// Byte offsets of entries within `data`, ending with `data.len()`.
    pub offsets: Option<Vec<u32>>,
    pub entries: usize,
}

impl EmbeddedBasket {
    /// Bytes the basket takes in the (uncompressed) tree object: key header,
    /// data and entry-offset table (a count and one position per entry).
    pub fn stored_bytes(&self) -> i64 {
        let table = self
            .offsets
            .as_ref()
            .map_or(0, |_| 4 + 4 * self.entries as i64);
        self.keylen + self.data.len() as i64 + table
    }
}

/// Extra fields of TBranchElement.
#[derive(Clone, Debug)]
// Every stored field is kept (and shown by Debug), though the reader uses only some.
#[allow(dead_code)]
pub struct ElementInfo {
    pub class_name: String,
    pub parent_name: String,
    pub clones_name: String,
    pub id: i32,
    pub kind: i32,
    pub streamer_type: i32,
}

/// A branch as stored (with its sub-branches).
#[derive(Clone, Debug)]
// Every stored field is kept (and shown by Debug), though the reader uses only some.
#[allow(dead_code)]
pub struct BranchModel {
    pub class: String,
    pub name: String,
    pub title: String,
    pub entry_offset_len: i32,
    pub write_basket: i32,
    pub entries: i64,
    pub tot_bytes: i64,
    pub zip_bytes: i64,
    pub basket_bytes: Vec<i32>,
    pub basket_entry: Vec<i64>,
    pub basket_seek: Vec<i64>,
    pub embedded: Vec<EmbeddedBasket>,
    pub leaves: Vec<Leaf>,
    pub branches: Vec<BranchModel>,
    pub element: Option<ElementInfo>,
    /// Why the branch's object could not be read (then only its name and entries are known).
    pub unreadable: Option<String>,
}

impl BranchModel {
    /// A plain branch with a name and entries and nothing stored.
    pub fn named(name: &str, entries: i64) -> BranchModel {
        BranchModel {
            class: "TBranch".into(),
            name: name.into(),
            title: String::new(),
            entry_offset_len: 0,
            write_basket: 0,
            entries,
            tot_bytes: 0,
            zip_bytes: 0,
            basket_bytes: Vec::new(),
            basket_entry: Vec::new(),
            basket_seek: Vec::new(),
            embedded: Vec::new(),
            leaves: Vec::new(),
            branches: Vec::new(),
            element: None,
            unreadable: None,
        }
    }
}

/// A tree as stored, but for its branches: those are only found ([`TopBranch`]) and read
/// when first needed, so that a tree of 1,500 branches costs little when a few are read.
#[derive(Clone, Debug)]
// Every stored field is kept (and shown by Debug), though the reader uses only some.
#[allow(dead_code)]
pub struct TreeModel {
    pub class: String,
    pub name: String,
    pub title: String,
    pub entries: i64,
    pub branches: Vec<TopBranch>,
}

/// A top-level branch found in the tree object without reading it whole.
#[derive(Clone, Debug)]
pub struct TopBranch {
    pub name: String,
    /// Its class: TBranch, TBranchElement, TBranchObject or TBranchSTL.
    pub class: &'static str,
    /// Entries the branch holds (`fEntries`).
    pub entries: i64,
    /// Where its object's fields start in the tree object (after its byte count and class).
    pub start: usize,
}

/// Reads a TTree (or TNtuple, TNtupleD) object.
pub fn read_tree(c: &mut Cursor, class: &str) -> Result<TreeModel> {
    let outer = if class == "TTree" {
        None
    } else {
        // TNtuple and friends wrap a TTree and add fNvar.
        Some(c.version()?)
    };
    let v = c.version()?;
    if !(16..=20).contains(&v.version) {
        return Err(Error::Unsupported(format!(
            "TTree class version {} (hepkey reads versions 16 to 20, ROOT 5.30 and later)",
            v.version
        )));
    }
    let (name, title) = c.tnamed()?;
    c.skip_versioned("TAttLine")?;
    c.skip_versioned("TAttFill")?;
    c.skip_versioned("TAttMarker")?;
    let entries = c.i64()?;
    c.i64()?; // tot bytes
    c.i64()?; // zip bytes
    c.i64()?; // saved bytes
    if v.version >= 18 {
        c.i64()?; // flushed bytes
    }
    c.f64()?; // weight
    c.i32()?; // timer interval
    c.i32()?; // scan field
    c.i32()?; // update
    if v.version >= 17 {
        c.i32()?; // default entry offset len
    }
    let n_cluster_range = if v.version >= 19 { c.i32()? } else { 0 };
    for _ in 0..4 {
        c.i64()?; // max entries, max entry loop, max virtual size, auto save
    }
    if v.version >= 18 {
        c.i64()?; // auto flush
    }
    c.i64()?; // estimate
    if v.version >= 19 {
        let n = c.check_count(n_cluster_range as i64, 8)?;
        c.u8()?;
        c.skip(8 * n)?; // cluster range ends
        c.u8()?;
        c.skip(8 * n)?; // cluster sizes
    }
    if v.version >= 20 {
        c.skip_versioned("TIOFeatures")?;
    }
    let branches = find_branches(c)?;
    c.finish(v)?;
    if let Some(o) = outer {
        c.finish(o)?;
    }
    Ok(TreeModel {
        class: class.to_string(),
        name,
        title,
        entries,
        branches,
    })
}

fn read_branch_array(c: &mut Cursor) -> Result<Vec<BranchModel>> {
    read_objarray(c, |c, class| {
        // Nothing refers to a branch by pointer here: no name to register.
        Ok(Some((read_branch(c, class)?, String::new())))
    })
}

/// The tree's `fBranches` array, each branch's name and entries read and the rest skipped (by
/// its byte count).
fn find_branches(c: &mut Cursor) -> Result<Vec<TopBranch>> {
    read_objarray(c, |c, class| {
        let start = c.pos();
        // TBranchElement and the like start with their own version, then TBranch's.
        let (class, outer) = match class {
            "TBranch" => ("TBranch", None),
            "TBranchElement" => ("TBranchElement", Some(c.version()?)),
            "TBranchObject" => ("TBranchObject", Some(c.version()?)),
            "TBranchSTL" => ("TBranchSTL", Some(c.version()?)),
            other => return Err(c.error(format!("unexpected class {other} among branches"))),
        };
        let head = read_tbranch_head(c)?;
        let name = lossy(head.name);
        let end = outer
            .unwrap_or(head.version)
            .end
            .ok_or_else(|| c.error(format!("branch {name:?} has no byte count to skip it by")))?;
        c.seek(end)?;
        let top = TopBranch {
            name,
            class,
            entries: head.entries,
            start,
        };
        Ok(Some((top, String::new())))
    })
}

/// Reads a top-level branch found by [`find_branches`], with its sub-branches.
pub fn read_top_branch(c: &mut Cursor, top: &TopBranch) -> Result<BranchModel> {
    c.seek(top.start)?;
    read_branch(c, top.class)
}

fn read_branch(c: &mut Cursor, class: &str) -> Result<BranchModel> {
    match class {
        "TBranch" => read_tbranch(c, class),
        "TBranchElement" | "TBranchObject" | "TBranchSTL" => {
            let v = c.version()?;
            let mut b = read_tbranch(c, class)?;
            if class == "TBranchElement" {
                let class_name = c.string()?;
                let parent_name = c.string()?;
                let clones_name = c.string()?;
                c.u32()?; // checksum
                if v.version >= 10 {
                    c.i16()?;
                } else {
                    c.i32()?;
                } // class version
                let id = c.i32()?;
                let kind = c.i32()?;
                let streamer_type = c.i32()?;
                b.element = Some(ElementInfo {
                    class_name,
                    parent_name,
                    clones_name,
                    id,
                    kind,
                    streamer_type,
                });
            } else if class == "TBranchObject" {
                let class_name = c.string()?;
                b.element = Some(ElementInfo {
                    class_name,
                    parent_name: String::new(),
                    clones_name: String::new(),
                    id: -1,
                    kind: 0,
                    streamer_type: -1,
                });
            }
            c.finish(v)?;
            b.class = class.to_string();
            Ok(b)
        }
        other => Err(c.error(format!("unexpected class {other} among branches"))),
    }
}

/// The fields of a TBranch before its sub-branches (name and title as stored: finding the
/// branches of a tree needs only the names).
struct TBranchHead<'a> {
    version: Version,
    name: &'a [u8],
    title: &'a [u8],
    entry_offset_len: i32,
    write_basket: i32,
    max_baskets: i32,
    entries: i64,
    tot_bytes: i64,
    zip_bytes: i64,
}

fn read_tbranch_head<'a>(c: &mut Cursor<'a>) -> Result<TBranchHead<'a>> {
    let version = c.version()?;
    if !(10..=13).contains(&version.version) {
        return Err(Error::Unsupported(format!(
            "TBranch class version {} (hepkey reads versions 10 to 13)",
            version.version
        )));
    }
    let (name, title) = c.tnamed_bytes()?;
    c.skip_versioned("TAttFill")?;
    c.i32()?; // compress
    c.i32()?; // basket size
    let entry_offset_len = c.i32()?;
    let write_basket = c.i32()?;
    c.i64()?; // entry number
    if version.version >= 13 {
        c.skip_versioned("TIOFeatures")?;
    }
    c.i32()?; // offset
    let max_baskets = c.i32()?;
    c.i32()?; // split level
    let entries = c.i64()?;
    if version.version >= 11 {
        c.i64()?; // first entry
    }
    Ok(TBranchHead {
        version,
        name,
        title,
        entry_offset_len,
        write_basket,
        max_baskets,
        entries,
        tot_bytes: c.i64()?,
        zip_bytes: c.i64()?,
    })
}

fn read_tbranch(c: &mut Cursor, class: &str) -> Result<BranchModel> {
    let head = read_tbranch_head(c)?;
    let branches = read_branch_array(c)?;
    let leaves = read_objarray(c, |c, class| {
        let leaf = read_leaf(c, class)?;
        let name = leaf.name.clone();
        Ok(Some((leaf, name)))
    })?;
    let embedded = read_objarray(c, |c, class| {
        if class != "TBasket" {
            return Ok(None);
        }
        Ok(read_embedded_basket(c)?.map(|b| (b, String::new())))
    })?;
    let n = c.check_count(head.max_baskets as i64, 4)?;
    c.u8()?;
    let basket_bytes = c.i32_array(n)?;
    c.u8()?;
    let basket_entry = c.i64_array(n)?;
    c.u8()?;
    let basket_seek = c.i64_array(n)?;
    c.finish(head.version)?;
    let wb = head.write_basket.clamp(0, n as i32);
    Ok(BranchModel {
        class: class.to_string(),
        name: lossy(head.name),
        title: lossy(head.title),
        entry_offset_len: head.entry_offset_len,
        write_basket: wb,
        entries: head.entries,
        tot_bytes: head.tot_bytes,
        zip_bytes: head.zip_bytes,
        basket_bytes,
        basket_entry,
        basket_seek,
        embedded,
        leaves,
        branches,
        element: None,
        unreadable: None,
    })
}

/// A basket kept inside the branch object (written before the file was
/// closed cleanly). Its layout is a key header, the TBasket fields, the
/// entry offsets, a second key header, then the uncompressed data.
fn read_embedded_basket(c: &mut Cursor) -> Result<Option<EmbeddedBasket>> {
    let start = c.pos();
    c.i32()?; // nbytes
    c.i16()?; // key version
    c.i32()?; // objlen
    c.u32()?; // datime
    let keylen = c.i16()? as i64;
    c.i16()?; // cycle
    c.seek((start as i64 + keylen - 19).max(0) as usize)?;
    c.u16()?; // basket version
    c.i32()?; // buffer size
    let nev_buf_size = c.i32()? as i64;
    let nev_buf = c.i32()? as i64;
    let last = c.i32()? as i64;
    c.u8()?;
    let border = last - keylen;
    if border < 0 || nev_buf < 0 {
        return Err(c.error(format!(
            "embedded basket with negative sizes (keylen {keylen}, last {last}, entries {nev_buf})"
        )));
    }
    let offsets = if nev_buf_size * nev_buf + keylen != last {
        let n = c.count(4)?;
        let mut offs = Vec::with_capacity(n + 1);
        for _ in 0..n {
            offs.push((c.i32()? as i64 - keylen).max(0) as u32);
        }
        offs.truncate(nev_buf as usize);
        offs.push(border as u32);
        Some(offs)
    } else {
        None
    };
    c.skip(keylen as usize)?;
    let data = c.bytes(border as usize)?.to_vec();
    Ok(Some(EmbeddedBasket {
        keylen,
        data,
        offsets,
        entries: nev_buf as usize,
    }))
}

fn read_leaf(c: &mut Cursor, class: &str) -> Result<Leaf> {
    let outer = c.version()?;
    let v = c.version()?;
    let (name, title) = c.tnamed()?;
    let len = c.i32()?;
    let len_type = c.i32()?;
    c.i32()?; // offset
    c.bool()?; // is range
    let is_unsigned = c.bool()?;
    let count = match c.object_any(|c, class| {
        let leaf = read_leaf(c, class)?;
        let name = leaf.name.clone();
        Ok((leaf, name))
    })? {
        Pointer::Null => None,
        Pointer::New(leaf) => Some(leaf.name),
        Pointer::Ref(name) => Some(name),
    };
    c.finish(v)?;
    let element_type = if class == "TLeafElement" {
        c.i32()?; // id
        Some(c.i32()?)
    } else {
        None
    };
    c.finish(outer)?;
    Ok(Leaf {
        class: class.to_string(),
        name,
        title,
        len,
        len_type,
        is_unsigned,
        count,
        element_type,
    })
}
