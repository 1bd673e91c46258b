//! The economics every part shares, defined once: discounting, a site's yearly cost, exit penalties by release
//! year, the cost of moving a team and of its travel, and the year a one-off cost falls in.
//!
//! The model builders (`estates/`, `procurement/`), the plan evaluator (`plan.rs`, `plan/award.rs`) and the
//! heuristics all call these functions, so a coefficient in a MILP and the figure a report prints cannot drift
//! apart. The independent checker (`check/`) does **not** use this module: it re-derives the same rules on its
//! own so that a mistake here shows up as a disagreement instead of being repeated.
//!
//! Conventions (documented in the README): the plan acts in the years of its horizon and counts money over its
//! appraisal period (the horizon or longer, `appraisal_years`); year `y` is 1-based; its discount factor is
//! `(1 + r)^-(y-1)` (year 1 undiscounted, HM Treasury Green Book rate 3.5% in the shipped models).

pub mod services;

use crate::domain::{OrgKind, RunningCost, Site, SiteIx, Team, Tenure, Unit};
use crate::model_config::ModelConfig;
use chrono::{Months, NaiveDate};

/// Discount factors over the appraisal period, and how many of its first years the plan acts in (the
/// horizon): decisions are indexed by horizon year, money by appraisal year.
#[derive(Debug, Clone, PartialEq)]
pub struct Discount {
    /// Discount factor of each appraisal year (index `y - 1`): `(1 + r)^-(y - 1)`.
    pub df: Vec<f64>,
    /// Years the plan acts in (at most `df.len()`).
    decisions: usize,
    /// The present value of one pound a year for ever after the appraisal (a terminal value), or 0.
    tail: f64,
}

impl Discount {
    /// The factors of `years` years at `rate` a year, acting in all of them.
    pub fn new(rate: f64, years: usize) -> Discount {
        Discount::appraised(rate, years, years)
    }

    /// Acting in the first `decisions` years, counting money over `appraisal` years (at least `decisions`).
    pub fn appraised(rate: f64, decisions: usize, appraisal: usize) -> Discount {
        Discount {
            df: (0..appraisal.max(decisions))
                .map(|k| (1.0 + rate).powi(-(k as i32)))
                .collect(),
            decisions,
            tail: 0.0,
        }
    }

    /// With a terminal value: one pound a year from the year after the appraisal on, for ever, is worth
    /// `df_last / rate` (the sum of `(1 + r)^-(k - 1)` over `k > A` is `(1 + r)^-(A - 1) / r`).
    pub fn with_terminal_value(mut self, rate: f64) -> Discount {
        let last = self.df.last().copied().unwrap_or(1.0);
        self.tail = if rate > 0.0 { last / rate } else { 0.0 };
        self
    }

    /// The terminal value's weight: what one pound a year after the appraisal is worth today (0 without one).
    pub fn tail(&self) -> f64 {
        self.tail
    }

    /// The factors of a model's appraisal period at its discount rate, acting over its horizon.
    pub fn of(model: &ModelConfig) -> Discount {
        let d = Discount::appraised(
            model.discount_rate,
            model.horizon_years as usize,
            model.appraisal() as usize,
        );
        if model.terminal_value {
            d.with_terminal_value(model.discount_rate)
        } else {
            d
        }
    }

    /// Years the plan acts in (the horizon): one decision column per year.
    pub fn years(&self) -> usize {
        self.decisions
    }

    /// Years money is counted over (the appraisal period).
    pub fn appraisal_years(&self) -> usize {
        self.df.len()
    }

    /// The factor of year `y` (1-based, up to the appraisal's last year).
    pub fn factor(&self, y: usize) -> f64 {
        self.df[y - 1]
    }

    /// Sum of discount factors from year `y` (1-based) to the end of the appraisal, plus the terminal value's
    /// weight (from the year after the appraisal on; 0 later): the present value of one pound a year from year
    /// `y` on.
    pub fn annuity_from(&self, y: usize) -> f64 {
        let within = self
            .df
            .get(y.saturating_sub(1)..)
            .map_or(0.0, |d| d.iter().sum());
        within
            + if y <= self.df.len() + 1 {
                self.tail
            } else {
                0.0
            }
    }

