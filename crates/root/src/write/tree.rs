//! Trees being written: branches accumulate entries, baskets are
//! compressed (in parallel) and written as keys, and the TTree object is
//! serialised at the end.

use super::buffer::WBuf;
use super::compress::{compress, Compression};
use super::file::{key_header, key_len, DirId, FileWriter, KeySizes};
use crate::error::{Error, Result};
use crate::tree::types::uproot_name;
use hepkey_column::{Array, DType, Leaf, Values};

/// What a branch holds.
#[derive(Clone, Debug, PartialEq)]
pub enum BranchKind {
    /// One number per entry.
    Scalar(DType),
    /// A fixed number of numbers per entry (`x[3]`).
    Fixed(DType, usize),
    /// A leaf-count array (`x[n]`) counted by an earlier `i32` branch.
    Jagged { prim: DType, counter: String },
    /// `std::vector<T>`.
    Vector(DType),
}

/// A branch to declare.
#[derive(Clone, Debug, PartialEq)]
pub struct BranchSpec {
    pub name: String,
    pub kind: BranchKind,
}

impl BranchSpec {
    pub fn scalar(name: &str, prim: DType) -> Self {
        BranchSpec {
            name: name.into(),
            kind: BranchKind::Scalar(prim),
        }
    }
    pub fn fixed(name: &str, prim: DType, n: usize) -> Self {
        BranchSpec {
            name: name.into(),
            kind: BranchKind::Fixed(prim, n),
        }
    }
    pub fn jagged(name: &str, prim: DType, counter: &str) -> Self {
        BranchSpec {
            name: name.into(),
            kind: BranchKind::Jagged {
                prim,
                counter: counter.into(),
            },
        }
    }
    pub fn vector(name: &str, prim: DType) -> Self {
        BranchSpec {
            name: name.into(),
            kind: BranchKind::Vector(prim),
        }
    }

    /// The RNTuple field holding the same entries: numbers, or vectors of
    /// them for every kind of array (fixed, leaf-count, `std::vector`).
    pub fn field_spec(&self) -> super::FieldSpec {
        use super::{FieldKind, FieldSpec};
        match &self.kind {
            BranchKind::Scalar(p) => FieldSpec::number(&self.name, *p),
            _ => FieldSpec::vector(&self.name, FieldKind::Number(self.prim())),
        }
    }

    fn prim(&self) -> DType {
        match &self.kind {
            BranchKind::Scalar(p) | BranchKind::Fixed(p, _) | BranchKind::Vector(p) => *p,
            BranchKind::Jagged { prim, .. } => *prim,
        }
    }

    fn has_offsets(&self) -> bool {
        matches!(self.kind, BranchKind::Jagged { .. } | BranchKind::Vector(_))
    }
}

/// Letters of leaf-list titles.
fn type_letter(p: DType) -> char {
    match p {
        DType::Bool => 'O',
        DType::I8 => 'B',
        DType::U8 => 'b',
        DType::I16 => 'S',
        DType::U16 => 's',
        DType::I32 => 'I',
        DType::U32 => 'i',
        DType::I64 => 'L',
        DType::U64 => 'l',
        DType::F32 => 'F',
        DType::F64 => 'D',
    }
}

fn leaf_class(p: DType) -> &'static str {
    match p {
        DType::Bool => "TLeafO",
        DType::I8 | DType::U8 => "TLeafB",
        DType::I16 | DType::U16 => "TLeafS",
        DType::I32 | DType::U32 => "TLeafI",
        DType::I64 | DType::U64 => "TLeafL",
        DType::F32 => "TLeafF",
        DType::F64 => "TLeafD",
    }
}

fn cpp_name(p: DType) -> &'static str {
    match p {
        DType::Bool => "bool",
        DType::I8 => "char",
        DType::U8 => "unsigned char",
        DType::I16 => "short",
        DType::U16 => "unsigned short",
        DType::I32 => "int",
        DType::U32 => "unsigned int",
        DType::I64 => "Long64_t",
        DType::U64 => "ULong64_t",
        DType::F32 => "float",
        DType::F64 => "double",
    }
}

struct BranchState {
    spec: BranchSpec,
    /// Serialised entries not yet in a basket, and their start positions.
    pending: Vec<u8>,
    pending_offsets: Vec<u32>,
    /// Written baskets: (seek, nbytes, first entry).
    baskets: Vec<(u64, i32, i64)>,
    tot_bytes: i64,
    zip_bytes: i64,
    /// Largest count seen (for counter leaves' maximum).
    max_count: i64,
}

