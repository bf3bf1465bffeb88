//! An open file in the page: the reader over its bytes, and the columns already decoded, kept so that
//! moving a cut slider re-evaluates expressions without reading the file again.

use crate::analysis::{AnalysisRequest, AnalysisResult, Cut, CutflowStep, ExpressionError};
use crate::contents::{self, Object};
use crate::histogram::{self, HistogramJson};
use hepkey_columnar::{Chunk, Column, DType, Offsets, ProgramBuilder, Schema, Type};
use hepkey_root::source::MemorySource;
use hepkey_root::{RootFile, Tree};
use std::collections::HashMap;
use std::sync::Arc;

/// A ROOT file opened from bytes.
pub struct Session {
    file: RootFile,
    trees: HashMap<String, OpenTree>,
}

struct OpenTree {
    tree: Tree,
    schema: Schema,
    /// Decoded columns by branch name.
    columns: HashMap<String, Column>,
    /// Offsets already seen, so that branches of one collection share theirs.
    seen: Vec<Offsets>,
    /// Evaluated expressions by definitions and expression text: a moved slider re-evaluates its cut
    /// only.
    results: HashMap<String, Column>,
}

/// Evaluated expressions kept per tree (each one column over every event).
const MAX_KEPT_RESULTS: usize = 64;

impl Session {
    /// Opens a file from its bytes; `name` appears in error messages.
    pub fn open(name: &str, bytes: Vec<u8>) -> Result<Session, String> {
        let source = Arc::new(MemorySource::new(name, bytes));
        let file = RootFile::from_source(source).map_err(|e| e.to_string())?;
        Ok(Session {
            file,
            trees: HashMap::new(),
        })
    }

    /// Every object of the file.
    pub fn contents(&self) -> Result<Vec<Object>, String> {
        contents::list(&self.file).map_err(|e| e.to_string())
    }

    /// A TH1/TH2/TProfile by path.
    pub fn histogram(&self, path: &str) -> Result<HistogramJson, String> {
        let h = hepkey_root::read_histogram(&self.file, path).map_err(|e| e.to_string())?;
        Ok(histogram::from_root(&h))
    }

    /// Fills the request's histogram over the tree and counts the cutflow.
    pub fn analyse(&mut self, request: &AnalysisRequest) -> AnalysisResult {
        match self.fill(request, 1.0) {
            Ok((h, cutflow)) => AnalysisResult::Filled {
                histogram: histogram::from_hist(&request.variable, &request.variable, &h),
                cutflow,
            },
            Err(error) => AnalysisResult::Failed { error },
        }
    }

    /// Entries of a tree (for `sum_weights = "entries"`).
    pub fn entries(&mut self, tree: &str) -> Result<u64, String> {
        Ok(self.open_tree(tree)?.tree.entries())
    }

    fn open_tree(&mut self, path: &str) -> Result<&mut OpenTree, String> {
        if !self.trees.contains_key(path) {
            let tree = Tree::open(&self.file, path).map_err(|e| e.to_string())?;
            let mut schema = Schema::new();
            for (name, dtype, jagged) in tree.numeric_columns() {
                let ty = if jagged {
                    Type::jagged(dtype)
                } else {
                    Type::flat(dtype)
                };
                schema.insert(name, ty);
            }
            let open = OpenTree {
                tree,
                schema,
                columns: HashMap::new(),
                seen: Vec::new(),
                results: HashMap::new(),
            };
            self.trees.insert(path.to_string(), open);
        }
        Ok(self.trees.get_mut(path).expect("inserted above"))
    }

