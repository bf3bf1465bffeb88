//! Where an analysis spends its time, kernel by kernel, summed over the chunks
//! of the first file of its first sample (a developer tool; release build).
//!
//!     cargo run --release -p hepkey-analysis --example profile_kernels -- ANALYSIS.toml [TOP]

use hepkey_analysis::bridge::column_sharing;
use hepkey_analysis::Analysis;
use hepkey_columnar::{Chunk, Program};
use std::time::Instant;

/// Kernel descriptions and seconds, summed over chunks.
type Times = std::collections::BTreeMap<String, f64>;

fn profile(program: &Program, chunk: &Chunk, times: &mut Times) {
    for (what, secs) in program.profile(chunk).expect("profile") {
        *times.entry(what.chars().take(150).collect()).or_default() += secs;
    }
}

fn show(title: &str, times: &Times, top: usize) {
    let total: f64 = times.values().sum();
    println!("== {title}: {} kernels, {:.1} ms", times.len(), total * 1e3);
    let mut steps: Vec<_> = times.iter().collect();
    steps.sort_by(|a, b| b.1.total_cmp(a.1));
    for (what, secs) in steps.into_iter().take(top) {
        println!("{:8.2} ms  {what}", secs * 1e3);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: profile_kernels ANALYSIS.toml [TOP]");
    let top = args.get(2).map_or(25, |s| s.parse().expect("TOP"));
    let analysis = Analysis::load(std::path::Path::new(path)).expect("analysis");
    let plan = &analysis.plans[0];
    let tree = &plan.trees[0];
    let names = plan.program.inputs();
    let step = analysis.file.analysis.chunk_size.unwrap_or(100_000) as u64;
    let (mut read, mut filter) = (0.0, 0.0);
    let (mut selection, mut full) = (Times::new(), Times::new());
    let (mut events, mut kept) = (0, 0);
    for range in tree.chunk_ranges(&names, step) {
        let n = (range.end - range.start) as usize;
        let t = Instant::now();
        let arrays = tree.read_many(&names, range).expect("read");
        read += t.elapsed().as_secs_f64();
        let mut chunk = Chunk::new(n);
        let mut seen = Vec::new();
        for (name, a) in names.iter().zip(arrays) {
            chunk
                .insert(*name, column_sharing(name, a, &mut seen).expect("column"))
                .expect("insert");
        }
        profile(&plan.selection_program, &chunk, &mut selection);
        let sel = plan.selection_program.evaluate(&chunk).expect("selection");
        // Keep the events of any region of any variation, as the executor does.
        let mut keep = vec![false; n];
        for v in &plan.variations {
            let mut pass = vec![true; n];
            for &s in &v.selections {
                if let hepkey_columnar::Values::Bool(b) =
                    sel[s].values().cast(hepkey_columnar::DType::Bool)
                {
                    pass.iter_mut().zip(b).for_each(|(p, b)| *p &= b);
                }
            }
            for &r in &v.regions {
                if let hepkey_columnar::Values::Bool(b) =
                    sel[r].values().cast(hepkey_columnar::DType::Bool)
                {
                    keep.iter_mut()
                        .zip(pass.iter().zip(b))
                        .for_each(|(k, (p, b))| *k |= *p && b);
                }
            }
            if v.regions.is_empty() {
                keep.iter_mut().zip(&pass).for_each(|(k, p)| *k |= *p);
            }
        }
        let t = Instant::now();
        let sub = chunk.filter(&keep).expect("filter");
        filter += t.elapsed().as_secs_f64();
        events += n;
        kept += sub.n_events();
        profile(&plan.program, &sub, &mut full);
    }
    println!(
        "{events} events, {kept} kept; reading {:.1} ms (wall), filtering {:.1} ms",
        read * 1e3,
        filter * 1e3
    );
    show("selection program, every event", &selection, top);
    show("full program, kept events", &full, top);
}
