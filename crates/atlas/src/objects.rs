//! Reconstructed objects of the 2020 format, as the detector would see
//! them: leptons (momentum resolution, identification, isolation, impact
//! parameters, trigger matching), jets and missing transverse momentum.
//!
//! The distributions are tuned to what the real `data_{A,B,C}.4lep.root`
//! files show (uproot, all events): prompt leptons mostly have
//! `lep_ptcone30 = 0` and `|lep_etcone20|/pT` of a few per cent, 80–90 %
//! pass `lep_isTightID`, `lep_tracksigd0pvunbiased` (the d0 significance)
//! has a median near 1.2, |d0| is tens of µm; leptons from jets or b-hadron
//! decays are non-isolated and have large impact parameters.

use crate::columns::Columns;
use crate::kinematics::{random_phi, FourVec};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Normal, Poisson};

const GEV: f64 = 1000.0; // the 2020 format is in MeV

/// Relative transverse-momentum resolution of electrons and muons in the
/// 10–100 GeV range (≈ 2 %: the Z → ℓℓ mass resolution is then
/// 91.19 · 0.022 / √2 ≈ 1.4 GeV, the H → 4ℓ one ≈ 1.7 GeV, close to
/// ATLAS's 1.5–2 GeV).
pub const LEPTON_RESOLUTION: f64 = 0.022;

/// Electron or muon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavour {
    Electron,
    Muon,
}

impl Flavour {
    pub fn mass(self) -> f64 {
        match self {
            Flavour::Electron => 0.000511,
            Flavour::Muon => 0.10566,
        }
    }

    fn lep_type(self) -> u32 {
        match self {
            Flavour::Electron => 11,
            Flavour::Muon => 13,
        }
    }

    /// Pseudorapidity coverage of the tracker (muons) or of the
    /// electromagnetic calorimeter (electrons).
    pub fn max_eta(self) -> f64 {
        match self {
            Flavour::Electron => 2.47,
            Flavour::Muon => 2.5,
        }
    }

    /// A random flavour (half electrons, half muons).
    pub fn random(rng: &mut ChaCha8Rng) -> Flavour {
        if rng.gen::<bool>() {
            Flavour::Electron
        } else {
            Flavour::Muon
        }
    }
}

/// A reconstructed lepton.
#[derive(Clone, Copy, Debug)]
pub struct Lepton {
    /// Measured four-momentum (GeV).
    pub p: FourVec,
    pub flavour: Flavour,
    pub charge: i32,
    /// From a W, Z or H decay (isolated, small impact parameter); otherwise
    /// a lepton from a jet or a heavy-flavour decay.
    pub prompt: bool,
}

impl Lepton {
    /// The detector's measurement of a true lepton `p`.
    pub fn measured(
        rng: &mut ChaCha8Rng,
        p: FourVec,
        flavour: Flavour,
        charge: i32,
        prompt: bool,
    ) -> Lepton {
        let k = 1.0
            + Normal::new(0.0, LEPTON_RESOLUTION)
                .expect("finite")
                .sample(rng);
        Lepton {
            p: p.scaled(k.max(0.5)),
            flavour,
            charge,
            prompt,
        }
    }

    /// A non-prompt lepton (from a jet, a photon conversion or a b/c-hadron
    /// decay) of transverse momentum `7 GeV + Exp(mean)`, anywhere in the
    /// detector.
    pub fn non_prompt(rng: &mut ChaCha8Rng, mean_pt: f64) -> Lepton {
        // Jets fake electrons more often than muons (about 53 % electrons
        // in the real 4lep data, where most extra leptons are non-prompt).
        let flavour = if rng.gen::<f64>() < 0.65 {
            Flavour::Electron
        } else {
            Flavour::Muon
        };
        let pt = 7.0 + Exp::new(1.0 / mean_pt).expect("rate").sample(rng);
        let eta = rng.gen_range(-flavour.max_eta()..flavour.max_eta());
        Lepton {
            p: FourVec::from_pt_eta_phi_m(pt, eta, random_phi(rng), flavour.mass()),
            flavour,
            charge: if rng.gen::<bool>() { 1 } else { -1 },
            prompt: false,
        }
    }

    /// Inside the detector's acceptance with pT above `min_pt` (GeV).
    pub fn accepted(&self, min_pt: f64) -> bool {
        self.p.pt() > min_pt && self.p.eta().abs() < self.flavour.max_eta()
    }
}

