//! The output root of overnight runs: OS file locks, run folder names claimed atomically, and the `latest`
//! pointer. Safe for many processes on many hosts sharing one root (a Slurm array job on a shared file system).
//!
//! - **Locks** are OS locks (`File::try_lock`, `flock` on Linux; over NFS the kernel maps it to a network lock),
//!   which the kernel releases when the holding process ends, however it ends: a crash never leaves the root
//!   stuck, and there is no stale-lock takeover to get wrong across hosts. An unsharded run holds `ROOT/.lock`
//!   exclusively. A shard `i/n` holds `ROOT/.lock` shared and `ROOT/.lock-shard<i>of<n>` exclusively, so the
//!   shards of one array job run side by side, the same shard cannot run twice at once, and an unsharded run and
//!   a sharded run never write into one root at the same time. The holder writes its host, process id, start
//!   time and shard into the file it holds exclusively, only to name itself in another run's refusal; the lock
//!   files are never deleted (deleting a lock file lets two processes hold "the" lock on two different files).
//! - **Run folder names** are claimed with `create_dir` of a hidden marker `ROOT/.<name>.claim`, which fails if
//!   any process made it first; a claim whose final name already holds a finished folder is given back. On a
//!   failed claim the next suffix (`<name>-2`, `-3`, ...) is tried, so two runs never share a folder. Shards add
//!   `-shard<i>of<n>` to the name. The marker is removed once the folder is in place; a run killed before that
//!   leaves an empty marker, which only makes a later run that starts in the same second take the next suffix.
//! - Run folders are written through [`crate::atomic::AtomicDir`]: built beside their final name and
//!   swapped into place when complete, so a folder with a final name is always complete.
//! - `ROOT/latest` is a symbolic link to the newest complete run folder, replaced atomically (a new link is made
//!   under a unique temporary name and renamed over the old one, then the root is flushed) only after the folder
//!   is in place.

use crate::atomic::{sync_dir, unique_suffix};
use crate::error::Error;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

/// Name of the root's lock file.
pub const LOCK: &str = ".lock";
/// Name of the pointer to the newest complete run.
pub const LATEST: &str = "latest";
/// Overrides the host name written into lock files (tests that play two hosts on one machine).
pub const HOST_ENV: &str = "CONSOLIDATE_HOSTNAME";

/// The lock file of shard `i/n`.
pub fn shard_lock(i: usize, n: usize) -> String {
    format!("{LOCK}-shard{i}of{n}")
}

/// The host name written into lock files: `CONSOLIDATE_HOSTNAME` when set, else the system's.
pub fn host_name() -> String {
    if let Some(h) = std::env::var(HOST_ENV).ok().filter(|h| !h.is_empty()) {
        return h;
    }
    #[cfg(unix)]
    {
        let name = rustix::system::uname();
        let name = name.nodename().to_string_lossy();
        if !name.is_empty() {
            return name.into_owned();
        }
    }
    std::env::var("COMPUTERNAME").unwrap_or_else(|_| "unknown host".into())
}

/// Held while a run writes into its root; the kernel releases it when the files are closed or the process ends.
#[derive(Debug)]
pub struct Lock {
    /// The files locked: the root's, then the shard's for a shard. The last is held exclusively and carries this
    /// run's holder text.
    held: Vec<File>,
}

fn open_lock(path: &Path) -> Result<File, Error> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| Error::io("cannot open lock", path, e))
}

/// What a holder wrote into a lock file, or a placeholder when it is empty (being written, or cleared).
fn holder(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let text = text.trim();
    if text.is_empty() {
        "holder not recorded".into()
    } else {
        text.to_string()
    }
}

