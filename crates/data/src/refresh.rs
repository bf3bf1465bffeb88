//! `hepkey data refresh`: compare the catalog's portal records with the portal's record API
//! (`/api/records/<recid>`) and report what changed; optionally write the updated catalog.

use crate::catalog::Catalog;
use crate::error::{Error, Result};
use crate::model::Group;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// Environment variable overriding the portal's base URL (tests point it at 127.0.0.1).
pub const PORTAL_ENV: &str = "HEPKEY_PORTAL";
pub const PORTAL: &str = "https://opendata.cern.ch";

pub fn portal_base() -> String {
    std::env::var(PORTAL_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| PORTAL.to_string())
        .trim_end_matches('/')
        .to_string()
}

#[derive(Debug, Default)]
pub struct Report {
    /// Records compared.
    pub checked: usize,
    /// One line per difference, e.g. `record 15005: title changed: "…" → "…"`.
    pub changes: Vec<String>,
    /// The catalog's groups with sizes, checksums, titles and DOIs as the portal has them now.
    pub updated: Vec<Group>,
}

/// Fetches every record of the catalog from `base` and compares. A portal that cannot be
/// reached at all is an error saying so; a record that fails is reported as a change line.
pub fn refresh(catalog: &Catalog, base: &str, timeout: Duration) -> Result<Report> {
    let agent = crate::http::agent(timeout, timeout);
    let mut report = Report {
        updated: catalog.groups.clone(),
        ..Report::default()
    };
    let mut reached = false;
    for group in &mut report.updated {
        for r in 0..group.records.len() {
            let recid = group.records[r].recid;
            let url = format!("{base}/api/records/{recid}");
            let body: Value = match agent.get(&url).call() {
                Ok(resp) if resp.status().is_success() => {
                    reached = true;
                    let mut text = String::new();
                    let read = std::io::Read::read_to_string(
                        &mut resp.into_body().into_reader(),
                        &mut text,
                    );
                    match read
                        .map_err(|e| e.to_string())
                        .and_then(|_| serde_json::from_str(&text).map_err(|e| e.to_string()))
                    {
                        Ok(v) => v,
                        Err(e) => {
                            report
                                .changes
                                .push(format!("record {recid}: unreadable answer: {e}"));
                            continue;
                        }
                    }
                }
                Ok(resp) => {
                    reached = true;
                    let code = resp.status().as_u16();
                    report
                        .changes
                        .push(format!("record {recid}: the portal answers HTTP {code}"));
                    continue;
                }
                Err(t) if !reached => {
                    return Err(Error::Download(format!(
                        "cannot reach the portal at {base} ({t}): offline? The catalog is unchanged."
                    )));
                }
                Err(t) => {
                    report.changes.push(format!("record {recid}: {t}"));
                    continue;
                }
            };
            report.checked += 1;
            compare_record(group, r, &body, &mut report.changes);
        }
    }
    Ok(report)
}

/// Applies the portal's view of record `r` to `group`, describing each difference.
fn compare_record(group: &mut Group, r: usize, body: &Value, changes: &mut Vec<String>) {
    let meta = body.get("metadata").unwrap_or(body);
    let recid = group.records[r].recid;
    let record = &mut group.records[r];
    if let Some(title) = meta.get("title").and_then(Value::as_str) {
        if title != record.title {
            changes.push(format!(
                "record {recid}: title {:?} → {title:?}",
                record.title
            ));
            record.title = title.to_string();
        }
    }
    if let Some(doi) = meta.get("doi").and_then(Value::as_str) {
        if doi != record.doi {
            changes.push(format!("record {recid}: DOI {:?} → {doi:?}", record.doi));
            record.doi = doi.to_string();
        }
    }
    let files = meta
        .get("files")
        .or_else(|| meta.get("_files"))
        .and_then(Value::as_array);
    let Some(files) = files else {
        return;
    };
    // The portal's files by URI (root:// form), with their size and adler32.
    let mut portal: HashMap<String, (Option<u64>, Option<String>)> = HashMap::new();
    for f in files {
        let Some(uri) = f
            .get("uri")
            .or_else(|| f.get("key"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let size = f.get("size").and_then(Value::as_u64);
        let sum = f
            .get("checksum")
            .and_then(Value::as_str)
            .and_then(|c| c.strip_prefix("adler32:"))
            .map(str::to_lowercase);
        portal.insert(uri.to_string(), (size, sum));
    }
    let mut known = std::collections::HashSet::new();
    for ds in group.datasets.iter_mut().filter(|d| d.recid == Some(recid)) {
        for file in &mut ds.files {
            let key = file.root_url().unwrap_or_else(|| file.url.clone());
            known.insert(key.clone());
            match portal.get(&key) {
                None => changes.push(format!(
                    "record {recid}: {} ({}) is no longer listed",
                    file.file_name(),
                    ds.name
                )),
                Some((size, sum)) => {
                    if size.is_some() && *size != file.size {
                        changes.push(format!(
                            "record {recid}: {} size {} → {}",
                            file.file_name(),
                            show(file.size),
                            show(*size)
                        ));
                        file.size = *size;
                    }
                    if sum.is_some() && *sum != file.adler32 {
                        changes.push(format!(
                            "record {recid}: {} adler32 {} → {}",
                            file.file_name(),
                            file.adler32.as_deref().unwrap_or("none"),
                            sum.as_deref().unwrap_or("none")
                        ));
                        file.adler32 = sum.clone();
                    }
                }
            }
        }
    }
    let mut new: Vec<&String> = portal
        .keys()
        .filter(|k| !known.contains(*k) && !k.ends_with('~'))
        .collect();
    new.sort();
    for uri in new {
        changes.push(format!(
            "record {recid}: new file {uri} (not in the catalog; rebuild it with crates/data/tools/build_catalog.py)"
        ));
    }
}

fn show(v: Option<u64>) -> String {
    v.map_or("unknown".into(), |v| v.to_string())
}
