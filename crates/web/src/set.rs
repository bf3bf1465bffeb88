//! A sample set: the samples of an analysis file, opened in the page and weighted as `hepkey run`
//! weights them (the sample's weight expression × xsec · k · ε · L / Σw), so that the page shows data
//! against stacked simulation and "Save analysis" writes a file `hepkey run` reproduces.
//!
//! The page cannot list directories: it hands over the paths it can fetch (the server's listing,
//! relative to the served directory), and the file patterns of the analysis file are matched
//! against them, relative to the analysis file as `hepkey run` resolves them.

use crate::analysis::{AnalysisRequest, Cut, CutflowStep, ExpressionError};
use crate::session::Session;
use hepkey_analysis_file::{
    expand_variables, AnalysisFile, Normalisation, Number, SampleKind, SumWeights,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the page shows of a sample set before its files are fetched.
#[derive(Clone, Debug, Serialize)]
pub struct SetInfo {
    pub name: String,
    /// The analysis file, relative to the served directory.
    pub path: String,
    pub tree: String,
    pub definitions: String,
    pub selections: Vec<Cut>,
    /// The regular one-dimensional histograms of the file: the page's variable menu.
    pub histograms: Vec<HistogramChoice>,
    /// `[variables]` as the page resolved them (relative to the analysis file).
    pub variables: BTreeMap<String, String>,
    pub samples: Vec<SampleInfo>,
    /// What the page leaves out, and why (shown under the sample list).
    pub skipped: Vec<String>,
    pub experiment: Option<String>,
    pub energy: Option<f64>,
    /// Integrated luminosity in pb⁻¹, for the plot's label.
    pub luminosity: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct HistogramChoice {
    pub name: String,
    pub expression: String,
    pub bins: usize,
    pub low: f64,
    pub high: f64,
    pub xlabel: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct SampleInfo {
    pub name: String,
    pub kind: SampleKind,
    /// Samples of one group are drawn as one colour in the stack.
    pub group: String,
    pub color: Option<String>,
    /// Paths to fetch, relative to the served directory.
    pub files: Vec<String>,
    pub weight: Option<String>,
}

/// How a sample's events are scaled.
#[derive(Clone, Copy, Debug)]
enum Scale {
    /// Data, or simulation without a cross-section.
    One,
    Factor(f64),
    /// `sum_weights = "entries"`: the factor once the files are open (`sum_weights` is set then).
    ByEntries(Normalisation),
}

/// The page's analyser on a sample set.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SetRequest {
    #[serde(default)]
    pub definitions: String,
    pub variable: String,
    #[serde(default)]
    pub cuts: Vec<Cut>,
    pub bins: usize,
    pub low: f64,
    pub high: f64,
    /// Name and axis label of the histogram (what Save analysis calls it).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub xlabel: Option<String>,
}

/// One sample's filled histogram and cutflow.
#[derive(Debug, Serialize)]
pub struct SampleResult {
    pub name: String,
    pub kind: SampleKind,
    pub group: String,
    pub color: Option<String>,
    pub values: Vec<f64>,
    /// Σw² per bin.
    pub variances: Vec<f64>,
    pub cutflow: Vec<CutflowStep>,
}

/// Every sample of the set filled with one request.
#[derive(Debug, Serialize)]
pub struct SetResult {
    pub edges: Vec<f64>,
    pub samples: Vec<SampleResult>,
}

/// A sample set with its files opened.
pub struct SampleSet {
    info: SetInfo,
    text: String,
    scales: Vec<Scale>,
    /// Open files by path; a sample's files that are not open yet are left out of the sums.
    files: BTreeMap<String, Session>,
}

/// A path relative to the served directory: `dir/pattern` with `.` and `..` resolved; `None` when it
/// leaves the directory or is absolute.
fn join(dir: &str, pattern: &str) -> Option<String> {
    if pattern.starts_with('/') || pattern.contains("://") || pattern.contains(':') {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in pattern.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A normalisation number of a sample, as `hepkey run` reads it; the catalog is not in the page.
fn number(
    sample: &str,
    key: &str,
    n: &Number,
    vars: &dyn Fn(&str) -> Option<String>,
) -> Result<f64, String> {
    n.resolve(sample, key, vars)?.ok_or_else(|| {
        format!("sample {sample:?}: {key} = \"catalog\": the page cannot look numbers up in the catalog")
    })
}

impl SampleSet {
    /// Reads an analysis file (`path` relative to the served directory) and finds its samples' files
    /// among `available`; `variables` override the file's `[variables]` (relative to the file).
    pub fn resolve(
        path: &str,
        text: &str,
        available: &[String],
        variables: &BTreeMap<String, String>,
    ) -> Result<SampleSet, String> {
        let file: AnalysisFile =
            toml::from_str(text).map_err(|e| format!("{path}: {}", e.message()))?;
        let mut vars = file.variables.clone();
        for (k, v) in variables {
            vars.insert(k.clone(), v.clone());
        }
        let lookup = |name: &str| vars.get(name).cloned();
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let tree = file
            .analysis
            .tree
            .clone()
            .ok_or_else(|| format!("{path}: [analysis] names no tree"))?;
        let mut skipped = Vec::new();
        let mut samples = Vec::new();
        let mut scales = Vec::new();
        for s in &file.samples {
            if s.variation_of.is_some() {
                skipped.push(format!(
                    "{}: a systematic variation (the page shows nominal samples)",
                    s.name
                ));
                continue;
            }
            if s.dataset.is_some() && s.files.is_empty() {
                skipped.push(format!(
                    "{}: named by catalog dataset; the page reads files only",
                    s.name
                ));
                continue;
            }
            if s.tree.as_ref().is_some_and(|t| *t != tree) {
                skipped.push(format!(
                    "{}: reads another tree ({})",
                    s.name,
                    s.tree.as_deref().unwrap_or("")
                ));
                continue;
            }
            let mut files = Vec::new();
            for written in &s.files {
                let pattern =
                    expand_variables(&format!("file pattern {written:?}"), written, lookup)?;
                let Some(full) = join(dir, &pattern) else {
                    continue;
                };
                files.extend(
                    available
                        .iter()
                        .filter(|a| crate::glob::matches(&full, a))
                        .cloned(),
                );
            }
            if files.is_empty() {
                let why = format!(
                    "{}: no file on this server matches {}",
                    s.name,
                    s.files.join(", ")
                );
                if s.optional {
                    skipped.push(why);
                    continue;
                }
                return Err(format!("{path}: sample {why}"));
            }
            let optional = |key: &str, n: &Option<Number>| {
                n.as_ref()
                    .map(|n| number(&s.name, key, n, &lookup))
                    .transpose()
            };
            let xsec = optional("xsec", &s.xsec)?;
            let scale = match xsec {
                None => Scale::One,
                Some(_) if s.kind == SampleKind::Data => {
                    return Err(format!(
                        "sample {:?} is data but has a cross-section",
                        s.name
                    ))
                }
                Some(xsec) => {
                    let luminosity = file.analysis.luminosity.ok_or_else(|| {
                        format!("sample {:?} has a cross-section, so [analysis] needs `luminosity` (pb^-1)", s.name)
                    })?;
                    let mut n = Normalisation {
                        xsec,
                        kfactor: optional("kfactor", &s.kfactor)?,
                        filter_eff: optional("filter_eff", &s.filter_eff)?,
                        sum_weights: f64::NAN,
                        luminosity,
                    };
                    match &s.sum_weights {
                        Some(SumWeights::Keyword(k)) if k == "entries" => Scale::ByEntries(n),
                        Some(SumWeights::Value(v)) => {
                            n.sum_weights = *v;
                            Scale::Factor(n.factor(&s.name)?)
                        }
                        Some(SumWeights::Keyword(k)) => {
                            let text = Number::Text(k.clone());
                            n.sum_weights = number(&s.name, "sum_weights", &text, &lookup)?;
                            Scale::Factor(n.factor(&s.name)?)
                        }
                        None => {
                            return Err(format!(
                                "sample {:?} has a cross-section but no `sum_weights`",
                                s.name
                            ))
                        }
                    }
                }
            };
            let weight = match &s.weight {
                Some(w) => Some(expand_variables(
                    &format!("weight of sample {:?}", s.name),
                    w.get_ref(),
                    lookup,
                )?),
                None => None,
            };
            scales.push(scale);
            samples.push(SampleInfo {
                name: s.name.clone(),
                kind: s.kind,
                group: s
                    .group
                    .clone()
                    .or_else(|| s.label.clone())
                    .unwrap_or_else(|| s.name.clone()),
                color: s.color.clone(),
                files,
                weight,
            });
        }
        if samples.is_empty() {
            return Err(format!(
                "{path}: no sample has files on this server ({})",
                skipped.join("; ")
            ));
        }
        let mut histograms = Vec::new();
        for h in &file.histograms {
            match (h.y.is_none(), h.weight.is_none(), h.bins, h.range) {
                (true, true, Some(bins), Some([low, high])) => histograms.push(HistogramChoice {
                    name: h.name.clone(),
                    expression: h.expression.get_ref().clone(),
                    bins,
                    low,
                    high,
                    xlabel: h.xlabel.clone().unwrap_or_else(|| h.name.clone()),
                }),
                _ => skipped.push(format!(
                    "histogram {}: the page draws one-dimensional histograms with `bins`, `range` and no own weight",
                    h.name
                )),
            }
        }
        if !file.regions.is_empty() {
            skipped.push("regions: the page applies the selections only".to_string());
        }
        let info = SetInfo {
            name: file.analysis.name.clone(),
            path: path.to_string(),
            tree,
            definitions: file
                .definitions
                .as_ref()
                .map(|d| d.get_ref().clone())
                .unwrap_or_default(),
            selections: file
                .selections
                .iter()
                .map(|c| Cut {
                    name: c.name.clone(),
                    expression: c.cut.get_ref().clone(),
                    compare: None,
                })
                .collect(),
            histograms,
            variables: vars.clone(),
            samples,
            skipped,
            experiment: file.plots.experiment.clone(),
            energy: file.plots.energy,
            luminosity: file.analysis.luminosity,
        };
        Ok(SampleSet {
            info,
            text: text.to_string(),
            scales,
            files: BTreeMap::new(),
        })
    }

    pub fn info(&self) -> &SetInfo {
        &self.info
    }

    /// The analysis file `hepkey run` fills this request's histograms with (see [`crate::save`]).
    pub fn save(&self, r: &SetRequest) -> Result<String, String> {
        crate::save::analysis_file(&self.text, &self.info, r)
    }

    /// Opens one of the set's files from its bytes.
    pub fn add_file(&mut self, path: &str, bytes: Vec<u8>) -> Result<(), String> {
        if !self
            .info
            .samples
            .iter()
            .any(|s| s.files.iter().any(|f| f == path))
        {
            return Err(format!("{path} is not a file of this sample set"));
        }
        let mut session = Session::open(path, bytes)?;
        session
            .entries(&self.info.tree)
            .map_err(|e| format!("{path}: {e}"))?;
        self.files.insert(path.to_string(), session);
        Ok(())
    }

    /// The range of the values an expression takes over every open file (a cut slider's span), or
    /// `None` when it takes none.
    pub fn range(
        &mut self,
        definitions: &str,
        expression: &str,
    ) -> Result<Option<(f64, f64)>, Box<ExpressionError>> {
        let request = AnalysisRequest {
            tree: self.info.tree.clone(),
            definitions: definitions.to_string(),
            variable: expression.to_string(),
            bins: 1,
            ..Default::default()
        };
        let mut span: Option<(f64, f64)> = None;
        for session in self.files.values_mut() {
            let (h, _) = session.fill(&request, 1.0)?;
            if h.entries() == 0 {
                continue;
            }
            let e = h.edges();
            span = Some(match span {
                None => (e[0], e[1]),
                Some((lo, hi)) => (lo.min(e[0]), hi.max(e[1])),
            });
        }
        Ok(span)
    }

    /// Fills every sample.
    pub fn analyse(&mut self, r: &SetRequest) -> Result<SetResult, Box<ExpressionError>> {
        let mut edges = Vec::new();
        let mut samples = Vec::new();
        for (sample, scale) in self.info.samples.iter().zip(&self.scales) {
            let scale = match *scale {
                Scale::One => 1.0,
                Scale::Factor(f) => f,
                Scale::ByEntries(n) => {
                    let mut entries = 0;
                    for f in &sample.files {
                        if let Some(s) = self.files.get_mut(f) {
                            entries += s
                                .entries(&self.info.tree)
                                .map_err(|e| ExpressionError::plain("file", e))?;
                        }
                    }
                    Normalisation {
                        sum_weights: entries as f64,
                        ..n
                    }
                    .factor(&sample.name)
                    .map_err(|e| ExpressionError::plain("file", e))?
                }
            };
            let request = AnalysisRequest {
                tree: self.info.tree.clone(),
                definitions: r.definitions.clone(),
                variable: r.variable.clone(),
                cuts: r.cuts.clone(),
                weight: sample.weight.clone(),
                bins: r.bins,
                low: Some(r.low),
                high: Some(r.high),
            };
            let mut sum: Option<(hepkey_hist::Hist1D, Vec<CutflowStep>)> = None;
            for f in &sample.files {
                let Some(session) = self.files.get_mut(f) else {
                    continue;
                };
                let (h, cutflow) = session.fill(&request, scale).map_err(|mut e| {
                    if e.field == "weight" {
                        e.rendered = format!("weight of sample {:?}: {}", sample.name, e.rendered);
                    }
                    e
                })?;
                sum = Some(match sum {
                    None => (h, cutflow),
                    Some((mut total, mut flow)) => {
                        total
                            .add(&h)
                            .map_err(|e| ExpressionError::plain("file", e.to_string()))?;
                        for (a, b) in flow.iter_mut().zip(cutflow) {
                            a.events += b.events;
                            a.weighted += b.weighted;
                        }
                        (total, flow)
                    }
                });
            }
            let Some((h, cutflow)) = sum else { continue };
            edges = h.edges();
            samples.push(SampleResult {
                name: sample.name.clone(),
                kind: sample.kind,
                group: sample.group.clone(),
                color: sample.color.clone(),
                values: h.values().to_vec(),
                variances: h.variances().to_vec(),
                cutflow,
            });
        }
        Ok(SetResult { edges, samples })
    }
}
