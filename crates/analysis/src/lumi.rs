//! The integrated luminosity the data of a run stand for, for the plots' label: declared per data sample
//! (`luminosity` in pb⁻¹), recorded in the file (the one-bin TH1D `hepkey_luminosity` that
//! `hepkey generate` writes into each data file), or known from the file's name for the periods of the
//! ATLAS 2020 release. The label is the sum over the data files read.

use crate::config::{AnalysisFile, SampleKind};
use crate::plan::SamplePlan;
use std::path::Path;

/// Name of the luminosity record in generated data files (pb⁻¹ in bin 1).
pub const LUMINOSITY_OBJECT: &str = "hepkey_luminosity";

/// ATLAS 2020 release (13 TeV, 2016): luminosity of each data period in pb⁻¹, total 10 fb⁻¹
/// (HyyAnalysis.ipynb; the release's `data_{A,B,C,D}.<collection>.root`).
const ATLAS_2020_PERIODS: [(&str, f64); 4] =
    [("A", 500.0), ("B", 1900.0), ("C", 2900.0), ("D", 4700.0)];

/// ROOT file format version from which a file cannot be one of the 2020 release (written with ROOT 6.18
/// to 6.22); hepkey's writer uses 6.40, so generated files named like the release are not mistaken.
const RELEASE_2020_BEFORE: i32 = 62400;

/// How the luminosity of a run's data is known.
#[derive(Debug, Clone, PartialEq)]
pub enum Luminosity {
    /// The sum over the data files read (pb⁻¹).
    Data(f64),
    /// No data sample: the `[analysis] luminosity` the simulation is normalised to (pb⁻¹).
    Simulation(f64),
    /// Some data file's luminosity is unknown: the `[analysis] luminosity` (pb⁻¹), if given.
    Declared(Option<f64>),
}

impl Luminosity {
    /// The value for the label in fb⁻¹, if there is one.
    pub fn label_fb(&self) -> Option<f64> {
        match self {
            Luminosity::Data(pb) | Luminosity::Simulation(pb) => Some(pb / 1000.0),
            Luminosity::Declared(pb) => pb.map(|pb| pb / 1000.0),
        }
    }
}

/// The luminosity of one file, if it records it or is a known release file.
pub fn file_luminosity(path: &Path) -> Option<f64> {
    let file = crate::input::open(path).ok()?;
    if file.find_key(LUMINOSITY_OBJECT).is_ok() {
        let h = hepkey_root::read_histogram(&file, LUMINOSITY_OBJECT).ok()?;
        return h
            .values
            .get(1)
            .copied()
            .filter(|v| v.is_finite() && *v > 0.0);
    }
    if file.header().version % 1_000_000 >= RELEASE_2020_BEFORE {
        return None;
    }
    // data_A.4lep.root, data_D.GamGam.root, ...
    let name = path.file_name()?.to_str()?;
    let rest = name.strip_prefix("data_")?;
    let (period, rest) = rest.split_once('.')?;
    let collection = rest.strip_suffix(".root")?;
    if collection.is_empty() || collection.contains('.') {
        return None;
    }
    ATLAS_2020_PERIODS
        .iter()
        .find(|(p, _)| *p == period)
        .map(|(_, l)| *l)
}

/// The luminosity of the data samples of a run (nominal ones), see [`Luminosity`].
pub fn data_luminosity(file: &AnalysisFile, plans: &[SamplePlan]) -> Luminosity {
    let data: Vec<&SamplePlan> = plans
        .iter()
        .filter(|p| p.config.kind == SampleKind::Data && p.config.variation_of.is_none())
        .collect();
    let declared = file.analysis.luminosity;
    if data.is_empty() {
        return declared.map_or(Luminosity::Declared(None), Luminosity::Simulation);
    }
    let mut total = 0.0;
    for p in data {
        if let Some(l) = p.config.luminosity {
            total += l;
            continue;
        }
        for f in &p.files {
            match file_luminosity(f) {
                Some(l) => total += l,
                None => return Luminosity::Declared(declared),
            }
        }
    }
    Luminosity::Data(total)
}

/// [`data_luminosity`] from the records of the inputs read (a partial result's), which carry each data
/// file's luminosity: the same value without opening the files again.
pub fn luminosity_of_inputs(
    file: &AnalysisFile,
    samples: &[crate::config::SampleConfig],
    inputs: &[crate::partial::InputRecord],
) -> Luminosity {
    let data: Vec<&crate::config::SampleConfig> = samples
        .iter()
        .filter(|c| c.kind == SampleKind::Data && c.variation_of.is_none())
        .collect();
    let declared = file.analysis.luminosity;
    if data.is_empty() {
        return declared.map_or(Luminosity::Declared(None), Luminosity::Simulation);
    }
    let mut total = 0.0;
    for c in data {
        if let Some(l) = c.luminosity {
            total += l;
            continue;
        }
        for i in inputs.iter().filter(|i| i.sample == c.name) {
            match i.luminosity {
                Some(l) => total += l,
                None => return Luminosity::Declared(declared),
            }
        }
    }
    Luminosity::Data(total)
}
