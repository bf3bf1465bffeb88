//! Shared pieces of the figures: sizes, fonts, the y transform for log scale, tick labels, hatching,
//! the experiment label and the legend.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::colour::Colour;
use crate::error::{draw_err, Result};
use crate::label::{Experiment, ExperimentLabel};
use crate::tex::Place;

/// Pixel sizes derived from the figure size, so that text stays readable at any resolution.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sizes {
    pub tick_font: f64,
    pub axis_font: f64,
    pub label_font: f64,
    pub legend_font: f64,
    pub marker: i32,
    pub line: u32,
    pub y_label_area: u32,
    pub x_label_area: u32,
    pub margin_top: u32,
    pub margin_right: u32,
    pub margin_left: u32,
}

impl Sizes {
    pub fn for_figure(w: u32, h: u32) -> Self {
        let s = f64::from(w.min(h));
        Self {
            tick_font: 0.032 * s,
            axis_font: 0.038 * s,
            label_font: 0.044 * s,
            legend_font: 0.032 * s,
            marker: (0.0075 * s).round().max(2.0) as i32,
            line: (0.0025 * s).round().max(1.0) as u32,
            y_label_area: (0.16 * f64::from(w)) as u32,
            x_label_area: (0.11 * s) as u32,
            // Room for a label drawn above the frame (CMS style) with its capitals whole.
            margin_top: (0.08 * s) as u32,
            margin_right: (0.04 * f64::from(w)) as u32,
            margin_left: (0.015 * f64::from(w)) as u32,
        }
    }
}

pub(crate) fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Normal)
}

pub(crate) fn bold(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Bold)
}

pub(crate) fn italic(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, size, FontStyle::Italic)
}

/// Maps a content to the drawn coordinate: itself, or log10 clamped at the axis floor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct YScale {
    pub log: bool,
    pub floor: f64,
}

impl YScale {
    pub fn t(&self, y: f64) -> f64 {
        if self.log {
            y.max(self.floor).log10()
        } else {
            y
        }
    }
}

/// The y range in drawn coordinates, leaving the top `free` fraction of the frame (label and legend)
/// above the highest point. `lowest_positive` is the smallest positive content (for log scale).
pub(crate) fn y_range(
    scale: &mut YScale,
    highest: f64,
    lowest_positive: f64,
    free: f64,
) -> (f64, f64) {
    let highest = if highest > 0.0 && highest.is_finite() {
        highest
    } else {
        1.0
    };
    // Share of the height the data may use: below the label and legend, with a small gap.
    let used = (1.0 - free.clamp(0.1, 0.75) - 0.04).max(0.2);
    if scale.log {
        let low = if lowest_positive.is_finite() && lowest_positive > 0.0 {
            lowest_positive * 0.5
        } else {
            highest * 1e-3
        };
        let low = low.max(highest * 1e-7);
        let low = 10f64.powf(low.log10().floor());
        scale.floor = low;
        let decades = highest.log10() - low.log10();
        (low.log10(), low.log10() + decades / used)
    } else {
        (0.0, highest / used)
    }
}

/// Tick label of a drawn y coordinate: plain numbers, or 10ⁿ on a log axis (only at integer powers).
pub(crate) fn y_tick_label(v: f64, log: bool, step: f64) -> String {
    if log {
        let r = v.round();
        if (v - r).abs() > 1e-6 {
            return String::new();
        }
        return match r as i64 {
            0 => "1".into(),
            1 => "10".into(),
            k => format!("10{}", superscript(k)),
        };
    }
    number_label(v, step)
}

/// A tick number with as many decimals as the tick step needs.
pub(crate) fn number_label(v: f64, step: f64) -> String {
    if v.abs() < 1e-12 * step.abs().max(1e-300) {
        return "0".into();
    }
    if v.abs() >= 1e5 {
        let e = v.abs().log10().floor() as i32;
        let m = v / 10f64.powi(e);
        return format!("{}×10{}", crate::label::short(m), superscript(i64::from(e)));
    }
    let decimals = if step > 0.0 {
        (-step.log10().floor()).max(0.0) as usize
    } else {
        2
    };
    format!("{v:.decimals$}")
}

