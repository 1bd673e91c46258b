//! Access rules: residents keep a public-facing site within reach, and every borough keeps enough of them.
//!
//! Both hold only when `[estates.access]` is enabled. A zone whose nearest site today is already beyond
//! `max_km` must keep at least today's distance, and so must every zone among the `deprived_deciles` (its
//! nearest site may not move further away); zones with no site of a kind today are not held to it.

use super::Ctx;
use crate::check::{Rule, Violation};
use crate::domain::{Dataset, LatLon, SiteKind, Zone};
use crate::geo::haversine_km;
use crate::plan::{Plan, SiteDecision};
use std::collections::BTreeMap;

/// `access`: every zone keeps a public-facing site (of each listed kind, with `per_kind`) within `max_km`, or
/// within today's distance where that is further.
pub(crate) fn access(cx: &Ctx, out: &mut Vec<Violation>) {
    let a = &cx.model.estates.access;
    if !a.enabled {
        return;
    }
    // One pass for all public-facing sites, or one per listed service kind.
    for kind in a.kinds() {
        let public = public_sites(cx.data, kind);
        let what = kind.map_or("public-facing site".to_string(), |k| {
            format!("public-facing {k} site")
        });
        for z in &cx.data.zones {
            let today = nearest(cx.plan, z, &public, false);
            if !today.is_finite() {
                continue;
            }
            // The most deprived zones keep today's distance, the others `max_km` or today's if further.
            let deprived = z
                .deprivation_decile
                .is_some_and(|d| d <= a.deprived_deciles);
            let limit = if deprived { today } else { a.max_km.max(today) };
            let after = nearest(cx.plan, z, &public, true);
            if after > limit + 1e-9 {
                out.push(Violation::new(
                    Rule::Access,
                    format!(
                        "zone {} ({}) is {after:.2} km from a kept {what}, beyond {limit:.2} km",
                        z.name, z.id
                    ),
                ));
            }
        }
    }
}

/// Public-facing sites with coordinates (of `kind` when given), by index.
pub(super) fn public_sites(data: &Dataset, kind: Option<SiteKind>) -> Vec<(usize, LatLon)> {
    data.sites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.public_facing && kind.is_none_or(|k| s.kind == k))
        .filter_map(|(i, s)| s.location.map(|p| (i, p)))
        .collect()
}

/// The km from zone `z` to the nearest of `public` (kept by the plan only, with `keep_only`); infinite when none.
pub(super) fn nearest(plan: &Plan, z: &Zone, public: &[(usize, LatLon)], keep_only: bool) -> f64 {
    public
        .iter()
        .filter(|(i, _)| !keep_only || plan.sites[*i] == SiteDecision::Keep)
        .map(|(_, p)| haversine_km(z.location, *p))
        .fold(f64::INFINITY, f64::min)
}

/// `borough`: each borough keeps at least `min_sites_per_borough` public-facing sites (or all it has, if fewer).
pub(crate) fn borough(cx: &Ctx, out: &mut Vec<Violation>) {
    let a = &cx.model.estates.access;
    if !a.enabled || a.min_sites_per_borough == 0 {
        return;
    }
    // (public-facing sites, kept ones) per borough, in name order.
    let mut boroughs: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (i, s) in cx.data.sites.iter().enumerate() {
        if s.public_facing && !s.borough.is_empty() {
            let e = boroughs.entry(s.borough.as_str()).or_default();
            e.0 += 1;
            e.1 += usize::from(cx.plan.sites[i] == SiteDecision::Keep);
        }
    }
    for (b, (total, kept)) in boroughs {
        let need = (a.min_sites_per_borough as usize).min(total);
        if kept < need {
            out.push(Violation::new(
                Rule::Borough,
                format!("borough {b} keeps {kept} public-facing sites, fewer than {need}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::{Access, Borough};
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::{Dataset, SiteKind};
    use crate::geo::haversine_km;
    use crate::plan::{Plan, SiteDecision};

    fn release(data: &Dataset, site: usize) -> Plan {
        let mut plan = Plan::baseline(data);
        plan.sites[site] = SiteDecision::Release(1);
        plan
    }

    /// S0 to S3, the distance Z1 is left with when its library S3 goes.
    fn s0_to_s3(data: &Dataset) -> f64 {
        haversine_km(
            data.sites[0].location.unwrap(),
            data.sites[3].location.unwrap(),
        )
    }

    #[test]
    fn a_zone_left_beyond_reach_breaks_access_unless_access_is_off() {
        let (data, mut model) = (dataset(), model());
        let plan = release(&data, 3);
        let want = format!(
            "zone Z1 (Z1) is {:.2} km from a kept public-facing site, beyond 5.00 km",
            s0_to_s3(&data)
        );
        assert_estates(&data, &model, &plan, &[(Access, &want)]);
        model.estates.access.enabled = false;
        assert_estates(&data, &model, &plan, &[]);
    }

    #[test]
    fn per_kind_access_holds_each_zone_to_todays_distance_of_that_kind() {
        let (data, mut model) = (dataset(), model());
        model.estates.access.per_kind = vec![SiteKind::Library];
        assert_estates(&data, &model, &Plan::baseline(&data), &[]);
        // Z0's only library today is S3, 10 km off: releasing it leaves both zones none within any distance.
        let z0 = format!(
            "zone Z0 (Z0) is inf km from a kept public-facing library site, beyond {:.2} km",
            s0_to_s3(&data)
        );
        let z1 = "zone Z1 (Z1) is inf km from a kept public-facing library site, beyond 5.00 km";
        assert_estates(
            &data,
            &model,
            &release(&data, 3),
            &[(Access, &z0), (Access, z1)],
        );
    }

    #[test]
    fn the_most_deprived_zones_keep_todays_distance_and_the_others_max_km() {
        let (mut data, mut model) = (dataset(), model());
        // S4 (no team) moves half a km from the library S3 and becomes public-facing: releasing S3 leaves Z1
        // (at S3) well within 5 km, but further than today.
        data.sites[4].location = Some(crate::domain::LatLon {
            lat: 53.575,
            lon: -2.24,
        });
        data.sites[4].public_facing = true;
        data.zones[1].deprivation_decile = Some(1);
        let plan = release(&data, 3);
        assert_estates(&data, &model, &plan, &[]);
        model.estates.access.deprived_deciles = 1;
        let km = haversine_km(
            data.sites[3].location.unwrap(),
            data.sites[4].location.unwrap(),
        );
        let want =
            format!("zone Z1 (Z1) is {km:.2} km from a kept public-facing site, beyond 0.00 km");
        assert_estates(&data, &model, &plan, &[(Access, &want)]);
        // Decile 2 is outside a rule for decile 1 only.
        data.zones[1].deprivation_decile = Some(2);
        assert_estates(&data, &model, &plan, &[]);
    }

    #[test]
    fn a_borough_left_with_too_few_public_sites_breaks_borough() {
        let (mut data, mut model) = (dataset(), model());
        // S4 becomes a third public-facing site next to S0, so releasing it leaves every zone within reach.
        data.sites[4].public_facing = true;
        model.estates.access.min_sites_per_borough = 3;
        assert_estates(&data, &model, &Plan::baseline(&data), &[]);
        let want = "borough B keeps 2 public-facing sites, fewer than 3";
        assert_estates(&data, &model, &release(&data, 4), &[(Borough, want)]);
        model.estates.access.enabled = false;
        assert_estates(&data, &model, &release(&data, 4), &[]);
    }
}
