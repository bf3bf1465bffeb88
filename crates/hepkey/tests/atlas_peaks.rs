//! The ATLAS example analyses on generated samples give the expected peaks:
//! `hepkey generate` writes the 2020-format files, `hepkey run` applies the
//! examples' real selections, and the resulting histograms are fitted.

use hepkey_analysis::HistKey;
use hepkey_atlas::peakfit::{fit, Shape};
use std::path::Path;
use std::process::Command;

fn hepkey(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hepkey {args:?}: {text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    text
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/atlas")
        .join(name)
        .display()
        .to_string()
}

/// Generates `which` with `events` data events and runs `toml` on it.
fn generate_and_run(dir: &Path, which: &str, events: &str, toml: &str) -> serde_json::Value {
    let release = dir.join("release");
    let release = release.to_str().unwrap();
    hepkey(&["generate", which, "-o", release, "--events", events, "-q"]);
    let out = dir.join("out");
    hepkey(&[
        "run",
        &example(toml),
        "--set",
        &format!("ATLAS_2020={release}"),
        "-o",
        out.to_str().unwrap(),
        "-q",
        "--no-plots",
    ]);
    serde_json::from_slice(&std::fs::read(out.join("histograms.json")).unwrap()).unwrap()
}

/// Edges, values and variances of one histogram, summed over samples whose
/// name passes `keep`.
fn summed(
    h: &serde_json::Value,
    hist: &str,
    keep: impl Fn(&str) -> bool,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let nums = |v: &serde_json::Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    let (mut edges, mut values, mut variances) = (Vec::new(), Vec::<f64>::new(), Vec::<f64>::new());
    for (key, v) in h.as_object().unwrap() {
        let key: HistKey = key.parse().unwrap();
        if key.histogram != hist || !key.is_nominal() || !keep(&key.sample) {
            continue;
        }
        let (val, var) = (nums(&v["values"]), nums(&v["variances"]));
        if values.is_empty() {
            edges = nums(&v["edges"]);
            values = val;
            variances = var;
        } else {
            values.iter_mut().zip(&val).for_each(|(a, b)| *a += b);
            variances.iter_mut().zip(&var).for_each(|(a, b)| *a += b);
        }
    }
    assert!(!values.is_empty(), "no {hist} histogram");
    (edges, values, variances)
}

/// Data and the weighted simulation agree in total within the data's
/// statistical error (4σ): the generator's normalisation follows the
/// release's recipe.
fn assert_data_matches_simulation(h: &serde_json::Value, hist: &str) {
    let data: f64 = summed(h, hist, |s| s.starts_with("data_")).1.iter().sum();
    let mc: f64 = summed(h, hist, |s| !s.starts_with("data_")).1.iter().sum();
    assert!(
        (data - mc).abs() < 4.0 * data.sqrt(),
        "{hist}: data {data}, simulation {mc}"
    );
}

#[test]
fn z_peak_in_generated_2lep_data_at_91_gev_with_the_z_width() {
    let dir = tempfile::tempdir().unwrap();
    let h = generate_and_run(dir.path(), "zll", "20000", "zll_2020.toml");
    assert_data_matches_simulation(&h, "mLL");
    let (edges, values, variances) = summed(&h, "mLL", |s| s.starts_with("data_"));
    let n: f64 = values.iter().sum();
    assert!(n > 5_000.0, "only {n} Z candidates");
    // Breit–Wigner ⊗ the known resolution, on a linear background.
    let sigma = hepkey_atlas::zll::MASS_RESOLUTION;
    let f = fit(
        &edges,
        &values,
        &variances,
        Shape::Voigt { sigma },
        (68.0, 114.0),
        90.0,
        3.0,
    )
    .unwrap();
    eprintln!("Z fit: {f:?}");
    assert!(f.chi2 / (f.ndf as f64) < 2.0, "{f:?}");
    assert!(f.mass_error < 0.1 && f.width_error < 0.3, "{f:?}");
    assert!((f.mass - 91.1876).abs() < 4.0 * f.mass_error, "{f:?}");
    assert!((f.width - 2.4952).abs() < 4.0 * f.width_error, "{f:?}");
}

#[test]
fn higgs_peak_in_generated_4lep_signal_at_125_gev_with_the_resolution() {
    let dir = tempfile::tempdir().unwrap();
    // The full 10 fb⁻¹ (about 800 data events) and 40,000 simulated events.
    let h = generate_and_run(dir.path(), "hzz", "797", "hzz_2020.toml");
    assert_data_matches_simulation(&h, "m4l");
    let (edges, values, variances) = summed(&h, "m4l_peak", |s| s.starts_with("ggH125"));
    let f = fit(
        &edges,
        &values,
        &variances,
        Shape::Gaussian,
        (115.0, 135.0),
        124.0,
        2.5,
    )
    .unwrap();
    eprintln!("H fit: {f:?}");
    let resolution = hepkey_atlas::hzz::m4l_resolution(50_000);
    assert!(f.chi2 / (f.ndf as f64) < 2.0, "{f:?}");
    assert!((f.mass - 125.0).abs() < 4.0 * f.mass_error + 0.02, "{f:?}");
    assert!(
        (f.width / resolution - 1.0).abs() < 0.15,
        "fitted σ {} vs resolution {resolution}: {f:?}",
        f.width
    );
    // The Z → 4ℓ peak of the ZZ* background in data, in the notebook's 5 GeV bins.
    let (edges, values, _) = summed(&h, "m4l", |s| s.starts_with("data_"));
    let peak = edges
        .windows(2)
        .zip(&values)
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(e, _)| 0.5 * (e[0] + e[1]))
        .unwrap();
    assert!((85.0..100.0).contains(&peak), "tallest data bin at {peak}");
}

#[test]
fn w_transverse_mass_has_its_jacobian_edge_near_80_gev() {
    let dir = tempfile::tempdir().unwrap();
    let h = generate_and_run(dir.path(), "wlnu", "20000", "wlnu_2020.toml");
    assert_data_matches_simulation(&h, "mTW");
    let (edges, values, _) = summed(&h, "mTW", |s| s.starts_with("data_"));
    // The Jacobian peak just below m_W, smeared by the missing-ET
    // resolution: the tallest bin, then half of it on the falling side.
    let centre = |i: usize| 0.5 * (edges[i] + edges[i + 1]);
    let top = (0..values.len())
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap();
    let half = (top..values.len())
        .find(|&i| values[i] < 0.5 * values[top])
        .unwrap();
    assert!(
        (68.0..85.0).contains(&centre(top)),
        "peak at {}: {values:?}",
        centre(top)
    );
    assert!(
        (82.0..100.0).contains(&centre(half)),
        "half maximum at {}: {values:?}",
        centre(half)
    );
}
