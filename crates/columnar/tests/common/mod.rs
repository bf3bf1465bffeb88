//! Synthetic events for the tests: a small deterministic generator, plain `Vec<Vec<_>>` copies of the
//! columns for computing expected values with loops.
#![allow(dead_code)]

use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema};

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407))
    }
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    pub fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

pub struct Events {
    pub n: usize,
    pub jet_pt: Vec<Vec<f32>>,
    pub jet_eta: Vec<Vec<f32>>,
    pub jet_phi: Vec<Vec<f32>>,
    pub jet_mass: Vec<Vec<f32>>,
    pub jet_btag: Vec<Vec<f32>>,
    pub jet_id: Vec<Vec<i32>>,
    pub mu_pt: Vec<Vec<f32>>,
    pub mu_phi: Vec<Vec<f32>>,
    pub mu_charge: Vec<Vec<i32>>,
    pub mu_tight: Vec<Vec<bool>>,
    pub met_pt: Vec<f32>,
    pub met_phi: Vec<f32>,
    pub run: Vec<u32>,
}

pub fn events(n: usize, seed: u64) -> Events {
    let mut r = Rng::new(seed);
    let mut e = Events {
        n,
        jet_pt: vec![],
        jet_eta: vec![],
        jet_phi: vec![],
        jet_mass: vec![],
        jet_btag: vec![],
        jet_id: vec![],
        mu_pt: vec![],
        mu_phi: vec![],
        mu_charge: vec![],
        mu_tight: vec![],
        met_pt: vec![],
        met_phi: vec![],
        run: vec![],
    };
    for _ in 0..n {
        let nj = r.below(8) as usize;
        let mut pts: Vec<f32> = (0..nj)
            .map(|_| (15.0 + 200.0 * r.uniform() * r.uniform()) as f32)
            .collect();
        pts.sort_by(|a, b| b.partial_cmp(a).unwrap());
        e.jet_pt.push(pts);
        e.jet_eta
            .push((0..nj).map(|_| (r.uniform() * 6.0 - 3.0) as f32).collect());
        e.jet_phi.push(
            (0..nj)
                .map(|_| ((r.uniform() * 2.0 - 1.0) * std::f64::consts::PI) as f32)
                .collect(),
        );
        e.jet_mass
            .push((0..nj).map(|_| (2.0 + 20.0 * r.uniform()) as f32).collect());
        e.jet_btag
            .push((0..nj).map(|_| r.uniform() as f32).collect());
        e.jet_id
            .push((0..nj).map(|_| [0, 2, 6, 7][r.below(4) as usize]).collect());
        let nm = r.below(4) as usize;
        e.mu_pt
            .push((0..nm).map(|_| (5.0 + 80.0 * r.uniform()) as f32).collect());
        e.mu_phi.push(
            (0..nm)
                .map(|_| ((r.uniform() * 2.0 - 1.0) * std::f64::consts::PI) as f32)
                .collect(),
        );
        e.mu_charge.push(
            (0..nm)
                .map(|_| if r.below(2) == 0 { -1 } else { 1 })
                .collect(),
        );
        e.mu_tight.push((0..nm).map(|_| r.below(3) != 0).collect());
        e.met_pt.push((100.0 * r.uniform()) as f32);
        e.met_phi
            .push(((r.uniform() * 2.0 - 1.0) * std::f64::consts::PI) as f32);
        e.run.push(1 + r.below(3) as u32);
    }
    e
}

impl Events {
    pub fn chunk(&self) -> Chunk {
        let mut c = Chunk::new(self.n);
        c.insert("Jet_pt", Column::from_lists(&self.jet_pt))
            .unwrap();
        c.insert("Jet_eta", Column::from_lists(&self.jet_eta))
            .unwrap();
        c.insert("Jet_phi", Column::from_lists(&self.jet_phi))
            .unwrap();
        c.insert("Jet_mass", Column::from_lists(&self.jet_mass))
            .unwrap();
        c.insert("Jet_btagCSVV2", Column::from_lists(&self.jet_btag))
            .unwrap();
        c.insert("Jet_jetId", Column::from_lists(&self.jet_id))
            .unwrap();
        c.insert("Muon_pt", Column::from_lists(&self.mu_pt))
            .unwrap();
        c.insert("Muon_phi", Column::from_lists(&self.mu_phi))
            .unwrap();
        c.insert("Muon_charge", Column::from_lists(&self.mu_charge))
            .unwrap();
        c.insert("Muon_tightId", Column::from_lists(&self.mu_tight))
            .unwrap();
        c.insert("MET_pt", Column::flat(self.met_pt.clone()))
            .unwrap();
        c.insert("MET_phi", Column::flat(self.met_phi.clone()))
            .unwrap();
        c.insert("run", Column::flat(self.run.clone())).unwrap();
        c
    }
}

/// Evaluates `expr` (after `defs`, a program text) on `chunk`.
pub fn eval_with(chunk: &Chunk, defs: &str, expr: &str) -> Column {
    let mut b = ProgramBuilder::new(Schema::from_chunk(chunk));
    b.define_all(defs)
        .unwrap_or_else(|e| panic!("{}", e.render(defs, "defs", 0)));
    b.output("out", expr)
        .unwrap_or_else(|e| panic!("{}", e.render(expr, "expr", 0)));
    b.build().evaluate(chunk).unwrap().remove(0)
}

pub fn eval(chunk: &Chunk, expr: &str) -> Column {
    eval_with(chunk, "", expr)
}
