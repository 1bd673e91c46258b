//! The plan's figures, derived again from the README's "How a plan is costed", and their comparison with the
//! figures the planner reported.
//!
//! Nothing here is shared with `plan::evaluate`: discount factors, lease break dates and travel costs are
//! worked out afresh, so a disagreement points at one of the two.

use crate::check::{appraisal, tail};
use crate::domain::{Dataset, SiteIx, Tenure};
use crate::geo::haversine_km;
use crate::model_config::ModelConfig;
use crate::plan::{Kpis, NpvParts, Plan, SiteDecision};
use chrono::Months;
use std::collections::{BTreeMap, HashMap};

/// The checker's figures for a plan.
pub(crate) struct Economics {
    /// Present value of the plan's costs (GBP).
    pub plan_cost: f64,
    /// Present value of doing nothing (GBP).
    pub baseline_cost: f64,
    /// Sites released.
    pub released: usize,
    /// Release units released on their own.
    pub units_released: usize,
    /// Derived sites released (`derived` in `sites.csv`) and what their releases add to the NPV.
    pub derived: (usize, f64),
    /// Undiscounted one-off costs (exit penalties, relocation, fit-out) in each year (index 0 = year 1).
    pub one_off_by_year: Vec<f64>,
    /// Present-value gain per partner id.
    pub by_partner: BTreeMap<String, f64>,
    /// The NPV's parts, derived again (the same names as the plan's `npv_parts`).
    pub parts: NpvParts,
}

impl Economics {
    /// The net present value: doing nothing less the plan.
    pub(crate) fn npv(&self) -> f64 {
        self.baseline_cost - self.plan_cost
    }

    /// The figures that disagree with the reported ones, beyond a relative 1e-6.
    pub(crate) fn mismatches(&self, k: &Kpis) -> Vec<String> {
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0);
        [
            ("plan_cost", self.plan_cost, k.plan_cost),
            ("npv", self.npv(), k.npv),
            (
                "sites_released",
                self.released as f64,
                k.sites_released as f64,
            ),
            (
                "units_released",
                self.units_released as f64,
                k.units_released as f64,
            ),
            (
                "derived_sites_released",
                self.derived.0 as f64,
                k.derived_sites_released as f64,
            ),
            ("derived_release_npv", self.derived.1, k.derived_release_npv),
        ]
        .into_iter()
        .chain(
            (self.parts.named().into_iter().zip(k.npv_parts.named()))
                .map(|((name, ours), (_, theirs))| (name, ours, theirs)),
        )
        .chain([(
            "transfers_excluded",
            self.parts.transfers_excluded,
            k.npv_parts.transfers_excluded,
        )])
        .filter(|(_, ours, theirs)| !close(*ours, *theirs))
        .map(|(name, ours, theirs)| format!("{name}: reported {theirs}, checker {ours}"))
        .collect()
    }
}

/// The documented economics of `plan`; `costs` is the team-site cost table by (team, site) index.
pub(crate) fn derive(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    costs: &HashMap<(usize, usize), f64>,
    services: &crate::check::services::Derived,
) -> Economics {
    let mut out = Economics {
        plan_cost: 0.0,
        baseline_cost: 0.0,
        released: 0,
        units_released: 0,
        derived: (0, 0.0),
        one_off_by_year: vec![0.0; model.horizon_years as usize],
        by_partner: BTreeMap::new(),
        parts: NpvParts::default(),
    };
    sites(data, model, plan, &mut out);
    super::units::economics(data, model, plan, &mut out);
    teams(data, model, plan, costs, &mut out);
    // Shared services: their net saving lowers the plan's cost; their one-off costs count against the budget.
    out.plan_cost -= services.npv;
    out.parts.shared_services = services.npv;
    for (y, c) in services.one_off_by_year.iter().enumerate() {
        out.one_off_by_year[y] += c;
    }
    for (p, gain) in &services.by_partner {
        *out.by_partner.entry(p.clone()).or_default() += gain;
    }
    out
}

/// Discount factor of year `y` (1-based).
pub(super) fn disc(model: &ModelConfig, y: usize) -> f64 {
    1.0 / (1.0 + model.discount_rate).powi(y as i32 - 1)
}

