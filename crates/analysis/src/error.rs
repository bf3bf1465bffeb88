//! Errors of the analysis layer, and where in the analysis file they are.

use crate::config::Expr;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something is wrong with the analysis file, its inputs or the run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A problem in the analysis file, already rendered with file, line and column.
    #[error("{0}")]
    Config(String),
    /// Reading an input failed.
    #[error(transparent)]
    Root(#[from] hepkey_root::Error),
    /// Evaluating expressions on data failed.
    #[error("{0}")]
    Data(String),
    /// Writing outputs failed.
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The text of the analysis file, to point at expressions inside it.
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

impl SourceFile {
    /// Where the content of a TOML string starts: after its opening quotes
    /// (and the newline that may follow `"""`).
    fn content_start(&self, expr: &Expr) -> usize {
        let start = expr.span().start.min(self.text.len());
        let rest = &self.text[start..];
        let skip = if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let after = &rest[3..];
            3 + if after.starts_with("\r\n") {
                2
            } else if after.starts_with('\n') {
                1
            } else {
                0
            }
        } else if rest.starts_with('"') || rest.starts_with('\'') {
            1
        } else {
            0
        };
        start + skip
    }

    /// 1-based line and column of a byte offset.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// Renders an expression error at its place in the file, with the line
    /// and a caret under the culprit.
    pub fn expression_error(&self, expr: &Expr, what: &str, e: &hepkey_columnar::Error) -> Error {
        let base = self.content_start(expr);
        let (line0, col0) = self.line_col(base);
        let (line, col, width) = match e.span {
            Some(s) => {
                let line = line0 + s.line - 1;
                let col = if s.line == 1 {
                    col0 + s.column - 1
                } else {
                    s.column
                };
                let width = expr.get_ref()
                    [s.start.min(expr.get_ref().len())..s.end.min(expr.get_ref().len())]
                    .lines()
                    .next()
                    .map_or(1, |t| t.chars().count().max(1));
                (line, col, width)
            }
            None => (line0, col0, 1),
        };
        let mut msg = format!("{}:{line}:{col}: {what}: {}", self.path, e.message);
        if let Some(text) = self.text.lines().nth(line - 1) {
            msg.push_str(&format!(
                "\n  | {text}\n  | {}{}",
                " ".repeat(col - 1),
                "^".repeat(width)
            ));
        }
        if let Some(h) = &e.hint {
            msg.push_str(&format!("\n  = hint: {h}"));
        }
        Error::Config(msg)
    }

    /// A problem with a setting at a place in the file.
    pub fn error_at(&self, expr: &Expr, msg: impl std::fmt::Display) -> Error {
        let (line, col) = self.line_col(self.content_start(expr));
        Error::Config(format!("{}:{line}:{col}: {msg}", self.path))
    }
}
