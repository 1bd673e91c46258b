//! Release units (`units.csv`): a unit released on its own is released once, within the horizon, not with its
//! whole site, and only where the model allows it; its figures, derived again from the README's "Release units".

use super::Ctx;
use super::economics::{
    Economics, annual_cost, backlog_after, disc, exit_penalty, pdc, released_parts, transfer,
    waiting_for_sale, years_from,
};
use crate::check::{Rule, Violation, appraisal};
use crate::domain::{Dataset, Site, Tenure, UnitKind};
use crate::model_config::ModelConfig;
use crate::plan::{Plan, SiteDecision};

/// `release`: a unit goes on its own only in a year of the horizon, while its site is kept, with the model's
/// units rule on, at its minimum size, and not on a site the model forces out whole.
pub(crate) fn release(cx: &Ctx, out: &mut Vec<Violation>) {
    let rules = &cx.model.estates.units;
    for (u, unit) in cx.data.units.iter().enumerate() {
        let SiteDecision::Release(y) = cx.plan.units[u] else {
            continue;
        };
        let site = cx.data.site(unit.site);
        let mut push = |why: String| {
            let detail = format!(
                "unit {} of site {} is released on its own {why}",
                unit.id, site.id
            );
            out.push(Violation::new(Rule::Release, detail));
        };
        if y == 0 || y > cx.model.horizon_years {
            push(format!("in year {y}, outside the horizon"));
        }
        if !cx.kept(unit.site) {
            push("though its whole site is released".into());
        }
        if !rules.enabled {
            push("though [estates.units] enabled is false".into());
        }
        if unit.kind == UnitKind::Floor && unit.floor_area_m2 < rules.min_area_m2 {
            push(format!(
                "with {} m2, under the minimum of {} m2",
                unit.floor_area_m2, rules.min_area_m2
            ));
        }
        if cx.model.estates.force_release.contains(&site.id) {
            push("though its site is on the forced-release list".into());
        }
    }
}

/// The desks each site gives up with its units released on their own (index = site).
pub(super) fn desks_released(data: &Dataset, plan: &Plan) -> Vec<f64> {
    let mut out = vec![0.0; data.sites.len()];
    for (u, unit) in data.units.iter().enumerate() {
        if plan.units[u] != SiteDecision::Keep {
            out[unit.site.ix()] += f64::from(unit.desks);
        }
    }
    out
}

/// The unit as a building of its own: its site's tenure, lease and owner, its own area and receipt, and its cost
/// share of every running-cost line and the exit premium, and its backlog share of the backlog.
fn as_building(data: &Dataset, u: usize) -> Site {
    let unit = &data.units[u];
    let site = data.site(unit.site);
    let k = unit.cost_share;
    let mut b = site.clone();
    b.id = unit.id.clone();
    b.floor_area_m2 = unit.floor_area_m2;
    b.desks = unit.desks;
    b.disposal_value = unit.disposal_value;
    b.backlog = site.backlog * unit.backlog_share;
    b.exit_penalty = site.exit_penalty * k;
    for line in [
        &mut b.running.rent,
        &mut b.running.rates,
        &mut b.running.fm,
        &mut b.running.utilities,
        &mut b.running.maintenance,
    ] {
        *line *= k;
    }
    b
}