/// The sum of the discount factors from year `y` to the end of the appraisal, and with a terminal value what
/// every year after it is worth.
pub(super) fn years_from(model: &ModelConfig, y: usize) -> f64 {
    let a = appraisal(model);
    let after = if y <= a + 1 { tail(model) } else { 0.0 };
    (y..=a).map(|k| disc(model, k)).sum::<f64>() + after
}

/// A building's backlog share as the terminal value would count it after the appraisal: taken back out, since
/// the backlog is spread over the appraisal's years only.
pub(super) fn backlog_after(model: &ModelConfig, s: &crate::domain::Site) -> f64 {
    s.backlog / appraisal(model) as f64 * tail(model)
}

/// Sites: running cost, backlog share and PDC while kept; exit penalty in the release year; a freehold's holding
/// costs while it waits for its sale, and the receipt in the year of the sale when that is within the horizon.
fn sites(data: &Dataset, model: &ModelConfig, plan: &Plan, out: &mut Economics) {
    let (h, a) = (model.horizon_years as usize, appraisal(model));
    let all = years_from(model, 1);
    for (i, s) in data.sites.iter().enumerate() {
        let pdc = pdc(data, model, s);
        let annual = annual_cost(s, a) + pdc;
        let kept = annual * all - backlog_after(model, s);
        out.baseline_cost += kept;
        let SiteDecision::Release(y) = plan.sites[i] else {
            out.plan_cost += kept;
            continue;
        };
        let y = y as usize;
        out.released += 1;
        let penalty = exit_penalty(model, s, y);
        let wait = if s.tenure == Tenure::Freehold {
            model.estates.disposal.lag_years as usize
        } else {
            0
        };
        let (holding, receipt) = waiting_for_sale(model, s, y, pdc, wait);
        let cost =
            annual * (all - years_from(model, y)) + penalty * disc(model, y) + holding - receipt;
        if s.derived {
            out.derived.0 += 1;
            out.derived.1 += kept - cost;
        }
        released_parts(
            &mut out.parts,
            s,
            (a, tail(model)),
            pdc,
            years_from(model, y),
        );
        out.parts.receipts += receipt;
        out.parts.holding -= holding;
        out.parts.exit_costs -= penalty * disc(model, y);
        out.plan_cost += cost;
        if (1..=h).contains(&y) {
            out.one_off_by_year[y - 1] += penalty;
        }
        *out.by_partner
            .entry(data.org(s.organisation).id.clone())
            .or_default() += kept - cost;
        transfer(data, model, s, y, out);
    }
}

/// What site `s` costs the partnership a year before PDC: its running-cost lines and an even share of its backlog
/// over the `h` years of the appraisal; rent paid to a partner is a transfer between partners, not a cost to the
/// partnership.
pub(super) fn annual_cost(s: &crate::domain::Site, h: usize) -> f64 {
    let r = &s.running;
    let rent = if s.landlord.is_some() { 0.0 } else { r.rent };
    rent + r.rates + r.fm + r.utilities + r.maintenance + s.backlog / h as f64
}

/// The yearly savings of a building released with `from_y` discounted years left, by part: running cost (rent to
/// a partner left out), backlog share, PDC. `(h, after)` are the appraisal's years and the terminal value's weight,
/// which the backlog share leaves out.
pub(super) fn released_parts(
    parts: &mut NpvParts,
    s: &crate::domain::Site,
    (h, after): (usize, f64),
    pdc: f64,
    from_y: f64,
) {
    let backlog = s.backlog / h as f64;
    parts.running_costs += (annual_cost(s, h) - backlog) * from_y;
    parts.backlog += backlog * (from_y - after);
    parts.pdc += pdc * from_y;
}

