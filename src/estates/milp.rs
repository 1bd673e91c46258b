//! The estates MILP, built as small named passes over the candidates.
//!
//! Each pass adds the rows of one rule group. Rows are kept as data ([`crate::solve::kit::Row`]) with their group and a label in
//! business terms, so a group can be switched off (the model file), relaxed with a penalised slack (infeasibility
//! diagnosis), or named in a report. The cost expression equals [`crate::plan::evaluate`]'s `plan_cost`.

use super::candidates::Candidates;
use super::services;
use crate::costing;
use crate::domain::{Dataset, SiteIx};
use crate::model_config::ModelConfig;
use crate::solve::kit::{self, Columns, RuleGroup, sum};
use good_lp::{Expression, Variable};
use serde::Serialize;

/// The rule groups, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    /// Every team works from exactly one kept site (or is split across kept sites).
    Assign,
    /// A site is released at most once; forced releases happen.
    Release,
    /// Teams only use kept sites.
    Link,
    /// Desks at a kept site cover the headcount assigned times the desk ratio.
    Capacity,
    /// Every zone keeps a public-facing site within its access distance.
    Access,
    /// Each borough keeps a minimum number of public-facing sites.
    Borough,
    /// The mean staff move stays under its cap.
    Staff,
    /// One-off costs in each year stay within the capital budget.
    Budget,
    /// No partner's costs rise.
    Partners,
    /// A partner's function joins at most one hub.
    Join,
    /// New hubs: open once, at a kept site, before members join, within the function's limit.
    Hubs,
    /// A hub's FTE on its scale curve.
    Scale,
    /// Joinings per year within the programme's capacity.
    Programme,
    /// Transferable staff are in house (where their team works) or in a hub.
    Transfer,
    /// Decisions forced from outside the model's own choice (`--explain`: a partner function that must join a hub).
    Forced,
}

impl RuleGroup for Group {
    /// The name used in reports and the model file.
    fn name(self) -> &'static str {
        match self {
            Group::Assign => "assignment",
            Group::Release => "release",
            Group::Link => "link",
            Group::Capacity => "capacity",
            Group::Access => "access",
            Group::Borough => "borough",
            Group::Staff => "staff",
            Group::Budget => "budget",
            Group::Partners => "partners",
            Group::Join => "join",
            Group::Hubs => "hubs",
            Group::Scale => "scale",
            Group::Programme => "programme",
            Group::Transfer => "transfer",
            Group::Forced => "forced",
        }
    }

    /// Groups whose rows may be relaxed with a slack when diagnosing infeasibility, and the weight of one unit.
    fn slack_weight(self) -> Option<f64> {
        match self {
            Group::Capacity
            | Group::Access
            | Group::Borough
            | Group::Staff
            | Group::Release
            | Group::Programme
            | Group::Forced => Some(1.0),
            // Money rows: one unit of slack is GBP 1, weighed per GBP 1m.
            Group::Budget | Group::Partners => Some(1e-6),
            Group::Assign
            | Group::Link
            | Group::Join
            | Group::Hubs
            | Group::Scale
            | Group::Transfer => None,
        }
    }
}

/// The estates model as the kit holds it.
pub type Model = kit::Model<Group>;

/// The variables of the model, indexed like the candidates.
#[derive(Clone)]
pub struct Vars {
    /// Release of site `s` in year `y` (index `y - 1`), for releasable sites.
    pub release: Vec<Vec<Option<Variable>>>,
    /// Release of unit `u` on its own in year `y` (index `y - 1`), for releasable units.
    pub units: Vec<Vec<Option<Variable>>>,
    /// Share of team `t` at its `o`-th option.
    pub assign: Vec<Vec<Variable>>,
    /// The shared-services decision's columns (empty without it).
    pub services: services::Vars,
    /// The model's columns in creation order (to read values back).
    pub columns: Vec<Variable>,
}

/// Context shared by the passes.
pub struct Ctx<'a> {
    /// The data.
    pub data: &'a Dataset,
    /// The candidates.
    pub cand: &'a Candidates,
    /// The model file.
    pub model: &'a ModelConfig,
}

impl Ctx<'_> {
    /// `keep_s` as an expression: 1 minus the site's release variables.
    fn keep(&self, vars: &Vars, s: SiteIx) -> Expression {
        let mut e = Expression::from(1.0);
        for v in vars.release[s.ix()].iter().flatten() {
            e.add_mul(-1.0, *v);
        }
        e
    }

    fn releasable(&self, s: SiteIx) -> bool {
        self.cand.sites[s.ix()].releasable
    }

    fn site_name(&self, s: SiteIx) -> String {
        let site = self.data.site(s);
        format!("{} ({})", site.name, site.id)
    }
}

