//! `hepkey run`: outputs, and the same bytes whatever the number of threads.

mod support;
use support::*;

use std::path::Path;
use std::process::Command;

fn run(example: &str, out: &Path, threads: usize) {
    let st = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args([
            "run",
            repo(example).to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
            "--threads",
        ])
        .arg(threads.to_string())
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
}

#[test]
fn outputs_are_complete_and_independent_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    for example in [
        "examples/agc/ttbar_relaxed_lepton.toml",
        "examples/zmumu/zmumu.toml",
    ] {
        let (a, b) = (dir.path().join("one"), dir.path().join("two"));
        run(example, &a, 1);
        run(example, &b, 2);
        for f in ["histograms.json", "cutflow.json", "histograms.root"] {
            let (x, y) = (
                std::fs::read(a.join(f)).unwrap(),
                std::fs::read(b.join(f)).unwrap(),
            );
            assert!(x == y, "{example}: {f} differs between 1 and 2 threads");
        }
        // The provenance records the thread count and the time, and else is the same.
        let provenance = |dir: &Path| -> serde_json::Value {
            serde_json::from_slice(&std::fs::read(dir.join("provenance.json")).unwrap()).unwrap()
        };
        let (mut x, mut y) = (provenance(&a), provenance(&b));
        assert_eq!((&x["threads"], &y["threads"]), (&1.into(), &2.into()));
        for p in [&mut x, &mut y] {
            let p = p.as_object_mut().unwrap();
            p.remove("threads");
            p.remove("time");
        }
        assert_eq!(x, y, "{example}: provenance.json");
        let plots: Vec<_> = std::fs::read_dir(a.join("plots")).unwrap().collect();
        assert!(plots.len() >= 2, "{example}: plots written");
    }
    // histograms.root holds the histograms of histograms.json.
    let out = dir.path().join("two");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("histograms.json")).unwrap()).unwrap();
    let file = hepkey_root::RootFile::open(out.join("histograms.root")).unwrap();
    for (key, h) in json.as_object().unwrap() {
        let back = hepkey_root::read_histogram(&file, key).unwrap();
        let values: Vec<f64> = h["values"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(
            &back.values[1..back.values.len() - 1],
            values.as_slice(),
            "{key}"
        );
    }
    let prov: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("provenance.json")).unwrap()).unwrap();
    let input = repo("../shared/data/root/uproot-Zmumu.root");
    assert_eq!(
        prov["inputs"][0]["size"],
        std::fs::metadata(&input).unwrap().len(),
        "{prov}"
    );
    assert_eq!(prov["analysis_sha256"].as_str().unwrap().len(), 64);
    // Computed alongside the event loop, equal to Adler-32 by its definition (RFC 1950).
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in &std::fs::read(&input).unwrap() {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    let want = format!("{:08x}", (b << 16) | a);
    assert_eq!(prov["inputs"][0]["adler32"], want.as_str(), "{prov}");
}
