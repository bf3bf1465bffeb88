//! Data versus stacked simulation, with a data/simulation ratio panel.

use hepkey_hist::Hist1D;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::colour::Colour;
use crate::error::{draw_err, PlotError, Result};
use crate::figure::Figure;
use crate::frame::{self, Rect, Sizes, Swatch, YScale};
use crate::garwood::{poisson_interval, ONE_SIGMA};
use crate::label::ExperimentLabel;

/// One stacked simulation component (a plot group: "t\u{304}t", "W+jets", ...).
#[derive(Debug, Clone)]
pub struct StackEntry {
    pub label: String,
    pub colour: Colour,
    pub hist: Hist1D,
}

/// A histogram drawn as an unstacked line on top (e.g. a signal scaled for visibility).
#[derive(Debug, Clone)]
pub struct LineEntry {
    pub label: String,
    pub colour: Colour,
    pub hist: Hist1D,
    pub dashed: bool,
}

/// Data points over stacked simulation, the simulation's statistical uncertainty, and a ratio panel.
///
/// Stacking order is the order of `stack` from the bottom; the legend lists the top of the stack first.
/// Data error bars are Garwood (Poisson) 68.3 % intervals. All histograms must share their bin edges.
#[derive(Debug, Clone)]
pub struct DataVsMc {
    pub stack: Vec<StackEntry>,
    pub lines: Vec<LineEntry>,
    /// Data and its legend label ("Data").
    pub data: Option<(String, Hist1D)>,
    pub x_label: String,
    /// The y-axis title; empty: "Events / 2 GeV" (fixed-width bins, unit from the x label's `[GeV]`) or
    /// "Events / bin" (variable bins).
    pub y_label: String,
    pub label: ExperimentLabel,
    pub log_y: bool,
    /// Draw the data/prediction ratio panel (needs data and a non-empty stack; leave it off when the
    /// stack is not a full prediction, e.g. signal only).
    pub ratio: bool,
    /// Visible range of the ratio panel.
    pub ratio_range: (f64, f64),
    /// Hatched band of the simulation's statistical uncertainty (√Σw²) in both panels.
    pub mc_stat_band: bool,
    pub ratio_label: String,
    pub band_label: String,
}

impl Default for DataVsMc {
    fn default() -> Self {
        Self {
            stack: vec![],
            lines: vec![],
            data: None,
            x_label: String::new(),
            y_label: String::new(),
            label: ExperimentLabel::default(),
            log_y: false,
            ratio: true,
            ratio_range: (0.5, 1.5),
            mc_stat_band: true,
            ratio_label: "Data / Pred.".into(),
            band_label: "Stat. unc.".into(),
        }
    }
}

impl DataVsMc {
    /// The axis of the first histogram (all share their edges), for tick labels.
    fn reference_axis(&self) -> &hepkey_hist::Axis {
        self.stack
            .first()
            .map(|e| e.hist.axis())
            .or_else(|| self.lines.first().map(|l| l.hist.axis()))
            .or_else(|| self.data.as_ref().map(|(_, h)| h.axis()))
            .expect("checked by edges()")
    }

    /// Checks that there is something to draw and that every histogram has the same edges.
    fn edges(&self) -> Result<Vec<f64>> {
        let mut all: Vec<(&str, &Hist1D)> = self
            .stack
            .iter()
            .map(|e| (e.label.as_str(), &e.hist))
            .collect();
        all.extend(self.lines.iter().map(|e| (e.label.as_str(), &e.hist)));
        if let Some((l, h)) = &self.data {
            all.push((l, h));
        }
        let (ref_label, first) = *all.first().ok_or_else(|| {
            PlotError::Invalid("nothing to draw: no simulation and no data".into())
        })?;
        let edges = first.edges();
        for (l, h) in &all[1..] {
            if h.edges() != edges {
                return Err(PlotError::Binning {
                    label: l.to_string(),
                    reference: ref_label.to_string(),
                });
            }
        }
        Ok(edges)
    }

    /// Per-bin totals of the stack: cumulative tops per component, total Σw and total Σw².
    fn cumulative(&self, n: usize) -> (Vec<Vec<f64>>, Vec<f64>, Vec<f64>) {
        let mut tops = Vec::with_capacity(self.stack.len());
        let mut acc = vec![0.0; n];
        let mut var = vec![0.0; n];
        for e in &self.stack {
            for i in 0..n {
                acc[i] += e.hist.values()[i];
                var[i] += e.hist.variances()[i];
            }
            tops.push(acc.clone());
        }
        (tops, acc, var)
    }