/// Rent between partners, in their shares: the tenant of a site leased from a partner stops paying its rent from
/// release year `y` and pays the landlord the rent to the break (and any premium) on leaving early; the landlord
/// gains and loses the same. Not in the partnership's cost.
pub(super) fn transfer(
    data: &Dataset,
    model: &ModelConfig,
    s: &crate::domain::Site,
    y: usize,
    out: &mut Economics,
) {
    let Some(landlord) = s.landlord else { return };
    let leaving = rent_to_free_exit(model, s, y);
    let pv = s.running.rent * years_from(model, y) - leaving * disc(model, y);
    *out.by_partner
        .entry(data.org(s.organisation).id.clone())
        .or_default() += pv;
    *out.by_partner
        .entry(data.org(landlord).id.clone())
        .or_default() -= pv;
    out.parts.transfers_excluded += pv;
}

/// PDC on site `s` a year: `pdc_rate` of its disposal value, when an NHS trust owns it outright.
pub(super) fn pdc(data: &Dataset, model: &ModelConfig, s: &crate::domain::Site) -> f64 {
    let trust = data.org(s.organisation).kind == crate::domain::OrgKind::NhsTrust;
    if trust && s.tenure == Tenure::Freehold {
        s.disposal_value * model.estates.disposal.pdc_rate
    } else {
        0.0
    }
}

/// A building released at the start of year `y` that waits `wait` whole years for its sale (a freehold waits
/// `lag_years`; other tenures are handed back at once) stays empty meanwhile, month by month paying its rates once
/// the relief months are over, the holding share of its FM, utilities and maintenance, and PDC; then it is sold.
/// Returns the present values of those holding costs within the appraisal and of the receipt (0 when the sale
/// falls after it).
pub(super) fn waiting_for_sale(
    model: &ModelConfig,
    s: &crate::domain::Site,
    y: usize,
    pdc: f64,
    wait: usize,
) -> (f64, f64) {
    let h = appraisal(model);
    let rules = &model.estates.disposal;
    let mut holding = 0.0;
    for month in 0..12 * wait {
        let year = y + month / 12;
        if year > h {
            break;
        }
        let rates = if (month as f64) + 1.0 > rules.empty_rates_relief_months {
            // The month straddling the end of the relief pays the part after it.
            let due = ((month as f64) + 1.0 - rules.empty_rates_relief_months).min(1.0);
            s.running.rates * due / 12.0
        } else {
            0.0
        };
        let others =
            rules.holding_share * (s.running.fm + s.running.utilities + s.running.maintenance);
        holding += (rates + (others + pdc) / 12.0) * disc(model, year);
    }
    let sale = y + wait;
    let receipt = if sale <= h {
        s.disposal_value * disc(model, sale)
    } else {
        0.0
    };
    (holding, receipt)
}

/// What leaving site `s` at the start of year `y` costs: always the PFI termination sum; for a lease (with leases
/// on) left before its break date (or its end), the rent from that day to it plus any surrender premium; and a
/// leasehold's dilapidations on any exit.
/// For a lease (with leases on) left at the start of year `y` before its break date (or its end): the rent from
/// that day to it plus any surrender premium; 0 otherwise.
fn rent_to_free_exit(model: &ModelConfig, s: &crate::domain::Site, y: usize) -> f64 {
    // Year 0 is outside the horizon (the release rule reports it); it starts with the plan, not before.
    let starts = model
        .start_date
        .checked_add_months(Months::new(12 * (y as u32).saturating_sub(1)))
        .unwrap_or(model.start_date);
    match s.lease {
        Some(l) if model.estates.leases.enabled && starts < l.break_date.unwrap_or(l.end) => {
            let days = (l.break_date.unwrap_or(l.end) - starts).num_days();
            s.running.rent * days as f64 / 365.25 + s.exit_penalty
        }
        _ => 0.0,
    }
}

pub(super) fn exit_penalty(model: &ModelConfig, s: &crate::domain::Site, y: usize) -> f64 {
    let leases = &model.estates.leases;
    // Paid to a partner landlord, the rent to the break is a transfer ([`transfer`]), not a cost.
    let leaving = match (s.tenure, s.landlord) {
        (Tenure::Pfi, _) => s.exit_penalty,
        (_, None) => rent_to_free_exit(model, s, y),
        (_, Some(_)) => 0.0,
    };
    let reinstating = if leases.enabled && s.tenure == Tenure::Leasehold {
        leases.dilapidations_per_m2 * s.floor_area_m2
    } else {
        0.0
    };
    leaving + reinstating
}

