//! `consolidate compare`: the optimal plan, the greedy plan and a hand-written plan side by side, ranked, with the
//! decisions that differ, in the terminal, as CSV and as report.html.

use crate::common::{code, copy_dir, data, run};
use std::path::{Path, PathBuf};

fn plan(dir: &Path, out: &Path, extra: &[&str]) -> i32 {
    let mut args = vec![
        "plan",
        dir.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ];
    args.extend(extra);
    code(&run(&args))
}

/// tiny with its award switched on, and three plans of it: optimal, greedy and a hand edit of the optimal one
/// that releases the must-keep site S1 and moves its teams nowhere.
fn three_plans() -> (tempfile::TempDir, PathBuf, [PathBuf; 3]) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    std::fs::write(dir.join("model.toml"), "[procurement]\nenabled = true\n").unwrap();
    let [opt, greedy, hand] =
        ["optimal", "greedy", "hand"].map(|n| tmp.path().join("plans").join(n));
    assert_eq!(plan(&dir, &opt, &[]), 0);
    // The greedy plan is honest about its status: feasible, not proven optimal, so exit 1.
    assert_eq!(plan(&dir, &greedy, &["--greedy"]), 1);
    copy_dir(&opt, &hand);
    let sites = std::fs::read_to_string(opt.join("sites.csv")).unwrap();
    let edited: Vec<String> = sites
        .lines()
        .map(|l| match l.starts_with("S1,") {
            true => "S1,,,release,1,,,,".to_string(),
            false => l.to_string(),
        })
        .collect();
    std::fs::write(hand.join("sites.csv"), edited.join("\n")).unwrap();
    (tmp, dir, [opt, greedy, hand])
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let head: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mut rows = vec![head];
    rows.extend(
        r.records()
            .map(|x| x.unwrap().iter().map(String::from).collect()),
    );
    rows
}

#[test]
fn optimal_greedy_and_hand_written_plans_are_ranked_with_their_differences() {
    let (tmp, dir, plans) = three_plans();
    let out = tmp.path().join("compared");
    let mut args = vec!["compare", dir.to_str().unwrap()];
    args.extend(plans.iter().map(|p| p.to_str().unwrap()));
    args.extend(["--out", out.to_str().unwrap()]);
    let res = run(&args);
    let stdout = String::from_utf8_lossy(&res.stdout);
    // The hand-written plan breaks a rule: compare says so with exit 1.
    assert_eq!(code(&res), 1, "{stdout}");
    let kpis = csv_rows(&out.join("compare.csv"));
    assert_eq!(kpis[0], ["kpi", "label", "optimal", "greedy", "hand"]);
    let row = |key: &str| kpis.iter().find(|r| r[0] == key).unwrap().clone();
    // The optimum is at least as good as the greedy plan; the hand plan is last because it breaks rules, even
    // though releasing S1 makes its NPV the largest.
    let npv: Vec<f64> = row("npv_gbp")[2..]
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(npv[0] >= npv[1] - 0.01, "{npv:?}");
    assert!(npv[2] > npv[0], "{npv:?}");
    let rank = row("rank");
    assert_eq!(rank[4], "3", "{rank:?}");
    assert_eq!(rank[2], "1", "{rank:?}");
    let violations = row("violations");
    assert_eq!(violations[2..4], ["0", "0"]);
    assert!(violations[4].parse::<u32>().unwrap() >= 1);
    // The terminal table is aligned and ranks the same way.
    let rank_line = stdout.lines().find(|l| l.starts_with("Rank")).unwrap();
    let ranks: Vec<&str> = rank_line.split_whitespace().skip(4).collect();
    assert_eq!(ranks, ["1", "2", "3"], "{rank_line}");
    // The differences name S1, kept in the optimal plan and released in the hand plan.
    let diffs = csv_rows(&out.join("differences.csv"));
    assert_eq!(
        diffs[0],
        ["kind", "id", "name", "optimal", "greedy", "hand"]
    );
    let s1 = diffs
        .iter()
        .find(|r| r[0] == "site" && r[1] == "S1")
        .expect("S1 differs");
    assert_eq!(s1[3], "keep");
    assert_eq!(s1[5], "release in year 1");
    // Every difference really differs, and nothing that is the same is listed.
    assert!(diffs[1..].iter().all(|r| r[3..].iter().any(|d| d != &r[3])));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("Decisions that differ"),
        "report.html lists differences"
    );
    assert_eq!(
        html.matches("class=\"site-marker").count(),
        18,
        "one map per plan, one marker per tiny site"
    );
}

#[test]
fn a_folder_of_plan_folders_stands_for_all_of_them_and_one_plan_is_refused() {
    let (tmp, dir, plans) = three_plans();
    let all = plans[0].parent().unwrap();
    let out = tmp.path().join("compared");
    let res = run(&[
        "compare",
        dir.to_str().unwrap(),
        all.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let kpis = csv_rows(&out.join("compare.csv"));
    // The three plan folders are found in name order.
    assert_eq!(
        kpis[0][2..],
        ["greedy", "hand", "optimal"],
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let res = run(&[
        "compare",
        dir.to_str().unwrap(),
        plans[0].to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code(&res), 2);
    assert!(String::from_utf8_lossy(&res.stderr).contains("two or more plans"));
}
