//! H → γγ events in the 2020 GamGam format: a smoothly falling diphoton
//! continuum (with some fake and non-isolated photons) and a Higgs peak at
//! 125 GeV with a 1.6 GeV mass resolution.

use crate::columns::Columns;
use crate::kinematics::{wrap, FourVec};
use crate::objects::{push_jets_met, Jets};
use crate::release::{Collection, McSample, Objects, Process};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Normal};

const GEV: f32 = 1000.0; // the 2020 format is in MeV

/// Generated diphoton mass range of the continuum (GeV): wider than the
/// analysis window so that its edges behave as on real data.
const M_LOW: f64 = 95.0;
const M_HIGH: f64 = 185.0;
/// Slope of the continuum's exponential fall (GeV).
const M_SLOPE: f64 = 45.0;

/// Higgs mass and the detector's diphoton mass resolution (GeV).
pub const HIGGS_MASS: f64 = 125.0;
pub const RESOLUTION: f64 = 1.6;

/// What produced a diphoton event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Continuum,
    Higgs,
}

/// A diphoton mass drawn from the continuum (exponential over the range).
fn continuum_mass(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.gen();
    let span = 1.0 - (-(M_HIGH - M_LOW) / M_SLOPE).exp();
    M_LOW - M_SLOPE * (1.0 - u * span).ln()
}

/// A Higgs diphoton mass: the resolution core plus a small wider tail.
fn higgs_mass(rng: &mut ChaCha8Rng) -> f64 {
    let sigma = if rng.gen::<f64>() < 0.9 {
        RESOLUTION
    } else {
        3.0 * RESOLUTION
    };
    Normal::new(HIGGS_MASS, sigma).expect("finite").sample(rng)
}

/// Two photons with invariant mass `m` (GeV): pseudorapidities, a nearly
/// back-to-back azimuth, and a pT sharing that keeps the mass.
fn photon_pair(rng: &mut ChaCha8Rng, m: f64) -> [(f64, f64, f64); 2] {
    loop {
        let eta1: f64 = rng.gen_range(-2.37..2.37);
        let eta2: f64 = rng.gen_range(-2.37..2.37);
        let phi1: f64 = rng.gen_range(-std::f64::consts::PI..std::f64::consts::PI);
        let dphi = std::f64::consts::PI + Normal::new(0.0, 0.35).expect("finite").sample(rng);
        let d = 2.0 * ((eta1 - eta2).cosh() - dphi.cos());
        let pt_sym = m / d.sqrt();
        let a: f64 = rng.gen_range(1.0..2.2);
        let (pt1, pt2) = (pt_sym * a.sqrt(), pt_sym / a.sqrt());
        if pt2 < 25.0 {
            continue; // below the GamGam preselection
        }
        let phi2 = wrap(phi1 + dphi);
        return [(pt1, eta1, phi1), (pt2, eta2, phi2)];
    }
}

/// Adds one photon with identification and isolation.
fn push_photon(
    c: &mut Columns,
    rng: &mut ChaCha8Rng,
    (pt, eta, phi): (f64, f64, f64),
    prompt: bool,
) {
    let tight = rng.gen::<f64>() < if prompt { 0.93 } else { 0.55 };
    // Track isolation: small for prompt photons, large for fakes (MeV).
    let ptcone = if prompt {
        Exp::new(1.0 / 700.0).expect("rate").sample(rng)
    } else {
        Exp::new(1.0 / 6000.0).expect("rate").sample(rng)
    };
    let etcone = Normal::new(if prompt { 300.0 } else { 4000.0 }, 1500.0)
        .expect("finite")
        .sample(rng);
    let conv = if rng.gen::<f64>() < 0.65 {
        0
    } else {
        rng.gen_range(1..=5)
    };
    c.push("photon_truthMatched", prompt);
    c.push("photon_trigMatched", rng.gen::<f64>() < 0.95);
    c.push("photon_pt", (pt as f32) * GEV);
    c.push("photon_eta", eta as f32);
    c.push("photon_phi", phi as f32);
    c.push("photon_E", ((pt * eta.cosh()) as f32) * GEV);
    c.push("photon_isTightID", tight);
    c.push("photon_ptcone30", ptcone as f32);
    c.push("photon_etcone20", etcone as f32);
    c.push("photon_convType", conv);
    c.push("photon_pt_syst", 0.0f32);
}

