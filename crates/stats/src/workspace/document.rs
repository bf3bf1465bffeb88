//! The pyhf workspace document (schema 1.0.0): channels, samples, modifiers,
//! observations and measurements, read with schema validation and written back.

use super::reader::{child, index, Reader};
use crate::error::{Error, Result};
use serde_json::{json, Map, Value};

/// The seven HistFactory modifier types with their type-specific data.
#[derive(Debug, Clone, PartialEq)]
pub enum ModifierData {
    /// Free normalisation factor (data null).
    NormFactor,
    /// Luminosity (data null; constraint from the measurement config).
    Lumi,
    /// Normalisation systematic: multiplicative factors at alpha = +1 / -1.
    NormSys { hi: f64, lo: f64 },
    /// Shape systematic: absolute yields at alpha = +1 / -1.
    HistoSys {
        hi_data: Vec<f64>,
        lo_data: Vec<f64>,
    },
    /// Uncorrelated shape systematic: absolute uncertainty per bin (Poisson constraint).
    ShapeSys(Vec<f64>),
    /// MC statistical uncertainty: absolute uncertainty per bin (combined per name).
    StatError(Vec<f64>),
    /// Free per-bin factors (data null).
    ShapeFactor,
}

impl ModifierData {
    /// The pyhf type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            ModifierData::NormFactor => "normfactor",
            ModifierData::Lumi => "lumi",
            ModifierData::NormSys { .. } => "normsys",
            ModifierData::HistoSys { .. } => "histosys",
            ModifierData::ShapeSys(_) => "shapesys",
            ModifierData::StatError(_) => "staterror",
            ModifierData::ShapeFactor => "shapefactor",
        }
    }
}

/// A named modifier on a sample.
#[derive(Debug, Clone, PartialEq)]
pub struct Modifier {
    pub name: String,
    pub data: ModifierData,
}

/// A sample: nominal yields per bin and its modifiers.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub data: Vec<f64>,
    pub modifiers: Vec<Modifier>,
}

/// A channel (region) with its samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    pub name: String,
    pub samples: Vec<Sample>,
}

/// Observed counts of one channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    pub name: String,
    pub data: Vec<f64>,
}

/// Overrides of a parameter's defaults, from `measurement.config.parameters`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParameterConfig {
    pub name: String,
    pub inits: Option<Vec<f64>>,
    pub bounds: Option<Vec<Vec<f64>>>,
    pub auxdata: Option<Vec<f64>>,
    pub factors: Option<Vec<f64>>,
    pub sigmas: Option<Vec<f64>>,
    pub fixed: Option<bool>,
}

/// A measurement: the parameter of interest and parameter overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Measurement {
    pub name: String,
    pub poi: String,
    pub parameters: Vec<ParameterConfig>,
}

/// A full pyhf workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    pub channels: Vec<Channel>,
    pub measurements: Vec<Measurement>,
    pub observations: Vec<Observation>,
    pub version: String,
}

/// The model part of a workspace (`Model()` input): channels and parameter overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    pub channels: Vec<Channel>,
    pub parameters: Vec<ParameterConfig>,
}

pub(crate) fn parse_channels(r: &Reader, v: &Value, path: &str) -> Result<Vec<Channel>> {
    let items = r.array(v, path, 1)?;
    let mut out = Vec::with_capacity(items.len());
    for (ci, c) in items.iter().enumerate() {
        let cpath = index(path, ci);
        let m = r.object(c, &cpath, &["name", "samples"], &[], true)?;
        let name = r.string(&m["name"], &child(&cpath, "name"))?;
        let spath = child(&cpath, "samples");
        let mut samples = Vec::new();
        for (si, s) in r.array(&m["samples"], &spath, 1)?.iter().enumerate() {
            samples.push(parse_sample(r, s, &index(&spath, si))?);
        }
        out.push(Channel { name, samples });
    }
    Ok(out)
}

