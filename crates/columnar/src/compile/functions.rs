//! Function calls: math, conversions, reductions, sorting, combinations, records.

use super::registry::{self, Call};
use super::*;

impl ProgramBuilder {
    /// Compiles a call of the function its [`FUNCTIONS`](super::registry::FUNCTIONS) entry names.
    pub(super) fn call(
        &mut self,
        name: &str,
        name_span: Span,
        args: &[Arg],
        span: Span,
    ) -> Result<Val> {
        let Some(function) = registry::function(name) else {
            let mut err = Error::new(
                ErrorKind::UnknownName,
                name_span,
                format!("unknown function `{name}`"),
            );
            err.hint = did_you_mean(name, registry::all_names());
            return Err(err);
        };
        let call = Call {
            name,
            positional: args
                .iter()
                .filter(|a| a.name.is_none())
                .map(|a| &a.value)
                .collect(),
            named: args
                .iter()
                .filter_map(|a| a.name.as_ref().map(|(n, s)| (n.as_str(), *s, &a.value)))
                .collect(),
            span,
        };
        function.compile(self, &call)
    }

    /// The only argument of a one-argument function, as a column.
    fn column_arg(&mut self, c: &Call, i: usize) -> Result<ColVal> {
        self.col_expr(c.positional[i], &format!("`{}`", c.name))
    }

    pub(super) fn math1_call(&mut self, c: &Call, f: Func1) -> Result<Val> {
        let v = self.column_arg(c, 0)?;
        Ok(Val::Col(self.math1(f, v)))
    }

    pub(super) fn cast_call(&mut self, c: &Call, to: DType) -> Result<Val> {
        let v = self.column_arg(c, 0)?;
        let mut r = self.cast(v, to);
        r.weak = false;
        Ok(Val::Col(r))
    }

    pub(super) fn abs(&mut self, c: &Call) -> Result<Val> {
        let v = self.column_arg(c, 0)?;
        let v = self.bool_to_int(v);
        let mut r = self.add(Node::Unary(UnaryKernel::Abs, v.node), v.ty, v.scalar);
        r.weak = v.weak;
        Ok(Val::Col(r))
    }

    pub(super) fn math2_call(&mut self, c: &Call, f: Func2) -> Result<Val> {
        let a = self.column_arg(c, 0)?;
        let b = self.column_arg(c, 1)?;
        let (a, b) = self.unify(a, b);
        let (a, b) = (self.float_of(a), self.float_of(b));
        let dt = a.ty.dtype;
        let mut r = self.elementwise(Node::Math2(f, a.node, b.node), dt, a, b);
        r.weak = false;
        Ok(Val::Col(r))
    }

    /// One per-event value repeated for every element of a list (e.g. an event weight per jet).
    pub(super) fn broadcast_call(&mut self, c: &Call) -> Result<Val> {
        let v = self.column_arg(c, 0)?;
        let target = self.expr(c.positional[1])?;
        let like = self.require_list(&target, c.positional[1].span, c.name)?;
        if v.ty.jagged {
            return Err(Error::type_error(
                c.positional[0].span,
                "`broadcast` repeats a per-event value; this is already a list",
            ));
        }
        let mut r = self.add(
            Node::Broadcast {
                value: v.node,
                like: like.node,
            },
            Type::jagged(v.ty.dtype),
            false,
        );
        r.weak = false;
        Ok(Val::Col(r))
    }

    /// ROOT's gaussian_quantile(p, sigma) = sigma * Φ⁻¹(p).
    pub(super) fn gaussian_quantile(&mut self, c: &Call) -> Result<Val> {
        let p = self.column_arg(c, 0)?;
        let sigma = self.column_arg(c, 1)?;
        let q = self.math1(Func1::NormalPpf, p);
        Ok(Val::Col(self.arith(ArithOp::Mul, sigma, q)))
    }

