//! Recursive-descent parser: text to [`Expr`] (one expression) or [`Definition`]s (a program text).
//!
//! Operator precedence, loosest first (bit operators bind tighter than comparisons, as in Python, so
//! `Jet_jetId & 4 != 0` means `(Jet_jetId & 4) != 0`):
//! `||` `or` · `&&` `and` · `not` · comparisons · `|` · `^` · `&` · `<<` `>>` · `+` `-` · `*` `/` `%` ·
//! unary `-` `!` `~` · `**` (right-associative) · postfix `f(...)`, `x[...]`, `x.field`.

use crate::ast::{Arg, BinOp, Definition, Expr, ExprKind, UnaryOp};
use crate::error::{Error, Result, Span};
use crate::lexer::{tokenize, Tok, Token};

/// Parses one expression (line breaks are allowed anywhere).
pub fn parse_expression(src: &str) -> Result<Expr> {
    let tokens: Vec<Token> = tokenize(src)?
        .into_iter()
        .filter(|t| t.tok != Tok::Newline)
        .collect();
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let e = p.expr()?;
    p.expect_end()?;
    check_tree_depth(&e)?;
    Ok(e)
}

/// Parses definitions `name = expression`, one per line (or separated by `;`); `#` starts a comment.
pub fn parse_definitions(src: &str) -> Result<Vec<Definition>> {
    let tokens = tokenize(src)?;
    let mut p = Parser {
        tokens,
        pos: 0,
        depth: 0,
    };
    let mut defs = Vec::new();
    loop {
        while matches!(p.peek(), Tok::Newline | Tok::Sym(";")) {
            p.pos += 1;
        }
        if *p.peek() == Tok::Eof {
            return Ok(defs);
        }
        let (name, name_span) = match p.next() {
            Token {
                tok: Tok::Ident(n),
                span,
            } => (n, span),
            t => {
                return Err(Error::syntax(
                    t.span,
                    "expected a definition `name = expression`",
                ))
            }
        };
        p.expect_sym("=")?;
        let expr = p.expr()?;
        check_tree_depth(&expr)?;
        defs.push(Definition {
            name,
            name_span,
            expr,
        });
        match p.peek() {
            Tok::Newline | Tok::Sym(";") | Tok::Eof => {}
            _ => {
                return Err(Error::syntax(
                    p.span(),
                    "expected the end of the line after the definition",
                ))
            }
        }
    }
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    /// Nesting depth, bounded so that hostile input cannot overflow the stack.
    depth: usize,
}

const MAX_DEPTH: usize = 64;
/// Operators chained at one level (`a + b + c ...`), which nest the tree as deeply as parentheses.
const MAX_CHAIN: usize = 256;
/// Depth of the whole tree, checked without recursion after parsing (compilation recurses over it).
const MAX_TREE_DEPTH: usize = 320;

fn check_tree_depth(e: &Expr) -> Result<()> {
    let mut stack = vec![(e, 1usize)];
    while let Some((e, d)) = stack.pop() {
        if d > MAX_TREE_DEPTH {
            return Err(Error::syntax(
                e.span,
                format!("expression nested more than {MAX_TREE_DEPTH} levels deep"),
            )
            .with_hint("split the expression into named definitions"));
        }
        match &e.kind {
            ExprKind::Unary(_, x) | ExprKind::Field(x, _, _) => stack.push((x, d + 1)),
            ExprKind::Binary(_, a, b) | ExprKind::Index(a, b) => {
                stack.push((a, d + 1));
                stack.push((b, d + 1));
            }
            ExprKind::Slice { list, start, stop } => {
                stack.push((list, d + 1));
                stack.extend(start.iter().chain(stop.iter()).map(|b| (&**b, d + 1)));
            }
            ExprKind::Call { args, .. } => stack.extend(args.iter().map(|a| (&a.value, d + 1))),
            _ => {}
        }
    }
    Ok(())
}

