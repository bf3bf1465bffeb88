//! Every function of the expression language, in one table: its name and aliases, the arguments
//! it takes, a one-line description, and how a call compiles. Compilation, "did you mean" hints
//! and the documentation's function list (checked by `tests/functions.rs` against README.md)
//! all come from [`FUNCTIONS`]; a new function is one entry here.

use super::*;

/// A call being compiled: its arguments split into positional and named ones.
pub(super) struct Call<'a> {
    /// As written (an alias too), for messages.
    pub name: &'a str,
    pub positional: Vec<&'a Expr>,
    pub named: Vec<(&'a str, Span, &'a Expr)>,
    pub span: Span,
}

impl Call<'_> {
    /// The named argument `key`, if given.
    pub fn named(&self, key: &str) -> Option<&Expr> {
        self.named
            .iter()
            .find(|(n, _, _)| *n == key)
            .map(|(_, _, e)| *e)
    }
}

/// How many positional arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arity {
    /// From the first number to the second (`usize::MAX`: no upper bound).
    Between(usize, usize),
    /// Depends on what the arguments are (two objects or four columns): checked while compiling.
    ByKind,
}

/// The named arguments a function takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    Only(&'static [&'static str]),
    /// Any name: each names a field of the record built (`with`, `object`).
    Fields,
}

/// One function of the expression language.
pub struct Function {
    pub name: &'static str,
    /// Other names for it (numpy's, awkward's or ROOT's spelling).
    pub aliases: &'static [&'static str],
    pub arity: Arity,
    pub named: Named,
    /// What it computes, in a few words.
    pub summary: &'static str,
    compile: fn(&mut ProgramBuilder, &Call) -> Result<Val>,
}

impl Function {
    /// The name and the aliases.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        std::iter::once(self.name).chain(self.aliases.iter().copied())
    }

    /// Compiles a call after checking its arguments against the entry.
    pub(super) fn compile(&self, b: &mut ProgramBuilder, call: &Call) -> Result<Val> {
        if let Named::Only(allowed) = self.named {
            if let Some((n, s, _)) = call.named.iter().find(|(n, _, _)| !allowed.contains(n)) {
                return Err(Error::syntax(
                    *s,
                    format!("`{}` has no argument named `{n}`", call.name),
                ));
            }
        }
        if let Arity::Between(lo, hi) = self.arity {
            let found = call.positional.len();
            if found < lo || found > hi {
                let want = if lo == hi {
                    format!("{lo}")
                } else if hi == usize::MAX {
                    format!("at least {lo}")
                } else {
                    format!("{lo} to {hi}")
                };
                return Err(Error::type_error(
                    call.span,
                    format!("`{}` takes {want} argument(s), found {found}", call.name),
                ));
            }
        }
        (self.compile)(b, call)
    }
}

/// The function called `name` (or one of its aliases).
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.names().any(|n| n == name))
}

/// Every name a function can be called by.
pub(super) fn all_names() -> impl Iterator<Item = &'static str> {
    FUNCTIONS.iter().flat_map(Function::names)
}

const ONE: Arity = Arity::Between(1, 1);
const TWO: Arity = Arity::Between(2, 2);
const THREE: Arity = Arity::Between(3, 3);
const NONE: Named = Named::Only(&[]);
const PER: Named = Named::Only(&["per"]);

/// An element-wise math function of one argument.
const fn math(
    name: &'static str,
    aliases: &'static [&'static str],
    compile: fn(&mut ProgramBuilder, &Call) -> Result<Val>,
) -> Function {
    Function {
        name,
        aliases,
        arity: ONE,
        named: NONE,
        summary: "element-wise; float32 stays float32, integers give float64",
        compile,
    }
}

/// A conversion to an element type.
const fn cast(
    name: &'static str,
    compile: fn(&mut ProgramBuilder, &Call) -> Result<Val>,
) -> Function {
    Function {
        name,
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary:
            "conversion (float to int truncates toward zero, int to int wraps, to bool is != 0)",
        compile,
    }
}

/// A reduction of a list per event (or, with `per=`, per object of a cartesian pair).
const fn reduction(
    name: &'static str,
    aliases: &'static [&'static str],
    summary: &'static str,
) -> Function {
    Function {
        name,
        aliases,
        arity: ONE,
        named: PER,
        summary,
        compile: |b, c| b.reduction(c.name, c.positional[0], c.named("per")),
    }
}

