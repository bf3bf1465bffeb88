//! What a run writes: histograms (JSON and ROOT), the cutflow, plots and
//! provenance. Every file is written under a temporary name and renamed.

use crate::config::SampleConfig;
use crate::config::{AnalysisFile, SampleKind};
use crate::error::{Error, Result};
use crate::key::{region_names, HistKey, IMPLICIT_REGION};
use crate::partial::Partial;
use crate::run::RunResult;
use hepkey_hist::{Hist1D, Hist2D};
use std::path::{Path, PathBuf};

/// Every file and directory a run writes into its output directory.
pub const OWNED: &[&str] = &[
    "histograms.json",
    "cutflow.json",
    "histograms.root",
    "plots",
    "provenance.json",
    "partial.json",
    crate::skim::DIR,
];

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    hepkey_output::write_atomic(path, bytes).map_err(io_err(path))
}

/// `histograms.json`: key → histogram (edges, values, variances, flow).
pub fn histograms_json(result: &RunResult) -> Vec<u8> {
    // 1D and 2D histograms together, in key order.
    let mut sorted = std::collections::BTreeMap::new();
    for (k, h) in &result.histograms {
        sorted.insert(k, serde_json::to_value(h).expect("histograms serialise"));
    }
    for (k, h) in &result.histograms_2d {
        sorted.insert(k, serde_json::to_value(h).expect("histograms serialise"));
    }
    let map: serde_json::Map<String, serde_json::Value> = sorted
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut text = serde_json::to_vec_pretty(&map).expect("JSON");
    text.push(b'\n');
    text
}

/// `cutflow.json`.
pub fn cutflow_json(result: &RunResult) -> Vec<u8> {
    let map: serde_json::Map<String, serde_json::Value> = result
        .cutflows
        .iter()
        .map(|(s, steps)| (s.clone(), serde_json::to_value(steps).expect("cutflow")))
        .collect();
    let mut text = serde_json::to_vec_pretty(&map).expect("JSON");
    text.push(b'\n');
    text
}

/// The cutflow as a table for the terminal.
pub fn cutflow_table(result: &RunResult) -> String {
    let mut out = String::new();
    for (sample, steps) in &result.cutflows {
        out.push_str(&format!("{sample}\n"));
        let width = steps
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        let first = steps.first().map_or(0, |s| s.events).max(1);
        for s in steps {
            out.push_str(&format!(
                "  {:<width$}  {:>10}  {:>7.2}%  {:>14.4}\n",
                s.name,
                s.events,
                100.0 * s.events as f64 / first as f64,
                s.weighted
            ));
        }
    }
    out
}

/// `histograms.root`: one directory per region and histogram, one per
/// sample, and a TH1D per variation (`region/histogram/sample/variation`).
pub fn write_root(result: &RunResult, path: &Path) -> Result<()> {
    use hepkey_root::write::{Compression, FileWriter};
    let mut f = FileWriter::create(path, Compression::Zlib(1))?;
    for (k, h) in &result.histograms {
        let d = f.mkdirs(&k.directory())?;
        f.write_histogram(d, &to_root(h, &k.variation))?;
    }
    for (k, h) in &result.histograms_2d {
        let d = f.mkdirs(&k.directory())?;
        f.write_histogram(d, &to_root_2d(h, &k.variation))?;
    }
    f.close()?;
    Ok(())
}

fn to_root(h: &Hist1D, name: &str) -> hepkey_root::Histogram {
    hepkey_root::Histogram {
        class: "TH1D".into(),
        name: name.to_string(),
        title: h.title.clone(),
        axes: vec![hepkey_root::hist::Axis {
            title: h.axis().title.clone(),
            edges: h.edges(),
        }],
        values: h.values_with_flow().to_vec(),
        errors: Vec::new(),
        sumw2: h.variances_with_flow().to_vec(),
        entries: h.entries() as f64,
    }
}

/// A TH2D: cells in ROOT's global-bin order (x fastest, flow included).
fn to_root_2d(h: &Hist2D, name: &str) -> hepkey_root::Histogram {
    let (nx, ny) = (h.x_axis().bins_with_flow(), h.y_axis().bins_with_flow());
    let mut values = vec![0.0; nx * ny];
    let mut sumw2 = vec![0.0; nx * ny];
    for iy in 0..ny {
        for ix in 0..nx {
            values[h.root_bin(ix, iy)] = h.value(ix, iy);
            sumw2[h.root_bin(ix, iy)] = h.variance(ix, iy);
        }
    }
    let axis = |a: &hepkey_hist::Axis| hepkey_root::hist::Axis {
        title: a.title.clone(),
        edges: a.edges(),
    };
    hepkey_root::Histogram {
        class: "TH2D".into(),
        name: name.to_string(),
        title: h.title.clone(),
        axes: vec![axis(h.x_axis()), axis(h.y_axis())],
        values,
        errors: Vec::new(),
        sumw2,
        entries: h.entries() as f64,
    }
}

