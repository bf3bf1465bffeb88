//! Partial runs, exact merges, provenance and reruns on generated ATLAS H → γγ samples (one data sample
//! of four files, five simulated samples of one file each): merged partial results give the bytes of
//! one run, in any grouping; bad merges are refused; a rerun checks inputs and outputs.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The outputs that must be byte-identical.
const OUTPUTS: [&str; 4] = [
    "histograms.json",
    "histograms.root",
    "cutflow.json",
    "provenance.json",
];

/// Generated once per test binary; each test works on its own copy.
fn generated() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("cli_partial-{}", std::process::id()));
        let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
            .args(["generate", "hyy", "-q", "--events", "20000", "-o"])
            .arg(&dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

/// A working directory holding `gen/` (a copy of the samples) and `hyy.toml`.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(generated(), &dir.path().join("gen"));
        std::fs::copy(
            support::repo("examples/atlas/hyy.toml"),
            dir.path().join("hyy.toml"),
        )
        .unwrap();
        Work { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `hepkey ARGS` in the working directory, with a fixed SOURCE_DATE_EPOCH.
    fn hepkey(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_hepkey"))
            .args(args)
            .current_dir(self.dir.path())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.hepkey(args);
        assert!(
            out.status.success(),
            "hepkey {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }

    fn fails(&self, args: &[&str]) -> String {
        let out = self.hepkey(args);
        assert!(!out.status.success(), "hepkey {args:?} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    /// `hepkey run hyy.toml --set ATLAS_2020=gen -q EXTRA... -o OUT`.
    fn run(&self, out: &str, extra: &[&str]) {
        let mut args = vec![
            "run",
            "hyy.toml",
            "--set",
            "ATLAS_2020=gen",
            "-q",
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        self.ok(&args);
    }

    fn part(&self, out: &str, sample: &str, range: &str) {
        self.run(out, &["--files-of", sample, "--file-range", range]);
    }

    /// Every simulated sample as a part `p/NAME`.
    fn simulation_parts(&self) -> Vec<String> {
        let names = ["ggH", "VBF", "WH", "ZH", "ttH"];
        for s in names {
            self.run(&format!("p/{s}"), &["--files-of", s]);
        }
        names.iter().map(|s| format!("p/{s}")).collect()
    }

    fn assert_same_outputs(&self, a: &str, b: &str) {
        for f in OUTPUTS {
            let (x, y) = (
                std::fs::read(self.path(a).join(f)).unwrap(),
                std::fs::read(self.path(b).join(f)).unwrap(),
            );
            assert!(x == y, "{a}/{f} and {b}/{f} differ");
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The files of a directory with their bytes (without hidden ones: the output lock).
fn files_in(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap().to_string_lossy().starts_with('.') {
            continue;
        }
        out.push((
            p.strip_prefix(dir).unwrap().to_path_buf(),
            std::fs::read(&p).unwrap(),
        ));
    }
    out.sort();
    out
}

#[test]
fn merged_partial_runs_give_the_bytes_of_one_run() {
    let w = Work::new();
    w.run("full", &[]);
    let sim = w.simulation_parts();
    // Data split 1 + rest, and per file.
    w.part("p/d0", "data", "0..1");
    w.part("p/d_rest", "data", "1..4");
    for i in 0..4 {
        w.part(&format!("p/f{i}"), "data", &format!("{i}..{}", i + 1));
    }
    let mut split = vec!["merge", "p/d0", "p/d_rest"];
    split.extend(sim.iter().map(String::as_str));
    split.extend(["-o", "m/split"]);
    w.ok(&split);
    w.assert_same_outputs("full", "m/split");
    let mut per_file = vec!["merge", "p/f3", "p/f1", "p/f0", "p/f2"];
    per_file.extend(sim.iter().rev().map(String::as_str));
    per_file.extend(["-o", "m/per_file"]);
    w.ok(&per_file);
    w.assert_same_outputs("full", "m/per_file");
    // Plots too.
    assert_eq!(
        files_in(&w.path("full/plots")),
        files_in(&w.path("m/per_file/plots"))
    );
    assert!(!files_in(&w.path("full/plots")).is_empty());
    // The histograms hold something: the data's diphoton mass has events.
    let h: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path("full/histograms.json")).unwrap()).unwrap();
    let data: f64 = h["all/m_yy/data/nominal"]["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .sum();
    assert!(data > 100.0, "{data}");
    // The partial result of everything (`--partial`) merges to the same outputs.
    w.run("p/whole", &["--partial"]);
    assert_eq!(
        files_in(&w.path("p/whole"))
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>(),
        [PathBuf::from("partial.json")]
    );
    w.ok(&["merge", "p/whole/partial.json", "-o", "m/whole"]);
    w.assert_same_outputs("full", "m/whole");
}

#[test]
fn a_tree_of_merges_is_associative() {
    let w = Work::new();
    w.run("full", &[]);
    let sim = w.simulation_parts();
    w.part("a", "data", "0..1");
    w.part("b", "data", "1..3");
    w.part("c", "data", "3..4");
    let mut rest = vec!["merge"];
    rest.extend(sim.iter().map(String::as_str));
    rest.extend(["-o", "sim"]);
    w.ok(&rest);
    // ((a + b) + c) + sim
    w.ok(&["merge", "a", "b", "-o", "ab"]);
    w.ok(&["merge", "ab", "c", "-o", "ab_c"]);
    w.ok(&["merge", "ab_c", "sim", "-o", "left"]);
    // a + (b + (c + sim))
    w.ok(&["merge", "c", "sim", "-o", "c_sim"]);
    w.ok(&["merge", "b", "c_sim", "-o", "b_c_sim"]);
    w.ok(&["merge", "a", "b_c_sim", "-o", "right"]);
    w.assert_same_outputs("left", "right");
    w.assert_same_outputs("full", "left");
    // An incomplete merge wrote partial.json only.
    assert_eq!(
        files_in(&w.path("ab"))
            .into_iter()
            .map(|(p, _)| p)
            .collect::<Vec<_>>(),
        [PathBuf::from("partial.json")]
    );
}

#[test]
fn bad_merges_are_refused_by_name() {
    let w = Work::new();
    w.part("d0", "data", "0..1");
    w.part("d01", "data", "0..2");
    w.part("ggH", "ggH", "0..1");
    // The same input twice.
    let err = w.fails(&["merge", "d0", "d01", "-o", "twice"]);
    assert!(
        err.contains("data_A.GamGam.root") && err.contains("counted twice"),
        "{err}"
    );
    // Missing inputs: exit 0, partial.json alone, and a note naming what is missing.
    let note = w.ok(&["merge", "d0", "ggH", "-o", "some"]);
    assert!(
        note.contains("sample \"data\": file(s) 1..4 of 4") && note.contains("\"ttH\""),
        "{note}"
    );
    assert!(w.path("some/partial.json").is_file());
    assert!(!w.path("some/histograms.json").exists());
    assert!(!w.path("some/provenance.json").exists());
    let err = w.fails(&["merge", "d0", "ggH", "-o", "strict", "--complete"]);
    assert!(err.contains("file(s) 1..4 of 4"), "{err}");
    assert!(!w.path("strict/partial.json").exists());
    // Another analysis file (a changed cut).
    let text = std::fs::read_to_string(w.path("hyy.toml")).unwrap();
    std::fs::write(w.path("other.toml"), text.replace("25000", "26000")).unwrap();
    w.ok(&[
        "run",
        "other.toml",
        "--set",
        "ATLAS_2020=gen",
        "-q",
        "--files-of",
        "data",
        "--file-range",
        "1..2",
        "-o",
        "other",
    ]);
    let err = w.fails(&["merge", "d0", "other", "-o", "mixed"]);
    assert!(
        err.contains("another analysis file")
            && err.contains("hyy.toml")
            && err.contains("other.toml"),
        "{err}"
    );
    // Another hepkey: the version recorded in the part differs.
    let text = std::fs::read_to_string(w.path("ggH/partial.json")).unwrap();
    let version = format!("\"hepkey_version\":\"{}\"", env!("CARGO_PKG_VERSION"));
    assert!(text.contains(&version));
    std::fs::create_dir_all(w.path("old")).unwrap();
    std::fs::write(
        w.path("old/partial.json"),
        text.replace(&version, "\"hepkey_version\":\"0.0.1\""),
    )
    .unwrap();
    let err = w.fails(&["merge", "d0", "old", "-o", "mixed"]);
    assert!(
        err.contains("made by another hepkey") && err.contains("0.0.1"),
        "{err}"
    );
    // Other variable values.
    copy_dir(&w.path("gen"), &w.path("gen2"));
    w.ok(&[
        "run",
        "hyy.toml",
        "--set",
        "ATLAS_2020=gen2",
        "-q",
        "--files-of",
        "data",
        "--file-range",
        "1..2",
        "-o",
        "gen2part",
    ]);
    let err = w.fails(&["merge", "d0", "gen2part", "-o", "mixed"]);
    assert!(
        err.contains("other variable values") && err.contains("gen2"),
        "{err}"
    );
    // Slices out of range, and a range without a sample.
    let err = w.fails(&[
        "run",
        "hyy.toml",
        "--set",
        "ATLAS_2020=gen",
        "--files-of",
        "data",
        "--file-range",
        "2..9",
        "-o",
        "x",
    ]);
    assert!(err.contains("has 4 files"), "{err}");
    let err = w.fails(&[
        "run",
        "hyy.toml",
        "--set",
        "ATLAS_2020=gen",
        "--file-range",
        "0..1",
        "-o",
        "x",
    ]);
    assert!(err.contains("--files-of"), "{err}");
    let err = w.fails(&[
        "run",
        "hyy.toml",
        "--set",
        "ATLAS_2020=gen",
        "--files-of",
        "nope",
        "-o",
        "x",
    ]);
    assert!(
        err.contains("no sample \"nope\"") && err.contains("ggH"),
        "{err}"
    );
    // Not a partial result.
    std::fs::write(w.path("junk.json"), "{}").unwrap();
    let err = w.fails(&["merge", "junk.json", "-o", "j"]);
    assert!(
        err.contains("junk.json: not a hepkey partial result"),
        "{err}"
    );
}

#[test]
fn the_thread_count_changes_no_output() {
    let w = Work::new();
    w.run("t1", &["--threads", "1", "--no-plots"]);
    w.run("t2", &["--threads", "2", "--no-plots"]);
    for f in ["histograms.json", "histograms.root", "cutflow.json"] {
        assert_eq!(
            std::fs::read(w.path("t1").join(f)).unwrap(),
            std::fs::read(w.path("t2").join(f)).unwrap(),
            "{f}"
        );
    }
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path("t1/provenance.json")).unwrap()).unwrap();
    assert_eq!(p["threads"], 1);
    assert_eq!(p["time"], "2023-11-14T22:13:20Z");
}

#[test]
fn files_lists_each_sample_in_run_order() {
    let w = Work::new();
    let out = w.ok(&["files", "hyy.toml", "--set", "ATLAS_2020=gen", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(list[0]["sample"], "data");
    let files: Vec<&str> = list[0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["A", "B", "C", "D"].map(|p| format!("gen/GamGam/Data/data_{p}.GamGam.root"))
    );
    // The provenance lists the inputs in the same order.
    w.run("full", &["--no-plots"]);
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path("full/provenance.json")).unwrap()).unwrap();
    let recorded: Vec<&str> = p["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|i| i["path"].as_str().unwrap())
        .collect();
    assert_eq!(recorded, files);
}

#[test]
fn provenance_records_what_a_rerun_needs_and_rerun_checks_it() {
    let w = Work::new();
    w.run("full", &["--no-plots"]);
    let p: serde_json::Value =
        serde_json::from_slice(&std::fs::read(w.path("full/provenance.json")).unwrap()).unwrap();
    assert_eq!(p["variables"]["ATLAS_2020"]["value"], "gen");
    assert_eq!(p["variables"]["ATLAS_2020"]["from"], "command line");
    let commit = p["git_commit"].as_str().unwrap();
    assert!(commit == "unknown" || commit.len() == 40, "{commit}");
    let input = &p["inputs"][0];
    let bytes = std::fs::read(w.path(input["path"].as_str().unwrap())).unwrap();
    assert_eq!(input["size"], bytes.len());
    for f in ["histograms.json", "histograms.root", "cutflow.json"] {
        use sha2_free::sha256_hex;
        let want = sha256_hex(&std::fs::read(w.path("full").join(f)).unwrap());
        assert_eq!(p["outputs"][f]["sha256"], want.as_str(), "{f}");
    }
    // A rerun matches, and with SOURCE_DATE_EPOCH rewrites every output identically.
    let said = w.ok(&["rerun", "full/provenance.json", "-o", "again"]);
    assert!(said.contains("identical"), "{said}");
    w.assert_same_outputs("full", "again");
    // A tampered hash is named.
    let text = std::fs::read_to_string(w.path("full/provenance.json")).unwrap();
    let sha = p["outputs"]["histograms.json"]["sha256"].as_str().unwrap();
    std::fs::write(w.path("tampered.json"), text.replace(sha, &"0".repeat(64))).unwrap();
    let err = w.fails(&["rerun", "tampered.json"]);
    assert!(
        err.contains("histograms.json: sha256") && !err.contains("cutflow.json"),
        "{err}"
    );
    // A changed input is named, and nothing is rerun.
    let victim = w.path("gen/GamGam/MC/mc_341081.ttH125_gamgam.GamGam.root");
    let mut bytes = std::fs::read(&victim).unwrap();
    bytes.push(0);
    std::fs::write(&victim, bytes).unwrap();
    let err = w.fails(&["rerun", "full/provenance.json"]);
    assert!(
        err.contains("input gen/GamGam/MC/mc_341081.ttH125_gamgam.GamGam.root changed"),
        "{err}"
    );
    std::fs::remove_file(&victim).unwrap();
    let err = w.fails(&["rerun", "full/provenance.json"]);
    assert!(
        err.contains("mc_341081.ttH125_gamgam.GamGam.root is missing"),
        "{err}"
    );
}

/// SHA-256 through the `sha256sum` tool, an implementation independent of hepkey's.
mod sha2_free {
    pub fn sha256_hex(bytes: &[u8]) -> String {
        use std::io::Write;
        let mut child = std::process::Command::new("sha256sum")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("sha256sum");
        child.stdin.take().unwrap().write_all(bytes).unwrap();
        let out = child.wait_with_output().unwrap();
        String::from_utf8(out.stdout).unwrap()[..64].to_string()
    }
}
