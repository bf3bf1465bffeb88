//! TTree reading: branches into columns, for any entry range, in parallel.

mod append;
mod basket;
mod decode;
mod interpretation;
mod layout;
mod model;
pub(crate) mod types;

pub use basket::{BasketRef, RawBasket};

use crate::cursor::Cursor;
use crate::error::{Error, Result};
use crate::file::RootFile;
use crate::source::ByteSource;
use append::Appender;
use basket::{basket_refs, read_basket, with_basket, GenerateOffsets};
use hepkey_column::{Array, DType};
use interpretation::{interpret, Interpretation};
use model::{BranchModel, TreeModel};
use std::ops::Range;
use std::sync::{Arc, OnceLock};

/// A readable branch (sub-branches are listed with their full path).
#[derive(Clone, Debug)]
pub struct Branch {
    /// Full path: `name`, or `parent/child` for sub-branches.
    pub path: String,
    pub(crate) model: BranchModel,
    /// How to decode it, or why it cannot be read.
    pub(crate) interpretation: std::result::Result<Interpretation, String>,
    baskets: Vec<BasketRef>,
    /// The top-level branch this one is (or is under), by position in the tree.
    family: usize,
    /// Indices of the direct sub-branches in their family (the top-level branch, then every
    /// branch under it, depth first).
    children: Vec<usize>,
    /// The embedded baskets' share of the tree object's compressed bytes.
    embedded_compressed: i64,
}

impl Branch {
    /// The value type as uproot names it (or the stored class when unreadable).
    pub fn type_name(&self) -> String {
        match &self.interpretation {
            Ok(i) => i.type_name(),
            Err(_) => interpretation::describe(&self.model),
        }
    }

    /// Why the branch cannot be read (None when it can).
    pub fn unreadable(&self) -> Option<&str> {
        self.interpretation.as_ref().err().map(String::as_str)
    }

    /// Basket `r` of this branch, decompressed (the first stage of a read, exposed for
    /// benchmarks that time the stages apart).
    pub fn read_raw_basket(&self, source: &dyn ByteSource, r: &BasketRef) -> Result<RawBasket> {
        read_basket(source, &self.model, r, &self.path, None)
    }

    /// Decodes a basket from [`Branch::read_raw_basket`] into its entries' array (the second
    /// stage of a read).
    pub fn decode_raw_basket(&self, raw: &RawBasket) -> Result<Array> {
        let interp = self
            .interpretation
            .as_ref()
            .map_err(|e| Error::Unsupported(e.clone()))?;
        decode::decode_basket(
            interp,
            &raw.data,
            raw.offsets.as_deref(),
            raw.entries,
            &self.path,
        )
    }

    /// The element type of a branch that reads as numbers, and whether each entry is a list of
    /// them; None for strings, records, lists of lists and unreadable branches.
    pub fn numeric_type(&self) -> Option<(DType, bool)> {
        self.interpretation.as_ref().ok()?.numeric_type()
    }

    /// Compressed bytes of the branch's baskets (the branch's own, not
    /// sub-branches), key headers included. Baskets written to the file count
    /// their `fBasketBytes`, as uproot does; baskets kept inside the tree
    /// object (see [`Branch::embedded_baskets`]) count their share of the tree
    /// object's compressed record, which is what they cost on disk.
    pub fn compressed_bytes(&self) -> i64 {
        let in_file: i64 = self.file_baskets().map(|(_, bytes)| bytes as i64).sum();
        in_file + self.embedded_compressed
    }

    /// Uncompressed bytes of the branch's baskets, key headers included:
    /// `fTotBytes` for the baskets written to the file (the sum of their keys'
    /// header and object lengths, as uproot counts them) plus the bytes of the
    /// baskets kept in the tree object.
    pub fn uncompressed_bytes(&self) -> i64 {
        let embedded: i64 = self.model.embedded.iter().map(|e| e.stored_bytes()).sum();
        self.model.tot_bytes.max(0) + embedded
    }

    /// Number of baskets stored inside the tree object instead of on their own
    /// in the file: ROOT does so with the baskets still being filled when the
    /// tree is written, which for small trees is all of them. `fTotBytes` and
    /// `fZipBytes` (and uproot's `compressed_bytes`) leave these out.
    pub fn embedded_baskets(&self) -> usize {
        self.model.embedded.len()
    }

