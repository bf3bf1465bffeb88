//! Building a [`Model`] from a model spec, reproducing pyhf's ordering conventions.

use super::interpolation::{Code4, HistosysCode, NormsysCode};
use super::modifiers::{self, Draft};
use super::parameters::{Constraint, ModifierType, ParamSet};
use super::{ChannelInfo, GaussTerm, Model, PoissonTerm, SampleBlock, ScalarFactor, ShiftTerm};
use crate::error::{Error, Result};
use crate::workspace::{ModelSpec, ModifierData, ParameterConfig, Sample};
use std::collections::{BTreeSet, HashMap};

/// Options of the model build (pyhf's `modifier_settings` and `poi_name`).
#[derive(Debug, Clone)]
pub struct ModelOptions {
    pub normsys_code: NormsysCode,
    pub histosys_code: HistosysCode,
    /// Name of the POI; `None` = no POI.
    pub poi_name: Option<String>,
}

impl Default for ModelOptions {
    fn default() -> Self {
        ModelOptions {
            normsys_code: NormsysCode::Code4,
            histosys_code: HistosysCode::Code4p,
            poi_name: None,
        }
    }
}

/// Builder group order of pyhf (parameters are ordered by these groups).
const GROUPS: [ModifierType; 7] = [
    ModifierType::HistoSys,
    ModifierType::Lumi,
    ModifierType::NormFactor,
    ModifierType::NormSys,
    ModifierType::ShapeFactor,
    ModifierType::ShapeSys,
    ModifierType::StatError,
];

fn kind_of(d: &ModifierData) -> ModifierType {
    match d {
        ModifierData::NormFactor => ModifierType::NormFactor,
        ModifierData::Lumi => ModifierType::Lumi,
        ModifierData::NormSys { .. } => ModifierType::NormSys,
        ModifierData::HistoSys { .. } => ModifierType::HistoSys,
        ModifierData::ShapeSys(_) => ModifierType::ShapeSys,
        ModifierData::StatError(_) => ModifierType::StatError,
        ModifierData::ShapeFactor => ModifierType::ShapeFactor,
    }
}

