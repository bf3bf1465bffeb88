//! Several histograms overlaid as lines (e.g. nominal with its up and down variations), with an optional
//! panel of the ratio to the first one.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::error::{draw_err, PlotError, Result};
use crate::figure::Figure;
use crate::frame::{self, Sizes, Swatch, YScale};
use crate::label::ExperimentLabel;
use crate::stack::{step_points, LineEntry};

/// Overlaid step lines; the first histogram is the reference of the ratio panel.
#[derive(Debug, Clone)]
pub struct Overlay {
    pub lines: Vec<LineEntry>,
    pub x_label: String,
    pub y_label: String,
    pub label: ExperimentLabel,
    pub log_y: bool,
    /// Draw a lower panel with each histogram divided by the first.
    pub ratio_to_first: bool,
    pub ratio_range: (f64, f64),
    pub ratio_label: String,
    /// Error bars (√Σw²) on the first histogram.
    pub first_with_errors: bool,
}

impl Default for Overlay {
    fn default() -> Self {
        Self {
            lines: vec![],
            x_label: String::new(),
            y_label: "Events".into(),
            label: ExperimentLabel::default(),
            log_y: false,
            ratio_to_first: false,
            ratio_range: (0.8, 1.2),
            ratio_label: "Ratio".into(),
            first_with_errors: false,
        }
    }
}

