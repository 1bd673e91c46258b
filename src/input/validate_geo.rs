//! Geographic plausibility of zones and located sites, one function per rule, named by its code.
//!
//! Both rules are warnings: a point in the wrong place still loads and plans, but a ward moved to Penzance by a
//! typo would silently distort every access rule and travel cost, so it is reported.
//!
//! - **W1012, outside its borough.** When the data set has `boroughs.geojson` and a zone's (or a located site's)
//!   `borough` names one of its outlines (case and surrounding spaces ignored), the point must lie inside that
//!   outline (even-odd rule over all its rings, so holes stay holes) or within [`BOUNDARY_TOLERANCE_KM`] of it:
//!   published boundaries are generalised, so a point a little outside is not reported. The distance is to the
//!   nearest ring segment, by an equirectangular projection centred on the point.
//! - **W1013, far from everything.** A zone or located site whose nearest other zone or site (great-circle
//!   distance) is farther than the larger of [`FAR_MIN_KM`] and [`FAR_MEDIAN_FACTOR`] times the median of every
//!   point's nearest-neighbour distance. The median keeps the rule scale-free (a national data set is sparser
//!   than a city's); the floor keeps it quiet on small or clustered data sets.
//!
//! Coordinates that are not numbers or lie outside Great Britain are already errors (E1011, E1017, E1031) and
//! such rows never reach these rules, so nothing is reported twice.

use super::Lines;
use super::validate::at;
use crate::codes::{W1012, W1013};
use crate::domain::{Borough, Dataset, LatLon};
use crate::error::Finding;
use crate::geo::{EARTH_RADIUS_KM, haversine_km};
use std::collections::HashMap;

/// Distance outside a borough's outline that is still taken as inside it (km): generalised boundaries move
/// the line by up to a couple of hundred metres.
pub(super) const BOUNDARY_TOLERANCE_KM: f64 = 0.2;
/// The least distance from every other point that makes a point "far from everything" (km).
pub(super) const FAR_MIN_KM: f64 = 50.0;
/// How many times the median nearest-neighbour distance makes a point "far from everything".
pub(super) const FAR_MEDIAN_FACTOR: f64 = 5.0;

/// Kilometres per degree of latitude (and of longitude at the equator).
const KM_PER_DEG: f64 = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;

/// Runs every geographic rule.
pub(super) fn run(data: &Dataset, lines: &Lines, out: &mut Vec<Finding>) {
    let points = points(data, lines);
    w1012_outside_borough(&data.boroughs, &points, out);
    w1013_far_from_everything(&points, out);
}

/// A located zone or site, with where it was read from.
struct Point<'a> {
    /// `zones.csv` or `sites.csv`.
    file: &'static str,
    /// Line in the file (header = 1).
    line: u64,
    /// `zone E05000650 (Astley Bridge)` or `site RBT01`, for messages.
    label: String,
    /// The borough column as written (may be empty).
    borough: &'a str,
    /// Where it is.
    at: LatLon,
}

/// Every located site (in file order), then every zone.
fn points<'a>(data: &'a Dataset, lines: &Lines) -> Vec<Point<'a>> {
    let sites = data
        .sites
        .iter()
        .zip(&lines.sites)
        .filter_map(|(s, &line)| {
            Some(Point {
                file: "sites.csv",
                line,
                label: format!("site {}", s.id),
                borough: &s.borough,
                at: s.location?,
            })
        });
    let zones = data.zones.iter().zip(&lines.zones).map(|(z, &line)| Point {
        file: "zones.csv",
        line,
        label: format!("zone {} ({})", z.id, z.name),
        borough: &z.borough,
        at: z.location,
    });
    sites.chain(zones).collect()
}

/// A distance for a message: one decimal under 10 km, whole kilometres above.
fn km(d: f64) -> String {
    if d < 10.0 {
        format!("{d:.1} km")
    } else {
        format!("{d:.0} km")
    }
}

