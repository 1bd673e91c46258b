//! The economics every part shares, defined once: discounting, a site's yearly cost, exit penalties by release
//! year, the cost of moving a team and of its travel, and the year a one-off cost falls in.
//!
//! The model builders (`estates/`, `procurement/`), the plan evaluator (`plan.rs`, `plan/award.rs`) and the
//! heuristics all call these functions, so a coefficient in a MILP and the figure a report prints cannot drift
//! apart. The independent checker (`check/`) does **not** use this module: it re-derives the same rules on its
//! own so that a mistake here shows up as a disagreement instead of being repeated.
//!
//! Conventions (documented in the README): year `y` of the horizon is 1-based; its discount factor is
//! `(1 + r)^-(y-1)` (year 1 undiscounted, HM Treasury Green Book rate 3.5% in the shipped models).

pub mod services;

use crate::domain::{Site, SiteIx, Team, Tenure};
use crate::model_config::ModelConfig;
use chrono::{Months, NaiveDate};

/// Discount factors over a horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct Discount {
    /// Discount factor of each year (index `y - 1`): `(1 + r)^-(y - 1)`.
    pub df: Vec<f64>,
}

impl Discount {
    /// The factors of `years` years at `rate` a year.
    pub fn new(rate: f64, years: usize) -> Discount {
        Discount {
            df: (0..years).map(|k| (1.0 + rate).powi(-(k as i32))).collect(),
        }
    }

    /// The factors of a model's horizon at its discount rate.
    pub fn of(model: &ModelConfig) -> Discount {
        Discount::new(model.discount_rate, model.horizon_years as usize)
    }

    /// Years in the horizon.
    pub fn years(&self) -> usize {
        self.df.len()
    }

    /// The factor of year `y` (1-based).
    pub fn factor(&self, y: usize) -> f64 {
        self.df[y - 1]
    }

    /// Sum of discount factors from year `y` (1-based) to the end of the horizon (0 past the end): the present
    /// value of one pound a year from year `y` on.
    pub fn annuity_from(&self, y: usize) -> f64 {
        self.df
            .get(y.saturating_sub(1)..)
            .map_or(0.0, |d| d.iter().sum())
    }

    /// The annuity from every 0-based year (`[k]` = from year `k + 1`), with one more entry (0) for "past the
    /// end", summed backwards from the last year (the award model's coefficients).
    pub fn annuities(&self) -> Vec<f64> {
        let mut a = vec![0.0; self.years() + 1];
        for y in (0..self.years()).rev() {
            a[y] = a[y + 1] + self.df[y];
        }
        a
    }
}

/// The date year `y` (1-based) of a horizon starting at `start` begins.
pub fn year_start(start: NaiveDate, y: usize) -> NaiveDate {
    start
        .checked_add_months(Months::new(12 * (y as u32).saturating_sub(1)))
        .unwrap_or(start)
}

/// What a site costs in each year it is kept: its running cost (rent, rates, FM, utilities, maintenance) plus an
/// even share of its backlog over the horizon.
pub fn site_yearly_cost(site: &Site, years: usize) -> f64 {
    site.running.total() + site.backlog / years as f64
}

/// The exit penalty of releasing a site at the start of each year of the horizon (index `y - 1`): a PFI site
/// always pays it; a leasehold site pays it before its break date (or lease end) when lease rules are on.
pub fn exit_penalties(site: &Site, model: &ModelConfig) -> Vec<f64> {
    (1..=model.horizon_years as usize)
        .map(|y| {
            let date = year_start(model.start_date, y);
            let early = match (site.tenure, site.lease) {
                (Tenure::Pfi, _) => true,
                (_, Some(lease)) => model.estates.leases.enabled && date < lease.free_exit(),
                _ => false,
            };
            if early { site.exit_penalty } else { 0.0 }
        })
        .collect()
}

/// Present value of a site released at the start of year `y`: its yearly cost until then, then the exit
/// penalty less the disposal receipt in year `y`.
pub fn released_site_pv(site: &Site, yearly: f64, y: usize, penalty: f64, d: &Discount) -> f64 {
    yearly * (d.annuity_from(1) - d.annuity_from(y)) + (penalty - site.disposal_value) * d.factor(y)
}

/// Present-value saving of releasing a site at the start of year `y` against keeping it: its yearly cost from
/// year `y` on, plus the disposal receipt less the exit penalty in year `y` (the MILP's coefficient; it equals
/// the kept site's present value less [`released_site_pv`]).
pub fn release_saving_pv(site: &Site, yearly: f64, y: usize, penalty: f64, d: &Discount) -> f64 {
    yearly * d.annuity_from(y) + (site.disposal_value - penalty) * d.factor(y)
}

/// The one-off cost of moving a whole team: relocation per head plus fit-out of the desks it needs.
pub fn team_move_cost(team: &Team, model: &ModelConfig) -> f64 {
    let e = &model.estates;
    f64::from(team.headcount)
        * (e.budget.relocation_per_head + e.budget.fitout_per_desk * e.desk_ratio)
}

/// The yearly cost of a team's extra travel when it works `km` from its current site.
pub fn travel_cost(team: &Team, km: f64, model: &ModelConfig) -> f64 {
    model.estates.staff.travel_cost_per_km_head_year * f64::from(team.headcount) * km
}

/// The year a team's one-off move cost falls in: its current site's release year, or year 1 when that site is
/// kept (or the team has none).
pub fn move_year(current_site_release: Option<u32>) -> usize {
    current_site_release.map_or(1, |y| y as usize)
}

/// What the plan evaluator needs to cost a plan, implemented by the estates candidates (which hold the
/// per-team placement costs looked up by binary search, so heuristics can cost thousands of plans quickly).
pub trait PlanCosts {
    /// Discount factors of the horizon.
    fn discount(&self) -> &Discount;
    /// Exit penalty of releasing site `site` (index) at the start of year `y` (1-based).
    fn exit_penalty(&self, site: usize, y: usize) -> f64;
    /// Yearly cost of team `team` (index) working at `site` (0 when the site is not one of its options).
    fn team_annual_cost(&self, team: usize, site: SiteIx) -> f64;
    /// One-off cost of moving the whole of team `team` (index).
    fn team_move_cost(&self, team: usize) -> f64;
    /// The rates of moving staff who transfer to a shared-service hub.
    fn transfer_rates(&self) -> services::TransferRates;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounting_by_hand() {
        let d = Discount::new(0.035, 3);
        assert_eq!(d.factor(1), 1.0);
        assert!((d.factor(3) - 1.0 / 1.035f64.powi(2)).abs() < 1e-15);
        let all = 1.0 + 1.0 / 1.035 + 1.0 / 1.035f64.powi(2);
        assert!((d.annuity_from(1) - all).abs() < 1e-12);
        assert_eq!(d.annuity_from(4), 0.0);
        assert_eq!(d.annuities().len(), 4);
        assert!((d.annuities()[1] - (all - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn years_start_a_year_apart() {
        let start = NaiveDate::from_ymd_opt(2016, 4, 1).unwrap();
        assert_eq!(year_start(start, 1), start);
        assert_eq!(
            year_start(start, 3),
            NaiveDate::from_ymd_opt(2018, 4, 1).unwrap()
        );
        assert_eq!(move_year(None), 1);
        assert_eq!(move_year(Some(4)), 4);
    }
}
