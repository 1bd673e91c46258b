//! `plan` writes `plan.geojson` (issue 22): on `tiny-services` (built-in model defaults, as `plan_cli.rs` runs it)
//! the file is a GeoJSON FeatureCollection of Points and LineStrings with positions in longitude/latitude range,
//! one site feature per located site of the data set and one hub feature per `hubs.csv` row at a located site.

use crate::common::{code, data, plan_fresh};
use serde_json::Value;
use std::collections::BTreeSet;

/// The ids of the sites of `tiny-services/sites.csv` that have both `lat` and `lon`.
fn located_sites() -> BTreeSet<String> {
    let mut r = csv::Reader::from_path(data("tiny-services").join("sites.csv")).unwrap();
    let head = r.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (id, lat, lon) = (col("id"), col("lat"), col("lon"));
    r.records()
        .map(Result::unwrap)
        .filter(|row| !row[lat].trim().is_empty() && !row[lon].trim().is_empty())
        .map(|row| row[id].to_string())
        .collect()
}

#[test]
fn plan_writes_a_feature_collection_with_one_feature_per_located_site_and_hub() {
    let dir = data("tiny-services");
    let (_tmp, out, res) = plan_fresh(&dir, &[]);
    assert_eq!(code(&res), 0, "{}", String::from_utf8_lossy(&res.stderr));
    let text = std::fs::read(out.join("plan.geojson")).expect("plan writes plan.geojson");
    let json: Value = serde_json::from_slice(&text).expect("plan.geojson is JSON");
    assert_eq!(json["type"], "FeatureCollection");
    assert!(json.get("crs").is_none(), "RFC 7946 has no crs member");
    let features = json["features"].as_array().unwrap();
    for f in features {
        assert_eq!(f["type"], "Feature");
        let g = &f["geometry"];
        let positions: Vec<&Value> = match g["type"].as_str() {
            Some("Point") => vec![&g["coordinates"]],
            Some("LineString") => g["coordinates"].as_array().unwrap().iter().collect(),
            other => panic!("geometry {other:?} in {f}"),
        };
        for p in positions {
            let p = p.as_array().unwrap();
            assert_eq!(p.len(), 2, "{f}");
            let (lon, lat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
            assert!((-180.0..=180.0).contains(&lon), "{f}");
            assert!((-90.0..=90.0).contains(&lat), "{f}");
        }
    }
    let kind = |k: &str| {
        let of_kind = |f: &&Value| f["properties"]["kind"] == k;
        features.iter().filter(of_kind).collect::<Vec<_>>()
    };
    let located = located_sites();
    let sites = kind("site");
    assert_eq!(sites.len(), located.len());
    // Longitude first: Northfield lies at about 2.2 W, 53.5 N.
    let p = &sites[0]["geometry"]["coordinates"];
    assert!(
        p[0].as_f64().unwrap() < 0.0 && p[1].as_f64().unwrap() > 50.0,
        "{p}"
    );
    let mut hubs = csv::Reader::from_path(out.join("hubs.csv")).unwrap();
    let head = hubs.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (hub, site) = (col("hub"), col("site"));
    let written: BTreeSet<String> = hubs
        .records()
        .map(Result::unwrap)
        .filter(|row| located.contains(&row[site]))
        .map(|row| row[hub].to_string())
        .collect();
    assert!(!written.is_empty(), "tiny-services has today's HR service");
    let drawn: BTreeSet<String> = kind("hub")
        .iter()
        .map(|f| f["properties"]["hub"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kind("hub").len(), written.len());
    assert_eq!(drawn, written);
}
