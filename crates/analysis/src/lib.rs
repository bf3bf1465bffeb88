//! # hepkey-analysis
//!
//! A declarative analysis, from one TOML file to weighted histograms with
//! systematic variations, cutflows and plots, in the order a file goes through them:
//! [`config`] (the file), [`validate`] (checks needing nothing but the file), [`resolve`]
//! (files, trees and `${NAME}` values of each sample), [`plan`] (compiling every expression
//! before reading events), [`run`] (the parallel executor) and [`output`] (JSON, ROOT, plots,
//! provenance). [`key`] names what they share (the ids of the file's parts and [`HistKey`]) and
//! [`template`] the empty histograms. Each step uses only the ones before it: `run` uses `plan`,
//! `plan` uses `resolve`, and nothing but `output` uses `run`.

pub mod checksum;
/// The analysis file's format: its own crate, so that the page (wasm32) reads the same files.
pub use hepkey_analysis_file as config;
pub mod dataset;
pub mod error;
pub mod files;
pub mod input;
pub mod key;
pub mod lumi;
pub mod output;
pub mod partial;
pub mod plan;
pub mod resolve;
pub mod run;
pub mod skim;
pub mod template;
pub mod validate;

pub use error::{Error, Result};
pub use key::HistKey;

use std::path::{Path, PathBuf};

/// A parsed and compiled analysis, ready to run.
pub struct Analysis {
    pub path: PathBuf,
    pub text: String,
    pub file: config::AnalysisFile,
    pub plans: Vec<plan::SamplePlan>,
    /// Notes for the user (optional samples skipped).
    pub warnings: Vec<String>,
    /// Every `${NAME}` of the file with the value used and where it came from (recorded in
    /// `provenance.json`: a rerun needs the same values).
    pub variables: Vec<(String, Option<(String, resolve::ValueOrigin)>)>,
}

impl Analysis {
    /// Reads and compiles an analysis file: every expression is parsed and
    /// type-checked against the samples' trees before any event is read.
    pub fn load(path: &Path) -> Result<Analysis> {
        Self::load_with(path, &[])
    }

    /// [`Analysis::load`] with `${NAME}` values for the file patterns.
    pub fn load_with(path: &Path, variables: &[(String, String)]) -> Result<Analysis> {
        Self::load_slice(path, variables, None)
    }

    /// [`Analysis::load_with`] for a partial run over `slice`: the other files are opened only for
    /// their entries, and cannot be run.
    pub fn load_slice(
        path: &Path,
        variables: &[(String, String)],
        slice: Option<&resolve::Slice>,
    ) -> Result<Analysis> {
        let text = read_analysis_file(path)?;
        Self::from_text_slice(path, text, variables, slice)
    }

    /// [`Analysis::load_with`] of a text held in memory; `path` names it in messages, and
    /// relative paths written in it are relative to `path`'s folder.
    pub fn from_text(
        path: &Path,
        text: String,
        variables: &[(String, String)],
    ) -> Result<Analysis> {
        Self::from_text_slice(path, text, variables, None)
    }

