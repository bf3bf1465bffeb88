//! Checks of an analysis file that need no input file: names, references between its parts,
//! histogram sizes. They run before any file is opened, so a mistake that would silently merge,
//! drop or mislabel results stops the run instead of producing wrong numbers with exit 0.

use crate::config::{AnalysisFile, HistogramConfig, Number, SumWeights, SystematicKind, CATALOG};
use crate::error::{Error, Result};
use crate::key::{fills, region_names, ALL_EVENTS, IMPLICIT_REGION, NOMINAL};
use std::collections::{BTreeMap, HashMap};

/// Bins of one histogram axis, at most: a larger axis is a typing mistake, and would take
/// gigabytes per sample and variation.
pub const MAX_BINS: usize = 1_000_000;
/// Cells of a 2D histogram, at most (flow bins included).
pub const MAX_CELLS_2D: usize = 10_000_000;
/// Selections, regions, histograms and systematics of one file, each at most: every one adds
/// programs and outputs per sample and variation; thousands are a generated file gone wrong
/// (5,000 selections took 3.4 GB).
pub const MAX_ITEMS: usize = 1_000;
/// Histogram cells (bins with flow) one sample may fill over its regions and variations: each
/// cell holds two doubles per chunk in flight.
pub const MAX_CELLS_PER_SAMPLE: usize = 50_000_000;
/// Characters in a name: names become file names (255 bytes at most on common file systems)
/// and ROOT directory names.
pub const MAX_NAME_CHARS: usize = 100;

/// Every check; `path` names the file in messages.
pub fn validate(file: &AnalysisFile, path: &str) -> Result<()> {
    let err = |msg: String| Error::Config(format!("{path}: {msg}"));
    check_names(file).map_err(err)?;
    check_references(file).map_err(err)?;
    for h in &file.histograms {
        check_binning(h).map_err(err)?;
        // The axes themselves (finite, increasing, representable), as the run will make them.
        crate::template::new_hist(h).map_err(|e| err(e.to_string()))?;
    }
    check_plot_files(file).map_err(err)?;
    crate::skim::check(file).map_err(err)?;
    check_sizes(file).map_err(err)?;
    Ok(())
}

/// A name usable as a key part, a ROOT directory and a file name.
pub(crate) fn check_name(kind: &str, name: &str) -> std::result::Result<(), String> {
    let problem = if name.trim().is_empty() {
        Some("is empty".to_string())
    } else if name.contains('/') {
        Some("contains '/', which separates the parts of output keys and ROOT paths".to_string())
    } else if name == "." || name == ".." {
        Some("is a directory name".to_string())
    } else if name.chars().any(char::is_control) {
        Some("contains a control character".to_string())
    } else if name.chars().count() > MAX_NAME_CHARS {
        Some(format!(
            "is {} characters long (at most {MAX_NAME_CHARS}: names become file names)",
            name.chars().count()
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(format!("{kind} name {name:?} {p}")),
        None => Ok(()),
    }
}

/// Names of one kind must differ: two alike would be merged into one output.
fn check_unique<'a>(kind: &str, names: impl IntoIterator<Item = &'a str>) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for name in names {
        check_name(kind, name)?;
        if !seen.insert(name) {
            return Err(format!(
                "two {kind}s are named {name:?} (their results would be merged)"
            ));
        }
    }
    Ok(())
}

