//! Every operation of the language on synthetic columns, against values computed here with plain loops.
// Loops over parallel per-event vectors read most plainly with indices.
#![allow(
    clippy::needless_range_loop,
    clippy::neg_cmp_op_on_partial_ord,
    clippy::excessive_precision
)]

mod common;

use common::{eval, eval_with, events};
use hepkey_columnar::{Chunk, Column, DType, ErrorKind, ProgramBuilder, Schema, Type};

fn f64s(c: &Column) -> Vec<f64> {
    (0..c.values().len())
        .map(|i| c.values().get_f64(i))
        .collect()
}

/// A column's values as float64 bits: equal bit for bit, NaN included.
fn bits(c: &Column) -> Vec<u64> {
    c.values()
        .to_f64_vec()
        .iter()
        .map(|x| x.to_bits())
        .collect()
}

fn same(a: f64, b: f64) -> bool {
    (a.is_nan() && b.is_nan()) || a == b
}

fn assert_lists_f32(c: &Column, want: &[Vec<f32>]) {
    assert_eq!(c.dtype(), DType::F32);
    let got = c.to_lists::<f32>().unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.len(), w.len());
        for (x, y) in g.iter().zip(w) {
            assert!(same(*x as f64, *y as f64), "{g:?} vs {w:?}");
        }
    }
}

#[test]
fn float32_stays_float32_with_literals() {
    let ev = events(300, 1);
    let chunk = ev.chunk();
    let c = eval(&chunk, "Jet_pt * 1.03");
    let want: Vec<Vec<f32>> = ev
        .jet_pt
        .iter()
        .map(|l| l.iter().map(|&p| p * 1.03f32).collect())
        .collect();
    assert_lists_f32(&c, &want);
    // float32 with float32 stays float32; float32 with int32 widens to float64 (numpy).
    assert_eq!(eval(&chunk, "Jet_pt * Jet_eta").dtype(), DType::F32);
    assert_eq!(eval(&chunk, "Jet_pt + Jet_jetId").dtype(), DType::F64);
    assert_eq!(eval(&chunk, "Jet_jetId * 2").dtype(), DType::I32);
    assert_eq!(eval(&chunk, "Jet_jetId * 2.0").dtype(), DType::F64);
    assert_eq!(eval(&chunk, "Jet_jetId / 2").dtype(), DType::F64);
    assert_eq!(eval(&chunk, "run + Jet_jetId").dtype(), DType::I64);
    assert_eq!(eval(&chunk, "float64(Jet_pt) * 1.03").dtype(), DType::F64);
    assert_eq!(eval(&chunk, "2 ** 3").dtype(), DType::F64);
    // A literal the column type cannot hold does not wrap around.
    assert!(eval(&chunk, "run > -1")
        .as_slice::<bool>()
        .unwrap()
        .iter()
        .all(|&b| b));
    assert_eq!(eval(&chunk, "run + 1").dtype(), DType::U32);
    assert_eq!(eval(&chunk, "run - 5000000000").dtype(), DType::I64);
    assert_eq!(eval(&chunk, "Jet_jetId < 3000000000").dtype(), DType::Bool);
    assert!(eval(&chunk, "Jet_jetId < 3000000000")
        .as_slice::<bool>()
        .unwrap()
        .iter()
        .all(|&b| b));
}

#[test]
fn cuts_compare_with_the_constant_rounded_to_float32() {
    let x = 2.1f32;
    let chunk = Chunk::new(1).with("eta", Column::flat(vec![x])).unwrap();
    let c = eval(&chunk, "eta < 2.1");
    // In float64, f32(2.1) = 2.0999999046 < 2.1; numpy/coffea compare in float32 and say false.
    assert_eq!(c.as_slice::<bool>().unwrap(), &[false]);
    let c = eval(&chunk, "float64(eta) < 2.1");
    assert_eq!(c.as_slice::<bool>().unwrap(), &[true]);
}

#[test]
fn arithmetic_and_modulo_follow_numpy() {
    let chunk = Chunk::new(4)
        .with("a", Column::flat(vec![7i32, -7, 7, -7]))
        .unwrap()
        .with("b", Column::flat(vec![3i32, 3, -3, -3]))
        .unwrap()
        .with("x", Column::flat(vec![7.5f64, -7.5, 7.5, -7.5]))
        .unwrap();
    assert_eq!(
        eval(&chunk, "a % b").as_slice::<i32>().unwrap(),
        &[1, 2, -2, -1]
    );
    assert_eq!(
        eval(&chunk, "x % 2").as_slice::<f64>().unwrap(),
        &[1.5, 0.5, 1.5, 0.5]
    );
    assert_eq!(
        eval(&chunk, "a / b").as_slice::<f64>().unwrap(),
        &[7.0 / 3.0, -7.0 / 3.0, -7.0 / 3.0, 7.0 / 3.0]
    );
    assert_eq!(
        eval(&chunk, "a - b * 2 + 1").as_slice::<i32>().unwrap(),
        &[2, -12, 14, 0]
    );
    assert_eq!(
        eval(&chunk, "-a").as_slice::<i32>().unwrap(),
        &[-7, 7, -7, 7]
    );
    assert_eq!(
        eval(&chunk, "x ** 2").as_slice::<f64>().unwrap(),
        &[56.25; 4]
    );
    assert_eq!(
        eval(&chunk, "pow(2, a)").as_slice::<f64>().unwrap(),
        &[128.0, 1.0 / 128.0, 128.0, 1.0 / 128.0]
    );
}

#[test]
fn comparisons_logic_and_bits() {
    let ev = events(200, 2);
    let chunk = ev.chunk();
    let c = eval(
        &chunk,
        "(Jet_jetId & 4) != 0 && Jet_pt > 30 || !(Jet_eta < 0)",
    );
    let got = c.to_lists::<bool>().unwrap();
    for e in 0..ev.n {
        for j in 0..ev.jet_pt[e].len() {
            let want =
                ((ev.jet_id[e][j] & 4) != 0 && ev.jet_pt[e][j] > 30.0) || !(ev.jet_eta[e][j] < 0.0);
            assert_eq!(got[e][j], want);
        }
    }
    // Bit operators bind tighter than comparisons (Python), so the parentheses are optional.
    assert_eq!(
        eval(&chunk, "Jet_jetId & 4 != 0"),
        eval(&chunk, "(Jet_jetId & 4) != 0")
    );
    let c = eval(
        &chunk,
        "(Jet_jetId | 1) ^ (Jet_jetId >> 1) ^ ~(Jet_jetId << 2)",
    );
    let got = c.to_lists::<i32>().unwrap();
    for e in 0..ev.n {
        for (j, &id) in ev.jet_id[e].iter().enumerate() {
            assert_eq!(got[e][j], (id | 1) ^ (id >> 1) ^ !(id << 2));
        }
    }
    let c = eval(
        &chunk,
        "Muon_tightId and not Muon_pt > 20 or Muon_charge == 1",
    );
    let got = c.to_lists::<bool>().unwrap();
    for e in 0..ev.n {
        for j in 0..ev.mu_pt[e].len() {
            assert_eq!(
                got[e][j],
                (ev.mu_tight[e][j] && !(ev.mu_pt[e][j] > 20.0)) || ev.mu_charge[e][j] == 1
            );
        }
    }
}