    fn from_text_slice(
        path: &Path,
        text: String,
        variables: &[(String, String)],
        slice: Option<&resolve::Slice>,
    ) -> Result<Analysis> {
        let source = error::SourceFile {
            path: path.display().to_string(),
            text: text.clone(),
        };
        let file: config::AnalysisFile = toml::from_str(&text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let before = &text[..s.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("{line}:{col}: ")
                })
                .unwrap_or_default();
            Error::Config(format!("{}:{at}{}", path.display(), e.message()))
        })?;
        check_variables(path, &text, &file, variables)?;
        // A bad plot format is reported before any event is read.
        output::plot_formats(&file)
            .map_err(|e| Error::Config(format!("{}: {e}", path.display())))?;
        let base = path.parent().unwrap_or(Path::new("."));
        validate::validate(&file, &source.path)?;
        let (samples, warnings) = resolve::resolve(&file, &source, base, variables, slice)?;
        let plans = plan::compile(&file, &source, samples)?;
        let variables = declared_variables(&text, &file)
            .into_iter()
            .map(|n| {
                let v = resolve::lookup(&n, variables, &file.variables);
                (n, v)
            })
            .collect();
        Ok(Analysis {
            path: path.to_path_buf(),
            text,
            file,
            plans,
            warnings,
            variables,
        })
    }

    /// Total entries of every sample.
    pub fn entries(&self) -> u64 {
        self.plans.iter().map(|p| p.entries).sum()
    }

    /// Runs the analysis; `progress` receives the entries of each finished chunk.
    pub fn run(&self, progress: &(dyn Fn(u64) + Sync)) -> Result<run::RunResult> {
        run::execute(&self.file, &self.plans, progress)
    }

    /// Writes every output into `dir` (created if needed); see [`Analysis::write_outputs_to`].
    pub fn write_outputs(&self, result: &run::RunResult, dir: &Path, plots: bool) -> Result<()> {
        self.write_outputs_to(result, prepare_output(dir)?, plots)
    }

    /// Writes every output into a prepared output directory: all of them into its staging
    /// directory, then swapped in with `provenance.json` last, so the directory never mixes two
    /// runs (a directory without `provenance.json` holds an interrupted one) and keeps no plot
    /// of an earlier run. The outputs are made from the run's partial result, as `hepkey merge`
    /// makes them from partial results: the same bytes either way.
    pub fn write_outputs_to(
        &self,
        result: &run::RunResult,
        out: OutputDir,
        plots: bool,
    ) -> Result<()> {
        let partial = partial::Partial::of_run(self, result)?;
        skim::write(&self.file, result, out.staging())?;
        output::write_final(&partial, out, plots, false)?;
        Ok(())
    }

    /// Runs the files `selection` names.
    pub fn run_selected(
        &self,
        selection: &run::FileSelection,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<run::RunResult> {
        run::execute_selected(&self.file, &self.plans, selection, progress)
    }

    /// The configuration of each sample run (those with files), in analysis-file order.
    pub fn sample_configs(&self) -> Vec<config::SampleConfig> {
        self.plans.iter().map(|p| p.config.clone()).collect()
    }
}

pub use hepkey_output::OutputDir;

/// Locks and prepares an output directory before a run, so a busy, unwritable or mistaken one
/// (an existing file) is reported before any event is read.
pub fn prepare_output(dir: &Path) -> Result<OutputDir> {
    OutputDir::prepare(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })
}

/// Analysis files larger than this are refused: real ones are a few kilobytes, and the whole
/// text is held in memory and parsed.
pub const MAX_ANALYSIS_FILE_BYTES: u64 = 16 << 20;

/// Reads an analysis file that is a regular file of sensible size (a directory, a pipe or
/// `/dev/zero` would otherwise give an obscure error, a hang, or unbounded memory).
fn read_analysis_file(path: &Path) -> Result<String> {
    let io = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(Error::Config(format!(
            "{} is a directory; name the analysis file (.toml) in it",
            path.display()
        )));
    }
    if !meta.is_file() {
        return Err(Error::Config(format!(
            "{} is not a regular file (a pipe or a device?); give the analysis file itself",
            path.display()
        )));
    }
    if meta.len() > MAX_ANALYSIS_FILE_BYTES {
        return Err(Error::Config(format!(
            "{} is {} bytes; an analysis file may have at most {MAX_ANALYSIS_FILE_BYTES}",
            path.display(),
            meta.len()
        )));
    }
    std::fs::read_to_string(path).map_err(io)
}

/// Every `${NAME}` an analysis file uses, in order of first use, then the `[variables]` it
/// declares without using.
fn declared_variables(text: &str, file: &config::AnalysisFile) -> Vec<String> {
    let mut names = resolve::variable_names(text);
    for name in file.variables.keys() {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

/// Rejects a `--set NAME` the analysis file never uses: a misspelt name would otherwise leave
/// the file's default in place without a word.
fn check_variables(
    path: &Path,
    text: &str,
    file: &config::AnalysisFile,
    variables: &[(String, String)],
) -> Result<()> {
    let known = declared_variables(text, file);
    for (name, _) in variables {
        if !known.contains(name) {
            let uses = if known.is_empty() {
                "it uses no ${NAME} variables".to_string()
            } else {
                format!("it uses {}", known.join(", "))
            };
            return Err(Error::Config(format!(
                "--set {name}: {} has no variable {name:?}; {uses}",
                path.display()
            )));
        }
    }
    Ok(())
}

/// Sets the number of worker threads (before the first run).
pub fn set_threads(n: usize) -> std::result::Result<(), String> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n.max(1))
        .build_global()
        .map_err(|e| e.to_string())
}
