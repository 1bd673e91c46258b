//! Writing an output folder so that it is never seen half-written, and so that a completed swap survives a power
//! cut.
//!
//! Files go into a temporary sibling folder `.<name>.tmp-<pid>-<nonce>`, claimed with `create_dir` (which fails
//! if the name exists, whoever made it), so two writers never share one, even two processes with the same id on
//! two hosts of a shared file system. While it lives, the writer holds an OS lock (`File::try_lock`) on the file
//! `.writing` inside it: the kernel releases that lock when the process dies, however it dies, so another
//! writer's clean-up can tell a live writer's folder from a dead one's on any host, without process ids.
//!
//! Between `create_dir` and the lock file there is an instant in which a folder is empty and unlocked. So a
//! writer claims its folder holding a shared lock on the parent folder, and clean-up decides about such empty
//! folders holding the exclusive one: an empty folder it sees then is a dead writer's, never one being set up.
//! Where a file system refuses locks on folders, empty folders are left alone until they are `UNKNOWN_GRACE`
//! old instead.
//!
//! When every file is written and flushed, every folder of the new tree is flushed too, the new folder is swapped
//! into place of the final name, and the parent folder is flushed (`fsync`) so the rename itself is on disk. A
//! crash at any moment leaves either the previous complete folder or the new complete folder under the final
//! name, plus at most a leftover temporary folder that the next write of the same folder cleans up.

use crate::error::Error;
use std::fs::{File, OpenOptions};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The lock file inside a temporary folder, held by its writer.
const WRITING: &str = ".writing";
/// The lock file's name while it is being made and locked.
const WRITING_NEW: &str = ".writing.new";
/// Where the parent folder cannot be locked, a temporary folder whose writer cannot be told (empty, no lock file
/// yet) is left alone this long: its writer may be between creating the folder and its lock file.
const UNKNOWN_GRACE: Duration = Duration::from_secs(600);

/// An output folder being written.
pub struct AtomicDir {
    target: PathBuf,
    tmp: PathBuf,
    /// Locked while this writer lives; dropped (unlocked) last.
    writing: Option<File>,
}

/// A suffix no other call in this process returns, and unlikely in any other process: the pid, the clock and a
/// counter. Callers still claim names with an atomic create and retry, so a clash costs only a retry.
pub fn unique_suffix() -> String {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{}-{nanos:08x}{n}", std::process::id())
}

