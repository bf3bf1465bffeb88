//! `hepkey ranking`: pulls and impacts of the nuisance parameters on the POI,
//! printed as a table (or JSON) and drawn as a ranking plot with `-o plot.png|svg`.

use super::common::{print_json, WorkspaceArgs};
use anyhow::{Context, Result};
use hepkey_stats::ranking::{ranking, Impact};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey ranking ../shared/reference/agc/workspace_1file.json -o ranking.png --max 10"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Ranking plot (PNG or SVG by extension)
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
    let (_ws, model, data) = args.ws.load()?;
    let (nominal, impacts) = ranking(&model, &data)?;
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

fn draw(path: &Path, impacts: &[&Impact], poi: &str) -> Result<()> {
    super::super::plot_font::register();
    let h = 120 + 28 * impacts.len() as u32;
    let is_svg = path.extension().is_some_and(|e| e == "svg");
    // Write beside the target and rename, so a failed draw leaves no half file.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let tmp_named = if is_svg {
        tmp.with_extension("svg")
    } else {
        tmp.with_extension("png")
    };
    if is_svg {
        let root = SVGBackend::new(&tmp_named, (900, h)).into_drawing_area();
        chart(&root, impacts, poi)?;
        root.present()?;
    } else {
        let root = BitMapBackend::new(&tmp_named, (900, h)).into_drawing_area();
        chart(&root, impacts, poi)?;
        root.present()?;
    }
    std::fs::rename(&tmp_named, path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn chart<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    impacts: &[&Impact],
    poi: &str,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let n = impacts.len().max(1);
    let reach = impacts
        .iter()
        .flat_map(|i| {
            [
                i.postfit_up,
                i.postfit_down,
                i.prefit_up.unwrap_or(0.0),
                i.prefit_down.unwrap_or(0.0),
            ]
        })
        .fold(1e-9f64, |a, b| a.max(b.abs()))
        * 1.15;
    let labels: Vec<String> = impacts.iter().map(|i| i.label.clone()).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(format!("Impact on {poi}"), ("sans-serif", 22))
        .margin(10)
        .x_label_area_size(40)
        .y_label_area_size(300)
        .build_cartesian_2d(-reach..reach, 0f64..n as f64)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_desc(format!("Δ{poi} (filled: post-fit ±σ, open: pre-fit)"))
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // Parameter names to the left of the plotting area, one per row.
    let style =
        TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Right, VPos::Center));
    for (k, label) in labels.iter().enumerate() {
        let y = (n - 1 - k) as f64 + 0.5;
        let (px, py) = chart.plotting_area().map_coordinate(&(-reach, y));
        root.draw(&Text::new(label.clone(), (px - 8, py), style.clone()))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    for (k, i) in impacts.iter().enumerate() {
        let y = (n - 1 - k) as f64;
        let bar =
            |lo: f64, hi: f64, inset: f64| [(lo.min(hi), y + inset), (lo.max(hi), y + 1.0 - inset)];
        if let (Some(u), Some(d)) = (i.prefit_up, i.prefit_down) {
            chart
                .draw_series([
                    Rectangle::new(bar(0.0, u, 0.15), RGBColor(180, 200, 240).stroke_width(1)),
                    Rectangle::new(bar(0.0, d, 0.15), RGBColor(180, 240, 200).stroke_width(1)),
                ])
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        chart
            .draw_series([
                Rectangle::new(bar(0.0, i.postfit_up, 0.25), RGBColor(40, 90, 200).filled()),
                Rectangle::new(
                    bar(0.0, i.postfit_down, 0.25),
                    RGBColor(40, 160, 90).filled(),
                ),
            ])
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}
