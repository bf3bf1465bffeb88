//! Compiling an analysis: for every sample, one program computing the
//! selections, regions, histogram values and weights of every variation,
//! type-checked before any event is read.

use crate::config::{
    AnalysisFile, Expr, Number, SampleConfig, SampleKind, SumWeights, SystematicKind,
};
use crate::error::{Error, Result, SourceFile};
use hepkey_columnar::{DType, Program, ProgramBuilder, Type};
use hepkey_root::{RootFile, Tree};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the nominal variation.
pub const NOMINAL: &str = "nominal";

/// Output positions of one kinematic variation (the nominal one included).
#[derive(Debug, Clone)]
pub struct VariationOutputs {
    /// The variation's name in output keys.
    pub name: String,
    pub selections: Vec<usize>,
    pub regions: Vec<usize>,
    /// Per histogram: value output and optional weight-factor output.
    pub hist_values: Vec<usize>,
    pub hist_weights: Vec<Option<usize>>,
    /// Per histogram: the y value output of 2D histograms.
    pub hist_y: Vec<Option<usize>>,
    pub event_weight: Option<usize>,
    /// Weight systematics (nominal kinematics only): variation name, factor output.
    pub weight_factors: Vec<(String, usize)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Select,
    Fill,
}

/// One sample, compiled.
pub struct SamplePlan {
    pub config: SampleConfig,
    /// Name its histograms are filed under (the nominal sample for alternative samples).
    pub histogram_sample: String,
    pub files: Vec<PathBuf>,
    /// Size and modification time of each file when it was opened: a file that changes while it
    /// is read gives wrong numbers, so the run compares them at its end.
    pub file_states: Vec<FileState>,
    pub tree: String,
    pub trees: Vec<Tree>,
    pub entries: u64,
    /// Cross-section × luminosity / Σw (1 for data and samples without metadata).
    pub norm: f64,
    /// What selects events, run in order: stage `i` computes selection `i` of every variation on the
    /// events that passed the selections before it in some variation (the first stage runs on every
    /// event and also computes the event weights); the last stage computes the regions. So an expensive
    /// cut (say on jets after a jet-energy variation) costs nothing for events a cheap one (say on
    /// leptons) already rejected.
    pub stages: Vec<Part>,
    /// What fills histograms: one program per variation and set of regions, run on the events in those
    /// regions under that variation only.
    pub fills: Vec<Fill>,
    pub variations: Vec<VariationOutputs>,
}

impl SamplePlan {
    /// Every column the programs read, sorted.
    pub fn inputs(&self) -> Vec<&str> {
        self.inputs_from(0)
    }

