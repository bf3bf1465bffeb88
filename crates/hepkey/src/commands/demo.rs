//! `hepkey demo`: the Higgs boson in the diphoton mass spectrum, offline.
//!
//! Generates ATLAS-Open-Data-format samples (2020 GamGam collection), runs
//! the H → γγ analysis of `examples/atlas/hyy.toml` on them, fits a falling
//! background plus the simulated Higgs signal, and prints what it finds.

use anyhow::{Context, Result};
use hepkey_analysis::key::IMPLICIT_REGION;
use hepkey_analysis::{Analysis, HistKey};
use hepkey_hist::Hist1D;
use std::path::{Path, PathBuf};

/// The analysis file, embedded so the demo needs nothing else.
const HYY: &str = include_str!("../../../../examples/atlas/hyy.toml");

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey demo\n  hepkey demo -o my-demo --events 50000\n\nThe samples are written once into DIR/atlas-opendata-2020 (like the real release); rerun with a different --events or --seed to make new ones."
)]
pub struct Args {
    /// Directory for the samples and results.
    #[arg(short, long, default_value = "hepkey-demo")]
    pub output: PathBuf,
    /// Data events to generate (the default is the full 10 fb⁻¹ of the 2020 release).
    #[arg(long)]
    pub events: Option<usize>,
    /// Seed of the generator.
    #[arg(long, default_value_t = 3)]
    pub seed: u64,
    /// No progress bar.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Fewer data events than this leave the fit nothing to find (expected significance below 1 σ).
const MIN_EVENTS: usize = 10_000;
const MAX_EVENTS: usize = hepkey_atlas::MAX_DATA_EVENTS;

pub fn run(args: Args) -> Result<()> {
    let dir = &args.output;
    let data_dir = dir.join("atlas-opendata-2020");
    let data_events = args
        .events
        .unwrap_or_else(hepkey_atlas::default_data_events);
    if !(MIN_EVENTS..=MAX_EVENTS).contains(&data_events) {
        anyhow::bail!(
            "--events {data_events}: the demo needs between {MIN_EVENTS} and {MAX_EVENTS} data events \
             (the default, {}, is the release's 10 fb⁻¹; with fewer than {MIN_EVENTS} the Higgs signal is lost in the noise)",
            hepkey_atlas::default_data_events()
        );
    }
    let opts = hepkey_atlas::GenerateOptions {
        data_events,
        seed: args.seed,
        format: Default::default(),
    };
    let say = |s: &str| {
        if !args.quiet {
            println!("{s}");
        }
    };
    say("hepkey demo: looking for the Higgs boson in two-photon events (ATLAS Open Data format, 13 TeV)\n");
    let start = std::time::Instant::now();
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    generate_if_needed(&data_dir, &opts, args.quiet)?;

    // The analysis file goes next to the results, for the student to edit and rerun; the demo
    // itself always runs its own copy, so its numbers are the documented ones.
    let toml = dir.join("hyy.toml");
    match offer_analysis_file(&toml)? {
        AnalysisFile::Written => say(&format!("Wrote the analysis file {}.", toml.display())),
        AnalysisFile::Unchanged => {}
        AnalysisFile::KeptEdited => say(&format!(
            "Kept your edited {} (the demo runs its own copy; run yours with `hepkey run`).",
            toml.display()
        )),
    }
    // Given explicitly, so an ATLAS_2020 in the environment (the real release) is not used.
    let vars = [("ATLAS_2020".to_string(), data_dir.display().to_string())];
    let analysis = Analysis::from_text(&toml, HYY.to_string(), &vars)?;
    let out = dir.join("hyy");
    let out_dir = hepkey_analysis::prepare_output(&out)?;
    let result = analysis.run(&|_| {})?;
    analysis.write_outputs_to(&result, out_dir, true)?;

    // Data and the expected signal in the diphoton mass histogram.
    let mut data: Option<Hist1D> = None;
    let mut signal: Option<Hist1D> = None;
    for p in &analysis.plans {
        let h = &result.histograms[&HistKey::nominal(IMPLICIT_REGION, "m_yy", &p.config.name)];
        let acc = if p.config.kind == hepkey_analysis::config::SampleKind::Data {
            &mut data
        } else {
            &mut signal
        };
        match acc {
            Some(a) => a.add(h)?,
            None => *acc = Some(h.clone()),
        }
    }
    let data = data.context("no data sample")?;
    let signal = signal.context("no simulated signal sample")?;
    let centres = data.axis().centers();
    let fit = hepkey_stats::bump::fit(data.values(), &centres, signal.values())
        .map_err(anyhow::Error::msg)?;
    let lumi_fb =
        hepkey_analysis::lumi::data_luminosity(&analysis.file, &analysis.plans).label_fb();
    let plot = plot_fit(&data, &signal, &fit, lumi_fb, &out.join("plots"))?;

    let n_data = data.sum(false);
    let n_sig = signal.sum(false);
    say(&format!(
        "Selected {n_data:.0} events with two isolated photons and 105 < m(γγ) < 160 GeV;\n\
         the simulation expects {n_sig:.0} of them to come from Higgs bosons (m_H = 125 GeV).\n"
    ));
    println!(
        "Observed significance: {:.1} σ   (expected {:.1} σ)",
        fit.significance, fit.expected_significance
    );
    println!(
        "Signal strength μ = {:.2} ± {:.2}   (μ = 1 is the Standard Model)",
        fit.mu, fit.mu_error
    );
    say(&format!(
        "\nWhat you see ({}): the falling two-photon spectrum, data as points.\n\
         The dashed curve is the fitted background; the solid one adds the Higgs signal.\n\
         The lower panel shows data minus background.\n\
         {}\n\
         Change the cuts in {} and rerun with `hepkey run {} -o {}`.\n\
         Done in {:.1} s.",
        plot.display(),
        conclusion(fit.significance, fit.expected_significance),
        toml.display(),
        toml.display(),
        out.display(),
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// What the significance allows one to say, in the words particle physicists use.
fn conclusion(observed: f64, expected: f64) -> String {
    let verdict = if observed >= 5.0 {
        "Above 5 σ: this is what particle physicists call a discovery. The bump at 125 GeV is the Higgs boson."
    } else if observed >= 3.0 {
        "Between 3 and 5 σ: 'evidence' for the Higgs boson, the bump at 125 GeV; 5 σ would be a discovery."
    } else if observed >= 2.0 {
        "Between 2 and 3 σ: a hint of a bump at 125 GeV, but fluctuations this large are not rare; 3 σ is 'evidence', 5 σ a discovery."
    } else {
        "Below 2 σ: no significant bump; what you see near 125 GeV may well be a fluctuation of the background."
    };
    if expected < 3.0 {
        format!("{verdict}\nWith this many events even a perfect Higgs signal is expected at only {expected:.1} σ: generate more with --events (the default is the full 10 fb⁻¹).")
    } else {
        verdict.to_string()
    }
}

/// What happened to the editable analysis file.
enum AnalysisFile {
    Written,
    Unchanged,
    KeptEdited,
}

/// Writes the demo's analysis file unless the user has edited it. A digest of the last written
/// copy tells an edited file from one an older hepkey wrote (which is updated).
fn offer_analysis_file(path: &Path) -> Result<AnalysisFile> {
    let stamp = path.with_extension("toml.written");
    let digest = |text: &str| hepkey_analysis::checksum::sha256_hex(text.as_bytes());
    if let Ok(existing) = std::fs::read_to_string(path) {
        if existing == HYY {
            return Ok(AnalysisFile::Unchanged);
        }
        let last_written = std::fs::read_to_string(&stamp).unwrap_or_default();
        if last_written.trim() != digest(&existing) {
            return Ok(AnalysisFile::KeptEdited);
        }
    } else if path.exists() {
        anyhow::bail!(
            "{} exists but cannot be read as text; move it away and rerun",
            path.display()
        );
    }
    write_replacing(path, HYY.as_bytes())?;
    write_replacing(&stamp, digest(HYY).as_bytes())?;
    Ok(AnalysisFile::Written)
}

/// Writes a file through a temporary one beside it, so a killed run leaves the old or the new.
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<()> {
    hepkey_analysis::output::write_atomic(path, bytes)
        .with_context(|| format!("writing {}", path.display()))
}

/// Generates the samples unless files made with the same options exist.
fn generate_if_needed(
    data_dir: &Path,
    opts: &hepkey_atlas::GenerateOptions,
    quiet: bool,
) -> Result<()> {
    let stamp = data_dir.join("generated.txt");
    let want = format!(
        // `format` changes whenever the samples' contents do (2: each data file records its luminosity).
        "hepkey {} H->yy samples: format=2 events={} seed={}\n",
        env!("CARGO_PKG_VERSION"),
        opts.data_events,
        opts.seed
    );
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(());
    }
    // The stamp goes first: a run killed while generating must not leave a stamp that
    // vouches for half-written samples.
    match std::fs::remove_file(&stamp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("removing {}", stamp.display())),
    }
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        indicatif::ProgressBar::new(9)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} generating samples [{bar:30}] {pos}/{len} files {msg}",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    hepkey_atlas::generate_hyy(data_dir, opts, &|p| {
        bar.set_message(
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        bar.inc(1);
    })?;
    bar.finish_and_clear();
    write_replacing(&stamp, want.as_bytes())?;
    Ok(())
}

