//! The directory the server shares: resolving a URL path to a file inside it, and listing its ROOT files.

use std::path::{Component, Path, PathBuf};

/// The shared directory, canonical (symlinks resolved) so containment can be checked on real paths.
#[derive(Clone, Debug)]
pub struct SharedDir {
    root: PathBuf,
}

/// Why a path is not served.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `..`, an absolute path, a symlink leading out of the directory, a NUL: 403.
    Outside,
    /// Nothing there, or not a regular file: 404.
    Missing,
}

impl SharedDir {
    pub fn new(dir: &Path) -> std::io::Result<SharedDir> {
        let root = dir.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::other(format!(
                "{} is not a directory",
                dir.display()
            )));
        }
        Ok(SharedDir { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file at `relative` (already percent-decoded, `/`-separated), if it is inside the directory.
    pub fn resolve(&self, relative: &str) -> Result<PathBuf, Refusal> {
        if relative.contains('\0') || relative.contains('\\') || relative.starts_with('/') {
            return Err(Refusal::Outside);
        }
        let rel = Path::new(relative);
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(Refusal::Outside);
        }
        let real = self
            .root
            .join(rel)
            .canonicalize()
            .map_err(|_| Refusal::Missing)?;
        if !real.starts_with(&self.root) {
            return Err(Refusal::Outside);
        }
        if !real.is_file() {
            return Err(Refusal::Missing);
        }
        Ok(real)
    }

    /// The files the page opens under the directory: ROOT files and analysis files (`.toml` files with
    /// `[[samples]]`, the page's sample sets; not `Cargo.toml` and the like). Relative paths with `/`, sorted, with sizes, skipping symlinks that lead
    /// out; at most `limit` files, 16 levels deep.
    pub fn page_files(&self, limit: usize) -> Vec<(String, u64)> {
        let mut out = Vec::new();
        self.walk(&self.root, "", 0, limit, &mut out);
        out.sort();
        out
    }

    fn walk(
        &self,
        dir: &Path,
        prefix: &str,
        depth: usize,
        limit: usize,
        out: &mut Vec<(String, u64)>,
    ) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            if out.len() >= limit {
                return;
            }
            let Some(name) = entry.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if name.starts_with('.') {
                continue;
            }
            let Ok(real) = entry.path().canonicalize() else {
                continue;
            };
            if !real.starts_with(&self.root) {
                continue;
            }
            let relative = format!("{prefix}{name}");
            if real.is_dir() && depth < 16 && entry.file_type().is_ok_and(|t| t.is_dir()) {
                self.walk(&real, &format!("{relative}/"), depth + 1, limit, out);
            } else if real.is_file() && (name.ends_with(".root") || is_analysis_file(&real)) {
                let size = real.metadata().map(|m| m.len()).unwrap_or(0);
                out.push((relative, size));
            }
        }
    }
}

/// Whether a file is an analysis file: a `.toml` declaring samples (its first 64 KiB are read).
fn is_analysis_file(path: &Path) -> bool {
    use std::io::Read;
    if path.extension().and_then(|e| e.to_str()) != Some("toml") {
        return false;
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(64 * 1024).read_to_end(&mut head));
    read.is_ok() && String::from_utf8_lossy(&head).contains("[[samples]]")
}
