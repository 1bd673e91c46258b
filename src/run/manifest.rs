//! Run manifests (`consolidate run MANIFEST.toml`): which data sets, models and changes a run covers.
//!
//! [`load`] reads a manifest, expands every `[[sweep]]` into scenarios, applies each scenario's overrides to
//! its model file and checks the resulting [`ModelConfig`], all before anything is solved. Every problem is a
//! [`Finding`] and all are reported at once: a run left overnight should not stop at scenario 17 over a typo
//! that could have been pointed out in the first second. `models/overnight.toml` documents every key.

use crate::codes::{E1060, E1061, E1062, E1063, E1064, E1065, E1066, E1067, E1068, E1069};
use crate::error::Finding;
use crate::model_config::ModelConfig;
use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::overrides::{
    Change, backticked, compact, flatten, line_col, line_key, number, one_line, sweep_values,
    with_changes,
};

/// Most values one sweep may expand into: more is almost certainly a mistyped step.
pub const MAX_SWEEP_POINTS: usize = 1000;

/// A checked run manifest, sweeps expanded.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The run's name (`[A-Za-z0-9_-]{1,40}`), used in the output folder name.
    pub name: String,
    /// The manifest file as given.
    pub path: PathBuf,
    /// Where run folders are written (a relative path is resolved against the manifest's folder).
    pub output_root: PathBuf,
    /// Worker threads for the whole run (at least 1).
    pub threads: usize,
    /// Solver time limit per scenario, in seconds (above 0).
    pub time_limit_s: f64,
    /// Time budget for the whole run, in seconds; `None` for no limit.
    pub total_time_s: Option<f64>,
    /// Every scenario: the `[[scenario]]` tables in order, then each sweep's points in value order.
    pub scenarios: Vec<Scenario>,
}

/// One scenario: a data set and a checked model with the scenario's overrides applied.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Unique within the run; a sweep point is named `<sweep>-<parameter's last part>-<value>`.
    pub name: String,
    /// The data set's name in the manifest.
    pub dataset: String,
    /// The data set's folder or workbook.
    pub dir: PathBuf,
    /// The model file, or `None` for the built-in defaults.
    pub model_path: Option<PathBuf>,
    /// The model with the overrides (and the sweep value) applied, checked.
    pub model: ModelConfig,
    /// The sweep and value this scenario comes from; `None` for a `[[scenario]]` table.
    pub sweep: Option<SweepPoint>,
}

