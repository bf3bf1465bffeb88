//! `hepkey fit`: maximum-likelihood fit with uncertainties and correlations.

use super::common::{print_json, WorkspaceArgs};
use anyhow::Result;
use hepkey_stats::fit::{fit, fixed_poi_fit, FitOptions};

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Hold the POI at this value
    #[arg(long)]
    pub fix_poi: Option<f64>,
    /// Print JSON (bestfit, uncertainty, labels, twice_nll, corr_mat)
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let (_ws, model, data) = args.ws.load()?;
    let opts = FitOptions {
        uncertainties: true,
        ..Default::default()
    };
    let res = match args.fix_poi {
        Some(mu) => fixed_poi_fit(&model, &data, mu, &opts)?,
        None => fit(&model, &data, &opts)?,
    };
    let labels = model.par_names();
    let unc = res.uncertainties.clone().unwrap_or_default();
    if args.json {
        let n = labels.len();
        let corr = res.correlations().unwrap_or_default();
        let corr_rows: Vec<Vec<f64>> = (0..n).map(|i| corr[i * n..(i + 1) * n].to_vec()).collect();
        return print_json(&serde_json::json!({
            "labels": labels,
            "bestfit": res.bestfit,
            "uncertainty": unc,
            "twice_nll": res.twice_nll,
            "corr_mat": corr_rows,
            "poi": model.poi_name(),
        }));
    }
    println!(
        "{:<50} {:>14} {:>12}",
        "parameter", "best fit", "uncertainty"
    );
    for (i, l) in labels.iter().enumerate() {
        println!("{:<50} {:>14.6} {:>12.6}", l, res.bestfit[i], unc[i]);
    }
    println!("\n-2 log L = {:.8}", res.twice_nll);
    Ok(())
}
