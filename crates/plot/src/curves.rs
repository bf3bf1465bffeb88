//! Data with fitted curves and a residual panel (data − background), as in the H→γγ discovery plots.

use hepkey_hist::Hist1D;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::colour::Colour;
use crate::error::{draw_err, PlotError, Result};
use crate::figure::Figure;
use crate::frame::{self, Sizes, Swatch, YScale};
use crate::garwood::{poisson_interval, ONE_SIGMA};
use crate::label::ExperimentLabel;
use crate::stack::draw_points;

/// A smooth curve given by points `(x, y)` with increasing `x`, in the histogram's units (events per bin,
/// i.e. a fitted density times the bin width).
#[derive(Debug, Clone)]
pub struct Curve {
    pub label: String,
    pub colour: Colour,
    pub points: Vec<(f64, f64)>,
    pub dashed: bool,
}

impl Curve {
    /// Samples `f` at `n` points over `[x0, x1]`.
    pub fn sample(
        label: impl Into<String>,
        colour: Colour,
        x0: f64,
        x1: f64,
        n: usize,
        f: impl Fn(f64) -> f64,
    ) -> Self {
        let n = n.max(2);
        let points = (0..n)
            .map(|i| x0 + (x1 - x0) * i as f64 / (n - 1) as f64)
            .map(|x| (x, f(x)))
            .collect();
        Self {
            label: label.into(),
            colour,
            points,
            dashed: false,
        }
    }

    /// Linear interpolation (NaN outside the sampled range).
    pub fn at(&self, x: f64) -> f64 {
        let p = &self.points;
        let k = p.partition_point(|q| q.0 < x);
        if k == 0 {
            return if p.first().is_some_and(|q| q.0 == x) {
                p[0].1
            } else {
                f64::NAN
            };
        }
        if k == p.len() {
            return f64::NAN;
        }
        let ((x0, y0), (x1, y1)) = (p[k - 1], p[k]);
        y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    }
}

/// Data points with fitted curves; the lower panel shows data minus the `residual_reference` curve
/// (usually the background-only component) and every other curve minus it.
#[derive(Debug, Clone)]
pub struct DataWithCurves {
    pub data: (String, Hist1D),
    pub curves: Vec<Curve>,
    /// Index into `curves` subtracted in the residual panel; `None` draws no residual panel.
    pub residual_reference: Option<usize>,
    pub x_label: String,
    /// The y-axis title; empty: "Events / 1 GeV" or "Events / bin" from the binning.
    pub y_label: String,
    pub residual_label: String,
    pub label: ExperimentLabel,
    pub log_y: bool,
}

impl Default for DataWithCurves {
    fn default() -> Self {
        Self {
            data: (
                "Data".into(),
                Hist1D::regular(1, 0.0, 1.0).expect("valid axis"),
            ),
            curves: vec![],
            residual_reference: None,
            x_label: String::new(),
            y_label: String::new(),
            residual_label: "Data − Bkg.".into(),
            label: ExperimentLabel::default(),
            log_y: false,
        }
    }
}

fn draw_curve<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    c: &Curve,
    pts: Vec<(f64, f64)>,
    sz: &Sizes,
) -> Result<()> {
    let st = c.colour.to_plotters().stroke_width(sz.line + 1);
    if c.dashed {
        let d = (sz.tick_font * 0.6) as u32;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(pts, d, d / 2, st)))
            .map_err(draw_err)?;
    } else {
        chart
            .draw_series(std::iter::once(PathElement::new(pts, st)))
            .map_err(draw_err)?;
    }
    Ok(())
}

