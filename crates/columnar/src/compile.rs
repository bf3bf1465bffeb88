//! Type checking and compilation: syntax tree → nodes of the kernel graph. Runs against a [`Schema`]
//! before any event is read; every error carries the span of the offending expression.

use std::collections::HashMap;

use crate::ast::{Arg, BinOp, Definition, Expr, ExprKind, UnaryOp};
use crate::dtype::{DType, Type};
use crate::error::{did_you_mean, Error, ErrorKind, Result, Span};
use crate::kernels::arith::{ArithOp, CmpOp, UnaryKernel};
use crate::kernels::math::{Func1, Func2, Predicate};
use crate::kernels::reduce::ReduceOp;
use crate::parser::{parse_definitions, parse_expression};
use crate::program::{ConstBits, Graph, Node, NodeId, Program};
use crate::schema::Schema;

/// A typed column value at compile time.
#[derive(Clone, Copy, Debug)]
struct ColVal {
    node: NodeId,
    ty: Type,
    /// A literal (or arithmetic on literals): takes the type of the column it meets (numpy's weak scalars).
    weak: bool,
    /// A constant, the same for every event (evaluated as a scalar, broadcast by the kernels).
    scalar: bool,
}

/// An object collection or a single object per event: named fields sharing one structure.
#[derive(Clone, Debug)]
struct Rec {
    fields: Vec<(String, Val)>,
    jagged: bool,
}

#[derive(Clone, Debug)]
enum Val {
    Col(ColVal),
    Rec(Rec),
}

/// What a definition or expression is, as seen by the caller (the analysis-file layer).
#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A column: one value per event or a list per event.
    Column(Type),
    /// A collection of objects (`jagged`) or one object per event, with its field names.
    Record { jagged: bool, fields: Vec<String> },
}

/// A saved set of definitions (see [`ProgramBuilder::save_definitions`]).
#[derive(Clone, Debug)]
pub struct Definitions(HashMap<String, Val>);

/// Compiles definitions and outputs against a schema, then builds a [`Program`].
///
/// ```
/// use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema};
/// let chunk = Chunk::new(2)
///     .with("Jet_pt", Column::from_lists(&[vec![50.0f32, 20.0], vec![40.0]])).unwrap()
///     .with("Jet_eta", Column::from_lists(&[vec![0.5f32, 3.0], vec![-1.0]])).unwrap();
/// let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
/// b.define("jets", "Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4]").unwrap();
/// b.output("HT", "sum(jets.pt)").unwrap();
/// let out = b.build().evaluate(&chunk).unwrap();
/// assert_eq!(out[0].as_slice::<f64>().unwrap(), &[50.0, 40.0]);
/// ```
#[derive(Clone, Debug)]
pub struct ProgramBuilder {
    schema: Schema,
    graph: Graph,
    defs: HashMap<String, Val>,
    outputs: Vec<(String, NodeId, Type)>,
    /// Type and scalar flag of every value node, for rewrites that look through structural nodes.
    types: HashMap<NodeId, (Type, bool)>,
    /// Which lists (collection) every jagged node's values belong to, to reject mixing collections.
    lists: HashMap<NodeId, ListId>,
    prefixes: HashMap<String, u32>,
    list_conflict: Option<(ListId, ListId)>,
}

/// Identity of the lists of a jagged value: an input collection (by its branch prefix) or the node that
/// made the structure (a mask's offsets, a combination).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListId {
    Prefix(u32),
    Node(NodeId),
}

const FUNCTIONS: &[&str] = &[
    "abs",
    "sqrt",
    "exp",
    "log",
    "log10",
    "log2",
    "log1p",
    "expm1",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "floor",
    "ceil",
    "round",
    "trunc",
    "normal_ppf",
    "ndtri",
    "atan2",
    "hypot",
    "pow",
    "min",
    "max",
    "clip",
    "where",
    "isnan",
    "isfinite",
    "isinf",
    "sum",
    "prod",
    "count",
    "num",
    "any",
    "all",
    "argmin",
    "argmax",
    "first",
    "last",
    "mean",
    "local_index",
    "argsort",
    "sort",
    "combinations",
    "mass",
    "pt",
    "eta",
    "phi",
    "energy",
    "delta_phi",
    "delta_r",
    "mt",
    "with",
    "object",
    "int",
    "float",
    "bool",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float32",
    "float64",
];

