//! `hepkey fit WS --yields --plots DIR`: post-fit yields against cabinetry's and the
//! pre-/post-fit figures per channel.

mod support;
use support::*;

use std::process::Command;

#[test]
fn fit_writes_yields_and_plots() {
    let dir = tempfile::tempdir().unwrap();
    let plots = dir.path().join("plots");
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("fit")
        .arg(shared("reference/agc/workspace_1file.json"))
        .args(["--yields", "--json", "--plots"])
        .arg(&plots)
        .arg("--config")
        .arg(repo("examples/agc/fit.toml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo("crates/stats/tests/fixtures/agc_yields.json")).unwrap(),
    )
    .unwrap();
    // Post-fit totals per bin against cabinetry's (its fit stopped 1e-4 above the
    // minimum in −2 log L; the totals agree to 6e-5, see stats/tests/yields_agc.rs).
    let post = &want["postfit"];
    for (ci, channel) in post["channels"].as_array().unwrap().iter().enumerate() {
        let ours = json["yields"]["postfit"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel"] == *channel)
            .unwrap();
        let nbins = ours["total"].as_array().unwrap().len();
        for b in 0..nbins {
            let total: f64 = post["yields"][ci]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s[b].as_f64().unwrap())
                .sum();
            let got = ours["total"][b].as_f64().unwrap();
            assert!(
                (got / total - 1.0).abs() < 2e-4,
                "{channel} bin {b}: {got} vs {total}"
            );
        }
    }
    for channel in ["4j1b-CR", "4j2b-SR"] {
        for stage in ["prefit", "postfit"] {
            let png = std::fs::read(plots.join(format!("{channel}_{stage}.png"))).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
            let svg =
                std::fs::read_to_string(plots.join(format!("{channel}_{stage}.svg"))).unwrap();
            let title = format!(
                "{}, {}",
                channel.replace('-', " "),
                stage.replace("fit", "-fit")
            );
            assert!(
                svg.contains(&title),
                "{channel} {stage}: no {title:?} in the SVG"
            );
            assert!(svg.contains("ttbar") && svg.contains("Data"));
        }
    }
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(&plots).unwrap().count(), 8);
}

#[test]
fn plot_config_with_wrong_binning_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    let text = std::fs::read_to_string(repo("examples/agc/fit.toml"))
        .unwrap()
        .replacen("550]", "550, 600]", 1);
    std::fs::write(&cfg, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("fit")
        .arg(shared("reference/agc/workspace_1file.json"))
        .arg("--plots")
        .arg(dir.path().join("plots"))
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bin edges"), "{err}");
    assert!(
        !dir.path().join("plots").exists(),
        "nothing written on error"
    );
}
