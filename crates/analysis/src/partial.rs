//! Partial results: the exact sums of a run over some of the input files, which merge (in any grouping)
//! into exactly the outputs of one run over all of them.
//!
//! A [`Partial`] carries what the final outputs need without reading an input again: the analysis file's
//! text and the values substituted into it ([`Header`], identical in every part of one analysis), the
//! inputs it covers with their checksums, its histograms' Σw and Σw² and cutflows as exact sums
//! ([`hepkey_hist::ExactSum`]), and the runs it comes from. `hepkey run` itself goes through a partial
//! covering everything, so a run and a merge write their outputs with the same code from the same sums.

use crate::config::{AnalysisFile, SampleConfig};
use crate::error::{Error, Result};
use crate::key::{HistKey, SampleId};
use crate::run::{ExactStep, ExactTotals, RunResult};
use hepkey_hist::{ExactBins, ExactSum};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Version of the `partial.json` layout; parts of another version are refused.
pub const FORMAT: u32 = 1;

/// The file name of a partial result in its directory.
pub const FILE_NAME: &str = "partial.json";

/// What must be identical in every part of one analysis.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Header {
    pub hepkey_version: String,
    pub git_commit: String,
    /// The analysis file as it was named.
    pub analysis_file: String,
    pub analysis_sha256: String,
    pub analysis_text: String,
    /// Every `${NAME}` with its value and origin, as `provenance.json` lists them.
    pub variables: serde_json::Map<String, Value>,
    /// The samples of the run (those with files), in analysis-file order.
    pub samples: Vec<SampleFiles>,
}

/// A sample's input files as resolved: their number and what identifies the list.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SampleFiles {
    pub name: String,
    pub files: usize,
    /// Entries of all its files (its normalisation may depend on them).
    pub entries: u64,
    /// SHA-256 of the files' paths, one a line: parts that resolved different lists do not merge.
    pub files_sha256: String,
}

/// One input file read.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct InputRecord {
    pub sample: String,
    /// Position in the sample's file list.
    pub index: usize,
    pub path: String,
    pub tree: String,
    pub entries: u64,
    pub size: u64,
    pub adler32: String,
    /// The luminosity the file records (data samples), for the plots' label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub luminosity: Option<f64>,
}

/// One run (a `hepkey run` of some files) a partial result comes from.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub threads: usize,
    /// RFC 3339, UTC.
    pub time: String,
    pub inputs: usize,
}

/// A partial result.
#[derive(Clone, Debug)]
pub struct Partial {
    pub header: Header,
    pub runs: Vec<RunRecord>,
    /// By sample (header order), then index.
    pub inputs: Vec<InputRecord>,
    pub events_read: u64,
    pub histograms: BTreeMap<HistKey, ExactBins>,
    /// By sample name.
    pub cutflows: BTreeMap<String, Vec<ExactStep>>,
}

/// The time of a run: `SOURCE_DATE_EPOCH` (seconds since 1970, as reproducible builds use) when set,
/// else now; RFC 3339 in UTC.
pub fn run_time() -> Result<String> {
    let seconds = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v.trim().parse::<i64>().map_err(|_| {
            Error::Config(format!(
                "SOURCE_DATE_EPOCH={v:?}: expected whole seconds since 1970-01-01"
            ))
        })?,
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64),
    };
    Ok(rfc3339(seconds))
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    // Days to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

/// The git commit hepkey was built from ("unknown" outside a git checkout).
pub const GIT_COMMIT: &str = env!("HEPKEY_GIT_COMMIT");

