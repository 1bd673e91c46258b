//! `consolidate run`: dated complete folders, `latest`, provenance, the lock, bad manifests, SIGTERM and SIGKILL,
//! resuming and shards.

use crate::common::{code, copy_dir, data, run};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// tiny (award on) and a manifest with a base scenario and a sweep of access distance with `points` values.
fn setup(points: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    std::fs::write(
        tmp.path().join("tiny.toml"),
        "[procurement]\nenabled = true\n",
    )
    .unwrap();
    let step = 4.0 / (points.max(2) - 1) as f64;
    let manifest = tmp.path().join("night.toml");
    std::fs::write(
        &manifest,
        format!(
            "name = \"tiny-night\"\noutput_root = \"runs\"\nthreads = 2\ntime_limit_s = 30\n\n\
             [[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\n\
             [[scenario]]\nname = \"base\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\n\
             [[sweep]]\nname = \"access\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\
             parameter = \"estates.access.max_km\"\nfrom = 3.0\nto = 7.0\nstep = {step}\n"
        ),
    )
    .unwrap();
    let root = tmp.path().join("runs");
    (tmp, manifest, root)
}

/// A manifest of `points` estates-only GM scenarios (a few seconds each): long enough to signal mid-run.
fn setup_gm(points: usize) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = crate::common::gm_budget_manifest(tmp.path(), points);
    let root = tmp.path().join("runs");
    (tmp, manifest, root)
}

fn summary(folder: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap()).unwrap()
}

/// Run folders with a final name (not temporary, not `latest`).
fn finals(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.retain(|p| {
        let n = p.file_name().unwrap().to_string_lossy().to_string();
        !n.starts_with('.') && n != "latest"
    });
    v.sort();
    v
}

fn latest(root: &Path) -> PathBuf {
    root.join(std::fs::read_link(root.join("latest")).unwrap())
}

