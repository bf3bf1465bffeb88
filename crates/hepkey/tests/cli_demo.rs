//! `hepkey demo`: the README's main job. The Higgs boson appears above 3σ
//! with the default size, at 125 GeV with the detector's resolution.

use std::process::Command;

#[test]
fn the_demo_finds_the_higgs_boson() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["demo", "-o", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let z: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Observed significance: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no significance in:\n{text}"));
    assert!(z > 3.0, "significance {z}\n{text}");
    for f in [
        "hyy/plots/diphoton_fit.png",
        "hyy/plots/diphoton_fit.svg",
        "hyy/histograms.json",
        "hyy.toml",
        "atlas-opendata-2020/GamGam/Data/data_D.GamGam.root",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    // The simulated peak: mean near 125 GeV, width near the 1.6 GeV resolution.
    let h: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("hyy/histograms.json")).unwrap())
            .unwrap();
    let ggh = &h["all/m_yy/ggH/nominal"];
    let values: Vec<f64> = ggh["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let edges: Vec<f64> = ggh["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let window: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, w)| (0.5 * (edges[i] + edges[i + 1]), *w))
        .filter(|(x, _)| (*x - 125.0).abs() < 5.0)
        .collect();
    let sum: f64 = window.iter().map(|p| p.1).sum();
    let mean = window.iter().map(|(x, w)| x * w).sum::<f64>() / sum;
    let rms = (window
        .iter()
        .map(|(x, w)| (x - mean).powi(2) * w)
        .sum::<f64>()
        / sum)
        .sqrt();
    assert!((mean - 125.0).abs() < 0.3, "peak at {mean}");
    assert!((1.3..2.4).contains(&rms), "width {rms}");
    // A second run reuses the samples and gives the same answer.
    let again = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["demo", "-o", dir.path().to_str().unwrap(), "-q"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&again.stdout).contains(&format!("Observed significance: {z:.1}"))
    );
}
