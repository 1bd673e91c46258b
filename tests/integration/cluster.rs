//! A cluster rehearsal on one machine: the README's Slurm scripts run word for word (four array tasks started at
//! the same instant on one root, then the merge job), two "hosts" sharing a root (no takeover of a live lock),
//! and a process under a cgroup memory limit (a fake cgroup file) that refuses a model too large for it instead
//! of being killed.

use crate::common::{code, copy_dir, data, generate_sixty_sites, gm_budget_manifest, root, run};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// The `sh` code block of the README whose text contains `marker`, without its list indentation.
fn readme_script(marker: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in readme.lines() {
        match (&mut current, line.trim()) {
            (None, "```sh") => current = Some(Vec::new()),
            (Some(lines), "```") => {
                blocks.push(lines.join("\n"));
                current = None;
            }
            (Some(lines), _) => lines.push(line.strip_prefix("  ").unwrap_or(line)),
            (None, _) => {}
        }
    }
    let found: Vec<String> = blocks.into_iter().filter(|b| b.contains(marker)).collect();
    assert_eq!(found.len(), 1, "one README block holds {marker}");
    found.into_iter().next().unwrap()
}

/// Runs a script with `sh`, `consolidate` on the PATH, the given environment and arguments.
fn sh(script: &str, env: &[(&str, String)], args: &[&str]) -> Output {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_consolidate"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(script).arg("script").args(args);
    cmd.env("PATH", path).current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("sh runs")
}

/// tiny, estates only, and a manifest of a base scenario and a sweep: 8 scenarios of a few milliseconds.
fn tiny_manifest(dir: &Path) -> PathBuf {
    copy_dir(&data("tiny"), &dir.join("tiny"));
    std::fs::write(dir.join("tiny.toml"), "[procurement]\nenabled = false\n").unwrap();
    let manifest = dir.join("night.toml");
    std::fs::write(
        &manifest,
        "name = \"night\"\noutput_root = \"runs\"\nthreads = 2\ntime_limit_s = 30\n\n\
         [[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\n\
         [[scenario]]\nname = \"base\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\n\
         [[sweep]]\nname = \"access\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\
         parameter = \"estates.access.max_km\"\nfrom = 3.0\nto = 6.5\nstep = 0.5\n",
    )
    .unwrap();
    manifest
}

fn summary(folder: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap()).unwrap()
}

