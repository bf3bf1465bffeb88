//! The one validation pass: mistakes in an analysis file's names and references are refused
//! before any file is opened, naming the analysis file and the item. Without these checks
//! each file below would load, and merge, mislabel or silently drop histograms.

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

const MET: &str = "sqrt(MET_px * MET_px + MET_py * MET_py)";

/// The error of loading `parts` (regions, selections, histograms) after a valid header and
/// sample, with the analysis file's path; empty when it loads.
fn error_of(parts: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("analysis.toml");
    let text = format!(
        "[analysis]\nname = \"t\"\ntree = \"events\"\n\n[[samples]]\nname = \"mc\"\nkind = \"background\"\nfiles = [\"{}\"]\n\n{parts}",
        hzz()
    );
    std::fs::write(&path, text).unwrap();
    let error = match Analysis::load(&path) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    };
    (error, path.display().to_string())
}

fn histogram(name: &str, regions: Option<&str>) -> String {
    let regions = regions.map_or(String::new(), |r| format!("regions = {r}\n"));
    format!("[[histograms]]\nname = \"{name}\"\nexpression = \"{MET}\"\nbins = 10\nrange = [0.0, 100.0]\n{regions}")
}

fn region(name: &str) -> String {
    format!("[[regions]]\nname = \"{name}\"\ncut = \"NMuon >= 1\"\n")
}

/// Asserts the load fails with a message naming the file and containing `want`.
fn assert_rejected(parts: &str, want: &str) {
    let (e, path) = error_of(parts);
    assert!(e.starts_with(&format!("{path}: ")), "names the file: {e}");
    assert!(e.contains(want), "wanted {want:?} in: {e}");
}

#[test]
fn a_sound_file_loads() {
    let parts = format!(
        "{}{}{}",
        region("one_mu"),
        region("two_mu"),
        histogram("met", Some("[\"one_mu\"]"))
    );
    assert_eq!(error_of(&parts).0, "");
}

#[test]
fn duplicate_histogram_names_are_refused() {
    let parts = format!("{}{}", histogram("met", None), histogram("met", None));
    assert_rejected(&parts, "two histograms are named \"met\"");
}

#[test]
fn duplicate_region_names_are_refused() {
    let parts = format!("{}{}{}", region("sr"), region("sr"), histogram("met", None));
    assert_rejected(&parts, "two regions are named \"sr\"");
}

#[test]
fn a_slash_in_a_name_is_refused() {
    assert_rejected(
        &histogram("met/pt", None),
        "histogram name \"met/pt\" contains '/'",
    );
    let parts = format!("{}{}", region("a/b"), histogram("met", None));
    assert_rejected(&parts, "region name \"a/b\" contains '/'");
}

#[test]
fn reserved_names_are_refused() {
    // "all" is the region of a file without [[regions]].
    let parts = format!(
        "{}{}{}",
        region("all"),
        region("sr"),
        histogram("met", None)
    );
    assert_rejected(&parts, "region name \"all\" is reserved");
    // "all events" is the cutflow's first step.
    let parts = format!(
        "[[selections]]\nname = \"all events\"\ncut = \"NMuon >= 0\"\n{}",
        histogram("met", None)
    );
    assert_rejected(&parts, "selection name \"all events\" is reserved");
}

#[test]
fn a_histogram_in_a_missing_region_is_refused() {
    let parts = format!(
        "{}{}",
        region("one_mu"),
        histogram("met", Some("[\"one_muon\"]"))
    );
    assert_rejected(
        &parts,
        "histogram \"met\" fills region \"one_muon\", which does not exist; its regions are one_mu",
    );
    // Without [[regions]] there is no region to name.
    assert_rejected(
        &histogram("met", Some("[\"all\"]")),
        "the file declares no [[regions]]",
    );
}

#[test]
fn a_histogram_in_no_region_is_refused() {
    let parts = format!("{}{}", region("one_mu"), histogram("met", Some("[]")));
    assert_rejected(&parts, "histogram \"met\" lists no regions");
}

#[test]
fn an_alternative_sample_needs_both_keys() {
    let parts = format!(
        "[[samples]]\nname = \"alt\"\nkind = \"background\"\nfiles = [\"{}\"]\nvariation = \"alt\"\n{}",
        hzz(),
        histogram("met", None)
    );
    assert_rejected(&parts, "`variation_of` and `variation` go together");
}

#[test]
fn a_systematic_of_no_effect_or_unclear_form_is_refused() {
    let met = histogram("met", None);
    assert_rejected(
        &format!("{met}[[systematics]]\nname = \"jes\"\nkind = \"kinematic\"\n"),
        "kinematic systematic \"jes\" replaces no column",
    );
    assert_rejected(
        &format!("{met}[[systematics]]\nname = \"sf\"\nkind = \"weight\"\ndown = \"0.9\"\n"),
        "weight systematic \"sf\" needs `up` and `down`, `up` alone, or one `factor`",
    );
    assert_rejected(
        &format!(
            "{met}[[systematics]]\nname = \"sf\"\nkind = \"weight\"\nup = \"1.1\"\nfactor = \"1.2\"\n"
        ),
        "weight systematic \"sf\" needs",
    );
}
