//! # hepkey-analysis-file
//!
//! The analysis file: what a user writes, as TOML. Only the format lives here (serde, no I/O), so that
//! `hepkey run` (crates/analysis) and the page (crates/web, wasm32) read the same files.
//!
//! ```toml
//! # Definitions come first (a TOML key before any [table]).
//! definitions = """
//! mu = Muon[Muon_pt > 25]
//! """
//!
//! [analysis]
//! name = "Z to mu mu"
//! tree = "events"
//! luminosity = 10064.0          # pb^-1, for the normalisation of simulation
//!
//! [[samples]]
//! name = "data"
//! kind = "data"
//! files = ["data/*.root"]
//!
//! [[selections]]
//! name = "two muons"
//! cut = "count(mu) == 2"
//!
//! [[histograms]]
//! name = "m_mumu"
//! expression = "mass(mu[0], mu[1])"
//! bins = 60
//! range = [60.0, 120.0]
//! ```

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// An expression with its place in the analysis file.
pub type Expr = Spanned<String>;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalysisFile {
    pub analysis: Settings,
    pub samples: Vec<SampleConfig>,
    /// Named definitions, one `name = expression` per line, in order.
    #[serde(default)]
    pub definitions: Option<Expr>,
    /// Event selections applied in order; each is a cutflow step.
    #[serde(default)]
    pub selections: Vec<Cut>,
    /// Regions, each a further cut after all selections. Without regions,
    /// histograms are filled for every selected event (region "all").
    #[serde(default)]
    pub regions: Vec<Cut>,
    pub histograms: Vec<HistogramConfig>,
    /// Events of a region written to ROOT files with chosen columns (`OUT/skims/`).
    #[serde(default)]
    pub skims: Vec<SkimConfig>,
    #[serde(default)]
    pub systematics: Vec<Systematic>,
    /// Plot settings.
    #[serde(default)]
    pub plots: PlotSettings,
    /// Defaults of `${NAME}` variables used in file patterns, sample weights and
    /// normalisation numbers (overridden by `hepkey run --set NAME=VALUE`,
    /// then by the environment).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

/// `[analysis]`: general settings.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: String,
    /// Default tree name for samples that do not give one.
    #[serde(default)]
    pub tree: Option<String>,
    /// Integrated luminosity in pb⁻¹, for simulation.
    #[serde(default)]
    pub luminosity: Option<f64>,
    /// Entries per chunk (default 100,000; memory is bounded by this). Chunks within one basket
    /// are read in order by one thread, so a file's baskets are decompressed once whatever this is.
    #[serde(default)]
    pub chunk_size: Option<u64>,
    /// A fit configuration (as for `hepkey workspace`), relative to the analysis file:
    /// `hepkey workflow` adds the workspace, fit and limit to the workflow.
    #[serde(default)]
    pub fit: Option<String>,
}

/// What a sample is.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum SampleKind {
    Data,
    Background,
    Signal,
}

/// How the number of generated events (or their weight sum) is known.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum SumWeights {
    /// A number given by the user.
    Value(f64),
    /// `"entries"`: the number of entries of the files read.
    Keyword(String),
}

/// The value of `xsec`, `kfactor`, `filter_eff` or `sum_weights` that takes the number from the
/// catalog entry of the sample's `dataset`.
pub const CATALOG: &str = "catalog";

/// A number, or text giving one after `${NAME}` substitution (`xsec = "${XSEC_TTBAR}"`).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum Number {
    Value(f64),
    Text(String),
}

