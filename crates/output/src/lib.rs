//! # hepkey-output
//!
//! Every file hepkey writes goes through this crate, so a result on disk is either the old one or
//! the new one, never half of each:
//!
//! - [`write_atomic`]: one file, written to a temporary file beside it (random name, created
//!   exclusively, so a planted symlink is never followed), then renamed over the target.
//! - [`OutputDir`]: a run's whole output directory. It is locked for the run, checked writable
//!   before any work, filled in a staging directory inside it, and swapped in at the end with
//!   the marker file (e.g. `provenance.json`) last: a directory whose marker is missing holds an
//!   interrupted run.
//! - [`install_signal_cleanup`]: on SIGINT/SIGTERM, the temporary files and staging directories
//!   still in flight are removed before the process exits.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Temporary paths in flight, removed if the process is interrupted.
static IN_FLIGHT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn track(path: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.push(path.to_path_buf());
    }
}

fn untrack(path: &Path) {
    if let Ok(mut v) = IN_FLIGHT.lock() {
        v.retain(|p| p != path);
    }
}

/// Records a temporary file written by another layer (the ROOT writer's hook): `in_flight` true
/// when it is created, false once it is renamed or removed.
pub fn track_temporary(path: &Path, in_flight: bool) {
    if in_flight {
        track(path)
    } else {
        untrack(path)
    }
}

/// Removes the temporary files and staging directories in flight when SIGINT or SIGTERM arrives,
/// then exits with 130 (the shell's code for an interrupted command). Call once, at start-up.
pub fn install_signal_cleanup() {
    // An error here (a handler already set) leaves the default behaviour: nothing to report.
    let _ = ctrlc::set_handler(|| {
        if let Ok(paths) = IN_FLIGHT.lock() {
            for p in paths.iter() {
                if p.is_dir() {
                    let _ = std::fs::remove_dir_all(p);
                } else {
                    let _ = std::fs::remove_file(p);
                }
            }
        }
        eprintln!("interrupted: temporary files removed");
        std::process::exit(130);
    });
}

/// An error that names the path it concerns.
fn at(path: &Path, what: &str, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{what} {}: {e}", path.display()))
}