    /// Legend rows: data, the stack from the top, the uncertainty band, the lines.
    fn legend_rows(&self) -> Vec<(Swatch, String)> {
        let mut rows = Vec::new();
        if let Some((l, _)) = &self.data {
            rows.push((Swatch::Marker, l.clone()));
        }
        for e in self.stack.iter().rev() {
            rows.push((Swatch::Filled(e.colour), e.label.clone()));
        }
        if self.mc_stat_band && !self.stack.is_empty() {
            rows.push((Swatch::Hatched, self.band_label.clone()));
        }
        for l in &self.lines {
            rows.push((Swatch::Line(l.colour, l.dashed), l.label.clone()));
        }
        rows
    }

    /// Whether the ratio panel is drawn: asked for, with data and a prediction to divide by.
    fn shows_ratio(&self) -> bool {
        self.ratio && !self.stack.is_empty() && self.data.is_some()
    }

    /// The y-axis title: `y_label`, or when empty "Events / 2 GeV" or "Events / bin" from the binning.
    pub fn y_title(&self) -> String {
        if !self.y_label.is_empty() {
            return self.y_label.clone();
        }
        match self.edges() {
            Ok(_) => crate::label::events_per_bin(self.reference_axis(), &self.x_label),
            Err(_) => "Events".into(),
        }
    }

    /// Where things go in a `width` × `height` figure (what [`Figure::draw_on`] draws), for checks
    /// without looking at pixels.
    pub fn layout(&self, width: u32, height: u32) -> Result<Layout> {
        let edges = self.edges()?;
        crate::output::register_fonts();
        let mut buf = vec![255u8; width as usize * height as usize * 3];
        let root = BitMapBackend::with_buffer(&mut buf, (width, height)).into_drawing_area();
        let sz = Sizes::for_figure(width, height);
        let show_ratio = self.shows_ratio();
        let upper = if show_ratio {
            root.split_vertically((f64::from(height) * 0.70) as u32).0
        } else {
            root.clone()
        };
        let x_area = if show_ratio { 0 } else { sz.x_label_area };
        let f = frame::frame_of(&upper, &sz, x_area)?;
        let top = frame::top_layout(&self.label, &self.legend_rows(), &f, &sz)?;
        let mut off = Vec::new();
        if let (true, Some((_, d))) = (show_ratio, &self.data) {
            let (_, total, _) = self.cumulative(edges.len() - 1);
            for (i, (&v, &t)) in d.values().iter().zip(&total).enumerate() {
                if let Some(above) = off_range(v, t, self.ratio_range) {
                    off.push((i, above));
                }
            }
        }
        Ok(Layout {
            frame: Rect {
                x0: f.0.start,
                y0: f.1.start,
                x1: f.0.end,
                y1: f.1.end,
            },
            label: top.label,
            legend: top.legend,
            ratio_panel: show_ratio,
            y_title: self.y_title(),
            ratio_off_range: off,
        })
    }
}

/// What a [`DataVsMc`] figure draws where.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The main plot's frame.
    pub frame: Rect,
    /// The experiment label's lines inside the frame.
    pub label: Option<Rect>,
    pub legend: Option<Rect>,
    pub ratio_panel: bool,
    pub y_title: String,
    /// Bins whose data/prediction ratio lies outside the ratio panel (`true`: above), marked by arrows.
    pub ratio_off_range: Vec<(usize, bool)>,
}

/// Whether the ratio `data / total` is off the visible range: `Some(true)` above, `Some(false)` below,
/// `None` inside or undefined (no prediction).
fn off_range(data: f64, total: f64, (r0, r1): (f64, f64)) -> Option<bool> {
    if total.is_nan() || total <= 0.0 || !data.is_finite() {
        return None;
    }
    let r = data / total;
    if r > r1 {
        Some(true)
    } else if r < r0 {
        Some(false)
    } else {
        None
    }
}