/// `provenance.json`: what produced the outputs, to rerun it identically and check the result: hepkey's
/// version and commit, the analysis file and its SHA-256, every `${NAME}` substituted, every input
/// with its size and Adler-32, the thread count, the time, and the SHA-256 of each output in `outputs`.
///
/// Made from the (complete) partial result, so a run and a merge of partial runs give the same document:
/// `threads` is the largest thread count of the runs merged, `time` is `SOURCE_DATE_EPOCH` when set,
/// else the latest time of the runs.
pub fn provenance_json(partial: &Partial, outputs: &[(&str, String)]) -> Result<Vec<u8>> {
    let h = &partial.header;
    let inputs: Vec<serde_json::Value> = partial
        .inputs
        .iter()
        .map(|i| {
            serde_json::json!({
                "sample": i.sample,
                "path": i.path,
                "tree": i.tree,
                "entries": i.entries,
                "size": i.size,
                "adler32": i.adler32,
            })
        })
        .collect();
    let outputs: serde_json::Map<String, serde_json::Value> = outputs
        .iter()
        .map(|(name, sha)| (name.to_string(), serde_json::json!({ "sha256": sha })))
        .collect();
    let doc = serde_json::json!({
        "hepkey_version": h.hepkey_version,
        "git_commit": h.git_commit,
        "analysis_file": h.analysis_file,
        "analysis_sha256": h.analysis_sha256,
        "variables": h.variables,
        "threads": partial.threads(),
        "time": partial.time()?,
        "inputs": inputs,
        "outputs": outputs,
    });
    let mut text = serde_json::to_vec_pretty(&doc).expect("JSON");
    text.push(b'\n');
    Ok(text)
}

/// The outputs whose SHA-256 `provenance.json` records.
pub const HASHED: &[&str] = &["histograms.json", "histograms.root", "cutflow.json"];

/// Writes the outputs of a complete partial result into `out`'s staging directory: histograms (JSON
/// and ROOT), cutflow, provenance, plots (when `plots` and the analysis file wants them) and, with
/// `keep_partial`, `partial.json`; then swaps them in. Returns the rounded result.
pub fn write_final(
    partial: &Partial,
    out: hepkey_output::OutputDir,
    plots: bool,
    keep_partial: bool,
) -> Result<RunResult> {
    let file = partial.analysis_file()?;
    let samples = partial.sample_configs(&file)?;
    let result = partial.round(&file)?;
    let dir = out.staging();
    let mut hashes = Vec::new();
    for name in HASHED {
        let path = dir.join(name);
        match *name {
            "histograms.json" => write_atomic(&path, &histograms_json(&result))?,
            "cutflow.json" => write_atomic(&path, &cutflow_json(&result))?,
            _ => write_root(&result, &path)?,
        }
        let bytes = std::fs::read(&path).map_err(io_err(&path))?;
        hashes.push((*name, crate::checksum::sha256_hex(&bytes)));
    }
    write_atomic(
        &dir.join("provenance.json"),
        &provenance_json(partial, &hashes)?,
    )?;
    if keep_partial {
        write_atomic(&dir.join(crate::partial::FILE_NAME), &partial.to_json())?;
    }
    if plots && file.plots.enabled.unwrap_or(true) {
        let lumi = crate::lumi::luminosity_of_inputs(&file, &samples, &partial.inputs);
        write_plots(&file, &samples, &lumi, &result, &dir.join("plots"))?;
    }
    let final_dir = out.path().to_path_buf();
    out.commit(OWNED, "provenance.json")
        .map_err(|source| Error::Io {
            path: final_dir.display().to_string(),
            source,
        })?;
    Ok(result)
}

/// Writes a partial result alone into `out` (removing the outputs of an earlier complete run there).
pub fn write_partial_only(partial: &Partial, out: hepkey_output::OutputDir) -> Result<()> {
    write_atomic(
        &out.staging().join(crate::partial::FILE_NAME),
        &partial.to_json(),
    )?;
    let final_dir = out.path().to_path_buf();
    out.commit(OWNED, crate::partial::FILE_NAME)
        .map_err(|source| Error::Io {
            path: final_dir.display().to_string(),
            source,
        })
}

/// The experiment label the `[plots]` settings ask for: none without `experiment`; √s only when `energy`
/// is given; the luminosity in fb⁻¹ when known.
pub fn experiment_label(
    settings: &crate::config::PlotSettings,
    lumi_fb: Option<f64>,
) -> hepkey_plot::ExperimentLabel {
    use hepkey_plot::{Experiment, ExperimentLabel};
    let mut label = ExperimentLabel {
        energy_tev: settings.energy,
        luminosity_fb: lumi_fb,
        ..ExperimentLabel::default()
    };
    if let Some(text) = settings.experiment.as_deref().map(str::trim) {
        let (name, status) = text.split_once(' ').unwrap_or((text, ""));
        label.experiment = match name.to_lowercase().as_str() {
            "" => Experiment::None,
            "atlas" => Experiment::Atlas,
            "cms" => Experiment::Cms,
            _ => Experiment::Other(name.to_string()),
        };
        label.status = status.trim().to_string();
    }
    label
}