impl Model {
    /// Builds the model. Errors name the offending channel/sample/modifier.
    pub fn new(spec: &ModelSpec, options: &ModelOptions) -> Result<Model> {
        // Channels sorted by name; one global sorted list of sample names.
        let mut chan_idx: Vec<usize> = (0..spec.channels.len()).collect();
        chan_idx.sort_by(|&a, &b| spec.channels[a].name.cmp(&spec.channels[b].name));
        for w in chan_idx.windows(2) {
            if spec.channels[w[0]].name == spec.channels[w[1]].name {
                return Err(Error::InvalidModel(format!(
                    "two channels are named {:?}",
                    spec.channels[w[0]].name
                )));
            }
        }
        let samples: Vec<String> = spec
            .channels
            .iter()
            .flat_map(|c| c.samples.iter().map(|s| s.name.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();

        // Validate bin counts and collect the walk: (channel pos, sample idx, &Sample).
        let mut channels = Vec::new();
        let mut walk: Vec<(usize, usize, &Sample)> = Vec::new();
        let mut offset = 0;
        for (pos, &ci) in chan_idx.iter().enumerate() {
            let c = &spec.channels[ci];
            let nbins = c.samples[0].data.len();
            let mut seen = BTreeSet::new();
            for (si, s) in c.samples.iter().enumerate() {
                let where_ = format!("/channels/{ci}/samples/{si}");
                if !seen.insert(s.name.as_str()) {
                    return Err(Error::InvalidModel(format!(
                        "{where_}: channel {:?} has two samples named {:?}",
                        c.name, s.name
                    )));
                }
                if s.data.len() != nbins {
                    return Err(Error::InvalidModel(format!(
                        "{where_}/data: expected {nbins} bins like the channel's first sample, found {}",
                        s.data.len()
                    )));
                }
                for (mi, m) in s.modifiers.iter().enumerate() {
                    let mpath = format!("{where_}/modifiers/{mi}/data");
                    let check = |v: &[f64], key: &str| -> Result<()> {
                        if v.len() != nbins {
                            return Err(Error::InvalidModel(format!(
                                "{mpath}{key}: expected {nbins} values (the channel's bins), found {}",
                                v.len()
                            )));
                        }
                        Ok(())
                    };
                    match &m.data {
                        ModifierData::HistoSys { hi_data, lo_data } => {
                            check(hi_data, "/hi_data")?;
                            check(lo_data, "/lo_data")?;
                        }
                        ModifierData::ShapeSys(d) | ModifierData::StatError(d) => check(d, "")?,
                        _ => {}
                    }
                }
            }
            channels.push(ChannelInfo {
                name: c.name.clone(),
                nbins,
                offset,
            });
            offset += nbins;
            for (sidx, sname) in samples.iter().enumerate() {
                if let Some(s) = c.samples.iter().find(|s| &s.name == sname) {
                    walk.push((pos, sidx, s));
                }
            }
        }
        let n_bins = offset;

        // Sorted (name, type) modifiers of each walked sample.
        let sorted_mods: Vec<Vec<&crate::workspace::Modifier>> = walk
            .iter()
            .map(|(_, _, s)| {
                let mut m: Vec<_> = s.modifiers.iter().collect();
                m.sort_by(|a, b| {
                    (a.name.as_str(), a.data.type_name())
                        .cmp(&(b.name.as_str(), b.data.type_name()))
                });
                m
            })
            .collect();

        // Parameter registration order by builder group.
        let mut order: Vec<(String, ModifierType)> = Vec::new();
        let mut registered: HashMap<String, ModifierType> = HashMap::new();
        for group in GROUPS {
            let mut names: Vec<String> = Vec::new();
            // A set beside the ordered list: thousands of names made this quadratic.
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for mods in &sorted_mods {
                for m in mods.iter().filter(|m| kind_of(&m.data) == group) {
                    if seen.insert(m.name.as_str()) {
                        names.push(m.name.clone());
                    }
                }
            }
            if group == ModifierType::StatError {
                names.sort();
            }
            for name in names {
                match registered.get(&name) {
                    None => {
                        registered.insert(name.clone(), group);
                        order.push((name, group));
                    }
                    Some(ModifierType::HistoSys) if group == ModifierType::NormSys => {}
                    Some(prev) => {
                        return Err(Error::InvalidNameReuse {
                            name,
                            reason: format!(
                                "used by both a {} and a {} modifier",
                                prev.name(),
                                group.name()
                            ),
                        })
                    }
                }
            }
        }

        // Draft parameter sets.
        let configs = index_configs(&spec.parameters)?;
        let mut drafts: Vec<Draft> = Vec::with_capacity(order.len());
        // Carriers of each (name, type) in walk order, indexed once (a scan of every
        // modifier per parameter was quadratic in the workspace size).
        type Carriers<'a> = Vec<(usize, &'a Sample, &'a ModifierData)>;
        let mut carriers_of: HashMap<(&str, ModifierType), Carriers> = HashMap::new();
        for (pos, _, s) in &walk {
            for m in &s.modifiers {
                carriers_of
                    .entry((m.name.as_str(), kind_of(&m.data)))
                    .or_default()
                    .push((*pos, *s, &m.data));
            }
        }
        for (name, kind) in &order {
            let carriers: Vec<(usize, &Sample, &ModifierData)> = carriers_of
                .remove(&(name.as_str(), *kind))
                .unwrap_or_default();
            let nbins_of = |what: &str| -> Result<usize> {
                let first = channels[carriers[0].0].nbins;
                if carriers.iter().any(|c| channels[c.0].nbins != first) {
                    return Err(Error::InvalidNameReuse {
                        name: name.clone(),
                        reason: format!("{what} used in channels with different numbers of bins"),
                    });
                }
                Ok(first)
            };
            let draft = match kind {
                ModifierType::NormFactor => modifiers::normfactor::draft(),
                ModifierType::Lumi => {
                    modifiers::lumi::draft(configs.get(name.as_str()).copied(), name)?
                }
                ModifierType::HistoSys => modifiers::histosys::draft(),
                ModifierType::NormSys => modifiers::normsys::draft(*kind),
                ModifierType::ShapeFactor => {
                    modifiers::shapefactor::draft(nbins_of("shapefactor")?)
                }
                ModifierType::ShapeSys => {
                    if carriers.len() > 1 {
                        return Err(Error::InvalidNameReuse {
                            name: name.clone(),
                            reason: "a shapesys parameter cannot be shared between samples".into(),
                        });
                    }
                    let ModifierData::ShapeSys(unc) = carriers[0].2 else {
                        unreachable!()
                    };
                    modifiers::shapesys::draft(&carriers[0].1.data, unc)
                }
                ModifierType::StatError => {
                    let nb = nbins_of("staterror")?;
                    let contributions: Vec<(&[f64], &[f64])> = carriers
                        .iter()
                        .map(|(_, s, d)| match d {
                            ModifierData::StatError(unc) => (s.data.as_slice(), unc.as_slice()),
                            _ => unreachable!(),
                        })
                        .collect();
                    modifiers::staterror::draft(nb, &contributions)
                }
            };
            drafts.push(draft);
        }

        // Measurement overrides.
        let mut paramsets = Vec::with_capacity(drafts.len());
        let mut n_pars = 0;
        for ((name, _), mut draft) in order.iter().zip(drafts) {
            if let Some(cfg) = configs.get(name.as_str()) {
                apply_config(&mut draft, cfg)?;
            }
            let n = draft.inits.len();
            paramsets.push(ParamSet {
                name: name.clone(),
                kind: draft.kind,
                offset: n_pars,
                inits: draft.inits,
                bounds: draft.bounds,
                fixed: draft.fixed,
                auxdata: draft.auxdata,
                constraint: draft.constraint,
            });
            n_pars += n;
        }
        let offset_of: HashMap<&str, usize> = paramsets
            .iter()
            .map(|p| (p.name.as_str(), p.offset))
            .collect();

        // Constraint terms in auxdata order.
        let mut gauss = Vec::new();
        let mut poisson = Vec::new();
        let mut n_aux = 0;
        for p in &paramsets {
            match &p.constraint {
                Constraint::Unconstrained => {}
                Constraint::Normal { sigmas } => {
                    for (i, &sigma) in sigmas.iter().enumerate() {
                        gauss.push(GaussTerm {
                            par: p.offset + i,
                            aux: n_aux + i,
                            sigma,
                        });
                    }
                    n_aux += p.len();
                }
                Constraint::Poisson { factors } => {
                    for (i, &factor) in factors.iter().enumerate() {
                        poisson.push(PoissonTerm {
                            par: p.offset + i,
                            aux: n_aux + i,
                            factor,
                        });
                    }
                    n_aux += p.len();
                }
            }
        }

        // Compiled sample blocks.
        let mut blocks = Vec::with_capacity(walk.len());
        let mut histo_pars: Vec<usize> = Vec::new();
        let mut histo_slot: HashMap<usize, u32> = HashMap::new();
        let mut n_flat = 0;
        for (pos, sidx, s) in &walk {
            let nb = s.data.len();
            // Per bin: (slot, s, a) of each histosys with an effect.
            let mut per_bin: Vec<Vec<ShiftTerm>> = vec![Vec::new(); nb];
            let mut block = SampleBlock {
                channel: *pos,
                sample: *sidx,
                offset: channels[*pos].offset,
                nominal: s.data.clone(),
                scalars: vec![],
                bin_factors: vec![],
                terms: vec![],
                term_start: vec![],
                flat: n_flat,
            };
            n_flat += nb;
            for m in &s.modifiers {
                let par = offset_of[m.name.as_str()];
                match &m.data {
                    ModifierData::NormFactor | ModifierData::Lumi => {
                        block.scalars.push(ScalarFactor::Linear { par })
                    }
                    // A normsys with hi = lo = 1 is the constant 1 for both codes.
                    ModifierData::NormSys { hi, lo } if *hi == 1.0 && *lo == 1.0 => {}
                    ModifierData::NormSys { hi, lo } => {
                        block.scalars.push(match options.normsys_code {
                            NormsysCode::Code1 => ScalarFactor::NormSysCode1 {
                                par,
                                hi: *hi,
                                lo: *lo,
                            },
                            NormsysCode::Code4 => ScalarFactor::NormSysCode4 {
                                par,
                                interp: Code4::new(*hi, *lo),
                            },
                        })
                    }
                    ModifierData::HistoSys { hi_data, lo_data } => {
                        let slot = *histo_slot.entry(par).or_insert_with(|| {
                            histo_pars.push(par);
                            (histo_pars.len() - 1) as u32
                        });
                        for (i, bin) in per_bin.iter_mut().enumerate() {
                            let (cs, ca) =
                                HistosysCode::coefficients(s.data[i], hi_data[i], lo_data[i]);
                            if cs != 0.0 || ca != 0.0 {
                                bin.push(ShiftTerm { slot, s: cs, a: ca });
                            }
                        }
                    }
                    ModifierData::ShapeSys(_)
                    | ModifierData::StatError(_)
                    | ModifierData::ShapeFactor => block.bin_factors.push(par),
                }
            }
            block.term_start.push(0);
            for bin in per_bin {
                block.terms.extend(bin);
                block.term_start.push(block.terms.len() as u32);
            }
            blocks.push(block);
        }

        let poi = match options.poi_name.as_deref() {
            None | Some("") => None,
            Some(name) => {
                let p = paramsets.iter().find(|p| p.name == name).ok_or_else(|| {
                    Error::InvalidModel(format!("the POI {name:?} is not a parameter of the model"))
                })?;
                if p.len() != 1 {
                    return Err(Error::InvalidModel(format!(
                        "the POI {name:?} has {} components; it must be a scalar",
                        p.len()
                    )));
                }
                Some(p.offset)
            }
        };

        Ok(Model {
            channels,
            samples,
            paramsets,
            poi,
            blocks,
            gauss,
            poisson,
            histo_pars,
            histo_code: options.histosys_code,
            n_flat,
            n_pars,
            n_bins,
            n_aux,
        })
    }
}

fn index_configs(params: &[ParameterConfig]) -> Result<HashMap<&str, &ParameterConfig>> {
    let mut out = HashMap::new();
    for p in params {
        if out.insert(p.name.as_str(), p).is_some() {
            return Err(Error::InvalidModel(format!(
                "the measurement configures parameter {:?} twice",
                p.name
            )));
        }
    }
    Ok(out)
}

fn apply_config(d: &mut Draft, cfg: &ParameterConfig) -> Result<()> {
    let n = d.inits.len();
    let name = &cfg.name;
    let len_check = |key: &str, len: usize| -> Result<()> {
        if len != n {
            return Err(Error::InvalidModel(format!(
                "parameter {name:?}: {key} has {len} value(s), the parameter has {n} component(s)"
            )));
        }
        Ok(())
    };
    let not_used = |key: &str| {
        Error::InvalidModel(format!(
            "parameter {name:?} ({}) does not use {key:?}",
            d.kind.name()
        ))
    };
    if let Some(v) = &cfg.inits {
        len_check("inits", v.len())?;
        d.inits = v.clone();
    }
    if let Some(v) = &cfg.bounds {
        len_check("bounds", v.len())?;
        let mut bounds = Vec::with_capacity(n);
        for (i, b) in v.iter().enumerate() {
            if b.len() != 2 || b[0] > b[1] {
                return Err(Error::InvalidModel(format!(
                    "parameter {name:?}: bounds[{i}] must be a pair [low, high] with low <= high, found {b:?}"
                )));
            }
            bounds.push((b[0], b[1]));
        }
        d.bounds = bounds;
    }
    if let Some(f) = cfg.fixed {
        d.fixed = vec![f; n];
    }
    if let Some(v) = &cfg.auxdata {
        if !matches!(
            d.constraint,
            Constraint::Normal { .. } | Constraint::Poisson { .. }
        ) {
            return Err(not_used("auxdata"));
        }
        len_check("auxdata", v.len())?;
        d.auxdata = v.clone();
    }
    if let Some(v) = &cfg.sigmas {
        let Constraint::Normal { sigmas } = &mut d.constraint else {
            return Err(not_used("sigmas"));
        };
        len_check("sigmas", v.len())?;
        *sigmas = v.clone();
    }
    if let Some(v) = &cfg.factors {
        let Constraint::Poisson { factors } = &mut d.constraint else {
            return Err(not_used("factors"));
        };
        len_check("factors", v.len())?;
        *factors = v.clone();
    }
    Ok(())
}