/// Where a sweep scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// The sweep's name.
    pub sweep: String,
    /// The swept model key (dotted).
    pub parameter: String,
    /// The value of this point.
    pub value: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTop {
    name: String,
    output_root: String,
    threads: usize,
    time_limit_s: f64,
    total_time_s: Option<f64>,
    // Entries are read one by one (`Checker::entries`) so that one bad entry cannot hide the others.
    #[serde(default, rename = "dataset")]
    _dataset: IgnoredAny,
    #[serde(default, rename = "scenario")]
    _scenario: IgnoredAny,
    #[serde(default, rename = "sweep")]
    _sweep: IgnoredAny,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDataset {
    name: String,
    dir: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScenario {
    name: String,
    dataset: String,
    model: Option<String>,
    #[serde(default)]
    overrides: toml::Table,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSweep {
    name: String,
    dataset: String,
    model: Option<String>,
    #[serde(default)]
    overrides: toml::Table,
    parameter: String,
    from: f64,
    to: f64,
    step: f64,
}

/// What to do about a finding, by code.
fn fix(code: &str) -> &'static str {
    match code {
        E1060 => "correct the TOML syntax",
        E1061 => "correct or remove the key (models/overnight.toml describes every key)",
        E1062 => "correct the value (models/overnight.toml describes every key)",
        E1063 => "make step above 0, from at most to, and (to - from) / step below 1000",
        E1064 => "give each a different name",
        E1065 => "add a [[dataset]] of that name or correct the name",
        E1066 => "correct dir (relative to the manifest's folder)",
        E1067 => "correct the model path (relative to the manifest's folder) or the model file",
        E1068 => "use a dotted key the model has, e.g. estates.access.max_km (src/model_config.rs)",
        _ => "give a value of the key's type and range (src/model_config.rs)",
    }
}

/// Reads and checks a run manifest, expanding sweeps and building every scenario's model; on failure,
/// every problem found (never only the first).
pub fn load(path: &Path) -> Result<Manifest, Vec<Finding>> {
    let file = path.file_name().unwrap_or(path.as_os_str());
    let file = file.to_string_lossy().into_owned();
    let text = std::fs::read_to_string(path).map_err(|e| {
        let cause = format!("cannot read the run manifest {}: {e}", path.display());
        vec![Finding::file(
            E1060,
            &file,
            cause,
            "check the manifest's path",
        )]
    })?;
    let folder = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let (findings, models) = (Vec::new(), HashMap::new());
    let mut c = Checker {
        file,
        text: &text,
        folder,
        findings,
        models,
    };
    match c.manifest(path) {
        Some(manifest) if c.findings.is_empty() => Ok(manifest),
        _ => Err(c.findings),
    }
}

/// A table in the manifest: `None` for the top level, or the `index`-th `[[kind]]` table.
type At<'a> = Option<(&'a str, usize)>;

/// What a scenario runs on: data set folder, model path, model table and checked model.
type Setup = (PathBuf, Option<PathBuf>, toml::Table, ModelConfig);

struct Checker<'a> {
    file: String,
    text: &'a str,
    folder: PathBuf,
    findings: Vec<Finding>,
    /// Model files read so far; `None` when missing or invalid (reported once, on first use).
    models: HashMap<PathBuf, Option<toml::Table>>,
}