fn binop_of(tok: &Tok) -> Option<(BinOp, u8)> {
    let op = match tok {
        Tok::Sym("||") => (BinOp::Or, 1),
        Tok::Ident(s) if s == "or" => (BinOp::Or, 1),
        Tok::Sym("&&") => (BinOp::And, 2),
        Tok::Ident(s) if s == "and" => (BinOp::And, 2),
        Tok::Sym("==") => (BinOp::Eq, 4),
        Tok::Sym("!=") => (BinOp::Ne, 4),
        Tok::Sym("<") => (BinOp::Lt, 4),
        Tok::Sym("<=") => (BinOp::Le, 4),
        Tok::Sym(">") => (BinOp::Gt, 4),
        Tok::Sym(">=") => (BinOp::Ge, 4),
        Tok::Sym("|") => (BinOp::BitOr, 5),
        Tok::Sym("^") => (BinOp::BitXor, 6),
        Tok::Sym("&") => (BinOp::BitAnd, 7),
        Tok::Sym("<<") => (BinOp::Shl, 8),
        Tok::Sym(">>") => (BinOp::Shr, 8),
        Tok::Sym("+") => (BinOp::Add, 9),
        Tok::Sym("-") => (BinOp::Sub, 9),
        Tok::Sym("*") => (BinOp::Mul, 10),
        Tok::Sym("/") => (BinOp::Div, 10),
        Tok::Sym("%") => (BinOp::Mod, 10),
        _ => return None,
    };
    Some(op)
}

impl Parser {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn span(&self) -> Span {
        self.tokens[self.pos].span
    }

    fn next(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Int(i) => format!("`{i}`"),
            Tok::Float(f) => format!("`{f}`"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Sym(s) => format!("`{s}`"),
            Tok::Newline => "the end of the line".into(),
            Tok::Eof => "the end of the expression".into(),
        }
    }

    fn expect_sym(&mut self, s: &'static str) -> Result<Span> {
        if *self.peek() == Tok::Sym(s) {
            Ok(self.next().span)
        } else {
            Err(Error::syntax(
                self.span(),
                format!("expected `{s}`, found {}", Self::describe(self.peek())),
            ))
        }
    }

    fn expect_end(&mut self) -> Result<()> {
        if *self.peek() == Tok::Eof {
            Ok(())
        } else {
            let mut e = Error::syntax(
                self.span(),
                format!(
                    "unexpected {} after the expression",
                    Self::describe(self.peek())
                ),
            );
            if *self.peek() == Tok::Sym("=") {
                e = e.with_hint("use `==` to compare");
            }
            Err(e)
        }
    }

    fn expr(&mut self) -> Result<Expr> {
        self.binary(1)
    }

