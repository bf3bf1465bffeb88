//! Figures are written as valid PNG/SVG files of the requested size with the expected content.

use std::path::PathBuf;

use hepkey_hist::Hist1D;
use hepkey_plot::{
    render_png, render_rgb, render_svg, save_png, save_svg, Colour, DataVsMc, ExperimentLabel,
    LineEntry, Overlay, PlotError, StackEntry,
};

fn hist(values: &[f64]) -> Hist1D {
    let mut h = Hist1D::regular(values.len(), 0.0, values.len() as f64 * 10.0).unwrap();
    let xs: Vec<f64> = (0..values.len()).map(|i| i as f64 * 10.0 + 5.0).collect();
    h.fill(&xs, Some(values)).unwrap();
    h
}

fn figure() -> DataVsMc {
    let bkg = [120.0, 300.0, 420.0, 260.0, 90.0, 30.0, 8.0, 2.0];
    let sig = [2.0, 10.0, 60.0, 90.0, 40.0, 6.0, 1.0, 0.0];
    let data = [118.0, 321.0, 470.0, 350.0, 131.0, 33.0, 12.0, 1.0];
    DataVsMc {
        stack: vec![
            StackEntry {
                label: "Z+jets".into(),
                colour: Colour::parse("#3f90da").unwrap(),
                hist: hist(&bkg),
            },
            StackEntry {
                label: "ttbar".into(),
                colour: Colour::parse("#ffa90e").unwrap(),
                hist: hist(&sig),
            },
        ],
        data: Some(("Data 2016".into(), hist(&data))),
        x_label: "$m_{\\ell\\ell}$ [GeV]".into(),
        y_label: "Events / 10 GeV".into(),
        label: ExperimentLabel::atlas(13.0, 10.0).with_line("2 leptons"),
        ..DataVsMc::default()
    }
}

fn tmpdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hepkey-plot-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

