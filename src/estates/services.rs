//! The shared-services decision inside the estates model (issue 17): which partner's function joins which hub,
//! from which year, and which new hubs open where. One MILP with the estates plan, because the two share the
//! desks: staff who transfer free desks at their old sites and a hub needs desks at a kept site.
//!
//! Candidates: every shared service that exists today is a hub (always open, its site kept, its members
//! staying); each function may open new hubs at the `candidate_sites` sites with the most in-house staff of the
//! function (per sector when the function's rule is `same_sector`), hosted by the site's owner. A partner's
//! function may join a hub of the same function when the sector rule allows and every one of its teams is within
//! the transfer distance of the hub. Its teams then hand over `1 - retained_share` of their staff.
//!
//! Passes (each a rule group): `join` (one hub per partner and function), `hubs` (a new hub opens once, at a
//! kept site, before anyone joins it, for at least `min_members` partners, within the function's `max_hubs`), `scale` (the hub's FTE on the scale
//! curve, filled segment by segment, each year), `programme` (joinings per year), `transfer` (a team's
//! transferable staff work where the team works until they transfer). The desk, staff-move and budget rows and
//! the objective of [`super::milp`] take the terms built here.

use super::candidates::reachable;
use super::milp::{Ctx, Group, Model, Vars as EstatesVars};
use crate::costing::Discount;
use crate::costing::services::{self as econ, ScaleCurve, TransferRates};
use crate::domain::{Dataset, OrgIx, SectorRule, SiteIx};
use crate::model_config::ModelConfig;
use crate::plan::services::{self as plan_services, Hub, Join, ServicesPlan};
use crate::solve::kit::{Columns, sum};
use good_lp::{Expression, Variable};
use std::collections::BTreeMap;

/// A hub the model may use.
#[derive(Debug, Clone)]
pub struct HubCandidate {
    /// The hub (`open_year` 0; a new hub's year is decided by the model).
    pub hub: Hub,
    /// Pooled FTE today.
    pub pooled_today: f64,
    /// The scale curve above today's pool: `(length in pooled FTE, hub FTE per pooled FTE)`, filled in order.
    pub segments: Vec<(f64, f64)>,
}

/// One hub a partner's function may join, with what joining it costs.
#[derive(Debug, Clone, Copy)]
pub struct PairOption {
    /// The hub (index into [`Candidates::hubs`]).
    pub hub: usize,
    /// One-off cost in the joining year: migration, dual running, moving the staff.
    pub one_off: f64,
    /// Yearly cost from the joining year: VAT across sectors, extra travel.
    pub yearly: f64,
    /// FTE x km of the transferred staff's move.
    pub fte_km: f64,
}

/// A partner's function that may join a hub.
#[derive(Debug, Clone)]
pub struct PairCandidate {
    /// The partner.
    pub org: OrgIx,
    /// The function (index into [`Dataset::functions`]).
    pub function: usize,
    /// Its in-house teams.
    pub teams: Vec<usize>,
    /// FTE it would hand over.
    pub transferred: f64,
    /// The hubs it may join.
    pub options: Vec<PairOption>,
    /// It must join one of them (a decision forced by `--explain`).
    pub must_join: bool,
}

/// The shared-services candidates; empty without `functions.csv` or with the decision switched off.
#[derive(Debug, Clone, Default)]
pub struct Candidates {
    /// Today's services first (index = service index), then possible new hubs.
    pub hubs: Vec<HubCandidate>,
    /// Partner functions that may join a hub.
    pub pairs: Vec<PairCandidate>,
    /// The per-FTE rates of moving transferred staff.
    pub rates: TransferRates,
    /// Partners a new hub serves at least (the model file's `min_members`).
    pub min_members: u32,
    /// Per team: the share of its staff it keeps if its function joins a hub (teams of pairs that may join only).
    pub retained_share: Vec<Option<f64>>,
    /// Per hub: the (pair, option) joinings it may take; a hub nobody may join gets no columns.
    pub members: Vec<Vec<(usize, usize)>>,
}

impl Candidates {
    /// True when the model has a shared-services decision to make.
    pub fn any(&self) -> bool {
        self.members.iter().any(|m| !m.is_empty())
    }

