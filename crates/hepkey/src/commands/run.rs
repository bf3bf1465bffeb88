//! `hepkey run ANALYSIS.toml -o OUT`: an analysis from samples to histograms.

use anyhow::Result;
use hepkey_analysis::key::SampleId;
use hepkey_analysis::run::FileSelection;
use hepkey_analysis::Analysis;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey run examples/zmumu/zmumu.toml -o out/zmumu\n  hepkey run examples/agc/ttbar.toml -o out/agc --threads 2 --no-plots\n  hepkey run examples/zmumu/zmumu.toml --files-of data --file-range 0..1 -o out/zmumu-part0\n  hepkey run examples/zmumu/zmumu.toml --partial -o out/zmumu-whole\n\nOutputs in OUT: histograms.json, histograms.root, cutflow.json, provenance.json, plots/*.png and *.svg;\nwith --files-of or --partial only partial.json, for `hepkey merge` (see docs/partial-runs.md)"
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
    /// Read only the files of this sample and write a partial result (OUT/partial.json).
    #[arg(long, value_name = "SAMPLE")]
    pub files_of: Option<String>,
    /// With --files-of: the files A..B of the sample (0-based, end excluded, in the order
    /// `hepkey files` lists them).
    #[arg(long, value_name = "A..B", requires = "files_of")]
    pub file_range: Option<String>,
    /// Write a partial result (OUT/partial.json) instead of the outputs, for `hepkey merge`.
    #[arg(long)]
    pub partial: bool,
}

/// `A..B` (end excluded).
pub fn parse_range(text: &str) -> Result<std::ops::Range<usize>> {
    let bad = || {
        anyhow::anyhow!("--file-range {text:?}: expected A..B, e.g. 0..10 (0-based, B excluded)")
    };
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let a: usize = a.trim().parse().map_err(|_| bad())?;
    let b: usize = b.trim().parse().map_err(|_| bad())?;
    if a >= b {
        anyhow::bail!("--file-range {text}: the range is empty (A must be below B)");
    }
    Ok(a..b)
}

/// The files a run reads: all, or a slice of one sample's.
fn selection(analysis: &Analysis, args: &Args) -> Result<FileSelection> {
    let Some(sample) = &args.files_of else {
        return Ok(FileSelection::all(&analysis.plans));
    };
    let Some(index) = analysis.plans.iter().position(|p| &p.config.name == sample) else {
        let names: Vec<&str> = analysis
            .plans
            .iter()
            .map(|p| p.config.name.as_str())
            .collect();
        anyhow::bail!(
            "--files-of {sample}: {} has no sample {sample:?} with files; its samples are {}",
            args.analysis.display(),
            names.join(", ")
        );
    };
    let n = analysis.plans[index].files.len();
    let range = match &args.file_range {
        Some(r) => parse_range(r)?,
        None => 0..n,
    };
    if range.end > n {
        anyhow::bail!(
            "--file-range {}..{}: sample {sample:?} has {n} file{} (indices 0..{n})",
            range.start,
            range.end,
            if n == 1 { "" } else { "s" }
        );
    }
    Ok(FileSelection::only(&analysis.plans, SampleId(index), range))
}

/// Sets the worker threads (all cores without `--threads`).
pub fn set_threads(threads: Option<usize>) -> Result<()> {
    if let Some(n) = threads {
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
    Ok(())
}

/// `--set NAME=VALUE` arguments as pairs.
pub fn parse_set(set: &[String]) -> Result<Vec<(String, String)>> {
    set.iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| anyhow::anyhow!("--set {kv:?}: expected NAME=VALUE"))
        })
        .collect()
}

pub fn run(args: Args) -> Result<()> {
    set_threads(args.threads)?;
    let variables = parse_set(&args.set)?;
    // A partial run keeps open only the files it reads.
    let slice = args
        .files_of
        .as_ref()
        .map(|sample| -> Result<hepkey_analysis::resolve::Slice> {
            Ok(hepkey_analysis::resolve::Slice {
                sample: sample.clone(),
                files: args.file_range.as_deref().map(parse_range).transpose()?,
            })
        })
        .transpose()?;
    let analysis = Analysis::load_slice(&args.analysis, &variables, slice.as_ref())?;
    for w in &analysis.warnings {
        eprintln!("warning: {w}");
    }
    let selection = selection(&analysis, &args)?;
    let partial_only = args.partial || args.files_of.is_some();
    // Locked and checked writable now, not after the event loop.
    let out = hepkey_analysis::prepare_output(&args.output)?;
    let total: u64 = analysis
        .plans
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.file_entries[selection.of(i)].iter().copied())
        .sum();
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
    let result = analysis.run_selected(&selection, &|n| bar.inc(n))?;
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    if partial_only {
        let partial = hepkey_analysis::partial::Partial::of_run(&analysis, &result)?;
        hepkey_analysis::output::write_partial_only(&partial, out)?;
        if !args.quiet {
            println!(
                "{} events of {} input file(s) in {:.2} s; partial result in {}",
                result.events_read,
                partial.inputs.len(),
                secs,
                args.output
                    .join(hepkey_analysis::partial::FILE_NAME)
                    .display()
            );
        }
        return Ok(());
    }
    analysis.write_outputs_to(&result, out, !args.no_plots)?;
    for w in hepkey_analysis::output::empty_histogram_warnings(
        &analysis.file,
        &analysis.sample_configs(),
        &result,
    ) {
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
