//! The seven HistFactory modifiers, one file each as in pyhf's `modifiers/`: each
//! file gives the parameter set of its type (inits, bounds, constraint, auxdata:
//! `draft`) and its effect on a sample's expected rates (`effect`), which the
//! model compiles into the terms the likelihood evaluates (`model::SampleBlock`).

pub(crate) mod histosys;
pub(crate) mod lumi;
pub(crate) mod normfactor;
pub(crate) mod normsys;
pub(crate) mod shapefactor;
pub(crate) mod shapesys;
pub(crate) mod staterror;

use super::parameters::{Constraint, ModifierType};
use crate::workspace::{ModifierData, Sample};

/// A parameter set before it gets its place in the parameter vector.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    pub kind: ModifierType,
    pub inits: Vec<f64>,
    pub bounds: Vec<(f64, f64)>,
    pub fixed: Vec<bool>,
    pub auxdata: Vec<f64>,
    pub constraint: Constraint,
}

impl Draft {
    /// `n` components with one init and bounds, not fixed, no constraint.
    pub fn unconstrained(kind: ModifierType, n: usize, init: f64, bounds: (f64, f64)) -> Draft {
        Draft {
            kind,
            inits: vec![init; n],
            bounds: vec![bounds; n],
            fixed: vec![false; n],
            auxdata: vec![],
            constraint: Constraint::Unconstrained,
        }
    }
}

/// A sample carrying a modifier, as the parameter drafts see it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Carrier<'a> {
    /// The channel's position in the model (pyhf order).
    pub channel: usize,
    pub sample: &'a Sample,
    pub data: &'a ModifierData,
}

/// The type of a modifier given its data.
pub(crate) fn kind_of(data: &ModifierData) -> ModifierType {
    match data {
        ModifierData::NormFactor => ModifierType::NormFactor,
        ModifierData::Lumi => ModifierType::Lumi,
        ModifierData::NormSys { .. } => ModifierType::NormSys,
        ModifierData::HistoSys { .. } => ModifierType::HistoSys,
        ModifierData::ShapeSys(_) => ModifierType::ShapeSys,
        ModifierData::StatError(_) => ModifierType::StatError,
        ModifierData::ShapeFactor => ModifierType::ShapeFactor,
    }
}
