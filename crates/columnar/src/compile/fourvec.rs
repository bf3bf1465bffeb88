//! Four-vector helpers: sums of objects given by (pt, eta, phi, mass|E) or (px, py, pz, E), and the
//! pair functions delta_phi, delta_r, mt. All in float64.

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum P4Form {
    PtEtaPhiM,
    PtEtaPhiE,
    Cartesian,
}

impl ProgramBuilder {
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
                let gathered = inner.map(|c| {
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
                if matches!(
                    self.graph.nodes[positions],
                    Node::Positions { pick: true, .. }
                ) {
                    // One object per event (the best triplet's jets, `jets[0]`): its pz and E are
                    // computed on it, not on every object of the list (a sinh and a sqrt per jet
                    // for three jets used). px and py stay gathered: transverse keys (`pt` of
                    // combinations) have them per object already. The same arithmetic either way.
                    let transverse = Some([gathered[0], gathered[1]]);
                    return self.p4_from_fields(f, form, transverse);
                }
                return gathered;
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
        self.p4_from_fields(f, form, None)
    }

    /// (px, py, pz, E) in float64 computed from the fields themselves; px and py taken as given
    /// when `transverse` holds them (the same values, computed elsewhere).
    fn p4_from_fields(
        &mut self,
        f: [ColVal; 4],
        form: P4Form,
        transverse: Option<[ColVal; 2]>,
    ) -> [ColVal; 4] {
        let [a, b, c, d] = f.map(|x| self.cast(x, DType::F64));
        match form {
            P4Form::Cartesian => [a, b, c, d],
            P4Form::PtEtaPhiM | P4Form::PtEtaPhiE => {
                let (pt, eta, phi) = (a, b, c);
                let sh = self.math1(Func1::Sinh, eta);
                let [px, py] = match transverse {
                    Some(t) => t,
                    None => {
                        let cos = self.math1(Func1::Cos, phi);
                        let sin = self.math1(Func1::Sin, phi);
                        [
                            self.arith(ArithOp::Mul, pt, cos),
                            self.arith(ArithOp::Mul, pt, sin),
                        ]
                    }
                };
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

    pub(super) fn p4_sum(&mut self, name: &str, args: &[&Expr], _span: Span) -> Result<Val> {
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
    pub(super) fn pair_function(&mut self, name: &str, args: &[&Expr], span: Span) -> Result<Val> {
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
}