impl Checker<'_> {
    fn manifest(&mut self, path: &Path) -> Option<Manifest> {
        let table = match self.text.parse::<toml::Table>() {
            Ok(table) => table,
            Err(e) => {
                let (row, col) = line_col(self.text, e.span().map_or(0, |s| s.start));
                let why = e.message().trim();
                let cause = format!("not valid TOML at line {row}, column {col}: {why}");
                let f = Finding::file(E1060, &self.file, cause, fix(E1060));
                self.findings.push(f.at_row(row));
                return None;
            }
        };
        let top = self.read::<RawTop>(&table, None);
        if let Some(top) = &top {
            self.check_top(top);
        }
        let sets = self.datasets(&table);
        let (mut scenarios, mut names) = (Vec::new(), HashSet::new());
        for (i, raw) in self.entries::<RawScenario>(&table, "scenario") {
            let at = Some(("scenario", i));
            self.check_name(at, "scenario", &raw.name, &mut names);
            let changes = flatten(&raw.overrides);
            let model = raw.model.as_deref();
            let Some((dir, model_path, _, model)) =
                self.setup(at, &raw.dataset, model, &changes, &sets)
            else {
                continue;
            };
            let (name, dataset, sweep) = (raw.name, raw.dataset, None);
            scenarios.push(Scenario {
                name,
                dataset,
                dir,
                model_path,
                model,
                sweep,
            });
        }
        let mut sweep_names = HashSet::new();
        for (i, raw) in self.entries::<RawSweep>(&table, "sweep") {
            let at = Some(("sweep", i));
            self.check_name(at, "sweep", &raw.name, &mut sweep_names);
            let values = sweep_values(raw.from, raw.to, raw.step);
            let values = values
                .map_err(|(key, why)| self.bad(E1063, at, key, "", why))
                .ok();
            // Checked key by key at the first value, so that a refusal names its key; the other
            // points only differ in value.
            let first = values.as_ref().and_then(|v| v.first().copied());
            let mut changes = flatten(&raw.overrides);
            let (key, value) = (raw.parameter.clone(), number(first.unwrap_or(raw.from)));
            changes.push(Change { key, value });
            let model = raw.model.as_deref();
            let setup = self.setup(at, &raw.dataset, model, &changes, &sets);
            let (Some(values), Some((dir, model_path, base, _))) = (values, setup) else {
                continue;
            };
            let tail = raw.parameter.rsplit('.').next().unwrap_or_default();
            for value in values {
                if let Some(change) = changes.last_mut() {
                    change.value = number(value);
                }
                let shown = compact(value);
                let name = format!("{}-{tail}-{shown}", raw.name);
                let model = match with_changes(&base, &changes) {
                    Ok(model) => model,
                    Err((_, why)) => {
                        self.bad(E1069, at, &raw.parameter, &shown, why);
                        break;
                    }
                };
                if !names.insert(name.clone()) {
                    self.bad(E1064, at, "name", &name, format!("'{name}' appears twice"));
                    break;
                }
                let (sweep, parameter) = (raw.name.clone(), raw.parameter.clone());
                let sweep = Some(SweepPoint {
                    sweep,
                    parameter,
                    value,
                });
                let (dataset, dir, model_path) =
                    (raw.dataset.clone(), dir.clone(), model_path.clone());
                scenarios.push(Scenario {
                    name,
                    dataset,
                    dir,
                    model_path,
                    model,
                    sweep,
                });
            }
        }
        if scenarios.is_empty() && self.findings.is_empty() {
            let cause = "the run has no [[scenario]] and no [[sweep]]";
            self.bad(E1061, None, "", "", cause);
        }
        let top = top?;
        let (name, threads, time_limit_s, total_time_s) =
            (top.name, top.threads, top.time_limit_s, top.total_time_s);
        let (path, output_root) = (path.to_path_buf(), self.folder.join(top.output_root));
        Some(Manifest {
            name,
            path,
            output_root,
            threads,
            time_limit_s,
            total_time_s,
            scenarios,
        })
    }

    fn check_top(&mut self, top: &RawTop) {
        self.check_name(None, "run", &top.name, &mut HashSet::new());
        if top.threads == 0 {
            self.bad(E1062, None, "threads", "0", "threads must be at least 1");
        }
        for (key, v) in [
            ("time_limit_s", Some(top.time_limit_s)),
            ("total_time_s", top.total_time_s),
        ] {
            if let Some(v) = v.filter(|v| !(v.is_finite() && *v > 0.0)) {
                let cause = format!("{key} must be above 0 seconds");
                self.bad(E1062, None, key, &v.to_string(), cause);
            }
        }
        if top.output_root.trim().is_empty() {
            self.bad(E1062, None, "output_root", "", "output_root is empty");
        }
    }

    /// The `[[dataset]]` folders by name, and whether every `[[dataset]]` could be read.
    fn datasets(&mut self, table: &toml::Table) -> (HashMap<String, PathBuf>, bool) {
        let raw = self.entries::<RawDataset>(table, "dataset");
        let declared = table
            .get("dataset")
            .and_then(|d| d.as_array())
            .map_or(0, Vec::len);
        let (all_read, mut sets, mut names) =
            (raw.len() == declared, HashMap::new(), HashSet::new());
        for (i, d) in raw {
            let at = Some(("dataset", i));
            self.check_name(at, "data set", &d.name, &mut names);
            let dir = self.folder.join(&d.dir);
            if !dir.is_dir() && !crate::input::source::is_workbook(&dir) {
                let cause = format!(
                    "the data set {} is neither a folder nor an Excel workbook (.xlsx)",
                    dir.display()
                );
                self.bad(E1066, at, "dir", &d.dir, cause);
            }
            sets.insert(d.name, dir);
        }
        (sets, all_read)
    }

    /// Reads each `[[kind]]` table on its own, so that one bad table cannot hide the others.
    fn entries<T: DeserializeOwned>(&mut self, table: &toml::Table, kind: &str) -> Vec<(usize, T)> {
        let items = match table.get(kind) {
            None => return Vec::new(),
            Some(toml::Value::Array(items)) => items,
            Some(_) => {
                let cause = format!("'{kind}' must be [[{kind}]] tables");
                self.bad(E1061, None, kind, "", cause);
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let at = Some((kind, i));
            let raw = match item {
                toml::Value::Table(t) => self.read::<T>(t, at),
                _ => {
                    let cause = format!("each {kind} must be a [[{kind}]] table");
                    self.bad(E1061, at, "", "", cause);
                    None
                }
            };
            out.extend(raw.map(|raw| (i, raw)));
        }
        out
    }

    /// Reads a table, reporting every bad key: serde stops at the first, so the key is dropped and the
    /// table read again.
    fn read<T: DeserializeOwned>(&mut self, table: &toml::Table, at: At) -> Option<T> {
        let (mut table, mut dropped) = (table.clone(), Vec::new());
        let prefix = at.map(|(kind, i)| format!("[[{kind}]] number {}: ", i + 1));
        loop {
            let e = match table.clone().try_into::<T>() {
                Ok(raw) => return Some(raw),
                Err(e) => e,
            };
            let message = e.message().trim();
            let missing = message.starts_with("missing field");
            let named = missing || message.starts_with("unknown field");
            // Other errors (a wrong type) name their key on a line "in `key`" of the long form.
            let long = e.to_string();
            let path = long
                .lines()
                .find_map(|l| l.strip_prefix("in `")?.strip_suffix('`'));
            let key = backticked(message)
                .filter(|_| named)
                .or(path)
                .unwrap_or_default()
                .to_string();
            // A key of the wrong type was dropped and now seems missing: already reported.
            if missing && dropped.contains(&key) {
                return None;
            }
            let cause = format!("{}{message}", prefix.as_deref().unwrap_or_default());
            self.bad(E1061, at, &key, "", cause);
            if missing || table.remove(&key).is_none() {
                return None;
            }
            dropped.push(key);
        }
    }

    /// Checks a name's characters (names become folder names) and that `seen` does not hold it yet.
    fn check_name(&mut self, at: At, what: &str, name: &str, seen: &mut HashSet<String>) {
        let ok_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
        if !(1..=40).contains(&name.len()) || !name.bytes().all(ok_char) {
            let cause = format!("a {what} name must be 1 to 40 letters, digits, '_' or '-'");
            self.bad(E1062, at, "name", name, cause);
        }
        if !seen.insert(name.to_string()) {
            let cause = format!("the {what} name '{name}' appears twice");
            self.bad(E1064, at, "name", name, cause);
        }
    }

    /// The data set's folder and the model with `changes` applied, or `None` after reporting why not. An
    /// unknown data set is not reported when some `[[dataset]]` could not be read (it may be the one meant).
    fn setup(
        &mut self,
        at: At,
        dataset: &str,
        model: Option<&str>,
        changes: &[Change],
        sets: &(HashMap<String, PathBuf>, bool),
    ) -> Option<Setup> {
        let dir = sets.0.get(dataset).cloned();
        if dir.is_none() && sets.1 {
            let cause = format!("no [[dataset]] is named '{dataset}'");
            self.bad(E1065, at, "dataset", dataset, cause);
        }
        let (model_path, base) = self.base_model(at, model)?;
        let model = self.model(at, &base, changes)?;
        Some((dir?, model_path, base, model))
    }

    /// The model file's path and table, or the built-in defaults (an empty table) when none is named.
    fn base_model(
        &mut self,
        at: At,
        model: Option<&str>,
    ) -> Option<(Option<PathBuf>, toml::Table)> {
        let Some(name) = model else {
            return Some((None, toml::Table::new()));
        };
        let path = self.folder.join(name);
        if let Some(cached) = self.models.get(&path) {
            return cached.clone().map(|t| (Some(path), t));
        }
        let table = match std::fs::read_to_string(&path) {
            Err(e) => {
                let cause = format!("cannot read the model file {}: {e}", path.display());
                self.bad(E1067, at, "model", name, cause);
                None
            }
            Ok(text) => match ModelConfig::parse_located(&text) {
                Ok(_) => match text.parse() {
                    Ok(table) => Some(table),
                    Err(e) => {
                        let why = one_line(&format!("{e}"), false);
                        self.findings
                            .push(Finding::file(E1067, name, why, fix(E1067)));
                        None
                    }
                },
                Err(fail) => {
                    // The model file's own line and key, so the fix is one look away.
                    let mut f = fail.finding(name);
                    f.code = E1067;
                    f.action = fix(E1067).to_string();
                    self.findings.push(f);
                    None
                }
            },
        };
        self.models.insert(path.clone(), table.clone());
        table.map(|t| (Some(path), t))
    }

    /// The model with `changes` applied. Each change is first tried alone, so a refusal names its key.
    fn model(&mut self, at: At, base: &toml::Table, changes: &[Change]) -> Option<ModelConfig> {
        let mut ok = true;
        for c in changes {
            if let Err((code, why)) = with_changes(base, std::slice::from_ref(c)) {
                self.bad(code, at, &c.key, &c.value.to_string(), why);
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let all = with_changes(base, changes).map_err(|(code, why)| {
            let cause = format!("the overrides together are refused: {why}");
            self.bad(code, at, "overrides", "", cause);
        });
        all.ok()
    }

    /// Records a finding about the manifest, on the line of `key` in table `at` (else its header).
    fn bad(
        &mut self,
        code: &'static str,
        at: At,
        key: &str,
        value: &str,
        cause: impl Into<String>,
    ) {
        let mut f = Finding::file(code, &self.file, cause, fix(code));
        if !key.is_empty() {
            f = f.at_column(key);
        }
        if !value.is_empty() {
            f = f.with_value(value);
        }
        if let Some(row) = self.row(at, key) {
            f = f.at_row(row);
        }
        self.findings.push(f);
    }

    /// The 1-based line of `key` in table `at`: a `key = ...` line, or one holding `"key"` (dotted keys in
    /// `overrides` and `parameter` are quoted), else the table's `[[...]]` header.
    fn row(&self, at: At, key: &str) -> Option<u64> {
        let lines: Vec<&str> = self.text.lines().collect();
        let code = |l: &str| l.split('#').next().unwrap_or_default().trim().to_string();
        let start = match at {
            None => 0,
            Some((kind, index)) => {
                let want = format!("[[{kind}]]");
                let mut headers =
                    (0..lines.len()).filter(|&i| code(lines[i]).replace(' ', "") == want);
                headers.nth(index)?
            }
        };
        // A table ends at the next header that is not one of its sub-tables (`[scenario.overrides]`).
        let own = at.map(|(kind, _)| format!("[{kind}."));
        let is_end = |l: &str| {
            let t = code(l);
            let header = t.starts_with('[') && t.ends_with(']') && !t.contains(['=', ',']);
            header && !own.as_ref().is_some_and(|own| t.starts_with(own.as_str()))
        };
        let from = if at.is_some() { start + 1 } else { 0 };
        let end = (from..lines.len())
            .find(|&i| is_end(lines[i]))
            .unwrap_or(lines.len());
        let quoted = format!("\"{key}\"");
        let holds =
            |l: &str| line_key(l) == Some(key) || (key.contains('.') && l.contains(&quoted));
        let found = (start..end).find(|&i| !key.is_empty() && holds(lines[i]));
        found.or(at.map(|_| start)).map(|i| i as u64 + 1)
    }
}

#[cfg(test)]
#[path = "manifest_tests.rs"]
mod tests;
