//! The HistFactory model built from a workspace's channels and measurement config:
//! pyhf's channel/sample/parameter ordering, the parameter sets with their
//! constraints, and the compiled per-sample terms the likelihood evaluates.

mod build;
pub mod interpolation;
pub(crate) mod modifiers;
pub mod parameters;

pub use build::ModelOptions;
use interpolation::{Code4, HistosysCode};
pub use parameters::{Constraint, ModifierType, ParamSet};

/// A channel of the model: its bins occupy `offset..offset + nbins` of the main data.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelInfo {
    pub name: String,
    pub nbins: usize,
    pub offset: usize,
}

/// A multiplicative factor common to all bins of a sample.
#[derive(Debug, Clone)]
pub(crate) enum ScalarFactor {
    /// normfactor, lumi: the parameter itself.
    Linear { par: usize },
    /// normsys with code 1.
    NormSysCode1 { par: usize, hi: f64, lo: f64 },
    /// normsys with code 4.
    NormSysCode4 { par: usize, interp: Code4 },
}

impl ScalarFactor {
    #[inline]
    pub fn par(&self) -> usize {
        match self {
            ScalarFactor::Linear { par }
            | ScalarFactor::NormSysCode1 { par, .. }
            | ScalarFactor::NormSysCode4 { par, .. } => *par,
        }
    }

    /// Value and derivative at the parameter vector.
    #[inline]
    pub fn eval(&self, pars: &[f64]) -> (f64, f64) {
        match self {
            ScalarFactor::Linear { par } => (pars[*par], 1.0),
            ScalarFactor::NormSysCode1 { par, hi, lo } => {
                interpolation::code1(pars[*par], *hi, *lo)
            }
            ScalarFactor::NormSysCode4 { par, interp } => interp.eval(pars[*par]),
        }
    }
}

impl ScalarFactor {
    /// Value, first and second derivative at the parameter vector.
    #[inline]
    pub fn eval2(&self, pars: &[f64]) -> (f64, f64, f64) {
        match self {
            ScalarFactor::Linear { par } => (pars[*par], 1.0, 0.0),
            ScalarFactor::NormSysCode1 { par, hi, lo } => {
                let (v, d) = interpolation::code1(pars[*par], *hi, *lo);
                let ln = if pars[*par] >= 0.0 { hi.ln() } else { -lo.ln() };
                (v, d, d * ln)
            }
            ScalarFactor::NormSysCode4 { par, interp } => {
                let (v, d) = interp.eval(pars[*par]);
                (v, d, interp.second_derivative(pars[*par]))
            }
        }
    }
}

/// Per-bin factors (shapesys, staterror, shapefactor): bin b of a sample is
/// multiplied by parameter `first_par + b`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BinFactors {
    pub first_par: usize,
}

/// One histosys term of one bin: delta = s·alpha + a·P(alpha) (see `HistosysCode::shape`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ShiftTerm {
    /// Index into `Model::histo_pars`.
    pub slot: u32,
    pub s: f64,
    pub a: f64,
}

/// One (channel, sample) pair with everything needed to evaluate its rates.
#[derive(Debug, Clone)]
pub(crate) struct SampleBlock {
    pub channel: usize,
    pub sample: usize,
    /// First bin in the main data vector.
    pub offset: usize,
    pub nominal: Vec<f64>,
    pub scalars: Vec<ScalarFactor>,
    /// `BinFactors::first_par` of each per-bin factor set (shapesys, staterror,
    /// shapefactor), kept bare for the likelihood's inner loops.
    pub bin_factors: Vec<usize>,
    /// Histosys terms of bin i: `terms[term_start[i]..term_start[i + 1]]`
    /// (terms with no effect are dropped).
    pub terms: Vec<ShiftTerm>,
    pub term_start: Vec<u32>,
    /// First index of this block's bins in the flat per-(block, bin) scratch arrays.
    pub flat: usize,
}

