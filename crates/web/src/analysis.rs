//! One refill of the analyser panel: definitions, a variable, cuts applied in order, a weight; the filled
//! histogram and the cutflow. Expression errors name the field they are in and where, for inline display.

use crate::histogram::HistogramJson;
use serde::{Deserialize, Serialize};

/// What the page asks for (JSON from the analyser panel).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisRequest {
    /// Tree path in the file.
    pub tree: String,
    /// `name = expression` lines, as in an analysis file's `[definitions]`.
    #[serde(default)]
    pub definitions: String,
    /// The expression histogrammed; a list per event is flattened (each element filled with the event's
    /// weight).
    pub variable: String,
    /// One true/false per event, applied in order (the cutflow).
    #[serde(default)]
    pub cuts: Vec<Cut>,
    /// Per-event weight expression (1 when absent).
    #[serde(default)]
    pub weight: Option<String>,
    pub bins: usize,
    /// Range of the axis; the range of the selected values when absent.
    #[serde(default)]
    pub low: Option<f64>,
    #[serde(default)]
    pub high: Option<f64>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cut {
    pub name: String,
    /// The cut as the analysis file writes it.
    pub expression: String,
    /// The same cut as `(lhs) op value`, which a slider moves: `lhs` is evaluated once and kept, so a
    /// slider move compares numbers only (the page's refill budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<Compare>,
}

/// `(lhs) op value`, compared as ROOT and the expression language compare numbers (as f64; NaN
/// compares false, except with `!=`).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Compare {
    pub lhs: String,
    /// `>`, `>=`, `<`, `<=`, `==` or `!=`.
    pub op: String,
    pub value: f64,
}

impl Compare {
    /// Whether `x op value`, or `None` for an unknown operator.
    pub fn test(&self) -> Option<impl Fn(f64) -> bool> {
        let v = self.value;
        let f: fn(f64, f64) -> bool = match self.op.as_str() {
            ">" => |x, v| x > v,
            ">=" => |x, v| x >= v,
            "<" => |x, v| x < v,
            "<=" => |x, v| x <= v,
            "==" => |x, v| x == v,
            "!=" => |x, v| x != v,
            _ => return None,
        };
        Some(move |x| f(x, v))
    }
}

/// The answer: a filled histogram and a cutflow, or an error to show inline.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum AnalysisResult {
    Filled {
        histogram: HistogramJson,
        cutflow: Vec<CutflowStep>,
    },
    Failed {
        error: Box<ExpressionError>,
    },
}

/// Events left after one step (the first step is "all events").
#[derive(Debug, Serialize, PartialEq)]
pub struct CutflowStep {
    pub name: String,
    pub events: u64,
    pub weighted: f64,
}

/// An error and where it is: `field` is `definitions`, `variable`, `weight`, `cut N` (0-based) or `file`.
#[derive(Debug, Serialize, PartialEq)]
pub struct ExpressionError {
    pub field: String,
    pub message: String,
    /// Byte range in the field's text, 1-based line and column.
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub hint: Option<String>,
    /// The CLI's rendering: `field:LINE:COL: message`, the line and a caret.
    pub rendered: String,
}

impl ExpressionError {
    pub fn of(field: &str, source: &str, e: &hepkey_columnar::Error) -> Box<ExpressionError> {
        Box::new(ExpressionError {
            field: field.to_string(),
            message: e.message.clone(),
            start: e.span.map(|s| s.start),
            end: e.span.map(|s| s.end),
            line: e.span.map(|s| s.line),
            column: e.span.map(|s| s.column),
            hint: e.hint.clone(),
            rendered: e.render(source, field, 0),
        })
    }

    /// An error with no position (a read error, a bad range).
    pub fn plain(field: &str, message: impl Into<String>) -> Box<ExpressionError> {
        let message = message.into();
        Box::new(ExpressionError {
            field: field.to_string(),
            rendered: format!("{field}: {message}"),
            message,
            start: None,
            end: None,
            line: None,
            column: None,
            hint: None,
        })
    }
}