fn superscript(k: i64) -> String {
    k.to_string()
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

/// A tick step close to `range / n` from the 1-2-5 sequence (what the mesh will choose).
pub(crate) fn nice_step(range: f64, n: usize) -> f64 {
    let raw = range / n.max(1) as f64;
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * p)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * p)
}

/// Diagonal hatching ("///") of a pixel rectangle, as mplhep draws uncertainty bands.
pub(crate) fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x0, y0): (i32, i32),
    (x1, y1): (i32, i32),
    spacing: i32,
    style: ShapeStyle,
) -> Result<()> {
    let (xa, xb) = (x0.min(x1), x0.max(x1));
    let (ya, yb) = (y0.min(y1), y0.max(y1));
    if xb - xa < 1 || yb - ya < 1 {
        return Ok(());
    }
    // Lines x + y = c, clipped to the rectangle; c on a global grid so neighbouring bins line up.
    let start = ((xa + ya) / spacing) * spacing;
    let mut c = start;
    while c <= xb + yb {
        let p = (c - yb).max(xa);
        let q = (c - ya).min(xb);
        if p <= q {
            area.draw(&PathElement::new(vec![(p, c - p), (q, c - q)], style))
                .map_err(draw_err)?;
        }
        c += spacing;
    }
    Ok(())
}

/// Size of script glyphs relative to the text around them.
const SCRIPT_SCALE: f64 = 0.7;

/// Pixel width and height of a label as [`text`] draws it (scripts smaller, see [`crate::tex::typeset`]).
pub(crate) fn text_size(s: &str, f: &FontDesc<'static>) -> Result<(i32, i32)> {
    let size = f.get_size();
    let mut w = 0;
    for r in crate::tex::typeset(s) {
        let rf = run_font(f, r.place);
        w += rf.box_size(&r.text).map_err(draw_err)?.0 as i32;
    }
    Ok((w, size.round() as i32))
}