#[test]
fn math_functions() {
    let xs = vec![0.3f64, 1.7, -2.2, 10.0, 0.0];
    let chunk = Chunk::new(xs.len())
        .with("x", Column::flat(xs.clone()))
        .unwrap();
    type F = fn(f64) -> f64;
    let cases: [(&str, F); 14] = [
        ("abs(x)", f64::abs),
        ("sqrt(abs(x))", |x| x.abs().sqrt()),
        ("exp(x)", f64::exp),
        ("log(abs(x) + 1)", |x| (x.abs() + 1.0).ln()),
        ("sin(x)", f64::sin),
        ("cos(x)", f64::cos),
        ("tan(x)", f64::tan),
        ("sinh(x)", f64::sinh),
        ("cosh(x)", f64::cosh),
        ("atan2(x, 2)", |x| x.atan2(2.0)),
        ("hypot(x, 3)", |x| x.hypot(3.0)),
        ("pow(abs(x), 1.5)", |x| x.abs().powf(1.5)),
        ("clip(x, -1, 1.5)", |x| x.clamp(-1.0, 1.5)),
        ("min(x, 1) + max(x, 0, 2)", |x| x.min(1.0) + x.max(2.0)),
    ];
    for (expr, f) in cases {
        let got = f64s(&eval(&chunk, expr));
        for (g, x) in got.iter().zip(&xs) {
            assert!(same(*g, f(*x)), "{expr} at {x}: {g} vs {}", f(*x));
        }
    }
    // float32 in, float32 out.
    let chunk = Chunk::new(2)
        .with("y", Column::flat(vec![0.5f32, 2.0]))
        .unwrap();
    let c = eval(&chunk, "sqrt(y) + cos(y)");
    assert_eq!(
        c.as_slice::<f32>().unwrap(),
        &[0.5f32.sqrt() + 0.5f32.cos(), 2f32.sqrt() + 2f32.cos()]
    );
    let c = eval(&chunk, "where(y > 1, y, -y)");
    assert_eq!(c.as_slice::<f32>().unwrap(), &[-0.5, 2.0]);
    let c = eval(&chunk, "isnan(log(y - 1))");
    assert_eq!(c.as_slice::<bool>().unwrap(), &[true, false]);
}

#[test]
fn gaussian_quantile() {
    let chunk = Chunk::new(3)
        .with("p", Column::flat(vec![0.975f64, 0.5, 0.0005]))
        .unwrap();
    let c = eval(&chunk, "normal_ppf(p)");
    let v = c.as_slice::<f64>().unwrap();
    assert!((v[0] - 1.959_963_984_540_054).abs() < 4e-15);
    assert_eq!(v[1], 0.0);
    assert!((v[2] + 3.290_526_731_491_894_8).abs() < 7e-15);
    assert_eq!(eval(&chunk, "ndtri(p)"), c);
    let g = eval(&chunk, "gaussian_quantile(p, 0.05)");
    assert_eq!(
        g.as_slice::<f64>().unwrap(),
        &v.iter().map(|x| 0.05 * x).collect::<Vec<_>>()[..]
    );
}

#[test]
fn broadcasting_per_event_values_over_lists() {
    let ev = events(200, 3);
    let chunk = ev.chunk();
    let c = eval(&chunk, "Jet_pt - MET_pt + run");
    let got = c.to_lists::<f64>().unwrap();
    for e in 0..ev.n {
        for j in 0..ev.jet_pt[e].len() {
            // float32 - float32 stays float32, then + uint32 widens to float64.
            let want = (ev.jet_pt[e][j] - ev.met_pt[e]) as f64 + ev.run[e] as f64;
            assert_eq!(got[e][j], want);
        }
    }
    let c = eval(&chunk, "Jet_pt[Jet_pt > MET_pt]");
    let want: Vec<Vec<f32>> = (0..ev.n)
        .map(|e| {
            ev.jet_pt[e]
                .iter()
                .copied()
                .filter(|&p| p > ev.met_pt[e])
                .collect()
        })
        .collect();
    assert_lists_f32(&c, &want);
    let c = eval(&chunk, "broadcast(MET_pt, Jet_pt)");
    let want: Vec<Vec<f32>> = (0..ev.n)
        .map(|e| vec![ev.met_pt[e]; ev.jet_pt[e].len()])
        .collect();
    assert_lists_f32(&c, &want);
    let c = eval(&chunk, "broadcast(2, Jet[Jet_pt > 40])");
    let want: Vec<Vec<i64>> = (0..ev.n)
        .map(|e| vec![2; ev.jet_pt[e].iter().filter(|&&p| p > 40.0).count()])
        .collect();
    assert_eq!(c.to_lists::<i64>().unwrap(), want);
    // A per-event condition as a mask keeps or drops the whole list.
    let c = eval(&chunk, "Jet_pt[run == 2]");
    let want: Vec<Vec<f32>> = (0..ev.n)
        .map(|e| {
            if ev.run[e] == 2 {
                ev.jet_pt[e].clone()
            } else {
                vec![]
            }
        })
        .collect();
    assert_lists_f32(&c, &want);
}

#[test]
fn masks_and_reductions() {
    let ev = events(500, 4);
    let chunk = ev.chunk();
    let defs =
        "good = Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0\npt = Jet_pt[good]";
    let sel: Vec<Vec<f32>> = (0..ev.n)
        .map(|e| {
            (0..ev.jet_pt[e].len())
                .filter(|&j| {
                    ev.jet_pt[e][j] > 30.0
                        && ev.jet_eta[e][j].abs() < 2.4
                        && (ev.jet_id[e][j] & 4) != 0
                })
                .map(|j| ev.jet_pt[e][j])
                .collect()
        })
        .collect();
    assert_lists_f32(&eval_with(&chunk, defs, "pt"), &sel);
    let check = |expr: &str, f: &dyn Fn(&[f32]) -> f64| {
        let c = eval_with(&chunk, defs, expr);
        assert!(!c.is_jagged());
        for e in 0..ev.n {
            assert!(
                same(c.values().get_f64(e), f(&sel[e])),
                "{expr} event {e}: {} vs {}",
                c.values().get_f64(e),
                f(&sel[e])
            );
        }
    };
    check("sum(pt)", &|l| l.iter().map(|&x| x as f64).sum());
    check("prod(pt / 100)", &|l| {
        l.iter().map(|&x| (x / 100.0f32) as f64).product()
    });
    check("count(pt)", &|l| l.len() as f64);
    check("num(pt > 50)", &|l| l.len() as f64);
    check("len(pt)", &|l| l.len() as f64);
    check("count_nonzero(pt > 50)", &|l| {
        l.iter().filter(|&&x| x > 50.0).count() as f64
    });
    check("count(pt > 50)", &|l| {
        l.iter().filter(|&&x| x > 50.0).count() as f64
    });
    check("sum(pt > 50)", &|l| {
        l.iter().filter(|&&x| x > 50.0).count() as f64
    });
    check("any(pt > 100)", &|l| {
        l.iter().any(|&x| x > 100.0) as u8 as f64
    });
    check("all(pt > 40)", &|l| {
        l.iter().all(|&x| x > 40.0) as u8 as f64
    });
    check("min(pt)", &|l| {
        l.iter()
            .map(|&x| x as f64)
            .reduce(f64::min)
            .unwrap_or(f64::NAN)
    });
    check("max(pt)", &|l| {
        l.iter()
            .map(|&x| x as f64)
            .reduce(f64::max)
            .unwrap_or(f64::NAN)
    });
    check("first(pt)", &|l| l.first().map_or(f64::NAN, |&x| x as f64));
    check("last(pt)", &|l| l.last().map_or(f64::NAN, |&x| x as f64));
    check("mean(pt)", &|l| {
        if l.is_empty() {
            f64::NAN
        } else {
            l.iter().map(|&x| x as f64).sum::<f64>() / l.len() as f64
        }
    });
    let argext = |l: &[f32], max: bool| -> f64 {
        if l.is_empty() {
            return -1.0;
        }
        let mut b = 0;
        for i in 1..l.len() {
            if (max && l[i] > l[b]) || (!max && l[i] < l[b]) {
                b = i;
            }
        }
        b as f64
    };
    check("argmax(pt)", &|l| argext(l, true));
    check("argmin(pt)", &|l| argext(l, false));
    assert_eq!(eval_with(&chunk, defs, "sum(pt)").dtype(), DType::F64);
    assert_eq!(eval_with(&chunk, defs, "min(pt)").dtype(), DType::F32);
    assert_eq!(eval(&chunk, "sum(Jet_jetId)").dtype(), DType::I64);
    assert_eq!(eval(&chunk, "max(Jet_jetId)").dtype(), DType::F64);
}

