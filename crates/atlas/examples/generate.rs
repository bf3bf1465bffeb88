//! `cargo run --release -p hepkey-atlas --example generate -- DIR [EVENTS]`
fn main() {
    let mut a = std::env::args().skip(1);
    let dir = a.next().expect("DIR");
    let mut o = hepkey_atlas::GenerateOptions::default();
    if let Some(n) = a.next() {
        o.data_events = n.parse().unwrap();
    }
    let t = std::time::Instant::now();
    let files = hepkey_atlas::generate_hyy(std::path::Path::new(&dir), &o, &|p| {
        eprintln!("wrote {}", p.display())
    })
    .unwrap();
    eprintln!(
        "{} files in {:.2} s",
        files.len(),
        t.elapsed().as_secs_f64()
    );
}