    /// What a site's backlog share is worth from year `y` on: the appraisal's years only (the backlog is a
    /// one-off spread over them; the terminal value does not extend it).
    pub fn backlog_from(&self, y: usize) -> f64 {
        self.annuity_from(y)
            - if y <= self.df.len() + 1 {
                self.tail
            } else {
                0.0
            }
    }

    /// The annuity from every 0-based decision year (`[k]` = from year `k + 1` to the end of the appraisal), with
    /// one more entry (0) for "never, within the horizon" (the award model's coefficients).
    pub fn annuities(&self) -> Vec<f64> {
        let mut a = vec![0.0; self.years() + 1];
        for (k, v) in a.iter_mut().enumerate().take(self.years()) {
            *v = self.annuity_from(k + 1);
        }
        a
    }

    /// The factors of the decision years (the award's per-year coefficients).
    pub fn decision_factors(&self) -> Vec<f64> {
        self.df[..self.decisions].to_vec()
    }
}

/// The date year `y` (1-based) of a horizon starting at `start` begins.
pub fn year_start(start: NaiveDate, y: usize) -> NaiveDate {
    start
        .checked_add_months(Months::new(12 * (y as u32).saturating_sub(1)))
        .unwrap_or(start)
}

/// What a site costs the partnership in each year it is kept: its running cost (rent, rates, FM, utilities,
/// maintenance), an even share of its backlog over the appraisal period (`years`), and the public dividend capital
/// its owner pays on it ([`pdc`]). Rent paid to a partner ([`Site::landlord`]) is a transfer inside the partnership, not a cost to
/// it: the tenant's saving is its landlord's loss ([`partner_transfer_pv`]), so it is left out.
pub fn site_yearly_cost(site: &Site, pdc: f64, years: usize) -> f64 {
    let transfer = if site.landlord.is_some() {
        site.running.rent
    } else {
        0.0
    };
    site.running.total() - transfer + site.backlog / years as f64 + pdc
}

/// What the tenant of a site leased from a partner gains, and that landlord loses, when the site is released at
/// the start of year `y` (present value): the rent it stops paying from then on, less the rent to the break (and
/// any premium) it pays the landlord on leaving early. 0 without a partner landlord. Netted out of the
/// partnership's NPV; counted in each partner's own share.
pub fn partner_transfer_pv(site: &Site, y: usize, d: &Discount, model: &ModelConfig) -> f64 {
    if site.landlord.is_none() {
        return 0.0;
    }
    site.running.rent * d.annuity_from(y) - lease_exit(site, y, model) * d.factor(y)
}

/// [`partner_transfer_pv`] for a release in each year of the horizon (index `y - 1`).
pub fn partner_transfers(site: &Site, model: &ModelConfig) -> Vec<f64> {
    let d = Discount::of(model);
    (1..=d.years())
        .map(|y| partner_transfer_pv(site, y, &d, model))
        .collect()
}

/// The public dividend capital an owner pays on a site each year it holds it: `pdc_rate` x the site's disposal
/// value (standing for its net book value), for a freehold of an NHS trust. CCGs, councils and other bodies pay
/// none; a sale ends it, and the money leaves the partnership (it goes to the Department of Health and Social
/// Care), so it is a saving to the system as well as to the trust.
pub fn pdc(site: &Site, owner: OrgKind, model: &ModelConfig) -> f64 {
    let rate = model.estates.disposal.pdc_rate;
    if owner == OrgKind::NhsTrust && site.tenure == Tenure::Freehold {
        rate * site.disposal_value
    } else {
        0.0
    }
}

/// What releasing a site at the start of a year costs beyond stopping its yearly cost ([`releases`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Release {
    /// The exit penalty ([`exit_penalties`]), paid in the release year: a one-off cost against the capital
    /// budget.
    pub penalty: f64,
    /// What the empty building costs until its sale, by year of the appraisal (index `year - 1`): rates after
    /// their relief, the holding share of FM, utilities and maintenance, and PDC. Revenue, not capital.
    pub holding: Vec<f64>,
    /// The year of the sale and its receipt, when it falls within the appraisal (a later sale is outside the
    /// appraisal, as are the running costs saved after it).
    pub sale_year: Option<usize>,
}