fn parse_sample(r: &Reader, v: &Value, path: &str) -> Result<Sample> {
    let m = r.object(v, path, &["name", "data", "modifiers"], &[], true)?;
    let name = r.string(&m["name"], &child(path, "name"))?;
    let data = r.numbers(&m["data"], &child(path, "data"), 1)?;
    let mpath = child(path, "modifiers");
    let mut modifiers = Vec::new();
    for (i, md) in r.array(&m["modifiers"], &mpath, 0)?.iter().enumerate() {
        modifiers.push(parse_modifier(r, md, &index(&mpath, i))?);
    }
    Ok(Sample {
        name,
        data,
        modifiers,
    })
}

fn parse_modifier(r: &Reader, v: &Value, path: &str) -> Result<Modifier> {
    let m = r.object(v, path, &["name", "type", "data"], &[], true)?;
    let name = r.string(&m["name"], &child(path, "name"))?;
    let kind = r.string(&m["type"], &child(path, "type"))?;
    let dpath = child(path, "data");
    let d = &m["data"];
    let data = match kind.as_str() {
        "normfactor" => r.null(d, &dpath).map(|_| ModifierData::NormFactor)?,
        "lumi" => r.null(d, &dpath).map(|_| ModifierData::Lumi)?,
        "shapefactor" => r.null(d, &dpath).map(|_| ModifierData::ShapeFactor)?,
        "normsys" => {
            let o = r.object(d, &dpath, &["hi", "lo"], &[], true)?;
            ModifierData::NormSys {
                hi: r.number(&o["hi"], &child(&dpath, "hi"))?,
                lo: r.number(&o["lo"], &child(&dpath, "lo"))?,
            }
        }
        "histosys" => {
            let o = r.object(d, &dpath, &["hi_data", "lo_data"], &[], true)?;
            ModifierData::HistoSys {
                hi_data: r.numbers(&o["hi_data"], &child(&dpath, "hi_data"), 1)?,
                lo_data: r.numbers(&o["lo_data"], &child(&dpath, "lo_data"), 1)?,
            }
        }
        "shapesys" => ModifierData::ShapeSys(r.numbers(d, &dpath, 1)?),
        "staterror" => ModifierData::StatError(r.numbers(d, &dpath, 1)?),
        other => {
            return r.fail(
                &child(path, "type"),
                format!(
                    "one of normfactor, lumi, normsys, histosys, shapesys, staterror, shapefactor (found {other:?})"
                ),
            )
        }
    };
    Ok(Modifier { name, data })
}

pub(crate) fn parse_parameters(r: &Reader, v: &Value, path: &str) -> Result<Vec<ParameterConfig>> {
    let mut out = Vec::new();
    for (i, p) in r.array(v, path, 0)?.iter().enumerate() {
        let ppath = index(path, i);
        let m = r.object(
            p,
            &ppath,
            &["name"],
            &["inits", "bounds", "auxdata", "factors", "sigmas", "fixed"],
            true,
        )?;
        let nums = |key: &str| -> Result<Option<Vec<f64>>> {
            m.get(key)
                .map(|x| r.numbers(x, &child(&ppath, key), 1))
                .transpose()
        };
        let bounds = match m.get("bounds") {
            None => None,
            Some(b) => {
                let bpath = child(&ppath, "bounds");
                let mut pairs = Vec::new();
                for (j, pair) in r.array(b, &bpath, 1)?.iter().enumerate() {
                    // Like pyhf's schema, the pair length is not checked here but when the model is built.
                    pairs.push(r.numbers(pair, &index(&bpath, j), 0)?);
                }
                Some(pairs)
            }
        };
        out.push(ParameterConfig {
            name: r.string(&m["name"], &child(&ppath, "name"))?,
            inits: nums("inits")?,
            bounds,
            auxdata: nums("auxdata")?,
            factors: nums("factors")?,
            sigmas: nums("sigmas")?,
            fixed: m
                .get("fixed")
                .map(|x| r.boolean(x, &child(&ppath, "fixed")))
                .transpose()?,
        });
    }
    Ok(out)
}

impl Workspace {
    /// Parses and validates a workspace from JSON text.
    pub fn from_str(text: &str, source_name: &str) -> Result<Workspace> {
        let v: Value = serde_json::from_str(text).map_err(|e| Error::Json {
            source_name: source_name.into(),
            message: e.to_string(),
        })?;
        Workspace::from_value(&v, source_name)
    }

