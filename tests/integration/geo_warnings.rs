//! Misplaced points are warned about, not refused: a ward moved to Penzance is outside its borough's outline
//! (W1012) and far from every other zone and site (W1013); a site far from the rest is W1013 even without
//! `boroughs.geojson`. Each finding names file, row and the coordinate column, and `validate` still exits 0.

use crate::common::*;
use serde_json::Value;
use std::path::Path;

/// Penzance, Cornwall: some 400 km from Greater Manchester, inside the Great Britain box (so not E1031).
const PENZANCE: (&str, &str) = ("50.118", "-5.537");

/// Sets `lat` and `lon` of the row of `file` whose `id` is `id`; returns the row's line number (header = 1).
fn move_point(dir: &Path, file: &str, id: &str, (lat, lon): (&str, &str)) -> u64 {
    let path = dir.join(file);
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id_col, lat_col, lon_col) = (col("id"), col("lat"), col("lon"));
    let mut rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let index = rows.iter().position(|r| &r[id_col] == id).unwrap();
    let mut row: Vec<String> = rows[index].iter().map(str::to_string).collect();
    row[lat_col] = lat.to_string();
    row[lon_col] = lon.to_string();
    rows[index] = csv::StringRecord::from(row);
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&header).unwrap();
    for r in &rows {
        writer.write_record(r).unwrap();
    }
    writer.flush().unwrap();
    index as u64 + 2
}

/// The findings with one of the geographic codes.
fn geo_findings(json: &Value) -> Vec<&Value> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "W1012" || f["code"] == "W1013")
        .collect()
}

fn cause(f: &Value) -> &str {
    f["cause"].as_str().unwrap()
}

#[test]
fn the_shipped_example_has_no_misplaced_point() {
    let (status, json) = validate_json(&root().join("inputs/greater-manchester"));
    assert_eq!(status, 0, "{json}");
    assert!(geo_findings(&json).is_empty(), "{json}");
    for name in ["tiny", "tiny-services"] {
        let (status, json) = validate_json(&data(name));
        assert_eq!(status, 0, "{json}");
        assert_eq!(json["warnings"], 0, "{name}: {json}");
    }
}

#[test]
fn a_ward_moved_to_penzance_is_outside_its_borough_and_far_from_everything() {
    let tmp = tempfile::tempdir().unwrap();
    // Named as the example so that it finds the same model file.
    let dir = tmp.path().join("greater-manchester");
    copy_dir(&root().join("inputs/greater-manchester"), &dir);
    // Bradshaw, a ward of Bolton.
    let zone_row = move_point(&dir, "zones.csv", "E05000651", PENZANCE);
    // Bury CCG's office moved into central Manchester: outside Bury, but near other points.
    let site_row = move_point(&dir, "sites.csv", "00V-OFFICE", ("53.4808", "-2.2426"));

    let (status, json) = validate_json(&dir);
    assert_eq!(status, 0, "warnings only: exit 0\n{json}");
    assert_eq!(json["ok"], true);
    assert!(!json["summary"].is_null(), "{json}");
    let found = geo_findings(&json);
    assert_eq!(found.len(), 3, "{found:#?}");

    let outside = found
        .iter()
        .find(|f| f["code"] == "W1012" && f["file"] == "zones.csv")
        .expect("the ward is outside Bolton");
    assert_eq!(outside["severity"], "warning");
    assert_eq!(outside["row"], zone_row);
    assert_eq!(outside["column"], "lat");
    assert_eq!(outside["value"], PENZANCE.0);
    let c = cause(outside);
    assert!(
        c.contains("E05000651") && c.contains("Bradshaw") && c.contains("borough Bolton"),
        "{c}"
    );
    assert!(c.contains("km outside Bolton's boundary"), "{c}");
    assert!(
        outside["action"]
            .as_str()
            .unwrap()
            .contains("check the coordinates"),
        "{outside}"
    );

    let far = found
        .iter()
        .find(|f| f["code"] == "W1013")
        .expect("the ward is far from everything");
    assert_eq!(far["file"], "zones.csv");
    assert_eq!(far["row"], zone_row);
    assert_eq!(far["column"], "lat");
    assert!(cause(far).contains("E05000651"), "{far}");

    let site = found
        .iter()
        .find(|f| f["code"] == "W1012" && f["file"] == "sites.csv")
        .expect("the office is outside Bury");
    assert_eq!(site["row"], site_row);
    assert!(site["column"] == "lat" || site["column"] == "lon", "{site}");
    assert!(
        cause(site).contains("00V-OFFICE") && cause(site).contains("Bury's boundary"),
        "{site}"
    );

    // The text report says the same, in the one pass with every other finding.
    let out = run(&["validate", dir.to_str().unwrap()]);
    assert_eq!(code(&out), 0);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "warning[W1012] zones.csv row {zone_row} column 'lat'"
        )),
        "{text}"
    );
    assert!(text.contains("0 error(s)"), "{text}");
}

#[test]
fn a_site_far_from_everything_is_warned_about_without_boundaries() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("tiny");
    copy_dir(&data("tiny"), &dir);
    assert!(!dir.join("boroughs.geojson").exists());
    // Eastgate House moved east along its own latitude, to Lincolnshire: about 115 km from the rest. The
    // latitude lies among the other points', so the longitude is named.
    let row = move_point(&dir, "sites.csv", "S2", ("53.49", "-0.5"));

    let (status, json) = validate_json(&dir);
    assert_eq!(status, 0, "{json}");
    let found = geo_findings(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    let f = found[0];
    assert_eq!(f["code"], "W1013");
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "sites.csv");
    assert_eq!(f["row"], row);
    assert_eq!(f["column"], "lon");
    assert_eq!(f["value"], "-0.5");
    let c = cause(f);
    assert!(
        c.contains("site S2") && c.contains("km from the nearest other"),
        "{c}"
    );
    assert!(
        f["action"]
            .as_str()
            .unwrap()
            .contains("check the coordinates")
    );
}