fn check_names(file: &AnalysisFile) -> std::result::Result<(), String> {
    check_unique("sample", file.samples.iter().map(|s| s.name.as_str()))?;
    check_unique("region", file.regions.iter().map(|r| r.name.as_str()))?;
    check_unique("histogram", file.histograms.iter().map(|h| h.name.as_str()))?;
    check_unique(
        "systematic",
        file.systematics.iter().map(|s| s.name.as_str()),
    )?;
    // The cutflow's first step, and the region of a file without [[regions]]: a part named
    // alike would be taken for them in the cutflow, the output keys and the plots.
    for s in &file.selections {
        if s.name.trim().is_empty() {
            return Err("a selection has an empty name".into());
        }
        if s.name == ALL_EVENTS {
            return Err(format!(
                "selection name {ALL_EVENTS:?} is reserved: it is the cutflow's first step; rename the selection"
            ));
        }
    }
    if let Some(r) = file.regions.iter().find(|r| r.name == IMPLICIT_REGION) {
        return Err(format!(
            "region name {:?} is reserved: it names every selected event in a file without [[regions]]; rename the region",
            r.name
        ));
    }
    if file.histograms.is_empty() {
        return Err("no [[histograms]]: there would be nothing to fill".into());
    }
    Ok(())
}

/// The variation names each systematic files histograms under.
fn variation_names(s: &crate::config::Systematic) -> Vec<String> {
    match s.kind {
        SystematicKind::Kinematic => vec![s.name.clone()],
        SystematicKind::Weight => s
            .weight_sides()
            .unwrap_or_default()
            .into_iter()
            .map(|(name, _)| name)
            .collect(),
    }
}

fn check_references(file: &AnalysisFile) -> std::result::Result<(), String> {
    let samples: Vec<&str> = file.samples.iter().map(|s| s.name.as_str()).collect();
    for s in &file.samples {
        match (&s.dataset, s.files.is_empty()) {
            (None, true) => {
                return Err(format!(
                    "sample {:?} lists no files (`files = [\"data/*.root\"]`, or `dataset = \"NAME\"` from `hepkey data list`)",
                    s.name
                ))
            }
            (Some(_), false) => {
                return Err(format!(
                    "sample {:?} has both `files` and `dataset`; give one",
                    s.name
                ))
            }
            (Some(d), true) if d.trim().is_empty() => {
                return Err(format!("sample {:?}: `dataset` is empty", s.name))
            }
            _ => {}
        }
        let from_catalog =
            |n: Option<&Number>| matches!(n, Some(Number::Text(t)) if t.trim() == CATALOG);
        let sumw_from_catalog =
            matches!(&s.sum_weights, Some(SumWeights::Keyword(k)) if k.trim() == CATALOG);
        for (key, uses) in [
            ("xsec", from_catalog(s.xsec.as_ref())),
            ("kfactor", from_catalog(s.kfactor.as_ref())),
            ("filter_eff", from_catalog(s.filter_eff.as_ref())),
            ("sum_weights", sumw_from_catalog),
        ] {
            if uses && s.dataset.is_none() {
                return Err(format!(
                    "sample {:?}: {key} = \"catalog\" needs `dataset = \"NAME\"` (the catalog entry to take it from)",
                    s.name
                ));
            }
        }
    }
    let regions: Vec<&str> = file.regions.iter().map(|r| r.name.as_str()).collect();
    for h in &file.histograms {
        if h.regions.as_ref().is_some_and(Vec::is_empty) {
            return Err(format!(
                "histogram {:?} lists no regions (`regions = []`), so it would never be filled; omit `regions` to fill it in every region",
                h.name
            ));
        }
        for r in h.regions.iter().flatten() {
            if !regions.contains(&r.as_str()) {
                let known = if regions.is_empty() {
                    "the file declares no [[regions]]".to_string()
                } else {
                    format!("its regions are {}", regions.join(", "))
                };
                return Err(format!(
                    "histogram {:?} fills region {r:?}, which does not exist; {known}",
                    h.name
                ));
            }
        }
    }

    // Every variation name a sample's histograms are filed under, and who makes it.
    let mut made_by: BTreeMap<String, String> = BTreeMap::new();
    for s in &file.systematics {
        match s.kind {
            SystematicKind::Kinematic if s.replace.is_empty() => {
                return Err(format!(
                    "kinematic systematic {:?} replaces no column (add `replace = {{ Jet_pt = \"Jet_pt * 1.03\" }}`)",
                    s.name
                ));
            }
            SystematicKind::Weight if s.weight_sides().is_none() => {
                return Err(format!(
                    "weight systematic {:?} needs `up` and `down`, `up` alone, or one `factor`",
                    s.name
                ));
            }
            _ => {}
        }
        for listed in s.samples.iter().flatten() {
            if !samples.contains(&listed.as_str()) {
                return Err(format!(
                    "systematic {:?} applies to sample {listed:?}, which does not exist; the samples are {}",
                    s.name,
                    samples.join(", ")
                ));
            }
        }
        for v in variation_names(s) {
            if v == NOMINAL {
                return Err(format!(
                    "systematic {:?} would be filed as {NOMINAL:?}, the name of the nominal histograms",
                    s.name
                ));
            }
            if let Some(other) = made_by.insert(v.clone(), format!("systematic {:?}", s.name)) {
                return Err(format!(
                    "systematic {:?} and {other} both make variation {v:?}",
                    s.name
                ));
            }
        }
    }
    let mut alternatives: HashMap<(&str, &str), &str> = HashMap::new();
    for s in &file.samples {
        if s.variation_of.is_some() != s.variation.is_some() {
            return Err(format!(
                "sample {:?}: `variation_of` and `variation` go together",
                s.name
            ));
        }
        if let Some(nominal) = &s.variation_of {
            if !file
                .samples
                .iter()
                .any(|n| &n.name == nominal && n.variation_of.is_none())
            {
                return Err(format!(
                    "sample {:?} is a variation of {nominal:?}, which is not a nominal sample of this analysis",
                    s.name
                ));
            }
        }
        let Some(variation) = &s.variation else {
            continue;
        };
        let nominal = s.variation_of.as_deref().unwrap_or("");
        if variation == NOMINAL {
            return Err(format!(
                "sample {:?}: variation = {NOMINAL:?} would add it to the nominal histograms of {nominal:?}; name the variation (e.g. \"{}\")",
                s.name, s.name
            ));
        }
        check_name("variation", variation)?;
        if let Some(other) = made_by.get(variation) {
            return Err(format!(
                "sample {:?}: variation {variation:?} is also made by {other}",
                s.name
            ));
        }
        if let Some(other) = alternatives.insert((nominal, variation), &s.name) {
            return Err(format!(
                "samples {other:?} and {:?} are both variation {variation:?} of {nominal:?}",
                s.name
            ));
        }
    }
    Ok(())
}

