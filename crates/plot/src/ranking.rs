//! The ranking plot of a fit: each nuisance parameter's impact on the parameter of interest, as
//! horizontal bars (post-fit filled, pre-fit outlined), largest first.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use crate::error::{draw_err, Result};
use crate::figure::Figure;
use crate::frame::{self, font, Sizes};

/// One parameter's impacts on the POI (shifts of its best fit when the parameter moves by ±1σ).
#[derive(Debug, Clone, PartialEq)]
pub struct RankingEntry {
    pub label: String,
    pub postfit_up: f64,
    pub postfit_down: f64,
    pub prefit_up: Option<f64>,
    pub prefit_down: Option<f64>,
}

/// Impacts of the parameters on `poi`, drawn top to bottom in the order given.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    pub poi: String,
    pub entries: Vec<RankingEntry>,
}

impl Ranking {
    /// A figure height that gives each parameter a row of about 28 px at 900 px width.
    pub fn height(&self, width: u32) -> u32 {
        (f64::from(width) / 900.0 * (140.0 + 28.0 * self.entries.len() as f64)) as u32
    }
}

impl Figure for Ranking {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (w, _) = root.dim_in_pixel();
        // Text sizes follow the width (the height grows with the number of parameters).
        let sz = Sizes::for_figure(w, w);
        let n = self.entries.len().max(1);
        let reach = self
            .entries
            .iter()
            .flat_map(|i| {
                [
                    i.postfit_up,
                    i.postfit_down,
                    i.prefit_up.unwrap_or(0.0),
                    i.prefit_down.unwrap_or(0.0),
                ]
            })
            .filter(|v| v.is_finite())
            .fold(1e-9f64, |a, b| a.max(b.abs()))
            * 1.15;
        let mut chart = ChartBuilder::on(root)
            .margin_top((sz.axis_font * 2.2) as u32)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(sz.x_label_area)
            .y_label_area_size((0.36 * f64::from(w)) as u32)
            .build_cartesian_2d(-reach..reach, 0f64..n as f64)
            .map_err(draw_err)?;
        let frame_px = chart.plotting_area().get_pixel_range();
        frame::text(
            root,
            &format!("Impact on {}", self.poi),
            (
                frame_px.0.start,
                frame_px.1.start - (sz.axis_font * 0.4) as i32,
            ),
            font(sz.axis_font),
            HPos::Left,
            VPos::Bottom,
        )?;
        let bar = |lo: f64, hi: f64, y: f64, inset: f64| {
            [(lo.min(hi), y + inset), (lo.max(hi), y + 1.0 - inset)]
        };
        for (k, i) in self.entries.iter().enumerate() {
            let y = (n - 1 - k) as f64;
            if let (Some(u), Some(d)) = (i.prefit_up, i.prefit_down) {
                chart
                    .draw_series([
                        Rectangle::new(
                            bar(0.0, u, y, 0.15),
                            RGBColor(120, 150, 220).stroke_width(2),
                        ),
                        Rectangle::new(
                            bar(0.0, d, y, 0.15),
                            RGBColor(110, 190, 130).stroke_width(2),
                        ),
                    ])
                    .map_err(draw_err)?;
            }
            chart
                .draw_series([
                    Rectangle::new(
                        bar(0.0, i.postfit_up, y, 0.25),
                        RGBColor(40, 90, 200).filled(),
                    ),
                    Rectangle::new(
                        bar(0.0, i.postfit_down, y, 0.25),
                        RGBColor(40, 160, 90).filled(),
                    ),
                ])
                .map_err(draw_err)?;
            let (px, py) = chart.backend_coord(&(-reach, y + 0.5));
            frame::text(
                root,
                &i.label,
                (px - (sz.tick_font * 0.5) as i32, py),
                font(sz.tick_font * 0.85),
                HPos::Right,
                VPos::Center,
            )?;
        }
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(0.0, 0.0), (0.0, n as f64)],
                RGBColor(100, 100, 100).stroke_width(1),
            )))
            .map_err(draw_err)?;
        let spec = frame::AxesSpec {
            x: frame::linear_ticks(-reach, reach, 5),
            y: frame::Ticks {
                major: vec![],
                minor: vec![],
            },
            x_title: Some(&format!(
                "Δ{} (filled: post-fit ±1σ, open: pre-fit)",
                self.poi
            )),
            y_title: "",
            skip_top_y_label: false,
            x_labels: true,
            y_title_scale: 1.0,
        };
        frame::draw_axes(
            root,
            &|x, y| chart.backend_coord(&(x, y)),
            &frame_px,
            &spec,
            &sz,
        )
    }
}
