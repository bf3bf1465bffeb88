//! The compiled form of expressions: a graph of column kernels (each node computed at most once per
//! chunk, identical subexpressions shared), evaluated node by node over whole chunks.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::column::{Chunk, Column, Offsets, Values};
use crate::dtype::{DType, Type};
use crate::error::{Error, Result};
use crate::kernels::arith::{self, ArithOp, CmpOp, UnaryKernel};
use crate::kernels::math::{self, Func1, Func2, Predicate};
use crate::kernels::reduce::{self, ReduceOp};
use crate::kernels::{combinations, internal, jagged, sort, Datum};

mod best;

pub type NodeId = usize;

/// A constant: integers (and booleans) as i128, floats by their bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConstBits {
    Int(i128),
    Float(u64),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Node {
    Input {
        name: String,
        ty: Type,
    },
    Const {
        dtype: DType,
        bits: ConstBits,
    },
    Cast(NodeId, DType),
    Arith(ArithOp, NodeId, NodeId),
    Compare(CmpOp, NodeId, NodeId),
    Unary(UnaryKernel, NodeId),
    Math1(Func1, NodeId),
    Math2(Func2, NodeId, NodeId),
    Test(Predicate, NodeId),
    Where(NodeId, NodeId, NodeId),
    Broadcast {
        value: NodeId,
        like: NodeId,
    },
    /// The elements of `like`'s lists from `start` up to `stop` (Python slice bounds, one int64 per
    /// event or a constant; `None` is the list's start or end), as a boolean mask.
    SliceMask {
        like: NodeId,
        start: Option<NodeId>,
        stop: Option<NodeId>,
    },
    MaskOffsets(NodeId),
    Mask {
        data: NodeId,
        mask: NodeId,
        offsets: NodeId,
    },
    /// Flat positions of `index` (local indices, jagged; or one per event when `pick`) in `like`'s lists.
    Positions {
        like: NodeId,
        index: NodeId,
        pick: bool,
    },
    Gather {
        data: NodeId,
        positions: NodeId,
    },
    /// `positions` into the values a jagged `mask` keeps, as positions into the values before the mask:
    /// gathering from a masked column is then a gather from the column itself (see
    /// [`unmask_gathers`]).
    Unmask {
        positions: NodeId,
        mask: NodeId,
    },
    /// One position per event (`pick`) into the values gathered at list positions `inner`, as a
    /// position into the values `inner` gathered from (see [`unmask_gathers`]).
    Compose {
        inner: NodeId,
        pick: NodeId,
    },
    Reduce(ReduceOp, NodeId),
    /// A reduction of values over the pairs of `cartesian(a, b)` that share member `slot`'s object.
    GroupReduce {
        op: ReduceOp,
        data: NodeId,
        a: NodeId,
        b: NodeId,
        slot: usize,
    },
    LocalIndex(NodeId),
    ArgSort {
        key: NodeId,
        descending: bool,
    },
    Combinations {
        like: NodeId,
        k: usize,
    },
    /// Every pair (i, j) of an element of `a`'s list and one of `b`'s, per event.
    Cartesian {
        a: NodeId,
        b: NodeId,
    },
    Slot {
        comb: NodeId,
        slot: usize,
    },
    /// The flat positions in `like`'s lists of member `slot` of every combination: what
    /// `Positions` of a `Slot` gives, without the slot's local indices in between.
    SlotPositions {
        comb: NodeId,
        slot: usize,
        like: NodeId,
    },
    /// Per event, the combination of `k` of `like`'s objects with the largest (`ArgMax`) or smallest
    /// (`ArgMin`) `key` among those where `cond` holds, found without materialising the
    /// combinations (see [`best`]). `key` and `cond` are evaluated inside the step, block by block;
    /// `inputs` are the nodes they need from outside (the members' fields and constants).
    CombBest {
        like: NodeId,
        k: usize,
        op: ReduceOp,
        key: NodeId,
        cond: Option<NodeId>,
        inputs: Vec<NodeId>,
    },
    /// The flat positions in `like`'s lists of member `slot` of each event's best combination (one
    /// per event, -1 where there is none).
    BestMember {
        best: NodeId,
        slot: usize,
        like: NodeId,
    },
}

