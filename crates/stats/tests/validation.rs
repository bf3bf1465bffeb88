//! Small workspaces covering every modifier type and interpolation code against
//! pyhf 0.7.6 (fixtures/validation.json, made by fixtures/make_validation.py).

mod common;
use common::*;
use hepkey_stats::fit::{fit, FitOptions};
use hepkey_stats::infer::{AsymptoticCalculator, TestStatistic};
use hepkey_stats::model::interpolation::{HistosysCode, NormsysCode};
use hepkey_stats::{model_and_data, ModelOptions, Workspace};

/// The fixture comes from pyhf with SLSQP converged (ftol 1e-14): at pyhf's default
/// ftol these degenerate one-bin models move CLs by up to 2e-4.
const TOL: f64 = 1e-5;

#[test]
fn validation_cases_match_pyhf() {
    let fx = fixture("validation.json");
    for case in fx["cases"].as_array().unwrap() {
        let what = format!(
            "{} [{}]",
            case["name"].as_str().unwrap(),
            case["settings"].as_str().unwrap()
        );
        let ws = Workspace::from_value(&case["workspace"], &what).unwrap();
        let options = match case["settings"].as_str().unwrap() {
            "normsys_code1_histosys_code0" => ModelOptions {
                normsys_code: NormsysCode::Code1,
                histosys_code: HistosysCode::Code0,
                ..Default::default()
            },
            "histosys_code2" => ModelOptions {
                histosys_code: HistosysCode::Code2,
                ..Default::default()
            },
            _ => ModelOptions::default(),
        };
        let (model, data) = model_and_data(&ws, None, &[], &options).unwrap();
        let names: Vec<String> = case["par_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert_eq!(model.par_names(), names, "{what}");
        let init = model.suggested_init();
        assert_rel(
            model.twice_nll(&init, &data),
            case["twice_nll_init"].as_f64().unwrap(),
            1e-12,
            &format!("{what} init"),
        );
        let best = fit(&model, &data, &FitOptions::default()).unwrap();
        assert_rel(
            best.twice_nll,
            case["twice_nll_bestfit"].as_f64().unwrap(),
            1e-9,
            &format!("{what} best fit"),
        );
        // Code 0 has a kink at alpha = 0 where SLSQP stalls: in 2bin_histosys pyhf's free
        // fit to the Asimov data stops at -2 log L = 18.444 while the Asimov generating
        // point itself gives 15.435 (hepkey finds it), so its CLs are not a reference.
        let code0_kink = case["settings"] == "normsys_code1_histosys_code0"
            && case["workspace"].to_string().contains("histosys");
        // pyhf 0.7.6's code 2 drops the value at |alpha| = 1 outside [-1, 1] (and uses
        // alpha instead of alpha + 1 below -1: the mask bug fixed on HEAD, #2668), so its
        // likelihood jumps at |alpha| = 1; hepkey's code 2 is the continuous one. The
        // values inside [-1, 1] (init, best fit) agree and are checked above.
        let code2_outside = case["settings"] == "histosys_code2"
            && case["workspace"].to_string().contains("histosys");
        if code0_kink || code2_outside {
            continue;
        }
        let mut calc = AsymptoticCalculator::new(&model, &data, TestStatistic::QmuTilde).unwrap();
        let h = calc.hypotest(1.0).unwrap();
        assert_rel(
            h.cls_obs,
            case["CLs_obs"].as_f64().unwrap(),
            TOL,
            &format!("{what} CLs_obs"),
        );
        for (k, e) in case["CLs_exp"].as_array().unwrap().iter().enumerate() {
            assert_rel(
                h.cls_exp[k],
                e.as_f64().unwrap(),
                TOL,
                &format!("{what} CLs_exp[{k}]"),
            );
        }
    }
}
