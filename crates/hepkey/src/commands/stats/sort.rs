//! `hepkey sort WS [-o OUT]`: `pyhf sort`, the workspace with channels, samples,
//! modifiers, measurements, parameter configs and observations in name order.

use super::common::{emit_workspace, load_workspace};
use anyhow::Result;
use hepkey_stats::workspace::operations::sort_in_place;
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
    // Sorted in place: a copy of a large workspace's JSON tree doubles the memory.
    let (ws, mut value) = load_workspace(&args.workspace)?;
    drop(ws);
    sort_in_place(&mut value);
    emit_workspace(&value, args.output.as_deref())
}
