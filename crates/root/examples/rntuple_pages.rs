//! Prints each cluster of an RNTuple with its entries and the pages per column (min / max
//! elements per page), to see how a file's writer cut its pages.
//!
//! ```text
//! cargo run --release -p hepkey-root --example rntuple_pages -- FILE NAME
//! ```

use hepkey_root::{RNTuple, RootFile};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, name] = &args[..] else {
        return Err("usage: rntuple_pages FILE NAME".into());
    };
    let file = RootFile::open(file)?;
    let ntuple = RNTuple::open(&file, name)?;
    for (i, c) in ntuple.clusters.iter().enumerate() {
        let pages: Vec<usize> = c.columns.iter().map(|p| p.pages.len()).collect();
        let sizes: Vec<u32> = c
            .columns
            .iter()
            .flat_map(|p| p.pages.iter().map(|pg| pg.elements))
            .collect();
        println!(
            "cluster {i}: entries {}..{}, {} columns, pages per column {}..{}, elements per page {}..{}",
            c.first_entry,
            c.first_entry + c.entries,
            c.columns.len(),
            pages.iter().min().unwrap_or(&0),
            pages.iter().max().unwrap_or(&0),
            sizes.iter().min().unwrap_or(&0),
            sizes.iter().max().unwrap_or(&0),
        );
    }
    Ok(())
}