    /// The columns read from selection stage `stage` on (and by the histograms), sorted.
    pub fn inputs_from(&self, stage: usize) -> Vec<&str> {
        let mut v: Vec<&str> = self.stages[stage.min(self.stages.len())..]
            .iter()
            .chain(self.fills.iter().map(|f| &f.part))
            .flat_map(|p| p.program.inputs())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// What tells a file changed: its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileState {
    /// The state of `path` now (None if it cannot be read).
    pub fn of(path: &Path) -> Option<FileState> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileState {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
}

/// A program and which outputs of the analysis (the positions [`VariationOutputs`] refers to) it
/// computes, in the order of its results.
pub struct Part {
    pub program: Program,
    pub outputs: Vec<usize>,
}

impl Part {
    fn new(b: &ProgramBuilder, outputs: Vec<usize>, label: &str) -> Result<Part> {
        let program = b
            .build_outputs(&outputs)
            .map_err(|e| Error::Config(format!("compiling the analysis: {e}")))?
            .with_label(label);
        Ok(Part { program, outputs })
    }

    /// The position of output `id` among the program's results.
    pub fn position(&self, id: usize) -> Option<usize> {
        self.outputs.iter().position(|&o| o == id)
    }
}

/// The histograms of one variation that fill the same regions, and their program.
pub struct Fill {
    /// Index into [`SamplePlan::variations`].
    pub variation: usize,
    /// Indices of the analysis file's histograms.
    pub histograms: Vec<usize>,
    /// Indices of the regions (of [`crate::run::region_names`]) they fill.
    pub regions: Vec<usize>,
    /// Their values, y values, weights, and the weight-systematic factors of the variation.
    pub part: Part,
}

/// Replaces `${NAME}` in a file pattern: values given on the command line
/// first, then the environment, then the analysis file's `[variables]`.
pub fn substitute(
    pattern: &str,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Result<String> {
    substitute_in(
        &format!("file pattern {pattern:?}"),
        pattern,
        overrides,
        defaults,
    )
}

/// [`substitute`] for any text; `what` names it in errors.
fn substitute_in(
    what: &str,
    text: &str,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Result<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            return Err(Error::Config(format!("{what}: `${{` without `}}`")));
        };
        let name = &rest[i + 2..i + j];
        let (value, _) = lookup(name, overrides, defaults).ok_or_else(|| {
                Error::Config(format!(
                    "{what} uses ${{{name}}}, which is not set: pass `--set {name}=VALUE`, set the environment variable, or add it to [variables]"
                ))
            })?;
        out.push_str(&value);
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A normalisation number of a sample: given, or text after substitution.
fn number(
    sample: &SampleConfig,
    key: &str,
    n: &Option<Number>,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Result<Option<f64>> {
    let text = match n {
        None => return Ok(None),
        Some(Number::Value(v)) => return Ok(Some(*v)),
        Some(Number::Text(t)) => t,
    };
    let what = format!("sample {:?}: {key} = {text:?}", sample.name);
    let value = substitute_in(&what, text, overrides, defaults)?;
    value
        .trim()
        .parse::<f64>()
        .map(Some)
        .map_err(|_| Error::Config(format!("{what} is {value:?}, not a number")))
}

/// Where a value of `${NAME}` came from, which decides what a relative path in it is relative to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueOrigin {
    /// `--set NAME=VALUE`: typed in a shell, so relative to the working directory.
    CommandLine,
    /// An environment variable: set in a shell too.
    Environment,
    /// `[variables]` of the analysis file: relative to that file.
    AnalysisFile,
}

impl ValueOrigin {
    /// How `provenance.json` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueOrigin::CommandLine => "command line",
            ValueOrigin::Environment => "environment",
            ValueOrigin::AnalysisFile => "analysis file",
        }
    }
}

/// The value of `${NAME}` and where it came from: the command line first, then the
/// environment, then the analysis file's `[variables]`.
pub fn lookup(
    name: &str,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Option<(String, ValueOrigin)> {
    overrides
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| (v.clone(), ValueOrigin::CommandLine))
        .or_else(|| {
            std::env::var(name)
                .ok()
                .map(|v| (v, ValueOrigin::Environment))
        })
        .or_else(|| {
            defaults
                .get(name)
                .map(|v| (v.clone(), ValueOrigin::AnalysisFile))
        })
}

/// The directory a relative file pattern is relative to. A path is relative to where it was
/// typed: a pattern that starts with a `${NAME}` given on the command line (or in the
/// environment) is relative to the working directory; any other is relative to the analysis file.
fn pattern_base<'a>(
    pattern: &str,
    analysis_dir: &'a Path,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> &'a Path {
    let leading = pattern
        .strip_prefix("${")
        .and_then(|rest| rest.split_once('}'))
        .map(|(name, _)| name);
    match leading.and_then(|name| lookup(name, overrides, defaults)) {
        Some((_, ValueOrigin::CommandLine | ValueOrigin::Environment)) => Path::new(""),
        _ => analysis_dir,
    }
}

/// Every `${NAME}` written in a text, in order of first use.
pub fn variable_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        let Some(j) = rest[i..].find('}') else { break };
        let name = &rest[i + 2..i + j];
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        rest = &rest[i + j + 1..];
    }
    names
}

/// Resolves the file patterns of a sample (see [`pattern_base`] for what a relative pattern is
/// relative to): the files, and the resolved patterns that matched nothing.
fn resolve_files(
    analysis_dir: &Path,
    sample: &SampleConfig,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Result<(Vec<PathBuf>, Vec<String>)> {
    let mut out = Vec::new();
    let mut empty = Vec::new();
    for written in &sample.files {
        let pattern = &substitute(written, overrides, defaults)?;
        let full = if Path::new(pattern).is_absolute() {
            PathBuf::from(pattern)
        } else {
            pattern_base(written, analysis_dir, overrides, defaults).join(pattern)
        };
        let matched = crate::files::matching(&full)
            .map_err(|e| Error::Config(format!("sample {:?}: {e}", sample.name)))?;
        if matched.is_empty() {
            empty.push(display_pattern(&full));
        }
        // A file one pattern reaches twice (through a symlink loop) is read once; a file listed
        // twice by the user is read twice, as TChain and coffea filesets do.
        let (matched, _) = crate::files::distinct(matched);
        out.extend(matched);
    }
    Ok((out, empty))
}

/// A resolved pattern as the user can check it: absolute, so it says where hepkey looked
/// whatever the working directory.
fn display_pattern(full: &Path) -> String {
    let shown = if full.is_absolute() {
        full.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|cwd| cwd.join(full))
            .unwrap_or_else(|_| full.to_path_buf())
    };
    format!("\"{}\"", shown.display())
}