/// A tree being written.
pub(crate) struct TreeBuilder {
    pub dir: DirId,
    pub name: String,
    pub title: String,
    branches: Vec<BranchState>,
    entries: i64,
    flushed_entries: i64,
    compression: Compression,
}

impl TreeBuilder {
    pub fn new(
        dir: DirId,
        name: &str,
        title: &str,
        specs: Vec<BranchSpec>,
        compression: Compression,
    ) -> Result<TreeBuilder> {
        for (i, s) in specs.iter().enumerate() {
            if specs[..i].iter().any(|o| o.name == s.name) {
                return Err(Error::format(format!(
                    "tree {name}: branch {:?} declared twice",
                    s.name
                )));
            }
            if let BranchKind::Jagged { counter, .. } = &s.kind {
                let ok = specs[..i].iter().any(|o| {
                    &o.name == counter && matches!(o.kind, BranchKind::Scalar(DType::I32))
                });
                if !ok {
                    return Err(Error::format(format!(
                        "tree {name}: branch {:?} is counted by {counter:?}, which must be an int32 scalar branch declared before it",
                        s.name
                    )));
                }
            }
        }
        Ok(TreeBuilder {
            dir,
            name: name.into(),
            title: title.into(),
            branches: specs
                .into_iter()
                .map(|spec| BranchState {
                    spec,
                    pending: Vec::new(),
                    pending_offsets: Vec::new(),
                    baskets: Vec::new(),
                    tot_bytes: 0,
                    zip_bytes: 0,
                    max_count: 0,
                })
                .collect(),
            entries: 0,
            flushed_entries: 0,
            compression,
        })
    }

    pub fn pending_entries(&self) -> usize {
        (self.entries - self.flushed_entries) as usize
    }

    /// Appends entries from columns in branch order.
    pub fn append(&mut self, columns: &[Array]) -> Result<()> {
        if columns.len() != self.branches.len() {
            return Err(Error::format(format!(
                "tree {}: {} columns given for {} branches",
                self.name,
                columns.len(),
                self.branches.len()
            )));
        }
        let n = columns.first().map_or(0, Array::len);
        for (b, c) in self.branches.iter().zip(columns) {
            if c.len() != n {
                return Err(Error::format(format!(
                    "tree {}: column {:?} has {} entries, the first has {n}",
                    self.name,
                    b.spec.name,
                    c.len()
                )));
            }
        }
        // Counters must agree with the arrays they count.
        for (i, b) in self.branches.iter().enumerate() {
            if let BranchKind::Jagged { counter, .. } = &b.spec.kind {
                let ci = self
                    .branches
                    .iter()
                    .position(|o| &o.spec.name == counter)
                    .expect("checked");
                let counts = columns[i].counts().unwrap_or_default();
                let ok = matches!(&columns[ci], Array::Flat(Values::I32(v)) if v.iter().zip(&counts).all(|(a, b)| *a as u32 == *b));
                if !ok {
                    return Err(Error::format(format!(
                        "tree {}: the counts of {:?} differ from its counter {counter:?}",
                        self.name, b.spec.name
                    )));
                }
            }
        }
        for (b, c) in self.branches.iter_mut().zip(columns) {
            append_column(b, c)
                .map_err(|e| e.context(format!("tree {}, branch {:?}", self.name, b.spec.name)))?;
        }
        self.entries += n as i64;
        Ok(())
    }

    /// Writes the pending entries of every branch as one basket each.
    pub fn flush(&mut self, file: &mut FileWriter) -> Result<()> {
        let n = self.pending_entries();
        if n == 0 {
            return Ok(());
        }
        let tree_name = self.name.clone();
        let compression = self.compression;
        // Compress in parallel, write in order.
        let jobs: Vec<(Vec<u8>, usize, Vec<u8>, usize)> = par_map(&mut self.branches, |b| {
            let (keylen, objlen, payload) = basket_payload(b, &tree_name);
            let stored = compress(&payload, compression);
            (payload, keylen, stored, objlen)
        });
        for (b, (payload, keylen, stored, objlen)) in self.branches.iter_mut().zip(jobs) {
            let seek = file.position();
            let nbytes = keylen + stored.len();
            let mut header = key_header(
                KeySizes {
                    nbytes: nbytes as i32,
                    objlen: objlen as i32,
                    keylen: keylen as i16,
                    seek,
                    pdir: 100,
                },
                "TBasket",
                &b.spec.name,
                &tree_name,
            );
            // The TBasket fields end the key header.
            let data_len = b.pending.len();
            let mut extra = WBuf::new(0);
            extra.u16(3);
            extra.i32((keylen + payload.len()) as i32);
            extra.i32(if b.spec.has_offsets() {
                n as i32 + 1
            } else {
                entry_size(&b.spec) as i32
            });
            extra.i32(n as i32);
            extra.i32((keylen + data_len) as i32);
            extra.u8(0);
            header.extend_from_slice(&extra.data);
            debug_assert_eq!(header.len(), keylen);
            file.write_raw(&header)?;
            file.write_raw(&stored)?;
            b.baskets.push((seek, nbytes as i32, self.flushed_entries));
            b.tot_bytes += (keylen + objlen) as i64;
            b.zip_bytes += nbytes as i64;
            b.pending.clear();
            b.pending_offsets.clear();
        }
        self.flushed_entries = self.entries;
        Ok(())
    }