    /// Position and size of the baskets written to the file.
    fn file_baskets(&self) -> impl Iterator<Item = (u64, usize)> + '_ {
        self.baskets.iter().filter_map(|r| r.location)
    }

    /// The baskets in entry order.
    pub fn baskets(&self) -> &[BasketRef] {
        &self.baskets
    }
}

/// An open tree.
///
/// Opening reads the tree's own fields and finds its top-level branches (name, entries, where
/// each starts); a branch is read whole, with its sub-branches and leaves, when first needed.
/// A NanoAOD has ~1,500 branches: reading 10 of them then costs what it costs in a narrow tree.
pub struct Tree {
    source: Arc<dyn ByteSource>,
    file_name: String,
    /// Path of the tree in its file.
    pub path: String,
    pub(crate) model: TreeModel,
    /// The tree object, for the branches read later.
    object: TreeObject,
    /// The key's length: ROOT numbers the object's references from the start of the key.
    keylen: u32,
    /// Streamer infos describe members of split objects; a file without readable ones still
    /// gives every branch that does not need them.
    infos: Arc<[crate::streamers::StreamerInfo]>,
    /// Compressed over uncompressed size of the tree object (baskets embedded in it get this).
    ratio: f64,
    /// Per top-level branch, it and the branches under it, read on first use.
    families: Vec<OnceLock<Vec<Branch>>>,
}

/// Where the tree object's bytes are: in the file's memory map when stored uncompressed (a
/// 1,500-branch tree object is a megabyte, not copied), else decompressed once and kept.
enum TreeObject {
    InSource { offset: u64, len: usize },
    Owned(Vec<u8>),
}

impl TreeObject {
    fn of(file: &RootFile, key: &crate::key::Key) -> Result<TreeObject> {
        let (offset, len) = (key.seek_key as u64 + key.keylen as u64, key.stored_len());
        match file.source().read_at(offset, len)? {
            std::borrow::Cow::Borrowed(_) if len == key.objlen as usize => {
                Ok(TreeObject::InSource { offset, len })
            }
            stored => file.decompress_object(key, &stored).map(TreeObject::Owned),
        }
    }

    fn bytes<'s>(&'s self, source: &'s dyn ByteSource) -> Result<std::borrow::Cow<'s, [u8]>> {
        match self {
            TreeObject::InSource { offset, len } => source.read_at(*offset, *len),
            TreeObject::Owned(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
        }
    }
}

impl Tree {
    /// Reads the tree object at `path` (e.g. `Events` or `dir/tree;2`).
    pub fn open(file: &RootFile, path: &str) -> Result<Tree> {
        let key = file.find_key(path)?;
        if !matches!(key.class_name.as_str(), "TTree" | "TNtuple" | "TNtupleD") {
            return Err(Error::NotFound(format!(
                "{}: {:?} is a {}, not a TTree",
                file.name(),
                path,
                key.class_name
            )));
        }
        let object = TreeObject::of(file, &key)?;
        let what = format!("{}: TTree {}", file.name(), key.name);
        let bytes = object.bytes(file.source().as_ref())?;
        let mut c = Cursor::new(&bytes, key.keylen as u32, &what);
        let model = model::read_tree(&mut c, &key.class_name).map_err(|e| e.context(&what))?;
        check_entries(&model).map_err(|e| e.context(&what))?;
        let infos = file
            .shared_streamer_infos()
            .cloned()
            .unwrap_or_else(|_| Arc::from(Vec::new()));
        // Embedded baskets are compressed together with the whole tree object,
        // so each gets the object's compression ratio.
        let stored = (key.nbytes as i64 - key.keylen as i64).max(0);
        let ratio = if key.objlen > 0 {
            stored as f64 / key.objlen as f64
        } else {
            1.0
        };
        Ok(Tree {
            source: file.source().clone(),
            file_name: file.name().to_string(),
            path: path.to_string(),
            families: model.branches.iter().map(|_| OnceLock::new()).collect(),
            model,
            object,
            keylen: key.keylen as u32,
            infos,
            ratio,
        })
    }

    /// Top-level branch `k` and the branches under it, read now if not yet.
    fn family(&self, k: usize) -> &[Branch] {
        self.families[k].get_or_init(|| {
            let what = self.object_name();
            match self.object.bytes(self.source.as_ref()) {
                Ok(bytes) => self.read_family(k, &mut Cursor::new(&bytes, self.keylen, &what)),
                Err(e) => self.unreadable_family(k, e),
            }
        })
    }