    pub(super) fn pow(&mut self, c: &Call) -> Result<Val> {
        let a = self.column_arg(c, 0)?;
        let b = self.column_arg(c, 1)?;
        let (sa, sb) = (c.positional[0].span, c.positional[1].span);
        self.binary(BinOp::Pow, a, b, sa, sb).map(Val::Col)
    }

    /// `min`/`max`: element-wise of two or more arguments, a reduction of one.
    pub(super) fn extreme(&mut self, c: &Call, op: ArithOp) -> Result<Val> {
        if c.positional.len() < 2 {
            return self.reduction(c.name, c.positional[0], c.named("per"));
        }
        let mut acc = self.column_arg(c, 0)?;
        for i in 1..c.positional.len() {
            let v = self.column_arg(c, i)?;
            let (a, v) = (self.bool_to_int(acc), self.bool_to_int(v));
            acc = self.arith(op, a, v);
        }
        Ok(Val::Col(acc))
    }

    pub(super) fn clip(&mut self, c: &Call) -> Result<Val> {
        let x = self.column_arg(c, 0)?;
        let lo = self.column_arg(c, 1)?;
        let hi = self.column_arg(c, 2)?;
        let m = self.arith(ArithOp::Max, x, lo);
        Ok(Val::Col(self.arith(ArithOp::Min, m, hi)))
    }

