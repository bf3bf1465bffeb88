//! The per-event quantities of the AGC test vectors (`events_tree200.json`)
//! from the definitions of `examples/agc/ttbar.toml`, under each variation.

use hepkey_columnar::{Chunk, Column, ProgramBuilder, Schema, Type};
use hepkey_root::{RootFile, Tree};
use serde_json::Value;
use std::path::Path;

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn f64s(c: &Column) -> Vec<f64> {
    (0..c.values().len())
        .map(|i| c.values().get_f64(i))
        .collect()
}

#[test]
fn per_event_quantities_match_the_agc_test_vectors() {
    let toml: toml::Value =
        toml::from_str(&std::fs::read_to_string(repo("examples/agc/ttbar.toml")).unwrap()).unwrap();
    let definitions = toml["definitions"].as_str().unwrap();
    let file = RootFile::open(repo(
        "../shared/data/root/nanoAOD_2015_CMS_Open_Data_ttbar.root",
    ))
    .unwrap();
    let tree = Tree::open(&file, "Events").unwrap();

    let variations = [
        ("nominal", None),
        ("pt_scale_up", Some("Jet_pt * 1.03")),
        ("pt_res_up", Some("Jet_pt * float32(1 + 0.05 * normal_ppf(0.001 * (int64(Jet_pt * 1000) % 1000) + 0.0005))")),
    ];
    let schema: Schema = tree
        .numeric_columns()
        .map(|(name, dtype, jagged)| (name, Type { dtype, jagged }))
        .collect();
    let mut b = ProgramBuilder::new(schema);
    let base = b.save_definitions();
    for (name, replace) in variations {
        b.restore_definitions(base.clone());
        if let Some(r) = replace {
            b.define("Jet_pt", r).unwrap();
        }
        b.define_all(definitions).unwrap();
        for q in [
            "count(electrons)",
            "count(muons)",
            "count(jets)",
            "n_btag",
            "HT",
            "m_bjj",
        ] {
            b.output(&format!("{name}/{q}"), q).unwrap();
        }
        if name == "nominal" {
            for i in 0..4 {
                b.output(
                    &format!("up{i}"),
                    &format!("1 + float64(jets.pt[{i}]) * 0.075 / 50"),
                )
                .unwrap();
                b.output(
                    &format!("down{i}"),
                    &format!("1 - float64(jets.pt[{i}]) * 0.075 / 50"),
                )
                .unwrap();
            }
        }
    }
    let program = b.build();
    let names = program.inputs();
    let arrays = tree.read_many(&names, 0..tree.entries()).unwrap();
    let mut chunk = Chunk::new(tree.entries() as usize);
    for (n, a) in names.iter().zip(arrays) {
        chunk
            .insert(*n, Column::from_array(a, &mut Vec::new()).unwrap())
            .unwrap();
    }
    let out: Vec<Vec<f64>> = program.evaluate(&chunk).unwrap().iter().map(f64s).collect();
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(repo("../shared/reference/agc/events_tree200.json")).unwrap(),
    )
    .unwrap();
    let events = reference["files"]["nanoAOD_2015_CMS_Open_Data_ttbar.root (TTree)"]
        .as_array()
        .unwrap();
    assert_eq!(events.len(), 200);
    let close = |a: f64, b: &Value| match b.as_f64() {
        Some(b) => a == b || (a - b).abs() <= 1e-12 * b.abs().max(1.0),
        None => a.is_nan(),
    };
    let mut checked = 0;
    for (i, ev) in events.iter().enumerate() {
        assert_eq!(
            out[0][i],
            ev["n_ele_sel"].as_f64().unwrap(),
            "event {i}: electrons"
        );
        assert_eq!(
            out[1][i],
            ev["n_mu_sel"].as_f64().unwrap(),
            "event {i}: muons"
        );
        for (v, (name, _)) in variations.iter().enumerate() {
            let r = &ev[*name];
            let o = |k: usize| out[v * 6 + k + if v > 0 { 8 } else { 0 }][i];
            assert_eq!(
                o(2),
                r["n_jets"].as_f64().unwrap(),
                "event {i} {name}: jets"
            );
            assert_eq!(
                o(3),
                r["n_bjets"].as_f64().unwrap(),
                "event {i} {name}: b jets"
            );
            assert!(
                close(o(4), &r["HT"]),
                "event {i} {name}: HT {} vs {}",
                o(4),
                r["HT"]
            );
            assert!(
                close(o(5), &r["trijet_mass"]),
                "event {i} {name}: m_bjj {} vs {}",
                o(5),
                r["trijet_mass"]
            );
            checked += 1;
        }
        for (k, pair) in ev["nominal"]["btag_weight_up_down_leading4"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
        {
            let (up, down) = (out[6 + 2 * k][i], out[7 + 2 * k][i]);
            match pair.as_array() {
                Some(p) => assert!(
                    close(up, &p[0]) && close(down, &p[1]),
                    "event {i} jet {k}: {up} {down} vs {pair}"
                ),
                None => assert!(up.is_nan() && down.is_nan(), "event {i} jet {k}"),
            }
        }
    }
    assert_eq!(checked, 600);
}
