//! # hepkey-atlas
//!
//! The ATLAS Open Data 13 TeV formats ([`format2020`]) and a seeded,
//! deterministic generator of samples in them, for teaching offline:
//! `hepkey demo` writes H → γγ data periods A–D and the five Higgs
//! production modes as the 2020 release names them
//! (`GamGam/Data/data_A.GamGam.root`, `GamGam/MC/mc_343981.ggH125_gamgam.GamGam.root`, …).

pub mod bumpfit;
pub mod columns;
pub mod format2020;
pub mod hyy;

use columns::Columns;
use hepkey_root::write::{Compression, FileWriter};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};
use std::path::{Path, PathBuf};

/// SKIM_EFFICIENCY of the GamGam preselection for Higgs events: the
/// fraction of produced events a sample holds (it sets `SumWeights`).
const SKIM_EFFICIENCY: f64 = 0.55;
/// Continuum events per fb⁻¹ in the generated mass range.
const CONTINUUM_PER_FB: f64 = 16_000.0;

/// A Higgs production mode of the 2020 GamGam collection.
#[derive(Clone, Copy, Debug)]
pub struct HiggsSample {
    pub dsid: u32,
    pub name: &'static str,
    /// σ × BR(H → γγ) in pb.
    pub xsec_pb: f64,
    /// Share of the simulated events (relative size of the sample).
    pub share: f64,
}

/// ggH, VBF, WH, ZH and ttH with m_H = 125 GeV (σ × BR(γγ) = 2.27e-3 at 13 TeV).
pub const HIGGS_SAMPLES: [HiggsSample; 5] = [
    HiggsSample {
        dsid: 343981,
        name: "ggH125_gamgam",
        xsec_pb: 0.1101,
        share: 0.5,
    },
    HiggsSample {
        dsid: 345041,
        name: "VBFH125_gamgam",
        xsec_pb: 0.00858,
        share: 0.125,
    },
    HiggsSample {
        dsid: 345318,
        name: "WpH125J_Wincl_gamgam",
        xsec_pb: 0.00191,
        share: 0.125,
    },
    HiggsSample {
        dsid: 345319,
        name: "ZH125J_Zincl_gamgam",
        xsec_pb: 0.00201,
        share: 0.125,
    },
    HiggsSample {
        dsid: 341081,
        name: "ttH125_gamgam",
        xsec_pb: 0.00115,
        share: 0.125,
    },
];

/// First run number of each data period (as in 2016 data).
const FIRST_RUN: [i32; 4] = [297730, 300279, 301912, 302737];

/// What to generate.
#[derive(Clone, Debug)]
pub struct GenerateOptions {
    /// Approximate number of data events over the four periods (10 fb⁻¹
    /// corresponds to about 207,000, the default).
    pub data_events: usize,
    pub seed: u64,
}

impl Default for GenerateOptions {
    fn default() -> Self {
        GenerateOptions {
            data_events: default_data_events(),
            seed: 3,
        }
    }
}

/// Data events of the full 10 fb⁻¹: continuum plus Higgs.
pub fn default_data_events() -> usize {
    let higgs: f64 =
        HIGGS_SAMPLES.iter().map(|s| s.xsec_pb).sum::<f64>() * 1000.0 * SKIM_EFFICIENCY;
    ((CONTINUUM_PER_FB + higgs) * 10.0).round() as usize
}

/// One file to write.
struct FilePlan {
    path: PathBuf,
    kind: FileKind,
}

enum FileKind {
    Data { period: usize, lumi_fb: f64 },
    Higgs { sample: HiggsSample, events: usize },
}

/// Writes the H → γγ samples under `dir` (`GamGam/Data`, `GamGam/MC`), in
/// parallel, one seeded generator per file; returns the files written.
pub fn generate_hyy(
    dir: &Path,
    opts: &GenerateOptions,
    progress: &(dyn Fn(&Path) + Sync),
) -> hepkey_root::Result<Vec<PathBuf>> {
    let scale = opts.data_events as f64 / default_data_events() as f64;
    let mut plans = Vec::new();
    for (i, (period, lumi)) in format2020::PERIODS.iter().enumerate() {
        plans.push(FilePlan {
            path: dir.join(format!("GamGam/Data/data_{period}.GamGam.root")),
            kind: FileKind::Data {
                period: i,
                lumi_fb: lumi * scale,
            },
        });
    }
    let mc_total = (opts.data_events / 5).max(2_000);
    for s in HIGGS_SAMPLES {
        plans.push(FilePlan {
            path: dir.join(format!("GamGam/MC/mc_{}.{}.GamGam.root", s.dsid, s.name)),
            kind: FileKind::Higgs {
                sample: s,
                events: ((mc_total as f64) * s.share).round() as usize,
            },
        });
    }
    use rayon::prelude::*;
    plans
        .par_iter()
        .map(|p| {
            write_file(p, opts.seed)?;
            progress(&p.path);
            Ok(p.path.clone())
        })
        .collect()
}