#[test]
fn data_vs_mc_png_and_svg_files() {
    let dir = tmpdir("files");
    let fig = figure();
    let png = dir.join("mll.png");
    let svg = dir.join("mll.svg");
    save_png(&fig, &png, 640, 720).unwrap();
    save_svg(&fig, &svg, 640, 720).unwrap();
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(png_size(&bytes), (640, 720));
    // It decodes, and both stack colours are painted.
    let mut reader = png::Decoder::new(std::io::Cursor::new(&bytes))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(
        (info.width, info.height, info.color_type),
        (640, 720, png::ColorType::Rgb)
    );
    let has = |c: [u8; 3]| buf.chunks(3).filter(|p| *p == c).count();
    assert!(has([0x3f, 0x90, 0xda]) > 1000, "Z+jets fill missing");
    assert!(has([0xff, 0xa9, 0x0e]) > 200, "ttbar fill missing");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg") && text.trim_end().ends_with("</svg>"));
    assert!(text.contains("width=\"640\"") && text.contains("height=\"720\""));
    for label in [
        "Z+jets",
        "ttbar",
        "Data 2016",
        "Stat. unc.",
        "ATLAS",
        "Open Data",
        "√s = 13 TeV, 10 fb⁻¹",
        "2 leptons",
        // The subscript is drawn as its own, smaller text.
        ">\nℓℓ\n</text>",
        "Data / Pred.",
    ] {
        assert!(text.contains(label), "SVG lacks {label:?}");
    }
    // Atomic writes leave no temporary files behind.
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn log_scale_and_cms_label() {
    let mut fig = figure();
    fig.log_y = true;
    fig.label = ExperimentLabel::cms(13.0, 0.0359);
    let svg = render_svg(&fig, 800, 800).unwrap();
    assert!(
        svg.contains("CMS") && svg.contains("35.9 pb⁻¹ (13 TeV)"),
        "CMS label"
    );
    assert!(
        svg.contains("10²") || svg.contains("10³"),
        "log axis labels"
    );
    let png = render_png(&fig, 800, 600).unwrap();
    assert_eq!(png_size(&png), (800, 600));
}

#[test]
fn the_ratio_panel_can_be_turned_off() {
    let mut fig = figure();
    fig.ratio = false;
    let svg = render_svg(&fig, 800, 600).unwrap();
    assert!(!svg.contains("Data / Pred."));
    assert!(svg.contains(">\nℓℓ\n</text>"));
}

#[test]
fn data_points_sit_where_the_data_are() {
    // A single bin: data 100 over an empty stack region is drawn as a black disc centred in the bin.
    let fig = DataVsMc {
        stack: vec![StackEntry {
            label: "bkg".into(),
            colour: Colour::parse("tab:green").unwrap(),
            hist: hist(&[100.0]),
        }],
        data: Some(("Data".into(), hist(&[100.0]))),
        ratio: false,
        mc_stat_band: false,
        ..DataVsMc::default()
    };
    let (w, h) = (400, 400);
    let rgb = render_rgb(&fig, w, h).unwrap();
    let px = |x: u32, y: u32| {
        let i = 3 * (y * w + x) as usize;
        [rgb[i], rgb[i + 1], rgb[i + 2]]
    };
    // The bar fills the bin; the data marker is black and lies on the bar's top edge, at mid-bin.
    let green = [0x2c, 0xa0, 0x2c];
    let column: Vec<u32> = (0..h).filter(|&y| px(w / 2 + 40, y) == green).collect();
    assert!(column.len() > 50, "bar drawn");
    let top = *column.first().unwrap();
    let mid_x = (0..w).filter(|&x| px(x, top + 5) == green).sum::<u32>()
        / (0..w).filter(|&x| px(x, top + 5) == green).count() as u32;
    let black_near_top = (top.saturating_sub(4)..top + 4).any(|y| px(mid_x, y) == [0, 0, 0]);
    assert!(
        black_near_top,
        "data marker at the bar top (row {top}, column {mid_x})"
    );
}

#[test]
fn overlay_with_ratio_to_nominal() {
    let nominal = hist(&[10.0, 20.0, 30.0]);
    let mut up = nominal.clone();
    up.scale(1.1);
    let fig = Overlay {
        lines: vec![
            LineEntry {
                label: "nominal".into(),
                colour: Colour::BLACK,
                hist: nominal,
                dashed: false,
            },
            LineEntry {
                label: "jes_up".into(),
                colour: Colour::palette(2),
                hist: up,
                dashed: true,
            },
        ],
        x_label: "x".into(),
        ratio_to_first: true,
        ..Overlay::default()
    };
    let svg = render_svg(&fig, 600, 600).unwrap();
    assert!(svg.contains("nominal") && svg.contains("jes_up") && svg.contains("Ratio"));
    let dir = tmpdir("overlay");
    save_png(&fig, &dir.join("o.png"), 300, 200).unwrap();
    assert_eq!(
        png_size(&std::fs::read(dir.join("o.png")).unwrap()),
        (300, 200)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_are_reported_not_panicked() {
    let mut fig = figure();
    fig.stack[1].hist = Hist1D::regular(8, 0.0, 81.0).unwrap();
    match render_svg(&fig, 600, 600) {
        Err(PlotError::Binning { label, reference }) => {
            assert_eq!((label.as_str(), reference.as_str()), ("ttbar", "Z+jets"))
        }
        other => panic!("expected a binning error, got {other:?}"),
    }
    assert!(matches!(
        render_png(&DataVsMc::default(), 600, 600),
        Err(PlotError::Invalid(_))
    ));
    assert!(matches!(
        render_png(&figure(), 10, 600),
        Err(PlotError::Invalid(_))
    ));
    assert!(matches!(
        render_png(&Overlay::default(), 600, 600),
        Err(PlotError::Invalid(_))
    ));
    let mut bad_ratio = figure();
    bad_ratio.ratio_range = (1.5, 0.5);
    assert!(matches!(
        render_svg(&bad_ratio, 600, 600),
        Err(PlotError::Invalid(_))
    ));
    let e = save_png(
        &figure(),
        std::path::Path::new("/nonexistent-dir/x.png"),
        300,
        300,
    )
    .unwrap_err();
    assert!(e.to_string().contains("/nonexistent-dir/x.png"), "{e}");
}

#[test]
fn colours_parse() {
    assert_eq!(
        Colour::parse("#3f90da").unwrap(),
        Colour::rgb(0x3f, 0x90, 0xda)
    );
    assert_eq!(
        Colour::parse("#f0a").unwrap(),
        Colour::rgb(0xff, 0x00, 0xaa)
    );
    assert_eq!(
        Colour::parse(" Tab:Blue ").unwrap(),
        Colour::rgb(0x1f, 0x77, 0xb4)
    );
    let e = Colour::parse("#12345").unwrap_err().to_string();
    assert!(e.contains("\"#12345\""), "{e}");
    assert!(Colour::parse("chartreuse-ish").is_err());
}

#[test]
fn empty_negative_and_nan_contents_still_draw() {
    for log_y in [false, true] {
        let zeros = hist(&[0.0; 5]);
        let mut odd = hist(&[3.0, -2.0, 0.0, 1e-9, 5.0]);
        odd.fill(&[25.0], Some(&[f64::NAN])).unwrap();
        let fig = DataVsMc {
            stack: vec![
                StackEntry {
                    label: "empty".into(),
                    colour: Colour::palette(0),
                    hist: zeros.clone(),
                },
                StackEntry {
                    label: "odd".into(),
                    colour: Colour::palette(1),
                    hist: odd,
                },
            ],
            data: Some(("Data".into(), zeros)),
            log_y,
            ..DataVsMc::default()
        };
        let png = render_png(&fig, 400, 400).unwrap();
        assert_eq!(png_size(&png), (400, 400));
    }
}

#[test]
fn data_with_fitted_curves_and_residuals() {
    use hepkey_plot::{Curve, DataWithCurves};
    let data = hist(&[100.0, 90.0, 130.0, 70.0, 60.0]);
    let bkg = Curve::sample("Bkg. fit", Colour::palette(2), 0.0, 50.0, 51, |x| {
        100.0 - 0.8 * x
    });
    assert_eq!(bkg.at(25.0), 80.0);
    assert_eq!(bkg.at(25.5), 100.0 - 0.8 * 25.5);
    assert!(bkg.at(60.0).is_nan());
    let sb = Curve::sample("Sig. + bkg. fit", Colour::palette(0), 0.0, 50.0, 201, |x| {
        100.0 - 0.8 * x + 40.0 * (-0.5 * ((x - 25.0) / 3.0f64).powi(2)).exp()
    });
    let fig = DataWithCurves {
        data: ("Data".into(), data),
        curves: vec![sb, bkg],
        residual_reference: Some(1),
        x_label: "$m_{\\gamma\\gamma}$ [GeV]".into(),
        label: ExperimentLabel::atlas(13.0, 10.0),
        ..DataWithCurves::default()
    };
    let svg = render_svg(&fig, 700, 700).unwrap();
    for t in [
        "Sig. + bkg. fit",
        "Bkg. fit",
        "Data − Bkg.",
        ">\nγγ\n</text>",
    ] {
        assert!(svg.contains(t), "SVG lacks {t:?}");
    }
    assert_eq!(png_size(&render_png(&fig, 500, 400).unwrap()), (500, 400));
    let mut bad = fig.clone();
    bad.residual_reference = Some(2);
    assert!(matches!(
        render_svg(&bad, 600, 600),
        Err(PlotError::Invalid(_))
    ));
    let mut bad = fig;
    bad.curves[0].points.swap(3, 4);
    let e = render_svg(&bad, 600, 600).unwrap_err().to_string();
    assert!(
        e.contains("Sig. + bkg. fit") && e.contains("increase"),
        "{e}"
    );
}

#[test]
fn category_axes_label_their_bins() {
    let mut yields = Hist1D::new(hepkey_hist::Axis::category(["4j1b", "4j2b", "2l"]).unwrap());
    yields
        .fill_labels(
            &["4j1b", "4j1b", "4j2b", "2l"],
            Some(&[10.0, 5.0, 7.0, 1.0]),
        )
        .unwrap();
    let fig = DataVsMc {
        stack: vec![StackEntry {
            label: "ttbar".into(),
            colour: Colour::palette(0),
            hist: yields.clone(),
        }],
        data: Some(("Data".into(), yields)),
        ..DataVsMc::default()
    };
    let svg = render_svg(&fig, 600, 600).unwrap();
    for l in ["4j1b", "4j2b", "2l"] {
        // plotters writes each text element's content on its own line.
        assert!(svg.contains(&format!(">\n{l}\n</text>")), "tick label {l}");
    }
}
