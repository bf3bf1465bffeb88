//! `hepkey combine WS1 WS2 [--join none|outer|'left outer'|'right outer'] [--merge-channels]
//! [-o OUT]`: `pyhf combine`.

use super::common::{emit_workspace, load_workspace};
use anyhow::Result;
use hepkey_stats::workspace::operations::{combine, Join};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey combine ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json ../shared/reference/agc/workspace_1file.json -o combined.json"
)]
pub struct Args {
    /// First workspace (file or ARCHIVE.tar.gz/member)
    pub workspace_one: String,
    /// Second workspace
    pub workspace_two: String,
    /// How items of the same name are joined
    #[arg(short, long, default_value = "none",
          value_parser = ["none", "outer", "left outer", "right outer"])]
    pub join: String,
    /// Join the samples of channels with the same name (outer joins only)
    #[arg(long)]
    pub merge_channels: bool,
    /// Output workspace (default: standard output)
    #[arg(short, long = "output-file", visible_alias = "output")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(out) = &args.output {
        super::common::check_output_file(out, "combined.json")?;
    }
    let (_a, one) = load_workspace(&args.workspace_one)?;
    let (_b, two) = load_workspace(&args.workspace_two)?;
    let join: Join = args.join.parse()?;
    let out = combine(&one, &two, join, args.merge_channels)?;
    emit_workspace(&out, args.output.as_deref())
}
