//! The AGC tt̄ workspace fitted: best fit and uncertainties against cabinetry/Minuit
//! (../shared/reference/agc/fit_1file.json).

mod common;
use common::*;
use hepkey_stats::fit::{fit, FitOptions};
use hepkey_stats::{model_and_data, ModelOptions, Workspace};

#[test]
fn agc_fit_matches_cabinetry() {
    let ws = Workspace::from_str(
        &std::fs::read_to_string(shared("reference/agc/workspace_1file.json")).unwrap(),
        "workspace_1file.json",
    )
    .unwrap();
    let (model, data) = model_and_data(&ws, None, &[], &ModelOptions::default()).unwrap();
    let reference = reference("reference/agc/fit_1file.json");
    let labels: Vec<String> = reference["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let res = fit(
        &model,
        &data,
        &FitOptions {
            uncertainties: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_rel(
        res.twice_nll,
        reference["twice_nll"].as_f64().unwrap(),
        1e-6,
        "twice_nll",
    );
    let unc = res.uncertainties.as_ref().unwrap();
    for (k, label) in labels.iter().enumerate() {
        let i = model
            .par_index(label)
            .unwrap_or_else(|| panic!("no parameter {label}"));
        let want = reference["bestfit"][k].as_f64().unwrap();
        let want_unc = reference["uncertainty"][k].as_f64().unwrap();
        // Minuit stops at EDM < 2e-4 (tolerance 0.1): its parameters are known to a
        // few 1e-3 of their uncertainty; ours are converged to 1e-11 in −2 log L.
        assert!(
            (res.bestfit[i] - want).abs() < 1e-2 * want_unc,
            "{label}: {} vs {want}",
            res.bestfit[i]
        );
        // Uncertainties: MINUIT's HESSE (through cabinetry) against the exact local
        // Hessian here. They differ by up to 3.5% (ttbar_norm 0.1122 vs 0.1082);
        // a central-difference Hessian of pyhf's own twice_nll at MINUIT's minimum
        // gives 0.1069 for ttbar_norm, on hepkey's side.
        assert_rel(unc[i], want_unc, 4e-2, &format!("{label} uncertainty"));
    }
    let poi = model.poi.unwrap();
    assert_eq!(model.par_names()[poi], "ttbar_norm");
    assert!((res.bestfit[poi] - 0.9603).abs() < 1e-3 * 0.9603);
}