impl Node {
    /// The nodes this one is computed from, in [`Node::map_children`]'s order.
    pub(crate) fn children(&self) -> Vec<NodeId> {
        if matches!(self, Node::Input { .. } | Node::Const { .. }) {
            return Vec::new(); // and no clone of an input's name
        }
        if let Node::CombBest { like, inputs, .. } = self {
            // The key and condition are computed inside the step, not before it.
            let mut c = vec![*like];
            c.extend(inputs);
            return c;
        }
        let found = std::cell::RefCell::new(Vec::with_capacity(3));
        self.map_children(|c| {
            found.borrow_mut().push(c);
            c
        });
        found.into_inner()
    }
}

impl Node {
    /// The same node with every child `c` replaced by `f(c)`.
    fn map_children(&self, f: impl Fn(NodeId) -> NodeId) -> Node {
        let mut n = self.clone();
        match &mut n {
            Node::Input { .. } | Node::Const { .. } => {}
            Node::Cast(a, _)
            | Node::Unary(_, a)
            | Node::Math1(_, a)
            | Node::Test(_, a)
            | Node::MaskOffsets(a)
            | Node::Reduce(_, a)
            | Node::LocalIndex(a)
            | Node::ArgSort { key: a, .. }
            | Node::Combinations { like: a, .. }
            | Node::Slot { comb: a, .. } => *a = f(*a),
            Node::Arith(_, a, b)
            | Node::Compare(_, a, b)
            | Node::Math2(_, a, b)
            | Node::Broadcast { value: a, like: b }
            | Node::Cartesian { a, b }
            | Node::Positions {
                like: a, index: b, ..
            }
            | Node::Gather {
                data: a,
                positions: b,
            }
            | Node::Unmask {
                positions: a,
                mask: b,
            }
            | Node::Compose { inner: a, pick: b }
            | Node::SlotPositions {
                comb: a, like: b, ..
            }
            | Node::BestMember {
                best: a, like: b, ..
            } => {
                *a = f(*a);
                *b = f(*b);
            }
            Node::CombBest {
                like,
                key,
                cond,
                inputs,
                ..
            } => {
                *like = f(*like);
                *key = f(*key);
                *cond = cond.map(&f);
                for i in inputs {
                    *i = f(*i);
                }
            }
            Node::GroupReduce { data, a, b, .. } => {
                *data = f(*data);
                *a = f(*a);
                *b = f(*b);
            }
            Node::SliceMask { like, start, stop } => {
                *like = f(*like);
                *start = start.map(&f);
                *stop = stop.map(&f);
            }
            Node::Where(a, b, c)
            | Node::Mask {
                data: a,
                mask: b,
                offsets: c,
            } => {
                *a = f(*a);
                *b = f(*b);
                *c = f(*c);
            }
        }
        n
    }
}

