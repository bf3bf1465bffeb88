//! The AGC tt̄ workspace fitted: best fit and uncertainties against pyhf's likelihood
//! (tests/fixtures/agc_hessian.json, made by make_agc_hessian.py) and against
//! cabinetry/MINUIT (../shared/reference/agc/fit_1file.json).

mod common;
use common::*;
use hepkey_stats::fit::{fit, FitOptions, FitResult};
use hepkey_stats::{model_and_data, Model, ModelOptions, Workspace};

fn agc_fit() -> (Model, FitResult) {
    let ws = Workspace::from_str(
        &std::fs::read_to_string(shared("reference/agc/workspace_1file.json")).unwrap(),
        "workspace_1file.json",
    )
    .unwrap();
    let (model, data) = model_and_data(&ws, None, &[], &ModelOptions::default()).unwrap();
    let res = fit(
        &model,
        &data,
        &FitOptions {
            uncertainties: true,
            ..Default::default()
        },
    )
    .unwrap();
    (model, res)
}

fn labels(reference: &serde_json::Value) -> Vec<String> {
    reference["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Every parameter and its uncertainty against the exact curvature of pyhf's −2 log L
/// at its converged minimum (central differences with steps of 0.03 conditional widths;
/// 0.01 widths change those uncertainties by < 1.5e-4, which bounds their own error).
/// Measured: values within 4e-6 σ, uncertainties within 1e-4 relative; the issue asks
/// for 1e-3, held here at 3e-4 (twice the reference's own step error).
#[test]
fn agc_fit_matches_pyhf_curvature() {
    let (model, res) = agc_fit();
    let reference = fixture("agc_hessian.json");
    assert!((res.twice_nll - reference["twice_nll"].as_f64().unwrap()).abs() < 1e-7);
    let unc = res.uncertainties.as_ref().unwrap();
    let names = labels(&reference);
    assert_eq!(names.len(), model.n_pars());
    for (k, label) in names.iter().enumerate() {
        let i = model.par_index(label).unwrap();
        let want = reference["bestfit"][k].as_f64().unwrap();
        let want_unc = reference["uncertainty"][k].as_f64().unwrap();
        assert!(
            (res.bestfit[i] - want).abs() < 1e-4 * want_unc,
            "{label}: {} vs {want}",
            res.bestfit[i]
        );
        assert_rel(unc[i], want_unc, 3e-4, &format!("{label} uncertainty"));
    }
}

/// Against cabinetry's fit (MINUIT MIGRAD strategy 1, tolerance 0.1, then HESSE).
#[test]
fn agc_fit_matches_cabinetry() {
    let (model, res) = agc_fit();
    let reference = reference("reference/agc/fit_1file.json");
    // MIGRAD stops at EDM < 0.002·0.1 = 2e-4 above the minimum: cabinetry's −2 log L
    // is 1.0e-4 above ours.
    let above = reference["twice_nll"].as_f64().unwrap() - res.twice_nll;
    assert!((0.0..2e-4).contains(&above), "cabinetry is {above} above");
    let unc = res.uncertainties.as_ref().unwrap();
    for (k, label) in labels(&reference).iter().enumerate() {
        let i = model
            .par_index(label)
            .unwrap_or_else(|| panic!("no parameter {label}"));
        let want = reference["bestfit"][k].as_f64().unwrap();
        let want_unc = reference["uncertainty"][k].as_f64().unwrap();
        // Stopping that early leaves MINUIT's values a few 1e-3 of their uncertainty
        // off the minimum (largest here: b-tag NP 1, 4e-3 σ).
        assert!(
            (res.bestfit[i] - want).abs() < 1e-2 * want_unc,
            "{label}: {} vs {want}",
            res.bestfit[i]
        );
        // HESSE's numbers are not the curvature at the minimum here: it steps by
        // MIGRAD's error estimates, far beyond the quadratic region of this stiff
        // likelihood. On the same pyhf likelihood HESSE gives 0.1056..0.1249 for
        // ttbar_norm (0.0227 once) depending on strategy and tolerance
        // (agc_hessian.json, "minuit_hesse_spread"); the curvature gives 0.10821,
        // which the test above checks to 1e-3. cabinetry's 0.1122 is 3.7% above it.
        assert_rel(unc[i], want_unc, 4e-2, &format!("{label} uncertainty"));
    }
    let poi = model.poi.unwrap();
    assert_eq!(model.par_names()[poi], "ttbar_norm");
    assert_rel(res.bestfit[poi], 0.9603, 1e-3, "ttbar_norm");
}