fn draw_lines<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    edges: &[f64],
    lines: &[(&LineEntry, Vec<f64>)],
    ys: &YScale,
    sz: &Sizes,
) -> Result<()> {
    for (l, values) in lines {
        let st = l.colour.to_plotters().stroke_width(sz.line + 1);
        let pts = step_points(edges, values, ys);
        if l.dashed {
            let d = (sz.tick_font * 0.6) as u32;
            chart
                .draw_series(std::iter::once(DashedPathElement::new(pts, d, d / 2, st)))
                .map_err(draw_err)?;
        } else {
            chart
                .draw_series(std::iter::once(PathElement::new(pts, st)))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

impl Figure for Overlay {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let first = self
            .lines
            .first()
            .ok_or_else(|| PlotError::Invalid("nothing to draw: no histograms".into()))?;
        let edges = first.hist.edges();
        for l in &self.lines[1..] {
            if l.hist.edges() != edges {
                return Err(PlotError::Binning {
                    label: l.label.clone(),
                    reference: first.label.clone(),
                });
            }
        }
        let n = edges.len() - 1;
        let (w, h) = root.dim_in_pixel();
        let sz = Sizes::for_figure(w, h);
        let mut highest = 0.0_f64;
        let mut lowest_pos = f64::INFINITY;
        for l in &self.lines {
            for (i, &v) in l.hist.values().iter().enumerate() {
                let e = if self.first_with_errors {
                    l.hist.variances()[i].max(0.0).sqrt()
                } else {
                    0.0
                };
                highest = highest.max(v + e);
                if v > 0.0 {
                    lowest_pos = lowest_pos.min(v);
                }
            }
        }
        let mut ys = YScale {
            log: self.log_y,
            floor: 0.0,
        };
        let show_ratio = self.ratio_to_first && self.lines.len() > 1;
        let (upper, lower) = if show_ratio {
            let (u, l) = root.split_vertically((f64::from(h) * 0.70) as u32);
            (u, Some(l))
        } else {
            (root.clone(), None)
        };
        let x_area = if show_ratio { 0 } else { sz.x_label_area };
        let frame_px = frame::frame_of(&upper, &sz, x_area)?;
        let rows: Vec<(Swatch, String)> = self
            .lines
            .iter()
            .map(|l| (Swatch::Line(l.colour, l.dashed), l.label.clone()))
            .collect();
        let top = frame::top_layout(&self.label, &rows, &frame_px, &sz)?;
        let (y0, y1) = frame::y_range(&mut ys, highest, lowest_pos, top.free);
        let mut chart = ChartBuilder::on(&upper)
            .margin_top(sz.margin_top)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(x_area)
            .y_label_area_size(sz.y_label_area)
            .build_cartesian_2d(edges[0]..edges[n], y0..y1)
            .map_err(draw_err)?;
        let lines: Vec<(&LineEntry, Vec<f64>)> = self
            .lines
            .iter()
            .map(|l| (l, l.hist.values().to_vec()))
            .collect();
        draw_lines(&mut chart, &edges, &lines, &ys, &sz)?;
        if self.first_with_errors {
            let st = first.colour.to_plotters().stroke_width(sz.line);
            for i in 0..n {
                let (v, e) = (
                    first.hist.values()[i],
                    first.hist.variances()[i].max(0.0).sqrt(),
                );
                let x = 0.5 * (edges[i] + edges[i + 1]);
                if e > 0.0 {
                    let pts = vec![(x, ys.t(v - e).max(y0)), (x, ys.t(v + e).min(y1))];
                    chart
                        .draw_series(std::iter::once(PathElement::new(pts, st)))
                        .map_err(draw_err)?;
                }
            }
        }
        let spec = frame::AxesSpec {
            x: frame::x_ticks(first.hist.axis(), edges[0], edges[n]),
            y: if ys.log {
                frame::log_ticks(y0, y1)
            } else {
                frame::linear_ticks(y0, y1, 5)
            },
            x_title: (!show_ratio).then_some(self.x_label.as_str()),
            y_title: &self.y_label,
            skip_top_y_label: false,
            x_labels: !show_ratio,
            y_title_scale: 1.0,
        };
        frame::draw_axes(
            root,
            &|x, y| chart.backend_coord(&(x, y)),
            &frame_px,
            &spec,
            &sz,
        )?;
        frame::draw_label(root, &self.label, frame_px.clone(), &sz)?;
        if let Some(legend) = top.legend {
            frame::draw_legend(root, &rows, frame_px, &sz, legend.y0)?;
        }

        if let Some(lower) = lower {
            let (r0, r1) = self.ratio_range;
            if r0.partial_cmp(&r1) != Some(std::cmp::Ordering::Less) {
                return Err(PlotError::Invalid(format!(
                    "ratio range [{r0}, {r1}] is empty"
                )));
            }
            let mut rc = ChartBuilder::on(&lower)
                .margin_top(0)
                .margin_right(sz.margin_right)
                .margin_left(sz.margin_left)
                .x_label_area_size(sz.x_label_area)
                .y_label_area_size(sz.y_label_area)
                .build_cartesian_2d(edges[0]..edges[n], r0..r1)
                .map_err(draw_err)?;
            let reference = first.hist.values();
            // Ratios outside the panel are clamped to its edges so the line stays visible.
            let ratios: Vec<(&LineEntry, Vec<f64>)> = self
                .lines
                .iter()
                .map(|l| {
                    let r = l
                        .hist
                        .values()
                        .iter()
                        .zip(reference)
                        .map(|(v, r)| {
                            if *r != 0.0 {
                                (v / r).clamp(r0, r1)
                            } else {
                                1.0
                            }
                        })
                        .collect();
                    (l, r)
                })
                .collect();
            let lin = YScale {
                log: false,
                floor: 0.0,
            };
            draw_lines(&mut rc, &edges, &ratios, &lin, &sz)?;
            let frame_px = rc.plotting_area().get_pixel_range();
            let spec = frame::AxesSpec {
                x: frame::x_ticks(first.hist.axis(), edges[0], edges[n]),
                y: frame::linear_ticks(r0, r1, 3),
                x_title: Some(self.x_label.as_str()),
                y_title: &self.ratio_label,
                skip_top_y_label: true,
                x_labels: true,
                y_title_scale: 0.8,
            };
            frame::draw_axes(
                root,
                &|x, y| rc.backend_coord(&(x, y)),
                &frame_px,
                &spec,
                &sz,
            )?;
        }
        Ok(())
    }
}