/// The finding for point `p`, on `lat` unless the latitude lies in `lat_range` (then the longitude is the
/// likelier culprit).
fn finding(
    code: &'static str,
    p: &Point<'_>,
    lat_range: (f64, f64),
    cause: String,
    action: &str,
) -> Finding {
    let (column, value) = if (lat_range.0..=lat_range.1).contains(&p.at.lat) {
        ("lon", p.at.lon)
    } else {
        ("lat", p.at.lat)
    };
    at(
        code,
        p.file,
        p.line,
        column,
        &value.to_string(),
        cause,
        action,
    )
}

fn w1012_outside_borough(boroughs: &[Borough], points: &[Point<'_>], out: &mut Vec<Finding>) {
    if boroughs.is_empty() {
        return;
    }
    // Outlines by name; a name given to several features is the union of them.
    let mut outlines: HashMap<String, Vec<&Borough>> = HashMap::new();
    for b in boroughs {
        outlines.entry(key(&b.name)).or_default().push(b);
    }
    for p in points {
        let name = p.borough.trim();
        let Some(parts) = outlines.get(&key(name)).filter(|_| !name.is_empty()) else {
            continue;
        };
        if parts.iter().any(|b| inside(&b.rings, p.at)) {
            continue;
        }
        let outside = parts
            .iter()
            .map(|b| km_to_rings(&b.rings, p.at))
            .fold(f64::INFINITY, f64::min);
        // No segment at all (no usable ring) gives infinity: nothing to measure against, nothing to say.
        if !outside.is_finite() || outside <= BOUNDARY_TOLERANCE_KM {
            continue;
        }
        let lats = parts
            .iter()
            .flat_map(|b| b.rings.iter().flatten().map(|&(_, lat)| lat));
        out.push(finding(
            W1012,
            p,
            range(lats),
            format!(
                "{} of borough {name} lies {} outside {name}'s boundary in boroughs.geojson",
                p.label,
                km(outside)
            ),
            "check the coordinates (WGS84 decimal degrees, lat and lon not swapped) and the borough",
        ));
    }
}

fn w1013_far_from_everything(points: &[Point<'_>], out: &mut Vec<Finding>) {
    let at: Vec<LatLon> = points.iter().map(|p| p.at).collect();
    let nearest = nearest_neighbours(&at);
    let mut distances: Vec<f64> = nearest.iter().map(|&(_, d)| d).collect();
    let Some(median) = median(&mut distances) else {
        return;
    };
    let limit = FAR_MIN_KM.max(FAR_MEDIAN_FACTOR * median);
    for (i, &(j, d)) in nearest.iter().enumerate() {
        if d <= limit {
            continue;
        }
        let p = &points[i];
        let others = at
            .iter()
            .enumerate()
            .filter(|&(k, _)| k != i)
            .map(|(_, q)| q.lat);
        out.push(finding(
            W1013,
            p,
            range(others),
            format!(
                "{} lies {} from the nearest other zone or site ({}), farther than {} (the larger of {} and \
                 {} times the median distance between neighbouring points, {})",
                p.label,
                km(d),
                points[j].label,
                km(limit),
                km(FAR_MIN_KM),
                FAR_MEDIAN_FACTOR,
                km(median)
            ),
            "check the coordinates (WGS84 decimal degrees, lat and lon not swapped); a point far from the rest \
             of the data set is usually a typing or geocoding slip",
        ));
    }
}

/// A borough name as matched: case and surrounding spaces ignored.
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The smallest and largest of some values (an empty range when there are none).
fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    })
}

/// The median of some distances (the mean of the middle two for an even count); `None` when there are none.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_unstable_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// True when `p` lies inside the rings of (longitude, latitude) by the even-odd rule: a ray from the point
/// crosses the rings' edges an odd number of times. Outer rings and holes need no telling apart. A ring may be
/// closed (last position equal to the first) or not.
fn inside(rings: &[Vec<(f64, f64)>], p: LatLon) -> bool {
    let (x, y) = (p.lon, p.lat);
    let mut odd = false;
    for ring in rings {
        for (&(x1, y1), &(x2, y2)) in segments(ring) {
            // The edge straddles the ray's latitude (half-open, so a vertex on the ray counts once) and crosses
            // it east of the point.
            if (y1 > y) != (y2 > y) && x < x1 + (y - y1) * (x2 - x1) / (y2 - y1) {
                odd = !odd;
            }
        }
    }
    odd
}

