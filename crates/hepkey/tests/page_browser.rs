//! The page end to end in headless Chromium: `hepkey serve` on the shared ROOT files, the page opens
//! uproot-HZZ.root through its file input, lists the real branches, draws a branch and an expression with
//! a cut moved on its slider, shows an inline expression error and a corrupt file's error. The numbers
//! are compared with the file read natively and with uproot/numpy references.
//! Needs HEPKEY_PLAYWRIGHT (a node_modules with playwright-core) and chromium: skipped without them
//! locally, required in CI (.ci/run installs both).

mod support;

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use support::{hepkey_ok, repo, shared};

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

/// Ends the server when the test ends, whatever happens.
struct Serving(Child);

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `hepkey serve DIR` on a free port: the running server and its address.
fn serve(dir: &std::path::Path) -> (Serving, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["serve", &dir.display().to_string(), "--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let serving = Serving(child);
    let mut first = String::new();
    let mut lines = BufReader::new(stdout);
    lines.read_line(&mut first).unwrap();
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .to_string();
    (serving, url)
}

/// Chromium and playwright-core, for the page's scripts (`crates/web/tests/*.cjs`).
struct Browser {
    node_path: String,
    chromium: String,
}

/// The browser, or `None` to skip (outside CI).
fn browser() -> Option<Browser> {
    let node_path = tool("HEPKEY_PLAYWRIGHT")?;
    let chromium = std::env::var("HEPKEY_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !std::path::Path::new(&chromium).exists() {
        assert!(std::env::var("CI").is_err(), "no chromium at {chromium}");
        eprintln!("no chromium at {chromium}: skipping");
        return None;
    }
    Some(Browser {
        node_path,
        chromium,
    })
}

impl Browser {
    /// Runs `crates/web/tests/SCRIPT` with `args`: the JSON it prints, once the page raised no error.
    fn run(&self, script: &str, args: &[&dyn AsRef<OsStr>]) -> serde_json::Value {
        let out = Command::new("node")
            .arg(repo("crates/web/tests").join(script))
            .args(args.iter().map(|a| a.as_ref()))
            .env("NODE_PATH", &self.node_path)
            .env("HEPKEY_CHROMIUM", &self.chromium)
            .output()
            .expect("node runs");
        assert!(
            out.status.success(),
            "{script} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let page: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("JSON from {script}: {e}"));
        assert_eq!(page["pageErrors"], serde_json::json!([]), "{page}");
        page
    }
}

/// The `histograms.json` of a run.
fn histograms(out: &std::path::Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("histograms.json")).unwrap()).unwrap()
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

#[test]
fn the_page_reads_a_file_in_the_browser() {
    let Some(browser) = browser() else {
        return;
    };
    let shared = shared("data/root");
    let hzz = shared.join("uproot-HZZ.root");
    let dir = tempfile::tempdir().unwrap();
    let corrupt = dir.path().join("corrupt.root");
    let mut bytes = std::fs::read(&hzz).unwrap();
    bytes.truncate(5000);
    std::fs::write(&corrupt, &bytes).unwrap();
    let screenshot = dir.path().join("page.png");

    let (serving, url) = serve(&shared);
    let page = browser.run("page.cjs", &[&url, &hzz, &corrupt, &screenshot]);
    drop(serving);
    assert_eq!(page["ready"], true);
    // Nothing was fetched from anywhere but the server.
    for r in page["requests"].as_array().unwrap() {
        assert!(r.as_str().unwrap().starts_with(&url), "fetched {r}");
    }

    // The tree listing names the real branches, in the file's order.
    let tree =
        hepkey_root::Tree::open(&hepkey_root::RootFile::open(&hzz).unwrap(), "events").unwrap();
    let names: Vec<&str> = tree.branches().iter().map(|b| b.path.as_str()).collect();
    let listed: Vec<&str> = page["branches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(listed, names);
    assert!(listed.contains(&"Muon_Px") && listed.contains(&"EventWeight"));

    // NJet in 10 bins over [0, 10), against the file read natively.
    let hepkey_root::Array::Flat(njet) = tree.read_all("NJet").unwrap() else {
        panic!("NJet is one number per event")
    };
    let njet = njet.to_f64_vec();
    let mut expected = [0.0; 10];
    for x in njet {
        if (0.0..10.0).contains(&x) {
            expected[x as usize] += 1.0;
        }
    }
    assert_eq!(numbers(&page["njet"]["values"]), expected);

    // Muon_Px weighted by EventWeight after the slider set NMuon >= 2: numpy.histogram over uproot's arrays
    // (the same reference as crates/web/tests/session.rs).
    let numpy = [
        0.11151440441608429,
        0.18656767904758453,
        0.18906189501285553,
        0.4572705328464508,
        0.7053025364875793,
        1.1638338565826416,
        1.736077070236206,
        2.081066846847534,
        1.7905542850494385,
        1.703532099723816,
        1.6951590776443481,
        2.022728204727173,
        2.1387720108032227,
        1.4639812707901,
        1.2337944507598877,
        0.658461332321167,
        0.3545709550380707,
        0.20493553578853607,
        0.21647559106349945,
        0.10864175111055374,
    ];
    let values = numbers(&page["cut"]["histogram"]["values"]);
    assert_eq!(values.len(), 20);
    for (ours, theirs) in values.iter().zip(numpy) {
        assert!((ours - theirs).abs() < 1e-5 * theirs, "{ours} vs {theirs}");
    }
    let cutflow = &page["cut"]["cutflow"];
    assert_eq!(cutflow[0]["events"], 2421);
    assert_eq!(cutflow[1]["name"], "NMuon >= 2");
    assert_eq!(cutflow[1]["events"], 1413);

    let inline = page["inlineError"].as_str().unwrap();
    assert!(
        inline.contains("Muon_Pxx") && inline.contains("Muon_Px"),
        "{inline}"
    );
    let corrupt_error = page["corruptError"].as_str().unwrap();
    assert!(corrupt_error.contains("corrupt.root"), "{corrupt_error}");
    assert_eq!(page["stillAlive"], "uproot-HZZ.root");

    // A TH2 of a file the server lists (uproot: 40 × 40 bins, values()[20, 25] = 273, sum 74985).
    let th2 = &page["th2"];
    assert_eq!(th2["axes"].as_array().unwrap().len(), 2);
    let values = numbers(&th2["values"]);
    assert_eq!(values.len(), 1600);
    assert_eq!(values.iter().sum::<f64>(), 74985.0);
    assert_eq!(values[25 * 40 + 20], 273.0);

    // Not blank: the plot has ink, and the screenshot is a real image of some size.
    assert!(
        page["inkedPixels"].as_u64().unwrap() > 5000,
        "{}",
        page["inkedPixels"]
    );
    let png = std::fs::read(&screenshot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(png.len() > 20_000, "screenshot of {} bytes", png.len());
    assert_eq!(page["savedName"], "hepkey-plot.png");
    let saved = std::fs::read(page["savedPlot"].as_str().unwrap()).unwrap();
    assert_eq!(&saved[1..4], b"PNG");
    assert!(saved.len() > 5_000, "saved plot of {} bytes", saved.len());
    eprintln!(
        "refill after the last change: {} ms (2421 events)",
        page["refillMs"]
    );
}

/// A number `hepkey demo` printed after `label` (one decimal).
fn printed(stdout: &str, label: &str) -> f64 {
    let at = stdout
        .find(label)
        .unwrap_or_else(|| panic!("no {label:?} in {stdout}"))
        + label.len();
    let text: String = stdout[at..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    text.parse().unwrap()
}

#[test]
fn the_page_analyses_a_sample_set_as_hepkey_run_does() {
    let Some(browser) = browser() else {
        return;
    };
    // `hepkey demo` writes the samples, its analysis file, and prints its fit.
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_hepkey"))
        .args(["demo", "--quiet", "--events", "100000", "-o"])
        .arg(&demo)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let demo_significance = printed(&stdout, "Observed significance:");
    let demo_mu = printed(&stdout, "Signal strength μ =");

    let (serving, url) = serve(&demo);
    let saved_toml = demo.join("hyy-page.toml");
    let saved_svg = dir.path().join("plot.svg");
    let screenshot = dir.path().join("set.png");
    let page = browser.run(
        "page_set.cjs",
        &[&url, &"hyy.toml", &saved_toml, &saved_svg, &screenshot],
    );
    drop(serving);
    for r in page["requests"].as_array().unwrap() {
        assert!(r.as_str().unwrap().starts_with(&url), "fetched {r}");
    }
    assert_eq!(page["sets"], serde_json::json!(["hyy.toml"]));
    // The five selections of the analysis file, each a cut row.
    assert_eq!(page["cuts"], 5);

    // The fit on the page is the demo's fit.
    let fit = &page["fit"];
    let significance = fit["significance"].as_f64().unwrap();
    let mu = fit["mu"].as_f64().unwrap();
    assert!(
        (significance - demo_significance).abs() <= 0.05 + 1e-9,
        "page {significance} σ, demo {demo_significance} σ"
    );
    assert!(
        (mu - demo_mu).abs() <= 0.005 + 1e-9,
        "page μ {mu}, demo {demo_mu}"
    );
    assert!(
        significance > 1.0,
        "the demo's 100k events show the signal: {significance}"
    );

    // After the slider: `hepkey run` on the saved analysis file fills the same histograms.
    let request = &page["moved"]["request"];
    assert_eq!(request["cuts"].as_array().unwrap().len(), 6);
    assert_eq!(page["savedTomlName"], "hyy-page.toml");
    let run_dir = dir.path().join("run");
    hepkey_ok(&[
        "run",
        "--quiet",
        saved_toml.to_str().unwrap(),
        "-o",
        run_dir.to_str().unwrap(),
    ]);
    let run = histograms(&run_dir);
    let samples = page["moved"]["result"]["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 6, "data and five signal samples");
    let mut data_events = 0.0;
    for s in samples {
        let name = s["name"].as_str().unwrap();
        let h = &run[format!("all/m_yy/{name}/nominal")];
        let theirs = numbers(&h["values"]);
        let ours = numbers(&s["values"]);
        assert_eq!(ours.len(), 55);
        for (a, b) in ours.iter().zip(&theirs) {
            assert!(
                (a - b).abs() <= 1e-9 * a.abs().max(b.abs()),
                "{name}: page {a}, hepkey run {b}"
            );
        }
        if name == "data" {
            data_events = ours.iter().sum();
        }
    }
    // The new cut removed events, but not all.
    let demo_histograms = histograms(&demo.join("hyy"));
    let before: f64 = numbers(&demo_histograms["all/m_yy/data/nominal"]["values"])
        .iter()
        .sum();
    assert!(
        data_events > 0.0 && data_events < before,
        "{data_events} of {before}"
    );

    // The plot as SVG, and on screen.
    let svg = std::fs::read_to_string(&saved_svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(
        svg.matches("<path").count() > 50 && svg.contains("Data"),
        "{}",
        &svg[..200]
    );
    assert!(page["inkedPixels"].as_u64().unwrap() > 5000);
    let inline = page["inlineError"].as_str().unwrap();
    assert!(
        inline.contains("m_yyy") && inline.contains("did you mean `m_yy`"),
        "{inline}"
    );
    eprintln!("sample set refill: {} ms", page["refillMs"]);

    // The page as one file, opened from disk as on the key without a server: a ROOT file through the
    // file input, and the demo's folder as a sample set, filled as `hepkey demo` filled it.
    let one_file = dir.path().join("hepkey.html");
    hepkey_ok(&["serve", "--save-page", one_file.to_str().unwrap()]);
    let hzz = shared("data/root/uproot-HZZ.root");
    let page = browser.run("page_file.cjs", &[&one_file, &hzz, &demo, &"demo/hyy.toml"]);
    assert_eq!(page["ready"], true, "{page}");
    // Nothing but the page itself was requested (the temporary path needs no escaping).
    for r in page["requests"].as_array().unwrap() {
        assert_eq!(
            r.as_str().unwrap(),
            format!("file://{}", one_file.display())
        );
    }
    assert_eq!(
        page["contents"],
        serde_json::json!([["events", "tree", 2421]])
    );
    let samples = page["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 6);
    for s in samples {
        let name = s[0].as_str().unwrap();
        let ours = s[1].as_f64().unwrap();
        let theirs: f64 = numbers(&demo_histograms[format!("all/m_yy/{name}/nominal")]["values"])
            .iter()
            .sum();
        assert!(
            (ours - theirs).abs() <= 1e-9 * theirs.abs(),
            "{name}: page {ours}, demo {theirs}"
        );
    }
}