/// Pass 1: variables. Only what can be used: release years of releasable sites, and each team's candidates
/// (binary unless teams may be split). With `relax`, every variable is continuous in [0, 1] (the LP relaxation,
/// for bounds).
pub fn variables(ctx: &Ctx<'_>, cols: &mut Columns) -> Vars {
    let release = ctx
        .cand
        .sites
        .iter()
        .map(|s| {
            (0..ctx.cand.discount.years())
                .map(|_| s.releasable.then(|| cols.binary()))
                .collect()
        })
        .collect();
    let units = ctx
        .cand
        .units
        .iter()
        .map(|u| {
            (0..ctx.cand.discount.years())
                .map(|_| u.releasable.then(|| cols.binary()))
                .collect()
        })
        .collect();
    let split = ctx.model.estates.split;
    let assign = ctx
        .cand
        .teams
        .iter()
        .map(|t| {
            t.options
                .iter()
                .map(|_| if split { cols.unit() } else { cols.binary() })
                .collect()
        })
        .collect();
    let services = services::variables(ctx, cols);
    Vars {
        release,
        units,
        assign,
        services,
        columns: cols.columns.clone(),
    }
}

/// Pass 2: each team is placed once; each site released at most once, forced ones exactly once.
pub fn assignment_and_release(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    for (t, xs) in vars.assign.iter().enumerate() {
        let lhs = sum(xs.iter().copied());
        let label = format!(
            "team {} is placed at one kept site within reach",
            ctx.data.teams[t].id
        );
        rows.eq(Group::Assign, label, lhs, 1.0);
    }
    for (s, years) in vars.release.iter().enumerate() {
        if !ctx.cand.sites[s].releasable {
            continue;
        }
        let lhs = sum(years.iter().flatten().copied());
        let forced = ctx.cand.sites[s].forced;
        let site = ctx.site_name(SiteIx(s as u32));
        let (sense, label) = if forced {
            (true, format!("site {site} is on the forced-release list"))
        } else {
            (false, format!("site {site} is released at most once"))
        };
        if sense {
            rows.ge(Group::Release, label, lhs, 1.0);
        } else {
            rows.le(Group::Release, label, lhs, 1.0);
        }
        if forced {
            let lhs = sum(years.iter().flatten().copied());
            let label = format!("site {site} is released at most once");
            rows.le(Group::Assign, label, lhs, 1.0);
        }
    }
}

/// Pass 2b: a unit is released on its own at most once, and not as well as its whole site (which takes its units
/// with it).
pub fn unit_release(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    for (u, years) in vars.units.iter().enumerate() {
        if !ctx.cand.units[u].releasable {
            continue;
        }
        let unit = &ctx.data.units[u];
        let mut lhs = sum(years.iter().flatten().copied());
        lhs += sum(vars.release[unit.site.ix()].iter().flatten().copied());
        let label = format!(
            "unit {} of site {} is released at most once, and not with its site",
            unit.id,
            ctx.site_name(unit.site)
        );
        rows.le(Group::Release, label, lhs, 1.0);
    }
}

/// The desks released units take from each site, as expressions (none for a site without releasable units).
fn unit_desks(ctx: &Ctx<'_>, vars: &Vars) -> Vec<Option<Expression>> {
    let mut out: Vec<Option<Expression>> = vec![None; ctx.data.sites.len()];
    for (u, years) in vars.units.iter().enumerate() {
        let desks = f64::from(ctx.data.units[u].desks);
        if desks == 0.0 || !ctx.cand.units[u].releasable {
            continue;
        }
        let e = out[ctx.data.units[u].site.ix()].get_or_insert_with(|| Expression::from(0.0));
        for v in years.iter().flatten() {
            e.add_mul(desks, *v);
        }
    }
    out
}

/// Pass 3: teams only use kept sites (the strong form `x <= keep`, which tightens the relaxation).
pub fn link(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    for (t, tc) in ctx.cand.teams.iter().enumerate() {
        for (o, opt) in tc.options.iter().enumerate() {
            if !ctx.releasable(opt.site) {
                continue;
            }
            let mut lhs = Expression::from(0.0);
            lhs.add_mul(1.0, vars.assign[t][o]);
            for v in vars.release[opt.site.ix()].iter().flatten() {
                lhs.add_mul(1.0, *v);
            }
            let label = format!(
                "team {} may only use site {} while it is kept",
                ctx.data.teams[t].id,
                ctx.site_name(opt.site)
            );
            rows.le(Group::Link, label, lhs, 1.0);
        }
    }
}

