//! Flow conventions, merging, rebinning, JSON round trips and error reporting.

use hepkey_hist::{merge_by_chunk, merge_in_order, Axis, Hist1D, Hist2D, HistError};

fn agc() -> Hist1D {
    Hist1D::regular(25, 50.0, 550.0).unwrap()
}

#[test]
fn agc_flow_conventions() {
    // spec §5: x < 50 underflow, x >= 550 or NaN overflow; 70 opens bin 2.
    let ax = Axis::regular(25, 50.0, 550.0).unwrap();
    assert_eq!(ax.index(50.0), 1);
    assert_eq!(ax.index(f64::from(50.0f32) - 1e-9), 0);
    assert_eq!(ax.index(69.99999999999999), 1);
    assert_eq!(ax.index(70.0), 2);
    assert_eq!(ax.index(549.9999999999999), 25);
    assert_eq!(ax.index(550.0), 26);
    assert_eq!(ax.index(f64::NAN), 26);
    assert_eq!(ax.index(f64::INFINITY), 26);
    assert_eq!(ax.index(f64::NEG_INFINITY), 0);
}

#[test]
fn regular_index_is_boosts_not_naive_floor() {
    // floor(0.3 / 0.1) = 2 (0-based), but boost computes (0.3 - 0) / 1 * 10 = 3 exactly: bin [0.3, 0.4).
    let ax = Axis::regular(10, 0.0, 1.0).unwrap();
    assert_eq!(ax.index(0.3), 4);
    assert_eq!(ax.index(0.1 + 0.2), 4);
    let odd = Axis::regular(7, -1.3, 2.9).unwrap();
    assert_eq!(odd.index(2.3), 6);
}

#[test]
fn fill_checks_lengths_and_kinds() {
    let mut h = agc();
    let e = h.fill(&[1.0, 2.0], Some(&[1.0])).unwrap_err();
    assert_eq!(
        e,
        HistError::LengthMismatch {
            what: "weights",
            got: 1,
            expected: 2
        }
    );
    assert!(e
        .to_string()
        .contains("weights has 1 entries but the values have 2"));
    assert_eq!(h.entries(), 0, "a failed fill changes nothing");
    let mut c = Hist1D::new(Axis::category(["a", "b"]).unwrap());
    assert!(matches!(
        c.fill(&[1.0], None),
        Err(HistError::WrongValueKind(_))
    ));
    assert!(matches!(
        h.fill_labels(&["a"], None),
        Err(HistError::WrongValueKind(_))
    ));
    let mut h2 = Hist2D::new(
        Axis::regular(2, 0.0, 1.0).unwrap(),
        Axis::regular(2, 0.0, 1.0).unwrap(),
    );
    assert!(matches!(
        h2.fill(&[0.1, 0.2], &[0.1], None),
        Err(HistError::LengthMismatch {
            what: "y values",
            ..
        })
    ));
}

#[test]
fn bad_axes_are_rejected() {
    assert!(Axis::regular(0, 0.0, 1.0).is_err());
    assert!(Axis::regular(3, 1.0, 1.0).is_err());
    assert!(Axis::regular(3, 0.0, f64::NAN).is_err());
    let e = Axis::variable(vec![0.0, 2.0, 1.0]).unwrap_err();
    assert!(e.to_string().contains("edge 1 (2) >= edge 2 (1)"), "{e}");
    assert!(Axis::integer(3, 3).is_err());
    assert!(Axis::category(["a", "a"]).is_err());
}

#[test]
fn weighted_storage_and_moments() {
    let mut h = agc();
    h.fill(&[60.0, 65.0, 600.0], Some(&[2.0, -0.5, 3.0]))
        .unwrap();
    assert_eq!(h.values()[0], 1.5);
    assert_eq!(h.variances()[0], 4.25);
    assert_eq!(h.overflow(), 3.0);
    assert_eq!(h.entries(), 3);
    let m = h.moments();
    // ROOT's statistics sums from the in-range bins at their centres (as TH1::ResetStats, uproot).
    assert_eq!(m.sumw, 1.5);
    assert_eq!(m.sumw2, 4.25);
    assert_eq!(m.sumwx, 1.5 * 60.0);
    assert_eq!(m.sumwx2, 1.5 * 3600.0);
    assert_eq!(m.mean(), 60.0);
    assert_eq!(m.std_dev(), 0.0);
    h.scale(2.0);
    assert_eq!(h.values()[0], 3.0);
    assert_eq!(h.variances()[0], 17.0);
}

