//! Opens arbitrary bytes as a ROOT file and reads every object in it:
//! directories, streamer infos, histograms and every branch of every tree.
#![no_main]

use hepkey_root::source::MemorySource;
use hepkey_root::{read_histogram, RootFile, Tree};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(file) = RootFile::from_source(Arc::new(MemorySource::new("fuzz.root", data.to_vec())))
    else {
        return;
    };
    let _ = file.streamer_infos();
    let Ok(entries) = file.walk() else { return };
    for e in entries.iter().take(64) {
        let path = format!("{};{}", e.path, e.key.cycle);
        let _ = read_histogram(&file, &path);
        if let Ok(tree) = Tree::open(&file, &path) {
            for b in tree.branches().iter().take(256) {
                let _ = tree.read_branch(b, 0..tree.entries().min(100_000));
            }
        }
    }
});
