//! `hepkey sort WS [-o OUT]`: `pyhf sort`, the workspace with channels, samples,
//! modifiers, measurements, parameter configs and observations in name order.

use super::common::{emit_workspace, load_workspace};
use anyhow::Result;
use hepkey_stats::workspace::operations::sorted;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey sort ../shared/reference/agc/workspace_1file.json -o sorted.json"
)]
pub struct Args {
    /// Workspace (file or ARCHIVE.tar.gz/member)
    pub workspace: String,
    /// Output workspace (default: standard output)
    #[arg(short, long = "output-file", visible_alias = "output")]
    pub output: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(out) = &args.output {
        super::common::check_output_file(out, "sorted.json")?;
    }
    let (_ws, value) = load_workspace(&args.workspace)?;
    emit_workspace(&sorted(&value), args.output.as_deref())
}