fn run_font(f: &FontDesc<'static>, place: Place) -> FontDesc<'static> {
    match place {
        Place::Base => f.clone(),
        // Every figure font is the embedded sans-serif.
        _ => FontDesc::new(
            FontFamily::SansSerif,
            f.get_size() * SCRIPT_SCALE,
            f.get_style(),
        ),
    }
}

/// Draws a label with an anchor: base text, subscripts and superscripts as smaller glyphs below or above
/// the baseline, and bars over barred runs (t̄), drawn as lines since the font has no spanning overline.
pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    f: FontDesc<'static>,
    h: HPos,
    v: VPos,
) -> Result<()> {
    let runs = crate::tex::typeset(s);
    let size = f.get_size();
    let (w, _) = text_size(s, &f)?;
    let x0 = match h {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    // Every run is drawn top-anchored; `top` is where the base text's box starts.
    let top = match v {
        VPos::Top => at.1,
        VPos::Center => at.1 - (size * 0.5).round() as i32,
        VPos::Bottom => at.1 - size.round() as i32,
    };
    let mut x = x0;
    for r in &runs {
        let rf = run_font(&f, r.place);
        let dy = match r.place {
            Place::Base => 0.0,
            Place::Sub => size * 0.42,
            Place::Sup => -size * 0.12,
        };
        let y = top + dy.round() as i32;
        let rw = rf.box_size(&r.text).map_err(draw_err)?.0 as i32;
        let style = TextStyle::from(rf)
            .color(&BLACK)
            .pos(Pos::new(HPos::Left, VPos::Top));
        area.draw(&Text::new(r.text.clone(), (x, y), style))
            .map_err(draw_err)?;
        if r.overline {
            // Above the tallest letter: short letters (ν, e) have their tops at about 0.2 em below the
            // top of the text box, capitals and ascenders (t, b) at the box's top.
            let short = r.text.chars().all(|c| "acegmnopqrsuvwxyzνμ".contains(c));
            let by = y + (size * if short { 0.12 } else { -0.2 }).round() as i32;
            let inset = (size * 0.06).round() as i32;
            let thick = (size * 0.06).round().max(1.0) as u32;
            // A filled rectangle: plotters' bitmap backend drops short thick horizontal paths.
            area.draw(&Rectangle::new(
                [(x + inset, by), (x + rw - inset, by + thick as i32)],
                BLACK.filled(),
            ))
            .map_err(draw_err)?;
        }
        x += rw;
    }
    Ok(())
}

/// A pixel rectangle (x right, y down), e.g. where a legend or label is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    /// Whether the two rectangles share any area.
    pub fn intersects(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn union(self, o: Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

/// The pixel rectangle of a panel's plot, as the figures' chart builder lays it out.
pub(crate) type Frame = (std::ops::Range<i32>, std::ops::Range<i32>);

/// The plot rectangle of the upper panel of a figure (what `ChartBuilder` gives with these sizes).
pub(crate) fn frame_of<DB: DrawingBackend>(
    upper: &DrawingArea<DB, Shift>,
    sz: &Sizes,
    x_label_area: u32,
) -> Result<Frame> {
    let chart = ChartBuilder::on(upper)
        .margin_top(sz.margin_top)
        .margin_right(sz.margin_right)
        .margin_left(sz.margin_left)
        .x_label_area_size(x_label_area)
        .y_label_area_size(sz.y_label_area)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)
        .map_err(draw_err)?;
    Ok(chart.plotting_area().get_pixel_range())
}

/// One piece of text of the experiment label, with its anchor.
struct Item {
    text: String,
    font: FontDesc<'static>,
    at: (i32, i32),
    h: HPos,
    v: VPos,
}

impl Item {
    fn rect(&self) -> Result<Rect> {
        let (w, h) = text_size(&self.text, &self.font)?;
        let x0 = match self.h {
            HPos::Left => self.at.0,
            HPos::Center => self.at.0 - w / 2,
            HPos::Right => self.at.0 - w,
        };
        let y0 = match self.v {
            VPos::Top => self.at.1,
            VPos::Center => self.at.1 - h / 2,
            VPos::Bottom => self.at.1 - h,
        };
        // Descenders and subscripts reach below the nominal size.
        Ok(Rect {
            x0,
            y0,
            x1: x0 + w,
            y1: y0 + (f64::from(h) * 1.3) as i32,
        })
    }
}

/// The texts of the experiment label (name, status, √s and luminosity, further lines).
fn label_items(label: &ExperimentLabel, frame: &Frame, sz: &Sizes) -> Result<Vec<Item>> {
    let (xr, yr) = frame;
    let pad = (sz.label_font * 0.6) as i32;
    let mut y = yr.start + pad;
    let x = xr.start + pad;
    let line_h = (sz.label_font * 1.25) as i32;
    let small = (sz.label_font * 1.05) as i32;
    let mut items = Vec::new();
    let name = label.name();
    match (&label.experiment, name) {
        (Experiment::Cms, Some(name)) => {
            let above = yr.start - (sz.label_font * 0.3) as i32;
            let f = bold(sz.label_font * 1.05);
            let (w, _) = text_size(name, &f)?;
            items.push(Item {
                text: name.into(),
                font: f,
                at: (xr.start, above),
                h: HPos::Left,
                v: VPos::Bottom,
            });
            let gap = (sz.label_font * 0.3) as i32;
            items.push(Item {
                text: label.status.clone(),
                font: italic(sz.label_font * 0.95),
                at: (xr.start + w + gap, above),
                h: HPos::Left,
                v: VPos::Bottom,
            });
            if let Some(r) = label.cms_right_text() {
                items.push(Item {
                    text: r,
                    font: font(sz.label_font * 0.85),
                    at: (xr.end, above),
                    h: HPos::Right,
                    v: VPos::Bottom,
                });
            }
        }
        (_, Some(name)) => {
            let f = bold(sz.label_font * 1.05);
            let (w, _) = text_size(name, &f)?;
            items.push(Item {
                text: name.into(),
                font: f,
                at: (x, y),
                h: HPos::Left,
                v: VPos::Top,
            });
            let gap = (sz.label_font * 0.3) as i32;
            items.push(Item {
                text: label.status.clone(),
                font: font(sz.label_font * 1.05),
                at: (x + w + gap, y),
                h: HPos::Left,
                v: VPos::Top,
            });
            y += line_h + pad / 3;
            if let Some(t) = label.energy_lumi_text() {
                items.push(Item {
                    text: t,
                    font: font(sz.label_font * 0.8),
                    at: (x, y),
                    h: HPos::Left,
                    v: VPos::Top,
                });
                y += small;
            }
        }
        (_, None) => {
            if let Some(t) = label.energy_lumi_text() {
                items.push(Item {
                    text: t,
                    font: font(sz.label_font * 0.8),
                    at: (x, y),
                    h: HPos::Left,
                    v: VPos::Top,
                });
                y += small;
            }
        }
    }
    for l in &label.extra_lines {
        items.push(Item {
            text: l.clone(),
            font: font(sz.label_font * 0.8),
            at: (x, y),
            h: HPos::Left,
            v: VPos::Top,
        });
        y += small;
    }
    Ok(items)
}

/// The experiment label; `frame` is the pixel rectangle of the main plot.
pub(crate) fn draw_label<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    label: &ExperimentLabel,
    frame: Frame,
    sz: &Sizes,
) -> Result<()> {
    for it in label_items(label, &frame, sz)? {
        text(area, &it.text, it.at, it.font, it.h, it.v)?;
    }
    Ok(())
}

/// Where the label and legend go inside the frame, and how much of the frame's height (from the top)
/// they take, which the y range leaves free of data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TopLayout {
    /// The part of the experiment label inside the frame.
    pub label: Option<Rect>,
    pub legend: Option<Rect>,
    pub free: f64,
}

