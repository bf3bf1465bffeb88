//! `hepkey workflow ANALYSIS.toml -o DIR`: a Snakemake workflow (and its reana.yaml) that runs the
//! analysis in slices of files on an existing engine; the text is made by `hepkey_workflow`.

use anyhow::{Context, Result};
use hepkey_analysis::resolve::ValueOrigin;
use hepkey_analysis::Analysis;
use hepkey_workflow::{Binary, Plan, Sample};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  hepkey workflow examples/zmumu/zmumu.toml -o wf-zmumu\n  hepkey workflow examples/agc/ttbar.toml -o wf-agc --files-per-job 10\n  cd wf-zmumu && snakemake --cores 2\n  cd wf-agc && snakemake --executor slurm --jobs 100\n\nWrites DIR/Snakefile, DIR/config.yaml and DIR/reana.yaml. Snakemake runs from DIR; the results\ngo to DIR/results (the outputs of `hepkey run`, byte for byte); with a fit configuration (--fit, or\n`fit = \"fit.toml\"` in the analysis file's [analysis]) also workspace.json, fit.json and limit.json. The jobs run this hepkey binary (its path and sha256\nare in the Snakefile; config.yaml says where it is on a cluster)."
)]
pub struct Args {
    /// The analysis file (TOML).
    pub analysis: PathBuf,
    /// Directory of the workflow (created if needed).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Input files per job (each job reads this many files of one sample).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub files_per_job: u32,
    /// Set a `${NAME}` used in the analysis file (repeatable; passed to every job).
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// A fit configuration (TOML, as for `hepkey workspace`): adds the workspace, fit and limit
    /// (default: the analysis file's `fit`, if it has one).
    #[arg(long, value_name = "FIT.toml")]
    pub fit: Option<PathBuf>,
}

pub fn run(args: Args) -> Result<()> {
    let mut sets = args
        .set
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| anyhow::anyhow!("--set {kv:?}: expected NAME=VALUE"))
        })
        .collect::<Result<Vec<_>>>()?;
    // The jobs run in DIR, not here: a value naming a file or directory from here is made absolute.
    for (_, value) in &mut sets {
        *value = absolute_if_exists(value);
    }
    let analysis_path = std::path::absolute(&args.analysis)
        .with_context(|| format!("{}", args.analysis.display()))?;
    let analysis = Analysis::load_with(&analysis_path, &sets)?;
    for w in &analysis.warnings {
        eprintln!("warning: {w}");
    }
    // A value taken from this shell's environment would not be in a cluster job's: it is
    // passed to every job as --set.
    for (name, value) in &analysis.variables {
        if let Some((value, ValueOrigin::Environment)) = value {
            eprintln!("note: ${{{name}}} from the environment is passed to every job as --set {name}={value}");
            sets.push((name.clone(), absolute_if_exists(value)));
        }
    }
    // --fit, else the analysis file's `fit` (relative to the analysis file).
    let declared = analysis.file.analysis.fit.as_ref().map(|f| {
        let dir = analysis_path.parent().unwrap_or(std::path::Path::new("."));
        (dir.join(f), format!("the analysis file's fit = {f:?}"))
    });
    let given = args
        .fit
        .as_ref()
        .map(|f| (f.clone(), format!("--fit {}", f.display())));
    let fit = match given.or(declared) {
        Some((f, named_by)) => {
            let f = std::path::absolute(&f).with_context(|| format!("{}", f.display()))?;
            if !f.is_file() {
                anyhow::bail!("{named_by}: {}: no such file", f.display());
            }
            Some(f)
        }
        None => None,
    };
    let plan = Plan {
        hepkey: this_binary()?,
        analysis: analysis_path,
        sets,
        samples: analysis
            .plans
            .iter()
            .map(|p| Sample {
                name: p.config.name.clone(),
                files: p.files.len(),
            })
            .collect(),
        files_per_job: args.files_per_job as usize,
        fit,
        plots: analysis.file.plots.enabled.unwrap_or(true),
    };
    let dir = &args.output;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let write = |name: &str, text: String| -> Result<()> {
        let path = dir.join(name);
        hepkey_output::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))
    };
    write("config.yaml", hepkey_workflow::config_yaml(&plan))?;
    write("reana.yaml", hepkey_workflow::reana_yaml(&plan))?;
    // The Snakefile last: a directory with one holds a whole workflow.
    write("Snakefile", hepkey_workflow::snakefile(&plan))?;
    let jobs: usize = plan
        .samples
        .iter()
        .map(|s| hepkey_workflow::slices(s.files, plan.files_per_job).len())
        .sum();
    eprintln!(
        "wrote {}: {jobs} jobs over {} samples; run it with `cd {} && snakemake --cores 2`",
        dir.join("Snakefile").display(),
        plan.samples.len(),
        dir.display()
    );
    Ok(())
}

/// This hepkey: its path, version and sha256.
fn this_binary() -> Result<Binary> {
    let path = std::env::current_exe().context("cannot find the hepkey binary")?;
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
    Ok(Binary {
        sha256: hepkey_analysis::checksum::sha256_hex(&bytes),
        path,
        version: env!("CARGO_PKG_VERSION").to_string(),
    })
}

fn absolute_if_exists(value: &str) -> String {
    let path = Path::new(value);
    if !value.is_empty() && path.is_relative() && path.exists() {
        if let Ok(abs) = std::path::absolute(path) {
            return abs.display().to_string();
        }
    }
    value.to_string()
}