/// Pass 4: desks cover the people assigned at the desk ratio.
pub fn capacity(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    let ratio = ctx.model.estates.desk_ratio;
    let mut per_site: Vec<Expression> = vec![Expression::from(0.0); ctx.data.sites.len()];
    let mut used = vec![false; ctx.data.sites.len()];
    for (t, tc) in ctx.cand.teams.iter().enumerate() {
        let need = f64::from(ctx.data.teams[t].headcount) * ratio;
        for (o, opt) in tc.options.iter().enumerate() {
            per_site[opt.site.ix()] += services::team_desks(ctx, vars, t, o, need);
            used[opt.site.ix()] = true;
        }
    }
    for (site, desks) in services::hub_desks(ctx, &vars.services) {
        per_site[site.ix()] += desks;
        used[site.ix()] = true;
    }
    let units = unit_desks(ctx, vars);
    for ((s, mut lhs), released) in per_site.into_iter().enumerate().zip(units) {
        if !used[s] {
            continue;
        }
        // Desks given up with units released on their own.
        if let Some(e) = released {
            lhs += e;
        }
        let desks = f64::from(ctx.data.sites[s].desks);
        // desks x keep: move the release terms to the left.
        for v in vars.release[s].iter().flatten() {
            lhs.add_mul(desks, *v);
        }
        let label = format!(
            "site {} has {} desks for the people placed there",
            ctx.site_name(SiteIx(s as u32)),
            desks
        );
        rows.le(Group::Capacity, label, lhs, desks);
    }
}

/// Pass 5: every zone keeps a public-facing site within its access distance; boroughs keep a minimum.
pub fn access(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    let a = &ctx.model.estates.access;
    if !a.enabled {
        return;
    }
    for need in &ctx.cand.access {
        let (z, cover) = (need.zone, &need.cover);
        // A site that is never released already serves this zone; a zone with no public-facing site at all
        // cannot be served by any plan and is listed in the report instead.
        if cover.is_empty() || cover.iter().any(|&s| !ctx.releasable(s)) {
            continue;
        }
        let zone = &ctx.data.zones[z];
        let lhs = cover.iter().fold(Expression::from(0.0), |mut e, &s| {
            e += ctx.keep(vars, s);
            e
        });
        let kind = need.kind.map_or(String::new(), |k| format!("{k} "));
        let label = format!(
            "zone {} ({}) needs a kept public-facing {kind}site within {:.1} km",
            zone.name, zone.id, need.limit_km
        );
        rows.ge(Group::Access, label, lhs, 1.0);
    }
    if a.min_sites_per_borough > 0 {
        for (borough, sites) in &ctx.cand.borough_sites {
            let need = f64::from(a.min_sites_per_borough).min(sites.len() as f64);
            let lhs = sites.iter().fold(Expression::from(0.0), |mut e, &s| {
                e += ctx.keep(vars, s);
                e
            });
            let label = format!("borough {borough} keeps at least {need} public-facing site(s)");
            rows.ge(Group::Borough, label, lhs, need);
        }
    }
}

/// Pass 6: the headcount-weighted mean move stays under the cap.
pub fn staff(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    let cap = ctx.model.estates.staff.max_mean_increase_km;
    let mut lhs = Expression::from(0.0);
    let mut heads = 0.0;
    for (t, tc) in ctx.cand.teams.iter().enumerate() {
        let team = &ctx.data.teams[t];
        if team.site.and_then(|s| ctx.data.site(s).location).is_none() {
            continue;
        }
        let hc = f64::from(team.headcount);
        heads += hc;
        for (o, opt) in tc.options.iter().enumerate() {
            if opt.move_km > 0.0 {
                lhs.add_mul(hc * opt.move_km, vars.assign[t][o]);
            }
        }
    }
    lhs += services::moved_fte_km(ctx, &vars.services);
    if heads > 0.0 {
        let label = format!("the mean staff move is at most {cap:.1} km");
        rows.le(Group::Staff, label, lhs, cap * heads);
    }
}

