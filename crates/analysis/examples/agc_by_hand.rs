//! The AGC tt̄ analysis of `examples/agc/ttbar.toml` written by hand: one loop per event over
//! columns read by hepkey-root, no expression engine. A benchmark reference (`bench/agc/run.sh`
//! times it beside `hepkey run`): how close the engine is to code written for this one analysis.
//!
//!     cargo run --release -p hepkey-analysis --example agc_by_hand -- FILE [--threads N]
//!         [--compare OUT/histograms.json] [--relaxed]
//!
//! `--relaxed` is `examples/agc/ttbar_relaxed_lepton.toml`: no one-lepton requirement, so the
//! lepton branches are not read at all.
//!
//! Same arithmetic as the analysis file (float32 cuts and jet-pt variations, float64 four-vectors),
//! so with `--compare` its 22 histograms must equal hepkey's to rounding.

use hepkey_columnar::normal_ppf;
use hepkey_hist::Hist1D;
use hepkey_root::{Array, RootFile, Values};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::time::Instant;

const BRANCHES: [&str; 15] = [
    "Electron_pt",
    "Electron_eta",
    "Electron_cutBased",
    "Electron_sip3d",
    "Muon_pt",
    "Muon_eta",
    "Muon_tightId",
    "Muon_sip3d",
    "Muon_pfRelIso04_all",
    "Jet_pt",
    "Jet_eta",
    "Jet_phi",
    "Jet_mass",
    "Jet_btagCSVV2",
    "Jet_jetId",
];
const KINEMATIC: [&str; 3] = ["nominal", "pt_scale_up", "pt_res_up"];
/// σ × L / N of the analysis file: 729.84 pb × 3378 pb⁻¹, divided by the entries.
const XSEC_LUMI: f64 = 729.84 * 3378.0;

/// A jagged branch of one chunk: offsets and values.
struct Lists<T> {
    offsets: hepkey_root::column::Offsets,
    values: Vec<T>,
}

impl<T> Lists<T> {
    fn of(&self, event: usize) -> &[T] {
        &self.values[self.offsets[event] as usize..self.offsets[event + 1] as usize]
    }
}

fn lists<T>(a: Array, unwrap: impl Fn(Values) -> Option<Vec<T>>) -> Lists<T> {
    let Array::List { offsets, content } = a else {
        panic!("not a list branch")
    };
    let Array::Flat(v) = *content else {
        panic!("not a list of numbers")
    };
    Lists {
        offsets,
        values: unwrap(v).expect("branch type"),
    }
}

fn f32s(v: Values) -> Option<Vec<f32>> {
    match v {
        Values::F32(x) => Some(x),
        _ => None,
    }
}

fn i32s(v: Values) -> Option<Vec<i32>> {
    match v {
        Values::I32(x) => Some(x),
        _ => None,
    }
}

fn bools(v: Values) -> Option<Vec<bool>> {
    match v {
        Values::Bool(x) => Some(x),
        _ => None,
    }
}

/// (px, py, pz, E) of a jet, as the engine's four-vector helpers compute them.
fn p4(pt: f32, eta: f32, phi: f32, mass: f32) -> [f64; 4] {
    let (pt, eta, phi, m) = (pt as f64, eta as f64, phi as f64, mass as f64);
    let (px, py, pz) = (pt * phi.cos(), pt * phi.sin(), pt * eta.sinh());
    [px, py, pz, (px * px + py * py + pz * pz + m * m).sqrt()]
}

type Histograms = BTreeMap<String, Hist1D>;

/// The 11 variations of one histogram: the 3 kinematic ones, then b-tag 0 up, 0 down, 1 up...
const VARIATIONS: usize = 11;

fn variation_name(i: usize) -> String {
    match i {
        0..=2 => KINEMATIC[i].to_string(),
        _ => {
            let k = i - 3;
            format!(
                "btag_var_{}_{}",
                k / 2,
                if k.is_multiple_of(2) { "up" } else { "down" }
            )
        }
    }
}

/// The lepton branches of one chunk.
struct Leptons {
    e_pt: Lists<f32>,
    e_eta: Lists<f32>,
    e_id: Lists<i32>,
    e_sip: Lists<f32>,
    m_pt: Lists<f32>,
    m_eta: Lists<f32>,
    m_tight: Lists<bool>,
    m_sip: Lists<f32>,
    m_iso: Lists<f32>,
}

