//! Where an analysis spends its time, kernel by kernel, on the first chunk of
//! its first sample (a developer tool; release build).
//!
//!     cargo run --release -p hepkey-analysis --example profile_kernels -- ANALYSIS.toml [TOP]

use hepkey_analysis::bridge::column;
use hepkey_analysis::Analysis;
use hepkey_columnar::{Chunk, Program};
use std::time::Instant;

fn show(title: &str, program: &Program, chunk: &Chunk, top: usize) {
    // Warm up (page faults of fresh allocations, caches), then measure.
    let _ = program.profile(chunk).expect("profile");
    let mut steps = program.profile(chunk).expect("profile");
    let total: f64 = steps.iter().map(|s| s.1).sum();
    println!(
        "== {title}: {} kernels, {:.1} ms on {} events",
        steps.len(),
        total * 1e3,
        chunk.n_events()
    );
    steps.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (what, secs) in steps.into_iter().take(top) {
        let what: String = what.chars().take(150).collect();
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
    let n = tree
        .entries()
        .min(analysis.file.analysis.chunk_size.unwrap_or(100_000) as u64);
    let names = plan.program.inputs();
    let t = Instant::now();
    let arrays = tree.read_many(&names, 0..n).expect("read");
    println!(
        "read {} branches, {n} entries: {:.1} ms",
        names.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    let mut chunk = Chunk::new(n as usize);
    for (name, a) in names.iter().zip(arrays) {
        chunk
            .insert(*name, column(name, a).expect("column"))
            .expect("insert");
    }
    show("selection program", &plan.selection_program, &chunk, top);
    let sel = plan.selection_program.evaluate(&chunk).expect("selection");
    // Keep the events of any region of any variation, as the executor does.
    let mut keep = vec![false; n as usize];
    for v in &plan.variations {
        let mut pass = vec![true; n as usize];
        for &s in &v.selections {
            let c = sel[s].values().cast(hepkey_columnar::DType::Bool);
            if let hepkey_columnar::Values::Bool(b) = c {
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
    println!(
        "kept {} events; filtering the chunk: {:.1} ms",
        sub.n_events(),
        t.elapsed().as_secs_f64() * 1e3
    );
    show("full program on kept events", &plan.program, &sub, top);
}
