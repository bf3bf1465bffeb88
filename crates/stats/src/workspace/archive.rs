//! Reading likelihood files straight from HEPData archives (`.tar.gz`) or from
//! extracted directories, addressed as `ARCHIVE.tar.gz/RegionA/BkgOnly.json`.

use crate::error::{Error, Result};
use std::io::Read;

/// Reads the member `inner` (e.g. `RegionA/BkgOnly.json`) of a gzip-compressed tar.
pub fn read_tar_gz_member(archive: &[u8], inner: &str, archive_name: &str) -> Result<String> {
    let want = inner.trim_start_matches("./");
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = tar::Archive::new(gz);
    let io_err = |e: std::io::Error| Error::Io {
        path: archive_name.into(),
        message: e.to_string(),
    };
    let mut names = Vec::new();
    for entry in tar.entries().map_err(io_err)? {
        let mut entry = entry.map_err(io_err)?;
        let path = entry.path().map_err(io_err)?.to_string_lossy().into_owned();
        let norm = path.trim_start_matches("./").to_string();
        if norm == want {
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(|e| Error::Io {
                path: format!("{archive_name}/{want}"),
                message: e.to_string(),
            })?;
            return Ok(text);
        }
        if names.len() < 8 && norm.ends_with(".json") {
            names.push(norm);
        }
    }
    Err(Error::Io {
        path: archive_name.into(),
        message: format!(
            "the archive has no member {want:?} (members include: {})",
            names.join(", ")
        ),
    })
}

/// Lists the members of a gzip-compressed tar.
pub fn list_tar_gz(archive: &[u8], archive_name: &str) -> Result<Vec<String>> {
    let gz = flate2::read::GzDecoder::new(archive);
    let mut tar = tar::Archive::new(gz);
    let io_err = |e: std::io::Error| Error::Io {
        path: archive_name.into(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in tar.entries().map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        out.push(
            entry
                .path()
                .map_err(io_err)?
                .to_string_lossy()
                .trim_start_matches("./")
                .to_string(),
        );
    }
    Ok(out)
}

/// Reads a document given as a plain path or as `ARCHIVE.tar.gz/member/path`.
#[cfg(feature = "native")]
pub fn read_document(spec: &str) -> Result<String> {
    if let Some(pos) = spec.find(".tar.gz/").or_else(|| spec.find(".tgz/")) {
        let cut = if spec[pos..].starts_with(".tar.gz/") {
            pos + 7
        } else {
            pos + 4
        };
        let (archive, inner) = (&spec[..cut], &spec[cut + 1..]);
        let bytes = std::fs::read(archive).map_err(|e| Error::Io {
            path: archive.into(),
            message: e.to_string(),
        })?;
        return read_tar_gz_member(&bytes, inner, archive);
    }
    std::fs::read_to_string(spec).map_err(|e| Error::Io {
        path: spec.into(),
        message: e.to_string(),
    })
}
