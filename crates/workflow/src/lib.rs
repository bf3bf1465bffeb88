//! # hepkey-workflow
//!
//! Writes a Snakemake workflow that runs one analysis file on an existing engine (a laptop, Slurm,
//! HTCondor, REANA) instead of a scheduler of hepkey's own: one job per slice of a sample's files
//! (`hepkey run --files-of S --file-range A..B`), a merge per sample, a final merge into
//! `results/`, and, with a fit configuration, the workspace, fit and limit.
//!
//! This crate only turns a [`Plan`] (what was resolved from the analysis file) into text: the
//! [`snakefile`], its [`config_yaml`] and a [`reana_yaml`]. Reading the analysis file is the CLI's
//! part, so the generation is tested here without files.

pub mod names;
pub mod reana;
pub mod slices;
pub mod snakefile;
mod text;

pub use reana::reana_yaml;
pub use slices::{slices, Slice};
pub use snakefile::{config_yaml, snakefile};

use std::path::PathBuf;

/// The one `hepkey` binary every job calls.
#[derive(Debug, Clone)]
pub struct Binary {
    /// Absolute path on the machine that wrote the workflow (a cluster may put it elsewhere
    /// and say so in `config.yaml`).
    pub path: PathBuf,
    pub version: String,
    /// sha256 of the binary's bytes, hex: every job refuses another binary.
    pub sha256: String,
}

/// A sample and how many input files it resolved to, in the order `hepkey run` reads them.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: String,
    pub files: usize,
}

/// Everything the workflow needs, resolved from the analysis file and the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    pub hepkey: Binary,
    /// The analysis file, absolute.
    pub analysis: PathBuf,
    /// `--set NAME=VALUE`, passed to every job in this order.
    pub sets: Vec<(String, String)>,
    pub samples: Vec<Sample>,
    pub files_per_job: usize,
    /// A fit configuration (absolute): adds the workspace, fit and limit.
    pub fit: Option<PathBuf>,
    /// Whether the analysis makes plots (the final merge then writes `results/plots/`).
    pub plots: bool,
}

/// Outputs of the final merge, in `results/`.
pub const RESULT_FILES: [&str; 4] = [
    "histograms.json",
    "histograms.root",
    "cutflow.json",
    "provenance.json",
];

/// Outputs of the fit steps, in `results/`.
pub const FIT_FILES: [&str; 3] = ["workspace.json", "fit.json", "limit.json"];

impl Plan {
    /// Files the workflow's last rule asks for, relative to the workflow directory.
    pub fn targets(&self) -> Vec<String> {
        let mut t: Vec<String> = RESULT_FILES
            .iter()
            .map(|f| format!("results/{f}"))
            .collect();
        if self.plots {
            t.push("results/plots".into());
        }
        if self.fit.is_some() {
            t.extend(FIT_FILES.iter().map(|f| format!("results/{f}")));
        }
        t
    }
}