/// Rewrites every pick of one value per event (`Gather(_, p)`, `p` one position per event) from a
/// masked or a gathered column into a pick from the column underneath:
/// `Gather(Mask(x, m), p)` becomes `Gather(x, Unmask(p, m))`, and `Gather(Gather(x, q), p)` with `q`
/// list positions becomes `Gather(x, Compose(q, p))`. Picking one object out of a selection of
/// combinations (`tri[has_b][argmax(...)]`, then its four-momentum) then moves one value per event,
/// instead of masking or gathering every field of every combination first; the new positions are
/// found once for all the fields, and a mask or gather no longer used is not computed at all (or
/// runs inside a fused chain). Gathers of whole lists keep their mask: there the mask is smaller
/// than the positions. Node ids are renumbered (children keep smaller ids).
fn unmask_gathers(
    nodes: Vec<Node>,
    outputs: Vec<(String, NodeId, Type)>,
) -> (Vec<Node>, Vec<(String, NodeId, Type)>) {
    fn is_pick(nodes: &[Node], id: NodeId) -> bool {
        matches!(
            nodes[id],
            Node::Positions { pick: true, .. }
                | Node::Unmask { .. }
                | Node::Compose { .. }
                | Node::BestMember { .. }
        )
    }
    fn add(out: &mut Vec<Node>, made: &mut HashMap<Node, NodeId>, node: Node) -> NodeId {
        *made.entry(node.clone()).or_insert_with(|| {
            out.push(node);
            out.len() - 1
        })
    }
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    let mut new_id: Vec<NodeId> = Vec::with_capacity(nodes.len());
    let mut made: HashMap<Node, NodeId> = HashMap::new();
    for node in &nodes {
        let mut n = node.map_children(|c| new_id[c]);
        if let Node::Positions {
            like,
            index,
            pick: false,
        } = n
        {
            if let Node::Slot { comb, slot } = out[index] {
                n = Node::SlotPositions { comb, slot, like };
            }
        }
        while let Node::Gather { data, positions } = n {
            if !is_pick(&out, positions) {
                break;
            }
            n = match out[data] {
                Node::Mask { data: x, mask, .. } => Node::Gather {
                    data: x,
                    positions: add(&mut out, &mut made, Node::Unmask { positions, mask }),
                },
                Node::Gather {
                    data: x,
                    positions: inner,
                } if matches!(
                    out[inner],
                    Node::Positions { pick: false, .. } | Node::SlotPositions { .. }
                ) =>
                {
                    // A member of the best combination: found without making the combinations.
                    let member = match out[inner] {
                        Node::SlotPositions { comb, slot, like } => {
                            best::best_pick(&out, comb, positions).map(|b| (b, slot, like))
                        }
                        _ => None,
                    };
                    let composed = match member {
                        Some((b, slot, like)) => {
                            let best = add(&mut out, &mut made, b);
                            Node::BestMember { best, slot, like }
                        }
                        None => Node::Compose {
                            inner,
                            pick: positions,
                        },
                    };
                    Node::Gather {
                        data: x,
                        positions: add(&mut out, &mut made, composed),
                    }
                }
                _ => break,
            };
        }
        new_id.push(out.len());
        out.push(n);
    }
    let outputs = outputs
        .into_iter()
        .map(|(name, id, ty)| (name, new_id[id], ty))
        .collect();
    (out, outputs)
}

/// The node graph under construction (shared by all definitions of one program).
#[derive(Clone, Debug, Default)]
pub struct Graph {
    pub(crate) nodes: Vec<Node>,
    dedup: HashMap<Node, NodeId>,
}

impl Graph {
    /// The same graph with each node `n` of `inputs` replaced by the input column `name` (of
    /// type `ty`): what computed it is then left out of programs built from it.
    pub(crate) fn with_inputs(&self, inputs: &[(NodeId, String, Type)]) -> Graph {
        let mut nodes = self.nodes.clone();
        for (n, name, ty) in inputs {
            nodes[*n] = Node::Input {
                name: name.clone(),
                ty: *ty,
            };
        }
        Graph {
            nodes,
            dedup: HashMap::new(),
        }
    }

    /// Number of kernels computing node `n` takes (inputs and constants not counted).
    pub(crate) fn kernels_under(&self, n: NodeId) -> usize {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack = vec![n];
        let mut count = 0;
        while let Some(n) = stack.pop() {
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            if !matches!(self.nodes[n], Node::Input { .. } | Node::Const { .. }) {
                count += 1;
            }
            stack.extend(self.nodes[n].children());
        }
        count
    }

    /// Whether computing nodes `from` needs node `target`.
    pub(crate) fn reaches(&self, from: &[NodeId], target: NodeId) -> bool {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<NodeId> = from.to_vec();
        while let Some(n) = stack.pop() {
            if n == target {
                return true;
            }
            if std::mem::replace(&mut seen[n], true) {
                continue;
            }
            stack.extend(self.nodes[n].children());
        }
        false
    }

    /// Adds a node, or returns the existing identical one.
    pub(crate) fn add(&mut self, node: Node) -> NodeId {
        if let Some(&id) = self.dedup.get(&node) {
            return id;
        }
        let id = self.nodes.len();
        self.nodes.push(node.clone());
        self.dedup.insert(node, id);
        id
    }
}