#[test]
fn indexing_with_missing_values() {
    let ev = events(300, 5);
    let chunk = ev.chunk();
    for (expr, pos) in [
        ("Jet_pt[0]", 0i64),
        ("Jet_pt[2]", 2),
        ("Jet_pt[-1]", -1),
        ("Jet_pt[-2]", -2),
    ] {
        let c = eval(&chunk, expr);
        assert_eq!(c.dtype(), DType::F32);
        for e in 0..ev.n {
            let l = &ev.jet_pt[e];
            let i = if pos < 0 { pos + l.len() as i64 } else { pos };
            let want = if i >= 0 && (i as usize) < l.len() {
                l[i as usize]
            } else {
                f32::NAN
            };
            assert!(same(c.values().get_f64(e), want as f64), "{expr} {e}");
        }
    }
    // Index by a per-event index column; integers come back as float64 (NaN when missing).
    let c = eval(&chunk, "Jet_jetId[argmax(Jet_eta)]");
    assert_eq!(c.dtype(), DType::F64);
    for e in 0..ev.n {
        let l = &ev.jet_eta[e];
        let want = if l.is_empty() {
            f64::NAN
        } else {
            let mut b = 0;
            for i in 1..l.len() {
                if l[i] > l[b] {
                    b = i;
                }
            }
            ev.jet_id[e][b] as f64
        };
        assert!(same(c.values().get_f64(e), want));
    }
    // Objects: one per event, with every field.
    let c = eval_with(&chunk, "lead = Jet[0]", "lead.eta * 2");
    for e in 0..ev.n {
        let want = ev.jet_eta[e].first().map_or(f32::NAN, |&x| x * 2.0);
        assert!(same(c.values().get_f64(e), want as f64));
    }
}

#[test]
fn sorting_by_a_key() {
    let ev = events(300, 6);
    let chunk = ev.chunk();
    let c = eval_with(&chunk, "s = sort(Jet, by=Jet.eta, descending=true)", "s.pt");
    let c2 = eval(&chunk, "sort(Jet_eta)");
    let c3 = eval(&chunk, "argsort(Jet_eta, descending=true)");
    for e in 0..ev.n {
        let mut idx: Vec<usize> = (0..ev.jet_eta[e].len()).collect();
        idx.sort_by(|&a, &b| ev.jet_eta[e][b].partial_cmp(&ev.jet_eta[e][a]).unwrap());
        let want: Vec<f64> = idx.iter().map(|&i| ev.jet_pt[e][i] as f64).collect();
        assert_eq!(c.event_f64(e), want);
        assert_eq!(
            c3.event_f64(e),
            idx.iter().map(|&i| i as f64).collect::<Vec<_>>()
        );
        let mut s = ev.jet_eta[e].clone();
        s.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(
            c2.event_f64(e),
            s.iter().map(|&x| x as f64).collect::<Vec<_>>()
        );
    }
    assert_eq!(
        eval(&chunk, "local_index(Jet_pt)").event_f64(3),
        (0..ev.jet_pt[3].len())
            .map(|i| i as f64)
            .collect::<Vec<_>>()
    );
}

fn p4(pt: f32, eta: f32, phi: f32, m: f32) -> [f64; 4] {
    let (pt, eta, phi, m) = (pt as f64, eta as f64, phi as f64, m as f64);
    let (px, py, pz) = (pt * phi.cos(), pt * phi.sin(), pt * eta.sinh());
    [px, py, pz, (px * px + py * py + pz * pz + m * m).sqrt()]
}

#[test]
fn combinations_with_indices_and_four_vectors() {
    let ev = events(400, 7);
    let chunk = ev.chunk();
    let defs = "tri = combinations(Jet, 3)\npairs = combinations(Jet, 2)";
    let m3 = eval_with(&chunk, defs, "mass(tri.0, tri.1, tri.2)");
    let pt3 = eval_with(&chunk, defs, "pt(tri.0, tri.1, tri.2)");
    let i1 = eval_with(&chunk, defs, "tri.1.index");
    let m2 = eval_with(&chunk, defs, "mass(pairs.0, pairs.1)");
    let dr = eval_with(&chunk, defs, "delta_r(pairs.0, pairs.1)");
    let np = eval_with(&chunk, defs, "count(pairs)");
    for e in 0..ev.n {
        let n = ev.jet_pt[e].len();
        let j = |i: usize| {
            p4(
                ev.jet_pt[e][i],
                ev.jet_eta[e][i],
                ev.jet_phi[e][i],
                ev.jet_mass[e][i],
            )
        };
        let (mut wm, mut wpt, mut wi) = (vec![], vec![], vec![]);
        for a in 0..n {
            for b in a + 1..n {
                for c in b + 1..n {
                    let (x, y, z) = (j(a), j(b), j(c));
                    let s: Vec<f64> = (0..4).map(|k| x[k] + y[k] + z[k]).collect();
                    wm.push((s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt());
                    wpt.push((s[0] * s[0] + s[1] * s[1]).sqrt());
                    wi.push(b as f64);
                }
            }
        }
        assert_eq!(m3.event_f64(e), wm, "event {e}");
        assert_eq!(pt3.event_f64(e), wpt);
        assert_eq!(i1.event_f64(e), wi);
        let (mut wm2, mut wdr) = (vec![], vec![]);
        for a in 0..n {
            for b in a + 1..n {
                let (x, y) = (j(a), j(b));
                let s: Vec<f64> = (0..4).map(|k| x[k] + y[k]).collect();
                wm2.push((s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt());
                let deta = (ev.jet_eta[e][a] - ev.jet_eta[e][b]) as f64;
                let mut dphi = ev.jet_phi[e][a] as f64 - ev.jet_phi[e][b] as f64;
                while dphi >= std::f64::consts::PI {
                    dphi -= 2.0 * std::f64::consts::PI;
                }
                while dphi < -std::f64::consts::PI {
                    dphi += 2.0 * std::f64::consts::PI;
                }
                wdr.push((deta * deta + dphi * dphi).sqrt());
            }
        }
        assert_eq!(m2.event_f64(e), wm2);
        for (g, w) in dr.event_f64(e).iter().zip(&wdr) {
            assert!((g - w).abs() < 1e-6, "{g} {w}");
        }
        assert_eq!(np.values().get_f64(e), (n * n.saturating_sub(1) / 2) as f64);
    }
}

#[test]
fn transverse_mass_and_delta_phi() {
    let ev = events(300, 8);
    let chunk = ev.chunk();
    let mt = eval_with(
        &chunk,
        "mu = Muon[Muon_tightId]\nmet = object(pt=MET_pt, phi=MET_phi)",
        "mt(mu, met)",
    );
    let mt2 = eval(&chunk, "mt(Muon_pt, Muon_phi, MET_pt, MET_phi)");
    let dphi = eval(&chunk, "delta_phi(Muon_phi, MET_phi)");
    for e in 0..ev.n {
        let mut w = vec![];
        for k in 0..ev.mu_pt[e].len() {
            let d = ev.mu_phi[e][k] as f64 - ev.met_phi[e] as f64;
            let d = (d + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI)
                - std::f64::consts::PI;
            assert!((dphi.event_f64(e)[k] - d).abs() < 1e-12);
            let m = (2.0 * ev.mu_pt[e][k] as f64 * ev.met_pt[e] as f64 * (1.0 - d.cos())).sqrt();
            if ev.mu_tight[e][k] {
                w.push(m);
            }
            assert!((mt2.event_f64(e)[k] - m).abs() <= 1e-12 * m.max(1.0));
        }
        assert_eq!(mt.event_f64(e).len(), w.len());
        for (g, x) in mt.event_f64(e).iter().zip(&w) {
            assert!((g - x).abs() <= 1e-12 * x.max(1.0), "{g} {x}");
        }
    }
}

#[test]
fn four_vectors_from_cartesian_components() {
    let chunk = Chunk::new(2)
        .with(
            "Muon_Px",
            Column::from_lists(&[vec![10.0f32, -20.0], vec![5.0]]),
        )
        .unwrap()
        .with(
            "Muon_Py",
            Column::from_lists(&[vec![0.0f32, 5.0], vec![1.0]]),
        )
        .unwrap()
        .with(
            "Muon_Pz",
            Column::from_lists(&[vec![30.0f32, 2.0], vec![3.0]]),
        )
        .unwrap()
        .with(
            "Muon_E",
            Column::from_lists(&[vec![40.0f32, 25.0], vec![7.0]]),
        )
        .unwrap();
    let c = eval_with(&chunk, "p = combinations(Muon, 2)", "mass(p.0, p.1)");
    let (px, py, pz, e) = (-10.0f64, 5.0, 32.0, 65.0);
    assert_eq!(
        c.event_f64(0),
        vec![(e * e - px * px - py * py - pz * pz).sqrt()]
    );
    assert!(c.event_f64(1).is_empty());
    let m = eval(&chunk, "mass(Muon)");
    assert_eq!(m.event_f64(1), vec![(49.0f64 - 25.0 - 1.0 - 9.0).sqrt()]);
}

#[test]
fn definitions_shadow_inputs_for_variations() {
    let ev = events(200, 9);
    let chunk = ev.chunk();
    let defs = "Jet_pt = Jet_pt * 1.03\njets = Jet[Jet_pt > 30]\nHT = sum(jets.pt)";
    let c = eval_with(&chunk, defs, "HT");
    for e in 0..ev.n {
        let want: f64 = ev.jet_pt[e]
            .iter()
            .map(|&p| p * 1.03f32)
            .filter(|&p| p > 30.0)
            .map(|p| p as f64)
            .sum();
        assert_eq!(c.values().get_f64(e), want);
    }
    let c2 = eval_with(
        &chunk,
        "jets = with(Jet, pt=Jet_pt * 1.03)\ngood = jets[jets.pt > 30]",
        "sum(good.pt)",
    );
    assert_eq!(c, c2);
}

#[test]
fn collections_and_best_combination() {
    // The AGC m_bjj recipe on synthetic jets: trijet with the largest pT among those with a b-tag.
    let ev = events(400, 10);
    let chunk = ev.chunk();
    let defs = "
        jets = Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0]
        tri = combinations(jets, 3)
        tri_pt = pt(tri.0, tri.1, tri.2)
        btag_ok = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5
        best = tri[btag_ok][argmax(tri_pt[btag_ok])]
        m_bjj = mass(best.0, best.1, best.2)
    ";
    let c = eval_with(&chunk, defs, "m_bjj");
    assert_eq!(c.dtype(), DType::F64);
    let mut n_valid = 0;
    for e in 0..ev.n {
        let sel: Vec<usize> = (0..ev.jet_pt[e].len())
            .filter(|&j| {
                ev.jet_pt[e][j] > 30.0 && ev.jet_eta[e][j].abs() < 2.4 && (ev.jet_id[e][j] & 4) != 0
            })
            .collect();
        let j = |i: usize| {
            p4(
                ev.jet_pt[e][i],
                ev.jet_eta[e][i],
                ev.jet_phi[e][i],
                ev.jet_mass[e][i],
            )
        };
        let mut best: Option<(f64, f64)> = None;
        for a in 0..sel.len() {
            for b in a + 1..sel.len() {
                for k in b + 1..sel.len() {
                    let ids = [sel[a], sel[b], sel[k]];
                    if !ids.iter().any(|&i| ev.jet_btag[e][i] > 0.5) {
                        continue;
                    }
                    let s: Vec<f64> = (0..4).map(|q| ids.iter().map(|&i| j(i)[q]).sum()).collect();
                    let pt = (s[0] * s[0] + s[1] * s[1]).sqrt();
                    let m = (s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt();
                    if best.is_none_or(|(p, _)| pt > p) {
                        best = Some((pt, m));
                    }
                }
            }
        }
        let want = best.map_or(f64::NAN, |(_, m)| m);
        n_valid += best.is_some() as usize;
        assert!(
            same(c.values().get_f64(e), want),
            "event {e}: {} vs {want}",
            c.values().get_f64(e)
        );
    }
    assert!(n_valid > 20, "too few events with a trijet: {n_valid}");
}

#[test]
fn errors_point_at_the_source() {
    let ev = events(5, 11);
    let schema = Schema::from_chunk(&ev.chunk());
    let mut b = ProgramBuilder::new(schema);
    let e = b.output("x", "sum(Jet_pT)").unwrap_err();
    assert_eq!(e.kind, ErrorKind::UnknownName);
    assert_eq!(e.span.unwrap().column, 5);
    assert_eq!(e.hint.as_deref(), Some("did you mean `Jet_pt`?"));
    let e = b.output("x", "Jet.btag > 0.5").unwrap_err();
    assert_eq!(e.hint.as_deref(), Some("did you mean `btagCSVV2`?"));
    let e = b.output("x", "Jet_eta & 4").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Type);
    assert_eq!((e.span.unwrap().start, e.span.unwrap().end), (0, 7));
    let e = b.output("x", "Jet_pt > 30 && Jet_eta").unwrap_err();
    assert_eq!(e.span.unwrap().column, 16);
    let e = b.output("x", "MET_pt[0]").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Type);
    let e = b.output("x", "Jet").unwrap_err();
    assert!(e.hint.unwrap().contains("pt"));
    let e = b.output("x", "sqrtt(MET_pt)").unwrap_err();
    assert_eq!(e.hint.as_deref(), Some("did you mean `sqrt`?"));
    let e = b.output("x", "sum(MET_pt)").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Type);
    let e = b.define_all("a = 1\nb = a +\nc = 2").unwrap_err();
    assert_eq!((e.kind, e.span.unwrap().line), (ErrorKind::Syntax, 2));
    let rendered =
        b.output("x", "MET_pt +  foo")
            .unwrap_err()
            .render("MET_pt +  foo", "ana.toml", 10);
    assert!(
        rendered.starts_with("ana.toml:11:11: unknown name `foo`"),
        "{rendered}"
    );
    assert!(rendered.contains("          ^^^"), "{rendered}");
}

