//! # hepkey-atlas
//!
//! The ATLAS Open Data 13 TeV formats ([`format2020`]) and a seeded,
//! deterministic generator of samples in them, for teaching offline. Each
//! [`Sample`] kind writes one collection of the 2020 release, data periods
//! A–D and the main simulated processes, named as the release names them:
//!
//! * [`Sample::Hyy`] (`GamGam`): diphoton continuum plus H → γγ ([`hyy`]);
//! * [`Sample::Zll`] (`2lep`): Z → ee, μμ with the Drell–Yan tail, tt̄, WW ([`zll`]);
//! * [`Sample::Hzz`] (`4lep`): H → ZZ* → 4ℓ, ZZ*, Z + jets and tt̄ ([`hzz`]);
//! * [`Sample::Wlnu`] (`1lep`): W → eν, μν, tt̄, Z and multijet ([`wlnu`]).
//!
//! `hepkey generate` and `hepkey demo` drive it; [`peakfit`] fits what the
//! example analyses make of the samples (the demo's bump hunt is `hepkey_stats::bump`).

pub mod columns;
pub mod decays;
pub mod format2020;
pub mod hyy;
pub mod hzz;
pub mod kinematics;
pub mod objects;
pub mod peakfit;
pub mod release;
pub mod wlnu;
pub mod zll;

use std::path::{Path, PathBuf};

pub use release::{Collection, Options as GenerateOptions};

/// What to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sample {
    Hyy,
    Zll,
    Hzz,
    Wlnu,
}

impl Sample {
    pub const ALL: [Sample; 4] = [Sample::Hyy, Sample::Zll, Sample::Hzz, Sample::Wlnu];

    /// The collection of the release it writes.
    pub fn collection(self) -> &'static Collection {
        match self {
            Sample::Hyy => &hyy::COLLECTION,
            Sample::Zll => &zll::COLLECTION,
            Sample::Hzz => &hzz::COLLECTION,
            Sample::Wlnu => &wlnu::COLLECTION,
        }
    }

    /// Data events written by default.
    pub fn default_events(self) -> usize {
        self.collection().default_events
    }
}

impl Default for GenerateOptions {
    /// The demo's H → γγ samples: the full 10 fb⁻¹, seed 3.
    fn default() -> Self {
        GenerateOptions {
            data_events: default_data_events(),
            seed: 3,
            format: Default::default(),
        }
    }
}

/// Writes the samples of `sample` under `dir` (`<collection>/Data`,
/// `<collection>/MC`); returns the files written.
pub fn generate(
    sample: Sample,
    dir: &Path,
    opts: &GenerateOptions,
    progress: &(dyn Fn(&Path) + Sync),
) -> hepkey_root::Result<Vec<PathBuf>> {
    release::generate(sample.collection(), dir, opts, progress)
}

/// Data events of the full 10 fb⁻¹ of the GamGam collection.
/// Data events one generation may ask for, at most: about 300 times the 2020 release's 10 fb⁻¹
/// of H → γγ, and some 15 GB of samples. More is surely a typing mistake.
pub const MAX_DATA_EVENTS: usize = 50_000_000;

pub fn default_data_events() -> usize {
    Sample::Hyy.default_events()
}

/// Writes the H → γγ samples under `dir` (`GamGam/Data`, `GamGam/MC`).
pub fn generate_hyy(
    dir: &Path,
    opts: &GenerateOptions,
    progress: &(dyn Fn(&Path) + Sync),
) -> hepkey_root::Result<Vec<PathBuf>> {
    generate(Sample::Hyy, dir, opts, progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collections whose default is the full release hold its 10 fb⁻¹,
    /// and every simulated sample has a real-looking name and cross-section.
    #[test]
    fn defaults_and_metadata_are_consistent() {
        for s in [Sample::Hyy, Sample::Hzz] {
            let c = s.collection();
            assert_eq!(c.default_events, c.full_events().round() as usize, "{s:?}");
        }
        for s in Sample::ALL {
            let c = s.collection();
            assert!(c.default_events as f64 <= c.full_events() + 1.0, "{s:?}");
            let shares: f64 = c
                .processes
                .iter()
                .filter_map(|p| p.mc)
                .map(|m| m.share)
                .sum();
            assert!((shares - 1.0).abs() < 1e-9, "{s:?}: shares add to {shares}");
            for p in c.processes {
                assert!(p.per_fb > 0.0);
                if let Some(m) = p.mc {
                    assert!(
                        m.xsec_pb > 0.0 && (300_000..=420_000).contains(&m.dsid),
                        "{m:?}"
                    );
                }
            }
        }
    }
}
