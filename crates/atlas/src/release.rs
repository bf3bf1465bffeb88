//! Writing a collection of the 2020 release: data periods A–D and one file
//! per simulated process, named as the release names them
//! (`<coll>/Data/data_A.<coll>.root`, `<coll>/MC/mc_<DSID>.<name>.<coll>.root`).
//!
//! Each process has the number of events per fb⁻¹ it puts into the
//! collection's skim. Data periods draw a Poisson number of events of every
//! process for their luminosity and mix them; simulated files hold events
//! of one process with `XSection` and `SumWeights` set so that
//! `L · XSection / SumWeights · Σ mcWeight` is that yield. When fewer data
//! events are asked for than the full 10 fb⁻¹ would hold (a fraction `f`),
//! the data stand for `f · 10 fb⁻¹` and `SumWeights` is divided by `f`, so
//! the analysis files' 10 fb⁻¹ normalisation still matches the data.

use crate::columns::Columns;
use crate::format2020;
use hepkey_root::write::{Compression, FileWriter, TreeFormat};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal, Poisson};
use std::path::{Path, PathBuf};

/// First run number of each data period (as in 2016 data).
const FIRST_RUN: [i32; 4] = [297730, 300279, 301912, 302737];
/// Events per basket and per chunk handed to the writer.
const CHUNK: usize = 20_000;
/// Luminosity of the release (fb⁻¹).
pub const RELEASE_LUMI_FB: f64 = 10.0;
/// Name of the one-bin TH1D in each generated data file holding the luminosity (pb⁻¹) the file stands
/// for; `hepkey run` reads it back for the plots' luminosity label (hepkey-analysis, `lumi.rs`).
pub const LUMINOSITY_OBJECT: &str = "hepkey_luminosity";

/// A simulated sample of the release.
#[derive(Clone, Copy, Debug)]
pub struct McSample {
    pub dsid: u32,
    /// Short name as in the file name (`Zee`, `ggH125_ZZ4lep`, …).
    pub name: &'static str,
    /// `XSection`: σ × k-factor × filter efficiency in pb.
    pub xsec_pb: f64,
    /// Relative size of the simulated file.
    pub share: f64,
}

/// A source of events in a collection.
#[derive(Clone, Copy, Debug)]
pub struct Process {
    /// The simulated sample, or `None` for what only data have (e.g. the
    /// diphoton continuum of the GamGam demo).
    pub mc: Option<McSample>,
    /// Events per fb⁻¹ in the collection's skim.
    pub per_fb: f64,
    /// Appends one event of this process (objects, triggers, jets, MET).
    pub event: fn(&mut Columns, &mut ChaCha8Rng),
}

/// Which scale factors a collection's simulation carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Objects {
    Photons,
    Leptons,
}

/// One collection (skim) of the release and how to make its events.
pub struct Collection {
    /// `GamGam`, `2lep`, `4lep`, `1lep`.
    pub name: &'static str,
    pub processes: &'static [Process],
    /// Data events written by default (all periods).
    pub default_events: usize,
    /// Simulated events (all samples) at the default size, and at least.
    pub mc_events: usize,
    pub min_mc_events: usize,
    pub objects: Objects,
}

impl Collection {
    /// Data events of the full 10 fb⁻¹.
    pub fn full_events(&self) -> f64 {
        self.processes.iter().map(|p| p.per_fb).sum::<f64>() * RELEASE_LUMI_FB
    }

    /// Fraction of the 10 fb⁻¹ that `data_events` stand for.
    pub fn lumi_fraction(&self, data_events: usize) -> f64 {
        (data_events as f64 / self.full_events()).max(1e-12)
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Data events over the four periods (approximately: Poisson).
    pub data_events: usize,
    pub seed: u64,
    /// The layout of the event data (`mini` as a TTree, as the release has
    /// it, or as an RNTuple).
    pub format: TreeFormat,
}

/// One file to write.
enum FileKind {
    Data { period: usize, lumi_fb: f64 },
    Mc { process: usize, events: usize },
}

/// Writes the collection under `dir`, in parallel, one seeded generator per
/// file; `progress` is called with each finished file. Returns the files.
pub fn generate(
    coll: &Collection,
    dir: &Path,
    opts: &Options,
    progress: &(dyn Fn(&Path) + Sync),
) -> hepkey_root::Result<Vec<PathBuf>> {
    let f = coll.lumi_fraction(opts.data_events);
    let name = coll.name;
    let mut plans: Vec<(PathBuf, FileKind)> = Vec::new();
    for (i, (period, lumi)) in format2020::PERIODS.iter().enumerate() {
        plans.push((
            dir.join(format!("{name}/Data/data_{period}.{name}.root")),
            FileKind::Data {
                period: i,
                lumi_fb: lumi * f,
            },
        ));
    }
    let scale = opts.data_events as f64 / coll.default_events as f64;
    let mc_total = (coll.mc_events as f64 * scale).max(coll.min_mc_events as f64);
    for (i, p) in coll.processes.iter().enumerate() {
        if let Some(s) = p.mc {
            plans.push((
                dir.join(format!("{name}/MC/mc_{}.{}.{name}.root", s.dsid, s.name)),
                FileKind::Mc {
                    process: i,
                    events: ((mc_total * s.share).round() as usize).max(1),
                },
            ));
        }
    }
    use rayon::prelude::*;
    plans
        .par_iter()
        .map(|(path, kind)| {
            write_file(coll, path, kind, f, opts)?;
            progress(path);
            Ok(path.clone())
        })
        .collect()
}

/// A seed of its own for every file name.
fn seed_for(path: &Path, seed: u64) -> u64 {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.bytes().fold(seed ^ 0x9E37_79B9_7F4A_7C15, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01B3)
    })
}

