//! Standard Model processes several collections share: W → ℓν, a Z (or
//! γ*) line shape, Z → ττ → ℓℓ and tt̄ with leptonic W decays. They return
//! measured leptons and the neutrinos' total four-momentum (GeV).

use crate::kinematics::{breit_wigner, power_law, produce, two_body, FourVec};
use crate::objects::{Flavour, Lepton};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Z mass and width (PDG, GeV).
pub const Z_MASS: f64 = 91.1876;
pub const Z_WIDTH: f64 = 2.4952;
/// W mass and width (PDG, GeV).
pub const W_MASS: f64 = 80.379;
pub const W_WIDTH: f64 = 2.085;

/// The dilepton mass of Drell–Yan production above 60 GeV (the generator
/// cut of the Powheg Z samples 361106–361108): the Z Breit–Wigner, plus a
/// γ*/interference continuum falling as 1/m² that is 6 % of the events.
pub fn drell_yan_mass(rng: &mut ChaCha8Rng) -> f64 {
    if rng.gen::<f64>() < 0.06 {
        power_law(rng, 2.0, 60.0, 1000.0)
    } else {
        breit_wigner(rng, Z_MASS, Z_WIDTH, 60.0, 200.0)
    }
}

/// W → ℓν from a W of four-momentum `w`: the measured lepton and the neutrino.
pub fn w_decay(
    rng: &mut ChaCha8Rng,
    w: &FourVec,
    flavour: Flavour,
    charge: i32,
) -> (Lepton, FourVec) {
    let (l, nu) = two_body(rng, w, flavour.mass(), 0.0);
    (Lepton::measured(rng, l, flavour, charge, true), nu)
}

/// Z → ττ with both taus decaying to a lepton: each lepton carries a
/// fraction of its tau's momentum (x³-like spectrum of the three-body
/// decay); the rest goes to neutrinos.
pub fn z_tautau(rng: &mut ChaCha8Rng) -> (Vec<Lepton>, FourVec) {
    let m = drell_yan_mass(rng);
    let z = produce(rng, m, 10.0, 1.9);
    let (t1, t2) = two_body(rng, &z, 1.777, 1.777);
    let mut nus = FourVec::default();
    let mut leptons = Vec::new();
    for (t, q) in [(t1, 1), (t2, -1)] {
        let x = rng.gen::<f64>().powf(0.6);
        let flavour = Flavour::random(rng);
        let l = t.scaled(x);
        nus = nus
            + FourVec {
                px: t.px - l.px,
                py: t.py - l.py,
                pz: t.pz - l.pz,
                e: (t.e - l.e).max(0.0),
            };
        leptons.push(Lepton::measured(rng, l, flavour, q, true));
    }
    (leptons, nus)
}

/// A tt̄ event: `leptonic` of the two W bosons decay to eν or μν, and
/// `from_b` further (non-prompt) leptons come from b-hadron decays.
pub fn ttbar(rng: &mut ChaCha8Rng, leptonic: usize, from_b: usize) -> (Vec<Lepton>, FourVec) {
    let mut leptons = Vec::new();
    let mut nus = FourVec::default();
    let q = if rng.gen::<bool>() { 1 } else { -1 };
    for i in 0..leptonic.min(2) {
        let m = breit_wigner(rng, W_MASS, W_WIDTH, 60.0, 100.0);
        let w = produce(rng, m, 70.0, 1.3);
        let charge = if i == 0 { q } else { -q };
        let flavour = Flavour::random(rng);
        let (l, nu) = w_decay(rng, &w, flavour, charge);
        leptons.push(l);
        nus = nus + nu;
    }
    for _ in 0..from_b {
        leptons.push(Lepton::non_prompt(rng, 10.0));
    }
    (leptons, nus)
}