#[test]
fn runtime_errors_for_mismatched_lists_and_bad_data() {
    let ev = events(50, 12);
    let chunk = ev.chunk();
    // Different collections are caught by the type checker, before any event is read...
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    for expr in [
        "Jet_pt + Muon_pt",
        "Jet_pt[Muon_pt > 3]",
        "where(Jet_pt > 30, Muon_pt, 0)",
        "Jet[Jet_pt > 30].pt - Jet_pt",
    ] {
        let e = b.output("x", expr).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Type, "{expr}");
        assert!(e.message.contains("different collections"), "{expr}: {e}");
    }
    let e = b
        .output("x", "sum(Jet_pt) + (Jet_eta * Muon_pt)")
        .unwrap_err();
    assert_eq!((e.span.unwrap().start, e.span.unwrap().end), (14, 33));
    assert!(e.message.contains("`Jet` and `Muon`"), "{e}");
    // ... lists of one collection mix freely ...
    b.output("ok", "Jet_pt[Jet_eta > 0] + Jet[Jet_eta > 0].mass")
        .unwrap();
    // ... and lists the schema cannot tell apart fail at evaluation, with an error, not a panic.
    let chunk2 = Chunk::new(2)
        .with("a", Column::from_lists(&[vec![1.0f32], vec![2.0, 3.0]]))
        .unwrap()
        .with("b", Column::from_lists(&[vec![1.0f32, 2.0], vec![3.0]]))
        .unwrap();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk2));
    b.output("x", "a + b").unwrap();
    assert_eq!(
        b.build().evaluate(&chunk2).unwrap_err().kind,
        ErrorKind::Data
    );
    let mut b = ProgramBuilder::new(Schema::new().with("x", Type::flat(DType::F32)));
    b.output("y", "x * 2").unwrap();
    let wrong = Chunk::new(1).with("x", Column::flat(vec![1.0f64])).unwrap();
    let e = b.build().evaluate(&wrong).unwrap_err();
    assert!(e.message.contains("schema"), "{e}");
    assert!(b
        .build()
        .evaluate(&Chunk::new(1))
        .unwrap_err()
        .message
        .contains("missing"));
}

#[test]
fn collections_with_mismatched_fields_are_errors() {
    // Jet_a and Jet_b claim one collection but have different counts in event 0.
    let chunk = Chunk::new(2)
        .with("Jet_a", Column::from_lists(&[vec![1.0f32, 2.0], vec![3.0]]))
        .unwrap()
        .with("Jet_b", Column::from_lists(&[vec![1.0f32], vec![3.0, 4.0]]))
        .unwrap();
    for expr in [
        "sort(Jet, by=Jet.a).b",
        "Jet[argsort(Jet_a)].b",
        "Jet[0].b + Jet[0].a",
        "Jet[Jet_a > 1].b",
    ] {
        let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
        b.output("x", expr).unwrap();
        let e = b.build().evaluate(&chunk).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Data, "{expr}");
    }
}

#[test]
fn shared_subexpressions_run_once() {
    let ev = events(10, 13);
    let mut b = ProgramBuilder::new(Schema::from_chunk(&ev.chunk()));
    b.define("jets", "Jet[Jet_pt > 30]").unwrap();
    b.output("a", "sum(jets.pt)").unwrap();
    b.output("b", "sum(Jet[Jet_pt > 30].pt)").unwrap();
    b.output("c", "count(jets)").unwrap();
    let p = b.build();
    // Jet_pt, 30, compare, mask offsets, mask, sum, count: shared by all three outputs.
    assert_eq!(p.n_kernels(), 7);
    let out = p.evaluate(&ev.chunk()).unwrap();
    assert_eq!(out[0], out[1]);
    assert_eq!(p.inputs(), vec!["Jet_pt"]);
}

