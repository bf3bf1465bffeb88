//! Reading benchmark: reads branches of every entry of a tree and prints one
//! JSON line with entries, wall time, events/s and MB/s (compressed and
//! uncompressed bytes of the branches read per second).
//!
//! ```text
//! cargo run --release -p hepkey-root --example read_bench -- \
//!     FILE TREE BRANCH[,BRANCH...] [--threads N] [--chunk N] [--stage full|decompress|decode]
//! ```
//!
//! Without `--chunk` the whole range is read at once with `Tree::read_many`;
//! with it, `Tree::iterate` reads chunks of N entries so memory stays bounded.
//! `--stage` splits the work for profiling: `decompress` only reads and
//! decompresses every basket, `decode` also decodes each basket into an array
//! (without joining baskets); `full` (the default) is the public API.

use hepkey_root::{Array, Events, RNTuple, RootFile, Tree, Values};
use rayon::prelude::*;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Full,
    Decompress,
    Decode,
}

struct Options {
    file: String,
    tree: String,
    branches: Vec<String>,
    threads: usize,
    chunk: Option<u64>,
    /// Chunks read as `hepkey run` reads them: tasks in parallel (a TTree's chunks sharing a
    /// basket in one task, an RNTuple's chunks each a task), each chunk summed on its thread.
    parallel_chunks: bool,
    stage: Stage,
}

fn usage() -> String {
    "usage: read_bench FILE TREE BRANCH[,BRANCH...] [--threads N] [--chunk N] \
     [--parallel-chunks] [--stage full|decompress|decode]"
        .to_string()
}

fn parse_args() -> Result<Options, String> {
    let mut positional = Vec::new();
    let mut threads = rayon::current_num_threads();
    let mut chunk = None;
    let mut stage = Stage::Full;
    let mut parallel_chunks = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |flag: &str| {
            args.next()
                .ok_or(format!("{flag} needs a value\n{}", usage()))
        };
        match a.as_str() {
            "--threads" => {
                threads = value("--threads")?
                    .parse()
                    .map_err(|e| format!("--threads: {e}"))?
            }
            "--chunk" => {
                chunk = Some(
                    value("--chunk")?
                        .parse()
                        .map_err(|e| format!("--chunk: {e}"))?,
                )
            }
            "--stage" => {
                stage = match value("--stage")?.as_str() {
                    "full" => Stage::Full,
                    "decompress" => Stage::Decompress,
                    "decode" => Stage::Decode,
                    other => return Err(format!("--stage: unknown stage {other:?}")),
                }
            }
            "--parallel-chunks" => parallel_chunks = true,
            "-h" | "--help" => return Err(usage()),
            _ => positional.push(a),
        }
    }
    let [file, tree, branches] = <[String; 3]>::try_from(positional).map_err(|_| usage())?;
    Ok(Options {
        file,
        tree,
        branches: branches.split(',').map(str::to_string).collect(),
        threads: threads.max(1),
        chunk,
        parallel_chunks,
        stage,
    })
}

/// The reading mode, as the JSON line names it.
fn mode(opts: &Options) -> &'static str {
    match (opts.chunk, opts.parallel_chunks) {
        (None, _) => "read_many",
        (Some(_), false) => "iterate",
        (Some(_), true) => "chunks in parallel",
    }
}

/// Sums every value (and the list lengths) so no read can be optimised away.
fn touch(array: &Array) -> f64 {
    fn values(v: &Values) -> f64 {
        match v {
            Values::Bool(x) => x.iter().filter(|&&b| b).count() as f64,
            Values::I8(x) => x.iter().map(|&y| y as f64).sum(),
            Values::U8(x) => x.iter().map(|&y| y as f64).sum(),
            Values::I16(x) => x.iter().map(|&y| y as f64).sum(),
            Values::U16(x) => x.iter().map(|&y| y as f64).sum(),
            Values::I32(x) => x.iter().map(|&y| y as f64).sum(),
            Values::U32(x) => x.iter().map(|&y| y as f64).sum(),
            Values::I64(x) => x.iter().map(|&y| y as f64).sum(),
            Values::U64(x) => x.iter().map(|&y| y as f64).sum(),
            Values::F32(x) => x.iter().map(|&y| y as f64).sum(),
            Values::F64(x) => x.iter().sum(),
        }
    }
    match array {
        Array::Flat(v) => values(v),
        Array::Strings(x) => x.iter().map(|s| s.len() as f64).sum(),
        Array::List { offsets, content } => {
            offsets.last().copied().unwrap_or(0) as f64 + touch(content)
        }
        Array::Record(fields) => fields.iter().map(|(_, a)| touch(a)).sum(),
        Array::Optional { content, .. } => touch(content),
        Array::Union { alternatives, .. } => alternatives.iter().map(touch).sum(),
    }
}

/// Peak resident memory of this process in MB (Linux; None elsewhere).
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// CPU time (user + system) of this process in seconds, from /proc (Linux;
/// None elsewhere). Kernel clock ticks are 1/100 s on Linux.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// Reads with the public API: one `read_many`, or chunk by chunk.
fn read_full(tree: &Tree, names: &[&str], opts: &Options) -> hepkey_root::Result<(u64, f64)> {
    let mut checksum = 0.0;
    let mut entries = 0;
    if let (Some(step), true) = (opts.chunk, opts.parallel_chunks) {
        let groups = tree.chunk_groups(names, step);
        let sums = groups
            .par_iter()
            .map(|group| {
                let (Some(first), Some(last)) = (group.first(), group.last()) else {
                    return Ok((0, 0.0));
                };
                let mut sum = (0, 0.0);
                for chunk in tree.iterate_range(names, first.start..last.end, step)? {
                    let chunk = chunk?;
                    sum.0 += chunk.entries.end - chunk.entries.start;
                    sum.1 += chunk.columns.iter().map(touch).sum::<f64>();
                }
                Ok(sum)
            })
            .collect::<hepkey_root::Result<Vec<(u64, f64)>>>()?;
        return Ok(sums
            .into_iter()
            .fold((0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1)));
    }
    match opts.chunk {
        None => {
            let columns = tree.read_many(names, 0..tree.entries())?;
            entries = columns.first().map_or(0, |c| c.len() as u64);
            checksum += columns.iter().map(touch).sum::<f64>();
        }
        Some(step) => {
            for chunk in tree.iterate(names, step)? {
                let chunk = chunk?;
                entries += chunk.entries.end - chunk.entries.start;
                checksum += chunk.columns.iter().map(touch).sum::<f64>();
            }
        }
    }
    Ok((entries, checksum))
}

