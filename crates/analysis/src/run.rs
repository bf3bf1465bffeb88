//! Running a compiled analysis: chunks of every file of every sample (or of the files a
//! [`FileSelection`] names) are processed in parallel; each chunk's plain f64 sums are added
//! exactly ([`hepkey_hist::ExactSum`]) and rounded once, so the result depends neither on the number
//! of threads nor on how the files are split into partial runs and merged.

use crate::config::AnalysisFile;
use crate::error::{Error, Result};
use crate::key::{fills, region_names, HistKey, OutputId, SampleId, VariationId, ALL_EVENTS};
use crate::plan::{Part, SamplePlan};
use crate::template::{new_hist, Template};
use hepkey_columnar::{Chunk, Column, DType};
use hepkey_hist::{ExactBins, ExactSum, Hist1D, Hist2D};
use hepkey_root::Events;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;

/// Histograms by key, in the order of their keys' strings.
pub type Histograms = BTreeMap<HistKey, Hist1D>;
/// 2D histograms (those with a `y` axis), keyed as [`Histograms`].
pub type Histograms2D = BTreeMap<HistKey, Hist2D>;

/// One step of a cutflow: events passing and their summed weight.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CutflowStep {
    pub name: String,
    pub events: u64,
    pub weighted: f64,
}

/// A cutflow step with its weighted sum kept exact (see [`hepkey_hist::ExactSum`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ExactStep {
    pub name: String,
    pub events: u64,
    pub weighted: ExactSum,
}

/// The sums of a run before rounding: adding those of runs over other files gives exactly the sums
/// of one run over all of them, whatever the grouping.
#[derive(Clone, Debug, Default)]
pub struct ExactTotals {
    /// Σw, Σw² and entries of every histogram (1D and 2D) of the samples read.
    pub histograms: BTreeMap<HistKey, ExactBins>,
    /// Per sample read (index in the plans), its nominal cutflow.
    pub cutflows: Vec<(SampleId, Vec<ExactStep>)>,
}

/// The input files a run reads: per sample (in the plans' order), a range of its files.
#[derive(Clone, Debug, PartialEq)]
pub struct FileSelection(pub Vec<Range<usize>>);

impl FileSelection {
    /// Every file of every sample.
    pub fn all(plans: &[SamplePlan]) -> Self {
        FileSelection(plans.iter().map(|p| 0..p.files.len()).collect())
    }

    /// The files `range` of sample `sample` only.
    pub fn only(plans: &[SamplePlan], sample: SampleId, range: Range<usize>) -> Self {
        FileSelection(
            (0..plans.len())
                .map(|i| if i == sample.0 { range.clone() } else { 0..0 })
                .collect(),
        )
    }

    /// The files of sample `i`.
    pub fn of(&self, i: usize) -> Range<usize> {
        self.0.get(i).cloned().unwrap_or(0..0)
    }
}

/// What a run produced.
pub struct RunResult {
    pub histograms: Histograms,
    pub histograms_2d: Histograms2D,
    /// Per sample read (in analysis-file order): the cutflow under nominal conditions.
    pub cutflows: Vec<(String, Vec<CutflowStep>)>,
    pub events_read: u64,
    /// Size and Adler-32 of every input file read, computed alongside the event loop.
    pub checksums: BTreeMap<std::path::PathBuf, (u64, String)>,
    /// The files read.
    pub selection: FileSelection,
    /// The sums before rounding (what partial results carry).
    pub exact: ExactTotals,
    /// Per sample read with `[[skims]]`, the skimmed events (see [`crate::skim`]).
    pub skims: Vec<crate::skim::SampleSkims>,
}

/// What every chunk of a run needs: the analysis, its histogram templates and region names.
struct Setup<'a> {
    file: &'a AnalysisFile,
    templates: &'a [Template],
    regions: &'a [String],
}

/// Consecutive chunks of one file that share baskets: read in order, each basket decompressed once.
struct Task {
    sample: SampleId,
    file: usize,
    chunks: Vec<Range<u64>>,
}

