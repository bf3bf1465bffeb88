//! Errors with source positions. Spans are byte ranges into the expression source plus its 1-based line
//! and column, so the analysis-file layer can shift them to its own file and line.

use std::fmt;

/// A region of the expression source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset one past the last character.
    pub end: usize,
    /// 1-based line of `start`.
    pub line: usize,
    /// 1-based column (in characters) of `start`.
    pub column: usize,
}

impl Span {
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        if other.end <= self.end {
            return self;
        }
        Span {
            end: other.end,
            ..self
        }
    }
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The text is not a valid expression.
    Syntax,
    /// A name that is neither a column, a collection, a definition nor a function.
    UnknownName,
    /// Operand types that an operation does not accept.
    Type,
    /// Bad input data (malformed offsets, a column missing from a chunk, lists of different lengths).
    Data,
}

/// An error of parsing, type checking or evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    /// Where in the source, for errors found before evaluation.
    pub span: Option<Span>,
    /// A suggestion, e.g. "did you mean `Jet_pt`?".
    pub hint: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn new(kind: ErrorKind, span: Span, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            span: Some(span),
            hint: None,
        }
    }

    pub(crate) fn syntax(span: Span, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Syntax, span, message)
    }

    pub(crate) fn type_error(span: Span, message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Type, span, message)
    }

    pub(crate) fn data(message: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Data,
            message: message.into(),
            span: None,
            hint: None,
        }
    }

    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// The error with its span moved to where the expression sits in an enclosing file: `line_offset`
    /// lines down, and `column_offset` columns right on the expression's first line (e.g. after
    /// `expr = "` in a TOML file). Byte offsets are left relative to the expression.
    pub fn shifted(mut self, line_offset: usize, column_offset: usize) -> Error {
        if let Some(s) = &mut self.span {
            if s.line == 1 {
                s.column += column_offset;
            }
            s.line += line_offset;
        }
        self
    }

    /// A multi-line message with the offending source line and a caret, e.g. for a terminal:
    /// `origin:LINE:COL: message`. Either pass the expression's own text and the line where it starts in
    /// `line_offset`, or pass the whole file as `source` with an error already [`Error::shifted`] and 0.
    pub fn render(&self, source: &str, origin: &str, line_offset: usize) -> String {
        let mut out = String::new();
        match self.span {
            Some(s) => {
                out.push_str(&format!(
                    "{origin}:{}:{}: {}",
                    s.line + line_offset,
                    s.column,
                    self.message
                ));
                if let Some(text) = source.lines().nth(s.line.saturating_sub(1)) {
                    // The span's byte length, counted in characters from its column on.
                    let bytes = s.end.saturating_sub(s.start);
                    let mut used = 0;
                    let width = text
                        .chars()
                        .skip(s.column - 1)
                        .take_while(|c| {
                            let inside = used < bytes;
                            used += c.len_utf8();
                            inside
                        })
                        .count()
                        .max(1);
                    out.push_str(&format!(
                        "\n  | {text}\n  | {}{}",
                        " ".repeat(s.column - 1),
                        "^".repeat(width)
                    ));
                }
            }
            None => out.push_str(&format!("{origin}: {}", self.message)),
        }
        if let Some(h) = &self.hint {
            out.push_str(&format!("\n  = hint: {h}"));
        }
        out
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(s) = self.span {
            write!(f, "line {}, column {}: ", s.line, s.column)?;
        }
        f.write_str(&self.message)?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// "did you mean" over a set of candidate names (Jaro-Winkler similarity, the closest above 0.8).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&lower, &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shifting_into_a_file() {
        let span = Span {
            start: 4,
            end: 7,
            line: 1,
            column: 5,
        };
        let e = Error::syntax(span, "x").shifted(9, 8);
        assert_eq!((e.span.unwrap().line, e.span.unwrap().column), (10, 13));
        let span = Span {
            line: 2,
            column: 3,
            ..span
        };
        let e = Error::syntax(span, "x").shifted(9, 8);
        assert_eq!((e.span.unwrap().line, e.span.unwrap().column), (11, 3));
        assert_eq!(e.to_string(), "line 11, column 3: x");
    }

    #[test]
    fn rendering_inside_a_file_with_non_ascii_text() {
        // The expression `pt > ε` sits after `cut = "` on line 2 of a file with a non-ASCII comment.
        let file = "# sélection — ε\ncut = \"pt > ε\"\n";
        let err = Error::syntax(
            Span {
                start: 5,
                end: 7,
                line: 1,
                column: 6,
            },
            "unexpected character `ε`",
        );
        let r = err.shifted(1, 7).render(file, "a.toml", 0);
        assert_eq!(
            r,
            "a.toml:2:13: unexpected character `ε`\n  | cut = \"pt > ε\"\n  |             ^"
        );
    }
}
