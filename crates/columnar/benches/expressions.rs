//! Kernel throughput on synthetic 1M-event chunks (`cargo bench -p hepkey-columnar --bench expressions`).
//! Prints events/s per program: single chunk on one thread, and the same events as 10 chunks evaluated
//! in parallel (rayon, `native` feature).

use std::time::Instant;

use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn chunk(n: usize, seed: u64) -> Chunk {
    let mut r = Rng(seed | 1);
    let (mut pt, mut eta, mut phi, mut mass, mut btag, mut id) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    let mut offsets = vec![0u32];
    for _ in 0..n {
        // 0..9 jets, mean 4.5 (tt̄-like multiplicity).
        let nj = (r.next() * 10.0) as usize;
        for _ in 0..nj {
            pt.push((15.0 + 150.0 * r.next() * r.next()) as f32);
            eta.push((r.next() * 6.0 - 3.0) as f32);
            phi.push(((r.next() * 2.0 - 1.0) * std::f64::consts::PI) as f32);
            mass.push((2.0 + 20.0 * r.next()) as f32);
            btag.push(r.next() as f32);
            id.push([0i32, 2, 6][(r.next() * 3.0) as usize]);
        }
        offsets.push(pt.len() as u32);
    }
    let o = std::sync::Arc::new(offsets);
    let mut c = Chunk::new(n);
    c.insert("Jet_pt", Column::jagged_shared(pt, o.clone()).unwrap())
        .unwrap();
    c.insert("Jet_eta", Column::jagged_shared(eta, o.clone()).unwrap())
        .unwrap();
    c.insert("Jet_phi", Column::jagged_shared(phi, o.clone()).unwrap())
        .unwrap();
    c.insert("Jet_mass", Column::jagged_shared(mass, o.clone()).unwrap())
        .unwrap();
    c.insert(
        "Jet_btagCSVV2",
        Column::jagged_shared(btag, o.clone()).unwrap(),
    )
    .unwrap();
    c.insert("Jet_jetId", Column::jagged_shared(id, o).unwrap())
        .unwrap();
    c
}

const JETS: &str = "jets = Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0]";

fn main() {
    let n = 1_000_000;
    let big = chunk(n, 7);
    let small: Vec<Chunk> = (0..10).map(|i| chunk(n / 10, 100 + i)).collect();
    let schema = Schema::from_chunk(&big);
    let cases: [(&str, String, &str); 4] = [
        ("mask + sum (HT)", JETS.to_string(), "sum(jets.pt)"),
        ("mask + count b-tags", JETS.to_string(), "count(jets.btagCSVV2 > 0.5)"),
        (
            "JER factor, varied HT",
            format!(
                "Jet_pt = Jet_pt * float32(1 + 0.05 * normal_ppf(0.001 * (int64(Jet_pt * 1000) % 1000) + 0.0005))\n{JETS}"
            ),
            "sum(jets.pt)",
        ),
        (
            "3-combinations m_bjj",
            format!(
                "{JETS}\ntri = combinations(jets, 3)\nhas_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5\n\
                 best = tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]"
            ),
            "mass(best.0, best.1, best.2)",
        ),
    ];
    println!(
        "{n} events, {} jets",
        big.get("Jet_pt").unwrap().values().len()
    );
    selected_m_bjj(&schema, &big, &small);
    for (label, defs, expr) in cases {
        let mut b = ProgramBuilder::new(schema.clone());
        b.define_all(&defs).unwrap();
        b.output("out", expr).unwrap();
        let p = b.build();
        // Fused and unfused plans interleaved, so that both see the same machine load.
        let unfused = p.unfused();
        let (mut best, mut best_unfused) = (f64::INFINITY, f64::INFINITY);
        for _ in 0..5 {
            let t = Instant::now();
            std::hint::black_box(p.evaluate(&big).unwrap());
            best = best.min(t.elapsed().as_secs_f64());
            let t = Instant::now();
            std::hint::black_box(unfused.evaluate(&big).unwrap());
            best_unfused = best_unfused.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label:<24} 1M chunk unfused: {:>6.1} ms {:>5.1} M ev/s",
            best_unfused * 1e3,
            n as f64 / best_unfused / 1e6
        );
        let mut best_seq = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            for c in &small {
                std::hint::black_box(p.evaluate(c).unwrap());
            }
            best_seq = best_seq.min(t.elapsed().as_secs_f64());
        }
        let mut best_par = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            let out = p.evaluate_chunks(&small);
            std::hint::black_box(&out);
            best_par = best_par.min(t.elapsed().as_secs_f64());
        }
        if std::env::var_os("PROFILE").is_some() {
            for (what, secs) in p.profile(&big).unwrap() {
                println!("    {:>8.2} ms  {what}", secs * 1e3);
            }
        }
        println!(
            "{label:<24} {:>3} kernels | 1M chunk: {:>6.1} ms {:>5.1} M ev/s | 10 x 100k, 1 thread: {:>6.1} ms {:>5.1} M ev/s | 10 x 100k, rayon: {:>6.1} ms {:>5.1} M ev/s",
            p.n_kernels(),
            best * 1e3,
            n as f64 / best / 1e6,
            best_seq * 1e3,
            n as f64 / best_seq / 1e6,
            best_par * 1e3,
            n as f64 / best_par / 1e6
        );
    }
}

/// m_bjj computed only for events with >= 4 selected jets and >= 2 b-tags (the AGC 4j2b region without the
/// lepton): a cheap selection program, then the observable on the kept events (`evaluate_selected`).
fn selected_m_bjj(schema: &Schema, big: &Chunk, small: &[Chunk]) {
    let mut sel = ProgramBuilder::new(schema.clone());
    sel.define(
        "jets",
        "Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0]",
    )
    .unwrap();
    sel.output(
        "pass",
        "count(jets) >= 4 && count(jets.btagCSVV2 > 0.5) >= 2",
    )
    .unwrap();
    let mut obs = sel.clone();
    let sel = sel.build();
    obs.define_all(
        "tri = combinations(jets, 3)\nhas_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5\n\
         best = tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]",
    )
    .unwrap();
    obs.output("m_bjj", "mass(best.0, best.1, best.2)").unwrap();
    let obs = obs.build();
    let run = |c: &Chunk| {
        let keep = sel.evaluate(c).unwrap()[0]
            .as_slice::<bool>()
            .unwrap()
            .to_vec();
        let kept = keep.iter().filter(|&&k| k).count();
        std::hint::black_box(obs.evaluate_selected(c, &keep).unwrap());
        kept
    };
    let n = big.n_events();
    let (mut best, mut best_seq, mut kept) = (f64::INFINITY, f64::INFINITY, 0);
    for _ in 0..5 {
        let t = Instant::now();
        kept = run(big);
        best = best.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for c in small {
            run(c);
        }
        best_seq = best_seq.min(t.elapsed().as_secs_f64());
    }
    println!(
        "m_bjj on selected events ({:.1} % kept) | 1M chunk: {:>6.1} ms {:>5.1} M ev/s | 10 x 100k, 1 thread: {:>6.1} ms {:>5.1} M ev/s",
        100.0 * kept as f64 / n as f64,
        best * 1e3,
        n as f64 / best / 1e6,
        best_seq * 1e3,
        n as f64 / best_seq / 1e6
    );
}