impl Leptons {
    /// Electrons and muons of event `ev` passing the AGC's lepton selection.
    fn selected(&self, ev: usize) -> usize {
        let electrons = (0..self.e_pt.of(ev).len())
            .filter(|&i| {
                self.e_pt.of(ev)[i] > 30.0
                    && self.e_eta.of(ev)[i].abs() < 2.1
                    && self.e_id.of(ev)[i] == 4
                    && self.e_sip.of(ev)[i] < 4.0
            })
            .count();
        let muons = (0..self.m_pt.of(ev).len())
            .filter(|&i| {
                self.m_pt.of(ev)[i] > 30.0
                    && self.m_eta.of(ev)[i].abs() < 2.1
                    && self.m_tight.of(ev)[i]
                    && self.m_sip.of(ev)[i] < 4.0
                    && self.m_iso.of(ev)[i] < 0.15
            })
            .count();
        electrons + muons
    }
}

fn chunk(
    tree: &hepkey_root::Tree,
    range: std::ops::Range<u64>,
    norm: f64,
    jer: &[f32],
    relaxed: bool,
) -> Histograms {
    // The first 9 branches are the leptons', which the relaxed analysis does not use.
    let branches = if relaxed {
        &BRANCHES[9..]
    } else {
        &BRANCHES[..]
    };
    let mut a = tree
        .read_many(branches, range.clone())
        .expect("read")
        .into_iter();
    let mut next = || a.next().expect("branch");
    let leptons = (!relaxed).then(|| Leptons {
        e_pt: lists(next(), f32s),
        e_eta: lists(next(), f32s),
        e_id: lists(next(), i32s),
        e_sip: lists(next(), f32s),
        m_pt: lists(next(), f32s),
        m_eta: lists(next(), f32s),
        m_tight: lists(next(), bools),
        m_sip: lists(next(), f32s),
        m_iso: lists(next(), f32s),
    });
    let (j_pt, j_eta, j_phi) = (
        lists(next(), f32s),
        lists(next(), f32s),
        lists(next(), f32s),
    );
    let (j_mass, j_btag, j_id) = (
        lists(next(), f32s),
        lists(next(), f32s),
        lists(next(), i32s),
    );
    // [HT in 4j1b, m_bjj in 4j2b] × variations.
    let mut hists: Vec<Hist1D> = (0..2 * VARIATIONS)
        .map(|_| Hist1D::regular(25, 50.0, 550.0).expect("axis"))
        .collect();
    let mut pts: Vec<f32> = Vec::new();
    let mut jets: Vec<usize> = Vec::new();
    let mut p: Vec<[f64; 4]> = Vec::new();
    for ev in 0..(range.end - range.start) as usize {
        if leptons.as_ref().is_some_and(|l| l.selected(ev) != 1) {
            continue;
        }
        let (pt0, eta, phi) = (j_pt.of(ev), j_eta.of(ev), j_phi.of(ev));
        let (mass, btag, id) = (j_mass.of(ev), j_btag.of(ev), j_id.of(ev));
        for v in 0..KINEMATIC.len() {
            pts.clear();
            pts.extend(pt0.iter().map(|&p| match v {
                0 => p,
                1 => p * 1.03f32,
                _ => p * jer[((p * 1000.0) as i64).rem_euclid(1000) as usize],
            }));
            jets.clear();
            jets.extend(
                (0..pts.len()).filter(|&i| pts[i] > 30.0 && eta[i].abs() < 2.4 && (id[i] & 4) != 0),
            );
            if jets.len() < 4 {
                continue;
            }
            let n_btag = jets.iter().filter(|&&i| btag[i] > 0.5).count();
            let (hist, x) = if n_btag == 1 {
                let ht: f64 = jets.iter().map(|&i| pts[i] as f64).sum();
                (0, ht)
            } else if n_btag >= 2 {
                // The first trijet of highest pt among those with a b-tagged jet.
                p.clear();
                p.extend(jets.iter().map(|&i| p4(pts[i], eta[i], phi[i], mass[i])));
                let n = jets.len();
                let (mut best, mut best_pt) = (None, f64::NEG_INFINITY);
                for a in 0..n {
                    for b in a + 1..n {
                        for c in b + 1..n {
                            let tag = btag[jets[a]].max(btag[jets[b]]).max(btag[jets[c]]);
                            if tag <= 0.5 {
                                continue;
                            }
                            let (px, py) =
                                (p[a][0] + p[b][0] + p[c][0], p[a][1] + p[b][1] + p[c][1]);
                            let trijet_pt = (px * px + py * py).sqrt();
                            if trijet_pt > best_pt || best.is_none() {
                                (best, best_pt) = (Some([a, b, c]), trijet_pt);
                            }
                        }
                    }
                }
                let [a, b, c] = best.expect("two b-tagged jets make a trijet");
                let s: [f64; 4] = std::array::from_fn(|k| p[a][k] + p[b][k] + p[c][k]);
                let m = (s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt();
                (1, m)
            } else {
                continue;
            };
            let h = &mut hists[hist * VARIATIONS..(hist + 1) * VARIATIONS];
            h[v].fill_one(x, norm);
            if v == 0 {
                for (k, &j) in jets.iter().take(4).enumerate() {
                    let f = pts[j] as f64 * 0.075 / 50.0;
                    h[3 + 2 * k].fill_one(x, norm * (1.0 + f));
                    h[4 + 2 * k].fill_one(x, norm * (1.0 - f));
                }
            }
        }
    }
    let mut out = Histograms::new();
    for (i, h) in hists.into_iter().enumerate() {
        let (region, name) = if i < VARIATIONS {
            ("4j1b", "HT")
        } else {
            ("4j2b", "m_bjj")
        };
        out.insert(
            format!("{region}/{name}/ttbar/{}", variation_name(i % VARIATIONS)),
            h,
        );
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .expect("usage: agc_by_hand FILE [--threads N] [--compare JSON] [--relaxed]");
    let relaxed = args.iter().any(|a| a == "--relaxed");
    let option = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    if let Some(n) = option("--threads") {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.parse().expect("--threads N"))
            .build_global()
            .expect("thread pool");
    }
    hepkey_root::memory::keep_freed_memory();
    let start = Instant::now();
    let file = RootFile::open(path).expect("open");
    let tree = hepkey_root::Tree::open(&file, "Events").expect("tree Events");
    let norm = XSEC_LUMI / tree.entries() as f64;
    // The jet-resolution factor of `int64(pt × 1000) % 1000`, tabulated.
    let jer: Vec<f32> = (0..1000)
        .map(|k| (1.0 + 0.05 * normal_ppf(0.001 * k as f64 + 0.0005)) as f32)
        .collect();
    let parts: Vec<Histograms> = tree
        .chunk_ranges(&BRANCHES, 100_000)
        .into_par_iter()
        .map(|r| chunk(&tree, r, norm, &jer, relaxed))
        .collect();
    let mut total = Histograms::new();
    for part in parts {
        for (k, h) in part {
            match total.get_mut(&k) {
                Some(t) => t.add(&h).expect("same axes"),
                None => {
                    total.insert(k, h);
                }
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{{\"reader\": \"by hand\", \"events\": {}, \"wall_s\": {seconds:.3}, \"histograms\": {}}}",
        tree.entries(),
        total.len()
    );
    if let Some(json) = option("--compare") {
        let text = std::fs::read_to_string(json).expect("histograms.json");
        let theirs: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let mut worst = 0.0f64;
        for (k, h) in &total {
            let want: Vec<f64> = theirs[k]["values"]
                .as_array()
                .unwrap_or_else(|| panic!("{k} missing from {json}"))
                .iter()
                .map(|x| x.as_f64().expect("number"))
                .collect();
            for (a, b) in h.values().iter().zip(&want) {
                worst = worst.max((a - b).abs() / b.abs().max(1e-300));
            }
        }
        let agree = total.len() == theirs.as_object().map_or(0, |o| o.len()) && worst < 1e-9;
        println!(
            "by hand vs {json}: {} histograms, worst relative difference {worst:.2e}: {}",
            total.len(),
            if agree { "AGREE" } else { "DISAGREE" }
        );
    }
}
