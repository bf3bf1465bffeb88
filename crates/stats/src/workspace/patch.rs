//! RFC 6902 JSON patches and pyhf PatchSets (named patches plus digests of the
//! background-only workspace they apply to).

use super::digest::digest;
use super::reader::{child, index, Reader};
use crate::error::{Error, Result};
use serde_json::Value;

/// A validated RFC 6902 patch (list of operations).
#[derive(Debug, Clone)]
pub struct JsonPatch {
    pub name: String,
    ops: json_patch::Patch,
}

impl JsonPatch {
    /// Parses a patch document: a JSON array of operations.
    pub fn from_value(v: &Value, name: &str) -> Result<JsonPatch> {
        let r = Reader::new(name);
        let ops = r.array(v, "", 0)?;
        for (i, op) in ops.iter().enumerate() {
            let path = index("", i);
            let m = r.object(op, &path, &["op", "path"], &[], false)?;
            let kind = r.string(&m["op"], &child(&path, "op"))?;
            r.string(&m["path"], &child(&path, "path"))?;
            match kind.as_str() {
                "add" | "replace" | "test" if !m.contains_key("value") => {
                    return r.fail(&path, format!("a {kind:?} operation with a \"value\""))
                }
                "move" | "copy" if !m.contains_key("from") => {
                    return r.fail(&path, format!("a {kind:?} operation with a \"from\""))
                }
                "add" | "replace" | "test" | "move" | "copy" | "remove" => {}
                other => {
                    return r.fail(
                        &child(&path, "op"),
                        format!("one of add, remove, replace, move, copy, test (found {other:?})"),
                    )
                }
            }
        }
        let ops: json_patch::Patch =
            serde_json::from_value(v.clone()).map_err(|e| Error::Patch {
                patch: name.into(),
                message: e.to_string(),
            })?;
        Ok(JsonPatch {
            name: name.into(),
            ops,
        })
    }

    /// Parses a patch from JSON text.
    pub fn from_str(text: &str, name: &str) -> Result<JsonPatch> {
        let v: Value = serde_json::from_str(text).map_err(|e| Error::Json {
            source_name: name.into(),
            message: e.to_string(),
        })?;
        JsonPatch::from_value(&v, name)
    }

    /// Applies the operations in order (all or nothing). The document may grow by at most
    /// [`MAX_GROWTH`] times the document and the patch together (in JSON values), within
    /// [`MIN_ADDED_VALUES`]..=[`MAX_ADDED_VALUES`]: `copy` doubles a value each time, so a short
    /// patch could otherwise ask for gigabytes.
    pub fn apply(&self, doc: &mut Value) -> Result<()> {
        let input = count_values(doc).saturating_add(self.ops.iter().map(op_values).sum());
        let allowed = input
            .saturating_mul(MAX_GROWTH - 1)
            .clamp(MIN_ADDED_VALUES, MAX_ADDED_VALUES);
        let mut added = 0usize;
        // Applied one by one on a copy so that the growth is checked before each operation
        // and a failure leaves `doc` as it was.
        let mut work = doc.clone();
        for (i, op) in self.ops.iter().enumerate() {
            added = added.saturating_add(match op {
                json_patch::PatchOperation::Add(o) => count_values(&o.value),
                json_patch::PatchOperation::Replace(o) => count_values(&o.value),
                json_patch::PatchOperation::Copy(o) => {
                    work.pointer(o.from.as_str()).map_or(0, count_values)
                }
                _ => 0,
            });
            if added > allowed {
                return Err(Error::Patch {
                    patch: self.name.clone(),
                    message: format!(
                        "operation '/{i}' ({} to '{}') would add more than {allowed} JSON values \
                         to a document of {input} (workspace and patch together); a patch may \
                         grow it at most {MAX_GROWTH} times: check for repeated copy operations",
                        op_name(op),
                        op.path()
                    ),
                });
            }
            json_patch::patch(&mut work, std::slice::from_ref(op)).map_err(|e| Error::Patch {
                patch: self.name.clone(),
                message: format!("operation '/{i}' failed at path '{}': {}", e.path, e.kind),
            })?;
        }
        *doc = work;
        Ok(())
    }
}

/// How many times its input (document plus patch, in JSON values) a patched document may be.
pub const MAX_GROWTH: usize = 64;
/// Values a patch may always add, however small its input (a signal sample into a tiny workspace).
pub const MIN_ADDED_VALUES: usize = 1 << 20;
/// Values a patch may add at most, however large its input: tens of millions of values
/// take gigabytes as a parsed document.
pub const MAX_ADDED_VALUES: usize = 32 << 20;

/// JSON values (nodes) in a document, each scalar, array and object counting one.
fn count_values(v: &Value) -> usize {
    let mut n = 0usize;
    let mut stack = vec![v];
    // Iterative: deep documents must not overflow the stack here.
    while let Some(v) = stack.pop() {
        n += 1;
        match v {
            Value::Array(a) => stack.extend(a.iter()),
            Value::Object(m) => stack.extend(m.values()),
            _ => {}
        }
    }
    n
}

fn op_values(op: &json_patch::PatchOperation) -> usize {
    1 + match op {
        json_patch::PatchOperation::Add(o) => count_values(&o.value),
        json_patch::PatchOperation::Replace(o) => count_values(&o.value),
        json_patch::PatchOperation::Test(o) => count_values(&o.value),
        _ => 0,
    }
}

fn op_name(op: &json_patch::PatchOperation) -> &'static str {
    match op {
        json_patch::PatchOperation::Add(_) => "add",
        json_patch::PatchOperation::Remove(_) => "remove",
        json_patch::PatchOperation::Replace(_) => "replace",
        json_patch::PatchOperation::Move(_) => "move",
        json_patch::PatchOperation::Copy(_) => "copy",
        json_patch::PatchOperation::Test(_) => "test",
    }
}