/// Compiled expressions, ready to evaluate on chunks. Cheap to share between threads.
#[derive(Clone, Debug)]
pub struct Program {
    nodes: Arc<Vec<Node>>,
    outputs: Vec<(String, NodeId, Type)>,
    /// Steps in evaluation order: one node, or a fused group of element-wise nodes; each with the values
    /// that can be freed after it.
    plan: Arc<Vec<Step>>,
    /// Number of graph nodes the plan computes.
    n_nodes: usize,
    /// Prefixes this program's kernels in profiles.
    label: Arc<str>,
}

static PROFILING: AtomicBool = AtomicBool::new(false);
static PROFILE: Mutex<BTreeMap<String, f64>> = Mutex::new(BTreeMap::new());

/// Turns kernel timing on or off for every program evaluated from now on, in any thread (a developer
/// tool: the analysis crate's `profile_kernels` example). Off by default; when off it costs one atomic
/// load per evaluation.
pub fn set_profiling(on: bool) {
    PROFILING.store(on, Ordering::Relaxed);
}

/// The kernel times recorded since the last call (seconds summed per program label and kernel).
pub fn take_profile() -> Vec<(String, f64)> {
    let mut p = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    std::mem::take(&mut *p).into_iter().collect()
}

fn record(what: String, seconds: f64) {
    let mut p = PROFILE.lock().unwrap_or_else(|e| e.into_inner());
    *p.entry(what).or_default() += seconds;
}

/// One step of the evaluation plan.
#[derive(Clone, Debug)]
struct Step {
    /// The node whose value the step produces.
    id: NodeId,
    /// For a fused group: its nodes in evaluation order (ending with `id`), evaluated block by block so
    /// that the intermediate columns stay in cache and are never materialised whole. Empty otherwise.
    members: Vec<NodeId>,
    frees: Vec<NodeId>,
}

/// Elements per block in fused groups: the group's intermediates for one block fit in the L1/L2 cache.
const BLOCK: usize = 4096;

fn fusable(node: &Node) -> bool {
    matches!(
        node,
        Node::Cast(..)
            | Node::Arith(..)
            | Node::Compare(..)
            | Node::Unary(..)
            | Node::Math1(..)
            | Node::Math2(..)
            | Node::Test(..)
            | Node::Where(..)
    )
}

/// A gather of whole lists (e.g. a field of every combination's first object): as the first step of
/// an element-wise chain it is evaluated block by block too, so the gathered values are never
/// materialised for the whole chunk.
fn list_gather(nodes: &[Node], n: NodeId) -> bool {
    matches!(nodes[n], Node::Gather { positions, .. }
        if matches!(nodes[positions], Node::Positions { pick: false, .. } | Node::SlotPositions { .. }))
}

impl Program {
    pub(crate) fn new(graph: &Graph, outputs: Vec<(String, NodeId, Type)>) -> Program {
        Program::planned(graph.nodes.clone(), outputs, true)
    }

    /// The same program with every kernel run over whole columns, one after the other (no fused
    /// groups): for comparisons and debugging.
    pub fn unfused(&self) -> Program {
        Program::planned((*self.nodes).clone(), self.outputs.clone(), false).with_label(&self.label)
    }