    /// The TTree object, for a key of length `keylen`.
    pub fn serialise(&self, keylen: u32) -> Vec<u8> {
        let mut b = WBuf::new(keylen);
        let tot: i64 = self.branches.iter().map(|x| x.tot_bytes).sum();
        let zip: i64 = self.branches.iter().map(|x| x.zip_bytes).sum();
        let p = b.begin(20);
        b.tnamed(&self.name, &self.title);
        b.line_fill_marker();
        b.i64(self.entries);
        b.i64(tot);
        b.i64(zip);
        b.i64(0); // saved bytes
        b.i64(0); // flushed bytes
        b.f64(1.0); // weight
        b.i32(0); // timer interval
        b.i32(25); // scan field
        b.i32(0); // update
        b.i32(1000); // default entry offset len
        b.i32(0); // cluster ranges
        b.i64(1_000_000_000_000); // max entries
        b.i64(1_000_000_000_000); // max entry loop
        b.i64(0); // max virtual size
        b.i64(-300_000_000); // auto save
        b.i64(-30_000_000); // auto flush
        b.i64(1_000_000); // estimate
        b.u8(1); // cluster range ends: none
        b.u8(1); // cluster sizes: none
        io_features(&mut b);
        // Branches, remembering where each leaf starts for references.
        let mut leaf_pos: Vec<(String, usize)> = Vec::new();
        objarray(&mut b, self.branches.len(), |b| {
            for br in &self.branches {
                let class = if matches!(br.spec.kind, BranchKind::Vector(_)) {
                    "TBranchElement"
                } else {
                    "TBranch"
                };
                b.object(class, |b| self.branch(b, br, &mut leaf_pos));
            }
        });
        // The tree's list of leaves refers to the leaves written above.
        objarray(&mut b, leaf_pos.len(), |b| {
            for (_, pos) in &leaf_pos {
                b.reference(*pos);
            }
        });
        b.null(); // aliases
        b.i32(0); // index values (TArrayD)
        b.i32(0); // index (TArrayI)
        b.null(); // tree index
        b.null(); // friends
        b.null(); // user info
        b.null(); // branch ref
        b.end(p);
        b.data
    }

