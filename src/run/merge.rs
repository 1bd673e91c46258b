//! `consolidate merge SHARD_FOLDER... --out DIR`: join the folders of a sharded run (`run --shard i/n` on several
//! hosts) into one run folder, as if the manifest had been run in one piece: every scenario folder, one
//! `summary.json` with the scenarios back in manifest order, a fresh `index.html` and the shards' logs.
//!
//! Shards must come from the same manifest (the same SHA-256) and together hold each scenario once.

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
    if v["schema"] != "consolidate.run/1" {
        return Err(Error::Usage(format!(
            "{} is not a run summary (schema consolidate.run/1)",
            path.display()
        )));
    }
    Ok(v)
}

/// Merges shard folders into `out`; returns the merged folder and its status.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<Finished, Error> {
    let docs: Vec<Value> = shards.iter().map(|d| read(d)).collect::<Result<_, _>>()?;
    let first = &docs[0];
    for (d, dir) in docs.iter().zip(shards) {
        if d["manifest"]["sha256"] != first["manifest"]["sha256"] {
            return Err(Error::Usage(format!(
                "{} comes from another manifest (its SHA-256 differs): merge only shards of one run",
                dir.display()
            )));
        }
    }
    let target = AtomicDir::new(out)?;
    let mut results: Vec<ScenarioResult> = Vec::new();
    let mut log = String::new();
    for (d, dir) in docs.iter().zip(shards) {
        let scenarios: Vec<ScenarioResult> = serde_json::from_value(d["scenarios"].clone())
            .map_err(|e| Error::Usage(format!("{}: scenarios unreadable: {e}", dir.display())))?;
        for r in scenarios {
            if results.iter().any(|x| x.name == r.name) {
                return Err(Error::Usage(format!(
                    "scenario {} is in more than one shard: merge each shard once",
                    r.name
                )));
            }
            copy_scenario(dir, &r.name, &target)?;
            results.push(r);
        }
        log.push_str(&std::fs::read_to_string(dir.join("run.log")).unwrap_or_default());
    }
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
    let text = |k: &'static str| {
        docs.iter()
            .filter_map(move |d| d[k].as_str().map(String::from))
    };
    merged["started"] = text("started").min().map_or(Value::Null, Value::from);
    merged["finished"] = text("finished").max().map_or(Value::Null, Value::from);
    merged["scenarios"] =
        serde_json::to_value(&results).map_err(|e| Error::Other(e.to_string()))?;
    let json = serde_json::to_string_pretty(&merged).map_err(|e| Error::Other(e.to_string()))?;
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
