//! What `hepkey run`'s plots say: the luminosity of the data actually read, the experiment label only
//! when the analysis file asks for it, a ratio panel only against a background prediction, PDF output,
//! and warnings for empty histograms.

mod support;
use support::*;

use std::path::{Path, PathBuf};
use std::process::Command;

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("hepkey-labels-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs hepkey; returns stdout and stderr, asserting success.
fn hepkey(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap();
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "hepkey {args:?}: {e}");
    (o, e)
}

/// The text elements of an SVG, in order (plotters writes each on its own line).
fn texts(svg: &Path) -> Vec<String> {
    let s = std::fs::read_to_string(svg).unwrap();
    s.split("</text>")
        .filter_map(|t| t.rsplit_once('>').map(|(_, x)| x.trim().to_string()))
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn generated_sample_is_labelled_with_the_luminosity_it_stands_for() {
    let dir = tmp("hyy");
    let release = dir.join("release");
    hepkey(&[
        "generate",
        "hyy",
        "--events",
        "3000",
        "-o",
        release.to_str().unwrap(),
    ]);
    // What each data file records, summed: the generator's fraction of the 2020 release's 10 fb⁻¹.
    let mut pb = 0.0;
    for p in ["A", "B", "C", "D"] {
        let f = release.join(format!("GamGam/Data/data_{p}.GamGam.root"));
        pb += hepkey_analysis::lumi::file_luminosity(&f).expect("recorded luminosity");
    }
    // 3000 events of the default sample's size stand for well under 10 fb⁻¹.
    assert!(pb > 50.0 && pb < 2000.0, "{pb} pb⁻¹");
    let out = dir.join("out");
    hepkey(&[
        "run",
        repo("examples/atlas/hyy.toml").to_str().unwrap(),
        "--set",
        &format!("ATLAS_2020={}", release.display()),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    let t = texts(&out.join("plots/all_m_yy.svg"));
    let want = if pb < 1000.0 {
        format!("√s = 13 TeV, {} pb⁻¹", short(pb))
    } else {
        format!("√s = 13 TeV, {} fb⁻¹", short(pb / 1000.0))
    };
    assert!(t.contains(&want), "{want:?} not in {t:?}");
    assert!(!t.iter().any(|x| x.contains("10 fb")), "{t:?}");
    // Signal alone is no prediction to divide the data by.
    assert!(!t.contains(&"Data / Pred.".to_string()), "{t:?}");
    assert!(t.contains(&"Events / 1 GeV".to_string()), "{t:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Three significant digits, no trailing zeros (as the label writes numbers).
fn short(v: f64) -> String {
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    let s = format!("{v:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[test]
fn real_2020_periods_a_to_c_are_5_3_inverse_femtobarn() {
    let shared = repo("../shared/data/atlas");
    if !shared.join("data_A.4lep.root").exists() {
        eprintln!("skipped: no ../shared/data/atlas");
        return;
    }
    let dir = tmp("hzz2020");
    let data = dir.join("release/4lep/Data");
    std::fs::create_dir_all(&data).unwrap();
    for p in ["A", "B", "C"] {
        let name = format!("data_{p}.4lep.root");
        std::os::unix::fs::symlink(shared.join(&name).canonicalize().unwrap(), data.join(&name))
            .unwrap();
    }
    let out = dir.join("out");
    let (_, err) = hepkey(&[
        "run",
        repo("examples/atlas/hzz_2020.toml").to_str().unwrap(),
        "--set",
        &format!("ATLAS_2020={}", dir.join("release").display()),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    let t = texts(&out.join("plots/all_m4l.svg"));
    assert!(t.contains(&"√s = 13 TeV, 5.3 fb⁻¹".to_string()), "{t:?}");
    assert!(t.contains(&"ATLAS".to_string()));
    // Data only (the simulation is optional and absent): no ratio panel.
    assert!(!t.contains(&"Data / Pred.".to_string()));
    // No simulated sample was found: a warning, not an error; nothing is reported empty for data.
    assert!(!err.contains("\"m4l\" is empty"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn uproot_hzz_has_no_experiment_label_and_empty_histograms_are_reported() {
    let dir = tmp("hzz");
    let toml = dir.join("hzz.toml");
    // The example with PDF output too (paths made absolute for the copy).
    let text = std::fs::read_to_string(repo("examples/hzz/hzz.toml"))
        .unwrap()
        .replace(
            "../../../shared/",
            &format!("{}/", repo("../shared").display()),
        );
    assert!(!text.contains("[plots]"));
    std::fs::write(
        &toml,
        format!("{text}\n[plots]\nformats = [\"svg\", \"pdf\"]\n"),
    )
    .unwrap();
    let out = dir.join("out");
    let (_, err) = hepkey(&[
        "run",
        toml.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "-q",
    ]);
    let plots: Vec<String> = std::fs::read_dir(out.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(plots
        .iter()
        .all(|p| p.ends_with(".svg") || p.ends_with(".pdf")));
    let pdf = plots.iter().find(|p| p.ends_with(".pdf")).unwrap();
    assert!(std::fs::read(out.join("plots").join(pdf))
        .unwrap()
        .starts_with(b"%PDF"));
    for svg in plots.iter().filter(|p| p.ends_with(".svg")) {
        let t = texts(&out.join("plots").join(svg));
        assert!(
            !t.iter()
                .any(|x| x.contains("ATLAS") || x.contains("Open Data")),
            "{t:?}"
        );
        assert!(
            !t.iter().any(|x| x.contains("TeV,")),
            "{svg}: no √s was given: {t:?}"
        );
    }
    // The 4e region's electron histogram of the only sample: the warning names region, histogram, sample.
    assert!(
        err.lines()
            .any(|l| l.starts_with("warning: region \"4e\"") && l.contains("sample hzz")),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_plot_formats_are_errors_naming_the_supported_ones() {
    let dir = tmp("fmt");
    let toml = dir.join("z.toml");
    let text = std::fs::read_to_string(repo("examples/hzz/hzz.toml"))
        .unwrap()
        .replace(
            "../../../shared/",
            &format!("{}/", repo("../shared").display()),
        );
    std::fs::write(
        &toml,
        format!("{text}\n[plots]\nformats = [\"png\", \"jpg\"]\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args([
            "run",
            toml.to_str().unwrap(),
            "-o",
            dir.join("o").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"jpg\"") && err.contains("png, svg, pdf"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    std::fs::remove_dir_all(&dir).unwrap();
}