    fn branch(&self, b: &mut WBuf, br: &BranchState, leaf_pos: &mut Vec<(String, usize)>) {
        let spec = &br.spec;
        let is_element = matches!(spec.kind, BranchKind::Vector(_));
        let outer = is_element.then(|| b.begin(10));
        let p = b.begin(13);
        let prim = spec.prim();
        let (title, leaf_title, len) = match &spec.kind {
            BranchKind::Scalar(_) => (
                format!("{}/{}", spec.name, type_letter(prim)),
                spec.name.clone(),
                1,
            ),
            BranchKind::Fixed(_, n) => (
                format!("{}[{n}]/{}", spec.name, type_letter(prim)),
                format!("{}[{n}]", spec.name),
                *n as i32,
            ),
            BranchKind::Jagged { counter, .. } => (
                format!("{}[{counter}]/{}", spec.name, type_letter(prim)),
                format!("{}[{counter}]", spec.name),
                1,
            ),
            BranchKind::Vector(_) => (spec.name.clone(), spec.name.clone(), 1),
        };
        b.tnamed(&spec.name, &title);
        let q = b.begin(2); // TAttFill
        b.i16(0);
        b.i16(1001);
        b.end(q);
        b.i32(self.compression.setting());
        b.i32(32000); // basket size
        b.i32(if spec.has_offsets() { 40 } else { 0 });
        b.i32(br.baskets.len() as i32); // write basket
        b.i64(self.entries); // entry number
        io_features(b);
        b.i32(0); // offset
        let max_baskets = br.baskets.len() + 1;
        b.i32(max_baskets as i32);
        b.i32(0); // split level
        b.i64(self.entries);
        b.i64(0); // first entry
        b.i64(br.tot_bytes);
        b.i64(br.zip_bytes);
        objarray(b, 0, |_| {}); // sub-branches
        objarray(b, 1, |b| {
            let is_counter = self.branches.iter().any(
                |o| matches!(&o.spec.kind, BranchKind::Jagged { counter, .. } if *counter == spec.name),
            );
            let class = if is_element {
                "TLeafElement"
            } else {
                leaf_class(prim)
            };
            let count_pos = match &spec.kind {
                BranchKind::Jagged { counter, .. } => {
                    leaf_pos.iter().find(|(n, _)| n == counter).map(|(_, p)| *p)
                }
                _ => None,
            };
            let pos = b.object(class, |b| {
                let q = b.begin(1); // TLeafElement or TLeafX
                let r = b.begin(2); // TLeaf
                b.tnamed(&spec.name, &leaf_title);
                b.i32(len);
                b.i32(if is_element { 0 } else { prim.size() as i32 });
                b.i32(0); // offset
                b.bool(is_counter); // is range
                b.bool(matches!(
                    prim,
                    DType::U8 | DType::U16 | DType::U32 | DType::U64
                ));
                match count_pos {
                    Some(pos) => b.reference(pos),
                    None => b.null(),
                }
                b.end(r);
                if is_element {
                    b.i32(-1); // id
                    b.i32(-1); // type
                } else {
                    let max = if is_counter { br.max_count } else { 0 };
                    min_max(b, prim, max);
                }
                b.end(q);
            });
            leaf_pos.push((spec.name.clone(), pos));
        });
        objarray(b, 0, |_| {}); // baskets kept in memory: none
        b.u8(1);
        for i in 0..max_baskets {
            b.i32(br.baskets.get(i).map_or(0, |x| x.1));
        }
        b.u8(1);
        for i in 0..max_baskets {
            b.i64(br.baskets.get(i).map_or(self.entries, |x| x.2));
        }
        b.u8(1);
        for i in 0..max_baskets {
            b.i64(br.baskets.get(i).map_or(0, |x| x.0 as i64));
        }
        b.string(""); // file name
        b.end(p);
        if let Some(outer) = outer {
            b.string(&format!("vector<{}>", cpp_name(prim)));
            b.string(""); // parent
            b.string(""); // clones
            b.u32(0); // checksum
            b.i16(10); // class version
            b.i32(-1); // id
            b.i32(0); // type
            b.i32(-1); // streamer type
            b.i32(0); // maximum
            b.null(); // branch count
            b.null(); // branch count 2
            b.end(outer);
        }
    }
}

fn min_max(b: &mut WBuf, prim: DType, max: i64) {
    match prim {
        DType::Bool | DType::I8 | DType::U8 => {
            b.u8(0);
            b.u8(max as u8);
        }
        DType::I16 | DType::U16 => {
            b.i16(0);
            b.i16(max as i16);
        }
        DType::I32 | DType::U32 => {
            b.i32(0);
            b.i32(max as i32);
        }
        DType::I64 | DType::U64 => {
            b.i64(0);
            b.i64(max);
        }
        DType::F32 => {
            b.f32(0.0);
            b.f32(0.0);
        }
        DType::F64 => {
            b.f64(0.0);
            b.f64(0.0);
        }
    }
}

/// ROOT::TIOFeatures: a "foreign" class (no TObject base), written with
/// version 0 followed by its class checksum.
fn io_features(b: &mut WBuf) {
    let q = b.begin(0);
    b.u32(0x1aa1_2f10);
    b.u8(0);
    b.end(q);
}

/// A TObjArray of `n` objects written by `items`.
fn objarray(b: &mut WBuf, n: usize, items: impl FnOnce(&mut WBuf)) {
    let p = b.begin(3);
    b.tobject();
    b.string("");
    b.i32(n as i32);
    b.i32(0); // lower bound
    items(b);
    b.end(p);
}

fn entry_size(spec: &BranchSpec) -> usize {
    match spec.kind {
        BranchKind::Fixed(p, n) => p.size() * n,
        _ => spec.prim().size(),
    }
}