impl Release {
    /// The receipt the appraisal counts: the disposal value when the sale falls within the appraisal.
    pub fn receipt(&self, site: &Site) -> f64 {
        self.sale_year.map_or(0.0, |_| site.disposal_value)
    }

    /// Present value of the holding costs until the sale.
    pub fn holding_pv(&self, d: &Discount) -> f64 {
        (self.holding.iter().enumerate())
            .map(|(k, c)| c * d.factor(k + 1))
            .sum()
    }

    /// Present value of the receipt counted, in the year of the sale.
    pub fn receipt_pv(&self, site: &Site, d: &Discount) -> f64 {
        self.sale_year
            .map_or(0.0, |s| site.disposal_value * d.factor(s))
    }

    /// Present value of the penalty and holding costs less the receipt counted.
    pub fn net_pv(&self, site: &Site, y: usize, d: &Discount) -> f64 {
        self.penalty * d.factor(y) + self.holding_pv(d) - self.receipt_pv(site, d)
    }
}

/// What releasing `site` at the start of each year of the horizon costs (index `y - 1`): its exit penalty and,
/// for a freehold, the holding costs of `[estates.disposal] lag_years` years of waiting for its sale. `pdc` is
/// what its owner pays on it a year ([`pdc`]). With the disposal rules off the receipt arrives in the release
/// year and nothing is held.
pub fn releases(site: &Site, pdc: f64, model: &ModelConfig) -> Vec<Release> {
    let lag = if site.tenure == Tenure::Freehold {
        model.estates.disposal.lag_years as usize
    } else {
        0
    };
    releases_with_lag(site, pdc, lag, model)
}

/// A release unit as a site of its own, for costing: its site's tenure, lease and place, its own area, desks and
/// disposal value, its cost share of the site's running-cost lines and exit penalty, and its backlog share of the
/// site's backlog. Its figures are
/// parts of its site's (validated), so the baseline counts them once, with the site.
pub fn unit_site(unit: &Unit, site: &Site) -> Site {
    let k = unit.cost_share;
    let r = &site.running;
    Site {
        id: unit.id.clone(),
        name: unit.name.clone(),
        public_facing: false,
        exit_penalty: site.exit_penalty * k,
        floor_area_m2: unit.floor_area_m2,
        desks: unit.desks,
        running: RunningCost {
            rent: r.rent * k,
            rates: r.rates * k,
            fm: r.fm * k,
            utilities: r.utilities * k,
            maintenance: r.maintenance * k,
        },
        backlog: site.backlog * unit.backlog_share,
        disposal_value: unit.disposal_value,
        must_keep: false,
        ..site.clone()
    }
}

/// What a release unit is worth when released on its own: itself as a site ([`unit_site`]), what it costs a year
/// within its site ([`site_yearly_cost`] of that site, the saving from its release year on) and what releasing it
/// in each year costs beyond that ([`unit_releases`]).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitCosts {
    /// The unit as a site of its own.
    pub site: Site,
    /// Its share of its site's yearly cost (running cost, backlog, PDC on its disposal value).
    pub yearly: f64,
    /// Releasing it in year `y` (index `y - 1`).
    pub release: Vec<Release>,
    /// What its tenant gains and its partner landlord loses on releasing it in year `y` ([`partner_transfers`]).
    pub transfer: Vec<f64>,
}

/// The costs of releasing `unit` of `site`, owned by a body of kind `owner`.
pub fn unit_costs(unit: &Unit, site: &Site, owner: OrgKind, model: &ModelConfig) -> UnitCosts {
    let as_site = unit_site(unit, site);
    let pdc = pdc(&as_site, owner, model);
    UnitCosts {
        yearly: site_yearly_cost(&as_site, pdc, model.appraisal() as usize),
        release: unit_releases(&as_site, pdc, model),
        transfer: partner_transfers(&as_site, model),
        site: as_site,
    }
}

