//! Lord Carter's measures of estate efficiency, before and after a plan, over the sites with a floor survey
//! (`sites.csv` `non_clinical_m2`, `empty_m2`, `under_used_m2`; ERIC for NHS sites).
//!
//! Carter's review of NHS operational productivity (2016) set two targets for trusts' estates: non-clinical floor
//! at most 35% of the floor area, and empty plus under-used floor at most 2.5%. After a plan, a released site
//! leaves both totals; a floor unit released on its own leaves the total floor area, gives up the site's empty
//! floor first and then its under-used floor, and takes the site's non-clinical share of its area with it (a unit
//! is taken as a cross-section of its building by use, so releasing one leaves the site's non-clinical share as it
//! was).

use super::{Plan, SiteDecision};
use crate::domain::{Dataset, UnitKind};
use serde::Serialize;

/// Carter's target for non-clinical floor as a share of the floor area.
pub const NON_CLINICAL_TARGET: f64 = 0.35;
/// Carter's target for empty and under-used floor as a share of the floor area.
pub const EMPTY_UNDER_USED_TARGET: f64 = 0.025;

/// The measures before and after a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Default, schemars::JsonSchema)]
pub struct Carter {
    /// Sites with a floor survey.
    pub surveyed_sites: usize,
    /// Their floor area today (m2).
    pub floor_area_before_m2: f64,
    /// Their floor area kept by the plan (m2).
    pub floor_area_after_m2: f64,
    /// Non-clinical floor over the floor area of the sites that report it, today.
    pub non_clinical_share_before: Option<f64>,
    /// The same after the plan.
    pub non_clinical_share_after: Option<f64>,
    /// Carter's target for it (0.35).
    pub non_clinical_target: f64,
    /// Empty and under-used floor over the floor area, today.
    pub empty_under_used_share_before: f64,
    /// The same after the plan.
    pub empty_under_used_share_after: f64,
    /// Carter's target for it (0.025).
    pub empty_under_used_target: f64,
    /// Land released on its own (hectares).
    pub land_released_ha: f64,
}

/// Running totals of one side (before or after).
#[derive(Default)]
struct Totals {
    area: f64,
    idle: f64,
    nc_area: f64,
    non_clinical: f64,
}

impl Totals {
    fn add(&mut self, area: f64, idle: f64, non_clinical: Option<(f64, f64)>) {
        self.area += area;
        self.idle += idle;
        if let Some((nc, nc_area)) = non_clinical {
            self.non_clinical += nc;
            self.nc_area += nc_area;
        }
    }

    fn shares(&self) -> (Option<f64>, f64) {
        let nc = (self.nc_area > 0.0).then(|| self.non_clinical / self.nc_area);
        (
            nc,
            if self.area > 0.0 {
                self.idle / self.area
            } else {
                0.0
            },
        )
    }
}

/// The measures of `plan`, or none when no site has a floor survey.
pub fn measures(data: &Dataset, plan: &Plan) -> Option<Carter> {
    let (mut before, mut after) = (Totals::default(), Totals::default());
    let mut surveyed = 0;
    for (i, s) in data.sites.iter().enumerate() {
        let Some(f) = s.survey else { continue };
        surveyed += 1;
        let area = s.floor_area_m2;
        let idle = f.empty_m2 + f.under_used_m2;
        before.add(area, idle, f.non_clinical_m2.map(|nc| (nc, area)));
        if plan.sites[i] != SiteDecision::Keep {
            continue;
        }
        let gone: f64 = (data.units.iter().zip(&plan.units))
            .filter(|(u, d)| {
                u.site.ix() == i && u.kind == UnitKind::Floor && **d != SiteDecision::Keep
            })
            .map(|(u, _)| u.floor_area_m2)
            .sum();
        let kept = (area - gone).max(0.0);
        let share = if area > 0.0 { kept / area } else { 0.0 };
        let nc = f.non_clinical_m2.map(|nc| (nc * share, kept));
        after.add(kept, (idle - gone).max(0.0), nc);
    }
    if surveyed == 0 {
        return None;
    }
    let (nc_before, idle_before) = before.shares();
    let (nc_after, idle_after) = after.shares();
    let land = (data.units.iter().zip(&plan.units))
        .filter(|(_, d)| **d != SiteDecision::Keep)
        .map(|(u, _)| u.land_ha)
        .sum();
    Some(Carter {
        surveyed_sites: surveyed,
        floor_area_before_m2: before.area,
        floor_area_after_m2: after.area,
        non_clinical_share_before: nc_before,
        non_clinical_share_after: nc_after,
        non_clinical_target: NON_CLINICAL_TARGET,
        empty_under_used_share_before: idle_before,
        empty_under_used_share_after: idle_after,
        empty_under_used_target: EMPTY_UNDER_USED_TARGET,
        land_released_ha: land,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::{FloorSurvey, SiteIx, Unit};

    /// The test case, shared with the checker's test: see [`the_measures_by_hand`].
    pub(crate) fn case() -> (Dataset, Plan) {
        let mut data = crate::input::tiny_for_tests();
        data.sites[0].survey = Some(FloorSurvey {
            non_clinical_m2: Some(15_000.0),
            empty_m2: 2_000.0,
            under_used_m2: 500.0,
        });
        data.sites[1].survey = Some(FloorSurvey {
            non_clinical_m2: Some(1_200.0),
            empty_m2: 100.0,
            under_used_m2: 0.0,
        });
        data.units.push(Unit {
            id: "S1-EMPTY".into(),
            site: SiteIx(0),
            name: "empty floor".into(),
            kind: UnitKind::Floor,
            floor_area_m2: 2_000.0,
            desks: 0,
            cost_share: 0.0,
            backlog_share: 0.0,
            land_ha: 0.0,
            disposal_value: 0.0,
        });
        let plan = Plan::baseline(&data);
        (data, plan)
    }

    /// Tiny's Northfield General (50,000 m2: 15,000 non-clinical, 2,000 empty, 500 under-used) keeps all but a
    /// 2,000 m2 floor unit; Eastgate House (2,400 m2: 1,200 non-clinical, 100 empty) is released whole.
    #[test]
    fn the_measures_by_hand() {
        let (data, mut plan) = case();
        let today = measures(&data, &plan).unwrap();
        assert_eq!(today.surveyed_sites, 2);
        assert_eq!(today.floor_area_before_m2, 52_400.0);
        assert_eq!(today.floor_area_after_m2, 52_400.0);
        assert!((today.empty_under_used_share_before - 2_600.0 / 52_400.0).abs() < 1e-12);
        assert!((today.non_clinical_share_before.unwrap() - 16_200.0 / 52_400.0).abs() < 1e-12);
        plan.units[0] = SiteDecision::Release(1);
        plan.sites[1] = SiteDecision::Release(2);
        let after = measures(&data, &plan).unwrap();
        assert_eq!(after.floor_area_after_m2, 48_000.0);
        // The unit gives up the empty floor first: 500 m2 of under-used floor stay.
        assert!((after.empty_under_used_share_after - 500.0 / 48_000.0).abs() < 1e-12);
        // It takes its site's non-clinical share (30%) with it.
        assert!((after.non_clinical_share_after.unwrap() - 0.3).abs() < 1e-12);
    }
}
