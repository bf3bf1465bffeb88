//! The page's Rust side on real files of ../shared, against uproot/numpy reference numbers
//! (computed once with uproot 5 and numpy, written here).

use hepkey_web::analysis::Compare;
use hepkey_web::analysis::{AnalysisResult, CutflowStep};
use hepkey_web::contents::Kind;
use hepkey_web::{AnalysisRequest, Cut, Session};
use std::path::PathBuf;

fn shared(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root")
        .join(name)
}

fn open(name: &str) -> Session {
    let bytes = std::fs::read(shared(name)).expect("shared test file");
    Session::open(name, bytes).expect("opens")
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(1e-12)
}

#[test]
fn lists_trees_with_their_branches() {
    let s = open("uproot-HZZ.root");
    let list = s.contents().unwrap();
    assert_eq!(list.len(), 1);
    let events = &list[0];
    assert_eq!((events.path.as_str(), events.kind), ("events", Kind::Tree));
    assert_eq!(events.entries, Some(2421));
    let names: Vec<&str> = events.branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names.len(), 51);
    assert_eq!(&names[..3], ["NJet", "Jet_Px", "Jet_Py"]);
    assert_eq!(names[50], "EventWeight");
    let px = &events.branches[1];
    assert!(px.numeric && px.jagged, "{px:?}");
    let njet = &events.branches[0];
    assert!(njet.numeric && !njet.jagged, "{njet:?}");
}

#[test]
fn lists_and_reads_histograms() {
    let s = open("uproot-hepdata-example.root");
    let kinds: Vec<(String, Kind)> = s
        .contents()
        .unwrap()
        .into_iter()
        .map(|o| (o.path, o.kind))
        .collect();
    assert!(kinds.contains(&("hpx".into(), Kind::Histogram1d)));
    assert!(kinds.contains(&("hpxpy".into(), Kind::Histogram2d)));
    assert!(kinds.contains(&("ntuple".into(), Kind::Tree)));

    let h = s.histogram("hpxpy").unwrap();
    assert_eq!(h.axes.len(), 2);
    assert_eq!(h.values.len(), 40 * 40);
    assert_eq!(h.values.iter().sum::<f64>(), 74985.0);
    // uproot's values()[ix, iy]: [20, 25] = 273, [25, 20] = 279; ours are row after row, x fastest.
    assert_eq!(h.values[25 * 40 + 20], 273.0);
    assert_eq!(h.values[20 * 40 + 25], 279.0);

    let s = open("uproot-histograms.root");
    let one = s.histogram("one").unwrap();
    assert_eq!(
        one.values,
        [68.0, 285.0, 755.0, 1580.0, 2296.0, 2286.0, 1570.0, 795.0, 289.0, 76.0]
    );
    assert!(close(one.errors[4], 47.916594202843754, 1e-12));
    assert_eq!(one.axes[0].edges.first(), Some(&-3.0));
    assert_eq!(one.axes[0].edges.last(), Some(&3.0));
}

#[test]
fn fills_a_jagged_expression_with_cut_and_weight() {
    let mut s = open("uproot-HZZ.root");
    let request = AnalysisRequest {
        tree: "events".into(),
        variable: "Muon_Px".into(),
        cuts: vec![Cut {
            name: "two muons".into(),
            expression: "NMuon >= 2".into(),
            compare: None,
        }],
        weight: Some("EventWeight".into()),
        bins: 20,
        low: Some(-100.0),
        high: Some(100.0),
        ..Default::default()
    };
    let AnalysisResult::Filled { histogram, cutflow } = s.analyse(&request) else {
        panic!("fails: {:?}", s.analyse(&request))
    };
    // numpy.histogram of ak.flatten(Muon_Px[NMuon >= 2]) weighted by the broadcast EventWeight.
    let numpy = [
        0.11151440441608429,
        0.18656767904758453,
        0.18906189501285553,
        0.4572705328464508,
        0.7053025364875793,
        1.1638338565826416,
        1.736077070236206,
        2.081066846847534,
        1.7905542850494385,
        1.703532099723816,
        1.6951590776443481,
        2.022728204727173,
        2.1387720108032227,
        1.4639812707901,
        1.2337944507598877,
        0.658461332321167,
        0.3545709550380707,
        0.20493553578853607,
        0.21647559106349945,
        0.10864175111055374,
    ];
    for (ours, theirs) in histogram.values.iter().zip(numpy) {
        assert!(close(*ours, theirs, 1e-5), "{ours} vs {theirs}");
    }
    assert_eq!(cutflow.len(), 2);
    assert_eq!(cutflow[0].events, 2421);
    assert!(close(cutflow[0].weighted, 16.922521591186523, 1e-5));
    assert_eq!(cutflow[1].events, 1413);
    assert!(close(cutflow[1].weighted, 10.142988204956055, 1e-5));
}

