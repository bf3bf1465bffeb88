//! Parameter sets: one named group of parameters (1 for scalar modifiers, one per
//! bin for shapesys/staterror/shapefactor) with inits, bounds and constraint.

/// How a parameter set is constrained.
#[derive(Debug, Clone, PartialEq)]
pub enum Constraint {
    /// Free parameter (normfactor, shapefactor).
    Unconstrained,
    /// Gauss(aux | theta, sigma) per component.
    Normal { sigmas: Vec<f64> },
    /// Poisson(aux | gamma * factor) per component (shapesys).
    Poisson { factors: Vec<f64> },
}

/// The modifier type that registered a parameter set (pyhf's builder groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ModifierType {
    HistoSys,
    Lumi,
    NormFactor,
    NormSys,
    ShapeFactor,
    ShapeSys,
    StatError,
}

impl ModifierType {
    pub fn name(self) -> &'static str {
        match self {
            ModifierType::HistoSys => "histosys",
            ModifierType::Lumi => "lumi",
            ModifierType::NormFactor => "normfactor",
            ModifierType::NormSys => "normsys",
            ModifierType::ShapeFactor => "shapefactor",
            ModifierType::ShapeSys => "shapesys",
            ModifierType::StatError => "staterror",
        }
    }

    pub fn parse(s: &str) -> Option<ModifierType> {
        Some(match s {
            "histosys" => ModifierType::HistoSys,
            "lumi" => ModifierType::Lumi,
            "normfactor" => ModifierType::NormFactor,
            "normsys" => ModifierType::NormSys,
            "shapefactor" => ModifierType::ShapeFactor,
            "shapesys" => ModifierType::ShapeSys,
            "staterror" => ModifierType::StatError,
            _ => return None,
        })
    }
}

/// A named group of parameters in the model's parameter vector.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSet {
    pub name: String,
    pub kind: ModifierType,
    /// Index of the first component in the parameter vector.
    pub offset: usize,
    pub inits: Vec<f64>,
    pub bounds: Vec<(f64, f64)>,
    pub fixed: Vec<bool>,
    pub auxdata: Vec<f64>,
    pub constraint: Constraint,
}

impl ParamSet {
    pub fn len(&self) -> usize {
        self.inits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.inits.is_empty()
    }

    pub fn is_constrained(&self) -> bool {
        !matches!(self.constraint, Constraint::Unconstrained)
    }

    /// pyhf's `par_names` entry of component `i`: `name` for scalars, `name[i]` otherwise.
    pub fn label(&self, i: usize) -> String {
        if self.is_scalar() {
            self.name.clone()
        } else {
            format!("{}[{i}]", self.name)
        }
    }

    /// Scalar in pyhf's sense (normfactor, lumi, normsys, histosys).
    pub fn is_scalar(&self) -> bool {
        matches!(
            self.kind,
            ModifierType::HistoSys
                | ModifierType::Lumi
                | ModifierType::NormFactor
                | ModifierType::NormSys
        )
    }

    /// The value component `i` is constrained towards: its auxiliary datum for a Gaussian
    /// constraint, 1 for a Poisson one (shapesys: Pois(τ | τγ) peaks at γ = 1, while its
    /// auxiliary datum is τ). None when unconstrained.
    pub fn prefit_centre(&self, i: usize) -> Option<f64> {
        match &self.constraint {
            Constraint::Unconstrained => None,
            Constraint::Normal { .. } => Some(self.auxdata[i]),
            Constraint::Poisson { factors } => Some(self.auxdata[i] / factors[i]),
        }
    }

    /// Width of the constraint of component `i` (1 for unit Gaussians), used for pre-fit impacts.
    pub fn prefit_width(&self, i: usize) -> Option<f64> {
        match &self.constraint {
            Constraint::Unconstrained => None,
            Constraint::Normal { sigmas } => Some(sigmas[i]),
            Constraint::Poisson { factors } => Some(1.0 / factors[i].sqrt()),
        }
    }
}
