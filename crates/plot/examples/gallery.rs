//! Writes example figures (PNG and SVG) into the directory given as the first argument:
//! `cargo run -p hepkey-plot --example gallery -- /tmp/gallery`.

use std::path::PathBuf;

use hepkey_hist::Hist1D;
use hepkey_plot::{
    save_png, save_svg, Colour, Curve, DataVsMc, DataWithCurves, ExperimentLabel, LineEntry,
    Overlay, StackEntry,
};

/// Deterministic uniform numbers in [0, 1).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A falling spectrum above `start` with scale `tau`, plus a Gaussian bump of relative size.
    fn falling(&mut self, start: f64, tau: f64) -> f64 {
        start - tau * (1.0 - self.next()).ln()
    }
    fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let (u, v) = (self.next().max(1e-300), self.next());
        mu + sigma * (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

fn filled(n: usize, f: impl FnMut() -> f64, weight: f64) -> Hist1D {
    let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
    let xs: Vec<f64> = std::iter::repeat_with(f).take(n).collect();
    h.fill(&xs, Some(&vec![weight; n])).unwrap();
    h
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "gallery".into()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut r = Rng(7);
    let ttbar = filled(
        20000,
        || r.gauss(260.0, 70.0).max(r.falling(120.0, 90.0)),
        0.5,
    );
    let mut r = Rng(8);
    let wjets = filled(8000, || r.falling(60.0, 80.0), 0.6);
    let mut r = Rng(9);
    let stop = filled(3000, || r.falling(90.0, 110.0), 0.4);
    let mut r = Rng(10);
    let mut data = Hist1D::regular(25, 50.0, 550.0).unwrap();
    let mut xs = Vec::new();
    for _ in 0..10000 {
        xs.push(r.gauss(260.0, 70.0).max(r.falling(120.0, 90.0)));
    }
    for _ in 0..4800 {
        xs.push(r.falling(60.0, 80.0));
    }
    for _ in 0..1200 {
        xs.push(r.falling(90.0, 110.0));
    }
    data.fill(&xs, None).unwrap();

    let stack = vec![
        StackEntry {
            label: "single top".into(),
            colour: Colour::palette(3),
            hist: stop,
        },
        StackEntry {
            label: "W+jets".into(),
            colour: Colour::palette(1),
            hist: wjets,
        },
        StackEntry {
            label: "ttbar".into(),
            colour: Colour::palette(0),
            hist: ttbar.clone(),
        },
    ];
    let mut fig = DataVsMc {
        stack,
        data: Some(("Data".into(), data)),
        x_label: "$H_T$ [GeV]".into(),
        y_label: "Events / 20 GeV".into(),
        label: ExperimentLabel::cms(13.0, 3.378).with_line("4j1b CR"),
        ..DataVsMc::default()
    };
    save_png(&fig, &dir.join("data_vs_mc_cms.png"), 800, 800).unwrap();
    save_png(&fig, &dir.join("data_vs_mc_cms_small.png"), 400, 400).unwrap();
    save_svg(&fig, &dir.join("data_vs_mc_cms.svg"), 800, 800).unwrap();
    fig.log_y = true;
    fig.label = ExperimentLabel::atlas(13.0, 10.0).with_line("4j1b CR");
    save_png(&fig, &dir.join("data_vs_mc_atlas_log.png"), 800, 800).unwrap();
    fig.ratio = false;
    fig.log_y = false;
    save_png(&fig, &dir.join("data_vs_mc_noratio.png"), 1000, 700).unwrap();

    let mut up = ttbar.clone();
    up.scale(1.05);
    let mut down = ttbar.clone();
    down.scale(0.96);
    let ov = Overlay {
        lines: vec![
            LineEntry {
                label: "nominal".into(),
                colour: Colour::BLACK,
                hist: ttbar,
                dashed: false,
            },
            LineEntry {
                label: "pt_scale_up".into(),
                colour: Colour::parse("tab:red").unwrap(),
                hist: up,
                dashed: false,
            },
            LineEntry {
                label: "pt_scale_down".into(),
                colour: Colour::parse("tab:blue").unwrap(),
                hist: down,
                dashed: true,
            },
        ],
        x_label: "$H_T$ [GeV]".into(),
        y_label: "Events / 20 GeV".into(),
        label: ExperimentLabel::cms(13.0, 3.378).with_line("ttbar, 4j1b CR"),
        ratio_to_first: true,
        first_with_errors: true,
        ..Overlay::default()
    };
    save_png(&ov, &dir.join("variations.png"), 800, 800).unwrap();
    save_svg(&ov, &dir.join("variations.svg"), 800, 800).unwrap();
    // Many groups, small figure: the legend must stay clear of the data.
    let mut groups = Vec::new();
    for (k, name) in [
        "ttbar",
        "single top",
        "W+jets",
        "Z+jets",
        "diboson",
        "ttV",
        "QCD multijet",
    ]
    .iter()
    .enumerate()
    {
        let mut r = Rng(100 + k as u64);
        let h = filled(
            4000 / (k + 1),
            || r.falling(60.0 + 10.0 * k as f64, 120.0),
            1.0,
        );
        groups.push(StackEntry {
            label: name.to_string(),
            colour: Colour::palette(k),
            hist: h,
        });
    }
    groups.reverse();
    let mut total = groups[0].hist.clone();
    for g in &groups[1..] {
        total.add(&g.hist).unwrap();
    }
    let many = DataVsMc {
        stack: groups,
        data: Some(("Data".into(), total)),
        x_label: "$m_{bjj}$ [GeV]".into(),
        y_label: "Events / 20 GeV".into(),
        label: ExperimentLabel::atlas(13.0, 36.1).with_line("4j2b SR"),
        log_y: true,
        ..DataVsMc::default()
    };
    save_png(&many, &dir.join("many_groups_small.png"), 600, 500).unwrap();
    // A diphoton mass spectrum with signal + background and background-only curves.
    let mut r = Rng(42);
    let mut myy = Hist1D::regular(55, 105.0, 160.0).unwrap();
    let mut xs = Vec::new();
    while xs.len() < 60000 {
        let x = r.falling(105.0, 30.0);
        if x < 160.0 {
            xs.push(x);
        }
    }
    for _ in 0..700 {
        xs.push(r.gauss(125.0, 1.6));
    }
    myy.fill(&xs, None).unwrap();
    let norm = 60000.0 / (30.0 * (1.0 - (-55.0f64 / 30.0).exp()));
    let bkg = move |x: f64| norm * (-(x - 105.0) / 30.0).exp();
    let sig = |x: f64| {
        700.0 / (1.6 * (2.0 * std::f64::consts::PI).sqrt())
            * (-0.5 * ((x - 125.0) / 1.6).powi(2)).exp()
    };
    let red = Colour::parse("tab:red").unwrap();
    let mut bkg_curve = Curve::sample("Background", red, 105.0, 160.0, 300, bkg);
    bkg_curve.dashed = true;
    let fit = DataWithCurves {
        data: ("Data".into(), myy),
        curves: vec![
            Curve::sample("Signal + background", red, 105.0, 160.0, 300, move |x| {
                bkg(x) + sig(x)
            }),
            bkg_curve,
        ],
        residual_reference: Some(1),
        x_label: "$m_{\\gamma\\gamma}$ [GeV]".into(),
        y_label: "Events / GeV".into(),
        label: ExperimentLabel::atlas(13.0, 10.0).with_line("H → γγ"),
        ..DataWithCurves::default()
    };
    save_png(&fit, &dir.join("myy_fit.png"), 800, 800).unwrap();
    println!("wrote figures to {}", dir.display());
}
