//! Where an analysis spends its time, kernel by kernel: runs it as `hepkey run` does, on one thread,
//! with kernel timing on, and prints the kernels' CPU time summed over every chunk, grouped by program
//! (each selection stage, the regions, each group of histograms) (a developer tool; release build).
//!
//!     cargo run --release -p hepkey-analysis --example profile_kernels -- ANALYSIS.toml [TOP]

use hepkey_analysis::Analysis;
use std::collections::BTreeMap;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: profile_kernels ANALYSIS.toml [TOP]");
    let top = args.get(2).map_or(25, |s| s.parse().expect("TOP"));
    hepkey_root::memory::keep_freed_memory();
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("thread pool");
    let analysis = Analysis::load(std::path::Path::new(path)).expect("analysis");
    hepkey_columnar::set_profiling(true);
    let start = Instant::now();
    let result = analysis.run(&|_| {}).expect("run");
    let wall = start.elapsed().as_secs_f64();
    let kernels = hepkey_columnar::take_profile();
    // Programs are labelled "label: kernel".
    let mut programs: BTreeMap<&str, Vec<(&str, f64)>> = BTreeMap::new();
    for (what, secs) in &kernels {
        let (program, kernel) = what.split_once(": ").unwrap_or(("", what));
        programs.entry(program).or_default().push((kernel, *secs));
    }
    let total: f64 = kernels.iter().map(|(_, s)| s).sum();
    println!(
        "{} events in {wall:.2} s on one thread; kernels {:.0} ms, the rest (reading, bridging, filling) {:.0} ms",
        result.events_read,
        total * 1e3,
        (wall - total) * 1e3
    );
    for (program, mut steps) in programs {
        let sum: f64 = steps.iter().map(|(_, s)| s).sum();
        println!("== {program}: {} kernels, {:.1} ms", steps.len(), sum * 1e3);
        steps.sort_by(|a, b| b.1.total_cmp(&a.1));
        for (what, secs) in steps.into_iter().take(top) {
            let what: String = what.chars().take(150).collect();
            println!("{:8.2} ms  {what}", secs * 1e3);
        }
    }
}
