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

/// A lower bound on [`haversine_km`]: the great circle is at least as long as the arc of latitude between the
/// points (`h >= sin^2(dlat / 2)`), a subtraction where the distance takes three trigonometric calls. Estates of
/// thousands of sites compare every team or zone with every site; this rules most pairs out cheaply.
pub fn latitude_gap_km(a: LatLon, b: LatLon) -> f64 {
    EARTH_RADIUS_KM * (b.lat - a.lat).abs().to_radians()
}

/// True when the points lie within `km` of each other (the same answer as `haversine_km(a, b) <= km`).
pub fn within_km(a: LatLon, b: LatLon, km: f64) -> bool {
    // The margin keeps the shortcut on the safe side of rounding: only pairs clearly too far apart skip it.
    latitude_gap_km(a, b) <= km + 1e-6 && haversine_km(a, b) <= km
}

/// Points sorted by latitude, for the nearest of them to any point ([`ByLatitude::nearest_km`]).
pub struct ByLatitude {
    points: Vec<LatLon>,
}

impl ByLatitude {
    /// The points, sorted by latitude.
    pub fn new(mut points: Vec<LatLon>) -> ByLatitude {
        points.sort_by(|a, b| a.lat.total_cmp(&b.lat));
        ByLatitude { points }
    }

    /// The distance from `p` to the nearest point (infinite when there are none): exactly the least
    /// [`haversine_km`], found by scanning outwards in latitude from `p` and stopping on each side once the
    /// latitude gap alone is longer than the nearest so far.
    pub fn nearest_km(&self, p: LatLon) -> f64 {
        let at = self.points.partition_point(|q| q.lat < p.lat);
        let north = nearest_on(p, f64::INFINITY, self.points[at..].iter());
        nearest_on(p, north, self.points[..at].iter().rev())
    }
}

/// The least of `best` and the distances from `p` to `side` (points ever further from `p` in latitude), stopping
/// where the latitude gap alone passes the least so far.
fn nearest_on<'a>(p: LatLon, mut best: f64, side: impl Iterator<Item = &'a LatLon>) -> f64 {
    for q in side {
        if latitude_gap_km(p, *q) > best + 1e-6 {
            break;
        }
        best = best.min(haversine_km(p, *q));
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Points spread over England from a fixed seed (a linear congruential generator).
    fn spread(n: usize, seed: u64) -> Vec<LatLon> {
        let mut s = seed;
        let mut next = move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        (0..n)
            .map(|_| LatLon {
                lat: 50.0 + 5.0 * next(),
                lon: -5.0 + 6.0 * next(),
            })
            .collect()
    }

    #[test]
    fn the_nearest_by_latitude_is_the_nearest_by_brute_force() {
        for seed in 1..20 {
            let sites = spread(seed as usize * 7, seed);
            let index = ByLatitude::new(sites.clone());
            for p in spread(50, seed + 100) {
                let brute = sites
                    .iter()
                    .map(|&q| haversine_km(p, q))
                    .fold(f64::INFINITY, f64::min);
                assert_eq!(index.nearest_km(p), brute, "seed {seed}");
            }
        }
        let none = ByLatitude::new(Vec::new());
        assert_eq!(none.nearest_km(spread(1, 1)[0]), f64::INFINITY);
    }

    #[test]
    fn within_is_the_distance_compared() {
        let points = spread(200, 3);
        for &a in &points[..20] {
            for &b in &points {
                for km in [0.5, 5.0, 50.0, 300.0] {
                    assert_eq!(within_km(a, b, km), haversine_km(a, b) <= km);
                }
                assert!(latitude_gap_km(a, b) <= haversine_km(a, b) + 1e-9);
            }
        }
    }

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
