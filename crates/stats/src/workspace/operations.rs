//! pyhf's workspace operations (`Workspace.prune`, `.rename`, `.combine`, `.sorted`),
//! on the JSON document so that everything not touched (numbers as written, key
//! contents) passes through unchanged. Inputs and results are validated as workspaces;
//! like pyhf, naming something that is not in the workspace is an error, and a result
//! that is no valid workspace (a channel left without samples) is refused.

use super::document::Workspace;
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::collections::{BTreeSet, HashMap};

/// What to remove (`Workspace.prune`): channels (with their observations), samples,
/// modifiers by name (with their measurement parameter configs) or by type, measurements.
#[derive(Debug, Clone, Default)]
pub struct Prune {
    pub channels: Vec<String>,
    pub samples: Vec<String>,
    pub modifiers: Vec<String>,
    pub modifier_types: Vec<String>,
    pub measurements: Vec<String>,
}

/// Renamings old → new (`Workspace.rename`); modifier renames also apply to the
/// measurements' parameter configs and POI.
#[derive(Debug, Clone, Default)]
pub struct Rename {
    pub channels: HashMap<String, String>,
    pub samples: HashMap<String, String>,
    pub modifiers: HashMap<String, String>,
    pub measurements: HashMap<String, String>,
}

/// How `combine` joins items (channels, observations, measurements) of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    /// No name may appear in both workspaces.
    None,
    /// Identical items are kept once; same name with different content is an error
    /// (measurements of the same name and POI merge their parameter configs).
    Outer,
    /// On a name clash the left item wins.
    LeftOuter,
    /// On a name clash the right item wins (and the right workspace's items come first).
    RightOuter,
}

impl std::str::FromStr for Join {
    type Err = Error;
    fn from_str(s: &str) -> Result<Join> {
        match s {
            "none" => Ok(Join::None),
            "outer" => Ok(Join::Outer),
            "left outer" => Ok(Join::LeftOuter),
            "right outer" => Ok(Join::RightOuter),
            _ => Err(Error::InvalidInput(format!(
                "join {s:?}: expected one of \"none\", \"outer\", \"left outer\", \"right outer\""
            ))),
        }
    }
}

fn op_error(message: String) -> Error {
    Error::InvalidWorkspaceOperation(message)
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn name(v: &Value) -> &str {
    v.get("name").and_then(Value::as_str).unwrap_or("")
}

fn with_name(v: &Value, new: &str) -> Value {
    let mut v = v.clone();
    if let Some(o) = v.as_object_mut() {
        o.insert("name".into(), Value::String(new.into()));
    }
    v
}

fn renamed<'a>(map: &'a HashMap<String, String>, n: &'a str) -> &'a str {
    map.get(n).map_or(n, String::as_str)
}

/// Channel, sample and measurement names and modifier (name, type) pairs of a document.
struct Names {
    channels: BTreeSet<String>,
    samples: BTreeSet<String>,
    modifiers: BTreeSet<String>,
    modifier_types: BTreeSet<String>,
    measurements: BTreeSet<String>,
}

fn names(doc: &Value) -> Names {
    let mut n = Names {
        channels: BTreeSet::new(),
        samples: BTreeSet::new(),
        modifiers: BTreeSet::new(),
        modifier_types: BTreeSet::new(),
        measurements: items(doc, "measurements")
            .iter()
            .map(|m| name(m).to_string())
            .collect(),
    };
    for c in items(doc, "channels") {
        n.channels.insert(name(c).into());
        for s in items(c, "samples") {
            n.samples.insert(name(s).into());
            for m in items(s, "modifiers") {
                n.modifiers.insert(name(m).into());
                if let Some(t) = m.get("type").and_then(Value::as_str) {
                    n.modifier_types.insert(t.into());
                }
            }
        }
    }
    n
}

fn require<'a>(
    what: &str,
    wanted: impl IntoIterator<Item = &'a String>,
    have: &BTreeSet<String>,
) -> Result<()> {
    for w in wanted {
        if !have.contains(w) {
            return Err(op_error(format!(
                "{w} is not one of the {what} in this workspace"
            )));
        }
    }
    Ok(())
}

