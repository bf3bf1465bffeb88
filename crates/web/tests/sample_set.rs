//! The page's sample sets against `hepkey run`: the Z → ℓℓ example on generated 2lep samples, a cut
//! moved as a slider moves it, then the analysis file "Save analysis" writes, run by hepkey-analysis.
//! Every sample's histogram and cutflow must be the same.

use hepkey_analysis::key::IMPLICIT_REGION;
use hepkey_analysis::{Analysis, HistKey};
use hepkey_web::analysis::{Compare, Cut};
use hepkey_web::{SampleSet, SetRequest};
use std::collections::BTreeMap;
use std::path::Path;

const ZLL: &str = include_str!("../../../examples/atlas/zll_2020.toml");

fn root_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "root") {
                out.push(
                    p.strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1e-300)
}

#[test]
fn a_sample_set_fills_what_hepkey_run_fills_from_the_saved_file() {
    let dir = tempfile::tempdir().unwrap();
    let opts = hepkey_atlas::GenerateOptions {
        data_events: 20_000,
        seed: 5,
        format: Default::default(),
    };
    hepkey_atlas::release::generate(
        &hepkey_atlas::zll::COLLECTION,
        &dir.path().join("data/atlas-opendata-2020"),
        &opts,
        &|_| {},
    )
    .unwrap();
    // The analysis file one folder away from the samples, with its variable pointing at them
    // (relative to the file, as `hepkey run` reads it).
    std::fs::create_dir(dir.path().join("analyses")).unwrap();
    let available = root_files(dir.path());
    let vars = BTreeMap::from([(
        "ATLAS_2020".to_string(),
        "../data/atlas-opendata-2020".to_string(),
    )]);
    let mut set = SampleSet::resolve("analyses/zll.toml", ZLL, &available, &vars).unwrap();
    let info = set.info().clone();
    let names: Vec<&str> = info.samples.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names[..4], ["data_A", "data_B", "data_C", "data_D"]);
    assert!(
        names.contains(&"Zee") && names.contains(&"Zmumu"),
        "{names:?}"
    );
    for s in &info.samples {
        for f in &s.files {
            set.add_file(f, std::fs::read(dir.path().join(f)).unwrap())
                .unwrap();
        }
    }
    // The selections, the mass window narrowed as a slider narrows it.
    let mut cuts: Vec<Cut> = info.selections.clone();
    let window = cuts
        .iter_mut()
        .find(|c| c.expression.contains("91.18"))
        .unwrap();
    window.name = "abs(mll - 91.18) < 12.5".into();
    window.expression = "(abs(mll - 91.18)) < 12.5".into();
    window.compare = Some(Compare {
        lhs: "abs(mll - 91.18)".into(),
        op: "<".into(),
        value: 12.5,
    });
    let mll = info.histograms.iter().find(|h| h.name == "mLL").unwrap();
    let request = SetRequest {
        definitions: info.definitions.clone(),
        variable: mll.expression.clone(),
        cuts,
        bins: 25,
        low: 78.0,
        high: 104.0,
        name: Some("mLL".into()),
        xlabel: Some(mll.xlabel.clone()),
    };
    let page = set.analyse(&request).unwrap();
    assert_eq!(page.samples.len(), info.samples.len());
    let saved = set.save(&request).unwrap();
    let saved_path = dir.path().join("analyses/saved.toml");
    std::fs::write(&saved_path, &saved).unwrap();

    let analysis = Analysis::load(&saved_path).unwrap();
    let run = analysis.run(&|_| {}).unwrap();
    let mut filled = 0.0;
    for s in &page.samples {
        let h = &run.histograms[&HistKey::nominal(IMPLICIT_REGION, "mLL", &s.name)];
        assert_eq!(h.values().len(), s.values.len());
        for (a, b) in h.values().iter().zip(&s.values) {
            assert!(close(*a, *b), "{}: run {a}, page {b}", s.name);
        }
        for (a, b) in h.variances().iter().zip(&s.variances) {
            assert!(close(*a, *b), "{}: run Σw² {a}, page {b}", s.name);
        }
        let (_, flow) = run.cutflows.iter().find(|(n, _)| *n == s.name).unwrap();
        let page_counts: Vec<u64> = s.cutflow.iter().map(|c| c.events).collect();
        let run_counts: Vec<u64> = flow.iter().map(|c| c.events).collect();
        assert_eq!(page_counts, run_counts, "{}", s.name);
        filled += s.values.iter().sum::<f64>();
    }
    assert!(filled > 1000.0, "the selection keeps events: {filled}");
    // Simulation is scaled: the Z samples' weights are not 1.
    let zmumu = page.samples.iter().find(|s| s.name == "Zmumu").unwrap();
    let events = zmumu.cutflow.last().unwrap().events as f64;
    let weighted = zmumu.cutflow.last().unwrap().weighted;
    assert!(events > 0.0 && !close(events, weighted));
}

#[test]
fn a_sample_set_names_what_it_cannot_find() {
    let e = SampleSet::resolve(
        "zll.toml",
        ZLL,
        &["other.root".to_string()],
        &BTreeMap::new(),
    )
    .err()
    .unwrap();
    assert!(e.contains("no sample has files"), "{e}");
    let e = SampleSet::resolve("zll.toml", "[analysis\nname = 1", &[], &BTreeMap::new())
        .err()
        .unwrap();
    assert!(e.starts_with("zll.toml: "), "{e}");
}