impl Figure for DataWithCurves {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let (data_label, data) = &self.data;
        if let Some(r) = self.residual_reference {
            if r >= self.curves.len() {
                return Err(PlotError::Invalid(format!(
                    "residual reference {r} but only {} curves",
                    self.curves.len()
                )));
            }
        }
        for c in &self.curves {
            if c.points
                .windows(2)
                .any(|w| w[0].0.partial_cmp(&w[1].0) != Some(std::cmp::Ordering::Less))
            {
                return Err(PlotError::Invalid(format!(
                    "curve {:?}: x values must increase",
                    c.label
                )));
            }
        }
        let edges = data.edges();
        let n = edges.len() - 1;
        let (x0, x1) = (edges[0], edges[n]);
        let (w, h) = root.dim_in_pixel();
        let sz = Sizes::for_figure(w, h);
        let errs: Vec<(f64, f64)> = data
            .values()
            .iter()
            .map(|&v| poisson_interval(v.max(0.0), ONE_SIGMA))
            .collect();
        let mut highest = errs.iter().map(|e| e.1).fold(0.0, f64::max);
        let mut lowest_pos = data
            .values()
            .iter()
            .copied()
            .filter(|v| *v > 0.0)
            .fold(f64::INFINITY, f64::min);
        for c in &self.curves {
            for &(x, y) in &c.points {
                if x >= x0 && x <= x1 {
                    highest = highest.max(y);
                    if y > 0.0 {
                        lowest_pos = lowest_pos.min(y);
                    }
                }
            }
        }
        let mut ys = YScale {
            log: self.log_y,
            floor: 0.0,
        };
        let (upper, lower) = match self.residual_reference {
            Some(_) => {
                let (u, l) = root.split_vertically((f64::from(h) * 0.70) as u32);
                (u, Some(l))
            }
            None => (root.clone(), None),
        };
        let x_area = if lower.is_some() { 0 } else { sz.x_label_area };
        let frame_px = frame::frame_of(&upper, &sz, x_area)?;
        let mut rows = vec![(Swatch::Marker, data_label.clone())];
        rows.extend(
            self.curves
                .iter()
                .map(|c| (Swatch::Line(c.colour, c.dashed), c.label.clone())),
        );
        let top = frame::top_layout(&self.label, &rows, &frame_px, &sz)?;
        let (y0, y1) = frame::y_range(&mut ys, highest, lowest_pos, top.free);
        let mut chart = ChartBuilder::on(&upper)
            .margin_top(sz.margin_top)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(x_area)
            .y_label_area_size(sz.y_label_area)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        for c in &self.curves {
            let pts = c
                .points
                .iter()
                .filter(|p| p.0 >= x0 && p.0 <= x1)
                .map(|&(x, y)| (x, ys.t(y).clamp(y0, y1)))
                .collect();
            draw_curve(&mut chart, c, pts, &sz)?;
        }
        draw_points(&mut chart, &edges, data.values(), &errs, &ys, (y0, y1), &sz)?;
        let y_title = if self.y_label.is_empty() {
            crate::label::events_per_bin(data.axis(), &self.x_label)
        } else {
            self.y_label.clone()
        };
        let spec = frame::AxesSpec {
            x: frame::x_ticks(data.axis(), x0, x1),
            y: if ys.log {
                frame::log_ticks(y0, y1)
            } else {
                frame::linear_ticks(y0, y1, 5)
            },
            x_title: lower.is_none().then_some(self.x_label.as_str()),
            y_title: &y_title,
            skip_top_y_label: false,
            x_labels: lower.is_none(),
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

        let (Some(lower), Some(r)) = (lower, self.residual_reference) else {
            return Ok(());
        };
        let reference = &self.curves[r];
        let centres = data.axis().centers();
        let resid: Vec<f64> = centres
            .iter()
            .zip(data.values())
            .map(|(&x, &v)| v - reference.at(x))
            .collect();
        let resid_err: Vec<(f64, f64)> = centres
            .iter()
            .zip(&errs)
            .map(|(&x, &(lo, hi))| (lo - reference.at(x), hi - reference.at(x)))
            .collect();
        let others: Vec<(usize, Vec<(f64, f64)>)> = self
            .curves
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != r)
            .map(|(k, c)| {
                let pts = c
                    .points
                    .iter()
                    .filter(|p| p.0 >= x0 && p.0 <= x1)
                    .map(|&(x, y)| (x, y - reference.at(x)))
                    .collect();
                (k, pts)
            })
            .collect();
        let mut span = resid_err
            .iter()
            .flat_map(|&(a, b)| [a.abs(), b.abs()])
            .filter(|v| v.is_finite())
            .fold(0.0, f64::max);
        for (_, pts) in &others {
            span = pts
                .iter()
                .map(|p| p.1.abs())
                .filter(|v| v.is_finite())
                .fold(span, f64::max);
        }
        let span = if span > 0.0 { span * 1.25 } else { 1.0 };
        let mut rc = ChartBuilder::on(&lower)
            .margin_top(0)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(sz.x_label_area)
            .y_label_area_size(sz.y_label_area)
            .build_cartesian_2d(x0..x1, -span..span)
            .map_err(draw_err)?;
        let d = (sz.tick_font * 0.5) as u32;
        rc.draw_series(std::iter::once(DashedPathElement::new(
            vec![(x0, 0.0), (x1, 0.0)],
            d,
            d / 2,
            RGBColor(100, 100, 100).stroke_width(sz.line),
        )))
        .map_err(draw_err)?;
        for (k, pts) in others {
            let pts = pts
                .into_iter()
                .map(|(x, y)| (x, y.clamp(-span, span)))
                .collect();
            draw_curve(&mut rc, &self.curves[k], pts, &sz)?;
        }
        let lin = YScale {
            log: false,
            floor: 0.0,
        };
        draw_points(
            &mut rc,
            &edges,
            &resid,
            &resid_err,
            &lin,
            (-span, span),
            &sz,
        )?;
        let frame_px = rc.plotting_area().get_pixel_range();
        let spec = frame::AxesSpec {
            x: frame::x_ticks(data.axis(), x0, x1),
            y: frame::linear_ticks(-span, span, 3),
            x_title: Some(self.x_label.as_str()),
            y_title: &self.residual_label,
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
        )
    }
}
