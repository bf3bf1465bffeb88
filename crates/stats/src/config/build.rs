//! Turning a [`FitConfig`] and histograms into a pyhf workspace (cabinetry's rules):
//! Normalization → normsys (1 ± n); NormPlusShape → normsys from the yield ratio plus
//! histosys on the template normalised to the nominal yield; symmetrised sides are
//! mirrored around the nominal; one staterror per region over all MC samples.

use super::{FitConfig, HistogramSet, SystematicType};
use crate::error::{Error, Result};
use crate::workspace::{
    Channel, Measurement, Modifier, ModifierData, Observation, ParameterConfig, Sample, Workspace,
};

/// Builds the workspace described by `cfg` from `hists`.
pub fn build_workspace(cfg: &FitConfig, hists: &HistogramSet) -> Result<Workspace> {
    let key = |region: &str, sample: &str, variation: &str| {
        cfg.general
            .histogram_key
            .replace("{region}", region)
            .replace("{sample}", sample)
            .replace("{variation}", variation)
    };
    let nominal_variation = cfg.general.nominal_variation.as_str();
    let mut channels = Vec::new();
    let mut observations = Vec::new();
    for region in &cfg.regions {
        let rpath = region.path.as_deref().unwrap_or(&region.name);
        let load = |sample: &str, variation: &str| -> Result<super::Histogram> {
            let k = key(rpath, sample, variation);
            let h = hists.get(&k)?;
            match &region.binning {
                Some(b) => h.rebin(b, &k),
                None => Ok(h.clone()),
            }
        };
        let staterror_name = format!("staterror_{}", region.name.replace(' ', "-"));
        let mut samples = Vec::new();
        for s in &cfg.samples {
            let spath = s.path.as_deref().unwrap_or(&s.name);
            let nominal = load(spath, nominal_variation)?;
            if s.data {
                observations.push(Observation {
                    name: region.name.clone(),
                    data: nominal.contents.clone(),
                });
                continue;
            }
            let mut modifiers = Vec::new();
            if s.mc_stat.unwrap_or(cfg.general.mc_stat) {
                let variances = match (&nominal.variances, s.weight) {
                    (Some(v), _) => v.clone(),
                    (None, Some(w)) => nominal.contents.iter().map(|c| w * c.max(0.0)).collect(),
                    (None, None) => {
                        return Err(Error::Config {
                            source_name: hists.source_name.clone(),
                            message: format!(
                                "histogram {:?} has no variances: give sample {:?} a `weight` or set mc_stat = false",
                                key(rpath, spath, nominal_variation),
                                s.name
                            ),
                        })
                    }
                };
                modifiers.push(Modifier {
                    name: staterror_name.clone(),
                    data: ModifierData::StatError(
                        variances.iter().map(|v| v.max(0.0).sqrt()).collect(),
                    ),
                });
            }
            for nf in cfg
                .normfactors
                .iter()
                .filter(|nf| nf.samples.contains(&s.name))
            {
                modifiers.push(Modifier {
                    name: nf.name.clone(),
                    data: ModifierData::NormFactor,
                });
            }
            let nom_total: f64 = nominal.contents.iter().sum();
            for sys in &cfg.systematics {
                if let Some(list) = &sys.samples {
                    if !list.contains(&s.name) {
                        continue;
                    }
                }
                match sys.kind {
                    SystematicType::Normalization => {
                        let up = sys.up.normalization.unwrap_or(0.0);
                        let down = if sys.down.symmetrize {
                            -up
                        } else {
                            sys.down.normalization.unwrap_or(-up)
                        };
                        modifiers.push(Modifier {
                            name: sys.name.clone(),
                            data: ModifierData::NormSys {
                                hi: 1.0 + up,
                                lo: 1.0 + down,
                            },
                        });
                    }
                    SystematicType::NormPlusShape => {
                        let up = load(
                            spath,
                            sys.up.variation.as_deref().unwrap_or(nominal_variation),
                        )?
                        .contents;
                        let up_total: f64 = up.iter().sum();
                        if nom_total <= 0.0 || up_total <= 0.0 {
                            return Err(non_positive(&sys.name, &s.name, &region.name, hists));
                        }
                        let hi = up_total / nom_total;
                        let hi_data: Vec<f64> =
                            up.iter().map(|u| u * nom_total / up_total).collect();
                        // cabinetry mirrors after splitting: lo = 2 − hi and the shape
                        // template 2·nominal − (normalised up).
                        let (lo, lo_data) = match (&sys.down.variation, sys.down.symmetrize) {
                            (Some(v), false) => {
                                let down = load(spath, v)?.contents;
                                let down_total: f64 = down.iter().sum();
                                if down_total <= 0.0 {
                                    return Err(non_positive(
                                        &sys.name,
                                        &s.name,
                                        &region.name,
                                        hists,
                                    ));
                                }
                                (
                                    down_total / nom_total,
                                    down.iter().map(|d| d * nom_total / down_total).collect(),
                                )
                            }
                            _ => (
                                2.0 - hi,
                                nominal
                                    .contents
                                    .iter()
                                    .zip(&hi_data)
                                    .map(|(n, u)| 2.0 * n - u)
                                    .collect(),
                            ),
                        };
                        modifiers.push(Modifier {
                            name: sys.name.clone(),
                            data: ModifierData::NormSys { hi, lo },
                        });
                        modifiers.push(Modifier {
                            name: sys.name.clone(),
                            data: ModifierData::HistoSys { hi_data, lo_data },
                        });
                    }
                }
            }
            samples.push(Sample {
                name: s.name.clone(),
                data: nominal.contents,
                modifiers,
            });
        }
        channels.push(Channel {
            name: region.name.clone(),
            samples,
        });
    }
    let parameters = cfg
        .normfactors
        .iter()
        .filter(|nf| nf.nominal.is_some() || nf.bounds.is_some())
        .map(|nf| ParameterConfig {
            name: nf.name.clone(),
            inits: nf.nominal.map(|v| vec![v]),
            bounds: nf.bounds.map(|b| vec![b.to_vec()]),
            ..Default::default()
        })
        .collect();
    Ok(Workspace {
        channels,
        measurements: vec![Measurement {
            name: cfg.general.measurement.clone(),
            poi: cfg.general.poi.clone(),
            parameters,
        }],
        observations,
        version: "1.0.0".into(),
    })
}

fn non_positive(sys: &str, sample: &str, region: &str, hists: &HistogramSet) -> Error {
    Error::Config {
        source_name: hists.source_name.clone(),
        message: format!(
            "systematic {sys:?} on sample {sample:?} in region {region:?}: yields must be positive to split normalisation and shape"
        ),
    }
}
