//! `consolidate merge SHARD_FOLDER... --out DIR`: join the folders of a sharded run (`run --shard i/n` on several
//! hosts) into one run folder, as if the manifest had been run in one piece: every scenario folder, one
//! `summary.json` with the scenarios back in manifest order, a fresh `index.html` and the shards' logs.
//!
//! Shards must come from the same manifest (the same SHA-256) and together hold each scenario once. A folder
//! given that is not itself a run folder (no `summary.json`) is a run root: every shard folder in it is taken
//! (`<time>Z-<name>-shard<i>of<n>`, found by their `summary.json`; unsharded runs, hidden folders and `latest`
//! are skipped), so `merge ROOT --out ROOT/merged` joins an array job's shards without naming them. Nothing is
//! merged unless the shards are complete: every `i` of one `n` exactly once.

use super::batch::{Finished, worst};
use super::execute::ScenarioResult;
use super::index;
use super::resume::copy_scenario;
use crate::atomic::AtomicDir;
use crate::error::Error;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn read(dir: &Path) -> Result<Value, Error> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Usage(format!(
            "{}: {e}; give folders written by `consolidate run`",
            path.display()
        ))
    })?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| Error::Usage(format!("{} is not JSON: {e}", path.display())))?;
    if v["schema"] != super::batch::RUN_SCHEMA {
        return Err(Error::Usage(format!(
            "{} is not a run summary (schema {})",
            path.display(),
            super::batch::RUN_SCHEMA
        )));
    }
    Ok(v)
}

/// The shard folders inside a run root, in name order.
fn shards_in(root: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(root).map_err(|e| Error::io("cannot read", root, e))?;
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| read(p).is_ok_and(|v| v["shard"].is_string()))
        .collect();
    found.sort();
    if found.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no run summary and no shard folders: give folders written by `consolidate run --shard`",
            root.display()
        )));
    }
    Ok(found)
}

/// The folders to merge: each argument itself when it is a run folder, else the shard folders inside it.
fn expand(args: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut dirs = Vec::new();
    for a in args {
        if a.join("summary.json").exists() || !a.is_dir() {
            dirs.push(a.clone());
        } else {
            dirs.extend(shards_in(a)?);
        }
    }
    Ok(dirs)
}

/// Refuses an incomplete or muddled set of shards: every shard `i/n` of one `n` must be there exactly once.
fn check_complete(docs: &[Value], dirs: &[PathBuf]) -> Result<(), Error> {
    let mut seen: Vec<(usize, usize, &Path)> = Vec::new();
    for (d, dir) in docs.iter().zip(dirs) {
        let Some((i, n)) = d["shard"].as_str().and_then(|s| s.split_once('/')) else {
            continue;
        };
        let (Ok(i), Ok(n)) = (i.parse::<usize>(), n.parse::<usize>()) else {
            continue;
        };
        if let Some((_, _, other)) = seen.iter().find(|(j, m, _)| (*j, *m) == (i, n)) {
            return Err(Error::Usage(format!(
                "shard {i}/{n} is in two folders, {} and {}: give the one to keep",
                other.display(),
                dir.display()
            )));
        }
        seen.push((i, n, dir));
    }
    let Some(&(_, n, _)) = seen.first() else {
        return Ok(());
    };
    if let Some((i, m, _)) = seen.iter().find(|(_, m, _)| *m != n) {
        return Err(Error::Usage(format!(
            "shards of different splits (shard {i}/{m} with shards of {n}): merge the shards of one run"
        )));
    }
    let missing: Vec<String> = (1..=n)
        .filter(|i| !seen.iter().any(|(j, _, _)| j == i))
        .map(|i| format!("{i}/{n}"))
        .collect();
    if !missing.is_empty() {
        return Err(Error::Usage(format!(
            "shard {} missing: its run has not finished (or failed), or its folder was not given; nothing merged",
            missing.join(", ")
        )));
    }
    Ok(())
}

/// The earliest or latest of the shards' times (compared as times, whatever their offsets), as written.
fn extreme(docs: &[Value], key: &str, latest: bool) -> Value {
    let times = docs.iter().filter_map(|d| {
        let text = d[key].as_str()?;
        let t = chrono::DateTime::parse_from_rfc3339(text).ok()?;
        Some((t, text.to_string()))
    });
    let pick = match latest {
        true => times.max_by_key(|(t, _)| *t),
        false => times.min_by_key(|(t, _)| *t),
    };
    pick.map_or(Value::Null, |(_, text)| Value::from(text))
}

fn same_manifest(docs: &[Value], dirs: &[PathBuf]) -> Result<(), Error> {
    for (d, dir) in docs.iter().zip(dirs) {
        if d["manifest"]["sha256"] != docs[0]["manifest"]["sha256"] {
            return Err(Error::Usage(format!(
                "{} comes from another manifest (its SHA-256 differs): merge only shards of one run",
                dir.display()
            )));
        }
    }
    Ok(())
}

/// Copies every shard's scenario folders into `target`; returns their results and the shards' logs, joined.
fn gather(
    docs: &[Value],
    dirs: &[PathBuf],
    target: &AtomicDir,
) -> Result<(Vec<ScenarioResult>, String), Error> {
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut log = String::new();
    for (d, dir) in docs.iter().zip(dirs) {
        let scenarios: Vec<ScenarioResult> = serde_json::from_value(d["scenarios"].clone())
            .map_err(|e| Error::Usage(format!("{}: scenarios unreadable: {e}", dir.display())))?;
        for r in scenarios {
            if results.iter().any(|x| x.name == r.name) {
                return Err(Error::Usage(format!(
                    "scenario {} is in more than one shard: merge each shard once",
                    r.name
                )));
            }
            copy_scenario(dir, &r.name, target)?;
            results.push(r);
        }
        log.push_str(&std::fs::read_to_string(dir.join("run.log")).unwrap_or_default());
    }
    Ok((results, log))
}

/// Merges shard folders (or the shard folders in the run roots given) into `out`; returns the merged folder and
/// its status.
pub fn merge(args: &[PathBuf], out: &Path) -> Result<Finished, Error> {
    let shards = expand(args)?;
    let docs: Vec<Value> = shards.iter().map(|d| read(d)).collect::<Result<_, _>>()?;
    same_manifest(&docs, &shards)?;
    check_complete(&docs, &shards)?;
    let target = AtomicDir::new(out)?;
    let (mut results, log) = gather(&docs, &shards, &target)?;
    let first = &docs[0];
    results.sort_by_key(|r| r.index);
    let status = worst(&results);
    let mut merged = first.clone();
    merged["status"] = Value::from(status.name());
    merged["shard"] = Value::Null;
    merged["merged_from"] = Value::from(
        shards
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>(),
    );
    merged["started"] = extreme(&docs, "started", false);
    merged["finished"] = extreme(&docs, "finished", true);
    merged["scenarios"] =
        serde_json::to_value(&results).map_err(|e| Error::Other(e.to_string()))?;
    let json = crate::text::json_pretty(&merged)?;
    target.write("summary.json", json.as_bytes())?;
    let name = first["name"].as_str().unwrap_or("run");
    let html = index::index_html(
        &format!(
            "Overnight run: {name} (merged from {} shards)",
            shards.len()
        ),
        &format!("{} scenarios", results.len()),
        &results,
        status,
    )?;
    target.write("index.html", html.as_bytes())?;
    target.write("run.log", log.as_bytes())?;
    Ok(Finished {
        folder: target.commit()?,
        status,
        results,
    })
}