    /// Keeps only the joinings `keep` allows (a coalition's, say), and re-indexes the hubs' members.
    pub fn retain_options(&mut self, keep: impl Fn(&PairCandidate, &HubCandidate) -> bool) {
        let hubs = &self.hubs;
        for pair in &mut self.pairs {
            let kept = pair.options.iter().filter(|o| keep(pair, &hubs[o.hub]));
            pair.options = kept.copied().collect();
        }
        self.members = members(&self.pairs, self.hubs.len());
    }
}

/// Per hub, the (pair, option) joinings it may take.
fn members(pairs: &[PairCandidate], hubs: usize) -> Vec<Vec<(usize, usize)>> {
    let mut members = vec![Vec::new(); hubs];
    for (i, p) in pairs.iter().enumerate() {
        for (o, opt) in p.options.iter().enumerate() {
            members[opt.hub].push((i, o));
        }
    }
    members
}

/// Computes the candidates.
pub fn build(data: &Dataset, model: &ModelConfig) -> Candidates {
    let cfg = &model.shared_services;
    let rates = TransferRates::of(model);
    if !cfg.enabled || data.functions.is_empty() {
        return Candidates::default();
    }
    let mut hubs: Vec<Hub> = ServicesPlan::baseline(data).hubs;
    for f in 0..data.functions.len() {
        hubs.extend(new_hubs(data, model, f));
    }
    let max_km = cfg
        .max_transfer_km
        .unwrap_or(model.estates.staff.max_team_increase_km);
    let pairs = pairs(data, model, &hubs, max_km, rates);
    let mut retained_share = vec![None; data.teams.len()];
    for p in &pairs {
        for &t in &p.teams {
            retained_share[t] = Some(data.functions[p.function].retained_share);
        }
    }
    let members = members(&pairs, hubs.len());
    let hubs = hubs
        .into_iter()
        .enumerate()
        .map(|(h, hub)| {
            let p0 = plan_services::pooled_today(data, &hub);
            let reach: f64 = members[h].iter().map(|&(p, _)| pairs[p].transferred).sum();
            let curve = ScaleCurve::new(&data.functions[hub.function], p0 + reach);
            HubCandidate {
                segments: econ::segments_from(&curve, p0, p0 + reach),
                hub,
                pooled_today: p0,
            }
        })
        .collect();
    Candidates {
        hubs,
        pairs,
        rates,
        min_members: cfg.min_members,
        retained_share,
        members,
    }
}

/// Possible new hubs of function `f`: the sites with the most in-house staff of the function, per sector when
/// the function's rule is `same_sector`, leaving out sites of today's services of the function.
fn new_hubs(data: &Dataset, model: &ModelConfig, f: usize) -> Vec<Hub> {
    let cfg = &model.shared_services;
    let spec = &data.functions[f];
    let existing: Vec<SiteIx> = data
        .services
        .iter()
        .filter(|s| s.function == f)
        .map(|s| s.site)
        .collect();
    if !spec.poolable || (cfg.max_hubs && spec.max_hubs as usize <= existing.len()) {
        return Vec::new();
    }
    let mut fte: BTreeMap<SiteIx, f64> = BTreeMap::new();
    for t in &data.teams {
        if t.function == spec.id
            && t.service.is_none()
            && let Some(s) = t.site.filter(|s| !existing.contains(s))
        {
            *fte.entry(s).or_default() += f64::from(t.headcount);
        }
    }
    let by_sector = cfg.sector_rule && spec.sector_rule == SectorRule::SameSector;
    let mut ranked: Vec<(SiteIx, f64)> = fte.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut taken: BTreeMap<Option<crate::domain::Sector>, u32> = BTreeMap::new();
    let mut out = Vec::new();
    for (site, _) in ranked {
        let host = data.site(site).organisation;
        let key = by_sector.then(|| data.org(host).sector);
        let n = taken.entry(key).or_default();
        if *n < cfg.candidate_sites {
            *n += 1;
            out.push(Hub {
                function: f,
                site,
                host,
                service: None,
                open_year: 0,
            });
        }
    }
    out
}

