//! Compiling an analysis: for every sample, one program computing the
//! selections, regions, histogram values and weights of every variation,
//! type-checked before any event is read.
//!
//! Takes samples whose files, trees and `${NAME}` values [`crate::resolve`] has found, and
//! compiles expressions only; [`crate::run`] executes the result.

use crate::config::{AnalysisFile, Expr, SampleConfig, SampleKind, SystematicKind};
use crate::error::{Error, Result, SourceFile};
use crate::key::{fills, region_names, HistogramId, OutputId, RegionId, VariationId, NOMINAL};
use crate::resolve::{FileState, ResolvedSample};
use hepkey_columnar::{DType, Program, ProgramBuilder, Type};
use hepkey_root::Events;
use std::path::PathBuf;

/// The outputs one histogram is filled from under one variation.
#[derive(Debug, Clone)]
pub struct HistogramOutputs {
    pub value: OutputId,
    /// The y value of a 2D histogram.
    pub y: Option<OutputId>,
    /// The histogram's own `weight` factor.
    pub weight: Option<OutputId>,
}

/// A weight systematic's factor: the nominal histograms filled again with the event weight
/// times this factor, filed under `variation`.
#[derive(Debug, Clone)]
pub struct WeightFactor {
    pub variation: String,
    pub output: OutputId,
}

/// The outputs of one kinematic variation (the nominal one included).
#[derive(Debug, Clone)]
pub struct VariationOutputs {
    /// The variation's name in output keys.
    pub name: String,
    /// Per selection of the analysis file.
    pub selections: Vec<OutputId>,
    /// Per [`RegionId`]; empty for a file without `[[regions]]`.
    pub regions: Vec<OutputId>,
    /// Per [`HistogramId`].
    pub histograms: Vec<HistogramOutputs>,
    pub event_weight: Option<OutputId>,
    /// Weight systematics (nominal kinematics only).
    pub weight_factors: Vec<WeightFactor>,
}

impl VariationOutputs {
    pub fn histogram(&self, id: HistogramId) -> &HistogramOutputs {
        &self.histograms[id.0]
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Select,
    Fill,
}

/// One sample, compiled.
pub struct SamplePlan {
    pub config: SampleConfig,
    /// Name its histograms are filed under (the nominal sample for alternative samples).
    pub histogram_sample: String,
    pub files: Vec<PathBuf>,
    /// Size and modification time of each file when it was opened: a file that changes while it
    /// is read gives wrong numbers, so the run compares them at its end.
    pub file_states: Vec<FileState>,
    pub tree: String,
    /// The opened tree of each file read (see [`crate::resolve::ResolvedSample::trees`]).
    pub trees: Vec<Option<Events>>,
    /// Entries of each file.
    pub file_entries: Vec<u64>,
    pub entries: u64,
    /// Cross-section × luminosity / Σw (1 for data and samples without metadata).
    pub norm: f64,
    /// What selects events, run in order: stage `i` computes selection `i` of every variation on the
    /// events that passed the selections before it in some variation (the first stage runs on every
    /// event and also computes the event weights); the last stage computes the regions. So an expensive
    /// cut (say on jets after a jet-energy variation) costs nothing for events a cheap one (say on
    /// leptons) already rejected.
    pub stages: Vec<Part>,
    /// What fills histograms: one program per variation and set of regions, run on the events in those
    /// regions under that variation only.
    pub fills: Vec<Fill>,
    /// By [`VariationId`]: the nominal kinematics first ([`VariationId::NOMINAL`]).
    pub variations: Vec<VariationOutputs>,
    /// What computes the columns of each `[[skims]]` entry, in the file's order.
    pub skims: Vec<crate::skim::SkimPart>,
    /// Columns a kinematic variation replaces, computed once by the first selection stage that
    /// needs them and carried with the events to the later stages and the histograms.
    pub carried: Vec<Carried>,
}

/// A replaced column is carried when computing it takes at least this many kernels; cheaper
/// ones (a scale factor) are computed again, which costs less than moving them with the events.
const CARRIED_FROM_KERNELS: usize = 4;

/// A column of a kinematic variation (say the jets' pt after the energy-resolution smearing),
/// computed by one selection stage and carried to the programs after it, which read it from the
/// chunk instead of computing it again.
#[derive(Debug, Clone)]
pub struct Carried {
    /// The column's name in the chunk (`variation/column`: not a name a tree can have in an
    /// expression).
    pub name: String,
    pub output: OutputId,
    /// The stage that computes it.
    pub stage: usize,
}

impl SamplePlan {
    /// Every column the programs read, sorted.
    pub fn inputs(&self) -> Vec<&str> {
        self.inputs_from(0)
    }

