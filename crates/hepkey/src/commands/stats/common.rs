//! Options shared by the statistics subcommands: the workspace, patches and the
//! measurement, turned into a model and its data.

use anyhow::{Context, Result};
use hepkey_stats::workspace::archive::read_document;
use hepkey_stats::{model_and_data, Data, JsonPatch, Model, ModelOptions, PatchSet, Workspace};
use std::io::Write;
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

/// Writes a file atomically: a temporary file beside it, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.tmp{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all().ok();
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
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
