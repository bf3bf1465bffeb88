//! `hepkey limit`: observed and expected upper limits on the POI at CLs = 0.05.

use super::common::{print_json, WorkspaceArgs};
use anyhow::Result;
use hepkey_stats::infer::{
    upper_limit, AsymptoticCalculator, LimitValue, TestStatistic, UpperLimitOptions,
};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey limit ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json -p ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/patch.sbottom_1300_205_60.json\n  hepkey limit ../shared/reference/agc/workspace_1file.json --json"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// CLs level
    #[arg(long, default_value_t = 0.05)]
    pub level: f64,
    /// Print JSON (obs, exp [-2σ..+2σ]; null where the limit is above the POI bound)
    #[arg(long)]
    pub json: bool,
}

fn show(v: &LimitValue) -> String {
    match v {
        LimitValue::Value(x) => format!("{x:.6}"),
        LimitValue::AboveBound(b) => format!("> {b} (above the POI upper bound)"),
    }
}

pub fn run(args: Args) -> Result<()> {
    // CLs = level defines the limit: 0 and 1 have no crossing, NaN none at all.
    if !(args.level > 0.0 && args.level < 1.0) {
        anyhow::bail!(
            "--level {}: the CLs level must be a number between 0 and 1, both excluded \
             (0.05 for a 95% CL limit)",
            args.level
        );
    }
    let (_ws, model, data) = args.ws.load()?;
    let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde)?;
    let spinner = super::progress::Spinner::new("upper limit: hypothesis tests");
    let lim = upper_limit(
        &mut calc,
        &UpperLimitOptions {
            level: args.level,
            ..Default::default()
        },
    )?;
    drop(spinner);
    if args.json {
        let names = ["obs", "exp_-2", "exp_-1", "exp_0", "exp_+1", "exp_+2"];
        let all = std::iter::once(&lim.obs).chain(lim.exp.iter());
        let above: Vec<&str> = all
            .zip(names)
            .filter(|(v, _)| matches!(v, LimitValue::AboveBound(_)))
            .map(|(_, n)| n)
            .collect();
        let poi = model.require_poi()?;
        return print_json(&serde_json::json!({
            "obs": lim.obs.value(),
            "exp": lim.exp.iter().map(|v| v.value()).collect::<Vec<_>>(),
            "above_poi_bound": above,
            "poi_upper_bound": model.suggested_bounds()[poi].1,
            "level": args.level,
        }));
    }
    println!("observed upper limit:  {}", show(&lim.obs));
    for (label, v) in ["-2σ", "-1σ", "median", "+1σ", "+2σ"].iter().zip(&lim.exp) {
        println!("expected {label:>7}:      {}", show(v));
    }
    Ok(())
}
