//! Every subcommand's `--help` ends with examples, and every example runs:
//! from a temporary directory (where the outputs go), with the repository's
//! `../shared/…` and `examples/…` paths made absolute.

use std::path::{Path, PathBuf};
use std::process::Command;

fn hepkey() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hepkey"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout_of(args: &[&str]) -> String {
    let out = hepkey().args(args).output().unwrap();
    assert!(out.status.success(), "hepkey {args:?} failed");
    String::from_utf8(out.stdout).unwrap()
}

/// The subcommands `hepkey --help` lists (without `help` itself).
fn subcommands() -> Vec<String> {
    let top = stdout_of(&["--help"]);
    let list = top
        .split("Commands:\n")
        .nth(1)
        .expect("a Commands: section");
    list.lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

/// The `hepkey …` lines of the Examples: section of a help text.
fn examples(help: &str) -> Vec<String> {
    let Some(section) = help.split("Examples:\n").nth(1) else {
        return Vec::new();
    };
    section
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.trim().strip_prefix("hepkey "))
        .map(str::to_string)
        .collect()
}

/// Words as a shell splits them (double quotes group; no other syntax is used).
fn words(line: &str) -> Vec<String> {
    let (mut out, mut word, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for ch in line.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut word));
                }
                any = false;
            }
            c => {
                word.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(word);
    }
    out
}

#[test]
fn every_subcommand_has_examples() {
    let subs = subcommands();
    assert!(subs.len() >= 18, "{subs:?}");
    for sub in &subs {
        let help = stdout_of(&["help", sub]);
        assert!(
            !examples(&help).is_empty(),
            "`hepkey help {sub}` has no Examples: section with a `hepkey …` line"
        );
        // --help and `help SUB` print the same text.
        assert_eq!(stdout_of(&[sub, "--help"]), help, "{sub}");
    }
}

#[test]
fn every_example_runs() {
    let dir = tempfile::tempdir().unwrap();
    let root = repo();
    let mut helps = vec![stdout_of(&["--help"])];
    helps.extend(subcommands().iter().map(|s| stdout_of(&["help", s])));
    let mut failed = Vec::new();
    let mut ran = 0;
    for line in helps.iter().flat_map(|h| examples(h)) {
        let mut args = words(&line);
        // `> FILE`: standard output into FILE.
        let redirect = args.iter().position(|a| a == ">").map(|i| {
            let file = args.get(i + 1).cloned().expect("a file after >");
            args.truncate(i);
            file
        });
        let args: Vec<String> = args
            .into_iter()
            .map(|a| {
                if a.starts_with("../shared/") || a.starts_with("examples/") {
                    root.join(&a).display().to_string()
                } else {
                    a
                }
            })
            .collect();
        let out = hepkey()
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        if let Some(file) = redirect {
            std::fs::write(dir.path().join(file), &out.stdout).unwrap();
        }
        ran += 1;
        let ok = out.status.success();
        if !ok {
            failed.push(format!(
                "hepkey {line}\n  {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(ran >= 35, "only {ran} examples found");
    assert!(
        failed.is_empty(),
        "examples failing:\n{}",
        failed.join("\n")
    );
}
