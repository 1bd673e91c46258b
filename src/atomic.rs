//! Writing an output folder so that it is never seen half-written.
//!
//! Files go into a temporary sibling folder (`.<name>.tmp-<pid>`); when every file is written and flushed, an
//! existing folder of the final name is moved aside, the new one renamed into place, and the old one removed.
//! A crash at any moment leaves either the previous complete folder or the new complete folder under the final
//! name, plus at most a leftover temporary folder that the next write of the same folder cleans up.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An output folder being written.
pub struct AtomicDir {
    target: PathBuf,
    tmp: PathBuf,
}

impl AtomicDir {
    /// Starts writing `target`.
    pub fn new(target: &Path) -> Result<Self, Error> {
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io("cannot create folder", parent, e))?;
        let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        recover(parent, name, target);
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp)
                .map_err(|e| Error::io("cannot remove old temporary folder", &tmp, e))?;
        }
        std::fs::create_dir_all(&tmp).map_err(|e| Error::io("cannot create folder", &tmp, e))?;
        Ok(AtomicDir {
            target: target.to_path_buf(),
            tmp,
        })
    }

    /// Writes a whole folder of `(name, bytes)` files in one go and puts it in place of `target`.
    pub fn write_all<N: AsRef<str>, B: AsRef<[u8]>>(
        target: &Path,
        files: impl IntoIterator<Item = (N, B)>,
    ) -> Result<PathBuf, Error> {
        let dir = AtomicDir::new(target)?;
        for (name, bytes) in files {
            dir.write(name.as_ref(), bytes.as_ref())?;
        }
        dir.commit()
    }

    /// Writes one file into the folder (flushed to disk).
    pub fn write(&self, name: &str, bytes: &[u8]) -> Result<(), Error> {
        let path = self.tmp.join(name);
        // Names may hold sub-folders (`<scenario>/summary.json` in an overnight run's folder).
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("cannot create folder", parent, e))?;
        }
        let mut f =
            std::fs::File::create(&path).map_err(|e| Error::io("cannot create", &path, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io("cannot write", &path, e))
    }

    /// Puts the folder in place of `target`.
    ///
    /// On Linux an existing folder is swapped with the new one in one `renameat2(RENAME_EXCHANGE)` call, so there
    /// is no moment at which the final name is missing. Elsewhere (or on a file system without it) the old folder
    /// is moved aside first; a crash between the two renames leaves it as `.<name>.tmp-<pid>.old`, which the next
    /// [`AtomicDir::new`] for the same target puts back.
    pub fn commit(self) -> Result<PathBuf, Error> {
        if self.target.exists() && exchange(&self.tmp, &self.target) {
            // The old folder now has the temporary name.
            let _ = std::fs::remove_dir_all(&self.tmp);
            return Ok(self.target.clone());
        }
        let old = self.tmp.with_extension("old");
        if self.target.exists() {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io("cannot move aside", &self.target, e))?;
        }
        std::fs::rename(&self.tmp, &self.target)
            .map_err(|e| Error::io("cannot rename into place", &self.target, e))?;
        if old.exists() {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(self.target.clone())
    }
}

/// Swaps two paths atomically; false when the system cannot (then the caller renames in two steps).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Cleans up after writers of `target` that died (killed, power cut): puts back a previous folder that a crash
/// between the two renames of a fallback commit left aside, and removes their temporary folders. A writer still
/// running (its pid alive, on systems with `/proc`) is left alone.
fn recover(parent: &Path, name: &str, target: &Path) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.trim_end_matches(".old");
        let alive = Path::new("/proc").join(pid).exists() || !Path::new("/proc/self").exists();
        if alive || pid == std::process::id().to_string() {
            continue;
        }
        if rest.ends_with(".old") && !target.exists() {
            let _ = std::fs::rename(e.path(), target);
        } else {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        // Not committed (an error on the way): leave nothing behind.
        if self.tmp.exists() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