fn check_binning(h: &HistogramConfig) -> std::result::Result<(), String> {
    let bins_of = |what: &str,
                   bins: Option<usize>,
                   edges: &Option<Vec<f64>>|
     -> std::result::Result<usize, String> {
        let n = match (bins, edges) {
            (Some(n), _) => n,
            (None, Some(e)) => e.len().saturating_sub(1),
            (None, None) => return Ok(1),
        };
        if n > MAX_BINS {
            return Err(format!(
                "histogram {:?}: {n} bins on {what} (at most {MAX_BINS})",
                h.name
            ));
        }
        Ok(n)
    };
    let x = bins_of("x", h.bins, &h.edges)?;
    if let Some(y) = &h.y {
        let ny = bins_of("y", y.bins, &y.edges)?;
        let cells = (x + 2).saturating_mul(ny + 2);
        if cells > MAX_CELLS_2D {
            return Err(format!(
                "histogram {:?}: {x} × {ny} bins make {cells} cells (at most {MAX_CELLS_2D})",
                h.name
            ));
        }
    }
    Ok(())
}

/// Bounds on how much one file can ask for, whatever its samples hold.
fn check_sizes(file: &AnalysisFile) -> std::result::Result<(), String> {
    for (kind, n) in [
        ("selections", file.selections.len()),
        ("regions", file.regions.len()),
        ("histograms", file.histograms.len()),
        ("systematics", file.systematics.len()),
    ] {
        if n > MAX_ITEMS {
            return Err(format!("{n} {kind} (at most {MAX_ITEMS})"));
        }
    }
    let variations: usize = 1 + file
        .systematics
        .iter()
        .map(|s| variation_names(s).len())
        .sum::<usize>();
    let regions = region_names(file);
    let mut cells = 0usize;
    for h in &file.histograms {
        let axis = |bins: Option<usize>, edges: &Option<Vec<f64>>| {
            bins.or(edges.as_ref().map(|e| e.len().saturating_sub(1)))
                .unwrap_or(1)
                .saturating_add(2)
        };
        let per_fill = match &h.y {
            None => axis(h.bins, &h.edges),
            Some(y) => axis(h.bins, &h.edges).saturating_mul(axis(y.bins, &y.edges)),
        };
        let filled = regions.iter().filter(|r| fills(h, r)).count();
        cells = cells.saturating_add(per_fill.saturating_mul(filled).saturating_mul(variations));
    }
    if cells > MAX_CELLS_PER_SAMPLE {
        return Err(format!(
            "the histograms need {cells} cells per sample over their regions and {variations} variations (at most {MAX_CELLS_PER_SAMPLE}); use fewer bins, regions or systematics"
        ));
    }
    Ok(())
}

