//! `run --resume FOLDER`: finish an interrupted run. Scenarios that finished (any status but `interrupted`,
//! `skipped` or `error`) are kept with their folders; the others run again, and the folder is replaced
//! atomically by the completed one. A shard's folder is resumed as that shard (`--shard i/n` as it was run), so
//! it never fills up with the other shards' scenarios.

use super::execute::ScenarioResult;
use crate::atomic::AtomicDir;
use crate::error::Error;
use crate::solve::Status;
use std::path::Path;

/// The finished scenarios recorded in `FOLDER/summary.json`, a folder of the run (or shard) `shard`.
pub fn finished(dir: &Path, shard: Option<(usize, usize)>) -> Result<Vec<ScenarioResult>, Error> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::Usage(format!(
            "cannot resume {}: {e} reading summary.json; give a folder written by `consolidate run`",
            dir.display()
        ))
    })?;
    #[derive(serde::Deserialize)]
    struct Doc {
        schema: String,
        shard: Option<String>,
        scenarios: Vec<ScenarioResult>,
    }
    let doc: Doc = serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "cannot resume {}: summary.json is not a run summary ({e})",
            dir.display()
        ))
    })?;
    if doc.schema != super::batch::RUN_SCHEMA {
        return Err(Error::Usage(format!(
            "cannot resume {}: summary.json has schema {}, not {}",
            dir.display(),
            doc.schema,
            super::batch::RUN_SCHEMA
        )));
    }
    let asked = shard.map(|(i, n)| format!("{i}/{n}"));
    if doc.shard != asked {
        let how = doc
            .shard
            .as_ref()
            .map_or("without --shard".to_string(), |s| {
                format!("with --shard {s}")
            });
        return Err(Error::Usage(format!(
            "cannot resume {}: it was written {how}; resume it the same way",
            dir.display()
        )));
    }
    Ok(doc
        .scenarios
        .into_iter()
        .filter(|r| {
            !matches!(
                r.status,
                Status::Interrupted | Status::Skipped | Status::Error
            )
        })
        .collect())
}

/// Copies `FROM/<name>/` into the folder being built.
pub fn copy_scenario(from: &Path, name: &str, out: &AtomicDir) -> Result<(), Error> {
    let dir = from.join(name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(());
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_file() {
            let bytes = std::fs::read(&path).map_err(|e| Error::io("cannot read", &path, e))?;
            let file = e.file_name();
            out.write(&format!("{name}/{}", file.to_string_lossy()), &bytes)?;
        }
    }
    Ok(())
}
