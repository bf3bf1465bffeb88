//! Which collection (list structure) each jagged value belongs to, so that element-wise operations on
//! lists of different collections or selections are type errors, found before any event is read.

use super::*;

/// Identity of the lists of a jagged value: an input collection (by its branch prefix) or the node that
/// made the structure (a mask's offsets, a combination).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum ListId {
    Prefix(u32),
    Node(NodeId),
}

impl ProgramBuilder {
    /// Which lists a new jagged node's values belong to, derived from its operands; records a conflict
    /// when an element-wise node mixes lists of different collections.
    pub(super) fn list_of_new(&mut self, node: &Node) -> Option<ListId> {
        match node {
            Node::Input { name, .. } => {
                // NanoAOD-style `Collection_field`: one counter per prefix. Without a prefix, unknown.
                let (prefix, _) = name.split_once('_')?;
                let next = self.prefixes.len() as u32;
                Some(ListId::Prefix(
                    *self.prefixes.entry(prefix.to_string()).or_insert(next),
                ))
            }
            Node::Mask {
                data,
                mask,
                offsets,
            } => {
                self.same_list(&[*data, *mask]);
                // Equal slices of one collection's fields (`Jet_pt[:2]`, `Jet_eta[:2]`) are one list.
                if let Node::SliceMask { like, start, stop } = self.graph.nodes[*mask] {
                    if let Some(l) = self.list_of(like) {
                        let first = *self.slice_lists.entry((l, start, stop)).or_insert(*offsets);
                        return Some(ListId::Node(first));
                    }
                }
                Some(ListId::Node(*offsets))
            }
            Node::Slot { comb, .. } => Some(ListId::Node(*comb)),
            Node::GroupReduce { a, b, slot, .. } => self.list_of(if *slot == 0 { *a } else { *b }),
            Node::Gather { positions, .. } => self.list_of(*positions),
            Node::Broadcast { like, .. } | Node::SliceMask { like, .. } => self.list_of(*like),
            Node::LocalIndex(a) | Node::ArgSort { key: a, .. } => self.list_of(*a),
            Node::Cast(a, _) | Node::Unary(_, a) | Node::Math1(_, a) | Node::Test(_, a) => {
                self.list_of(*a)
            }
            Node::Arith(_, a, b) | Node::Compare(_, a, b) | Node::Math2(_, a, b) => {
                self.same_list(&[*a, *b])
            }
            Node::Where(c, a, b) => self.same_list(&[*c, *a, *b]),
            _ => None,
        }
    }

    pub(super) fn list_of(&self, node: NodeId) -> Option<ListId> {
        if let Some(l) = self.lists.get(&node) {
            return Some(*l);
        }
        match &self.graph.nodes[node] {
            Node::MaskOffsets(_) | Node::Combinations { .. } | Node::Cartesian { .. } => {
                Some(ListId::Node(node))
            }
            Node::Positions {
                index, pick: false, ..
            } => self.list_of(*index),
            _ => None,
        }
    }

    pub(super) fn same_list(&mut self, nodes: &[NodeId]) -> Option<ListId> {
        let lists: Vec<ListId> = nodes.iter().filter_map(|&n| self.list_of(n)).collect();
        if let Some(other) = lists.iter().find(|l| **l != lists[0]) {
            self.list_conflict.get_or_insert((lists[0], *other));
        }
        lists.first().copied()
    }

    pub(super) fn describe_list(&self, l: ListId) -> String {
        match l {
            ListId::Prefix(p) => self
                .prefixes
                .iter()
                .find(|(_, &v)| v == p)
                .map_or("a collection".to_string(), |(k, _)| format!("`{k}`")),
            ListId::Node(_) => "a selected or combined list".to_string(),
        }
    }

    /// Turns a conflict recorded while compiling `span` into a type error.
    pub(super) fn check_lists(&mut self, span: Span) -> Result<()> {
        match self.list_conflict.take() {
            None => Ok(()),
            Some((a, b)) => Err(Error::type_error(
                span,
                format!(
                    "lists of different collections or selections ({} and {}) cannot be combined element by element",
                    self.describe_list(a),
                    self.describe_list(b)
                ),
            )
            .with_hint("use cartesian(a, b) for all pairs, or reduce one side first (sum, first, count, ...)")),
        }
    }
}
