//! Picking the best combination per event without materialising the combinations.
//!
//! `tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]` would make every 3-jet combination as index
//! lists, their members' positions, every member's four-momentum, a mask and a reduction: for a busy
//! tt̄ sample about 8M combinations per chunk of 100k events, a few hundred MB written and read
//! again. When the key (and the condition) are element-wise in fields of the combination's members,
//! [`best_pick`] replaces that chain by one [`Node::CombBest`] step, which makes the combinations of a
//! few events at a time (a block that stays in cache), evaluates the key and the condition on that
//! block with the usual kernels, and keeps only each event's best combination. The result is the
//! same as the unfused chain's, value for value (first best on ties, NaN keys skipped).

use std::sync::Arc;

use super::{Node, NodeId, Program};

/// Combinations per block: the block's keys, conditions and gathered fields stay in the L1/L2 cache.
const COMB_BLOCK: usize = 1024;
use crate::column::{Chunk, Column, Element, Values};
use crate::error::Error;
use crate::error::Result;
use crate::kernels::reduce::ReduceOp;
use crate::kernels::{internal, Datum};

/// The fused node that picks, per event, the combination of `tri` that `pick` (a position per
/// event into the combinations' lists) selects, when `pick` is the arg-max or arg-min of a key over
/// the combinations (optionally those passing a condition) and the key and condition are
/// element-wise in the members' fields. `None` when the pick has another shape.
pub(super) fn best_pick(nodes: &[Node], comb: NodeId, pick: NodeId) -> Option<Node> {
    let Node::Combinations { like, k } = nodes[comb] else {
        return None;
    };
    // Pick = Positions(argmax(key[cond])) mapped back through the condition, or Positions(argmax(key)),
    // the positions taken in the lists the arg-max ran over.
    let (index, lists, cond) = match nodes[pick] {
        Node::Unmask { positions, mask } => match nodes[positions] {
            Node::Positions {
                like,
                index,
                pick: true,
            } => (index, like, Some(mask)),
            _ => return None,
        },
        Node::Positions {
            like,
            index,
            pick: true,
        } => (index, like, None),
        _ => return None,
    };
    let Node::Reduce(op @ (ReduceOp::ArgMax | ReduceOp::ArgMin), reduced) = nodes[index] else {
        return None;
    };
    let key = match (nodes[reduced].clone(), cond) {
        (Node::Mask { data, mask, .. }, Some(c)) if mask == c => data,
        (_, None) => reduced,
        _ => return None,
    };
    let same_lists = match (cond, &nodes[lists]) {
        (Some(c), Node::Mask { mask, .. } | Node::MaskOffsets(mask)) => *mask == c,
        (Some(_), _) => false,
        (None, Node::Slot { comb: c, .. }) => *c == comb,
        (None, _) => {
            lists == comb || per_combination(nodes, comb, lists, &mut Vec::new()).is_some()
        }
    };
    if !same_lists {
        return None;
    }
    let mut inputs = vec![like];
    per_combination(nodes, comb, key, &mut inputs)?;
    if let Some(c) = cond {
        per_combination(nodes, comb, c, &mut inputs)?;
    }
    inputs.sort_unstable();
    inputs.dedup();
    Some(Node::CombBest {
        like,
        k,
        op,
        key,
        cond,
        inputs,
    })
}