impl Figure for DataVsMc {
    fn draw_on<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()> {
        let edges = self.edges()?;
        let n = edges.len() - 1;
        let (w, h) = root.dim_in_pixel();
        let sz = Sizes::for_figure(w, h);
        let (tops, total, total_var) = self.cumulative(n);
        let has_stack = !self.stack.is_empty();
        let data = self.data.as_ref().map(|(_, h)| h);
        let data_err: Vec<(f64, f64)> = data
            .map(|d| {
                d.values()
                    .iter()
                    .map(|&v| poisson_interval(v.max(0.0), ONE_SIGMA))
                    .collect()
            })
            .unwrap_or_default();
        let show_ratio = self.ratio && has_stack && data.is_some();

        // y range from everything drawn.
        let mut highest = 0.0_f64;
        let mut lowest_pos = f64::INFINITY;
        for i in 0..n {
            let band = if self.mc_stat_band {
                total_var[i].max(0.0).sqrt()
            } else {
                0.0
            };
            highest = highest.max(total[i] + band);
            if total[i] > 0.0 {
                lowest_pos = lowest_pos.min(total[i]);
            }
            if let Some(d) = data {
                highest = highest.max(data_err[i].1.max(d.values()[i]));
                if d.values()[i] > 0.0 {
                    lowest_pos = lowest_pos.min(d.values()[i]);
                }
            }
        }
        for l in &self.lines {
            for &v in l.hist.values() {
                highest = highest.max(v);
                if v > 0.0 {
                    lowest_pos = lowest_pos.min(v);
                }
            }
        }
        for e in &self.stack {
            for &v in e.hist.values() {
                if v > 0.0 {
                    lowest_pos = lowest_pos.min(v);
                }
            }
        }
        let (upper, lower) = if show_ratio {
            let split = (f64::from(h) * 0.70) as u32;
            let (u, l) = root.split_vertically(split);
            (u, Some(l))
        } else {
            (root.clone(), None)
        };
        let x_area = if show_ratio { 0 } else { sz.x_label_area };
        let frame_px = frame::frame_of(&upper, &sz, x_area)?;
        let rows = self.legend_rows();
        let top = frame::top_layout(&self.label, &rows, &frame_px, &sz)?;
        let mut ys = YScale {
            log: self.log_y,
            floor: 0.0,
        };
        let (y0, y1) = frame::y_range(&mut ys, highest, lowest_pos, top.free);
        let (x0, x1) = (edges[0], edges[n]);

        let mut chart = ChartBuilder::on(&upper)
            .margin_top(sz.margin_top)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(x_area)
            .y_label_area_size(sz.y_label_area)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;

        // Stack: filled bins, then a black step line on top of each component.
        let mut below = vec![0.0; n];
        for (k, e) in self.stack.iter().enumerate() {
            let top = &tops[k];
            let fill = e.colour.to_plotters().filled();
            chart
                .draw_series((0..n).filter(|&i| top[i] > below[i]).map(|i| {
                    Rectangle::new(
                        [(edges[i], ys.t(below[i])), (edges[i + 1], ys.t(top[i]))],
                        fill,
                    )
                }))
                .map_err(draw_err)?;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    step_points(&edges, top, &ys),
                    BLACK.stroke_width(1),
                )))
                .map_err(draw_err)?;
            below.clone_from(top);
        }

        // Statistical band of the simulation.
        if self.mc_stat_band && has_stack {
            for i in 0..n {
                let err = total_var[i].max(0.0).sqrt();
                if err > 0.0 {
                    let a = chart.backend_coord(&(edges[i], ys.t(total[i] - err).max(y0)));
                    let b = chart.backend_coord(&(edges[i + 1], ys.t(total[i] + err).min(y1)));
                    frame::hatch(
                        root,
                        a,
                        b,
                        (sz.tick_font * 0.35).max(4.0) as i32,
                        frame::band_style(&sz),
                    )?;
                }
            }
        }

        for l in &self.lines {
            let st = l.colour.to_plotters().stroke_width(sz.line + 1);
            let pts = step_points(&edges, l.hist.values(), &ys);
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

        if let Some(d) = data {
            draw_points(
                &mut chart,
                &edges,
                d.values(),
                &data_err,
                &ys,
                (y0, y1),
                &sz,
            )?;
        }

        let y_title = self.y_title();
        let spec = frame::AxesSpec {
            x: frame::x_ticks(self.reference_axis(), x0, x1),
            y: if ys.log {
                frame::log_ticks(y0, y1)
            } else {
                frame::linear_ticks(y0, y1, 5)
            },
            x_title: (!show_ratio).then_some(self.x_label.as_str()),
            y_title: &y_title,
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

        if let (Some(lower), Some(d)) = (lower, data) {
            self.draw_ratio(root, &lower, &edges, d, &data_err, &total, &total_var, &sz)?;
        }
        Ok(())
    }
}