    fn planned(nodes: Vec<Node>, outputs: Vec<(String, NodeId, Type)>, fuse: bool) -> Program {
        let (nodes, outputs) = if fuse {
            unmask_gathers(nodes, outputs)
        } else {
            (nodes, outputs)
        };
        let mut needed = vec![false; nodes.len()];
        for (_, id, _) in &outputs {
            needed[*id] = true;
        }
        for id in (0..nodes.len()).rev() {
            if needed[id] {
                for c in nodes[id].children() {
                    needed[c] = true;
                }
            }
        }
        let order: Vec<NodeId> = (0..nodes.len()).filter(|&i| needed[i]).collect();
        let is_output = |id: NodeId| outputs.iter().any(|(_, o, _)| *o == id);
        // An element-wise node with a single element-wise consumer is absorbed into that consumer's group.
        let mut consumers: Vec<Vec<NodeId>> = vec![Vec::new(); nodes.len()];
        for &id in &order {
            for c in nodes[id].children() {
                if !consumers[c].contains(&id) {
                    consumers[c].push(id);
                }
            }
        }
        let absorbed: Vec<bool> = (0..nodes.len())
            .map(|n| {
                fuse && needed[n]
                    && (fusable(&nodes[n]) || list_gather(&nodes, n))
                    && !is_output(n)
                    && consumers[n].len() == 1
                    && fusable(&nodes[consumers[n][0]])
            })
            .collect();
        let root_of = |mut n: NodeId| {
            while absorbed[n] {
                n = consumers[n][0];
            }
            n
        };
        let mut members: HashMap<NodeId, Vec<NodeId>> = HashMap::new();
        for &id in &order {
            if absorbed[id] {
                members.entry(root_of(id)).or_default().push(id);
            }
        }
        let mut steps: Vec<Step> = Vec::new();
        for &id in &order {
            if absorbed[id] {
                continue;
            }
            let members = match members.remove(&id) {
                Some(mut m) => {
                    m.push(id);
                    m
                }
                None => Vec::new(),
            };
            steps.push(Step {
                id,
                members,
                frees: Vec::new(),
            });
        }
        // Free each intermediate after its last consumer step (outputs are kept).
        let mut last_use: HashMap<NodeId, usize> = HashMap::new();
        for (pos, step) in steps.iter().enumerate() {
            let computed: Vec<NodeId> = if step.members.is_empty() {
                vec![step.id]
            } else {
                step.members.clone()
            };
            for m in &computed {
                for c in nodes[*m].children() {
                    if !computed.contains(&c) {
                        last_use.insert(c, pos);
                    }
                }
            }
        }
        for (&id, &pos) in &last_use {
            if !is_output(id) {
                steps[pos].frees.push(id);
            }
        }
        Program {
            nodes: Arc::new(nodes),
            outputs,
            plan: Arc::new(steps),
            n_nodes: order.len(),
            label: Arc::from(""),
        }
    }

    /// The same program, named `label` in profiles.
    pub fn with_label(mut self, label: &str) -> Program {
        self.label = Arc::from(label);
        self
    }

    /// A step's kernels, for profiles.
    fn describe(&self, step: &Step) -> String {
        let what = if step.members.is_empty() {
            format!("{:?}", self.nodes[step.id])
        } else {
            format!(
                "fused {:?}",
                step.members
                    .iter()
                    .map(|m| &self.nodes[*m])
                    .collect::<Vec<_>>()
            )
        };
        if self.label.is_empty() {
            what
        } else {
            format!("{}: {what}", self.label)
        }
    }

    /// Output names and types, in the order of [`Program::evaluate`]'s result.
    pub fn outputs(&self) -> impl Iterator<Item = (&str, Type)> {
        self.outputs.iter().map(|(n, _, t)| (n.as_str(), *t))
    }

    /// Input columns the program reads.
    pub fn inputs(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .plan
            .iter()
            .filter_map(|step| match &self.nodes[step.id] {
                Node::Input { name, .. } => Some(name.as_str()),
                _ => None,
            })
            .collect();
        v.sort();
        v.dedup();
        v
    }

    /// Number of kernels (graph nodes) computed per chunk, fused or not.
    pub fn n_kernels(&self) -> usize {
        self.n_nodes
    }

    /// Evaluates every output on a chunk. Per-event outputs have one value per event; list outputs
    /// are jagged. Constant outputs are repeated for every event.
    pub fn evaluate(&self, chunk: &Chunk) -> Result<Vec<Column>> {
        let profiling = PROFILING.load(Ordering::Relaxed);
        let mut slots: Vec<Option<Datum>> = vec![None; self.nodes.len()];
        for step in self.plan.iter() {
            let start = profiling.then(std::time::Instant::now);
            let d = self.run_step(step, &slots, chunk)?;
            if let Some(t) = start {
                record(self.describe(step), t.elapsed().as_secs_f64());
            }
            slots[step.id] = Some(d);
            for f in &step.frees {
                slots[*f] = None;
            }
        }
        self.outputs
            .iter()
            .map(|(_, id, _)| match slots[*id].clone() {
                Some(Datum::Col(c)) => Ok(c),
                Some(Datum::Scalar(v)) => {
                    let n = chunk.n_events();
                    Ok(Column::from_parts(
                        crate::with_values!(&*v, s => crate::column::Element::wrap(vec![s[0]; n])),
                        None,
                    ))
                }
                _ => Err(internal("output is not a value")),
            })
            .collect()
    }

