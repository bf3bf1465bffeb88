//! W → ℓν in the 2020 `1lep` collection (at least one lepton, the leading
//! one above 25 GeV, single-lepton trigger): W⁺ and W⁻ to eν and μν (a
//! Breit–Wigner at 80.38 GeV, Γ = 2.09 GeV, the neutrino as missing
//! transverse momentum, hence the Jacobian edge of the transverse mass near
//! 80 GeV), tt̄, Z → ee/μμ and multijet events with a non-prompt lepton
//! (data only, as in the release, which has no multijet simulation).
//!
//! Cross-sections (`XSection`, pb): W⁺ → ℓν 11500.4 and W⁻ → ℓν 8579.63
//! per flavour (NNLO, as the release's Powheg samples 361100/361101/
//! 361103/361104), Z and tt̄ as in [`crate::zll`]. Acceptances for one
//! lepton (≈ 0.45 e, 0.48 μ; tt̄ 0.6; Z 0.55) and the multijet rate (3
//! million per fb⁻¹) are estimates: about 240 million events in 10 fb⁻¹,
//! so the default size (200,000 data events) stands for 0.008 fb⁻¹.

use crate::columns::Columns;
use crate::decays::{drell_yan_mass, ttbar, w_decay, W_MASS, W_WIDTH};
use crate::kinematics::{breit_wigner, produce, FourVec};
use crate::objects::{pair, push_lepton_event, skim, Flavour, Jets, Lepton};
use crate::release::{Collection, McSample, Objects, Process};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// What a process's events are made of.
#[derive(Clone, Copy, Debug)]
enum Physics {
    /// W → ℓν of the given charge.
    W { flavour: Flavour, charge: i32 },
    /// Semileptonic tt̄ (now and then dileptonic).
    TopPair,
    /// Z/γ* → ee or μμ.
    DrellYan(Flavour),
    /// A non-prompt lepton from a jet (data only).
    Multijet,
}

const fn mc(
    dsid: u32,
    name: &'static str,
    xsec_pb: f64,
    share: f64,
    acc: f64,
    event: fn(&mut Columns, &mut ChaCha8Rng),
) -> Process {
    Process {
        mc: Some(McSample {
            dsid,
            name,
            xsec_pb,
            share,
        }),
        per_fb: xsec_pb * 1000.0 * acc,
        event,
    }
}

const fn w(flavour: Flavour, charge: i32) -> Physics {
    Physics::W { flavour, charge }
}

/// W⁺ → eν, W⁺ → μν, W⁻ → eν, W⁻ → μν, ttbar_lep, Zee, Zmumu, multijet.
pub const PROCESSES: [Process; 8] = [
    mc(361100, "Wplusenu", 11500.4, 0.2, 0.45, |c, rng| {
        event(c, rng, w(Flavour::Electron, 1))
    }),
    mc(361101, "Wplusmunu", 11500.4, 0.2, 0.48, |c, rng| {
        event(c, rng, w(Flavour::Muon, 1))
    }),
    mc(361103, "Wminusenu", 8579.63, 0.15, 0.45, |c, rng| {
        event(c, rng, w(Flavour::Electron, -1))
    }),
    mc(361104, "Wminusmunu", 8579.63, 0.15, 0.48, |c, rng| {
        event(c, rng, w(Flavour::Muon, -1))
    }),
    mc(410000, "ttbar_lep", 452.693559, 0.1, 0.6, |c, rng| {
        event(c, rng, Physics::TopPair)
    }),
    mc(361106, "Zee", 1950.5295, 0.1, 0.55, |c, rng| {
        event(c, rng, Physics::DrellYan(Flavour::Electron))
    }),
    mc(361107, "Zmumu", 1950.6321, 0.1, 0.55, |c, rng| {
        event(c, rng, Physics::DrellYan(Flavour::Muon))
    }),
    Process {
        mc: None,
        per_fb: 3.0e6,
        event: |c, rng| event(c, rng, Physics::Multijet),
    },
];

fn event(c: &mut Columns, rng: &mut ChaCha8Rng, physics: Physics) {
    loop {
        let (leptons, nus, jets) = match physics {
            Physics::W { flavour, charge } => {
                let m = breit_wigner(rng, W_MASS, W_WIDTH, 40.0, 200.0);
                let w = produce(rng, m, 9.0, 2.0);
                let (l, nu) = w_decay(rng, &w, flavour, charge);
                (vec![l], nu, light_jets(0.5))
            }
            Physics::TopPair => {
                let (l, nus) = if rng.gen::<f64>() < 0.85 {
                    ttbar(rng, 1, 0)
                } else {
                    ttbar(rng, 2, 0)
                };
                let jets = Jets {
                    mean_light: 1.8,
                    n_b: 2,
                    mean_pt: 50.0,
                };
                (l, nus, jets)
            }
            Physics::DrellYan(flavour) => {
                let m = drell_yan_mass(rng);
                let z = produce(rng, m, 10.0, 1.9);
                (
                    pair(rng, &z, flavour).to_vec(),
                    FourVec::default(),
                    light_jets(0.45),
                )
            }
            Physics::Multijet => (
                vec![Lepton::non_prompt(rng, 10.0)],
                FourVec::default(),
                light_jets(2.0),
            ),
        };
        if let Some(selected) = skim(rng, leptons, 1) {
            push_lepton_event(c, rng, selected, &jets, nus);
            return;
        }
    }
}

const fn light_jets(mean_light: f64) -> Jets {
    Jets {
        mean_light,
        n_b: 0,
        mean_pt: 30.0,
    }
}

/// The 1lep collection: 200,000 data events by default, as many simulated.
pub const COLLECTION: Collection = Collection {
    name: "1lep",
    processes: &PROCESSES,
    default_events: 200_000,
    mc_events: 200_000,
    min_mc_events: 5_000,
    objects: Objects::Leptons,
};
