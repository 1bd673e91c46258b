//! The output root of overnight runs: one lock per root, dated run folders, and the `latest` pointer.
//!
//! - The lock (`ROOT/.lock`) holds the running process's id. A second run on the same root refuses while that
//!   process is alive; a lock left by a crashed run (its process gone) is taken over, so a crash never leaves the
//!   root stuck.
//! - Run folders are written through [`crate::atomic::AtomicDir`]: built beside their final name and
//!   renamed into place when complete, so a folder with a final name is always complete.
//! - `ROOT/latest` is a symbolic link to the newest complete run folder, replaced atomically (a new link is made
//!   under a temporary name and renamed over the old one) only after the folder is in place.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Name of the lock file in the output root.
pub const LOCK: &str = ".lock";
/// Name of the pointer to the newest complete run.
pub const LATEST: &str = "latest";

/// Held while a run writes into its root; released on drop.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
}

fn alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

impl Lock {
    /// Takes the root's lock, or says which run holds it.
    pub fn take(root: &Path) -> Result<Lock, Error> {
        std::fs::create_dir_all(root).map_err(|e| Error::io("cannot create folder", root, e))?;
        let path = root.join(LOCK);
        for _ in 0..2 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(mut f) => {
                    let _ = write!(f, "{}", std::process::id());
                    let _ = f.sync_all();
                    return Ok(Lock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|t| t.trim().parse::<u32>().ok());
                    match holder {
                        Some(pid) if pid != std::process::id() && alive(pid) => {
                            return Err(Error::Usage(format!(
                                "another run (process {pid}) is writing into {}; wait for it to finish, or use \
                                 another output root",
                                root.display()
                            )));
                        }
                        // Left by a run that crashed (or unreadable): take it over.
                        _ => {
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(Error::io("cannot create lock", &path, e)),
            }
        }
        Err(Error::Usage(format!(
            "cannot take the lock {}: remove it if no run is using {}",
            path.display(),
            root.display()
        )))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The run folder's name: `<YYYY-MM-DD>T<HHMMSS>-<name>`.
pub fn run_folder_name(start: chrono::DateTime<chrono::Local>, name: &str) -> String {
    format!("{}-{name}", start.format("%Y-%m-%dT%H%M%S"))
}

/// Points `ROOT/latest` at `folder` (a name inside `root`), atomically.
pub fn point_latest(root: &Path, folder: &str) -> Result<(), Error> {
    let tmp = root.join(format!(".{LATEST}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(folder, &tmp)
        .map_err(|e| Error::io("cannot create link", &tmp, e))?;
    #[cfg(not(unix))]
    std::fs::write(&tmp, folder).map_err(|e| Error::io("cannot write", &tmp, e))?;
    let latest = root.join(LATEST);
    std::fs::rename(&tmp, &latest).map_err(|e| Error::io("cannot replace", &latest, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_lock_refuses_and_a_stale_one_is_taken_over() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = Lock::take(tmp.path()).unwrap();
        // Our own process holds it: a second taker in another process would be refused; simulate one by
        // writing the id of a live process that is not us (pid 1 always exists).
        drop(lock);
        std::fs::write(tmp.path().join(LOCK), "1").unwrap();
        let err = Lock::take(tmp.path()).unwrap_err().to_string();
        assert!(err.contains("process 1"), "{err}");
        // A lock naming a process that no longer exists is stale.
        std::fs::write(tmp.path().join(LOCK), "4294967").unwrap();
        let lock = Lock::take(tmp.path()).unwrap();
        drop(lock);
        assert!(!tmp.path().join(LOCK).exists());
    }

    #[test]
    fn latest_is_replaced_atomically() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join("a")).unwrap();
        std::fs::create_dir(tmp.path().join("b")).unwrap();
        point_latest(tmp.path(), "a").unwrap();
        point_latest(tmp.path(), "b").unwrap();
        let target = std::fs::read_link(tmp.path().join(LATEST)).unwrap();
        assert_eq!(target, Path::new("b"));
    }
}