    /// Runs the program on a chunk and returns, per kernel, a short description and its wall time in
    /// seconds (to find slow parts of an analysis).
    pub fn profile(&self, chunk: &Chunk) -> Result<Vec<(String, f64)>> {
        let mut slots: Vec<Option<Datum>> = vec![None; self.nodes.len()];
        let mut out = Vec::new();
        for step in self.plan.iter() {
            let t = std::time::Instant::now();
            let d = self.run_step(step, &slots, chunk)?;
            out.push((self.describe(step), t.elapsed().as_secs_f64()));
            slots[step.id] = Some(d);
            for f in &step.frees {
                slots[*f] = None;
            }
        }
        Ok(out)
    }

    /// Evaluates the outputs only for the events where `keep` is true (results have one entry per kept
    /// event). Only the program's input columns are filtered, so an expensive observable (say m_bjj) costs
    /// nothing for events that a cheap selection already rejected.
    pub fn evaluate_selected(&self, chunk: &Chunk, keep: &[bool]) -> Result<Vec<Column>> {
        if keep.len() != chunk.n_events() {
            return Err(Error::data(format!(
                "event mask has {} entries but the chunk has {} events",
                keep.len(),
                chunk.n_events()
            )));
        }
        self.evaluate_events(chunk, &crate::column::kept_events(keep))
    }

    /// [`Program::evaluate_selected`] for the events given by their indices (strictly increasing).
    pub fn evaluate_events(&self, chunk: &Chunk, events: &[usize]) -> Result<Vec<Column>> {
        let start = PROFILING
            .load(Ordering::Relaxed)
            .then(std::time::Instant::now);
        let sub = chunk.take_events(events, &self.inputs())?;
        if let Some(t) = start {
            record(
                format!("{}: filtering the inputs", self.label),
                t.elapsed().as_secs_f64(),
            );
        }
        self.evaluate(&sub)
    }

    /// Evaluates several chunks, in parallel with the `native` feature.
    pub fn evaluate_chunks(&self, chunks: &[Chunk]) -> Vec<Result<Vec<Column>>> {
        #[cfg(feature = "native")]
        {
            use rayon::prelude::*;
            chunks.par_iter().map(|c| self.evaluate(c)).collect()
        }
        #[cfg(not(feature = "native"))]
        {
            chunks.iter().map(|c| self.evaluate(c)).collect()
        }
    }

