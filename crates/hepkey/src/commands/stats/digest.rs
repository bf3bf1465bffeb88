//! `hepkey digest WS [-a sha256|md5]... [--json]`: `pyhf digest`, the hash of the
//! workspace serialised as Python's `json.dumps(sort_keys=True)`.

use super::common::{load_workspace, print_json, sort_keys};
use anyhow::{Context, Result};
use hepkey_stats::workspace::digest::digest;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey digest ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json\n  hepkey digest ../shared/reference/agc/workspace_1file.json -a sha256 -a md5 --json"
)]
pub struct Args {
    /// Workspace (file or ARCHIVE.tar.gz/member)
    pub workspace: String,
    /// Hash algorithm (repeatable)
    #[arg(short, long, default_values = ["sha256"], value_parser = ["sha256", "md5"])]
    pub algorithm: Vec<String>,
    /// Print {algorithm: digest} as JSON instead of algorithm:digest lines
    #[arg(short, long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let (_ws, value) = load_workspace(&args.workspace)?;
    let mut digests = Vec::new();
    for alg in &args.algorithm {
        let d = digest(&value, alg).with_context(|| format!("unknown algorithm {alg}"))?;
        digests.push((alg.clone(), d));
    }
    if args.json {
        let map: serde_json::Map<String, serde_json::Value> = digests
            .into_iter()
            .map(|(a, d)| (a, serde_json::Value::String(d)))
            .collect();
        return print_json(&sort_keys(&serde_json::Value::Object(map)));
    }
    for (alg, d) in digests {
        println!("{alg}:{d}");
    }
    Ok(())
}