/// Teams: travel (or table) cost every year wherever they work; a move pays relocation and fit-out once, in
/// the year their site today is released (year 1 if it is kept).
fn teams(
    data: &Dataset,
    model: &ModelConfig,
    plan: &Plan,
    costs: &HashMap<(usize, usize), f64>,
    out: &mut Economics,
) {
    let e = &model.estates;
    let (h, all) = (model.horizon_years as usize, years_from(model, 1));
    for (t, team) in data.teams.iter().enumerate() {
        let hc = f64::from(team.headcount);
        let annual_at = |s: SiteIx| match costs.get(&(t, s.ix())) {
            Some(c) => *c,
            None => match (
                team.site.and_then(|o| data.site(o).location),
                data.site(s).location,
            ) {
                (Some(a), Some(b)) => {
                    e.staff.travel_cost_per_km_head_year * hc * haversine_km(a, b)
                }
                _ => 0.0,
            },
        };
        let base = team.site.map_or(0.0, annual_at);
        let now: f64 = plan.teams[t].iter().map(|&(s, f)| f * annual_at(s)).sum();
        let stay: f64 = plan.teams[t]
            .iter()
            .filter(|(s, _)| Some(*s) == team.site)
            .map(|s| s.1)
            .sum();
        let moved = if team.site.is_some() {
            (1.0 - stay).max(0.0)
        } else {
            0.0
        };
        let y = match team.site.map(|s| plan.sites[s.ix()]) {
            Some(SiteDecision::Release(y)) => y as usize,
            _ => 1,
        };
        let one_off =
            moved * hc * (e.budget.relocation_per_head + e.budget.fitout_per_desk * e.desk_ratio);
        let d = disc(model, y);
        out.baseline_cost += base * all;
        out.plan_cost += now * all + one_off * d;
        out.parts.team_moves -= one_off * d;
        out.parts.team_costs -= (now - base) * all;
        if (1..=h).contains(&y) {
            out.one_off_by_year[y - 1] += one_off;
        }
        *out.by_partner
            .entry(data.org(team.organisation).id.clone())
            .or_default() -= (now - base) * all + one_off * d;
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check;
    use crate::check::test_support::{dataset, model};
    use crate::domain::SiteIx;
    use crate::plan::{Kpis, Plan, SiteDecision};

    /// The sum of the Green Book discount factors of years `from..=5` at 3.5%.
    fn pv(from: i32) -> f64 {
        (from..=5).map(|y| 1.035_f64.powi(1 - y)).sum()
    }

    #[test]
    fn a_release_saves_the_running_cost_from_its_year_and_brings_the_receipt_then() {
        let (mut data, model) = (dataset(), model());
        data.sites[4].disposal_value = 100_000.0;
        let mut plan = Plan::baseline(&data);
        plan.sites[4] = SiteDecision::Release(3);
        let r = check(&data, &model, &plan, None);
        // S4 runs at GBP 40,000 a year.
        let want = 40_000.0 * pv(3) + 100_000.0 * 1.035_f64.powi(-2);
        assert!((r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
        assert!(r.ok);
    }

    #[test]
    fn leaving_a_lease_early_pays_its_penalty_and_a_move_its_one_off_cost() {
        let (data, mut model) = (dataset(), model());
        model.estates.budget.relocation_per_head = 1000.0;
        let mut plan = Plan::baseline(&data);
        plan.sites[1] = SiteDecision::Release(1);
        plan.teams[1] = vec![(SiteIx(0), 1.0)];
        let r = check(&data, &model, &plan, None);
        // S1 saves GBP 40,000 a year from year 1, less its GBP 50,000 penalty and 20 moves at GBP 1,000.
        let want = 40_000.0 * pv(1) - 50_000.0 - 20_000.0;
        assert!((r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
        model.estates.leases.enabled = false;
        let r = check(&data, &model, &plan, None);
        assert!(
            (r.npv - want - 50_000.0).abs() < 1e-6,
            "leases off: no penalty"
        );
    }

    #[test]
    fn a_lease_left_in_year_3_pays_the_rent_to_its_break_then_and_its_dilapidations_by_hand() {
        let (mut data, mut model) = (dataset(), model());
        model.estates.leases.dilapidations_per_m2 = 20.0;
        let s1 = &mut data.sites[1];
        (s1.running.rent, s1.running.fm) = (10_000.0, s1.running.fm - 10_000.0);
        s1.lease.as_mut().unwrap().break_date = chrono::NaiveDate::from_ymd_opt(2018, 10, 1);
        let mut plan = Plan::baseline(&data);
        plan.sites[1] = SiteDecision::Release(3);
        plan.teams[1] = vec![(SiteIx(0), 1.0)];
        let r = check(&data, &model, &plan, None);
        // Year 3 starts on 2018-04-01, 183 days before the break: that rent, the GBP 50,000 premium and GBP 20 a
        // m2 on 1,000 m2, all in year 3; S1's GBP 40,000 a year saved from year 3 on.
        let leaving = 10_000.0 * 183.0 / 365.25 + 50_000.0 + 20_000.0;
        let want = 40_000.0 * pv(3) - leaving * 1.035_f64.powi(-2);
        assert!((r.npv - want).abs() < 1e-6, "{} != {want}", r.npv);
    }

    /// S4 (the trust's freehold depot, GBP 40,000 a year: rates 10,000, FM 20,000, utilities and maintenance
    /// 5,000 each) worth GBP 100,000, with a two-year wait for its sale, three months' rates relief, half its
    /// FM, utilities and maintenance while empty and PDC at 3.5%; released in `year`. Returns the checker's NPV
    /// and the planner's, with money counted over `appraisal` years (the horizon's five when `None`).
    fn held_until_sold(year: u32, appraisal: Option<u32>) -> (f64, f64) {
        held_with(year, appraisal, false, 0.0)
    }

    /// [`held_until_sold`] with a terminal value or not, and a backlog on S4.
    fn held_with(year: u32, appraisal: Option<u32>, terminal: bool, backlog: f64) -> (f64, f64) {
        let (mut data, mut model) = (dataset(), model());
        model.appraisal_years = appraisal;
        model.terminal_value = terminal;
        data.sites[4].backlog = backlog;
        data.sites[4].disposal_value = 100_000.0;
        model.estates.disposal = crate::model_config::DisposalConfig {
            lag_years: 2,
            empty_rates_relief_months: 3.0,
            holding_share: 0.5,
            pdc_rate: 0.035,
        };
        let mut plan = Plan::baseline(&data);
        plan.sites[4] = SiteDecision::Release(year);
        let cand = crate::estates::candidates::build(&data, &model);
        let kpis = crate::plan::evaluate(&data, &cand, &plan);
        let r = check(&data, &model, &plan, Some(&kpis));
        assert!(r.ok, "{:?} {:?}", r.violations, r.mismatches);
        (r.npv, kpis.npv)
    }

    #[test]
    fn a_freehold_waits_for_its_sale_paying_rates_after_relief_holding_costs_and_pdc_by_hand() {
        let d = |k: i32| 1.035_f64.powi(-k);
        // Kept: 40,000 + PDC 3,500 a year, saved from year 2. Empty in year 2: 9 months' rates 7,500 + half of
        // 30,000 + PDC 3,500 = 26,000; in year 3: 10,000 + 15,000 + 3,500 = 28,500. Sold in year 4.
        let want = 43_500.0 * pv(2) - 26_000.0 * d(1) - 28_500.0 * d(2) + 100_000.0 * d(3);
        let (checker, planner) = held_until_sold(2, None);
        assert!((checker - want).abs() < 1e-6, "{checker} != {want}");
        assert!((planner - want).abs() < 1e-6, "{planner} != {want}");
    }

    #[test]
    fn a_sale_after_the_horizon_brings_no_receipt_into_the_appraisal() {
        let d = |k: i32| 1.035_f64.powi(-k);
        // Released in year 4, empty in years 4 and 5, sold in year 6: outside the five years.
        let want = 43_500.0 * pv(4) - 26_000.0 * d(3) - 28_500.0 * d(4);
        let (checker, planner) = held_until_sold(4, None);
        assert!((checker - want).abs() < 1e-6, "{checker} != {want}");
        assert!((planner - want).abs() < 1e-6, "{planner} != {want}");
    }

    #[test]
    fn an_appraisal_past_the_horizon_counts_the_saving_and_the_later_sale_by_hand() {
        let d = |k: i32| 1.035_f64.powi(-k);
        // Acting in years 1-5, money over 8: released in year 4, empty in years 4 and 5, sold in year 6; the
        // kept cost is saved from year 4 to year 8.
        let saved: f64 = (4..=8).map(|y| d(y - 1)).sum();
        let want = 43_500.0 * saved - 26_000.0 * d(3) - 28_500.0 * d(4) + 100_000.0 * d(5);
        let (checker, planner) = held_until_sold(4, Some(8));
        assert!((checker - want).abs() < 1e-6, "{checker} != {want}");
        assert!((planner - want).abs() < 1e-6, "{planner} != {want}");
    }

    #[test]
    fn a_terminal_value_carries_the_last_years_saving_on_for_ever_but_not_the_backlog_by_hand() {
        let d = |k: i32| 1.035_f64.powi(-k);
        // As above over 8 years, with GBP 8,000 of backlog (GBP 1,000 a year of the appraisal) and a terminal
        // value: every year after year 8 is worth d(7) / 0.035 together; the backlog share stops at year 8.
        let within: f64 = (4..=8).map(|y| d(y - 1)).sum();
        let after = d(7) / 0.035;
        let want =
            43_500.0 * (within + after) + 1_000.0 * within - 26_000.0 * d(3) - 28_500.0 * d(4)
                + 100_000.0 * d(5);
        let (checker, planner) = held_with(4, Some(8), true, 8_000.0);
        assert!((checker - want).abs() < 1e-6, "{checker} != {want}");
        assert!((planner - want).abs() < 1e-6, "{planner} != {want}");
    }

    #[test]
    fn a_released_derived_site_is_counted_with_the_npv_its_release_brings() {
        let (mut data, model) = (dataset(), model());
        data.sites[4].derived = true;
        let mut plan = Plan::baseline(&data);
        plan.sites[4] = SiteDecision::Release(1);
        let mine = check(&data, &model, &plan, None);
        // Site 4 holds no team, so its release is the whole NPV.
        let kpis = Kpis {
            npv: mine.npv,
            plan_cost: mine.plan_cost,
            sites_released: 1,
            derived_sites_released: 1,
            derived_release_npv: mine.npv,
            npv_parts: mine.npv_parts.clone(),
            ..Kpis::default()
        };
        let r = check(&data, &model, &plan, Some(&kpis));
        assert!(r.ok, "{:?}", r.mismatches);
        let unflagged = Kpis {
            derived_sites_released: 0,
            derived_release_npv: 0.0,
            ..kpis
        };
        let r = check(&data, &model, &plan, Some(&unflagged));
        assert!(!r.ok && r.violations.is_empty());
        assert_eq!(r.mismatches.len(), 2, "{:?}", r.mismatches);
        assert!(r.mismatches[0].starts_with("derived_sites_released: reported 0, checker 1"));
    }

    #[test]
    fn reported_figures_that_disagree_are_mismatches_not_violations() {
        let (data, model) = (dataset(), model());
        let mut plan = Plan::baseline(&data);
        plan.sites[4] = SiteDecision::Release(1);
        let mine = check(&data, &model, &plan, None);
        let mut kpis = Kpis {
            npv: mine.npv,
            plan_cost: mine.plan_cost,
            sites_released: 1,
            npv_parts: mine.npv_parts.clone(),
            ..Kpis::default()
        };
        assert!(check(&data, &model, &plan, Some(&kpis)).ok);
        kpis.npv += 1.0;
        let r = check(&data, &model, &plan, Some(&kpis));
        assert!(!r.ok && r.violations.is_empty());
        assert_eq!(
            r.mismatches,
            vec![format!("npv: reported {}, checker {}", kpis.npv, mine.npv)]
        );
    }
}