/// The record of a data file's luminosity: one bin over [0, 1] holding it in pb⁻¹.
fn luminosity_object(pb: f64) -> hepkey_root::Histogram {
    hepkey_root::Histogram {
        class: "TH1D".into(),
        name: LUMINOSITY_OBJECT.into(),
        title: "integrated luminosity of this file [pb^-1]".into(),
        axes: vec![hepkey_root::hist::Axis {
            title: String::new(),
            edges: vec![0.0, 1.0],
        }],
        values: vec![0.0, pb, 0.0],
        errors: Vec::new(),
        sumw2: Vec::new(),
        entries: 1.0,
    }
}

fn write_file(
    coll: &Collection,
    path: &Path,
    kind: &FileKind,
    lumi_fraction: f64,
    opts: &Options,
) -> hepkey_root::Result<()> {
    let seed = opts.seed;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| hepkey_root::Error::Io {
            path: parent.display().to_string(),
            source,
        })?;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed_for(path, seed));
    let format = opts.format;
    // RNTuples get ROOT's default compression for them, zstd.
    let compression = match format {
        TreeFormat::TTree => Compression::Zlib(1),
        TreeFormat::RNTuple => Compression::Zstd(5),
    };
    let mut f = FileWriter::create(path, compression)?;
    f.basket_entries = CHUNK;
    f.cluster_entries = CHUNK;
    let t = match format {
        TreeFormat::TTree => f.add_tree(
            f.root(),
            format2020::TREE,
            "4-vectors + variables required for scaling factors",
            format2020::branch_specs(),
        )?,
        TreeFormat::RNTuple => f.add_rntuple(
            f.root(),
            format2020::TREE,
            format2020::branch_specs()
                .iter()
                .map(|b| b.field_spec())
                .collect(),
        )?,
    };
    let mut c = Columns::new();
    let flush = |f: &mut FileWriter, c: &mut Columns, force: bool| {
        if c.events() > 0 && (force || c.events() == CHUNK) {
            match format {
                TreeFormat::TTree => f.fill(t, &c.take())?,
                TreeFormat::RNTuple => f.fill_rntuple(t, &c.take())?,
            }
        }
        hepkey_root::Result::Ok(())
    };
    match *kind {
        FileKind::Data { period, lumi_fb } => {
            f.write_histogram(f.root(), &luminosity_object(lumi_fb * 1000.0))?;
            // Events of every process, mixed in a random order.
            let mut left: Vec<usize> = coll
                .processes
                .iter()
                .map(|p| {
                    Poisson::new(p.per_fb * lumi_fb).map_or(0, |d| d.sample(&mut rng) as usize)
                })
                .collect();
            let total: usize = left.iter().sum();
            for i in 0..total {
                let mut pick = rng.gen_range(0..total - i);
                let process = left
                    .iter()
                    .position(|&n| {
                        if pick < n {
                            true
                        } else {
                            pick -= n;
                            false
                        }
                    })
                    .expect("counts add up");
                left[process] -= 1;
                let run = FIRST_RUN[period] + (i / 5000) as i32;
                c.set("runNumber", run);
                c.set("eventNumber", i as i32 + 1);
                c.set("channelNumber", run);
                // Data: mcWeight and every scale factor 0, XSection = SumWeights = 1.
                c.set("XSection", 1.0f32);
                c.set("SumWeights", 1.0f32);
                (coll.processes[process].event)(&mut c, &mut rng);
                c.end_event();
                flush(&mut f, &mut c, false)?;
            }
        }
        FileKind::Mc { process, events } => {
            let p = coll.processes[process];
            let s = p.mc.expect("simulated");
            // Generated events before the skim, for the yield per fb⁻¹.
            let sum_weights = s.xsec_pb * 1000.0 * events as f64 / p.per_fb / lumi_fraction;
            let sf = Normal::new(1.0f64, 0.02).expect("finite");
            let pileup = Normal::new(1.0f64, 0.12).expect("finite");
            let photons = coll.objects == Objects::Photons;
            for i in 0..events {
                c.set("runNumber", 284500);
                c.set("eventNumber", i as i32 + 1);
                c.set("channelNumber", s.dsid as i32);
                c.set("mcWeight", 1.0f32);
                c.set(
                    "scaleFactor_PILEUP",
                    pileup.sample(&mut rng).max(0.0) as f32,
                );
                let (lep, pho) = if photons {
                    (1.0, sf.sample(&mut rng))
                } else {
                    (sf.sample(&mut rng), 1.0)
                };
                c.set("scaleFactor_ELE", lep as f32);
                c.set("scaleFactor_MUON", 1.0f32);
                c.set("scaleFactor_PHOTON", pho as f32);
                c.set("scaleFactor_TAU", 1.0f32);
                c.set("scaleFactor_BTAG", 1.0f32);
                let trig = if photons { 1.0 } else { sf.sample(&mut rng) };
                c.set("scaleFactor_LepTRIGGER", trig as f32);
                let ptrig = if photons { sf.sample(&mut rng) } else { 1.0 };
                c.set("scaleFactor_PhotonTRIGGER", ptrig as f32);
                c.set("XSection", s.xsec_pb as f32);
                c.set("SumWeights", sum_weights as f32);
                (coll.processes[process].event)(&mut c, &mut rng);
                c.end_event();
                flush(&mut f, &mut c, false)?;
            }
        }
    }
    flush(&mut f, &mut c, true)?;
    f.close()
}