/// Puts the legend in the top-right corner, or under the label when they would overlap.
pub(crate) fn top_layout(
    label: &ExperimentLabel,
    rows: &[(Swatch, String)],
    frame: &Frame,
    sz: &Sizes,
) -> Result<TopLayout> {
    let (_, yr) = frame;
    let mut label_rect: Option<Rect> = None;
    for it in label_items(label, frame, sz)? {
        let r = it.rect()?;
        // Only what is inside the frame competes with the data and the legend.
        if r.y1 > yr.start {
            label_rect = Some(label_rect.map_or(r, |l| l.union(r)));
        }
    }
    let pad = (sz.legend_font * 0.7) as i32;
    let mut legend = None;
    if !rows.is_empty() {
        let mut r = legend_rect(rows, frame, sz, yr.start + pad)?;
        if let Some(l) = label_rect {
            if r.intersects(&l) {
                r = legend_rect(rows, frame, sz, l.y1 + pad / 2)?;
            }
        }
        legend = Some(r);
    }
    let bottom = [label_rect, legend]
        .iter()
        .flatten()
        .map(|r| r.y1)
        .max()
        .unwrap_or(yr.start);
    let height = f64::from((yr.end - yr.start).max(1));
    Ok(TopLayout {
        label: label_rect,
        legend,
        free: (f64::from(bottom - yr.start) / height).clamp(0.0, 0.75),
    })
}

/// What a legend row shows in front of its text.
pub(crate) enum Swatch {
    /// A data point with a vertical error bar.
    Marker,
    /// A filled box with a black edge.
    Filled(Colour),
    /// A hatched box (uncertainty band).
    Hatched,
    /// A line segment, optionally dashed.
    Line(Colour, bool),
}