    pub(super) fn where_(&mut self, call: &Call) -> Result<Val> {
        let c = self.column_arg(call, 0)?;
        if c.ty.dtype != DType::Bool {
            return Err(Error::type_error(
                call.positional[0].span,
                format!("`where` needs a condition, found {}", c.ty),
            ));
        }
        let a = self.column_arg(call, 1)?;
        let b = self.column_arg(call, 2)?;
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

    /// `isnan`, `isfinite`, `isinf`.
    pub(super) fn test(&mut self, c: &Call, p: Predicate) -> Result<Val> {
        let v = self.column_arg(c, 0)?;
        let v = self.float_of(v);
        let ty = Type {
            dtype: DType::Bool,
            jagged: v.ty.jagged,
        };
        Ok(Val::Col(self.add(Node::Test(p, v.node), ty, v.scalar)))
    }

    pub(super) fn local_index(&mut self, c: &Call) -> Result<Val> {
        let v = self.expr(c.positional[0])?;
        let l = self.require_list(&v, c.positional[0].span, c.name)?;
        Ok(Val::Col(self.add(
            Node::LocalIndex(l.node),
            Type::jagged(DType::I64),
            false,
        )))
    }

    pub(super) fn argsort(&mut self, c: &Call) -> Result<Val> {
        let key = self.col_expr(c.positional[0], "`argsort`")?;
        self.require_list(&Val::Col(key), c.positional[0].span, c.name)?;
        let desc = self.flag(&c.named, "descending")?;
        Ok(Val::Col(self.add(
            Node::ArgSort {
                key: key.node,
                descending: desc,
            },
            Type::jagged(DType::I64),
            false,
        )))
    }

    pub(super) fn sort(&mut self, c: &Call) -> Result<Val> {
        let x = self.expr(c.positional[0])?;
        self.require_list(&x, c.positional[0].span, c.name)?;
        let key = match c.named("by") {
            Some(e) => self.col_expr(e, "`sort(by=...)`")?,
            None => match &x {
                Val::Col(col) => *col,
                Val::Rec(_) => {
                    return Err(
                        Error::type_error(c.span, "sorting a collection needs a key")
                            .with_hint("e.g. `sort(jets, by=jets.pt, descending=true)`"),
                    )
                }
            },
        };
        if !key.ty.jagged {
            return Err(Error::type_error(
                c.span,
                "the sort key must be a list with one value per object",
            ));
        }
        let desc = self.flag(&c.named, "descending")?;
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

    pub(super) fn combinations(&mut self, c: &Call) -> Result<Val> {
        let x = self.expr(c.positional[0])?;
        let like = self.require_list(&x, c.positional[0].span, c.name)?;
        let k =
            match c.positional[1].kind {
                ExprKind::Int(k) if (1..=8).contains(&k) => k as usize,
                _ => return Err(Error::type_error(
                    c.positional[1].span,
                    "the number of objects per combination must be an integer literal from 1 to 8",
                )),
            };
        let comb = self.graph.add(Node::Combinations { like: like.node, k });
        let members = vec![(x, like); k];
        Ok(self.tuples(comb, &members))
    }

    pub(super) fn cartesian(&mut self, c: &Call) -> Result<Val> {
        let mut members = Vec::new();
        for p in &c.positional {
            let x = self.expr(p)?;
            let like = self.require_list(&x, p.span, c.name)?;
            members.push((x, like));
        }
        let comb = self.graph.add(Node::Cartesian {
            a: members[0].1.node,
            b: members[1].1.node,
        });
        Ok(self.tuples(comb, &members))
    }

    /// The record of a combinations/cartesian node: member `s` (named `"s"`) is `members[s].0` gathered at
    /// the member's local indices, plus those indices as field `index`.
    pub(super) fn tuples(&mut self, comb: NodeId, members: &[(Val, ColVal)]) -> Val {
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

    pub(super) fn flag(&mut self, named: &[(&str, Span, &Expr)], key: &str) -> Result<bool> {
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

    pub(super) fn require_list(&mut self, v: &Val, span: Span, what: &str) -> Result<ColVal> {
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

    pub(super) fn reduction(&mut self, name: &str, arg: &Expr, per: Option<&Expr>) -> Result<Val> {
        // Aliases: `len` is awkward's `num`; `count_nonzero` counts true values like `count` of booleans.
        let name = match name {
            "len" => "num",
            "count_nonzero" => "count",
            n => n,
        };
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
            ("first" | "last", _) if l.ty.dtype == DType::Bool => (
                if name == "first" {
                    ReduceOp::First
                } else {
                    ReduceOp::Last
                },
                l,
                DType::Bool,
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
        let Some(per) = per else {
            return Ok(Val::Col(self.add(
                Node::Reduce(op, input.node),
                Type::flat(dtype),
                false,
            )));
        };
        // `per=pairs.0`: reduce the pairs of cartesian(a, b) that share their `a` (or with `.1`, their `b`),
        // giving one value per object of that collection.
        let member = self.expr(per)?;
        let slot_of = |b: &Self, v: &Val| -> Option<(NodeId, usize, NodeId, NodeId)> {
            let Val::Rec(r) = v else { return None };
            let (_, Val::Col(idx)) = r.fields.iter().find(|(n, _)| n == "index")? else {
                return None;
            };
            let Node::Slot { comb, slot } = b.graph.nodes[idx.node] else {
                return None;
            };
            match b.graph.nodes[comb] {
                Node::Cartesian { a, b: bb } => Some((comb, slot, a, bb)),
                _ => None,
            }
        };
        let Some((comb, slot, a, b)) = slot_of(self, &member) else {
            return Err(Error::type_error(
                per.span,
                "`per=` needs a member of a cartesian product",
            )
            .with_hint(
                "e.g. `p = cartesian(jets, leptons)` then `min(delta_r(p.0, p.1), per=p.0)`",
            ));
        };
        if self.list_of(input.node) != Some(ListId::Node(comb)) {
            return Err(Error::type_error(
                arg.span,
                "with `per=`, the reduced values must have one entry per pair of that cartesian product",
            ));
        }
        Ok(Val::Col(self.add(
            Node::GroupReduce {
                op,
                data: input.node,
                a,
                b,
                slot,
            },
            Type::jagged(dtype),
            false,
        )))
    }

    /// `with(objects, field=expr, ...)` replaces or adds fields; `object(field=expr, ...)` builds objects.
    pub(super) fn build_record(
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
