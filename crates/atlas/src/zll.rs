//! Z → ℓℓ in the 2020 `2lep` collection (at least two leptons above 7 GeV,
//! the leading one above 25 GeV, single-lepton trigger): Drell–Yan Z → ee,
//! μμ (the Breit–Wigner at 91.19 GeV with Γ = 2.50 GeV, its γ* tail, the
//! detector's ≈ 1.4 GeV resolution), Z → ττ, tt̄ and WW.
//!
//! Cross-sections (`XSection`, pb) are those of the release's infofile for
//! Zee/Zmumu (1950.5295 / 1950.6321) and tt̄ (452.693559); Ztautau is taken
//! equal to Zmumu, llvv (WW → ℓνℓν, Sherpa) ≈ 12.5 pb. The yields per fb⁻¹
//! in the skim are σ × acceptance estimates (two leptons in |η| < 2.5 with
//! 25/7 GeV: ≈ 0.42 for Z → ee, 0.45 for Z → μμ; tt̄ → ℓℓ or ℓ + b-lepton
//! ≈ 13 % of ttbar_lep; Z → ττ → ℓℓ ≈ 1.3 %): about 18 million events in
//! 10 fb⁻¹, so the default size (200,000 data events) stands for 0.11 fb⁻¹
//! (see [`crate::release`] for how simulation follows).

use crate::columns::Columns;
use crate::decays::{drell_yan_mass, ttbar, w_decay, z_tautau, W_MASS, W_WIDTH};
use crate::kinematics::{breit_wigner, produce, FourVec};
use crate::objects::{pair, push_lepton_event, skim, Flavour, Jets, Lepton};
use crate::release::{Collection, McSample, Objects, Process};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What a process's events are made of.
#[derive(Clone, Copy, Debug)]
enum Physics {
    /// Z/γ* → ee or μμ, now and then with a lepton from a jet.
    DrellYan(Flavour),
    /// Z → ττ → ℓℓ + neutrinos.
    ZTauTau,
    /// Dileptonic tt̄, or one W lepton and one from a b decay.
    TopPair,
    /// WW → ℓνℓν.
    WW,
}

const fn mc(
    dsid: u32,
    name: &'static str,
    xsec_pb: f64,
    share: f64,
    per_fb: f64,
    event: fn(&mut Columns, &mut ChaCha8Rng),
) -> Process {
    Process {
        mc: Some(McSample {
            dsid,
            name,
            xsec_pb,
            share,
        }),
        per_fb,
        event,
    }
}

/// Zee, Zmumu, Ztautau, ttbar_lep and llvv.
pub const PROCESSES: [Process; 5] = [
    mc(
        361106,
        "Zee",
        1950.5295,
        0.35,
        1950.5295 * 0.42 * 1000.0,
        |c, rng| event(c, rng, Physics::DrellYan(Flavour::Electron)),
    ),
    mc(
        361107,
        "Zmumu",
        1950.6321,
        0.35,
        1950.6321 * 0.45 * 1000.0,
        |c, rng| event(c, rng, Physics::DrellYan(Flavour::Muon)),
    ),
    mc(
        361108,
        "Ztautau",
        1950.6321,
        0.1,
        1950.6321 * 0.013 * 1000.0,
        |c, rng| event(c, rng, Physics::ZTauTau),
    ),
    mc(
        410000,
        "ttbar_lep",
        452.693559,
        0.15,
        452.693559 * 0.13 * 1000.0,
        |c, rng| event(c, rng, Physics::TopPair),
    ),
    mc(363492, "llvv", 12.5, 0.05, 12.5 * 0.3 * 1000.0, |c, rng| {
        event(c, rng, Physics::WW)
    }),
];

/// Jets of Drell–Yan events: about two thirds have none above 25 GeV.
const DY_JETS: Jets = Jets {
    mean_light: 0.45,
    n_b: 0,
    mean_pt: 25.0,
};

fn event(c: &mut Columns, rng: &mut ChaCha8Rng, physics: Physics) {
    loop {
        let (leptons, nus, jets) = match physics {
            Physics::DrellYan(flavour) => {
                let m = drell_yan_mass(rng);
                let z = produce(rng, m, 10.0, 1.9);
                let mut l = pair(rng, &z, flavour).to_vec();
                // A lepton from a jet now and then (3 %).
                if rng.gen::<f64>() < 0.03 {
                    l.push(Lepton::non_prompt(rng, 6.0));
                }
                (l, FourVec::default(), DY_JETS)
            }
            Physics::ZTauTau => {
                let (l, nus) = z_tautau(rng);
                (l, nus, DY_JETS)
            }
            Physics::TopPair => {
                let (l, nus) = if rng.gen::<f64>() < 0.7 {
                    ttbar(rng, 2, 0)
                } else {
                    ttbar(rng, 1, 1)
                };
                let jets = Jets {
                    mean_light: 0.8,
                    n_b: 2,
                    mean_pt: 50.0,
                };
                (l, nus, jets)
            }
            Physics::WW => {
                let mut l = Vec::new();
                let mut nus = FourVec::default();
                for q in [1, -1] {
                    let m = breit_wigner(rng, W_MASS, W_WIDTH, 60.0, 100.0);
                    let w = produce(rng, m, 30.0, 1.5);
                    let flavour = Flavour::random(rng);
                    let (lep, nu) = w_decay(rng, &w, flavour, q);
                    l.push(lep);
                    nus = nus + nu;
                }
                (l, nus, DY_JETS)
            }
        };
        if let Some(selected) = skim(rng, leptons, 2) {
            push_lepton_event(c, rng, selected, &jets, nus);
            return;
        }
    }
}

/// The 2lep collection: 200,000 data events by default (0.11 fb⁻¹ of the
/// 10), as many simulated events.
pub const COLLECTION: Collection = Collection {
    name: "2lep",
    processes: &PROCESSES,
    default_events: 200_000,
    mc_events: 200_000,
    min_mc_events: 5_000,
    objects: Objects::Leptons,
};

/// The dilepton mass resolution at the Z pole: each lepton's momentum is
/// smeared by [`crate::objects::LEPTON_RESOLUTION`], so
/// σ(m) = m · δ / √2 (≈ 1.42 GeV).
pub const MASS_RESOLUTION: f64 =
    crate::decays::Z_MASS * crate::objects::LEPTON_RESOLUTION / std::f64::consts::SQRT_2;
