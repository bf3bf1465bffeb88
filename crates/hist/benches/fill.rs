//! Fill speed of a weighted 1D regular histogram (the AGC binning) from 10M float64 values.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hepkey_hist::{Axis, Hist1D, Hist2D};

/// Deterministic pseudo-random values over [0, 600) and weights around 1 (xorshift; no extra dependency).
fn data(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let xs = (0..n).map(|_| 600.0 * next()).collect();
    let ws = (0..n).map(|_| 0.5 + next()).collect();
    (xs, ws)
}

fn bench_fill(c: &mut Criterion) {
    let n = 10_000_000;
    let (xs, ws) = data(n);
    let xs32: Vec<f32> = xs.iter().map(|&x| x as f32).collect();
    let mut g = c.benchmark_group("fill_1d_regular_25bins");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("f64_weighted_10M", |b| {
        b.iter(|| {
            let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
            h.fill(&xs, Some(&ws)).unwrap();
            h
        })
    });
    g.bench_function("f64_unweighted_10M", |b| {
        b.iter(|| {
            let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
            h.fill(&xs, None).unwrap();
            h
        })
    });
    g.bench_function("f32_unweighted_10M", |b| {
        b.iter(|| {
            let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
            h.fill_f32(&xs32, None).unwrap();
            h
        })
    });
    let ys = ws_as_y(&ws);
    g.bench_function("f64_weighted_2d_25x25_10M", |b| {
        b.iter(|| {
            let axis = Axis::regular(25, 50.0, 550.0).unwrap();
            let mut h = Hist2D::new(axis.clone(), axis);
            h.fill(&xs, &ys, Some(&ws)).unwrap();
            h
        })
    });
    g.finish();
}

/// A second coordinate for the 2D case, spread over the axis like the first.
fn ws_as_y(ws: &[f64]) -> Vec<f64> {
    ws.iter().map(|w| 400.0 * w).collect()
}

criterion_group!(benches, bench_fill);
criterion_main!(benches);