/// The partner functions that may join a hub, with the hubs each may join.
fn pairs(
    data: &Dataset,
    model: &ModelConfig,
    hubs: &[Hub],
    max_km: f64,
    rates: TransferRates,
) -> Vec<PairCandidate> {
    let mut out = Vec::new();
    for (f, spec) in data.functions.iter().enumerate() {
        if !spec.poolable {
            continue;
        }
        for o in 0..data.organisations.len() {
            let org = OrgIx(o as u32);
            let member = data
                .service_members
                .iter()
                .any(|m| m.organisation == org && data.services[m.service].function == f);
            let teams = econ::in_house_teams(data, org, f);
            if member || teams.is_empty() {
                continue;
            }
            let in_house: f64 = teams
                .iter()
                .map(|&t| f64::from(data.teams[t].headcount))
                .sum();
            let transferred = econ::transferred_fte(spec, in_house);
            if transferred <= 0.0 {
                continue;
            }
            let options = hubs
                .iter()
                .enumerate()
                .filter(|(_, h)| h.function == f && allowed(data, model, org, h))
                .filter(|(_, h)| {
                    let site = |t: usize| data.teams[t].site;
                    teams
                        .iter()
                        .all(|&t| reachable(data, site(t), h.site, max_km))
                })
                .map(|(hub, h)| {
                    let (_, _, fte_km) = plan_services::transfer(data, org, f, h.site);
                    let cross = data.org(org).sector != data.org(h.host).sector;
                    PairOption {
                        hub,
                        one_off: econ::join_one_off(spec, transferred, rates),
                        yearly: econ::join_yearly(spec, transferred, cross, fte_km, rates),
                        fte_km,
                    }
                })
                .collect();
            out.push(PairCandidate {
                org,
                function: f,
                teams,
                transferred,
                options,
                must_join: false,
            });
        }
    }
    out
}

/// The sector rule: a `same_sector` function pools only within a sector (unless the rule is switched off).
fn allowed(data: &Dataset, model: &ModelConfig, org: OrgIx, hub: &Hub) -> bool {
    let spec = &data.functions[hub.function];
    !(model.shared_services.sector_rule
        && spec.sector_rule == SectorRule::SameSector
        && data.org(org).sector != data.org(hub.host).sector)
}

/// The shared-services columns. Each hub takes its new members in one wave (a year of the horizon), and its
/// scale curve is held by size levels (one per segment of the curve above today's pool): the hub's added pool
/// lies in one level, and each member's joining is split by level with `at_level <= level`. That disaggregation
/// is what makes the relaxation tight: a member counts at a level's saving rate only as far as the hub is at that
/// level, instead of the whole curve's best rate at any size.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    /// `join[p][o]`: pair `p` joins its `o`-th hub (continuous: the sum of `join_in` over the years).
    pub join: Vec<Vec<Variable>>,
    /// `join_in[p][o][y - 1]`: ... in year `y` (binary; only in the year of the hub's wave).
    pub join_in: Vec<Vec<Vec<Variable>>>,
    /// `wave[h][y - 1]`: hub `h` takes its new members in year `y` (a new hub opens then), for hubs someone
    /// may join.
    pub wave: Vec<Option<Vec<Variable>>>,
    /// `level[h][l]`: hub `h`'s added pool lies in level `l` of its curve (continuous: the sum of `level_in`
    /// over the years).
    pub level: Vec<Vec<Variable>>,
    /// `level_in[h][y - 1][l]`: `level[h][l]` when the wave is in year `y` (binary; the product of the level
    /// and the wave, exact because the wave is one year).
    pub level_in: Vec<Vec<Vec<Variable>>>,
    /// `at_level[p][o][y - 1][l]`: pair `p` joins its `o`-th hub in year `y`, counted at level `l`
    /// (continuous).
    pub at_level: Vec<Vec<Vec<Vec<Variable>>>>,
    /// `saved[h][y - 1]`: the FTE hub `h` saves, put in the year of its wave (continuous).
    pub saved: Vec<Vec<Variable>>,
    /// Per team of a pair that may join: where its transferable staff work while in house (shares per option).
    pub transferable: Vec<Option<Vec<Variable>>>,
}

/// A level of a hub's curve: the added pool `from..to` (FTE beyond today's), where the FTE saved is
/// `rate x added - offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    /// Added pooled FTE where the level starts.
    pub from: f64,
    /// ... and ends.
    pub to: f64,
    /// FTE saved per added pooled FTE within the level (1 - the segment's slope).
    pub rate: f64,
    /// FTE saved = `rate x added - offset` within the level.
    pub offset: f64,
}

