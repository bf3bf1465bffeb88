//! `hepkey patch`: apply an RFC 6902 patch (or a named patch of a pyhf PatchSet,
//! after verifying its digest) to a whole workspace and write the result.

use super::common::{load_workspace, write_atomic};
use anyhow::{Context, Result};
use hepkey_stats::workspace::archive::read_document;
use hepkey_stats::{JsonPatch, PatchSet, Workspace};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey patch ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/patch.sbottom_1300_205_60.json -o signal.json"
)]
pub struct Args {
    /// Workspace (file or ARCHIVE.tar.gz/member)
    pub workspace: String,
    /// JSON patch file, or a PatchSet with --patch-name
    pub patch: String,
    /// Patch name when PATCH is a pyhf PatchSet
    #[arg(long = "patch-name")]
    pub patch_name: Option<String>,
    /// Output workspace
    #[arg(short, long)]
    pub output: PathBuf,
}

pub fn run(args: Args) -> Result<()> {
    super::common::check_output_file(&args.output, "patched.json")?;
    let (_ws, value) = load_workspace(&args.workspace)?;
    let text = read_document(&args.patch)?;
    let mut out = value.clone();
    match &args.patch_name {
        Some(name) => {
            let set = PatchSet::from_str(&text, &args.patch)?;
            out = set.apply(&value, name)?;
        }
        None => JsonPatch::from_str(&text, &args.patch)?.apply(&mut out)?,
    }
    // Observations of channels the patch removed would make the result invalid.
    let channels: Vec<String> = out["channels"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    if let Some(obs) = out.get_mut("observations").and_then(|o| o.as_array_mut()) {
        obs.retain(|o| {
            o["name"]
                .as_str()
                .is_some_and(|n| channels.iter().any(|c| c == n))
        });
    }
    Workspace::from_value(&out, "patched workspace")
        .context("the patched workspace is not valid")?;
    let text = serde_json::to_string_pretty(&out)?;
    write_atomic(&args.output, text.as_bytes())?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}