/// One-off costs of team `t` in year `y` (1-based), as an expression: the moved share in its move year.
fn move_in_year(ctx: &Ctx<'_>, vars: &Vars, t: usize, y: usize) -> Expression {
    let team = &ctx.data.teams[t];
    let tc = &ctx.cand.teams[t];
    let mut e = Expression::from(0.0);
    let Some(origin) = team.site else { return e };
    if tc.move_cost == 0.0 {
        return e;
    }
    let later = |e: &mut Expression, sign: f64| {
        for v in vars.release[origin.ix()].iter().skip(1).flatten() {
            e.add_mul(sign * tc.move_cost, *v);
        }
    };
    if y == 1 {
        // moved = 1 - x(stay); minus the moves that happen later because the origin is released later.
        e += tc.move_cost;
        if let Some(o) = tc.options.iter().position(|p| p.site == origin) {
            e.add_mul(-tc.move_cost, vars.assign[t][o]);
        }
        later(&mut e, -1.0);
    } else if let Some(v) = vars.release[origin.ix()].get(y - 1).copied().flatten() {
        e.add_mul(tc.move_cost, v);
    }
    e
}

/// Pass 7: one-off costs (moves and exit penalties) within the capital budget in each year.
pub fn budget(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    let Some(cap) = ctx.model.estates.budget.capital_per_year else {
        return;
    };
    for y in 1..=ctx.cand.discount.years() {
        let mut lhs = Expression::from(0.0);
        for t in 0..ctx.data.teams.len() {
            lhs += move_in_year(ctx, vars, t, y);
        }
        for (s, years) in vars.release.iter().enumerate() {
            if let Some(v) = years[y - 1] {
                lhs.add_mul(ctx.cand.sites[s].release[y - 1].penalty, v);
            }
        }
        for (u, years) in vars.units.iter().enumerate() {
            if let Some(v) = years[y - 1] {
                lhs.add_mul(ctx.cand.units[u].costs.release[y - 1].penalty, v);
            }
        }
        lhs += services::one_off_in_year(ctx, &vars.services, y);
        let label =
            format!("one-off costs in year {y} stay within the capital budget of GBP {cap:.0}");
        rows.le(Group::Budget, label, lhs, cap);
    }
}

/// Present-value saving of releasing site `s`, as an expression in its release variables.
fn release_saving(ctx: &Ctx<'_>, vars: &Vars, s: usize) -> Expression {
    let c = &ctx.cand.sites[s];
    saving(
        ctx,
        &ctx.data.sites[s],
        c.yearly,
        &c.release,
        &vars.release[s],
    )
}

/// Present-value saving of releasing `site` (a site, or a unit as a site of its own) in the year of each of its
/// release variables `years`, costing `yearly` while kept and `release` beyond that.
fn saving(
    ctx: &Ctx<'_>,
    site: &crate::domain::Site,
    yearly: f64,
    release: &[costing::Release],
    years: &[Option<Variable>],
) -> Expression {
    let d = &ctx.cand.discount;
    let mut e = Expression::from(0.0);
    for (y, v) in years.iter().enumerate() {
        if let Some(v) = v {
            let pv = costing::release_saving_pv(site, yearly, y + 1, &release[y], d);
            e.add_mul(pv, *v);
        }
    }
    e
}

/// Present-value saving of releasing unit `u` on its own, as an expression in its release variables.
fn unit_saving(ctx: &Ctx<'_>, vars: &Vars, u: usize) -> Expression {
    let c = &ctx.cand.units[u].costs;
    saving(ctx, &c.site, c.yearly, &c.release, &vars.units[u])
}

/// Present-value cost of team `t` against staying put: team-site cost change and one-off move costs.
fn team_cost_change(ctx: &Ctx<'_>, vars: &Vars, t: usize) -> Expression {
    let tc = &ctx.cand.teams[t];
    let annuity = ctx.cand.discount.annuity_from(1);
    let mut e = Expression::from(0.0);
    for (o, opt) in tc.options.iter().enumerate() {
        e.add_mul(opt.annual_cost * annuity, vars.assign[t][o]);
    }
    if let Some(origin) = ctx.data.teams[t].site {
        let base = tc
            .options
            .iter()
            .find(|p| p.site == origin)
            .map_or(0.0, |p| p.annual_cost);
        e -= base * annuity;
    }
    for y in 1..=ctx.cand.discount.years() {
        let m = move_in_year(ctx, vars, t, y);
        e.add_mul(ctx.cand.discount.factor(y), m);
    }
    e
}