    /// Reads every top-level branch not read yet, in order with one cursor: references to
    /// earlier branches then resolve from what it read (listing a NanoAOD's 1,500 branches).
    fn read_all_families(&self) {
        if self.families.iter().all(|f| f.get().is_some()) {
            return;
        }
        let what = self.object_name();
        let pending = || {
            self.families
                .iter()
                .enumerate()
                .filter(|(_, f)| f.get().is_none())
        };
        // Another thread may read a branch meanwhile: the same branches, either kept.
        match self.object.bytes(self.source.as_ref()) {
            Ok(bytes) => {
                let mut c = Cursor::new(&bytes, self.keylen, &what);
                for (k, slot) in pending() {
                    let _ = slot.set(self.read_family(k, &mut c));
                }
            }
            Err(e) => {
                for (k, slot) in pending() {
                    let _ = slot.set(self.unreadable_family(k, Error::format(e.to_string())));
                }
            }
        }
    }

    fn object_name(&self) -> String {
        format!("{}: TTree {}", self.file_name, self.model.name)
    }

    /// Top-level branch `k` and the branches under it, read with `c`.
    fn read_family(&self, k: usize, c: &mut Cursor) -> Vec<Branch> {
        match model::read_top_branch(c, &self.model.branches[k]) {
            Ok(model) => self.family_of(k, model),
            Err(e) => self.unreadable_family(k, e),
        }
    }

    /// Top-level branch `k` as a branch reported by name when read or listed, never a wrong value.
    fn unreadable_family(&self, k: usize, e: Error) -> Vec<Branch> {
        let top = &self.model.branches[k];
        let mut stub = BranchModel::named(&top.name, top.entries);
        stub.unreadable = Some(e.context(self.object_name()).to_string());
        self.family_of(k, stub)
    }

    fn family_of(&self, k: usize, model: BranchModel) -> Vec<Branch> {
        let mut family = Vec::new();
        flatten(vec![model], "", &mut family, &self.infos, true);
        for b in &mut family {
            b.family = k;
            let embedded: i64 = b.model.embedded.iter().map(|e| e.stored_bytes()).sum();
            b.embedded_compressed = (embedded as f64 * self.ratio).round() as i64;
        }
        family
    }

    /// Number of entries.
    pub fn entries(&self) -> u64 {
        self.model.entries.max(0) as u64
    }

    /// Every branch, top-level ones and their sub-branches, depth first (all read now).
    pub fn branches(&self) -> Vec<&Branch> {
        self.all_branches().collect()
    }

    fn all_branches(&self) -> impl Iterator<Item = &Branch> {
        self.read_all_families();
        (0..self.families.len()).flat_map(|k| self.family(k))
    }

    /// Number of top-level branches (known without reading them).
    pub fn top_level_branches(&self) -> usize {
        self.model.branches.len()
    }

    /// Every branch that reads as numbers (one or one list per entry): its path, element type
    /// and whether entries are lists. This is what an expression engine can use of the tree.
    pub fn numeric_columns(&self) -> impl Iterator<Item = (&str, DType, bool)> {
        self.all_branches().filter_map(|b| {
            let (dtype, jagged) = b.numeric_type()?;
            Some((b.path.as_str(), dtype, jagged))
        })
    }

    /// A branch by full path or by its own name.
    pub fn branch(&self, name: &str) -> Result<&Branch> {
        // A top-level branch, or a path under one: only that family is read.
        let top = name.split('/').next().unwrap_or(name);
        let family = self.model.branches.iter().position(|t| t.name == top);
        if let Some(b) = family.and_then(|k| self.family(k).iter().find(|b| b.path == name)) {
            return Ok(b);
        }
        self.all_branches()
            .find(|b| b.path == name)
            .or_else(|| self.all_branches().find(|b| b.model.name == name))
            .ok_or_else(|| {
                let mut close: Vec<&str> = self
                    .all_branches()
                    .map(|b| b.path.as_str())
                    .filter(|p| similar(p, name))
                    .collect();
                close.truncate(5);
                Error::NotFound(format!(
                    "{}: tree {:?} has no branch {:?}{}",
                    self.file_name,
                    self.path,
                    name,
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!(" (did you mean {}?)", close.join(", "))
                    }
                ))
            })
    }

