//! The shipped Greater Manchester example: valid, and its totals agree with the public source files.

use crate::common::*;
use std::path::PathBuf;

/// The public data: `../shared/data` when present (CI), else the verbatim copies kept in `inputs/sources`.
fn sources() -> PathBuf {
    let shared = root().join("../shared/data");
    if shared.is_dir() {
        shared
    } else {
        root().join("inputs/sources")
    }
}

fn column_sum(file: &str, column: &str) -> f64 {
    let mut r = csv::Reader::from_path(sources().join(file)).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == column)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap()[i].trim().parse::<f64>().unwrap_or(0.0))
        .sum()
}

fn gm() -> PathBuf {
    root().join("inputs/greater-manchester")
}

#[test]
fn the_gm_example_validates_with_exit_0() {
    let (code, json) = validate_json(&gm());
    assert_eq!(
        code,
        0,
        "{}",
        serde_json::to_string_pretty(&json["findings"]).unwrap()
    );
}

#[test]
fn gm_zone_population_equals_the_ons_ward_total() {
    let (_, json) = validate_json(&gm());
    let ons = column_sum("geo/gm_wards_2017_centroids_pop2016.csv", "pop_mid2016");
    assert_eq!(ons, 2_782_141.0);
    assert_eq!(json["summary"]["population"].as_f64().unwrap(), ons);
    assert_eq!(json["summary"]["zones"], 215);
}

#[test]
fn gm_nhs_floor_area_equals_the_eric_total() {
    // Sum the floor area of the NHS sites in the example (ids are ERIC site codes) and compare with ERIC.
    let eric = column_sum("eric/eric_201920_sites_gm_tidy.csv", "gia_m2");
    let mut eric_codes = std::collections::HashSet::new();
    let mut r =
        csv::Reader::from_path(sources().join("eric/eric_201920_sites_gm_tidy.csv")).unwrap();
    let i = r
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "site_code")
        .unwrap();
    for rec in r.records() {
        eric_codes.insert(rec.unwrap()[i].to_string());
    }
    let mut sites = csv::Reader::from_path(gm().join("sites.csv")).unwrap();
    let h = sites.headers().unwrap().clone();
    let (id, area) = (
        h.iter().position(|c| c == "id").unwrap(),
        h.iter().position(|c| c == "floor_area_m2").unwrap(),
    );
    let example: f64 = sites
        .records()
        .map(|r| r.unwrap())
        .filter(|r| eric_codes.contains(&r[id]))
        .map(|r| r[area].parse::<f64>().unwrap())
        .sum();
    assert_eq!(eric_codes.len(), 61);
    assert!(
        (example - eric).abs() < 1.0,
        "example {example} vs ERIC {eric}"
    );
}