/// The holders recorded in the shard lock files of `root`, for the refusal of an unsharded run.
fn shard_holders(root: &Path) -> String {
    let prefix = format!("{LOCK}-shard");
    let mut found: Vec<String> = std::fs::read_dir(root)
        .map(|d| {
            d.flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    if found.is_empty() {
        "shards of a sharded run".into()
    } else {
        found.join("; ")
    }
}

fn refuse(root: &Path, who: &str) -> Error {
    Error::Usage(format!(
        "another run ({who}) is writing into {}; wait for it to finish, or use another output root",
        root.display()
    ))
}

/// Takes an exclusive or shared lock, mapping "held by another" to `None`.
fn try_take(file: &File, shared: bool, path: &Path) -> Result<Option<()>, Error> {
    let taken = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    match taken {
        Ok(()) => Ok(Some(())),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(e)) => Err(Error::io("cannot lock", path, e)),
    }
}

/// Records this process as the holder of `file` (for other runs' messages only).
fn record(file: &mut File, shard: Option<(usize, usize)>) {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let shard = shard.map_or(String::new(), |(i, n)| format!(", shard {i}/{n}"));
    let text = format!(
        "host {}, process {}, since {now}{shard}\n",
        host_name(),
        std::process::id()
    );
    let _ = file
        .set_len(0)
        .and_then(|_| file.write_all(text.as_bytes()));
}

impl Lock {
    /// Takes the root's lock for an unsharded run (`shard` none) or for shard `i/n`, or says who holds it.
    pub fn take(root: &Path, shard: Option<(usize, usize)>) -> Result<Lock, Error> {
        std::fs::create_dir_all(root).map_err(|e| Error::io("cannot create folder", root, e))?;
        let root_path = root.join(LOCK);
        let mut root_file = open_lock(&root_path)?;
        let Some((i, n)) = shard else {
            if try_take(&root_file, false, &root_path)?.is_none() {
                // Held exclusively by an unsharded run (its text) or shared by shards (theirs).
                let text = std::fs::read_to_string(&root_path).unwrap_or_default();
                let who = match text.trim().is_empty() {
                    true => shard_holders(root),
                    false => text.trim().to_string(),
                };
                return Err(refuse(root, &who));
            }
            record(&mut root_file, None);
            return Ok(Lock {
                held: vec![root_file],
            });
        };
        if try_take(&root_file, true, &root_path)?.is_none() {
            return Err(refuse(root, &holder(&root_path)));
        }
        // No unsharded run holds the root now, so any text in its lock file was left by one that crashed.
        let _ = root_file.set_len(0);
        let path = root.join(shard_lock(i, n));
        let mut own = open_lock(&path)?;
        if try_take(&own, false, &path)?.is_none() {
            return Err(refuse(root, &holder(&path)));
        }
        record(&mut own, shard);
        Ok(Lock {
            held: vec![root_file, own],
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Clear the holder text while still holding the lock; closing the files then releases it.
        if let Some(f) = self.held.last() {
            let _ = f.set_len(0);
        }
    }
}

/// The run folder's base name: `<YYYY-MM-DD>T<HHMMSS>Z-<name>` in UTC (no colons, so it is a valid name on every
/// file system), with `-shard<i>of<n>` for a shard.
pub fn run_folder_name(
    start: chrono::DateTime<chrono::Utc>,
    name: &str,
    shard: Option<(usize, usize)>,
) -> String {
    let shard = shard.map_or(String::new(), |(i, n)| format!("-shard{i}of{n}"));
    format!("{}-{name}{shard}", start.format("%Y-%m-%dT%H%M%SZ"))
}

/// A run folder name claimed in the root; the claim's marker is removed on drop.
#[derive(Debug)]
pub struct Claim {
    /// The folder to write (not yet existing).
    pub path: PathBuf,
    marker: PathBuf,
}

/// Claims `ROOT/<base>`, or `<base>-2`, `-3`, ... if taken: see the module documentation.
pub fn claim(root: &Path, base: &str) -> Result<Claim, Error> {
    std::fs::create_dir_all(root).map_err(|e| Error::io("cannot create folder", root, e))?;
    for k in 1..10_000 {
        let name = match k {
            1 => base.to_string(),
            _ => format!("{base}-{k}"),
        };
        let marker = root.join(format!(".{name}.claim"));
        match std::fs::create_dir(&marker) {
            Ok(()) => {
                let path = root.join(&name);
                // A finished folder of this name (its claim long given back) keeps it.
                if path.symlink_metadata().is_ok() {
                    let _ = std::fs::remove_dir(&marker);
                    continue;
                }
                return Ok(Claim { path, marker });
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("cannot claim a run folder", &marker, e)),
        }
    }
    Err(Error::Usage(format!(
        "no free run folder name {base}-<k> in {}: clear out the root",
        root.display()
    )))
}

impl Drop for Claim {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.marker);
    }
}

/// Points `ROOT/latest` at `folder` (a name inside `root`), atomically and durably.
pub fn point_latest(root: &Path, folder: &str) -> Result<(), Error> {
    let tmp = make_link(root, folder)?;
    let latest = root.join(LATEST);
    std::fs::rename(&tmp, &latest).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("cannot replace", &latest, e)
    })?;
    sync_dir(root)
}