    fn run_step(&self, step: &Step, slots: &[Option<Datum>], chunk: &Chunk) -> Result<Datum> {
        if step.members.is_empty() {
            return self.run(step.id, slots, chunk);
        }
        // The group's inputs, computed before the step: columns of one shape (or list positions
        // of that shape, gathered from), scalars, and the columns gathered from, used whole.
        let mut leaves: Vec<NodeId> = Vec::new();
        let mut gathered: Vec<NodeId> = Vec::new();
        for m in &step.members {
            for c in self.nodes[*m].children() {
                if step.members.contains(&c) {
                    continue;
                }
                let whole = matches!(self.nodes[*m], Node::Gather { data, .. } if data == c);
                let list = if whole { &mut gathered } else { &mut leaves };
                if !list.contains(&c) {
                    list.push(c);
                }
            }
        }
        if leaves.iter().any(|l| gathered.contains(l)) {
            return self.run_unfused(step, slots, chunk);
        }
        // (number of elements, their lists) of the group's values.
        let mut shape: Option<(usize, Option<&Offsets>)> = None;
        for l in &leaves {
            let this = match slots[*l].as_ref() {
                Some(Datum::Col(c)) => (c.values().len(), c.offsets()),
                Some(Datum::Positions {
                    pos,
                    offsets: Some(o),
                    ..
                }) => (pos.len(), Some(o)),
                Some(Datum::Scalar(_)) => continue,
                Some(_) => return self.run_unfused(step, slots, chunk),
                None => return Err(internal("fused group input missing")),
            };
            if let Some(s) = shape {
                let same_lists = match (s.1, this.1) {
                    (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                    (None, None) => true,
                    _ => false,
                };
                if s.0 != this.0 || !same_lists {
                    // Let the kernels report the mismatch as usual.
                    return self.run_unfused(step, slots, chunk);
                }
            }
            shape = Some(this);
        }
        let Some((n, offsets)) = shape else {
            return self.run_unfused(step, slots, chunk);
        };
        if n <= BLOCK {
            return self.run_unfused(step, slots, chunk);
        }
        let offsets = offsets.cloned();
        let mut local: Vec<Option<Datum>> = vec![None; self.nodes.len()];
        // Block results go straight into one output column of the full length.
        let mut out: Option<Values> = None;
        let mut lo = 0;
        while lo < n {
            let hi = (lo + BLOCK).min(n);
            for l in &leaves {
                local[*l] = Some(match slots[*l].as_ref() {
                    Some(Datum::Col(c)) => {
                        Datum::Col(Column::from_parts(slice_values(c.values(), lo, hi), None))
                    }
                    Some(Datum::Positions { pos, source, .. }) => Datum::Positions {
                        pos: Arc::new(pos[lo..hi].to_vec()),
                        offsets: None,
                        source: source.clone(),
                    },
                    Some(d) => d.clone(),
                    None => return Err(internal("fused group input missing")),
                });
            }
            for m in &step.members {
                local[*m] = Some(match &self.nodes[*m] {
                    Node::Gather { data, positions } => {
                        let data = slots[*data]
                            .as_ref()
                            .ok_or_else(|| internal("fused group input missing"))?;
                        let positions = local[*positions]
                            .as_ref()
                            .ok_or_else(|| internal("fused group input missing"))?;
                        jagged::gather_flat(data, positions)?
                    }
                    _ => self.run(*m, &local, chunk)?,
                });
            }
            match local[step.id].take() {
                Some(Datum::Col(c)) => append_values(&mut out, c.values(), n)?,
                _ => return Err(internal("fused group result")),
            }
            lo = hi;
        }
        let out = out.ok_or_else(|| internal("no blocks"))?;
        Ok(Datum::Col(Column::from_parts(out, offsets)))
    }

    /// A fused group evaluated node by node over whole columns.
    fn run_unfused(&self, step: &Step, slots: &[Option<Datum>], chunk: &Chunk) -> Result<Datum> {
        let mut local: Vec<Option<Datum>> = slots.to_vec();
        for m in &step.members {
            local[*m] = Some(self.run(*m, &local, chunk)?);
        }
        local[step.id]
            .take()
            .ok_or_else(|| internal("fused group result"))
    }

    fn run(&self, id: NodeId, slots: &[Option<Datum>], chunk: &Chunk) -> Result<Datum> {
        let get = |i: NodeId| {
            slots[i]
                .as_ref()
                .ok_or_else(|| internal("operand not computed"))
        };
        Ok(match &self.nodes[id] {
            Node::Input { name, ty } => {
                let c = chunk.get(name).ok_or_else(|| {
                    Error::data(format!("column '{name}' is missing from the chunk"))
                })?;
                if c.ty() != *ty {
                    return Err(Error::data(format!(
                        "column '{name}' is {} in the chunk but the schema said {ty}",
                        c.ty()
                    )));
                }
                Datum::Col(c.clone())
            }
            Node::Const { dtype, bits } => Datum::Scalar(Arc::new(const_values(*dtype, *bits))),
            Node::Cast(a, to) => arith::cast(get(*a)?, *to)?,
            Node::Arith(op, a, b) => arith::arith(*op, get(*a)?, get(*b)?)?,
            Node::Compare(op, a, b) => arith::compare(*op, get(*a)?, get(*b)?)?,
            Node::Unary(op, a) => arith::unary(*op, get(*a)?)?,
            Node::Math1(f, a) => math::apply1(*f, get(*a)?)?,
            Node::Math2(f, a, b) => math::apply2(*f, get(*a)?, get(*b)?)?,
            Node::Test(p, a) => math::test(*p, get(*a)?)?,
            Node::Where(c, a, b) => where_(get(*c)?, get(*a)?, get(*b)?)?,
            Node::Broadcast { value, like } => jagged::broadcast(get(*value)?, get(*like)?)?,
            Node::SliceMask { like, start, stop } => jagged::slice_mask(
                get(*like)?,
                start.map(get).transpose()?,
                stop.map(get).transpose()?,
            )?,
            Node::MaskOffsets(m) => jagged::mask_offsets(get(*m)?)?,
            Node::Mask {
                data,
                mask,
                offsets,
            } => jagged::mask(get(*data)?, get(*mask)?, get(*offsets)?)?,
            Node::Positions { like, index, pick } => {
                jagged::positions(get(*like)?, get(*index)?, *pick, chunk.n_events())?
            }
            Node::Gather { data, positions } => jagged::gather(get(*data)?, get(*positions)?)?,
            Node::Unmask { positions, mask } => jagged::unmask(get(*positions)?, get(*mask)?)?,
            Node::Compose { inner, pick } => jagged::compose(get(*inner)?, get(*pick)?)?,
            Node::Reduce(op, a) => reduce::reduce(*op, get(*a)?)?,
            Node::GroupReduce {
                op,
                data,
                a,
                b,
                slot,
            } => reduce::group_reduce(*op, get(*data)?, get(*a)?, get(*b)?, *slot)?,
            Node::LocalIndex(a) => jagged::local_index(get(*a)?)?,
            Node::ArgSort { key, descending } => sort::argsort(get(*key)?, *descending)?,
            Node::Combinations { like, k } => combinations::combinations(get(*like)?, *k)?,
            Node::Cartesian { a, b } => combinations::cartesian(get(*a)?, get(*b)?)?,
            Node::Slot { comb, slot } => combinations::slot(get(*comb)?, *slot)?,
            Node::SlotPositions { comb, slot, like } => {
                combinations::slot_positions(get(*comb)?, *slot, get(*like)?)?
            }
            Node::CombBest { .. } => self.run_comb_best(id, slots, chunk)?,
            Node::BestMember { best, slot, like } => {
                best::best_member(get(*best)?, *slot, get(*like)?)?
            }
        })
    }
}

fn slice_values(v: &Values, lo: usize, hi: usize) -> Values {
    crate::with_values!(v, s => crate::column::Element::wrap(s[lo..hi].to_vec()))
}

/// Appends a block result to the output of a fused group (created with room for `n` values).
fn append_values(out: &mut Option<Values>, part: &Values, n: usize) -> Result<()> {
    let Some(dst) = out else {
        *out = Some(crate::with_values!(part, s => {
            let mut v = Vec::with_capacity(n);
            v.extend_from_slice(s);
            crate::column::Element::wrap(v)
        }));
        return Ok(());
    };
    macro_rules! extend {
        ($($var:ident),*) => {
            match (dst, part) {
                $((Values::$var(d), Values::$var(s)) => d.extend_from_slice(s),)*
                _ => return Err(internal("fused block types")),
            }
        };
    }
    extend!(Bool, I8, I16, I32, I64, U8, U16, U32, U64, F32, F64);
    Ok(())
}

pub(crate) fn const_values(dtype: DType, bits: ConstBits) -> Values {
    match bits {
        ConstBits::Int(i) => crate::column::cast_slice(&[i as i64], dtype),
        ConstBits::Float(b) => crate::column::cast_slice(&[f64::from_bits(b)], dtype),
    }
}

fn where_(c: &Datum, a: &Datum, b: &Datum) -> Result<Datum> {
    fn typed<T: crate::column::Element>(_: &[T], c: &Datum, a: &Datum, b: &Datum) -> Result<Datum> {
        crate::kernels::map3(c, a, b, |c: bool, x: T, y: T| if c { x } else { y })
    }
    crate::with_values!(a.values()?, v => typed(v, c, a, b))
}