/// The levels of a hub's curve, from its segments above today's pool.
pub fn levels(segments: &[(f64, f64)]) -> Vec<Level> {
    let (mut from, mut saved) = (0.0, 0.0);
    segments
        .iter()
        .map(|&(len, slope)| {
            let rate = 1.0 - slope;
            let level = Level {
                from,
                to: from + len,
                rate,
                offset: rate * from - saved,
            };
            from += len;
            saved += rate * len;
            level
        })
        .collect()
}

/// Pass: the columns.
pub fn variables(ctx: &Ctx<'_>, cols: &mut Columns) -> Vars {
    let sc = &ctx.cand.services;
    let years = ctx.cand.discount.years();
    // The joinings by year are the binaries and a pair's joining is their sum (continuous, whole once they
    // are): the year columns carry the costs and savings, and microlp's branching starts from a column's cost,
    // so with the binaries on the cost-free `join` it branched on them last (GM: 82 s to prove; see the README's
    // shared-services "Solving" paragraph).
    let join: Vec<Vec<Variable>> = sc
        .pairs
        .iter()
        .map(|p| p.options.iter().map(|_| cols.unit()).collect())
        .collect();
    let join_in = sc
        .pairs
        .iter()
        .map(|p| {
            p.options
                .iter()
                .map(|_| (0..years).map(|_| cols.binary()).collect())
                .collect()
        })
        .collect();
    let used: Vec<bool> = sc.members.iter().map(|m| !m.is_empty()).collect();
    let wave = used
        .iter()
        .map(|&u| u.then(|| (0..years).map(|_| cols.binary()).collect()))
        .collect();
    let n_levels = |h: usize| {
        if used[h] {
            sc.hubs[h].segments.len()
        } else {
            0
        }
    };
    // Likewise the levels by year are the binaries, a level their sum.
    let level = (0..sc.hubs.len())
        .map(|h| (0..n_levels(h)).map(|_| cols.unit()).collect())
        .collect();
    let level_in = (0..sc.hubs.len())
        .map(|h| {
            (0..years)
                .map(|_| (0..n_levels(h)).map(|_| cols.binary()).collect())
                .collect()
        })
        .collect();
    let at_level = sc
        .pairs
        .iter()
        .map(|p| {
            p.options
                .iter()
                .map(|o| {
                    (0..years)
                        .map(|_| (0..n_levels(o.hub)).map(|_| cols.unit()).collect())
                        .collect()
                })
                .collect()
        })
        .collect();
    let saved = (0..sc.hubs.len())
        .map(|h| {
            if used[h] {
                (0..years).map(|_| cols.nonneg()).collect()
            } else {
                Vec::new()
            }
        })
        .collect();
    let mut transferable = vec![None; ctx.data.teams.len()];
    for p in sc.pairs.iter().filter(|p| !p.options.is_empty()) {
        for &t in &p.teams {
            let n = ctx.cand.teams[t].options.len();
            transferable[t] = Some((0..n).map(|_| cols.unit()).collect());
        }
    }
    Vars {
        join,
        join_in,
        wave,
        level,
        level_in,
        at_level,
        saved,
        transferable,
    }
}

fn pair_name(ctx: &Ctx<'_>, p: &PairCandidate) -> String {
    plan_services::pair_id(ctx.data, p.org, p.function)
}

fn hub_name(ctx: &Ctx<'_>, h: &HubCandidate) -> String {
    let site = ctx.data.site(h.hub.site);
    format!(
        "the {} hub at {} ({})",
        ctx.data.functions[h.hub.function].id.0, site.name, site.id
    )
}

/// The (pair, option) joinings of hub `h`.
fn members_of(sc: &Candidates, h: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    sc.members[h].iter().copied()
}

