//! Access by deprivation decile, derived again from the zones, the sites and the plan, and its comparison with
//! the reported `kpis.access_by_deprivation`.

use super::access::{nearest, public_sites};
use crate::domain::Dataset;
use crate::plan::{Kpis, Plan};

/// The checker's rows: (decile, zones, residents, mean km today, mean km after, largest rise).
fn derive(data: &Dataset, plan: &Plan) -> Vec<(u8, usize, u64, f64, f64, f64)> {
    // Per zone, the km to the nearest public-facing site today and after, as the access rule reads them.
    let public = public_sites(data, None);
    let km = |after: bool| -> Vec<f64> {
        (data.zones.iter())
            .map(|z| nearest(plan, z, &public, after))
            .collect()
    };
    let (today, after) = (km(false), km(true));
    let mut rows = Vec::new();
    for d in 1..=10u8 {
        let members: Vec<usize> = (0..data.zones.len())
            .filter(|&z| data.zones[z].deprivation_decile == Some(d) && today[z].is_finite())
            .collect();
        if members.is_empty() {
            continue;
        }
        let pop: u64 = members.iter().map(|&z| data.zones[z].population).sum();
        let mean = |km: &[f64]| {
            let total: f64 = members
                .iter()
                .map(|&z| km[z] * data.zones[z].population as f64)
                .sum();
            if pop > 0 { total / pop as f64 } else { 0.0 }
        };
        let rise = members
            .iter()
            .map(|&z| after[z] - today[z])
            .fold(0.0f64, f64::max);
        rows.push((d, members.len(), pop, mean(&today), mean(&after), rise));
    }
    rows
}

/// The reported deciles that disagree with the checker's, beyond 1e-6 relative.
pub(crate) fn mismatches(data: &Dataset, plan: &Plan, k: &Kpis) -> Vec<String> {
    let ours = derive(data, plan);
    let theirs = &k.access_by_deprivation;
    if ours.len() != theirs.len() {
        return vec![format!(
            "access_by_deprivation: {} deciles reported, the checker finds {}",
            theirs.len(),
            ours.len()
        )];
    }
    let close = |a: f64, b: f64| a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
    let mut out = Vec::new();
    for (o, t) in ours.iter().zip(theirs) {
        let same = o.0 == t.decile
            && o.1 == t.zones
            && o.2 == t.population
            && close(o.3, t.mean_km_today)
            && close(o.4, t.mean_km_after)
            && close(o.5, t.largest_rise_km);
        if !same {
            out.push(format!(
                "access_by_deprivation decile {}: reported {:.4} km today, {:.4} km after, checker {:.4} and {:.4}",
                t.decile, t.mean_km_today, t.mean_km_after, o.3, o.4
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::check::test_support::dataset;
    use crate::geo::haversine_km;
    use crate::plan::{Kpis, Plan, SiteDecision, deprivation};

    #[test]
    fn each_decile_shows_its_residents_distance_today_and_after_by_hand() {
        let mut data = dataset();
        // Z0 (1,000 residents at S0) in decile 1, Z1 (1,000 at the library S3) in decile 4; S4 public-facing.
        data.sites[4].public_facing = true;
        data.zones[0].deprivation_decile = Some(1);
        data.zones[1].deprivation_decile = Some(4);
        assert!(
            deprivation::by_decile(&data, &Plan::baseline(&data))
                .iter()
                .all(|d| d.mean_km_after == d.mean_km_today)
        );
        let mut plan = Plan::baseline(&data);
        plan.sites[0] = SiteDecision::Release(2);
        let rows = deprivation::by_decile(&data, &plan);
        let to_s4 = haversine_km(
            data.sites[0].location.unwrap(),
            data.sites[4].location.unwrap(),
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].decile, rows[0].zones, rows[0].population),
            (1, 1, 1000)
        );
        assert_eq!(rows[0].mean_km_today, 0.0);
        assert!((rows[0].mean_km_after - to_s4).abs() < 1e-9);
        assert!((rows[0].largest_rise_km - to_s4).abs() < 1e-9);
        assert_eq!(
            (
                rows[1].decile,
                rows[1].mean_km_after,
                rows[1].largest_rise_km
            ),
            (4, 0.0, 0.0)
        );
        // No decile anywhere: no table.
        data.zones
            .iter_mut()
            .for_each(|z| z.deprivation_decile = None);
        assert!(deprivation::by_decile(&data, &plan).is_empty());
    }

    #[test]
    fn the_checker_derives_the_reported_deciles_and_names_a_wrong_one() {
        let mut data = dataset();
        data.sites[4].public_facing = true;
        data.zones[0].deprivation_decile = Some(1);
        let mut plan = Plan::baseline(&data);
        plan.sites[0] = SiteDecision::Release(1);
        let mut k = Kpis {
            access_by_deprivation: deprivation::by_decile(&data, &plan),
            ..Kpis::default()
        };
        assert!(super::mismatches(&data, &plan, &k).is_empty());
        k.access_by_deprivation[0].mean_km_after = 0.0;
        let m = super::mismatches(&data, &plan, &k);
        assert!(
            m.len() == 1 && m[0].starts_with("access_by_deprivation decile 1"),
            "{m:?}"
        );
        k.access_by_deprivation.clear();
        assert_eq!(super::mismatches(&data, &plan, &k).len(), 1);
    }
}
