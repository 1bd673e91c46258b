//! Tests of run manifests: the shipped example, every mistake reported in one pass, overrides and sweeps.

use super::*;

/// The top of a scratch manifest (8 lines) with a data set `d` in the folder `data`.
const HEAD: &str = r#"name = "t"
output_root = "out"
threads = 1
time_limit_s = 10

[[dataset]]
name = "d"
dir = "data"
"#;

/// Loads a scratch manifest written beside an empty data set folder `data`.
fn load_text(text: &str) -> (tempfile::TempDir, Result<Manifest, Vec<Finding>>) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("data")).unwrap();
    std::fs::write(tmp.path().join("run.toml"), text).unwrap();
    let loaded = load(&tmp.path().join("run.toml"));
    (tmp, loaded)
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn the_shipped_manifest_expands_to_unique_checked_scenarios() {
    let m = load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("models/overnight.toml")).unwrap();
    assert_eq!(
        (m.name.as_str(), m.threads, m.total_time_s),
        ("gm-overnight", 2, Some(14400.0))
    );
    assert!(m.scenarios.len() >= 20, "{}", m.scenarios.len());
    let names: HashSet<_> = m.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), m.scenarios.len());
    let budget = m.scenarios.iter().filter_map(|s| s.sweep.as_ref());
    let budget: Vec<f64> = budget
        .filter(|p| p.sweep == "budget")
        .map(|p| p.value)
        .collect();
    assert_eq!(
        budget,
        (0..=10).map(|i| f64::from(i) * 5e6).collect::<Vec<_>>()
    );
    let get = |n: &str| m.scenarios.iter().find(|s| s.name == n).expect(n);
    assert!(get("base").model.procurement.enabled && get("base").dir.is_dir());
    assert_eq!(get("resilience-3").model.procurement.min_suppliers, 3);
    let b5 = &get("budget-capital_per_year-5000000").model;
    assert_eq!(
        (b5.estates.budget.capital_per_year, b5.procurement.enabled),
        (Some(5e6), false)
    );
    assert_eq!(get("access-max_km-3").model.estates.access.max_km, 3.0);
    assert_eq!(get("desk-desk_ratio-0.6").model.estates.desk_ratio, 0.6);
    let steep = &get("scale-scale_exponent-0.8").model.shared_services;
    assert_eq!(steep.scale_exponent, Some(0.8));
    let dear = &get("setup-setup_cost_factor-2").model.shared_services;
    assert_eq!((dear.setup_cost_factor, dear.scale_exponent), (2.0, None));
}

#[test]
fn three_mistakes_give_three_findings() {
    let text = HEAD.replace("threads = 1", "threads = 0")
        + "[[scenario]]\nname = \"a\"\ndataset = \"nope\"\n"
        + "[[sweep]]\nname = \"s\"\ndataset = \"d\"\nparameter = \"estates.desk_ratio\"\n"
        + "from = 0.5\nto = 1.0\nstep = 0.0\n";
    let findings = load_text(&text).1.unwrap_err();
    assert_eq!(codes(&findings), [E1062, E1065, E1063], "{findings:#?}");
    let at = |i: usize| (findings[i].row, findings[i].column.as_deref());
    assert_eq!(
        [at(0), at(1), at(2)],
        [
            (Some(3), Some("threads")),
            (Some(11), Some("dataset")),
            (Some(18), Some("step"))
        ]
    );
    assert_eq!(findings[1].value.as_deref(), Some("nope"));
    assert!(
        findings
            .iter()
            .all(|f| f.file == "run.toml" && f.is_error() && !f.action.is_empty())
    );
}

#[test]
fn an_unknown_override_key_is_refused_by_name() {
    let text = HEAD.to_string()
        + "[[scenario]]\nname = \"a\"\ndataset = \"d\"\n"
        + "overrides = { \"estates.desk_ration\" = 0.8, \"estates.desk_ratio\" = \"lots\" }\n";
    let findings = load_text(&text).1.unwrap_err();
    // Overrides are checked in key order: desk_ratio (wrong type), then desk_ration (unknown).
    assert_eq!(codes(&findings), [E1069, E1068], "{findings:#?}");
    let unknown = &findings[1];
    assert_eq!(
        (unknown.row, unknown.column.as_deref()),
        (Some(12), Some("estates.desk_ration"))
    );
    assert!(unknown.cause.contains("desk_ration"), "{}", unknown.cause);
}

