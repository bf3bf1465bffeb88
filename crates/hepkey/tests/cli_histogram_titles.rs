//! `hepkey run` writes each histogram's `title` and axis labels (`xlabel`,
//! `y.label`) from the analysis file into histograms.root, for every sample
//! (one sample summed over two files), read back by hepkey and by uproot.

mod support;
use support::*;

use std::path::Path;
use std::process::Command;

fn shared(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/root")
        .join(rel)
        .display()
        .to_string()
}

/// (key without the sample, title, axis titles) as the analysis file below gives them.
const WANT: [(&str, &str, &[&str]); 3] = [
    ("all/met", "Missing p_x, all events", &["MET p_x [GeV]"]),
    ("all/bare", "", &[""]),
    (
        "all/met_2d",
        "MET p_y against p_x",
        &["MET p_x [GeV]", "MET p_y [GeV]"],
    ),
];

fn analysis() -> String {
    format!(
        r#"
[analysis]
name = "titles"
tree = "events"
luminosity = 10.0

[[samples]]
name = "data"
kind = "data"
files = ["{}", "{}"]

[[samples]]
name = "zz"
kind = "background"
files = ["{}"]
xsec = 2.0
sum_weights = "entries"

[[histograms]]
name = "met"
expression = "MET_px"
bins = 10
range = [-50.0, 50.0]
title = "Missing p_x, all events"
xlabel = "MET p_x [GeV]"

[[histograms]]
name = "bare"
expression = "NMuon"
bins = 5
range = [0.0, 5.0]

[[histograms]]
name = "met_2d"
expression = "MET_px"
bins = 4
range = [-50.0, 50.0]
title = "MET p_y against p_x"
xlabel = "MET p_x [GeV]"
y = {{ expression = "MET_py", edges = [-50.0, 0.0, 50.0], label = "MET p_y [GeV]" }}
"#,
        shared("uproot-HZZ.root"),
        shared("uproot-HZZ-zlib.root"),
        shared("uproot-HZZ-lz4.root"),
    )
}

#[test]
fn histograms_root_carries_titles_and_axis_labels() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("titles.toml");
    std::fs::write(&toml, analysis()).unwrap();
    let out = dir.path().join("out");
    let st = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .arg("run")
        .arg(&toml)
        .arg("-o")
        .arg(&out)
        .arg("--no-plots")
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    let path = out.join("histograms.root");

    let file = hepkey_root::RootFile::open(&path).unwrap();
    for (key, title, axes) in WANT {
        for sample in ["data", "zz"] {
            let h = hepkey_root::read_histogram(&file, &format!("{key}/{sample}/nominal")).unwrap();
            assert_eq!(h.title, title, "{key} {sample}");
            let got: Vec<&str> = h.axes.iter().map(|a| a.title.as_str()).collect();
            assert_eq!(got, axes, "{key} {sample}");
        }
    }
    // A histogram filled from two files still has a title and counts from both.
    let met = hepkey_root::read_histogram(&file, "all/met/data/nominal").unwrap();
    assert_eq!(met.entries, 2.0 * 2421.0);

    let Some(python) = python() else { return };
    let script = r#"
import json, sys, uproot
f = uproot.open(sys.argv[1])
out = {}
for k, c in f.classnames().items():
    if c.startswith("TH"):
        h = f[k]
        out[k.split(";")[0]] = [h.title, [a.member("fTitle") for a in h.axes]]
print(json.dumps(out))
"#;
    let run = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(&path)
        .output()
        .expect("run python");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(doc.as_object().unwrap().len(), 2 * WANT.len(), "{doc}");
    for (key, title, axes) in WANT {
        for sample in ["data", "zz"] {
            let h = &doc[format!("{key}/{sample}/nominal")];
            assert_eq!(h[0], title, "{key} {sample}");
            assert_eq!(h[1], serde_json::json!(axes), "{key} {sample}");
        }
    }
}
