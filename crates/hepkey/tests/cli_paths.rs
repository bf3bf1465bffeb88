//! One rule for paths, whatever the working directory: a path typed on the command line is
//! relative to the working directory, a path written in an analysis file to that file. Every
//! command here runs from a fresh directory that is neither the repository nor the file's.

mod support;
use support::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs hepkey in `cwd`.
fn hepkey(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn success(cwd: &Path, args: &[&str]) -> String {
    let out = hepkey(cwd, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "hepkey {args:?} in {}: {stdout}{}",
        cwd.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The error message of a command that must fail with exit 1 (not a panic).
fn failure(cwd: &Path, args: &[&str]) -> String {
    let out = hepkey(cwd, args);
    assert_eq!(out.status.code(), Some(1), "hepkey {args:?} should fail");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn histogram_sum(path: &Path, key: &str) -> f64 {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    json[key]["values"]
        .as_array()
        .unwrap_or_else(|| panic!("{key} missing in {}", path.display()))
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum()
}

#[test]
fn demo_with_a_relative_output_directory_and_its_rerun() {
    let cwd = tempfile::tempdir().unwrap();
    let text = success(
        cwd.path(),
        &["demo", "-o", "my-demo", "--events", "20000", "-q"],
    );
    assert!(text.contains("Observed significance"), "{text}");
    let demo = cwd.path().join("my-demo");
    for f in [
        "hyy.toml",
        "hyy/histograms.json",
        "hyy/plots/diphoton_fit.png",
        "atlas-opendata-2020/GamGam/Data/data_A.GamGam.root",
    ] {
        assert!(demo.join(f).is_file(), "{f} missing");
    }
    // The rerun the demo suggests: no --set needed, since the file's default
    // `ATLAS_2020 = "atlas-opendata-2020"` is relative to the file itself.
    success(
        cwd.path(),
        &["run", "my-demo/hyy.toml", "-o", "again", "-q", "--no-plots"],
    );
    let key = "all/m_yy/data/nominal";
    let first = histogram_sum(&demo.join("hyy/histograms.json"), key);
    assert!(first > 1000.0, "{first} data events selected");
    assert_eq!(
        histogram_sum(&cwd.path().join("again/histograms.json"), key),
        first
    );
    // And with the samples named from the working directory.
    success(
        cwd.path(),
        &[
            "run",
            "my-demo/hyy.toml",
            "--set",
            "ATLAS_2020=my-demo/atlas-opendata-2020",
            "-o",
            "again2",
            "-q",
            "--no-plots",
        ],
    );
    assert_eq!(
        histogram_sum(&cwd.path().join("again2/histograms.json"), key),
        first
    );
}

#[test]
fn demo_keeps_an_edited_analysis_file_and_refuses_too_few_events() {
    let cwd = tempfile::tempdir().unwrap();
    let args = ["demo", "-o", "d", "--events", "10000"];
    let first = success(cwd.path(), &args);
    assert!(first.contains("Wrote the analysis file"), "{first}");
    let toml = cwd.path().join("d/hyy.toml");
    let again = success(cwd.path(), &args);
    assert!(
        !again.contains("Wrote") && !again.contains("Kept"),
        "{again}"
    );
    let edited = std::fs::read_to_string(&toml).unwrap() + "\n# my change\n";
    std::fs::write(&toml, &edited).unwrap();
    let kept = success(cwd.path(), &args);
    assert!(kept.contains("Kept your edited"), "{kept}");
    assert_eq!(std::fs::read_to_string(&toml).unwrap(), edited);

    let err = failure(cwd.path(), &["demo", "-o", "d", "--events", "500"]);
    assert!(err.contains("--events 500"), "{err}");
    let err = failure(
        cwd.path(),
        &["demo", "-o", "d", "--events", "18446744073709551615"],
    );
    assert!(err.contains("between"), "{err}");
}

#[test]
fn the_conclusion_follows_the_significance() {
    // A small sample: the expected significance is low, so no claim of a discovery or of
    // evidence may be printed, and the user is told why.
    let cwd = tempfile::tempdir().unwrap();
    let text = success(cwd.path(), &["demo", "--events", "10000"]);
    let z: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("Observed significance: "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(z < 3.0, "{text}");
    assert!(!text.contains("is the Higgs boson"), "{text}");
    assert!(!text.contains("discovery."), "{text}");
    assert!(text.contains("generate more with --events"), "{text}");
    // The default directory, relative to the working directory.
    assert!(cwd.path().join("hepkey-demo/hyy/histograms.json").is_file());
}

#[test]
fn generated_samples_and_an_analysis_file_in_another_directory() {
    let cwd = tempfile::tempdir().unwrap();
    success(
        cwd.path(),
        &["generate", "zll", "-o", "release", "--events", "4000", "-q"],
    );
    // The analysis file is given by a relative path that leads out of the working directory.
    let analyses = tempfile::tempdir().unwrap();
    let toml = analyses.path().join("zll.toml");
    std::fs::copy(repo("examples/atlas/zll_2020.toml"), &toml).unwrap();
    let sub = cwd.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let rel_toml = pathdiff(&toml, &sub);
    success(
        &sub,
        &[
            "run",
            &rel_toml,
            "--set",
            "ATLAS_2020=../release",
            "-o",
            "out/zll",
            "-q",
            "--no-plots",
        ],
    );
    let data = histogram_sum(
        &sub.join("out/zll/histograms.json"),
        "all/mLL/data_A/nominal",
    );
    assert!(data > 50.0, "{data} Z candidates in period A");
    // The value used is recorded, with where it came from.
    let provenance: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sub.join("out/zll/provenance.json")).unwrap())
            .unwrap();
    assert_eq!(
        provenance["variables"]["ATLAS_2020"],
        serde_json::json!({"value": "../release", "from": "command line"})
    );

    // A misspelt variable, and a directory that holds no samples.
    let err = failure(
        &sub,
        &["run", &rel_toml, "--set", "ATLAS2020=../release", "-o", "x"],
    );
    assert!(
        err.contains("ATLAS2020") && err.contains("ATLAS_2020"),
        "{err}"
    );
    let err = failure(
        &sub,
        &["run", &rel_toml, "--set", "ATLAS_2020=nowhere", "-o", "x"],
    );
    let tried = sub.join("nowhere/2lep/Data");
    assert!(err.contains(tried.to_str().unwrap()), "{err}");
    assert!(!sub.join("x").exists());
}

/// `to` written relative to `from` (both absolute directories or files).
fn pathdiff(to: &Path, from: &Path) -> String {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c);
    }
    rel.to_string_lossy().into_owned()
}

#[test]
fn paths_in_an_analysis_file_are_relative_to_it() {
    // zmumu.toml names its input as "../../../shared/data/root/uproot-Zmumu.root".
    let cwd = tempfile::tempdir().unwrap();
    let toml = repo("examples/zmumu/zmumu.toml");
    success(
        cwd.path(),
        &["run", toml.to_str().unwrap(), "-o", "z", "-q", "--no-plots"],
    );
    assert!(cwd.path().join("z/histograms.json").is_file());
}

#[test]
fn workspace_and_fit_plots_with_relative_paths() {
    let cwd = tempfile::tempdir().unwrap();
    std::fs::copy(repo("examples/agc/fit.toml"), cwd.path().join("fit.toml")).unwrap();
    std::fs::copy(
        repo("../shared/reference/agc/agc_histos_1file.json"),
        cwd.path().join("histos.json"),
    )
    .unwrap();
    success(
        cwd.path(),
        &["workspace", "fit.toml", "histos.json", "-o", "ws.json"],
    );
    assert!(cwd.path().join("ws.json").is_file());
    success(
        cwd.path(),
        &["fit", "ws.json", "--plots", "plots", "--config", "fit.toml"],
    );
    let plots = std::fs::read_dir(cwd.path().join("plots")).unwrap().count();
    assert!(plots > 0);
}

#[test]
fn errors_that_say_what_is_wrong() {
    let cwd = tempfile::tempdir().unwrap();
    let shared = repo("../shared/data/root");
    let err = failure(cwd.path(), &["inspect", shared.to_str().unwrap()]);
    assert!(err.contains("is a directory"), "{err}");

    let err = failure(cwd.path(), &["run", ".", "-o", "x"]);
    assert!(
        err.contains("is a directory; name the analysis file"),
        "{err}"
    );
    let err = failure(cwd.path(), &["run", "/dev/zero", "-o", "x"]);
    assert!(err.contains("is not a regular file"), "{err}");
    let err = failure(cwd.path(), &["inspect", "/dev/zero"]);
    assert!(err.contains("is not a regular file"), "{err}");

    let hzz = repo("../shared/data/root/uproot-HZZ.root");
    let hzz = hzz.to_str().unwrap();
    // uproot-HZZ.root's tree "events" holds 2421 entries.
    let err = failure(cwd.path(), &["scan", hzz, "--start", "2421", "-b", "NJet"]);
    assert!(err.contains("2421 entries"), "{err}");
    let last = success(cwd.path(), &["scan", hzz, "--start", "2420", "-b", "NJet"]);
    assert!(last.contains("(1 of 2421 entries shown)"), "{last}");
    // Without -b: the first branches, as TTree::Scan shows them.
    let first = success(cwd.path(), &["scan", hzz, "-n", "2"]);
    let header = first.lines().next().unwrap();
    assert!(
        header.contains("NJet") && header.contains("Jet_Px"),
        "{first}"
    );
    assert!(first.contains("choose others with -b"), "{first}");
}
