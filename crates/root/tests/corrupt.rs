//! Bad input never panics: every shared ROOT file, truncated at many
//! offsets and with random bytes changed, gives errors (or, where the damage
//! missed what is read, values), never a panic.

use hepkey_root::source::MemorySource;
use hepkey_root::{read_histogram, RootFile, Tree};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn shared_files() -> Vec<PathBuf> {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let mut files = Vec::new();
    for dir in ["root", "atlas"] {
        for e in std::fs::read_dir(base.join(dir)).expect("shared data") {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "root") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// Reads everything a user could ask of a file; returns how many reads failed.
fn read_everything(bytes: Vec<u8>) -> usize {
    let mut failures = 0;
    let Ok(file) = RootFile::from_source(Arc::new(MemorySource::new("damaged.root", bytes))) else {
        return 1;
    };
    failures += file.streamer_infos().is_err() as usize;
    let Ok(entries) = file.walk() else {
        return failures + 1;
    };
    for e in entries {
        let path = format!("{};{}", e.path, e.key.cycle);
        if e.key.class_name.starts_with("TH") || e.key.class_name == "TProfile" {
            failures += read_histogram(&file, &path).is_err() as usize;
        }
        if e.key.class_name.starts_with("TTree") || e.key.class_name.starts_with("TNtuple") {
            match Tree::open(&file, &path) {
                Ok(tree) => {
                    for b in tree.branches() {
                        failures += tree.read_branch(b, 0..tree.entries()).is_err() as usize;
                    }
                }
                Err(_) => failures += 1,
            }
        }
    }
    failures
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn damaged_versions(original: &[u8], seed: u64) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let n = original.len();
    // Truncations: many offsets, denser near the start where the structure is.
    let mut cuts: Vec<usize> = (0..24).map(|i| n * i / 24).collect();
    cuts.extend([
        1,
        4,
        20,
        60,
        100,
        200,
        300,
        500,
        n - 1,
        n.saturating_sub(100),
    ]);
    for cut in cuts {
        out.push((
            format!("truncated at {cut}"),
            original[..cut.min(n)].to_vec(),
        ));
    }
    // Random changes: 1 to 8 bytes at random positions.
    let mut rng = Rng(seed | 1);
    for i in 0..48 {
        let mut bytes = original.to_vec();
        let k = 1 + (rng.next() % 8) as usize;
        for _ in 0..k {
            let at = (rng.next() % n as u64) as usize;
            bytes[at] ^= (1 + rng.next() % 255) as u8;
        }
        out.push((format!("random change #{i} ({k} bytes)"), bytes));
    }
    out
}

#[test]
fn damaged_files_give_errors_not_panics() {
    let mut panics = Vec::new();
    let mut variants = 0;
    let mut errors = 0;
    for (f, path) in shared_files().into_iter().enumerate() {
        let original = std::fs::read(&path).unwrap();
        assert_eq!(
            read_everything(original.clone()),
            0,
            "{} reads cleanly",
            path.display()
        );
        for (label, bytes) in damaged_versions(&original, 0x9E37_79B9 + f as u64) {
            variants += 1;
            match catch_unwind(AssertUnwindSafe(|| read_everything(bytes))) {
                Ok(n) => errors += n.min(1),
                Err(_) => panics.push(format!("{}: {label}", path.display())),
            }
        }
    }
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
    // Most damage must be noticed (a change may land in unused bytes).
    assert!(
        errors * 2 > variants,
        "only {errors} of {variants} damaged files gave an error"
    );
}

/// A tree whose entry count was damaged to 2^62 (its branches intact) is refused when opened:
/// readers plan chunks with that count, so trusting it would plan work and memory without bound.
#[test]
fn a_tree_claiming_more_entries_than_its_branches_hold_is_refused() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root/uproot-HZZ-uncompressed.root");
    let mut bytes = std::fs::read(&path).unwrap();
    let file =
        RootFile::from_source(Arc::new(MemorySource::new("ok.root", bytes.clone()))).unwrap();
    let key = file.find_key("events").unwrap();
    assert_eq!(Tree::open(&file, "events").unwrap().entries(), 2421);
    // The tree's fEntries is the first 64-bit 2421 of its (uncompressed) object.
    let start = key.seek_key as usize + key.keylen as usize;
    let object = &bytes[start..start + key.objlen as usize];
    let at = start
        + object
            .windows(8)
            .position(|w| w == 2421i64.to_be_bytes())
            .unwrap();
    bytes[at..at + 8].copy_from_slice(&(1i64 << 62).to_be_bytes());
    let file = RootFile::from_source(Arc::new(MemorySource::new("damaged.root", bytes))).unwrap();
    let err = Tree::open(&file, "events")
        .err()
        .expect("the damaged tree opened");
    assert!(
        err.to_string().contains(
            "says it has 4611686018427387904 entries, but its branches hold at most 2421"
        ),
        "{err}"
    );
}
