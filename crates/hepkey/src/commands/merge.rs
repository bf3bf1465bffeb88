//! `hepkey merge PART... -o OUT`: partial results into the outputs of one run over all their inputs.

use anyhow::Result;
use hepkey_analysis::partial::{Partial, FILE_NAME};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
hepkey run examples/zmumu/zmumu.toml --files-of data --file-range 0..1 -o out/part0\n  \
hepkey merge out/part0 -o out/merged\n  \
hepkey merge out/merged/partial.json -o out/final --no-plots --complete\n\n\
Writes OUT/partial.json always (a merge can be merged again). When the parts cover every input of\n\
every sample exactly once it also writes histograms.json, histograms.root, cutflow.json,\n\
provenance.json and plots, byte for byte those of `hepkey run` over all inputs: the sums are\n\
exact and rounded once, whatever the grouping. In provenance.json, `threads` is the largest\n\
thread count of the runs merged and `time` is SOURCE_DATE_EPOCH when set, else the latest time\n\
of the runs. Parts of another analysis file, other variable values or another hepkey build are\n\
refused; an input in two parts is an error.")]
pub struct Args {
    /// Partial results: directories holding partial.json, or partial.json files.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output directory.
    #[arg(short, long)]
    pub output: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Fail (exit 1) when some input is not covered, instead of writing partial.json alone.
    #[arg(long)]
    pub complete: bool,
    /// No summary line.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let out = hepkey_analysis::prepare_output(&args.output)?;
    let bar = if args.quiet || args.parts.len() < 50 {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(args.parts.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("merging [{bar:30}] {pos}/{len} parts ({eta})")
                .expect("template")
                .progress_chars("=> "),
        );
        b
    };
    // One part in memory at a time beside the totals.
    let mut total: Option<Partial> = None;
    for path in &args.parts {
        let part = Partial::read(path)?;
        match &mut total {
            None => total = Some(part),
            Some(t) => t.absorb(part, &path.display().to_string())?,
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    let total = total.expect("at least one part (clap requires it)");
    let missing = total.missing();
    if missing.is_empty() {
        hepkey_analysis::output::write_final(&total, out, !args.no_plots, true)?;
        if !args.quiet {
            println!(
                "{} parts, {} inputs, {} events: complete; outputs in {}",
                args.parts.len(),
                total.inputs.len(),
                total.events_read,
                args.output.display()
            );
        }
        return Ok(());
    }
    let described: Vec<String> = missing
        .iter()
        .map(|(sample, files)| {
            let n = total
                .header
                .samples
                .iter()
                .find(|s| &s.name == sample)
                .map_or(0, |s| s.files);
            format!("sample {sample:?}: file(s) {} of {n}", ranges(files))
        })
        .collect();
    // The command that lists the files by index, with the values the parts were run with.
    let sets: String = total
        .header
        .variables
        .iter()
        .filter(|(_, v)| v["from"] == "command line")
        .filter_map(|(k, v)| v["value"].as_str().map(|v| format!(" --set {k}={v}")))
        .collect();
    let message = format!(
        "the parts do not cover every input: {} (`hepkey files {}{sets}` lists them by index)",
        described.join("; "),
        total.header.analysis_file
    );
    if args.complete {
        anyhow::bail!("{message}");
    }
    hepkey_analysis::output::write_partial_only(&total, out)?;
    eprintln!(
        "note: {message}; wrote only {} (merge it with the missing parts for the outputs)",
        args.output.join(FILE_NAME).display()
    );
    Ok(())
}

/// Indices as ranges: `0..3, 7..8` (ends excluded, as --file-range takes them).
fn ranges(indices: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        let mut end = start + 1;
        while i + 1 < indices.len() && indices[i + 1] == end {
            end += 1;
            i += 1;
        }
        out.push(format!("{start}..{end}"));
        i += 1;
    }
    out.join(", ")
}