impl Partial {
    /// The partial result of a run of `analysis` (over the files of `result.selection`).
    pub fn of_run(analysis: &crate::Analysis, result: &RunResult) -> Result<Partial> {
        let mut samples = Vec::new();
        let mut inputs = Vec::new();
        for (pi, p) in analysis.plans.iter().enumerate() {
            let list: String = p
                .files
                .iter()
                .map(|f| format!("{}\n", f.display()))
                .collect();
            samples.push(SampleFiles {
                name: p.config.name.clone(),
                files: p.files.len(),
                entries: p.entries,
                files_sha256: crate::checksum::sha256_hex(list.as_bytes()),
            });
            let wants_luminosity = p.config.kind == crate::config::SampleKind::Data
                && p.config.variation_of.is_none()
                && p.config.luminosity.is_none();
            for index in result.selection.of(pi) {
                let f = &p.files[index];
                let (size, adler32) = match result.checksums.get(f) {
                    Some(c) => c.clone(),
                    None => crate::input::checksum(f)?,
                };
                inputs.push(InputRecord {
                    sample: p.config.name.clone(),
                    index,
                    path: f.display().to_string(),
                    tree: p.tree.clone(),
                    entries: p.file_entries[index],
                    size,
                    adler32,
                    luminosity: if wants_luminosity {
                        crate::lumi::file_luminosity(f)
                    } else {
                        None
                    },
                });
            }
        }
        let header = Header {
            hepkey_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: GIT_COMMIT.to_string(),
            analysis_file: analysis.path.display().to_string(),
            analysis_sha256: crate::checksum::sha256_hex(analysis.text.as_bytes()),
            analysis_text: analysis.text.clone(),
            variables: analysis
                .variables
                .iter()
                .map(|(name, value)| {
                    let v = match value {
                        Some((v, from)) => json!({ "value": v, "from": from.as_str() }),
                        None => Value::Null,
                    };
                    (name.clone(), v)
                })
                .collect(),
            samples,
        };
        let cutflows = result
            .exact
            .cutflows
            .iter()
            .map(|(s, steps)| (analysis.plans[s.0].config.name.clone(), steps.clone()))
            .collect();
        Ok(Partial {
            header,
            runs: vec![RunRecord {
                threads: rayon::current_num_threads(),
                time: run_time()?,
                inputs: inputs.len(),
            }],
            inputs,
            events_read: result.events_read,
            histograms: result.exact.histograms.clone(),
            cutflows,
        })
    }

    /// Index of a sample in the header.
    fn sample_index(&self, name: &str) -> usize {
        self.header
            .samples
            .iter()
            .position(|s| s.name == name)
            .unwrap_or(usize::MAX)
    }

    /// Adds `other` (a part of the same analysis covering other inputs); `name` names it in errors.
    pub fn absorb(&mut self, other: Partial, name: &str) -> Result<()> {
        check_same(&self.header, &other.header, name)?;
        let covered: BTreeSet<(usize, usize)> = self
            .inputs
            .iter()
            .map(|i| (self.sample_index(&i.sample), i.index))
            .collect();
        if let Some(twice) = other
            .inputs
            .iter()
            .find(|i| covered.contains(&(self.sample_index(&i.sample), i.index)))
        {
            return Err(Error::Data(format!(
                "{name}: input {} (file {} of sample {:?}) is also in an earlier part: it would be counted twice",
                twice.path, twice.index, twice.sample
            )));
        }
        for (k, bins) in other.histograms {
            match self.histograms.get_mut(&k) {
                Some(t) => t
                    .add(&bins)
                    .map_err(|e| Error::Data(format!("{name}: histogram {k}: {e}")))?,
                None => {
                    self.histograms.insert(k, bins);
                }
            }
        }
        for (sample, steps) in other.cutflows {
            match self.cutflows.get_mut(&sample) {
                Some(mine) => {
                    if mine.len() != steps.len()
                        || mine.iter().zip(&steps).any(|(a, b)| a.name != b.name)
                    {
                        return Err(Error::Data(format!(
                            "{name}: the cutflow of sample {sample:?} has other steps"
                        )));
                    }
                    for (a, b) in mine.iter_mut().zip(steps) {
                        a.events += b.events;
                        a.weighted.add_sum(&b.weighted);
                    }
                }
                None => {
                    self.cutflows.insert(sample, steps);
                }
            }
        }
        self.inputs.extend(other.inputs);
        let order: BTreeMap<&str, usize> = self
            .header
            .samples
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        self.inputs
            .sort_by_key(|i| (order.get(i.sample.as_str()).copied(), i.index));
        self.runs.extend(other.runs);
        self.events_read += other.events_read;
        Ok(())
    }

    /// The inputs no part covers, per sample: (name, indices), empty when complete.
    pub fn missing(&self) -> Vec<(String, Vec<usize>)> {
        let mut out = Vec::new();
        for s in &self.header.samples {
            let have: BTreeSet<usize> = self
                .inputs
                .iter()
                .filter(|i| i.sample == s.name)
                .map(|i| i.index)
                .collect();
            let missing: Vec<usize> = (0..s.files).filter(|i| !have.contains(i)).collect();
            if !missing.is_empty() {
                out.push((s.name.clone(), missing));
            }
        }
        out
    }