/// The legend's rectangle (swatches and text) with its first row at `top`, right-aligned in the frame.
fn legend_rect(rows: &[(Swatch, String)], frame: &Frame, sz: &Sizes, top: i32) -> Result<Rect> {
    let f = font(sz.legend_font);
    let mut text_w = 0;
    for (_, t) in rows {
        text_w = text_w.max(text_size(t, &f)?.0);
    }
    let row_h = (sz.legend_font * 1.45) as i32;
    let sw = (sz.legend_font * 1.6) as i32;
    let pad = (sz.legend_font * 0.7) as i32;
    let x1 = frame.0.end - pad;
    Ok(Rect {
        x0: x1 - text_w - (sz.legend_font * 0.5) as i32 - sw,
        y0: top,
        x1,
        y1: top + row_h * rows.len() as i32,
    })
}

/// A legend in the top-right corner of the frame, without a border (mplhep style).
pub(crate) fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(Swatch, String)],
    frame: Frame,
    sz: &Sizes,
    top: i32,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let f = font(sz.legend_font);
    let r = legend_rect(rows, &frame, sz, top)?;
    let row_h = (sz.legend_font * 1.45) as i32;
    let sw = (sz.legend_font * 1.6) as i32;
    let sh = (sz.legend_font * 0.9) as i32;
    let x_sw = r.x0;
    let x_text = x_sw + sw + (sz.legend_font * 0.5) as i32;
    let mut y = top;
    for (swatch, t) in rows {
        let cy = y + row_h / 2;
        let (bx0, by0, bx1, by1) = (x_sw, cy - sh / 2, x_sw + sw, cy + sh / 2);
        match swatch {
            Swatch::Marker => {
                area.draw(&Circle::new((x_sw + sw / 2, cy), sz.marker, BLACK.filled()))
                    .map_err(draw_err)?;
                let st = BLACK.stroke_width(sz.line);
                area.draw(&PathElement::new(
                    vec![(x_sw + sw / 2, by0 - 2), (x_sw + sw / 2, by1 + 2)],
                    st,
                ))
                .map_err(draw_err)?;
            }
            Swatch::Filled(c) => {
                area.draw(&Rectangle::new(
                    [(bx0, by0), (bx1, by1)],
                    c.to_plotters().filled(),
                ))
                .map_err(draw_err)?;
                area.draw(&Rectangle::new(
                    [(bx0, by0), (bx1, by1)],
                    BLACK.stroke_width(1),
                ))
                .map_err(draw_err)?;
            }
            Swatch::Hatched => {
                hatch(
                    area,
                    (bx0, by0),
                    (bx1, by1),
                    (sz.legend_font * 0.35).max(4.0) as i32,
                    band_style(sz),
                )?;
                area.draw(&Rectangle::new([(bx0, by0), (bx1, by1)], band_style(sz)))
                    .map_err(draw_err)?;
            }
            Swatch::Line(c, dashed) => {
                let st = c.to_plotters().stroke_width(sz.line + 1);
                if *dashed {
                    area.draw(&DashedPathElement::new(
                        vec![(bx0, cy), (bx1, cy)],
                        sw / 5,
                        sw / 8,
                        st,
                    ))
                    .map_err(draw_err)?;
                } else {
                    area.draw(&PathElement::new(vec![(bx0, cy), (bx1, cy)], st))
                        .map_err(draw_err)?;
                }
            }
        }
        text(area, t, (x_text, cy), f.clone(), HPos::Left, VPos::Center)?;
        y += row_h;
    }
    Ok(())
}

/// Grey lines of uncertainty hatching.
pub(crate) fn band_style(sz: &Sizes) -> ShapeStyle {
    RGBColor(90, 90, 90).stroke_width(sz.line.max(1))
}

/// Tick positions (in drawn coordinates) and labels of one axis.
pub(crate) struct Ticks {
    pub major: Vec<(f64, String)>,
    pub minor: Vec<f64>,
}

