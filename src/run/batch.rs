//! One overnight run from a loaded manifest: validate every scenario's data before anything is written, take the
//! root's lock, run the scenarios, and write the dated folder (scenario folders, `summary.json`, `index.html`,
//! `run.log`) through an atomic folder, then point `latest` at it.
//!
//! `summary.json` (schema `consolidate.run/1`) records what is needed to audit and repeat the run: the SHA-256 of
//! the manifest, of every model file and of every file of every data set, the solver's name and version, the crate
//! version and git commit when known, threads, limits, shard, start and end times (RFC 3339, UTC) and each
//! scenario's wall time. Files are hashed as they are read, a buffer at a time, so a 1 GiB input is never held
//! in memory.
//!
//! The folder of a new run is `ROOT/<YYYY-MM-DD>T<HHMMSS>Z-<name>[-shard<i>of<n>]`, its name claimed atomically
//! under the root's lock for the run or its shard (see [`folder`]).

use super::execute::{self, ScenarioResult};
use super::folder::{self, Lock};
use super::index;
use super::log::{Log, timestamp};
use super::manifest::{Manifest, Scenario};
use crate::atomic::AtomicDir;
use crate::domain::Dataset;
use crate::error::Error;
use crate::solve::{Backend, Status};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How to run.
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    /// Finish this interrupted run folder instead of starting a new one.
    pub resume: Option<PathBuf>,
    /// Run only the i-th (1-based) of n slices of the scenarios.
    pub shard: Option<(usize, usize)>,
}

/// A finished run.
#[derive(Debug)]
pub struct Finished {
    /// The run folder.
    pub folder: PathBuf,
    /// The run's status: `optimal` when every scenario is.
    pub status: Status,
    /// Per scenario.
    pub results: Vec<ScenarioResult>,
}

impl Finished {
    /// Clean (exit 0): every scenario optimal and its check, when it ran, passed.
    pub fn is_clean(&self) -> bool {
        self.results.iter().all(ScenarioResult::is_clean)
    }
}

/// One input file and its digest.
#[derive(Debug, Serialize, serde::Deserialize, Clone, PartialEq, schemars::JsonSchema)]
pub struct Digested {
    /// The path as given.
    pub path: String,
    /// SHA-256, hex.
    pub sha256: String,
}

/// The schema name and version of a run's `summary.json` (also what `merge` writes).
pub const RUN_SCHEMA: &str = "consolidate.run/1";

/// `summary.json` of a run.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RunSummary<'a> {
    /// Schema name and version.
    #[schemars(extend("const" = RUN_SCHEMA))]
    pub schema: &'static str,
    /// The run's name.
    pub name: &'a str,
    /// `optimal` when every scenario is; otherwise the worst status met.
    pub status: Status,
    /// The manifest and its digest.
    pub manifest: Digested,
    /// Every input file (data sets and model files) and its digest.
    pub inputs: Vec<Digested>,
    /// Solver name and version.
    pub solver: crate::report::SolverInfo,
    /// The crate version.
    pub version: &'static str,
    /// The git commit of the working tree the run started in, when known.
    pub git_commit: Option<String>,
    /// Worker threads.
    pub threads: usize,
    /// Solver time limit per scenario (s).
    pub time_limit_s: f64,
    /// Total time budget (s).
    pub total_time_s: Option<f64>,
    /// `i/n` when sharded.
    pub shard: Option<String>,
    /// Start time (RFC 3339, UTC).
    pub started: String,
    /// End time (RFC 3339, UTC).
    pub finished: String,
    /// Per scenario, in manifest order.
    pub scenarios: &'a [ScenarioResult],
}

/// The SHA-256 of a file, streamed through the hasher (never the whole file in memory).
fn sha256_file(path: &Path) -> Result<Digested, Error> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io("cannot read", path, e))?;
    Ok(Digested {
        path: path.display().to_string(),
        sha256: format!("{:x}", hasher.finalize()),
    })
}

fn inputs(manifest: &Manifest) -> Result<Vec<Digested>, Error> {
    let mut files = BTreeSet::new();
    for s in &manifest.scenarios {
        if let Some(m) = &s.model_path {
            files.insert(m.clone());
        }
        // A workbook data set is one file; a folder's files are each digested.
        if s.dir.is_file() {
            files.insert(s.dir.clone());
            continue;
        }
        let entries = std::fs::read_dir(&s.dir).map_err(|e| Error::io("cannot read", &s.dir, e))?;
        for e in entries.flatten() {
            if e.path().is_file() {
                files.insert(e.path());
            }
        }
    }
    files.iter().map(|f| sha256_file(f)).collect()
}