#[test]
fn variations_share_unvaried_work_in_one_program() {
    let ev = events(300, 14);
    let chunk = ev.chunk();
    let objects =
        "mu = Muon[Muon_pt > 20 && Muon_tightId]\njets = Jet[Jet_pt > 30]\nHT = sum(jets.pt)";
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.define_all(objects).unwrap();
    b.output("HT", "HT").unwrap();
    b.output("n_mu", "count(mu)").unwrap();
    let nominal_kernels = b.build().n_kernels();
    let saved = b.save_definitions();
    b.define("Jet_pt", "Jet_pt * 1.03").unwrap();
    b.define_all(objects).unwrap();
    b.output("HT_up", "HT").unwrap();
    b.output("n_mu_up", "count(mu)").unwrap();
    b.restore_definitions(saved);
    b.output("HT_again", "HT").unwrap();
    let p = b.build();
    // The varied HT adds its own kernels; the muon selection is shared (same nodes).
    assert!(
        p.n_kernels() < 2 * nominal_kernels,
        "{} vs {nominal_kernels}",
        p.n_kernels()
    );
    let out = p.evaluate(&chunk).unwrap();
    assert_eq!(out[1], out[3]);
    assert_eq!(out[0], out[4]);
    for e in 0..ev.n {
        let up: f64 = ev.jet_pt[e]
            .iter()
            .map(|&p| p * 1.03f32)
            .filter(|&p| p > 30.0)
            .map(|p| p as f64)
            .sum();
        assert_eq!(out[2].values().get_f64(e), up);
    }
}

#[test]
fn the_deepest_accepted_expression_compiles() {
    // 250 chained additions plus nesting, just inside the parser's limits, must not exhaust the stack.
    let chunk = Chunk::new(1).with("x", Column::flat(vec![1i64])).unwrap();
    let inner = format!("x{}", " + x".repeat(250));
    let expr = format!("{}{inner}{}", "(".repeat(60), ")".repeat(60));
    assert_eq!(eval(&chunk, &expr).as_slice::<i64>().unwrap(), &[251]);
}

#[test]
fn four_vector_sum_direction_and_energy() {
    let ev = events(300, 15);
    let chunk = ev.chunk();
    let defs = "pairs = combinations(Jet, 2)";
    let outs = [
        "eta(pairs.0, pairs.1)",
        "phi(pairs.0, pairs.1)",
        "energy(pairs.0, pairs.1)",
        "pt(Jet)",
        "mass(Jet)",
    ];
    let cols: Vec<Column> = outs.iter().map(|o| eval_with(&chunk, defs, o)).collect();
    let dr = eval(&chunk, "delta_r(Jet_eta, Jet_phi, Jet_eta[0], Jet_phi[0])");
    for e in 0..ev.n {
        let n = ev.jet_pt[e].len();
        let j = |i: usize| {
            p4(
                ev.jet_pt[e][i],
                ev.jet_eta[e][i],
                ev.jet_phi[e][i],
                ev.jet_mass[e][i],
            )
        };
        let (mut weta, mut wphi, mut we) = (vec![], vec![], vec![]);
        for a in 0..n {
            for b in a + 1..n {
                let s: Vec<f64> = (0..4).map(|k| j(a)[k] + j(b)[k]).collect();
                let pt = (s[0] * s[0] + s[1] * s[1]).sqrt();
                weta.push((s[2] / pt).asinh());
                wphi.push(s[1].atan2(s[0]));
                we.push(s[3]);
            }
        }
        assert_eq!(cols[0].event_f64(e), weta);
        assert_eq!(cols[1].event_f64(e), wphi);
        assert_eq!(cols[2].event_f64(e), we);
        // A single object's pt and mass come back (to rounding).
        for i in 0..n {
            assert!(
                (cols[3].event_f64(e)[i] - ev.jet_pt[e][i] as f64).abs()
                    < 1e-9 * ev.jet_pt[e][i] as f64
            );
            assert!(
                (cols[4].event_f64(e)[i] - ev.jet_mass[e][i] as f64).abs()
                    < 1e-6 * ev.jet_pt[e][i] as f64
            );
            let deta = ev.jet_eta[e][i] as f64 - ev.jet_eta[e][0] as f64;
            let d = ev.jet_phi[e][i] as f64 - ev.jet_phi[e][0] as f64;
            let dphi = (d + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI)
                - std::f64::consts::PI;
            assert!((dr.event_f64(e)[i] - deta.hypot(dphi)).abs() < 1e-12);
        }
    }
}

#[test]
fn four_lepton_mass_from_cartesian_components() {
    // H→ZZ→4ℓ style: every 4-combination of leptons given by (Px, Py, Pz, E), sorted by mass.
    let mut r = common::Rng::new(16);
    let n = 200;
    let mut comps: Vec<[Vec<f32>; 4]> = Vec::new();
    for _ in 0..n {
        let k = r.below(7) as usize;
        let mut c: [Vec<f32>; 4] = Default::default();
        for _ in 0..k {
            let (px, py, pz) = (
                (r.uniform() * 80.0 - 40.0) as f32,
                (r.uniform() * 80.0 - 40.0) as f32,
                (r.uniform() * 200.0 - 100.0) as f32,
            );
            let e = ((px as f64).powi(2) + (py as f64).powi(2) + (pz as f64).powi(2) + 0.011).sqrt()
                as f32;
            for (v, x) in c.iter_mut().zip([px, py, pz, e]) {
                v.push(x);
            }
        }
        comps.push(c);
    }
    let mut chunk = Chunk::new(n);
    for (i, name) in ["lep_Px", "lep_Py", "lep_Pz", "lep_E"].iter().enumerate() {
        let lists: Vec<Vec<f32>> = comps.iter().map(|c| c[i].clone()).collect();
        chunk.insert(*name, Column::from_lists(&lists)).unwrap();
    }
    let c = eval_with(
        &chunk,
        "q = combinations(lep, 4)\nm4 = mass(q.0, q.1, q.2, q.3)",
        "sort(m4, descending=true)",
    );
    for e in 0..n {
        let k = comps[e][0].len();
        let mut want = vec![];
        for a in 0..k {
            for b in a + 1..k {
                for c2 in b + 1..k {
                    for d in c2 + 1..k {
                        let s: Vec<f64> = (0..4)
                            .map(|q| [a, b, c2, d].iter().map(|&i| comps[e][q][i] as f64).sum())
                            .collect();
                        want.push((s[3] * s[3] - s[0] * s[0] - s[1] * s[1] - s[2] * s[2]).sqrt());
                    }
                }
            }
        }
        want.sort_by(|x, y| match (x.is_nan(), y.is_nan()) {
            (true, true) => std::cmp::Ordering::Equal,
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => y.partial_cmp(x).unwrap(),
        });
        let got = c.event_f64(e);
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(same(*g, *w), "{g} {w}");
        }
    }
}

#[test]
fn conversions_and_rounding() {
    let chunk = Chunk::new(6)
        .with("x", Column::flat(vec![2.5f64, -2.5, 1.7, -1.7, 300.9, 0.5]))
        .unwrap();
    let f = |e: &str| f64s(&eval(&chunk, e));
    assert_eq!(f("round(x)"), vec![2.0, -2.0, 2.0, -2.0, 301.0, 0.0]);
    assert_eq!(f("floor(x)"), vec![2.0, -3.0, 1.0, -2.0, 300.0, 0.0]);
    assert_eq!(f("ceil(x)"), vec![3.0, -2.0, 2.0, -1.0, 301.0, 1.0]);
    assert_eq!(f("trunc(x)"), vec![2.0, -2.0, 1.0, -1.0, 300.0, 0.0]);
    assert_eq!(f("int32(x)"), vec![2.0, -2.0, 1.0, -1.0, 300.0, 0.0]);
    assert_eq!(
        eval(&chunk, "int8(int32(x))").as_slice::<i8>().unwrap(),
        &[2, -2, 1, -1, 44, 0]
    );
    assert_eq!(
        eval(&chunk, "uint16(x > 1) * 3").as_slice::<u16>().unwrap(),
        &[3, 0, 3, 0, 3, 0]
    );
    assert_eq!(
        eval(&chunk, "bool(trunc(x))").as_slice::<bool>().unwrap(),
        &[true, true, true, true, true, false]
    );
    let y = [2.5f64, -2.5, 1.7, -1.7, 300.9, 0.5];
    for (expr, g) in [
        ("asin(x / 400)", f64::asin as fn(f64) -> f64),
        ("acos(x / 400)", f64::acos),
        ("atan(x)", f64::atan),
        ("tanh(x)", f64::tanh),
    ] {
        let arg = |v: f64| if expr.contains("/ 400") { v / 400.0 } else { v };
        assert_eq!(
            f(expr),
            y.iter().map(|&v| g(arg(v))).collect::<Vec<_>>(),
            "{expr}"
        );
    }
    assert_eq!(
        f("log10(abs(x))"),
        y.iter().map(|v| v.abs().log10()).collect::<Vec<_>>()
    );
}