/// Ticks at multiples of a 1-2-5 step over `[lo, hi]`, with minor ticks in between.
pub(crate) fn linear_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let mut step = nice_step(hi - lo, target);
    // A step rounded up past half the range leaves one labelled tick (a residual panel of ±40 with a
    // step of 50 showed only "0"); take the next smaller 1-2-5 step until there are three.
    let count = |step: f64| ((hi / step + 1e-9).floor() - (lo / step - 1e-9).ceil() + 1.0) as i64;
    while count(step) < 3 && step > 0.0 && step.is_finite() {
        let p = 10f64.powf(step.log10().floor());
        let m = (step / p).round();
        step = if m >= 5.0 {
            2.0 * p
        } else if m >= 2.0 {
            p
        } else {
            0.5 * p
        };
    }
    let minor_step = step
        / if (step / 10f64.powf(step.log10().floor()) - 2.0).abs() < 1e-9 {
            4.0
        } else {
            5.0
        };
    let eps = 1e-9 * step;
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let major = (first..=last)
        .map(|k| k as f64 * step)
        .map(|v| (v, number_label(v, step)))
        .collect();
    let mfirst = (lo / minor_step - 1e-9).ceil() as i64;
    let mlast = (hi / minor_step + 1e-9).floor() as i64;
    let minor = (mfirst..=mlast)
        .map(|k| k as f64 * minor_step)
        .filter(|v| ((v / step) - (v / step).round()).abs() * step > eps)
        .collect();
    Ticks { major, minor }
}

/// Decade ticks 10ⁿ on a log axis (drawn coordinate = log10), minor ticks at 2..9 × 10ⁿ.
pub(crate) fn log_ticks(lo: f64, hi: f64) -> Ticks {
    let decades = (hi - lo).max(1.0);
    let every = if decades > 12.0 { 2 } else { 1 };
    let mut major = Vec::new();
    let mut minor = Vec::new();
    for k in lo.floor() as i64..=hi.ceil() as i64 {
        let v = k as f64;
        if v >= lo - 1e-9 && v <= hi + 1e-9 && k % every == 0 {
            major.push((v, y_tick_label(v, true, 1.0)));
        }
        if decades <= 8.0 {
            for m in 2..10 {
                let t = v + f64::from(m).log10();
                if t >= lo && t <= hi {
                    minor.push(t);
                }
            }
        }
    }
    Ticks { major, minor }
}

/// How one panel's axes are decorated.
pub(crate) struct AxesSpec<'a> {
    pub x: Ticks,
    pub y: Ticks,
    pub x_title: Option<&'a str>,
    pub y_title: &'a str,
    /// Skip the y tick label at the top of the panel (it would collide with the panel above).
    pub skip_top_y_label: bool,
    pub x_labels: bool,
    pub y_title_scale: f64,
}