/// Runs every sample over all its files; `progress` is called with the entries of each finished chunk.
pub fn execute(
    file: &AnalysisFile,
    plans: &[SamplePlan],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult> {
    execute_selected(file, plans, &FileSelection::all(plans), progress)
}

/// The histogram templates of an analysis file, by histogram name.
pub fn templates(file: &AnalysisFile) -> Result<BTreeMap<String, Template>> {
    file.histograms
        .iter()
        .map(|h| Ok((h.name.clone(), new_hist(h)?)))
        .collect()
}

/// Every histogram key sample `p` fills (all exist in the outputs, empty ones included).
pub fn sample_keys(file: &AnalysisFile, p: &SamplePlan) -> Vec<HistKey> {
    let regions = region_names(file);
    let mut keys = Vec::new();
    for v in &p.variations {
        let mut names = vec![v.name.clone()];
        names.extend(v.weight_factors.iter().map(|f| f.variation.clone()));
        for h in &file.histograms {
            for r in regions.iter().filter(|r| fills(h, r)) {
                for n in &names {
                    keys.push(HistKey::new(r, &h.name, &p.histogram_sample, n));
                }
            }
        }
    }
    keys
}

/// Runs the files `selection` names; the samples without a file selected are left out of the result.
pub fn execute_selected(
    file: &AnalysisFile,
    plans: &[SamplePlan],
    selection: &FileSelection,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult> {
    let chunk = file.analysis.chunk_size.unwrap_or(100_000).max(1);
    let templates: Vec<Template> = file
        .histograms
        .iter()
        .map(new_hist)
        .collect::<Result<_>>()?;
    let by_name = self::templates(file)?;
    let regions = region_names(file);
    let mut exact = ExactTotals::default();
    let read: Vec<usize> = (0..plans.len())
        .filter(|&i| !selection.of(i).is_empty())
        .collect();
    for &pi in &read {
        for k in sample_keys(file, &plans[pi]) {
            let n = match &by_name[&k.histogram] {
                Template::One(t) => t.values_with_flow().len(),
                Template::Two(t) => t.values_with_flow().len(),
            };
            exact.histograms.insert(k, ExactBins::zero(n));
        }
        exact
            .cutflows
            .push((SampleId(pi), cutflow_steps(file, &regions)));
    }
    let mut tasks = Vec::new();
    for &pi in &read {
        let p = &plans[pi];
        let inputs = p.inputs();
        for fi in selection.of(pi) {
            let t = p.trees.get(fi).and_then(Option::as_ref).ok_or_else(|| {
                Error::Config(format!(
                    "sample {:?}: file {fi} (of {}) was not opened for this run",
                    p.config.name,
                    p.files.len()
                ))
            })?;
            for chunks in chunk_groups(t, &inputs, chunk) {
                tasks.push(Task {
                    sample: SampleId(pi),
                    file: fi,
                    chunks,
                });
            }
        }
    }
    // The provenance checksums are computed by the same threads, as tasks among
    // the chunks, rather than read again after the event loop.
    let inputs: Vec<&std::path::PathBuf> = read
        .iter()
        .flat_map(|&pi| &plans[pi].files[selection.of(pi)])
        .collect();
    let setup = Setup {
        file,
        templates: &templates,
        regions: &regions,
    };
    let (results, checksums): (Vec<Result<Vec<TaskResult>>>, Vec<_>) = rayon::join(
        || {
            tasks
                .par_iter()
                .map(|t| {
                    let plan = &plans[t.sample.0];
                    process_group(&setup, plan, t, chunk, progress)
                })
                .collect()
        },
        || {
            inputs
                .par_iter()
                .map(|f| crate::input::checksum(f).map(|c| ((*f).clone(), c)))
                .collect()
        },
    );
    let checksums = checksums.into_iter().collect::<Result<_>>()?;
    let mut events_read = 0;
    let mut skims: Vec<crate::skim::SampleSkims> = Vec::new();
    if !file.skims.is_empty() {
        for &pi in &read {
            let p = &plans[pi];
            skims.push(crate::skim::SampleSkims {
                sample: p.config.name.clone(),
                tree: p.tree.clone(),
                skims: p
                    .skims
                    .iter()
                    .map(|s| crate::skim::SkimData {
                        columns: s.columns.clone(),
                        chunks: Vec::new(),
                    })
                    .collect(),
            });
        }
    }
    // Each chunk's plain f64 sums are added exactly: the totals do not depend on the threads, nor
    // on how the files are grouped into runs.
    for (t, rs) in tasks.iter().zip(results) {
        let steps = exact
            .cutflows
            .iter_mut()
            .find(|(s, _)| *s == t.sample)
            .map(|(_, steps)| steps)
            .expect("a cutflow per sample read");
        for (range, mut r) in t.chunks.iter().zip(rs?) {
            // Skimmed chunks in task order: files, then entries, whatever the threads.
            if let Some(sample) = read
                .iter()
                .position(|&pi| pi == t.sample.0)
                .and_then(|k| skims.get_mut(k))
            {
                for (to, chunk) in sample.skims.iter_mut().zip(r.skims.drain(..)) {
                    to.chunks.push(chunk);
                }
            }
            merge(r, &mut exact.histograms, steps)?;
            events_read += range.end - range.start;
        }
    }
    for &pi in &read {
        let p = &plans[pi];
        let range = selection.of(pi);
        for (f, seen) in p.files[range.clone()].iter().zip(&p.file_states[range]) {
            if crate::input::is_remote(f) {
                continue;
            }
            if crate::resolve::FileState::of(f).as_ref() != Some(seen) {
                return Err(Error::Data(format!(
                    "{} changed while it was read (its size or modification time differ from when the run began); rerun when the file is complete",
                    f.display()
                )));
            }
        }
    }
    let names: Vec<String> = plans.iter().map(|p| p.config.name.clone()).collect();
    let (histograms, histograms_2d, cutflows) = round(&exact, &by_name, &names)?;
    Ok(RunResult {
        histograms,
        histograms_2d,
        cutflows,
        events_read,
        checksums,
        selection: selection.clone(),
        exact,
        skims,
    })
}

/// Rounded histograms (1D, 2D) and cutflows of exact totals; `samples` names the samples by index.
#[allow(clippy::type_complexity)]
pub fn round(
    exact: &ExactTotals,
    templates: &BTreeMap<String, Template>,
    samples: &[String],
) -> Result<(Histograms, Histograms2D, Vec<(String, Vec<CutflowStep>)>)> {
    let mut histograms = Histograms::new();
    let mut histograms_2d = Histograms2D::new();
    for (k, bins) in &exact.histograms {
        let err = |e: hepkey_hist::HistError| Error::Data(format!("histogram {k}: {e}"));
        match templates.get(&k.histogram) {
            Some(Template::One(t)) => {
                histograms.insert(k.clone(), bins.to_hist1d(t).map_err(err)?);
            }
            Some(Template::Two(t)) => {
                histograms_2d.insert(k.clone(), bins.to_hist2d(t).map_err(err)?);
            }
            None => {
                return Err(Error::Data(format!(
                    "histogram {k}: the analysis file declares no histogram {:?}",
                    k.histogram
                )))
            }
        }
    }
    check_finite(&histograms, &histograms_2d)?;
    let cutflows = exact
        .cutflows
        .iter()
        .map(|(s, steps)| {
            let name = samples.get(s.0).cloned().unwrap_or_default();
            let steps = steps
                .iter()
                .map(|st| CutflowStep {
                    name: st.name.clone(),
                    events: st.events,
                    weighted: st.weighted.value(),
                })
                .collect();
            (name, steps)
        })
        .collect();
    Ok((histograms, histograms_2d, cutflows))
}

/// A weight or value that is not a finite number (a division by zero in a weight expression)
/// makes every sum it enters infinite or NaN: an error, not a histogram of NaN with exit 0.
fn check_finite(h1: &Histograms, h2: &Histograms2D) -> Result<()> {
    let bad = h1
        .iter()
        .find(|(_, h)| h.values_with_flow().iter().any(|v| !v.is_finite()))
        .map(|(k, h)| (k, h.values_with_flow().iter().sum::<f64>()))
        .or_else(|| {
            h2.iter()
                .find(|(_, h)| h.values_with_flow().iter().any(|v| !v.is_finite()))
                .map(|(k, h)| (k, h.values_with_flow().iter().sum::<f64>()))
        });
    match bad {
        Some((key, sum)) => Err(Error::Data(format!(
            "histogram {key}: its sum of weights is {sum}; a weight is not a finite number (a division by zero in `weight`?)"
        ))),
        None => Ok(()),
    }
}

/// Adds the results of one chunk to the totals, exactly.
fn merge(
    r: TaskResult,
    histograms: &mut BTreeMap<HistKey, ExactBins>,
    cutflow: &mut [ExactStep],
) -> Result<()> {
    let mut add = |k: &HistKey, w: &[f64], w2: &[f64], entries: u64| -> Result<()> {
        histograms
            .get_mut(k)
            .expect("declared above")
            .add_values(w, w2, entries)
            .map_err(|e| Error::Data(format!("merging {k}: {e}")))
    };
    for (k, h) in &r.histograms {
        add(
            k,
            h.values_with_flow(),
            h.variances_with_flow(),
            h.entries(),
        )?;
    }
    for (k, h) in &r.histograms_2d {
        add(
            k,
            h.values_with_flow(),
            h.variances_with_flow(),
            h.entries(),
        )?;
    }
    for (step, (n, w)) in cutflow.iter_mut().zip(r.cutflow) {
        step.events += n;
        step.weighted.add(w);
    }
    Ok(())
}

/// The empty cutflow of a sample: all events, each selection, each region.
pub fn cutflow_steps(file: &AnalysisFile, regions: &[String]) -> Vec<ExactStep> {
    let step = |name: &str| ExactStep {
        name: name.to_string(),
        events: 0,
        weighted: ExactSum::new(),
    };
    let mut v = vec![step(ALL_EVENTS)];
    v.extend(file.selections.iter().map(|s| step(&s.name)));
    if !file.regions.is_empty() {
        v.extend(regions.iter().map(|r| step(&format!("region {r}"))));
    }
    v
}

struct TaskResult {
    histograms: Histograms,
    histograms_2d: Histograms2D,
    /// (events, weighted) per cutflow step.
    cutflow: Vec<(u64, f64)>,
    /// Per skim of the sample, its columns on the chunk's events in its region.
    skims: Vec<Vec<hepkey_root::Array>>,
}

fn as_f64(c: &Column) -> Vec<f64> {
    match c.values().cast(DType::F64) {
        hepkey_columnar::Values::F64(v) => v,
        _ => unreachable!("cast to float64"),
    }
}

fn as_bool(c: &Column) -> Vec<bool> {
    match c.values().cast(DType::Bool) {
        hepkey_columnar::Values::Bool(v) => v,
        _ => unreachable!("cast to bool"),
    }
}

/// Consecutive chunks read by one task. A TTree's chunks inside one basket go together (the basket is
/// decompressed once); an RNTuple's chunks are cut at cluster boundaries, each its own task.
fn chunk_groups(events: &Events, names: &[&str], step: u64) -> Vec<Vec<Range<u64>>> {
    match events {
        Events::Tree(t) => t.chunk_groups(names, step),
        Events::RNTuple(_) => events
            .chunk_ranges(names, step)
            .into_iter()
            .map(|r| vec![r])
            .collect(),
    }
}

/// Reads and processes the chunks of a task in order (`step`: the chunk size they were planned with).
fn process_group(
    setup: &Setup,
    plan: &SamplePlan,
    task: &Task,
    step: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<TaskResult>> {
    let tree = plan.trees[task.file]
        .as_ref()
        .expect("tasks are made for opened files only");
    let names = plan.inputs();
    let context = |e: hepkey_root::Error| e.context(format!("sample {:?}", plan.config.name));
    let mut out = Vec::with_capacity(task.chunks.len());
    if let [range] = task.chunks.as_slice() {
        // One chunk: read with the whole machine's help (branches and baskets in parallel).
        let arrays = tree.read_many(&names, range.clone()).map_err(context)?;
        out.push(process(setup, plan, task.file, range, arrays)?);
        progress(range.end - range.start);
        return Ok(out);
    }
    let Events::Tree(tree) = tree else {
        for range in &task.chunks {
            let arrays = tree.read_many(&names, range.clone()).map_err(context)?;
            out.push(process(setup, plan, task.file, range, arrays)?);
            progress(range.end - range.start);
        }
        return Ok(out);
    };
    let (Some(first), Some(last)) = (task.chunks.first(), task.chunks.last()) else {
        return Ok(out);
    };
    for c in tree
        .iterate_range(&names, first.start..last.end, step)
        .map_err(context)?
    {
        let c = c.map_err(context)?;
        let range = c.entries.clone();
        out.push(process(setup, plan, task.file, &range, c.columns)?);
        progress(range.end - range.start);
    }
    if out.len() != task.chunks.len() {
        return Err(Error::Data(format!(
            "{}: the chunks read ({}) are not the chunks planned ({})",
            plan.files[task.file].display(),
            out.len(),
            task.chunks.len()
        )));
    }
    Ok(out)
}

/// The program's results on the events `rows` of the chunk (increasing indices; all events when
/// `None`): one value per such event. Nothing when there is no such event.
fn evaluate_rows(
    program: &hepkey_columnar::Program,
    chunk: &Chunk,
    rows: Option<&[usize]>,
) -> hepkey_columnar::Result<Option<Vec<Column>>> {
    let n = chunk.n_events();
    match rows {
        Some([]) => Ok(None),
        Some(index) if index.len() < n => program.evaluate_events(chunk, index).map(Some),
        _ if n == 0 => Ok(None),
        _ => program.evaluate(chunk).map(Some),
    }
}

/// The result of output `id` of a program part.
fn output<'a>(part: &Part, cols: &'a [Column], id: OutputId) -> Result<&'a Column> {
    part.position(id)
        .and_then(|p| cols.get(p))
        .ok_or_else(|| Error::Data(format!("internal: output {} was not computed", id.0)))
}

/// The positions of `some` in `all` (both increasing, `some` a subset of `all`).
fn positions_in(all: &[usize], some: &[usize]) -> Vec<usize> {
    let mut out = Vec::with_capacity(some.len());
    let mut j = 0;
    for &x in some {
        while j < all.len() && all[j] < x {
            j += 1;
        }
        out.push(j);
    }
    out
}

/// Per variation, after the selections: each event's weight and, per region, whether the event is in it.
struct Selected {
    weights: Vec<Vec<f64>>,
    region_masks: Vec<Vec<Vec<bool>>>,
    /// The events that passed every selection in some variation (the only ones a region can hold).
    candidates: Vec<usize>,
    /// The chunk's candidate events, with the columns the histograms read.
    sub: Chunk,
    /// The nominal cutflow: (events, weighted) per step.
    cutflow: Vec<(u64, f64)>,
}

/// Runs the selection stages of a sample on a chunk: each on the events that passed the ones before
/// in some variation.
fn select(
    file: &AnalysisFile,
    plan: &SamplePlan,
    chunk: &Chunk,
    fail: &dyn Fn(hepkey_columnar::Error) -> Error,
) -> Result<Selected> {
    let n = chunk.n_events();
    let nv = plan.variations.len();
    let nominal = VariationId::NOMINAL.0;
    let mut weights = vec![vec![plan.norm; n]; nv];
    let mut pass = vec![vec![true; n]; nv];
    let mut region_masks: Vec<Vec<Vec<bool>>> = vec![Vec::new(); nv];
    let mut cutflow = Vec::new();
    // The events still passing in some variation: outside them, `pass` is false in every variation.
    let mut rows: Vec<usize> = (0..n).collect();
    let count = |rows: &[usize], mask: &[bool], w: &[f64]| -> (u64, f64) {
        rows.iter()
            .filter(|&&i| mask[i])
            .fold((0, 0.0), |(c, s), &i| (c + 1, s + w[i]))
    };
    let n_selections = file.selections.len();
    // The chunk restricted to the events still passing (`rows`), and to the columns still needed: each
    // stage gathers its events from the previous stage's small chunk, still in cache, rather than from
    // the whole chunk.
    let mut sub = chunk.clone();
    let mut sub_rows = rows.clone();
    for (k, stage) in plan.stages.iter().enumerate() {
        if rows.len() < sub_rows.len() {
            let events = positions_in(&sub_rows, &rows);
            sub = sub
                .take_events(&events, &plan.inputs_from(k))
                .map_err(fail)?;
            sub_rows = rows.clone();
        }
        let cols = evaluate_rows(&stage.program, &sub, None).map_err(fail)?;
        // Replaced columns this stage computed, for the programs after it.
        if let Some(cols) = &cols {
            for c in plan.carried.iter().filter(|c| c.stage == k) {
                let column = output(stage, cols, c.output)?.clone();
                sub.insert(&c.name, column)
                    .map_err(|e| Error::Data(format!("internal: carrying {}: {e}", c.name)))?;
            }
        }
        // No rows, no values.
        let values = |id: OutputId| -> Result<Vec<bool>> {
            cols.as_ref()
                .map_or(Ok(Vec::new()), |c| Ok(as_bool(output(stage, c, id)?)))
        };
        if k == 0 {
            for (v, w) in plan.variations.iter().zip(weights.iter_mut()) {
                if let (Some(id), Some(cols)) = (v.event_weight, &cols) {
                    let col = as_f64(output(stage, cols, id)?);
                    for (&i, x) in rows.iter().zip(col) {
                        w[i] = x * plan.norm;
                    }
                }
            }
            cutflow.push(count(&rows, &pass[nominal], &weights[nominal]));
        }
        if k < n_selections {
            for (v, var) in plan.variations.iter().enumerate() {
                let ok = values(var.selections[k])?;
                for (&i, ok) in rows.iter().zip(ok) {
                    pass[v][i] &= ok;
                }
            }
            cutflow.push(count(&rows, &pass[nominal], &weights[nominal]));
            rows.retain(|&i| pass.iter().any(|p| p[i]));
        } else if !file.regions.is_empty() {
            for (v, var) in plan.variations.iter().enumerate() {
                for &r in &var.regions {
                    let mut mask = vec![false; n];
                    for (&i, ok) in rows.iter().zip(values(r)?) {
                        mask[i] = ok && pass[v][i];
                    }
                    if v == nominal {
                        cutflow.push(count(&rows, &mask, &weights[v]));
                    }
                    region_masks[v].push(mask);
                }
            }
        }
    }
    if file.regions.is_empty() {
        for (masks, p) in region_masks.iter_mut().zip(pass) {
            masks.push(p);
        }
    }
    if rows.len() < sub_rows.len() {
        let events = positions_in(&sub_rows, &rows);
        sub = sub
            .take_events(&events, &plan.inputs_from(plan.stages.len()))
            .map_err(fail)?;
    }
    Ok(Selected {
        weights,
        region_masks,
        candidates: rows,
        sub,
        cutflow,
    })
}

fn process(
    setup: &Setup,
    plan: &SamplePlan,
    file_index: usize,
    range: &Range<u64>,
    arrays: Vec<hepkey_root::Array>,
) -> Result<TaskResult> {
    let Setup {
        file,
        templates,
        regions,
    } = *setup;
    let where_ = || {
        format!(
            "{} (entries {}..{})",
            plan.files[file_index].display(),
            range.start,
            range.end
        )
    };
    let names = plan.inputs();
    let n = (range.end - range.start) as usize;
    let mut chunk = Chunk::new(n);
    let mut seen = Vec::new();
    for (name, a) in names.iter().zip(arrays) {
        let c = Column::from_array(a, &mut seen)
            .map_err(|e| Error::Data(format!("{}: branch {name:?}: {e}", where_())))?;
        chunk
            .insert(*name, c)
            .map_err(|e| Error::Data(format!("{}: {e}", where_())))?;
    }
    let fail = |e: hepkey_columnar::Error| {
        Error::Data(format!("{}: sample {:?}: {e}", where_(), plan.config.name))
    };
    let selected = select(file, plan, &chunk, &fail)?;
    let mut out = TaskResult {
        histograms: Histograms::new(),
        histograms_2d: Histograms2D::new(),
        cutflow: selected.cutflow,
        skims: Vec::with_capacity(plan.skims.len()),
    };
    for skim in &plan.skims {
        let mask = &selected.region_masks[VariationId::NOMINAL.0][skim.region.0];
        let kept: Vec<usize> = selected
            .candidates
            .iter()
            .copied()
            .filter(|&i| mask[i])
            .collect();
        let events = positions_in(&selected.candidates, &kept);
        let arrays =
            match evaluate_rows(&skim.part.program, &selected.sub, Some(&events)).map_err(fail)? {
                Some(cols) => crate::skim::to_arrays(cols),
                None => Vec::new(),
            };
        out.skims.push(arrays);
    }
    // Then each group of histograms on the events of its regions.
    for fill in &plan.fills {
        let v = plan.variation(fill.variation);
        let region_masks = &selected.region_masks[fill.variation.0];
        let base_weight = &selected.weights[fill.variation.0];
        let kept: Vec<usize> = selected
            .candidates
            .iter()
            .copied()
            .filter(|&i| fill.regions.iter().any(|r| region_masks[r.0][i]))
            .collect();
        let events = positions_in(&selected.candidates, &kept);
        let Some(cols) =
            evaluate_rows(&fill.part.program, &selected.sub, Some(&events)).map_err(fail)?
        else {
            continue;
        };
        let col = |id: OutputId| output(&fill.part, &cols, id);
        let m = kept.len();
        let factors: Vec<(String, Vec<f64>)> = v
            .weight_factors
            .iter()
            .map(|f| Ok((f.variation.clone(), as_f64(col(f.output)?))))
            .collect::<Result<_>>()?;
        for &hi in &fill.histograms {
            let h = &file.histograms[hi.0];
            let outputs = v.histogram(hi);
            let values = col(outputs.value)?;
            let mut weights: Vec<f64> = kept.iter().map(|&i| base_weight[i]).collect();
            if let Some(wi) = outputs.weight {
                for (w, f) in weights.iter_mut().zip(as_f64(col(wi)?)) {
                    *w *= f;
                }
            }
            let x = as_f64(values);
            let offsets: Option<&[u32]> = values.offsets().map(|o| o.as_slice());
            let y = match outputs.y {
                Some(yi) => {
                    let c = col(yi)?;
                    Some((as_f64(c), c.offsets().map(|o| o.as_slice())))
                }
                None => None,
            };
            for &ri in &fill.regions {
                let region = &regions[ri.0];
                let mask = &region_masks[ri.0];
                let selected = || (0..m).filter(|&j| mask[kept[j]]);
                let k = |variation: &str| {
                    HistKey::new(region, &h.name, &plan.histogram_sample, variation)
                };
                match (&templates[hi.0], &y) {
                    (Template::One(template), None) => {
                        let mut fill = |variation: &str, factor: Option<&[f64]>| {
                            let hist = out
                                .histograms
                                .entry(k(variation))
                                .or_insert_with(|| template.clone());
                            for j in selected() {
                                let w = weights[j] * factor.map_or(1.0, |f| f[j]);
                                match offsets {
                                    None => hist.fill_one(x[j], w),
                                    Some(o) => {
                                        for &xi in &x[o[j] as usize..o[j + 1] as usize] {
                                            hist.fill_one(xi, w);
                                        }
                                    }
                                }
                            }
                        };
                        fill(&v.name, None);
                        for (name, f) in &factors {
                            fill(name, Some(f));
                        }
                    }
                    (Template::Two(template), Some((y, y_offsets))) => {
                        let (xs, ys, from) =
                            xy_pairs((&x, offsets), (y, *y_offsets), selected()).map_err(
                                |(nx, ny)| {
                                    Error::Data(format!(
                                        "{}: histogram {:?}: an event has {nx} x values but {ny} y values \
                                         (x and y lists must have the same length, or one be a number per event)",
                                        where_(),
                                        h.name
                                    ))
                                },
                            )?;
                        let mut fill = |variation: &str, factor: Option<&[f64]>| -> Result<()> {
                            let ws: Vec<f64> = from
                                .iter()
                                .map(|&j| weights[j] * factor.map_or(1.0, |f| f[j]))
                                .collect();
                            out.histograms_2d
                                .entry(k(variation))
                                .or_insert_with(|| template.clone())
                                .fill(&xs, &ys, Some(&ws))
                                .map_err(|e| Error::Data(format!("{}: {e}", where_())))
                        };
                        fill(&v.name, None)?;
                        for (name, f) in &factors {
                            fill(name, Some(f))?;
                        }
                    }
                    _ => {
                        return Err(Error::Config(format!(
                            "histogram {:?}: its axes and compiled outputs disagree",
                            h.name
                        )))
                    }
                }
            }
        }
    }
    Ok(out)
}

/// A column of values per event (`None`) or lists of values (`Some(offsets)`).
type Values<'a> = (&'a [f64], Option<&'a [u32]>);

/// The (x, y) pairs of the `selected` events and the event each pair comes from: lists pair up
/// element by element, a number per event is repeated for each element of the other's list.
/// Lists of unequal lengths give their lengths as the error.
#[allow(clippy::type_complexity)]
fn xy_pairs(
    (x, ox): Values,
    (y, oy): Values,
    selected: impl Iterator<Item = usize>,
) -> std::result::Result<(Vec<f64>, Vec<f64>, Vec<usize>), (usize, usize)> {
    let (mut xs, mut ys, mut from) = (Vec::new(), Vec::new(), Vec::new());
    for j in selected {
        let span = |o: Option<&[u32]>| o.map(|o| o[j] as usize..o[j + 1] as usize);
        match (span(ox), span(oy)) {
            (None, None) => {
                xs.push(x[j]);
                ys.push(y[j]);
            }
            (Some(r), None) => {
                xs.extend_from_slice(&x[r.clone()]);
                ys.extend(r.map(|_| y[j]));
            }
            (None, Some(r)) => {
                ys.extend_from_slice(&y[r.clone()]);
                xs.extend(r.map(|_| x[j]));
            }
            (Some(rx), Some(ry)) => {
                if rx.len() != ry.len() {
                    return Err((rx.len(), ry.len()));
                }
                xs.extend_from_slice(&x[rx]);
                ys.extend_from_slice(&y[ry]);
            }
        }
        from.resize(xs.len(), j);
    }
    Ok((xs, ys, from))
}

#[cfg(test)]
mod tests {
    #[test]
    fn positions_of_a_subset() {
        assert_eq!(
            super::positions_in(&[2, 5, 7, 8, 11], &[5, 8, 11]),
            vec![1, 3, 4]
        );
        assert_eq!(super::positions_in(&[2, 5], &[]), Vec::<usize>::new());
    }
}
