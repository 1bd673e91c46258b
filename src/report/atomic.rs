//! Writing an output folder so that it is never seen half-written.
//!
//! Files go into a temporary sibling folder (`.<name>.tmp-<pid>`); when every file is written and flushed, an
//! existing folder of the final name is moved aside, the new one renamed into place, and the old one removed.
//! A crash at any moment leaves either the previous complete folder or the new complete folder under the final
//! name, plus at most a leftover temporary folder that a later run cleans up.

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
    pub fn commit(self) -> Result<PathBuf, Error> {
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

impl Drop for AtomicDir {
    fn drop(&mut self) {
        // Not committed (an error on the way): leave nothing behind.
        if self.tmp.exists() {
            let _ = std::fs::remove_dir_all(&self.tmp);
        }
    }
}
