//! Workspaces from histograms, as cabinetry builds them: a TOML fit configuration
//! (regions with binning, samples, data, Normalization / NormPlusShape systematics,
//! normalisation factors, MC statistics) applied to a histogram JSON file.
//!
//! ```toml
//! [general]
//! measurement = "CMS_ttbar"
//! poi = "ttbar_norm"
//! histogram_key = "{region}_{sample}{variation}"
//!
//! [[regions]]
//! name = "4j1b CR"
//! path = "4j1b"
//! binning = [110, 150, 190]
//!
//! [[samples]]
//! name = "ttbar"
//! path = "ttbar"
//!
//! [[systematics]]
//! name = "ME variation"
//! type = "NormPlusShape"
//! samples = ["ttbar"]
//! up = { variation = "_ME_var" }
//! down = { symmetrize = true }
//! ```

mod build;
mod histograms;

pub use build::build_workspace;
pub use histograms::{Histogram, HistogramSet};

use crate::error::{Error, Result};
use serde::Deserialize;

/// The fit configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FitConfig {
    pub general: General,
    pub regions: Vec<Region>,
    pub samples: Vec<SampleConfig>,
    #[serde(default)]
    pub systematics: Vec<Systematic>,
    #[serde(default)]
    pub normfactors: Vec<NormFactor>,
}

/// Measurement, POI and how histogram keys are formed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct General {
    pub measurement: String,
    pub poi: String,
    /// Key of a histogram in the JSON file, from `{region}`, `{sample}`, `{variation}`.
    #[serde(default = "default_key")]
    pub histogram_key: String,
    /// What `{variation}` is for the nominal histograms: `""` (default, the AGC layout
    /// `4j1b_ttbar`), or `"nominal"` for the keys `hepkey run` writes
    /// (`{region}/{histogram}/{sample}/nominal`).
    #[serde(default)]
    pub nominal_variation: String,
    /// Add per-bin MC statistical uncertainties (staterror) to every MC sample.
    #[serde(default = "yes")]
    pub mc_stat: bool,
}

fn default_key() -> String {
    "{region}_{sample}{variation}".into()
}

fn yes() -> bool {
    true
}

/// A region (channel) with its target binning.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub name: String,
    /// Replaces `{region}` in histogram keys (default: the name).
    pub path: Option<String>,
    /// Axis label (for plots).
    pub variable: Option<String>,
    /// Bin edges; the histograms are rebinned to them (edges must be a subset).
    pub binning: Option<Vec<f64>>,
}

/// A sample: simulation, or the observed data (`data = true`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleConfig {
    pub name: String,
    /// Replaces `{sample}` in histogram keys (default: the name).
    pub path: Option<String>,
    #[serde(default)]
    pub data: bool,
    /// Constant event weight, used for MC statistics when the histograms carry no
    /// variances (variance = weight × content).
    pub weight: Option<f64>,
    /// Add MC statistical uncertainties for this sample (default: general.mc_stat).
    pub mc_stat: Option<bool>,
}

/// Type of a systematic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum SystematicType {
    /// A normalisation-only uncertainty (normsys).
    Normalization,
    /// Normalisation and shape (normsys + histosys on the normalised template).
    NormPlusShape,
}

/// One side of a systematic.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variation {
    /// Suffix replacing `{variation}` in histogram keys.
    pub variation: Option<String>,
    /// Relative normalisation change (Normalization type), e.g. 0.03.
    pub normalization: Option<f64>,
    /// Mirror the other side around the nominal.
    #[serde(default)]
    pub symmetrize: bool,
}

/// A systematic uncertainty.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Systematic {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: SystematicType,
    pub up: Variation,
    #[serde(default)]
    pub down: Variation,
    /// Samples affected (default: all MC samples).
    pub samples: Option<Vec<String>>,
}

/// A free normalisation factor.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormFactor {
    pub name: String,
    pub samples: Vec<String>,
    pub nominal: Option<f64>,
    pub bounds: Option<[f64; 2]>,
}

impl FitConfig {
    /// Parses the TOML text; errors carry the line and the offending key.
    pub fn from_toml(text: &str, source_name: &str) -> Result<FitConfig> {
        let cfg: FitConfig = toml::from_str(text).map_err(|e| Error::Config {
            source_name: source_name.into(),
            message: e.to_string(),
        })?;
        cfg.validate(source_name)?;
        Ok(cfg)
    }

    fn validate(&self, source_name: &str) -> Result<()> {
        let err = |m: String| {
            Err(Error::Config {
                source_name: source_name.into(),
                message: m,
            })
        };
        if self.regions.is_empty() {
            return err("at least one [[regions]] entry is needed".into());
        }
        let names: Vec<&str> = self.samples.iter().map(|s| s.name.as_str()).collect();
        if self.samples.iter().filter(|s| s.data).count() != 1 {
            return err("exactly one sample must have data = true".into());
        }
        for s in &self.systematics {
            for n in s.samples.iter().flatten() {
                if !names.contains(&n.as_str()) {
                    return err(format!("systematic {:?}: unknown sample {n:?}", s.name));
                }
            }
            let has_up = s.up.variation.is_some() || s.up.normalization.is_some();
            if !has_up {
                return err(format!(
                    "systematic {:?}: up needs a variation or a normalization",
                    s.name
                ));
            }
            match s.kind {
                SystematicType::Normalization if s.up.normalization.is_none() => {
                    return err(format!(
                        "systematic {:?}: type Normalization needs up.normalization",
                        s.name
                    ))
                }
                SystematicType::NormPlusShape if s.up.variation.is_none() => {
                    return err(format!(
                        "systematic {:?}: type NormPlusShape needs up.variation",
                        s.name
                    ))
                }
                _ => {}
            }
        }
        for nf in &self.normfactors {
            for n in &nf.samples {
                if !names.contains(&n.as_str()) {
                    return err(format!("normfactor {:?}: unknown sample {n:?}", nf.name));
                }
            }
        }
        Ok(())
    }
}
