//! TH1D and TH2D serialisation.

use super::buffer::WBuf;
use crate::error::{Error, Result};
use crate::hist::{Axis, Histogram};

/// Serialises a histogram: TH1D for one axis, TH2D for two. Returns the
/// class name and the (uncompressed) object bytes.
pub fn serialise(h: &Histogram) -> Result<(&'static str, Vec<u8>)> {
    let ncells: usize = h.axes.iter().map(|a| a.bins() + 2).product();
    if h.axes.is_empty() || h.axes.len() > 2 || h.values.len() != ncells {
        return Err(Error::format(format!(
            "histogram {:?}: {} axes and {} cells cannot be written (1 or 2 axes, flow bins included)",
            h.name,
            h.axes.len(),
            h.values.len()
        )));
    }
    if !h.sumw2.is_empty() && h.sumw2.len() != ncells {
        return Err(Error::format(format!(
            "histogram {:?}: sumw2 has {} cells, expected {ncells}",
            h.name,
            h.sumw2.len()
        )));
    }
    let two_d = h.axes.len() == 2;
    let mut b = WBuf::new(0);
    let outer = b.begin(if two_d { 4 } else { 3 });
    let th2 = two_d.then(|| b.begin(5));
    th1(&mut b, h, ncells);
    if let Some(p) = th2 {
        let (sy, sy2, sxy) = moments_2d(h);
        b.f64(1.0); // scale factor
        b.f64(sy);
        b.f64(sy2);
        b.f64(sxy);
        b.end(p);
    }
    b.i32(ncells as i32);
    for v in &h.values {
        b.f64(*v);
    }
    b.end(outer);
    Ok((if two_d { "TH2D" } else { "TH1D" }, b.data))
}

fn th1(b: &mut WBuf, h: &Histogram, ncells: usize) {
    let p = b.begin(8);
    b.tnamed(&h.name, &h.title);
    b.line_fill_marker();
    b.i32(ncells as i32);
    let empty = Axis {
        title: String::new(),
        edges: vec![0.0, 1.0],
    };
    axis(b, "xaxis", &h.axes[0]);
    axis(b, "yaxis", h.axes.get(1).unwrap_or(&empty));
    axis(b, "zaxis", &empty);
    b.i16(0); // bar offset
    b.i16(1000); // bar width
    let (sw, sw2, swx, swx2) = moments_x(h);
    b.f64(h.entries);
    b.f64(sw);
    b.f64(sw2);
    b.f64(swx);
    b.f64(swx2);
    b.f64(-1111.0); // maximum
    b.f64(-1111.0); // minimum
    b.f64(0.0); // norm factor
    b.i32(0); // contour
    b.i32(h.sumw2.len() as i32);
    for v in &h.sumw2 {
        b.f64(*v);
    }
    b.string(""); // option
    let q = b.begin(5); // functions: an empty TList
    b.tobject();
    b.string("");
    b.i32(0);
    b.end(q);
    b.i32(0); // buffer size
    b.u8(0); // empty buffer
    b.i32(0); // bin-stat error option
    b.i32(2); // stat overflows: kNeutral
    b.end(p);
}

fn axis(b: &mut WBuf, name: &str, a: &Axis) {
    let p = b.begin(10);
    b.tnamed(name, &a.title);
    let q = b.begin(4); // TAttAxis
    b.i32(510);
    b.i16(1);
    b.i16(1);
    b.i16(42);
    b.f32(0.005);
    b.f32(0.035);
    b.f32(0.03);
    b.f32(1.0);
    b.f32(0.035);
    b.i16(1);
    b.i16(42);
    b.end(q);
    let n = a.bins();
    let (lo, hi) = (a.edges[0], a.edges[n]);
    b.i32(n as i32);
    b.f64(lo);
    b.f64(hi);
    if is_regular(&a.edges) {
        b.i32(0);
    } else {
        b.i32(a.edges.len() as i32);
        for e in &a.edges {
            b.f64(*e);
        }
    }
    b.i32(0); // first
    b.i32(0); // last
    b.u16(0); // bits2
    b.bool(false); // time display
    b.string(""); // time format
    b.null(); // labels
    b.null(); // modified labels
    b.end(p);
}

/// True when the edges are evenly spaced (to rounding), so that ROOT stores
/// only the range.
fn is_regular(edges: &[f64]) -> bool {
    let n = edges.len() - 1;
    let step = (edges[n] - edges[0]) / n as f64;
    edges
        .iter()
        .enumerate()
        .all(|(i, e)| (e - (edges[0] + i as f64 * step)).abs() <= 1e-9 * step.abs().max(1e-300))
}

fn center(a: &Axis, i: usize) -> Option<f64> {
    (i >= 1 && i <= a.bins()).then(|| 0.5 * (a.edges[i - 1] + a.edges[i]))
}

/// Σw, Σw², Σwx, Σwx² over in-range cells, from bin centres.
fn moments_x(h: &Histogram) -> (f64, f64, f64, f64) {
    let nx = h.axes[0].bins() + 2;
    let (mut sw, mut sw2, mut swx, mut swx2) = (0.0, 0.0, 0.0, 0.0);
    for (i, &w) in h.values.iter().enumerate() {
        let (ix, iy) = (i % nx, i / nx);
        let in_y = h.axes.get(1).is_none_or(|a| iy >= 1 && iy <= a.bins());
        let Some(x) = center(&h.axes[0], ix) else {
            continue;
        };
        if !in_y {
            continue;
        }
        sw += w;
        sw2 += h.sumw2.get(i).copied().unwrap_or(w);
        swx += w * x;
        swx2 += w * x * x;
    }
    (sw, sw2, swx, swx2)
}

/// Σwy, Σwy², Σwxy for 2D histograms.
fn moments_2d(h: &Histogram) -> (f64, f64, f64) {
    let nx = h.axes[0].bins() + 2;
    let (mut sy, mut sy2, mut sxy) = (0.0, 0.0, 0.0);
    for (i, &w) in h.values.iter().enumerate() {
        let (Some(x), Some(y)) = (center(&h.axes[0], i % nx), center(&h.axes[1], i / nx)) else {
            continue;
        };
        sy += w * y;
        sy2 += w * y * y;
        sxy += w * x * y;
    }
    (sy, sy2, sxy)
}
