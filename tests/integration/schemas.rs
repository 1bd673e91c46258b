//! The JSON Schemas of the public JSON documents (issue 22): every real output validates against the schema
//! `consolidate schema` prints for it, a deliberately broken copy does not (so the check is not vacuous), and the
//! committed files under `tests/data/schemas/` are exactly what the command prints (regenerate them with
//! `consolidate schema --out tests/data/schemas`).

use crate::common::{code, copy_dir, data, plan_fresh, run, validate_json};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// Every schema name `consolidate schema` knows, as the file stems under `tests/data/schemas/`.
const NAMES: [&str; 6] = ["plan", "validate", "run", "evaluation", "compare", "log"];

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The schema as the command prints it.
fn schema(name: &str) -> Value {
    let out = run(&["schema", name]);
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("the schema is JSON")
}

/// The validation errors of `doc` against the named schema, as text (empty when it is valid).
fn errors(name: &str, doc: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(&schema(name)).expect("the schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

fn assert_valid(name: &str, doc: &Value) {
    let errs = errors(name, doc);
    assert!(
        errs.is_empty(),
        "{name} document breaks its schema: {errs:#?}"
    );
}

/// A copy of `doc` with the value at `pointer` replaced (`Some`) or its field removed (`None`); it must fail.
fn assert_broken_fails(name: &str, doc: &Value, pointer: &str, value: Option<Value>) {
    let mut broken = doc.clone();
    let (parent, field) = pointer.rsplit_once('/').expect("a pointer to a field");
    let object = broken
        .pointer_mut(parent)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("{name}: no object at {parent}"));
    assert!(object.contains_key(field), "{name}: no field {pointer}");
    match value {
        Some(v) => object.insert(field.to_string(), v),
        None => object.remove(field),
    };
    assert!(
        !errors(name, &broken).is_empty(),
        "{name}: a document with {pointer} broken still validates"
    );
}

/// `tiny-services` with its award switched on: a plan with shared services and procurement, checked.
fn planned() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny-services");
    copy_dir(&data("tiny-services"), &dir);
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let (_planned, out, res) = plan_fresh(&dir, &["--check"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let plan = tmp.path().join("plan");
    copy_dir(&out, &plan);
    (tmp, dir, plan)
}

/// A copy of the plan that releases the must-keep site S1: it breaks a rule.
fn hand_edited(plan: &Path, to: &Path) {
    copy_dir(plan, to);
    let sites = std::fs::read_to_string(plan.join("sites.csv")).unwrap();
    let edited: Vec<String> = sites
        .lines()
        .map(|l| match l.starts_with("S1,") {
            true => "S1,,,release,1,,,,".to_string(),
            false => l.to_string(),
        })
        .collect();
    std::fs::write(to.join("sites.csv"), edited.join("\n")).unwrap();
}

#[test]
fn plan_evaluation_and_compare_documents_validate_and_broken_copies_fail() {
    let (tmp, dir, plan) = planned();
    let summary = read_json(&plan.join("summary.json"));
    assert!(summary["shared_services"].is_object(), "{summary:#}");
    assert!(summary["procurement"]["categories"].is_array());
    assert!(summary["check"].is_object());
    assert_valid("plan", &summary);
    assert_broken_fails("plan", &summary, "/kpis/npv", None);
    assert_broken_fails("plan", &summary, "/status", Some(json!(42)));
    assert_broken_fails(
        "plan",
        &summary,
        "/schema",
        Some(json!("consolidate.plan/1")),
    );

    let hand = tmp.path().join("hand");
    hand_edited(&plan, &hand);
    let evaluated = tmp.path().join("evaluated");
    let res = run(&[
        "evaluate",
        dir.to_str().unwrap(),
        hand.to_str().unwrap(),
        "--out",
        evaluated.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stderr));
    let evaluation = read_json(&evaluated.join("evaluation.json"));
    assert_eq!(evaluation["clean"], false);
    assert_eq!(evaluation["violations"][0]["where"], "estates");
    assert!(evaluation["shared_services"].is_object(), "{evaluation:#}");
    assert!(evaluation["award"]["savings_by_category"].is_object());
    assert_valid("evaluation", &evaluation);
    assert_broken_fails("evaluation", &evaluation, "/kpis/npv", None);
    assert_broken_fails(
        "evaluation",
        &evaluation,
        "/violations/0/rule",
        Some(json!("no_such_rule")),
    );

    let compared = tmp.path().join("compared");
    let res = run(&[
        "compare",
        dir.to_str().unwrap(),
        plan.to_str().unwrap(),
        hand.to_str().unwrap(),
        "--out",
        compared.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stderr));
    let comparison = read_json(&compared.join("compare.json"));
    assert_valid("compare", &comparison);
    assert_broken_fails("compare", &comparison, "/kpis/0/values", Some(json!("1")));
    assert_broken_fails("compare", &comparison, "/differences/0/decisions", None);
}

#[test]
fn compare_json_has_the_rows_of_the_csv_files() {
    let (tmp, dir, plan) = planned();
    let hand = tmp.path().join("hand");
    hand_edited(&plan, &hand);
    let compared = tmp.path().join("compared");
    let res = run(&[
        "compare",
        dir.to_str().unwrap(),
        plan.to_str().unwrap(),
        hand.to_str().unwrap(),
        "--out",
        compared.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stderr));
    let doc = read_json(&compared.join("compare.json"));
    let names: Vec<&str> = doc["plans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["plan", "hand"]);
    // The hand plan breaks a rule, so it ranks second whatever its NPV.
    assert_eq!(doc["plans"][1]["rank"], 2);
    let csv_rows = |file: &str| -> Vec<Vec<String>> {
        let mut r = csv::Reader::from_path(compared.join(file)).unwrap();
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect()
    };
    let kpis = csv_rows("compare.csv");
    let json_kpis = doc["kpis"].as_array().unwrap();
    assert_eq!(kpis.len(), json_kpis.len());
    for (row, j) in kpis.iter().zip(json_kpis) {
        assert_eq!(row[0], j["key"].as_str().unwrap());
        assert_eq!(row[1], j["label"].as_str().unwrap());
        for (cell, v) in row[2..].iter().zip(j["values"].as_array().unwrap()) {
            match v.as_f64() {
                None => assert_eq!(cell, "", "{row:?}"),
                Some(v) => {
                    let csv: f64 = cell.parse().unwrap();
                    assert!((csv - v).abs() <= 0.5, "{row:?} against {v}");
                }
            }
        }
    }
    let differences = csv_rows("differences.csv");
    let json_differences = doc["differences"].as_array().unwrap();
    assert!(!differences.is_empty());
    assert_eq!(differences.len(), json_differences.len());
    for (row, j) in differences.iter().zip(json_differences) {
        let mut from_json = vec![
            j["kind"].as_str().unwrap().to_string(),
            j["id"].as_str().unwrap().to_string(),
            j["name"].as_str().unwrap().to_string(),
        ];
        from_json.extend(
            j["decisions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d.as_str().unwrap().to_string()),
        );
        assert_eq!(*row, from_json);
    }
}

#[test]
fn validate_documents_validate_clean_or_broken() {
    let (status, clean) = validate_json(&data("tiny-services"));
    assert_eq!(status, 0);
    assert!(clean["summary"].is_object());
    assert_valid("validate", &clean);

    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&data("tiny"), tmp.path());
    let sites = std::fs::read_to_string(tmp.path().join("sites.csv")).unwrap();
    std::fs::write(
        tmp.path().join("sites.csv"),
        sites.replacen(",2400,160,", ",2400,many,", 1),
    )
    .unwrap();
    let (status, broken) = validate_json(tmp.path());
    assert_eq!(status, 2);
    assert_eq!(broken["findings"][0]["column"], "desks", "{broken:#}");
    assert_valid("validate", &broken);
    assert_broken_fails(
        "validate",
        &broken,
        "/findings/0/severity",
        Some(json!("fatal")),
    );
    assert_broken_fails("validate", &broken, "/errors", Some(json!(-1)));
}

/// A manifest of two tiny scenarios (award on), one of them a sweep point, writing under `DIR/runs`.
fn two_scenarios(dir: &Path) -> PathBuf {
    copy_dir(&data("tiny"), &dir.join("tiny"));
    std::fs::write(dir.join("tiny.toml"), "[procurement]\nenabled = true\n").unwrap();
    let manifest = dir.join("night.toml");
    std::fs::write(
        &manifest,
        "name = \"tiny-night\"\noutput_root = \"runs\"\nthreads = 1\ntime_limit_s = 30\n\n\
         [[dataset]]\nname = \"tiny\"\ndir = \"tiny\"\n\n\
         [[sweep]]\nname = \"access\"\ndataset = \"tiny\"\nmodel = \"tiny.toml\"\n\
         parameter = \"estates.access.max_km\"\nfrom = 3.0\nto = 7.0\nstep = 4.0\n",
    )
    .unwrap();
    manifest
}

#[test]
fn run_and_merge_summaries_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = two_scenarios(tmp.path());
    for shard in ["1/2", "2/2"] {
        let res = run(&["run", manifest.to_str().unwrap(), "--shard", shard, "-q"]);
        assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    }
    let root = tmp.path().join("runs");
    let merged = tmp.path().join("merged");
    let res = run(&[
        "merge",
        root.to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let shard = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.join("summary.json").is_file())
        .expect("a shard folder");
    let one = read_json(&shard.join("summary.json"));
    assert_eq!(one["shard"].as_str().map(|s| s.ends_with("/2")), Some(true));
    assert_valid("run", &one);
    let all = read_json(&merged.join("summary.json"));
    assert_eq!(all["scenarios"].as_array().map(Vec::len), Some(2));
    assert_valid("run", &all);
    assert_broken_fails("run", &all, "/scenarios/0/status", Some(json!("done")));
    assert_broken_fails("run", &all, "/manifest", None);
}

#[test]
fn run_log_lines_in_json_validate() {
    let tmp = tempfile::tempdir().unwrap();
    let manifest = two_scenarios(tmp.path());
    let res = run(&["run", manifest.to_str().unwrap(), "--log-format", "json"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let stderr = String::from_utf8_lossy(&res.stderr);
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert!(lines.iter().any(|l| l["scenario"].is_string()), "{stderr}");
    for line in &lines {
        assert_valid("log", line);
    }
    assert_broken_fails("log", &lines[0], "/level", None);
    assert_broken_fails("log", &lines[0], "/time", Some(json!(12)));
}

#[test]
fn the_committed_schema_files_are_what_the_command_prints() {
    let dir = data("schemas");
    let tmp = tempfile::tempdir().unwrap();
    let written = tmp.path().join("schemas");
    let res = run(&["schema", "--out", written.to_str().unwrap()]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let listing = |d: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let mut expected: Vec<String> = NAMES.iter().map(|n| format!("{n}.schema.json")).collect();
    expected.sort();
    assert_eq!(listing(&written), expected);
    assert_eq!(listing(&dir), expected);
    for name in NAMES {
        let file = format!("{name}.schema.json");
        let printed = run(&["schema", name]).stdout;
        let committed = std::fs::read(dir.join(&file)).unwrap();
        assert!(
            printed == committed,
            "tests/data/schemas/{file} is stale: regenerate with `consolidate schema --out tests/data/schemas`"
        );
        assert_eq!(std::fs::read(written.join(&file)).unwrap(), committed);
        // A log line is one of a stream and carries no `schema` field of its own; the documents do.
        if name != "log" {
            assert_eq!(
                schema(name)["properties"]["schema"]["const"],
                schema(name)["title"],
                "{name}: the title is the schema's name and version"
            );
        }
    }
}

#[test]
fn schema_needs_a_name_or_a_folder_but_not_both() {
    let res = run(&["schema"]);
    assert_eq!(code(&res), 2);
    let res = run(&["schema", "nonsense"]);
    assert_eq!(code(&res), 2);
    // A name with --out would replace the folder with one schema: refused.
    let tmp = tempfile::tempdir().unwrap();
    let res = run(&["schema", "plan", "--out", tmp.path().to_str().unwrap()]);
    assert_eq!(code(&res), 2);
}
