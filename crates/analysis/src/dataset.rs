//! Samples named by a catalog dataset (`dataset = "atlas-2020/4lep/mc_345060.ggH125_ZZ4lep"`):
//! their files from the download cache, their tree, and the numbers `xsec = "catalog"` takes.

use crate::config::SampleConfig;
use crate::error::{Error, Result};
use hepkey_data::{Catalog, Dataset, Physics};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The catalog, loaded once (`HEPKEY_CATALOG` or the shipped one).
fn catalog() -> Result<&'static Catalog> {
    static CATALOG: OnceLock<std::result::Result<Catalog, String>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Catalog::load().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| Error::Config(e.clone()))
}

/// The catalog entry a sample names, if it names one.
pub fn of(sample: &SampleConfig) -> Result<Option<&'static Dataset>> {
    let Some(name) = &sample.dataset else {
        return Ok(None);
    };
    let catalog = catalog()?;
    catalog.get(name).map(Some).ok_or_else(|| {
        Error::Config(format!(
            "sample {:?}: {}",
            sample.name,
            catalog.unknown(name)
        ))
    })
}

/// The cached files of the sample's dataset, or why there are none (not downloaded: which
/// command to run).
pub fn files(
    sample: &SampleConfig,
    dataset: &Dataset,
) -> std::result::Result<Vec<PathBuf>, String> {
    hepkey_data::cache::resolve_in(&hepkey_data::cache::cache_dir(), dataset)
        .map_err(|e| format!("sample {:?}: {e}", sample.name))
}

/// Size and Adler-32 of the catalog file whose `https://` or `root://` URL is `url`, where the
/// catalog lists both.
pub fn catalog_checksum(url: &str) -> Option<(u64, String)> {
    let file = catalog().ok()?.file_with_url(url)?;
    Some((file.size?, file.adler32.clone()?))
}

/// The catalog's physics numbers for the sample (for `xsec = "catalog"` and the like).
pub fn physics(sample: &SampleConfig, key: &str) -> Result<&'static Physics> {
    let dataset = of(sample)?.ok_or_else(|| {
        Error::Config(format!(
            "sample {:?}: {key} = \"catalog\" needs `dataset = \"NAME\"`",
            sample.name
        ))
    })?;
    dataset.physics.as_ref().ok_or_else(|| {
        Error::Config(format!(
            "sample {:?}: the catalog has no cross-section or weights for {} (give {key} as a number{})",
            sample.name,
            dataset.name,
            if dataset.name.starts_with("atlas-2025e/") {
                "; the 2025 files carry them in the branches xsec, kfac, filteff and sum_of_weights"
            } else {
                ""
            }
        ))
    })
}

/// One number of the catalog entry, by the analysis-file key that asks for it.
pub fn number(sample: &SampleConfig, key: &str) -> Result<f64> {
    let p = physics(sample, key)?;
    let value = match key {
        "xsec" => Some(p.xsec_pb),
        "kfactor" => p.kfactor,
        "filter_eff" => p.filter_eff,
        "sum_weights" => p.sum_weights,
        _ => None,
    };
    value.ok_or_else(|| {
        Error::Config(format!(
            "sample {:?}: the catalog entry of {} has no {key}",
            sample.name,
            sample.dataset.as_deref().unwrap_or("")
        ))
    })
}
