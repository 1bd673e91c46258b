//! `plan --write-model DIR` (issue 22): every MILP the plan solves, as MPS whose optimum is the objective the plan
//! reports. The files are read back here by a reader of the test's own (not the tool's writer run backwards) and
//! solved again, so a sign, scale, constant or bound lost on the way out shows as a different optimum.

use crate::common::{code, copy_dir, data, run};
use good_lp::{Expression, ProblemVariables, Solution, SolverModel, Variable, lp_solve, variable};
use std::collections::HashMap;
use std::path::Path;

/// A column: name, integer, and its (row, coefficient) entries.
type Column = (String, bool, Vec<(String, f64)>);

/// A free-format MPS file as the test reads it.
#[derive(Default)]
struct Mps {
    maximise: bool,
    /// Row name → sense (`N`, `L`, `G`, `E`).
    rows: HashMap<String, char>,
    row_order: Vec<String>,
    /// Column name → (integer, entries).
    columns: Vec<Column>,
    rhs: HashMap<String, f64>,
    /// Column name → (lower, upper).
    bounds: HashMap<String, (f64, f64)>,
}

fn parse(text: &str) -> Mps {
    let mut m = Mps::default();
    let (mut section, mut integer) = ("", false);
    let mut at: HashMap<String, usize> = HashMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('*') && !l.trim().is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        if !line.starts_with(' ') {
            section = match f[0] {
                "NAME" | "OBJSENSE" | "ROWS" | "COLUMNS" | "RHS" | "BOUNDS" | "ENDATA" => f[0],
                other => panic!("unknown section {other}"),
            };
            continue;
        }
        match section {
            "OBJSENSE" => m.maximise = f[0].starts_with("MAX"),
            "ROWS" => {
                m.rows.insert(f[1].into(), f[0].chars().next().unwrap());
                m.row_order.push(f[1].into());
            }
            "COLUMNS" if f.get(1) == Some(&"'MARKER'") => integer = f[2] == "'INTORG'",
            "COLUMNS" => {
                let i = *at.entry(f[0].into()).or_insert_with(|| {
                    m.columns.push((f[0].into(), integer, Vec::new()));
                    m.columns.len() - 1
                });
                for pair in f[1..].chunks(2) {
                    m.columns[i]
                        .2
                        .push((pair[0].into(), pair[1].parse().unwrap()));
                }
            }
            "RHS" => {
                for pair in f[1..].chunks(2) {
                    m.rhs.insert(pair[0].into(), pair[1].parse().unwrap());
                }
            }
            "BOUNDS" => {
                let b = m.bounds.entry(f[2].into()).or_insert((0.0, f64::INFINITY));
                let v = || f[3].parse::<f64>().unwrap();
                match f[0] {
                    "BV" => *b = (0.0, 1.0),
                    "UP" => b.1 = v(),
                    "LO" => b.0 = v(),
                    "MI" => b.0 = f64::NEG_INFINITY,
                    "FR" => *b = (f64::NEG_INFINITY, f64::INFINITY),
                    other => panic!("bound type {other}"),
                }
            }
            _ => panic!("a data line in section {section:?}: {line}"),
        }
    }
    m
}

/// Solves the file with lp_solve (a different solver from the plan's microlp); the optimum with the objective's constant (minus the objective row's RHS).
fn optimum(m: &Mps) -> f64 {
    let mut vars = ProblemVariables::new();
    let mut objective = Expression::from(0.0);
    let mut lhs: HashMap<&str, Expression> = HashMap::new();
    for (name, integer, entries) in &m.columns {
        let (lo, up) = m.bounds.get(name).copied().unwrap_or((0.0, f64::INFINITY));
        let def = variable().min(lo).max(up);
        let v: Variable = vars.add(if *integer { def.integer() } else { def });
        for (row, c) in entries {
            match m.rows[row] {
                'N' => objective.add_mul(*c, v),
                _ => lhs.entry(row.as_str()).or_default().add_mul(*c, v),
            }
        }
    }
    let constant = -m.rhs.get("obj").copied().unwrap_or(0.0);
    let problem = if m.maximise {
        vars.maximise(objective.clone())
    } else {
        vars.minimise(objective.clone())
    };
    let mut model = problem.using(lp_solve);
    for row in &m.row_order {
        let (Some(e), Some(&sense)) = (lhs.remove(row.as_str()), m.rows.get(row)) else {
            continue;
        };
        let rhs = m.rhs.get(row).copied().unwrap_or(0.0);
        model.add_constraint(match sense {
            'L' => e.leq(rhs),
            'G' => e.geq(rhs),
            'E' => e.eq(rhs),
            other => panic!("row sense {other}"),
        });
    }
    let solution = model.solve().expect("the exported model solves");
    solution.eval(&objective) + constant
}

#[test]
fn every_exported_model_solves_to_the_objective_the_plan_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny-services");
    copy_dir(&data("tiny-services"), &dir);
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let (out, models) = (tmp.path().join("out"), tmp.path().join("models"));
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--write-model",
        models.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let listed = objectives(&models);
    assert!(
        listed.len() >= 2,
        "estates and at least one category: {listed:?}"
    );
    for (file, reported) in &listed {
        let text = std::fs::read_to_string(models.join(file)).unwrap();
        let got = optimum(&parse(&text));
        let tol = 1e-6 * reported.abs().max(1.0);
        assert!(
            (got - reported).abs() <= tol,
            "{file}: optimum {got}, the plan reports {reported}"
        );
    }
    let estates = listed
        .iter()
        .find(|(f, _)| f == "estates.mps")
        .expect("estates.mps");
    let objective = summary["objective"].as_f64().expect("an estates objective");
    assert!((estates.1 - objective).abs() <= 1e-6 * objective.abs().max(1.0));
    let text = std::fs::read_to_string(models.join("estates.mps")).unwrap();
    for readable in [
        "release.",
        "assign.",
        "join.",
        "\n* team ",
        " L  capacity.1\n",
    ] {
        assert!(text.contains(readable), "estates.mps has no {readable:?}");
    }
}

/// `objectives.csv`: file and reported objective (its seconds, our solver's time on the file, checked to be a
/// time: not negative, and under 600 s).
fn objectives(models: &Path) -> Vec<(String, f64)> {
    let mut r = csv::Reader::from_path(models.join("objectives.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec!["file", "status", "objective", "seconds"]
    );
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let seconds: f64 = rec[3].parse().unwrap();
            assert!((0.0..600.0).contains(&seconds), "{rec:?}");
            (rec[0].to_string(), rec[2].parse().unwrap())
        })
        .collect()
}
