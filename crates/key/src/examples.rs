//! The example analysis files as they are written on a key: the data directories their
//! `[variables]` name point into the key's `datasets/` (laid out as on the portal), and the small
//! test files from `../shared` they read are copied next to them.

/// Where the releases' files lie under `datasets/`, relative to `examples/<dir>/`.
const RELEASE_DIRS: &[(&str, &str)] = &[
    (
        "ATLAS_2020",
        "../../datasets/opendata.cern.ch/eos/opendata/atlas/OutreachDatasets/2020-08-19",
    ),
    (
        "ATLAS_2025",
        "../../datasets/opendata.cern.ch/eos/opendata/atlas/rucio/opendata",
    ),
];

const SHARED_PREFIX: &str = "../../../shared/";

/// An example rewritten for the key.
pub struct Rewritten {
    pub text: String,
    /// Files of `../shared` the example reads (relative to `shared/`), to be copied to
    /// `example-data/` on the key.
    pub shared_files: Vec<String>,
}

pub fn rewrite(text: &str) -> Rewritten {
    let mut out = String::with_capacity(text.len());
    let mut shared_files = Vec::new();
    let mut in_variables = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_variables = trimmed.starts_with("[variables]");
        }
        let mut line = line.to_string();
        if in_variables {
            for (name, dir) in RELEASE_DIRS {
                let is_it = trimmed
                    .strip_prefix(name)
                    .is_some_and(|rest| rest.trim_start().starts_with('='));
                if is_it {
                    line = format!("{name} = \"{dir}\"   # on this key\n");
                }
            }
        }
        // "../../../shared/data/root/X.root" → "../../example-data/X.root"
        while let Some(i) = line.find(SHARED_PREFIX) {
            let rest = &line[i + SHARED_PREFIX.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(rest.len());
            let rel = rest[..end].to_string();
            let name = rel.rsplit('/').next().unwrap_or(&rel).to_string();
            line = format!("{}../../example-data/{name}{}", &line[..i], &rest[end..]);
            if !shared_files.contains(&rel) {
                shared_files.push(rel);
            }
        }
        out.push_str(&line);
    }
    Rewritten {
        text: out,
        shared_files,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_shared_paths_point_into_the_key() {
        let r = rewrite("# ATLAS_2020 = \"x\" in a comment\n[variables]\nATLAS_2020 = \"atlas-opendata-2020\"\nOTHER = \"o\"\n\n[[samples]]\nfiles = [\"../../../shared/data/root/uproot-HZZ.root\"]\nATLAS_2020 = 1\n");
        assert!(r.text.starts_with("# ATLAS_2020 = \"x\" in a comment\n"));
        assert!(r.text.contains("ATLAS_2020 = \"../../datasets/opendata.cern.ch/eos/opendata/atlas/OutreachDatasets/2020-08-19\""));
        assert!(r.text.contains("OTHER = \"o\""));
        assert!(r
            .text
            .contains("files = [\"../../example-data/uproot-HZZ.root\"]"));
        assert!(
            r.text.ends_with("ATLAS_2020 = 1\n"),
            "outside [variables] nothing changes"
        );
        assert_eq!(r.shared_files, ["data/root/uproot-HZZ.root"]);
    }
}