    /// Precedence climbing for binary operators of level >= `min`.
    fn binary(&mut self, min: u8) -> Result<Expr> {
        let mut lhs = if min <= 3 {
            self.not_expr()?
        } else {
            self.unary()?
        };
        let mut chained = 0;
        while let Some((op, level)) = binop_of(self.peek()) {
            if level < min {
                break;
            }
            chained += 1;
            if chained > MAX_CHAIN {
                return Err(Error::syntax(
                    self.span(),
                    format!("more than {MAX_CHAIN} operators in a row"),
                )
                .with_hint("split the expression into named definitions"));
            }
            self.next();
            let rhs = self.binary(level + 1)?;
            if op.is_comparison() {
                if let Some((next, 4)) = binop_of(self.peek()) {
                    return Err(Error::syntax(
                        self.span(),
                        format!(
                            "comparisons cannot be chained (`{}` after `{}`)",
                            next.symbol(),
                            op.symbol()
                        ),
                    )
                    .with_hint("combine them with `&&`, e.g. `a < x && x < b`"));
                }
            }
            let span = lhs.span.to(rhs.span);
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        Ok(lhs)
    }

    /// Python-style `not`, looser than comparisons.
    fn not_expr(&mut self) -> Result<Expr> {
        if matches!(self.peek(), Tok::Ident(s) if s == "not") {
            let span = self.next().span;
            let inner = self.not_expr()?;
            let span = span.to(inner.span);
            return Ok(Expr {
                kind: ExprKind::Unary(UnaryOp::Not, Box::new(inner)),
                span,
            });
        }
        self.binary(4)
    }

    fn unary(&mut self) -> Result<Expr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Error::syntax(
                self.span(),
                format!("expression nested more than {MAX_DEPTH} levels deep"),
            ));
        }
        let r = self.unary_inner();
        self.depth -= 1;
        r
    }

    fn unary_inner(&mut self) -> Result<Expr> {
        let op = match self.peek() {
            Tok::Sym("-") => Some(UnaryOp::Neg),
            Tok::Sym("!") => Some(UnaryOp::Not),
            Tok::Sym("~") => Some(UnaryOp::BitNot),
            Tok::Sym("+") => {
                self.next();
                return self.unary();
            }
            _ => None,
        };
        if let Some(op) = op {
            let span = self.next().span;
            let inner = self.unary()?;
            let span = span.to(inner.span);
            // Fold negative literals so `-2147483648`-style constants and `x[-1]` stay literals.
            let kind = match (op, &inner.kind) {
                (UnaryOp::Neg, ExprKind::Int(i)) => ExprKind::Int(-i),
                (UnaryOp::Neg, ExprKind::Float(f)) => ExprKind::Float(-f),
                _ => ExprKind::Unary(op, Box::new(inner)),
            };
            return Ok(Expr { kind, span });
        }
        self.power()
    }

    fn power(&mut self) -> Result<Expr> {
        let base = self.postfix()?;
        if *self.peek() == Tok::Sym("**") {
            self.next();
            let exp = self.unary()?;
            let span = base.span.to(exp.span);
            return Ok(Expr {
                kind: ExprKind::Binary(BinOp::Pow, Box::new(base), Box::new(exp)),
                span,
            });
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr> {
        let mut e = self.primary()?;
        loop {
            match self.peek() {
                Tok::Sym("[") => {
                    self.next();
                    let start = if *self.peek() == Tok::Sym(":") {
                        None
                    } else {
                        let idx = self.expr()?;
                        if *self.peek() != Tok::Sym(":") {
                            let end = self.expect_sym("]")?;
                            let span = e.span.to(end);
                            e = Expr {
                                kind: ExprKind::Index(Box::new(e), Box::new(idx)),
                                span,
                            };
                            continue;
                        }
                        Some(idx)
                    };
                    self.next();
                    let stop = match self.peek() {
                        Tok::Sym("]") | Tok::Sym(":") => None,
                        _ => Some(self.expr()?),
                    };
                    if *self.peek() == Tok::Sym(":") {
                        return Err(Error::syntax(self.span(), "slices take no step")
                            .with_hint("write `x[start:stop]`, `x[:stop]` or `x[start:]`"));
                    }
                    let end = self.expect_sym("]")?;
                    let span = e.span.to(end);
                    e = Expr {
                        kind: ExprKind::Slice {
                            list: Box::new(e),
                            start: start.map(Box::new),
                            stop: stop.map(Box::new),
                        },
                        span,
                    };
                }
                Tok::Sym(".") => {
                    self.next();
                    let t = self.next();
                    let name = match t.tok {
                        Tok::Ident(n) => n,
                        Tok::Int(i) => i.to_string(),
                        other => {
                            return Err(Error::syntax(
                                t.span,
                                format!(
                                    "expected a field name after `.`, found {}",
                                    Self::describe(&other)
                                ),
                            ))
                        }
                    };
                    let span = e.span.to(t.span);
                    e = Expr {
                        kind: ExprKind::Field(Box::new(e), name, t.span),
                        span,
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr> {
        let t = self.next();
        let kind = match t.tok {
            Tok::Int(i) => ExprKind::Int(i),
            Tok::Float(f) => ExprKind::Float(f),
            Tok::Ident(ref n) if n == "true" => ExprKind::Bool(true),
            Tok::Ident(ref n) if n == "false" => ExprKind::Bool(false),
            Tok::Ident(ref n) if matches!(n.as_str(), "and" | "or" | "not") => {
                return Err(Error::syntax(
                    t.span,
                    format!("expected an operand before `{n}`"),
                ))
            }
            Tok::Ident(n) => {
                if *self.peek() == Tok::Sym("(") {
                    return self.call(n, t.span);
                }
                ExprKind::Name(n)
            }
            Tok::Sym("(") => {
                let inner = self.expr()?;
                let end = self.expect_sym(")")?;
                return Ok(Expr {
                    kind: inner.kind,
                    span: t.span.to(end),
                });
            }
            other => {
                return Err(Error::syntax(
                    t.span,
                    format!("expected a value, found {}", Self::describe(&other)),
                ))
            }
        };
        Ok(Expr { kind, span: t.span })
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Expr> {
        self.expect_sym("(")?;
        let mut args = Vec::new();
        if *self.peek() != Tok::Sym(")") {
            loop {
                let named = match (self.peek(), self.tokens.get(self.pos + 1).map(|t| &t.tok)) {
                    (Tok::Ident(n), Some(Tok::Sym("="))) => Some((n.clone(), self.span())),
                    _ => None,
                };
                if named.is_some() {
                    self.pos += 2;
                }
                let value = self.expr()?;
                args.push(Arg { name: named, value });
                if *self.peek() == Tok::Sym(",") {
                    self.next();
                    if *self.peek() == Tok::Sym(")") {
                        break;
                    }
                    continue;
                }
                break;
            }
        }
        let end = self.expect_sym(")")?;
        Ok(Expr {
            kind: ExprKind::Call {
                name,
                name_span,
                args,
            },
            span: name_span.to(end),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(e: &Expr) -> String {
        match &e.kind {
            ExprKind::Int(i) => i.to_string(),
            ExprKind::Float(f) => format!("{f:?}"),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Name(n) => n.clone(),
            ExprKind::Unary(op, x) => format!("({op:?} {})", show(x)),
            ExprKind::Binary(op, a, b) => format!("({} {} {})", show(a), op.symbol(), show(b)),
            ExprKind::Call { name, args, .. } => format!(
                "{name}({})",
                args.iter()
                    .map(|a| match &a.name {
                        Some((n, _)) => format!("{n}={}", show(&a.value)),
                        None => show(&a.value),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExprKind::Index(x, i) => format!("{}[{}]", show(x), show(i)),
            ExprKind::Slice { list, start, stop } => format!(
                "{}[{}:{}]",
                show(list),
                start.as_ref().map_or(String::new(), |b| show(b)),
                stop.as_ref().map_or(String::new(), |b| show(b))
            ),
            ExprKind::Field(x, f, _) => format!("{}.{f}", show(x)),
        }
    }

    fn p(s: &str) -> String {
        show(&parse_expression(s).unwrap())
    }

    #[test]
    fn precedence() {
        assert_eq!(p("a + b * c ** 2"), "(a + (b * (c ** 2)))");
        assert_eq!(p("-x ** 2"), "(Neg (x ** 2))");
        assert_eq!(p("x & 4 != 0"), "((x & 4) != 0)");
        assert_eq!(p("a < 1 || b > 2 && c"), "((a < 1) || ((b > 2) && c))");
        assert_eq!(p("not a == b and c"), "((Not (a == b)) && c)");
        assert_eq!(p("!a && b"), "((Not a) && b)");
        assert_eq!(p("2 ** 3 ** 2"), "(2 ** (3 ** 2))");
        assert_eq!(p("a - b - c"), "((a - b) - c)");
    }

    #[test]
    fn postfix_and_calls() {
        assert_eq!(p("Jet[Jet_pt > 30].pt"), "Jet[(Jet_pt > 30)].pt");
        assert_eq!(p("c.0.pt + c.12.eta"), "(c.0.pt + c.12.eta)");
        assert_eq!(
            p("sort(j, by=j.pt, descending=true,)"),
            "sort(j, by=j.pt, descending=true)"
        );
        assert_eq!(p("x[-1]"), "x[-1]");
        assert_eq!(p("x[:4]"), "x[:4]");
        assert_eq!(p("x[1:]"), "x[1:]");
        assert_eq!(p("x[:]"), "x[:]");
        assert_eq!(p("jets[n - 1:-1].pt"), "jets[(n - 1):-1].pt");
        assert!(parse_expression("x[1:2:3]")
            .unwrap_err()
            .message
            .contains("step"));
        assert!(parse_expression("x[1:2").is_err());
        assert_eq!(p("1.5e3 + 2E-2 + 1_000"), "((1500.0 + 0.02) + 1000)");
    }

    #[test]
    fn spans_and_errors() {
        let e = parse_expression("a +\n  * b").unwrap_err();
        assert_eq!((e.span.unwrap().line, e.span.unwrap().column), (2, 3));
        let e = parse_expression("a < b < c").unwrap_err();
        assert!(e.message.contains("chained"), "{e}");
        let e = parse_expression("a = b").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("use `==` to compare"));
        let e = parse_expression("f(a b)").unwrap_err();
        assert_eq!(e.span.unwrap().column, 5);
        let e = parse_expression("x $ y").unwrap_err();
        assert!(e.message.contains('$'));
        let x = parse_expression("  foo").unwrap();
        assert_eq!((x.span.start, x.span.end, x.span.column), (2, 5, 3));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}x{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse_expression(&deep)
            .unwrap_err()
            .message
            .contains("nested"));
        let minus = format!("{}x", "-".repeat(5000));
        assert!(parse_expression(&minus).is_err());
        let long = format!("x{}", " + x".repeat(5000));
        assert!(parse_expression(&long)
            .unwrap_err()
            .message
            .contains("in a row"));
        let nested = format!("{}x{}", "(x + ".repeat(60), " + x)".repeat(60));
        let nested = format!("{nested}{}", " + x".repeat(250));
        assert!(parse_expression(&nested)
            .unwrap_err()
            .message
            .contains("levels deep"));
    }

    #[test]
    fn definitions() {
        let d = parse_definitions("# jets\njets = Jet[Jet_pt > 30 &&\n   abs(Jet_eta) < 2.4]\nHT = sum(jets.pt); n = count(jets)\n").unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d[0].name, "jets");
        assert_eq!(d[1].name, "HT");
        assert_eq!(d[1].name_span.line, 4);
        assert_eq!(d[2].name_span.column, 20);
        assert!(parse_definitions("x = 1 2").is_err());
    }
}