    /// Fills the request's histogram, each event weighted by `scale` × the weight expression (a sample's
    /// normalisation, as `hepkey run` weights it), and counts the cutflow.
    pub fn fill(
        &mut self,
        r: &AnalysisRequest,
        scale: f64,
    ) -> Result<(hepkey_hist::Hist1D, Vec<CutflowStep>), Box<ExpressionError>> {
        if r.bins == 0 || r.bins > 100_000 {
            return Err(ExpressionError::plain(
                "bins",
                format!("{} bins: choose between 1 and 100000", r.bins),
            ));
        }
        let open = self
            .open_tree(&r.tree)
            .map_err(|e| ExpressionError::plain("tree", e))?;

        let mut b = ProgramBuilder::new(open.schema.clone());
        b.define_all(&r.definitions)
            .map_err(|e| ExpressionError::of("definitions", &r.definitions, &e))?;
        b.output("variable", &r.variable)
            .map_err(|e| ExpressionError::of("variable", &r.variable, &e))?;
        for (i, cut) in r.cuts.iter().enumerate() {
            let field = format!("cut {i}");
            let source = cut_source(cut);
            let ty = b
                .output(&field, source)
                .map_err(|e| ExpressionError::of(&field, source, &e))?;
            let ok = match &cut.compare {
                Some(c) => !ty.jagged && c.test().is_some(),
                None => !ty.jagged && ty.dtype == DType::Bool,
            };
            if !ok {
                let what = match &cut.compare {
                    Some(c) => format!("`{}` {} must compare one number per event", c.lhs, c.op),
                    None => "must be one true/false per event".to_string(),
                };
                return Err(ExpressionError::plain(
                    &field,
                    format!("cut `{}` {what}, not {ty}", cut.expression),
                ));
            }
        }
        if let Some(w) = &r.weight {
            let ty = b
                .output("weight", w)
                .map_err(|e| ExpressionError::of("weight", w, &e))?;
            if ty.jagged {
                return Err(ExpressionError::plain(
                    "weight",
                    format!("weight `{w}` must be one number per event, not {ty}"),
                ));
            }
        }
        // The expressions of the request, in the builder's output order.
        let mut sources = vec![r.variable.as_str()];
        sources.extend(r.cuts.iter().map(cut_source));
        sources.extend(r.weight.as_deref());
        let keys: Vec<String> = sources
            .iter()
            .map(|e| format!("{}\u{0}{e}", r.definitions))
            .collect();
        // Only what changed since the last refill is evaluated (a moved slider: one cut).
        let missing: Vec<usize> = (0..keys.len())
            .filter(|i| !open.results.contains_key(&keys[*i]))
            .collect();
        if !missing.is_empty() {
            let program = b
                .build_outputs(&missing)
                .map_err(|e| ExpressionError::of("variable", &r.variable, &e))?;
            // Decode (once) the branches the program reads.
            let n_events = open.tree.entries() as usize;
            let mut chunk = Chunk::new(n_events);
            for name in program.inputs() {
                if !open.columns.contains_key(name) {
                    let array = open
                        .tree
                        .read_all(name)
                        .map_err(|e| ExpressionError::plain("file", e.to_string()))?;
                    let column = Column::from_array(array, &mut open.seen)
                        .map_err(|e| ExpressionError::plain("file", e.to_string()))?;
                    open.columns.insert(name.to_string(), column);
                }
                chunk
                    .insert(name, open.columns[name].clone())
                    .map_err(|e| ExpressionError::plain("file", e.to_string()))?;
            }
            let computed = program
                .evaluate(&chunk)
                .map_err(|e| ExpressionError::of("variable", &r.variable, &e))?;
            if open.results.len() + computed.len() > MAX_KEPT_RESULTS {
                open.results.clear();
            }
            for (i, column) in missing.iter().zip(computed) {
                open.results.insert(keys[*i].clone(), column);
            }
        }
        let n_events = open.tree.entries() as usize;
        let outputs: Vec<Column> = keys.iter().map(|k| open.results[k].clone()).collect();
        let (variable, rest) = outputs.split_first().expect("one output per request part");
        let cuts = &rest[..r.cuts.len()];
        let weights: Vec<f64> = match rest.get(r.cuts.len()) {
            Some(w) => {
                let mut w = w.values().to_f64_vec();
                w.iter_mut().for_each(|x| *x *= scale);
                w
            }
            None => vec![scale; n_events],
        };

        // The cutflow, cut after cut.
        let mut keep = vec![true; n_events];
        let mut cutflow = vec![step("all events", &keep, &weights)];
        for (cut, column) in r.cuts.iter().zip(cuts) {
            match cut.compare.as_ref().and_then(|c| c.test()) {
                Some(test) => {
                    // One value per event (checked above): compared as they are, nothing copied.
                    let mut keep = keep.iter_mut();
                    column.values().for_each_f64(|x| {
                        if let Some(k) = keep.next() {
                            *k &= test(x);
                        }
                    });
                }
                None => {
                    let pass = column.as_slice::<bool>().expect("cuts are checked boolean");
                    for (k, p) in keep.iter_mut().zip(pass) {
                        *k &= *p;
                    }
                }
            }
            cutflow.push(step(&cut.name, &keep, &weights));
        }

        let xs = variable.values().to_f64_vec();
        let fills = |each: &mut dyn FnMut(f64, f64)| match variable.offsets() {
            Some(offsets) => {
                for ((bounds, w), k) in offsets.windows(2).zip(&weights).zip(&keep) {
                    if *k {
                        for x in &xs[bounds[0] as usize..bounds[1] as usize] {
                            each(*x, *w);
                        }
                    }
                }
            }
            None => {
                for ((x, w), k) in xs.iter().zip(&weights).zip(&keep) {
                    if *k {
                        each(*x, *w);
                    }
                }
            }
        };
        let (low, high) = match (r.low, r.high) {
            (Some(l), Some(h)) => (l, h),
            (l, h) => {
                let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
                fills(&mut |x, _| {
                    if x.is_finite() {
                        min = min.min(x);
                        max = max.max(x);
                    }
                });
                auto_range(l, h, min, max)
            }
        };
        let mut h = hepkey_hist::Hist1D::regular(r.bins, low, high)
            .map_err(|e| ExpressionError::plain("range", e.to_string()))?;
        fills(&mut |x, w| h.fill_one(x, w));
        Ok((h, cutflow))
    }
}

/// What a cut evaluates: the side a slider compares, or the whole cut.
fn cut_source(cut: &Cut) -> &str {
    cut.compare.as_ref().map_or(&cut.expression, |c| &c.lhs)
}

fn step(name: &str, keep: &[bool], weights: &[f64]) -> CutflowStep {
    let mut events = 0;
    let mut weighted = 0.0;
    for (k, w) in keep.iter().zip(weights) {
        if *k {
            events += 1;
            weighted += w;
        }
    }
    CutflowStep {
        name: name.to_string(),
        events,
        weighted,
    }
}

/// An axis range covering the values seen, the last one inside the last bin.
fn auto_range(low: Option<f64>, high: Option<f64>, min: f64, max: f64) -> (f64, f64) {
    if !min.is_finite() {
        return (low.unwrap_or(0.0), high.unwrap_or(1.0));
    }
    let low = low.unwrap_or(min);
    let high = high.unwrap_or_else(|| {
        let span = (max - low).max(1e-9);
        max + span * 1e-6
    });
    if high > low {
        (low, high)
    } else {
        (low, low + 1.0)
    }
}