impl Number {
    /// The number of `key` of sample `sample`, `${NAME}` expanded by `value`; `None` for
    /// `"catalog"`, which the catalog entry of the sample's dataset gives.
    pub fn resolve(
        &self,
        sample: &str,
        key: &str,
        value: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<f64>, String> {
        let text = match self {
            Number::Value(v) => return Ok(Some(*v)),
            Number::Text(t) if t.trim() == CATALOG => return Ok(None),
            Number::Text(t) => t,
        };
        let what = format!("sample {sample:?}: {key} = {text:?}");
        let expanded = expand_variables(&what, text, value)?;
        expanded
            .trim()
            .parse::<f64>()
            .map(Some)
            .map_err(|_| format!("{what} is {expanded:?}, not a number"))
    }
}

/// `[[samples]]`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SampleConfig {
    pub name: String,
    pub kind: SampleKind,
    /// Paths or glob patterns, relative to the analysis file.
    #[serde(default)]
    pub files: Vec<String>,
    /// Instead of `files`: a dataset of hepkey's catalog (`hepkey data list`), read from the
    /// download cache (`hepkey data get NAME`). Its tree is the default `tree`, and `xsec`,
    /// `kfactor`, `filter_eff` and `sum_weights` may then be `"catalog"`.
    #[serde(default)]
    pub dataset: Option<String>,
    /// Skip the sample (with a warning) when none of its patterns matches a
    /// file, e.g. when only part of a release was downloaded. Without it, any
    /// pattern that matches nothing is an error.
    #[serde(default)]
    pub optional: bool,
    #[serde(default)]
    pub tree: Option<String>,
    /// Cross-section in pb. This, `kfactor`, `filter_eff` and `sum_weights` may be
    /// text with `${NAME}` variables, like `files` and `weight`, or `"catalog"` for the
    /// number the catalog holds for the sample's `dataset`.
    #[serde(default)]
    pub xsec: Option<Number>,
    #[serde(default)]
    pub kfactor: Option<Number>,
    #[serde(default)]
    pub filter_eff: Option<Number>,
    /// Sum of generator weights (or number of events) the cross-section is spread over.
    #[serde(default)]
    pub sum_weights: Option<SumWeights>,
    /// Per-event weight expression (multiplied with the normalisation); may
    /// use `${NAME}` variables.
    #[serde(default)]
    pub weight: Option<Expr>,
    /// For alternative samples: the nominal sample this one is a variation of,
    /// and the variation name its histograms are filed under.
    #[serde(default)]
    pub variation_of: Option<String>,
    #[serde(default)]
    pub variation: Option<String>,
    /// Plot group (samples of a group are stacked together), label and colour.
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub color: Option<String>,
    /// Data samples: the integrated luminosity (pb⁻¹) their files stand for, for the plots' label.
    /// Without it, each file's is read from the file (generated samples record it) or known from the
    /// name of an ATLAS 2020 release period file.
    #[serde(default)]
    pub luminosity: Option<f64>,
}

/// A named cut.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Cut {
    pub name: String,
    pub cut: Expr,
}

/// `[[skims]]`: the events of a region (nominal kinematics), with the listed columns (input
/// branches or definitions; lists are written as vectors), one file per sample at
/// `OUT/skims/<name or region>/<sample>.root`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct SkimConfig {
    /// The directory under `OUT/skims` (default: the region's name).
    pub name: Option<String>,
    /// A region of `[[regions]]` (or `all`, the events passing every selection, when there are
    /// no regions).
    pub region: String,
    pub columns: Vec<Expr>,
    #[serde(default)]
    pub format: SkimFormat,
    /// `zstd` (default), `zlib`, `lz4`, `lzma` or `none`, optionally with `:level`.
    pub compression: Option<String>,
}

impl SkimConfig {
    /// The directory under `OUT/skims` the skim is written to.
    pub fn dir_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.region)
    }
}

/// The layout a skim is written in.
#[derive(Debug, Deserialize, Clone, Copy, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SkimFormat {
    #[default]
    Ttree,
    Rntuple,
}

/// `[[histograms]]`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct HistogramConfig {
    pub name: String,
    pub expression: Expr,
    /// Regular binning: number of bins and range.
    #[serde(default)]
    pub bins: Option<usize>,
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    /// Variable binning: the edges.
    #[serde(default)]
    pub edges: Option<Vec<f64>>,
    /// Extra weight factor (expression) for this histogram.
    #[serde(default)]
    pub weight: Option<Expr>,
    /// Regions to fill (default: all).
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    #[serde(default)]
    pub title: Option<String>,
    /// Axis label for plots.
    #[serde(default)]
    pub xlabel: Option<String>,
    #[serde(default)]
    pub log_y: bool,
    /// A second axis makes the histogram 2D: `y = { expression = "HT", bins = 20, range = [0, 1000] }`.
    #[serde(default)]
    pub y: Option<YAxisConfig>,
}

/// The y axis of a 2D histogram: its expression and binning (as for x).
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct YAxisConfig {
    pub expression: Expr,
    #[serde(default)]
    pub bins: Option<usize>,
    #[serde(default)]
    pub range: Option<[f64; 2]>,
    #[serde(default)]
    pub edges: Option<Vec<f64>>,
    /// Axis label for plots and the ROOT histogram.
    #[serde(default)]
    pub label: Option<String>,
}