    /// Reads entries `range` of one branch.
    pub fn read(&self, name: &str, range: Range<u64>) -> Result<Array> {
        let branch = self.branch(name)?;
        self.read_branch(branch, range)
    }

    /// Reads all entries of one branch.
    pub fn read_all(&self, name: &str) -> Result<Array> {
        self.read(name, 0..self.entries())
    }

    /// Reads several branches over the same range, in parallel.
    pub fn read_many(&self, names: &[&str], range: Range<u64>) -> Result<Vec<Array>> {
        let branches = names
            .iter()
            .map(|n| self.branch(n))
            .collect::<Result<Vec<_>>>()?;
        // Announced once for all branches; the reads below do not announce them again.
        self.prefetch(&branches, &range)?;
        if branches.len() < 2 * threads() {
            return par_map(&branches, |b| {
                self.read_branch_cached(b, range.clone(), None, false)
            })
            .into_iter()
            .collect();
        }
        // Enough branches keep every thread busy: each is read basket after
        // basket straight into its column (no joining copies), largest first
        // so that no thread is left with a big one at the end.
        // A branch holding a large share of the bytes is still split by basket.
        let mut order: Vec<usize> = (0..branches.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(branches[i].uncompressed_bytes()));
        let total: i64 = branches.iter().map(|b| b.uncompressed_bytes().max(0)).sum();
        let share = total / (4 * threads() as i64);
        let mut out: Vec<Option<Result<Array>>> = (0..branches.len()).map(|_| None).collect();
        let read = par_map_one_by_one(&order, |&i| {
            let whole = branches[i].uncompressed_bytes() <= share;
            self.read_branch_cached(branches[i], range.clone(), None, whole)
        });
        for (i, r) in order.into_iter().zip(read) {
            out[i] = Some(r);
        }
        out.into_iter()
            .map(|r| r.expect("every branch read"))
            .collect()
    }

