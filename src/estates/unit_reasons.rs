//! Why each release unit is released on its own or kept, in words (`units.csv`'s `reason`).

use super::heuristic;
use super::milp::Ctx;
use crate::costing;
use crate::domain::UnitKind;
use crate::plan::{self, Plan, SiteDecision};
use crate::solve::kit::RuleGroup;
use crate::text::money;
use std::time::Instant;

/// One reason per unit, in the data set's order; a kept unit's trial is made only before `until`, as for sites
/// ([`super::reasons::NOT_TRIED`] after it).
pub fn unit_reasons(ctx: &Ctx<'_>, p: &Plan, until: Option<Instant>) -> Vec<String> {
    if ctx.data.units.is_empty() {
        return Vec::new();
    }
    let npv = plan::figures(ctx.data, ctx.cand, p).npv;
    (0..ctx.data.units.len())
        .map(|u| match p.units[u] {
            SiteDecision::Release(y) => released(ctx, u, y as usize),
            SiteDecision::Keep => held_by_rule(ctx, p, u)
                .unwrap_or_else(|| super::reasons::unless_past(until, || kept(ctx, p, u, npv))),
        })
        .collect()
}

fn released(ctx: &Ctx<'_>, u: usize, y: usize) -> String {
    let c = &ctx.cand.units[u].costs;
    let r = &c.release[y - 1];
    let mut words = format!("released on its own in year {y}");
    if c.yearly > 0.0 {
        words.push_str(&format!(
            ": saves GBP {} a year of its site's costs",
            money(c.yearly)
        ));
    }
    if r.penalty > 0.0 {
        words.push_str(&format!("; one-off GBP {}", money(r.penalty)));
    }
    words.push_str(&super::reasons::sale_words(&c.site, y, r));
    words
}

/// A unit kept because its site goes whole, or a rule of the model leaves it out.
fn held_by_rule(ctx: &Ctx<'_>, p: &Plan, u: usize) -> Option<String> {
    let unit = &ctx.data.units[u];
    let rules = &ctx.model.estates.units;
    if let SiteDecision::Release(y) = p.sites[unit.site.ix()] {
        return Some(format!("goes with its site, released whole in year {y}"));
    }
    if ctx.cand.units[u].releasable {
        return None;
    }
    Some(if !rules.enabled {
        "units are not released on their own ([estates.units] enabled = false)".into()
    } else if unit.kind == UnitKind::Floor && unit.floor_area_m2 < rules.min_area_m2 {
        format!(
            "smaller than the {} m2 a unit needs to be released on its own",
            rules.min_area_m2
        )
    } else {
        "its site is on the forced-release list".into()
    })
}

/// A releasable unit the plan keeps: what releasing it in its best year would do to the plan.
fn kept(ctx: &Ctx<'_>, p: &Plan, u: usize, npv: f64) -> String {
    let c = &ctx.cand.units[u].costs;
    let d = &ctx.cand.discount;
    let best = (1..=d.years())
        .map(|y| {
            (
                costing::release_saving_pv(&c.site, c.yearly, y, &c.release[y - 1], d),
                y,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0));
    let Some((saving, y)) = best else {
        return "the horizon has no year to release it in".into();
    };
    if saving <= 0.0 {
        return format!(
            "releasing it on its own would cost GBP {} more than it saves over the appraisal (best in year {y}: \
             GBP {} a year saved against one-off GBP {})",
            money(-saving),
            money(c.yearly),
            money(c.release[y - 1].penalty)
        );
    }
    let mut next = p.clone();
    next.units[u] = SiteDecision::Release(y as u32);
    let broken = heuristic::broken(ctx, &next);
    if let Some((rule, detail)) = broken.into_iter().next() {
        return format!(
            "{}: releasing it in year {y} would save GBP {} but {detail}",
            rule.name(),
            money(saving)
        );
    }
    let delta = plan::figures(ctx.data, ctx.cand, &next).npv - npv;
    format!(
        "kept, though releasing it in year {y} would add GBP {}: this plan is not optimal there",
        money(delta)
    )
}
