//! File patterns of samples: `data/*.root`, `${RELEASE}/**/mc_*.root`, `{a,b}.root`.
//!
//! Directories are walked with symlinks followed but each directory entered once: a symlink
//! loop (`sub/loop -> ..`) would otherwise list the same file dozens of times under longer and
//! longer paths, and every copy would be counted. A file one pattern reaches by several paths is
//! kept once, named by its shortest path.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

/// Entries a single pattern may visit: past this a pattern is surely too broad (`/**/*.root`).
pub const MAX_VISITED: usize = 1_000_000;

/// Whether a path component holds glob syntax.
fn is_pattern(component: &str) -> bool {
    component.contains(['*', '?', '[', '{'])
}

/// The files matching `pattern` (a path, absolute or relative to the working directory), sorted.
pub fn matching(pattern: &Path) -> Result<Vec<PathBuf>, String> {
    let text = pattern.to_string_lossy();
    // The literal directory the walk starts from, and the depth the pattern can reach.
    let mut base = PathBuf::new();
    let mut rest: Vec<String> = Vec::new();
    for c in pattern.components() {
        let s = c.as_os_str().to_string_lossy().into_owned();
        if rest.is_empty() && !is_pattern(&s) {
            base.push(c);
        } else if !matches!(c, Component::CurDir) {
            rest.push(s);
        }
    }
    if rest.is_empty() {
        return Ok(if pattern.is_file() {
            vec![pattern.to_path_buf()]
        } else {
            Vec::new()
        });
    }
    let matcher = globset::GlobBuilder::new(&rest.join("/"))
        .literal_separator(true)
        .build()
        .map_err(|e| format!("bad file pattern {text:?}: {e}"))?
        .compile_matcher();
    let deep = rest.iter().any(|c| c.contains("**"));
    let start = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base.clone()
    };
    let mut walk = walkdir::WalkDir::new(&start)
        .follow_links(true)
        .min_depth(1)
        .sort_by_file_name();
    if !deep {
        walk = walk.max_depth(rest.len());
    }
    let mut found = Vec::new();
    let mut visited = 0usize;
    let mut it = walk.into_iter();
    while let Some(entry) = it.next() {
        visited += 1;
        if visited > MAX_VISITED {
            return Err(format!(
                "file pattern {text:?} visits more than {MAX_VISITED} files and directories; make it narrower"
            ));
        }
        // A loop (walkdir reports it as an error) or an unreadable directory is left out.
        let Ok(entry) = entry else { continue };
        let rel = entry.path().strip_prefix(&start).unwrap_or(entry.path());
        if entry.file_type().is_dir() {
            // Nothing below can match when even the directory's prefix cannot.
            if !deep && entry.depth() >= rest.len() {
                it.skip_current_dir();
            }
            continue;
        }
        if matcher.is_match(rel) {
            found.push(if base.as_os_str().is_empty() {
                rel.to_path_buf()
            } else {
                base.join(rel)
            });
        }
    }
    // Path order, as before (the order files are merged in fixes the bytes of the sums).
    found.sort();
    Ok(found)
}

/// Keeps each file once (by its canonical path), at the place of its first path but named by its
/// shortest one (`data/f.root` rather than `data/loop/data/f.root`); also returns the others.
pub fn distinct(paths: Vec<PathBuf>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let ids: Vec<PathBuf> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    let mut shortest: std::collections::HashMap<&PathBuf, &PathBuf> = Default::default();
    for (id, p) in ids.iter().zip(&paths) {
        let best = shortest.entry(id).or_insert(p);
        if p.as_os_str().len() < best.as_os_str().len() {
            *best = p;
        }
    }
    let mut seen = HashSet::new();
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (id, p) in ids.iter().zip(&paths) {
        let best = shortest[id];
        if seen.insert(id) {
            kept.push(best.clone());
        }
        if p != best {
            dropped.push(p.clone());
        }
    }
    (kept, dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, b"").unwrap();
    }

    #[test]
    fn patterns_match_as_shells_do() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        for f in ["a/x.root", "a/y.root", "a/y.txt", "a/b/z.root", "c/w.root"] {
            touch(&r.join(f));
        }
        let names = |pat: &str| -> Vec<String> {
            matching(&r.join(pat))
                .unwrap()
                .iter()
                .map(|p| p.strip_prefix(r).unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names("a/*.root"), ["a/x.root", "a/y.root"]);
        assert_eq!(names("a/**/*.root"), ["a/b/z.root", "a/x.root", "a/y.root"]);
        assert_eq!(names("*/w.root"), ["c/w.root"]);
        assert_eq!(names("a/{x,y}.root"), ["a/x.root", "a/y.root"]);
        assert_eq!(names("a/x.root"), ["a/x.root"]);
        assert!(names("a/none.root").is_empty());
        assert!(matching(&r.join("a/[.root")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_loop_lists_each_file_once() {
        let d = tempfile::tempdir().unwrap();
        let r = d.path();
        touch(&r.join("data/sub/f.root"));
        std::os::unix::fs::symlink("..", r.join("data/sub/loop")).unwrap();
        std::os::unix::fs::symlink("../..", r.join("data/sub/up")).unwrap();
        let (files, dropped) = distinct(matching(&r.join("data/**/*.root")).unwrap());
        assert_eq!(files, [r.join("data/sub/f.root")]);
        // Reached again through `up` (which leads back above `data`), once.
        assert_eq!(dropped, [r.join("data/sub/up/data/sub/f.root")]);
    }
}
