//! Carter's measures (README "Carter's measures"), derived again from the floor surveys and the plan, and their
//! comparison with the reported `kpis.carter`.

use crate::domain::{Dataset, UnitKind};
use crate::plan::{Kpis, Plan, SiteDecision};

/// The checker's measures: (floor before, floor after, idle share before, idle share after, non-clinical share
/// before, non-clinical share after), none without a survey.
type Measures = (f64, f64, f64, f64, Option<f64>, Option<f64>);

/// Per surveyed site: its floor, idle floor and non-clinical floor today and after the plan, summed.
fn derive(data: &Dataset, plan: &Plan) -> Option<Measures> {
    let mut sums = [0.0f64; 8];
    let mut any = false;
    for (i, site) in data.sites.iter().enumerate() {
        let Some(f) = site.survey else { continue };
        any = true;
        let kept = plan.sites[i] == SiteDecision::Keep;
        // Floor released with units of this site (none if the site goes whole).
        let mut released = 0.0;
        for (u, unit) in data.units.iter().enumerate() {
            if kept
                && unit.site.ix() == i
                && unit.kind == UnitKind::Floor
                && plan.units[u] != SiteDecision::Keep
            {
                released += unit.floor_area_m2;
            }
        }
        let after = if kept {
            (site.floor_area_m2 - released).max(0.0)
        } else {
            0.0
        };
        let idle = f.empty_m2 + f.under_used_m2;
        sums[0] += site.floor_area_m2;
        sums[1] += after;
        sums[2] += idle;
        sums[3] += if kept {
            (idle - released).max(0.0)
        } else {
            0.0
        };
        if let Some(nc) = f.non_clinical_m2 {
            sums[4] += site.floor_area_m2;
            sums[5] += nc;
            sums[6] += after;
            if site.floor_area_m2 > 0.0 {
                sums[7] += nc * after / site.floor_area_m2;
            }
        }
    }
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let share = |a: f64, b: f64| (b > 0.0).then(|| a / b);
    any.then(|| {
        (
            sums[0],
            sums[1],
            ratio(sums[2], sums[0]),
            ratio(sums[3], sums[1]),
            share(sums[5], sums[4]),
            share(sums[7], sums[6]),
        )
    })
}

/// The reported measures that disagree with the checker's, beyond 1e-6 relative.
pub(crate) fn mismatches(data: &Dataset, plan: &Plan, k: &Kpis) -> Vec<String> {
    let ours = derive(data, plan);
    let Some(c) = &k.carter else {
        return match ours {
            Some(_) => vec!["carter: not reported, though sites have floor surveys".into()],
            None => Vec::new(),
        };
    };
    let Some((before, after, idle_before, idle_after, nc_before, nc_after)) = ours else {
        return vec!["carter: reported, though no site has a floor survey".into()];
    };
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
    let opt = |a: Option<f64>| a.unwrap_or(-1.0);
    [
        (
            "carter.floor_area_before_m2",
            before,
            c.floor_area_before_m2,
        ),
        ("carter.floor_area_after_m2", after, c.floor_area_after_m2),
        (
            "carter.empty_under_used_share_before",
            idle_before,
            c.empty_under_used_share_before,
        ),
        (
            "carter.empty_under_used_share_after",
            idle_after,
            c.empty_under_used_share_after,
        ),
        (
            "carter.non_clinical_share_before",
            opt(nc_before),
            opt(c.non_clinical_share_before),
        ),
        (
            "carter.non_clinical_share_after",
            opt(nc_after),
            opt(c.non_clinical_share_after),
        ),
    ]
    .into_iter()
    .filter(|(_, ours, theirs)| !close(*ours, *theirs))
    .map(|(name, ours, theirs)| format!("{name}: reported {theirs}, checker {ours}"))
    .collect()
}

#[cfg(test)]
mod tests {
    use crate::plan::{Kpis, SiteDecision, carter};

    #[test]
    fn the_checker_derives_the_reported_measures_and_names_a_wrong_one() {
        let (data, mut plan) = carter::tests::case();
        plan.units[0] = SiteDecision::Release(1);
        plan.sites[1] = SiteDecision::Release(2);
        let mut k = Kpis {
            carter: carter::measures(&data, &plan),
            ..Kpis::default()
        };
        assert!(super::mismatches(&data, &plan, &k).is_empty());
        k.carter.as_mut().unwrap().empty_under_used_share_after = 0.0;
        let m = super::mismatches(&data, &plan, &k);
        assert_eq!(m.len(), 1);
        assert!(
            m[0].starts_with("carter.empty_under_used_share_after"),
            "{m:?}"
        );
    }
}
