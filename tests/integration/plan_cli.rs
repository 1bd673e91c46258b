//! `consolidate plan` end to end: the GM example, the published benchmark optima, infeasible rules and limits.

use crate::common::*;
use std::path::{Path, PathBuf};

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

fn bench(rel: &str) -> Option<PathBuf> {
    let p = root().join("../shared/bench").join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is not here (CI has ../shared beside the repository)",
            p.display()
        );
        None
    }
}

fn solve_imported(kind: &str, file: &Path, solver: Option<&str>) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = tmp.path().join("out");
    let imp = run(&[
        "import",
        kind,
        file.to_str().unwrap(),
        "--out",
        data.to_str().unwrap(),
    ]);
    assert_eq!(code(&imp), 0, "{}", String::from_utf8_lossy(&imp.stderr));
    let mut args = vec![
        "plan",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
        "-q",
    ];
    if let Some(s) = solver {
        args.extend(["--solver", s]);
    }
    let res = run(&args);
    assert_eq!(
        code(&res),
        0,
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    summary(&out)
}

fn published(file: &str, name: &str) -> f64 {
    let text = std::fs::read_to_string(root().join("../shared/bench").join(file)).unwrap();
    text.lines()
        .find_map(|l| {
            l.split_whitespace()
                .collect::<Vec<_>>()
                .split_first()
                .filter(|(n, _)| **n == name)
                .map(|(_, v)| v[0].parse().unwrap())
        })
        .unwrap()
}

#[test]
fn orlib_capacitated_instances_reach_their_published_optima() {
    for name in ["cap41", "cap71", "cap101", "cap131"] {
        let Some(file) = bench(&format!("orlib_cap/{name}.txt")) else {
            return;
        };
        let s = solve_imported("orlib-cap", &file, None);
        let best = published("orlib_cap/capopt.txt", name);
        let got = s["objective"].as_f64().unwrap();
        assert_eq!(s["status"], "optimal", "{name}");
        assert!(
            (got - best).abs() <= 1e-6 * best,
            "{name}: {got} vs published {best}"
        );
        assert_eq!(s["check"]["ok"], true, "{name}: {}", s["check"]);
    }
}

#[test]
fn holmberg_single_source_instances_reach_their_published_optima_exactly() {
    let Some(optima) = bench("sscflp_holmberg/optima_p1-5.txt") else {
        return;
    };
    let optima: Vec<f64> = std::fs::read_to_string(optima)
        .unwrap()
        .split_whitespace()
        .map(|v| v.parse().unwrap())
        .collect();
    for (i, best) in optima.iter().enumerate() {
        let file = bench(&format!("sscflp_holmberg/p{}", i + 1)).unwrap();
        let s = solve_imported("holmberg", &file, None);
        assert_eq!(s["status"], "optimal", "p{}", i + 1);
        assert!(
            (s["objective"].as_f64().unwrap() - best).abs() < 1e-6,
            "p{}: {} vs {best}",
            i + 1,
            s["objective"]
        );
        assert_eq!(s["check"]["ok"], true);
    }
}

/// `plan DIR --solver NAME --check`: its summary, after asserting exit 0.
fn plan_with(dir: &Path, solver: &str) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--solver",
        solver,
        "--check",
        "-q",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    summary(&out)
}

/// A backend and the default one reach the same optimum on the tiny data set (an estates model with rules beyond
/// facility location, so the solver, not a strategy, finds it).
fn agrees_with_microlp(solver: &str) {
    let tiny = data("tiny");
    let (theirs, ours) = (plan_with(&tiny, solver), plan_with(&tiny, "microlp"));
    for s in [&theirs, &ours] {
        assert_eq!(s["status"], "optimal");
        assert_eq!(s["plan_source"], "solver");
    }
    let (a, b) = (
        theirs["objective"].as_f64().unwrap(),
        ours["objective"].as_f64().unwrap(),
    );
    assert!(
        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        "{solver} {a} against microlp {b}"
    );
}

#[test]
fn lp_solve_backend_agrees_on_the_tiny_data_set() {
    agrees_with_microlp("lpsolve");
}

