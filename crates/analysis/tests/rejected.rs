//! Analysis files that would give wrong numbers with exit 0 are refused before any event is read.

use hepkey_analysis::Analysis;
use std::path::Path;

fn hzz() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root/uproot-HZZ.root")
        .canonicalize()
        .unwrap()
        .display()
        .to_string()
}

/// The error of loading an analysis of uproot's HZZ sample with `sample_extra` in its simulated
/// sample and `extra` at the end.
fn error_of(sample_extra: &str, extra: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.toml");
    let text = format!(
        r#"
[analysis]
name = "t"
tree = "events"
luminosity = 1000.0

[[samples]]
name = "mc"
kind = "background"
files = ["{file}"]
{sample_extra}

[[histograms]]
name = "met"
expression = "sqrt(MET_px * MET_px + MET_py * MET_py)"
bins = 10
range = [0.0, 100.0]
{extra}
"#,
        file = hzz()
    );
    std::fs::write(&path, text).unwrap();
    match Analysis::load(&path) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_sound_file_loads() {
    assert_eq!(error_of("xsec = 1.0\nsum_weights = 2421.0", ""), "");
}

#[test]
fn normalisation_numbers_must_be_positive() {
    let e = error_of("xsec = nan\nsum_weights = 10.0", "");
    assert!(e.contains("xsec is NaN"), "{e}");
    let e = error_of("xsec = 1.0\nsum_weights = -5.0", "");
    assert!(e.contains("sum_weights is -5"), "{e}");
    let e = error_of("xsec = 1.0\nsum_weights = 5.0\nkfactor = inf", "");
    assert!(e.contains("kfactor is inf"), "{e}");
}

#[test]
fn a_kinematic_variation_of_a_missing_column_is_an_error() {
    let e = error_of(
        "",
        "[[systematics]]\nname = \"met_scale\"\nkind = \"kinematic\"\nreplace = { MET_pX = \"MET_px * 1.1\" }\n",
    );
    assert!(
        e.contains("replaces \"MET_pX\", which is not a column of tree \"events\""),
        "{e}"
    );
    assert!(e.contains("did you mean `MET_px`?"), "{e}");
    let ok = error_of(
        "",
        "[[systematics]]\nname = \"met_scale\"\nkind = \"kinematic\"\nreplace = { MET_px = \"MET_px * 1.1\" }\n",
    );
    assert_eq!(ok, "");
}

#[test]
fn histogram_ranges_beyond_double_precision_are_errors() {
    for range in ["[0.0, 5e-324]", "[-1e308, 1e308]"] {
        let e = error_of(
            "",
            &format!("[[histograms]]\nname = \"h2\"\nexpression = \"MET_px\"\nbins = 10\nrange = {range}\n"),
        );
        assert!(e.contains("double precision"), "{range}: {e}");
    }
}

/// Writes an analysis of `input` with a sample `weight`, and loads it.
fn load_with_weight(dir: &Path, input: &Path, weight: &str) -> Analysis {
    let path = dir.join("w.toml");
    let text = format!(
        r#"
[analysis]
name = "t"
tree = "events"

[[samples]]
name = "mc"
kind = "background"
files = ["{file}"]
weight = "{weight}"

[[histograms]]
name = "njet"
expression = "NJet"
bins = 5
range = [0.0, 5.0]
"#,
        file = input.display()
    );
    std::fs::write(&path, text).unwrap();
    Analysis::load(&path).unwrap()
}

#[test]
fn an_infinite_weight_is_an_error_not_a_histogram_of_infinities() {
    let dir = tempfile::tempdir().unwrap();
    let analysis = load_with_weight(dir.path(), Path::new(&hzz()), "1.0 / 0.0");
    let err = analysis.run(&|_| {}).err().expect("ran").to_string();
    assert!(
        err.contains("histogram all/njet/mc/nominal: its sum of weights is inf"),
        "{err}"
    );
}

#[test]
fn an_input_that_changes_during_the_run_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("hzz.root");
    std::fs::copy(hzz(), &input).unwrap();
    let analysis = load_with_weight(dir.path(), &input, "1.0");
    analysis.run(&|_| {}).unwrap();
    // Another process appends to the file between opening and the end of the run.
    use std::io::Write;
    std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .unwrap()
        .write_all(b"more")
        .unwrap();
    let err = analysis.run(&|_| {}).err().expect("ran").to_string();
    assert!(err.contains("changed while it was read"), "{err}");
}
