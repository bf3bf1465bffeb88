//! Reading likelihood files straight from HEPData archives (`.tar.gz`) or from
//! extracted directories, addressed as `ARCHIVE.tar.gz/RegionA/BkgOnly.json`.

use crate::error::{Error, Result};
use std::io::Read;

/// Largest document (workspace, patch, patchset, configuration) read into memory: 1 GiB.
/// Published likelihoods are megabytes; anything near this is a wrong file or a bomb, and
/// parsing it would take several times its size in memory.
pub const MAX_DOCUMENT_BYTES: u64 = 1 << 30;

/// Reads at most `limit` bytes of `reader` as UTF-8 text; more is an error naming `name`.
fn read_capped(reader: impl Read, limit: u64, name: &str) -> Result<String> {
    let mut bytes = Vec::new();
    // One byte past the limit tells "exactly at the limit" from "larger".
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io {
            path: name.into(),
            message: e.to_string(),
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large(name, limit));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(name, &e))
}

fn not_utf8(name: &str, e: &std::string::FromUtf8Error) -> Error {
    Error::Io {
        path: name.into(),
        message: format!(
            "not UTF-8 text (invalid byte at offset {}); is this the right file?",
            e.utf8_error().valid_up_to()
        ),
    }
}

fn too_large(name: &str, limit: u64) -> Error {
    Error::Io {
        path: name.into(),
        message: format!(
            "larger than {} bytes ({} MiB), the limit for a document read into memory; \
             is this the right file?",
            limit,
            limit >> 20
        ),
    }
}

/// Reads the member `inner` (e.g. `RegionA/BkgOnly.json`) of a gzip-compressed tar.
/// A member larger than [`MAX_DOCUMENT_BYTES`] (as declared, or as decompressed) is an error.
pub fn read_tar_gz_member(archive: &[u8], inner: &str, archive_name: &str) -> Result<String> {
    read_tar_gz_member_capped(archive, inner, archive_name, MAX_DOCUMENT_BYTES)
}

/// [`read_tar_gz_member`] with another size limit (tests use small ones).
pub fn read_tar_gz_member_capped(
    archive: &[u8],
    inner: &str,
    archive_name: &str,
    limit: u64,
) -> Result<String> {
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
            let member = format!("{archive_name}/{want}");
            // The header's size is checked before anything is decompressed; the capped read
            // also covers members whose real size differs from the header's.
            if entry.header().size().is_ok_and(|n| n > limit) {
                return Err(too_large(&member, limit));
            }
            return read_capped(&mut entry, limit, &member);
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

/// Reads a whole file as text, refusing what is not a regular file (a directory, `/dev/zero`,
/// a FIFO would never end or never fit) and files larger than `limit` bytes.
#[cfg(feature = "native")]
pub fn read_file_capped(path: &str, limit: u64) -> Result<String> {
    let bytes = read_bytes_capped(path, limit, "the path of a file")?;
    String::from_utf8(bytes).map_err(|e| not_utf8(path, &e))
}

/// Reads a whole file as text with the [`MAX_DOCUMENT_BYTES`] limit (see [`read_file_capped`]).
#[cfg(feature = "native")]
pub fn read_file(path: &str) -> Result<String> {
    read_file_capped(path, MAX_DOCUMENT_BYTES)
}

/// Reads a document given as a plain path or as `ARCHIVE.tar.gz/member/path`, at most
/// [`MAX_DOCUMENT_BYTES`] (the archive itself and the member each).
#[cfg(feature = "native")]
pub fn read_document(spec: &str) -> Result<String> {
    if let Some(pos) = spec.find(".tar.gz/").or_else(|| spec.find(".tgz/")) {
        let cut = if spec[pos..].starts_with(".tar.gz/") {
            pos + 7
        } else {
            pos + 4
        };
        let (archive, inner) = (&spec[..cut], &spec[cut + 1..]);
        let bytes = read_bytes_capped(archive, MAX_DOCUMENT_BYTES, "a .tar.gz archive")?;
        return read_tar_gz_member(&bytes, inner, archive);
    }
    read_file(spec)
}

/// A regular file's bytes, at most `limit`; `wanted` says what to give instead.
#[cfg(feature = "native")]
fn read_bytes_capped(path: &str, limit: u64, wanted: &str) -> Result<Vec<u8>> {
    let io_err = |e: std::io::Error| Error::Io {
        path: path.into(),
        message: e.to_string(),
    };
    let refuse = |what: &str| Error::Io {
        path: path.into(),
        message: format!("{what}; give {wanted}"),
    };
    let meta = std::fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return Err(refuse("is a directory"));
    }
    if !meta.is_file() {
        return Err(refuse("is not a regular file (a device, FIFO or socket)"));
    }
    if meta.len() > limit {
        return Err(too_large(path, limit));
    }
    // Files whose size the system does not know beforehand (/proc) are capped while read.
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(io_err)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(path, limit));
    }
    Ok(bytes)
}