#[test]
fn cartesian_pairs_of_two_collections() {
    let ev = events(300, 17);
    let chunk = ev.chunk();
    let defs = "jm = cartesian(Jet, Muon)";
    let dr = eval_with(&chunk, defs, "delta_phi(jm.0, jm.1)");
    let ji = eval_with(&chunk, defs, "jm.0.index * 10 + jm.1.index");
    let n = eval_with(&chunk, defs, "count(jm)");
    for e in 0..ev.n {
        let (mut wd, mut wi) = (vec![], vec![]);
        for a in 0..ev.jet_phi[e].len() {
            for b in 0..ev.mu_phi[e].len() {
                let d = ev.jet_phi[e][a] as f64 - ev.mu_phi[e][b] as f64;
                wd.push(
                    (d + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI)
                        - std::f64::consts::PI,
                );
                wi.push((a * 10 + b) as f64);
            }
        }
        assert_eq!(ji.event_f64(e), wi);
        assert_eq!(n.values().get_f64(e), wi.len() as f64);
        for (g, w) in dr.event_f64(e).iter().zip(&wd) {
            assert!((g - w).abs() < 1e-12);
        }
    }
}

#[test]
fn expensive_outputs_on_selected_events_only() {
    let ev = events(400, 18);
    let chunk = ev.chunk();
    let defs =
        "jets = Jet[Jet_pt > 30]\ntri = combinations(jets, 3)\nm = max(mass(tri.0, tri.1, tri.2))";
    let mut sel = ProgramBuilder::new(Schema::from_chunk(&chunk));
    sel.define_all(defs).unwrap();
    sel.output("pass", "count(jets) >= 4").unwrap();
    let keep = sel.build().evaluate(&chunk).unwrap()[0]
        .as_slice::<bool>()
        .unwrap()
        .to_vec();
    let mut obs = sel.clone();
    obs.output("m", "m").unwrap();
    let all = eval_with(&chunk, defs, "m");
    let p = obs.build();
    let got = &p.evaluate_selected(&chunk, &keep).unwrap()[1];
    let want: Vec<f64> = (0..ev.n)
        .filter(|&e| keep[e])
        .map(|e| all.values().get_f64(e))
        .collect();
    assert_eq!(got.values().to_f64_vec(), want);
    assert!(want.len() > 10 && want.len() < ev.n / 2, "{}", want.len());
    assert!(p.evaluate_selected(&chunk, &keep[1..]).is_err());
}

#[test]
fn reductions_per_object_over_cartesian_pairs() {
    // Jet-muon cleaning: for each jet the smallest angular distance to any muon (|delta phi| here, the
    // synthetic muons have no eta); for each muon the number of jets within 1.5 and the closest jet's index.
    let ev = events(300, 19);
    let chunk = ev.chunk();
    let defs = "p = cartesian(Jet, Muon)\ndr = abs(delta_phi(p.0, p.1))";
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.define_all(defs).unwrap();
    b.output("min_dr", "min(dr, per=p.0)").unwrap();
    b.output("n_close", "count(dr < 1.5, per=p.1)").unwrap();
    b.output("closest", "argmin(dr, per=p.1)").unwrap();
    b.output(
        "clean",
        "Jet_pt[min(dr, per=p.0) > 0.4 || num(Muon_pt) == 0]",
    )
    .unwrap();
    let out = b.build().evaluate(&chunk).unwrap();
    for e in 0..ev.n {
        let (nj, nm) = (ev.jet_pt[e].len(), ev.mu_pt[e].len());
        // The pair values as the engine computes them (checked against loops to rounding here), so the
        // grouped results below can be compared exactly.
        let pairs = eval_with(&chunk, defs, "dr").event_f64(e);
        assert_eq!(pairs.len(), nj * nm);
        for j in 0..nj {
            for m in 0..nm {
                let d = ev.jet_phi[e][j] as f64 - ev.mu_phi[e][m] as f64;
                let d = (d + std::f64::consts::PI).rem_euclid(2.0 * std::f64::consts::PI)
                    - std::f64::consts::PI;
                assert!((pairs[j * nm + m] - d.abs()).abs() < 1e-12);
            }
        }
        let min_dr: Vec<f64> = (0..nj)
            .map(|j| {
                (0..nm)
                    .map(|m| pairs[j * nm + m])
                    .fold(
                        f64::NAN,
                        |a: f64, x| if a.is_nan() || x < a { x } else { a },
                    )
            })
            .collect();
        let got = out[0].event_f64(e);
        assert_eq!(got.len(), nj);
        for (g, w) in got.iter().zip(&min_dr) {
            assert!(same(*g, *w));
        }
        let n_close: Vec<f64> = (0..nm)
            .map(|m| (0..nj).filter(|&j| pairs[j * nm + m] < 1.5).count() as f64)
            .collect();
        assert_eq!(out[1].event_f64(e), n_close);
        let closest: Vec<f64> = (0..nm)
            .map(|m| {
                let mut best = 0;
                for j in 1..nj {
                    if pairs[j * nm + m] < pairs[best * nm + m] {
                        best = j;
                    }
                }
                if nj == 0 {
                    -1.0
                } else {
                    best as f64
                }
            })
            .collect();
        assert_eq!(out[2].event_f64(e), closest);
        let clean: Vec<f64> = (0..nj)
            .filter(|&j| nm == 0 || min_dr[j] > 0.4)
            .map(|j| ev.jet_pt[e][j] as f64)
            .collect();
        assert_eq!(out[3].event_f64(e), clean);
    }
    let e = b.output("x", "min(Jet_pt, per=p.0)").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Type);
    let e = b.output("x", "min(dr, per=Jet)").unwrap_err();
    assert!(e.message.contains("cartesian"));
}

#[test]
fn empty_chunks_and_empty_lists() {
    // No events at all, and events that all have empty lists: every kind of kernel must cope.
    for n in [0usize, 3] {
        let ev = events(n, 20);
        let mut chunk = Chunk::new(n);
        let empty: Vec<Vec<f32>> = vec![vec![]; n];
        for name in ["Jet_pt", "Jet_eta", "Jet_phi", "Jet_mass", "Jet_btagCSVV2"] {
            chunk.insert(name, Column::from_lists(&empty)).unwrap();
        }
        chunk
            .insert("MET_pt", Column::flat(ev.met_pt.clone()))
            .unwrap();
        let defs =
            "jets = Jet[Jet_pt > 30]\ntri = combinations(jets, 3)\np = cartesian(jets, Jet)\n\
                    best = tri[argmax(pt(tri.0, tri.1, tri.2))]";
        let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
        b.define_all(defs).unwrap();
        for (name, expr) in [
            ("m", "mass(best.0, best.1, best.2)"),
            ("ht", "sum(jets.pt)"),
            ("lead", "jets.pt[0]"),
            ("sorted", "sort(jets, by=jets.eta).pt"),
            ("near", "min(delta_r(p.0, p.1), per=p.0)"),
            ("one", "1"),
            ("w", "broadcast(MET_pt, jets)"),
        ] {
            b.output(name, expr).unwrap();
        }
        let out = b.build().evaluate(&chunk).unwrap();
        assert!(out.iter().all(|c| c.n_events() == n));
        assert!(f64s(&out[0]).iter().all(|x| x.is_nan()));
        assert!(f64s(&out[1]).iter().all(|&x| x == 0.0));
        assert_eq!(f64s(&out[5]), vec![1.0; n]);
    }
}

