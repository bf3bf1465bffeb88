//! Options shared by the statistics subcommands: the workspace, patches and the
//! measurement, turned into a model and its data.

use anyhow::{Context, Result};
use hepkey_stats::workspace::archive::read_document;
use hepkey_stats::{model_and_data, Data, JsonPatch, Model, ModelOptions, PatchSet, Workspace};
use std::path::Path;

/// Where the likelihood comes from.
#[derive(clap::Args, Debug)]
pub struct WorkspaceArgs {
    /// pyhf JSON workspace; a member of a .tar.gz archive is addressed as
    /// ARCHIVE.tar.gz/RegionA/BkgOnly.json
    pub workspace: String,
    /// RFC 6902 JSON patch applied to the model (repeatable, applied in order)
    #[arg(short = 'p', long = "patch")]
    pub patches: Vec<String>,
    /// pyhf PatchSet file (use with --patch-name); its digest is verified
    #[arg(long)]
    pub patchset: Option<String>,
    /// Name of the patch in --patchset
    #[arg(long = "patch-name", requires = "patchset")]
    pub patch_name: Option<String>,
    /// Measurement name (default: the first)
    #[arg(long)]
    pub measurement: Option<String>,
}

/// Reads a workspace document (plain file or archive member).
pub fn load_workspace(spec: &str) -> Result<(Workspace, serde_json::Value)> {
    let text = read_document(spec)?;
    let value: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{spec}: invalid JSON"))?;
    let ws = Workspace::from_value(&value, spec)?;
    Ok((ws, value))
}

impl WorkspaceArgs {
    /// The workspace, model and observed data.
    pub fn load(&self) -> Result<(Workspace, Model, Data)> {
        let (ws, value) = load_workspace(&self.workspace)?;
        let mut patches = Vec::new();
        for p in &self.patches {
            patches.push(JsonPatch::from_str(&read_document(p)?, p)?);
        }
        if let Some(ps) = &self.patchset {
            let set = PatchSet::from_str(&read_document(ps)?, ps)?;
            let name = self
                .patch_name
                .as_deref()
                .context("--patchset needs --patch-name NAME")?;
            set.verify(&value)?;
            patches.push(set.patch(name)?.clone());
        }
        let (model, data) = model_and_data(
            &ws,
            self.measurement.as_deref(),
            &patches,
            &ModelOptions::default(),
        )?;
        Ok((ws, model, data))
    }
}

/// Refuses an output file that could not be written, before any (possibly long) work:
/// an existing directory, or a file in a directory that does not exist. `example` is a
/// file name to suggest inside a directory given by mistake.
pub fn check_output_file(path: &Path, example: &str) -> Result<()> {
    if path.is_dir() {
        anyhow::bail!(
            "cannot write {}: it is a directory; give a file name, e.g. {}",
            path.display(),
            path.join(example).display()
        );
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match std::fs::metadata(parent) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => anyhow::bail!(
            "cannot write {}: {} is not a directory",
            path.display(),
            parent.display()
        ),
        Err(_) => anyhow::bail!(
            "cannot write {}: the directory {} does not exist (create it first)",
            path.display(),
            parent.display()
        ),
    }
}

/// Writes a file atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    Ok(hepkey_output::write_atomic(path, bytes)?)
}

/// Pretty JSON with sorted keys (as pyhf's `json.dumps(indent=4, sort_keys=True)`).
pub fn print_json(value: &serde_json::Value) -> Result<()> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(value, &mut ser)?;
    println!("{}", String::from_utf8(buf)?);
    Ok(())
}

/// A JSON value with object keys sorted at every level (pyhf writes `sort_keys=True`;
/// serde_json here keeps insertion order).
pub fn sort_keys(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            serde_json::Value::Object(
                keys.into_iter()
                    .map(|k| (k.clone(), sort_keys(&map[k])))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(sort_keys).collect())
        }
        other => other.clone(),
    }
}

/// Serialises a JSON value with every object's keys in sorted order, without building
/// a sorted copy (a 60 MB workspace is ~0.5 GB as a `Value`).
struct SortedKeys<'a>(&'a serde_json::Value);

impl serde::Serialize for SortedKeys<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut m = s.serialize_map(Some(keys.len()))?;
                for k in keys {
                    m.serialize_entry(k, &SortedKeys(&map[k]))?;
                }
                m.end()
            }
            serde_json::Value::Array(items) => {
                let mut q = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    q.serialize_element(&SortedKeys(v))?;
                }
                q.end()
            }
            other => other.serialize(s),
        }
    }
}

/// A workspace as pyhf's CLI writes it (`json.dump(ws, indent=4, sort_keys=True)`):
/// to `output` atomically, else to standard output.
pub fn emit_workspace(value: &serde_json::Value, output: Option<&Path>) -> Result<()> {
    let mut buf = Vec::new();
    let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
    serde::Serialize::serialize(&SortedKeys(value), &mut ser)?;
    match output {
        Some(path) => {
            buf.push(b'\n');
            write_atomic(path, &buf)?;
            eprintln!("wrote {}", path.display());
        }
        None => println!("{}", String::from_utf8(buf)?),
    }
    Ok(())
}