/// What partner `p` gains by rent between partners: the present value its releases of sites (and units) leased
/// from a partner move to it, less what releases of sites leased from it move away.
fn transfers_to(ctx: &Ctx<'_>, vars: &Vars, p: usize) -> Expression {
    let mut e = Expression::from(0.0);
    let mut add = |site: &crate::domain::Site, years: &[Option<Variable>], pv: &[f64]| {
        let Some(landlord) = site.landlord else {
            return;
        };
        let sign = match (site.organisation.ix() == p, landlord.ix() == p) {
            (true, false) => 1.0,
            (false, true) => -1.0,
            _ => return,
        };
        for (v, pv) in years.iter().zip(pv) {
            if let Some(v) = v {
                e.add_mul(sign * pv, *v);
            }
        }
    };
    for (s, site) in ctx.data.sites.iter().enumerate() {
        add(site, &vars.release[s], &ctx.cand.sites[s].transfer);
    }
    for (u, c) in ctx.cand.units.iter().enumerate() {
        add(&c.costs.site, &vars.units[u], &c.costs.transfer);
    }
    e
}

/// Pass 8: no partner's costs rise (its release savings cover its teams' extra costs).
pub fn partners(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Model) {
    if !ctx.model.estates.partners_no_worse {
        return;
    }
    for (p, org) in ctx.data.organisations.iter().enumerate() {
        let mut lhs = Expression::from(0.0);
        let mut any = false;
        for (s, site) in ctx.data.sites.iter().enumerate() {
            if site.organisation.ix() == p && ctx.cand.sites[s].releasable {
                lhs += release_saving(ctx, vars, s);
                any = true;
            }
        }
        for (u, unit) in ctx.data.units.iter().enumerate() {
            if ctx.data.site(unit.site).organisation.ix() == p && ctx.cand.units[u].releasable {
                lhs += unit_saving(ctx, vars, u);
                any = true;
            }
        }
        for (t, team) in ctx.data.teams.iter().enumerate() {
            if team.organisation.ix() == p {
                lhs -= team_cost_change(ctx, vars, t);
                any = true;
            }
        }
        let landlord = ctx
            .data
            .sites
            .iter()
            .any(|s| s.landlord.is_some_and(|l| l.ix() == p));
        if any || landlord {
            lhs += transfers_to(ctx, vars, p);
            let label = format!("partner {} ({}) is no worse off", org.name, org.id);
            rows.ge(Group::Partners, label, lhs, 0.0);
        }
    }
}

/// Pass 9: the cost to minimise, equal to `plan_cost` of [`crate::plan::evaluate`].
pub fn objective(ctx: &Ctx<'_>, vars: &Vars) -> Expression {
    let d = &ctx.cand.discount;
    let annuity = d.annuity_from(1);
    let mut cost = Expression::from(0.0);
    for s in 0..ctx.data.sites.len() {
        cost += costing::kept_pv(&ctx.data.sites[s], ctx.cand.sites[s].yearly, d);
        cost -= release_saving(ctx, vars, s);
    }
    for u in 0..ctx.data.units.len() {
        cost -= unit_saving(ctx, vars, u);
    }
    for t in 0..ctx.data.teams.len() {
        cost += team_cost_change(ctx, vars, t);
        if let Some(origin) = ctx.data.teams[t].site {
            let base = ctx.cand.teams[t]
                .options
                .iter()
                .find(|p| p.site == origin)
                .map_or(0.0, |p| p.annual_cost);
            cost += base * annuity;
        }
    }
    cost + services::cost(ctx, &vars.services)
}

/// The estates model: the kit's rows and columns, and where the decisions sit among the columns.
pub struct Built {
    /// The decision variables.
    pub vars: Vars,
    /// Columns, labelled rows and cost.
    pub model: Model,
}

/// Runs every pass; `relax` builds the LP relaxation.
pub fn build(ctx: &Ctx<'_>, relax: bool) -> Built {
    let mut cols = Columns::new(relax);
    let vars = variables(ctx, &mut cols);
    let mut rows = Model::new(cols);
    assignment_and_release(ctx, &vars, &mut rows);
    unit_release(ctx, &vars, &mut rows);
    link(ctx, &vars, &mut rows);
    capacity(ctx, &vars, &mut rows);
    access(ctx, &vars, &mut rows);
    staff(ctx, &vars, &mut rows);
    budget(ctx, &vars, &mut rows);
    partners(ctx, &vars, &mut rows);
    services::joining(ctx, &vars.services, &mut rows);
    services::hubs(ctx, &vars, &vars.services, &mut rows);
    services::scale(ctx, &vars.services, &mut rows);
    services::programme(ctx, &vars.services, &mut rows);
    services::transfer(ctx, &vars, &vars.services, &mut rows);
    rows.cost = objective(ctx, &vars);
    Built { vars, model: rows }
}