#[test]
fn sweep_values_land_in_the_typed_model() {
    let text = HEAD.to_string()
        + "[[sweep]]\nname = \"desk\"\ndataset = \"d\"\noverrides = { estates.access.max_km = 7 }\n"
        + "parameter = \"estates.desk_ratio\"\nfrom = 0.6\nto = 1.0\nstep = 0.1\n";
    let (tmp, loaded) = load_text(&text);
    let m = loaded.unwrap();
    let names: Vec<&str> = m.scenarios.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "desk-desk_ratio-0.6",
            "desk-desk_ratio-0.7",
            "desk-desk_ratio-0.8",
            "desk-desk_ratio-0.9",
            "desk-desk_ratio-1"
        ]
    );
    let models: Vec<_> = m.scenarios.iter().map(|s| &s.model.estates).collect();
    assert_eq!(
        (
            models[1].desk_ratio,
            models[3].desk_ratio,
            models[3].access.max_km
        ),
        (0.7, 0.9, 7.0)
    );
    let point = SweepPoint {
        sweep: "desk".into(),
        parameter: "estates.desk_ratio".into(),
        value: 0.7,
    };
    assert_eq!(m.scenarios[1].sweep, Some(point));
    assert_eq!(
        (&m.scenarios[0].model_path, &m.output_root),
        (&None, &tmp.path().join("out"))
    );
}

#[test]
fn a_toml_syntax_error_gives_its_line() {
    let findings = load_text("name = \"t\"\nthreads = 1\ntime_limit_s = = 3\n")
        .1
        .unwrap_err();
    assert_eq!((codes(&findings), findings[0].row), (vec![E1060], Some(3)));
    assert!(
        findings[0].cause.contains("line 3, column 16"),
        "{}",
        findings[0].cause
    );
}

#[test]
fn every_top_level_mistake_is_reported() {
    let text =
        "name = \"a b\"\noutput_root = \"o\"\nthreads = \"two\"\ntime_limit_s = -1\ncolour = 1\n";
    let spots = |text: &str| -> Vec<(&str, Option<u64>, String)> {
        let findings = load_text(text).1.unwrap_err();
        findings
            .iter()
            .map(|f| (f.code, f.row, f.column.clone().unwrap_or_default()))
            .collect()
    };
    let key = |code, row, key: &str| (code, Some(row), key.to_string());
    assert_eq!(
        spots(text),
        [key(E1061, 5, "colour"), key(E1061, 3, "threads")]
    );
    // Once the types are right, the values are checked too.
    let want = [
        key(E1061, 5, "colour"),
        key(E1062, 1, "name"),
        key(E1062, 4, "time_limit_s"),
    ];
    assert_eq!(spots(&text.replace("\"two\"", "2")), want);
    // A run needs a scenario.
    assert_eq!(codes(&load_text(HEAD).1.unwrap_err()), [E1061]);
}

#[test]
fn odd_inputs_are_findings_not_panics() {
    let tail = "[[sweep]]\nname = \"s\"\ndataset = \"d\"\nfrom = 0\nto = 1\nstep = 1\nparameter = ";
    for text in [
        String::new(),
        "dataset = 5\nscenario = [1, \"x\"]\nsweep = []\n".into(),
        HEAD.to_string() + "[[scenario]]\nname = \"a\"\ndataset = \"d\"\noverrides = 3\n",
        HEAD.to_string()
            + "[[scenario]]\nname = \"bad name!\"\ndataset = \"d\"\nmodel = \"no.toml\"\n",
        HEAD.to_string() + tail + "\"..\"\n",
        HEAD.to_string() + tail + "\"estates.desk_ratio.x\"\n",
        HEAD.to_string() + &tail.replace("step = 1", "step = 1e-300") + "\"estates.desk_ratio\"\n",
    ] {
        let findings = load_text(&text).1.unwrap_err();
        assert!(
            !findings.is_empty() && findings.iter().all(|f| f.code.starts_with("E106")),
            "{text}: {findings:#?}"
        );
    }
    assert_eq!(
        codes(&load(Path::new("/no/such/run.toml")).unwrap_err()),
        [E1060]
    );
}

#[test]
fn sweep_ranges_and_value_names() {
    assert_eq!(sweep_values(3.0, 10.0, 1.0).unwrap().len(), 8);
    assert_eq!(sweep_values(1.0, 1.0, 0.5).unwrap(), [1.0]);
    assert_eq!(
        sweep_values(0.0, 999.0, 1.0).unwrap().len(),
        MAX_SWEEP_POINTS
    );
    assert!(sweep_values(0.0, 1000.0, 1.0).is_err());
    assert_eq!(sweep_values(2.0, 1.0, 1.0).unwrap_err().0, "from");
    let names = [
        compact(5e6),
        compact(0.6),
        compact(-0.0),
        compact(1.0 / 3.0),
        compact(2.5),
    ];
    assert_eq!(names, ["5000000", "0.6", "0", "0.333333", "2.5"]);
}
