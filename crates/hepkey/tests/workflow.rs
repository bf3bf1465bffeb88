//! `hepkey workflow`: the Snakefile's jobs for an analysis, and the workflow run for real by
//! Snakemake on this machine and on a real single-node Slurm (`.ci/slurm-up.sh`), each giving
//! the bytes of one `hepkey run`; `reana.yaml` validated by `reana-client`.
//!
//! Snakemake and reana-client come from `HEPKEY_SNAKEMAKE` and `HEPKEY_REANA_CLIENT` (`.ci/run`
//! installs them); without them a test skips locally, saying so, and fails under CI.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn hepkey() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
}

fn analysis() -> PathBuf {
    support::repo("crates/hepkey/tests/data/workflow/zll.toml")
}

/// A fixed time for provenance.json, so two runs can be compared byte for byte.
const SOURCE_DATE_EPOCH: &str = "1700000000";

fn ok(out: Output, what: &str) -> Output {
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Generated 2lep samples: data 4 files, Z 3 files, "top and dibosons" 2 files.
fn samples(dir: &Path) -> PathBuf {
    let release = dir.join("rel");
    ok(
        hepkey()
            .args(["generate", "zll", "--events", "20000", "-q", "-o"])
            .arg(&release)
            .output()
            .unwrap(),
        "hepkey generate",
    );
    release
}

fn workflow(release: &Path, wf: &Path, extra: &[&str]) -> String {
    ok(
        hepkey()
            .arg("workflow")
            .arg(analysis())
            .arg("--set")
            .arg(format!("ATLAS_2020={}", release.display()))
            .arg("-o")
            .arg(wf)
            .args(extra)
            .output()
            .unwrap(),
        "hepkey workflow",
    );
    std::fs::read_to_string(wf.join("Snakefile")).unwrap()
}

/// A tool named by an environment variable: None (skip) locally without it, a failure under CI.
fn tool(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(p) => Some(p),
        Err(_) if std::env::var("CI").is_ok() => panic!("{var} must be set in CI (.ci/run)"),
        Err(_) => {
            eprintln!("{var} is not set: skipping");
            None
        }
    }
}

/// The partial runs and merges the workflow's jobs call (branch `partial`).
fn has_partial_runs() -> bool {
    let merge = hepkey().args(["merge", "--help"]).output().unwrap();
    if merge.status.success() {
        return true;
    }
    assert!(
        std::env::var("CI").is_err(),
        "hepkey has no `merge`: the workflow's jobs cannot run"
    );
    eprintln!("hepkey has no `merge` yet: skipping the run");
    false
}

/// `hepkey run` over everything, the reference the workflow's results must equal.
fn reference(release: &Path, out: &Path) {
    ok(
        hepkey()
            .arg("run")
            .arg(analysis())
            .arg("--set")
            .arg(format!("ATLAS_2020={}", release.display()))
            .args(["--threads", "1", "-q", "-o"])
            .arg(out)
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .output()
            .unwrap(),
        "hepkey run",
    );
}

/// Every output file of `reference` (plots included) is in `results` with the same bytes.
fn assert_same_outputs(reference: &Path, results: &Path) {
    let mut files = vec![];
    for f in [
        "histograms.json",
        "histograms.root",
        "cutflow.json",
        "provenance.json",
    ] {
        files.push(PathBuf::from(f));
    }
    for e in std::fs::read_dir(reference.join("plots")).unwrap() {
        files.push(Path::new("plots").join(e.unwrap().file_name()));
    }
    assert!(files.len() >= 6, "{files:?}");
    for f in files {
        let want = std::fs::read(reference.join(&f)).unwrap();
        let got = std::fs::read(results.join(&f))
            .unwrap_or_else(|e| panic!("{}: {e}", results.join(&f).display()));
        assert!(want == got, "{} differs from hepkey run's", f.display());
    }
}

