//! Type checking and compilation: syntax tree → nodes of the kernel graph. Runs against a [`Schema`]
//! before any event is read; every error carries the span of the offending expression.

mod fourvec;
mod functions;
mod lists;
pub mod registry;

use lists::ListId;

use std::collections::HashMap;

use crate::ast::{Arg, BinOp, Definition, Expr, ExprKind, UnaryOp};
use crate::dtype::{DType, Promotion, Type};
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
    /// The offsets node standing for each distinct slice of a list (see `lists.rs`).
    slice_lists: HashMap<(ListId, Option<NodeId>, Option<NodeId>), NodeId>,
    list_conflict: Option<(ListId, ListId)>,
}

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
            slice_lists: HashMap::new(),
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

    /// The program computing only some of the outputs added so far (by their position among them, in
    /// the order given): the kernels the others alone need are left out.
    pub fn build_outputs(&self, which: &[usize]) -> Result<Program> {
        self.build_outputs_carrying(which, &[])
    }

    /// Whether computing outputs `which` needs the value of output `of` (by their positions among
    /// the outputs added so far).
    pub fn needs(&self, which: &[usize], of: usize) -> Result<bool> {
        let node = |i: usize| {
            self.outputs.get(i).map(|o| o.1).ok_or_else(|| {
                crate::kernels::internal(&format!(
                    "output {i} requested, {} defined",
                    self.outputs.len()
                ))
            })
        };
        let from = which.iter().map(|&i| node(i)).collect::<Result<Vec<_>>>()?;
        Ok(self.graph.reaches(&from, node(of)?))
    }

    /// Number of kernels output `i` takes to compute (its inputs and constants not counted).
    pub fn kernels_of(&self, i: usize) -> Option<usize> {
        self.outputs.get(i).map(|o| self.graph.kernels_under(o.1))
    }

    /// [`ProgramBuilder::build_outputs`] where the values of outputs `carried` (by position, with a
    /// column name) are read from the chunk's columns of those names instead of computed: a value
    /// an earlier program computed for the same events, carried along with them.
    pub fn build_outputs_carrying(
        &self,
        which: &[usize],
        carried: &[(usize, String)],
    ) -> Result<Program> {
        let outputs = which
            .iter()
            .map(|&i| {
                self.outputs.get(i).cloned().ok_or_else(|| {
                    crate::kernels::internal(&format!(
                        "output {i} requested, {} defined",
                        self.outputs.len()
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        if carried.is_empty() {
            return Ok(Program::new(&self.graph, outputs));
        }
        let inputs = carried
            .iter()
            .map(|(i, name)| {
                let (_, node, ty) = self.outputs.get(*i).ok_or_else(|| {
                    crate::kernels::internal(&format!("carried output {i} is not defined"))
                })?;
                Ok((*node, name.clone(), *ty))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Program::new(&self.graph.with_inputs(&inputs), outputs))
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
        // A weak integer literal that the column's integer type cannot hold (`run > -1` on uint32)
        // promotes like a strong int64, so the comparison stays true to the written value.
        let weak_fits = |lit: ColVal, col: DType| match self.graph.nodes[lit.node] {
            Node::Const {
                bits: ConstBits::Int(i),
                ..
            } if col.is_int() => int_fits(i, col),
            _ => true,
        };
        let dtype = match (a.weak, b.weak) {
            (true, false) if weak_fits(a, b.ty.dtype) => {
                DType::promote_weak(b.ty.dtype, a.ty.dtype)
            }
            (false, true) if weak_fits(b, a.ty.dtype) => {
                DType::promote_weak(a.ty.dtype, b.ty.dtype)
            }
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
            ExprKind::Slice { list, start, stop } => {
                let v = self.slice(list, start.as_deref(), stop.as_deref())?;
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
            registry::function(name)
                .is_some()
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
                    // Booleans stay booleans (false where missing); numbers become floats (NaN).
                    let f = if c.ty.dtype == DType::Bool {
                        c
                    } else {
                        b.float_of(c)
                    };
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

    /// `x[start:stop]`: a mask on the local index, so every field of a collection shares one selection.
    fn slice(&mut self, x: &Expr, start: Option<&Expr>, stop: Option<&Expr>) -> Result<Val> {
        let xv = self.expr(x)?;
        let jagged = match &xv {
            Val::Col(c) => c.ty.jagged,
            Val::Rec(r) => r.jagged,
        };
        if !jagged {
            return Err(Error::type_error(
                x.span,
                "only lists (per-object columns) can be sliced; this has one value per event",
            ));
        }
        let bound = |b: &mut Self, e: Option<&Expr>| -> Result<Option<NodeId>> {
            let Some(e) = e else { return Ok(None) };
            let v = b.col_expr(e, "a slice bound")?;
            if v.ty.jagged || !v.ty.dtype.is_int() {
                return Err(Error::type_error(
                    e.span,
                    format!(
                        "a slice bound must be one integer per event, found {}",
                        v.ty
                    ),
                )
                .with_hint("e.g. `lep_pt[:4]`, `jets[1:]`, `jets[:n_keep]`"));
            }
            Ok(Some(b.cast(v, DType::I64).node))
        };
        let start = bound(self, start)?;
        let stop = bound(self, stop)?;
        if start.is_none() && stop.is_none() {
            return Ok(xv);
        }
        let like = self.structure(&xv);
        let m = self.add(
            Node::SliceMask {
                like: like.node,
                start,
                stop,
            },
            Type::jagged(DType::Bool),
            false,
        );
        let offsets = self.graph.add(Node::MaskOffsets(m.node));
        Ok(self.map_leaves(
            &xv,
            &mut |b, c| {
                b.add(
                    Node::Mask {
                        data: c.node,
                        mask: m.node,
                        offsets,
                    },
                    c.ty,
                    false,
                )
            },
            true,
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
}

fn int_fits(i: i128, dtype: DType) -> bool {
    let (lo, hi): (i128, i128) = match dtype {
        DType::I8 => (i8::MIN as i128, i8::MAX as i128),
        DType::I16 => (i16::MIN as i128, i16::MAX as i128),
        DType::I32 => (i32::MIN as i128, i32::MAX as i128),
        DType::I64 => (i64::MIN as i128, i64::MAX as i128),
        DType::U8 => (0, u8::MAX as i128),
        DType::U16 => (0, u16::MAX as i128),
        DType::U32 => (0, u32::MAX as i128),
        DType::U64 => (0, u64::MAX as i128),
        _ => return true,
    };
    (lo..=hi).contains(&i)
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
