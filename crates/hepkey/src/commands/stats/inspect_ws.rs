//! `hepkey inspect-ws`: summary of a workspace like `pyhf inspect`.

use super::common::WorkspaceArgs;
use anyhow::Result;
use hepkey_stats::model::Constraint;

#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  hepkey inspect-ws ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz/RegionA/BkgOnly.json\n  hepkey inspect-ws ../shared/reference/agc/workspace_1file.json --json"
)]
pub struct Args {
    #[command(flatten)]
    pub ws: WorkspaceArgs,
    /// Print a JSON summary
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> Result<()> {
    let (ws, model, _data) = args.ws.load()?;
    let params: Vec<serde_json::Value> = model
        .paramsets
        .iter()
        .map(|p| {
            let constraint = match &p.constraint {
                Constraint::Unconstrained => "unconstrained",
                Constraint::Normal { .. } => "normal",
                Constraint::Poisson { .. } => "poisson",
            };
            serde_json::json!({"name": p.name, "type": p.kind.name(), "n": p.len(), "constraint": constraint,
                "inits": p.inits, "bounds": p.bounds.iter().map(|b| [b.0, b.1]).collect::<Vec<_>>(),
                "fixed": p.fixed})
        })
        .collect();
    if args.json {
        let summary = serde_json::json!({
            "channels": model.channels.iter().map(|c| serde_json::json!({"name": c.name, "bins": c.nbins})).collect::<Vec<_>>(),
            "samples": model.samples,
            "parameters": params,
            "measurements": ws.measurements.iter().map(|m| serde_json::json!({"name": m.name, "poi": m.poi})).collect::<Vec<_>>(),
            "poi": model.poi_name(),
            "n_parameters": model.n_pars(),
            "n_auxdata": model.n_aux(),
        });
        return super::common::print_json(&summary);
    }
    println!("Summary");
    println!("     channels  {}", model.channels.len());
    println!("      samples  {}", model.samples.len());
    println!(
        "   parameters  {} ({} components, {} auxdata)",
        model.paramsets.len(),
        model.n_pars(),
        model.n_aux()
    );
    println!(
        "    modifiers  {}",
        ws.channels
            .iter()
            .flat_map(|c| &c.samples)
            .map(|s| s.modifiers.len())
            .sum::<usize>()
    );
    println!();
    println!("{:<40} {:>6}", "channel", "bins");
    for c in &model.channels {
        println!("{:<40} {:>6}", c.name, c.nbins);
    }
    println!();
    println!("samples: {}", model.samples.join(", "));
    println!();
    println!("{:<50} {:<12} {:>4}", "parameter", "type", "n");
    for p in &model.paramsets {
        println!("{:<50} {:<12} {:>4}", p.name, p.kind.name(), p.len());
    }
    println!();
    println!("{:<30} poi", "measurement");
    for m in &ws.measurements {
        println!("{:<30} {}", m.name, m.poi);
    }
    if model.poi.is_none() {
        println!(
            "\nnote: the measurement's POI is not in this model (apply a signal patch with -p)"
        );
    }
    Ok(())
}