/// The distance in km from `p` to the nearest segment of the rings of (longitude, latitude), in an
/// equirectangular projection centred on `p` (good to well under 1% at a few hundred km in Great Britain);
/// infinity when there is no segment.
fn km_to_rings(rings: &[Vec<(f64, f64)>], p: LatLon) -> f64 {
    let kx = KM_PER_DEG * p.lat.to_radians().cos();
    let project = |(lon, lat): (f64, f64)| ((lon - p.lon) * kx, (lat - p.lat) * KM_PER_DEG);
    let mut best = f64::INFINITY;
    for ring in rings {
        for (&a, &b) in segments(ring) {
            best = best.min(km_to_segment(project(a), project(b)));
        }
    }
    best
}

/// The distance from the origin to the segment from `a` to `b` (plane coordinates, km).
fn km_to_segment(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t = if length2 > 0.0 {
        (-(a.0 * dx + a.1 * dy) / length2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a.0 + t * dx).hypot(a.1 + t * dy)
}

/// Every edge of a ring, the closing one included (a zero-length edge when the ring is already closed).
fn segments(ring: &[(f64, f64)]) -> impl Iterator<Item = (&(f64, f64), &(f64, f64))> {
    ring.iter().zip(ring.iter().cycle().skip(1))
}

/// For each point, the index of its nearest other point and the great-circle distance to it (km); empty when
/// there are fewer than two points.
///
/// A sweep in latitude order: the latitude difference alone is a lower bound of the distance, so the search
/// stops on each side as soon as it exceeds the best distance found. About n log n for points spread over an
/// area, never worse than every pair.
fn nearest_neighbours(points: &[LatLon]) -> Vec<(usize, f64)> {
    if points.len() < 2 {
        return Vec::new();
    }
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_unstable_by(|&a, &b| points[a].lat.total_cmp(&points[b].lat));
    let mut nearest = vec![(usize::MAX, f64::INFINITY); points.len()];
    for (k, &i) in order.iter().enumerate() {
        let mut best = (usize::MAX, f64::INFINITY);
        scan(points, i, order[k + 1..].iter(), &mut best);
        scan(points, i, order[..k].iter().rev(), &mut best);
        nearest[i] = best;
    }
    nearest
}

/// Improves `best` (index, km) for point `i` with the points of `side`, taken in order of latitude away from
/// `i`'s, stopping once the latitude difference alone is more than the best distance.
fn scan<'a>(
    points: &[LatLon],
    i: usize,
    side: impl Iterator<Item = &'a usize>,
    best: &mut (usize, f64),
) {
    for &j in side {
        if (points[i].lat - points[j].lat).abs() * KM_PER_DEG > best.1 {
            break;
        }
        let d = haversine_km(points[i], points[j]);
        if d < best.1 {
            *best = (j, d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ll(lat: f64, lon: f64) -> LatLon {
        LatLon { lat, lon }
    }

    /// A square ring of half-side `half` degrees around (`lat`, `lon`), closed as GeoJSON closes rings.
    fn square(lat: f64, lon: f64, half: f64) -> Vec<(f64, f64)> {
        vec![
            (lon - half, lat - half),
            (lon + half, lat - half),
            (lon + half, lat + half),
            (lon - half, lat + half),
            (lon - half, lat - half),
        ]
    }

    #[test]
    fn a_point_inside_a_ring_is_inside_and_one_outside_is_not() {
        let rings = vec![square(53.5, -2.3, 0.05)];
        assert!(inside(&rings, ll(53.5, -2.3)));
        assert!(inside(&rings, ll(53.54, -2.26)));
        assert!(!inside(&rings, ll(53.6, -2.3)));
        assert!(!inside(&rings, ll(50.118, -5.537)));
        // An open ring (not closed by repeating the first position) is closed implicitly.
        let mut open = square(53.5, -2.3, 0.05);
        open.pop();
        let open = [open];
        assert!(inside(&open, ll(53.5, -2.3)));
        assert!(!inside(&open, ll(53.5, -2.4)));
    }

    #[test]
    fn a_point_in_a_hole_is_outside_and_measured_to_the_hole_edge() {
        // Outer square of half-side 0.1 degree, hole of half-side 0.05 degree, both around the same centre.
        let rings = vec![square(53.5, -2.3, 0.1), square(53.5, -2.3, 0.05)];
        assert!(!inside(&rings, ll(53.5, -2.3)));
        assert!(inside(&rings, ll(53.5, -2.22)));
        // From the centre, the nearest edges are the hole's east and west ones, 0.05 degree of longitude away
        // (shorter than 0.05 degree of latitude at 53.5 N).
        let d = km_to_rings(&rings, ll(53.5, -2.3));
        let east = 0.05 * KM_PER_DEG * 53.5f64.to_radians().cos();
        assert!((d - east).abs() < 1e-9, "{d} vs {east}");
    }

    #[test]
    fn the_distance_outside_is_to_the_nearest_segment_not_vertex() {
        let rings = vec![square(53.5, -2.3, 0.05)];
        // 0.01 degree north of the middle of the northern edge: about 1.11 km, far from any vertex.
        let d = km_to_rings(&rings, ll(53.56, -2.3));
        assert!((d - 0.01 * KM_PER_DEG).abs() < 1e-6, "{d}");
        // Penzance is some 370 km from a box in Greater Manchester.
        let d = km_to_rings(&rings, ll(50.118, -5.537));
        assert!((300.0..450.0).contains(&d), "{d}");
    }

    #[test]
    fn a_point_just_outside_the_edge_is_within_the_tolerance() {
        let rings = vec![square(53.5, -2.3, 0.05)];
        // 100 m north of the northern edge: outside by the even-odd rule, but within 200 m.
        let p = ll(53.55 + 0.1 / KM_PER_DEG, -2.3);
        assert!(!inside(&rings, p));
        let d = km_to_rings(&rings, p);
        assert!((d - 0.1).abs() < 1e-6 && d <= BOUNDARY_TOLERANCE_KM, "{d}");
        // 300 m north is beyond it.
        let p = ll(53.55 + 0.3 / KM_PER_DEG, -2.3);
        assert!(km_to_rings(&rings, p) > BOUNDARY_TOLERANCE_KM);
        // A point exactly on a vertex or edge is at distance 0, whichever side the rule puts it.
        assert!(km_to_rings(&rings, ll(53.55, -2.35)) < 1e-9);
        assert!(km_to_rings(&rings, ll(53.55, -2.3)) < 1e-9);
    }

    #[test]
    fn degenerate_rings_never_panic() {
        let p = ll(53.5, -2.3);
        assert!(!inside(&[], p));
        assert_eq!(km_to_rings(&[], p), f64::INFINITY);
        assert!(!inside(&[vec![]], p));
        // A single repeated position: every edge has zero length, the distance is to that position.
        let dot = [vec![(-2.3, 53.6); 3]];
        assert!(!inside(&dot, p));
        assert!((km_to_rings(&dot, p) - 0.1 * KM_PER_DEG).abs() < 1e-6);
    }

    #[test]
    fn nearest_neighbours_match_every_pair() {
        // A deterministic scatter over northern England, with one duplicate and one far point.
        let mut points: Vec<LatLon> = (0..60u32)
            .map(|i| {
                let a = f64::from(i);
                ll(
                    53.0 + (a * 0.618_034).fract(),
                    -3.0 + (a * 0.414_214).fract() * 2.0,
                )
            })
            .collect();
        points.push(points[7]);
        points.push(ll(50.118, -5.537));
        let got = nearest_neighbours(&points);
        for (i, &(j, d)) in got.iter().enumerate() {
            let brute = points
                .iter()
                .enumerate()
                .filter(|&(k, _)| k != i)
                .map(|(_, &q)| haversine_km(points[i], q))
                .fold(f64::INFINITY, f64::min);
            assert_ne!(i, j);
            assert!((d - brute).abs() < 1e-9, "point {i}: {d} vs {brute}");
            assert!((haversine_km(points[i], points[j]) - d).abs() < 1e-12);
        }
        assert!(nearest_neighbours(&points[..1]).is_empty());
        assert!(nearest_neighbours(&[]).is_empty());
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