/// One named patch of a patchset.
#[derive(Debug, Clone)]
pub struct NamedPatch {
    pub name: String,
    pub values: Vec<Value>,
    pub patch: JsonPatch,
}

/// A pyhf PatchSet (schema patchset.json 1.0.0).
#[derive(Debug, Clone)]
pub struct PatchSet {
    pub description: String,
    /// (algorithm, expected hex digest) of the background-only workspace.
    pub digests: Vec<(String, String)>,
    pub labels: Vec<String>,
    pub references: Vec<(String, String)>,
    pub patches: Vec<NamedPatch>,
}

impl PatchSet {
    /// Parses and validates a patchset from JSON text.
    pub fn from_str(text: &str, source_name: &str) -> Result<PatchSet> {
        let v: Value = serde_json::from_str(text).map_err(|e| Error::Json {
            source_name: source_name.into(),
            message: e.to_string(),
        })?;
        PatchSet::from_value(&v, source_name)
    }

    /// Validates a parsed patchset document.
    pub fn from_value(v: &Value, source_name: &str) -> Result<PatchSet> {
        let r = Reader::new(source_name);
        let top = r.object(v, "", &["metadata", "patches", "version"], &[], true)?;
        let version = r.string(&top["version"], "/version")?;
        if version != "1.0.0" {
            return r.fail("/version", format!("\"1.0.0\" (found {version:?})"));
        }
        let meta = r.object(
            &top["metadata"],
            "/metadata",
            &["description", "digests", "labels", "references"],
            &[],
            false,
        )?;
        let description = r.string(&meta["description"], "/metadata/description")?;
        let dig = r.object(
            &meta["digests"],
            "/metadata/digests",
            &[],
            &["md5", "sha256"],
            true,
        )?;
        if dig.is_empty() {
            return r.fail("/metadata/digests", "at least one of md5, sha256");
        }
        let mut digests = Vec::new();
        for (alg, val) in dig {
            digests.push((
                alg.clone(),
                r.string(val, &child("/metadata/digests", alg))?,
            ));
        }
        let labels = r
            .array(&meta["labels"], "/metadata/labels", 1)?
            .iter()
            .enumerate()
            .map(|(i, l)| r.string(l, &index("/metadata/labels", i)))
            .collect::<Result<Vec<_>>>()?;
        let refs = r.object(
            &meta["references"],
            "/metadata/references",
            &[],
            &["hepdata"],
            true,
        )?;
        let mut references = Vec::new();
        for (k, val) in refs {
            references.push((k.clone(), r.string(val, &child("/metadata/references", k))?));
        }
        let mut patches = Vec::new();
        for (i, p) in r.array(&top["patches"], "/patches", 1)?.iter().enumerate() {
            let path = index("/patches", i);
            let po = r.object(p, &path, &["metadata", "patch"], &[], true)?;
            let mpath = child(&path, "metadata");
            let pm = r.object(&po["metadata"], &mpath, &["name", "values"], &[], false)?;
            let name = r.string(&pm["name"], &child(&mpath, "name"))?;
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return r.fail(&child(&mpath, "name"), "a name matching [a-zA-Z0-9_]+");
            }
            let values = r
                .array(&pm["values"], &child(&mpath, "values"), 1)?
                .to_vec();
            if values.len() != labels.len() {
                return r.fail(
                    &child(&mpath, "values"),
                    format!("{} value(s), one per label", labels.len()),
                );
            }
            let patch = JsonPatch::from_value(&po["patch"], &name).map_err(|e| match e {
                Error::Schema {
                    path: p, expected, ..
                } => Error::Schema {
                    source_name: source_name.into(),
                    path: format!("{}{}", child(&path, "patch"), p.trim_end_matches('/')),
                    expected,
                },
                other => other,
            })?;
            if patches.iter().any(|q: &NamedPatch| q.name == name) {
                return r.fail(
                    &child(&mpath, "name"),
                    format!("a unique patch name ({name:?} repeats)"),
                );
            }
            patches.push(NamedPatch {
                name,
                values,
                patch,
            });
        }
        Ok(PatchSet {
            description,
            digests,
            labels,
            references,
            patches,
        })
    }

    /// Checks every listed digest against the background-only workspace document.
    pub fn verify(&self, workspace: &Value) -> Result<()> {
        for (alg, expected) in &self.digests {
            let actual = digest(workspace, alg).ok_or_else(|| {
                Error::InvalidInput(format!("unsupported digest algorithm {alg:?}"))
            })?;
            if &actual != expected {
                return Err(Error::Digest {
                    algorithm: alg.clone(),
                    expected: expected.clone(),
                    actual,
                });
            }
        }
        Ok(())
    }

    /// The patch with this name.
    pub fn patch(&self, name: &str) -> Result<&JsonPatch> {
        self.patches
            .iter()
            .find(|p| p.name == name)
            .map(|p| &p.patch)
            .ok_or_else(|| {
                Error::InvalidInput(format!(
                    "the patchset has no patch named {name:?} ({} patches, e.g. {})",
                    self.patches.len(),
                    self.patches
                        .iter()
                        .take(5)
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// Verifies the workspace digest, then applies the named patch to the whole workspace.
    pub fn apply(&self, workspace: &Value, name: &str) -> Result<Value> {
        self.verify(workspace)?;
        let mut out = workspace.clone();
        self.patch(name)?.apply(&mut out)?;
        Ok(out)
    }
}
