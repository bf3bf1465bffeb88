//! `hepkey workspace CONFIG.toml HISTOGRAMS.json -o WS.json`: a pyhf workspace from
//! histograms and a fit configuration (what cabinetry's templates → workspace does).

use super::common::write_atomic;
use anyhow::Result;
use hepkey_stats::config::{build_workspace, FitConfig, HistogramSet};
use hepkey_stats::workspace::archive::read_file;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey workspace examples/agc/fit.toml ../shared/reference/agc/agc_histos_1file.json -o ws.json"
)]
pub struct Args {
    /// Fit configuration (TOML; see examples/agc/fit.toml)
    pub config: PathBuf,
    /// Histograms: the histograms.json of `hepkey run` or `hepkey merge`, or {key: {contents, edges, variances?}}
    pub histograms: PathBuf,
    /// Output workspace
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    super::common::check_output_file(&args.output, "workspace.json")?;
    let cfg_text = read_file(&args.config.display().to_string())?;
    let cfg = FitConfig::from_toml(&cfg_text, &args.config.display().to_string())?;
    let hist_text = read_file(&args.histograms.display().to_string())?;
    let hists = HistogramSet::from_str(&hist_text, &args.histograms.display().to_string())?;
    let ws = build_workspace(&cfg, &hists)?;
    let text = serde_json::to_string_pretty(&ws.to_value())?;
    write_atomic(&args.output, text.as_bytes())?;
    eprintln!(
        "wrote {} ({} channels, {} samples)",
        args.output.display(),
        ws.channels.len(),
        ws.channels.iter().map(|c| c.samples.len()).sum::<usize>()
    );
    Ok(())
}
