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
    after_help = "Examples:\n  hepkey demo\n  hepkey inspect ../shared/data/root/uproot-HZZ.root\n  hepkey scan ../shared/data/root/uproot-HZZ.root:events -b NJet,Jet_Px -n 5\n  hepkey run examples/zmumu/zmumu.toml -o out/zmumu"
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
    /// See the Higgs boson appear: H → γγ on generated ATLAS Open Data samples.
    Demo(commands::demo::Args),
}

fn main() -> ExitCode {
    // Piping into `head` should end quietly, as other Unix tools do.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of a signal at start-up.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Scan(args) => commands::scan::run(args),
        Command::Run(args) => commands::run::run(args),
        Command::Demo(args) => commands::demo::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
