//! Bin-for-bin comparison with boost-histogram 1.8.1 (fixture made by tests/fixtures/make_fixtures.py).

use hepkey_hist::{Axis, Hist1D, Hist2D};
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/boost_histogram_cases.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn case<'a>(f: &'a Value, name: &str) -> &'a Value {
    f["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "nan" => f64::NAN,
        Value::String(s) if s == "inf" => f64::INFINITY,
        Value::String(s) if s == "-inf" => f64::NEG_INFINITY,
        _ => v.as_f64().unwrap(),
    }
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(num).collect()
}

fn axis(d: &Value) -> Axis {
    match d["kind"].as_str().unwrap() {
        "regular" => Axis::regular(
            d["bins"].as_u64().unwrap() as usize,
            num(&d["low"]),
            num(&d["high"]),
        )
        .unwrap(),
        "variable" => Axis::variable(nums(&d["edges"])).unwrap(),
        "integer" => {
            Axis::integer(d["low"].as_i64().unwrap(), d["high"].as_i64().unwrap()).unwrap()
        }
        "category" => Axis::category(
            d["labels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l.as_str().unwrap()),
        )
        .unwrap(),
        k => panic!("kind {k}"),
    }
}

/// Sums are accumulated in the same order as boost (fill order), so they agree to the last bit or nearly;
/// 1e-12 relative leaves room only for the compiler's choice of fused operations.
fn assert_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * w.abs().max(1.0),
            "{what}[{i}]: got {g}, boost-histogram {w}"
        );
    }
}