/// Pass `join`: a partner's function joins at most one hub, in the year of that hub's wave.
pub fn joining(ctx: &Ctx<'_>, v: &Vars, rows: &mut Model) {
    for (p, pair) in ctx.cand.services.pairs.iter().enumerate() {
        if pair.options.is_empty() {
            continue;
        }
        let lhs = sum(v.join[p].iter().copied());
        if pair.must_join {
            let label = format!("{} is forced to join a hub", pair_name(ctx, pair));
            rows.ge(Group::Forced, label, lhs.clone(), 1.0);
        }
        rows.le(
            Group::Join,
            format!("{} joins at most one hub", pair_name(ctx, pair)),
            lhs,
            1.0,
        );
        for (o, opt) in pair.options.iter().enumerate() {
            let lhs = sum(v.join_in[p][o].iter().copied()) - v.join[p][o];
            rows.eq(Group::Join, String::new(), lhs, 0.0);
            let Some(wave) = &v.wave[opt.hub] else {
                continue;
            };
            for (y, &x) in v.join_in[p][o].iter().enumerate() {
                rows.le(
                    Group::Join,
                    String::new(),
                    Expression::from(x) - wave[y],
                    0.0,
                );
            }
        }
    }
}

/// Pass `hubs`: a hub takes new members in at most one wave, in which someone joins; a new hub opens with its
/// wave, at a site the plan keeps, for at least `min_members` partners; a function opens at most `max_hubs`
/// hubs (today's count).
pub fn hubs(ctx: &Ctx<'_>, ev: &EstatesVars, v: &Vars, rows: &mut Model) {
    let sc = &ctx.cand.services;
    for (h, hub) in sc.hubs.iter().enumerate() {
        let Some(wave) = &v.wave[h] else { continue };
        let name = hub_name(ctx, hub);
        rows.le(
            Group::Hubs,
            format!("{name} takes new members in one wave"),
            sum(wave.iter().copied()),
            1.0,
        );
        for (y, &w) in wave.iter().enumerate() {
            let joins = sum(members_of(sc, h).map(|(p, o)| v.join_in[p][o][y]));
            rows.le(
                Group::Hubs,
                format!("{name} has a wave only in a year someone joins it"),
                w - joins,
                0.0,
            );
        }
        if hub.hub.service.is_some() {
            continue;
        }
        let mut kept = sum(wave.iter().copied());
        kept += sum(ev.release[hub.hub.site.ix()].iter().flatten().copied());
        rows.le(
            Group::Hubs,
            format!("{name} needs its site kept"),
            kept,
            1.0,
        );
        min_members(ctx, v, h, &name, rows);
    }
    if ctx.model.shared_services.max_hubs {
        max_hubs(ctx, v, rows);
    }
}

/// A new hub serves at least `min_members` partners once open.
fn min_members(ctx: &Ctx<'_>, v: &Vars, h: usize, name: &str, rows: &mut Model) {
    let n = ctx.model.shared_services.min_members;
    let Some(wave) = &v.wave[h] else { return };
    if n <= 1 {
        return;
    }
    let mut lhs = sum(members_of(&ctx.cand.services, h).map(|(p, o)| v.join[p][o]));
    lhs -= sum(wave.iter().copied()) * f64::from(n);
    rows.ge(
        Group::Hubs,
        format!("{name} serves at least {n} partners once open"),
        lhs,
        0.0,
    );
}

/// A function opens at most `max_hubs` hubs, counting today's.
fn max_hubs(ctx: &Ctx<'_>, v: &Vars, rows: &mut Model) {
    let sc = &ctx.cand.services;
    for (f, spec) in ctx.data.functions.iter().enumerate() {
        let existing = sc
            .hubs
            .iter()
            .filter(|h| h.hub.function == f && h.hub.service.is_some())
            .count();
        let new: Vec<Variable> = sc
            .hubs
            .iter()
            .enumerate()
            .filter(|(_, h)| h.hub.function == f && h.hub.service.is_none())
            .filter_map(|(h, _)| v.wave[h].as_ref())
            .flatten()
            .copied()
            .collect();
        if !new.is_empty() {
            let cap = (spec.max_hubs as f64 - existing as f64).max(0.0);
            let label = format!(
                "{} opens at most {} hub(s) in all",
                spec.id.0, spec.max_hubs
            );
            rows.le(Group::Hubs, label, sum(new), cap);
        }
    }
}

