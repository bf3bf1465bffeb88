//! Garwood intervals against scipy (fixture made by tests/fixtures/make_garwood.py).

use hepkey_plot::{poisson_interval, ONE_SIGMA};

#[test]
fn garwood_matches_scipy_chi2_quantiles() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/garwood_scipy.json"
    );
    let f: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!((f["coverage"].as_f64().unwrap() - ONE_SIGMA).abs() < 1e-15);
    let rows = f["rows"].as_array().unwrap();
    assert!(rows.len() > 30);
    for r in rows {
        let n = r["n"].as_f64().unwrap();
        let (lo, hi) = poisson_interval(n, ONE_SIGMA);
        let (want_lo, want_hi) = (r["lower"].as_f64().unwrap(), r["upper"].as_f64().unwrap());
        assert!(
            (lo - want_lo).abs() <= 1e-10 * want_lo.max(1e-300),
            "n = {n}: lower {lo} vs scipy {want_lo}"
        );
        assert!(
            (hi - want_hi).abs() <= 1e-10 * want_hi,
            "n = {n}: upper {hi} vs scipy {want_hi}"
        );
    }
}

#[test]
fn garwood_rejects_nonsense() {
    assert!(poisson_interval(-1.0, ONE_SIGMA).0.is_nan());
    assert!(poisson_interval(f64::NAN, ONE_SIGMA).1.is_nan());
    assert!(poisson_interval(3.0, 1.0).0.is_nan());
    assert!(poisson_interval(f64::INFINITY, ONE_SIGMA).1.is_nan());
}