#[test]
fn single_source_instances_take_the_lagrangian_strategy_whichever_solver_is_named() {
    let Some(file) = bench("sscflp_holmberg/p1") else {
        return;
    };
    let s = solve_imported("holmberg", &file, Some("lpsolve"));
    assert_eq!(s["status"], "optimal");
    assert_eq!(s["plan_source"], "lagrangian");
    assert!((s["objective"].as_f64().unwrap() - 8848.0).abs() < 1e-6);
}

#[cfg(feature = "highs")]
#[test]
fn highs_backend_agrees_on_the_tiny_data_set() {
    agrees_with_microlp("highs");
}

#[test]
fn impossible_rules_give_infeasible_with_the_conflict_named_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("m.toml");
    // The Town Hall (S3) must go, but with no capital at all its 120 staff cannot be moved.
    std::fs::write(
        &model,
        "[estates]\nforce_release = [\"S3\"]\n[estates.budget]\nrelocation_per_head = 1000.0\ncapital_per_year = 0.0\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let res = run(&[
        "plan",
        data("tiny").to_str().unwrap(),
        "--model",
        model.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 1, "{}", String::from_utf8_lossy(&res.stdout));
    let s = summary(&out);
    assert_eq!(s["status"], "infeasible");
    let groups: Vec<&str> = s["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["group"].as_str().unwrap())
        .collect();
    // Neither rule alone is impossible: the deletion filter must keep both.
    assert!(
        groups.contains(&"budget") && groups.contains(&"release"),
        "{groups:?}"
    );
    assert!(
        std::fs::read_to_string(out.join("report.md"))
            .unwrap()
            .contains("Infeasible")
    );
}

#[test]
fn a_time_limit_too_short_gives_feasible_with_bound_and_gap_and_exit_1() {
    let Some(file) = bench("sscflp_holmberg/p2") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (data, out) = (tmp.path().join("d"), tmp.path().join("o"));
    assert_eq!(
        code(&run(&[
            "import",
            "holmberg",
            file.to_str().unwrap(),
            "--out",
            data.to_str().unwrap()
        ])),
        0
    );
    let res = run(&[
        "plan",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "0.001",
        "-q",
    ]);
    assert_eq!(code(&res), 1);
    let s = summary(&out);
    assert_eq!(s["status"], "feasible");
    let (obj, bound) = (
        s["objective"].as_f64().unwrap(),
        s["best_bound"].as_f64().unwrap(),
    );
    assert!(bound <= obj + 1e-9 && s["gap"].as_f64().unwrap() >= 0.0);
}

#[test]
fn an_unknown_solver_is_a_usage_error() {
    let res = run(&[
        "plan",
        data("tiny").to_str().unwrap(),
        "--solver",
        "gurobi",
        "--out",
        "/tmp/never-written",
    ]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("unknown solver"));
}

#[test]
fn access_per_service_kind_keeps_the_only_library() {
    let tmp = tempfile::tempdir().unwrap();
    let model = tmp.path().join("m.toml");
    std::fs::write(&model, "[estates.access]\nper_kind = [\"library\"]\n").unwrap();
    let (with, without) = (tmp.path().join("with"), tmp.path().join("without"));
    let tiny = data("tiny");
    let args = |out: &Path| {
        vec![
            "plan".to_string(),
            tiny.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--check".into(),
            "-q".into(),
        ]
    };
    let mut a = args(&with);
    a.extend(["--model".into(), model.display().to_string()]);
    assert_eq!(
        code(&run(&a.iter().map(String::as_str).collect::<Vec<_>>())),
        0
    );
    assert_eq!(
        code(&run(&args(&without)
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>())),
        0
    );
    let s4 = |out: &Path| {
        std::fs::read_to_string(out.join("sites.csv"))
            .unwrap()
            .lines()
            .find(|l| l.starts_with("S4,"))
            .unwrap()
            .to_string()
    };
    assert!(s4(&with).contains(",keep,"), "{}", s4(&with));
    assert!(
        s4(&without).contains(",release,"),
        "without the per-kind rule the library is worth releasing: {}",
        s4(&without)
    );
}

