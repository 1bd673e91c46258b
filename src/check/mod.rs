//! The independent checker: recomputes every rule and the headline figures of a plan from the inputs alone.
//!
//! It shares no code with the model builders (`estates/`): distances, lease dates, discounting and costs are
//! derived again here from the documented rules, so a mistake in the MILP or its evaluator shows up as a
//! disagreement instead of being repeated. `plan --check` runs it; every solver test uses it.
//!
//! Each rule is one function in the file of its family (`estates/`, `procurement/`), pushing [`Violation`]s
//! named by a [`Rule`]; [`check`] and [`procurement::check_category`] call them in a fixed order, which is the
//! order the violations are reported in.

mod estates;
pub mod procurement;
mod rule;
mod services;
#[cfg(test)]
pub(crate) mod test_support;

pub use rule::Rule;

/// Years money is counted over, read from the model file on its own: `appraisal_years` when set (never below the
/// horizon), else the horizon. Decisions fall in the horizon's years; a saving that starts there runs on to the
/// appraisal's end.
pub(crate) fn appraisal(model: &ModelConfig) -> usize {
    model
        .appraisal_years
        .map_or(model.horizon_years, |a| a.max(model.horizon_years)) as usize
}

/// A terminal value's weight, read from the model file on its own: with `terminal_value`, one pound a year from
/// the year after the appraisal on, for ever: the geometric series `sum over m >= A of (1 + r)^-m`,
/// `(1 + r)^-A (1 + r) / r`; 0 without it.
pub(crate) fn tail(model: &ModelConfig) -> f64 {
    let r = model.discount_rate;
    if !model.terminal_value || r <= 0.0 {
        return 0.0;
    }
    (1.0 + r).powi(-(appraisal(model) as i32)) * (1.0 + r) / r
}

use crate::domain::Dataset;
use crate::model_config::ModelConfig;
use crate::plan::{Kpis, Plan};
use serde::Serialize;

/// One broken rule, in business terms.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Violation {
    /// The rule group.
    pub rule: Rule,
    /// What is wrong, naming the site, team, zone or partner and by how much.
    pub detail: String,
}

impl Violation {
    /// A violation of `rule`.
    pub(crate) fn new(rule: Rule, detail: String) -> Self {
        Violation { rule, detail }
    }
}

/// The checker's verdict.
#[derive(Debug, Clone, Serialize, PartialEq, Default, schemars::JsonSchema)]
pub struct CheckReport {
    /// True when no rule is broken and the figures agree.
    pub ok: bool,
    /// Broken rules.
    pub violations: Vec<Violation>,
    /// Figures that disagree with the ones reported.
    pub mismatches: Vec<String>,
    /// The checker's own present-value plan cost.
    pub plan_cost: f64,
    /// The checker's own NPV.
    pub npv: f64,
    /// The checker's own parts of the NPV (compared with the reported ones in `mismatches`).
    #[serde(skip)]
    pub npv_parts: crate::plan::NpvParts,
}

impl CheckReport {
    /// True when no shared-services rule is broken and the figures agree (the figures include them).
    pub fn services_ok(&self) -> bool {
        self.mismatches.is_empty()
            && !self.violations.iter().any(|v| {
                matches!(
                    v.rule,
                    Rule::Join | Rule::Hubs | Rule::Sector | Rule::Transfer | Rule::Programme
                )
            })
    }
}

/// Checks a plan; compares the figures with `reported` when given.
pub fn check(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    reported: Option<&Kpis>,
) -> CheckReport {
    let cx = estates::Ctx::new(data, model, plan);
    let mut v = Vec::new();
    estates::sites::release(&cx, &mut v);
    estates::units::release(&cx, &mut v);
    estates::each_team(&cx, &mut v);
    estates::capacity::desks(&cx, &mut v);
    estates::staff::mean_move(&cx, &mut v);
    estates::access::access(&cx, &mut v);
    estates::access::borough(&cx, &mut v);
    estates::budget::capital_per_year(&cx, &mut v);
    estates::partners::no_worse(&cx, &mut v);
    services::joins::joinings(data, model, plan, &mut v);
    services::joins::sector(data, model, plan, &mut v);
    services::joins::distance(data, model, plan, &mut v);
    services::hubs::hubs(data, model, plan, &mut v);
    services::hubs::programme(model, plan, &mut v);
    let mismatches = reported.map_or_else(Vec::new, |k| {
        let mut m = cx.econ.mismatches(k);
        m.extend(estates::carter::mismatches(data, plan, k));
        m.extend(estates::deprivation::mismatches(data, plan, k));
        m
    });
    CheckReport {
        ok: v.is_empty() && mismatches.is_empty(),
        violations: v,
        mismatches,
        plan_cost: cx.econ.plan_cost,
        npv: cx.econ.npv(),
        npv_parts: cx.econ.parts.clone(),
    }
}