/// The file name stem of a histogram's plot in a region.
pub(crate) fn plot_stem(region: &str, histogram: &str) -> String {
    format!("{}_{}", plot_safe(region), plot_safe(histogram))
}

/// A name with every character that is unsafe in file names replaced by `_`.
fn plot_safe(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Two plots written to one file would leave only the last.
fn check_plot_files(file: &AnalysisFile) -> std::result::Result<(), String> {
    let regions = region_names(file);
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    for h in file.histograms.iter().filter(|h| h.y.is_none()) {
        for r in regions.iter().filter(|r| fills(h, r)) {
            let stem = plot_stem(r, &h.name);
            if let Some((r0, h0)) = seen.insert(stem.clone(), (r.clone(), h.name.clone())) {
                return Err(format!(
                    "histogram {:?} in region {r:?} and histogram {h0:?} in region {r0:?} would both be plotted to plots/{stem}.png; rename one",
                    h.name
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> AnalysisFile {
        toml::from_str(text).unwrap()
    }

    const BASE: &str = r#"
[analysis]
name = "t"
tree = "events"
[[samples]]
name = "data"
kind = "data"
files = ["x.root"]
[[samples]]
name = "mc"
kind = "background"
files = ["y.root"]
"#;

    fn error_of(extra: &str) -> String {
        let file = parse(&format!("{BASE}{extra}"));
        validate(&file, "a.toml").unwrap_err().to_string()
    }

    const HIST: &str =
        "[[histograms]]\nname = \"h\"\nexpression = \"x\"\nbins = 10\nrange = [0.0, 1.0]\n";

    #[test]
    fn a_valid_file_passes() {
        let file = parse(&format!(
            "{BASE}[[regions]]\nname = \"a\"\ncut = \"x > 0\"\n{HIST}"
        ));
        validate(&file, "a.toml").unwrap();
    }

    #[test]
    fn duplicate_and_unsafe_names_are_errors() {
        let two_regions = "[[regions]]\nname = \"a\"\ncut = \"x > 0\"\n[[regions]]\nname = \"a\"\ncut = \"x < 0\"\n";
        assert!(error_of(&format!("{two_regions}{HIST}")).contains("two regions are named \"a\""));
        assert!(error_of(&format!("{HIST}{HIST}")).contains("two histograms are named \"h\""));
        let slash = "[[regions]]\nname = \"a/b\"\ncut = \"x > 0\"\n";
        assert!(error_of(&format!("{slash}{HIST}")).contains("contains '/'"));
        let dots = "[[regions]]\nname = \"..\"\ncut = \"x > 0\"\n";
        assert!(error_of(&format!("{dots}{HIST}")).contains("directory name"));
        let long = format!(
            "[[histograms]]\nname = \"{}\"\nexpression = \"x\"\nbins = 1\nrange = [0.0, 1.0]\n",
            "h".repeat(300)
        );
        assert!(error_of(&long).contains("300 characters"));
    }

    #[test]
    fn references_to_missing_parts_are_errors() {
        let to_missing_region = "[[regions]]\nname = \"a\"\ncut = \"x > 0\"\n[[histograms]]\nname = \"h\"\nexpression = \"x\"\nbins = 1\nrange = [0.0, 1.0]\nregions = [\"b\"]\n";
        let e = error_of(to_missing_region);
        assert!(
            e.contains("region \"b\", which does not exist; its regions are a"),
            "{e}"
        );
        let syst = "[[systematics]]\nname = \"s\"\nkind = \"weight\"\nfactor = \"1.1\"\nsamples = [\"mcc\"]\n";
        let e = error_of(&format!("{HIST}{syst}"));
        assert!(e.contains("sample \"mcc\", which does not exist"), "{e}");
        let e = error_of(&format!("{HIST}[[samples]]\nname = \"alt\"\nkind = \"background\"\nfiles = [\"z.root\"]\nvariation_of = \"mc\"\nvariation = \"nominal\"\n"));
        assert!(e.contains("would add it to the nominal histograms"), "{e}");
        let e = error_of(&format!(
            "{HIST}[[samples]]\nname = \"empty\"\nkind = \"background\"\nfiles = []\n"
        ));
        assert!(e.contains("lists no files"), "{e}");
        let clash = "[[systematics]]\nname = \"s\"\nkind = \"weight\"\nup = \"1.1\"\n[[systematics]]\nname = \"s_up\"\nkind = \"kinematic\"\nreplace = { x = \"x\" }\n";
        let e = error_of(&format!("{HIST}{clash}"));
        assert!(e.contains("both make variation \"s_up\""), "{e}");
    }

    #[test]
    fn oversized_histograms_are_errors() {
        let big = "[[histograms]]\nname = \"h\"\nexpression = \"x\"\nbins = 100000000\nrange = [0.0, 1.0]\n";
        assert!(error_of(big).contains("at most 1000000"));
        let wrap = "[[histograms]]\nname = \"h\"\nexpression = \"x\"\nbins = 1000000\nrange = [0.0, 1.0]\ny = { expression = \"x\", bins = 1000000, range = [0.0, 1.0] }\n";
        assert!(error_of(wrap).contains("cells"));
    }

    #[test]
    fn too_many_parts_are_an_error() {
        let mut many = String::new();
        for i in 0..1001 {
            many.push_str(&format!(
                "[[selections]]\nname = \"s{i}\"\ncut = \"x > {i}\"\n"
            ));
        }
        assert!(error_of(&format!("{many}{HIST}")).contains("1001 selections (at most 1000)"));
        let mut systs = String::new();
        for i in 0..200 {
            systs.push_str(&format!(
                "[[systematics]]\nname = \"w{i}\"\nkind = \"weight\"\nup = \"1.1\"\ndown = \"0.9\"\n"
            ));
        }
        let big =
            "[[histograms]]\nname = \"h\"\nexpression = \"x\"\nbins = 200000\nrange = [0.0, 1.0]\n";
        let e = error_of(&format!("{big}{systs}"));
        assert!(e.contains("cells per sample"), "{e}");
    }

    #[test]
    fn two_plots_in_one_file_are_an_error() {
        let regions = "[[regions]]\nname = \"a b\"\ncut = \"x > 0\"\n[[regions]]\nname = \"a_b\"\ncut = \"x < 0\"\n";
        let e = error_of(&format!("{regions}{HIST}"));
        assert!(e.contains("plots/a_b_h.png"), "{e}");
    }
}