    /// The analysis file, parsed from the text the part carries.
    pub fn analysis_file(&self) -> Result<AnalysisFile> {
        toml::from_str(&self.header.analysis_text).map_err(|e| {
            Error::Config(format!(
                "{} (as recorded in the partial result): {}",
                self.header.analysis_file,
                e.message()
            ))
        })
    }

    /// The configuration of each sample of the run, in order.
    pub fn sample_configs(&self, file: &AnalysisFile) -> Result<Vec<SampleConfig>> {
        self.header
            .samples
            .iter()
            .map(|s| {
                file.samples
                    .iter()
                    .find(|c| c.name == s.name)
                    .cloned()
                    .ok_or_else(|| {
                        Error::Config(format!(
                            "the analysis file has no sample {:?} any more",
                            s.name
                        ))
                    })
            })
            .collect()
    }

    /// The rounded outputs of a complete set of parts (see [`Partial::missing`]).
    pub fn round(&self, file: &AnalysisFile) -> Result<RunResult> {
        let templates = crate::run::templates(file)?;
        let names: Vec<String> = self.header.samples.iter().map(|s| s.name.clone()).collect();
        let exact = ExactTotals {
            histograms: self.histograms.clone(),
            cutflows: names
                .iter()
                .enumerate()
                .filter_map(|(i, n)| {
                    self.cutflows
                        .get(n)
                        .map(|steps| (SampleId(i), steps.clone()))
                })
                .collect(),
        };
        let (histograms, histograms_2d, cutflows) = crate::run::round(&exact, &templates, &names)?;
        Ok(RunResult {
            histograms,
            histograms_2d,
            cutflows,
            events_read: self.events_read,
            checksums: BTreeMap::new(),
            selection: crate::run::FileSelection(Vec::new()),
            exact,
            // Skims are written by complete runs only.
            skims: Vec::new(),
        })
    }

    /// The largest thread count of the runs (what `provenance.json` records).
    pub fn threads(&self) -> usize {
        self.runs.iter().map(|r| r.threads).max().unwrap_or(1)
    }

    /// `SOURCE_DATE_EPOCH` when set, else the latest time of the runs.
    pub fn time(&self) -> Result<String> {
        if std::env::var_os("SOURCE_DATE_EPOCH").is_some() {
            return run_time();
        }
        Ok(self
            .runs
            .iter()
            .map(|r| r.time.clone())
            .max()
            .unwrap_or_default())
    }

    /// `partial.json`'s text.
    pub fn to_json(&self) -> Vec<u8> {
        let histograms: serde_json::Map<String, Value> = self
            .histograms
            .iter()
            .map(|(k, b)| (k.to_string(), bins_json(b)))
            .collect();
        let cutflows: serde_json::Map<String, Value> = self
            .cutflows
            .iter()
            .map(|(s, steps)| {
                let steps: Vec<Value> = steps
                    .iter()
                    .map(|st| {
                        json!({"name": st.name, "events": st.events, "weighted": st.weighted.partials()})
                    })
                    .collect();
                (s.clone(), Value::Array(steps))
            })
            .collect();
        let doc = json!({
            "format": "hepkey partial result",
            "format_version": FORMAT,
            "header": self.header,
            "runs": self.runs,
            "inputs": self.inputs,
            "events_read": self.events_read,
            "histograms": histograms,
            "cutflows": cutflows,
        });
        let mut text = serde_json::to_vec(&doc).expect("JSON");
        text.push(b'\n');
        text
    }

    /// Reads `partial.json` (or the directory holding it).
    pub fn read(path: &Path) -> Result<Partial> {
        let file = if path.is_dir() {
            path.join(FILE_NAME)
        } else {
            path.to_path_buf()
        };
        let bytes = std::fs::read(&file).map_err(|source| Error::Io {
            path: file.display().to_string(),
            source,
        })?;
        Self::from_json(&bytes).map_err(|e| {
            Error::Data(format!(
                "{}: not a hepkey partial result: {e}",
                file.display()
            ))
        })
    }

