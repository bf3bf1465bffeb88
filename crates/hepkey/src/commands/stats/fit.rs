//! `hepkey fit`: maximum-likelihood fit with uncertainties and correlations.

use super::common::{print_json, WorkspaceArgs};
use anyhow::{Context, Result};
use hepkey_stats::fit::{fit, fixed_poi_fit, FitOptions};
use hepkey_stats::yields;
use std::path::PathBuf;

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
    /// Also print pre- and post-fit yield tables (total uncertainty from the covariance)
    #[arg(long)]
    pub yields: bool,
    /// Write pre- and post-fit plots per channel to this directory
    /// (DIR/{channel}_prefit.png/.svg, DIR/{channel}_postfit.png/.svg; see --format)
    #[arg(long, value_name = "DIR")]
    pub plots: Option<PathBuf>,
    /// Formats of the --plots figures, comma-separated: png, svg, pdf
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "png,svg",
        requires = "plots"
    )]
    pub format: Vec<String>,
    /// Fit configuration (TOML) giving the channels' bin edges and variable names for
    /// --plots (default: bin numbers)
    #[arg(long, requires = "plots")]
    pub config: Option<PathBuf>,
}

fn yields_json(tables: &[hepkey_stats::yields::ChannelYields]) -> serde_json::Value {
    serde_json::Value::Array(
        tables
            .iter()
            .map(|c| {
                serde_json::json!({
                    "channel": c.name,
                    "samples": c.samples.iter().map(|(n, y)| serde_json::json!({"name": n, "yields": y})).collect::<Vec<_>>(),
                    "total": c.total, "total_uncertainty": c.total_uncertainty, "data": c.data,
                })
            })
            .collect(),
    )
}

fn print_yields(title: &str, tables: &[hepkey_stats::yields::ChannelYields]) {
    println!("\n{title}");
    for c in tables {
        println!("  {}", c.name);
        for (name, y) in &c.samples {
            let cells: Vec<String> = y.iter().map(|v| format!("{v:>16.2}")).collect();
            println!(
                "    {:<28}{}   | {:>11.2}",
                name,
                cells.join(""),
                y.iter().sum::<f64>()
            );
        }
        let tot: Vec<String> = c
            .total
            .iter()
            .zip(&c.total_uncertainty)
            .map(|(t, u)| format!("{:>16}", format!("{t:.1}±{u:.1}")))
            .collect();
        println!("    {:<28}{}", "total", tot.join(""));
        let data: Vec<String> = c.data.iter().map(|v| format!("{v:>16.1}")).collect();
        println!("    {:<28}{}", "data", data.join(""));
    }
}

pub fn run(args: Args) -> Result<()> {
    let formats = args
        .format
        .iter()
        .map(|f| hepkey_plot::Format::parse(f.trim()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
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
    let config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Some(hepkey_stats::config::FitConfig::from_toml(
                &text,
                &path.display().to_string(),
            )?)
        }
        None => None,
    };
    let tables = (args.yields || args.plots.is_some()).then(|| {
        let prefit = yields::yield_table(
            &model,
            &data,
            &model.suggested_init(),
            &yields::prefit_covariance(&model),
        );
        let postfit = yields::yield_table(
            &model,
            &data,
            &res.bestfit,
            res.covariance.as_deref().unwrap_or(&[]),
        );
        (prefit, postfit)
    });
    if let (Some(dir), Some((pre, post))) = (&args.plots, &tables) {
        let written = super::fit_plots::write_plots(dir, config.as_ref(), pre, post, &formats)?;
        eprintln!("wrote {} plots to {}", written.len(), dir.display());
    }
    let tables = tables.filter(|_| args.yields);
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
            "yields": tables.as_ref().map(|(pre, post)| serde_json::json!({"prefit": yields_json(pre), "postfit": yields_json(post)})),
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
    if let Some((pre, post)) = &tables {
        print_yields("pre-fit yields", pre);
        print_yields("post-fit yields", post);
    }
    Ok(())
}