/// The leptons of an event with pT above 7 GeV in acceptance, by
/// decreasing pT (the order of the 2020 files).
pub fn reconstructed(mut leptons: Vec<Lepton>) -> Vec<Lepton> {
    leptons.retain(|l| l.accepted(7.0));
    leptons.sort_by(|a, b| b.p.pt().total_cmp(&a.p.pt()));
    leptons
}

/// Single-lepton triggers of 2016 (thresholds near 26 GeV): the event's
/// `(trigE, trigM)` flags.
pub fn lepton_triggers(rng: &mut ChaCha8Rng, leptons: &[Lepton]) -> (bool, bool) {
    let fires = |rng: &mut ChaCha8Rng, f: Flavour, eff: f64| {
        leptons
            .iter()
            .filter(|l| l.flavour == f && l.p.pt() > 27.0)
            .any(|_| rng.gen::<f64>() < eff)
    };
    (
        fires(rng, Flavour::Electron, 0.93),
        fires(rng, Flavour::Muon, 0.75),
    )
}

/// Writes the leptons (already ordered) with their identification,
/// isolation and impact parameters; `trig` are the event's trigger flags.
pub fn push_leptons(c: &mut Columns, rng: &mut ChaCha8Rng, leptons: &[Lepton], trig: (bool, bool)) {
    c.set("lep_n", leptons.len() as u32);
    for l in leptons {
        let pt = l.p.pt();
        let e = l.flavour == Flavour::Electron;
        let tight_eff = match (l.prompt, e) {
            (true, true) => 0.88,
            (true, false) => 0.93,
            (false, true) => 0.45,
            (false, false) => 0.6,
        };
        // Isolation in MeV: prompt leptons are alone, others sit in jets.
        let (ptcone, etcone) = if l.prompt {
            let track = if rng.gen::<f64>() < 0.7 {
                0.0
            } else {
                Exp::new(1.0 / 0.9).expect("rate").sample(rng) * GEV
            };
            let calo = pt * GEV * Normal::new(0.003, 0.025).expect("finite").sample(rng);
            (track, calo)
        } else {
            let track = pt * GEV * Exp::new(1.0 / 0.35).expect("rate").sample(rng);
            let calo = pt
                * GEV
                * (Exp::new(1.0 / 0.25).expect("rate").sample(rng)
                    + Normal::new(0.0, 0.03).expect("finite").sample(rng));
            (track, calo)
        };
        // Transverse impact parameter (mm) and its significance.
        let sigma_d0: f64 = rng.gen_range(0.01..0.03);
        let d0 = Normal::new(0.0, if l.prompt { sigma_d0 } else { 0.12 })
            .expect("finite")
            .sample(rng);
        let z0 = Normal::new(0.0, if l.prompt { 0.08 } else { 0.4 })
            .expect("finite")
            .sample(rng);
        let trig_matched = pt > 27.0 && if e { trig.0 } else { trig.1 } && rng.gen::<f64>() < 0.9;
        c.push("lep_truthMatched", l.prompt);
        c.push("lep_trigMatched", trig_matched);
        c.push("lep_pt", (pt * GEV) as f32);
        c.push("lep_eta", l.p.eta() as f32);
        c.push("lep_phi", l.p.phi() as f32);
        c.push("lep_E", (l.p.e * GEV) as f32);
        c.push("lep_z0", z0 as f32);
        c.push("lep_charge", l.charge);
        c.push("lep_type", l.flavour.lep_type());
        c.push("lep_isTightID", rng.gen::<f64>() < tight_eff);
        c.push("lep_ptcone30", ptcone as f32);
        c.push("lep_etcone20", etcone as f32);
        c.push("lep_trackd0pvunbiased", d0 as f32);
        c.push("lep_tracksigd0pvunbiased", (d0.abs() / sigma_d0) as f32);
        // The lepton-energy-scale uncertainty, as a shift in MeV.
        c.push("lep_pt_syst", (pt * GEV * 0.005) as f32);
    }
}

/// Jets of an event: `n_b` b-jets (from top decays) and a Poisson number of
/// mean `mean_light` other jets, pT > 25 GeV.
pub struct Jets {
    pub mean_light: f64,
    pub n_b: usize,
    /// Mean transverse momentum above threshold (GeV).
    pub mean_pt: f64,
}