#[test]
fn the_checker_finds_rule_breaks_in_a_hand_made_plan() {
    use consolidate::check::check;
    use consolidate::domain::SiteIx;
    use consolidate::model_config::ModelConfig;
    use consolidate::plan::{Plan, SiteDecision};
    let model = ModelConfig::parse("[estates.access]\nper_kind = [\"library\"]\n").unwrap();
    let loaded = consolidate::input::load(&data("tiny"), &model);
    let d = &loaded.dataset;
    let mut plan = Plan::baseline(d);
    // Release the only library and the must-keep town hall, and leave the town hall's team where it was.
    plan.sites[3] = SiteDecision::Release(1);
    plan.sites[2] = SiteDecision::Release(2);
    plan.teams[0] = vec![(SiteIx(2), 0.5), (SiteIx(1), 0.5)];
    let report = check(d, &model, &plan, None);
    let rules: Vec<&str> = report.violations.iter().map(|v| v.rule.name()).collect();
    assert!(!report.ok);
    for rule in ["access", "release", "link", "assignment"] {
        assert!(rules.contains(&rule), "{rule} missing from {rules:?}");
    }
}

#[test]
fn explain_forces_the_top_decisions_and_none_beats_the_optimum() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = run(&[
        "plan",
        data("tiny").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--explain",
        "3",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    let s = summary(&out);
    let npv = s["kpis"]["npv"].as_f64().unwrap();
    let mut r = csv::Reader::from_path(out.join("explain.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3, "the top three free decisions");
    let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    for row in &rows {
        assert_eq!(&row[0], "site", "tiny has no functions.csv: {row:?}");
        // Forced the other way: a released site kept, a kept site released.
        let planned = sites
            .lines()
            .find(|l| l.starts_with(&format!("{},", &row[1])))
            .unwrap();
        let released = planned.contains(",release,");
        assert_eq!(
            &row[4],
            if released { "keep" } else { "release" },
            "{row:?}"
        );
        // The plan is optimal, so forcing any decision the other way cannot raise the NPV.
        if &row[5] == "optimal" {
            let change: f64 = row[7].parse().unwrap();
            let forced_npv: f64 = row[6].parse().unwrap();
            assert!(change <= 1e-6, "{row:?}");
            assert!(
                (forced_npv - change - npv).abs() < 0.02,
                "figures to 2 dp: {row:?}"
            );
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("What each top decision is worth"));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains(&format!("<td>{}</td>", &rows[0][1])));
}

#[test]
fn shapley_shares_add_up_to_the_estates_npv_and_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let res = run(&[
        "plan",
        data("tiny").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--shapley",
        "-q",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    let npv = summary(&out)["kpis"]["npv"].as_f64().unwrap();
    let mut r = csv::Reader::from_path(out.join("shares.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (shapley, direct, prop) = (
        col("shapley_estates_gbp"),
        col("estates_direct_gbp"),
        col("proportional_gbp"),
    );
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let sum = |c: usize| {
        rows.iter()
            .map(|x| x[c].parse::<f64>().unwrap())
            .sum::<f64>()
    };
    // Efficiency: every rule shares out exactly the plan's NPV (figures to 2 dp).
    for c in [shapley, direct, prop] {
        assert!(
            (sum(c) - npv).abs() < 0.05,
            "{}: {} vs {npv}",
            &head[c],
            sum(c)
        );
    }
    // The council's team moving into the trust's hospital is worth something only in coalition, so the Shapley
    // shares differ from the direct ones.
    assert!(rows.iter().any(|x| {
        (x[shapley].parse::<f64>().unwrap() - x[direct].parse::<f64>().unwrap()).abs() > 1.0
    }));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Shapley over partner kinds"));
}

#[test]
fn with_shared_services_every_share_rule_still_shares_out_the_plan_npv() {
    let (_tmp, out, res) = plan_fresh(&data("tiny-services"), &["--shapley"]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    let s = summary(&out);
    let npv = s["kpis"]["npv"].as_f64().unwrap();
    assert!(
        s["shared_services"]["npv"].as_f64().unwrap() > 0.0,
        "the case pools something"
    );
    let mut r = csv::Reader::from_path(out.join("shares.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    for name in [
        "shapley_estates_gbp",
        "estates_direct_gbp",
        "proportional_gbp",
    ] {
        let c = head.iter().position(|h| h == name).unwrap();
        let sum: f64 = rows.iter().map(|x| x[c].parse::<f64>().unwrap()).sum();
        assert!((sum - npv).abs() < 0.05, "{name}: {sum} vs {npv}");
    }
}

#[test]
fn report_tables_name_partners_and_suppliers_and_the_last_line_names_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, out) = (tmp.path().join("data"), tmp.path().join("out"));
    copy_dir(&data("tiny"), &dir);
    // With the award on, so the contracts table lists buyers and suppliers too.
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let stdout = String::from_utf8_lossy(&res.stdout);
    let last = stdout.lines().last().unwrap();
    let page = out.join("report.html");
    assert_eq!(
        last,
        format!("wrote {}: open {}", out.display(), page.display())
    );
    let html = std::fs::read_to_string(&page).unwrap();
    let names = |file: &str| -> Vec<(String, String)> {
        let mut r = csv::Reader::from_path(dir.join(file)).unwrap();
        let rows = r.records().map(Result::unwrap);
        rows.map(|x| (x[0].to_string(), x[1].to_string())).collect()
    };
    let cell = |(code, name): &(String, String)| {
        let escaped = name.replace('&', "&amp;");
        format!("<td>{escaped}<span class=\"code\">{code}</span></td>")
    };
    // Every partner in shares.csv (which keeps its codes) is a row of "who gains and who pays" by name, code kept.
    let mut shares = csv::Reader::from_path(out.join("shares.csv")).unwrap();
    assert_eq!(&shares.headers().unwrap()[0], "partner");
    let orgs = names("organisations.csv");
    let i = html.find("Who gains and who pays").unwrap();
    for row in shares.records().map(Result::unwrap) {
        let org = orgs.iter().find(|o| o.0 == row[0]).unwrap();
        assert!(html[i..].contains(&cell(org)), "{org:?}");
    }
    // The contract that moves names its buyer and both suppliers the same way ("Clean & Co" escaped).
    let i = html.find("Contracts that change supplier").unwrap();
    let suppliers = names("suppliers.csv");
    for s in suppliers.iter().filter(|s| s.0 == "ACME" || s.0 == "CLEAN") {
        assert!(html[i..].contains(&cell(s)), "{s:?}");
    }
    assert!(!html.contains("<td>C1</td>") && !html.contains("<td>ACME</td>"));
}

/// A generated 40-partner x 8-function case under a tight capital budget (GBP 1.5m a year): microlp needs about
/// 10 s to prove it, and gets a bound within the limit even with two other plans running beside it. (The 30-partner
/// case this used, 30 s to prove before presolve, is now proven in 4-12 s; at 45 partners and more the LP
/// relaxation may not finish within 5 s on a loaded machine, leaving no bound.)
fn hard_services_case(tmp: &std::path::Path) -> PathBuf {
    let data = tmp.join("d");
    let args = [
        "generate",
        "--functions",
        "8",
        "--partners",
        "40",
        "--seed",
        "1",
    ];
    let generated = run(&[&args[..], &["--out", data.to_str().unwrap()]].concat());
    assert_eq!(code(&generated), 0);
    let model = std::fs::read_to_string(data.join("model.toml"))
        .unwrap()
        .replace(
            "[estates.budget]",
            "[estates.budget]\ncapital_per_year = 1500000",
        );
    std::fs::write(data.join("model.toml"), model).unwrap();
    data
}

/// `plan DATA --time-limit 5 [--solver S]`: the summary and the log, after checking that the command ended within
/// 5 s + 5% + 2 s + `slack` with exit code 1 (not proven optimal).
fn plan_in_five_seconds(
    data: &Path,
    out: &Path,
    solver: &[&str],
    slack: f64,
) -> (serde_json::Value, String) {
    let started = std::time::Instant::now();
    let args = [
        "plan",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--time-limit",
        "5",
    ];
    let res = run(&[&args[..], solver].concat());
    let wall = started.elapsed().as_secs_f64();
    let log = String::from_utf8_lossy(&res.stderr).to_string();
    assert!(wall <= 5.0 * 1.05 + 2.0 + slack, "took {wall:.2} s: {log}");
    assert_eq!(code(&res), 1, "{log}");
    (summary(out), log)
}

/// `--time-limit` is one deadline for the whole command (issue 21): on a shared-services case that needs far
/// longer to prove, `plan --time-limit 5` ends within 5 s + 5% + 2 s with a feasible plan, a proven bound and a
/// gap, in GBP too.
#[test]
fn a_time_limit_is_kept_by_the_whole_command_with_a_plan_a_bound_and_a_gap() {
    let tmp = tempfile::tempdir().unwrap();
    let data = hard_services_case(tmp.path());
    let (s, log) = plan_in_five_seconds(&data, &tmp.path().join("o"), &[], 0.0);
    assert_eq!(s["status"], "feasible", "{log}");
    let (obj, bound) = (
        s["objective"].as_f64().unwrap(),
        s["best_bound"].as_f64().unwrap(),
    );
    assert!(
        bound >= obj - 1e-6,
        "an NPV bound is above the plan: {bound} < {obj}"
    );
    assert!(s["gap"].as_f64().unwrap() > 0.0);
    assert_eq!(s["gap_relative_to"], "plan_cost");
    assert!((s["gap_gbp"].as_f64().unwrap() - (bound - obj)).abs() < 1e-6);
}

/// lp_solve checks its limit only between steps of its own (10 s past a 1 s limit on this case), and through
/// good_lp a solve it stopped at the limit came back "optimal" (and this command took 14.8 s). Called directly
/// and abandoned at the deadline, it never calls a plan it could not prove optimal and ends within 6.5 s on an
/// otherwise idle or a loaded machine; under CI's own load the abandoned solves' threads share the cores with
/// what is left to do (8.1 s measured), hence 2 s more here than for microlp: an lp_solve that can be stopped
/// (a child process) is open work.
#[test]
fn lp_solve_is_abandoned_at_the_limit_and_never_calls_an_unproven_plan_optimal() {
    let tmp = tempfile::tempdir().unwrap();
    let data = hard_services_case(tmp.path());
    let (s, log) =
        plan_in_five_seconds(&data, &tmp.path().join("o"), &["--solver", "lpsolve"], 2.0);
    assert_eq!(s["status"], "feasible", "{log}");
    assert_eq!(s["solver"]["name"], "lpsolve", "{}", s["solver"]);
}

#[test]
fn the_most_deprived_zone_keeps_its_library_and_the_report_shows_access_by_decile() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    // Z3 (West), whose nearest public-facing site is the Westway Library S4, is in the most deprived decile.
    let zones = std::fs::read_to_string(dir.join("zones.csv")).unwrap();
    let with_deciles: Vec<String> = zones
        .lines()
        .enumerate()
        .map(|(i, l)| match i {
            0 => format!("{l},imd_decile"),
            _ if l.starts_with("Z3,") => format!("{l},1"),
            _ => format!("{l},6"),
        })
        .collect();
    std::fs::write(dir.join("zones.csv"), with_deciles.join("\n") + "\n").unwrap();
    let model = tmp.path().join("m.toml");
    std::fs::write(&model, "[estates.access]\ndeprived_deciles = 1\n").unwrap();
    let plan = |out: &Path, with_rule: bool| {
        let (d, o) = (dir.display().to_string(), out.display().to_string());
        let mut a = vec!["plan", &d, "--out", &o, "--check", "-q"];
        let m = model.display().to_string();
        if with_rule {
            a.extend(["--model", &m]);
        }
        assert_eq!(code(&run(&a)), 0);
        let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
        let s4 = sites.lines().find(|l| l.starts_with("S4,")).unwrap();
        (
            s4.to_string(),
            std::fs::read_to_string(out.join("report.md")).unwrap(),
        )
    };
    let (s4, report) = plan(&tmp.path().join("with"), true);
    assert!(s4.contains(",keep,"), "{s4}");
    assert!(report.contains("## Access by deprivation"), "{report}");
    assert!(report.contains("holds zones in deciles 1 to 1"), "{report}");
    let (s4, report) = plan(&tmp.path().join("without"), false);
    assert!(
        s4.contains(",release,"),
        "without the rule the library is worth releasing: {s4}"
    );
    // Decile 1 (Z3, 11,000 residents) is further from a site once its library goes.
    let row = report
        .lines()
        .find(|l| l.starts_with("| 1 | 1 | 11,000 |"))
        .unwrap();
    let km: Vec<f64> = row
        .split('|')
        .filter_map(|c| c.trim().parse().ok())
        .collect();
    assert!(km[3] > km[2], "{row}");
}
