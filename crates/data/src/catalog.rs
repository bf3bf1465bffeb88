//! The catalog: every group's datasets with lookup by name, prefix selection, search and
//! well-formedness checks.

use crate::error::{Error, Result};
use crate::model::{Dataset, Group, Record};
use std::collections::HashMap;
use std::path::Path;

/// Environment variable naming a catalog file or directory of `*.json` files that replaces the
/// shipped catalog (tests, mirrors, a catalog written by `hepkey data refresh --write`).
pub const CATALOG_ENV: &str = "HEPKEY_CATALOG";

pub struct Catalog {
    pub groups: Vec<Group>,
    /// Dataset name → (group index, dataset index).
    by_name: HashMap<String, (usize, usize)>,
    /// (group, recid) → record index.
    records: HashMap<(usize, u64), usize>,
}

impl Catalog {
    /// The catalog compiled into hepkey.
    pub fn shipped() -> Result<Catalog> {
        let groups = crate::shipped::FILES
            .iter()
            .map(|(file, text)| parse_group(file, text))
            .collect::<Result<Vec<_>>>()?;
        Catalog::from_groups(groups, "the shipped catalog")
    }

    /// `HEPKEY_CATALOG` if set, else the shipped catalog.
    pub fn load() -> Result<Catalog> {
        match std::env::var_os(CATALOG_ENV) {
            Some(path) if !path.is_empty() => Catalog::from_path(Path::new(&path)),
            _ => Catalog::shipped(),
        }
    }

