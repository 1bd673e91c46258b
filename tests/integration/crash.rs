//! Crash safety and resource limits: `plan` and `run` killed with SIGKILL at spread-out moments while they solve
//! and write, and inputs too large to hold refused before they are read or built. After
//! every kill the previous complete output must still be there, whole, under its final name; nothing with a final
//! name may be partial (only hidden `.<name>.tmp-<pid>` folders may be left, and the next write cleans them up).

use crate::common::{code, copy_dir, data, generate_sixty_sites, run};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The files `plan` writes for tiny with the award on.
const PLAN_FILES: [&str; 7] = [
    "summary.json",
    "sites.csv",
    "moves.csv",
    "awards.csv",
    "report.md",
    "report.html",
    "shares.csv",
];

/// tiny with the award on, as (temp dir, data set, model file).
fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    let model = tmp.path().join("tiny.toml");
    std::fs::write(&model, "[procurement]\nenabled = true\n").unwrap();
    (tmp, dir, model)
}

/// Moments to kill at: spread over `span`, from 0 to a little past it, with a fixed jitter so they do not all
/// fall on round numbers.
fn moments(span: Duration, n: u32) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let jitter = (i * 7919 % 13) as f64 / 13.0;
            span.mul_f64((i as f64 + jitter) / n as f64 * 1.2)
        })
        .collect()
}

/// Starts `consolidate ARGS` and kills it with SIGKILL after `at`.
fn kill_after<S: AsRef<std::ffi::OsStr>>(args: &[S], at: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(at);
    let _ = child.kill();
    let _ = child.wait();
}

/// Names in `folder` that are not hidden temporaries.
fn final_names(folder: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    v.sort();
    v
}

/// Every plan file, read whole; summary.json must parse.
fn plan_contents(out: &Path) -> Vec<(String, Vec<u8>)> {
    let files: Vec<(String, Vec<u8>)> = PLAN_FILES
        .iter()
        .map(|f| {
            let bytes = std::fs::read(out.join(f))
                .unwrap_or_else(|e| panic!("{f} missing from {}: {e}", out.display()));
            (f.to_string(), bytes)
        })
        .collect();
    let summary: serde_json::Value =
        serde_json::from_slice(&files[0].1).expect("summary.json parses");
    assert_eq!(summary["status"], "optimal");
    files
}

#[test]
fn sigkill_during_plan_leaves_the_previous_plan_whole() {
    let (tmp, dir, model) = setup();
    let out = tmp.path().join("out");
    let args = |out: &Path| {
        vec![
            "plan".to_string(),
            dir.display().to_string(),
            "--model".into(),
            model.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "-q".into(),
        ]
    };
    let started = Instant::now();
    let first = run(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    let span = started.elapsed();
    assert_eq!(
        code(&first),
        0,
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let before = plan_contents(&out);
    let stable: Vec<&str> = ["sites.csv", "moves.csv", "awards.csv", "shares.csv"].to_vec();
    for (i, at) in moments(span, 10).into_iter().enumerate() {
        kill_after(&args(&out), at);
        assert_eq!(
            final_names(tmp.path()),
            ["out", "tiny", "tiny.toml"],
            "kill {i} at {at:?}"
        );
        // Whichever run's folder holds the name, it is whole; the solve is deterministic, so the plan files match.
        let now = plan_contents(&out);
        for ((name, a), (_, b)) in before.iter().zip(&now) {
            if stable.contains(&name.as_str()) {
                assert_eq!(a, b, "{name} after kill {i} at {at:?}");
            }
        }
    }
    // The next complete run cleans up whatever the killed ones left.
    let last = run(&args(&out).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&last), 0);
    let hidden: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "left behind: {hidden:?}");
}

#[test]
fn sigkill_during_run_leaves_latest_on_a_complete_folder() {
    let (tmp, _dir, _model) = setup();
    let manifest = tmp.path().join("night.toml");
    std::fs::write(
        &manifest,
        "name = \"night\"\noutput_root = \"runs\"\nthreads = 2\ntime_limit_s = 30\n\n\
         [[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\n\
         [[sweep]]\nname = \"access\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\
         parameter = \"estates.access.max_km\"\nfrom = 3.0\nto = 7.0\nstep = 0.5\n",
    )
    .unwrap();
    let root = tmp.path().join("runs");
    let started = Instant::now();
    let first = run(&["run", manifest.to_str().unwrap(), "-q"]);
    let span = started.elapsed();
    assert_eq!(
        code(&first),
        0,
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for (i, at) in moments(span, 8).into_iter().enumerate() {
        kill_after(&["run", manifest.to_str().unwrap(), "-q"], at);
        // `latest` points at a complete folder: its summary.json parses and lists every scenario's folder.
        let latest = std::fs::read_link(root.join("latest")).expect("latest is a link");
        let folder = root.join(latest);
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(folder.join("summary.json")).unwrap())
                .unwrap_or_else(|e| panic!("kill {i} at {at:?}: summary.json: {e}"));
        let scenarios = summary["scenarios"].as_array().unwrap();
        assert_eq!(scenarios.len(), 9, "kill {i} at {at:?}");
        for s in scenarios {
            let name = s["name"].as_str().unwrap();
            assert!(
                folder.join(name).join("summary.json").is_file(),
                "kill {i} at {at:?}: {name} incomplete"
            );
        }
        // Every dated folder with a final name is complete (has its summary and index).
        for name in final_names(&root) {
            if name != "latest" {
                assert!(root.join(&name).join("index.html").is_file(), "{name}");
                assert!(root.join(&name).join("summary.json").is_file(), "{name}");
            }
        }
        // A run killed mid-way holds no lock after it: the kernel releases an OS lock with its process (run_cli).
    }
}

#[test]
fn a_model_too_large_for_max_memory_is_refused_before_it_is_built() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("gen");
    generate_sixty_sites(&dir);
    let out = tmp.path().join("out");
    let started = Instant::now();
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--max-memory",
        "1",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(code(&res), 2, "{err}");
    assert!(
        err.contains("would need about") && err.contains("--max-memory"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
    // Refused from the estimate, not after a solve (which takes minutes on this case).
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn a_data_file_too_large_to_read_is_refused_by_its_size() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
    // A sparse file: 1 GiB and a byte on disk costs nothing, and is never read.
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(tmp.path().join("teams.csv"))
        .unwrap();
    f.set_len((1 << 30) + 1).unwrap();
    let (status, json) = crate::common::validate_json(tmp.path());
    assert_eq!(status, 2);
    let hit = json["findings"].as_array().unwrap().iter().any(|f| {
        f["code"] == "E1002"
            && f["file"] == "teams.csv"
            && f["cause"].as_str().unwrap().contains("above the 1024 MiB")
    });
    assert!(hit, "{json}");
}