    /// Iterates over entries in chunks of at most `step` entries, reading
    /// `names` for each chunk; memory stays bounded by the chunk size.
    pub fn iterate<'t>(&'t self, names: &[&str], step: u64) -> Result<ChunkIter<'t>> {
        self.iterate_range(names, 0..self.entries(), step)
    }

    /// [`Tree::iterate`] over the entries `range` only. Started at the start of one of
    /// [`Tree::chunk_groups`], it gives that group's chunks.
    pub fn iterate_range<'t>(
        &'t self,
        names: &[&str],
        range: Range<u64>,
        step: u64,
    ) -> Result<ChunkIter<'t>> {
        let branches = names
            .iter()
            .map(|n| self.branch(n))
            .collect::<Result<Vec<_>>>()?;
        Ok(ChunkIter {
            tree: self,
            caches: branches.iter().map(|_| None).collect(),
            branches,
            next: range.start,
            end: range.end.min(self.entries()),
            step: step.max(1),
        })
    }

    /// Entry ranges of at most `step` entries covering the tree, cut at basket
    /// boundaries of the first named branch where possible (so that no basket
    /// is decompressed for two chunks).
    pub fn chunk_ranges(&self, names: &[&str], step: u64) -> Vec<Range<u64>> {
        let first = names.first().and_then(|n| self.branch(n).ok());
        let (total, step) = (self.entries(), step.max(1));
        let mut out = Vec::new();
        let mut start = 0;
        while start < total {
            let end = chunk_end(first, start, step, total);
            out.push(start..end);
            start = end;
        }
        out
    }

    /// [`Tree::chunk_ranges`] grouped so that no basket of the first named branch reaches from one
    /// group into the next. Chunks smaller than the baskets (files written in large baskets, as
    /// uproot does) then share a group, which reads them in order with [`Tree::iterate_range`] and
    /// decompresses each basket once; groups can be read in parallel.
    pub fn chunk_groups(&self, names: &[&str], step: u64) -> Vec<Vec<Range<u64>>> {
        let first = names.first().and_then(|n| self.branch(n).ok());
        let starts: std::collections::BTreeSet<u64> = first
            .map(|b| b.baskets.iter().map(|r| r.entry_start).collect())
            .unwrap_or_default();
        let mut groups: Vec<Vec<Range<u64>>> = Vec::new();
        for r in self.chunk_ranges(names, step) {
            match groups.last_mut() {
                Some(g) if first.is_some() && !starts.contains(&r.start) => g.push(r),
                _ => groups.push(vec![r]),
            }
        }
        groups
    }

    /// Reads entries `range` of a branch: the baskets it overlaps are read,
    /// decompressed and decoded in parallel, then joined.
    pub fn read_branch(&self, branch: &Branch, range: Range<u64>) -> Result<Array> {
        self.prefetch(&[branch], &range)?;
        self.read_branch_cached(branch, range, None, false)
    }

    /// Tells the byte source which baskets `branches` (with their members, for split objects)
    /// need for entries `range`, so that a remote source fetches them in few requests.
    fn prefetch(&self, branches: &[&Branch], range: &Range<u64>) -> Result<()> {
        let mut ranges = Vec::new();
        let mut pending: Vec<&Branch> = branches.to_vec();
        while let Some(b) = pending.pop() {
            if let Ok(Interpretation::Group(_)) = &b.interpretation {
                let family = self.family(b.family);
                pending.extend(b.children.iter().map(|&i| &family[i]));
                continue;
            }
            ranges.extend(
                b.baskets
                    .iter()
                    .filter(|r| r.entry_stop > range.start && r.entry_start < range.end)
                    .filter_map(|r| r.location),
            );
        }
        self.source.prefetch(&ranges)
    }

    /// [`Tree::read_branch`] for consecutive ranges: the last basket, when
    /// it reaches past the range, is kept in `cache` for the next call.
    fn read_branch_cached(
        &self,
        branch: &Branch,
        range: Range<u64>,
        mut cache: Option<&mut Option<(usize, Cached)>>,
        sequential: bool,
    ) -> Result<Array> {
        let what = format!("{}: branch {:?}", self.file_name, branch.path);
        let interp = branch
            .interpretation
            .as_ref()
            .map_err(|e| Error::Unsupported(e.clone()))?;
        if let Interpretation::Group(_) = interp {
            // A split object: the record of its members' columns.
            let family = self.family(branch.family);
            let fields = branch
                .children
                .iter()
                .map(|&i| {
                    let child = &family[i];
                    let name = child
                        .model
                        .name
                        .rsplit('.')
                        .next()
                        .unwrap_or(&child.model.name)
                        .to_string();
                    self.read_branch(child, range.clone()).map(|a| (name, a))
                })
                .collect::<Result<Vec<_>>>()?;
            return Ok(Array::Record(fields));
        }
        let stop = range.end.min(self.entries()).max(range.start);
        let start = range.start.min(stop);
        let wanted: Vec<&BasketRef> = branch
            .baskets
            .iter()
            .filter(|b| b.entry_stop > start && b.entry_start < stop)
            .collect();
        // The entries of basket `r` inside the range, counted from its first entry.
        let cut = |r: &BasketRef| -> Range<usize> {
            // Saturating: a damaged basket table can list a basket ending before it starts.
            let lo = start.max(r.entry_start).saturating_sub(r.entry_start) as usize;
            let hi = stop.min(r.entry_stop).saturating_sub(r.entry_start) as usize;
            lo..hi.max(lo)
        };
        let basket_what = |r: &BasketRef| format!("{what}, basket {}", r.index);
        // Uncompressed bytes per entry, to size the column once.
        let per_entry = branch.uncompressed_bytes().max(0) as f64 / self.entries().max(1) as f64;
        let hint = |n: u64| ((n as f64 * per_entry * 1.05) as usize).min(u32::MAX as usize);
        let generator = self.offset_generator(branch, interp);
        let generate = generator.as_ref().map(|g| g as &GenerateOffsets);
        let append_basket = |out: &mut Appender, r: &BasketRef, range: Range<usize>| {
            with_basket(
                self.source.as_ref(),
                &branch.model,
                r,
                &what,
                generate,
                |data, offsets, entries| out.append(data, offsets, entries, range, &basket_what(r)),
            )
        };
        let array = if sequential || cache.is_some() || wanted.len() <= SEQUENTIAL_BASKETS {
            // Basket after basket into one column; parallelism comes from the branches.
            let mut out = Appender::new(interp, (stop - start) as usize, hint(stop - start));
            for r in &wanted {
                let range = cut(r);
                let cached = cache.as_deref_mut().and_then(|c| match c.take() {
                    Some((i, cached)) if i == r.index => Some(cached),
                    _ => None,
                });
                let cached = match cached {
                    Some(c) => Some(c),
                    // A basket reaching into the next chunk is kept for it.
                    None if cache.is_some() && r.entry_stop > stop => {
                        Some(if out.decodes_whole_baskets() {
                            Cached::Decoded(with_basket(
                                self.source.as_ref(),
                                &branch.model,
                                r,
                                &what,
                                generate,
                                |data, offsets, entries| {
                                    decode::decode_basket(
                                        interp,
                                        data,
                                        offsets,
                                        entries,
                                        &basket_what(r),
                                    )
                                },
                            )?)
                        } else {
                            Cached::Raw(read_basket(
                                self.source.as_ref(),
                                &branch.model,
                                r,
                                &what,
                                generate,
                            )?)
                        })
                    }
                    None => None,
                };
                match &cached {
                    Some(Cached::Raw(raw)) => out.append(
                        &raw.data,
                        raw.offsets.as_deref(),
                        raw.entries,
                        range,
                        &basket_what(r),
                    )?,
                    Some(Cached::Decoded(a)) => out.append_decoded(a, range),
                    None => append_basket(&mut out, r, range)?,
                }
                if let (Some(c), Some(cached)) = (cache.as_deref_mut(), cached) {
                    if r.entry_stop > stop {
                        *c = Some((r.index, cached));
                    }
                }
            }
            out.finish(&what)?
        } else {
            // Many baskets (a large range of one branch): in parallel, then joined.
            let pieces = par_map(&wanted, |r| -> Result<Array> {
                let range = cut(r);
                let mut out = Appender::new(interp, range.len(), hint(range.len() as u64));
                append_basket(&mut out, r, range)?;
                out.finish(&what)
            })
            .into_iter()
            .collect::<Result<Vec<_>>>()?;
            match Array::concat(pieces) {
                Some(a) => a,
                None => Appender::new(interp, 0, 0).finish(&what)?,
            }
        };
        if array.len() as u64 != stop - start {
            return Err(Error::format(format!(
                "{what}: baskets hold {} of the {} entries asked for ({start}..{stop})",
                array.len(),
                stop - start
            )));
        }
        Ok(array)
    }
}

