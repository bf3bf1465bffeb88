//! CLs (observed and expected band) and upper limits on the sbottom signal patches
//! against pyhf 0.7.6 (../shared/reference/pyhf/sbottom.json).

mod common;
use common::*;
use hepkey_stats::infer::{
    upper_limit, AsymptoticCalculator, LimitValue, TestStatistic, UpperLimitOptions,
};

/// pyhf's SLSQP stops far short of the minimum in these two (checked with pyhf + iminuit,
/// which agrees with hepkey): RegionB 400_205_60 (fixed-μ Asimov fit 0.025 above the
/// minimum) and RegionC 700_450_60 (the Asimov fixed fit settles in another local
/// minimum). They are compared against converged pyhf in `cls_matches_converged_pyhf`.
const SLSQP_UNCONVERGED: [&str; 2] = ["sbottom_400_205_60", "sbottom_700_450_60"];

/// Against pyhf's defaults (SLSQP). CLs_obs agrees to 1e-5. The expected band does
/// not, and cannot without copying SLSQP's early stop: SLSQP ends when one step gains
/// < 1e-6 in −2 log L, which leaves q_A off by up to ~2e-5; the band then moves by
/// up to 4e-5 relative (7e-5 in the far tails, below 1e-10). pyhf itself, run with
/// MIGRAD converged to EDM < 2e-11, differs from these reference values by the same
/// amounts (RegionA 1000_550 7.4e-5, RegionC 1400_1150 4.0e-5, RegionA 1300_205 1.9e-5,
/// RegionC 1600_1050 2.3e-5, RegionB 1200_1150 1.3e-5, RegionA 1600_550 1.2e-5,
/// RegionB 900_750 9.2e-6), and hepkey agrees with that converged pyhf to 2.6e-6
/// (`cls_matches_converged_pyhf`). Hence 5e-5 here (1e-4 for CLs < 1e-3).
#[test]
fn cls_matches_pyhf_on_all_reference_patches() {
    let r = reference("reference/pyhf/sbottom.json");
    for case in r["patches"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let patch = case["patch"].as_str().unwrap();
        if SLSQP_UNCONVERGED.contains(&patch) {
            continue;
        }
        let (model, data) = sbottom(region, Some(patch));
        let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
        let h = calc.hypotest(1.0).unwrap();
        let what = format!("{region} {patch}");
        assert_rel(
            h.cls_obs,
            case["CLs_obs"].as_f64().unwrap(),
            1e-5,
            &format!("{what} CLs_obs"),
        );
        for (k, e) in case["CLs_exp"].as_array().unwrap().iter().enumerate() {
            let want = e.as_f64().unwrap();
            let tol = if want < 1e-3 { 1e-4 } else { 5e-5 };
            assert_rel(h.cls_exp[k], want, tol, &format!("{what} CLs_exp[{k}]"));
        }
    }
}

/// Against pyhf with MIGRAD converged to EDM < 2e-11 (fixtures/sbottom_minuit.json):
/// every patch, CLs_obs and the band to 1e-5 (measured: ≤ 4.4e-7 and ≤ 2.6e-6).
/// One exception, RegionC 700_450_60 observed: its μ = 1 fit to the data has two
/// minima, −2 log L = 126.7016 (where SLSQP, MIGRAD at tolerance 1e-6 and hepkey end,
/// following the valley from the start point) and 126.5466 (where this tighter MIGRAD
/// ends); hepkey keeps pyhf's default answer there, so only the band is compared.
#[test]
fn cls_matches_converged_pyhf() {
    let fx = fixture("sbottom_minuit.json");
    assert_eq!(fx["cases"].as_array().unwrap().len(), 9);
    for case in fx["cases"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let patch = case["patch"].as_str().unwrap();
        let (model, data) = sbottom(region, Some(patch));
        let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
        let h = calc.hypotest(1.0).unwrap();
        let what = format!("{region} {patch} (pyhf + converged MIGRAD)");
        if patch != "sbottom_700_450_60" {
            assert_rel(
                h.cls_obs,
                case["CLs_obs"].as_f64().unwrap(),
                1e-5,
                &format!("{what} CLs_obs"),
            );
        }
        for (k, e) in case["CLs_exp"].as_array().unwrap().iter().enumerate() {
            assert_rel(
                h.cls_exp[k],
                e.as_f64().unwrap(),
                1e-5,
                &format!("{what} CLs_exp[{k}]"),
            );
        }
    }
}

#[test]
fn upper_limits_match_pyhf() {
    let r = reference("reference/pyhf/sbottom.json");
    // One patch per region keeps the test short; the benchmark script runs all.
    for (region, patch) in [
        ("RegionA", "sbottom_1000_550_60"),
        ("RegionB", "sbottom_900_750_60"),
        ("RegionC", "sbottom_1600_1050_60"),
    ] {
        let case = r["patches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["region"] == region && c["patch"] == patch)
            .unwrap();
        let (model, data) = sbottom(region, Some(patch));
        let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
        let lim = upper_limit(&mut calc, &UpperLimitOptions::default()).unwrap();
        let what = format!("{region} {patch}");
        assert_rel(
            lim.obs.value().unwrap(),
            case["upper_limit_obs"].as_f64().unwrap(),
            1e-4,
            &format!("{what} obs"),
        );
        for (k, e) in case["upper_limit_exp"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            assert_rel(
                lim.exp[k].value().unwrap(),
                e.as_f64().unwrap(),
                1e-4,
                &format!("{what} exp[{k}]"),
            );
        }
    }
}

#[test]
fn limit_above_the_poi_bound_is_reported_not_failed() {
    // pyhf raises here: the +2σ expected CLs is still 0.072 at μ = 10.
    let (model, data) = sbottom("RegionA", Some("sbottom_1600_550_60"));
    let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
    let lim = upper_limit(&mut calc, &UpperLimitOptions::default()).unwrap();
    assert_eq!(lim.exp[4], LimitValue::AboveBound(10.0));
    let obs = lim.obs.value().unwrap();
    assert!(obs > 0.0 && obs < 10.0);
}
