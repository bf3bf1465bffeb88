//! `hepkey demo`: the Higgs boson in the diphoton mass spectrum, offline.
//!
//! Generates ATLAS-Open-Data-format samples (2020 GamGam collection), runs
//! the H → γγ analysis of `examples/atlas/hyy.toml` on them, fits a falling
//! background plus the simulated Higgs signal, and prints what it finds.

use anyhow::{Context, Result};
use hepkey_analysis::Analysis;
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

pub fn run(args: Args) -> Result<()> {
    let dir = &args.output;
    let data_dir = dir.join("atlas-opendata-2020");
    let opts = hepkey_atlas::GenerateOptions {
        data_events: args
            .events
            .unwrap_or_else(hepkey_atlas::default_data_events),
        seed: args.seed,
    };
    let say = |s: &str| {
        if !args.quiet {
            println!("{s}");
        }
    };
    say("hepkey demo: looking for the Higgs boson in two-photon events (ATLAS Open Data format, 13 TeV)\n");
    let start = std::time::Instant::now();
    generate_if_needed(&data_dir, &opts, args.quiet)?;

    // The analysis file goes next to the results, for the student to edit and rerun.
    let toml = dir.join("hyy.toml");
    std::fs::write(&toml, HYY).with_context(|| format!("writing {}", toml.display()))?;
    let vars = [("ATLAS_2020".to_string(), data_dir.display().to_string())];
    let analysis = Analysis::load_with(&toml, &vars)?;
    let result = analysis.run(&|_| {})?;
    let out = dir.join("hyy");
    analysis.write_outputs(&result, &out, true)?;

    // Data and the expected signal in the diphoton mass histogram.
    let mut data: Option<Hist1D> = None;
    let mut signal: Option<Hist1D> = None;
    for p in &analysis.plans {
        let h = &result.histograms[&format!("all/m_yy/{}/nominal", p.config.name)];
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
    let fit = hepkey_atlas::bumpfit::fit(data.values(), &centres, signal.values())
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
        "\nWhat you see ({}): the falling two-photon spectrum, with a small excess near 125 GeV.\n\
         The dashed curve is the fitted background; the solid one adds the Higgs signal.\n\
         The lower panel shows data minus background: the bump is the Higgs boson.\n\
         A significance above 5 σ is what particle physicists call a discovery; 3 σ is 'evidence'.\n\
         Change the cuts in {} and rerun with `hepkey run {} --set ATLAS_2020={} -o {}`.\n\
         Done in {:.1} s.",
        plot.display(),
        toml.display(),
        toml.display(),
        data_dir.display(),
        out.display(),
        start.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Generates the samples unless files made with the same options exist.
fn generate_if_needed(
    data_dir: &Path,
    opts: &hepkey_atlas::GenerateOptions,
    quiet: bool,
) -> Result<()> {
    let stamp = data_dir.join("generated.txt");
    let want = format!(
        "hepkey {} H->yy samples: events={} seed={}\n",
        env!("CARGO_PKG_VERSION"),
        opts.data_events,
        opts.seed
    );
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(());
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
    std::fs::write(&stamp, want).with_context(|| format!("writing {}", stamp.display()))?;
    Ok(())
}

/// Data with the fitted background and signal, and data − background.
fn plot_fit(
    data: &Hist1D,
    signal: &Hist1D,
    fit: &hepkey_atlas::bumpfit::BumpFit,
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
