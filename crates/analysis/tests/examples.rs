//! The example analyses, run on the shared files and checked against
//! references: the AGC test vectors, and event loops written by hand.

use hepkey_analysis::{Analysis, HistKey};
use hepkey_hist::{Hist1D, Hist2D};
use hepkey_root::{RootFile, Tree, Values};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

fn shared(rel: &str) -> PathBuf {
    repo("../shared").join(rel)
}

fn run(example: &str) -> hepkey_analysis::run::RunResult {
    let a = Analysis::load(&repo(example)).unwrap_or_else(|e| panic!("{e}"));
    a.run(&|_| {}).unwrap()
}

fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}

fn with_flow(h: &Hist1D) -> (Vec<f64>, Vec<f64>) {
    (
        h.values_with_flow().to_vec(),
        h.variances_with_flow().to_vec(),
    )
}

fn check_agc(example: &str, reference: &str) {
    let result = run(example);
    let reference: Value =
        serde_json::from_str(&std::fs::read_to_string(shared(reference)).unwrap()).unwrap();
    let reference = reference.as_object().unwrap();
    assert_eq!(
        result.histograms.len(),
        reference.len(),
        "one histogram per reference key"
    );
    for (name, r) in reference {
        // `{region}_{process}[_{variation}]`
        let (region, rest) = name.split_once('_').unwrap();
        let variation = rest.strip_prefix("ttbar").unwrap().trim_start_matches('_');
        let variation = if variation.is_empty() {
            "nominal"
        } else {
            variation
        };
        let hist = if region == "4j1b" { "HT" } else { "m_bjj" };
        let key = HistKey::new(region, hist, "ttbar", variation);
        let h = result
            .histograms
            .get(&key)
            .unwrap_or_else(|| panic!("missing {key}"));
        let (values, sumw2) = with_flow(h);
        let f = |v: &Value| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap())
                .collect::<Vec<f64>>()
        };
        let edges = f(&r["edges"]);
        assert!(
            h.edges()
                .iter()
                .zip(&edges)
                .all(|(a, b)| (a - b).abs() < 1e-9),
            "{key}: edges"
        );
        for (mine, theirs, what) in [
            (&values, f(&r["contents"]), "contents"),
            (&sumw2, f(&r["sumw2"]), "sumw2"),
        ] {
            assert_eq!(mine.len(), theirs.len());
            assert!(
                mine.iter().zip(&theirs).all(|(a, b)| close(*a, *b)),
                "{key} {what}:\n mine   {mine:?}\n theirs {theirs:?}"
            );
        }
    }
}

#[test]
fn agc_reproduces_the_test_vectors() {
    check_agc(
        "examples/agc/ttbar.toml",
        "reference/agc/hists_exact_tree200.json",
    );
}

#[test]
fn agc_without_the_lepton_requirement_reproduces_the_test_vectors() {
    check_agc(
        "examples/agc/ttbar_relaxed_lepton.toml",
        "reference/agc/hists_relaxed_lepton_tree200.json",
    );
}

fn read_f64(tree: &Tree, name: &str) -> Vec<f64> {
    match tree.read_all(name).unwrap() {
        hepkey_root::Array::Flat(v) => (0..v.len()).map(|i| v.get_f64(i)).collect(),
        _ => panic!("{name} is not flat"),
    }
}

#[test]
fn zmumu_matches_a_loop_written_by_hand() {
    let result = run("examples/zmumu/zmumu.toml");
    let file = RootFile::open(shared("data/root/uproot-Zmumu.root")).unwrap();
    let tree = Tree::open(&file, "events").unwrap();
    let col = |n: &str| read_f64(&tree, n);
    let (e1, px1, py1, pz1, e2, px2, py2, pz2) = (
        col("E1"),
        col("px1"),
        col("py1"),
        col("pz1"),
        col("E2"),
        col("px2"),
        col("py2"),
        col("pz2"),
    );
    let (q1, q2, pt1, pt2) = (col("Q1"), col("Q2"), col("pt1"), col("pt2"));
    let mut expected = Hist1D::regular(60, 60.0, 120.0).unwrap();
    let (mut opposite, mut both_pt, mut window) = (0, 0, 0);
    for i in 0..e1.len() {
        if q1[i] * q2[i] >= 0.0 {
            continue;
        }
        opposite += 1;
        if !(pt1[i] > 20.0 && pt2[i] > 20.0) {
            continue;
        }
        both_pt += 1;
        let (e, x, y, z) = (
            e1[i] + e2[i],
            px1[i] + px2[i],
            py1[i] + py2[i],
            pz1[i] + pz2[i],
        );
        let m2 = e * e - x * x - y * y - z * z;
        let m = if m2 >= 0.0 { m2.sqrt() } else { f64::NAN };
        if m > 60.0 && m < 120.0 {
            window += 1;
            expected.fill_one(m, 1.0);
        }
    }
    let h = &result.histograms[&HistKey::nominal("Z window", "m_mumu", "data")];
    assert_eq!(h.values(), expected.values());
    let steps: Vec<u64> = result.cutflows[0].1.iter().map(|s| s.events).collect();
    assert_eq!(steps, vec![2304, opposite, both_pt, window]);
    // The Z peak: the fullest bin is within 2 GeV of the Z mass.
    let peak = h
        .values()
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .unwrap()
        .0;
    let centre = 60.5 + peak as f64;
    assert!((centre - 91.19).abs() < 2.0, "peak at {centre} GeV");
}