/// Data with the fitted background and signal, and data − background.
fn plot_fit(
    data: &Hist1D,
    signal: &Hist1D,
    fit: &hepkey_stats::bump::BumpFit,
    lumi_fb: Option<f64>,
    dir: &Path,
) -> Result<PathBuf> {
    use hepkey_plot::{Colour, Curve, DataWithCurves, ExperimentLabel};
    std::fs::create_dir_all(dir)?;
    let edges = data.edges();
    let (lo, hi) = (edges[0], edges[edges.len() - 1]);
    let bkg = |x: f64| fit.background_at(x);
    // The signal curve interpolates the fitted signal between bin centres.
    let centres = data.axis().centers();
    let sig = signal.values().to_vec();
    let sig_at = move |x: f64| {
        let i = centres.partition_point(|c| *c < x);
        match i {
            0 => sig[0],
            i if i >= centres.len() => sig[sig.len() - 1],
            i => {
                let t = (x - centres[i - 1]) / (centres[i] - centres[i - 1]);
                sig[i - 1] * (1.0 - t) + sig[i] * t
            }
        }
    };
    let mu = fit.mu;
    let fig = DataWithCurves {
        data: ("Data".into(), data.clone()),
        curves: vec![
            Curve {
                dashed: true,
                ..Curve::sample("Background", Colour::parse("#1f77b4")?, lo, hi, 400, bkg)
            },
            Curve::sample(
                "Signal + bkg.",
                Colour::parse("#d62728")?,
                lo,
                hi,
                400,
                move |x| bkg(x) + mu * sig_at(x),
            ),
        ],
        residual_reference: Some(0),
        x_label: "m(γγ) [GeV]".into(),
        // The luminosity the generated data stand for (a fraction of 10 fb⁻¹ for smaller samples).
        label: ExperimentLabel {
            luminosity_fb: lumi_fb,
            ..ExperimentLabel::atlas(13.0, 0.0)
        }
        .with_line("H → γγ")
        .with_line(format!("{:.1} σ, μ = {:.2}", fit.significance, fit.mu)),
        ..DataWithCurves::default()
    };
    let png = dir.join("diphoton_fit.png");
    hepkey_plot::save_png(&fig, &png, 900, 900)?;
    hepkey_plot::save_svg(&fig, &dir.join("diphoton_fit.svg"), 900, 900)?;
    Ok(png)
}