/// A kinematic variation replaces columns of the tree: a name the tree lacks (a typing mistake)
/// would replace nothing, and the "variation" would equal the nominal histograms.
fn check_replaced_columns(
    file: &AnalysisFile,
    source: &SourceFile,
    sample: &SampleConfig,
    schema: &hepkey_columnar::Schema,
    tree: &str,
) -> Result<()> {
    for s in file
        .systematics
        .iter()
        .filter(|s| s.kind == SystematicKind::Kinematic && applies(s, sample))
    {
        for column in s.replace.keys() {
            if schema.get(column).is_some() {
                continue;
            }
            let hint = hepkey_columnar::did_you_mean(column, schema.names())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(Error::Config(format!(
                "{}: kinematic systematic {:?} replaces {column:?}, which is not a column of tree {tree:?} in sample {:?}{hint}",
                source.path, s.name, sample.name
            )));
        }
    }
    Ok(())
}

fn bool_per_event(t: Type) -> bool {
    t.dtype == DType::Bool && !t.jagged
}

/// Compiles every sample of an analysis.
/// Compiled samples, and the optional samples skipped for lack of files.
pub fn compile(
    file: &AnalysisFile,
    source: &SourceFile,
    base: &Path,
    overrides: &[(String, String)],
) -> Result<(Vec<SamplePlan>, Vec<String>)> {
    crate::validate::validate(file, &source.path)?;
    let mut plans = Vec::new();
    let mut skipped = Vec::new();
    let mut tried = Vec::new();
    for sample in &file.samples {
        // A pattern that matches nothing is an error, except in optional samples: there
        // the sample is skipped when nothing matches at all, and uses what it finds otherwise.
        let (files, empty) = resolve_files(base, sample, overrides, &file.variables)?;
        if !empty.is_empty() {
            if !sample.optional {
                return Err(Error::Config(format!(
                    "sample {:?}: no file matches {} (set `optional = true` on the sample to skip it when its files are missing)",
                    sample.name,
                    empty.join(", ")
                )));
            }
            if files.is_empty() {
                skipped.push(format!(
                    "sample {:?} skipped: no file matches {}",
                    sample.name,
                    empty.join(", ")
                ));
                tried.extend(empty);
                continue;
            }
            skipped.push(format!(
                "sample {:?}: no file matches {}; using the {} file(s) the other patterns match",
                sample.name,
                empty.join(", "),
                files.len()
            ));
        }
        plans.push(compile_sample(file, source, sample, files, overrides)?);
    }
    if plans.is_empty() {
        return Err(Error::Config(format!(
            "{}: no sample has files; looked for {} (is `--set NAME=DIR` pointing at the right directory? \
             a path on the command line is relative to the working directory, one in the analysis file to that file)",
            source.path,
            tried.join(", ")
        )));
    }
    Ok((plans, skipped))
}

