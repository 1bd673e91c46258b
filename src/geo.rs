//! Geography: great-circle distances and the Great Britain bounding box.

use crate::domain::LatLon;

/// Mean Earth radius in km (IUGG), the usual constant for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Latitude range of Great Britain and its islands, degrees.
pub const GB_LAT: (f64, f64) = (49.8, 60.9);
/// Longitude range of Great Britain and its islands, degrees.
pub const GB_LON: (f64, f64) = (-8.7, 1.8);

/// True when the point lies in the box around Great Britain.
pub fn in_great_britain(p: LatLon) -> bool {
    (GB_LAT.0..=GB_LAT.1).contains(&p.lat) && (GB_LON.0..=GB_LON.1).contains(&p.lon)
}

/// Great-circle distance in km by the haversine formula.
pub fn haversine_km(a: LatLon, b: LatLon) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manchester_to_london_is_about_262_km() {
        let man = LatLon {
            lat: 53.4808,
            lon: -2.2426,
        };
        let lon = LatLon {
            lat: 51.5074,
            lon: -0.1278,
        };
        let d = haversine_km(man, lon);
        assert!((d - 262.0).abs() < 3.0, "{d}");
    }

    #[test]
    fn distance_to_self_is_zero() {
        let p = LatLon {
            lat: 53.0,
            lon: -2.0,
        };
        assert_eq!(haversine_km(p, p), 0.0);
    }
}
