//! How much memory a plan may use: `--max-memory` when given, else 80% of the memory this process can really
//! have, which is the lower of the machine's `MemTotal` and its control group's limit. Under a container, a
//! systemd scope (`MemoryMax=`) or Slurm (`--mem`), the cgroup limit is what the kernel enforces by killing the
//! process; refusing an estates model above it before building it gives a coded message instead of a kill.
//!
//! The cgroup is read from `/proc/self/cgroup`: for cgroup v2 (`0::/path`) the `memory.max` files of the
//! process's cgroup and of every ancestor under `/sys/fs/cgroup` (a limit set on a Slurm job applies to its
//! steps), for cgroup v1 (`N:...memory...:/path`) the `memory.limit_in_bytes` files under `/sys/fs/cgroup/memory`
//! likewise; the lowest limit found counts, `max` (or v1's huge "unlimited") does not. Inside a container the
//! cgroup file system shows the container's own cgroup at its root, which the walk up to the root reaches.
//! `CONSOLIDATE_CGROUP_ROOT` replaces `/sys/fs/cgroup`, so a test can point it at a fake cgroup.

use std::path::{Path, PathBuf};

/// Replaces `/sys/fs/cgroup` (for tests).
pub const CGROUP_ROOT_ENV: &str = "CONSOLIDATE_CGROUP_ROOT";
/// Used when neither the machine's memory nor a cgroup limit can be read.
const FALLBACK: u64 = 16 << 30;

/// The memory limit in bytes: `MIB` when given, else 80% of [`available`], else 16 GiB.
pub fn max_memory_bytes(mib: Option<u64>) -> u64 {
    if let Some(m) = mib {
        return m << 20;
    }
    available().map_or(FALLBACK, |b| b / 10 * 8)
}

/// The memory this process can have: the lower of `MemTotal` and its cgroup's limit, when either is known.
pub fn available() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let proc_cgroup = std::fs::read_to_string("/proc/self/cgroup").unwrap_or_default();
    let root = std::env::var_os(CGROUP_ROOT_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/sys/fs/cgroup"));
    lowest(mem_total(&meminfo), cgroup_limit(&root, &proc_cgroup))
}

fn lowest(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// `MemTotal` from the text of `/proc/meminfo`, in bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map(|kib| kib * 1024)
}

/// The lowest memory limit over the process's cgroups (v2 and v1) and their ancestors, given the cgroup file
/// system's root and the text of `/proc/self/cgroup`.
pub fn cgroup_limit(root: &Path, proc_cgroup: &str) -> Option<u64> {
    let mut limit = None;
    for line in proc_cgroup.lines() {
        let mut parts = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let found = if id == "0" && controllers.is_empty() {
            walk_up(root, path, "memory.max")
        } else if controllers.split(',').any(|c| c == "memory") {
            walk_up(&root.join("memory"), path, "memory.limit_in_bytes")
        } else {
            None
        };
        limit = lowest(limit, found);
    }
    limit
}

/// The lowest limit in `file` in the folder of `path` under `base` and in each of its ancestors up to `base`.
fn walk_up(base: &Path, path: &str, file: &str) -> Option<u64> {
    let mut dir = PathBuf::from(path.trim().trim_start_matches('/'));
    let mut limit = None;
    loop {
        limit = lowest(limit, read_limit(&base.join(&dir).join(file)));
        if !dir.pop() {
            return limit;
        }
    }
}

/// A limit file's value in bytes; `max` means none.
fn read_limit(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.trim().parse::<u64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn v2_takes_the_lowest_limit_of_the_cgroup_and_its_ancestors() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let job = root.join("system.slice/slurmstepd.scope/job_42");
        write(&job.join("memory.max"), "4294967296\n");
        write(&job.join("step_0/memory.max"), "max\n");
        let cg = "0::/system.slice/slurmstepd.scope/job_42/step_0\n";
        assert_eq!(cgroup_limit(root, cg), Some(4 << 30));
        // No limit anywhere (the host's root cgroup has no memory.max).
        assert_eq!(cgroup_limit(root, "0::/user.slice\n"), None);
    }

    #[test]
    fn v1_reads_memory_limit_in_bytes_and_ignores_unlimited() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(
            &root.join("memory/memory.limit_in_bytes"),
            "9223372036854771712\n",
        );
        write(
            &root.join("memory/docker/abc/memory.limit_in_bytes"),
            "536870912\n",
        );
        let cg = "5:cpuacct,cpu,memory:/docker/abc\n4:pids:/docker/abc\n";
        assert_eq!(cgroup_limit(root, cg), Some(512 << 20));
        // In an unlimited cgroup the "limit" is above the machine's memory, so MemTotal counts.
        let total = mem_total("MemTotal:       24683584 kB\n");
        assert_eq!(total, Some(24683584 * 1024));
        let unlimited = cgroup_limit(root, "5:memory:/\n");
        assert_eq!(lowest(total, unlimited), total);
    }

    #[test]
    fn an_explicit_limit_wins() {
        assert_eq!(max_memory_bytes(Some(3)), 3 << 20);
    }
}
