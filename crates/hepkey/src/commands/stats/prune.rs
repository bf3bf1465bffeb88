//! `hepkey prune WS [-c CHANNEL] [-s SAMPLE] [-m MODIFIER] [-t TYPE] [--measurement M] [-o OUT]`:
//! `pyhf prune`.

use super::common::{emit_workspace, load_workspace};
use anyhow::Result;
use hepkey_stats::workspace::operations::{prune, Prune};
use std::path::PathBuf;

/// The seven HistFactory modifier types.
const MODIFIER_TYPES: [&str; 7] = [
    "histosys",
    "lumi",
    "normfactor",
    "normsys",
    "shapefactor",
    "shapesys",
    "staterror",
];

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey prune ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json -c VRtt_meff -s ttH -o pruned.json\n  hepkey prune ../shared/reference/agc/workspace_1file.json -t staterror -o no_staterror.json"
)]
pub struct Args {
    /// Workspace (file or ARCHIVE.tar.gz/member)
    pub workspace: String,
    /// Channel to remove, with its observation (repeatable)
    #[arg(short, long)]
    pub channel: Vec<String>,
    /// Sample to remove from every channel (repeatable)
    #[arg(short, long)]
    pub sample: Vec<String>,
    /// Modifier to remove by name, with its measurement parameter configs (repeatable)
    #[arg(short, long)]
    pub modifier: Vec<String>,
    /// Modifiers of this type to remove (repeatable)
    #[arg(short = 't', long = "modifier-type", value_parser = MODIFIER_TYPES)]
    pub modifier_type: Vec<String>,
    /// Measurement to remove (repeatable)
    #[arg(long)]
    pub measurement: Vec<String>,
    /// Output workspace (default: standard output)
    #[arg(short, long = "output-file", visible_alias = "output")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(out) = &args.output {
        super::common::check_output_file(out, "pruned.json")?;
    }
    let (_ws, value) = load_workspace(&args.workspace)?;
    let what = Prune {
        channels: args.channel,
        samples: args.sample,
        modifiers: args.modifier,
        modifier_types: args.modifier_type,
        measurements: args.measurement,
    };
    let out = prune(&value, &what, &args.workspace)?;
    emit_workspace(&out, args.output.as_deref())
}
