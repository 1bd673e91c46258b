//! Helpers shared by the integration tests: running the binary, copying data sets.

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder under `tests/data`.
pub fn data(name: &str) -> PathBuf {
    root().join("tests/data").join(name)
}

/// Runs the `consolidate` binary with the repository root as working directory.
pub fn run(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_consolidate"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the consolidate binary runs")
}

/// The exit code of a finished run.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally, not by a signal")
}

/// `plan DIR --out <a fresh folder> -q` with `extra` arguments: the run and the output folder (kept while the
/// returned folder lives).
pub fn plan_fresh(dir: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf, Output) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let args = [
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    let res = run(&[&args[..], extra].concat());
    (tmp, out, res)
}

/// Copies every file of `from` (not sub-folders) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// Runs `validate --format json` and parses the report.
pub fn validate_json(dir: &Path) -> (i32, serde_json::Value) {
    let out = run(&["validate", dir.to_str().unwrap(), "--format", "json"]);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "validate printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (code(&out), json)
}

/// A manifest `DIR/gm-night.toml` of `points` estates-only GM scenarios (a capital-budget sweep without the award
/// and the shared-services decision, writing under `DIR/runs`: these tests are about the run, not the models).
/// The budgets start at GBP 30m a year, where none binds, so each scenario is the quick GM estates model (about
/// 2 s in a release build, 6 s in a test build); from GBP 1m a tight budget took a test build 18 s, and over 60 s
/// beside other tests in CI, with the councils' office estates (2026-12-07).
pub fn gm_budget_manifest(dir: &Path, points: usize) -> PathBuf {
    let manifest = dir.join("gm-night.toml");
    std::fs::write(
        &manifest,
        format!(
            "name = \"gm-night\"\noutput_root = \"runs\"\nthreads = 2\ntime_limit_s = 60\n\n\
             [[dataset]]\nname = \"gm\"\ndir = \"{}\"\n\n\
             [[sweep]]\nname = \"budget\"\ndataset = \"gm\"\nmodel = \"{}\"\n\
             overrides = {{ \"procurement.enabled\" = false, \"shared_services.enabled\" = false }}\n\
             parameter = \"estates.budget.capital_per_year\"\nfrom = 30000000.0\nto = {}.0\nstep = 1000000.0\n",
            root().join("inputs/greater-manchester").display(),
            root().join("models/greater-manchester.toml").display(),
            29_000_000 + points * 1_000_000
        ),
    )
    .unwrap();
    manifest
}

/// `consolidate generate` of a 60-site estates case (150 teams, 100 zones, seed 7) into `dir`: larger than a
/// small memory limit allows.
pub fn generate_sixty_sites(dir: &Path) {
    let res = run(&[
        "generate",
        "--sites",
        "60",
        "--teams",
        "150",
        "--zones",
        "100",
        "--seed",
        "7",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
}

/// Solves the estates model (with its shared services) with microlp to proven optimality: gap 0, a generous time
/// limit, one thread.
pub fn solve_to_optimality(
    data: &consolidate::domain::Dataset,
    model: &consolidate::model_config::ModelConfig,
) -> consolidate::estates::EstatesResult {
    use consolidate::solve::{Backend, Limits};
    let opts = consolidate::estates::SolveOptions {
        backend: Backend::Microlp,
        limits: Limits::new(60.0, 0.0, 1),
        greedy_only: false,
    };
    consolidate::estates::solve(data, model, opts, &mut |_| {})
}