impl ProgramBuilder {
    pub fn new(schema: Schema) -> ProgramBuilder {
        ProgramBuilder {
            schema,
            graph: Graph::default(),
            defs: HashMap::new(),
            outputs: Vec::new(),
            types: HashMap::new(),
            lists: HashMap::new(),
            prefixes: HashMap::new(),
            list_conflict: None,
        }
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Defines `name` as the expression `source`; later expressions can use it. A definition may shadow an
    /// input column (e.g. `Jet_pt` = `Jet_pt * 1.03` for a variation): its own expression still reads the
    /// input, and everything compiled afterwards (including the `Jet` collection) sees the new values.
    pub fn define(&mut self, name: &str, source: &str) -> Result<Shape> {
        let expr = parse_expression(source)?;
        self.define_expr(name, &expr)
    }

    /// [`ProgramBuilder::define`] for an already parsed expression.
    pub fn define_expr(&mut self, name: &str, expr: &Expr) -> Result<Shape> {
        self.list_conflict = None;
        let v = self.expr(expr)?;
        let shape = shape_of(&v);
        self.defs.insert(name.to_string(), v);
        Ok(shape)
    }

    /// Parses and defines every `name = expression` line of a program text.
    pub fn define_all(&mut self, source: &str) -> Result<Vec<(Definition, Shape)>> {
        let defs = parse_definitions(source)?;
        let mut out = Vec::new();
        for d in defs {
            let shape = self.define_expr(&d.name, &d.expr)?;
            out.push((d, shape));
        }
        Ok(out)
    }

    /// The current definitions, to return to with [`ProgramBuilder::restore_definitions`]. With this,
    /// one program computes several systematic variations: save, shadow an input (`Jet_pt` = ...),
    /// re-define the objects and add the varied outputs, restore. Nodes that do not depend on the varied
    /// input (the lepton selection, say) are shared between the variations and computed once per chunk.
    pub fn save_definitions(&self) -> Definitions {
        Definitions(self.defs.clone())
    }

    /// Returns to definitions saved by [`ProgramBuilder::save_definitions`] (outputs are kept).
    pub fn restore_definitions(&mut self, saved: Definitions) {
        self.defs = saved.0;
    }

    /// Type-checks an expression without adding anything.
    pub fn check(&mut self, source: &str) -> Result<Shape> {
        let expr = parse_expression(source)?;
        let saved = self.clone();
        self.list_conflict = None;
        let r = self.expr(&expr).map(|v| shape_of(&v));
        *self = saved;
        r
    }

    /// Adds an output column named `name`, computed by `source` (which may be just a definition's name).
    pub fn output(&mut self, name: &str, source: &str) -> Result<Type> {
        let expr = parse_expression(source)?;
        self.output_expr(name, &expr)
    }

    /// [`ProgramBuilder::output`] for an already parsed expression.
    pub fn output_expr(&mut self, name: &str, expr: &Expr) -> Result<Type> {
        self.list_conflict = None;
        match self.expr(expr)? {
            Val::Col(c) => {
                self.outputs.push((name.to_string(), c.node, c.ty));
                Ok(c.ty)
            }
            Val::Rec(r) => Err(Error::type_error(
                expr.span,
                "this is a collection of objects, not a column",
            )
            .with_hint(format!(
                "choose a field, one of: {}",
                r.fields
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The program computing every output added so far.
    pub fn build(&self) -> Program {
        Program::new(&self.graph, self.outputs.clone())
    }

    // ---- values -------------------------------------------------------------------------------------

    fn add(&mut self, node: Node, ty: Type, scalar: bool) -> ColVal {
        let list = if ty.jagged {
            self.list_of_new(&node)
        } else {
            None
        };
        let node = self.graph.add(node);
        self.types.insert(node, (ty, scalar));
        if let Some(l) = list {
            self.lists.insert(node, l);
        }
        ColVal {
            node,
            ty,
            weak: false,
            scalar,
        }
    }

    /// Which lists a new jagged node's values belong to, derived from its operands; records a conflict
    /// when an element-wise node mixes lists of different collections.
    fn list_of_new(&mut self, node: &Node) -> Option<ListId> {
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
                Some(ListId::Node(*offsets))
            }
            Node::Slot { comb, .. } => Some(ListId::Node(*comb)),
            Node::Gather { positions, .. } => self.list_of(*positions),
            Node::Broadcast { like, .. } => self.list_of(*like),
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

    fn list_of(&self, node: NodeId) -> Option<ListId> {
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

    fn same_list(&mut self, nodes: &[NodeId]) -> Option<ListId> {
        let lists: Vec<ListId> = nodes.iter().filter_map(|&n| self.list_of(n)).collect();
        if let Some(other) = lists.iter().find(|l| **l != lists[0]) {
            self.list_conflict.get_or_insert((lists[0], *other));
        }
        lists.first().copied()
    }

    fn describe_list(&self, l: ListId) -> String {
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
    fn check_lists(&mut self, span: Span) -> Result<()> {
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

    /// The value at an existing node (as recorded by [`ProgramBuilder::add`]).
    fn val_at(&self, node: NodeId) -> Option<ColVal> {
        self.types.get(&node).map(|&(ty, scalar)| ColVal {
            node,
            ty,
            weak: false,
            scalar,
        })
    }

    fn konst_f64(&mut self, x: f64, dtype: DType) -> ColVal {
        let bits = if dtype.is_float() {
            ConstBits::Float(x.to_bits())
        } else {
            ConstBits::Int(x as i128)
        };
        ColVal {
            node: self.graph.add(Node::Const { dtype, bits }),
            ty: Type::flat(dtype),
            weak: true,
            scalar: true,
        }
    }

    fn konst_i64(&mut self, x: i64) -> ColVal {
        ColVal {
            node: self.graph.add(Node::Const {
                dtype: DType::I64,
                bits: ConstBits::Int(x as i128),
            }),
            ty: Type::flat(DType::I64),
            weak: true,
            scalar: true,
        }
    }

    fn cast(&mut self, v: ColVal, to: DType) -> ColVal {
        if v.ty.dtype == to {
            return v;
        }
        let ty = Type {
            dtype: to,
            jagged: v.ty.jagged,
        };
        // Constants are converted now, so `Jet_eta < 2.4` compares with float32(2.4) without a kernel.
        if let Node::Const { bits, .. } = self.graph.nodes[v.node] {
            let bits = match (bits, to.is_float()) {
                (ConstBits::Float(b), true) => {
                    let x = f64::from_bits(b);
                    ConstBits::Float(
                        if to == DType::F32 {
                            (x as f32) as f64
                        } else {
                            x
                        }
                        .to_bits(),
                    )
                }
                (ConstBits::Int(i), true) => {
                    let x = i as f64;
                    ConstBits::Float(
                        if to == DType::F32 {
                            (x as f32) as f64
                        } else {
                            x
                        }
                        .to_bits(),
                    )
                }
                (ConstBits::Float(b), false) => {
                    let x = f64::from_bits(b);
                    if to == DType::Bool {
                        ConstBits::Int((x != 0.0) as i128)
                    } else {
                        ConstBits::Int(crate::column::cast_slice(&[x], to).get_f64(0) as i128)
                    }
                }
                (ConstBits::Int(i), false) => {
                    let vals = crate::column::cast_slice(&[i as i64], to);
                    ConstBits::Int(
                        crate::with_values!(&vals, s => crate::column::Element::to_i128(s[0])),
                    )
                }
            };
            return ColVal {
                node: self.graph.add(Node::Const { dtype: to, bits }),
                ty,
                weak: v.weak,
                scalar: true,
            };
        }
        self.add(Node::Cast(v.node, to), ty, v.scalar)
    }

    /// Repeats a per-event value along the lists of `like`.
    fn broadcast(&mut self, v: ColVal, like: ColVal) -> ColVal {
        if v.ty.jagged || v.scalar {
            return v;
        }
        self.add(
            Node::Broadcast {
                value: v.node,
                like: like.node,
            },
            Type::jagged(v.ty.dtype),
            false,
        )
    }

    /// Brings two operands to one element type and one shape.
    fn unify(&mut self, a: ColVal, b: ColVal) -> (ColVal, ColVal) {
        let dtype = match (a.weak, b.weak) {
            (true, false) => DType::promote_weak(b.ty.dtype, a.ty.dtype),
            (false, true) => DType::promote_weak(a.ty.dtype, b.ty.dtype),
            _ => DType::promote(a.ty.dtype, b.ty.dtype),
        };
        let (mut a, mut b) = (self.cast(a, dtype), self.cast(b, dtype));
        if a.ty.jagged && !b.ty.jagged {
            b = self.broadcast(b, a);
        } else if b.ty.jagged && !a.ty.jagged {
            a = self.broadcast(a, b);
        }
        (a, b)
    }

    fn elementwise(&mut self, node: Node, dtype: DType, a: ColVal, b: ColVal) -> ColVal {
        let ty = Type {
            dtype,
            jagged: a.ty.jagged || b.ty.jagged,
        };
        let mut v = self.add(node, ty, a.scalar && b.scalar);
        v.weak = a.weak && b.weak;
        v
    }

    fn arith(&mut self, op: ArithOp, a: ColVal, b: ColVal) -> ColVal {
        let (a, b) = self.unify(a, b);
        let dtype = a.ty.dtype;
        self.elementwise(Node::Arith(op, a.node, b.node), dtype, a, b)
    }

    fn float_of(&mut self, v: ColVal) -> ColVal {
        if v.ty.dtype.is_float() {
            v
        } else {
            self.cast(v, DType::F64)
        }
    }

    fn math1(&mut self, f: Func1, v: ColVal) -> ColVal {
        let v = self.float_of(v);
        self.add(Node::Math1(f, v.node), v.ty, v.scalar)
    }

    // ---- expressions --------------------------------------------------------------------------------

    fn col(&self, v: Val, span: Span, what: &str) -> Result<ColVal> {
        match v {
            Val::Col(c) => Ok(c),
            Val::Rec(r) => Err(Error::type_error(
                span,
                format!("{what} needs a column, but this is a collection of objects"),
            )
            .with_hint(format!(
                "choose a field, one of: {}",
                r.fields
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    fn col_expr(&mut self, e: &Expr, what: &str) -> Result<ColVal> {
        let v = self.expr(e)?;
        self.col(v, e.span, what)
    }

    fn expr(&mut self, e: &Expr) -> Result<Val> {
        match &e.kind {
            ExprKind::Int(i) => Ok(Val::Col(self.konst_i64(*i))),
            ExprKind::Float(x) => Ok(Val::Col(self.konst_f64(*x, DType::F64))),
            ExprKind::Bool(b) => {
                let mut v = self.konst_f64(*b as i64 as f64, DType::Bool);
                v.weak = false;
                Ok(Val::Col(v))
            }
            ExprKind::Name(n) => self.resolve(n, e.span),
            ExprKind::Unary(op, x) => {
                let v = self.col_expr(x, "this operator")?;
                self.unary(*op, v, e.span)
            }
            ExprKind::Binary(op, a, b) => {
                let va = self.col_expr(a, &format!("`{}`", op.symbol()))?;
                let vb = self.col_expr(b, &format!("`{}`", op.symbol()))?;
                let v = self.binary(*op, va, vb, a.span, b.span)?;
                self.check_lists(e.span)?;
                Ok(Val::Col(v))
            }
            ExprKind::Field(x, name, span) => {
                let v = self.expr(x)?;
                match v {
                    Val::Rec(r) => match r.fields.iter().find(|(n, _)| n == name) {
                        Some((_, f)) => Ok(f.clone()),
                        None => {
                            let names: Vec<&str> =
                                r.fields.iter().map(|(n, _)| n.as_str()).collect();
                            let mut err = Error::new(
                                ErrorKind::UnknownName,
                                *span,
                                format!("no field `{name}` here"),
                            );
                            err.hint = Some(
                                did_you_mean(name, names.iter().copied())
                                    .unwrap_or_else(|| format!("fields are: {}", names.join(", "))),
                            );
                            Err(err)
                        }
                    },
                    Val::Col(_) => Err(Error::type_error(
                        *span,
                        format!(
                            "`.{name}`: only collections and objects have fields; this is a column"
                        ),
                    )),
                }
            }
            ExprKind::Index(x, i) => {
                let v = self.index(x, i)?;
                self.check_lists(e.span)?;
                Ok(v)
            }
            ExprKind::Call {
                name,
                name_span,
                args,
            } => {
                let v = self.call(name, *name_span, args, e.span)?;
                self.check_lists(e.span)?;
                Ok(v)
            }
        }
    }

    fn resolve(&mut self, name: &str, span: Span) -> Result<Val> {
        if let Some(v) = self.defs.get(name) {
            return Ok(v.clone());
        }
        if let Some(ty) = self.schema.get(name) {
            return Ok(Val::Col(self.add(
                Node::Input {
                    name: name.to_string(),
                    ty,
                },
                ty,
                false,
            )));
        }
        let fields = self.schema.collection_fields(name);
        if !fields.is_empty() {
            let mut rec = Rec {
                fields: Vec::new(),
                jagged: true,
            };
            for f in fields {
                let v = self.resolve(&format!("{name}_{f}"), span)?;
                rec.fields.push((f, v));
            }
            return Ok(Val::Rec(rec));
        }
        match name {
            "pi" => return Ok(Val::Col(self.konst_f64(std::f64::consts::PI, DType::F64))),
            "inf" => return Ok(Val::Col(self.konst_f64(f64::INFINITY, DType::F64))),
            "nan" => return Ok(Val::Col(self.konst_f64(f64::NAN, DType::F64))),
            _ => {}
        }
        let collections = self.schema.collections();
        let candidates: Vec<&str> = self
            .defs
            .keys()
            .map(|s| s.as_str())
            .chain(self.schema.names())
            .chain(collections.iter().map(|s| s.as_str()))
            .collect();
        let mut err = Error::new(
            ErrorKind::UnknownName,
            span,
            format!("unknown name `{name}`"),
        );
        err.hint = did_you_mean(name, candidates.iter().copied()).or_else(|| {
            FUNCTIONS
                .contains(&name)
                .then(|| format!("`{name}` is a function: call it as `{name}(...)`"))
        });
        Err(err)
    }

    fn unary(&mut self, op: UnaryOp, v: ColVal, span: Span) -> Result<Val> {
        let dt = v.ty.dtype;
        let out = match op {
            UnaryOp::Neg => {
                if dt == DType::Bool {
                    return Err(
                        Error::type_error(span, "cannot negate a boolean").with_hint("use `!x`")
                    );
                }
                let mut r = self.add(Node::Unary(UnaryKernel::Neg, v.node), v.ty, v.scalar);
                r.weak = v.weak;
                r
            }
            UnaryOp::Not => {
                if dt != DType::Bool {
                    return Err(Error::type_error(
                        span,
                        format!("`!` needs a boolean, found {}", v.ty),
                    )
                    .with_hint("compare first, e.g. `x == 0`"));
                }
                self.add(Node::Unary(UnaryKernel::BitNot, v.node), v.ty, v.scalar)
            }
            UnaryOp::BitNot => {
                if dt.is_float() {
                    return Err(Error::type_error(
                        span,
                        format!("`~` needs integers or booleans, found {}", v.ty),
                    ));
                }
                self.add(Node::Unary(UnaryKernel::BitNot, v.node), v.ty, v.scalar)
            }
        };
        Ok(Val::Col(out))
    }

    fn binary(&mut self, op: BinOp, a: ColVal, b: ColVal, sa: Span, sb: Span) -> Result<ColVal> {
        let span = sa.to(sb);
        let sym = op.symbol();
        if op.is_comparison() {
            let (a, b) = self.unify(a, b);
            let cmp = match op {
                BinOp::Eq => CmpOp::Eq,
                BinOp::Ne => CmpOp::Ne,
                BinOp::Lt => CmpOp::Lt,
                BinOp::Le => CmpOp::Le,
                BinOp::Gt => CmpOp::Gt,
                _ => CmpOp::Ge,
            };
            let mut v = self.elementwise(Node::Compare(cmp, a.node, b.node), DType::Bool, a, b);
            v.weak = false;
            return Ok(v);
        }
        match op {
            BinOp::And | BinOp::Or => {
                for (v, s) in [(a, sa), (b, sb)] {
                    if v.ty.dtype != DType::Bool {
                        return Err(Error::type_error(
                            s,
                            format!("`{sym}` needs booleans, found {}", v.ty),
                        )
                        .with_hint("compare first, e.g. `x != 0`"));
                    }
                }
                let k = if op == BinOp::And {
                    ArithOp::BitAnd
                } else {
                    ArithOp::BitOr
                };
                Ok(self.arith(k, a, b))
            }
            BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor | BinOp::Shl | BinOp::Shr => {
                for (v, s) in [(a, sa), (b, sb)] {
                    if v.ty.dtype.is_float() {
                        return Err(Error::type_error(
                            s,
                            format!("`{sym}` needs integers or booleans, found {}", v.ty),
                        )
                        .with_hint("convert with `int32(x)` / `int64(x)` first"));
                    }
                }
                let shift = matches!(op, BinOp::Shl | BinOp::Shr);
                let both_bool = a.ty.dtype == DType::Bool && b.ty.dtype == DType::Bool;
                if shift || !both_bool {
                    let (a, b) = (self.bool_to_int(a), self.bool_to_int(b));
                    return Ok(self.arith(bit_kernel(op), a, b));
                }
                Ok(self.arith(bit_kernel(op), a, b))
            }
            _ => {
                for (v, s) in [(a, sa), (b, sb)] {
                    if v.ty.dtype == DType::Bool {
                        // Booleans count as 0/1 in arithmetic (numpy); keep it explicit for `-`.
                        if op == BinOp::Sub {
                            return Err(Error::type_error(s, "cannot subtract booleans")
                                .with_hint("convert with `int64(x)` first"));
                        }
                    }
                }
                let (a, b) = (self.bool_to_int(a), self.bool_to_int(b));
                let (a, b) = match op {
                    // True division and powers give floats (integer powers are rarely what is meant).
                    BinOp::Div | BinOp::Pow => {
                        let (a, b) = self.unify(a, b);
                        (self.float_of(a), self.float_of(b))
                    }
                    _ => (a, b),
                };
                let k = match op {
                    BinOp::Add => ArithOp::Add,
                    BinOp::Sub => ArithOp::Sub,
                    BinOp::Mul => ArithOp::Mul,
                    BinOp::Div => ArithOp::Div,
                    BinOp::Mod => ArithOp::Mod,
                    BinOp::Pow => ArithOp::Pow,
                    _ => {
                        return Err(Error::type_error(
                            span,
                            format!("unsupported operator `{sym}`"),
                        ))
                    }
                };
                Ok(self.arith(k, a, b))
            }
        }
    }

    /// A node standing for the list structure (offsets) of a value, reading as few columns as possible:
    /// a masked collection's shared offsets, a gathered one's index list.
    fn structure(&self, v: &Val) -> ColVal {
        let l = leaf(v);
        if matches!(v, Val::Col(_)) {
            return l;
        }
        match self.graph.nodes[l.node] {
            Node::Mask { offsets, .. } => ColVal { node: offsets, ..l },
            Node::Gather { positions, .. } => ColVal {
                node: positions,
                ..l
            },
            _ => l,
        }
    }

    /// Gathers a jagged column at list positions (same element type, the positions' structure).
    fn gather(&mut self, c: ColVal, positions: NodeId) -> ColVal {
        self.add(
            Node::Gather {
                data: c.node,
                positions,
            },
            c.ty,
            false,
        )
    }

    fn bool_to_int(&mut self, v: ColVal) -> ColVal {
        if v.ty.dtype == DType::Bool {
            let mut r = self.cast(v, DType::I64);
            r.weak = v.weak;
            r
        } else {
            v
        }
    }

    // ---- indexing -----------------------------------------------------------------------------------

    fn index(&mut self, x: &Expr, i: &Expr) -> Result<Val> {
        let xv = self.expr(x)?;
        let iv = self.col_expr(i, "an index")?;
        let jagged = match &xv {
            Val::Col(c) => c.ty.jagged,
            Val::Rec(r) => r.jagged,
        };
        if !jagged {
            return Err(Error::type_error(
                x.span,
                "only lists (per-object columns) can be indexed or masked; this has one value per event",
            )
            .with_hint("to keep or drop whole events, use the condition as a selection"));
        }
        let like = self.structure(&xv);
        enum How {
            Mask(ColVal, NodeId),
            Take(NodeId),
            Pick(NodeId),
        }
        let how = if iv.ty.dtype == DType::Bool {
            let m = self.broadcast(iv, like);
            if m.scalar {
                return Err(
                    Error::type_error(i.span, "a mask must be a condition on the objects")
                        .with_hint("e.g. `Jet[Jet_pt > 30]`"),
                );
            }
            let offs = self.graph.add(Node::MaskOffsets(m.node));
            How::Mask(m, offs)
        } else if iv.ty.dtype.is_float() {
            return Err(Error::type_error(
                i.span,
                format!("an index must be an integer or a mask, found {}", iv.ty),
            ));
        } else {
            let idx = self.cast(iv, DType::I64);
            let pick = !idx.ty.jagged;
            let pos = self.graph.add(Node::Positions {
                like: like.node,
                index: idx.node,
                pick,
            });
            if pick {
                How::Pick(pos)
            } else {
                How::Take(pos)
            }
        };
        Ok(self.map_leaves(
            &xv,
            &mut |b, c| match &how {
                How::Mask(m, offs) => b.add(
                    Node::Mask {
                        data: c.node,
                        mask: m.node,
                        offsets: *offs,
                    },
                    c.ty,
                    false,
                ),
                How::Take(pos) => b.add(
                    Node::Gather {
                        data: c.node,
                        positions: *pos,
                    },
                    c.ty,
                    false,
                ),
                How::Pick(pos) => {
                    let f = b.float_of(c);
                    b.add(
                        Node::Gather {
                            data: f.node,
                            positions: *pos,
                        },
                        Type::flat(f.ty.dtype),
                        false,
                    )
                }
            },
            !matches!(how, How::Pick(_)),
        ))
    }

    fn map_leaves(
        &mut self,
        v: &Val,
        f: &mut dyn FnMut(&mut Self, ColVal) -> ColVal,
        jagged: bool,
    ) -> Val {
        match v {
            Val::Col(c) => Val::Col(f(self, *c)),
            Val::Rec(r) => Val::Rec(Rec {
                fields: r
                    .fields
                    .iter()
                    .map(|(n, x)| (n.clone(), self.map_leaves(x, f, jagged)))
                    .collect(),
                jagged,
            }),
        }
    }

    // ---- functions ----------------------------------------------------------------------------------

    fn call(&mut self, name: &str, name_span: Span, args: &[Arg], span: Span) -> Result<Val> {
        let positional: Vec<&Expr> = args
            .iter()
            .filter(|a| a.name.is_none())
            .map(|a| &a.value)
            .collect();
        let named: Vec<(&str, Span, &Expr)> = args
            .iter()
            .filter_map(|a| a.name.as_ref().map(|(n, s)| (n.as_str(), *s, &a.value)))
            .collect();
        let allowed_named: &[&str] = match name {
            "sort" => &["by", "descending"],
            "argsort" => &["descending"],
            "with" | "object" => &[],
            _ => &[],
        };
        if !matches!(name, "with" | "object") {
            if let Some((n, s, _)) = named.iter().find(|(n, _, _)| !allowed_named.contains(n)) {
                return Err(Error::syntax(
                    *s,
                    format!("`{name}` has no argument named `{n}`"),
                ));
            }
        }
        let arity = |lo: usize, hi: usize| -> Result<()> {
            if positional.len() < lo || positional.len() > hi {
                let want = if lo == hi {
                    format!("{lo}")
                } else if hi == usize::MAX {
                    format!("at least {lo}")
                } else {
                    format!("{lo} to {hi}")
                };
                return Err(Error::type_error(
                    span,
                    format!(
                        "`{name}` takes {want} argument(s), found {}",
                        positional.len()
                    ),
                ));
            }
            Ok(())
        };

        if let Some(f) = Func1::from_name(name) {
            arity(1, 1)?;
            let v = self.col_expr(positional[0], &format!("`{name}`"))?;
            return Ok(Val::Col(self.math1(f, v)));
        }
        if let Some(to) = DType::from_name(name).or(match name {
            "int" => Some(DType::I64),
            "float" => Some(DType::F64),
            _ => None,
        }) {
            arity(1, 1)?;
            let v = self.col_expr(positional[0], &format!("`{name}`"))?;
            let mut r = self.cast(v, to);
            r.weak = false;
            return Ok(Val::Col(r));
        }
        match name {
            "abs" => {
                arity(1, 1)?;
                let v = self.col_expr(positional[0], "`abs`")?;
                let v = self.bool_to_int(v);
                let mut r = self.add(Node::Unary(UnaryKernel::Abs, v.node), v.ty, v.scalar);
                r.weak = v.weak;
                Ok(Val::Col(r))
            }
            "atan2" | "hypot" => {
                arity(2, 2)?;
                let a = self.col_expr(positional[0], &format!("`{name}`"))?;
                let b = self.col_expr(positional[1], &format!("`{name}`"))?;
                let (a, b) = self.unify(a, b);
                let (a, b) = (self.float_of(a), self.float_of(b));
                let f = if name == "atan2" {
                    Func2::Atan2
                } else {
                    Func2::Hypot
                };
                let dt = a.ty.dtype;
                let mut r = self.elementwise(Node::Math2(f, a.node, b.node), dt, a, b);
                r.weak = false;
                Ok(Val::Col(r))
            }
            "pow" => {
                arity(2, 2)?;
                let a = self.col_expr(positional[0], "`pow`")?;
                let b = self.col_expr(positional[1], "`pow`")?;
                self.binary(BinOp::Pow, a, b, positional[0].span, positional[1].span)
                    .map(Val::Col)
            }
            "min" | "max" if positional.len() >= 2 => {
                let op = if name == "min" {
                    ArithOp::Min
                } else {
                    ArithOp::Max
                };
                let mut acc = self.col_expr(positional[0], &format!("`{name}`"))?;
                for p in &positional[1..] {
                    let v = self.col_expr(p, &format!("`{name}`"))?;
                    let (a, v) = (self.bool_to_int(acc), self.bool_to_int(v));
                    acc = self.arith(op, a, v);
                }
                Ok(Val::Col(acc))
            }
            "clip" => {
                arity(3, 3)?;
                let x = self.col_expr(positional[0], "`clip`")?;
                let lo = self.col_expr(positional[1], "`clip`")?;
                let hi = self.col_expr(positional[2], "`clip`")?;
                let m = self.arith(ArithOp::Max, x, lo);
                Ok(Val::Col(self.arith(ArithOp::Min, m, hi)))
            }
            "where" => {
                arity(3, 3)?;
                let c = self.col_expr(positional[0], "`where`")?;
                if c.ty.dtype != DType::Bool {
                    return Err(Error::type_error(
                        positional[0].span,
                        format!("`where` needs a condition, found {}", c.ty),
                    ));
                }
                let a = self.col_expr(positional[1], "`where`")?;
                let b = self.col_expr(positional[2], "`where`")?;
                let (a, b) = self.unify(a, b);
                let (a, b, c) = if c.ty.jagged && !a.ty.jagged {
                    (self.broadcast(a, c), self.broadcast(b, c), c)
                } else if !c.ty.jagged && a.ty.jagged {
                    (a, b, self.broadcast(c, a))
                } else {
                    (a, b, c)
                };
                let ty = Type {
                    dtype: a.ty.dtype,
                    jagged: a.ty.jagged || c.ty.jagged,
                };
                Ok(Val::Col(self.add(
                    Node::Where(c.node, a.node, b.node),
                    ty,
                    a.scalar && b.scalar && c.scalar,
                )))
            }
            "isnan" | "isfinite" | "isinf" => {
                arity(1, 1)?;
                let v = self.col_expr(positional[0], &format!("`{name}`"))?;
                let v = self.float_of(v);
                let p = match name {
                    "isnan" => Predicate::IsNan,
                    "isfinite" => Predicate::IsFinite,
                    _ => Predicate::IsInf,
                };
                let ty = Type {
                    dtype: DType::Bool,
                    jagged: v.ty.jagged,
                };
                Ok(Val::Col(self.add(Node::Test(p, v.node), ty, v.scalar)))
            }
            "sum" | "prod" | "count" | "num" | "any" | "all" | "min" | "max" | "argmin"
            | "argmax" | "first" | "last" | "mean" => {
                arity(1, 1)?;
                self.reduction(name, positional[0])
            }
            "local_index" => {
                arity(1, 1)?;
                let v = self.expr(positional[0])?;
                let l = self.require_list(&v, positional[0].span, name)?;
                Ok(Val::Col(self.add(
                    Node::LocalIndex(l.node),
                    Type::jagged(DType::I64),
                    false,
                )))
            }
            "argsort" => {
                arity(1, 1)?;
                let key = self.col_expr(positional[0], "`argsort`")?;
                self.require_list(&Val::Col(key), positional[0].span, name)?;
                let desc = self.flag(&named, "descending")?;
                Ok(Val::Col(self.add(
                    Node::ArgSort {
                        key: key.node,
                        descending: desc,
                    },
                    Type::jagged(DType::I64),
                    false,
                )))
            }
            "sort" => {
                arity(1, 1)?;
                let x = self.expr(positional[0])?;
                self.require_list(&x, positional[0].span, name)?;
                let key = match named.iter().find(|(n, _, _)| *n == "by") {
                    Some((_, _, e)) => self.col_expr(e, "`sort(by=...)`")?,
                    None => match &x {
                        Val::Col(c) => *c,
                        Val::Rec(_) => {
                            return Err(Error::type_error(span, "sorting a collection needs a key")
                                .with_hint("e.g. `sort(jets, by=jets.pt, descending=true)`"))
                        }
                    },
                };
                if !key.ty.jagged {
                    return Err(Error::type_error(
                        span,
                        "the sort key must be a list with one value per object",
                    ));
                }
                let desc = self.flag(&named, "descending")?;
                let order = self.add(
                    Node::ArgSort {
                        key: key.node,
                        descending: desc,
                    },
                    Type::jagged(DType::I64),
                    false,
                );
                let like = self.structure(&x);
                let pos = self.graph.add(Node::Positions {
                    like: like.node,
                    index: order.node,
                    pick: false,
                });
                Ok(self.map_leaves(&x, &mut |b, c| b.gather(c, pos), true))
            }
            "combinations" => {
                arity(2, 2)?;
                let x = self.expr(positional[0])?;
                let like = self.require_list(&x, positional[0].span, name)?;
                let k = match positional[1].kind {
                    ExprKind::Int(k) if (1..=8).contains(&k) => k as usize,
                    _ => {
                        return Err(Error::type_error(
                            positional[1].span,
                            "the number of objects per combination must be an integer literal from 1 to 8",
                        ))
                    }
                };
                let comb = self.graph.add(Node::Combinations { like: like.node, k });
                let members = vec![(x, like); k];
                Ok(self.tuples(comb, &members))
            }
            "cartesian" => {
                arity(2, 2)?;
                let mut members = Vec::new();
                for p in &positional {
                    let x = self.expr(p)?;
                    let like = self.require_list(&x, p.span, name)?;
                    members.push((x, like));
                }
                let comb = self.graph.add(Node::Cartesian {
                    a: members[0].1.node,
                    b: members[1].1.node,
                });
                Ok(self.tuples(comb, &members))
            }
            "mass" | "pt" | "eta" | "phi" | "energy" => {
                arity(1, usize::MAX)?;
                self.p4_sum(name, &positional, span)
            }
            "delta_phi" | "delta_r" | "mt" => self.pair_function(name, &positional, span),
            "with" | "object" => self.build_record(name, &positional, &named, span),
            _ => {
                let mut err = Error::new(
                    ErrorKind::UnknownName,
                    name_span,
                    format!("unknown function `{name}`"),
                );
                err.hint = did_you_mean(name, FUNCTIONS.iter().copied());
                Err(err)
            }
        }
    }

    /// The record of a combinations/cartesian node: member `s` (named `"s"`) is `members[s].0` gathered at
    /// the member's local indices, plus those indices as field `index`.
    fn tuples(&mut self, comb: NodeId, members: &[(Val, ColVal)]) -> Val {
        let mut fields = Vec::new();
        for (s, (x, like)) in members.iter().enumerate() {
            let idx = self.add(
                Node::Slot { comb, slot: s },
                Type::jagged(DType::I64),
                false,
            );
            let pos = self.graph.add(Node::Positions {
                like: like.node,
                index: idx.node,
                pick: false,
            });
            let member = self.map_leaves(x, &mut |b, c| b.gather(c, pos), true);
            let member = match member {
                Val::Rec(mut r) => {
                    r.fields.push(("index".to_string(), Val::Col(idx)));
                    Val::Rec(r)
                }
                col => Val::Rec(Rec {
                    fields: vec![
                        ("value".to_string(), col),
                        ("index".to_string(), Val::Col(idx)),
                    ],
                    jagged: true,
                }),
            };
            fields.push((s.to_string(), member));
        }
        Val::Rec(Rec {
            fields,
            jagged: true,
        })
    }

    fn flag(&mut self, named: &[(&str, Span, &Expr)], key: &str) -> Result<bool> {
        match named.iter().find(|(n, _, _)| *n == key) {
            None => Ok(false),
            Some((_, _, e)) => match e.kind {
                ExprKind::Bool(b) => Ok(b),
                _ => Err(Error::type_error(
                    e.span,
                    format!("`{key}` must be `true` or `false`"),
                )),
            },
        }
    }

    fn require_list(&mut self, v: &Val, span: Span, what: &str) -> Result<ColVal> {
        let jagged = match v {
            Val::Col(c) => c.ty.jagged,
            Val::Rec(r) => r.jagged,
        };
        if !jagged {
            return Err(Error::type_error(
                span,
                format!("`{what}` needs a list per event (a per-object column or collection); this has one value per event"),
            ));
        }
        Ok(self.structure(v))
    }

    fn reduction(&mut self, name: &str, arg: &Expr) -> Result<Val> {
        let v = self.expr(arg)?;
        let l = self.require_list(&v, arg.span, name)?;
        let (op, input, dtype) = match (name, &v) {
            ("count" | "num", Val::Rec(_)) => (ReduceOp::Count, l, DType::I64),
            (_, Val::Rec(_)) => {
                return Err(Error::type_error(
                    arg.span,
                    format!("`{name}` of a collection: choose a field"),
                )
                .with_hint(format!("e.g. `{name}(jets.pt)`")))
            }
            ("num", _) => (ReduceOp::Count, l, DType::I64),
            ("count", _) => {
                if l.ty.dtype == DType::Bool {
                    (ReduceOp::Sum, l, DType::I64)
                } else {
                    (ReduceOp::Count, l, DType::I64)
                }
            }
            ("any" | "all", _) => {
                if l.ty.dtype != DType::Bool {
                    return Err(Error::type_error(
                        arg.span,
                        format!("`{name}` needs conditions, found {}", l.ty),
                    )
                    .with_hint(format!("e.g. `{name}(Jet_pt > 30)`")));
                }
                (
                    if name == "any" {
                        ReduceOp::Any
                    } else {
                        ReduceOp::All
                    },
                    l,
                    DType::Bool,
                )
            }
            ("sum" | "prod", _) => {
                let dt = l.ty.dtype;
                let out = if dt.is_float() {
                    DType::F64
                } else if dt.is_unsigned_int() {
                    DType::U64
                } else {
                    DType::I64
                };
                (
                    if name == "sum" {
                        ReduceOp::Sum
                    } else {
                        ReduceOp::Prod
                    },
                    l,
                    out,
                )
            }
            ("mean", _) => (ReduceOp::Mean, l, DType::F64),
            ("argmin" | "argmax", _) => (
                if name == "argmin" {
                    ReduceOp::ArgMin
                } else {
                    ReduceOp::ArgMax
                },
                l,
                DType::I64,
            ),
            _ => {
                let f = self.float_of(l);
                let op = match name {
                    "min" => ReduceOp::Min,
                    "max" => ReduceOp::Max,
                    "first" => ReduceOp::First,
                    _ => ReduceOp::Last,
                };
                (op, f, f.ty.dtype)
            }
        };
        Ok(Val::Col(self.add(
            Node::Reduce(op, input.node),
            Type::flat(dtype),
            false,
        )))
    }

    // ---- four-vectors -------------------------------------------------------------------------------

    /// (px, py, pz, E) in float64 of an object or collection, from (pt, eta, phi, mass|m|E) or
    /// (px, py, pz, E) fields (case-insensitive).
    fn p4_of(&mut self, v: &Val, span: Span) -> Result<[ColVal; 4]> {
        let Val::Rec(r) = v else {
            return Err(Error::type_error(
                span,
                "a four-vector function needs objects (e.g. `jets` or `c.0`), not a column",
            ));
        };
        let find = |names: &[&str]| -> Option<ColVal> {
            r.fields.iter().find_map(|(n, f)| match f {
                Val::Col(c) if names.iter().any(|x| x.eq_ignore_ascii_case(n)) => Some(*c),
                _ => None,
            })
        };
        let polar = match (find(&["pt"]), find(&["eta"]), find(&["phi"])) {
            (Some(pt), Some(eta), Some(phi)) => {
                match (find(&["mass", "m"]), find(&["e", "energy"])) {
                    (Some(m), _) => Some(([pt, eta, phi, m], P4Form::PtEtaPhiM)),
                    (None, Some(e)) => Some(([pt, eta, phi, e], P4Form::PtEtaPhiE)),
                    _ => {
                        return Err(Error::type_error(
                            span,
                            "these objects have pt, eta, phi but no mass (or E) field",
                        ))
                    }
                }
            }
            _ => None,
        };
        let cartesian = match (
            find(&["px"]),
            find(&["py"]),
            find(&["pz"]),
            find(&["e", "energy"]),
        ) {
            (Some(px), Some(py), Some(pz), Some(e)) => Some(([px, py, pz, e], P4Form::Cartesian)),
            _ => None,
        };
        match polar.or(cartesian) {
            Some((fields, form)) => Ok(self.p4_components(fields, form)),
            None => Err(
                Error::type_error(span, "these objects have no four-momentum fields").with_hint(
                    "four-vector functions need fields (pt, eta, phi, mass) or (px, py, pz, E)",
                ),
            ),
        }
    }

    /// (px, py, pz, E) in float64. Element-wise work commutes with masks and gathers, so when all four
    /// inputs are the same gather (or a mask of gathers) of parent columns, the components are computed
    /// once per parent element (e.g. per selected jet) and then gathered (e.g. into every 3-jet combination).
    fn p4_components(&mut self, f: [ColVal; 4], form: P4Form) -> [ColVal; 4] {
        let nodes = f.map(|c| self.graph.nodes[c.node].clone());
        if let Node::Gather { positions, .. } = nodes[0] {
            let parents: Option<Vec<ColVal>> = nodes
                .iter()
                .map(|n| match n {
                    Node::Gather { data, positions: p } if *p == positions => self.val_at(*data),
                    _ => None,
                })
                .collect();
            if let Some(p) = parents {
                let inner = self.p4_components([p[0], p[1], p[2], p[3]], form);
                let jagged = f[0].ty.jagged;
                return inner.map(|c| {
                    self.add(
                        Node::Gather {
                            data: c.node,
                            positions,
                        },
                        Type {
                            dtype: DType::F64,
                            jagged,
                        },
                        false,
                    )
                });
            }
        }
        if let Node::Mask { mask, offsets, .. } = nodes[0] {
            let parents: Option<Vec<ColVal>> = nodes
                .iter()
                .map(|n| match n {
                    // Only masks of gathered values (e.g. selected combinations): computing before a
                    // mask of plain objects would do work for the objects the mask drops.
                    Node::Mask {
                        data,
                        mask: m,
                        offsets: o,
                    } if *m == mask
                        && *o == offsets
                        && matches!(self.graph.nodes[*data], Node::Gather { .. }) =>
                    {
                        self.val_at(*data)
                    }
                    _ => None,
                })
                .collect();
            if let Some(p) = parents {
                let inner = self.p4_components([p[0], p[1], p[2], p[3]], form);
                return inner.map(|c| {
                    self.add(
                        Node::Mask {
                            data: c.node,
                            mask,
                            offsets,
                        },
                        Type::jagged(DType::F64),
                        false,
                    )
                });
            }
        }
        let [a, b, c, d] = f.map(|x| self.cast(x, DType::F64));
        match form {
            P4Form::Cartesian => [a, b, c, d],
            P4Form::PtEtaPhiM | P4Form::PtEtaPhiE => {
                let (pt, eta, phi) = (a, b, c);
                let cos = self.math1(Func1::Cos, phi);
                let sin = self.math1(Func1::Sin, phi);
                let sh = self.math1(Func1::Sinh, eta);
                let px = self.arith(ArithOp::Mul, pt, cos);
                let py = self.arith(ArithOp::Mul, pt, sin);
                let pz = self.arith(ArithOp::Mul, pt, sh);
                let e = if form == P4Form::PtEtaPhiM {
                    // E = sqrt(px² + py² + pz² + m²)
                    let p2 = self.sum_sq(&[px, py, pz, d]);
                    self.math1(Func1::Sqrt, p2)
                } else {
                    d
                };
                [px, py, pz, e]
            }
        }
    }

    fn sum_sq(&mut self, v: &[ColVal]) -> ColVal {
        let mut acc = self.arith(ArithOp::Mul, v[0], v[0]);
        for x in &v[1..] {
            let sq = self.arith(ArithOp::Mul, *x, *x);
            acc = self.arith(ArithOp::Add, acc, sq);
        }
        acc
    }

    fn p4_sum(&mut self, name: &str, args: &[&Expr], _span: Span) -> Result<Val> {
        let mut total: Option<[ColVal; 4]> = None;
        for a in args {
            let v = self.expr(a)?;
            let p = self.p4_of(&v, a.span)?;
            total = Some(match total {
                None => p,
                Some(t) => [0, 1, 2, 3].map(|i| self.arith(ArithOp::Add, t[i], p[i])),
            });
        }
        let [px, py, pz, e] = total.expect("arity checked");
        let out = match name {
            "mass" => {
                // m = sqrt(E² − px² − py² − pz²), NaN when negative.
                let e2 = self.arith(ArithOp::Mul, e, e);
                let mut acc = e2;
                for c in [px, py, pz] {
                    let sq = self.arith(ArithOp::Mul, c, c);
                    acc = self.arith(ArithOp::Sub, acc, sq);
                }
                self.math1(Func1::Sqrt, acc)
            }
            "pt" => {
                let s = self.sum_sq(&[px, py]);
                self.math1(Func1::Sqrt, s)
            }
            "eta" => {
                let s = self.sum_sq(&[px, py]);
                let pt = self.math1(Func1::Sqrt, s);
                let r = self.arith(ArithOp::Div, pz, pt);
                self.math1(Func1::Asinh, r)
            }
            "phi" => {
                let (a, b) = self.unify(py, px);
                self.elementwise(Node::Math2(Func2::Atan2, a.node, b.node), DType::F64, a, b)
            }
            _ => e,
        };
        Ok(Val::Col(out))
    }

    fn field_of(&mut self, v: &Val, names: &[&str], span: Span, func: &str) -> Result<ColVal> {
        if let Val::Rec(r) = v {
            for (n, f) in &r.fields {
                if let Val::Col(c) = f {
                    if names.iter().any(|x| x.eq_ignore_ascii_case(n)) {
                        return Ok(*c);
                    }
                }
            }
        }
        Err(Error::type_error(
            span,
            format!("`{func}` needs objects with a `{}` field", names[0]),
        ))
    }

    /// delta_phi, delta_r and mt, on two objects or on plain columns.
    fn pair_function(&mut self, name: &str, args: &[&Expr], span: Span) -> Result<Val> {
        let vals: Vec<Val> = args.iter().map(|a| self.expr(a)).collect::<Result<_>>()?;
        let objects = vals.len() == 2 && vals.iter().all(|v| matches!(v, Val::Rec(_)));
        let cols: Vec<ColVal> = if objects {
            let (a, b) = (&vals[0], &vals[1]);
            let (sa, sb) = (args[0].span, args[1].span);
            match name {
                "delta_phi" => vec![
                    self.field_of(a, &["phi"], sa, name)?,
                    self.field_of(b, &["phi"], sb, name)?,
                ],
                "delta_r" => vec![
                    self.field_of(a, &["eta"], sa, name)?,
                    self.field_of(a, &["phi"], sa, name)?,
                    self.field_of(b, &["eta"], sb, name)?,
                    self.field_of(b, &["phi"], sb, name)?,
                ],
                _ => vec![
                    self.field_of(a, &["pt", "et"], sa, name)?,
                    self.field_of(a, &["phi"], sa, name)?,
                    self.field_of(b, &["pt", "et"], sb, name)?,
                    self.field_of(b, &["phi"], sb, name)?,
                ],
            }
        } else {
            let want = if name == "delta_phi" { 2 } else { 4 };
            if vals.len() != want {
                let form = match name {
                    "delta_phi" => "delta_phi(a, b) on objects or delta_phi(phi1, phi2)",
                    "delta_r" => "delta_r(a, b) on objects or delta_r(eta1, phi1, eta2, phi2)",
                    _ => "mt(a, b) on objects or mt(pt1, phi1, pt2, phi2)",
                };
                return Err(Error::type_error(span, format!("`{name}` takes {form}")));
            }
            vals.into_iter()
                .zip(args)
                .map(|(v, a)| self.col(v, a.span, &format!("`{name}`")))
                .collect::<Result<_>>()?
        };
        // Like the other four-vector helpers, these compute in float64 (1 − cos Δφ cancels badly in float32).
        let cols: Vec<ColVal> = cols.into_iter().map(|c| self.cast(c, DType::F64)).collect();
        let dphi = |b: &mut Self, p1: ColVal, p2: ColVal| {
            // (a − b + π) mod 2π − π, in [−π, π).
            let d = b.arith(ArithOp::Sub, p1, p2);
            let pi = b.konst_f64(std::f64::consts::PI, DType::F64);
            let twopi = b.konst_f64(2.0 * std::f64::consts::PI, DType::F64);
            let s = b.arith(ArithOp::Add, d, pi);
            let m = b.arith(ArithOp::Mod, s, twopi);
            b.arith(ArithOp::Sub, m, pi)
        };
        let out = match name {
            "delta_phi" => dphi(self, cols[0], cols[1]),
            "delta_r" => {
                let (e1, e2) = (self.float_of(cols[0]), self.float_of(cols[2]));
                let deta = self.arith(ArithOp::Sub, e1, e2);
                let dp = dphi(self, cols[1], cols[3]);
                let s = self.sum_sq(&[deta, dp]);
                self.math1(Func1::Sqrt, s)
            }
            _ => {
                // mT = sqrt(2 pt1 pt2 (1 − cos Δφ))
                let dp = dphi(self, cols[1], cols[3]);
                let c = self.math1(Func1::Cos, dp);
                let one = self.konst_f64(1.0, DType::F64);
                let two = self.konst_f64(2.0, DType::F64);
                let omc = self.arith(ArithOp::Sub, one, c);
                let (p1, p2) = (self.float_of(cols[0]), self.float_of(cols[2]));
                let pp = self.arith(ArithOp::Mul, p1, p2);
                let pp2 = self.arith(ArithOp::Mul, two, pp);
                let x = self.arith(ArithOp::Mul, pp2, omc);
                self.math1(Func1::Sqrt, x)
            }
        };
        Ok(Val::Col(out))
    }

    /// `with(objects, field=expr, ...)` replaces or adds fields; `object(field=expr, ...)` builds objects.
    fn build_record(
        &mut self,
        name: &str,
        positional: &[&Expr],
        named: &[(&str, Span, &Expr)],
        span: Span,
    ) -> Result<Val> {
        let mut rec = if name == "with" {
            if positional.len() != 1 {
                return Err(Error::type_error(span, "`with` takes one collection and named fields, e.g. `with(Jet, pt=Jet_pt * 1.03)`"));
            }
            match self.expr(positional[0])? {
                Val::Rec(r) => r,
                Val::Col(_) => {
                    return Err(Error::type_error(
                        positional[0].span,
                        "`with` needs a collection or object",
                    ))
                }
            }
        } else {
            if !positional.is_empty() {
                return Err(Error::type_error(
                    span,
                    "`object` takes named fields only, e.g. `object(pt=MET_pt, phi=MET_phi)`",
                ));
            }
            if named.is_empty() {
                return Err(Error::type_error(span, "`object` needs at least one field"));
            }
            Rec {
                fields: Vec::new(),
                jagged: false,
            }
        };
        let mut first_jagged = None;
        for (i, (n, s, e)) in named.iter().enumerate() {
            let v = self.col_expr(e, &format!("field `{n}`"))?;
            if name == "object" && i == 0 {
                rec.jagged = v.ty.jagged;
                first_jagged = Some(v);
            }
            let v = if rec.jagged && !v.ty.jagged {
                let like = first_jagged.unwrap_or_else(|| self.structure(&Val::Rec(rec.clone())));
                self.broadcast(v, like)
            } else if !rec.jagged && v.ty.jagged {
                return Err(Error::type_error(
                    *s,
                    format!("field `{n}` is a list but the objects are one per event"),
                ));
            } else {
                v
            };
            match rec.fields.iter_mut().find(|(f, _)| f == n) {
                Some(slot) => slot.1 = Val::Col(v),
                None => rec.fields.push((n.to_string(), Val::Col(v))),
            }
        }
        Ok(Val::Rec(rec))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum P4Form {
    PtEtaPhiM,
    PtEtaPhiE,
    Cartesian,
}

fn bit_kernel(op: BinOp) -> ArithOp {
    match op {
        BinOp::BitAnd => ArithOp::BitAnd,
        BinOp::BitOr => ArithOp::BitOr,
        BinOp::BitXor => ArithOp::BitXor,
        BinOp::Shl => ArithOp::Shl,
        _ => ArithOp::Shr,
    }
}

/// One field of a record (the `index` of a combination member, else `pt`, else the first field).
fn leaf(v: &Val) -> ColVal {
    match v {
        Val::Col(c) => *c,
        Val::Rec(r) => {
            let pick = ["index", "pt"]
                .iter()
                .find_map(|want| r.fields.iter().find(|(n, _)| n == want))
                .unwrap_or(&r.fields[0]);
            leaf(&pick.1)
        }
    }
}

fn shape_of(v: &Val) -> Shape {
    match v {
        Val::Col(c) => Shape::Column(c.ty),
        Val::Rec(r) => Shape::Record {
            jagged: r.jagged,
            fields: r.fields.iter().map(|(n, _)| n.clone()).collect(),
        },
    }
}
