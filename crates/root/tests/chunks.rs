//! Reading a branch in chunks gives the same column as reading it whole, on
//! every tree of the shared files: chunks start and end inside baskets, and
//! a basket reaching into the next chunk is kept for it.

use hepkey_root::{Array, RootFile, Tree};
use std::path::Path;

fn shared() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// Equal arrays, NaN equal to NaN (as their printed forms are).
fn same(a: &Array, b: &Array) -> bool {
    a == b || format!("{a:?}") == format!("{b:?}")
}

#[test]
fn chunks_equal_whole_reads_on_shared_files() {
    let mut checked = 0;
    for dir in ["data/root", "data/atlas"] {
        let mut paths: Vec<_> = std::fs::read_dir(shared().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "root"))
            .collect();
        paths.sort();
        for path in paths {
            let Ok(file) = RootFile::open(&path) else {
                continue;
            };
            let Ok(entries) = file.walk() else { continue };
            for e in entries
                .iter()
                .filter(|e| e.key.class_name == "TTree" || e.key.class_name == "TNtuple")
            {
                let Ok(tree) = Tree::open(&file, &e.path) else {
                    continue;
                };
                let names: Vec<String> = tree
                    .branches()
                    .iter()
                    .filter(|b| tree.read_all(&b.path).is_ok())
                    .map(|b| b.path.clone())
                    .collect();
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let whole = tree.read_many(&names, 0..tree.entries()).unwrap();
                for step in [7, 1000] {
                    let mut parts: Vec<Vec<Array>> = vec![Vec::new(); names.len()];
                    for chunk in tree.iterate(&names, step).unwrap() {
                        for (p, c) in parts.iter_mut().zip(chunk.unwrap().columns) {
                            p.push(c);
                        }
                    }
                    for ((name, p), w) in names.iter().zip(parts).zip(&whole) {
                        let joined = Array::concat(p).unwrap_or_else(|| w.empty_like());
                        assert!(
                            same(&joined, w),
                            "{}: {name}, chunks of {step}",
                            path.display()
                        );
                        checked += 1;
                    }
                }
                // Groups of chunks: together the chunks, split only where the first branch's
                // baskets start, and each group read on its own gives its chunks.
                for step in [7, 1000] {
                    let groups = tree.chunk_groups(&names, step);
                    let flat: Vec<_> = groups.iter().flatten().cloned().collect();
                    assert_eq!(flat, tree.chunk_ranges(&names, step), "{}", path.display());
                    let starts: Vec<i64> = (tree.branch(names[0]).unwrap().baskets().iter())
                        .map(|r| r.entry_start as i64)
                        .collect();
                    for g in &groups {
                        let (lo, hi) = (g[0].start, g[g.len() - 1].end);
                        assert!(
                            lo == 0 || starts.contains(&(lo as i64)),
                            "{}",
                            path.display()
                        );
                        let chunks: Vec<_> = tree
                            .iterate_range(&names, lo..hi, step)
                            .unwrap()
                            .map(|c| c.unwrap())
                            .collect();
                        let ranges: Vec<_> = chunks.iter().map(|c| c.entries.clone()).collect();
                        assert_eq!(&ranges, g, "{}", path.display());
                        for c in &chunks {
                            for (col, w) in c.columns.iter().zip(&whole) {
                                let r = c.entries.start as usize..c.entries.end as usize;
                                assert!(same(col, &w.slice(r)), "{}", path.display());
                            }
                        }
                    }
                }
                // One range that starts and ends inside baskets, read directly.
                let n = tree.entries();
                if n > 10 {
                    let (lo, hi) = (n / 3, n - n / 4);
                    for (name, w) in names.iter().zip(&whole) {
                        let part = tree.read(name, lo..hi).unwrap();
                        let expected = w.slice(lo as usize..hi as usize);
                        assert!(same(&part, &expected), "{}: {name}", path.display());
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} branch comparisons");
}
