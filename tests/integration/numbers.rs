//! Numbers at the edges: costs from GBP 1 to GBP 10bn in one model, near-zero capacities, sites sharing
//! coordinates, and a zone exactly on the access distance. Each plan must be proven optimal, pass the
//! independent checker with the same figures, and make the decision the edge case calls for.

use crate::common::{code, copy_dir, data, run};
use consolidate::domain::LatLon;
use consolidate::geo::haversine_km;
use std::path::Path;

/// Sets one cell of a CSV file, by the row's `id` and the column's name.
fn set(dir: &Path, file: &str, id: &str, column: &str, value: &str) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let col = lines[0].iter().position(|h| h == column).unwrap();
    let row = lines.iter().position(|r| r[0] == id).unwrap();
    lines[row][col] = value.to_string();
    let out: Vec<String> = lines.iter().map(|r| r.join(",")).collect();
    std::fs::write(&path, out.join("\n") + "\n").unwrap();
}

/// Plans `dir` with `model` text and `--check`; returns summary.json and sites.csv's decision per site.
fn plan(dir: &Path, model: &str) -> (serde_json::Value, Vec<(String, String)>) {
    let model_path = dir.with_extension("toml");
    std::fs::write(&model_path, model).unwrap();
    let out = dir.with_extension("out");
    let res = run(&[
        "plan",
        dir.to_str().unwrap(),
        "--model",
        model_path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--check",
        "-q",
    ]);
    assert_eq!(
        code(&res),
        0,
        "{}{}",
        String::from_utf8_lossy(&res.stdout),
        String::from_utf8_lossy(&res.stderr)
    );
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["status"], "optimal");
    assert_eq!(s["check"]["ok"], true, "{}", s["check"]);
    let sites = std::fs::read_to_string(out.join("sites.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(sites.as_bytes());
    let decisions = rows
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[3].to_string())
        })
        .collect();
    (s, decisions)
}

fn decision<'a>(d: &'a [(String, String)], site: &str) -> &'a str {
    &d.iter().find(|(s, _)| s == site).unwrap().1
}

#[test]
fn costs_from_one_pound_to_ten_billion_in_one_model() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    // Orchard Court's facilities management costs GBP 10bn a year (not its rent: a lease left before its break
    // pays the rent to the break); the depot's utilities GBP 1.
    set(&dir, "sites.csv", "S5", "fm_gbp", "10000000000");
    set(&dir, "sites.csv", "S6", "utilities_gbp", "1");
    let (s, d) = plan(&dir, "");
    assert_eq!(decision(&d, "S5"), "release");
    // Five years of GBP 10bn less the discounting: the checker's NPV (its own arithmetic) equals the plan's.
    let npv = s["kpis"]["npv"].as_f64().unwrap();
    assert!(npv > 4.0e10, "{npv}");
    let checked = s["check"]["npv"].as_f64().unwrap();
    assert!((checked - npv).abs() <= 1e-9 * npv, "{checked} vs {npv}");
}

#[test]
fn near_zero_capacities_and_sites_sharing_coordinates() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    // The library has one desk; the depot stands on the Town Hall's coordinates.
    set(&dir, "sites.csv", "S4", "desks", "1");
    set(&dir, "sites.csv", "S6", "lat", "53.470000");
    set(&dir, "sites.csv", "S6", "lon", "-2.260000");
    let (s, _) = plan(&dir, "");
    // Nobody is placed where there is no room: every site's load is within its desks (the checker's capacity rule).
    assert_eq!(s["check"]["violations"].as_array().map_or(0, Vec::len), 0);
}

#[test]
fn a_zone_exactly_on_the_access_distance_is_within_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    // Zone Z3 (West) has the library (S4) 0.8 km away and the Town Hall (S3, must keep) further. With the access
    // distance exactly Z3-S3, the Town Hall serves Z3 and the library (GBP 0.9m receipt, no teams) can go; a hair
    // less, and the library must stay.
    let z3 = LatLon {
        lat: 53.455,
        lon: -2.29,
    };
    let s3 = LatLon {
        lat: 53.47,
        lon: -2.26,
    };
    let exact = haversine_km(z3, s3);
    // `{:?}` prints the shortest text that reads back as the same f64, so the model holds exactly this distance.
    let model = |km: f64| format!("[estates.access]\nenabled = true\nmax_km = {km:?}\n");
    let (s, d) = plan(&dir, &model(exact));
    assert_eq!(
        decision(&d, "S4"),
        "release",
        "on the distance counts as within"
    );
    let worst = s["kpis"]["worst_zone_access_km"].as_f64().unwrap();
    assert!(worst >= exact - 1e-9, "{worst} vs {exact}");
    let (_, d) = plan(&dir, &model(exact * (1.0 - 1e-6)));
    assert_eq!(
        decision(&d, "S4"),
        "keep",
        "just inside the distance, the library is Z3's only site"
    );
}