/// A unit's costs are inside its site's, so the baseline is unchanged; releasing it on its own in year `y` lowers
/// the plan's cost by its yearly share from then on, less the release cost and exit penalty in that year, less
/// what it costs while it waits for a sale (only a freehold with a receipt waits), plus the receipt.
pub(super) fn economics(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Economics) {
    let h = model.horizon_years as usize;
    for (u, unit) in data.units.iter().enumerate() {
        let SiteDecision::Release(y) = plan.units[u] else {
            continue;
        };
        let y = y as usize;
        out.units_released += 1;
        if !(1..=h).contains(&y) {
            continue;
        }
        let b = as_building(data, u);
        let pdc = pdc(data, model, &b);
        let annual = annual_cost(&b, appraisal(model)) + pdc;
        let penalty = exit_penalty(model, &b, y) + model.estates.units.release_cost_gbp;
        let sells = b.tenure == Tenure::Freehold && b.disposal_value > 0.0;
        let wait = if sells {
            model.estates.disposal.lag_years as usize
        } else {
            0
        };
        let (holding, receipt) = waiting_for_sale(model, &b, y, pdc, wait);
        let saving = annual * years_from(model, y)
            - backlog_after(model, &b)
            - penalty * disc(model, y)
            - holding
            + receipt;
        let after = (appraisal(model), crate::check::tail(model));
        released_parts(&mut out.parts, &b, after, pdc, years_from(model, y));
        out.parts.receipts += receipt;
        out.parts.holding -= holding;
        out.parts.exit_costs -= penalty * disc(model, y);
        out.plan_cost -= saving;
        out.one_off_by_year[y - 1] += penalty;
        *out.by_partner
            .entry(data.org(data.site(unit.site).organisation).id.clone())
            .or_default() += saving;
        transfer(data, model, &b, y, out);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::Rule::{Capacity, Release};
    use crate::check::test_support::{assert_estates, dataset, model};
    use crate::domain::{Dataset, SiteIx, Unit, UnitKind};
    use crate::plan::{Plan, SiteDecision};

    /// The data with one floor unit of `desks` desks (and a tenth of the running cost) on site `site`.
    fn with_unit(site: u32, desks: u32) -> Dataset {
        let mut data = dataset();
        data.units.push(Unit {
            id: "U".into(),
            site: SiteIx(site),
            name: "east wing".into(),
            kind: UnitKind::Floor,
            floor_area_m2: 200.0,
            desks,
            cost_share: 0.1,
            backlog_share: 0.1,
            land_ha: 0.0,
            disposal_value: 0.0,
        });
        data
    }

    fn release_unit(data: &Dataset, year: u32) -> Plan {
        let mut plan = Plan::baseline(data);
        plan.units[0] = SiteDecision::Release(year);
        plan
    }

    #[test]
    fn a_unit_released_takes_its_desks_from_its_site() {
        let model = model();
        // S2 has 50 desks for T2's 20: a unit of 30 leaves 20, one of 40 leaves 10.
        let data = with_unit(2, 30);
        assert_estates(&data, &model, &release_unit(&data, 1), &[]);
        let data = with_unit(2, 40);
        let want = "site S2 needs 20.0 desks but has 10";
        assert_estates(&data, &model, &release_unit(&data, 1), &[(Capacity, want)]);
    }

    #[test]
    fn a_unit_goes_on_its_own_only_while_its_site_is_kept_and_the_model_allows() {
        let (data, mut model) = (with_unit(4, 0), model());
        let mut plan = release_unit(&data, 2);
        assert_estates(&data, &model, &plan, &[]);
        plan.sites[4] = SiteDecision::Release(1);
        let want = "unit U of site S4 is released on its own though its whole site is released";
        assert_estates(&data, &model, &plan, &[(Release, want)]);
        let plan = release_unit(&data, 9);
        let want = "unit U of site S4 is released on its own in year 9, outside the horizon";
        assert_estates(&data, &model, &plan, &[(Release, want)]);
        model.estates.units.min_area_m2 = 250.0;
        let want =
            "unit U of site S4 is released on its own with 200 m2, under the minimum of 250 m2";
        assert_estates(&data, &model, &release_unit(&data, 1), &[(Release, want)]);
        model.estates.units.min_area_m2 = 0.0;
        model.estates.units.enabled = false;
        let want =
            "unit U of site S4 is released on its own though [estates.units] enabled is false";
        assert_estates(&data, &model, &release_unit(&data, 1), &[(Release, want)]);
    }
}