fn compile_sample(
    file: &AnalysisFile,
    source: &SourceFile,
    sample: &SampleConfig,
    files: Vec<PathBuf>,
    overrides: &[(String, String)],
) -> Result<SamplePlan> {
    let tree_name = sample
        .tree
        .clone()
        .or_else(|| file.analysis.tree.clone())
        .ok_or_else(|| {
            Error::Config(format!(
                "sample {:?}: no tree named (set `tree` in [analysis] or the sample)",
                sample.name
            ))
        })?;
    let mut trees = Vec::new();
    let mut file_states = Vec::new();
    for f in &files {
        // Taken before the file is read, so a change during opening is seen too.
        file_states.push(FileState::of(f).ok_or_else(|| {
            Error::Config(format!(
                "sample {:?}: cannot read {}",
                sample.name,
                f.display()
            ))
        })?);
        let rf = RootFile::open(f)?;
        trees.push(Tree::open(&rf, &tree_name)?);
    }
    let entries: u64 = trees.iter().map(Tree::entries).sum();
    let is_alternative = sample.variation_of.is_some();
    if is_alternative != sample.variation.is_some() {
        return Err(Error::Config(format!(
            "sample {:?}: `variation_of` and `variation` go together",
            sample.name
        )));
    }
    if let Some(nominal) = &sample.variation_of {
        if !file
            .samples
            .iter()
            .any(|s| &s.name == nominal && s.variation_of.is_none())
        {
            return Err(Error::Config(format!(
                "sample {:?} is a variation of {nominal:?}, which is not a nominal sample of this analysis",
                sample.name
            )));
        }
    }
    let norm = normalisation(file, sample, entries, overrides)?;

    let schema = trees[0]
        .numeric_columns()
        .map(|(name, dtype, jagged)| (name, Type { dtype, jagged }))
        .collect();
    check_replaced_columns(file, source, sample, &schema, &tree_name)?;
    let mut b = ProgramBuilder::new(schema);
    let base_defs = b.save_definitions();
    let mut variations = Vec::new();
    let mut n_outputs = 0usize;
    let kinematic: Vec<&crate::config::Systematic> = file
        .systematics
        .iter()
        .filter(|s| s.kind == SystematicKind::Kinematic && applies(s, sample))
        .collect();
    // Two passes over the variations: first what selects events, then what
    // fills histograms (split into programs below).
    for phase in [Phase::Select, Phase::Fill] {
        let names = std::iter::once(None).chain(kinematic.iter().map(|s| Some(*s)));
        for (k, syst) in names.enumerate() {
            b.restore_definitions(base_defs.clone());
            if let Some(s) = syst {
                if s.replace.is_empty() {
                    return Err(Error::Config(format!(
                    "{}: kinematic systematic {:?} replaces no column (add `replace = {{ Jet_pt = \"Jet_pt * 1.03\" }}`)",
                    source.path, s.name
                )));
                }
                for (column, expr) in &s.replace {
                    b.define(column, expr.get_ref()).map_err(|e| {
                        source.expression_error(
                            expr,
                            &format!("systematic {:?}, {column}", s.name),
                            &e,
                        )
                    })?;
                }
            }
            if let Some(defs) = &file.definitions {
                b.define_all(defs.get_ref())
                    .map_err(|e| source.expression_error(defs, "definitions", &e))?;
            }
            let mut out = |b: &mut ProgramBuilder,
                           name: String,
                           expr: &Expr,
                           what: &str|
             -> Result<(usize, Type)> {
                let t = b
                    .output(&name, expr.get_ref())
                    .map_err(|e| source.expression_error(expr, what, &e))?;
                n_outputs += 1;
                Ok((n_outputs - 1, t))
            };
            if phase == Phase::Select {
                let mut v = VariationOutputs {
                    name: syst.map_or(NOMINAL.to_string(), |s| s.name.clone()),
                    selections: Vec::new(),
                    regions: Vec::new(),
                    hist_values: Vec::new(),
                    hist_weights: Vec::new(),
                    hist_y: Vec::new(),
                    event_weight: None,
                    weight_factors: Vec::new(),
                };
                for (i, c) in file.selections.iter().enumerate() {
                    let (idx, t) = out(
                        &mut b,
                        format!("{k}/selection/{i}"),
                        &c.cut,
                        &format!("selection {:?}", c.name),
                    )?;
                    if !bool_per_event(t) {
                        return Err(source.error_at(
                            &c.cut,
                            format!(
                                "selection {:?} must be true or false per event, but is {t}",
                                c.name
                            ),
                        ));
                    }
                    v.selections.push(idx);
                }
                for (i, c) in file.regions.iter().enumerate() {
                    let (idx, t) = out(
                        &mut b,
                        format!("{k}/region/{i}"),
                        &c.cut,
                        &format!("region {:?}", c.name),
                    )?;
                    if !bool_per_event(t) {
                        return Err(source.error_at(
                            &c.cut,
                            format!(
                                "region {:?} must be true or false per event, but is {t}",
                                c.name
                            ),
                        ));
                    }
                    v.regions.push(idx);
                }
                if let Some(w) = &sample.weight {
                    let what = format!("weight of sample {:?}", sample.name);
                    let text = substitute_in(&what, w.get_ref(), overrides, &file.variables)?;
                    let w = &Expr::new(w.span(), text);
                    let (idx, t) = out(&mut b, format!("{k}/weight"), w, &what)?;
                    if t.jagged {
                        return Err(
                            source.error_at(w, "a sample weight must be one number per event")
                        );
                    }
                    v.event_weight = Some(idx);
                }
                variations.push(v);
            } else {
                let v = &mut variations[k];
                for (i, h) in file.histograms.iter().enumerate() {
                    let (idx, _) = out(
                        &mut b,
                        format!("{k}/hist/{i}"),
                        &h.expression,
                        &format!("histogram {:?}", h.name),
                    )?;
                    v.hist_values.push(idx);
                    v.hist_y.push(match &h.y {
                        Some(y) => Some(
                            out(
                                &mut b,
                                format!("{k}/hist-y/{i}"),
                                &y.expression,
                                &format!("y of histogram {:?}", h.name),
                            )?
                            .0,
                        ),
                        None => None,
                    });
                    v.hist_weights.push(match &h.weight {
                        Some(w) => {
                            let (idx, t) = out(
                                &mut b,
                                format!("{k}/hist-weight/{i}"),
                                w,
                                &format!("weight of histogram {:?}", h.name),
                            )?;
                            if t.jagged {
                                return Err(source.error_at(
                                    w,
                                    "a histogram weight must be one number per event",
                                ));
                            }
                            Some(idx)
                        }
                        None => None,
                    });
                }
                if syst.is_none() {
                    for s in file
                        .systematics
                        .iter()
                        .filter(|s| s.kind == SystematicKind::Weight && applies(s, sample))
                    {
                        let sides: Vec<(String, &Expr)> = match (&s.up, &s.down, &s.factor) {
                    (Some(u), Some(d), None) => vec![(format!("{}_up", s.name), u), (format!("{}_down", s.name), d)],
                    (Some(u), None, None) => vec![(format!("{}_up", s.name), u)],
                    (None, None, Some(f)) => vec![(s.name.clone(), f)],
                    _ => {
                        return Err(Error::Config(format!(
                            "{}: weight systematic {:?} needs `up` and `down`, `up` alone, or one `factor`",
                            source.path, s.name
                        )))
                    }
                };
                        for (name, expr) in sides {
                            let (idx, t) = out(
                                &mut b,
                                format!("weight-syst/{name}"),
                                expr,
                                &format!("systematic {name:?}"),
                            )?;
                            if t.jagged {
                                return Err(source.error_at(
                                    expr,
                                    "a weight factor must be one number per event",
                                ));
                            }
                            v.weight_factors.push((name, idx));
                        }
                    }
                }
            }
        }
    }
    let stages = selection_stages(file, &b, &variations)?;
    let fills = fill_programs(file, &b, &variations)?;
    let histogram_sample = sample
        .variation_of
        .clone()
        .unwrap_or_else(|| sample.name.clone());
    if let Some(alt) = &sample.variation {
        variations[0].name = alt.clone();
    }
    Ok(SamplePlan {
        config: sample.clone(),
        histogram_sample,
        files,
        file_states,
        tree: tree_name,
        trees,
        entries,
        norm,
        stages,
        fills,
        variations,
    })
}