/// Validates a result: pyhf builds a new `Workspace`, which checks the schema.
fn validated(doc: Value, what: &str) -> Result<Value> {
    Workspace::from_value(&doc, what)?;
    Ok(doc)
}

fn prune_and_rename(doc: &Value, p: &Prune, r: &Rename, source_name: &str) -> Result<Value> {
    Workspace::from_value(doc, source_name)?;
    let have = names(doc);
    require("modifier types", &p.modifier_types, &have.modifier_types)?;
    require(
        "modifiers",
        p.modifiers.iter().chain(r.modifiers.keys()),
        &have.modifiers,
    )?;
    require(
        "samples",
        p.samples.iter().chain(r.samples.keys()),
        &have.samples,
    )?;
    require(
        "channels",
        p.channels.iter().chain(r.channels.keys()),
        &have.channels,
    )?;
    require(
        "measurements",
        p.measurements.iter().chain(r.measurements.keys()),
        &have.measurements,
    )?;
    let channels: Vec<Value> = items(doc, "channels")
        .iter()
        .filter(|c| !p.channels.iter().any(|x| x == name(c)))
        .map(|c| {
            let samples: Vec<Value> = items(c, "samples")
                .iter()
                .filter(|s| !p.samples.iter().any(|x| x == name(s)))
                .map(|s| {
                    let modifiers: Vec<Value> = items(s, "modifiers")
                        .iter()
                        .filter(|m| {
                            let t = m.get("type").and_then(Value::as_str).unwrap_or("");
                            !p.modifiers.iter().any(|x| x == name(m))
                                && !p.modifier_types.iter().any(|x| x == t)
                        })
                        .map(|m| with_name(m, renamed(&r.modifiers, name(m))))
                        .collect();
                    let mut out = Map::new();
                    out.insert("name".into(), renamed(&r.samples, name(s)).into());
                    out.insert("data".into(), s["data"].clone());
                    out.insert("modifiers".into(), Value::Array(modifiers));
                    Value::Object(out)
                })
                .collect();
            let mut out = Map::new();
            out.insert("name".into(), renamed(&r.channels, name(c)).into());
            out.insert("samples".into(), Value::Array(samples));
            Value::Object(out)
        })
        .collect();
    let measurements: Vec<Value> = items(doc, "measurements")
        .iter()
        .filter(|m| !p.measurements.iter().any(|x| x == name(m)))
        .map(|m| {
            let config = &m["config"];
            let parameters: Vec<Value> = items(config, "parameters")
                .iter()
                .filter(|par| !p.modifiers.iter().any(|x| x == name(par)))
                .map(|par| with_name(par, renamed(&r.modifiers, name(par))))
                .collect();
            let poi = config["poi"].as_str().unwrap_or("");
            serde_json::json!({
                "name": renamed(&r.measurements, name(m)),
                "config": {"parameters": parameters, "poi": renamed(&r.modifiers, poi)},
            })
        })
        .collect();
    let observations: Vec<Value> = items(doc, "observations")
        .iter()
        .filter(|o| !p.channels.iter().any(|x| x == name(o)))
        .map(|o| with_name(o, renamed(&r.channels, name(o))))
        .collect();
    let out = serde_json::json!({
        "channels": channels,
        "measurements": measurements,
        "observations": observations,
        "version": doc["version"].clone(),
    });
    validated(out, "the resulting workspace")
}

/// `Workspace.prune`: removes the named components (a channel also loses its
/// observation, a modifier its measurement parameter configs).
pub fn prune(doc: &Value, p: &Prune, source_name: &str) -> Result<Value> {
    prune_and_rename(doc, p, &Rename::default(), source_name)
}

/// `Workspace.rename`.
pub fn rename(doc: &Value, r: &Rename, source_name: &str) -> Result<Value> {
    prune_and_rename(doc, &Prune::default(), r, source_name)
}

