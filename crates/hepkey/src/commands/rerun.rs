//! `hepkey rerun OUT/provenance.json [-o DIR]`: checks the inputs a run recorded, runs it again and
//! confirms the outputs are byte-identical to the recorded ones.

use anyhow::{Context, Result};
use hepkey_analysis::Analysis;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
hepkey run examples/zmumu/zmumu.toml -o out/zmumu\n  \
hepkey rerun out/zmumu/provenance.json\n  \
hepkey rerun out/zmumu/provenance.json -o out/zmumu-again\n\n\
Run it from the directory the run was started in (the paths in provenance.json are as the run\n\
named them). Every input is checked against its recorded size and Adler-32 and the analysis file\n\
against its SHA-256; the analysis runs with the recorded --set and environment values; then the\n\
SHA-256 of histograms.json, histograms.root and cutflow.json are compared with the recorded ones.\n\
Any changed or missing input, or any output that differs, is named and the exit status is 1.\n\
Without -o the outputs go to a temporary directory, removed afterwards.")]
pub struct Args {
    /// The provenance.json of the run.
    pub provenance: PathBuf,
    /// Where to write the outputs of the rerun (default: a temporary directory).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Worker threads (default: all cores; the outputs do not depend on it).
    #[arg(long)]
    pub threads: Option<usize>,
}

fn text<'a>(doc: &'a Value, key: &str, what: &Path) -> Result<&'a str> {
    doc[key].as_str().with_context(|| {
        format!(
            "{}: no {key:?} (is it a hepkey provenance.json?)",
            what.display()
        )
    })
}

pub fn run(args: Args) -> Result<()> {
    let bytes = std::fs::read(&args.provenance)
        .with_context(|| format!("cannot read {}", args.provenance.display()))?;
    let doc: Value = serde_json::from_slice(&bytes)
        .with_context(|| format!("{}: not JSON", args.provenance.display()))?;
    let analysis_file = PathBuf::from(text(&doc, "analysis_file", &args.provenance)?);
    let recorded_sha = text(&doc, "analysis_sha256", &args.provenance)?;
    let outputs = doc["outputs"].as_object().with_context(|| {
        format!(
            "{}: no recorded output hashes (`outputs`); made by a hepkey before 0.x recorded them",
            args.provenance.display()
        )
    })?;
    // 1. Inputs.
    let mut problems = Vec::new();
    let inputs = doc["inputs"].as_array().cloned().unwrap_or_default();
    for input in &inputs {
        let path = input["path"].as_str().unwrap_or_default();
        let size = input["size"].as_u64();
        let adler = input["adler32"].as_str();
        match hepkey_analysis::input::checksum(Path::new(path)) {
            Err(_) => problems.push(format!("input {path} is missing or unreadable")),
            Ok((s, a)) if Some(s) != size || Some(a.as_str()) != adler => problems.push(format!(
                "input {path} changed: size {s}, adler32 {a}; recorded size {}, adler32 {}",
                size.map_or("?".into(), |s| s.to_string()),
                adler.unwrap_or("?")
            )),
            Ok(_) => {}
        }
    }
    // 2. The analysis file.
    let analysis_text = std::fs::read(&analysis_file)
        .with_context(|| format!("cannot read the analysis file {}", analysis_file.display()))?;
    let sha = hepkey_analysis::checksum::sha256_hex(&analysis_text);
    if sha != recorded_sha {
        problems.push(format!(
            "the analysis file {} changed: sha256 {sha}, recorded {recorded_sha}",
            analysis_file.display()
        ));
    }
    if !problems.is_empty() {
        anyhow::bail!("cannot rerun as recorded:\n  {}", problems.join("\n  "));
    }
    // 3. The same values for ${NAME}: --set ones as --set, environment ones in the environment.
    let mut overrides = Vec::new();
    if let Some(vars) = doc["variables"].as_object() {
        for (name, v) in vars {
            let (Some(value), Some(from)) = (v["value"].as_str(), v["from"].as_str()) else {
                continue;
            };
            match from {
                "command line" => overrides.push((name.clone(), value.to_string())),
                // Before any thread starts: nothing else reads the environment concurrently.
                "environment" => std::env::set_var(name, value),
                _ => {}
            }
        }
    }
    super::run::set_threads(args.threads)?;
    let analysis = Analysis::load_with(&analysis_file, &overrides)?;
    let now: Vec<String> = analysis
        .plans
        .iter()
        .flat_map(|p| p.files.iter().map(|f| f.display().to_string()))
        .collect();
    let then: Vec<String> = inputs
        .iter()
        .map(|i| i["path"].as_str().unwrap_or_default().to_string())
        .collect();
    if now != then {
        let extra: Vec<&String> = now.iter().filter(|f| !then.contains(f)).collect();
        let gone: Vec<&String> = then.iter().filter(|f| !now.contains(f)).collect();
        anyhow::bail!(
            "the analysis now reads other inputs than recorded: new {extra:?}, not found {gone:?}"
        );
    }
    // 4. Run and compare.
    let temporary = args.output.is_none();
    let dir = args.output.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("hepkey-rerun-{}", std::process::id()))
    });
    let out = hepkey_analysis::prepare_output(&dir)?;
    let result = analysis.run(&|_| {})?;
    analysis.write_outputs_to(&result, out, !temporary)?;
    let mut differ = Vec::new();
    for (name, v) in outputs {
        let want = v["sha256"].as_str().unwrap_or_default();
        let got = std::fs::read(dir.join(name))
            .map(|b| hepkey_analysis::checksum::sha256_hex(&b))
            .unwrap_or_default();
        if got != want {
            differ.push(format!("{name}: sha256 {got}, recorded {want}"));
        }
    }
    if temporary {
        let _ = std::fs::remove_dir_all(&dir);
    }
    if !differ.is_empty() {
        anyhow::bail!(
            "the rerun's outputs differ from the recorded ones:\n  {}",
            differ.join("\n  ")
        );
    }
    println!(
        "{} inputs unchanged; {} identical to the recorded ones ({})",
        inputs.len(),
        outputs.keys().cloned().collect::<Vec<_>>().join(", "),
        if temporary {
            "outputs not kept".to_string()
        } else {
            format!("outputs in {}", dir.display())
        }
    );
    Ok(())
}