fn git_commit(dir: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

/// Loads and validates every scenario's data set under its own model; every finding of every scenario is
/// reported before anything is solved or written.
pub fn validate(manifest: &Manifest) -> Result<Vec<Dataset>, Error> {
    let mut data = Vec::new();
    let mut findings = Vec::new();
    let mut errors = 0;
    let mut first_bad = None;
    for s in &manifest.scenarios {
        if let Err(e) = Backend::parse(&s.model.solver.name) {
            return Err(Error::Usage(format!("scenario {}: {e}", s.name)));
        }
        let loaded = crate::input::load(&s.dir, &s.model);
        let n = loaded.errors();
        if n > 0 {
            errors += n;
            first_bad.get_or_insert_with(|| s.dir.clone());
            findings.extend(loaded.findings.iter().cloned());
        }
        data.push(loaded.dataset);
    }
    match first_bad {
        Some(dir) => Err(Error::InvalidInput {
            dir,
            errors,
            findings,
        }),
        None => Ok(data),
    }
}

/// The worst status over scenario results (`optimal` when there are none).
pub fn worst(results: &[ScenarioResult]) -> Status {
    Status::worst(results.iter().map(|r| r.status))
}

/// Runs the manifest (validated data in `data`, one per scenario) and writes the run folder.
pub fn run(
    manifest: &Manifest,
    data: &[Dataset],
    opts: &RunOptions,
    log: &Log,
) -> Result<Finished, Error> {
    let started = chrono::Utc::now();
    let root = &manifest.output_root;
    let _lock = Lock::take(root, opts.shard)?;
    // Resuming: the finished scenarios of the old folder are kept as they are (read before anything is written).
    let previous: Vec<ScenarioResult> = match &opts.resume {
        Some(dir) => super::resume::finished(dir, opts.shard)?,
        None => Vec::new(),
    };
    // A new run claims its folder's name (given back once the folder is in place); a resumed one keeps its own.
    let (target, _claim) = match &opts.resume {
        Some(dir) => (dir.clone(), None),
        None => {
            let base = folder::run_folder_name(started, &manifest.name, opts.shard);
            let claim = folder::claim(root, &base)?;
            (claim.path.clone(), Some(claim))
        }
    };
    let out = AtomicDir::new(&target)?;
    let shard = opts
        .shard
        .map_or(String::new(), |(i, n)| format!(" shard {i}/{n}"));
    log.info(
        None,
        format!(
            "run {}{shard} on host {}, process {}: writing into {}",
            manifest.name,
            folder::host_name(),
            std::process::id(),
            target.display()
        ),
    );
    let results = scenarios(manifest, data, opts, &previous, &out, log)?;
    let status = worst(&results);
    write_summary(manifest, opts, started, status, &results, &out)?;
    log.info(None, format!("run {}: {status}", manifest.name));
    out.write("run.log", log.text().as_bytes())?;
    let folder = out.commit()?;
    // `latest` names a folder inside the root (a resumed folder elsewhere leaves it alone).
    if let (Some(name), Some(parent)) =
        (folder.file_name().and_then(|n| n.to_str()), folder.parent())
        && parent.canonicalize().ok() == root.canonicalize().ok()
    {
        folder::point_latest(root, name)?;
    }
    Ok(Finished {
        folder,
        status,
        results,
    })
}

/// Runs this shard's scenarios into `out` (keeping those of `previous`, the ones a resumed folder finished) and
/// returns every result in manifest order.
fn scenarios(
    manifest: &Manifest,
    data: &[Dataset],
    opts: &RunOptions,
    previous: &[ScenarioResult],
    out: &AtomicDir,
    log: &Log,
) -> Result<Vec<ScenarioResult>, Error> {
    let in_shard = |i: usize| opts.shard.is_none_or(|(k, n)| i % n == k - 1);
    let chosen: Vec<usize> = (0..manifest.scenarios.len())
        .filter(|&i| in_shard(i))
        .collect();
    let mut todo: Vec<(&Scenario, &Dataset)> = Vec::new();
    let mut results: Vec<(usize, ScenarioResult)> = Vec::new();
    for &i in &chosen {
        let s = &manifest.scenarios[i];
        match (previous.iter().find(|r| r.name == s.name), &opts.resume) {
            (Some(r), Some(dir)) => {
                super::resume::copy_scenario(dir, &s.name, out)?;
                results.push((i, r.clone()));
            }
            _ => todo.push((s, &data[i])),
        }
    }
    log.info(
        None,
        format!(
            "run {}: {} scenarios ({} kept from before) on {} threads",
            manifest.name,
            chosen.len(),
            results.len(),
            manifest.threads,
        ),
    );
    for r in execute::execute(manifest, &todo, out, log) {
        let i = manifest
            .scenarios
            .iter()
            .position(|s| s.name == r.name)
            .unwrap_or(usize::MAX);
        results.push((i, r));
    }
    // Back into manifest order.
    results.sort_by_key(|(i, _)| *i);
    Ok(results
        .into_iter()
        .map(|(i, mut r)| {
            r.index = i;
            r
        })
        .collect())
}

/// Writes `summary.json` and `index.html` into the folder being built.
fn write_summary(
    manifest: &Manifest,
    opts: &RunOptions,
    started: chrono::DateTime<chrono::Utc>,
    status: Status,
    results: &[ScenarioResult],
    out: &AtomicDir,
) -> Result<(), Error> {
    let backend = manifest
        .scenarios
        .first()
        .and_then(|s| Backend::parse(&s.model.solver.name).ok())
        .unwrap_or(Backend::Microlp);
    let manifest_dir = manifest.path.parent().unwrap_or(Path::new("."));
    let summary = RunSummary {
        schema: RUN_SCHEMA,
        name: &manifest.name,
        status,
        manifest: sha256_file(&manifest.path)?,
        inputs: inputs(manifest)?,
        solver: crate::report::SolverInfo {
            name: backend.name(),
            version: backend.version(),
        },
        version: env!("CARGO_PKG_VERSION"),
        git_commit: git_commit(manifest_dir),
        threads: manifest.threads,
        time_limit_s: manifest.time_limit_s,
        total_time_s: manifest.total_time_s,
        shard: opts.shard.map(|(k, n)| format!("{k}/{n}")),
        started: timestamp(started),
        finished: timestamp(chrono::Utc::now()),
        scenarios: results,
    };
    let json = crate::text::json_pretty(&summary)?;
    out.write("summary.json", json.as_bytes())?;
    let title = format!("Overnight run: {}", manifest.name);
    let subtitle = format!(
        "Manifest {}; started {}; {} scenarios",
        manifest.path.display(),
        started.format("%Y-%m-%d %H:%M:%S UTC"),
        results.len()
    );
    out.write(
        "index.html",
        index::index_html(&title, &subtitle, results, status)?.as_bytes(),
    )
}
