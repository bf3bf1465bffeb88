//! pyhf's workspace operations: prune, rename and combine.

use super::document::Workspace;
use crate::error::{Error, Result};
use std::collections::HashMap;

/// What to remove from a workspace (`Workspace.prune`).
#[derive(Debug, Clone, Default)]
pub struct Prune {
    pub channels: Vec<String>,
    pub samples: Vec<String>,
    pub modifiers: Vec<String>,
    pub modifier_types: Vec<String>,
    pub measurements: Vec<String>,
}

/// Renamings (`Workspace.rename`); modifier renames also rename measurement parameters.
#[derive(Debug, Clone, Default)]
pub struct Rename {
    pub channels: HashMap<String, String>,
    pub samples: HashMap<String, String>,
    pub modifiers: HashMap<String, String>,
    pub measurements: HashMap<String, String>,
}

impl Workspace {
    /// Removes channels, samples, modifiers (by name or type) and measurements.
    pub fn prune(&self, p: &Prune) -> Result<Workspace> {
        let mut ws = self.clone();
        ws.channels.retain(|c| !p.channels.contains(&c.name));
        ws.observations.retain(|o| !p.channels.contains(&o.name));
        for c in &mut ws.channels {
            c.samples.retain(|s| !p.samples.contains(&s.name));
            for s in &mut c.samples {
                s.modifiers.retain(|m| {
                    !p.modifiers.contains(&m.name)
                        && !p.modifier_types.iter().any(|t| t == m.data.type_name())
                });
            }
        }
        ws.channels.retain(|c| !c.samples.is_empty());
        ws.measurements
            .retain(|m| !p.measurements.contains(&m.name));
        for m in &mut ws.measurements {
            m.parameters.retain(|par| !p.modifiers.contains(&par.name));
        }
        if ws.channels.is_empty() || ws.measurements.is_empty() {
            return Err(Error::InvalidInput(
                "pruning would leave no channel or no measurement".into(),
            ));
        }
        Ok(ws)
    }

    /// Renames channels, samples, modifiers and measurements.
    pub fn rename(&self, r: &Rename) -> Workspace {
        let map = |m: &HashMap<String, String>, n: &str| {
            m.get(n).cloned().unwrap_or_else(|| n.to_string())
        };
        let mut ws = self.clone();
        for c in &mut ws.channels {
            c.name = map(&r.channels, &c.name);
            for s in &mut c.samples {
                s.name = map(&r.samples, &s.name);
                for m in &mut s.modifiers {
                    m.name = map(&r.modifiers, &m.name);
                }
            }
        }
        for o in &mut ws.observations {
            o.name = map(&r.channels, &o.name);
        }
        for m in &mut ws.measurements {
            m.name = map(&r.measurements, &m.name);
            m.poi = map(&r.modifiers, &m.poi);
            for p in &mut m.parameters {
                p.name = map(&r.modifiers, &p.name);
            }
        }
        ws
    }

    /// Combines two workspaces with distinct channels (`join="none"`); measurements with
    /// the same name must agree on the POI and their parameter lists are merged.
    pub fn combine(&self, other: &Workspace) -> Result<Workspace> {
        for c in &other.channels {
            if self.channels.iter().any(|d| d.name == c.name) {
                return Err(Error::InvalidInput(format!(
                    "both workspaces have a channel named {:?}",
                    c.name
                )));
            }
        }
        let mut ws = self.clone();
        ws.channels.extend(other.channels.iter().cloned());
        ws.observations.extend(other.observations.iter().cloned());
        for m in &other.measurements {
            match ws.measurements.iter_mut().find(|x| x.name == m.name) {
                None => ws.measurements.push(m.clone()),
                Some(x) => {
                    if x.poi != m.poi {
                        return Err(Error::InvalidInput(format!(
                            "measurement {:?} has POI {:?} in one workspace and {:?} in the other",
                            m.name, x.poi, m.poi
                        )));
                    }
                    for p in &m.parameters {
                        match x.parameters.iter().find(|q| q.name == p.name) {
                            None => x.parameters.push(p.clone()),
                            Some(q) if q == p => {}
                            Some(_) => {
                                return Err(Error::InvalidInput(format!(
                                    "measurement {:?}: parameter {:?} is configured differently in the two workspaces",
                                    m.name, p.name
                                )))
                            }
                        }
                    }
                }
            }
        }
        Ok(ws)
    }
}