#[test]
fn hzz_matches_a_loop_written_by_hand() {
    let result = run("examples/hzz/hzz.toml");
    let file = RootFile::open(shared("data/root/uproot-HZZ.root")).unwrap();
    let tree = Tree::open(&file, "events").unwrap();
    let jag = |n: &str| match tree.read_all(n).unwrap() {
        hepkey_root::Array::List { offsets, content } => match *content {
            hepkey_root::Array::Flat(Values::F32(v)) => {
                (offsets, v.into_iter().map(f64::from).collect::<Vec<_>>())
            }
            hepkey_root::Array::Flat(Values::I32(v)) => {
                (offsets, v.into_iter().map(f64::from).collect())
            }
            _ => panic!("{n}"),
        },
        _ => panic!("{n}"),
    };
    let w = read_f64(&tree, "EventWeight");
    let (mo, mpx) = jag("Muon_Px");
    let (_, mpy) = jag("Muon_Py");
    let (_, mpz) = jag("Muon_Pz");
    let (_, me) = jag("Muon_E");
    let (_, mq) = jag("Muon_Charge");
    let (eo, epx) = jag("Electron_Px");
    let (_, epy) = jag("Electron_Py");
    let (_, epz) = jag("Electron_Pz");
    let (_, ee) = jag("Electron_E");
    let (_, eq) = jag("Electron_Charge");
    let met_px = read_f64(&tree, "MET_px");
    let mut expected = Hist1D::regular(40, 100.0, 500.0).unwrap();
    let axis = |edges: Vec<f64>| hepkey_hist::Axis::variable(edges).unwrap();
    let px_edges: Vec<f64> = (0..=20).map(|i| -100.0 + 10.0 * i as f64).collect();
    let mut px_py = Hist2D::new(axis(px_edges.clone()), axis(px_edges.clone()));
    let met_edges = vec![-100.0, -50.0, -20.0, 0.0, 20.0, 50.0, 100.0];
    let mut px_met = Hist2D::new(axis(px_edges), axis(met_edges));
    for i in 0..w.len() {
        let (m0, m1, e0, e1) = (
            mo[i] as usize,
            mo[i + 1] as usize,
            eo[i] as usize,
            eo[i + 1] as usize,
        );
        if m1 - m0 < 2 || e1 - e0 < 2 || mq[m0] + mq[m0 + 1] != 0.0 || eq[e0] + eq[e0 + 1] != 0.0 {
            continue;
        }
        let idx_m = [m0, m0 + 1];
        let idx_e = [e0, e0 + 1];
        let sum = |m: &[f64], e: &[f64]| {
            idx_m.iter().map(|&k| m[k]).sum::<f64>() + idx_e.iter().map(|&k| e[k]).sum::<f64>()
        };
        let (e, x, y, z) = (
            sum(&me, &ee),
            sum(&mpx, &epx),
            sum(&mpy, &epy),
            sum(&mpz, &epz),
        );
        expected.fill_one((e * e - x * x - y * y - z * z).sqrt(), w[i]);
        for k in m0..m1 {
            px_py.fill(&[mpx[k]], &[mpy[k]], Some(&[w[i]])).unwrap();
            px_met.fill(&[mpx[k]], &[met_px[i]], Some(&[w[i]])).unwrap();
        }
    }
    let result_dir = tempfile::tempdir().unwrap();
    let analysis = Analysis::load(&repo("examples/hzz/hzz.toml")).unwrap();
    analysis
        .write_outputs(&result, result_dir.path(), false)
        .unwrap();
    let written = RootFile::open(result_dir.path().join("histograms.root")).unwrap();
    for (name, expected) in [("mu_px_py", &px_py), ("mu_px_met_px", &px_met)] {
        let key = HistKey::nominal("2e2mu", name, "hzz");
        let h = &result.histograms_2d[&key];
        assert!(h.entries() >= 40, "{key}: {} entries", h.entries());
        for (got, want) in [
            (h.values_with_flow(), expected.values_with_flow()),
            (h.variances_with_flow(), expected.variances_with_flow()),
        ] {
            assert_eq!(got.len(), want.len());
            for (a, b) in got.iter().zip(want) {
                assert!(close(*a, *b), "{key}: {got:?}\n{want:?}");
            }
        }
        // The TH2D in histograms.root holds the same cells, in ROOT's bin order.
        let back = hepkey_root::read_histogram(&written, &key.to_string()).unwrap();
        assert_eq!(back.class, "TH2D");
        let (nx, ny) = (h.x_axis().bins_with_flow(), h.y_axis().bins_with_flow());
        for iy in 0..ny {
            for ix in 0..nx {
                assert!(
                    close(back.values[ix + nx * iy], h.value(ix, iy)),
                    "{key} ({ix}, {iy})"
                );
                assert!(
                    close(back.sumw2[ix + nx * iy], h.variance(ix, iy)),
                    "{key} ({ix}, {iy})"
                );
            }
        }
    }
    let h = &result.histograms[&HistKey::nominal("2e2mu", "m4l_2e2mu", "hzz")];
    for (a, b) in h.values_with_flow().iter().zip(expected.values_with_flow()) {
        assert!(
            close(*a, *b),
            "{:?}\n{:?}",
            h.values_with_flow(),
            expected.values_with_flow()
        );
    }
    assert!(h.sum(true) > 0.0);
}

