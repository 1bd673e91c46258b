//! The estates MILP, built as small named passes over the candidates.
//!
//! Each pass adds the rows of one rule group. Rows are kept as data ([`Row`]) with their group and a label in
//! business terms, so a group can be switched off (the model file), relaxed with a penalised slack (infeasibility
//! diagnosis), or named in a report. The cost expression equals [`crate::plan::evaluate`]'s `plan_cost`.

use super::candidates::Candidates;
use crate::domain::{Dataset, SiteIx};
use crate::model_config::ModelConfig;
use crate::solve::Milp;
use good_lp::{Expression, ProblemVariables, Variable, variable};
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
}

impl Group {
    /// The name used in reports and the model file.
    pub fn name(self) -> &'static str {
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
        }
    }

    /// Groups whose rows may be relaxed with a slack when diagnosing infeasibility, and the weight of one unit.
    pub fn slack_weight(self) -> Option<f64> {
        match self {
            Group::Capacity | Group::Access | Group::Borough | Group::Staff | Group::Release => {
                Some(1.0)
            }
            // Money rows: one unit of slack is GBP 1, weighed per GBP 1m.
            Group::Budget | Group::Partners => Some(1e-6),
            Group::Assign | Group::Link => None,
        }
    }
}

/// Which way a row points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sense {
    /// `lhs <= rhs`
    Le,
    /// `lhs >= rhs`
    Ge,
    /// `lhs == rhs`
    Eq,
}

/// One row of the model.
pub struct Row {
    /// Its rule group.
    pub group: Group,
    /// What it says, in business terms.
    pub label: String,
    /// Left-hand side.
    pub lhs: Expression,
    /// Direction.
    pub sense: Sense,
    /// Right-hand side.
    pub rhs: f64,
}

/// The variables of the model, indexed like the candidates.
#[derive(Clone)]
pub struct Vars {
    /// Release of site `s` in year `y` (index `y - 1`), for releasable sites.
    pub release: Vec<Vec<Option<Variable>>>,
    /// Share of team `t` at its `o`-th option.
    pub assign: Vec<Vec<Variable>>,
    /// Columns in creation order.
    pub columns: Vec<Variable>,
    /// Integer flags of the columns.
    pub integer: Vec<bool>,
}

/// The whole model before it is handed to a solver.
pub struct Model {
    /// Variables.
    pub vars: Vars,
    /// The good_lp variable set.
    pub problem: ProblemVariables,
    /// Rows.
    pub rows: Vec<Row>,
    /// Cost to minimise (present value of the plan's costs).
    pub cost: Expression,
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

/// Pass 1: variables. Only what can be used: release years of releasable sites, and each team's candidates.
/// With `relax`, every variable is continuous in [0, 1] (the LP relaxation, for bounds).
pub fn variables(ctx: &Ctx<'_>, relax: bool) -> (ProblemVariables, Vars) {
    let mut problem = ProblemVariables::new();
    let mut columns = Vec::new();
    let mut integer = Vec::new();
    let mut add = |problem: &mut ProblemVariables, int: bool| {
        let int = int && !relax;
        let v = if int {
            problem.add(variable().binary())
        } else {
            problem.add(variable().min(0.0).max(1.0))
        };
        columns.push(v);
        integer.push(int);
        v
    };
    let release = ctx
        .cand
        .sites
        .iter()
        .map(|s| {
            (0..ctx.cand.years)
                .map(|_| s.releasable.then(|| add(&mut problem, true)))
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
                .map(|_| add(&mut problem, !split))
                .collect()
        })
        .collect();
    (
        problem,
        Vars {
            release,
            assign,
            columns,
            integer,
        },
    )
}

/// Pass 2: each team is placed once; each site released at most once, forced ones exactly once.
pub fn assignment_and_release(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
    for (t, xs) in vars.assign.iter().enumerate() {
        let lhs = xs.iter().fold(Expression::from(0.0), |mut e, v| {
            e.add_mul(1.0, *v);
            e
        });
        let label = format!(
            "team {} is placed at one kept site within reach",
            ctx.data.teams[t].id
        );
        rows.push(Row {
            group: Group::Assign,
            label,
            lhs,
            sense: Sense::Eq,
            rhs: 1.0,
        });
    }
    for (s, years) in vars.release.iter().enumerate() {
        if !ctx.cand.sites[s].releasable {
            continue;
        }
        let lhs = years
            .iter()
            .flatten()
            .fold(Expression::from(0.0), |mut e, v| {
                e.add_mul(1.0, *v);
                e
            });
        let forced = ctx.cand.sites[s].forced;
        let site = ctx.site_name(SiteIx(s as u32));
        let (sense, label) = if forced {
            (
                Sense::Ge,
                format!("site {site} is on the forced-release list"),
            )
        } else {
            (Sense::Le, format!("site {site} is released at most once"))
        };
        rows.push(Row {
            group: Group::Release,
            label,
            lhs,
            sense,
            rhs: 1.0,
        });
        if forced {
            let lhs = years
                .iter()
                .flatten()
                .fold(Expression::from(0.0), |mut e, v| {
                    e.add_mul(1.0, *v);
                    e
                });
            let label = format!("site {site} is released at most once");
            rows.push(Row {
                group: Group::Assign,
                label,
                lhs,
                sense: Sense::Le,
                rhs: 1.0,
            });
        }
    }
}

/// Pass 3: teams only use kept sites (the strong form `x <= keep`, which tightens the relaxation).
pub fn link(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
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
            rows.push(Row {
                group: Group::Link,
                label,
                lhs,
                sense: Sense::Le,
                rhs: 1.0,
            });
        }
    }
}

