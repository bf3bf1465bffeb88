//! The Snakefile and its `config.yaml`.
//!
//! Paths: the analysis file, the fit configuration and the `hepkey` binary are written absolute
//! (the analysis file's own paths are relative to it, so it stays where it is); every output is
//! relative to the workflow directory, from which Snakemake runs, on any engine.

use crate::names::sample_dirs;
use crate::slices::slices;
use crate::text::{py, yaml};
use crate::{Plan, FIT_FILES, RESULT_FILES};
use std::fmt::Write;

/// Resources of one job: a slice of files is read one basket at a time, so a job needs little memory.
const DEFAULT_MEM_MB: u32 = 2000;
/// Minutes a job may run (Slurm's time limit).
const DEFAULT_RUNTIME_MIN: u32 = 120;

/// The text of `Snakefile`.
pub fn snakefile(plan: &Plan) -> String {
    let mut s = String::new();
    let analysis = plan.analysis.display().to_string();
    let w = &mut s;
    let _ = write!(
        w,
        r#"# Snakemake workflow written by `hepkey workflow` (hepkey {version}) for
#   {analysis}
# Run it from this directory; the same file runs unchanged on each engine:
#   snakemake --cores 2                              # this machine
#   snakemake --executor slurm --jobs 100            # Slurm (snakemake-executor-plugin-slurm)
#   snakemake --executor htcondor --jobs 100         # HTCondor (snakemake-executor-plugin-htcondor)
#   reana-client run -w NAME                         # REANA (reana.yaml)
# Paths: the analysis file, the fit configuration and hepkey are absolute; every output is
# relative to this directory. config.yaml holds what a cluster may change (where hepkey is,
# threads, memory, time). Regenerate with `hepkey workflow` rather than edit.

import hashlib
import os
import re
import shlex

from snakemake.exceptions import WorkflowError


configfile: "config.yaml"


# The one hepkey every job runs: checked by its sha256 wherever this file is read (on the
# submitting machine and again in every cluster job), so no job runs another version.
HEPKEY = config.get("hepkey", {hepkey})
HEPKEY_VERSION = {version_py}
HEPKEY_SHA256 = {sha}
ANALYSIS = {analysis_py}
FIT = {fit}
# `--set NAME=VALUE` of every job, as given to `hepkey workflow`.
SETS = [{sets}]
THREADS = int(config.get("threads", 1))
MEM_MB = int(config.get("mem_mb", {mem}))
RUNTIME = int(config.get("runtime", {runtime}))
PLOTS = {plots}

# Directory under parts/ and merged/ -> (sample name, slices of its files: "A-B" = files A..B,
# 0-based, end-exclusive, in the order `hepkey run` reads them).
SAMPLES = {{
"#,
        version = plan.hepkey.version,
        hepkey = py(&plan.hepkey.path.display().to_string()),
        version_py = py(&plan.hepkey.version),
        sha = py(&plan.hepkey.sha256),
        analysis_py = py(&analysis),
        fit = plan
            .fit
            .as_ref()
            .map_or("None".to_string(), |f| py(&f.display().to_string())),
        sets = plan
            .sets
            .iter()
            .map(|(k, v)| format!("({}, {})", py(k), py(v)))
            .collect::<Vec<_>>()
            .join(", "),
        mem = DEFAULT_MEM_MB,
        runtime = DEFAULT_RUNTIME_MIN,
        plots = if plan.plots { "True" } else { "False" },
    );
    let names: Vec<&str> = plan.samples.iter().map(|s| s.name.as_str()).collect();
    for (sample, dir) in plan.samples.iter().zip(sample_dirs(&names)) {
        let parts: Vec<String> = slices(sample.files, plan.files_per_job)
            .iter()
            .map(|s| py(&s.to_string()))
            .collect();
        let _ = writeln!(
            w,
            "    {}: ({}, [{}]),",
            py(&dir),
            py(&sample.name),
            parts.join(", ")
        );
    }
    let _ = write!(
        w,
        r#"}}
RESULTS = [{results}]
FIT_RESULTS = [{fit_results}]


def _check_hepkey():
    try:
        digest = hashlib.sha256()
        with open(HEPKEY, "rb") as binary:
            for block in iter(lambda: binary.read(1 << 20), b""):
                digest.update(block)
    except OSError as e:
        raise WorkflowError(
            f"hepkey {{HEPKEY_VERSION}} is not at {{HEPKEY}} ({{e.strerror}}): copy that binary "
            "there, or set `hepkey:` in config.yaml to where it is"
        )
    if digest.hexdigest() != HEPKEY_SHA256:
        raise WorkflowError(
            f"{{HEPKEY}} is not the hepkey this workflow was written for: its sha256 is "
            f"{{digest.hexdigest()}}, expected {{HEPKEY_SHA256}} (hepkey {{HEPKEY_VERSION}}); "
            "copy that binary there, or write the workflow again with `hepkey workflow`"
        )


_check_hepkey()


def q(text):
    return shlex.quote(str(text))


HEPKEY_Q = q(HEPKEY)
ANALYSIS_Q = q(ANALYSIS)
SET_ARGS = " ".join("--set " + q(f"{{name}}={{value}}") for name, value in SETS)


def part_dirs(paths):
    return " ".join(q(os.path.dirname(p)) for p in paths)


wildcard_constraints:
    sample="|".join(re.escape(d) for d in SAMPLES),
    part=r"\d+-\d+",


rule all:
    input:
        [f"results/{{f}}" for f in RESULTS],
        ["results/plots"] if PLOTS else [],
        [f"results/{{f}}" for f in FIT_RESULTS] if FIT else [],


# Files A..B of one sample: a partial result (histograms with Σw and Σw², cutflow, inputs).
rule part:
    input:
        ANALYSIS,
    output:
        "parts/{{sample}}/{{part}}/partial.json",
    params:
        sample=lambda w: q(SAMPLES[w.sample][0]),
        range=lambda w: w.part.replace("-", ".."),
    log:
        "logs/parts/{{sample}}/{{part}}.log",
    threads: THREADS
    resources:
        mem_mb=MEM_MB,
        runtime=RUNTIME,
    shell:
        "{{HEPKEY_Q}} run {{ANALYSIS_Q}} --files-of {{params.sample}} --file-range {{params.range}}"
        " -o parts/{{wildcards.sample}}/{{wildcards.part}} --threads {{threads}} --quiet {{SET_ARGS}}"
        " > {{log}} 2>&1"


# Every slice of one sample.
rule merge_sample:
    input:
        lambda w: [f"parts/{{w.sample}}/{{p}}/partial.json" for p in SAMPLES[w.sample][1]],
    output:
        "merged/{{sample}}/partial.json",
    params:
        parts=lambda w, input: part_dirs(input),
    log:
        "logs/merged/{{sample}}.log",
    resources:
        mem_mb=MEM_MB,
        runtime=RUNTIME,
    shell:
        "{{HEPKEY_Q}} merge {{params.parts}} -o merged/{{wildcards.sample}} --no-plots > {{log}} 2>&1"


# Every sample: the outputs of a single `hepkey run`, byte for byte.
rule results:
    input:
        expand("merged/{{sample}}/partial.json", sample=SAMPLES),
    output:
        [f"results/{{f}}" for f in RESULTS],
        directory("results/plots") if PLOTS else [],
    params:
        parts=lambda w, input: part_dirs(input),
        plots="" if PLOTS else "--no-plots",
    log:
        "logs/results.log",
    resources:
        mem_mb=MEM_MB,
        runtime=RUNTIME,
    shell:
        "{{HEPKEY_Q}} merge {{params.parts}} -o results --complete {{params.plots}} > {{log}} 2>&1"


if FIT:

    rule workspace:
        input:
            fit=FIT,
            histograms="results/histograms.json",
        output:
            "results/workspace.json",
        log:
            "logs/workspace.log",
        shell:
            "{{HEPKEY_Q}} workspace {{input.fit:q}} {{input.histograms}} -o {{output}} > {{log}} 2>&1"

    rule fit:
        input:
            "results/workspace.json",
        output:
            "results/fit.json",
        log:
            "logs/fit.log",
        shell:
            "{{HEPKEY_Q}} fit {{input}} --json > {{output}} 2> {{log}}"

    rule limit:
        input:
            "results/workspace.json",
        output:
            "results/limit.json",
        log:
            "logs/limit.log",
        shell:
            "{{HEPKEY_Q}} limit {{input}} --json > {{output}} 2> {{log}}"
"#,
        results = RESULT_FILES.map(py).join(", "),
        fit_results = FIT_FILES.map(py).join(", "),
    );
    s
}

/// The text of `config.yaml`: what a cluster may change without touching the Snakefile.
pub fn config_yaml(plan: &Plan) -> String {
    format!(
        "# Settings of the Snakefile beside this file (written by `hepkey workflow`).\n\
         # Where hepkey {version} is on the machines that run the jobs (its sha256 is checked).\n\
         hepkey: {hepkey}\n\
         # Worker threads of each `hepkey run` job (outputs do not depend on it).\n\
         threads: 1\n\
         # Memory (MB) and time (minutes) each job asks the batch system for.\n\
         mem_mb: {DEFAULT_MEM_MB}\n\
         runtime: {DEFAULT_RUNTIME_MIN}\n",
        version = plan.hepkey.version,
        hepkey = yaml(&plan.hepkey.path.display().to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Binary, Sample};

    pub(crate) fn plan(fit: bool, plots: bool) -> Plan {
        Plan {
            hepkey: Binary {
                path: "/opt/hepkey/bin/hepkey".into(),
                version: "0.1.0".into(),
                sha256: "ab".repeat(32),
            },
            analysis: "/data/ana lysis.toml".into(),
            sets: vec![("DIR".into(), "/data/\"quoted\" dir".into())],
            samples: vec![
                Sample {
                    name: "data".into(),
                    files: 5,
                },
                Sample {
                    name: "tt̄".into(),
                    files: 2,
                },
            ],
            files_per_job: 2,
            fit: fit.then(|| "/data/fit.toml".into()),
            plots,
        }
    }

    #[test]
    fn one_job_per_slice_with_names_as_python_literals() {
        let text = snakefile(&plan(false, true));
        assert!(text.contains(
            "SAMPLES = {\n    \"data\": (\"data\", [\"0-2\", \"2-4\", \"4-5\"]),\n    \"tt_\": (\"tt̄\", [\"0-2\"]),\n}\n"
        ), "{text}");
        assert!(text.contains("HEPKEY = config.get(\"hepkey\", \"/opt/hepkey/bin/hepkey\")\n"));
        assert!(text.contains(&format!("HEPKEY_SHA256 = \"{}\"\n", "ab".repeat(32))));
        assert!(text.contains("ANALYSIS = \"/data/ana lysis.toml\"\n"));
        assert!(text.contains("SETS = [(\"DIR\", \"/data/\\\"quoted\\\" dir\")]\n"));
        assert!(text.contains("FIT = None\n"));
        assert!(text.contains("PLOTS = True\n"));
        // The fit rules exist only under `if FIT:`.
        assert!(text.contains("if FIT:\n\n    rule workspace:"));
    }

    #[test]
    fn fit_and_plots_follow_the_plan() {
        let text = snakefile(&plan(true, false));
        assert!(text.contains("FIT = \"/data/fit.toml\"\n"));
        assert!(text.contains("PLOTS = False\n"));
    }

    #[test]
    fn config_names_the_binary_and_default_resources() {
        let text = config_yaml(&plan(false, true));
        assert!(
            text.contains("\nhepkey: \"/opt/hepkey/bin/hepkey\"\n"),
            "{text}"
        );
        assert!(text.contains("\nthreads: 1\n"), "{text}");
        assert!(text.contains("mem_mb: 2000\nruntime: 120\n"));
    }
}
