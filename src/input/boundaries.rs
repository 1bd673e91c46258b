//! The optional map layer `boroughs.geojson`: area outlines drawn under the sites in the HTML report.
//!
//! A GeoJSON FeatureCollection of Polygon or MultiPolygon features with WGS84 [lon, lat] positions (the ONS
//! boundary files as published). The outline's name is read from the first property of `area_name`, `name`,
//! `NAME`, `LAD16NM`, `LAD21NM` that the first feature has. A file that cannot be used is one `E1009` finding
//! naming the feature and what is wrong, reported with every other finding before anything is solved.

use crate::codes::E1009;
use crate::domain::Borough;
use crate::error::Finding;
use serde_json::Value;
use std::path::Path;

/// The file name in a data set folder.
pub const FILE: &str = "boroughs.geojson";

/// Property names tried, in order, for an outline's name.
const NAME_KEYS: [&str; 5] = ["area_name", "name", "NAME", "LAD16NM", "LAD21NM"];

/// Reads `DIR/boroughs.geojson` when it exists (none: no outlines, no finding).
pub fn read(dir: &Path, findings: &mut Vec<Finding>) -> Vec<Borough> {
    let path = dir.join(FILE);
    if !path.exists() {
        return Vec::new();
    }
    let fail = |cause: String| {
        Finding::file(
            E1009,
            FILE,
            cause,
            "fix the file (WGS84 Polygon or MultiPolygon features with a name property) or remove it; \
             the map is then drawn without outlines",
        )
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            findings.push(fail(format!("cannot be read: {e}")));
            return Vec::new();
        }
    };
    let key = serde_json::from_str::<Value>(&text).ok().and_then(|doc| {
        let props = doc.get("features")?.get(0)?.get("properties")?.clone();
        NAME_KEYS.into_iter().find(|k| props.get(k).is_some())
    });
    match parse_boroughs(&text, key.unwrap_or(NAME_KEYS[0])) {
        Ok(b) => b,
        Err(e) => {
            findings.push(fail(e));
            Vec::new()
        }
    }
}

/// Reads area outlines from a GeoJSON FeatureCollection of Polygon or MultiPolygon features ([lon, lat] positions).
///
/// Each feature's name is `properties[name_key]` (a string or number). Errors are sentences naming the feature by
/// its index in the `features` array, counting from 0. Positions outside longitude/latitude range are rejected,
/// because they almost always mean a projected file (e.g. British National Grid metres).
pub fn parse_boroughs(geojson: &str, name_key: &str) -> Result<Vec<Borough>, String> {
    let doc: Value = serde_json::from_str(geojson)
        .map_err(|e| format!("The GeoJSON is not valid JSON: {e}."))?;
    let Some(features) = doc.get("features").and_then(Value::as_array) else {
        return Err("The GeoJSON has no \"features\" array; expected a FeatureCollection.".into());
    };
    let feature = |(i, f)| parse_feature(i, f, name_key);
    features.iter().enumerate().map(feature).collect()
}

fn parse_feature(i: usize, f: &Value, key: &str) -> Result<Borough, String> {
    let name = match f.get("properties").and_then(|p| p.get(key)) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(_) => return Err(format!("Feature {i}: property \"{key}\" is not a string.")),
        None => return Err(format!("Feature {i} has no property \"{key}\" to name it.")),
    };
    let fail = |what: &str| format!("Feature {i} ({name}): {what}.");
    let Some(geom) = f.get("geometry").filter(|g| !g.is_null()) else {
        return Err(fail("has no geometry"));
    };
    let coords = geom.get("coordinates").and_then(Value::as_array);
    let coords = coords.ok_or_else(|| fail("the geometry has no coordinates array"))?;
    let polygons: Vec<&Value> = match geom.get("type").and_then(Value::as_str) {
        Some("Polygon") => vec![&geom["coordinates"]],
        Some("MultiPolygon") => coords.iter().collect(),
        Some(t) => {
            return Err(fail(&format!(
                "type \"{t}\" is not Polygon or MultiPolygon"
            )));
        }
        None => return Err(fail("the geometry has no type")),
    };
    let mut rings = Vec::new();
    for poly in polygons {
        let poly = poly.as_array();
        for ring in poly.ok_or_else(|| fail("a polygon is not an array of rings"))? {
            rings.push(parse_ring(ring).map_err(|e| fail(&e))?);
        }
    }
    if rings.is_empty() {
        return Err(fail("the geometry has no rings"));
    }
    Ok(Borough { name, rings })
}

fn parse_ring(ring: &Value) -> Result<Vec<(f64, f64)>, String> {
    let positions = ring
        .as_array()
        .ok_or("a ring is not an array of positions")?;
    let mut out = Vec::with_capacity(positions.len());
    for (j, p) in positions.iter().enumerate() {
        let pair = match p.as_array().map(Vec::as_slice) {
            Some([x, y, ..]) => x.as_f64().zip(y.as_f64()),
            _ => None,
        };
        let Some((lon, lat)) = pair else {
            return Err(format!("position {j} of a ring is not a [lon, lat] pair"));
        };
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            return Err(format!(
                "position {j} ({lon}, {lat}) is not a longitude/latitude; is the file in a projected system?"
            ));
        }
        out.push((lon, lat));
    }
    if out.len() < 3 {
        return Err(format!("a ring has {} positions, fewer than 3", out.len()));
    }
    Ok(out)
}