/// Pass 4: desks cover the people assigned at the desk ratio.
pub fn capacity(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
    let ratio = ctx.model.estates.desk_ratio;
    let mut per_site: Vec<Expression> = vec![Expression::from(0.0); ctx.data.sites.len()];
    let mut used = vec![false; ctx.data.sites.len()];
    for (t, tc) in ctx.cand.teams.iter().enumerate() {
        let need = f64::from(ctx.data.teams[t].headcount) * ratio;
        for (o, opt) in tc.options.iter().enumerate() {
            per_site[opt.site.ix()].add_mul(need, vars.assign[t][o]);
            used[opt.site.ix()] = true;
        }
    }
    for (s, mut lhs) in per_site.into_iter().enumerate() {
        if !used[s] {
            continue;
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
        rows.push(Row {
            group: Group::Capacity,
            label,
            lhs,
            sense: Sense::Le,
            rhs: desks,
        });
    }
}

/// Pass 5: every zone keeps a public-facing site within its access distance; boroughs keep a minimum.
pub fn access(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
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
        rows.push(Row {
            group: Group::Access,
            label,
            lhs,
            sense: Sense::Ge,
            rhs: 1.0,
        });
    }
    if a.min_sites_per_borough > 0 {
        for (borough, sites) in &ctx.cand.borough_sites {
            let need = f64::from(a.min_sites_per_borough).min(sites.len() as f64);
            let lhs = sites.iter().fold(Expression::from(0.0), |mut e, &s| {
                e += ctx.keep(vars, s);
                e
            });
            let label = format!("borough {borough} keeps at least {need} public-facing site(s)");
            rows.push(Row {
                group: Group::Borough,
                label,
                lhs,
                sense: Sense::Ge,
                rhs: need,
            });
        }
    }
}