impl DataVsMc {
    #[allow(clippy::too_many_arguments)]
    fn draw_ratio<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        lower: &DrawingArea<DB, Shift>,
        edges: &[f64],
        data: &Hist1D,
        data_err: &[(f64, f64)],
        total: &[f64],
        total_var: &[f64],
        sz: &Sizes,
    ) -> Result<()> {
        let n = edges.len() - 1;
        let (r0, r1) = self.ratio_range;
        if r0.partial_cmp(&r1) != Some(std::cmp::Ordering::Less) {
            return Err(PlotError::Invalid(format!(
                "ratio range [{r0}, {r1}] is empty"
            )));
        }
        let mut chart = ChartBuilder::on(lower)
            .margin_top(0)
            .margin_right(sz.margin_right)
            .margin_left(sz.margin_left)
            .x_label_area_size(sz.x_label_area)
            .y_label_area_size(sz.y_label_area)
            .build_cartesian_2d(edges[0]..edges[n], r0..r1)
            .map_err(draw_err)?;
        if self.mc_stat_band {
            for i in 0..n {
                if total[i] > 0.0 {
                    let rel = total_var[i].max(0.0).sqrt() / total[i];
                    let a = chart.backend_coord(&(edges[i], (1.0 - rel).max(r0)));
                    let b = chart.backend_coord(&(edges[i + 1], (1.0 + rel).min(r1)));
                    frame::hatch(
                        root,
                        a,
                        b,
                        (sz.tick_font * 0.35).max(4.0) as i32,
                        frame::band_style(sz),
                    )?;
                }
            }
        }
        let d = (sz.tick_font * 0.5) as u32;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(edges[0], 1.0), (edges[n], 1.0)],
                d,
                d / 2,
                RGBColor(100, 100, 100).stroke_width(sz.line),
            )))
            .map_err(draw_err)?;
        let ys = YScale {
            log: false,
            floor: 0.0,
        };
        let ratios: Vec<f64> = (0..n)
            .map(|i| {
                if total[i] > 0.0 {
                    data.values()[i] / total[i]
                } else {
                    f64::NAN
                }
            })
            .collect();
        let errs: Vec<(f64, f64)> = (0..n)
            .map(|i| {
                if total[i] > 0.0 {
                    (data_err[i].0 / total[i], data_err[i].1 / total[i])
                } else {
                    (f64::NAN, f64::NAN)
                }
            })
            .collect();
        draw_points(&mut chart, edges, &ratios, &errs, &ys, (r0, r1), sz)?;
        // Points off the panel: a triangle at the edge pointing their way.
        let tri = (sz.tick_font * 0.35).max(4.0) as i32;
        for i in 0..n {
            if let Some(above) = off_range(data.values()[i], total[i], (r0, r1)) {
                let xc = 0.5 * (edges[i] + edges[i + 1]);
                let (px, py) = chart.backend_coord(&(xc, if above { r1 } else { r0 }));
                let (tip, base) = if above {
                    (py + tri / 2, py + tri / 2 + 2 * tri)
                } else {
                    (py - tri / 2, py - tri / 2 - 2 * tri)
                };
                root.draw(&Polygon::new(
                    vec![(px, tip), (px - tri, base), (px + tri, base)],
                    RGBColor(200, 30, 30).filled(),
                ))
                .map_err(draw_err)?;
            }
        }
        let frame_px = chart.plotting_area().get_pixel_range();
        let spec = frame::AxesSpec {
            x: frame::x_ticks(data.axis(), edges[0], edges[n]),
            y: frame::linear_ticks(r0, r1, 3),
            x_title: Some(self.x_label.as_str()),
            y_title: &self.ratio_label,
            skip_top_y_label: true,
            x_labels: true,
            y_title_scale: 0.8,
        };
        frame::draw_axes(
            root,
            &|x, y| chart.backend_coord(&(x, y)),
            &frame_px,
            &spec,
            sz,
        )
    }
}

/// Outline of a histogram as a step path (in drawn coordinates).
pub(crate) fn step_points(edges: &[f64], values: &[f64], ys: &YScale) -> Vec<(f64, f64)> {
    let mut pts = Vec::with_capacity(2 * values.len());
    for (i, &v) in values.iter().enumerate() {
        pts.push((edges[i], ys.t(v)));
        pts.push((edges[i + 1], ys.t(v)));
    }
    pts
}

/// Markers with vertical error bars `[lo, hi]`, clipped to the visible range; points outside are skipped.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_points<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    edges: &[f64],
    values: &[f64],
    intervals: &[(f64, f64)],
    ys: &YScale,
    (y0, y1): (f64, f64),
    sz: &Sizes,
) -> Result<()> {
    let st = BLACK.stroke_width(sz.line);
    for i in 0..values.len() {
        let (v, (lo, hi)) = (values[i], intervals[i]);
        if !v.is_finite() || (ys.log && v <= 0.0) {
            continue;
        }
        let x = 0.5 * (edges[i] + edges[i + 1]);
        let (a, b) = (ys.t(lo).max(y0), ys.t(hi).min(y1));
        if lo.is_finite() && hi.is_finite() && a < b {
            chart
                .draw_series(std::iter::once(PathElement::new(vec![(x, a), (x, b)], st)))
                .map_err(draw_err)?;
        }
        let y = ys.t(v);
        if y >= y0 && y <= y1 {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (x, y),
                    sz.marker,
                    BLACK.filled(),
                )))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}