/// Draws the frame with inward ticks on all four sides, tick labels, and axis titles at the ends of the
/// axes (x title at the right, y title at the top), as mplhep does.
pub(crate) fn draw_axes<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    to_px: &dyn Fn(f64, f64) -> (i32, i32),
    frame: &(std::ops::Range<i32>, std::ops::Range<i32>),
    spec: &AxesSpec<'_>,
    sz: &Sizes,
) -> Result<()> {
    let (xr, yr) = frame;
    let (left, right, top, bottom) = (xr.start, xr.end, yr.start, yr.end);
    let major = (0.022 * sz.tick_font / 0.032).round() as i32;
    let minor = major / 2;
    let st = BLACK.stroke_width(sz.line);
    let tick = |a: (i32, i32), b: (i32, i32)| {
        area.draw(&PathElement::new(vec![a, b], st))
            .map_err(draw_err)
    };
    for (v, label) in &spec.x.major {
        let (px, _) = to_px(*v, 0.0);
        if px < left - 1 || px > right + 1 {
            continue;
        }
        tick((px, bottom), (px, bottom - major))?;
        tick((px, top), (px, top + major))?;
        if spec.x_labels {
            text(
                area,
                label,
                (px, bottom + (sz.tick_font * 0.45) as i32),
                font(sz.tick_font),
                HPos::Center,
                VPos::Top,
            )?;
        }
    }
    for v in &spec.x.minor {
        let (px, _) = to_px(*v, 0.0);
        if px >= left && px <= right {
            tick((px, bottom), (px, bottom - minor))?;
            tick((px, top), (px, top + minor))?;
        }
    }
    let mut label_w = 0;
    for (v, label) in &spec.y.major {
        let (_, py) = to_px(0.0, *v);
        if py < top - 1 || py > bottom + 1 {
            continue;
        }
        tick((left, py), (left + major, py))?;
        tick((right, py), (right - major, py))?;
        if spec.skip_top_y_label && py <= top + 1 {
            continue;
        }
        let f = font(sz.tick_font);
        label_w = label_w.max(
            area.estimate_text_size(label, &TextStyle::from(f.clone()))
                .map_err(draw_err)?
                .0 as i32,
        );
        text(
            area,
            label,
            (left - (sz.tick_font * 0.35) as i32, py),
            f,
            HPos::Right,
            VPos::Center,
        )?;
    }
    for v in &spec.y.minor {
        let (_, py) = to_px(0.0, *v);
        if py >= top && py <= bottom {
            tick((left, py), (left + minor, py))?;
            tick((right, py), (right - minor, py))?;
        }
    }
    area.draw(&Rectangle::new(
        [(left, top), (right, bottom)],
        BLACK.stroke_width(sz.line),
    ))
    .map_err(draw_err)?;
    if let Some(t) = spec.x_title {
        let y = bottom + (sz.tick_font * 1.7) as i32;
        text(
            area,
            t,
            (right, y),
            font(sz.axis_font),
            HPos::Right,
            VPos::Top,
        )?;
    }
    if !spec.y_title.is_empty() {
        let fs = sz.axis_font * spec.y_title_scale;
        let x = left - label_w - (sz.tick_font * 0.8) as i32 - fs as i32;
        let style = TextStyle::from(font(fs))
            .color(&BLACK)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Right, VPos::Top));
        area.draw(&Text::new(
            crate::tex::tex_to_unicode(spec.y_title),
            (x, top),
            style,
        ))
        .map_err(draw_err)?;
    }
    Ok(())
}

/// x ticks for a histogram's axis: category labels at bin centres, otherwise numbers.
pub(crate) fn x_ticks(axis: &hepkey_hist::Axis, x0: f64, x1: f64) -> Ticks {
    match axis.labels() {
        Some(labels) => Ticks {
            major: labels
                .iter()
                .enumerate()
                .map(|(i, l)| (i as f64 + 0.5, l.clone()))
                .collect(),
            minor: vec![],
        },
        None => linear_ticks(x0, x1, 6),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_panels_get_three_labelled_ticks() {
        // The residual panel of a small diphoton sample: ±40 events.
        let t = linear_ticks(-40.0, 40.0, 3);
        let labels: Vec<&str> = t.major.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["-40", "-20", "0", "20", "40"]);
        let r = linear_ticks(0.5, 1.5, 3);
        let labels: Vec<&str> = r.major.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["0.5", "1.0", "1.5"]);
    }

    #[test]
    fn rectangles_intersect_only_when_they_share_area() {
        let a = Rect {
            x0: 0,
            y0: 0,
            x1: 10,
            y1: 10,
        };
        assert!(a.intersects(&Rect {
            x0: 9,
            y0: 9,
            x1: 20,
            y1: 20
        }));
        assert!(!a.intersects(&Rect {
            x0: 10,
            y0: 0,
            x1: 20,
            y1: 10
        }));
        assert!(!a.intersects(&Rect {
            x0: 0,
            y0: 11,
            x1: 10,
            y1: 20
        }));
    }
}