/// A new link to `folder` under a temporary name no other process uses (the create fails on a clash).
fn make_link(root: &Path, folder: &str) -> Result<PathBuf, Error> {
    loop {
        let tmp = root.join(format!(".{LATEST}.tmp-{}", unique_suffix()));
        #[cfg(unix)]
        let made = std::os::unix::fs::symlink(folder, &tmp);
        #[cfg(not(unix))]
        let made = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .and_then(|mut f| f.write_all(folder.as_bytes()));
        match made {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("cannot create link", &tmp, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_lock_refuses_and_is_free_again_once_its_holder_is_gone() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = Lock::take(tmp.path(), None).unwrap();
        let text = std::fs::read_to_string(tmp.path().join(LOCK)).unwrap();
        assert!(
            text.contains(&format!("process {}", std::process::id())),
            "{text}"
        );
        // flock locks belong to an open file, so a second take in this process is refused like another process.
        let err = Lock::take(tmp.path(), None).unwrap_err().to_string();
        assert!(
            err.contains("another run (host ") && err.contains("process "),
            "{err}"
        );
        // A holder that crashed leaves its text but not its lock: the kernel released it.
        drop(lock);
        std::fs::write(tmp.path().join(LOCK), "host elsewhere, process 1\n").unwrap();
        let again = Lock::take(tmp.path(), None).unwrap();
        drop(again);
        assert!(
            tmp.path().join(LOCK).exists(),
            "lock files are never deleted"
        );
        assert_eq!(std::fs::read_to_string(tmp.path().join(LOCK)).unwrap(), "");
    }

    #[test]
    fn shards_run_side_by_side_but_not_twice_nor_beside_an_unsharded_run() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let one = Lock::take(root, Some((1, 4))).unwrap();
        let two = Lock::take(root, Some((2, 4))).unwrap();
        let err = Lock::take(root, Some((2, 4))).unwrap_err().to_string();
        assert!(err.contains("shard 2/4"), "{err}");
        let err = Lock::take(root, None).unwrap_err().to_string();
        assert!(
            err.contains("shard 1/4") && err.contains("shard 2/4"),
            "{err}"
        );
        drop((one, two));
        let whole = Lock::take(root, None).unwrap();
        let err = Lock::take(root, Some((3, 4))).unwrap_err().to_string();
        assert!(
            err.contains(&format!("process {}", std::process::id())),
            "{err}"
        );
        drop(whole);
    }

    #[test]
    fn concurrent_claims_of_one_name_get_distinct_folders() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        // A finished folder already holds the plain name.
        std::fs::create_dir(root.join("2026-12-02T061500Z-night")).unwrap();
        let claims: Vec<Claim> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| claim(&root, "2026-12-02T061500Z-night").unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut names: Vec<String> = claims
            .iter()
            .map(|c| c.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 8, "{names:?}");
        assert!(!names.contains(&"2026-12-02T061500Z-night".to_string()));
        drop(claims);
        let left: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "claims are given back");
    }

    #[test]
    fn folder_names_are_utc_without_colons_and_carry_the_shard() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-02T07:15:00+01:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            run_folder_name(t, "night", None),
            "2026-12-02T061500Z-night"
        );
        assert_eq!(
            run_folder_name(t, "night", Some((2, 4))),
            "2026-12-02T061500Z-night-shard2of4"
        );
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
        let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 3, "no temporary link left");
    }
}
