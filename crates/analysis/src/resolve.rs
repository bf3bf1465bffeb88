//! Resolving names before compiling: each sample's files (file patterns with `${NAME}`
//! substituted, see [`crate::files`]), its tree, its entries and its normalisation, and the
//! `${NAME}` values written in expressions.
//!
//! The seam: [`resolve`] reads only file names and ROOT headers and compiles no expression;
//! [`crate::plan::compile`] takes its [`ResolvedSample`]s and compiles expressions only, reading
//! nothing but the trees' schemas. Both run after [`crate::validate`], which needs neither.

use crate::config::{AnalysisFile, Expr, Number, SampleConfig, SampleKind, SumWeights, CATALOG};
use crate::error::{Error, Result, SourceFile};
use hepkey_root::Events;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A sample with its names resolved: the files and trees it reads, and its numbers.
pub struct ResolvedSample {
    pub config: SampleConfig,
    pub files: Vec<PathBuf>,
    /// Size and modification time of each file when it was opened.
    pub file_states: Vec<FileState>,
    pub tree: String,
    /// The opened tree of each file a run reads (and always of the first, for the schema); `None`
    /// for the files a partial run leaves to others, whose entries alone were read.
    pub trees: Vec<Option<Events>>,
    /// Entries of each file.
    pub file_entries: Vec<u64>,
    pub entries: u64,
    /// Cross-section × luminosity / Σw (1 for data and samples without metadata).
    pub norm: f64,
    /// The sample's `weight` with `${NAME}` replaced.
    pub weight: Option<Expr>,
}

/// What tells a local file changed: its size and modification time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileState {
    len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileState {
    /// A file on a server: its size when opened. Checking it again would cost a request per
    /// file, so [`FileState::of`] is not asked for it (see `input::is_remote`).
    pub fn remote(len: u64) -> FileState {
        FileState {
            len,
            modified: None,
        }
    }

    /// The state of `path` now (None if it cannot be read).
    pub fn of(path: &Path) -> Option<FileState> {
        let m = std::fs::metadata(path).ok()?;
        Some(FileState {
            len: m.len(),
            modified: m.modified().ok(),
        })
    }
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
    crate::config::expand_variables(what, text, |name| {
        lookup(name, overrides, defaults).map(|(value, _)| value)
    })
    .map_err(Error::Config)
}