impl Tree {
    /// For a leaf-count array (`x[n]/F`) whose baskets may lack entry offsets (ROOT's
    /// `kGenerateOffsetMap` I/O feature writes none), what makes a basket's offsets from the
    /// counter branch: entry `i` holds `n[i]` items. None for other branches.
    fn offset_generator<'t>(
        &'t self,
        branch: &'t Branch,
        interp: &Interpretation,
    ) -> Option<impl Fn(&BasketRef, usize) -> Result<Vec<u32>> + Sync + 't> {
        let Interpretation::Jagged { prim, inner } = interp else {
            return None;
        };
        let [leaf] = branch.model.leaves.as_slice() else {
            return None;
        };
        let count = leaf.count.as_deref()?;
        let item_bytes = prim.size() * inner.iter().product::<usize>().max(1);
        Some(move |r: &BasketRef, data_len: usize| -> Result<Vec<u32>> {
            let what = || {
                format!(
                    "{}: branch {:?}, basket {} (stored without entry offsets)",
                    self.file_name, branch.path, r.index
                )
            };
            // One number per entry: a counter that is itself counted (a corrupt file) would make
            // reading the two branches call each other without end.
            let is_counter = |b: &&Branch| {
                !std::ptr::eq(*b, branch)
                    && b.model.leaves.iter().any(|l| l.name == count)
                    && b.model.leaves.len() == 1
                    && matches!(&b.interpretation, Ok(Interpretation::Fixed { dims, .. }) if dims.is_empty())
            };
            // Usually the top-level branch named like the counter leaf (read alone).
            let counter = self
                .branch(count)
                .ok()
                .filter(is_counter)
                .or_else(|| self.all_branches().find(is_counter))
                .ok_or_else(|| Error::format(format!("{}: no counter branch {count:?}", what())))?;
            let counts = self.read_branch(counter, r.entry_start..r.entry_stop)?;
            let Array::Flat(values) = &counts else {
                return Err(Error::format(format!(
                    "{}: counter {count:?} is not one number per entry",
                    what()
                )));
            };
            let mut offsets = Vec::with_capacity(values.len() + 1);
            offsets.push(0u32);
            let mut at: u64 = 0;
            for i in 0..values.len() {
                let n = values.get_f64(i);
                if !(n >= 0.0 && n.fract() == 0.0) {
                    return Err(Error::format(format!(
                        "{}: counter {count:?} holds {n} at entry {}",
                        what(),
                        r.entry_start + i as u64
                    )));
                }
                at += n as u64 * item_bytes as u64;
                if at > data_len as u64 {
                    break;
                }
                offsets.push(at as u32);
            }
            if at != data_len as u64 || offsets.len() != values.len() + 1 {
                return Err(Error::format(format!(
                    "{}: counter {count:?} gives {at} bytes of items for entries {}..{}, but the \
                     basket holds {data_len}",
                    what(),
                    r.entry_start,
                    r.entry_stop
                )));
            }
            Ok(offsets)
        })
    }
}

