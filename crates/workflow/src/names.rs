//! Directory names for samples: a sample name may hold spaces, slashes or `tt̄`, which make poor
//! (or unsafe) path components and Snakemake wildcards.

/// One directory name per sample, in order: the name itself when it is made of ASCII letters,
/// digits, `_`, `-`, `.` and `+` (and does not start with `.`), otherwise those characters with
/// `_` for the rest; a name taken already gets `-N` (its position) appended.
pub fn sample_dirs(names: &[&str]) -> Vec<String> {
    let mut dirs: Vec<String> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let mut dir: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '+') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if dir.is_empty() || dir.starts_with('.') {
            dir.insert(0, '_');
        }
        while dirs.contains(&dir) {
            dir = format!("{dir}-{i}");
        }
        dirs.push(dir);
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_kept_others_made_safe_and_unique() {
        assert_eq!(
            sample_dirs(&["ttbar", "W+jets", "tt̄ 1/2", "tt_ 1_2", "..", ""]),
            vec!["ttbar", "W+jets", "tt__1_2", "tt__1_2-3", "_..", "_"]
        );
    }
}