    /// Validates a parsed JSON value against the workspace schema.
    pub fn from_value(v: &Value, source_name: &str) -> Result<Workspace> {
        let r = Reader::new(source_name);
        let m = r.object(
            v,
            "",
            &["channels", "measurements", "observations", "version"],
            &[],
            true,
        )?;
        let version = r.string(&m["version"], "/version")?;
        if version != "1.0.0" {
            return r.fail("/version", format!("\"1.0.0\" (found {version:?})"));
        }
        let channels = parse_channels(&r, &m["channels"], "/channels")?;
        let mut measurements = Vec::new();
        for (i, me) in r
            .array(&m["measurements"], "/measurements", 1)?
            .iter()
            .enumerate()
        {
            let path = index("/measurements", i);
            let mo = r.object(me, &path, &["name", "config"], &[], true)?;
            let cpath = child(&path, "config");
            let co = r.object(&mo["config"], &cpath, &["poi", "parameters"], &[], true)?;
            measurements.push(Measurement {
                name: r.string(&mo["name"], &child(&path, "name"))?,
                poi: r.string(&co["poi"], &child(&cpath, "poi"))?,
                parameters: parse_parameters(&r, &co["parameters"], &child(&cpath, "parameters"))?,
            });
        }
        let mut observations = Vec::new();
        for (i, o) in r
            .array(&m["observations"], "/observations", 1)?
            .iter()
            .enumerate()
        {
            let path = index("/observations", i);
            let oo = r.object(o, &path, &["name", "data"], &[], true)?;
            observations.push(Observation {
                name: r.string(&oo["name"], &child(&path, "name"))?,
                data: r.numbers(&oo["data"], &child(&path, "data"), 1)?,
            });
        }
        Ok(Workspace {
            channels,
            measurements,
            observations,
            version,
        })
    }

    /// The JSON document (pyhf's key names and layout).
    pub fn to_value(&self) -> Value {
        json!({
            "channels": channels_to_value(&self.channels),
            "measurements": self.measurements.iter().map(|m| json!({
                "name": m.name,
                "config": {"poi": m.poi, "parameters": parameters_to_value(&m.parameters)},
            })).collect::<Vec<_>>(),
            "observations": self.observations.iter().map(|o| json!({"name": o.name, "data": o.data})).collect::<Vec<_>>(),
            "version": self.version,
        })
    }

    /// Picks a measurement by name, else the first one.
    pub fn measurement(&self, name: Option<&str>) -> Result<&Measurement> {
        match name {
            Some(n) => self
                .measurements
                .iter()
                .find(|m| m.name == n)
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "no measurement named {n:?} (available: {})",
                        self.measurements
                            .iter()
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                }),
            None => self
                .measurements
                .first()
                .ok_or_else(|| Error::InvalidModel("the workspace has no measurement".into())),
        }
    }

    /// The observed counts of a channel.
    pub fn observation(&self, channel: &str) -> Option<&[f64]> {
        self.observations
            .iter()
            .find(|o| o.name == channel)
            .map(|o| o.data.as_slice())
    }

    /// The model part (channels + the measurement's parameter overrides).
    pub fn model_spec(&self, measurement: &Measurement) -> ModelSpec {
        ModelSpec {
            channels: self.channels.clone(),
            parameters: measurement.parameters.clone(),
        }
    }
}

impl ModelSpec {
    /// `{"channels": [...], "parameters": [...]}`, the document patches act on.
    pub fn to_value(&self) -> Value {
        json!({"channels": channels_to_value(&self.channels), "parameters": parameters_to_value(&self.parameters)})
    }

    /// Parses the model document (after patching).
    pub fn from_value(v: &Value, source_name: &str) -> Result<ModelSpec> {
        let r = Reader::new(source_name);
        let m = r.object(v, "", &["channels", "parameters"], &[], true)?;
        Ok(ModelSpec {
            channels: parse_channels(&r, &m["channels"], "/channels")?,
            parameters: parse_parameters(&r, &m["parameters"], "/parameters")?,
        })
    }

