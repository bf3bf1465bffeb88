//! Z→μμ on `uproot-Zmumu.root`: its 10 reference events (`reference/root/uproot-Zmumu.root.json` holds
//! the first and last 5 entries of every branch). The dimuon mass from the muons' (px, py, pz, E) gives
//! the `M` stored in the file; the mass from their (pt, eta, phi) is checked against the formula.

#![allow(clippy::needless_range_loop)]

use hepkey_columnar::{Chunk, Column, DType, ProgramBuilder, Schema, Type};
use serde_json::Value;

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn branch(b: &Value, name: &str) -> Vec<f64> {
    let vals = |k: &str| -> Vec<f64> {
        b[name][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let mut v = vals("first5");
    v.extend(vals("last5"));
    v
}

#[test]
fn dimuon_mass_matches_the_file() {
    let p = format!("{SHARED}/reference/root/uproot-Zmumu.root.json");
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{p}: {e}"));
    let root: Value = serde_json::from_str(&text).unwrap();
    let b = &root["objects"]["events;1"]["branches"];
    let b = if b.is_null() {
        &root["objects"]
            .as_object()
            .unwrap()
            .values()
            .next()
            .unwrap()["branches"]
    } else {
        b
    };
    let mut chunk = Chunk::new(10);
    for name in [
        "E1", "px1", "py1", "pz1", "pt1", "eta1", "phi1", "E2", "px2", "py2", "pz2", "pt2", "eta2",
        "phi2",
    ] {
        chunk.insert(name, Column::flat(branch(b, name))).unwrap();
    }
    let q = |n: &str| {
        branch(b, n)
            .into_iter()
            .map(|x| x as i32)
            .collect::<Vec<i32>>()
    };
    chunk.insert("Q1", Column::flat(q("Q1"))).unwrap();
    chunk.insert("Q2", Column::flat(q("Q2"))).unwrap();
    let m_file = branch(b, "M");

    let mut prog = ProgramBuilder::new(Schema::from_chunk(&chunk));
    prog.define_all(
        "mu1 = object(px=px1, py=py1, pz=pz1, E=E1)
         mu2 = object(px=px2, py=py2, pz=pz2, E=E2)
         m_cartesian = mass(mu1, mu2)
         m_polar = mass(object(pt=pt1, eta=eta1, phi=phi1, mass=0.1056584), object(pt=pt2, eta=eta2, phi=phi2, mass=0.1056584))
         opposite = Q1 * Q2 < 0",
    )
    .unwrap();
    assert_eq!(
        prog.output("m1", "m_cartesian").unwrap(),
        Type::flat(DType::F64)
    );
    prog.output("m2", "m_polar").unwrap();
    prog.output("os", "opposite").unwrap();
    let out = prog.build().evaluate(&chunk).unwrap();
    for i in 0..10 {
        let (m1, m2) = (out[0].values().get_f64(i), out[1].values().get_f64(i));
        // The file's M comes from the same (px, py, pz, E). Its pt/eta/phi are another measurement of the
        // muons (events 0-3 share one pair of them but have different px...E and M), so the polar form is
        // checked against the formula evaluated here.
        assert!(
            (m1 - m_file[i]).abs() < 1e-9 * m_file[i],
            "event {i}: {m1} vs {}",
            m_file[i]
        );
        let p4 = |pt: f64, eta: f64, phi: f64| {
            let (px, py, pz) = (pt * phi.cos(), pt * phi.sin(), pt * eta.sinh());
            [
                px,
                py,
                pz,
                (px * px + py * py + pz * pz + 0.1056584f64.powi(2)).sqrt(),
            ]
        };
        let g = |n: &str| branch(b, n)[i];
        let (a, c) = (
            p4(g("pt1"), g("eta1"), g("phi1")),
            p4(g("pt2"), g("eta2"), g("phi2")),
        );
        let s: Vec<f64> = (0..4).map(|k| a[k] + c[k]).collect();
        let want = (s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt();
        assert_eq!(m2, want, "event {i}");
        assert!(
            (m2 - m_file[i]).abs() < 0.02 * m_file[i],
            "event {i}: {m2} vs {}",
            m_file[i]
        );
    }
    assert_eq!(
        out[2]
            .as_slice::<bool>()
            .unwrap()
            .iter()
            .filter(|&&x| x)
            .count(),
        10
    );
}