/// Profiling stages: every basket of every branch, in parallel, read and
/// decompressed (and decoded with `Stage::Decode`), without joining baskets.
fn read_stage(
    file: &RootFile,
    tree: &Tree,
    names: &[&str],
    stage: Stage,
) -> hepkey_root::Result<(u64, f64)> {
    let branches = names
        .iter()
        .map(|n| tree.branch(n))
        .collect::<hepkey_root::Result<Vec<_>>>()?;
    let jobs: Vec<_> = branches
        .iter()
        .flat_map(|b| b.baskets().iter().map(move |r| (*b, r)))
        .collect();
    let source = file.source();
    let checksum = jobs
        .par_iter()
        .map(|(b, r)| -> hepkey_root::Result<f64> {
            let raw = b.read_raw_basket(source.as_ref(), r)?;
            if stage == Stage::Decompress {
                return Ok(raw.data.len() as f64);
            }
            let array = b.decode_raw_basket(&raw)?;
            Ok(touch(&array))
        })
        .collect::<hepkey_root::Result<Vec<f64>>>()?
        .into_iter()
        .sum();
    Ok((tree.entries(), checksum))
}

fn run(opts: &Options) -> Result<String, String> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| e.to_string())?;
    let names: Vec<&str> = opts.branches.iter().map(String::as_str).collect();
    pool.install(|| {
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let file = RootFile::open(&opts.file).map_err(|e| e.to_string())?;
        let tree = match Events::open(&file, &opts.tree).map_err(|e| e.to_string())? {
            Events::Tree(t) => t,
            Events::RNTuple(n) => return run_rntuple(opts, &n, &names, start, cpu_start),
        };
        let (mut zipped, mut unzipped) = (0i64, 0i64);
        for n in &names {
            let b = tree.branch(n).map_err(|e| e.to_string())?;
            zipped += b.compressed_bytes();
            unzipped += b.uncompressed_bytes();
        }
        let (entries, checksum) = match opts.stage {
            Stage::Full => read_full(&tree, &names, opts),
            stage => read_stage(&file, &tree, &names, stage),
        }
        .map_err(|e| e.to_string())?;
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
        let mb = 1e6;
        let stage = match opts.stage {
            Stage::Full => "full",
            Stage::Decompress => "decompress",
            Stage::Decode => "decode",
        };
        let line = serde_json::json!({
            "reader": "hepkey",
            "file": opts.file,
            "threads": opts.threads,
            "mode": mode(opts),
            "chunk": opts.chunk,
            "stage": stage,
            "branches": names.len(),
            "entries": entries,
            "seconds": seconds,
            "cpu_seconds": cpu,
            "events_per_s": entries as f64 / seconds,
            "compressed_bytes": zipped,
            "uncompressed_bytes": unzipped,
            "compressed_MB_per_s": zipped as f64 / mb / seconds,
            "uncompressed_MB_per_s": unzipped as f64 / mb / seconds,
            "peak_rss_MB": peak_rss_mb(),
            "checksum": checksum,
        });
        Ok(line.to_string())
    })
}

/// An RNTuple read with the public API (all at once, or chunk by chunk at cluster boundaries).
fn run_rntuple(
    opts: &Options,
    ntuple: &RNTuple,
    names: &[&str],
    start: Instant,
    cpu_start: Option<f64>,
) -> Result<String, String> {
    if opts.stage != Stage::Full {
        return Err("--stage: only `full` for an RNTuple".into());
    }
    let ranges: Vec<std::ops::Range<u64>> = match opts.chunk {
        None => std::iter::once(0..ntuple.entries()).collect(),
        Some(step) => ntuple.chunk_ranges(names, step),
    };
    let read = |range: &std::ops::Range<u64>| -> Result<(u64, f64), String> {
        let columns = ntuple
            .read_many(names, range.clone())
            .map_err(|e| e.to_string())?;
        Ok((
            range.end - range.start,
            columns.iter().map(touch).sum::<f64>(),
        ))
    };
    let sums: Vec<(u64, f64)> = if opts.parallel_chunks {
        // As `hepkey run`: every chunk a task of its own.
        ranges.par_iter().map(read).collect::<Result<_, _>>()?
    } else {
        ranges.iter().map(read).collect::<Result<_, _>>()?
    };
    let (entries, checksum) = sums
        .into_iter()
        .fold((0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
    Ok(serde_json::json!({
        "reader": "hepkey",
        "format": "rntuple",
        "file": opts.file,
        "threads": opts.threads,
        "mode": mode(opts),
        "chunk": opts.chunk,
        "stage": "full",
        "branches": names.len(),
        "entries": entries,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "events_per_s": entries as f64 / seconds,
        "peak_rss_MB": peak_rss_mb(),
        "checksum": checksum,
    })
    .to_string())
}

fn main() -> ExitCode {
    // As the hepkey binary does, so that figures match what users run.
    hepkey_root::memory::keep_freed_memory();
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
