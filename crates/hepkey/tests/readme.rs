//! The README is a contract: every command block in it runs, in order, in a fresh copy of the
//! repository with `../shared` beside it, as a new user would type it.
//!
//! - Each ` ```sh ` block runs in one bash session (`set -euo pipefail`), from the repository
//!   root; shell variables carry over from block to block, a `cd` does not.
//! - A block whose first line is `# not run by the README test: REASON` is skipped, and
//!   printed with its reason: commands that need the real release or the internet.
//! - Every `-o PATH` / `--output PATH` a command names, and every path listed after a
//!   `writes:` in a comment, must exist after its block.
//!
//! The copy is built with its own `cargo build --release` (its target directory is kept under
//! cargo's test scratch directory between runs, so only the first run compiles everything).

use std::path::{Path, PathBuf};
use std::process::Command;

const SKIP_MARK: &str = "# not run by the README test:";
const WRITES_MARK: &str = "writes:";

/// A fenced shell block of the README.
struct Block {
    /// Line of the opening fence (1-based).
    line: usize,
    commands: Vec<String>,
}

fn shell_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Option<Block> = None;
    for (i, line) in readme.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        match (&mut current, fence) {
            (None, true) if matches!(line.trim(), "```sh" | "```bash" | "```shell") => {
                current = Some(Block {
                    line: i + 1,
                    commands: Vec::new(),
                })
            }
            (None, true) => {
                // Another language's block: skip to its end by treating it as a non-shell block.
                current = Some(Block {
                    line: 0,
                    commands: Vec::new(),
                })
            }
            (Some(_), true) => {
                let block = current.take().unwrap();
                if block.line > 0 {
                    blocks.push(block);
                }
            }
            (Some(block), false) => block.commands.push(line.to_string()),
            (None, false) => {}
        }
    }
    assert!(current.is_none(), "README.md: a code block is not closed");
    blocks
}

/// Paths a block promises: `-o PATH`, `--output PATH` and `# writes: A, B`.
fn promised_outputs(block: &Block) -> Vec<String> {
    let mut out = Vec::new();
    for line in &block.commands {
        let code = match line.find('#') {
            Some(i) => &line[..i],
            None => line.as_str(),
        };
        let words: Vec<&str> = code.split_whitespace().collect();
        for pair in words.windows(2) {
            if matches!(pair[0], "-o" | "--output") {
                out.push(pair[1].to_string());
            }
        }
        if let Some(list) = line.split_once(WRITES_MARK).map(|(_, list)| list) {
            out.extend(
                list.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty()),
            );
        }
    }
    out
}

/// The repository's files (tracked, and new ones not ignored) that exist in the work tree.
fn git_files(repo: &Path) -> Vec<String> {
    let listed = Command::new("git")
        .current_dir(repo)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .expect("git is needed to list the repository's files");
    assert!(listed.status.success(), "git ls-files failed");
    listed
        .stdout
        .split(|b| *b == 0)
        .filter(|n| !n.is_empty())
        .map(|n| String::from_utf8(n.to_vec()).unwrap())
        .filter(|n| repo.join(n).is_file())
        .collect()
}

/// The repository's files copied to `dest`.
fn copy_repository(repo: &Path, dest: &Path) {
    for name in git_files(repo) {
        let rel = Path::new(&name);
        let from = repo.join(rel);
        let to = dest.join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
}

/// Empties `dir` except its `target` directory (kept so the copy's build is incremental).
fn clear_except_target(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "target") {
            continue;
        }
        if path.is_dir() && !path.is_symlink() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
}

#[test]
fn every_readme_command_works_as_written() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let shared = repo.join("../shared").canonicalize().expect("../shared");
    let readme = std::fs::read_to_string(repo.join("README.md")).unwrap();
    let blocks = shell_blocks(&readme);
    assert!(blocks.len() >= 5, "README.md has {} blocks", blocks.len());

    // A fresh copy, with `../shared` beside it as in a clone.
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("readme");
    let copy = scratch.join("hepkey");
    std::fs::create_dir_all(&copy).unwrap();
    clear_except_target(&copy);
    copy_repository(&repo, &copy);
    let link = scratch.join("shared");
    if link.symlink_metadata().is_err() {
        std::os::unix::fs::symlink(&shared, &link).unwrap();
    }

    let mut script = String::from("set -euo pipefail\n");
    let mut skipped = Vec::new();
    for block in &blocks {
        let first = block.commands.first().map(|l| l.trim()).unwrap_or("");
        if let Some(reason) = first.strip_prefix(SKIP_MARK) {
            skipped.push(format!("README.md:{}: {}", block.line, reason.trim()));
            continue;
        }
        script.push_str(&format!(
            "cd {root:?}\necho '== README.md:{line}'\n",
            root = copy,
            line = block.line
        ));
        for line in &block.commands {
            script.push_str(line);
            script.push('\n');
        }
        for path in promised_outputs(block) {
            script.push_str(&format!(
                "test -e {path} || {{ echo 'README.md:{line}: {path} was not written' >&2; exit 1; }}\n",
                line = block.line
            ));
        }
    }
    for s in &skipped {
        eprintln!("skipped {s}");
    }
    // Skipping is for what this machine cannot have; a growing list means the README rots.
    assert!(
        skipped.len() <= 4,
        "more README blocks skipped than the four that need the network (the real release, the catalog's downloads), the test command itself and the page's WebAssembly rebuild: {skipped:#?}"
    );
    let log = scratch.join("readme.log");
    let status = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(&copy)
        .env_remove("CARGO_TARGET_DIR")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(scratch.join("readme.err")).unwrap())
        .status()
        .unwrap();
    let tail = |p: &Path| {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    };
    assert!(
        status.success(),
        "a README command failed\n--- stdout (tail)\n{}\n--- stderr (tail)\n{}",
        tail(&log),
        tail(&scratch.join("readme.err"))
    );
    // What the commands wrote is covered by .gitignore: in a repository made of the copy, the
    // only untracked files are the repository's own.
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(&copy)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    git(&["init", "-q"]);
    let listed = git(&["ls-files", "--others", "--exclude-standard"]);
    let copied = git_files(&repo);
    let unignored: Vec<&str> = listed
        .lines()
        .filter(|f| !copied.iter().any(|c| c == f))
        .collect();
    std::fs::remove_dir_all(copy.join(".git")).unwrap();
    assert!(
        unignored.is_empty(),
        "README commands wrote files .gitignore does not cover: {unignored:?}"
    );
    // Every block that was not skipped ran to its end.
    let ran = std::fs::read_to_string(&log).unwrap();
    assert_eq!(
        ran.matches("== README.md:").count(),
        blocks.len() - skipped.len()
    );
}

#[test]
fn the_readme_parser_finds_outputs_and_skips() {
    let text = "x\n```sh\nhepkey run a.toml -o out/a   # comment\ncargo run -- demo   # the demo; writes: d/x.png, d/y.json\n```\n```toml\n-o not/this\n```\n```sh\n# not run by the README test: needs the internet\ncurl -LO u\n```\n";
    let blocks = shell_blocks(text);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0].line, 2);
    assert_eq!(
        promised_outputs(&blocks[0]),
        ["out/a", "d/x.png", "d/y.json"]
    );
    assert!(blocks[1].commands[0].starts_with(SKIP_MARK));
}
