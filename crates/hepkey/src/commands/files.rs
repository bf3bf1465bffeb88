//! `hepkey files ANALYSIS.toml`: each sample's input files as resolved, in the order `--file-range`
//! counts them (for cutting a run into partial runs).

use anyhow::Result;
use hepkey_analysis::Analysis;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
hepkey files examples/zmumu/zmumu.toml\n  \
hepkey files examples/agc/ttbar.toml --json\n\n\
Without --json: one line per sample, its name and number of files, then the files with their\n\
indices. With --json: [{\"sample\": NAME, \"files\": [PATH, ...]}, ...] (paths as the run opens them).")]
pub struct Args {
    /// The analysis file (TOML).
    pub analysis: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Set a `${NAME}` used in the analysis file (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

pub fn run(args: Args) -> Result<()> {
    let variables = super::run::parse_set(&args.set)?;
    let analysis = Analysis::load_with(&args.analysis, &variables)?;
    for w in &analysis.warnings {
        eprintln!("warning: {w}");
    }
    if args.json {
        let list: Vec<serde_json::Value> = analysis
            .plans
            .iter()
            .map(|p| {
                let files: Vec<String> = p.files.iter().map(|f| f.display().to_string()).collect();
                serde_json::json!({ "sample": p.config.name, "files": files })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    for p in &analysis.plans {
        println!("{}\t{} file(s)", p.config.name, p.files.len());
        for (i, f) in p.files.iter().enumerate() {
            println!("  {i}\t{}", f.display());
        }
    }
    Ok(())
}
