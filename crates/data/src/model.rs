//! The catalog's data model: what one catalog file holds, as it is stored in `catalog/*.json`.

use serde::{Deserialize, Serialize};

/// One catalog file: a group of datasets (e.g. `atlas-2020`) and the portal records they come from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Format version of the catalog file.
    pub schema: u32,
    /// The first component of every dataset name in this group.
    pub group: String,
    pub title: String,
    #[serde(default)]
    pub records: Vec<Record>,
    pub datasets: Vec<Dataset>,
}

/// A CERN Open Data portal record, as its fixture file states it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub recid: u64,
    #[serde(default)]
    pub doi: String,
    pub title: String,
    pub source: Source,
    /// Total bytes of the record's files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_files: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_events: Option<u64>,
    /// The collection or skim (`4lep`, `GamGam`, `exactly4lep`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    /// `data` or `mc` where a skim has one record of each.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
}

/// Where a fact came from: a file of a public repository at a commit, or a description/URL.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum Source {
    Repository {
        repo: String,
        path: String,
        commit: String,
    },
    Text(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Repository { repo, path, commit } => {
                write!(
                    f,
                    "github.com/{repo} {path} @ {}",
                    &commit[..commit.len().min(12)]
                )
            }
            Source::Text(text) => f.write_str(text),
        }
    }
}

/// What a dataset is; decides what `get` and analysis files may do with it.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Recorded collision data.
    Data,
    /// Simulation.
    Mc,
    /// An archive of other files (a collection's zip).
    Archive,
    /// Listed for reference only: far too large to download with hepkey.
    Metadata,
    /// A statistical model archive (HEPData).
    Likelihood,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Data => "data",
            Kind::Mc => "mc",
            Kind::Archive => "archive",
            Kind::Metadata => "metadata",
            Kind::Likelihood => "likelihood",
        }
    }
}

/// A named dataset: the unit of `hepkey data get` and of `dataset = "…"` in analysis files.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dataset {
    /// `group/collection/sample`, e.g. `atlas-2020/4lep/mc_345060.ggH125_ZZ4lep`.
    pub name: String,
    /// The portal record the files are listed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recid: Option<u64>,
    pub kind: Kind,
    /// The TTree (or RNTuple) holding the events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tree: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Its own title where the record's does not describe it (HEPData).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
    /// ATLAS dataset number of a simulated sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dsid: Option<u64>,
    /// Events in the files (where the source gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    pub files: Vec<FileEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub physics: Option<Physics>,
    /// Where the dataset's entry came from when it has no portal record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// Where the file list came from when it differs from `source`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files_source: Option<FilesSource>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FilesSource {
    pub url_from: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum_from: Option<Source>,
}

/// One file of a dataset.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FileEntry {
    /// HTTPS (or HTTP) URL.
    pub url: String,
    /// The `root://` form, where it is not the portal's EOS name of `url` (see [`FileEntry::root_url`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_url: Option<String>,
    /// The local file name, where the URL's last segment is not one (`…/resource/123?view=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// The portal's adler32, 8 lowercase hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adler32: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
}

impl FileEntry {
    /// The name the file gets on disk: `name`, else the URL's last path segment.
    pub fn file_name(&self) -> String {
        if let Some(name) = &self.name {
            return name.clone();
        }
        let path = self.url.split(['?', '#']).next().unwrap_or("");
        path.rsplit('/').next().unwrap_or("").to_string()
    }

    /// The `root://` name of the file: the one written in the catalog, else, for a file the portal
    /// serves from its EOS (`https://opendata.cern.ch/eos/opendata/X`), `root://eospublic.cern.ch//eos/opendata/X`.
    pub fn root_url(&self) -> Option<String> {
        const PORTAL_EOS: &str = "https://opendata.cern.ch/eos/opendata/";
        self.root_url.clone().or_else(|| {
            self.url
                .strip_prefix(PORTAL_EOS)
                .map(|rest| format!("root://eospublic.cern.ch//eos/opendata/{rest}"))
        })
    }

    /// The adler32 as a number, if the catalog has one.
    pub fn adler32_value(&self) -> Option<u32> {
        self.adler32
            .as_deref()
            .and_then(|h| u32::from_str_radix(h, 16).ok())
    }
}

/// The numbers that normalise a simulated sample: w = L·σ·k·ε / Σw × per-event weights.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Physics {
    pub xsec_pb: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kfactor: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_eff: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum_weights: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sum_weights_sq: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u64>,
    pub source: Source,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
