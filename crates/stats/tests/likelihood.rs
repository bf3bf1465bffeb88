//! The model and −2 log L against pyhf on the sbottom likelihoods, at fixed points
//! (no fit involved), plus the analytic gradient against finite differences.

mod common;
use common::*;
use hepkey_stats::Scratch;

#[test]
fn twice_nll_and_parameter_order_match_pyhf() {
    let fx = fixture("sbottom_nll.json");
    for case in fx["cases"].as_array().unwrap() {
        let region = case["region"].as_str().unwrap();
        let patch = case["patch"].as_str();
        let (model, data) = sbottom(region, patch);
        let names: Vec<String> = case["par_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            model.par_names(),
            names,
            "{region} {patch:?} parameter order"
        );
        assert_eq!(model.n_aux(), case["n_aux"].as_u64().unwrap() as usize);
        for point in case["points"].as_array().unwrap() {
            let pars: Vec<f64> = point["pars"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect();
            let want = point["twice_nll"].as_f64().unwrap();
            assert_rel(
                model.twice_nll(&pars, &data),
                want,
                1e-10,
                &format!("{region} {patch:?} twice_nll"),
            );
            if let Some(exp) = point.get("expected_main") {
                let got = model.expected_main(&pars);
                for (g, e) in got.iter().zip(exp.as_array().unwrap()) {
                    assert_rel(*g, e.as_f64().unwrap(), 1e-12, "expected rate");
                }
            }
        }
    }
}

#[test]
fn analytic_gradient_matches_finite_differences() {
    let (model, data) = sbottom("RegionC", Some("sbottom_700_450_60"));
    let bounds = model.suggested_bounds();
    let pars: Vec<f64> = model
        .suggested_init()
        .iter()
        .enumerate()
        .map(|(i, x)| (x + 0.37 * ((i as f64) * 1.3).cos()).clamp(bounds[i].0 + 1e-3, bounds[i].1))
        .collect();
    let mut grad = vec![0.0; model.n_pars()];
    let mut s = Scratch::default();
    model.twice_nll_grad(&pars, &data, &mut grad, &mut s);
    for i in 0..model.n_pars() {
        let h = 1e-6;
        let mut p = pars.clone();
        p[i] += h;
        let up = model.twice_nll(&p, &data);
        p[i] -= 2.0 * h;
        let down = model.twice_nll(&p, &data);
        let fd = (up - down) / (2.0 * h);
        assert!(
            (fd - grad[i]).abs() <= 1e-4 * (1.0 + fd.abs()),
            "parameter {i}: analytic {} vs numeric {fd}",
            grad[i]
        );
    }
}
