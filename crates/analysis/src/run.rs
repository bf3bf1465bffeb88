//! Running a compiled analysis: chunks of every file of every sample are
//! processed in parallel; their histograms and cutflows are merged in a fixed
//! order, so the result does not depend on the number of threads.

use crate::config::AnalysisFile;
use crate::error::{Error, Result};
use crate::key::{fills, region_names, HistKey, OutputId, SampleId, VariationId, ALL_EVENTS};
use crate::plan::{Part, SamplePlan};
use crate::template::{new_hist, Template};
use hepkey_columnar::{Chunk, Column, DType};
use hepkey_hist::{Hist1D, Hist2D};
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

/// What a run produced.
pub struct RunResult {
    pub histograms: Histograms,
    pub histograms_2d: Histograms2D,
    /// Per sample (in analysis-file order): the cutflow under nominal conditions.
    pub cutflows: Vec<(String, Vec<CutflowStep>)>,
    pub events_read: u64,
    /// Size and SHA-256 of every input file, computed alongside the event loop.
    pub checksums: BTreeMap<std::path::PathBuf, (u64, String)>,
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

/// Runs every sample; `progress` is called with the entries of each finished chunk.
pub fn execute(
    file: &AnalysisFile,
    plans: &[SamplePlan],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult> {
    let chunk = file.analysis.chunk_size.unwrap_or(100_000).max(1);
    let templates: Vec<Template> = file
        .histograms
        .iter()
        .map(new_hist)
        .collect::<Result<_>>()?;
    let regions = region_names(file);
    // Every histogram exists in the output, empty ones included.
    let mut histograms = Histograms::new();
    let mut histograms_2d = Histograms2D::new();
    for p in plans {
        for v in &p.variations {
            let mut names = vec![v.name.clone()];
            names.extend(v.weight_factors.iter().map(|f| f.variation.clone()));
            for (h, template) in file.histograms.iter().zip(&templates) {
                for r in regions.iter().filter(|r| fills(h, r)) {
                    for n in &names {
                        let k = HistKey::new(r, &h.name, &p.histogram_sample, n);
                        match template {
                            Template::One(t) => {
                                histograms.insert(k, t.clone());
                            }
                            Template::Two(t) => {
                                histograms_2d.insert(k, t.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    let mut tasks = Vec::new();
    for (pi, p) in plans.iter().enumerate() {
        let inputs = p.inputs();
        for (fi, t) in p.trees.iter().enumerate() {
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
    let inputs: Vec<&std::path::PathBuf> = plans.iter().flat_map(|p| &p.files).collect();
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
                .map(|f| crate::checksum::checksum(f).map(|c| ((*f).clone(), c)))
                .collect()
        },
    );
    let checksums = checksums.into_iter().collect::<Result<_>>()?;
    let mut cutflows: Vec<(String, Vec<CutflowStep>)> = plans
        .iter()
        .map(|p| (p.config.name.clone(), cutflow_steps(file, &regions)))
        .collect();
    let mut events_read = 0;
    // Merged chunk by chunk in file order: the same sums whatever the threads.
    for (t, rs) in tasks.iter().zip(results) {
        for (range, r) in t.chunks.iter().zip(rs?) {
            merge(
                r,
                &mut histograms,
                &mut histograms_2d,
                &mut cutflows[t.sample.0].1,
            )?;
            events_read += range.end - range.start;
        }
    }
    check_finite(&histograms, &histograms_2d)?;
    for p in plans {
        for (f, seen) in p.files.iter().zip(&p.file_states) {
            if crate::resolve::FileState::of(f).as_ref() != Some(seen) {
                return Err(Error::Data(format!(
                    "{} changed while it was read (its size or modification time differ from when the run began); rerun when the file is complete",
                    f.display()
                )));
            }
        }
    }
    Ok(RunResult {
        histograms,
        histograms_2d,
        cutflows,
        events_read,
        checksums,
    })
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

/// Adds the results of one chunk to the totals.
fn merge(
    r: TaskResult,
    histograms: &mut Histograms,
    histograms_2d: &mut Histograms2D,
    cutflow: &mut [CutflowStep],
) -> Result<()> {
    fn add_all<H, E: std::fmt::Display>(
        totals: &mut BTreeMap<HistKey, H>,
        parts: BTreeMap<HistKey, H>,
        add: impl Fn(&mut H, &H) -> std::result::Result<(), E>,
    ) -> Result<()> {
        for (k, h) in parts {
            add(totals.get_mut(&k).expect("declared above"), &h)
                .map_err(|e| Error::Data(format!("merging {k}: {e}")))?;
        }
        Ok(())
    }
    add_all(histograms, r.histograms, Hist1D::add)?;
    add_all(histograms_2d, r.histograms_2d, Hist2D::add)?;
    for (step, (n, w)) in cutflow.iter_mut().zip(r.cutflow) {
        step.events += n;
        step.weighted += w;
    }
    Ok(())
}

fn cutflow_steps(file: &AnalysisFile, regions: &[String]) -> Vec<CutflowStep> {
    let step = |name: &str| CutflowStep {
        name: name.to_string(),
        events: 0,
        weighted: 0.0,
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
    let tree = &plan.trees[task.file];
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
    };
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