/// Flushes a folder's entries to disk (`fsync` of the folder), so a rename or a new file in it survives a power
/// cut. A file system that cannot flush folders (it says so with "unsupported" or "invalid") is not an error.
pub fn sync_dir(dir: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        let result = File::open(dir).and_then(|f| f.sync_all());
        match result {
            Err(e) if !matches!(e.kind(), ErrorKind::Unsupported | ErrorKind::InvalidInput) => {
                return Err(Error::io("cannot flush folder", dir, e));
            }
            _ => {}
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes one file so that it is never seen half-written: the bytes go to a temporary sibling
/// `.<name>.tmp-<suffix>` (created new, so no other writer shares it), are flushed, and the file is renamed over
/// `target`; the parent folder is flushed after, so the rename survives a power cut. On failure the temporary
/// file is removed and `target` is as it was.
pub fn write_file(target: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io("cannot create folder", parent, e))?;
    let name = target.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
    let written = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .and_then(|mut f| f.write_all(bytes).and_then(|_| f.sync_all()))
        .map_err(|e| Error::io("cannot write", &tmp, e))
        .and_then(|_| {
            std::fs::rename(&tmp, target)
                .map_err(|e| Error::io("cannot rename into place", target, e))
        });
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(parent)
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
        // Clean-up by others waits while this writer's folder is empty and unlocked.
        let claiming = ParentLock::shared(parent);
        let tmp = claim_tmp(parent, name)?;
        let writing = lock_writing(&tmp).inspect_err(|_| {
            let _ = std::fs::remove_dir_all(&tmp);
        })?;
        drop(claiming);
        Ok(AtomicDir {
            target: target.to_path_buf(),
            tmp,
            writing: Some(writing),
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
        use std::io::Write;
        let path = self.tmp.join(name);
        // Names may hold sub-folders (`<scenario>/summary.json` in an overnight run's folder).
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io("cannot create folder", parent, e))?;
        }
        let mut f = File::create(&path).map_err(|e| Error::io("cannot create", &path, e))?;
        f.write_all(bytes)
            .and_then(|_| f.sync_all())
            .map_err(|e| Error::io("cannot write", &path, e))
    }

    /// Puts the folder in place of `target`, durably.
    ///
    /// On Linux an existing folder is swapped with the new one in one `renameat2(RENAME_EXCHANGE)` call, so there
    /// is no moment at which the final name is missing. Elsewhere (or on a file system without it) the old folder
    /// is moved aside first; a crash between the two renames leaves it as `.<name>.tmp-<id>.old`, which the next
    /// [`AtomicDir::new`] for the same target puts back. Either way the parent folder is flushed after the swap.
    pub fn commit(mut self) -> Result<PathBuf, Error> {
        sync_tree(&self.tmp)?;
        let parent = self.tmp.parent().unwrap_or(Path::new(".")).to_path_buf();
        if self.target.exists() && exchange(&self.tmp, &self.target) {
            self.finish(&parent)?;
            // The old folder now has the temporary name.
            discard(&self.tmp);
            return Ok(self.target.clone());
        }
        let old = self.tmp.with_extension("old");
        if self.target.exists() {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io("cannot move aside", &self.target, e))?;
        }
        std::fs::rename(&self.tmp, &self.target)
            .map_err(|e| Error::io("cannot rename into place", &self.target, e))?;
        self.finish(&parent)?;
        if old.exists() {
            discard(&old);
        }
        Ok(self.target.clone())
    }

    /// After the swap: the lock file leaves the final folder, and both folders' entries are flushed.
    fn finish(&mut self, parent: &Path) -> Result<(), Error> {
        let _ = std::fs::remove_file(self.target.join(WRITING));
        sync_dir(&self.target)?;
        sync_dir(parent)?;
        self.writing = None;
        Ok(())
    }
}

/// Removes a folder no one needs, renaming it to `<name>.trash` first: a removal cut short by a kill leaves a
/// folder whose name says it is rubbish, never a half-emptied one that looks like a writer setting up.
fn discard(dir: &Path) {
    let mut trash = dir.as_os_str().to_owned();
    trash.push(".trash");
    let trash = PathBuf::from(trash);
    match std::fs::rename(dir, &trash) {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(&trash);
        }
        Err(_) => {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Claims a fresh temporary folder beside the target: `create_dir` fails on a name that exists, so a clash (the
/// same pid on another host, in the same nanosecond) only costs another try.
fn claim_tmp(parent: &Path, name: &str) -> Result<PathBuf, Error> {
    let mut last = None;
    for _ in 0..100 {
        let tmp = parent.join(format!(".{name}.tmp-{}", unique_suffix()));
        match std::fs::create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => last = Some((tmp, e)),
            Err(e) => return Err(Error::io("cannot create folder", &tmp, e)),
        }
    }
    let (tmp, e) = last.expect("at least one try");
    Err(Error::io("cannot claim a temporary folder", &tmp, e))
}

/// Creates and locks the folder's `.writing` file. It is made under another name and renamed once locked, so
/// another writer's clean-up never finds it unlocked while this writer lives.
fn lock_writing(tmp: &Path) -> Result<File, Error> {
    let fresh = tmp.join(WRITING_NEW);
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&fresh)
        .map_err(|e| Error::io("cannot create", &fresh, e))?;
    file.try_lock()
        .map_err(|e| Error::io("cannot lock", &fresh, std::io::Error::other(e.to_string())))?;
    let path = tmp.join(WRITING);
    std::fs::rename(&fresh, &path).map_err(|e| Error::io("cannot rename", &path, e))?;
    Ok(file)
}

/// Flushes every folder of the tree (files were flushed as they were written), so the new folder's entries are
/// on disk before it takes the final name.
fn sync_tree(dir: &Path) -> Result<(), Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("cannot read", dir, e))?;
    for e in entries.flatten() {
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            sync_tree(&e.path())?;
        }
    }
    sync_dir(dir)
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