    fn from_json(bytes: &[u8]) -> std::result::Result<Partial, String> {
        #[derive(Deserialize)]
        struct Doc {
            format: String,
            format_version: u32,
            header: Value,
            runs: Vec<RunRecord>,
            inputs: Vec<InputRecord>,
            events_read: u64,
            histograms: BTreeMap<String, SparseBins>,
            cutflows: BTreeMap<String, Vec<StepJson>>,
        }
        #[derive(Deserialize)]
        struct SparseBins {
            bins: usize,
            entries: u64,
            sumw: Vec<(usize, Vec<f64>)>,
            sumw2: Vec<(usize, Vec<f64>)>,
        }
        #[derive(Deserialize)]
        struct StepJson {
            name: String,
            events: u64,
            weighted: Vec<f64>,
        }
        let doc: Doc = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        if doc.format != "hepkey partial result" {
            return Err(format!("its format is {:?}", doc.format));
        }
        if doc.format_version != FORMAT {
            return Err(format!(
                "format version {}; this hepkey reads version {FORMAT}",
                doc.format_version
            ));
        }
        let header: Header = serde_json::from_value(doc.header).map_err(|e| e.to_string())?;
        let mut histograms = BTreeMap::new();
        for (k, s) in doc.histograms {
            let key: HistKey = k.parse()?;
            let mut b = ExactBins::zero(s.bins);
            for (which, list) in [(&mut b.sumw, s.sumw), (&mut b.sumw2, s.sumw2)] {
                for (i, partials) in list {
                    let slot = which
                        .get_mut(i)
                        .ok_or_else(|| format!("histogram {k}: bin {i} of {}", s.bins))?;
                    *slot = ExactSum::from_partials(&partials);
                }
            }
            b.entries = s.entries;
            histograms.insert(key, b);
        }
        let cutflows = doc
            .cutflows
            .into_iter()
            .map(|(s, steps)| {
                let steps = steps
                    .into_iter()
                    .map(|st| ExactStep {
                        name: st.name,
                        events: st.events,
                        weighted: ExactSum::from_partials(&st.weighted),
                    })
                    .collect();
                (s, steps)
            })
            .collect();
        Ok(Partial {
            header,
            runs: doc.runs,
            inputs: doc.inputs,
            events_read: doc.events_read,
            histograms,
            cutflows,
        })
    }
}

/// Exact bins as JSON: only the bins that are not zero, each `[index, [partials...]]`.
fn bins_json(b: &ExactBins) -> Value {
    let sparse = |sums: &[ExactSum]| -> Vec<Value> {
        sums.iter()
            .enumerate()
            .filter(|(_, s)| !s.is_zero())
            .map(|(i, s)| json!([i, s.partials()]))
            .collect()
    };
    json!({
        "bins": b.len(),
        "entries": b.entries,
        "sumw": sparse(&b.sumw),
        "sumw2": sparse(&b.sumw2),
    })
}

/// Refuses a part of another analysis, hepkey or set of inputs, naming both sides.
fn check_same(mine: &Header, theirs: &Header, name: &str) -> Result<()> {
    let differ = |what: &str, a: &str, b: &str| {
        Err(Error::Data(format!(
            "{name}: {what}: {b} in this part, {a} in the parts before; partial results merge only from the same analysis and hepkey"
        )))
    };
    if (&mine.hepkey_version, &mine.git_commit) != (&theirs.hepkey_version, &theirs.git_commit) {
        return differ(
            "made by another hepkey",
            &format!("{} ({})", mine.hepkey_version, mine.git_commit),
            &format!("{} ({})", theirs.hepkey_version, theirs.git_commit),
        );
    }
    if mine.analysis_sha256 != theirs.analysis_sha256 || mine.analysis_file != theirs.analysis_file
    {
        return differ(
            "another analysis file",
            &format!("{} (sha256 {})", mine.analysis_file, mine.analysis_sha256),
            &format!(
                "{} (sha256 {})",
                theirs.analysis_file, theirs.analysis_sha256
            ),
        );
    }
    if mine.variables != theirs.variables {
        return differ(
            "other variable values",
            &Value::Object(mine.variables.clone()).to_string(),
            &Value::Object(theirs.variables.clone()).to_string(),
        );
    }
    if mine.samples != theirs.samples {
        let what = mine
            .samples
            .iter()
            .zip(&theirs.samples)
            .find(|(a, b)| a != b)
            .map_or("other samples".to_string(), |(a, _)| {
                format!("other input files for sample {:?}", a.name)
            });
        let list = |h: &Header| {
            h.samples
                .iter()
                .map(|s| format!("{} ({} files)", s.name, s.files))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return differ(&what, &list(mine), &list(theirs));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_print_as_rfc3339() {
        assert_eq!(super::rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(super::rfc3339(1_764_862_505), "2025-12-04T15:35:05Z");
    }
}