/// pyhf's `_join_items`: joins two lists of objects by name; with `deep_merge` set,
/// objects of the same name get that member's lists joined (left outer) instead.
fn join_items(join: Join, left: &[Value], right: &[Value], deep_merge: Option<&str>) -> Vec<Value> {
    let (primary, secondary) = match join {
        Join::RightOuter => (right, left),
        _ => (left, right),
    };
    let mut joined: Vec<Value> = primary.to_vec();
    let keys: Vec<String> = joined.iter().map(|v| name(v).to_string()).collect();
    for item in secondary {
        let position = keys.iter().position(|k| k == name(item));
        match (position, deep_merge) {
            (Some(i), Some(key)) => {
                let merged = join_items(
                    Join::LeftOuter,
                    items(&joined[i], key),
                    items(item, key),
                    None,
                );
                joined[i][key] = Value::Array(merged);
            }
            _ => {
                let take = match join {
                    Join::None => true,
                    Join::Outer => !primary.iter().any(|p| python_eq(p, item)),
                    Join::LeftOuter | Join::RightOuter => position.is_none(),
                };
                if take {
                    joined.push(item.clone());
                }
            }
        }
    }
    joined
}

/// Python's `==` on parsed JSON: numbers compare by value (1 == 1.0), objects ignore
/// key order.
fn python_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(u, v)| python_eq(u, v))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, u)| y.get(k).is_some_and(|v| python_eq(u, v)))
        }
        _ => a == b,
    }
}

fn duplicated_names(list: &[Value]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut dup = BTreeSet::new();
    for v in list {
        if !seen.insert(name(v)) {
            dup.insert(name(v).to_string());
        }
    }
    dup.into_iter().collect()
}

fn common_names(left: &[Value], right: &[Value]) -> Vec<String> {
    let l: BTreeSet<&str> = left.iter().map(name).collect();
    let r: BTreeSet<&str> = right.iter().map(name).collect();
    l.intersection(&r).map(|s| s.to_string()).collect()
}

/// Channels or observations: none = disjoint names, outer = equal or distinct.
fn join_named(
    join: Join,
    what: &str,
    left: &[Value],
    right: &[Value],
    deep: Option<&str>,
) -> Result<Vec<Value>> {
    let joined = join_items(join, left, right, deep);
    match join {
        Join::None => {
            let common = common_names(left, right);
            if !common.is_empty() {
                return Err(op_error(format!(
                    "workspaces cannot have any {what} in common with the same name: {common:?} (try another join)"
                )));
            }
        }
        Join::Outer => {
            let dup = duplicated_names(&joined);
            if !dup.is_empty() {
                return Err(op_error(format!(
                    "workspaces cannot have {what} in common with incompatible structure: {dup:?}"
                )));
            }
        }
        _ => {}
    }
    Ok(joined)
}

