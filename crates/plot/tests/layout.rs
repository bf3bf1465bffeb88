//! What the figures say and where: y titles, legend placement, ratio panels, off-range markers, the
//! ranking figure and PDF output.

use hepkey_hist::Hist1D;
use hepkey_plot::{
    render, render_svg, save, Colour, DataVsMc, DataWithCurves, ExperimentLabel, Format, Ranking,
    RankingEntry, StackEntry,
};

fn hist(values: &[f64], width: f64) -> Hist1D {
    let mut h = Hist1D::regular(values.len(), 100.0, 100.0 + values.len() as f64 * width).unwrap();
    let xs: Vec<f64> = (0..values.len())
        .map(|i| 100.0 + (i as f64 + 0.5) * width)
        .collect();
    h.fill(&xs, Some(values)).unwrap();
    h
}

fn busy_figure() -> DataVsMc {
    let v = [120.0, 300.0, 420.0, 260.0, 90.0, 30.0, 8.0, 2.0];
    let stack = (0..4)
        .map(|k| StackEntry {
            label: format!("A rather long background name number {k}"),
            colour: Colour::palette(k),
            hist: hist(&v, 2.0),
        })
        .collect();
    DataVsMc {
        stack,
        data: Some(("Data".into(), hist(&v, 2.0))),
        x_label: "m_{γγ} [GeV]".into(),
        label: ExperimentLabel::atlas(13.0, 5.3)
            .with_line("H → γγ, a long analysis name — signal region"),
        ..DataVsMc::default()
    }
}

#[test]
fn the_legend_never_overlaps_the_label() {
    for (w, h) in [(900, 900), (640, 720), (400, 400)] {
        let l = busy_figure().layout(w, h).unwrap();
        let (label, legend) = (l.label.unwrap(), l.legend.unwrap());
        assert!(
            !label.intersects(&legend),
            "{w}x{h}: {label:?} and {legend:?}"
        );
        // Both stay inside the frame horizontally.
        assert!(legend.x1 <= l.frame.x1 && label.x0 >= l.frame.x0);
    }
    // A short legend beside a short label stays in the top-right corner.
    let mut fig = busy_figure();
    fig.stack.truncate(1);
    fig.stack[0].label = "Bkg.".into();
    fig.label = ExperimentLabel::atlas(13.0, 5.3);
    let l = fig.layout(900, 900).unwrap();
    assert!(l.legend.unwrap().y0 < l.label.unwrap().y1, "{l:?}");
}

#[test]
fn y_title_follows_the_binning() {
    let fig = busy_figure();
    assert_eq!(fig.layout(900, 900).unwrap().y_title, "Events / 2 GeV");
    let mut var = fig.clone();
    let edges = Hist1D::from_parts(
        hepkey_hist::Axis::variable(vec![0.0, 1.0, 5.0]).unwrap(),
        vec![0.0; 4],
        vec![0.0; 4],
    )
    .unwrap();
    var.stack = vec![StackEntry {
        label: "b".into(),
        colour: Colour::palette(0),
        hist: edges.clone(),
    }];
    var.data = Some(("Data".into(), edges));
    assert_eq!(var.y_title(), "Events / bin");
    let mut fixed = fig;
    fixed.y_label = "Candidates".into();
    assert_eq!(fixed.y_title(), "Candidates");
}

#[test]
fn ratio_panel_only_with_a_prediction_and_arrows_off_range() {
    let mut fig = busy_figure();
    // Data twice the prediction in bin 0, a tenth in bin 1: both off the 0.5–1.5 panel.
    let mut d = fig.stack[0].hist.values().to_vec();
    for x in &mut d {
        *x *= 4.0;
    }
    d[0] *= 2.0;
    d[1] *= 0.1;
    fig.data = Some(("Data".into(), hist(&d, 2.0)));
    let l = fig.layout(900, 900).unwrap();
    assert!(l.ratio_panel);
    assert_eq!(l.ratio_off_range, vec![(0, true), (1, false)]);
    fig.ratio = false;
    let l = fig.layout(900, 900).unwrap();
    assert!(!l.ratio_panel);
    assert!(l.ratio_off_range.is_empty());
    // Without simulation there is nothing to divide by.
    fig.ratio = true;
    fig.stack.clear();
    assert!(!fig.layout(900, 900).unwrap().ratio_panel);
}

#[test]
fn scripts_are_drawn_as_separate_smaller_text() {
    let svg = render_svg(&busy_figure(), 900, 900).unwrap();
    // "m_{γγ} [GeV]": the subscript is its own text element, smaller than the "m".
    let size_of = |t: &str| -> f64 {
        let at = svg
            .find(&format!(">\n{t}\n</text>"))
            .unwrap_or_else(|| panic!("{t} in SVG"));
        let open = svg[..at].rfind("<text").unwrap();
        let attr = &svg[open..at];
        let fs = attr.find("font-size=\"").unwrap() + 11;
        attr[fs..fs + attr[fs..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    assert!(size_of("γγ") < 0.8 * size_of("m"));
    assert!(svg.contains(">\nEvents / 2 GeV\n</text>"));
}

#[test]
fn pdf_output_has_a_page_and_text() {
    let fig = DataWithCurves {
        data: ("Data".into(), hist(&[5.0, 9.0, 4.0], 1.0)),
        x_label: "m(γγ) [GeV]".into(),
        label: ExperimentLabel::atlas(13.0, 1.6),
        ..DataWithCurves::default()
    };
    let pdf = render(&fig, Format::Pdf, 600, 600).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Type /Page") || text.contains("/Type/Page"));
    // The DejaVu face is embedded (text stays text, not outlines or nothing).
    assert!(text.contains("DejaVu"), "no embedded font");
}

#[test]
fn unknown_extensions_are_refused_naming_the_supported_ones() {
    let dir = std::env::temp_dir().join(format!("hepkey-plot-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = save(&busy_figure(), &dir.join("fig.jpg"), 300, 300).unwrap_err();
    assert!(e.to_string().contains("png, svg, pdf"), "{e}");
    assert!(!dir.join("fig.jpg").exists());
    save(&busy_figure(), &dir.join("fig.pdf"), 300, 300).unwrap();
    assert!(std::fs::read(dir.join("fig.pdf"))
        .unwrap()
        .starts_with(b"%PDF"));
    assert_eq!(Format::parse("PNG").unwrap(), Format::Png);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ranking_figure_lists_every_parameter() {
    let fig = Ranking {
        poi: "μ".into(),
        entries: (0..3)
            .map(|k| RankingEntry {
                label: format!("alpha_{k}"),
                postfit_up: 0.1 / (k + 1) as f64,
                postfit_down: -0.08 / (k + 1) as f64,
                prefit_up: Some(0.12),
                prefit_down: None,
            })
            .collect(),
    };
    let h = fig.height(900);
    let svg = render_svg(&fig, 900, h).unwrap();
    for k in 0..3 {
        assert!(svg.contains(&format!(">\nalpha_{k}\n</text>")), "alpha_{k}");
    }
    assert!(svg.contains(">\nImpact on μ\n</text>"));
}
