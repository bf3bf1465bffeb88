//! `hepkey generate {hyy|zll|hzz|wlnu} -o DIR`: ATLAS Open Data 13 TeV
//! (2020 release) samples, generated offline, seeded and deterministic,
//! laid out as the release lays them out so the example analyses in
//! `examples/atlas/` run on them unchanged.

use anyhow::Result;
use hepkey_atlas::Sample;
use hepkey_root::write::TreeFormat;
use std::path::PathBuf;

fn parse_format(s: &str) -> std::result::Result<TreeFormat, String> {
    TreeFormat::parse(s).map_err(|e| e.to_string())
}

/// Which collection to generate.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Which {
    /// H → γγ: GamGam collection (diphoton continuum, ggH/VBF/WH/ZH/ttH).
    Hyy,
    /// Z → ℓℓ: 2lep collection (Zee, Zmumu, Ztautau, ttbar_lep, llvv).
    Zll,
    /// H → ZZ* → 4ℓ: 4lep collection (ggH/VBF/WH/ZH, llll, Zee, Zmumu, ttbar_lep).
    Hzz,
    /// W → ℓν: 1lep collection (W±→eν/μν, ttbar_lep, Zee, Zmumu; multijet in data).
    Wlnu,
}

impl Which {
    fn sample(self) -> Sample {
        match self {
            Which::Hyy => Sample::Hyy,
            Which::Zll => Sample::Zll,
            Which::Hzz => Sample::Hzz,
            Which::Wlnu => Sample::Wlnu,
        }
    }
}

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey generate hzz -o atlas-opendata-2020\n  hepkey generate zll -o atlas-opendata-2020 --events 50000 --seed 7\n  hepkey generate zll -o atlas-rntuple --events 20000 --format rntuple\n  hepkey run examples/atlas/hzz_2020.toml --set ATLAS_2020=atlas-opendata-2020 -o out/hzz\n\nFiles: DIR/<collection>/Data/data_{A,B,C,D}.<collection>.root and DIR/<collection>/MC/mc_<DSID>.<name>.<collection>.root (tree `mini`, the 81 branches of the 2020 release, MeV; with --format rntuple an RNTuple `mini` of the same fields, zstd-compressed, which `hepkey run` reads alike).\nFewer data events than the release's 10 fb⁻¹ hold stand for a fraction of it; the simulation's SumWeights follow, so the example analyses' 10 fb⁻¹ normalisation still matches the data."
)]
pub struct Args {
    /// The collection to generate.
    #[arg(value_enum)]
    pub which: Which,
    /// Directory of the release (the collection goes into DIR/<collection>).
    #[arg(short, long, default_value = "atlas-opendata-2020")]
    pub output: PathBuf,
    /// Data events over periods A–D (default: hyy, hzz the full 10 fb⁻¹; zll, wlnu 200,000).
    #[arg(long)]
    pub events: Option<usize>,
    /// Seed of the generator (same seed and size, same bytes).
    #[arg(long, default_value_t = 3)]
    pub seed: u64,
    /// Layout of the event data: `ttree` (as the release) or `rntuple` (ROOT 6.34+ / uproot 5.7+).
    #[arg(long, default_value = "ttree", value_parser = parse_format)]
    pub format: TreeFormat,
    /// No progress bar or summary.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: Args) -> Result<()> {
    let sample = args.which.sample();
    let coll = sample.collection();
    let opts = hepkey_atlas::GenerateOptions {
        data_events: args.events.unwrap_or(coll.default_events),
        seed: args.seed,
        format: args.format,
    };
    if !(1..=hepkey_atlas::MAX_DATA_EVENTS).contains(&opts.data_events) {
        anyhow::bail!(
            "--events {}: give between 1 and {} data events (the default for {} is {})",
            opts.data_events,
            hepkey_atlas::MAX_DATA_EVENTS,
            coll.name,
            coll.default_events
        );
    }
    let files = coll.processes.iter().filter(|p| p.mc.is_some()).count() + 4;
    let bar = if args.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(files as u64)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} generating {prefix} [{bar:30}] {pos}/{len} files {msg}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    bar.set_prefix(coll.name);
    let start = std::time::Instant::now();
    let written = hepkey_atlas::generate(sample, &args.output, &opts, &|p| {
        bar.set_message(
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    if !args.quiet {
        let lumi = coll.lumi_fraction(opts.data_events) * hepkey_atlas::release::RELEASE_LUMI_FB;
        println!(
            "{} files of the {} collection in {} ({:.1} s); the data stand for {:.3} fb⁻¹ of the release's 10 fb⁻¹",
            written.len(),
            coll.name,
            args.output.join(coll.name).display(),
            start.elapsed().as_secs_f64(),
            lumi
        );
    }
    Ok(())
}