#[test]
fn fused_element_wise_chains_over_many_blocks() {
    // Chains of element-wise kernels are evaluated block by block (4096 elements); 8000 events give
    // ~28000 jets: several full blocks and a partial one, plus per-event chains over 8000 values.
    let ev = events(8000, 22);
    let chunk = ev.chunk();
    let jer = "float32(1 + 0.05 * normal_ppf(0.001 * (int64(Jet_pt * 1000) % 1000) + 0.0005))";
    let c = eval(
        &chunk,
        &format!("(Jet_jetId & 4) != 0 && abs(Jet_eta) < 2.4 && Jet_pt * {jer} > 30"),
    );
    let r = eval(&chunk, &format!("Jet_pt * {jer}"));
    let w = eval(
        &chunk,
        "where(MET_pt > 50, sqrt(MET_pt) * 2 - 1, -MET_pt / 3)",
    );
    let (got_c, got_r) = (c.to_lists::<bool>().unwrap(), r.to_lists::<f32>().unwrap());
    let mut n_jets = 0;
    for e in 0..ev.n {
        for j in 0..ev.jet_pt[e].len() {
            let pt = ev.jet_pt[e][j];
            let k = ((pt * 1000.0) as i64) % 1000;
            let f = (1.0 + 0.05 * hepkey_columnar::normal_ppf(0.001 * k as f64 + 0.0005)) as f32;
            assert_eq!(got_r[e][j], pt * f);
            let want = (ev.jet_id[e][j] & 4) != 0 && ev.jet_eta[e][j].abs() < 2.4 && pt * f > 30.0;
            assert_eq!(got_c[e][j], want);
            n_jets += 1;
        }
        let m = ev.met_pt[e];
        let want = if m > 50.0 {
            m.sqrt() * 2.0 - 1.0
        } else {
            -m / 3.0
        };
        assert_eq!(w.values().get_f64(e), want as f64);
    }
    assert!(n_jets > 6 * 4096, "{n_jets}");
    // The chains did run fused, and a whole analysis gives the same bits fused and unfused.
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.output("r", &format!("Jet_pt * {jer}")).unwrap();
    b.define_all(
        "jets = Jet[Jet_pt > 30 && abs(Jet_eta) < 2.4 && (Jet_jetId & 4) != 0]
         tri = combinations(jets, 3)
         best = tri[argmax(pt(tri.0, tri.1, tri.2))]",
    )
    .unwrap();
    b.output("m", "mass(best.0, best.1, best.2)").unwrap();
    b.output("ht", "sum(jets.pt * 1.03)").unwrap();
    b.output(
        "x",
        "where(MET_pt > 20, log(MET_pt + 1) * 2, hypot(MET_pt, 3))",
    )
    .unwrap();
    let p = b.build();
    let steps = p.profile(&chunk).unwrap();
    assert!(steps
        .iter()
        .any(|(what, _)| what.starts_with("fused") && what.contains("NormalPpf")));
    let (fused, unfused) = (
        p.evaluate(&chunk).unwrap(),
        p.unfused().evaluate(&chunk).unwrap(),
    );
    assert_eq!(fused.len(), 4);
    for (a, b) in fused.iter().zip(&unfused) {
        // Bit for bit, NaN included.
        assert_eq!(bits(a), bits(b));
        assert_eq!(a.offsets(), b.offsets());
    }
    assert!(
        f64s(&fused[1]).iter().any(|x| x.is_nan()) && f64s(&fused[1]).iter().any(|x| !x.is_nan())
    );
}

#[test]
fn picking_from_a_selection_and_gathers_in_fused_chains() {
    // `tri[has_b][argmax(...)]` picks one triplet per event out of a selection: the fused program
    // gathers the picked values from the triplets themselves (no mask of every field of every
    // triplet) and must give exactly what the unfused program gives by masking first.
    let ev = events(3000, 7);
    let chunk = ev.chunk();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.define_all(
        "jets = Jet[Jet_pt > 25]
         tri = combinations(jets, 3)
         has_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5
         best = tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]
         first = jets[jets.pt > 40][0]",
    )
    .unwrap();
    b.output("m", "mass(best.0, best.1, best.2)").unwrap();
    b.output("b0", "best.0.btagCSVV2").unwrap();
    b.output("eta", "first.eta").unwrap();
    let p = b.build();
    let steps = p.profile(&chunk).unwrap();
    // `first` picks from a selection: gathered from the jets themselves.
    assert!(steps.iter().any(|(what, _)| what.starts_with("Unmask")));
    // The best triplet is found block by block, without making every triplet's index lists, member
    // positions or four-momenta; its jets' four-momenta come straight from the jets'.
    assert!(steps.iter().any(|(what, _)| what.starts_with("CombBest")));
    assert!(steps.iter().any(|(what, _)| what.starts_with("BestMember")));
    for whole in ["Combinations", "SlotPositions", "Compose", "Reduce(ArgMax"] {
        assert!(
            !steps.iter().any(|(what, _)| what.starts_with(whole)),
            "{whole} in {steps:?}"
        );
    }
    let (fused, unfused) = (
        p.evaluate(&chunk).unwrap(),
        p.unfused().evaluate(&chunk).unwrap(),
    );
    for (a, b) in fused.iter().zip(&unfused) {
        assert_eq!(bits(a), bits(b));
    }
    // Events with and without a pick, so both paths ran.
    for out in &fused {
        let v = out.values().to_f64_vec();
        assert!(v.iter().any(|x| x.is_nan()) && v.iter().any(|x| !x.is_nan()));
    }
    // And against a direct computation: the b-tag of the picked triplet's first jet.
    for e in 0..ev.jet_pt.len() {
        let jets: Vec<usize> = (0..ev.jet_pt[e].len())
            .filter(|&j| ev.jet_pt[e][j] > 25.0)
            .collect();
        let first = jets.iter().find(|&&j| ev.jet_pt[e][j] > 40.0);
        let want = first.map_or(f64::NAN, |&j| ev.jet_eta[e][j] as f64);
        assert_eq!(fused[2].values().get_f64(e).to_bits(), want.to_bits());
    }
}

#[test]
fn best_combinations_equal_the_unfused_chain() {
    // Every shape the best-combination step takes: arg-max and arg-min, with and without a
    // condition, pairs, triplets and quadruplets, float and integer keys, NaN keys, events without
    // any (passing) combination; each against the unfused program, which makes the combinations.
    let ev = events(6000, 11);
    let chunk = ev.chunk();
    let cases = [
        "tri[has_b][argmax(pt(tri.0, tri.1, tri.2)[has_b])]",
        "tri[has_b][argmin(pt(tri.0, tri.1, tri.2)[has_b])]",
        "tri[argmax(tri.0.pt + tri.1.pt - tri.2.pt)]",
        "tri[argmax(log(tri.0.pt - 2 * tri.1.pt))]", // NaN where the first is not twice the second
        "tri[argmax(sqrt(tri.0.eta - 1))]",          // NaN in many events, all NaN in some
        "tri[argmin(tri.0.jetId + tri.1.jetId * tri.2.jetId)]",
        "pairs[abs(pairs.0.eta - pairs.1.eta) < 1][argmax((pairs.0.pt * pairs.1.pt)[abs(pairs.0.eta - pairs.1.eta) < 1])]",
        "quads[argmax(mass(quads.0, quads.1, quads.2, quads.3))]",
    ];
    for (i, case) in cases.iter().enumerate() {
        let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
        b.define_all(&format!(
            "jets = Jet[Jet_pt > 20]
             tri = combinations(jets, 3)
             pairs = combinations(jets, 2)
             quads = combinations(jets, 4)
             has_b = max(tri.0.btagCSVV2, tri.1.btagCSVV2, tri.2.btagCSVV2) > 0.5
             best = {case}"
        ))
        .unwrap();
        b.output("pt0", "best.0.pt").unwrap();
        b.output("eta1", "best.1.eta").unwrap();
        let p = b.build();
        let steps = p.profile(&chunk).unwrap();
        assert!(
            steps.iter().any(|(what, _)| what.starts_with("CombBest")),
            "case {i} not fused: {steps:?}"
        );
        let (fused, unfused) = (
            p.evaluate(&chunk).unwrap(),
            p.unfused().evaluate(&chunk).unwrap(),
        );
        for (a, b) in fused.iter().zip(&unfused) {
            assert_eq!(bits(a), bits(b), "case {i}: {case}");
        }
        let v = f64s(&fused[0]);
        assert!(
            v.iter().any(|x| x.is_nan()) && v.iter().any(|x| !x.is_nan()),
            "case {i}"
        );
    }
    // And one against a direct computation: the leading pair by pt product among pairs within
    // |Δη| < 1, first best on ties.
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    b.define_all(
        "jets = Jet[Jet_pt > 20]
         pairs = combinations(jets, 2)
         close = abs(pairs.0.eta - pairs.1.eta) < 1
         best = pairs[close][argmax((pairs.0.pt * pairs.1.pt)[close])]",
    )
    .unwrap();
    b.output("pt1", "best.1.pt").unwrap();
    let got = f64s(&b.build().evaluate(&chunk).unwrap()[0]);
    for e in 0..ev.n {
        let jets: Vec<usize> = (0..ev.jet_pt[e].len())
            .filter(|&j| ev.jet_pt[e][j] > 20.0)
            .collect();
        let mut best: Option<(f32, f32)> = None;
        for a in 0..jets.len() {
            for c in a + 1..jets.len() {
                let (x, y) = (jets[a], jets[c]);
                if (ev.jet_eta[e][x] - ev.jet_eta[e][y]).abs() >= 1.0 {
                    continue;
                }
                let key = ev.jet_pt[e][x] * ev.jet_pt[e][y];
                if best.is_none_or(|(k, _)| key > k) {
                    best = Some((key, ev.jet_pt[e][y]));
                }
            }
        }
        let want = best.map_or(f64::NAN, |(_, pt)| pt as f64);
        assert_eq!(got[e].to_bits(), want.to_bits(), "event {e}");
    }
}