    /// A catalog file, or a directory whose `*.json` files are the groups.
    pub fn from_path(path: &Path) -> Result<Catalog> {
        let mut files = Vec::new();
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
            for entry in entries {
                let p = entry.map_err(|e| Error::io(path, e))?.path();
                if p.extension().is_some_and(|x| x == "json") {
                    files.push(p);
                }
            }
            files.sort();
            if files.is_empty() {
                return Err(Error::BadCatalog {
                    file: path.display().to_string(),
                    message: "the directory holds no *.json catalog file".into(),
                });
            }
        } else {
            files.push(path.to_path_buf());
        }
        let mut groups = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
            groups.push(parse_group(&file.display().to_string(), &text)?);
        }
        Catalog::from_groups(groups, &path.display().to_string())
    }

    /// Indexes the groups; rejects duplicate names and ill-formed entries.
    pub fn from_groups(groups: Vec<Group>, origin: &str) -> Result<Catalog> {
        let mut by_name = HashMap::new();
        let mut records = HashMap::new();
        for (g, group) in groups.iter().enumerate() {
            for (d, ds) in group.datasets.iter().enumerate() {
                if by_name.insert(ds.name.clone(), (g, d)).is_some() {
                    return Err(Error::BadCatalog {
                        file: origin.to_string(),
                        message: format!("dataset {} is listed twice", ds.name),
                    });
                }
            }
            for (r, rec) in group.records.iter().enumerate() {
                records.insert((g, rec.recid), r);
            }
        }
        let catalog = Catalog {
            groups,
            by_name,
            records,
        };
        let problems = catalog.problems();
        if !problems.is_empty() {
            let shown: Vec<_> = problems.iter().take(5).cloned().collect();
            return Err(Error::BadCatalog {
                file: origin.to_string(),
                message: format!(
                    "{} ill-formed entries: {}{}",
                    problems.len(),
                    shown.join("; "),
                    if problems.len() > 5 { "; …" } else { "" }
                ),
            });
        }
        Ok(catalog)
    }

    /// Every dataset, in catalog order.
    pub fn datasets(&self) -> impl Iterator<Item = &Dataset> {
        self.groups.iter().flat_map(|g| g.datasets.iter())
    }

    pub fn get(&self, name: &str) -> Option<&Dataset> {
        self.by_name
            .get(name.trim_end_matches('/'))
            .map(|&(g, d)| &self.groups[g].datasets[d])
    }

    /// The file whose `https://` URL or `root://` name is `url`.
    pub fn file_with_url(&self, url: &str) -> Option<&crate::model::FileEntry> {
        self.datasets()
            .flat_map(|d| &d.files)
            .find(|f| f.url == url || f.root_url().as_deref() == Some(url))
    }

    /// The portal record a dataset's files are listed in.
    pub fn record_of(&self, dataset: &Dataset) -> Option<&Record> {
        let &(g, _) = self.by_name.get(&dataset.name)?;
        let r = self.records.get(&(g, dataset.recid?))?;
        Some(&self.groups[g].records[*r])
    }

    /// `name` itself, or every dataset under `name/` (a collection, a skim, a group).
    pub fn select(&self, name: &str) -> Result<Vec<&Dataset>> {
        if let Some(ds) = self.get(name) {
            return Ok(vec![ds]);
        }
        let prefix = format!("{}/", name.trim_end_matches('/'));
        let under: Vec<&Dataset> = self
            .datasets()
            .filter(|d| d.name.starts_with(&prefix))
            .collect();
        if under.is_empty() {
            return Err(self.unknown(name));
        }
        Ok(under)
    }

    /// The error for a name that matches nothing, with the closest names as a hint.
    pub fn unknown(&self, name: &str) -> Error {
        let needle = name.to_lowercase();
        let last = needle.rsplit('/').next().unwrap_or(&needle).to_string();
        // Names containing the last component, those under the same parent first.
        let parent = needle.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        let mut close: Vec<&str> = self
            .datasets()
            .map(|d| d.name.as_str())
            .filter(|n| !last.is_empty() && n.to_lowercase().contains(&last))
            .collect();
        let same_parent = |n: &str| !parent.is_empty() && n.to_lowercase().starts_with(&parent);
        close.sort_by_key(|n| !same_parent(n));
        close.truncate(5);
        if close.is_empty() {
            close = self
                .groups
                .iter()
                .map(|g| g.group.as_str())
                .collect::<Vec<_>>();
        }
        Error::UnknownDataset {
            name: name.to_string(),
            hint: format!(
                "; did you mean one of: {} (see `hepkey data search`)",
                close.join(", ")
            ),
        }
    }

    /// Datasets whose name, title, record title or DOI contains every word of `text`
    /// (case-insensitive).
    pub fn search(&self, text: &str) -> Vec<&Dataset> {
        let words: Vec<String> = text.split_whitespace().map(str::to_lowercase).collect();
        self.datasets()
            .filter(|ds| {
                let mut hay = ds.name.to_lowercase();
                for extra in [ds.title.as_deref(), ds.doi.as_deref(), ds.tree.as_deref()]
                    .into_iter()
                    .flatten()
                {
                    hay.push(' ');
                    hay.push_str(&extra.to_lowercase());
                }
                if let Some(rec) = self.record_of(ds) {
                    hay.push(' ');
                    hay.push_str(&rec.title.to_lowercase());
                    hay.push(' ');
                    hay.push_str(&rec.doi.to_lowercase());
                }
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    /// Everything wrong with the entries: one message per problem (empty when well formed).
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        for group in &self.groups {
            if group.schema != crate::CATALOG_SCHEMA {
                out.push(format!(
                    "group {}: schema {} (this hepkey reads {})",
                    group.group,
                    group.schema,
                    crate::CATALOG_SCHEMA
                ));
            }
            for ds in &group.datasets {
                check_dataset(group, ds, &mut out);
                if let Some(recid) = ds.recid {
                    if !group.records.iter().any(|r| r.recid == recid) {
                        out.push(format!("{}: record {recid} is not in the group", ds.name));
                    }
                }
            }
        }
        out
    }
}

fn parse_group(file: &str, text: &str) -> Result<Group> {
    serde_json::from_str(text).map_err(|e| Error::BadCatalog {
        file: file.to_string(),
        message: e.to_string(),
    })
}

fn check_dataset(group: &Group, ds: &Dataset, out: &mut Vec<String>) {
    let name = &ds.name;
    if !name.starts_with(&format!("{}/", group.group)) {
        out.push(format!("{name}: not under its group {}/", group.group));
    }
    if name
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
        || name.contains('\\')
    {
        out.push(format!("{name}: name has an empty, . or .. component"));
    }
    let downloadable = !matches!(ds.kind, crate::Kind::Metadata);
    if !downloadable && !ds.files.is_empty() {
        out.push(format!("{name}: a metadata-only dataset lists files"));
    }
    let mut names = std::collections::HashSet::new();
    for f in &ds.files {
        if !(f.url.starts_with("https://") || f.url.starts_with("http://")) {
            out.push(format!("{name}: url {} is not http(s)", f.url));
        }
        if let Some(root) = &f.root_url {
            if !root.starts_with("root://") {
                out.push(format!("{name}: root_url {root} is not root://"));
            }
        }
        if let Some(sum) = &f.adler32 {
            if sum.len() != 8
                || !sum
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
            {
                out.push(format!(
                    "{name}: adler32 {sum:?} is not 8 lowercase hex digits"
                ));
            }
        }
        if f.size == Some(0) {
            out.push(format!("{name}: {} has size 0", f.url));
        }
        let file_name = f.file_name();
        if file_name.is_empty()
            || file_name == "."
            || file_name == ".."
            || file_name.contains(['/', '\\'])
        {
            out.push(format!("{name}: {} gives no usable file name", f.url));
        }
        if !names.insert(file_name.clone()) {
            out.push(format!("{name}: two files named {file_name}"));
        }
    }
    if let Some(p) = &ds.physics {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        let all_positive = positive(p.xsec_pb)
            && [p.kfactor, p.filter_eff, p.sum_weights]
                .iter()
                .all(|v| v.is_none_or(positive));
        if !all_positive {
            out.push(format!(
                "{name}: physics numbers must be finite and > 0: {p:?}"
            ));
        }
    }
}
