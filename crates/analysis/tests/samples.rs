//! Samples: which files a sample's patterns find (and what happens when one finds
//! nothing), and `${NAME}` variables in weights and normalisation numbers.

use hepkey_analysis::Analysis;
use std::path::{Path, PathBuf};

fn zmumu() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/root/uproot-Zmumu.root")
}

/// Writes `toml` (with `ZMUMU` standing for the shared Z→μμ file) and loads it.
fn load(dir: &Path, toml: &str, vars: &[(&str, &str)]) -> hepkey_analysis::Result<Analysis> {
    let path = dir.join("a.toml");
    let text = toml.replace("ZMUMU", &zmumu().display().to_string());
    std::fs::write(&path, text).unwrap();
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Analysis::load_with(&path, &vars)
}

const HIST: &str =
    "\n[[histograms]]\nname = \"h\"\nexpression = \"pt1\"\nbins = 10\nrange = [0.0, 1000.0]\n";

fn sample(name: &str, files: &str, extra: &str) -> String {
    format!("[[samples]]\nname = \"{name}\"\nkind = \"background\"\nfiles = {files}\n{extra}\n")
}

fn analysis(samples: &str) -> String {
    format!("[analysis]\nname = \"t\"\ntree = \"events\"\nluminosity = 10.0\n\n{samples}{HIST}")
}

/// Entries of the Z→μμ tree.
const N: f64 = 2304.0;

/// Σw of histogram `h` of `sample` (flow included).
fn total(a: &Analysis, sample: &str) -> f64 {
    let r = a.run(&|_| {}).unwrap();
    let (_, h) = r
        .histograms
        .iter()
        .find(|(k, _)| k.histogram == "h" && k.sample == sample && k.is_nominal())
        .unwrap_or_else(|| panic!("no histogram of {sample}: {:?}", r.histograms.keys()));
    h.sum(true)
}

#[test]
fn a_pattern_matching_nothing_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing_*.root").display().to_string();
    let files = format!("[\"ZMUMU\", \"{missing}\"]");
    let e = load(dir.path(), &analysis(&sample("mc", &files, "")), &[])
        .err()
        .expect("an error")
        .to_string();
    assert!(e.contains("no file matches") && e.contains(&missing), "{e}");
    assert!(e.contains("\"mc\"") && e.contains("optional"), "{e}");
}

#[test]
fn optional_samples_use_what_they_find_and_are_skipped_only_when_empty() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing_*.root").display().to_string();
    // One pattern of two finds nothing: the sample runs on the other, with a warning.
    let files = format!("[\"{missing}\", \"ZMUMU\"]");
    let a = load(
        dir.path(),
        &analysis(&sample("mc", &files, "optional = true")),
        &[],
    )
    .unwrap();
    assert_eq!(a.plans.len(), 1);
    assert_eq!(a.plans[0].files, vec![zmumu()]);
    assert_eq!(a.plans[0].entries, N as u64);
    assert_eq!(a.warnings.len(), 1);
    assert!(a.warnings[0].contains(&missing), "{:?}", a.warnings);
    assert_eq!(total(&a, "mc"), N);
    // Nothing found at all: skipped with a warning, the other samples run.
    let samples = format!(
        "{}{}",
        sample("mc", &format!("[\"{missing}\"]"), "optional = true"),
        sample("other", "[\"ZMUMU\", \"ZMUMU\"]", "")
    );
    let a = load(dir.path(), &analysis(&samples), &[]).unwrap();
    assert_eq!(a.plans.len(), 1);
    assert_eq!(a.plans[0].config.name, "other");
    assert_eq!(a.plans[0].entries, 2 * N as u64);
    assert!(
        a.warnings.len() == 1 && a.warnings[0].contains("skipped"),
        "{:?}",
        a.warnings
    );
    // Other mistakes in an optional sample are still errors.
    let e = load(
        dir.path(),
        &analysis(&sample(
            "mc",
            "[\"${NOT_SET_ANYWHERE_42}/x.root\"]",
            "optional = true",
        )),
        &[],
    )
    .err()
    .expect("an error")
    .to_string();
    assert!(e.contains("NOT_SET_ANYWHERE_42"), "{e}");
}

#[test]
fn variables_in_weights_and_normalisation() {
    let dir = tempfile::tempdir().unwrap();
    let extra = "xsec = \"${XSEC}\"\nkfactor = \"${K}\"\nsum_weights = \"${SUMW}\"\nweight = \"${W} * (pt1 > 0)\"";
    let toml = format!(
        "[variables]\nXSEC = \"3.0\"\nK = \"1.5\"\nSUMW = \"entries\"\nW = \"0.25\"\n\n{}",
        analysis(&sample("mc", "[\"ZMUMU\"]", extra))
    );
    let a = load(dir.path(), &toml, &[]).unwrap();
    // xsec · k · L / Σw with Σw = entries.
    let norm = 3.0 * 1.5 * 10.0 / N;
    assert_eq!(a.plans[0].norm, norm);
    assert!((total(&a, "mc") - 0.25 * N * norm).abs() < 1e-9);
    // --set overrides [variables].
    let a = load(dir.path(), &toml, &[("W", "2"), ("SUMW", "100")]).unwrap();
    let norm = 3.0 * 1.5 * 10.0 / 100.0;
    assert_eq!(a.plans[0].norm, norm);
    assert!((total(&a, "mc") - 2.0 * N * norm).abs() < 1e-9);
    // A value that is not a number, and an unset variable, are errors naming the key.
    let e = load(dir.path(), &toml, &[("XSEC", "lots")])
        .err()
        .expect("an error")
        .to_string();
    assert!(e.contains("xsec") && e.contains("lots"), "{e}");
    let toml = analysis(&sample(
        "mc",
        "[\"ZMUMU\"]",
        "weight = \"${NOPE_NOT_SET_7}\"",
    ));
    let e = load(dir.path(), &toml, &[])
        .err()
        .expect("an error")
        .to_string();
    assert!(e.contains("weight") && e.contains("NOPE_NOT_SET_7"), "{e}");
}