/// Up to this many baskets, a range of one branch is read basket after basket
/// straight into its column; beyond, baskets are decoded in parallel.
const SEQUENTIAL_BASKETS: usize = 4;

/// A basket kept for the next chunk: its decompressed bytes, or for kinds
/// decoded whole, its decoded column.
pub(crate) enum Cached {
    Raw(RawBasket),
    Decoded(Array),
}

/// Lists branches depth first; returns the indices of those at this level.
fn flatten(
    models: Vec<BranchModel>,
    prefix: &str,
    out: &mut Vec<Branch>,
    infos: &[crate::streamers::StreamerInfo],
    top_level: bool,
) -> Vec<usize> {
    let mut here = Vec::new();
    for mut m in models {
        let path = if prefix.is_empty() {
            m.name.clone()
        } else {
            format!("{prefix}{}", m.name)
        };
        let ctx = interpretation::StreamerContext {
            member: member_of(&m, infos),
            infos,
            top_level,
        };
        // Decided with the sub-branches (a split object is a group), which then move out.
        let interpretation = interpret(&m, ctx).map_err(|e| e.to_string());
        let sub_branches = std::mem::take(&mut m.branches);
        here.push(out.len());
        let child_prefix = if sub_branches.is_empty() {
            String::new()
        } else {
            format!("{path}/")
        };
        out.push(Branch {
            path,
            interpretation,
            baskets: basket_refs(&m),
            family: 0,
            model: m,
            children: Vec::new(),
            embedded_compressed: 0,
        });
        let me = out.len() - 1;
        if !sub_branches.is_empty() {
            out[me].children = flatten(sub_branches, &child_prefix, out, infos, false);
        }
    }
    here
}

/// The class member a TBranchElement holds, from the streamer infos.
fn member_of<'a>(
    m: &BranchModel,
    infos: &'a [crate::streamers::StreamerInfo],
) -> Option<&'a crate::streamers::StreamerElement> {
    let el = m.element.as_ref()?;
    let id = usize::try_from(el.id).ok()?;
    let class = if el.parent_name.is_empty() {
        &el.class_name
    } else {
        &el.parent_name
    };
    infos
        .iter()
        .find(|i| &i.class_name == class)
        .and_then(|i| i.elements.get(id))
        .or_else(|| {
            infos
                .iter()
                .find(|i| i.class_name == el.class_name)?
                .elements
                .get(id)
        })
}

/// The tree's entry count is what readers plan chunks with, so it must not exceed what its
/// branches hold: a damaged count (2^62) would otherwise plan work and memory without bound.
fn check_entries(model: &TreeModel) -> Result<()> {
    if model.entries < 0 {
        return Err(Error::format(format!(
            "the tree has {} entries",
            model.entries
        )));
    }
    let held = model.branches.iter().map(|b| b.entries).max();
    match held {
        Some(held) if model.entries > held => Err(Error::format(format!(
            "the tree says it has {} entries, but its branches hold at most {held}",
            model.entries
        ))),
        _ => Ok(()),
    }
}

fn similar(candidate: &str, name: &str) -> bool {
    let (a, b) = (candidate.to_lowercase(), name.to_lowercase());
    a.contains(&b) || b.contains(&a) || strsim_prefix(&a, &b) >= 4
}

fn strsim_prefix(a: &str, b: &str) -> usize {
    a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count()
}