/// Pass 6: the headcount-weighted mean move stays under the cap.
pub fn staff(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
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
    if heads > 0.0 {
        let label = format!("the mean staff move is at most {cap:.1} km");
        rows.push(Row {
            group: Group::Staff,
            label,
            lhs,
            sense: Sense::Le,
            rhs: cap * heads,
        });
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
pub fn budget(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
    let Some(cap) = ctx.model.estates.budget.capital_per_year else {
        return;
    };
    for y in 1..=ctx.cand.years {
        let mut lhs = Expression::from(0.0);
        for t in 0..ctx.data.teams.len() {
            lhs += move_in_year(ctx, vars, t, y);
        }
        for (s, years) in vars.release.iter().enumerate() {
            if let Some(v) = years[y - 1] {
                lhs.add_mul(ctx.cand.sites[s].penalty[y - 1], v);
            }
        }
        let label =
            format!("one-off costs in year {y} stay within the capital budget of GBP {cap:.0}");
        rows.push(Row {
            group: Group::Budget,
            label,
            lhs,
            sense: Sense::Le,
            rhs: cap,
        });
    }
}

/// Present-value saving of releasing site `s`, as an expression in its release variables.
fn release_saving(ctx: &Ctx<'_>, vars: &Vars, s: usize) -> Expression {
    let site = &ctx.data.sites[s];
    let yearly = site.running.total() + site.backlog / ctx.cand.years as f64;
    let mut e = Expression::from(0.0);
    for (y, v) in vars.release[s].iter().enumerate() {
        if let Some(v) = v {
            let pv = yearly * ctx.cand.annuity_from(y + 1)
                + (site.disposal_value - ctx.cand.sites[s].penalty[y]) * ctx.cand.df[y];
            e.add_mul(pv, *v);
        }
    }
    e
}

/// Present-value cost of team `t` against staying put: team-site cost change and one-off move costs.
fn team_cost_change(ctx: &Ctx<'_>, vars: &Vars, t: usize) -> Expression {
    let tc = &ctx.cand.teams[t];
    let annuity = ctx.cand.annuity_from(1);
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
    for y in 1..=ctx.cand.years {
        let m = move_in_year(ctx, vars, t, y);
        e.add_mul(ctx.cand.df[y - 1], m);
    }
    e
}

/// Pass 8: no partner's costs rise (its release savings cover its teams' extra costs).
pub fn partners(ctx: &Ctx<'_>, vars: &Vars, rows: &mut Vec<Row>) {
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
        for (t, team) in ctx.data.teams.iter().enumerate() {
            if team.organisation.ix() == p {
                lhs -= team_cost_change(ctx, vars, t);
                any = true;
            }
        }
        if any {
            let label = format!("partner {} ({}) is no worse off", org.name, org.id);
            rows.push(Row {
                group: Group::Partners,
                label,
                lhs,
                sense: Sense::Ge,
                rhs: 0.0,
            });
        }
    }
}

/// Pass 9: the cost to minimise, equal to `plan_cost` of [`crate::plan::evaluate`].
pub fn objective(ctx: &Ctx<'_>, vars: &Vars) -> Expression {
    let annuity = ctx.cand.annuity_from(1);
    let mut cost = Expression::from(0.0);
    for (s, site) in ctx.data.sites.iter().enumerate() {
        cost += (site.running.total() + site.backlog / ctx.cand.years as f64) * annuity;
        cost -= release_saving(ctx, vars, s);
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
    cost
}

/// Runs every pass; `relax` builds the LP relaxation.
pub fn build(ctx: &Ctx<'_>, relax: bool) -> Model {
    let (problem, vars) = variables(ctx, relax);
    let mut rows = Vec::new();
    assignment_and_release(ctx, &vars, &mut rows);
    link(ctx, &vars, &mut rows);
    capacity(ctx, &vars, &mut rows);
    access(ctx, &vars, &mut rows);
    staff(ctx, &vars, &mut rows);
    budget(ctx, &vars, &mut rows);
    partners(ctx, &vars, &mut rows);
    let cost = objective(ctx, &vars);
    Model {
        vars,
        problem,
        rows,
        cost,
    }
}

impl Model {
    /// Hands the model to the solver layer; with `elastic`, relaxable rows get a slack and the cost becomes the
    /// weighted total slack (phase one of the infeasibility diagnosis). Returns the slack column of each row.
    pub fn into_milp(self, elastic: bool) -> (Milp, Vec<Option<usize>>) {
        let Model {
            vars,
            mut problem,
            rows,
            cost,
        } = self;
        let Vars {
            mut columns,
            mut integer,
            ..
        } = vars;
        let mut constraints = Vec::with_capacity(rows.len());
        let mut slacks = Vec::with_capacity(rows.len());
        let mut penalty = Expression::from(0.0);
        for row in rows {
            let mut lhs = row.lhs;
            let mut slack_col = None;
            if let (true, Some(w)) = (elastic, row.group.slack_weight()) {
                let s = problem.add(variable().min(0.0));
                slack_col = Some(columns.len());
                columns.push(s);
                integer.push(false);
                penalty.add_mul(w, s);
                match row.sense {
                    Sense::Le => lhs.add_mul(-1.0, s),
                    Sense::Ge | Sense::Eq => lhs.add_mul(1.0, s),
                }
            }
            slacks.push(slack_col);
            constraints.push(match row.sense {
                Sense::Le => lhs.leq(row.rhs),
                Sense::Ge => lhs.geq(row.rhs),
                Sense::Eq => lhs.eq(row.rhs),
            });
        }
        let cost = if elastic { penalty } else { cost };
        (
            Milp {
                vars: problem,
                columns,
                integer,
                cost,
                constraints,
            },
            slacks,
        )
    }
}
