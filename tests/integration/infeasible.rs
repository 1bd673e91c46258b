//! The library of impossible scenarios (`tests/data/infeasible/cases.toml`): each case is planned end to end
//! and must come out `infeasible` with exit 1, naming exactly the expected set of conflicting rule groups (no
//! extra group: the deletion filter keeps only the groups the conflict needs), rules that mention what the case
//! expects, and for estates the smallest relaxation (`relax_by`) the data determines. A case may also give the
//! model relaxed by exactly that amount (`restores`), which must then be proven optimal.
//!
//! Every case runs and every failure is collected, so one assertion lists all the cases that went wrong.

use crate::common::{code, copy_dir, data, root, run};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One impossible scenario.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// A data set under `tests/data` to start from (omit to use only `files`).
    base: Option<String>,
    /// Data files written over the base, by file name.
    #[serde(default)]
    files: BTreeMap<String, String>,
    /// Text replacements in the data files, applied after `files`.
    #[serde(default)]
    edits: Vec<Edit>,
    /// The model file's text.
    model: String,
    /// The run's `status` in summary.json.
    #[serde(default = "infeasible")]
    status: String,
    /// The exit code.
    #[serde(default = "one")]
    exit: i32,
    /// The estates conflict's rule groups, exactly (empty when the estates model is feasible).
    #[serde(default)]
    groups: Vec<String>,
    /// What each estates group's rows must say, and by how much they must be relaxed.
    #[serde(default)]
    expect: Vec<Expect>,
    /// Procurement categories that must be infeasible (exactly these), with their conflicts.
    #[serde(default)]
    categories: Vec<Category>,
    /// The same case with the rule relaxed by exactly `relax_by`: it must be proven optimal.
    restores: Option<Restore>,
}

/// One text replacement in a data file: `from` must occur in it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Edit {
    file: String,
    from: String,
    to: String,
}

/// What the rows of one estates group in the conflict must say.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    group: String,
    /// Each string appears in at least one of the group's rule texts.
    #[serde(default)]
    mentions: Vec<String>,
    /// The total `relax_by` over the group's rows (desks, zones, sites, km or GBP).
    relax_by: Option<f64>,
    #[serde(default = "tolerance")]
    tolerance: f64,
}

/// An infeasible award category and its conflict.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Category {
    name: String,
    groups: Vec<String>,
    /// Each string appears in at least one of the category's conflict texts.
    #[serde(default)]
    mentions: Vec<String>,
}

/// The relaxed variant of a case.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Restore {
    model: String,
    /// Text replacements applied after the case's own.
    #[serde(default)]
    edits: Vec<Edit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Library {
    case: Vec<Case>,
}

fn infeasible() -> String {
    "infeasible".into()
}

fn one() -> i32 {
    1
}

fn tolerance() -> f64 {
    1e-3
}