/// A normalisation number of a sample: given, text after substitution, or the catalog's.
fn number(
    sample: &SampleConfig,
    key: &str,
    n: &Option<Number>,
    overrides: &[(String, String)],
    defaults: &BTreeMap<String, String>,
) -> Result<Option<f64>> {
    let Some(n) = n else { return Ok(None) };
    let value = n
        .resolve(&sample.name, key, |name| {
            lookup(name, overrides, defaults).map(|(value, _)| value)
        })
        .map_err(Error::Config)?;
    match value {
        Some(v) => Ok(Some(v)),
        None => crate::dataset::number(sample, key).map(Some),
    }
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
        if hepkey_remote::is_remote(pattern) {
            crate::input::check_remote_pattern(pattern)
                .map_err(|e| Error::Config(format!("sample {:?}: {e}", sample.name)))?;
            out.push(PathBuf::from(pattern));
            continue;
        }
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

/// The files of one sample a partial run reads (all of them with `files: None`); the others are opened
/// only for their entries (a normalisation may need them) and not kept open.
#[derive(Clone, Debug)]
pub struct Slice {
    pub sample: String,
    pub files: Option<std::ops::Range<usize>>,
}

impl Slice {
    /// Whether file `index` of `sample` is read.
    pub fn reads(&self, sample: &str, index: usize) -> bool {
        self.sample == sample && self.files.as_ref().is_none_or(|r| r.contains(&index))
    }
}

/// Resolves every sample of a (validated) analysis: the samples that have files, and notes on
/// the optional samples skipped or partly found.
pub fn resolve(
    file: &AnalysisFile,
    source: &SourceFile,
    base: &Path,
    overrides: &[(String, String)],
    slice: Option<&Slice>,
) -> Result<(Vec<ResolvedSample>, Vec<String>)> {
    let mut resolved = Vec::new();
    let mut skipped = Vec::new();
    let mut tried = Vec::new();
    for sample in &file.samples {
        let keep = |i: usize| slice.is_none_or(|s| s.reads(&sample.name, i));
        // A pattern that matches nothing is an error, except in optional samples: there
        // the sample is skipped when nothing matches at all, and uses what it finds otherwise.
        if let Some(dataset) = crate::dataset::of(sample)? {
            match crate::dataset::files(sample, dataset) {
                Ok(files) => resolved.push(resolve_sample(file, sample, files, overrides, &keep)?),
                Err(why) if sample.optional => {
                    skipped.push(format!("{why} (optional: skipped)"));
                    tried.push(format!("dataset {}", dataset.name));
                }
                Err(why) => return Err(Error::Config(why)),
            }
            continue;
        }
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
        resolved.push(resolve_sample(file, sample, files, overrides, &keep)?);
    }
    if resolved.is_empty() {
        return Err(Error::Config(format!(
            "{}: no sample has files; looked for {} (is `--set NAME=DIR` pointing at the right directory? \
             a path on the command line is relative to the working directory, one in the analysis file to that file)",
            source.path,
            tried.join(", ")
        )));
    }
    Ok((resolved, skipped))
}

/// Opens the trees of a sample's files and computes its numbers.
fn resolve_sample(
    file: &AnalysisFile,
    sample: &SampleConfig,
    files: Vec<PathBuf>,
    overrides: &[(String, String)],
    keep: &dyn Fn(usize) -> bool,
) -> Result<ResolvedSample> {
    // The sample's own tree, else its catalog dataset's, else [analysis]'s.
    let catalog_tree = crate::dataset::of(sample)?.and_then(|d| d.tree.clone());
    let tree = sample
        .tree
        .clone()
        .or(catalog_tree)
        .or_else(|| file.analysis.tree.clone())
        .ok_or_else(|| {
            Error::Config(format!(
                "sample {:?}: no tree named (set `tree` in [analysis] or the sample)",
                sample.name
            ))
        })?;
    let mut trees = Vec::new();
    let mut file_entries = Vec::new();
    let mut file_states = Vec::new();
    for (i, f) in files.iter().enumerate() {
        // Taken before the file is read, so a change during opening is seen too.
        let state = if crate::input::is_remote(f) {
            None
        } else {
            Some(FileState::of(f).ok_or_else(|| {
                Error::Config(format!(
                    "sample {:?}: cannot read {}",
                    sample.name,
                    f.display()
                ))
            })?)
        };
        let rf = crate::input::open(f)?;
        file_states.push(state.unwrap_or_else(|| FileState::remote(rf.source().len())));
        let events = Events::open(&rf, &tree)?;
        file_entries.push(events.entries());
        trees.push((i == 0 || keep(i)).then_some(events));
    }
    let entries: u64 = file_entries.iter().sum();
    let norm = normalisation(file, sample, entries, overrides)?;
    let weight = match &sample.weight {
        Some(w) => {
            let what = format!("weight of sample {:?}", sample.name);
            let text = substitute_in(&what, w.get_ref(), overrides, &file.variables)?;
            Some(Expr::new(w.span(), text))
        }
        None => None,
    };
    Ok(ResolvedSample {
        config: sample.clone(),
        files,
        file_states,
        tree,
        trees,
        file_entries,
        entries,
        norm,
        weight,
    })
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
        Some(SumWeights::Keyword(k)) if k.trim() == CATALOG => {
            crate::dataset::number(sample, "sum_weights")?
        }
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
    crate::config::Normalisation {
        xsec,
        kfactor,
        filter_eff,
        sum_weights: sumw,
        luminosity: lumi,
    }
    .factor(&sample.name)
    .map_err(Error::Config)
}
