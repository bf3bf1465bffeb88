//! `hepkey fit --yields`: complete tables (bin headers, a total row with its sum
//! and uncertainty, a data row with its sum), checked against sums made here from
//! the sample rows and the workspace, and the pre-fit yields against cabinetry's
//! (crates/stats/tests/fixtures/agc_yields.json, made by make_agc_yields.py).

mod support;
use support::*;

use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const WS: &str = "../shared/reference/agc/workspace_1file.json";

fn fit(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("fit")
        .arg(repo(WS))
        .arg("--yields")
        .args(extra)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json(path: PathBuf) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn json_totals_are_the_sums_of_the_rows_and_prefit_matches_cabinetry() {
    let doc: Value = serde_json::from_str(&fit(&["--json"])).unwrap();
    let ws = json(repo(WS));
    let cab = json(repo("crates/stats/tests/fixtures/agc_yields.json"));
    for stage in ["prefit", "postfit"] {
        for c in doc["yields"][stage].as_array().unwrap() {
            let name = c["channel"].as_str().unwrap();
            let rows: Vec<Vec<f64>> = c["samples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| f64s(&s["yields"]))
                .collect();
            let total = f64s(&c["total"]);
            for (b, t) in total.iter().enumerate() {
                let sum: f64 = rows.iter().map(|r| r[b]).sum();
                assert!(
                    (t - sum).abs() <= 1e-9 * sum,
                    "{stage} {name} bin {b}: {t} vs {sum}"
                );
            }
            let over_bins: f64 = rows.iter().flatten().sum();
            let got = c["total_sum"].as_f64().unwrap();
            assert!(
                (got - over_bins).abs() <= 1e-9 * over_bins,
                "{stage} {name}: {got}"
            );
            // The sum's σ: bins move together, so it lies between the quadratic and the
            // linear sum of the bins' σ.
            let unc = f64s(&c["total_uncertainty"]);
            let sigma = c["total_sum_uncertainty"].as_f64().unwrap();
            let quad = unc.iter().map(|u| u * u).sum::<f64>().sqrt();
            let lin: f64 = unc.iter().sum();
            assert!(
                sigma >= 0.999 * quad && sigma <= 1.001 * lin,
                "{stage} {name}: σ {sigma}"
            );
            let obs = ws["observations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["name"] == name)
                .unwrap();
            let data: f64 = f64s(&obs["data"]).iter().sum();
            assert_eq!(c["data_sum"].as_f64().unwrap(), data, "{stage} {name}");
        }
    }
    // Pre-fit: cabinetry's per-sample yields and its σ of each channel's sum.
    let pre = &cab["prefit"];
    for (ci, channel) in pre["channels"].as_array().unwrap().iter().enumerate() {
        let c = doc["yields"]["prefit"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["channel"] == *channel)
            .unwrap();
        for (si, sample) in pre["samples"].as_array().unwrap().iter().enumerate() {
            let ours = c["samples"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["name"] == *sample)
                .unwrap();
            for (a, b) in f64s(&ours["yields"])
                .iter()
                .zip(f64s(&pre["yields"][ci][si]))
            {
                assert!(
                    (a - b).abs() <= 1e-9 * b.abs(),
                    "{channel} {sample}: {a} vs {b}"
                );
            }
        }
        let sigma = pre["total_stdev_channels"][ci].as_f64().unwrap();
        let ours = c["total_sum_uncertainty"].as_f64().unwrap();
        assert!(
            (ours - sigma).abs() <= 1e-9 * sigma,
            "{channel}: σ {ours} vs {sigma}"
        );
    }
}

/// Numbers of a table row: the cells after the name, `a±b` split in two.
fn numbers(line: &str, name: &str) -> Vec<f64> {
    line.trim_start()
        .strip_prefix(name)
        .unwrap()
        .split(|c: char| c.is_whitespace() || c == '±' || c == '|')
        .filter(|w| !w.is_empty())
        .map(|w| w.parse().unwrap())
        .collect()
}

#[test]
fn text_table_has_bin_headers_totals_and_data_sums() {
    let text = fit(&["--config", repo("examples/agc/fit.toml").to_str().unwrap()]);
    let pre = text.split("pre-fit yields").nth(1).unwrap();
    let pre = pre.split("post-fit yields").next().unwrap();
    let lines: Vec<&str> = pre.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "4j1b CR").unwrap();
    // Bin edges from examples/agc/fit.toml: 110, 150, …, 550.
    let header = lines[start + 1];
    assert!(
        header.contains("[110, 150)") && header.contains("[510, 550)"),
        "{header}"
    );
    assert!(header.trim_end().ends_with("sum"), "{header}");
    let samples = [
        "W+jets",
        "single top, s-channel",
        "single top, t-channel",
        "tW",
        "ttbar",
    ];
    let mut sums = [0.0; 12];
    for (i, s) in samples.iter().enumerate() {
        let row = numbers(lines[start + 2 + i], s);
        assert_eq!(row.len(), 12, "{s}: 11 bins and their sum");
        for (acc, v) in sums.iter_mut().zip(&row) {
            *acc += v;
        }
    }
    // total: 11 × (value, σ) then (sum, σ of sum); rounded to 0.1, the rows to 0.01.
    let total = numbers(lines[start + 2 + samples.len()], "total");
    assert_eq!(total.len(), 24);
    for b in 0..12 {
        assert!(
            (total[2 * b] - sums[b]).abs() <= 0.1,
            "bin {b}: {} vs {}",
            total[2 * b],
            sums[b]
        );
    }
    let data = numbers(lines[start + 3 + samples.len()], "data");
    assert_eq!(data.len(), 12);
    let by_bins: f64 = data[..11].iter().sum();
    assert!(
        (data[11] - by_bins).abs() <= 0.6,
        "{} vs {by_bins}",
        data[11]
    );

    // Without a configuration the bins are numbered from 1.
    let plain = fit(&[]);
    assert!(plain.contains("bin 1") && plain.contains("bin 11") && !plain.contains("bin 12"));
}