/// How a systematic variation is made.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SystematicKind {
    /// The event weight times a factor (`up`/`down`, or one `factor`).
    Weight,
    /// Input columns replaced (`replace`), the selection rerun.
    Kinematic,
}

/// `[[systematics]]`.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Systematic {
    pub name: String,
    pub kind: SystematicKind,
    /// Weight factors.
    #[serde(default)]
    pub up: Option<Expr>,
    #[serde(default)]
    pub down: Option<Expr>,
    #[serde(default)]
    pub factor: Option<Expr>,
    /// Kinematic replacements: column → expression, applied in order of the names.
    #[serde(default)]
    pub replace: BTreeMap<String, Expr>,
    /// Samples it applies to (default: every simulated nominal sample).
    #[serde(default)]
    pub samples: Option<Vec<String>>,
}

impl Systematic {
    /// The variations a weight systematic fills and their factors: `up` and `down` (named
    /// `NAME_up`, `NAME_down`), `up` alone, or one `factor` (named `NAME`); `None` for any other
    /// combination (refused by [`crate::validate`]).
    pub fn weight_sides(&self) -> Option<Vec<(String, &Expr)>> {
        match (&self.up, &self.down, &self.factor) {
            (Some(u), Some(d), None) => Some(vec![
                (format!("{}_up", self.name), u),
                (format!("{}_down", self.name), d),
            ]),
            (Some(u), None, None) => Some(vec![(format!("{}_up", self.name), u)]),
            (None, None, Some(f)) => Some(vec![(self.name.clone(), f)]),
            _ => None,
        }
    }
}

/// `[plots]`.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct PlotSettings {
    /// "ATLAS Open Data", "CMS Open Data" or free text (its first word in bold); without it the plots
    /// carry no experiment label.
    #[serde(default)]
    pub experiment: Option<String>,
    /// Centre-of-mass energy in TeV.
    #[serde(default)]
    pub energy: Option<f64>,
    /// Whether to draw plots at all (default true).
    #[serde(default)]
    pub enabled: Option<bool>,
    /// File formats of every plot: "png", "svg", "pdf" (default png and svg).
    #[serde(default)]
    pub formats: Option<Vec<String>>,
}

/// The numbers that scale a simulated sample to the data's luminosity.
#[derive(Clone, Copy, Debug)]
pub struct Normalisation {
    /// Cross-section in pb.
    pub xsec: f64,
    pub kfactor: Option<f64>,
    pub filter_eff: Option<f64>,
    /// Σw of the generated events (or their number).
    pub sum_weights: f64,
    /// Integrated luminosity in pb⁻¹.
    pub luminosity: f64,
}

impl Normalisation {
    /// xsec · k · ε · L / Σw, or why a factor is unusable: a NaN or a sign error would scale every
    /// histogram of the sample without a word.
    pub fn factor(&self, sample: &str) -> Result<f64, String> {
        let factors = [
            ("xsec", Some(self.xsec)),
            ("kfactor", self.kfactor),
            ("filter_eff", self.filter_eff),
            ("sum_weights", Some(self.sum_weights)),
        ];
        for (key, value) in factors {
            if let Some(v) = value.filter(|v| !(v.is_finite() && *v > 0.0)) {
                return Err(format!(
                    "sample {sample:?}: {key} is {v}; it must be a positive number"
                ));
            }
        }
        let lumi = self.luminosity;
        if !(lumi.is_finite() && lumi > 0.0) {
            return Err(format!(
                "[analysis] luminosity is {lumi}; it must be a positive number (pb^-1)"
            ));
        }
        Ok(
            self.xsec * self.kfactor.unwrap_or(1.0) * self.filter_eff.unwrap_or(1.0) * lumi
                / self.sum_weights,
        )
    }
}

/// Replaces every `${NAME}` in `text` by `value(NAME)`; `what` names the text in errors.
pub fn expand_variables(
    what: &str,
    text: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            return Err(format!("{what}: `${{` without `}}`"));
        };
        let name = &rest[i + 2..i + j];
        let Some(v) = value(name) else {
            return Err(format!(
                "{what} uses ${{{name}}}, which is not set: pass `--set {name}=VALUE`, set the environment variable, or add it to [variables]"
            ));
        };
        out.push_str(&v);
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    Ok(out)
}