/// Whether the writer of a temporary folder still runs, as its `.writing` lock says.
#[derive(Debug, PartialEq)]
enum Writer {
    /// The lock is held.
    Alive,
    /// The lock file is there and free (its writer died), or the folder has content but no lock file (an old
    /// folder swapped out by a commit, whose writer was killed before removing it).
    Gone,
    /// Nothing in it but perhaps the lock file being made: a writer setting up this instant, or one that died
    /// doing so.
    Unknown,
}

fn writer(tmp: &Path) -> Writer {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(tmp.join(WRITING));
    match file {
        Ok(f) => match f.try_lock() {
            Ok(()) => Writer::Gone,
            Err(_) => Writer::Alive,
        },
        Err(e) if e.kind() == ErrorKind::NotFound => {
            // A writer writes nothing before its lock file is in place.
            let setting_up = std::fs::read_dir(tmp).is_ok_and(|d| {
                d.flatten()
                    .all(|e| e.file_name().to_string_lossy() == WRITING_NEW)
            });
            match setting_up {
                true => Writer::Unknown,
                false => Writer::Gone,
            }
        }
        // Unreadable: assume someone is using it.
        Err(_) => Writer::Alive,
    }
}

/// A lock on the parent folder: shared while a writer claims its temporary folder, exclusive while clean-up
/// judges empty ones. `None` inside when the file system refuses locks on folders; callers then fall back on age.
struct ParentLock(Option<File>);

impl ParentLock {
    fn open(parent: &Path) -> Option<File> {
        File::open(parent).ok()
    }

    fn shared(parent: &Path) -> Self {
        ParentLock(Self::open(parent).filter(|f| f.lock_shared().is_ok()))
    }

    fn exclusive(parent: &Path) -> Self {
        ParentLock(Self::open(parent).filter(|f| f.lock().is_ok()))
    }

    fn held(&self) -> bool {
        self.0.is_some()
    }
}

fn older_than(path: &Path, age: Duration) -> bool {
    let modified = std::fs::metadata(path).and_then(|m| m.modified());
    modified.is_ok_and(|t| t.elapsed().is_ok_and(|e| e > age))
}

/// Cleans up after writers of `target` that died (killed, power cut): puts back a previous folder that a crash
/// between the two renames of a fallback commit left aside, and removes their temporary folders and the
/// `.trash` folders whose removal they did not finish. A folder whose writer still holds its lock is left alone,
/// on whichever host that writer runs.
fn recover(parent: &Path, name: &str, target: &Path) {
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    // With no writer claiming a folder, an empty one is a dead writer's.
    let judging = ParentLock::exclusive(parent);
    for e in entries.flatten() {
        let file = e.file_name();
        let file = file.to_string_lossy();
        let Some(rest) = file.strip_prefix(&prefix) else {
            continue;
        };
        if rest.ends_with(".trash") {
            let _ = std::fs::remove_dir_all(e.path());
            continue;
        }
        match rest.strip_suffix(".old") {
            Some(id) => {
                let tmp = parent.join(format!("{prefix}{id}"));
                if writer(&tmp) == Writer::Alive {
                    continue;
                }
                if !target.exists() {
                    let _ = std::fs::rename(e.path(), target);
                } else {
                    discard(&e.path());
                }
            }
            None => {
                let dead = match writer(&e.path()) {
                    Writer::Alive => false,
                    Writer::Gone => true,
                    Writer::Unknown => judging.held() || older_than(&e.path(), UNKNOWN_GRACE),
                };
                if dead {
                    discard(&e.path());
                }
            }
        }
    }
}