fn names(doc: &serde_json::Value) -> Vec<String> {
    doc["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

/// Entries of `dir`, sorted: (hidden, others).
fn entries(dir: &Path) -> (Vec<String>, Vec<String>) {
    let mut all: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    all.sort();
    all.into_iter().partition(|n| n.starts_with('.'))
}

/// True when nobody holds the lock file (call only when no run may be starting).
fn is_free(path: &Path) -> bool {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .unwrap();
    f.try_lock().is_ok()
}

/// Starts the four array tasks of the README's `shards.sh` at the same instant; their outputs, by task.
fn four_tasks_at_once(script: &str, job: &str) -> Vec<Output> {
    let gate = Barrier::new(4);
    std::thread::scope(|s| {
        let tasks: Vec<_> = (0..4)
            .map(|task| {
                let gate = &gate;
                s.spawn(move || {
                    let env = [
                        ("SLURM_ARRAY_JOB_ID", job.to_string()),
                        ("SLURM_ARRAY_TASK_ID", task.to_string()),
                        ("SLURM_ARRAY_TASK_COUNT", "4".to_string()),
                    ];
                    gate.wait();
                    sh(script, &env, &[])
                })
            })
            .collect();
        tasks.into_iter().map(|t| t.join().unwrap()).collect()
    })
}

#[test]
fn the_readme_slurm_recipe_runs_four_shards_at_once_and_merges_every_scenario_once() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = tiny_manifest(tmp.path());
    let shared = tmp.path().join("shared-runs");
    let local = |s: String| {
        s.replace("models/overnight.toml", manifest.to_str().unwrap())
            .replace("/shared/runs", shared.to_str().unwrap())
    };
    let shards = local(readme_script("# shards.sh"));
    let merge = local(readme_script("# merge.sh"));
    let outs = four_tasks_at_once(&shards, "4242");
    for (task, out) in outs.iter().enumerate() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(out), 0, "task {task} refused or failed: {err}");
    }
    let root = shared.join("4242");
    let (hidden, finals) = entries(&root);
    // Nothing left but the lock files (all free now): no claim, no temporary folder.
    let locks: Vec<String> = [".lock"]
        .into_iter()
        .map(String::from)
        .chain((1..=4).map(|k| format!(".lock-shard{k}of4")))
        .collect();
    assert_eq!(hidden, locks, "leftovers in {}", root.display());
    assert!(hidden.iter().all(|l| is_free(&root.join(l))));
    // One folder per shard, each named for its shard, each complete.
    let folders: Vec<&String> = finals.iter().filter(|n| *n != "latest").collect();
    assert_eq!(folders.len(), 4, "{finals:?}");
    for k in 1..=4 {
        let f = folders
            .iter()
            .find(|n| n.ends_with(&format!("Z-night-shard{k}of4")))
            .unwrap_or_else(|| panic!("shard {k} folder in {folders:?}"));
        let doc = summary(&root.join(f));
        assert_eq!(doc["shard"], format!("{k}/4"));
        for n in names(&doc) {
            assert!(root.join(f).join(&n).join("sites.csv").is_file(), "{f}/{n}");
        }
    }
    let out = sh(&merge, &[], &["4242"]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    // Every scenario exactly once, in manifest order, with the plans of one unsharded run.
    let whole = tmp.path().join("whole");
    let res = run(&[
        "run",
        manifest.to_str().unwrap(),
        "-q",
        "--out-root",
        whole.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0);
    let whole = whole.join(std::fs::read_link(whole.join("latest")).unwrap());
    let merged = root.join("merged");
    let expected = names(&summary(&whole));
    assert_eq!(expected.len(), 9);
    assert_eq!(names(&summary(&merged)), expected);
    for n in &expected {
        assert_eq!(
            std::fs::read(merged.join(n).join("sites.csv")).unwrap(),
            std::fs::read(whole.join(n).join("sites.csv")).unwrap(),
            "{n}"
        );
    }
    // Nothing deleted: the four shard folders are still there beside the merged one.
    let (_, after) = entries(&root);
    for f in &folders {
        assert!(after.contains(f), "{f} gone after the merge");
    }
}

/// `consolidate run MANIFEST --shard SHARD` on the shared root as host `host`.
fn node(host: &str, manifest: &Path, shared: &Path, shard: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_consolidate"));
    cmd.args(["run", manifest.to_str().unwrap(), "-q", "--shard", shard])
        .arg("--out-root")
        .arg(shared)
        .env("CONSOLIDATE_HOSTNAME", host)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    cmd
}

/// Sends a signal (`-STOP`, `-CONT`) to a process.
fn signal(pid: u32, sig: &str) -> bool {
    Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .is_ok_and(|s| s.success())
}

/// A child stopped with SIGSTOP until this is dropped (also when an assertion fails, so it is never left stopped).
struct Stopped(u32);

impl Stopped {
    fn new(child: &Child) -> Stopped {
        assert!(signal(child.id(), "-STOP"), "SIGSTOP");
        Stopped(child.id())
    }
}

impl Drop for Stopped {
    fn drop(&mut self) {
        signal(self.0, "-CONT");
    }
}

/// Waits until `path` names `host` as its holder.
fn wait_held_by(path: &Path, host: &str, child: &mut Child) {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(60) {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(&format!("host {host},")) {
            return;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "{host} ended before it held the lock"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    panic!("{host} never held {}", path.display());
}

#[test]
fn two_hosts_on_one_root_never_take_over_a_live_lock() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = gm_budget_manifest(tmp.path(), 8);
    let shared = tmp.path().join("shared");
    let mut a = node("node-a", &manifest, &shared, "1/2").spawn().unwrap();
    wait_held_by(&shared.join(".lock-shard1of2"), "node-a", &mut a);
    // node-a stops dead while holding its lock (a hung node; SIGSTOP keeps its locks), so what follows happens
    // while it holds the lock, however fast or slow this machine is.
    let stopped = Stopped::new(&a);
    // node-b asks for the shard node-a is running: refused, naming node-a; node-a's lock is not taken over.
    let b = node("node-b", &manifest, &shared, "1/2").output().unwrap();
    let err = String::from_utf8_lossy(&b.stderr);
    assert_eq!(code(&b), 2, "{err}");
    assert!(
        err.contains("another run (host node-a, process ") && err.contains("shard 1/2"),
        "{err}"
    );
    // The other shard runs beside it, on the same root.
    let b = node("node-b", &manifest, &shared, "2/2").output().unwrap();
    assert_eq!(code(&b), 0, "{}", String::from_utf8_lossy(&b.stderr));
    drop(stopped);
    let a = a.wait_with_output().unwrap();
    assert_eq!(code(&a), 0, "{}", String::from_utf8_lossy(&a.stderr));
    // Both shards complete; merged, every scenario once.
    let merged = tmp.path().join("merged");
    let res = run(&[
        "merge",
        shared.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let doc = summary(&merged);
    assert_eq!(names(&doc).len(), 8);
    assert!(
        doc["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["status"] == "optimal")
    );
    let (_, finals) = entries(&shared);
    for (host, k) in [("node-a", 1), ("node-b", 2)] {
        let f = finals
            .iter()
            .find(|n| n.ends_with(&format!("-shard{k}of2")))
            .unwrap();
        let log = std::fs::read_to_string(shared.join(f).join("run.log")).unwrap();
        assert!(log.contains(&format!("on host {host}, process ")), "{log}");
    }
}

/// A fake cgroup file system whose (v2 or v1) limit is `mib` MiB.
fn fake_cgroup(dir: &Path, v1: bool, mib: u64) -> PathBuf {
    let root = dir.join(if v1 { "cgroup-v1" } else { "cgroup-v2" });
    let file = match v1 {
        true => root.join("memory/memory.limit_in_bytes"),
        false => root.join("memory.max"),
    };
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, format!("{}\n", mib << 20)).unwrap();
    root
}

fn plan_in_cgroup(dir: &Path, cgroup: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(["plan", dir.to_str().unwrap(), "-q", "--out"])
        .arg(out)
        .env("CONSOLIDATE_CGROUP_ROOT", cgroup)
        .current_dir(root())
        .output()
        .unwrap()
}

#[test]
fn under_a_cgroup_memory_limit_a_too_large_model_is_refused_not_killed() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("gen");
    generate_sixty_sites(&big);
    for v1 in [false, true] {
        // 4 MiB: far below the machine's memory, above tiny's model, below the generated one's (about 9 MiB).
        let cgroup = fake_cgroup(tmp.path(), v1, 4);
        let out = tmp.path().join(format!("out-big-{v1}"));
        let started = Instant::now();
        let res = plan_in_cgroup(&big, &cgroup, &out);
        let err = String::from_utf8_lossy(&res.stderr);
        assert_eq!(code(&res), 2, "v1 {v1}: {err}");
        assert!(
            err.contains("would need about")
                && err.contains("above the 3 MiB allowed (--max-memory)"),
            "v1 {v1}: {err}"
        );
        assert!(!out.exists(), "nothing written");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "refused before solving"
        );
        let small = tmp.path().join(format!("out-tiny-{v1}"));
        let res = plan_in_cgroup(&data("tiny"), &cgroup, &small);
        assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    }
}