/// What releasing a unit on its own at the start of each year costs, `unit_site` being [`unit_site`]: as for a
/// site, plus `[estates.units] release_cost_gbp` in the release year; only a freehold unit with a receipt waits
/// for a sale (space given up with nothing to sell stops costing at once).
pub fn unit_releases(unit_site: &Site, pdc: f64, model: &ModelConfig) -> Vec<Release> {
    let sells = unit_site.tenure == Tenure::Freehold && unit_site.disposal_value > 0.0;
    let lag = if sells {
        model.estates.disposal.lag_years as usize
    } else {
        0
    };
    let mut out = releases_with_lag(unit_site, pdc, lag, model);
    for r in &mut out {
        r.penalty += model.estates.units.release_cost_gbp;
    }
    out
}

/// [`releases`] with the years from release to sale given.
fn releases_with_lag(site: &Site, pdc: f64, lag: usize, model: &ModelConfig) -> Vec<Release> {
    // Held and sold within the appraisal, not only the horizon: a release in its last year still sells.
    let h = model.appraisal() as usize;
    let rules = model.estates.disposal;
    exit_penalties(site, model)
        .into_iter()
        .enumerate()
        .map(|(i, penalty)| {
            let y = i + 1;
            let mut holding = vec![0.0; h];
            for k in 0..lag.min(h + 1 - y) {
                let relieved = (rules.empty_rates_relief_months - 12.0 * k as f64).clamp(0.0, 12.0);
                let r = &site.running;
                holding[y - 1 + k] = r.rates * (12.0 - relieved) / 12.0
                    + rules.holding_share * (r.fm + r.utilities + r.maintenance)
                    + pdc;
            }
            Release {
                penalty,
                holding,
                sale_year: (y + lag <= h).then_some(y + lag),
            }
        })
        .collect()
}

/// What leaving a site at the start of each year of the horizon costs (index `y - 1`), by the year it is left:
/// - a PFI site pays its `exit_penalty` (the termination sum) whenever it is left;
/// - with lease rules on, a site under a lease left before its free exit date (the break, else the end) pays the
///   rent from that day to the free exit date, plus its `exit_penalty` (a surrender premium, if any), unless its
///   landlord is a partner (then a transfer, [`partner_transfer_pv`]);
/// - with lease rules on, a leasehold site pays its dilapidations (`dilapidations_per_m2` x floor area) whenever it
///   is left: reinstating the space is due on any exit.
pub fn exit_penalties(site: &Site, model: &ModelConfig) -> Vec<f64> {
    let leases = model.estates.leases;
    (1..=model.horizon_years as usize)
        .map(|y| {
            let mut cost = 0.0;
            if site.tenure == Tenure::Pfi {
                cost += site.exit_penalty;
            } else if site.landlord.is_none() {
                cost += lease_exit(site, y, model);
            }
            if leases.enabled && site.tenure == Tenure::Leasehold {
                cost += leases.dilapidations_per_m2 * site.floor_area_m2;
            }
            cost
        })
        .collect()
}

/// What leaving a lease at the start of year `y` pays its landlord with lease rules on: the rent from that day to
/// the free exit date plus `exit_penalty` (a premium), when it is left before that date; 0 otherwise (and for
/// PFI sites, whose termination sum [`exit_penalties`] counts). A resource cost when the landlord is outside the
/// partnership, a transfer when it is a partner ([`partner_transfer_pv`]).
fn lease_exit(site: &Site, y: usize, model: &ModelConfig) -> f64 {
    let date = year_start(model.start_date, y);
    match (site.tenure, site.lease) {
        (Tenure::Pfi, _) => 0.0,
        (_, Some(lease)) if model.estates.leases.enabled && date < lease.free_exit() => {
            site.running.rent * years_between(date, lease.free_exit()) + site.exit_penalty
        }
        _ => 0.0,
    }
}

/// Years from `from` to `to` (days / 365.25; 0 when `to` is not later).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    ((to - from).num_days().max(0) as f64) / 365.25
}

/// Present value of a site released at the start of year `y`: its yearly cost until then, then the exit
/// penalty and holding costs less the receipt counted ([`Release`]).
pub fn released_site_pv(site: &Site, yearly: f64, y: usize, r: &Release, d: &Discount) -> f64 {
    yearly * (d.annuity_from(1) - d.annuity_from(y)) + r.net_pv(site, y, d)
}

