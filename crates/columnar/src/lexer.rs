//! Splits expression text into tokens with spans.

use crate::error::{Error, Result, Span};

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Int(i64),
    Float(f64),
    Ident(String),
    /// Operators and punctuation, e.g. `<=`, `(`, `.`.
    Sym(&'static str),
    /// A line break outside brackets (separates definitions).
    Newline,
    Eof,
}

#[derive(Clone, Debug)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

const SYMBOLS: [&str; 32] = [
    "**", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "+", "-", "*", "/", "%", "<", ">", "!",
    "~", "&", "|", "^", "(", ")", "[", "]", ",", ".", "=", ";", "{", "}", ":",
];

pub fn tokenize(src: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let bytes = src.as_bytes();
    let mut i = 0;
    let mut line = 1;
    let mut line_start = 0;
    let mut depth: i32 = 0;
    let span_at = |start: usize, end: usize, line: usize, line_start: usize| Span {
        start,
        end,
        line,
        column: src[line_start..start].chars().count() + 1,
    };
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'\n' {
            if depth == 0 {
                out.push(Token {
                    tok: Tok::Newline,
                    span: span_at(i, i + 1, line, line_start),
                });
            }
            i += 1;
            line += 1;
            line_start = i;
            continue;
        }
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'#' {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        let start = i;
        if c.is_ascii_digit() {
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'_') {
                i += 1;
            }
            let mut is_float = false;
            // A '.' is part of the number only if a digit follows (so `c.0.pt` lexes as fields).
            if i + 1 < bytes.len()
                && bytes[i] == b'.'
                && bytes[i + 1].is_ascii_digit()
                && !matches!(
                    out.last(),
                    Some(Token {
                        tok: Tok::Sym("."),
                        ..
                    })
                )
            {
                is_float = true;
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    is_float = true;
                    i = j;
                    while i < bytes.len() && bytes[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let text: String = src[start..i].chars().filter(|&ch| ch != '_').collect();
            let span = span_at(start, i, line, line_start);
            let tok = if is_float {
                Tok::Float(text.parse().map_err(|_| {
                    Error::syntax(span, format!("invalid number `{}`", &src[start..i]))
                })?)
            } else {
                Tok::Int(text.parse().map_err(|_| {
                    Error::syntax(span, format!("integer `{}` is too large", &src[start..i]))
                })?)
            };
            out.push(Token { tok, span });
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push(Token {
                tok: Tok::Ident(src[start..i].to_string()),
                span: span_at(start, i, line, line_start),
            });
            continue;
        }
        match SYMBOLS.iter().find(|s| src[i..].starts_with(*s)) {
            Some(s) => {
                match *s {
                    "(" | "[" | "{" => depth += 1,
                    ")" | "]" | "}" => depth -= 1,
                    _ => {}
                }
                i += s.len();
                out.push(Token {
                    tok: Tok::Sym(s),
                    span: span_at(start, i, line, line_start),
                });
            }
            None => {
                let ch = src[i..].chars().next().unwrap();
                let span = span_at(start, start + ch.len_utf8(), line, line_start);
                return Err(Error::syntax(span, format!("unexpected character `{ch}`")));
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        span: span_at(src.len(), src.len(), line, line_start),
    });
    Ok(out)
}