/// Whether `id` is element-wise in fields of `comb`'s members (gathered at their slot positions) and
/// constants; collects the nodes it needs from outside (the fields, the lists they are gathered
/// from, the constants).
fn per_combination(
    nodes: &[Node],
    comb: NodeId,
    id: NodeId,
    inputs: &mut Vec<NodeId>,
) -> Option<()> {
    match &nodes[id] {
        Node::Const { .. } => inputs.push(id),
        Node::Gather { data, positions } => match nodes[*positions] {
            Node::SlotPositions { comb: c, like, .. } if c == comb => {
                inputs.push(*data);
                inputs.push(like);
            }
            _ => return None,
        },
        n if super::fusable(n) => {
            for c in n.children() {
                per_combination(nodes, comb, c, inputs)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// Every `k`-combination of `n` objects as local indices per slot, in lexicographic order (as
/// `combinations`), made once per number of objects: events with the same number of objects share
/// it, so that an event's combinations are laid out by one loop of known length per field instead
/// of nested loops of varying length.
struct Layouts {
    k: usize,
    by_n: Vec<Option<Vec<Vec<u32>>>>,
}

impl Layouts {
    fn new(k: usize) -> Self {
        Layouts {
            k,
            by_n: Vec::new(),
        }
    }

    /// Makes the layout of `n` objects if it is not there yet; returns how many combinations it has.
    fn prepare(&mut self, n: usize) -> usize {
        if self.by_n.len() <= n {
            self.by_n.resize(n + 1, None);
        }
        let k = self.k;
        self.by_n[n]
            .get_or_insert_with(|| {
                let mut slots: Vec<Vec<u32>> = vec![Vec::new(); k];
                if n >= k {
                    let mut cur: Vec<usize> = (0..k).collect();
                    loop {
                        for (slot, &i) in slots.iter_mut().zip(&cur) {
                            slot.push(i as u32);
                        }
                        let Some(i) = (0..k).rev().find(|&i| cur[i] < n - (k - i)) else {
                            break;
                        };
                        cur[i] += 1;
                        for j in i + 1..k {
                            cur[j] = cur[j - 1] + 1;
                        }
                    }
                }
                slots
            })
            .first()
            .map_or(0, Vec::len)
    }

    /// The local indices of member `slot` of every combination of `n` objects (prepared before).
    fn slot(&self, n: usize, slot: usize) -> &[u32] {
        self.by_n[n].as_ref().map_or(&[], |slots| &slots[slot])
    }
}

/// One block of combinations: the events it holds and where each event's combinations end.
struct Block {
    /// The events of the block: where their objects are, and where their combinations end in the
    /// block.
    events: Vec<BlockEvent>,
    len: usize,
}

/// One event of a [`Block`].
struct BlockEvent {
    /// Its objects' range in the lists' values.
    objects: std::ops::Range<usize>,
    /// The end of its combinations in the block.
    end: usize,
}

/// One field of member `slot` of every combination of the block, in the block's order.
fn members_of<T: Copy>(
    values: &[T],
    block: &Block,
    layouts: &Layouts,
    slot: usize,
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(block.len);
    for event in &block.events {
        let objects = values
            .get(event.objects.clone())
            .ok_or_else(|| internal("best combination: a field shorter than its lists"))?;
        out.extend(
            layouts
                .slot(objects.len(), slot)
                .iter()
                .map(|&i| objects[i as usize]),
        );
    }
    Ok(out)
}

impl Program {
    /// Evaluates a [`Node::CombBest`]: per event, the local indices of its best combination (a
    /// combinations datum with zero or one combination per event).
    pub(super) fn run_comb_best(
        &self,
        id: NodeId,
        slots: &[Option<Datum>],
        chunk: &Chunk,
    ) -> Result<Datum> {
        let Node::CombBest {
            like,
            k,
            op,
            key,
            cond,
            ..
        } = &self.nodes[id]
        else {
            return Err(internal("not a best-combination node"));
        };
        let (k, max) = (*k, *op == ReduceOp::ArgMax);
        let lists = slots[*like]
            .as_ref()
            .and_then(|d| d.offsets())
            .ok_or_else(|| internal("best combination of non-jagged data"))?
            .clone();
        // The key's and condition's nodes, children first (children have smaller ids).
        let mut members: Vec<NodeId> = Vec::new();
        let mut stack = vec![*key];
        stack.extend(*cond);
        while let Some(n) = stack.pop() {
            if members.contains(&n) || matches!(self.nodes[n], Node::Const { .. }) {
                continue;
            }
            members.push(n);
            if !matches!(self.nodes[n], Node::Gather { .. }) {
                stack.extend(self.nodes[n].children());
            }
        }
        members.sort_unstable();
        // The members' fields (node, slot, values), each of the lists the combinations are made of.
        let mut fields: Vec<(NodeId, usize, &Values)> = Vec::new();
        for &m in &members {
            if let Node::Gather { data, positions } = &self.nodes[m] {
                let Node::SlotPositions { slot, .. } = self.nodes[*positions] else {
                    return Err(internal("best combination: gather without slot"));
                };
                let column = slots[*data]
                    .as_ref()
                    .ok_or_else(|| internal("best combination input missing"))?
                    .column()?;
                match column.offsets() {
                    Some(o) if Arc::ptr_eq(o, &lists) || **o == *lists => {}
                    _ => {
                        return Err(Error::data(
                            "a combination's fields come from lists of different lengths than the \
                             combined objects",
                        ))
                    }
                }
                fields.push((m, slot, column.values()));
            }
        }

        let n_events = lists.len() - 1;
        let mut chosen: Vec<u32> = Vec::with_capacity(n_events * k);
        let mut offsets: Vec<u32> = Vec::with_capacity(n_events + 1);
        offsets.push(0);
        let mut local: Vec<Option<Datum>> = vec![None; self.nodes.len()];
        for m in self.nodes.iter().enumerate().filter_map(|(i, n)| {
            matches!(n, Node::Const { .. })
                .then_some(i)
                .filter(|i| slots[*i].is_some())
        }) {
            local[m] = slots[m].clone();
        }
        let mut layouts = Layouts::new(k);
        let mut block = Block {
            events: Vec::new(),
            len: 0,
        };
        let mut event = 0;
        while event < n_events {
            block.events.clear();
            block.len = 0;
            while event < n_events && block.len < COMB_BLOCK {
                let objects = lists[event] as usize..lists[event + 1] as usize;
                block.len += layouts.prepare(objects.len());
                block.events.push(BlockEvent {
                    objects,
                    end: block.len,
                });
                event += 1;
            }
            // The block's key and condition: the members' fields laid out per combination, then
            // the element-wise kernels.
            for &m in &members {
                local[m] = Some(match fields.iter().find(|f| f.0 == m) {
                    Some(&(_, slot, values)) => Datum::Col(Column::from_parts(
                        crate::with_values!(values, v => Element::wrap(members_of(v, &block, &layouts, slot)?)),
                        None,
                    )),
                    None => self.run(m, &local, chunk)?,
                });
            }
            let keys = local[*key]
                .as_ref()
                .ok_or_else(|| internal("best combination key"))?
                .values()?;
            let passing: Option<&[bool]> = match cond {
                Some(c) => Some(
                    local[*c]
                        .as_ref()
                        .ok_or_else(|| internal("best combination condition"))?
                        .values()?
                        .as_slice::<bool>()
                        .ok_or_else(|| internal("best combination condition is not boolean"))?,
                ),
                None => None,
            };
            crate::with_values!(keys, s => keep_best(s, passing, &block, &layouts, max, &mut chosen, &mut offsets));
        }
        Ok(Datum::Comb {
            k,
            indices: Arc::new(chosen),
            offsets: Arc::new(offsets),
        })
    }
}

/// Appends each event of the block's best combination (its members' local indices) to `chosen`,
/// and the running number of chosen combinations to `offsets`.
fn keep_best<T: Element>(
    keys: &[T],
    passing: Option<&[bool]>,
    block: &Block,
    layouts: &Layouts,
    max: bool,
    chosen: &mut Vec<u32>,
    offsets: &mut Vec<u32>,
) {
    let k = layouts.k;
    let mut begin = 0;
    for &BlockEvent { ref objects, end } in &block.events {
        if let Some(b) = best_in(keys, passing, begin, end, max) {
            let n = objects.len();
            chosen.extend((0..k).map(|slot| layouts.slot(n, slot)[b - begin]));
        }
        offsets.push((chosen.len() / k) as u32);
        begin = end;
    }
}

/// The first best of `keys[begin..end]` among those passing (NaN keys skipped; the first passing one
/// if all are NaN), as the arg-max of the masked list does.
fn best_in<T: Element>(
    keys: &[T],
    passing: Option<&[bool]>,
    begin: usize,
    end: usize,
    max: bool,
) -> Option<usize> {
    let mut first = None;
    let mut best: Option<usize> = None;
    for i in begin..end {
        if passing.is_some_and(|p| !p[i]) {
            continue;
        }
        first.get_or_insert(i);
        let x = keys[i];
        #[allow(clippy::eq_op)]
        if x != x {
            continue;
        }
        best = match best {
            None => Some(i),
            Some(b) if (max && x > keys[b]) || (!max && x < keys[b]) => Some(i),
            keep => keep,
        };
    }
    best.or(first)
}

/// Flat positions (one per event, -1 where the event has no best combination) of member `slot` of
/// each event's best combination in `like`'s lists.
pub(super) fn best_member(best: &Datum, slot: usize, like: &Datum) -> Result<Datum> {
    let Datum::Comb {
        k,
        indices,
        offsets,
    } = best
    else {
        return Err(internal("best member of a non-combination"));
    };
    let lists = like
        .offsets()
        .ok_or_else(|| internal("positions in non-jagged data"))?;
    if lists.len() != offsets.len() {
        return Err(internal("best member: different numbers of events"));
    }
    let pos = offsets
        .windows(2)
        .enumerate()
        .map(|(ev, w)| {
            if w[1] == w[0] {
                -1
            } else {
                lists[ev] as i64 + indices[w[0] as usize * k + slot] as i64
            }
        })
        .collect();
    Ok(Datum::Positions {
        pos: Arc::new(pos),
        offsets: None,
        source: lists.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::Layouts;

    /// The `k`-combinations of `n` objects by nested loops, as `combinations` orders them.
    fn nested(n: u32, k: usize) -> Vec<Vec<u32>> {
        let mut all: Vec<Vec<u32>> = vec![vec![]];
        for _ in 0..k {
            all = all
                .into_iter()
                .flat_map(|c| {
                    let from = c.last().map_or(0, |&l| l + 1);
                    (from..n).map(move |i| [c.clone(), vec![i]].concat())
                })
                .collect();
        }
        all
    }

    #[test]
    fn layouts_list_the_combinations_in_lexicographic_order() {
        for k in 1..5 {
            let mut layouts = Layouts::new(k);
            for n in [7, 0, 3, 1, 5, 2, 4, 9, 6, 8] {
                let expected = nested(n, k);
                assert_eq!(layouts.prepare(n as usize), expected.len(), "C({n}, {k})");
                for slot in 0..k {
                    let want: Vec<u32> = expected.iter().map(|c| c[slot]).collect();
                    assert_eq!(
                        layouts.slot(n as usize, slot),
                        want,
                        "slot {slot}, C({n}, {k})"
                    );
                }
            }
        }
    }
}
