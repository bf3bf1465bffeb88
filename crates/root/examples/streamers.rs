//! Prints the class descriptions (TStreamerInfo) stored in a ROOT file.
//! `cargo run -p hepkey-root --example streamers -- FILE`

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: streamers FILE")?;
    let file = hepkey_root::RootFile::open(path)?;
    for info in file.streamer_infos()? {
        println!(
            "{} v{} (checksum {:#x})",
            info.class_name, info.class_version, info.checksum
        );
        for e in &info.elements {
            println!(
                "    {:<22} {:<20} type {:>3} {:<24} {:?} {}",
                e.name, e.element_class, e.type_code, e.type_name, e.max_index, e.title
            );
        }
    }
    Ok(())
}