fn spawn(manifest: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(["run", manifest.to_str().unwrap(), "-q"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn wait(child: &mut Child, limit: Duration) -> Option<i32> {
    let t = Instant::now();
    while t.elapsed() < limit {
        if let Some(s) = child.try_wait().unwrap() {
            return s.code();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("the run did not stop within {limit:?}");
}

/// Waits until the run has started writing (its temporary folder exists), so a signal lands mid-run.
fn wait_started(root: &Path) {
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(30) {
        let started = std::fs::read_dir(root)
            .map(|d| {
                d.flatten()
                    .any(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            })
            .unwrap_or(false);
        if started {
            std::thread::sleep(Duration::from_millis(300));
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("the run never started writing");
}

fn sha256(path: &Path) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

#[test]
fn a_run_writes_a_dated_complete_folder_with_provenance_and_latest() {
    let (_tmp, manifest, root) = setup(5);
    let res = run(&["run", manifest.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    let folders = finals(&root);
    assert_eq!(folders.len(), 1, "{folders:?}");
    let name = folders[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    // <YYYY-MM-DD>T<HHMMSS>Z-<name>, in UTC
    assert_eq!(name.len(), "2026-01-01T000000Z-tiny-night".len(), "{name}");
    assert!(
        name.ends_with("Z-tiny-night") && &name[10..11] == "T",
        "{name}"
    );
    assert_eq!(latest(&root), folders[0]);
    let s = summary(&folders[0]);
    assert_eq!(s["schema"], "consolidate.run/1");
    assert_eq!(s["status"], "optimal");
    assert_eq!(s["manifest"]["sha256"], sha256(&manifest));
    let inputs = s["inputs"].as_array().unwrap();
    assert!(
        inputs
            .iter()
            .any(|i| i["path"].as_str().unwrap().ends_with("sites.csv"))
    );
    assert!(
        inputs
            .iter()
            .any(|i| i["path"].as_str().unwrap().ends_with("tiny.toml"))
    );
    assert_eq!(s["solver"]["name"], "microlp");
    for key in ["started", "finished"] {
        let t = s[key].as_str().unwrap();
        assert!(t.ends_with('Z'), "{key} in UTC: {t}");
        chrono::DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{key} {t}: {e}"));
    }
    let scenarios = s["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 6);
    for sc in scenarios {
        assert_eq!(sc["status"], "optimal", "{sc}");
        assert_eq!(sc["check_ok"], true, "{sc}");
        let dir = folders[0].join(sc["name"].as_str().unwrap());
        for f in ["summary.json", "sites.csv", "awards.csv", "report.html"] {
            assert!(dir.join(f).is_file(), "{}/{f}", dir.display());
        }
    }
    for f in ["index.html", "run.log"] {
        assert!(folders[0].join(f).is_file(), "{f}");
    }
    let index = std::fs::read_to_string(folders[0].join("index.html")).unwrap();
    assert!(index.contains("Pareto fronts") && index.contains("href=\"base/report.html\""));
    // The same manifest again: a second folder, the same plans byte for byte; latest moves to it.
    let res = run(&["run", manifest.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0);
    let folders = finals(&root);
    assert_eq!(folders.len(), 2);
    assert_eq!(latest(&root), folders[1]);
    for sc in scenarios {
        let n = sc["name"].as_str().unwrap();
        for f in ["sites.csv", "moves.csv", "awards.csv"] {
            let a = std::fs::read(folders[0].join(n).join(f)).unwrap();
            let b = std::fs::read(folders[1].join(n).join(f)).unwrap();
            assert!(a == b, "{n}/{f} differs between two runs");
        }
    }
}

#[test]
fn a_bad_manifest_exits_2_and_writes_nothing_and_a_held_lock_refuses() {
    let (_tmp, manifest, root) = setup(3);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("threads = 2", "threads = 0")).unwrap();
    let res = run(&["run", manifest.to_str().unwrap()]);
    assert_eq!(code(&res), 2);
    assert!(!root.exists(), "nothing is written for a bad manifest");
    std::fs::write(&manifest, &text).unwrap();
    std::fs::create_dir_all(&root).unwrap();
    // Another process holds the root's OS lock (this test stands in for it): the run refuses and names the holder
    // that lock's file records.
    let held = lock_file(&root.join(".lock"));
    held.try_lock().unwrap();
    std::fs::write(root.join(".lock"), "host elsewhere, process 1\n").unwrap();
    let res = run(&["run", manifest.to_str().unwrap()]);
    assert_eq!(code(&res), 2);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("another run (host elsewhere, process 1)"),
        "{err}"
    );
    assert!(finals(&root).is_empty(), "nothing written");
    // A holder that crashed leaves its text but the kernel releases its lock: the next run goes ahead.
    drop(held);
    let res = run(&["run", manifest.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    assert!(is_free(&root.join(".lock")), "the lock is released");
}

/// A lock file opened as the runs open it.
fn lock_file(path: &Path) -> std::fs::File {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .unwrap()
}

/// True when nobody holds the lock (taken and released at once: call only when no run may start).
fn is_free(path: &Path) -> bool {
    lock_file(path).try_lock().is_ok()
}

#[test]
fn sigterm_finishes_the_folder_with_interrupted_scenarios_and_exit_1_then_resume_completes_it() {
    let (_tmp, manifest, root) = setup_gm(30);
    let mut child = spawn(&manifest);
    wait_started(&root);
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let t = Instant::now();
    let rc = wait(&mut child, Duration::from_secs(20));
    assert_eq!(rc, Some(1));
    // The running solves are abandoned, not waited for (0.3 s here; a solve of this debug build takes 3-7 s).
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "stopped within a few seconds: {:?}",
        t.elapsed()
    );
    let folders = finals(&root);
    assert_eq!(folders.len(), 1);
    assert_eq!(latest(&root), folders[0]);
    let s = summary(&folders[0]);
    let scenarios = s["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), 30, "every scenario is recorded");
    let interrupted = scenarios
        .iter()
        .filter(|x| x["status"] == "interrupted")
        .count();
    assert!(interrupted > 0, "the signal landed mid-run");
    for x in scenarios.iter().filter(|x| x["status"] == "optimal") {
        let dir = folders[0].join(x["name"].as_str().unwrap());
        assert!(
            dir.join("report.html").is_file(),
            "a finished scenario is complete"
        );
    }
    assert!(folders[0].join("index.html").is_file() && folders[0].join("run.log").is_file());
    // --resume finishes it: every scenario optimal, in the same folder.
    let res = run(&[
        "run",
        manifest.to_str().unwrap(),
        "--resume",
        folders[0].to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let s = summary(&folders[0]);
    assert!(
        s["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["status"] == "optimal")
    );
}

#[test]
fn sigkill_leaves_no_partial_folder_and_latest_on_the_previous_complete_run() {
    let (_tmp, manifest, root) = setup_gm(30);
    // A first, complete run of a small manifest on the same root.
    let (_t2, small, _) = setup_gm(2);
    let text = std::fs::read_to_string(&small).unwrap();
    let small_here = manifest.with_file_name("small.toml");
    std::fs::write(
        &small_here,
        text.replace("name = \"gm-night\"", "name = \"small\""),
    )
    .unwrap();
    let res = run(&["run", small_here.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let before = finals(&root);
    assert_eq!(before.len(), 1);
    let mut child = spawn(&manifest);
    wait_started(&root);
    child.kill().unwrap();
    let _ = child.wait();
    assert_eq!(
        finals(&root),
        before,
        "no folder with a final name from the killed run"
    );
    assert_eq!(
        latest(&root),
        before[0],
        "latest still points at the complete run"
    );
    assert_eq!(summary(&before[0])["status"], "optimal");
    // The kernel released the killed run's lock: nothing to take over, the next run goes ahead.
    assert!(is_free(&root.join(".lock")));
    let res = run(&["run", small_here.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
}

#[test]
fn two_shards_merged_give_the_same_summary_as_one_unsharded_run() {
    let (tmp, manifest, root) = setup(5);
    let m = manifest.to_str().unwrap();
    let one = tmp.path().join("one");
    let res = run(&["run", m, "-q", "--out-root", one.to_str().unwrap()]);
    assert_eq!(code(&res), 0);
    let mut shards = Vec::new();
    for k in ["1/2", "2/2"] {
        let res = run(&["run", m, "-q", "--shard", k]);
        assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
        shards.push(latest(&root));
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", merged.to_str().unwrap()]);
    let res = run(&args);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    // Everything but timings agrees with the unsharded run.
    let strip = |v: serde_json::Value| -> Vec<serde_json::Value> {
        v["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let mut x = x.clone();
                x["seconds"] = serde_json::Value::Null;
                x
            })
            .collect()
    };
    let whole = summary(&latest(&one));
    let joined = summary(&merged);
    assert_eq!(strip(whole.clone()), strip(joined.clone()));
    assert_eq!(whole["status"], joined["status"]);
    assert_eq!(whole["manifest"], joined["manifest"]);
    for sc in whole["scenarios"].as_array().unwrap() {
        let n = sc["name"].as_str().unwrap();
        assert_eq!(
            std::fs::read(latest(&one).join(n).join("sites.csv")).unwrap(),
            std::fs::read(merged.join(n).join("sites.csv")).unwrap()
        );
    }
    assert!(merged.join("index.html").is_file());
    // Given the root, merge finds the two shard folders itself (and skips the unsharded one beside them).
    let res = run(&["run", m, "-q"]);
    assert_eq!(code(&res), 0);
    let found = tmp.path().join("found");
    let res = run(&[
        "merge",
        root.to_str().unwrap(),
        "--out",
        found.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(strip(summary(&found)), strip(joined.clone()));
    // One shard alone is refused: the other is missing.
    let res = run(&[
        "merge",
        shards[0].to_str().unwrap(),
        "--out",
        found.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("shard 2/2 missing"));
    // A shard's folder is resumed as that shard, never as the whole run.
    let res = run(&["run", m, "-q", "--resume", shards[0].to_str().unwrap()]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("written with --shard 1/2"));
    let res = run(&[
        "run",
        m,
        "-q",
        "--shard",
        "1/2",
        "--resume",
        shards[0].to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(strip(summary(&shards[0])).len(), 3);
    // A shard given twice is refused.
    let res = run(&[
        "merge",
        shards[0].to_str().unwrap(),
        shards[0].to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 2);
}

#[test]
fn json_logs_are_one_object_per_line_and_run_log_keeps_them() {
    let (_tmp, manifest, root) = setup(2);
    let res = run(&["run", manifest.to_str().unwrap(), "--log-format", "json"]);
    assert_eq!(code(&res), 0);
    let stderr = String::from_utf8_lossy(&res.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 3, "{stderr}");
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"));
        assert!(
            v["time"].is_string() && v["level"].is_string() && v["message"].is_string(),
            "{l}"
        );
    }
    let log = std::fs::read_to_string(latest(&root).join("run.log")).unwrap();
    assert!(
        log.contains("base: started") && log.contains("DEBUG"),
        "solver detail is kept: {log}"
    );
}

#[test]
fn on_one_worker_each_scenario_ends_before_the_next_starts_award_included() {
    // A scenario's award used to run in a pool of its own; the run's one worker, waiting on it, took up the next
    // scenario inside the first, which then ended (and was timed, and kept its deadline) only when that did.
    let (_tmp, manifest, root) = setup(3);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace("threads = 2", "threads = 1")).unwrap();
    let res = run(&["run", manifest.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    let log = std::fs::read_to_string(latest(&root).join("run.log")).unwrap();
    let events: Vec<(String, bool)> = log
        .lines()
        .filter_map(|l| {
            let (_, rest) = l.split_once(" INFO ")?;
            let (name, what) = rest.split_once(": ")?;
            let started = what == "started";
            (started || what.contains(" in ")).then(|| (name.to_string(), started))
        })
        .collect();
    assert_eq!(events.len(), 8, "4 scenarios started and ended: {log}");
    for pair in events.chunks(2) {
        assert!(
            pair[0].1 && !pair[1].1 && pair[0].0 == pair[1].0,
            "{} starts and ends before the next starts: {log}",
            pair[0].0
        );
    }
    let s = summary(&latest(&root));
    let awarded = s["scenarios"].as_array().unwrap().iter();
    assert!(awarded.clone().all(|x| x["award_npv"].is_number()), "{s}");
}