/// The directory a file goes into ("." for a bare file name).
fn parent_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` atomically: readers see the old content or the new, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// [`write_atomic`] with the content written by `fill` into the temporary file.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut File) -> io::Result<()>,
) -> io::Result<()> {
    if path.is_dir() {
        return Err(io::Error::other(format!(
            "{} is a directory; name a file to write",
            path.display()
        )));
    }
    let dir = parent_of(path);
    if !dir.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!(
                "cannot write {}: the directory {} does not exist",
                path.display(),
                dir.display()
            ),
        ));
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".hepkey-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| at(path, "cannot write", e))?;
    track(tmp.path());
    let result = fill(tmp.as_file_mut())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| at(path, "cannot write", e));
    let tmp_path = tmp.path().to_path_buf();
    let result = result.and_then(|()| {
        tmp.persist(path)
            .map(|_| ())
            .map_err(|e| at(path, "cannot write", e.error))
    });
    untrack(&tmp_path);
    result
}

/// Name of the lock file in a locked output directory.
const LOCK: &str = ".hepkey.lock";
/// Prefix of staging directories (left behind only by a killed run; removed by the next).
const STAGING: &str = ".hepkey-staging-";

/// A run's output directory, locked and with a staging directory, from before the run to the
/// swap of its outputs.
pub struct OutputDir {
    dir: PathBuf,
    staging: tempfile::TempDir,
    /// Held for the lifetime of the run; closing it releases the lock.
    _lock: File,
}

impl OutputDir {
    /// Creates `dir` if needed, locks it against other runs, clears what killed runs left, and
    /// makes the staging directory, so an unwritable or busy directory is reported before any work.
    pub fn prepare(dir: &Path) -> io::Result<OutputDir> {
        if dir.exists() && !dir.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and is not a directory; name a directory for the outputs",
                    dir.display()
                ),
            ));
        }
        std::fs::create_dir_all(dir).map_err(|e| at(dir, "cannot create", e))?;
        let lock_path = dir.join(LOCK);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| at(dir, "cannot write into", e))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(io::Error::new(
                    io::ErrorKind::WouldBlock,
                    format!(
                    "another hepkey run is writing to {}; wait for it or choose another directory",
                    dir.display()
                ),
                ))
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(at(&lock_path, "cannot lock", e)),
        }
        // Under the lock, staging directories are leftovers of killed runs.
        for entry in std::fs::read_dir(dir).map_err(|e| at(dir, "cannot read", e))? {
            let entry = entry.map_err(|e| at(dir, "cannot read", e))?;
            if entry.file_name().to_string_lossy().starts_with(STAGING) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        let staging = tempfile::Builder::new()
            .prefix(STAGING)
            .tempdir_in(dir)
            .map_err(|e| at(dir, "cannot write into", e))?;
        track(staging.path());
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            staging,
            _lock: lock,
        })
    }

    /// The final directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Where this run writes its outputs until [`OutputDir::commit`].
    pub fn staging(&self) -> &Path {
        self.staging.path()
    }

    /// Moves the staged outputs into the directory. `owned` names every output a run may write
    /// (files or directories): those not staged this time are removed, so nothing of an earlier
    /// run stays beside this one's. `marker` (one of `owned`) is removed first and moved in last.
    pub fn commit(self, owned: &[&str], marker: &str) -> io::Result<()> {
        let remove = |p: &Path| -> io::Result<()> {
            let r = if p.is_dir() && !p.is_symlink() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            };
            match r {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(at(p, "cannot remove", e)),
                _ => Ok(()),
            }
        };
        remove(&self.dir.join(marker))?;
        let staged = self.staging.path();
        for name in owned.iter().filter(|n| **n != marker) {
            let (from, to) = (staged.join(name), self.dir.join(name));
            if from.is_dir() && to.is_dir() {
                // A directory cannot be renamed over a full one: move the old one aside first.
                let old = staged.join(format!(".old-{name}"));
                std::fs::rename(&to, &old).map_err(|e| at(&to, "cannot replace", e))?;
            } else if !from.exists() {
                remove(&to)?;
                continue;
            }
            std::fs::rename(&from, &to).map_err(|e| at(&to, "cannot write", e))?;
        }
        let (from, to) = (staged.join(marker), self.dir.join(marker));
        if from.exists() {
            std::fs::rename(&from, &to).map_err(|e| at(&to, "cannot write", e))?;
        }
        untrack(staged);
        // Dropping the staging directory removes it with what was moved aside.
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        untrack(self.staging.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_writes_replace_and_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = write_atomic(&dir.path().join("missing/a.json"), b"x").unwrap_err();
        assert!(err.to_string().contains("does not exist"), "{err}");
        let err = write_atomic(dir.path(), b"x").unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_replaced_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        let path = dir.path().join("out.json");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        write_atomic(&path, b"{}").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
    }

    #[test]
    fn an_output_directory_is_locked_staged_and_swapped() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("out");
        let first = OutputDir::prepare(&dir).unwrap();
        let err = OutputDir::prepare(&dir).err().unwrap();
        assert!(err.to_string().contains("another hepkey run"), "{err}");
        std::fs::write(first.staging().join("h.json"), "1").unwrap();
        std::fs::create_dir(first.staging().join("plots")).unwrap();
        std::fs::write(first.staging().join("plots/a.png"), "a").unwrap();
        std::fs::write(first.staging().join("provenance.json"), "p1").unwrap();
        first
            .commit(&["h.json", "plots", "provenance.json"], "provenance.json")
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.join("plots/a.png")).unwrap(),
            "a"
        );

        // A second run without plots removes the first run's plots.
        let second = OutputDir::prepare(&dir).unwrap();
        std::fs::write(second.staging().join("h.json"), "2").unwrap();
        std::fs::write(second.staging().join("provenance.json"), "p2").unwrap();
        second
            .commit(&["h.json", "plots", "provenance.json"], "provenance.json")
            .unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("h.json")).unwrap(), "2");
        assert!(!dir.join("plots").exists());
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".hepkey.lock", "h.json", "provenance.json"]);

        // A run that fails before committing leaves the directory as it was.
        let third = OutputDir::prepare(&dir).unwrap();
        std::fs::write(third.staging().join("h.json"), "3").unwrap();
        drop(third);
        assert_eq!(std::fs::read_to_string(dir.join("h.json")).unwrap(), "2");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 3);

        let file = root.path().join("file");
        std::fs::write(&file, "").unwrap();
        let err = OutputDir::prepare(&file).err().unwrap();
        assert!(err.to_string().contains("is not a directory"), "{err}");
    }
}