#[test]
fn snakefile_has_one_job_per_slice_of_each_sample() {
    let dir = tempfile::tempdir().unwrap();
    let release = samples(dir.path());
    let text = workflow(&release, &dir.path().join("wf2"), &["--files-per-job", "2"]);
    assert!(
        text.contains(
            "SAMPLES = {\n    \"data\": (\"data\", [\"0-2\", \"2-4\"]),\n    \"Z\": (\"Z\", [\"0-2\", \"2-3\"]),\n    \"top_and_dibosons\": (\"top and dibosons\", [\"0-2\"]),\n}"
        ),
        "{text}"
    );
    let text = workflow(&release, &dir.path().join("wf1"), &[]);
    assert!(
        text.contains("\"data\": (\"data\", [\"0-1\", \"1-2\", \"2-3\", \"3-4\"]),"),
        "{text}"
    );
    // The binary every job runs, named with its checksum.
    let exe = std::fs::read(env!("CARGO_BIN_EXE_hepkey")).unwrap();
    let sha = hepkey_analysis::checksum::sha256_hex(&exe);
    assert!(
        text.contains(&format!("HEPKEY_SHA256 = \"{sha}\"")),
        "{text}"
    );
    assert!(text.contains(&format!(
        "SETS = [(\"ATLAS_2020\", \"{}\")]",
        release.display()
    )));
    // The analysis file's `fit`, relative to it.
    let declared = support::repo("crates/hepkey/tests/data/workflow/fit.toml");
    let declared = std::path::absolute(declared).unwrap();
    assert!(
        text.contains(&format!("FIT = \"{}\"", declared.display())),
        "{text}"
    );
    // No fit configuration: no fit rules.
    let plain = dir.path().join("wf-plain");
    ok(
        hepkey()
            .arg("workflow")
            .arg(support::repo("examples/zmumu/zmumu.toml"))
            .arg("-o")
            .arg(&plain)
            .output()
            .unwrap(),
        "hepkey workflow zmumu.toml",
    );
    let text = std::fs::read_to_string(plain.join("Snakefile")).unwrap();
    assert!(text.contains("FIT = None"), "{text}");
    // --fit takes the place of the analysis file's.
    let fit = dir.path().join("fit.toml");
    std::fs::write(&fit, "").unwrap();
    let text = workflow(
        &release,
        &dir.path().join("wf-fit"),
        &["--fit", fit.to_str().unwrap()],
    );
    assert!(
        text.contains(&format!("FIT = \"{}\"", fit.display())),
        "{text}"
    );
    let reana = std::fs::read_to_string(dir.path().join("wf-fit/reana.yaml")).unwrap();
    assert!(reana.contains("    - \"results/limit.json\"\n"), "{reana}");
}