/// Pass `scale`: the FTE a hub pools beyond today's lies in one level of its curve, in the year of its wave;
/// each member is counted at that level in that year, and the FTE saved in the wave's year follow.
///
/// Levels and members are split by year as well as by level: with the level alone, a relaxation that spreads a
/// wave over two years reaches a high level with the late members and books the saving in the early year.
pub fn scale(ctx: &Ctx<'_>, v: &Vars, rows: &mut Model) {
    let sc = &ctx.cand.services;
    for (h, hub) in sc.hubs.iter().enumerate() {
        let Some(wave) = &v.wave[h] else { continue };
        let name = hub_name(ctx, hub);
        let levels = levels(&hub.segments);
        let lhs = sum(v.level[h].iter().copied()) - sum(wave.iter().copied());
        let label = format!("{name} is at one size level once it takes members");
        rows.eq(Group::Scale, label, lhs, 0.0);
        for l in 0..levels.len() {
            let lhs = sum(v.level_in[h].iter().map(|y| y[l])) - v.level[h][l];
            rows.eq(Group::Scale, String::new(), lhs, 0.0);
        }
        for (y, &w) in wave.iter().enumerate() {
            let lhs = sum(v.level_in[h][y].iter().copied()) - w;
            rows.eq(Group::Scale, String::new(), lhs, 0.0);
        }
        for (p, o) in members_of(sc, h) {
            for (y, at) in v.at_level[p][o].iter().enumerate() {
                let lhs = sum(at.iter().copied()) - v.join_in[p][o][y];
                rows.eq(Group::Scale, String::new(), lhs, 0.0);
                for (l, &x) in at.iter().enumerate() {
                    rows.le(Group::Scale, String::new(), x - v.level_in[h][y][l], 0.0);
                }
            }
        }
        for (y, &saved_y) in v.saved[h].iter().enumerate() {
            let mut saved = Expression::from(0.0);
            for (l, lv) in levels.iter().enumerate() {
                let mut pooled = Expression::from(0.0);
                for (p, o) in members_of(sc, h) {
                    pooled.add_mul(sc.pairs[p].transferred, v.at_level[p][o][y][l]);
                }
                let at = format!("{name}'s pool lies within its size level {}", l + 1);
                let within = v.level_in[h][y][l];
                rows.ge(
                    Group::Scale,
                    at.clone(),
                    pooled.clone() - lv.from * within,
                    0.0,
                );
                rows.le(Group::Scale, at, pooled.clone() - lv.to * within, 0.0);
                saved += pooled * lv.rate;
                saved.add_mul(-lv.offset, within);
            }
            let label = format!("{name}'s FTE saved in year {} follow its size", y + 1);
            rows.eq(Group::Scale, label, Expression::from(saved_y) - saved, 0.0);
        }
    }
}

/// Pass `programme`: at most `programme_capacity` joinings in any one year.
pub fn programme(ctx: &Ctx<'_>, v: &Vars, rows: &mut Model) {
    let Some(cap) = ctx.model.shared_services.programme_capacity else {
        return;
    };
    for y in 0..ctx.cand.discount.years() {
        let lhs = sum(v.join_in.iter().flatten().map(|years| years[y]));
        let label = format!(
            "at most {cap} partner functions join a hub in year {}",
            y + 1
        );
        rows.le(Group::Programme, label, lhs, f64::from(cap));
    }
}

/// Pass `transfer`: a team's transferable staff work where the team works, until they transfer.
pub fn transfer(ctx: &Ctx<'_>, ev: &EstatesVars, v: &Vars, rows: &mut Model) {
    for (p, pair) in ctx.cand.services.pairs.iter().enumerate() {
        if pair.options.is_empty() {
            continue;
        }
        let joined = sum(v.join[p].iter().copied());
        for &t in &pair.teams {
            let Some(xs) = &v.transferable[t] else {
                continue;
            };
            let team = &ctx.data.teams[t].id;
            let lhs = sum(xs.iter().copied()) + joined.clone();
            let label = format!("team {team}'s transferable staff are either in house or in a hub");
            rows.eq(Group::Transfer, label, lhs, 1.0);
            for (o, &x) in xs.iter().enumerate() {
                rows.le(Group::Transfer, String::new(), x - ev.assign[t][o], 0.0);
            }
        }
    }
}

