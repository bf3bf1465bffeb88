//! Maximum-likelihood fits of the sbottom likelihoods against pyhf's values in
//! ../shared/reference/pyhf/sbottom.json.

mod common;
use common::*;
use hepkey_stats::fit::{fit, FitOptions};

#[test]
fn background_only_best_fit_matches_pyhf() {
    let r = reference("reference/pyhf/sbottom.json");
    for case in r["background_only"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let (model, data) = sbottom(region, None);
        assert_eq!(model.n_pars() as u64, case["n_pars"].as_u64().unwrap());
        let res = fit(&model, &data, &FitOptions::default()).unwrap();
        let want = case["twice_nll_bestfit"].as_f64().unwrap();
        // pyhf's SLSQP stops within ~1e-6 of the minimum; ours may only be lower.
        assert!(
            res.twice_nll <= want + 1e-6 * want,
            "{region}: {} vs {want}",
            res.twice_nll
        );
        assert_rel(res.twice_nll, want, 1e-6, &format!("{region} twice_nll"));
    }
}

#[test]
fn signal_patches_best_fit_matches_pyhf() {
    let r = reference("reference/pyhf/sbottom.json");
    for case in r["patches"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let patch = case["patch"].as_str().unwrap();
        let (model, data) = sbottom(region, Some(patch));
        let res = fit(&model, &data, &FitOptions::default()).unwrap();
        let want = case["twice_nll"].as_f64().unwrap();
        assert_rel(
            res.twice_nll,
            want,
            1e-6,
            &format!("{region} {patch} twice_nll"),
        );
        let mu_hat = res.bestfit[model.poi.unwrap()];
        let want_mu = case["mu_hat"].as_f64().unwrap();
        assert!(
            (mu_hat - want_mu).abs() < 2e-3,
            "{region} {patch}: mu_hat {mu_hat} vs {want_mu}"
        );
    }
}
