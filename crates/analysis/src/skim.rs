//! Skims: the events of a region written to ROOT files (`[[skims]]`), one file per sample at
//! `OUT/skims/<name or region>/<sample>.root`, as a TTree or an RNTuple named as the input tree,
//! with the chosen columns (input branches and definitions; lists as `std::vector`s).
//!
//! The columns are outputs of the sample's program (compiled with the histograms, nominal
//! kinematics), evaluated on each chunk's events in the region. The chunks come back in the run's
//! task order (files, then entries), whatever the threads, and are written in that order with the
//! fixed timestamps of [`hepkey_root::write`]: the same input gives the same bytes.

use crate::config::{AnalysisFile, Expr, SkimFormat};
use crate::error::{Error, Result};
use crate::key::{region_names, OutputId, RegionId};
use crate::plan::Part;
use crate::run::RunResult;
use hepkey_columnar::{Column, ProgramBuilder, Type};
use hepkey_root::write::{BranchSpec, Compression, FieldKind, FieldSpec, FileWriter};
use hepkey_root::Array;
use std::path::Path;

/// The directory under the output directory that holds the skims.
pub const DIR: &str = "skims";

/// One skim of one sample, compiled: the region and the program computing its columns.
pub struct SkimPart {
    /// Index in the analysis file's `[[skims]]`.
    pub skim: usize,
    pub region: RegionId,
    /// Column names and types, in the order of the program's results.
    pub columns: Vec<(String, Type)>,
    pub part: Part,
}

/// The skimmed events of one sample: per skim, the columns of each chunk in order.
#[derive(Clone, Debug, Default)]
pub struct SampleSkims {
    pub sample: String,
    /// The input tree's name (the skim's tree is named alike).
    pub tree: String,
    /// Per `[[skims]]` entry, in the file's order.
    pub skims: Vec<SkimData>,
}

/// The events one skim keeps of one sample.
#[derive(Clone, Debug, Default)]
pub struct SkimData {
    /// Column names and types.
    pub columns: Vec<(String, Type)>,
    /// Per chunk (in input order), one array per column.
    pub chunks: Vec<Vec<Array>>,
}

/// Registers one output of the program being built: (builder, output name, expression, what it
/// is for messages) → its id and type.
pub(crate) type DeclareOutput<'a> =
    dyn FnMut(&mut ProgramBuilder, String, &Expr, &str) -> Result<(OutputId, Type)> + 'a;

/// Per skim, its columns: name, program output and type.
pub(crate) type DeclaredColumns = Vec<Vec<(String, OutputId, Type)>>;

/// Checks the `[[skims]]` of an analysis file: names, regions, columns, compression.
pub fn check(file: &AnalysisFile) -> std::result::Result<(), String> {
    let regions = region_names(file);
    let mut dirs = std::collections::HashSet::new();
    for s in &file.skims {
        let what = format!("skim {:?}", s.dir_name());
        if !regions.contains(&s.region) {
            return Err(format!(
                "{what}: no region {:?} (the regions are {})",
                s.region,
                regions.join(", ")
            ));
        }
        if !dirs.insert(s.dir_name()) {
            return Err(format!(
                "two skims write to skims/{} (give them different `name`s)",
                s.dir_name()
            ));
        }
        crate::validate::check_name("skim", s.dir_name())?;
        if s.columns.is_empty() {
            return Err(format!("{what}: `columns` lists no column"));
        }
        let mut seen = std::collections::HashSet::new();
        for c in &s.columns {
            let c = c.get_ref();
            if !seen.insert(c.as_str()) {
                return Err(format!("{what}: column {c:?} is listed twice"));
            }
            if c.is_empty() || !c.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
                return Err(format!(
                    "{what}: column {c:?} must be the name of a branch or a definition"
                ));
            }
        }
        compression(s.compression.as_deref()).map_err(|e| format!("{what}: {e}"))?;
    }
    Ok(())
}

fn compression(text: Option<&str>) -> hepkey_root::Result<Compression> {
    Compression::parse(text.unwrap_or("zstd"))
}

/// Declares the columns of every skim as outputs of the program being built (nominal
/// definitions in place); `out` registers one output. Returns, per skim, its columns.
pub(crate) fn declare_outputs(
    file: &AnalysisFile,
    b: &mut ProgramBuilder,
    out: &mut DeclareOutput,
) -> Result<DeclaredColumns> {
    let mut all = Vec::new();
    for (i, s) in file.skims.iter().enumerate() {
        let mut columns = Vec::new();
        for c in &s.columns {
            let what = format!("column {:?} of skim {:?}", c.get_ref(), s.dir_name());
            let (id, t) = out(b, format!("skim/{i}/{}", c.get_ref()), c, &what)?;
            columns.push((c.get_ref().clone(), id, t));
        }
        all.push(columns);
    }
    Ok(all)
}

/// Compiles the skims' programs from their declared outputs.
pub(crate) fn compile(
    file: &AnalysisFile,
    b: &ProgramBuilder,
    declared: DeclaredColumns,
) -> Result<Vec<SkimPart>> {
    let regions = region_names(file);
    declared
        .into_iter()
        .enumerate()
        .map(|(i, columns)| {
            let s = &file.skims[i];
            let region = regions
                .iter()
                .position(|r| *r == s.region)
                .map(RegionId)
                .ok_or_else(|| {
                    Error::Config(format!("skim {:?}: no region {:?}", s.dir_name(), s.region))
                })?;
            let outputs = columns.iter().map(|(_, id, _)| *id).collect();
            let part = Part::new(b, outputs, &format!("skim {}", s.dir_name()))?;
            Ok(SkimPart {
                skim: i,
                region,
                columns: columns.into_iter().map(|(n, _, t)| (n, t)).collect(),
                part,
            })
        })
        .collect()
}

