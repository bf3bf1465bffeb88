//! Opens arbitrary bytes as a ROOT file and reads every RNTuple in it: the anchor, the header
//! and footer envelopes, the page lists, then every column over every cluster, every leaf
//! (the `inspect --stats` path) and every field whole and in chunks (the `scan`/`run` path).
#![no_main]

use hepkey_root::rntuple::RNTuple;
use hepkey_root::source::MemorySource;
use hepkey_root::RootFile;
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = RootFile::from_source(Arc::new(MemorySource::new("fuzz.root", data.to_vec())))
    else {
        return;
    };
    let Ok(entries) = file.walk() else { return };
    for e in entries.iter().take(16) {
        if !e.key.class_name.contains("RNTuple") {
            continue;
        }
        let Ok(ntuple) = RNTuple::open(&file, &format!("{};{}", e.path, e.key.cycle)) else {
            continue;
        };
        let clusters = ntuple.clusters_for_entries(0..ntuple.entries());
        for c in 0..ntuple.columns().len().min(256) {
            let _ = ntuple.read_column(c, clusters.clone());
        }
        let _ = ntuple.leaves();
        let names: Vec<String> = ntuple
            .leaf_names()
            .iter()
            .take(256)
            .map(|l| l.path.clone())
            .collect();
        let entries = ntuple.entries().min(100_000);
        for name in &names {
            let _ = ntuple.read(name, 0..entries);
        }
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        // Small chunks: windows inside clusters, pages kept open between chunks.
        for range in ntuple.chunk_ranges(&refs, 3).into_iter().take(64) {
            let _ = ntuple.read_many(&refs, range);
        }
    }
});
