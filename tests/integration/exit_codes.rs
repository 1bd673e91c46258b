//! Clean or not, decided once (`consolidate::solve::clean`): a run whose scenario failed its independent check
//! exits 1 even though every scenario is optimal, as `plan` does; `merge` decides the same way.

use crate::common::{code, copy_dir, data, run};
use std::path::{Path, PathBuf};

/// tiny, estates only, one scenario, run once: the folder it wrote.
fn one_clean_run(tmp: &Path) -> (PathBuf, PathBuf) {
    copy_dir(&data("tiny"), &tmp.join("tiny"));
    std::fs::write(tmp.join("tiny.toml"), "").unwrap();
    let manifest = tmp.join("night.toml");
    std::fs::write(
        &manifest,
        "name = \"checks\"\noutput_root = \"runs\"\nthreads = 1\ntime_limit_s = 30\n\n\
         [[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\n\
         [[scenario]]\nname = \"base\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n",
    )
    .unwrap();
    let res = run(&["run", manifest.to_str().unwrap(), "-q"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let folder = std::fs::read_link(tmp.join("runs/latest")).unwrap();
    (manifest, tmp.join("runs").join(folder))
}

/// Marks every scenario of a run folder's summary as having failed its check (status stays optimal).
fn fail_checks(folder: &Path) {
    let path = folder.join("summary.json");
    let mut doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    for s in doc["scenarios"].as_array_mut().unwrap() {
        assert_eq!(s["status"], "optimal");
        assert_eq!(s["check_ok"], true);
        s["check_ok"] = serde_json::Value::Bool(false);
    }
    std::fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

#[test]
fn run_exits_1_when_a_scenario_failed_its_check_though_every_status_is_optimal() {
    let tmp = tempfile::tempdir().unwrap();
    let (manifest, folder) = one_clean_run(tmp.path());
    fail_checks(&folder);
    // --resume keeps the finished scenario as it is recorded: optimal, check failed.
    let res = run(&[
        "run",
        manifest.to_str().unwrap(),
        "--resume",
        folder.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stderr));
    let out = tmp.path().join("merged");
    let res = run(&[
        "merge",
        folder.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stderr));
}