#[test]
fn indexing_booleans_keeps_booleans() {
    let ev = events(400, 21);
    let chunk = ev.chunk();
    let at = |l: &[bool], i: i64| {
        let j = if i < 0 { i + l.len() as i64 } else { i };
        (0..l.len() as i64).contains(&j) && l[j as usize]
    };
    for (expr, pos) in [
        ("Muon_tightId[0]", 0i64),
        ("Muon_tightId[1]", 1),
        ("Muon_tightId[-1]", -1),
        ("first(Muon_tightId)", 0),
        ("last(Muon_tightId)", -1),
        ("Muon[0].tightId", 0),
    ] {
        let c = eval(&chunk, expr);
        assert_eq!(c.dtype(), DType::Bool, "{expr}");
        let got = c.as_slice::<bool>().unwrap();
        for e in 0..ev.n {
            assert_eq!(got[e], at(&ev.mu_tight[e], pos), "{expr} event {e}");
        }
    }
    // A boolean picked by a per-event index, usable directly in logic.
    let c = eval(&chunk, "Muon_tightId[argmax(Muon_pt)] && MET_pt > 20");
    let got = c.as_slice::<bool>().unwrap();
    for e in 0..ev.n {
        let l = &ev.mu_pt[e];
        let best = (0..l.len()).fold(None, |b: Option<usize>, i| match b {
            Some(b) if l[b] >= l[i] => Some(b),
            _ => Some(i),
        });
        let want = best.is_some_and(|b| ev.mu_tight[e][b]) && ev.met_pt[e] > 20.0;
        assert_eq!(got[e], want, "event {e}");
    }
    // Analyses written for the float result (`x[0] == 1`) still work.
    assert_eq!(
        eval(&chunk, "Muon_tightId[0] == 1").as_slice::<bool>(),
        eval(&chunk, "Muon_tightId[0]").as_slice::<bool>()
    );
    // Numbers keep their rule: integers become float64, NaN where missing.
    assert_eq!(eval(&chunk, "Muon_charge[0]").dtype(), DType::F64);
    // The old workaround (count the first entries of a mask) still works.
    let c = eval(&chunk, "count(Muon_tightId[local_index(Muon_tightId) < 2])");
    let got = c.as_slice::<i64>().unwrap();
    for e in 0..ev.n {
        let want = ev.mu_tight[e].iter().take(2).filter(|&&b| b).count() as i64;
        assert_eq!(got[e], want);
    }
}

/// Python's `l[start:stop]` with optional bounds.
fn py_slice<T: Copy>(l: &[T], start: Option<i64>, stop: Option<i64>) -> Vec<T> {
    let n = l.len() as i64;
    let clip = |b: i64| if b < 0 { (b + n).max(0) } else { b.min(n) };
    let a = start.map_or(0, clip);
    let b = stop.map_or(n, clip);
    if a < b {
        l[a as usize..b as usize].to_vec()
    } else {
        Vec::new()
    }
}

#[test]
fn slicing_lists_python_style() {
    let ev = events(500, 22);
    let chunk = ev.chunk();
    let cases: &[(&str, Option<i64>, Option<i64>)] = &[
        ("[:4]", None, Some(4)),
        ("[1:]", Some(1), None),
        ("[1:3]", Some(1), Some(3)),
        ("[-2:]", Some(-2), None),
        ("[:-1]", None, Some(-1)),
        ("[-100:100]", Some(-100), Some(100)),
        ("[3:1]", Some(3), Some(1)),
        ("[0:0]", Some(0), Some(0)),
        ("[:]", None, None),
    ];
    for &(s, a, b) in cases {
        let c = eval(&chunk, &format!("Jet_pt{s}"));
        let want: Vec<Vec<f32>> = ev.jet_pt.iter().map(|l| py_slice(l, a, b)).collect();
        assert_lists_f32(&c, &want);
        // Records: every field sliced alike; booleans and integers keep their type.
        let c = eval(&chunk, &format!("Jet{s}.eta"));
        let want: Vec<Vec<f32>> = ev.jet_eta.iter().map(|l| py_slice(l, a, b)).collect();
        assert_lists_f32(&c, &want);
        let c = eval(&chunk, &format!("Muon_tightId{s}"));
        let want: Vec<Vec<bool>> = ev.mu_tight.iter().map(|l| py_slice(l, a, b)).collect();
        assert_eq!(c.to_lists::<bool>().unwrap(), want, "{s}");
        let c = eval(&chunk, &format!("Jet_jetId{s}"));
        let want: Vec<Vec<i32>> = ev.jet_id.iter().map(|l| py_slice(l, a, b)).collect();
        assert_eq!(c.to_lists::<i32>().unwrap(), want, "{s}");
    }
    // Per-event bounds, slices of selections, and slices in later expressions.
    let c = eval(&chunk, "Jet_pt[Jet_pt > 20][run - 1:]");
    let want: Vec<Vec<f32>> = (0..ev.n)
        .map(|e| {
            let sel: Vec<f32> = ev.jet_pt[e].iter().copied().filter(|&p| p > 20.0).collect();
            py_slice(&sel, Some(ev.run[e] as i64 - 1), None)
        })
        .collect();
    assert_lists_f32(&c, &want);
    let c = eval_with(&chunk, "lead4 = Jet[:4]", "sum(lead4.pt * lead4.eta)");
    for e in 0..ev.n {
        let want: f64 = ev.jet_pt[e]
            .iter()
            .zip(&ev.jet_eta[e])
            .take(4)
            .map(|(&p, &h)| (p * h) as f64)
            .sum();
        assert_eq!(c.values().get_f64(e), want, "event {e}");
    }
    assert_eq!(
        eval(&chunk, "count(Muon_tightId[:2])").as_slice::<i64>(),
        eval(&chunk, "count(Muon_tightId[local_index(Muon_tightId) < 2])").as_slice::<i64>()
    );
}

#[test]
fn slicing_errors_before_any_event() {
    let chunk = events(10, 23).chunk();
    let mut b = ProgramBuilder::new(Schema::from_chunk(&chunk));
    for (expr, needle) in [
        ("MET_pt[1:]", "sliced"),
        ("Jet_pt[1.5:]", "integer"),
        ("Jet_pt[:Jet_jetId]", "one integer per event"),
        ("Jet_pt[:Muon_tightId[0]]", "integer"),
    ] {
        let e = b.output("x", expr).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Type, "{expr}");
        assert!(e.message.contains(needle), "{expr}: {}", e.message);
    }
    // Slicing keeps the collection: a slice meets its own list, not another's.
    assert!(b.output("x", "Jet_pt[:2] + Jet_pt").is_err());
    assert!(b.output("x", "Jet_pt[:2] + Jet_eta[:2]").is_ok());
}
