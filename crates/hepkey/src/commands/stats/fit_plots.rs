//! Pre- and post-fit plots per channel (what cabinetry's `visualize.data_mc` draws):
//! samples stacked by bin, data with Poisson error bars, the total model uncertainty
//! as a hatched band (pre-fit: constraint widths; post-fit: fit covariance), and a
//! data/model ratio panel.

use anyhow::{bail, Context, Result};
use hepkey_hist::{Axis, Hist1D};
use hepkey_plot::{Colour, DataVsMc, ExperimentLabel, StackEntry};
use hepkey_stats::config::FitConfig;
use hepkey_stats::yields::ChannelYields;
use std::path::{Path, PathBuf};

/// Bin edges and x-axis title of a channel.
pub(super) struct Binning {
    pub(super) edges: Vec<f64>,
    /// False when the configuration gives no edges: `edges` are bin numbers.
    pub(super) known: bool,
    x_label: String,
}

/// Edges from the fit configuration's region of the same name, else bin numbers.
pub(super) fn binning(config: Option<&FitConfig>, channel: &str, nbins: usize) -> Result<Binning> {
    if let Some(region) = config.and_then(|c| c.regions.iter().find(|r| r.name == channel)) {
        if let Some(edges) = &region.binning {
            if edges.len() != nbins + 1 {
                bail!(
                    "region {channel:?}: the configuration has {} bin edges, the workspace channel {} bins",
                    edges.len(),
                    nbins
                );
            }
            return Ok(Binning {
                edges: edges.clone(),
                known: true,
                x_label: region.variable.clone().unwrap_or_else(|| channel.into()),
            });
        }
    }
    Ok(Binning {
        edges: (0..=nbins).map(|b| b as f64).collect(),
        known: false,
        x_label: format!("{channel} bin"),
    })
}

fn hist(edges: &[f64], values: &[f64], variances: &[f64]) -> Result<Hist1D> {
    let with_flow = |v: &[f64]| {
        let mut out = Vec::with_capacity(v.len() + 2);
        out.push(0.0);
        out.extend_from_slice(v);
        out.push(0.0);
        out
    };
    Ok(Hist1D::from_parts(
        Axis::variable(edges.to_vec())?,
        with_flow(values),
        with_flow(variances),
    )?)
}

/// File stem as cabinetry names it: spaces and slashes become dashes.
pub fn figure_stem(channel: &str, stage: &str) -> String {
    let name: String = channel
        .chars()
        .map(|c| if c == ' ' || c == '/' { '-' } else { c })
        .collect();
    format!("{name}_{stage}")
}

/// The figure of one channel at one stage ("pre-fit" / "post-fit").
fn figure(table: &ChannelYields, binning: &Binning, stage: &str) -> Result<DataVsMc> {
    let n = table.total.len();
    let zeros = vec![0.0; n];
    // The band is drawn from the stack's summed variances: the whole model variance
    // goes into the first component (its split among samples is not drawn).
    let total_var: Vec<f64> = table.total_uncertainty.iter().map(|u| u * u).collect();
    let mut stack = Vec::new();
    for (k, (name, y)) in table.samples.iter().enumerate() {
        let var = if k == 0 { &total_var } else { &zeros };
        stack.push(StackEntry {
            label: name.clone(),
            colour: Colour::palette(k),
            hist: hist(&binning.edges, y, var)?,
        });
    }
    // Bin numbers have no unit: "Events / bin" rather than "Events / 1".
    let y_label = if binning.x_label.ends_with(" bin") {
        "Events / bin".to_string()
    } else {
        String::new()
    };
    Ok(DataVsMc {
        y_label,
        stack,
        data: Some(("Data".into(), hist(&binning.edges, &table.data, &zeros)?)),
        x_label: binning.x_label.clone(),
        label: ExperimentLabel::default().with_line(format!("{}, {stage}", table.name)),
        band_label: "Uncertainty".into(),
        ratio_label: "Data / Model".into(),
        ..DataVsMc::default()
    })
}

/// Writes `DIR/{channel}_{prefit,postfit}.{png,svg,pdf}` (the formats asked for) for every channel;
/// returns the paths.
pub fn write_plots(
    dir: &Path,
    config: Option<&FitConfig>,
    prefit: &[ChannelYields],
    postfit: &[ChannelYields],
    formats: &[hepkey_plot::Format],
) -> Result<Vec<PathBuf>> {
    // Every figure is built (and its binning checked) before the first file is written.
    let mut figures = Vec::new();
    for (tables, stem, stage) in [
        (prefit, "prefit", "pre-fit"),
        (postfit, "postfit", "post-fit"),
    ] {
        for t in tables {
            let b = binning(config, &t.name, t.total.len())?;
            figures.push((figure_stem(&t.name, stem), figure(t, &b, stage)?));
        }
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut written = Vec::new();
    for (base, fig) in &figures {
        for f in formats {
            let path = dir.join(format!("{base}.{}", f.extension()));
            hepkey_plot::save(fig, &path, 900, 900)
                .with_context(|| format!("cannot write {}", path.display()))?;
            written.push(path);
        }
    }
    Ok(written)
}
