//! `hepkey fit`: maximum-likelihood fit with uncertainties and correlations.

use super::common::{print_json, WorkspaceArgs};
use anyhow::Result;
use hepkey_stats::config::FitConfig;
use hepkey_stats::fit::{fit, fixed_poi_fit, FitOptions};
use hepkey_stats::yields::{self, ChannelYields};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey fit ../shared/reference/agc/workspace_1file.json --yields\n  hepkey fit ../shared/reference/agc/workspace_1file.json --yields --config examples/agc/fit.toml --plots fit-plots\n  hepkey fit ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json --json"
)]
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
    /// --plots and --yields (default: bin numbers)
    #[arg(long)]
    pub config: Option<PathBuf>,
}

fn yields_json(tables: &[ChannelYields]) -> serde_json::Value {
    serde_json::Value::Array(
        tables
            .iter()
            .map(|c| {
                serde_json::json!({
                    "channel": c.name,
                    "samples": c.samples.iter().map(|(n, y)| serde_json::json!({"name": n, "yields": y})).collect::<Vec<_>>(),
                    "total": c.total, "total_uncertainty": c.total_uncertainty,
                    "total_sum": c.total_sum(), "total_sum_uncertainty": c.sum_uncertainty,
                    "data": c.data, "data_sum": c.data_sum(),
                })
            })
            .collect(),
    )
}

/// Column headers: bin edges from the fit configuration, else bin numbers from 1.
fn bin_headers(config: Option<&FitConfig>, c: &ChannelYields) -> Result<Vec<String>> {
    let binning = super::fit_plots::binning(config, &c.name, c.total.len())?;
    Ok(binning
        .edges
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            if binning.known {
                format!("[{}, {})", w[0], w[1])
            } else {
                format!("bin {}", i + 1)
            }
        })
        .collect())
}

fn print_yields(title: &str, tables: &[ChannelYields], config: Option<&FitConfig>) -> Result<()> {
    println!("\n{title}");
    for c in tables {
        // The name column fits the longest sample name ("total" and "data" at least).
        let width = c
            .samples
            .iter()
            .map(|(n, _)| n.chars().count())
            .chain([5])
            .max()
            .unwrap_or(5);
        let pm = |v: f64, u: f64| format!("{v:.1}±{u:.1}");
        let mut rows: Vec<(&str, Vec<String>, String)> =
            vec![("", bin_headers(config, c)?, "sum".into())];
        for (name, y) in &c.samples {
            let cells = y.iter().map(|v| format!("{v:.2}")).collect();
            rows.push((name, cells, format!("{:.2}", y.iter().sum::<f64>())));
        }
        let tot = c
            .total
            .iter()
            .zip(&c.total_uncertainty)
            .map(|(&t, &u)| pm(t, u))
            .collect();
        rows.push(("total", tot, pm(c.total_sum(), c.sum_uncertainty)));
        let data = c.data.iter().map(|v| format!("{v:.1}")).collect();
        rows.push(("data", data, format!("{:.1}", c.data_sum())));
        // Columns as wide as their widest cell, two spaces apart.
        let cell = rows
            .iter()
            .flat_map(|(_, cells, sum)| cells.iter().chain([sum]))
            .map(|s| s.chars().count() + 2)
            .max()
            .unwrap_or(8);
        println!("  {}", c.name);
        for (name, cells, sum) in rows {
            let cells: String = cells.iter().map(|s| format!("{s:>cell$}")).collect();
            println!("    {name:<width$}{cells}   | {sum:>cell$}");
        }
    }
    Ok(())
}

pub fn run(args: Args) -> Result<()> {
    let formats = args
        .format
        .iter()
        .map(|f| hepkey_plot::Format::parse(f.trim()))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    // Inputs and outputs are checked before the fit, which can take long.
    if let Some(dir) = &args.plots {
        if dir.exists() && !dir.is_dir() {
            anyhow::bail!(
                "--plots {}: exists and is not a directory; give a directory for the plots",
                dir.display()
            );
        }
    }
    let config = match &args.config {
        Some(path) => {
            let text = hepkey_stats::workspace::archive::read_file(&path.display().to_string())?;
            Some(FitConfig::from_toml(&text, &path.display().to_string())?)
        }
        None => None,
    };
    let (_ws, model, data) = args.ws.load()?;
    let opts = FitOptions {
        uncertainties: true,
        ..Default::default()
    };
    let spinner = super::progress::Spinner::new(format!("fitting {} parameters", model.n_pars()));
    let res = match args.fix_poi {
        Some(mu) => fixed_poi_fit(&model, &data, mu, &opts)?,
        None => fit(&model, &data, &opts)?,
    };
    drop(spinner);
    let labels = model.par_names();
    let unc = res.uncertainties.clone().unwrap_or_default();
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
        print_yields("pre-fit yields", pre, config.as_ref())?;
        print_yields("post-fit yields", post, config.as_ref())?;
    }
    Ok(())
}