/// The program's columns as arrays (lists of numbers for jagged columns).
pub(crate) fn to_arrays(columns: Vec<Column>) -> Vec<Array> {
    columns
        .into_iter()
        .map(|c| {
            let values = Array::Flat(c.values().clone());
            match c.offsets() {
                Some(o) => Array::List {
                    offsets: o.clone(),
                    content: Box::new(values),
                },
                None => values,
            }
        })
        .collect()
}

/// Writes the skims of a run into `dir` (the output directory, or its staging directory):
/// `dir/skims/<name>/<sample>.root` for every skim and every sample read.
pub fn write(file: &AnalysisFile, result: &RunResult, dir: &Path) -> Result<()> {
    for sample in &result.skims {
        for (i, data) in sample.skims.iter().enumerate() {
            let s = &file.skims[i];
            let skim_dir = dir.join(DIR).join(s.dir_name());
            std::fs::create_dir_all(&skim_dir).map_err(|source| Error::Io {
                path: skim_dir.display().to_string(),
                source,
            })?;
            let path = skim_dir.join(format!("{}.root", sample.sample));
            let compression = compression(s.compression.as_deref())
                .map_err(|e| Error::Config(format!("skim {:?}: {e}", s.dir_name())))?;
            write_file(&path, s.format, compression, &sample.tree, data)
                .map_err(|e| Error::Data(format!("writing {}: {e}", path.display())))?;
        }
    }
    Ok(())
}

fn write_file(
    path: &Path,
    format: SkimFormat,
    compression: Compression,
    tree: &str,
    data: &SkimData,
) -> hepkey_root::Result<()> {
    let (columns, chunks) = (&data.columns, &data.chunks);
    let mut f = FileWriter::create(path, compression)?;
    // A tree's path may name directories (`dir/tree`).
    let (dir, name) = match tree.rsplit_once('/') {
        Some((d, n)) => (f.mkdirs(d)?, n),
        None => (f.root(), tree),
    };
    match format {
        SkimFormat::Ttree => {
            let specs = columns
                .iter()
                .map(|(n, t)| match t.jagged {
                    false => BranchSpec::scalar(n, t.dtype),
                    true => BranchSpec::vector(n, t.dtype),
                })
                .collect();
            let t = f.add_tree(dir, name, "hepkey skim", specs)?;
            for c in chunks
                .iter()
                .filter(|c| c.first().is_some_and(|a| !a.is_empty()))
            {
                f.fill(t, c)?;
            }
        }
        SkimFormat::Rntuple => {
            let specs = columns
                .iter()
                .map(|(n, t)| match t.jagged {
                    false => FieldSpec::number(n, t.dtype),
                    true => FieldSpec::vector(n, FieldKind::Number(t.dtype)),
                })
                .collect();
            let t = f.add_rntuple(dir, name, specs)?;
            for c in chunks
                .iter()
                .filter(|c| c.first().is_some_and(|a| !a.is_empty()))
            {
                f.fill_rntuple(t, c)?;
            }
        }
    }
    f.close()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(skims: &str) -> AnalysisFile {
        parse(skims).unwrap()
    }

    fn parse(skims: &str) -> std::result::Result<AnalysisFile, toml::de::Error> {
        let text = format!(
            r#"
[analysis]
name = "a"
[[samples]]
name = "s"
kind = "data"
files = ["x.root"]
[[regions]]
name = "signal"
cut = "x > 1"
[[histograms]]
name = "h"
expression = "x"
bins = 1
range = [0, 1]
{skims}"#
        );
        toml::from_str(&text)
    }

    #[test]
    fn skims_are_checked_before_any_event_is_read() {
        let ok =
            file("[[skims]]\nregion = \"signal\"\ncolumns = [\"x\", \"y\"]\nformat = \"rntuple\"");
        assert_eq!(check(&ok), Ok(()));
        assert_eq!(ok.skims[0].format, SkimFormat::Rntuple);
        let cases = [
            (
                "region = \"control\"\ncolumns = [\"x\"]",
                "no region \"control\" (the regions are signal)",
            ),
            ("region = \"signal\"\ncolumns = []", "lists no column"),
            (
                "region = \"signal\"\ncolumns = [\"x\", \"x\"]",
                "column \"x\" is listed twice",
            ),
            (
                "region = \"signal\"\ncolumns = [\"x + 1\"]",
                "must be the name of a branch or a definition",
            ),
            (
                "region = \"signal\"\ncolumns = [\"x\"]\ncompression = \"gzip\"",
                "unknown compression",
            ),
            (
                "region = \"signal\"\ncolumns = [\"x\"]\nname = \"a/b\"",
                "contains '/'",
            ),
        ];
        for (body, message) in cases {
            let err = check(&file(&format!("[[skims]]\n{body}"))).unwrap_err();
            assert!(err.contains(message), "{body}: {err}");
        }
        let twice = file("[[skims]]\nregion = \"signal\"\ncolumns = [\"x\"]\n[[skims]]\nregion = \"signal\"\ncolumns = [\"y\"]");
        assert!(check(&twice)
            .unwrap_err()
            .contains("two skims write to skims/signal"));
        let err = parse("[[skims]]\nregion = \"signal\"\ncolumns = [\"x\"]\nformat = \"parquet\"")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown variant `parquet`"), "{err}");
    }
}