/// The desks team `t` needs at its `o`-th option: all its staff, or only those it keeps once its function
/// joins a hub.
pub fn team_desks(ctx: &Ctx<'_>, ev: &EstatesVars, t: usize, o: usize, need: f64) -> Expression {
    let retained = ctx.cand.services.retained_share.get(t).copied().flatten();
    match (
        ev.services.transferable.get(t).and_then(|x| x.as_ref()),
        retained,
    ) {
        (Some(xs), Some(r)) => {
            let mut e = Expression::from(0.0);
            e.add_mul(r * need, ev.assign[t][o]);
            e.add_mul((1.0 - r) * need, xs[o]);
            e
        }
        _ => Expression::from(ev.assign[t][o]) * need,
    }
}

/// Desks each hub needs at its site at the end of the horizon, per site: the extra FTE (pooled less saved)
/// times the desk ratio.
pub fn hub_desks(ctx: &Ctx<'_>, v: &Vars) -> Vec<(SiteIx, Expression)> {
    let sc = &ctx.cand.services;
    let ratio = ctx.model.estates.desk_ratio;
    let mut out = Vec::new();
    for (h, hub) in sc.hubs.iter().enumerate() {
        if v.wave[h].is_none() {
            continue;
        }
        let mut e = Expression::from(0.0);
        for (p, o) in members_of(sc, h) {
            e.add_mul(ratio * sc.pairs[p].transferred, v.join[p][o]);
        }
        for &x in &v.saved[h] {
            e.add_mul(-ratio, x);
        }
        out.push((hub.hub.site, e));
    }
    out
}

/// The transferred staff's moves, FTE x km, for the mean-move row.
pub fn moved_fte_km(ctx: &Ctx<'_>, v: &Vars) -> Expression {
    let mut e = Expression::from(0.0);
    for (p, pair) in ctx.cand.services.pairs.iter().enumerate() {
        for (o, opt) in pair.options.iter().enumerate() {
            e.add_mul(opt.fte_km, v.join[p][o]);
        }
    }
    e
}

/// One-off costs of shared services in year `y` (1-based): joinings, new hubs' set-up, redundancy.
pub fn one_off_in_year(ctx: &Ctx<'_>, v: &Vars, y: usize) -> Expression {
    let sc = &ctx.cand.services;
    let mut e = Expression::from(0.0);
    for (p, pair) in sc.pairs.iter().enumerate() {
        for (o, opt) in pair.options.iter().enumerate() {
            e.add_mul(opt.one_off, v.join_in[p][o][y - 1]);
        }
    }
    for (h, hub) in sc.hubs.iter().enumerate() {
        let Some(wave) = &v.wave[h] else { continue };
        let spec = &ctx.data.functions[hub.hub.function];
        if hub.hub.service.is_none() {
            e.add_mul(spec.setup, wave[y - 1]);
        }
        e.add_mul(spec.redundancy_per_fte, v.saved[h][y - 1]);
    }
    e
}

/// The present-value cost of the shared-services decisions (minus their saving), for the objective.
pub fn cost(ctx: &Ctx<'_>, v: &Vars) -> Expression {
    let sc = &ctx.cand.services;
    let d: &Discount = &ctx.cand.discount;
    let mut e = Expression::from(0.0);
    for y in 1..=d.years() {
        e += one_off_in_year(ctx, v, y) * d.factor(y);
        for (p, pair) in sc.pairs.iter().enumerate() {
            for (o, opt) in pair.options.iter().enumerate() {
                e.add_mul(opt.yearly * d.annuity_from(y), v.join_in[p][o][y - 1]);
            }
        }
        for (h, hub) in sc.hubs.iter().enumerate() {
            if v.wave[h].is_some() {
                let cost = ctx.data.functions[hub.hub.function].cost_per_fte;
                e.add_mul(-cost * d.annuity_from(y), v.saved[h][y - 1]);
            }
        }
    }
    e
}

