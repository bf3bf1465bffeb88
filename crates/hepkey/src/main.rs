//! `hepkey`: a thin command-line layer over the hepkey crates.
//!
//! Each subcommand lives in its own module under `commands/`; this file only
//! declares the command tree and dispatches.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hepkey",
    version,
    about = "Particle-physics open data in one small, fast, offline program",
    after_help = "Examples:\n  hepkey demo\n  hepkey inspect ../shared/data/root/uproot-HZZ.root\n  hepkey scan ../shared/data/root/uproot-HZZ.root:events -b NJet,Jet_Px -n 5\n  hepkey run examples/zmumu/zmumu.toml -o out/zmumu\n  hepkey cls ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json -p ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/patch.sbottom_1300_205_60.json"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the objects of a ROOT file: trees with their branches, histograms.
    Inspect(commands::inspect::Args),
    /// Print branch values entry by entry, like TTree::Scan.
    Scan(commands::scan::Args),
    /// Run an analysis file: histograms with systematics, cutflow, plots.
    Run(commands::run::Args),
    /// Merge partial results (`hepkey run --files-of`) into the outputs of one run, exactly.
    Merge(commands::merge::Args),
    /// Check a run's inputs, rerun it and confirm its outputs are byte-identical.
    Rerun(commands::rerun::Args),
    /// List each sample's input files (for cutting a run into partial runs).
    Files(commands::files::Args),
    /// See the Higgs boson appear: H → γγ on generated ATLAS Open Data samples.
    Demo(commands::demo::Args),
    /// The open-data catalog (ATLAS, AGC, HEPData) and verified downloads: list, search, info, get, verify, refresh.
    Data(commands::data::Args),
    /// The offline key: a folder for a USB stick with hepkey, docs, examples and datasets (build, verify).
    Key(commands::key::Args),
    /// Generate ATLAS Open Data 13 TeV samples (H → γγ, Z → ℓℓ, H → ZZ* → 4ℓ, W → ℓν).
    Generate(commands::generate::Args),
    /// Summarise a pyhf JSON workspace: channels, samples, parameters, measurements.
    #[command(name = "inspect-ws")]
    InspectWs(commands::stats::inspect_ws::Args),
    /// Maximum-likelihood fit of a workspace (best fit, uncertainties, correlations).
    Fit(commands::stats::fit::Args),
    /// Asymptotic CLs at one POI value (keys CLs_obs, CLs_exp as `pyhf cls`).
    Cls(commands::stats::cls::Args),
    /// Observed and expected upper limits on the POI at CLs = 0.05.
    Limit(commands::stats::limit::Args),
    /// Discovery p-value and significance (q0).
    Significance(commands::stats::significance::Args),
    /// Pulls and impacts of nuisance parameters on the POI; ranking plot with -o.
    Ranking(commands::stats::ranking::Args),
    /// Build a pyhf workspace from histograms and a TOML fit configuration.
    Workspace(commands::stats::workspace::Args),
    /// Apply a JSON patch (or a PatchSet entry) to a workspace.
    Patch(commands::stats::patch::Args),
    /// Remove channels, samples, modifiers or measurements from a workspace (`pyhf prune`).
    Prune(commands::stats::prune::Args),
    /// Rename channels, samples, modifiers or measurements (`pyhf rename`).
    Rename(commands::stats::rename::Args),
    /// Combine two workspaces (`pyhf combine`).
    Combine(commands::stats::combine::Args),
    /// Digest of a workspace as `pyhf digest` computes it.
    Digest(commands::stats::digest::Args),
    /// Sort a workspace's components by name (`pyhf sort`).
    Sort(commands::stats::sort::Args),
    /// Write a Snakemake workflow (Slurm, HTCondor, REANA) running the analysis in slices of files.
    Workflow(commands::workflow::Args),
    /// Serve the page (hepkey in the browser, offline) and, read-only, the ROOT files under a directory.
    Serve(commands::serve::Args),
}

fn main() -> ExitCode {
    // Piping into `head` should end quietly, as other Unix tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal at start-up.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    hepkey_root::memory::keep_freed_memory();
    hepkey_root::memory::report_truncated_inputs();
    hepkey_output::install_signal_cleanup();
    hepkey_root::write::set_temporary_file_hook(hepkey_output::track_temporary);
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Merge(args) => commands::merge::run(args),
        Command::Rerun(args) => commands::rerun::run(args),
        Command::Files(args) => commands::files::run(args),
        Command::Demo(args) => commands::demo::run(args),
        Command::Data(args) => commands::data::run(args),
        Command::Key(args) => commands::key::run(args),
        Command::Generate(args) => commands::generate::run(args),
        Command::InspectWs(args) => commands::stats::inspect_ws::run(args),
        Command::Fit(args) => commands::stats::fit::run(args),
        Command::Cls(args) => commands::stats::cls::run(args),
        Command::Limit(args) => commands::stats::limit::run(args),
        Command::Significance(args) => commands::stats::significance::run(args),
        Command::Ranking(args) => commands::stats::ranking::run(args),
        Command::Workspace(args) => commands::stats::workspace::run(args),
        Command::Patch(args) => commands::stats::patch::run(args),
        Command::Prune(args) => commands::stats::prune::run(args),
        Command::Rename(args) => commands::stats::rename::run(args),
        Command::Combine(args) => commands::stats::combine::run(args),
        Command::Digest(args) => commands::stats::digest::run(args),
        Command::Sort(args) => commands::stats::sort::run(args),
        Command::Workflow(args) => commands::workflow::run(args),
        Command::Serve(args) => commands::serve::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", message(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes in one line. hepkey's library errors already end with their cause, so a
/// cause is added only when the line does not say it yet (anyhow's `{:#}` would repeat it).
fn message(err: &anyhow::Error) -> String {
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let cause = cause.to_string();
        if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line
}