/// One chunk of entries from [`Tree::iterate`].
pub struct Chunk {
    pub entries: Range<u64>,
    /// Columns in the order the branches were asked for.
    pub columns: Vec<Array>,
}

/// Iterator over chunks of a tree.
pub struct ChunkIter<'t> {
    tree: &'t Tree,
    branches: Vec<&'t Branch>,
    /// Per branch, the decoded basket that reaches into the next chunk.
    caches: Vec<Option<(usize, Cached)>>,
    next: u64,
    end: u64,
    step: u64,
}

impl Iterator for ChunkIter<'_> {
    type Item = Result<Chunk>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let range = self.next
            ..chunk_end(
                self.branches.first().copied(),
                self.next,
                self.step,
                self.end,
            );
        self.next = range.end;
        let tree = self.tree;
        if let Err(e) = tree.prefetch(&self.branches, &range) {
            return Some(Err(e));
        }
        let columns = par_zip_map(&self.branches, &mut self.caches, |b, cache| {
            tree.read_branch_cached(b, range.clone(), Some(cache), true)
        })
        .into_iter()
        .collect::<Result<Vec<_>>>();
        Some(columns.map(|columns| Chunk {
            entries: range,
            columns,
        }))
    }
}

/// Where a chunk starting at `start` ends: at most `step` entries, cut at
/// a basket boundary of the first branch when one is near, so that baskets
/// (ROOT writes a cluster's baskets together) are not decompressed twice.
fn chunk_end(first: Option<&Branch>, start: u64, step: u64, total: u64) -> u64 {
    let limit = (start + step).min(total);
    if limit == total {
        return total;
    }
    let boundary = first.and_then(|b| {
        b.baskets
            .iter()
            .map(|r| r.entry_stop)
            .filter(|&e| e > start + step / 2 && e <= limit)
            .max()
    });
    boundary.unwrap_or(limit)
}

/// Maps pairs of items and mutable states, in parallel where available.
fn par_zip_map<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: &mut [S],
    f: impl Fn(&T, &mut S) -> R + Sync + Send,
) -> Vec<R> {
    #[cfg(feature = "native")]
    {
        use rayon::prelude::*;
        items
            .par_iter()
            .zip(states.par_iter_mut())
            .map(|(t, s)| f(t, s))
            .collect()
    }
    #[cfg(not(feature = "native"))]
    {
        items
            .iter()
            .zip(states.iter_mut())
            .map(|(t, s)| f(t, s))
            .collect()
    }
}

/// Threads that read in parallel.
fn threads() -> usize {
    #[cfg(feature = "native")]
    {
        rayon::current_num_threads()
    }
    #[cfg(not(feature = "native"))]
    {
        1
    }
}

/// [`par_map`] handing out one item at a time, in order (for items of very
/// different costs, largest first).
fn par_map_one_by_one<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    #[cfg(feature = "native")]
    {
        use rayon::prelude::*;
        items.par_iter().with_max_len(1).map(f).collect()
    }
    #[cfg(not(feature = "native"))]
    {
        items.iter().map(f).collect()
    }
}

/// Maps in parallel with rayon when available, else in sequence.
pub(crate) fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading one branch of a NanoAOD reads that branch's object only. Its leaf's counter
    /// (`nMuon`) is a reference into another branch's object, resolved where it points.
    #[test]
    fn a_branch_is_read_without_reading_the_others() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root"
        );
        let file = RootFile::open(path).unwrap();
        let read = |t: &Tree| t.families.iter().filter(|f| f.get().is_some()).count();

        let lazy = Tree::open(&file, "Events").unwrap();
        assert_eq!(read(&lazy), 0);
        let muon_pt = lazy.branch("Muon_pt").unwrap();
        assert_eq!(muon_pt.model.leaves[0].count.as_deref(), Some("nMuon"));
        assert_eq!(muon_pt.type_name(), "float[]");
        let values = lazy.read("Muon_pt", 0..lazy.entries()).unwrap();
        assert_eq!(read(&lazy), 1);

        let all = Tree::open(&file, "Events").unwrap();
        let listed = all.branches();
        assert_eq!(read(&all), all.top_level_branches());
        assert_eq!(listed.len(), 947);
        assert_eq!(all.read("Muon_pt", 0..all.entries()).unwrap(), values);
        assert!(matches!(values, Array::List { .. }));
    }
}
