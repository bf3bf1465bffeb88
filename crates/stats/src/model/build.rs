//! Building a [`Model`] from a model spec, reproducing pyhf's ordering conventions.

use super::interpolation::{HistosysCode, NormsysCode};
use super::modifiers::{self, kind_of, Carrier, Draft};
use super::parameters::{Constraint, ModifierType, ParamSet};
use super::{ChannelInfo, GaussTerm, Model, PoissonTerm, SampleBlock, ShiftTerm};
use crate::error::{Error, Result};
use crate::workspace::{Channel, ModelSpec, Modifier, ModifierData, ParameterConfig, Sample};
use std::collections::{BTreeSet, HashMap, HashSet};

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

impl Model {
    /// Builds the model in pyhf's order: channels and samples, parameters by builder
    /// group, their sets with the measurement's overrides, constraint terms, and the
    /// compiled effect of every modifier on every sample. Errors name the offending
    /// channel/sample/modifier.
    pub fn new(spec: &ModelSpec, options: &ModelOptions) -> Result<Model> {
        let layout = Layout::of(spec)?;
        let order = parameter_order(&layout.walk)?;
        let paramsets = parameter_sets(&layout, &order, &spec.parameters)?;
        let constraints = Constraints::of(&paramsets);
        let effects = Effects::of(&layout, &paramsets, options);
        let poi = find_poi(&paramsets, options.poi_name.as_deref())?;
        let n_pars = paramsets.iter().map(|p| p.len()).sum();
        Ok(Model {
            channels: layout.channels,
            samples: layout.samples,
            paramsets,
            poi,
            blocks: effects.blocks,
            gauss: constraints.gauss,
            poisson: constraints.poisson,
            histo_pars: effects.histo_pars,
            histo_code: options.histosys_code,
            n_flat: effects.n_flat,
            n_pars,
            n_bins: layout.n_bins,
            n_aux: constraints.n_aux,
        })
    }
}

/// A (channel, sample) pair in pyhf's walk order: channels by name, then samples
/// by their place in the model's sorted sample list.
struct WalkedSample<'a> {
    /// The channel's position in `Layout::channels`.
    channel: usize,
    /// The sample's position in `Layout::samples`.
    sample: usize,
    spec: &'a Sample,
}

/// Channels and samples in pyhf's order, with their bin counts checked.
struct Layout<'a> {
    channels: Vec<ChannelInfo>,
    samples: Vec<String>,
    walk: Vec<WalkedSample<'a>>,
    n_bins: usize,
}