#[test]
fn workflow_refuses_a_bad_files_per_job_and_a_missing_fit() {
    let dir = tempfile::tempdir().unwrap();
    let out = hepkey()
        .arg("workflow")
        .arg(analysis())
        .args(["--files-per-job", "0", "-o"])
        .arg(dir.path().join("wf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let out = hepkey()
        .arg("workflow")
        .arg(analysis())
        .arg("--set")
        .arg(format!("ATLAS_2020={}", samples(dir.path()).display()))
        .args(["--fit", "no-such-fit.toml", "-o"])
        .arg(dir.path().join("wf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-fit.toml: no such file"), "{err}");
    assert!(!dir.path().join("wf/Snakefile").exists());
}

#[test]
fn snakemake_refuses_another_hepkey_binary() {
    let Some(snakemake) = tool("HEPKEY_SNAKEMAKE") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let release = samples(dir.path());
    let wf = dir.path().join("wf");
    workflow(&release, &wf, &[]);
    // Another build: the same bytes and one more.
    let other = dir.path().join("hepkey-other");
    let mut bytes = std::fs::read(env!("CARGO_BIN_EXE_hepkey")).unwrap();
    bytes.push(0);
    std::fs::write(&other, bytes).unwrap();
    let out = Command::new(&snakemake)
        .args(["--cores", "1", "--dry-run", "--config"])
        .arg(format!("hepkey={}", other.display()))
        .current_dir(&wf)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err =
        String::from_utf8_lossy(&out.stderr).to_string() + &String::from_utf8_lossy(&out.stdout);
    assert!(
        err.contains("is not the hepkey this workflow was written for"),
        "{err}"
    );
}

#[test]
fn snakemake_locally_gives_the_bytes_of_hepkey_run() {
    let Some(snakemake) = tool("HEPKEY_SNAKEMAKE") else {
        return;
    };
    if !has_partial_runs() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let release = samples(dir.path());
    let wf = dir.path().join("wf");
    // The fit configuration the analysis file names.
    let fit = support::repo("crates/hepkey/tests/data/workflow/fit.toml");
    workflow(&release, &wf, &["--files-per-job", "2"]);
    ok(
        Command::new(&snakemake)
            .args(["--cores", "2", "--quiet"])
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .current_dir(&wf)
            .output()
            .unwrap(),
        "snakemake --cores 2",
    );
    // 2 + 2 + 1 slices, 3 sample merges.
    let parts = [
        "data/0-2",
        "data/2-4",
        "Z/0-2",
        "Z/2-3",
        "top_and_dibosons/0-2",
    ];
    for p in parts {
        assert!(
            wf.join("parts").join(p).join("partial.json").is_file(),
            "{p}"
        );
    }
    let ref_dir = dir.path().join("ref");
    reference(&release, &ref_dir);
    assert_same_outputs(&ref_dir, &wf.join("results"));
    assert_same_fit(&fit, &ref_dir, &wf.join("results"));
}

/// The workflow's workspace, fit and limit are those of `hepkey workspace`, `fit` and `limit`
/// run by hand on `hepkey run`'s histograms, and the fit finds the generated Z yield (μ = 1).
fn assert_same_fit(fit: &Path, reference: &Path, results: &Path) {
    let ws = reference.join("workspace.json");
    ok(
        hepkey()
            .arg("workspace")
            .arg(fit)
            .arg(reference.join("histograms.json"))
            .arg("-o")
            .arg(&ws)
            .output()
            .unwrap(),
        "hepkey workspace",
    );
    let by_hand = |command: &str| {
        ok(
            hepkey()
                .args([command, "--json"])
                .arg(&ws)
                .output()
                .unwrap(),
            command,
        )
        .stdout
    };
    let read = |f: &str| std::fs::read(results.join(f)).unwrap();
    assert!(read("workspace.json") == std::fs::read(&ws).unwrap());
    let fitted = read("fit.json");
    assert!(fitted == by_hand("fit"), "fit.json differs");
    assert!(read("limit.json") == by_hand("limit"), "limit.json differs");
    let fitted: serde_json::Value = serde_json::from_slice(&fitted).unwrap();
    let labels = fitted["labels"].as_array().unwrap();
    let mu = labels.iter().position(|l| l == "mu_Z").unwrap();
    let mu = fitted["bestfit"][mu].as_f64().unwrap();
    assert!((mu - 1.0).abs() < 0.1, "mu_Z = {mu}");
}

#[test]
fn snakemake_on_slurm_gives_the_bytes_of_hepkey_run() {
    let Some(snakemake) = tool("HEPKEY_SNAKEMAKE") else {
        return;
    };
    if !has_partial_runs() {
        return;
    }
    let up = Command::new("bash")
        .arg(support::repo(".ci/slurm-up.sh"))
        .output()
        .unwrap();
    if !up.status.success() {
        let why = String::from_utf8_lossy(&up.stderr);
        assert!(std::env::var("CI").is_err(), "Slurm did not start:\n{why}");
        eprintln!("Slurm did not start (skipping):\n{why}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let release = samples(dir.path());
    let wf = dir.path().join("wf");
    workflow(&release, &wf, &["--files-per-job", "3"]);
    ok(
        Command::new(&snakemake)
            .args([
                "--executor",
                "slurm",
                "--jobs",
                "4",
                "--quiet",
                // No accounting database: job states from squeue, no account.
                "--slurm-status-command",
                "squeue",
                "--slurm-no-account",
                // Kept so that the test can see the jobs went through Slurm.
                "--slurm-keep-successful-logs",
                "--slurm-init-seconds-before-status-checks",
                "1",
                "--seconds-between-status-checks",
                "2",
            ])
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .current_dir(&wf)
            .output()
            .unwrap(),
        "snakemake --executor slurm",
    );
    // The jobs ran under Slurm: its executor keeps a log per Slurm job.
    assert!(wf.join(".snakemake/slurm_logs/rule_part").is_dir());
    assert!(wf.join(".snakemake/slurm_logs/rule_fit").is_dir());
    let ref_dir = dir.path().join("ref");
    reference(&release, &ref_dir);
    assert_same_outputs(&ref_dir, &wf.join("results"));
    let fit = support::repo("crates/hepkey/tests/data/workflow/fit.toml");
    assert_same_fit(&fit, &ref_dir, &wf.join("results"));
}

#[test]
fn reana_yaml_is_valid_for_reana_client() {
    let Some(reana) = tool("HEPKEY_REANA_CLIENT") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let release = samples(dir.path());
    let wf = dir.path().join("wf");
    workflow(&release, &wf, &["--files-per-job", "2"]);
    let out = ok(
        Command::new(&reana)
            .args(["validate", "-f", "reana.yaml"])
            .current_dir(&wf)
            .output()
            .unwrap(),
        "reana-client validate",
    );
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("SUCCESS: Valid REANA specification file"),
        "{text}"
    );
    assert!(
        !text.contains("ERROR") && !text.contains("CRITICAL"),
        "{text}"
    );
    // The schema itself, as published in reana-commons, with jsonschema.
    let python = Path::new(&reana).with_file_name("python");
    let check = "import json, sys, yaml, jsonschema, reana_commons, pathlib\n\
        schema = pathlib.Path(reana_commons.__file__).parent / 'validation/schemas/reana_analysis_schema.json'\n\
        jsonschema.validate(yaml.safe_load(open('reana.yaml')), json.load(open(schema)))\n\
        print('valid')";
    let out = ok(
        Command::new(python)
            .args(["-c", check])
            .current_dir(&wf)
            .output()
            .unwrap(),
        "jsonschema",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
}