fn load_err(toml: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    let text = toml.replace(
        "DATA",
        &shared("data/root/uproot-Zmumu.root").display().to_string(),
    );
    std::fs::write(&path, text).unwrap();
    match Analysis::load(&path) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = "[analysis]\nname = \"t\"\ntree = \"events\"\n\n[[samples]]\nname = \"d\"\nkind = \"data\"\nfiles = [\"DATA\"]\n\n";

#[test]
fn mistakes_are_reported_with_their_place_before_reading_events() {
    // An unknown branch: file, line, column and a suggestion.
    let e = load_err(&format!("{HEAD}[[histograms]]\nname = \"h\"\nexpression = \"sqrt(px1**2 + pyy1**2)\"\nbins = 10\nrange = [0.0, 1.0]\n"));
    assert!(
        e.contains("bad.toml:12:29:") && e.contains("pyy1") && e.contains("py1"),
        "{e}"
    );
    // A selection that is not true/false per event.
    let e = load_err(&format!("{HEAD}[[selections]]\nname = \"s\"\ncut = \"pt1 + 1\"\n[[histograms]]\nname = \"h\"\nexpression = \"pt1\"\nbins = 10\nrange = [0.0, 1.0]\n"));
    assert!(
        e.contains("bad.toml:12:8:") && e.contains("true or false"),
        "{e}"
    );
    // Malformed TOML and unknown keys.
    let e = load_err(&format!(
        "{HEAD}[[histograms]]\nname = \"h\"\nexpresion = \"pt1\"\n"
    ));
    assert!(e.contains("bad.toml:12") && e.contains("expresion"), "{e}");
    // Files that do not exist.
    let e = load_err(&format!(
        "{}[[histograms]]\nname = \"h\"\nexpression = \"pt1\"\nbins = 10\nrange = [0.0, 1.0]\n",
        HEAD.replace("DATA", "/nonexistent/*.root")
    ));
    assert!(
        e.contains("no file matches") && e.contains("/nonexistent/*.root"),
        "{e}"
    );
}

#[test]
fn atlas_2020_hzz_passes_27_86_146_events_on_the_real_files() {
    // The release layout, with the three real data files of ../shared.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("4lep/Data");
    std::fs::create_dir_all(&data).unwrap();
    for p in ["A", "B", "C"] {
        let name = format!("data_{p}.4lep.root");
        std::fs::copy(shared(&format!("data/atlas/{name}")), data.join(&name)).unwrap();
    }
    let vars = [("ATLAS_2020".to_string(), dir.path().display().to_string())];
    let a = Analysis::load_with(&repo("examples/atlas/hzz_2020.toml"), &vars).unwrap();
    assert_eq!(
        a.plans.len(),
        3,
        "data_D and the simulation are absent: {:?}",
        a.warnings
    );
    let r = a.run(&|_| {}).unwrap();
    let passed: Vec<(String, u64)> = r
        .cutflows
        .iter()
        .map(|(s, steps)| (s.clone(), steps.last().unwrap().events))
        .collect();
    assert_eq!(
        passed,
        vec![
            ("data_A".into(), 27),
            ("data_B".into(), 86),
            ("data_C".into(), 146)
        ]
    );
    let total: f64 = ["data_A", "data_B", "data_C"]
        .iter()
        .map(|s| r.histograms[&HistKey::nominal("all", "m4l", s)].sum(true))
        .sum();
    assert_eq!(total, 27.0 + 86.0 + 146.0);
}

/// Chunks smaller than the file's baskets (uproot-HZZ.root holds each branch in one or a few
/// baskets) are read in order within a basket group: same histograms and cutflow as large chunks.
#[test]
fn chunks_smaller_than_baskets_give_the_same_results() {
    let mut a = Analysis::load(&repo("examples/hzz/hzz.toml")).unwrap();
    let whole = a.run(&|_| {}).unwrap();
    for size in [13, 500] {
        a.file.analysis.chunk_size = Some(size);
        let seen = std::sync::atomic::AtomicU64::new(0);
        let r = a
            .run(&|n| {
                seen.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
            })
            .unwrap();
        assert_eq!(seen.into_inner(), whole.events_read, "chunks of {size}");
        assert_eq!(r.events_read, whole.events_read);
        assert_eq!(r.histograms.len(), whole.histograms.len());
        for (k, h) in &whole.histograms {
            let (v, w) = (with_flow(h), with_flow(&r.histograms[k]));
            for (x, y) in v.0.iter().zip(&w.0).chain(v.1.iter().zip(&w.1)) {
                assert!(
                    (x - y).abs() <= 1e-12 * x.abs().max(1.0),
                    "{k}, chunks of {size}"
                );
            }
        }
        for ((_, steps), (_, want)) in r.cutflows.iter().zip(&whole.cutflows) {
            let events = |s: &[hepkey_analysis::run::CutflowStep]| -> Vec<u64> {
                s.iter().map(|x| x.events).collect()
            };
            assert_eq!(events(steps), events(want), "chunks of {size}");
        }
    }
}

#[test]
fn selections_run_in_stages_and_histograms_only_on_their_regions() {
    let a = Analysis::load(&repo("examples/agc/ttbar.toml")).unwrap_or_else(|e| panic!("{e}"));
    let plan = &a.plans[0];
    // One stage per selection, then the regions: the jet stage reads no lepton branch, the lepton
    // stage no jet branch.
    assert_eq!(plan.stages.len(), 3);
    let inputs: Vec<Vec<&str>> = plan.stages.iter().map(|s| s.program.inputs()).collect();
    assert!(
        inputs[0].iter().all(|c| !c.starts_with("Jet_")),
        "{inputs:?}"
    );
    assert!(
        inputs[1].iter().all(|c| c.starts_with("Jet_")),
        "{inputs:?}"
    );
    assert!(inputs[1].contains(&"Jet_pt") && !inputs[1].contains(&"Jet_btagCSVV2"));
    assert!(inputs[2].contains(&"Jet_btagCSVV2"));
    // The jet-energy-resolution pt (a normal quantile per jet) is computed once, by the jet stage,
    // and carried to the regions and the histograms, which read it; the pt scale (one product)
    // is computed where needed.
    assert_eq!(plan.carried.len(), 1, "{:?}", plan.carried);
    let jer = &plan.carried[0];
    assert_eq!((jer.name.as_str(), jer.stage), ("pt_res_up/Jet_pt", 1));
    assert!(plan.stages[1].position(jer.output).is_some());
    assert!(inputs[2].contains(&"pt_res_up/Jet_pt"), "{inputs:?}");
    assert!(!plan.inputs().contains(&"pt_res_up/Jet_pt"));
    assert!(!plan.inputs_from(1).contains(&"pt_res_up/Jet_pt"));
    assert!(plan.inputs_from(2).contains(&"pt_res_up/Jet_pt"));
    let jer_fills = plan
        .fills
        .iter()
        .filter(|f| f.part.program.inputs().contains(&"pt_res_up/Jet_pt"))
        .count();
    assert_eq!(jer_fills, 2);
    // Per kinematic variation, HT (4j1b) and m_bjj (4j2b) are separate programs, and only m_bjj's
    // reads the jets' phi and mass.
    assert_eq!(plan.fills.len(), 3 * 2);
    for f in &plan.fills {
        let hist = &a.file.histograms[f.histograms[0].0].name;
        assert_eq!(f.histograms.len(), 1);
        let reads_phi = f.part.program.inputs().contains(&"Jet_phi");
        assert_eq!(reads_phi, hist == "m_bjj", "{hist}");
    }
}