#[test]
fn moving_a_cut_changes_only_what_it_should() {
    // A slider moves: the same request with another threshold, the columns already decoded.
    let mut s = open("uproot-HZZ.root");
    // `slider`: the cut as the page's slider sends it, its left side evaluated once.
    let count = |s: &mut Session, threshold: i32, slider: bool| -> Vec<CutflowStep> {
        let request = AnalysisRequest {
            tree: "events".into(),
            definitions: "muons = Muon[Muon_Iso < 5]".into(),
            variable: "num(muons.Px)".into(),
            cuts: vec![Cut {
                name: "jets".into(),
                expression: format!("NJet >= {threshold}"),
                compare: slider.then(|| Compare {
                    lhs: "NJet".into(),
                    op: ">=".into(),
                    value: threshold.into(),
                }),
            }],
            bins: 5,
            low: Some(0.0),
            high: Some(5.0),
            ..Default::default()
        };
        match s.analyse(&request) {
            AnalysisResult::Filled { cutflow, histogram } => {
                assert_eq!(
                    histogram.values.iter().sum::<f64>(),
                    cutflow[1].events as f64
                );
                cutflow
            }
            AnalysisResult::Failed { error } => panic!("{error:?}"),
        }
    };
    let loose = count(&mut s, 0, false);
    let tight = count(&mut s, 2, false);
    assert_eq!(loose[1].events, 2421);
    assert!(tight[1].events < loose[1].events && tight[1].events > 0);
    assert_eq!(count(&mut s, 0, true), loose);
    assert_eq!(count(&mut s, 2, true), tight);
    // A left side that is not one number per event is refused, naming the cut.
    let request = AnalysisRequest {
        tree: "events".into(),
        variable: "NJet".into(),
        cuts: vec![Cut {
            name: "muons".into(),
            expression: "(Muon_Px) > 3".into(),
            compare: Some(Compare {
                lhs: "Muon_Px".into(),
                op: ">".into(),
                value: 3.0,
            }),
        }],
        bins: 5,
        ..Default::default()
    };
    let AnalysisResult::Failed { error } = s.analyse(&request) else {
        panic!("a list per event cannot be compared")
    };
    assert_eq!(error.field, "cut 0");
    assert!(error.message.contains("(Muon_Px) > 3"), "{}", error.message);
}

#[test]
fn expression_errors_say_where() {
    let mut s = open("uproot-HZZ.root");
    let mut request = AnalysisRequest {
        tree: "events".into(),
        variable: "Muon_Pxx * 2".into(),
        bins: 10,
        ..Default::default()
    };
    let AnalysisResult::Failed { error } = s.analyse(&request) else {
        panic!("an unknown name must fail")
    };
    assert_eq!(error.field, "variable");
    assert_eq!((error.start, error.end), (Some(0), Some(8)));
    assert!(
        error.rendered.contains("Muon_Px"),
        "did you mean: {}",
        error.rendered
    );

    request.variable = "Muon_Px".into();
    request.cuts = vec![Cut {
        name: "not a cut".into(),
        expression: "Muon_Px > 3".into(),
        compare: None,
    }];
    let AnalysisResult::Failed { error } = s.analyse(&request) else {
        panic!("a list per event is no cut")
    };
    assert_eq!(error.field, "cut 0");
    assert!(
        error.message.contains("one true/false per event"),
        "{error:?}"
    );
}

#[test]
fn corrupt_bytes_are_an_error_not_a_panic() {
    let mut bytes = std::fs::read(shared("uproot-HZZ.root")).unwrap();
    assert!(Session::open("text.root", b"hello, not ROOT".to_vec()).is_err());
    // Cut the file in half: the directory at the end is gone.
    bytes.truncate(bytes.len() / 2);
    let err = Session::open("half.root", bytes.clone())
        .and_then(|s| s.contents().map(|_| ()))
        .expect_err("half a file");
    assert!(err.contains("half.root"), "{err}");
    // Scribble over the baskets: reading a branch fails with a message.
    let mut bytes = std::fs::read(shared("uproot-HZZ.root")).unwrap();
    for b in &mut bytes[2000..200_000] {
        *b = 0x5a;
    }
    if let Ok(mut s) = Session::open("scribbled.root", bytes) {
        let request = AnalysisRequest {
            tree: "events".into(),
            variable: "Jet_Px".into(),
            bins: 10,
            ..Default::default()
        };
        let _ = s.analyse(&request);
    }
}
