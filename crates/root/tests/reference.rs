//! Every tree branch and histogram of the shared ROOT files, compared with
//! the values uproot read from the same files (`../shared/reference`).

use hepkey_root::summary::Summary;
use hepkey_root::{read_histogram, RootFile, Tree};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

fn close(a: f64, b: f64, rel: f64) -> bool {
    a == b || (a - b).abs() <= rel * a.abs().max(b.abs()) || (a.is_nan() && b.is_nan())
}

/// A number of the reference, where Python wrote NaN and infinities as bare
/// tokens (turned into strings by [`python_json`]).
fn num(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) if s == "NaN" => Some(f64::NAN),
        Value::String(s) if s == "Infinity" => Some(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Some(f64::NEG_INFINITY),
        other => other.as_f64(),
    }
}

fn as_f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .map(|a| a.iter().map(|x| num(x).unwrap_or(f64::NAN)).collect())
        .unwrap_or_default()
}

fn same_numbers(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

/// Python's json module writes NaN and Infinity unquoted; quote them so
/// that a strict parser reads the file.
fn python_json(text: &str) -> Value {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(ch) = rest.chars().next() {
        if in_string {
            out.push(ch);
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            }
            rest = &rest[ch.len_utf8()..];
            continue;
        }
        if ch == '"' {
            in_string = true;
        }
        let token = ["-Infinity", "Infinity", "NaN"]
            .into_iter()
            .find(|t| rest.starts_with(t));
        if let Some(t) = token {
            out.push('"');
            out.push_str(t);
            out.push('"');
            rest = &rest[t.len()..];
        } else {
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
    }
    serde_json::from_str(&out).expect("reference JSON")
}

/// Compares one data file with its reference; returns the mismatches.
fn check_file(data: &Path, reference: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let refdoc = python_json(&std::fs::read_to_string(reference).unwrap());
    let file = match RootFile::open(data) {
        Ok(f) => f,
        Err(e) => return vec![format!("{}: cannot open: {e}", data.display())],
    };
    let fname = data.file_name().unwrap().to_string_lossy().to_string();
    for (key, obj) in refdoc["objects"].as_object().unwrap() {
        let class = obj["class"].as_str().unwrap_or("");
        let mut say = |m: String| problems.push(format!("{fname} {key}: {m}"));
        if let Some(branches) = obj.get("branches").and_then(|b| b.as_object()) {
            let tree = match Tree::open(&file, key) {
                Ok(t) => t,
                Err(e) => {
                    say(format!("cannot open tree: {e}"));
                    continue;
                }
            };
            if Some(tree.entries()) != obj["entries"].as_u64() {
                say(format!("entries {} != {}", tree.entries(), obj["entries"]));
            }
            for (bname, r) in branches {
                let kind = r["kind"].as_str().unwrap_or("");
                if kind != "number" && kind != "string" {
                    continue;
                }
                let mut say = |m: String| problems.push(format!("{fname} {key} {bname}: {m}"));
                let branch = match tree.branch(bname) {
                    Ok(b) => b,
                    Err(e) => {
                        say(e.to_string());
                        continue;
                    }
                };
                if branch.type_name() != r["typename"].as_str().unwrap_or("") {
                    say(format!(
                        "typename {} != {}",
                        branch.type_name(),
                        r["typename"]
                    ));
                }
                let array = match tree.read_all(bname) {
                    Ok(a) => a,
                    Err(e) => {
                        say(format!("read error: {e}"));
                        continue;
                    }
                };
                let s = Summary::of(&array);
                if Some(s.n as u64) != r["n"].as_u64() {
                    say(format!("n {} != {}", s.n, r["n"]));
                }
                if let Some(cs) = r.get("counts_sum") {
                    if s.counts_sum != cs.as_u64() {
                        say(format!("counts_sum {:?} != {cs}", s.counts_sum));
                    }
                    let c10: Vec<u32> = r["counts_first10"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_u64().unwrap() as u32)
                        .collect();
                    if s.counts_first10.as_ref() != Some(&c10) {
                        say(format!("counts_first10 {:?} != {c10:?}", s.counts_first10));
                    }
                }
                if kind == "string" {
                    let f5: Vec<String> = r["first5"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|x| x.as_str().unwrap_or("").to_string())
                        .collect();
                    if s.first5_strings != f5 {
                        say(format!("first5 {:?} != {f5:?}", s.first5_strings));
                    }
                    continue;
                }
                if !close(s.sum, num(&r["sum"]).unwrap_or(f64::NAN), 1e-9) {
                    say(format!("sum {} != {}", s.sum, r["sum"]));
                }
                for (mine, name) in [(s.min, "min"), (s.max, "max")] {
                    match (mine, num(&r[name])) {
                        (None, None) => {}
                        (Some(a), Some(b)) if close(a, b, 1e-9) => {}
                        (a, _) => say(format!("{name} {a:?} != {}", r[name])),
                    }
                }
                if !same_numbers(&s.first5_numbers, &as_f64s(&r["first5"])) {
                    say(format!("first5 {:?} != {}", s.first5_numbers, r["first5"]));
                }
                if !same_numbers(&s.last5_numbers, &as_f64s(&r["last5"])) {
                    say(format!("last5 {:?} != {}", s.last5_numbers, r["last5"]));
                }
            }
        } else if obj.get("values_flow").is_some() {
            let h = match read_histogram(&file, key) {
                Ok(h) => h,
                Err(e) => {
                    say(format!("cannot read histogram: {e}"));
                    continue;
                }
            };
            if h.class != class || h.title != obj["title"].as_str().unwrap_or("") {
                say(format!("class/title {} {:?}", h.class, h.title));
            }
            if h.entries != obj["entries"].as_f64().unwrap() {
                say(format!("entries {} != {}", h.entries, obj["entries"]));
            }
            let edges: Vec<Vec<f64>> = obj["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(as_f64s)
                .collect();
            let mine: Vec<Vec<f64>> = h.axes.iter().map(|a| a.edges.clone()).collect();
            if mine != edges {
                say("edges differ".into());
            }
            for (cells, name) in [(&h.values, "values_flow"), (&h.errors, "errors_flow")] {
                let reference: Vec<f64> = match h.axes.len() {
                    2 => {
                        let rows: Vec<Vec<f64>> =
                            obj[name].as_array().unwrap().iter().map(as_f64s).collect();
                        let (nx, ny) = (rows.len(), rows[0].len());
                        (0..nx * ny).map(|i| rows[i % nx][i / nx]).collect()
                    }
                    _ => as_f64s(&obj[name]),
                };
                if reference.len() != cells.len()
                    || cells
                        .iter()
                        .zip(&reference)
                        .any(|(a, b)| !close(*a, *b, 1e-12))
                {
                    say(format!(
                        "{name} differ: {:?}… vs {:?}…",
                        &cells[..cells.len().min(4)],
                        &reference[..reference.len().min(4)]
                    ));
                }
            }
        } else if class.contains("RNTuple") {
            let listed = file.keys().iter().any(|k| k.class_name.contains("RNTuple"));
            if !listed {
                say("RNTuple not listed".into());
            }
        }
    }
    problems
}

fn check_dir(data_dir: &Path, ref_dir: &Path) {
    let mut problems = Vec::new();
    let mut checked = 0;
    let refs = std::fs::read_dir(ref_dir).expect("reference directory");
    for entry in refs {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(data_name) = name.strip_suffix(".json") else {
            continue;
        };
        problems.extend(check_file(&data_dir.join(data_name), &path));
        checked += 1;
    }
    assert!(checked > 0, "no reference files found");
    assert!(
        problems.is_empty(),
        "{} mismatches:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn root_files_match_uproot() {
    check_dir(
        &shared().join("data/root"),
        &shared().join("reference/root"),
    );
}

#[test]
fn atlas_open_data_files_match_uproot() {
    check_dir(
        &shared().join("data/atlas"),
        &shared().join("reference/atlas"),
    );
}

/// Files made with ROOT 6.40 for features the shared files lack
/// (`tests/fixtures/README.md`): Double32/Float16, split objects,
/// TClonesArray, multi-dimensional arrays, several compression blocks.
#[test]
fn fixture_files_match_uproot() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    check_dir(&dir, &dir);
}