/// Key length, uncompressed length and payload of a branch's pending basket.
fn basket_payload(b: &BranchState, tree: &str) -> (usize, usize, Vec<u8>) {
    let keylen = key_len("TBasket", &b.spec.name, tree) + 19;
    let mut payload = b.pending.clone();
    if b.spec.has_offsets() {
        let n = b.pending_offsets.len();
        payload.extend_from_slice(&(n as i32 + 1).to_be_bytes());
        for &o in &b.pending_offsets {
            payload.extend_from_slice(&((o as usize + keylen) as i32).to_be_bytes());
        }
        payload.extend_from_slice(&0i32.to_be_bytes());
    }
    let len = payload.len();
    (keylen, len, payload)
}

fn append_column(b: &mut BranchState, c: &Array) -> Result<()> {
    let prim = b.spec.prim();
    let wrong = |what: &str| {
        Error::format(format!(
            "expected {what} of {}, got a column of depth {} with {} values",
            uproot_name(prim),
            c.depth(),
            c.leaves().first().map_or("no", leaf_type_name)
        ))
    };
    match (&b.spec.kind, c) {
        (BranchKind::Scalar(_), Array::Flat(v)) if same_type(v, prim) => {
            push_be(&mut b.pending, v, 0..v.len());
            if let Values::I32(counts) = v {
                b.max_count = b
                    .max_count
                    .max(counts.iter().copied().max().unwrap_or(0) as i64);
            }
        }
        (BranchKind::Fixed(_, n), Array::List { offsets, content }) => match &**content {
            Array::Flat(v)
                if same_type(v, prim)
                    && offsets.windows(2).all(|w| (w[1] - w[0]) as usize == *n) =>
            {
                push_be(
                    &mut b.pending,
                    v,
                    offsets[0] as usize..*offsets.last().unwrap_or(&0) as usize,
                );
            }
            _ => return Err(wrong(&format!("arrays of {n}"))),
        },
        (BranchKind::Jagged { .. }, Array::List { offsets, content }) => match &**content {
            Array::Flat(v) if same_type(v, prim) => {
                for w in offsets.windows(2) {
                    b.pending_offsets.push(b.pending.len() as u32);
                    push_be(&mut b.pending, v, w[0] as usize..w[1] as usize);
                }
            }
            _ => return Err(wrong("lists")),
        },
        (BranchKind::Vector(_), Array::List { offsets, content }) => match &**content {
            Array::Flat(v) if same_type(v, prim) => {
                for w in offsets.windows(2) {
                    b.pending_offsets.push(b.pending.len() as u32);
                    let n = (w[1] - w[0]) as usize;
                    let count =
                        (6 + n * prim.size()) as u32 | crate::serialisation::BYTE_COUNT_MASK;
                    b.pending.extend_from_slice(&count.to_be_bytes());
                    b.pending.extend_from_slice(&10i16.to_be_bytes());
                    b.pending.extend_from_slice(&(n as i32).to_be_bytes());
                    push_be(&mut b.pending, v, w[0] as usize..w[1] as usize);
                }
            }
            _ => return Err(wrong("vectors")),
        },
        _ => return Err(wrong("values")),
    }
    if b.pending.len() > u32::MAX as usize / 2 {
        return Err(Error::format(
            "more than 2 GB pending in one basket; flush more often",
        ));
    }
    Ok(())
}

/// The element type of a leaf, in the words of the error messages.
fn leaf_type_name(leaf: &Leaf) -> &'static str {
    match leaf {
        Leaf::Numbers(v) => uproot_name(v.dtype()),
        Leaf::Strings(_) => "string",
    }
}

fn same_type(v: &Values, p: DType) -> bool {
    v.dtype() == p
}

fn push_be(out: &mut Vec<u8>, v: &Values, r: std::ops::Range<usize>) {
    match v {
        Values::Bool(x) => out.extend(x[r].iter().map(|&b| b as u8)),
        Values::I8(x) => out.extend(x[r].iter().map(|&b| b as u8)),
        Values::U8(x) => out.extend_from_slice(&x[r]),
        Values::I16(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::U16(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::I32(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::U32(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::I64(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::U64(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::F32(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
        Values::F64(x) => x[r]
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_be_bytes())),
    }
}

fn par_map<T: Send, R: Send>(items: &mut [T], f: impl Fn(&mut T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "native")]
    {
        use rayon::prelude::*;
        items.par_iter_mut().map(f).collect()
    }
    #[cfg(not(feature = "native"))]
    {
        items.iter_mut().map(f).collect()
    }
}