#[test]
fn merging_requires_identical_binning() {
    let mut a = agc();
    let b = Hist1D::regular(25, 50.0, 551.0).unwrap();
    let e = a.add(&b).unwrap_err();
    assert!(
        e.to_string()
            .contains("regular(25 bins, 50, 550) vs regular(25 bins, 50, 551)"),
        "{e}"
    );
    let v = Hist1D::new(Axis::variable(a.edges()).unwrap());
    assert!(
        a.add(&v).is_err(),
        "regular and variable axes with equal edges are different binnings"
    );
    let e = merge_in_order([&a, &a.clone(), &b]).unwrap_err();
    assert!(e.to_string().contains("part 2"), "{e}");
    assert!(merge_in_order::<Hist1D>([]).is_err());
}

/// Deterministic pseudo-random numbers for the tests.
fn lcg(n: usize, seed: u64) -> Vec<f64> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        })
        .collect()
}

#[test]
fn chunked_fills_merged_in_chunk_order_are_reproducible() {
    let xs: Vec<f64> = lcg(10_000, 1).iter().map(|u| 40.0 + 520.0 * u).collect();
    let ws: Vec<f64> = lcg(10_000, 2).iter().map(|u| 0.1 + 3.0 * u).collect();
    let mut whole = agc();
    whole.fill(&xs, Some(&ws)).unwrap();
    let chunks: Vec<Hist1D> = xs
        .chunks(1000)
        .zip(ws.chunks(1000))
        .map(|(x, w)| {
            let mut h = agc();
            h.fill(x, Some(w)).unwrap();
            h
        })
        .collect();
    let in_order = merge_in_order(&chunks).unwrap();
    // Arriving in a scrambled order (as from threads) still folds in chunk order: identical bits.
    let scrambled: Vec<(usize, Hist1D)> = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5]
        .iter()
        .map(|&k| (k, chunks[k].clone()))
        .collect();
    let by_chunk = merge_by_chunk(scrambled).unwrap();
    assert_eq!(by_chunk, in_order);
    assert_eq!(in_order.entries(), 10_000);
    for (a, b) in in_order
        .values_with_flow()
        .iter()
        .zip(whole.values_with_flow())
    {
        assert!((a - b).abs() <= 1e-12 * b.abs(), "{a} vs {b}");
    }
    assert!(merge_by_chunk(vec![(1, agc()), (1, agc())]).is_err());
}

#[test]
fn rebin_errors_name_the_problem() {
    let h = agc();
    assert!(h.rebin(0).is_err());
    assert!(h.rebin(26).is_err());
    let e = h.rebin_to_edges(&[110.0, 155.0]).unwrap_err();
    assert!(
        e.to_string().contains("new edge 1 = 155 is not an edge"),
        "{e}"
    );
    assert!(h.rebin_to_edges(&[150.0, 110.0]).is_err());
    assert!(h.rebin_to_edges(&[110.0]).is_err());
}

#[test]
fn rebin_to_agc_inference_binning_keeps_totals() {
    let mut h = agc();
    let xs: Vec<f64> = lcg(5000, 3).iter().map(|u| 20.0 + 600.0 * u).collect();
    h.fill(&xs, None).unwrap();
    let edges: Vec<f64> = (0..=11).map(|k| 110.0 + 40.0 * k as f64).collect();
    let r = h.rebin_to_edges(&edges).unwrap();
    assert_eq!(r.axis().bins(), 11);
    assert!(
        matches!(r.axis().binning, hepkey_hist::Binning::Regular(_)),
        "equal groups stay regular"
    );
    assert_eq!(r.sum(true), h.sum(true));
    // Everything below 110 (three old bins plus underflow) is now underflow.
    let below: f64 = h.values_with_flow()[..4].iter().sum();
    assert_eq!(r.underflow(), below);
    assert_eq!(r.values()[0], h.values()[3] + h.values()[4]);
    // Unequal groups give a variable axis.
    let v = h.rebin_to_edges(&[50.0, 70.0, 150.0, 550.0]).unwrap();
    assert!(matches!(
        v.axis().binning,
        hepkey_hist::Binning::Variable(_)
    ));
    assert_eq!(v.values()[1], h.values()[1..5].iter().sum::<f64>());
}