/// The selection stages of a sample (see [`SamplePlan::stages`]).
fn selection_stages(
    file: &AnalysisFile,
    b: &ProgramBuilder,
    variations: &[VariationOutputs],
) -> Result<Vec<Part>> {
    let mut outputs: Vec<Vec<usize>> = (0..file.selections.len())
        .map(|i| variations.iter().map(|v| v.selections[i]).collect())
        .collect();
    if !file.regions.is_empty() {
        outputs.push(
            variations
                .iter()
                .flat_map(|v| v.regions.iter().copied())
                .collect(),
        );
    }
    let mut labels: Vec<String> = file
        .selections
        .iter()
        .map(|s| format!("selection {:?}", s.name))
        .collect();
    labels.push("regions".to_string());
    if outputs.is_empty() {
        outputs.push(Vec::new());
        labels[0] = "event weights".to_string();
    }
    outputs[0].extend(variations.iter().filter_map(|v| v.event_weight));
    outputs
        .into_iter()
        .zip(labels)
        .map(|(o, label)| Part::new(b, o, &label))
        .collect()
}

/// The fill programs of a sample (see [`SamplePlan::fills`]).
fn fill_programs(
    file: &AnalysisFile,
    b: &ProgramBuilder,
    variations: &[VariationOutputs],
) -> Result<Vec<Fill>> {
    let regions = crate::run::region_names(file);
    let mut fills = Vec::new();
    for (k, v) in variations.iter().enumerate() {
        // Histograms grouped by the regions they fill, in the order they are declared.
        let mut groups: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        for (hi, h) in file.histograms.iter().enumerate() {
            let rs: Vec<usize> = (0..regions.len())
                .filter(|&r| crate::run::fills(h, &regions[r]))
                .collect();
            if rs.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(g, _)| *g == rs) {
                Some((_, hs)) => hs.push(hi),
                None => groups.push((rs, vec![hi])),
            }
        }
        for (rs, hs) in groups {
            let mut outputs = Vec::new();
            for &hi in &hs {
                outputs.push(v.hist_values[hi]);
                outputs.extend(v.hist_y[hi]);
                outputs.extend(v.hist_weights[hi]);
            }
            outputs.extend(v.weight_factors.iter().map(|(_, i)| *i));
            let label = format!(
                "{} histograms in {}",
                v.name,
                rs.iter()
                    .map(|&r| regions[r].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            fills.push(Fill {
                variation: k,
                histograms: hs,
                regions: rs,
                part: Part::new(b, outputs, &label)?,
            });
        }
    }
    Ok(fills)
}

/// Whether a systematic applies to a sample: simulated nominal samples,
/// restricted to the listed ones when `samples` is given.
fn applies(s: &crate::config::Systematic, sample: &SampleConfig) -> bool {
    if sample.kind == SampleKind::Data || sample.variation_of.is_some() {
        return false;
    }
    s.samples
        .as_ref()
        .is_none_or(|list| list.iter().any(|n| n == &sample.name))
}

/// xsec · k · ε · L / Σw for simulation with a cross-section; 1 otherwise.
fn normalisation(
    file: &AnalysisFile,
    sample: &SampleConfig,
    entries: u64,
    overrides: &[(String, String)],
) -> Result<f64> {
    let vars = &file.variables;
    let Some(xsec) = number(sample, "xsec", &sample.xsec, overrides, vars)? else {
        return Ok(1.0);
    };
    let kfactor = number(sample, "kfactor", &sample.kfactor, overrides, vars)?;
    let filter_eff = number(sample, "filter_eff", &sample.filter_eff, overrides, vars)?;
    if sample.kind == SampleKind::Data {
        return Err(Error::Config(format!(
            "sample {:?} is data but has a cross-section",
            sample.name
        )));
    }
    let lumi = file.analysis.luminosity.ok_or_else(|| {
        Error::Config(format!(
            "sample {:?} has a cross-section, so [analysis] needs `luminosity` (pb^-1)",
            sample.name
        ))
    })?;
    let sumw = match &sample.sum_weights {
        Some(SumWeights::Value(v)) => *v,
        Some(SumWeights::Keyword(k)) if k == "entries" => entries as f64,
        Some(SumWeights::Keyword(k)) => {
            let what = format!("sample {:?}: sum_weights = {k:?}", sample.name);
            let value = substitute_in(&what, k, overrides, vars)?;
            match value.trim() {
                "entries" => entries as f64,
                v => v
                    .parse::<f64>()
                    .map_err(|_| Error::Config(format!("{what}: give a number or \"entries\"")))?,
            }
        }
        None => {
            return Err(Error::Config(format!(
                "sample {:?} has a cross-section but no `sum_weights` (a number, or \"entries\")",
                sample.name
            )))
        }
    };
    // Each factor must be a positive number: a NaN or a sign error would scale every
    // histogram of the sample without a word.
    let factors = [
        ("xsec", Some(xsec)),
        ("kfactor", kfactor),
        ("filter_eff", filter_eff),
        ("sum_weights", Some(sumw)),
    ];
    for (key, value) in factors {
        if let Some(v) = value.filter(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(Error::Config(format!(
                "sample {:?}: {key} is {v}; it must be a positive number",
                sample.name
            )));
        }
    }
    if !(lumi.is_finite() && lumi > 0.0) {
        return Err(Error::Config(format!(
            "[analysis] luminosity is {lumi}; it must be a positive number (pb^-1)"
        )));
    }
    Ok(xsec * kfactor.unwrap_or(1.0) * filter_eff.unwrap_or(1.0) * lumi / sumw)
}