fn seed_for(path: &Path, seed: u64) -> u64 {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.bytes().fold(seed ^ 0x9E37_79B9_7F4A_7C15, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
    })
}

fn write_file(plan: &FilePlan, seed: u64) -> hepkey_root::Result<()> {
    if let Some(parent) = plan.path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| hepkey_root::Error::Io {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed_for(&plan.path, seed));
    let mut f = FileWriter::create(&plan.path, Compression::Zlib(1))?;
    f.basket_entries = 20_000;
    let t = f.add_tree(
        f.root(),
        format2020::TREE,
        "4-vectors + variables required for scaling factors",
        format2020::branch_specs(),
    )?;
    let mut c = Columns::new();
    let flush = |f: &mut FileWriter, c: &mut Columns| -> hepkey_root::Result<()> {
        if c.events() > 0 {
            f.fill(t, &c.take())?;
        }
        Ok(())
    };
    match plan.kind {
        FileKind::Data { period, lumi_fb } => {
            let higgs_per_fb: f64 =
                HIGGS_SAMPLES.iter().map(|s| s.xsec_pb).sum::<f64>() * 1000.0 * SKIM_EFFICIENCY;
            let n_cont =
                Poisson::new(CONTINUUM_PER_FB * lumi_fb).map_or(0, |d| d.sample(&mut rng) as usize);
            let n_higgs =
                Poisson::new(higgs_per_fb * lumi_fb).map_or(0, |d| d.sample(&mut rng) as usize);
            // Higgs events are spread among the continuum in a fixed random order.
            let total = n_cont + n_higgs;
            let mut higgs_left = n_higgs;
            for i in 0..total {
                let p_higgs = higgs_left as f64 / (total - i) as f64;
                let source = if rand::Rng::gen::<f64>(&mut rng) < p_higgs {
                    higgs_left -= 1;
                    hyy::Source::Higgs
                } else {
                    hyy::Source::Continuum
                };
                let run = FIRST_RUN[period] + (i / 5000) as i32;
                c.set("runNumber", run);
                c.set("eventNumber", i as i32 + 1);
                c.set("channelNumber", run);
                c.set("XSection", 1.0f32);
                c.set("SumWeights", 1.0f32);
                hyy::event(&mut c, &mut rng, source);
                c.end_event();
                if c.events() == 20_000 {
                    flush(&mut f, &mut c)?;
                }
            }
        }
        FileKind::Higgs { sample, events } => {
            let sf = Normal::new(1.0f64, 0.02).expect("finite");
            let pileup = Normal::new(1.0f64, 0.12).expect("finite");
            for i in 0..events {
                c.set("runNumber", 284500);
                c.set("eventNumber", i as i32 + 1);
                c.set("channelNumber", sample.dsid as i32);
                c.set("mcWeight", 1.0f32);
                c.set(
                    "scaleFactor_PILEUP",
                    pileup.sample(&mut rng).max(0.0) as f32,
                );
                c.set("scaleFactor_ELE", 1.0f32);
                c.set("scaleFactor_MUON", 1.0f32);
                c.set("scaleFactor_PHOTON", sf.sample(&mut rng) as f32);
                c.set("scaleFactor_TAU", 1.0f32);
                c.set("scaleFactor_BTAG", 1.0f32);
                c.set("scaleFactor_LepTRIGGER", 1.0f32);
                c.set("scaleFactor_PhotonTRIGGER", sf.sample(&mut rng) as f32);
                c.set("XSection", sample.xsec_pb as f32);
                c.set("SumWeights", (events as f64 / SKIM_EFFICIENCY) as f32);
                hyy::event(&mut c, &mut rng, hyy::Source::Higgs);
                c.end_event();
                if c.events() == 20_000 {
                    flush(&mut f, &mut c)?;
                }
            }
        }
    }
    flush(&mut f, &mut c)?;
    f.close()
}
