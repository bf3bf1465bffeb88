//! Pulls of constrained parameters as cabinetry computes them (tests/fixtures/shapesys_pulls.json,
//! made by make_shapesys_pulls.py with pyhf and cabinetry): a shapesys parameter is pulled from 1,
//! the centre of its Poisson constraint, not from its auxiliary datum τ.

mod common;
use common::*;
use hepkey_stats::ranking::ranking;
use hepkey_stats::{model_and_data, ModelOptions, Workspace};

#[test]
fn shapesys_and_staterror_pulls_equal_cabinetry() {
    let reference = fixture("shapesys_pulls.json");
    let ws = Workspace::from_str(&reference["workspace"].to_string(), "shapesys").unwrap();
    let (model, data) = model_and_data(&ws, None, &[], &ModelOptions::default()).unwrap();
    let (_, impacts) = ranking(&model, &data).unwrap();
    let pulls = reference["pulls"].as_object().unwrap();
    assert_eq!(pulls.len(), 6);
    for (label, want) in pulls {
        let impact = impacts
            .iter()
            .find(|i| &i.label == label)
            .unwrap_or_else(|| panic!("no impact for {label}"));
        let got = impact.pull.unwrap();
        let want = want.as_f64().unwrap();
        // Both fits converge to ~1e-4 in the parameters; pulls are O(0.1–1).
        assert!(
            (got - want).abs() < 2e-3,
            "{label}: pull {got}, cabinetry {want}"
        );
    }
}