fn check_1d(name: &str) {
    let f = fixture();
    let c = case(&f, name);
    let ax = axis(&c["axis"]);
    let xs = nums(&c["x"]);
    let ws = c["w"].as_array().map(|_| nums(&c["w"]));
    // The per-value index, 0 = underflow.
    let want_index: Vec<usize> = c["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap() as usize)
        .collect();
    let got_index: Vec<usize> = xs.iter().map(|&x| ax.index(x)).collect();
    for (k, (g, w)) in got_index.iter().zip(&want_index).enumerate() {
        assert_eq!(g, w, "{name}: index of x = {:?} (value #{k})", xs[k]);
    }
    assert_close(&ax.edges(), &nums(&c["edges"]), &format!("{name} edges"));
    let mut h = Hist1D::new(ax);
    h.fill(&xs, ws.as_deref()).unwrap();
    assert_close(
        h.values_with_flow(),
        &nums(&c["values_flow"]),
        &format!("{name} values"),
    );
    assert_close(
        h.variances_with_flow(),
        &nums(&c["variances_flow"]),
        &format!("{name} variances"),
    );
    assert_eq!(h.entries(), xs.len() as u64);
}

#[test]
fn agc_binning_weighted_matches_boost() {
    check_1d("agc_weighted");
}

#[test]
fn agc_binning_unweighted_matches_boost() {
    check_1d("agc_unweighted");
}

#[test]
fn agc_edges_are_clean_and_within_rounding_of_boosts() {
    let f = fixture();
    let boost = nums(&case(&f, "agc_weighted")["edges"]);
    let got = Axis::regular(25, 50.0, 550.0).unwrap().edges();
    let clean: Vec<f64> = (0..=25).map(|i| 50.0 + 20.0 * i as f64).collect();
    assert_eq!(got, clean, "numpy.linspace edges, exact decimals");
    // boost-histogram's own formula differs in the last bit for some edges (190.00000000000003).
    assert!(boost.iter().zip(&clean).any(|(b, c)| b != c));
    assert_close(&got, &boost, "edges");
}

#[test]
fn tenths_on_unit_interval_match_boost() {
    check_1d("tenths");
}

#[test]
fn odd_regular_range_matches_boost() {
    check_1d("odd_regular");
}

#[test]
fn variable_axis_matches_boost() {
    check_1d("variable");
}

#[test]
fn integer_axis_matches_boost() {
    check_1d("integer");
}

#[test]
fn float32_column_bins_as_its_float64_widening() {
    let f = fixture();
    let c = case(&f, "agc_float32");
    let xs32: Vec<f32> = nums(&c["x_f32"]).iter().map(|&x| x as f32).collect();
    let mut h = Hist1D::regular(25, 50.0, 550.0).unwrap();
    h.fill_f32(&xs32, None).unwrap();
    assert_close(
        h.values_with_flow(),
        &nums(&c["values_flow"]),
        "float32 values",
    );
    assert_close(
        h.variances_with_flow(),
        &nums(&c["variances_flow"]),
        "float32 variances",
    );
}

#[test]
fn string_categories_match_boost() {
    let f = fixture();
    let c = case(&f, "category");
    let mut h = Hist1D::new(axis(&c["axis"]));
    let labels: Vec<&str> = c["x"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    h.fill_labels(&labels, Some(&nums(&c["w"]))).unwrap();
    // boost's StrCategory has no underflow bin: its flow view is [bins..., overflow].
    let want = nums(&c["values_flow"]);
    assert_eq!(h.underflow(), 0.0);
    assert_close(&h.values_with_flow()[1..], &want, "category values");
    assert_close(
        &h.variances_with_flow()[1..],
        &nums(&c["variances_flow"]),
        "category variances",
    );
}

#[test]
fn rebinning_matches_boost_slicing() {
    let f = fixture();
    let c = case(&f, "rebin_source");
    let mut h = Hist1D::new(axis(&c["axis"]));
    h.fill(&nums(&c["x"]), Some(&nums(&c["w"]))).unwrap();
    assert_close(h.values_with_flow(), &nums(&c["values_flow"]), "source");
    for r in c["rebins"].as_array().unwrap() {
        let label = r["label"].as_str().unwrap();
        let edges = nums(&r["edges"]);
        let got = match label {
            "rebin2" => h.rebin(2).unwrap(),
            "rebin5" => h.rebin(5).unwrap(),
            _ => h.rebin_to_edges(&edges).unwrap(),
        };
        assert_close(&got.edges(), &edges, &format!("{label} edges"));
        assert_close(
            got.values_with_flow(),
            &nums(&r["values_flow"]),
            &format!("{label} values"),
        );
        assert_close(
            got.variances_with_flow(),
            &nums(&r["variances_flow"]),
            &format!("{label} variances"),
        );
    }
}

#[test]
fn two_dimensional_fill_and_projections_match_boost() {
    let f = fixture();
    let c = case(&f, "regular_x_variable_2d");
    let mut h = Hist2D::new(axis(&c["x_axis"]), axis(&c["y_axis"]));
    h.fill(&nums(&c["x"]), &nums(&c["y"]), Some(&nums(&c["w"])))
        .unwrap();
    let flat = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .flat_map(nums)
            .collect::<Vec<f64>>()
    };
    assert_close(h.values_with_flow(), &flat(&c["values_flow"]), "2d values");
    assert_close(
        h.variances_with_flow(),
        &flat(&c["variances_flow"]),
        "2d variances",
    );
    let (px, py) = (h.project_x(), h.project_y());
    // Projections sum in a different order than boost; allow rounding.
    let loose = |got: &[f64], want: &[f64], what: &str| {
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-9 * w.abs().max(1.0),
                "{what}[{i}]: {g} vs {w}"
            );
        }
    };
    loose(
        px.values_with_flow(),
        &nums(&c["project_x_values_flow"]),
        "project x",
    );
    loose(
        px.variances_with_flow(),
        &nums(&c["project_x_variances_flow"]),
        "project x var",
    );
    loose(
        py.values_with_flow(),
        &nums(&c["project_y_values_flow"]),
        "project y",
    );
    loose(
        py.variances_with_flow(),
        &nums(&c["project_y_variances_flow"]),
        "project y var",
    );
}
