//! The seven HistFactory modifiers: each file gives the default parameter set of its
//! type (inits, bounds, constraint, auxdata), as pyhf's `modifiers/`.
//! Their effect on the expected rates is evaluated in `likelihood`.

pub(crate) mod histosys;
pub(crate) mod lumi;
pub(crate) mod normfactor;
pub(crate) mod normsys;
pub(crate) mod shapefactor;
pub(crate) mod shapesys;
pub(crate) mod staterror;

use super::parameters::{Constraint, ModifierType};

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
