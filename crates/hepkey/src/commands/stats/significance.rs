//! `hepkey significance`: discovery p-value and significance (q0 test of μ = 0).

use super::common::{print_json, WorkspaceArgs};
use anyhow::Result;
use hepkey_stats::infer::significance;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey significance ../shared/reference/agc/workspace_1file.json"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let (_ws, model, data) = args.ws.load()?;
    let s = significance(&model, &data)?;
    if args.json {
        return print_json(&serde_json::json!({
            "p0_obs": s.p0_obs, "Z_obs": s.z_obs, "p0_exp": s.p0_exp, "Z_exp": s.z_exp, "q0": s.q0, "mu_hat": s.mu_hat,
        }));
    }
    println!("observed: p0 = {:.6e}, Z = {:.4}", s.p0_obs, s.z_obs);
    println!(
        "expected: p0 = {:.6e}, Z = {:.4} (median, for mu = 1)",
        s.p0_exp[2], s.z_exp[2]
    );
    Ok(())
}