/// The plot formats of `[plots] formats` (default PNG and SVG); an unknown one is an error naming the
/// supported formats.
pub fn plot_formats(file: &AnalysisFile) -> Result<Vec<hepkey_plot::Format>> {
    use hepkey_plot::Format;
    match &file.plots.formats {
        None => Ok(vec![Format::Png, Format::Svg]),
        Some(list) if list.is_empty() => Err(Error::Config(format!(
            "[plots] formats is empty; use some of {}",
            Format::supported()
        ))),
        Some(list) => list
            .iter()
            .map(|f| Format::parse(f).map_err(|e| Error::Config(format!("[plots] formats: {e}"))))
            .collect(),
    }
}

/// Warnings for histograms with nothing in their range (nominal), one per region and histogram,
/// naming the samples.
pub fn empty_histogram_warnings(
    file: &AnalysisFile,
    samples: &[SampleConfig],
    result: &RunResult,
) -> Vec<String> {
    let mut out = Vec::new();
    for region in region_names(file) {
        for h in &file.histograms {
            let empty: Vec<&str> = samples
                .iter()
                .filter(|c| c.variation_of.is_none())
                .filter(|c| {
                    result
                        .histograms
                        .get(&HistKey::nominal(&region, &h.name, &c.name))
                        .is_some_and(|hist| hist.values().iter().all(|v| *v == 0.0))
                })
                .map(|c| c.name.as_str())
                .collect();
            if !empty.is_empty() {
                out.push(format!(
                    "region {region:?}: histogram {:?} is empty for {} {}",
                    h.name,
                    if empty.len() == 1 {
                        "sample"
                    } else {
                        "samples"
                    },
                    empty.join(", ")
                ));
            }
        }
    }
    out
}

/// Data-vs-simulation plots of every histogram in every region (nominal), in the formats of
/// `[plots] formats`.
pub fn write_plots(
    file: &AnalysisFile,
    samples: &[SampleConfig],
    lumi: &crate::lumi::Luminosity,
    result: &RunResult,
    dir: &Path,
) -> Result<Vec<PathBuf>> {
    use hepkey_plot::{save, Colour, DataVsMc, StackEntry};
    let formats = plot_formats(file)?;
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let label = experiment_label(&file.plots, lumi.label_fb());
    let mut written = Vec::new();
    for region in region_names(file) {
        for h in &file.histograms {
            let nominal = |sample: &str| {
                result
                    .histograms
                    .get(&HistKey::nominal(&region, &h.name, sample))
            };
            // Stack simulation by group, in analysis-file order.
            let mut groups: Vec<(String, Option<String>, Hist1D)> = Vec::new();
            let mut data: Option<Hist1D> = None;
            let mut background = false;
            for config in samples.iter().filter(|c| c.variation_of.is_none()) {
                let Some(hist) = nominal(&config.name) else {
                    continue;
                };
                if config.kind == SampleKind::Data {
                    match &mut data {
                        Some(d) => d.add(hist).map_err(|e| Error::Data(e.to_string()))?,
                        None => data = Some(hist.clone()),
                    }
                    continue;
                }
                background |= config.kind == SampleKind::Background;
                let group = config
                    .group
                    .clone()
                    .or_else(|| config.label.clone())
                    .unwrap_or_else(|| config.name.clone());
                match groups.iter_mut().find(|(g, _, _)| *g == group) {
                    Some((_, _, acc)) => acc.add(hist).map_err(|e| Error::Data(e.to_string()))?,
                    None => groups.push((group, config.color.clone(), hist.clone())),
                }
            }
            if groups.is_empty() && data.is_none() {
                continue;
            }
            let stack = groups
                .into_iter()
                .enumerate()
                .map(|(i, (label, colour, hist))| StackEntry {
                    label,
                    colour: colour
                        .and_then(|c| Colour::parse(&c).ok())
                        .unwrap_or_else(|| Colour::palette(i)),
                    hist,
                })
                .collect();
            let fig = DataVsMc {
                stack,
                data: data.map(|d| ("Data".to_string(), d)),
                x_label: h.xlabel.clone().unwrap_or_else(|| h.name.clone()),
                label: label.clone().with_line(if region == IMPLICIT_REGION {
                    file.analysis.name.clone()
                } else {
                    format!("{} — {region}", file.analysis.name)
                }),
                log_y: h.log_y,
                // Data over signal alone says nothing: a ratio only against a background prediction.
                ratio: background,
                ..DataVsMc::default()
            };
            let stem = crate::validate::plot_stem(&region, &h.name);
            for format in &formats {
                let path = dir.join(format!("{stem}.{}", format.extension()));
                save(&fig, &path, 900, 900)
                    .map_err(|e| Error::Data(format!("plot {stem}: {e}")))?;
                written.push(path);
            }
        }
    }
    Ok(written)
}