impl Drop for AtomicDir {
    fn drop(&mut self) {
        // Not committed (an error on the way): leave nothing behind.
        if self.tmp.exists() {
            discard(&self.tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn two_writers_of_one_target_get_their_own_folders_and_the_last_commit_wins() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let a = AtomicDir::new(&target).unwrap();
        // The second writer's clean-up sees the first one's lock held and leaves its folder alone.
        let b = AtomicDir::new(&target).unwrap();
        assert_ne!(a.tmp, b.tmp);
        assert!(a.tmp.is_dir() && b.tmp.is_dir());
        a.write("x.txt", b"a").unwrap();
        b.write("x.txt", b"b").unwrap();
        a.commit().unwrap();
        b.commit().unwrap();
        assert_eq!(std::fs::read(target.join("x.txt")).unwrap(), b"b");
        assert!(!target.join(WRITING).exists(), "the lock file stays out");
        assert!(hidden(tmp.path()).is_empty(), "{:?}", hidden(tmp.path()));
    }

    #[test]
    fn a_dead_writers_folder_is_removed_and_a_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // A dead writer: its lock file is there and nobody holds it.
        let dead = tmp.path().join(".out.tmp-999-dead");
        std::fs::create_dir(&dead).unwrap();
        std::fs::write(dead.join(WRITING), "").unwrap();
        // An old folder a commit swapped out, its writer killed before removing it: content, no lock file.
        let swapped = tmp.path().join(".out.tmp-999-swapped");
        std::fs::create_dir(&swapped).unwrap();
        std::fs::write(swapped.join("sites.csv"), "old").unwrap();
        // A removal cut short: whatever is left of it is rubbish, even empty.
        let trash = tmp.path().join(".out.tmp-999-x.trash");
        std::fs::create_dir(&trash).unwrap();
        // An empty folder with no writer claiming: a writer killed between creating it and its lock file.
        let empty = tmp.path().join(".out.tmp-999-empty");
        std::fs::create_dir(&empty).unwrap();
        let live = AtomicDir::new(&target).unwrap();
        let other = AtomicDir::new(&target).unwrap();
        assert!(!dead.exists(), "a dead writer's folder is cleaned up");
        assert!(!swapped.exists(), "a swapped-out folder is cleaned up");
        assert!(!trash.exists(), "a cut-short removal is finished");
        assert!(
            !empty.exists(),
            "an empty folder no one is claiming is cleaned up"
        );
        assert!(live.tmp.exists(), "live folders are kept");
        drop(other);
        drop(live);
    }

    #[test]
    fn an_empty_folder_is_kept_while_a_writer_is_claiming() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        // Another writer between `create_dir` and its lock file holds the parent's shared lock.
        let claiming = ParentLock::shared(tmp.path());
        assert!(claiming.held(), "this file system locks folders");
        let fresh = tmp.path().join(".out.tmp-999-fresh");
        std::fs::create_dir(&fresh).unwrap();
        // Clean-up waits for the claim, so run it on another thread and let the claim finish first.
        let cleaner = std::thread::spawn({
            let target = target.clone();
            move || recover(target.parent().unwrap(), "out", &target)
        });
        std::thread::sleep(Duration::from_millis(100));
        assert!(fresh.exists(), "clean-up waits while a writer claims");
        std::fs::write(fresh.join(WRITING), "").unwrap();
        let lock = File::open(fresh.join(WRITING)).unwrap();
        lock.try_lock().unwrap();
        drop(claiming);
        cleaner.join().unwrap();
        assert!(
            fresh.exists(),
            "a claimed folder whose lock is held is kept"
        );
        drop(lock);
    }

    #[test]
    fn a_folder_moved_aside_by_a_dead_writer_is_put_back() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("out");
        let aside = tmp.path().join(".out.tmp-999-x.old");
        std::fs::create_dir(&aside).unwrap();
        std::fs::write(aside.join("kept.txt"), "previous").unwrap();
        let writer = AtomicDir::new(&target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("kept.txt")).unwrap(),
            "previous"
        );
        drop(writer);
        assert!(hidden(tmp.path()).is_empty());
    }

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_file_is_left() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("sub").join("book.xlsx");
        write_file(&target, b"first").unwrap();
        write_file(&target, b"second").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"second");
        let names: Vec<_> = std::fs::read_dir(tmp.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["book.xlsx"]);
    }
}