/// A Gaussian constraint term of one parameter component.
#[derive(Debug, Clone, Copy)]
pub(crate) struct GaussTerm {
    pub par: usize,
    pub aux: usize,
    pub sigma: f64,
}

/// A Poisson constraint term of one parameter component.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PoissonTerm {
    pub par: usize,
    pub aux: usize,
    pub factor: f64,
}

/// A compiled HistFactory model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Channels in pyhf order (sorted by name).
    pub channels: Vec<ChannelInfo>,
    /// Sample names in pyhf order (one sorted list over all channels).
    pub samples: Vec<String>,
    /// Parameter sets in pyhf's parameter order.
    pub paramsets: Vec<ParamSet>,
    /// Index of the parameter of interest in the parameter vector.
    pub poi: Option<usize>,
    pub(crate) blocks: Vec<SampleBlock>,
    pub(crate) gauss: Vec<GaussTerm>,
    pub(crate) poisson: Vec<PoissonTerm>,
    /// Parameters that carry a histosys, and the interpolation code.
    pub(crate) histo_pars: Vec<usize>,
    pub(crate) histo_code: HistosysCode,
    pub(crate) n_flat: usize,
    n_pars: usize,
    n_bins: usize,
    n_aux: usize,
}

impl Model {
    /// Number of parameters (components).
    pub fn n_pars(&self) -> usize {
        self.n_pars
    }

    /// Number of main-measurement bins over all channels.
    pub fn n_bins(&self) -> usize {
        self.n_bins
    }

    /// Number of auxiliary measurements.
    pub fn n_aux(&self) -> usize {
        self.n_aux
    }

    /// pyhf's `par_names`: one label per component.
    pub fn par_names(&self) -> Vec<String> {
        self.paramsets
            .iter()
            .flat_map(|p| (0..p.len()).map(move |i| p.label(i)))
            .collect()
    }

    /// The POI's name.
    pub fn poi_name(&self) -> Option<&str> {
        let poi = self.poi?;
        self.paramsets
            .iter()
            .find(|p| p.offset == poi)
            .map(|p| p.name.as_str())
    }

    /// The parameter set with this name.
    pub fn paramset(&self, name: &str) -> Option<&ParamSet> {
        self.paramsets.iter().find(|p| p.name == name)
    }

    /// Index of a parameter label (`name` or `name[i]`).
    pub fn par_index(&self, label: &str) -> Option<usize> {
        if let Some(p) = self.paramset(label) {
            return Some(p.offset);
        }
        let (name, rest) = label.split_once('[')?;
        let i: usize = rest.strip_suffix(']')?.parse().ok()?;
        let p = self.paramset(name)?;
        (i < p.len()).then_some(p.offset + i)
    }

    /// Initial values (`suggested_init`).
    pub fn suggested_init(&self) -> Vec<f64> {
        self.paramsets
            .iter()
            .flat_map(|p| p.inits.iter().copied())
            .collect()
    }

    /// Bounds (`suggested_bounds`).
    pub fn suggested_bounds(&self) -> Vec<(f64, f64)> {
        self.paramsets
            .iter()
            .flat_map(|p| p.bounds.iter().copied())
            .collect()
    }

    /// Fixed flags (`suggested_fixed`).
    pub fn suggested_fixed(&self) -> Vec<bool> {
        self.paramsets
            .iter()
            .flat_map(|p| p.fixed.iter().copied())
            .collect()
    }

    /// Nominal auxiliary data (`config.auxdata`).
    pub fn auxdata(&self) -> Vec<f64> {
        self.paramsets
            .iter()
            .filter(|p| p.is_constrained())
            .flat_map(|p| p.auxdata.iter().copied())
            .collect()
    }

    /// The POI index, or a clear error when the model has none.
    pub fn require_poi(&self) -> crate::Result<usize> {
        self.poi.ok_or_else(|| {
            crate::Error::NoPoi(
                " (the measurement's POI is not a parameter of this model; apply a signal patch or choose a POI)".into(),
            )
        })
    }
}