    /// Refuses modifier data that the schema allows but that make no sense as a likelihood:
    /// negative `shapesys`/`staterror` uncertainties (pyhf silently leaves such a `shapesys` bin
    /// unconstrained and squares away the sign of a `staterror`, hiding the mistake), and
    /// `normsys` factors ≤ 0 (pyhf's likelihood is NaN then). Values that are not finite are
    /// refused everywhere.
    pub fn check_values(&self) -> Result<()> {
        for c in &self.channels {
            for s in &c.samples {
                let at = |what: &str| format!("channel {:?}, sample {:?}, {what}", c.name, s.name);
                if let Some((i, x)) = s.data.iter().enumerate().find(|(_, x)| !x.is_finite()) {
                    return Err(Error::InvalidModel(format!(
                        "{}: bin {i} is {x}; expected finite yields",
                        at("data")
                    )));
                }
                for m in &s.modifiers {
                    let what = format!("modifier {:?} ({})", m.name, m.data.type_name());
                    let (values, rule): (Vec<f64>, &str) = match &m.data {
                        ModifierData::ShapeSys(d) => (
                            d.clone(),
                            "absolute uncertainties ≥ 0 (pyhf treats a negative one as no \
                             uncertainty in that bin: write 0 there, or the absolute value)",
                        ),
                        ModifierData::StatError(d) => (
                            d.clone(),
                            "absolute uncertainties ≥ 0 (write the absolute value)",
                        ),
                        ModifierData::NormSys { hi, lo } => (
                            vec![*hi, *lo],
                            "factors hi and lo > 0 (e.g. 1.1 and 0.9 for ±10%)",
                        ),
                        _ => continue,
                    };
                    let bad = |x: f64| match &m.data {
                        ModifierData::NormSys { .. } => !(x.is_finite() && x > 0.0),
                        _ => !(x.is_finite() && x >= 0.0),
                    };
                    if let Some((i, x)) = values.iter().enumerate().find(|(_, x)| bad(**x)) {
                        let place = match &m.data {
                            ModifierData::NormSys { .. } => {
                                format!("{} is {x}", if i == 0 { "hi" } else { "lo" })
                            }
                            _ => format!("bin {i} is {x}"),
                        };
                        return Err(Error::InvalidModel(format!(
                            "{}: {place}; expected {rule}",
                            at(&what)
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

fn channels_to_value(channels: &[Channel]) -> Value {
    Value::Array(
        channels
            .iter()
            .map(|c| {
                json!({"name": c.name, "samples": c.samples.iter().map(|s| json!({
                    "name": s.name,
                    "data": s.data,
                    "modifiers": s.modifiers.iter().map(modifier_to_value).collect::<Vec<_>>(),
                })).collect::<Vec<_>>()})
            })
            .collect(),
    )
}

fn modifier_to_value(m: &Modifier) -> Value {
    let data = match &m.data {
        ModifierData::NormFactor | ModifierData::Lumi | ModifierData::ShapeFactor => Value::Null,
        ModifierData::NormSys { hi, lo } => json!({"hi": hi, "lo": lo}),
        ModifierData::HistoSys { hi_data, lo_data } => {
            json!({"hi_data": hi_data, "lo_data": lo_data})
        }
        ModifierData::ShapeSys(d) | ModifierData::StatError(d) => json!(d),
    };
    json!({"name": m.name, "type": m.data.type_name(), "data": data})
}

fn parameters_to_value(params: &[ParameterConfig]) -> Value {
    Value::Array(
        params
            .iter()
            .map(|p| {
                let mut m = Map::new();
                m.insert("name".into(), json!(p.name));
                let mut put = |k: &str, v: &Option<Vec<f64>>| {
                    if let Some(v) = v {
                        m.insert(k.into(), json!(v));
                    }
                };
                put("inits", &p.inits);
                put("auxdata", &p.auxdata);
                put("factors", &p.factors);
                put("sigmas", &p.sigmas);
                if let Some(b) = &p.bounds {
                    m.insert("bounds".into(), json!(b));
                }
                if let Some(f) = p.fixed {
                    m.insert("fixed".into(), json!(f));
                }
                Value::Object(m)
            })
            .collect(),
    )
}
