//! `reana.yaml`: the same Snakefile on REANA (workflow type `snakemake`).

use crate::text::yaml;
use crate::{Plan, FIT_FILES, RESULT_FILES};
use std::fmt::Write;

/// The REANA specification version written (REANA's schema takes any string here).
pub const REANA_VERSION: &str = "0.9.0";

/// The text of `reana.yaml`: the Snakefile and `config.yaml` as inputs (the latter also as
/// Snakemake's configuration, `parameters.input`), the results as outputs.
pub fn reana_yaml(plan: &Plan) -> String {
    let mut s = String::new();
    let w = &mut s;
    let _ = write!(
        w,
        "# REANA specification of the Snakefile beside it (written by `hepkey workflow`).\n\
         # The jobs read the analysis file and its inputs at the absolute paths written in the\n\
         # Snakefile, and hepkey where config.yaml says: on REANA those must be on storage the\n\
         # jobs see, and each job runs in the container named by `container:` in config.yaml.\n\
         version: {version}\n\
         inputs:\n  files:\n    - Snakefile\n    - config.yaml\n\
         \x20 parameters:\n    input: config.yaml\n\
         workflow:\n  type: snakemake\n  file: Snakefile\n\
         outputs:\n  files:\n",
        version = yaml(REANA_VERSION),
    );
    let mut files: Vec<&str> = RESULT_FILES.to_vec();
    if plan.fit.is_some() {
        files.extend(FIT_FILES);
    }
    for f in files {
        let _ = writeln!(w, "    - {}", yaml(&format!("results/{f}")));
    }
    if plan.plots {
        let _ = writeln!(w, "  directories:\n    - {}", yaml("results/plots"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Binary, Plan, Sample};

    fn plan(fit: bool, plots: bool) -> Plan {
        Plan {
            hepkey: Binary {
                path: "/h".into(),
                version: "0.1.0".into(),
                sha256: "0".repeat(64),
            },
            analysis: "/a.toml".into(),
            sets: vec![],
            samples: vec![Sample {
                name: "s".into(),
                files: 1,
            }],
            files_per_job: 1,
            fit: fit.then(|| "/f.toml".into()),
            plots,
        }
    }

    #[test]
    fn snakemake_workflow_with_its_config_and_results() {
        let text = reana_yaml(&plan(false, true));
        assert!(text.contains(
            "version: \"0.9.0\"\ninputs:\n  files:\n    - Snakefile\n    - config.yaml\n  parameters:\n    input: config.yaml\nworkflow:\n  type: snakemake\n  file: Snakefile\n"
        ), "{text}");
        assert!(text.ends_with(
            "outputs:\n  files:\n    - \"results/histograms.json\"\n    - \"results/histograms.root\"\n    - \"results/cutflow.json\"\n    - \"results/provenance.json\"\n  directories:\n    - \"results/plots\"\n"
        ), "{text}");
    }

    #[test]
    fn fit_outputs_without_plots() {
        let text = reana_yaml(&plan(true, false));
        assert!(text.contains("    - \"results/workspace.json\"\n    - \"results/fit.json\"\n    - \"results/limit.json\"\n"));
        assert!(!text.contains("directories"));
    }
}