    /// The columns read from selection stage `stage` on (and by the histograms), sorted: the
    /// tree's, and those carried from the stages before.
    pub fn inputs_from(&self, stage: usize) -> Vec<&str> {
        let not_yet = |name: &&str| {
            self.carried
                .iter()
                .any(|c| c.name == *name && c.stage >= stage)
        };
        let mut v: Vec<&str> = self.stages[stage.min(self.stages.len())..]
            .iter()
            .chain(self.fills.iter().map(|f| &f.part))
            .chain(self.skims.iter().map(|s| &s.part))
            .flat_map(|p| p.program.inputs())
            .filter(|name| !not_yet(name))
            .collect();
        v.sort();
        v.dedup();
        v
    }

    pub fn variation(&self, id: VariationId) -> &VariationOutputs {
        &self.variations[id.0]
    }
}

/// A program and which outputs of the sample (the ids [`VariationOutputs`] refers to) it
/// computes, in the order of its results.
pub struct Part {
    pub program: Program,
    pub outputs: Vec<OutputId>,
}

impl Part {
    pub(crate) fn new(b: &ProgramBuilder, outputs: Vec<OutputId>, label: &str) -> Result<Part> {
        Part::carrying(b, outputs, &[], label)
    }

    /// A part reading the `carried` columns from the chunk rather than computing them.
    fn carrying(
        b: &ProgramBuilder,
        outputs: Vec<OutputId>,
        carried: &[&Carried],
        label: &str,
    ) -> Result<Part> {
        let positions: Vec<usize> = outputs.iter().map(|o| o.0).collect();
        let carried: Vec<(usize, String)> = carried
            .iter()
            .map(|c| (c.output.0, c.name.clone()))
            .collect();
        let program = b
            .build_outputs_carrying(&positions, &carried)
            .map_err(|e| Error::Config(format!("compiling the analysis: {e}")))?
            .with_label(label);
        Ok(Part { program, outputs })
    }