/// Reads the shared-services decisions from column values.
pub fn plan_from(
    data: &Dataset,
    sc: &Candidates,
    v: &Vars,
    value: impl Fn(Variable) -> f64,
) -> ServicesPlan {
    let mut plan = ServicesPlan::baseline(data);
    let mut index: BTreeMap<usize, usize> = (0..plan.hubs.len()).map(|h| (h, h)).collect();
    let wave_year = |h: usize| {
        v.wave[h]
            .as_ref()
            .and_then(|w| w.iter().position(|&x| value(x) > 0.5))
            .map(|y| y as u32 + 1)
    };
    for (h, hub) in sc.hubs.iter().enumerate() {
        if hub.hub.service.is_some() {
            continue;
        }
        if let Some(y) = wave_year(h) {
            index.insert(h, plan.hubs.len());
            plan.hubs.push(Hub {
                open_year: y,
                ..hub.hub.clone()
            });
        }
    }
    for (p, pair) in sc.pairs.iter().enumerate() {
        for (o, opt) in pair.options.iter().enumerate() {
            if value(v.join[p][o]) <= 0.5 {
                continue;
            }
            if let (Some(&hub), Some(year)) = (index.get(&opt.hub), wave_year(opt.hub)) {
                plan.joins.push(Join {
                    organisation: pair.org,
                    function: pair.function,
                    hub,
                    year,
                });
            }
        }
    }
    plan
}

/// Column values for a warm start from a plan without joinings (the greedy heuristic's): transferable staff
/// work where their team works; `values` holds the estates values already, at the positions `index` gives.
pub fn warm_values(
    v: &Vars,
    index: &std::collections::HashMap<Variable, usize>,
    values: &mut [f64],
    assign: &[Vec<Variable>],
) {
    for (t, xs) in v.transferable.iter().enumerate() {
        let Some(xs) = xs else { continue };
        for (o, x) in xs.iter().enumerate() {
            values[index[x]] = values[index[&assign[t][o]]];
        }
    }
}

/// Column values of a plan's shared-services decisions, added to `values` (which holds the estates values at
/// the positions `index` gives), for a warm start. False when the plan cannot be written in the model's columns
/// (a hub or joining it has no candidate for, or a hub whose members join in different years).
pub fn plan_values(
    sc: &Candidates,
    v: &Vars,
    plan: &ServicesPlan,
    index: &std::collections::HashMap<Variable, usize>,
    values: &mut [f64],
    assign: &[Vec<Variable>],
) -> bool {
    let mut set = |x: Variable, value: f64| values[index[&x]] = value;
    let mut members: BTreeMap<usize, Vec<(usize, usize, u32)>> = BTreeMap::new();
    let mut joined = vec![false; sc.pairs.len()];
    for j in &plan.joins {
        let hub = &plan.hubs[j.hub];
        let Some(h) = sc.hubs.iter().position(|c| {
            c.hub.function == hub.function && c.hub.site == hub.site && c.hub.service == hub.service
        }) else {
            return false;
        };
        let Some(p) = sc
            .pairs
            .iter()
            .position(|p| p.org == j.organisation && p.function == j.function)
        else {
            return false;
        };
        let Some(o) = sc.pairs[p].options.iter().position(|o| o.hub == h) else {
            return false;
        };
        joined[p] = true;
        members.entry(h).or_default().push((p, o, j.year));
    }
    for (h, list) in &members {
        let year = list[0].2 as usize;
        if list.iter().any(|m| m.2 as usize != year) {
            return false;
        }
        let (Some(wave), hub) = (&v.wave[*h], &sc.hubs[*h]) else {
            return false;
        };
        let added: f64 = list.iter().map(|&(p, _, _)| sc.pairs[p].transferred).sum();
        let levels = levels(&hub.segments);
        let Some(l) = levels.iter().position(|lv| added <= lv.to + 1e-9) else {
            return false;
        };
        set(wave[year - 1], 1.0);
        set(v.level[*h][l], 1.0);
        set(v.level_in[*h][year - 1][l], 1.0);
        set(
            v.saved[*h][year - 1],
            levels[l].rate * added - levels[l].offset,
        );
        for &(p, o, _) in list {
            set(v.join[p][o], 1.0);
            set(v.join_in[p][o][year - 1], 1.0);
            set(v.at_level[p][o][year - 1][l], 1.0);
        }
    }
    for (p, pair) in sc.pairs.iter().enumerate() {
        for &t in &pair.teams {
            let Some(xs) = &v.transferable[t] else {
                continue;
            };
            for (o, &x) in xs.iter().enumerate() {
                let at = if joined[p] {
                    0.0
                } else {
                    values[index[&assign[t][o]]]
                };
                values[index[&x]] = at;
            }
        }
    }
    true
}