impl<'a> Layout<'a> {
    fn of(spec: &'a ModelSpec) -> Result<Layout<'a>> {
        let mut by_name: Vec<usize> = (0..spec.channels.len()).collect();
        by_name.sort_by(|&a, &b| spec.channels[a].name.cmp(&spec.channels[b].name));
        for w in by_name.windows(2) {
            if spec.channels[w[0]].name == spec.channels[w[1]].name {
                return Err(Error::InvalidModel(format!(
                    "two channels are named {:?}",
                    spec.channels[w[0]].name
                )));
            }
        }
        // One sorted list of sample names over all channels.
        let samples: Vec<String> = spec
            .channels
            .iter()
            .flat_map(|c| c.samples.iter().map(|s| s.name.clone()))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();

        let mut channels = Vec::new();
        let mut walk = Vec::new();
        let mut offset = 0;
        for (pos, &ci) in by_name.iter().enumerate() {
            let c = &spec.channels[ci];
            let nbins = c.samples[0].data.len();
            check_bins(ci, c, nbins)?;
            channels.push(ChannelInfo {
                name: c.name.clone(),
                nbins,
                offset,
            });
            offset += nbins;
            for (sidx, sname) in samples.iter().enumerate() {
                if let Some(s) = c.samples.iter().find(|s| &s.name == sname) {
                    walk.push(WalkedSample {
                        channel: pos,
                        sample: sidx,
                        spec: s,
                    });
                }
            }
        }
        Ok(Layout {
            channels,
            samples,
            walk,
            n_bins: offset,
        })
    }
}

/// Every sample of channel `ci` and every per-bin modifier has the channel's
/// `nbins` values; sample names are unique in the channel.
fn check_bins(ci: usize, c: &Channel, nbins: usize) -> Result<()> {
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
    Ok(())
}

/// Parameter names in pyhf's registration order: by builder group, then by the
/// walk over samples with their modifiers sorted by (name, type); staterror names
/// sorted. A normsys may share the parameter of a histosys; any other reuse of a
/// name by two modifier types is an error.
fn parameter_order(walk: &[WalkedSample]) -> Result<Vec<(String, ModifierType)>> {
    let sorted_mods: Vec<Vec<&Modifier>> = walk
        .iter()
        .map(|w| {
            let mut m: Vec<_> = w.spec.modifiers.iter().collect();
            m.sort_by(|a, b| {
                (a.name.as_str(), a.data.type_name()).cmp(&(b.name.as_str(), b.data.type_name()))
            });
            m
        })
        .collect();
    let mut order: Vec<(String, ModifierType)> = Vec::new();
    let mut registered: HashMap<String, ModifierType> = HashMap::new();
    for group in GROUPS {
        let mut names: Vec<String> = Vec::new();
        // A set beside the ordered list: thousands of names made this quadratic.
        let mut seen: HashSet<&str> = HashSet::new();
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
    Ok(order)
}

/// The parameter sets in `order`: each modifier's draft, then the measurement's
/// overrides, placed one after the other in the parameter vector.
fn parameter_sets(
    layout: &Layout,
    order: &[(String, ModifierType)],
    configs: &[ParameterConfig],
) -> Result<Vec<ParamSet>> {
    let configs = index_configs(configs)?;
    // Carriers of each (name, type) in walk order, indexed once (a scan of every
    // modifier per parameter was quadratic in the workspace size).
    let mut carriers_of: HashMap<(&str, ModifierType), Vec<Carrier>> = HashMap::new();
    for w in &layout.walk {
        for m in &w.spec.modifiers {
            carriers_of
                .entry((m.name.as_str(), kind_of(&m.data)))
                .or_default()
                .push(Carrier {
                    channel: w.channel,
                    sample: w.spec,
                    data: &m.data,
                });
        }
    }
    let mut paramsets = Vec::with_capacity(order.len());
    let mut n_pars = 0;
    for (name, kind) in order {
        let carriers = carriers_of
            .remove(&(name.as_str(), *kind))
            .unwrap_or_default();
        let config = configs.get(name.as_str()).copied();
        let nbins_of = |what: &str| -> Result<usize> {
            let first = layout.channels[carriers[0].channel].nbins;
            if carriers
                .iter()
                .any(|c| layout.channels[c.channel].nbins != first)
            {
                return Err(Error::InvalidNameReuse {
                    name: name.clone(),
                    reason: format!("{what} used in channels with different numbers of bins"),
                });
            }
            Ok(first)
        };
        let mut draft = match kind {
            ModifierType::NormFactor => modifiers::normfactor::draft(),
            ModifierType::Lumi => modifiers::lumi::draft(config, name)?,
            ModifierType::HistoSys => modifiers::histosys::draft(),
            ModifierType::NormSys => modifiers::normsys::draft(*kind),
            ModifierType::ShapeFactor => modifiers::shapefactor::draft(nbins_of("shapefactor")?),
            ModifierType::ShapeSys => modifiers::shapesys::draft(name, &carriers)?,
            ModifierType::StatError => {
                modifiers::staterror::draft(nbins_of("staterror")?, &carriers)
            }
        };
        if let Some(cfg) = config {
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
    Ok(paramsets)
}

/// The constraint terms, in auxiliary-data order.
struct Constraints {
    gauss: Vec<GaussTerm>,
    poisson: Vec<PoissonTerm>,
    n_aux: usize,
}

impl Constraints {
    fn of(paramsets: &[ParamSet]) -> Constraints {
        let mut gauss = Vec::new();
        let mut poisson = Vec::new();
        let mut n_aux = 0;
        for p in paramsets {
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
        Constraints {
            gauss,
            poisson,
            n_aux,
        }
    }
}

/// Every modifier's effect on every sample, compiled into sample blocks.
struct Effects {
    blocks: Vec<SampleBlock>,
    /// Parameters that carry a histosys; a histosys term's `slot` indexes this.
    histo_pars: Vec<usize>,
    n_flat: usize,
}

impl Effects {
    fn of(layout: &Layout, paramsets: &[ParamSet], options: &ModelOptions) -> Effects {
        let offset_of: HashMap<&str, usize> = paramsets
            .iter()
            .map(|p| (p.name.as_str(), p.offset))
            .collect();
        let mut blocks = Vec::with_capacity(layout.walk.len());
        let mut histo_pars: Vec<usize> = Vec::new();
        let mut histo_slot: HashMap<usize, u32> = HashMap::new();
        let mut n_flat = 0;
        for w in &layout.walk {
            let s = w.spec;
            let nb = s.data.len();
            let mut per_bin: Vec<Vec<ShiftTerm>> = vec![Vec::new(); nb];
            let mut block = SampleBlock {
                channel: w.channel,
                sample: w.sample,
                offset: layout.channels[w.channel].offset,
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
                    ModifierData::NormFactor => {
                        block.scalars.push(modifiers::normfactor::effect(par))
                    }
                    ModifierData::Lumi => block.scalars.push(modifiers::lumi::effect(par)),
                    ModifierData::NormSys { hi, lo } => block.scalars.extend(
                        modifiers::normsys::effect(par, *hi, *lo, options.normsys_code),
                    ),
                    ModifierData::HistoSys { hi_data, lo_data } => {
                        let slot = *histo_slot.entry(par).or_insert_with(|| {
                            histo_pars.push(par);
                            (histo_pars.len() - 1) as u32
                        });
                        modifiers::histosys::effect(slot, &s.data, hi_data, lo_data, &mut per_bin);
                    }
                    ModifierData::ShapeSys(_) => block
                        .bin_factors
                        .push(modifiers::shapesys::effect(par).first_par),
                    ModifierData::StatError(_) => block
                        .bin_factors
                        .push(modifiers::staterror::effect(par).first_par),
                    ModifierData::ShapeFactor => block
                        .bin_factors
                        .push(modifiers::shapefactor::effect(par).first_par),
                }
            }
            block.term_start.push(0);
            for bin in per_bin {
                block.terms.extend(bin);
                block.term_start.push(block.terms.len() as u32);
            }
            blocks.push(block);
        }
        Effects {
            blocks,
            histo_pars,
            n_flat,
        }
    }
}

/// The POI's index: a scalar parameter of the model, or none when no name is given.
fn find_poi(paramsets: &[ParamSet], name: Option<&str>) -> Result<Option<usize>> {
    let Some(name) = name.filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let p = paramsets.iter().find(|p| p.name == name).ok_or_else(|| {
        Error::InvalidModel(format!("the POI {name:?} is not a parameter of the model"))
    })?;
    if p.len() != 1 {
        return Err(Error::InvalidModel(format!(
            "the POI {name:?} has {} components; it must be a scalar",
            p.len()
        )));
    }
    Ok(Some(p.offset))
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
