//! `hepkey ranking`: pulls and impacts of the nuisance parameters on the POI,
//! printed as a table (or JSON) and drawn as a ranking plot with `-o plot.png|svg|pdf`.

use super::common::{print_json, WorkspaceArgs};
use anyhow::{Context, Result};
use hepkey_stats::ranking::{ranking, Impact};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey ranking ../shared/reference/agc/workspace_1file.json -o ranking.png --max 10"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Ranking plot (PNG, SVG or PDF by extension)
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Number of parameters shown in the plot
    #[arg(long, default_value_t = 20)]
    pub max: usize,
    /// Print JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    // An extension hepkey cannot write is refused before the (slow) fits.
    if let Some(out) = &args.output {
        hepkey_plot::Format::from_path(out)?;
        super::common::check_output_file(out, "ranking.png")?;
    }
    let (_ws, model, data) = args.ws.load()?;
    let spinner =
        super::progress::Spinner::new(format!("ranking: refits for {} parameters", model.n_pars()));
    let (nominal, impacts) = ranking(&model, &data)?;
    drop(spinner);
    let poi = model.require_poi()?;
    if args.json {
        print_json(&serde_json::json!({
            "poi": model.poi_name(),
            "bestfit": nominal.bestfit[poi],
            "uncertainty": nominal.uncertainties.as_ref().map(|u| u[poi]),
            "parameters": impacts.iter().map(|i| serde_json::json!({
                "name": i.label, "bestfit": i.bestfit, "uncertainty": i.uncertainty, "pull": i.pull,
                "prefit_up": i.prefit_up, "prefit_down": i.prefit_down,
                "postfit_up": i.postfit_up, "postfit_down": i.postfit_down,
            })).collect::<Vec<_>>(),
        }))?;
    } else {
        println!(
            "{:<45} {:>9} {:>9} {:>11} {:>11}",
            "parameter", "pull", "constr.", "impact +σ", "impact -σ"
        );
        for i in &impacts {
            println!(
                "{:<45} {:>9} {:>9.4} {:>11.5} {:>11.5}",
                i.label,
                i.pull
                    .map(|p| format!("{p:.4}"))
                    .unwrap_or_else(|| "-".into()),
                i.uncertainty,
                i.postfit_up,
                i.postfit_down
            );
        }
    }
    if let Some(out) = &args.output {
        let shown: Vec<&Impact> = impacts.iter().take(args.max).collect();
        draw(out, &shown, model.poi_name().unwrap_or("POI"))?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}

/// Draws the ranking with hepkey-plot, in the format the extension names (png, svg, pdf).
fn draw(path: &Path, impacts: &[&Impact], poi: &str) -> Result<()> {
    let fig = hepkey_plot::Ranking {
        poi: poi.to_string(),
        entries: impacts
            .iter()
            .map(|i| hepkey_plot::RankingEntry {
                label: i.label.clone(),
                postfit_up: i.postfit_up,
                postfit_down: i.postfit_down,
                prefit_up: i.prefit_up,
                prefit_down: i.prefit_down,
            })
            .collect(),
    };
    hepkey_plot::save(&fig, path, 900, fig.height(900))
        .with_context(|| format!("cannot write {}", path.display()))
}
