//! `hepkey rename WS [-c OLD NEW | -c OLD:NEW] [-s …] [-m …] [--measurement …] [-o OUT]`:
//! `pyhf rename`.

use super::common::{emit_workspace, load_workspace};
use anyhow::{bail, Result};
use hepkey_stats::workspace::operations::{rename, Rename};
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey rename ../shared/reference/agc/workspace_1file.json -c \"4j2b SR\" SR -s ttbar tt -o renamed.json"
)]
pub struct Args {
    /// Workspace (file or ARCHIVE.tar.gz/member)
    pub workspace: String,
    /// Channel renaming: OLD NEW (as pyhf) or OLD:NEW (repeatable)
    #[arg(short, long, num_args = 1..=2, value_names = ["OLD", "NEW"], action = clap::ArgAction::Append)]
    pub channel: Vec<String>,
    /// Sample renaming: OLD NEW or OLD:NEW (repeatable)
    #[arg(short, long, num_args = 1..=2, value_names = ["OLD", "NEW"], action = clap::ArgAction::Append)]
    pub sample: Vec<String>,
    /// Modifier renaming (also in measurement parameter configs and the POI)
    #[arg(short, long, num_args = 1..=2, value_names = ["OLD", "NEW"], action = clap::ArgAction::Append)]
    pub modifier: Vec<String>,
    /// Measurement renaming
    #[arg(long, num_args = 1..=2, value_names = ["OLD", "NEW"], action = clap::ArgAction::Append)]
    pub measurement: Vec<String>,
    /// Output workspace (default: standard output)
    #[arg(short, long = "output-file", visible_alias = "output")]
    pub output: Option<PathBuf>,
}

/// Pairs from `OLD NEW` or `OLD:NEW` values (later renamings of a name win, as in pyhf).
fn pairs(option: &str, values: &[String]) -> Result<HashMap<String, String>> {
    let mut map = HashMap::new();
    let mut i = 0;
    while i < values.len() {
        if let Some((old, new)) = values[i].split_once(':') {
            map.insert(old.to_string(), new.to_string());
            i += 1;
        } else if i + 1 < values.len() {
            map.insert(values[i].clone(), values[i + 1].clone());
            i += 2;
        } else {
            bail!("--{option} {:?}: expected OLD NEW or OLD:NEW", values[i]);
        }
    }
    Ok(map)
}

pub fn run(args: Args) -> Result<()> {
    if let Some(out) = &args.output {
        super::common::check_output_file(out, "renamed.json")?;
    }
    let (_ws, value) = load_workspace(&args.workspace)?;
    let what = Rename {
        channels: pairs("channel", &args.channel)?,
        samples: pairs("sample", &args.sample)?,
        modifiers: pairs("modifier", &args.modifier)?,
        measurements: pairs("measurement", &args.measurement)?,
    };
    let out = rename(&value, &what, &args.workspace)?;
    emit_workspace(&out, args.output.as_deref())
}