fn join_measurements(join: Join, left: &[Value], right: &[Value]) -> Result<Vec<Value>> {
    let joined = join_items(join, left, right, None);
    match join {
        Join::None => {
            let common = common_names(left, right);
            if !common.is_empty() {
                return Err(op_error(format!(
                    "workspaces cannot have any measurements in common with the same name: {common:?} (try another join)"
                )));
            }
            Ok(joined)
        }
        Join::Outer => {
            // Group by name in order of first appearance; one POI per name; merge configs.
            let mut order: Vec<String> = Vec::new();
            let mut groups: HashMap<String, Vec<&Value>> = HashMap::new();
            for m in &joined {
                let n = name(m).to_string();
                if !groups.contains_key(&n) {
                    order.push(n.clone());
                }
                groups.entry(n).or_default().push(m);
            }
            let bad_poi: Vec<&String> = order
                .iter()
                .filter(|n| {
                    let pois: BTreeSet<&str> = groups[*n]
                        .iter()
                        .map(|m| m["config"]["poi"].as_str().unwrap_or(""))
                        .collect();
                    pois.len() > 1
                })
                .collect();
            if !bad_poi.is_empty() {
                return Err(op_error(format!(
                    "workspaces cannot have the same measurements with incompatible POI: {bad_poi:?}"
                )));
            }
            let mut out = Vec::new();
            for n in &order {
                let group = &groups[n];
                if group.len() == 1 {
                    out.push(group[0].clone());
                    continue;
                }
                let mut parameters: Vec<Value> = items(&group[0]["config"], "parameters").to_vec();
                for m in &group[1..] {
                    parameters = join_items(
                        Join::Outer,
                        &parameters,
                        items(&m["config"], "parameters"),
                        None,
                    );
                }
                let dup = duplicated_names(&parameters);
                if !dup.is_empty() {
                    return Err(op_error(format!(
                        "workspaces cannot have a measurement ({n}) with incompatible parameter configs: {dup:?}"
                    )));
                }
                out.push(serde_json::json!({
                    "name": n,
                    "config": {"poi": group[0]["config"]["poi"].clone(), "parameters": parameters},
                }));
            }
            Ok(out)
        }
        _ => Ok(joined),
    }
}

/// `Workspace.combine(left, right, join, merge_channels)`: channels, observations and
/// measurements of both; `merge_channels` (outer joins only) joins the samples of
/// channels with the same name instead of treating the channels as a clash.
pub fn combine(left: &Value, right: &Value, join: Join, merge_channels: bool) -> Result<Value> {
    Workspace::from_value(left, "the first workspace")?;
    Workspace::from_value(right, "the second workspace")?;
    if merge_channels && join == Join::None {
        return Err(Error::InvalidInput(
            "channels can only be merged with the \"outer\", \"left outer\" or \"right outer\" join".into(),
        ));
    }
    if left["version"] != right["version"] {
        return Err(op_error(format!(
            "workspaces of different versions cannot be combined: {} != {}",
            left["version"], right["version"]
        )));
    }
    let deep = merge_channels.then_some("samples");
    let channels = join_named(
        join,
        "channels",
        items(left, "channels"),
        items(right, "channels"),
        deep,
    )?;
    let observations = join_named(
        join,
        "observations",
        items(left, "observations"),
        items(right, "observations"),
        None,
    )?;
    let measurements = join_measurements(
        join,
        items(left, "measurements"),
        items(right, "measurements"),
    )?;
    let out = serde_json::json!({
        "channels": channels,
        "measurements": measurements,
        "observations": observations,
        "version": left["version"].clone(),
    });
    validated(out, "the combined workspace")
}

/// `Workspace.sorted`: channels, samples, modifiers (by name, type), measurements,
/// their parameter configs and observations in name order.
pub fn sorted(doc: &Value) -> Value {
    let mut out = doc.clone();
    sort_in_place(&mut out);
    out
}

/// [`sorted`] without a copy.
pub fn sort_in_place(out: &mut Value) {
    let by = |key: &'static str| move |a: &Value, b: &Value| a[key].as_str().cmp(&b[key].as_str());
    if let Some(channels) = out["channels"].as_array_mut() {
        channels.sort_by(by("name"));
        for c in channels {
            if let Some(samples) = c["samples"].as_array_mut() {
                samples.sort_by(by("name"));
                for s in samples {
                    if let Some(mods) = s["modifiers"].as_array_mut() {
                        mods.sort_by(|a, b| {
                            (a["name"].as_str(), a["type"].as_str())
                                .cmp(&(b["name"].as_str(), b["type"].as_str()))
                        });
                    }
                }
            }
        }
    }
    if let Some(ms) = out["measurements"].as_array_mut() {
        ms.sort_by(by("name"));
        for m in ms {
            if let Some(ps) = m["config"]["parameters"].as_array_mut() {
                ps.sort_by(by("name"));
            }
        }
    }
    if let Some(obs) = out["observations"].as_array_mut() {
        obs.sort_by(by("name"));
    }
}
