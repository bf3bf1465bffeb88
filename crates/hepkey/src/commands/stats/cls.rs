//! `hepkey cls`: asymptotic CLs at one POI value, as `pyhf cls`.

use super::common::{print_json, WorkspaceArgs};
use anyhow::{bail, Result};
use hepkey_stats::infer::{AsymptoticCalculator, Sensitivity, TestStatistic};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey cls ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json -p ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/patch.sbottom_1300_205_60.json\n  hepkey cls ../shared/reference/agc/workspace_1file.json --mu 0.5 --test-stat q"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// POI value tested (pyhf --test-poi)
    #[arg(long, alias = "test-poi", default_value_t = 1.0)]
    pub mu: f64,
    /// Test statistic: qtilde (default), q
    #[arg(long, default_value = "qtilde")]
    pub test_stat: String,
    /// Print JSON (keys CLs_obs, CLs_exp as pyhf); the default output is JSON too
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let (_ws, model, data) = args.ws.load()?;
    let ts = match TestStatistic::parse(&args.test_stat) {
        Some(TestStatistic::Q0) | None => bail!(
            "--test-stat must be qtilde or q (found {:?})",
            args.test_stat
        ),
        Some(t) => t,
    };
    let mut calc = AsymptoticCalculator::new(&model, &data, ts)?;
    let r = calc.hypotest(args.mu)?;
    if r.sensitivity == Sensitivity::None {
        eprintln!(
            "warning: no sensitivity to the POI at mu = {} (q_A = {:.2e}): CLs reported as 1",
            args.mu, r.q_asimov
        );
    }
    print_json(&serde_json::json!({"CLs_obs": r.cls_obs, "CLs_exp": r.cls_exp}))
}