/// Writes the jets and the missing transverse momentum: the neutrinos'
/// transverse momentum plus a resolution of 12 GeV per component.
pub fn push_jets_met(c: &mut Columns, rng: &mut ChaCha8Rng, jets: &Jets, neutrinos: FourVec) {
    let n_light = Poisson::new(jets.mean_light).map_or(0, |d| d.sample(rng) as usize);
    let mut list: Vec<(f64, bool)> = (0..jets.n_b + n_light)
        .map(|i| {
            let pt = 25.0 + Exp::new(1.0 / jets.mean_pt).expect("rate").sample(rng);
            (pt, i < jets.n_b)
        })
        .collect();
    list.sort_by(|a, b| b.0.total_cmp(&a.0));
    c.set("jet_n", list.len() as u32);
    for (pt, b) in list {
        let eta: f64 = if b {
            rng.gen_range(-2.5..2.5)
        } else {
            rng.gen_range(-4.4..4.4)
        };
        let m: f64 = rng.gen_range(4.0..15.0);
        c.push("jet_pt", (pt * GEV) as f32);
        c.push("jet_eta", eta as f32);
        c.push("jet_phi", random_phi(rng) as f32);
        c.push(
            "jet_E",
            (((pt * eta.cosh()).powi(2) + m * m).sqrt() * GEV) as f32,
        );
        c.push("jet_jvt", rng.gen_range(0.0f32..1.0));
        c.push("jet_trueflav", if b { 5i32 } else { 0 });
        c.push("jet_truthMatched", true);
        // MV2c10: b-jets near 1 (70 % pass 0.8244), light jets rarely.
        let mv2 = if b {
            1.0 - Exp::new(1.0 / 0.15).expect("rate").sample(rng)
        } else {
            -1.0 + 1.9 * rng.gen::<f64>().powi(2)
        };
        c.push("jet_MV2c10", mv2.max(-1.0) as f32);
        c.push("jet_pt_syst", (pt * GEV * 0.02) as f32);
    }
    let res = Normal::new(0.0, 12.0).expect("finite");
    let (mx, my) = (
        neutrinos.px + res.sample(rng),
        neutrinos.py + res.sample(rng),
    );
    c.set("met_et", (mx.hypot(my) * GEV) as f32);
    c.set("met_phi", my.atan2(mx) as f32);
    c.set("met_et_syst", (mx.hypot(my) * GEV * 0.02) as f32);
}

/// A same-flavour, opposite-charge pair from the decay of `parent`, as
/// measured (true leptons decayed isotropically, then smeared).
pub fn pair(rng: &mut ChaCha8Rng, parent: &FourVec, flavour: Flavour) -> [Lepton; 2] {
    let m = flavour.mass();
    let (a, b) = crate::kinematics::two_body(rng, parent, m, m);
    let q = if rng.gen::<bool>() { 1 } else { -1 };
    [
        Lepton::measured(rng, a, flavour, q, true),
        Lepton::measured(rng, b, flavour, -q, true),
    ]
}

/// The skim of the lepton collections: at least `n` leptons above 7 GeV in
/// acceptance, the leading one above 25 GeV, and a single-lepton trigger.
/// Returns the ordered leptons and the trigger flags, or `None`.
pub fn skim(
    rng: &mut ChaCha8Rng,
    leptons: Vec<Lepton>,
    n: usize,
) -> Option<(Vec<Lepton>, (bool, bool))> {
    let leptons = reconstructed(leptons);
    if leptons.len() < n || leptons[0].p.pt() < 25.0 {
        return None;
    }
    let trig = lepton_triggers(rng, &leptons);
    (trig.0 || trig.1).then_some((leptons, trig))
}

/// Writes an event of a lepton collection: leptons, no photons, taus or
/// large-R jets, then jets and missing momentum.
pub fn push_lepton_event(
    c: &mut Columns,
    rng: &mut ChaCha8Rng,
    (leptons, trig): (Vec<Lepton>, (bool, bool)),
    jets: &Jets,
    neutrinos: FourVec,
) {
    c.set("trigE", trig.0);
    c.set("trigM", trig.1);
    c.set("trigP", rng.gen::<f64>() < 0.01);
    push_leptons(c, rng, &leptons, trig);
    c.set("photon_n", 0u32);
    c.set("tau_n", 0u32);
    c.set("largeRjet_n", 0u32);
    push_jets_met(c, rng, jets, neutrinos);
}
