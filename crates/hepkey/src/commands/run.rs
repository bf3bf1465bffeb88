//! `hepkey run ANALYSIS.toml -o OUT`: an analysis from samples to histograms.

use anyhow::Result;
use hepkey_analysis::Analysis;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey run examples/zmumu/zmumu.toml -o out/zmumu\n  hepkey run examples/agc/ttbar.toml -o out/agc --threads 2 --no-plots\n\nOutputs in OUT: histograms.json, histograms.root, cutflow.json, provenance.json, plots/*.png and *.svg"
)]
pub struct Args {
    /// The analysis file (TOML).
    pub analysis: PathBuf,
    /// Output directory.
    #[arg(short, long, default_value = "hepkey-out")]
    pub output: PathBuf,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Set a `${NAME}` used in the analysis file's file patterns (repeatable).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// No progress bar or cutflow table.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    if let Some(n) = args.threads {
        // More threads than this only add memory and switching; a typo like 100000 would
        // try to start them all.
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let max = 4 * cores;
        if n > max {
            anyhow::bail!(
                "--threads {n}: at most {max} (4 × the {cores} available cores); \
                 leave it out to use all cores"
            );
        }
        hepkey_analysis::set_threads(n).map_err(|e| anyhow::anyhow!(e))?;
    }
    let variables = args
        .set
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| anyhow::anyhow!("--set {kv:?}: expected NAME=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    let analysis = Analysis::load_with(&args.analysis, &variables)?;
    for w in &analysis.warnings {
        eprintln!("warning: {w}");
    }
    // Locked and checked writable now, not after the event loop.
    let out = hepkey_analysis::prepare_output(&args.output)?;
    let total = analysis.entries();
    let bar = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {msg} [{bar:30}] {pos}/{len} events ({per_sec}, {eta})",
            )
            .expect("template")
            .progress_chars("=> "),
        );
        b.set_message(analysis.file.analysis.name.clone());
        b
    };
    let start = std::time::Instant::now();
    let result = analysis.run(&|n| bar.inc(n))?;
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    analysis.write_outputs_to(&result, out, !args.no_plots)?;
    for w in
        hepkey_analysis::output::empty_histogram_warnings(&analysis.file, &analysis.plans, &result)
    {
        eprintln!("warning: {w}");
    }
    if !args.quiet {
        print!("{}", hepkey_analysis::output::cutflow_table(&result));
        println!(
            "{} events in {:.2} s ({:.0} events/s); outputs in {}",
            result.events_read,
            secs,
            result.events_read as f64 / secs.max(1e-9),
            args.output.display()
        );
    }
    Ok(())
}