#[test]
fn json_layout_and_round_trip() {
    let mut h = agc().with_title("HT");
    *h.axis_title_mut() = "H_T [GeV]".into();
    h.fill(&[40.0, 60.0, 60.0, 700.0], Some(&[1.0, 2.0, 0.5, 3.0]))
        .unwrap();
    let text = h.to_json();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["edges"].as_array().unwrap().len(), 26);
    assert_eq!(v["values"][0], 2.5);
    assert_eq!(v["variances"][0], 4.25);
    assert_eq!(v["underflow"], 1.0);
    assert_eq!(v["overflow"], 3.0);
    assert_eq!(v["overflow_variance"], 9.0);
    assert_eq!(v["entries"], 4);
    assert_eq!(v["axis"]["kind"], "regular");
    let back = Hist1D::from_json(&text).unwrap();
    assert_eq!(back.values_with_flow(), h.values_with_flow());
    assert_eq!(back.variances_with_flow(), h.variances_with_flow());
    assert_eq!(back.axis(), h.axis());
    assert_eq!(back.title, "HT");
    assert_eq!(back.entries(), 4);

    for axis in [
        Axis::variable(vec![0.0, 1.0, 5.0]).unwrap(),
        Axis::integer(-1, 3).unwrap(),
        Axis::category(["x", "y"]).unwrap(),
    ] {
        let mut h = Hist1D::new(axis);
        if h.axis().labels().is_some() {
            h.fill_labels(&["y", "z"], None).unwrap();
        } else {
            h.fill(&[0.5, 2.0, 9.0], None).unwrap();
        }
        let back = Hist1D::from_json(&h.to_json()).unwrap();
        assert_eq!(back.axis(), h.axis());
        assert_eq!(back.values_with_flow(), h.values_with_flow());
    }
}

#[test]
fn json_without_axis_is_a_variable_axis() {
    let text = r#"{"edges":[0,1,3],"values":[1,2],"variances":[1,4],"underflow":0.5,"overflow":0}"#;
    let h = Hist1D::from_json(text).unwrap();
    assert_eq!(h.edges(), vec![0.0, 1.0, 3.0]);
    assert_eq!(h.values_with_flow(), &[0.5, 1.0, 2.0, 0.0]);
}

#[test]
fn bad_json_names_the_field() {
    let short = r#"{"edges":[0,1,3],"values":[1],"variances":[1,4],"underflow":0,"overflow":0}"#;
    let e = Hist1D::from_json(short).unwrap_err().to_string();
    assert!(e.contains("`values` has 1 numbers, expected 2"), "{e}");
    let inconsistent = r#"{"edges":[0,1,2],"values":[1,2],"variances":[1,4],"underflow":0,"overflow":0,
        "axis":{"kind":"regular","bins":2,"low":0,"high":4}}"#;
    let e = Hist1D::from_json(inconsistent).unwrap_err().to_string();
    assert!(
        e.contains("`edges[1]` = 1 disagrees with `axis` (2)"),
        "{e}"
    );
    let missing = r#"{"edges":[0,1],"values":[1],"underflow":0,"overflow":0}"#;
    assert!(Hist1D::from_json(missing)
        .unwrap_err()
        .to_string()
        .contains("variances"));
    let bad_edges = r#"{"edges":[1,0],"values":[1],"variances":[1],"underflow":0,"overflow":0}"#;
    assert!(Hist1D::from_json(bad_edges)
        .unwrap_err()
        .to_string()
        .contains("`edges`"));
}

#[test]
fn two_d_round_trip_merge_and_root_numbering() {
    let mut h = Hist2D::new(
        Axis::regular(2, 0.0, 2.0).unwrap(),
        Axis::variable(vec![0.0, 1.0, 10.0]).unwrap(),
    );
    h.fill(
        &[0.5, 1.5, 1.5, -1.0],
        &[5.0, 0.5, 20.0, 0.5],
        Some(&[1.0, 2.0, 3.0, 4.0]),
    )
    .unwrap();
    assert_eq!(h.value(1, 2), 1.0);
    assert_eq!(h.value(2, 1), 2.0);
    assert_eq!(h.value(2, 3), 3.0);
    assert_eq!(h.value(0, 1), 4.0);
    assert_eq!(h.values(), vec![vec![0.0, 1.0], vec![2.0, 0.0]]);
    assert_eq!(h.root_bin(2, 1), 2 + 4);
    let back = Hist2D::from_json(&h.to_json()).unwrap();
    assert_eq!(back.values_with_flow(), h.values_with_flow());
    assert_eq!(back.x_axis(), h.x_axis());
    let mut twice = h.clone();
    twice.add(&h).unwrap();
    assert_eq!(twice.value(2, 3), 6.0);
    assert_eq!(twice.variance(2, 3), 18.0);
    let other = Hist2D::new(
        Axis::regular(2, 0.0, 2.0).unwrap(),
        Axis::regular(2, 0.0, 10.0).unwrap(),
    );
    assert!(twice.add(&other).is_err());
    let px = h.project_x();
    assert_eq!(px.values_with_flow(), &[4.0, 1.0, 5.0, 0.0]);
    // Statistics from in-range bins at their centres: (0.5, 5.5) with w = 1 and (1.5, 0.5) with w = 2.
    let m = h.moments();
    assert_eq!((m.sumw, m.sumw2), (3.0, 5.0));
    assert_eq!(
        (m.sumwx, m.sumwy, m.sumwxy),
        (0.5 + 3.0, 5.5 + 1.0, 0.5 * 5.5 + 2.0 * 1.5 * 0.5)
    );
    let e = Hist2D::from_json(
        r#"{"x_edges":[0,1],"y_edges":[0,1],"values":[[1]],"variances":[[1]],
        "values_with_flow":[[0,0,0],[0,1,0]],"variances_with_flow":[[0,0,0],[0,1,0],[0,0,0]]}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("`values_with_flow` has 2 rows, expected 3"),
        "{e}"
    );
}