/// Appends one diphoton event (data or simulation).
pub fn event(c: &mut Columns, rng: &mut ChaCha8Rng, source: Source) {
    let m = match source {
        Source::Continuum => continuum_mass(rng),
        Source::Higgs => higgs_mass(rng),
    };
    // A fifth of the continuum has a jet faking a photon (γ+jet).
    let fake = source == Source::Continuum && rng.gen::<f64>() < 0.2;
    let pair = photon_pair(rng, m);
    let extra = rng.gen::<f64>() < 0.04;
    c.set("photon_n", 2 + extra as u32);
    push_photon(c, rng, pair[0], true);
    push_photon(c, rng, pair[1], !fake);
    if extra {
        let pt = 25.0 + Exp::new(1.0 / 10.0).expect("rate").sample(rng);
        let p = (
            pt,
            rng.gen_range(-2.37..2.37),
            rng.gen_range(-std::f64::consts::PI..std::f64::consts::PI),
        );
        push_photon(c, rng, p, false);
    }
    c.set("trigP", rng.gen::<f64>() < 0.985);
    c.set("trigE", rng.gen::<f64>() < 0.05);
    c.set("trigM", rng.gen::<f64>() < 0.02);
    c.set("lep_n", 0u32);
    c.set("tau_n", 0u32);
    c.set("largeRjet_n", 0u32);
    let jets = Jets {
        mean_light: 1.3,
        n_b: 0,
        mean_pt: 30.0,
    };
    push_jets_met(c, rng, &jets, FourVec::default());
}

/// Fraction of produced Higgs → γγ events the GamGam preselection keeps
/// (it sets `SumWeights`).
const SKIM_EFFICIENCY: f64 = 0.55;
/// Continuum events per fb⁻¹ in the generated mass range.
const CONTINUUM_PER_FB: f64 = 16_000.0;

const fn higgs(dsid: u32, name: &'static str, xsec_pb: f64, share: f64) -> Process {
    Process {
        mc: Some(McSample {
            dsid,
            name,
            xsec_pb,
            share,
        }),
        per_fb: xsec_pb * 1000.0 * SKIM_EFFICIENCY,
        event: |c, rng| event(c, rng, Source::Higgs),
    }
}

/// The continuum (data only) and the five Higgs production modes with
/// m_H = 125 GeV, σ × BR(H → γγ) in pb (total 2.27e-3 pb at 13 TeV).
pub const PROCESSES: [Process; 6] = [
    Process {
        mc: None,
        per_fb: CONTINUUM_PER_FB,
        event: |c, rng| event(c, rng, Source::Continuum),
    },
    higgs(343981, "ggH125_gamgam", 0.1101, 0.5),
    higgs(345041, "VBFH125_gamgam", 0.00858, 0.125),
    higgs(345318, "WpH125J_Wincl_gamgam", 0.00191, 0.125),
    higgs(345319, "ZH125J_Zincl_gamgam", 0.00201, 0.125),
    higgs(341081, "ttH125_gamgam", 0.00115, 0.125),
];

/// The GamGam collection: by default the full 10 fb⁻¹ (about 160,700
/// events) and a fifth as many simulated Higgs events.
pub const COLLECTION: Collection = Collection {
    name: "GamGam",
    processes: &PROCESSES,
    default_events: 160_681,
    mc_events: 32_136,
    min_mc_events: 2_000,
    objects: Objects::Photons,
};