    /// The position of output `id` among the program's results.
    pub fn position(&self, id: OutputId) -> Option<usize> {
        self.outputs.iter().position(|&o| o == id)
    }
}

/// The histograms of one variation that fill the same regions, and their program.
pub struct Fill {
    pub variation: VariationId,
    pub histograms: Vec<HistogramId>,
    /// The regions they fill.
    pub regions: Vec<RegionId>,
    /// Their values, y values, weights, and the weight-systematic factors of the variation.
    pub part: Part,
}

/// Compiles every resolved sample of a (validated) analysis.
pub fn compile(
    file: &AnalysisFile,
    source: &SourceFile,
    samples: Vec<ResolvedSample>,
) -> Result<Vec<SamplePlan>> {
    samples
        .into_iter()
        .map(|sample| compile_sample(file, source, sample))
        .collect()
}

/// A kinematic variation replaces columns of the tree: a name the tree lacks (a typing mistake)
/// would replace nothing, and the "variation" would equal the nominal histograms.
fn check_replaced_columns(
    file: &AnalysisFile,
    source: &SourceFile,
    sample: &SampleConfig,
    schema: &hepkey_columnar::Schema,
    tree: &str,
) -> Result<()> {
    for s in file
        .systematics
        .iter()
        .filter(|s| s.kind == SystematicKind::Kinematic && applies(s, sample))
    {
        for column in s.replace.keys() {
            if schema.get(column).is_some() {
                continue;
            }
            let hint = hepkey_columnar::did_you_mean(column, schema.names())
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            return Err(Error::Config(format!(
                "{}: kinematic systematic {:?} replaces {column:?}, which is not a column of tree {tree:?} in sample {:?}{hint}",
                source.path, s.name, sample.name
            )));
        }
    }
    Ok(())
}

fn bool_per_event(t: Type) -> bool {
    t.dtype == DType::Bool && !t.jagged
}

fn compile_sample(
    file: &AnalysisFile,
    source: &SourceFile,
    resolved: ResolvedSample,
) -> Result<SamplePlan> {
    let sample = &resolved.config;
    let schema = resolved
        .trees
        .iter()
        .flatten()
        .next()
        .ok_or_else(|| Error::Config(format!("sample {:?} has no file", sample.name)))?
        .numeric_columns()
        .map(|(name, dtype, jagged)| (name, Type { dtype, jagged }))
        .collect();
    check_replaced_columns(file, source, sample, &schema, &resolved.tree)?;
    let mut b = ProgramBuilder::new(schema);
    let base_defs = b.save_definitions();
    let mut variations = Vec::new();
    let mut n_outputs = 0usize;
    let mut skim_outputs = Vec::new();
    let mut carry_outputs: Vec<(String, OutputId)> = Vec::new();
    let kinematic: Vec<&crate::config::Systematic> = file
        .systematics
        .iter()
        .filter(|s| s.kind == SystematicKind::Kinematic && applies(s, sample))
        .collect();
    // Two passes over the variations: first what selects events, then what
    // fills histograms (split into programs below).
    for phase in [Phase::Select, Phase::Fill] {
        let names = std::iter::once(None).chain(kinematic.iter().map(|s| Some(*s)));
        for (k, syst) in names.enumerate() {
            b.restore_definitions(base_defs.clone());
            if let Some(s) = syst {
                for (column, expr) in &s.replace {
                    b.define(column, expr.get_ref()).map_err(|e| {
                        source.expression_error(
                            expr,
                            &format!("systematic {:?}, {column}", s.name),
                            &e,
                        )
                    })?;
                }
            }
            if let Some(defs) = &file.definitions {
                b.define_all(defs.get_ref())
                    .map_err(|e| source.expression_error(defs, "definitions", &e))?;
            }
            if let (Phase::Select, Some(s)) = (phase, syst) {
                // The replaced columns themselves, to be carried from stage to stage when they
                // cost more than carrying them (`Jet_pt * 1.03` does not).
                for column in s.replace.keys() {
                    let name = format!("{}/{column}", s.name);
                    b.output(&name, column)
                        .map_err(|e| Error::Config(format!("compiling the analysis: {e}")))?;
                    n_outputs += 1;
                    if b.kernels_of(n_outputs - 1).unwrap_or(0) >= CARRIED_FROM_KERNELS {
                        carry_outputs.push((name, OutputId(n_outputs - 1)));
                    }
                }
            }
            let mut out = |b: &mut ProgramBuilder,
                           name: String,
                           expr: &Expr,
                           what: &str|
             -> Result<(OutputId, Type)> {
                let t = b
                    .output(&name, expr.get_ref())
                    .map_err(|e| source.expression_error(expr, what, &e))?;
                n_outputs += 1;
                Ok((OutputId(n_outputs - 1), t))
            };
            if phase == Phase::Select {
                let mut v = VariationOutputs {
                    name: syst.map_or(NOMINAL.to_string(), |s| s.name.clone()),
                    selections: Vec::new(),
                    regions: Vec::new(),
                    histograms: Vec::new(),
                    event_weight: None,
                    weight_factors: Vec::new(),
                };
                for (i, c) in file.selections.iter().enumerate() {
                    let (idx, t) = out(
                        &mut b,
                        format!("{k}/selection/{i}"),
                        &c.cut,
                        &format!("selection {:?}", c.name),
                    )?;
                    if !bool_per_event(t) {
                        return Err(source.error_at(
                            &c.cut,
                            format!(
                                "selection {:?} must be true or false per event, but is {t}",
                                c.name
                            ),
                        ));
                    }
                    v.selections.push(idx);
                }
                for (i, c) in file.regions.iter().enumerate() {
                    let (idx, t) = out(
                        &mut b,
                        format!("{k}/region/{i}"),
                        &c.cut,
                        &format!("region {:?}", c.name),
                    )?;
                    if !bool_per_event(t) {
                        return Err(source.error_at(
                            &c.cut,
                            format!(
                                "region {:?} must be true or false per event, but is {t}",
                                c.name
                            ),
                        ));
                    }
                    v.regions.push(idx);
                }
                if let Some(w) = &resolved.weight {
                    let what = format!("weight of sample {:?}", sample.name);
                    let (idx, t) = out(&mut b, format!("{k}/weight"), w, &what)?;
                    if t.jagged {
                        return Err(
                            source.error_at(w, "a sample weight must be one number per event")
                        );
                    }
                    v.event_weight = Some(idx);
                }
                variations.push(v);
            } else {
                let v = &mut variations[k];
                for (i, h) in file.histograms.iter().enumerate() {
                    let (idx, _) = out(
                        &mut b,
                        format!("{k}/hist/{i}"),
                        &h.expression,
                        &format!("histogram {:?}", h.name),
                    )?;
                    let y = match &h.y {
                        Some(y) => Some(
                            out(
                                &mut b,
                                format!("{k}/hist-y/{i}"),
                                &y.expression,
                                &format!("y of histogram {:?}", h.name),
                            )?
                            .0,
                        ),
                        None => None,
                    };
                    let weight = match &h.weight {
                        Some(w) => {
                            let (idx, t) = out(
                                &mut b,
                                format!("{k}/hist-weight/{i}"),
                                w,
                                &format!("weight of histogram {:?}", h.name),
                            )?;
                            if t.jagged {
                                return Err(source.error_at(
                                    w,
                                    "a histogram weight must be one number per event",
                                ));
                            }
                            Some(idx)
                        }
                        None => None,
                    };
                    v.histograms.push(HistogramOutputs {
                        value: idx,
                        y,
                        weight,
                    });
                }
                if syst.is_none() {
                    skim_outputs = crate::skim::declare_outputs(file, &mut b, &mut out)?;
                    for s in file
                        .systematics
                        .iter()
                        .filter(|s| s.kind == SystematicKind::Weight && applies(s, sample))
                    {
                        // Validated: a weight systematic has one of the forms.
                        let sides = s.weight_sides().unwrap_or_default();
                        for (name, expr) in sides {
                            let (idx, t) = out(
                                &mut b,
                                format!("weight-syst/{name}"),
                                expr,
                                &format!("systematic {name:?}"),
                            )?;
                            if t.jagged {
                                return Err(source.error_at(
                                    expr,
                                    "a weight factor must be one number per event",
                                ));
                            }
                            v.weight_factors.push(WeightFactor {
                                variation: name,
                                output: idx,
                            });
                        }
                    }
                }
            }
        }
    }
    let (stages, carried) = selection_stages(file, &b, &variations, carry_outputs)?;
    let fills = fill_programs(file, &b, &variations, &carried)?;
    let skims = crate::skim::compile(file, &b, skim_outputs)?;
    let histogram_sample = sample
        .variation_of
        .clone()
        .unwrap_or_else(|| sample.name.clone());
    if let Some(alt) = &sample.variation {
        variations[0].name = alt.clone();
    }
    Ok(SamplePlan {
        config: resolved.config,
        histogram_sample,
        files: resolved.files,
        file_states: resolved.file_states,
        tree: resolved.tree,
        trees: resolved.trees,
        file_entries: resolved.file_entries,
        entries: resolved.entries,
        norm: resolved.norm,
        stages,
        fills,
        variations,
        skims,
        carried,
    })
}

/// The selection stages of a sample (see [`SamplePlan::stages`]), and the replaced columns they
/// carry (`carry`: name and output of each): each computed by the first stage that needs it.
fn selection_stages(
    file: &AnalysisFile,
    b: &ProgramBuilder,
    variations: &[VariationOutputs],
    carry: Vec<(String, OutputId)>,
) -> Result<(Vec<Part>, Vec<Carried>)> {
    let mut outputs: Vec<Vec<OutputId>> = (0..file.selections.len())
        .map(|i| variations.iter().map(|v| v.selections[i]).collect())
        .collect();
    if !file.regions.is_empty() {
        outputs.push(
            variations
                .iter()
                .flat_map(|v| v.regions.iter().copied())
                .collect(),
        );
    }
    let mut labels: Vec<String> = file
        .selections
        .iter()
        .map(|s| format!("selection {:?}", s.name))
        .collect();
    labels.push("regions".to_string());
    if outputs.is_empty() {
        outputs.push(Vec::new());
        labels[0] = "event weights".to_string();
    }
    outputs[0].extend(variations.iter().filter_map(|v| v.event_weight));
    let compile_error =
        |e: hepkey_columnar::Error| Error::Config(format!("compiling the analysis: {e}"));
    let mut carried = Vec::new();
    for (name, output) in carry {
        for (stage, o) in outputs.iter().enumerate() {
            let positions: Vec<usize> = o.iter().map(|o| o.0).collect();
            if b.needs(&positions, output.0).map_err(compile_error)? {
                carried.push(Carried {
                    name,
                    output,
                    stage,
                });
                break;
            }
        }
    }
    let mut parts = Vec::with_capacity(outputs.len());
    for (stage, (mut o, label)) in outputs.into_iter().zip(labels).enumerate() {
        o.extend(
            carried
                .iter()
                .filter(|c| c.stage == stage)
                .map(|c| c.output),
        );
        let before: Vec<&Carried> = carried.iter().filter(|c| c.stage < stage).collect();
        parts.push(Part::carrying(b, o, &before, &label)?);
    }
    Ok((parts, carried))
}

/// The fill programs of a sample (see [`SamplePlan::fills`]).
fn fill_programs(
    file: &AnalysisFile,
    b: &ProgramBuilder,
    variations: &[VariationOutputs],
    carried: &[Carried],
) -> Result<Vec<Fill>> {
    let carried: Vec<&Carried> = carried.iter().collect();
    let regions = region_names(file);
    let mut fill_list = Vec::new();
    for (k, v) in variations.iter().enumerate() {
        // Histograms grouped by the regions they fill, in the order they are declared.
        let mut groups: Vec<(Vec<RegionId>, Vec<HistogramId>)> = Vec::new();
        for (hi, h) in file.histograms.iter().enumerate() {
            let rs: Vec<RegionId> = (0..regions.len())
                .filter(|&r| fills(h, &regions[r]))
                .map(RegionId)
                .collect();
            if rs.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(g, _)| *g == rs) {
                Some((_, hs)) => hs.push(HistogramId(hi)),
                None => groups.push((rs, vec![HistogramId(hi)])),
            }
        }
        for (rs, hs) in groups {
            let mut outputs = Vec::new();
            for &hi in &hs {
                let h = v.histogram(hi);
                outputs.push(h.value);
                outputs.extend(h.y);
                outputs.extend(h.weight);
            }
            outputs.extend(v.weight_factors.iter().map(|f| f.output));
            let label = format!(
                "{} histograms in {}",
                v.name,
                rs.iter()
                    .map(|r| regions[r.0].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            fill_list.push(Fill {
                variation: VariationId(k),
                histograms: hs,
                regions: rs,
                part: Part::carrying(b, outputs, &carried, &label)?,
            });
        }
    }
    Ok(fill_list)
}

/// Whether a systematic applies to a sample: simulated nominal samples,
/// restricted to the listed ones when `samples` is given.
fn applies(s: &crate::config::Systematic, sample: &SampleConfig) -> bool {
    if sample.kind == SampleKind::Data || sample.variation_of.is_some() {
        return false;
    }
    s.samples
        .as_ref()
        .is_none_or(|list| list.iter().any(|n| n == &sample.name))
}
