//! Where a file is: a local path or an HTTP(S) URL, with `root://` names of the CERN Open Data
//! portal mapped to its HTTPS endpoint.

use hepkey_root::{Error, Result};
use std::path::PathBuf;

/// The EOS instance of the CERN Open Data portal and the HTTPS endpoint serving the same files
/// (`root://eospublic.cern.ch//eos/opendata/X` is `https://opendata.cern.ch/eos/opendata/X`).
const EOS_PUBLIC: &str = "eospublic.cern.ch";
const PORTAL_HTTPS: &str = "https://opendata.cern.ch";

/// A file to read.
#[derive(Clone, Debug, PartialEq)]
pub enum Location {
    Local(PathBuf),
    /// `url` is fetched; `name` is what the user wrote (for messages).
    Http {
        url: String,
        name: String,
    },
}

/// The URL scheme of `text` (`http`, `https`, `root`, …), if it has one.
pub(crate) fn scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let valid = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    valid.then_some(scheme)
}

impl Location {
    /// Reads a path or URL as typed.
    pub fn parse(text: &str) -> Result<Location> {
        let Some(scheme) = scheme(text) else {
            return Ok(Location::Local(PathBuf::from(text)));
        };
        let name = text.to_string();
        match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" => Ok(Location::Http {
                url: text.to_string(),
                name,
            }),
            "root" | "roots" => {
                let rest = &text[scheme.len() + 3..];
                let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
                let host_name = host.split(':').next().unwrap_or(host);
                if host_name.eq_ignore_ascii_case(EOS_PUBLIC) {
                    let path = path.trim_start_matches('/');
                    Ok(Location::Http {
                        url: format!("{PORTAL_HTTPS}/{path}"),
                        name,
                    })
                } else {
                    Err(Error::Unsupported(format!(
                        "{text}: hepkey reads root:// names of {EOS_PUBLIC} (the CERN Open Data portal, through its HTTPS endpoint) only; \
                         for another XRootD server, use its HTTP(S) URL or copy the file (xrdcp)"
                    )))
                }
            }
            other => Err(Error::Unsupported(format!(
                "{text}: the {other}:// scheme is not supported; give a local path, an http(s):// URL or a root://{EOS_PUBLIC} name"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Location;

    #[test]
    fn names_map_to_what_is_fetched() {
        assert_eq!(
            Location::parse("data/file.root").unwrap(),
            Location::Local("data/file.root".into())
        );
        let eos = "root://eospublic.cern.ch//eos/opendata/atlas/OutreachDatasets/2020-08-19/4lep/Data/data_A.4lep.root";
        match Location::parse(eos).unwrap() {
            Location::Http { url, name } => {
                assert_eq!(url, "https://opendata.cern.ch/eos/opendata/atlas/OutreachDatasets/2020-08-19/4lep/Data/data_A.4lep.root");
                assert_eq!(name, eos);
            }
            other => panic!("{other:?}"),
        }
        let with_port =
            Location::parse("root://eospublic.cern.ch:1094//eos/opendata/x.root").unwrap();
        assert!(
            matches!(with_port, Location::Http { url, .. } if url == "https://opendata.cern.ch/eos/opendata/x.root")
        );
        let other = Location::parse("root://xrootd.example.org//store/x.root")
            .unwrap_err()
            .to_string();
        assert!(
            other.contains("eospublic.cern.ch") && other.contains("xrootd.example.org"),
            "{other}"
        );
        assert!(Location::parse("ftp://host/x.root")
            .unwrap_err()
            .to_string()
            .contains("ftp://"));
        // A Windows-like or odd local name is a path, not a URL.
        assert!(matches!(
            Location::parse("C:\\data\\x.root").unwrap(),
            Location::Local(_)
        ));
    }
}