/// Present-value saving of releasing a site at the start of year `y` against keeping it: its yearly cost from
/// year `y` on, less the exit penalty and holding costs, plus the receipt counted (the MILP's coefficient; it
/// equals the kept site's present value less [`released_site_pv`]).
pub fn release_saving_pv(site: &Site, yearly: f64, y: usize, r: &Release, d: &Discount) -> f64 {
    yearly * d.annuity_from(y) - backlog_tail(site, d) - r.net_pv(site, y, d)
}

/// Present value of keeping a site costing `yearly` throughout ([`site_yearly_cost`]): every year of the
/// appraisal, and after it with a terminal value, less the backlog's share after the appraisal (none).
pub fn kept_pv(site: &Site, yearly: f64, d: &Discount) -> f64 {
    yearly * d.annuity_from(1) - backlog_tail(site, d)
}

/// The backlog share [`site_yearly_cost`] carries, as it would count after the appraisal with a terminal value:
/// taken back out, since the backlog is spread over the appraisal's years only.
fn backlog_tail(site: &Site, d: &Discount) -> f64 {
    site.backlog / d.appraisal_years() as f64 * d.tail()
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
    /// What releasing site `site` (index) at the start of year `y` (1-based) costs beyond its yearly cost.
    fn release(&self, site: usize, y: usize) -> &Release;
    /// What releasing site `site` (index) in year `y` moves from its partner landlord to it
    /// ([`partner_transfer_pv`]).
    fn transfer(&self, site: usize, y: usize) -> f64;
    /// What releasing release unit `unit` (index) on its own costs and saves ([`unit_costs`]).
    fn unit(&self, unit: usize) -> &UnitCosts;
    /// What site `site` (index) costs each year it is kept ([`site_yearly_cost`]).
    fn site_yearly(&self, site: usize) -> f64;
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
    use crate::domain::UnitKind;

    #[test]
    fn an_appraisal_longer_than_the_horizon_counts_money_on_but_decides_in_the_horizon() {
        let d = Discount::appraised(0.035, 2, 4);
        let f = |k: i32| 1.035_f64.powi(-k);
        assert_eq!((d.years(), d.appraisal_years()), (2, 4));
        assert!((d.annuity_from(2) - (f(1) + f(2) + f(3))).abs() < 1e-12);
        let a = d.annuities();
        assert_eq!(a.len(), 3);
        assert!((a[0] - (1.0 + f(1) + f(2) + f(3))).abs() < 1e-12);
        assert_eq!(a[2], 0.0);
        assert_eq!(d.decision_factors(), vec![1.0, f(1)]);
        assert_eq!(Discount::new(0.035, 3), Discount::appraised(0.035, 3, 3));
    }

    #[test]
    fn a_terminal_value_adds_the_years_after_the_appraisal_but_not_to_the_backlog() {
        let d = Discount::appraised(0.035, 2, 4).with_terminal_value(0.035);
        let f = |k: i32| 1.035_f64.powi(-k);
        // Years 5, 6, ... for ever: f(4) + f(5) + ... = f(3) / 0.035.
        let after = f(3) / 0.035;
        let far: f64 = (4..3000).map(f).sum();
        assert!((after - far).abs() < 1e-9, "{after} vs {far}");
        assert!((d.tail() - after).abs() < 1e-12);
        assert!((d.annuity_from(2) - (f(1) + f(2) + f(3) + after)).abs() < 1e-12);
        assert!((d.annuity_from(5) - after).abs() < 1e-12);
        assert_eq!(d.annuity_from(6), 0.0);
        assert!((d.backlog_from(2) - (f(1) + f(2) + f(3))).abs() < 1e-12);
        assert_eq!(d.annuities()[2], 0.0, "never within the horizon");
    }

    /// A floor unit of a hospital and a land unit, costed by hand: 5 years at 3.5%, a GBP 25,000 release cost, a
    /// year's wait for a sale and PDC at 3.5% (`S1` of tiny: rates 400,000, FM 900,000, utilities 300,000,
    /// maintenance 200,000, backlog 1,500,000, owned by a trust).
    #[test]
    fn a_unit_released_on_its_own_saves_its_share_of_its_site_by_hand() {
        let mut model = ModelConfig::default();
        (model.horizon_years, model.discount_rate) = (5, 0.035);
        model.estates.units.release_cost_gbp = 25_000.0;
        model.estates.disposal.lag_years = 1;
        model.estates.disposal.pdc_rate = 0.035;
        let mut site = crate::input::tiny_for_tests().sites[0].clone();
        site.disposal_value = 3_000_000.0;
        let unit = |kind, area, share, ha, value| Unit {
            id: "U".into(),
            site: SiteIx(0),
            name: "part".into(),
            kind,
            floor_area_m2: area,
            desks: 0,
            cost_share: share,
            backlog_share: share,
            land_ha: ha,
            disposal_value: value,
        };
        let d = Discount::new(0.035, 5);
        let df = |y: i32| 1.035f64.powi(-(y - 1));
        // The empty floor: 4% of 1,800,000 running and of 300,000 backlog a year; nothing to sell, so no wait.
        let floor = unit(UnitKind::Floor, 2000.0, 0.04, 0.0, 0.0);
        let c = unit_costs(&floor, &site, OrgKind::NhsTrust, &model);
        assert!((c.yearly - 84_000.0).abs() < 1e-9);
        assert_eq!(c.release[1].penalty, 25_000.0);
        assert_eq!(c.release[1].sale_year, Some(2));
        let want = 84_000.0 * (df(2) + df(3) + df(4) + df(5)) - 25_000.0 * df(2);
        let got = release_saving_pv(&c.site, c.yearly, 2, &c.release[1], &d);
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        // The land: no running cost, PDC of 70,000 a year on its GBP 2m until the sale a year after its release.
        let land = unit(UnitKind::Land, 0.0, 0.0, 1.5, 2_000_000.0);
        let c = unit_costs(&land, &site, OrgKind::NhsTrust, &model);
        assert!((c.yearly - 70_000.0).abs() < 1e-9);
        assert_eq!(c.release[0].holding[0], 70_000.0);
        assert_eq!(c.release[0].sale_year, Some(2));
        let all: f64 = (1..=5).map(df).sum();
        let want = 70_000.0 * all - 25_000.0 - 70_000.0 + 2_000_000.0 * df(2);
        let got = release_saving_pv(&c.site, c.yearly, 1, &c.release[0], &d);
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        // A council's land pays no PDC.
        let c = unit_costs(&land, &site, OrgKind::Council, &model);
        assert_eq!(c.yearly, 0.0);
    }

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

    #[test]
    fn leaving_a_lease_pays_the_rent_from_the_release_day_to_the_break_and_dilapidations_by_hand() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let mut model = ModelConfig::default();
        model.estates.leases.dilapidations_per_m2 = 20.0;
        let mut site = crate::input::tiny_for_tests().sites[0].clone();
        site.tenure = Tenure::Leasehold;
        site.floor_area_m2 = 1000.0;
        site.running.rent = 10_000.0;
        site.exit_penalty = 5_000.0;
        // The break is 913 days (2.5 years) after the plan starts on 2016-04-01.
        site.lease = Some(crate::domain::Lease {
            end: date(2030, 3, 31),
            break_date: Some(date(2018, 10, 1)),
        });
        let p = exit_penalties(&site, &model);
        let rent = |days: f64| 10_000.0 * days / 365.25;
        let dilapidations = 20.0 * 1000.0;
        for (y, days) in [(1, 913.0), (2, 548.0), (3, 183.0)] {
            let want = rent(days) + 5_000.0 + dilapidations;
            assert!(
                (p[y - 1] - want).abs() < 1e-9,
                "year {y}: {} != {want}",
                p[y - 1]
            );
        }
        // After the break only the dilapidations remain, every year.
        assert_eq!(&p[3..], &[dilapidations, dilapidations]);
        model.estates.leases.enabled = false;
        assert_eq!(exit_penalties(&site, &model), vec![0.0; 5]);
        // A PFI site pays its termination sum in any year, and no dilapidations.
        site.tenure = Tenure::Pfi;
        assert_eq!(exit_penalties(&site, &model), vec![5_000.0; 5]);
    }
}
