//! `consolidate evaluate`: a plan `plan` wrote evaluates clean with the same figures; hand edits that break rules
//! are named (exit 1); malformed plan files get coded findings with row and column (exit 2).

use crate::common::{code, copy_dir, data, run};
use std::path::Path;

fn planned() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let out = tmp.path().join("plan");
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stdout));
    (tmp, dir, out)
}

/// Runs `evaluate`, writing its report beside the plan folder.
fn evaluate(dir: &Path, plan: &Path) -> (i32, String, String) {
    let out = plan.with_extension("evaluated");
    let res = run(&[
        "evaluate",
        dir.to_str().unwrap(),
        plan.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (
        code(&res),
        String::from_utf8_lossy(&res.stdout).into_owned(),
        String::from_utf8_lossy(&res.stderr).into_owned(),
    )
}

#[test]
fn the_plan_that_plan_wrote_evaluates_clean_with_the_same_figures() {
    let (_tmp, dir, out) = planned();
    let (rc, stdout, _) = evaluate(&dir, &out);
    assert_eq!(rc, 0, "{stdout}");
    assert!(stdout.contains("violations: 0"), "{stdout}");
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let npv = consolidate::text::money(s["kpis"]["npv"].as_f64().unwrap());
    assert!(
        stdout.contains(&format!("estates: NPV GBP {npv} ")),
        "{npv} in {stdout}"
    );
    let award = consolidate::text::money(s["procurement"]["npv"].as_f64().unwrap());
    assert!(
        stdout.contains(&format!("award: NPV GBP {award}")),
        "{award} in {stdout}"
    );
    let html =
        std::fs::read_to_string(out.with_extension("evaluated").join("report.html")).unwrap();
    assert!(
        html.contains("RULES: clean") || html.contains("Rules: clean"),
        "report.html states the verdict"
    );
    assert_eq!(
        html.matches("class=\"site-marker").count(),
        6,
        "one marker per tiny site"
    );
}

#[test]
fn releasing_a_must_keep_site_by_hand_is_named_and_exits_1() {
    let (_tmp, dir, out) = planned();
    let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    let edited: String = sites
        .lines()
        .map(|l| {
            if l.starts_with("S1,") {
                "S1,,,release,1,,,,".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(out.join("sites.csv"), edited).unwrap();
    let (rc, stdout, _) = evaluate(&dir, &out);
    assert_eq!(rc, 1, "{stdout}");
    assert!(
        stdout.contains("violation [release]: site S1 is must-keep but released"),
        "{stdout}"
    );
    assert!(
        stdout.contains("estates: NPV GBP"),
        "a plan that breaks rules is still costed: {stdout}"
    );
}

#[test]
fn missing_rows_mean_no_change_and_malformed_rows_are_coded() {
    let (_tmp, dir, out) = planned();
    // Only a sites file that keeps everything: the baseline, clean, NPV 0.
    let only = out.join("only");
    std::fs::create_dir_all(&only).unwrap();
    std::fs::write(only.join("sites.csv"), "site,decision\n").unwrap();
    let (rc, stdout, _) = evaluate(&dir, &only);
    assert_eq!(rc, 0, "{stdout}");
    assert!(stdout.contains("estates: NPV GBP 0 "), "{stdout}");
    // A bad word, an unknown site and a release without a year: every one reported, exit 2.
    std::fs::write(
        only.join("sites.csv"),
        "site,decision,year\nS2,maybe,\nS99,keep,\nS3,release,\n",
    )
    .unwrap();
    let (rc, _, stderr) = evaluate(&dir, &only);
    assert_eq!(rc, 2);
    for want in [
        "E1014] sites.csv row 2 column 'decision'",
        "E1021] sites.csv row 3 column 'site'",
        "E1010] sites.csv row 4 column 'year'",
    ] {
        assert!(stderr.contains(want), "{want} in {stderr}");
    }
}