#[test]
fn masked_fill_equals_filling_the_selection() {
    let xs: Vec<f64> = lcg(3000, 5).iter().map(|u| 30.0 + 560.0 * u).collect();
    let ws: Vec<f64> = lcg(3000, 6).iter().map(|u| u - 0.3).collect();
    let mask: Vec<bool> = lcg(3000, 7).iter().map(|u| *u < 0.4).collect();
    let (sx, sw): (Vec<f64>, Vec<f64>) = xs
        .iter()
        .zip(&ws)
        .zip(&mask)
        .filter(|(_, &m)| m)
        .map(|((&x, &w), _)| (x, w))
        .unzip();
    let mut a = agc();
    a.fill(&sx, Some(&sw)).unwrap();
    let mut b = agc();
    b.fill_masked(&xs, Some(&ws), &mask).unwrap();
    assert_eq!(a, b);
    assert_eq!(b.entries(), sx.len() as u64);
    let mut c = agc();
    c.fill_masked::<f64, f64>(&xs, None, &mask).unwrap();
    assert_eq!(c.sum(true), sx.len() as f64);
    assert!(b.fill_masked(&xs, Some(&ws), &mask[1..]).is_err());
    // Integer columns bin like their float64 values.
    let mut i = Hist1D::new(Axis::integer(0, 4).unwrap());
    i.fill_values::<i64, f64>(&[0, 3, 4, -1, 2], None).unwrap();
    assert_eq!(i.values_with_flow(), &[1.0, 1.0, 0.0, 1.0, 1.0, 1.0]);
}

#[test]
fn two_d_rebinning_matches_rebinning_the_projections() {
    let mut h = Hist2D::new(
        Axis::regular(6, 0.0, 6.0).unwrap(),
        Axis::variable(vec![0.0, 1.0, 2.0, 4.0, 8.0]).unwrap(),
    );
    let xs: Vec<f64> = lcg(2000, 11).iter().map(|u| -1.0 + 8.0 * u).collect();
    let ys: Vec<f64> = lcg(2000, 12).iter().map(|u| -1.0 + 10.0 * u).collect();
    let ws: Vec<f64> = lcg(2000, 13).to_vec();
    h.fill(&xs, &ys, Some(&ws)).unwrap();
    let r = h.rebin(4, 2).unwrap();
    assert_eq!(r.x_axis().edges(), vec![0.0, 4.0]);
    assert_eq!(r.y_axis().edges(), vec![0.0, 2.0, 8.0]);
    let close = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-12 * y.abs().max(1.0))
    };
    assert!(close(
        r.project_x().values_with_flow(),
        h.project_x().rebin(4).unwrap().values_with_flow()
    ));
    assert!(close(
        r.project_y().values_with_flow(),
        h.project_y().rebin(2).unwrap().values_with_flow()
    ));
    let total: f64 = h.values_with_flow().iter().sum();
    assert!((r.values_with_flow().iter().sum::<f64>() - total).abs() < 1e-9);
    let e = h.rebin_to_edges(Some(&[1.0, 3.0, 5.0]), None).unwrap();
    assert_eq!(e.x_axis().edges(), vec![1.0, 3.0, 5.0]);
    assert_eq!(e.y_axis(), h.y_axis());
    // x underflow now holds old underflow and [0, 1); overflow holds [5, 6) and old overflow.
    let under: f64 = (0..h.y_axis().bins_with_flow())
        .map(|iy| h.value(0, iy) + h.value(1, iy))
        .sum();
    let got: f64 = (0..e.y_axis().bins_with_flow())
        .map(|iy| e.value(0, iy))
        .sum();
    assert!((under - got).abs() < 1e-12);
    assert!(h.rebin(7, 1).is_err());
    assert!(h.rebin_to_edges(None, Some(&[0.0, 3.0])).is_err());
}