/// Every function, in the order of the documentation.
pub static FUNCTIONS: &[Function] = &[
    Function {
        name: "abs",
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary: "absolute value, element-wise (integers stay integers)",
        compile: |b, c| b.abs(c),
    },
    math("sqrt", &[], |b, c| b.math1_call(c, Func1::Sqrt)),
    math("exp", &[], |b, c| b.math1_call(c, Func1::Exp)),
    math("log", &[], |b, c| b.math1_call(c, Func1::Log)),
    math("log10", &[], |b, c| b.math1_call(c, Func1::Log10)),
    math("log2", &[], |b, c| b.math1_call(c, Func1::Log2)),
    math("log1p", &[], |b, c| b.math1_call(c, Func1::Log1p)),
    math("expm1", &[], |b, c| b.math1_call(c, Func1::Expm1)),
    math("sin", &[], |b, c| b.math1_call(c, Func1::Sin)),
    math("cos", &[], |b, c| b.math1_call(c, Func1::Cos)),
    math("tan", &[], |b, c| b.math1_call(c, Func1::Tan)),
    math("asin", &["arcsin"], |b, c| b.math1_call(c, Func1::Asin)),
    math("acos", &["arccos"], |b, c| b.math1_call(c, Func1::Acos)),
    math("atan", &["arctan"], |b, c| b.math1_call(c, Func1::Atan)),
    math("sinh", &[], |b, c| b.math1_call(c, Func1::Sinh)),
    math("cosh", &[], |b, c| b.math1_call(c, Func1::Cosh)),
    math("tanh", &[], |b, c| b.math1_call(c, Func1::Tanh)),
    math("asinh", &["arcsinh"], |b, c| b.math1_call(c, Func1::Asinh)),
    math("acosh", &["arccosh"], |b, c| b.math1_call(c, Func1::Acosh)),
    math("atanh", &["arctanh"], |b, c| b.math1_call(c, Func1::Atanh)),
    math("floor", &[], |b, c| b.math1_call(c, Func1::Floor)),
    math("ceil", &[], |b, c| b.math1_call(c, Func1::Ceil)),
    math("round", &[], |b, c| b.math1_call(c, Func1::Round)),
    math("trunc", &[], |b, c| b.math1_call(c, Func1::Trunc)),
    Function {
        name: "normal_ppf",
        aliases: &["ndtri"],
        arity: ONE,
        named: NONE,
        summary: "standard normal quantile",
        compile: |b, c| b.math1_call(c, Func1::NormalPpf),
    },
    Function {
        name: "gaussian_quantile",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "sigma * normal_ppf(p) (ROOT's name)",
        compile: |b, c| b.gaussian_quantile(c),
    },
    Function {
        name: "atan2",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "element-wise atan(y / x) in the right quadrant",
        compile: |b, c| b.math2_call(c, Func2::Atan2),
    },
    Function {
        name: "hypot",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "element-wise sqrt(a² + b²)",
        compile: |b, c| b.math2_call(c, Func2::Hypot),
    },
    Function {
        name: "pow",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "element-wise a ** b",
        compile: |b, c| b.pow(c),
    },
    Function {
        name: "min",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: PER,
        summary: "element-wise with two or more arguments; of a list per event with one",
        compile: |b, c| b.extreme(c, ArithOp::Min),
    },
    Function {
        name: "max",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: PER,
        summary: "element-wise with two or more arguments; of a list per event with one",
        compile: |b, c| b.extreme(c, ArithOp::Max),
    },
    Function {
        name: "clip",
        aliases: &[],
        arity: THREE,
        named: NONE,
        summary: "min(max(x, lo), hi)",
        compile: |b, c| b.clip(c),
    },
    Function {
        name: "where",
        aliases: &[],
        arity: THREE,
        named: NONE,
        summary: "element-wise choice",
        compile: |b, c| b.where_(c),
    },
    Function {
        name: "isnan",
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary: "whether a value is NaN",
        compile: |b, c| b.test(c, Predicate::IsNan),
    },
    Function {
        name: "isfinite",
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary: "whether a value is finite",
        compile: |b, c| b.test(c, Predicate::IsFinite),
    },
    Function {
        name: "isinf",
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary: "whether a value is infinite",
        compile: |b, c| b.test(c, Predicate::IsInf),
    },
    reduction("sum", &[], "sum per event"),
    reduction("prod", &[], "product per event"),
    reduction(
        "count",
        &[],
        "number of elements; of a boolean list, of true values",
    ),
    reduction("num", &["len"], "number of elements"),
    reduction("count_nonzero", &[], "number of true values"),
    reduction("any", &[], "whether any value is true"),
    reduction("all", &[], "whether every value is true"),
    reduction("first", &[], "the first element, as x[0]"),
    reduction("last", &[], "the last element, as x[-1]"),
    reduction("mean", &[], "mean per event"),
    reduction("argmin", &[], "local index of the first minimum"),
    reduction("argmax", &[], "local index of the first maximum"),
    Function {
        name: "local_index",
        aliases: &[],
        arity: ONE,
        named: NONE,
        summary: "0 … n-1 per event",
        compile: |b, c| b.local_index(c),
    },
    Function {
        name: "broadcast",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "a per-event value repeated for each element of a list",
        compile: |b, c| b.broadcast_call(c),
    },
    Function {
        name: "argsort",
        aliases: &[],
        arity: ONE,
        named: Named::Only(&["descending"]),
        summary: "stable sorting order of a list",
        compile: |b, c| b.argsort(c),
    },
    Function {
        name: "sort",
        aliases: &[],
        arity: ONE,
        named: Named::Only(&["by", "descending"]),
        summary: "a sorted list, or collection sorted by a key",
        compile: |b, c| b.sort(c),
    },
    Function {
        name: "combinations",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "every choice of k objects of a collection",
        compile: |b, c| b.combinations(c),
    },
    Function {
        name: "cartesian",
        aliases: &[],
        arity: TWO,
        named: NONE,
        summary: "every pair of an object of a and one of b",
        compile: |b, c| b.cartesian(c),
    },
    Function {
        name: "mass",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: NONE,
        summary: "invariant mass of the objects' four-vector sum",
        compile: |b, c| b.p4_sum("mass", &c.positional, c.span),
    },
    Function {
        name: "pt",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: NONE,
        summary: "transverse momentum of the objects' four-vector sum",
        compile: |b, c| b.p4_sum("pt", &c.positional, c.span),
    },
    Function {
        name: "eta",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: NONE,
        summary: "pseudorapidity of the objects' four-vector sum",
        compile: |b, c| b.p4_sum("eta", &c.positional, c.span),
    },
    Function {
        name: "phi",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: NONE,
        summary: "azimuth of the objects' four-vector sum",
        compile: |b, c| b.p4_sum("phi", &c.positional, c.span),
    },
    Function {
        name: "energy",
        aliases: &[],
        arity: Arity::Between(1, usize::MAX),
        named: NONE,
        summary: "energy of the objects' four-vector sum",
        compile: |b, c| b.p4_sum("energy", &c.positional, c.span),
    },
    Function {
        name: "delta_phi",
        aliases: &[],
        arity: Arity::ByKind,
        named: NONE,
        summary: "azimuthal difference of two objects or two angles, in [-π, π)",
        compile: |b, c| b.pair_function("delta_phi", &c.positional, c.span),
    },
    Function {
        name: "delta_r",
        aliases: &[],
        arity: Arity::ByKind,
        named: NONE,
        summary: "ΔR of two objects or of (eta1, phi1, eta2, phi2)",
        compile: |b, c| b.pair_function("delta_r", &c.positional, c.span),
    },
    Function {
        name: "mt",
        aliases: &[],
        arity: Arity::ByKind,
        named: NONE,
        summary: "transverse mass of two objects or of (pt1, phi1, pt2, phi2)",
        compile: |b, c| b.pair_function("mt", &c.positional, c.span),
    },
    Function {
        name: "with",
        aliases: &[],
        arity: Arity::ByKind,
        named: Named::Fields,
        summary: "a collection with fields replaced or added",
        compile: |b, c| b.build_record("with", &c.positional, &c.named, c.span),
    },
    Function {
        name: "object",
        aliases: &[],
        arity: Arity::ByKind,
        named: Named::Fields,
        summary: "objects built from columns",
        compile: |b, c| b.build_record("object", &c.positional, &c.named, c.span),
    },
    cast("float32", |b, c| b.cast_call(c, DType::F32)),
    cast("float64", |b, c| b.cast_call(c, DType::F64)),
    cast("float", |b, c| b.cast_call(c, DType::F64)),
    cast("int8", |b, c| b.cast_call(c, DType::I8)),
    cast("int16", |b, c| b.cast_call(c, DType::I16)),
    cast("int32", |b, c| b.cast_call(c, DType::I32)),
    cast("int64", |b, c| b.cast_call(c, DType::I64)),
    cast("int", |b, c| b.cast_call(c, DType::I64)),
    cast("uint8", |b, c| b.cast_call(c, DType::U8)),
    cast("uint16", |b, c| b.cast_call(c, DType::U16)),
    cast("uint32", |b, c| b.cast_call(c, DType::U32)),
    cast("uint64", |b, c| b.cast_call(c, DType::U64)),
    cast("bool", |b, c| b.cast_call(c, DType::Bool)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = all_names().collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "a name is listed twice");
    }
}
