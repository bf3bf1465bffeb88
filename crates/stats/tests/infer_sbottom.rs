//! CLs (observed and expected band) and upper limits on the sbottom signal patches
//! against pyhf 0.7.6 (../shared/reference/pyhf/sbottom.json).

mod common;
use common::*;
use hepkey_stats::infer::{
    upper_limit, AsymptoticCalculator, LimitValue, TestStatistic, UpperLimitOptions,
};

/// pyhf's SLSQP stops short of the minimum in these two (checked with pyhf + iminuit,
/// which agrees with hepkey): RegionB 400_205_60 (fixed-μ Asimov fit 0.025 above the
/// minimum) and RegionC 700_450_60 (the Asimov fixed fit settles in another local
/// minimum). They are compared against pyhf + minuit in `cls_matches_pyhf_minuit`.
const SLSQP_UNCONVERGED: [&str; 2] = ["sbottom_400_205_60", "sbottom_700_450_60"];

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
            // The band moves by up to 5e-5 relative (1e-4 in the far tails, down to
            // 1e-19) between pyhf's own optimisers (SLSQP vs MIGRAD); hepkey lies
            // between the two. CLs_obs agrees to 1e-5.
            let want = e.as_f64().unwrap();
            let tol = if want < 1e-3 { 1e-4 } else { 5e-5 };
            assert_rel(h.cls_exp[k], want, tol, &format!("{what} CLs_exp[{k}]"));
        }
    }
}

#[test]
fn cls_matches_pyhf_minuit() {
    let fx = fixture("sbottom_minuit.json");
    for case in fx["cases"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let patch = case["patch"].as_str().unwrap();
        let (model, data) = sbottom(region, Some(patch));
        let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
        let h = calc.hypotest(1.0).unwrap();
        let what = format!("{region} {patch} (pyhf + minuit)");
        assert_rel(
            h.cls_obs,
            case["CLs_obs"].as_f64().unwrap(),
            1e-4,
            &format!("{what} CLs_obs"),
        );
        for (k, e) in case["CLs_exp"].as_array().unwrap().iter().enumerate() {
            assert_rel(
                h.cls_exp[k],
                e.as_f64().unwrap(),
                1e-4,
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