/// Writes the data set (base, then the case's files and edits, then `extra` edits) and the model into `dir`,
/// plans it, and returns the exit code and summary.json.
fn plan(
    case: &Case,
    extra: &[Edit],
    model: &str,
    dir: &Path,
) -> Result<(i32, serde_json::Value), String> {
    let set = dir.join("data");
    std::fs::create_dir_all(&set).unwrap();
    if let Some(base) = &case.base {
        copy_dir(&data(base), &set);
    }
    for (file, text) in &case.files {
        std::fs::write(set.join(file), text).unwrap();
    }
    for edit in case.edits.iter().chain(extra) {
        let path = set.join(&edit.file);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", edit.file))?;
        if !text.contains(&edit.from) {
            return Err(format!("edit: {:?} is not in {}", edit.from, edit.file));
        }
        std::fs::write(&path, text.replacen(&edit.from, &edit.to, 1)).unwrap();
    }
    let model_file = dir.join("model.toml");
    std::fs::write(&model_file, model).unwrap();
    let out = dir.join("out");
    let res = run(&[
        "plan",
        set.to_str().unwrap(),
        "--model",
        model_file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    let text = std::fs::read(out.join("summary.json")).map_err(|e| {
        format!(
            "no summary.json ({e}); exit {}: {}",
            code(&res),
            String::from_utf8_lossy(&res.stderr)
        )
    })?;
    let summary = serde_json::from_slice(&text).map_err(|e| format!("summary.json: {e}"))?;
    Ok((code(&res), summary))
}

fn texts(conflicts: &serde_json::Value, field: &str) -> Vec<(String, String, f64)> {
    conflicts
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c["group"].as_str().unwrap_or("?").to_string(),
                        c[field].as_str().unwrap_or("").to_string(),
                        c["relax_by"].as_f64().unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Everything wrong with one case's run (empty when it matches).
fn check(case: &Case, exit: i32, s: &serde_json::Value) -> Vec<String> {
    let mut wrong = Vec::new();
    if exit != case.exit {
        wrong.push(format!("exit {exit}, expected {}", case.exit));
    }
    if s["status"] != case.status.as_str() {
        wrong.push(format!("status {}, expected {}", s["status"], case.status));
    }
    let rows = texts(&s["conflicts"], "rule");
    let groups: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let expected: BTreeSet<&str> = case.groups.iter().map(String::as_str).collect();
    if groups != expected {
        wrong.push(format!(
            "estates conflict groups {groups:?}, expected {expected:?}; rows {rows:?}"
        ));
    }
    for e in &case.expect {
        let mine: Vec<&(String, String, f64)> = rows.iter().filter(|r| r.0 == e.group).collect();
        for m in &e.mentions {
            if !mine.iter().any(|r| r.1.contains(m.as_str())) {
                wrong.push(format!("no {} rule mentions {m:?}: {mine:?}", e.group));
            }
        }
        if let Some(want) = e.relax_by {
            let got: f64 = mine.iter().map(|r| r.2).sum();
            if (got - want).abs() > e.tolerance {
                wrong.push(format!(
                    "{} relax_by {got}, expected {want} +- {}",
                    e.group, e.tolerance
                ));
            }
        }
    }
    let categories: Vec<&serde_json::Value> = s["procurement"]["categories"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let infeasible: BTreeSet<&str> = categories
        .iter()
        .filter(|c| c["status"] == "infeasible")
        .filter_map(|c| c["category"].as_str())
        .collect();
    let expected: BTreeSet<&str> = case.categories.iter().map(|c| c.name.as_str()).collect();
    if infeasible != expected {
        wrong.push(format!(
            "infeasible categories {infeasible:?}, expected {expected:?}"
        ));
    }
    for want in &case.categories {
        let Some(c) = categories
            .iter()
            .find(|c| c["category"] == want.name.as_str())
        else {
            continue;
        };
        let rows = texts(&c["conflicts"], "rule");
        let groups: BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let expected: BTreeSet<&str> = want.groups.iter().map(String::as_str).collect();
        if groups != expected {
            wrong.push(format!(
                "category {} conflict groups {groups:?}, expected {expected:?}",
                want.name
            ));
        }
        for m in &want.mentions {
            if !rows.iter().any(|r| r.1.contains(m.as_str())) {
                wrong.push(format!(
                    "no conflict of category {} mentions {m:?}: {rows:?}",
                    want.name
                ));
            }
        }
    }
    wrong
}

#[test]
fn every_impossible_scenario_names_its_conflict_and_the_smallest_relaxation() {
    let path = root().join("tests/data/infeasible/cases.toml");
    let library: Library = toml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let names: BTreeSet<&str> = library.case.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), library.case.len(), "case names must be unique");
    let mut failures = Vec::new();
    for case in &library.case {
        let tmp = tempfile::tempdir().unwrap();
        match plan(case, &[], &case.model, tmp.path()) {
            Ok((exit, s)) => failures.extend(
                check(case, exit, &s)
                    .into_iter()
                    .map(|w| format!("{}: {w}", case.name)),
            ),
            Err(e) => failures.push(format!("{}: {e}", case.name)),
        }
        if let Some(restore) = &case.restores {
            // The relaxed variant: the same data with the restore's edits, and the relaxed model.
            let tmp = tempfile::tempdir().unwrap();
            match plan(case, &restore.edits, &restore.model, tmp.path()) {
                Ok((exit, s)) if exit == 0 && s["status"] == "optimal" => {}
                Ok((exit, s)) => failures.push(format!(
                    "{} relaxed: exit {exit}, status {}, conflicts {}",
                    case.name, s["status"], s["conflicts"]
                )),
                Err(e) => failures.push(format!("{} relaxed: {e}", case.name)),
            }
        }
    }
    let failed: BTreeSet<&str> = failures
        .iter()
        .filter_map(|f| f.split([':', ' ']).next())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} impossible scenarios went wrong:\n{}",
        failed.len(),
        library.case.len(),
        failures.join("\n")
    );
}
