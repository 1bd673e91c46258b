//! Writers for a plan's outputs: `sites.csv`, `moves.csv`, `summary.json` and `report.md`, written atomically.
//!
//! `summary.json` is a public contract (field names documented in the README); the schema name carries a version
//! so a change of meaning is a new version. The headline table of `report.md` renders the catalogue of headline
//! figures ([`crate::plan::headline`]); the CSV headers are [`SITE_COLUMNS`] and [`MOVE_COLUMNS`], which
//! `evaluate` reads.

pub mod carter;
pub mod deprivation;
pub mod evaluation;
pub mod geojson;
pub mod html;
pub mod located;
pub mod plan_page;
pub mod procurement;
pub mod services;
pub mod shares;
pub mod svg;
pub mod units;
pub mod xlsx;

use crate::check::CheckReport;
use crate::domain::Dataset;
use crate::estates::EstatesResult;
use crate::estates::explain::Explanation;
use crate::model_config::{ModelConfig, ObjectiveKind};
use crate::plan::files::{MOVE_COLUMNS, SITE_COLUMNS};
use crate::plan::headline::{self, Source, View};
use crate::plan::{Kpis, SiteDecision};
use crate::solve::{Backend, Outcome, PlanSource, Status};
use crate::text::money;
use serde::Serialize;
use std::fmt::Write as _;

/// The schema name and version of a plan's `summary.json`.
pub const PLAN_SCHEMA: &str = "consolidate.plan/2";

/// The `summary.json` document (schema `consolidate.plan/2`).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct PlanSummary<'a> {
    /// Schema name and version.
    #[schemars(extend("const" = PLAN_SCHEMA))]
    pub schema: &'static str,
    /// The whole run: the worst of the estates status and every category's status.
    pub status: Status,
    /// The estates plan's fields (absent when `[estates] enabled = false`).
    #[serde(flatten)]
    pub estates: Option<EstatesSummary<'a>>,
    /// The shared-services decisions (null without `functions.csv`, or with the decision switched off).
    pub shared_services: Option<services::ServicesSummary<'a>>,
    /// The procurement award (null when `[procurement] enabled = false`).
    pub procurement: Option<procurement::ProcurementSummary<'a>>,
    /// Solver name and version.
    pub solver: SolverInfo,
    /// The independent checker's verdict on the estates plan, when `--check` was given.
    pub check: Option<&'a CheckReport>,
    /// The model name.
    pub model: &'a str,
    /// The crate version.
    pub version: &'static str,
}

/// The estates plan's fields of `summary.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct EstatesSummary<'a> {
    /// `optimal`, `feasible`, `infeasible`, `unbounded` or `unknown`.
    pub estates_status: Status,
    /// The objective value of the plan (NPV in GBP, or total cost for `objective = "cost"`); null without a plan.
    pub objective: Option<f64>,
    /// `maximise` (NPV) or `minimise` (cost).
    pub objective_sense: &'static str,
    /// Best proven bound on the objective; equals `objective` when optimal.
    pub best_bound: Option<f64>,
    /// Relative gap between objective and bound (0 when optimal), relative to `gap_relative_to`.
    pub gap: Option<f64>,
    /// What `gap` is relative to: always `plan_cost`, the whole plan's cost over the horizon (not the NPV: 0.5% of
    /// a GBP 2.7bn plan cost is GBP 13.5m, more than many plans' NPV). `gap_gbp` gives the gap in money.
    pub gap_relative_to: &'static str,
    /// The gap in GBP: how much better than `objective` a plan could at most be (0 when optimal).
    pub gap_gbp: Option<f64>,
    /// Seconds spent in the solver.
    pub solve_seconds: f64,
    /// Model size.
    pub model_size: &'a crate::estates::ModelSize,
    /// Which search produced the plan: `solver`, `lagrangian`, `heuristic` or `none`.
    pub plan_source: PlanSource,
    /// The plan's figures.
    pub kpis: Option<&'a Kpis>,
    /// For infeasible models: the rules that must give and by how much.
    pub conflicts: &'a [crate::estates::diagnose::Conflict],
    /// Zones no public-facing site can serve (left out of the access rule).
    pub unserved_zones: &'a [String],
}

/// Solver identity.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct SolverInfo {
    /// Name.
    pub name: &'static str,
    /// Version.
    pub version: &'static str,
}

/// Converts costs to the objective's sense.
pub fn objective_of(
    model: &ModelConfig,
    result: &EstatesResult,
) -> (Option<f64>, Option<f64>, &'static str) {
    let k = result.kpis();
    match model.estates.objective {
        ObjectiveKind::Cost => (k.map(|k| k.plan_cost), result.cost_bound(), "minimise"),
        ObjectiveKind::Npv => (
            k.map(|k| k.npv),
            result.cost_bound().zip(k).map(|(b, k)| k.baseline_cost - b),
            "maximise",
        ),
    }
}

/// Builds the estates fields.
pub fn estates_summary<'a>(
    model: &'a ModelConfig,
    result: &'a EstatesResult,
) -> EstatesSummary<'a> {
    let (objective, best_bound, sense) = objective_of(model, result);
    EstatesSummary {
        estates_status: result.status(),
        objective,
        objective_sense: sense,
        best_bound,
        gap: result.gap(),
        gap_relative_to: "plan_cost",
        gap_gbp: objective.zip(best_bound).map(|(o, b)| (o - b).abs()),
        solve_seconds: result.solve_seconds,
        model_size: &result.size,
        plan_source: result.plan_source,
        kpis: result.kpis(),
        conflicts: &result.conflicts,
        unserved_zones: &result.unserved_zones,
    }
}

/// Builds the summary document.
pub fn summary<'a>(
    model: &'a ModelConfig,
    estates: Option<&'a EstatesResult>,
    procurement: Option<procurement::ProcurementSummary<'a>>,
    backend: Backend,
    check: Option<&'a CheckReport>,
) -> PlanSummary<'a> {
    let status = Status::worst(
        estates
            .map(EstatesResult::status)
            .into_iter()
            .chain(procurement.as_ref().map(|p| p.status)),
    );
    PlanSummary {
        schema: PLAN_SCHEMA,
        status,
        estates: estates.map(|e| estates_summary(model, e)),
        shared_services: estates.and_then(|e| services::summary(e, check.map(|c| c.services_ok()))),
        procurement,
        solver: SolverInfo {
            name: backend.name(),
            version: backend.version(),
        },
        check,
        model: &model.name,
        version: env!("CARGO_PKG_VERSION"),
    }
}

pub(crate) use crate::text::csv_bytes;

/// `sites.csv` ([`SITE_COLUMNS`]): one row per site with its decision, year, annual saving and reason
/// (`reasons`, in site order, from [`crate::estates::reasons::site_reasons`]).
pub fn sites_csv(data: &Dataset, result: &EstatesResult, reasons: &[String]) -> Vec<u8> {
    let Some(plan) = result.plan() else {
        return Vec::new();
    };
    csv_bytes(|w| {
        w.write_record(SITE_COLUMNS)?;
        for (i, s) in data.sites.iter().enumerate() {
            let owner = &data.org(s.organisation).id;
            let reason = &reasons[i];
            match plan.sites[i] {
                SiteDecision::Keep => {
                    w.write_record([&s.id, &s.name, owner, "keep", "", "0", "0", "0", reason])?;
                }
                SiteDecision::Release(y) => {
                    let r = &result.candidates.sites[i].release[y as usize - 1];
                    w.write_record([
                        &s.id,
                        &s.name,
                        owner,
                        "release",
                        &y.to_string(),
                        &format!("{:.2}", s.running.total()),
                        &format!("{:.2}", r.receipt(s)),
                        &format!("{:.2}", r.penalty),
                        reason,
                    ])?;
                }
            }
        }
        Ok(())
    })
}

/// What forcing a decision did, in words: the other decisions that change, or the rules in conflict.
pub fn explain_effect(e: &Explanation) -> String {
    if !e.conflicts.is_empty() {
        format!("breaks the rules: {}", e.conflicts.join("; "))
    } else if e.also_changed.is_empty() {
        "no other decision changes".into()
    } else {
        format!("also changes {}", e.also_changed.join("; "))
    }
}

/// One explanation as a terminal line.
pub fn explain_line(e: &Explanation) -> String {
    let change = e
        .npv_change
        .map_or("no plan".into(), |c| format!("NPV change GBP {}", money(c)));
    format!(
        "{} {} ({}) planned {}, forced {}: {} ({change}); {}",
        e.kind,
        e.id,
        e.name,
        e.planned,
        e.forced.name(),
        e.status,
        explain_effect(e)
    )
}

/// `explain.csv`: one row per decision forced the other way.
pub fn explain_csv(explained: &[Explanation]) -> Vec<u8> {
    csv_bytes(|w| {
        w.write_record([
            "kind",
            "id",
            "name",
            "planned",
            "forced",
            "status",
            "npv_gbp",
            "npv_change_gbp",
            "effect",
        ])?;
        for e in explained {
            let num = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.2}"));
            w.write_record([
                e.kind,
                e.id.as_str(),
                &e.name,
                &e.planned,
                e.forced.name(),
                e.status.name(),
                &num(e.npv),
                &num(e.npv_change),
                &explain_effect(e),
            ])?;
        }
        Ok(())
    })
}

/// The report.md section for `--explain`.
pub fn explain_md(explained: &[Explanation]) -> String {
    let mut o = String::from(
        "\n## What each top decision is worth (--explain)\n\nEach decision forced the other way and the model re-solved \
         (every other site and shared service free to adapt):\n\n| decision | planned | forced | status | NPV change (GBP) | effect |\n|---|---|---|---|---|---|\n",
    );
    for e in explained {
        let _ = writeln!(
            o,
            "| {} {} ({}) | {} | {} | {} | {} | {} |",
            e.kind,
            e.name,
            e.id,
            e.planned,
            e.forced.name(),
            e.status,
            e.npv_change.map_or("n/a".into(), money),
            explain_effect(e)
        );
    }
    o
}

/// `moves.csv` ([`MOVE_COLUMNS`]): one row per team and site it works from in the plan.
pub fn moves_csv(data: &Dataset, result: &EstatesResult) -> Vec<u8> {
    let Some(plan) = result.plan() else {
        return Vec::new();
    };
    csv_bytes(|w| {
        w.write_record(MOVE_COLUMNS)?;
        for (t, team) in data.teams.iter().enumerate() {
            for &(s, share) in &plan.teams[t] {
                let from = team
                    .site
                    .map(|x| data.site(x).id.clone())
                    .unwrap_or_default();
                let km = result.candidates.teams[t]
                    .options
                    .iter()
                    .find(|o| o.site == s)
                    .map_or(0.0, |o| o.move_km);
                w.write_record([
                    &team.id,
                    &data.org(team.organisation).id,
                    &from,
                    &data.site(s).id,
                    &format!("{:.4}", f64::from(team.headcount) * share),
                    &crate::plan::share_text(share),
                    &format!("{km:.3}"),
                ])?;
            }
        }
        Ok(())
    })
}

/// The estates status in a sentence (Markdown bold on the status word).
pub fn status_words(result: &EstatesResult) -> String {
    match &result.outcome {
        Outcome::Optimal(_) => {
            "**Optimal.** The solver proved that no plan under these rules has a better value."
                .into()
        }
        Outcome::Feasible { bound, .. } => format!(
            "**Feasible, not proven optimal.** The search stopped at its limit. The best proven bound is {}; the gap is {}.",
            bound.map_or("unknown".into(), money),
            result
                .gap()
                .map_or("unknown".into(), |g| format!("{:.3}%", g * 100.0))
        ),
        Outcome::Infeasible => {
            "**Infeasible.** No plan satisfies every rule; the rules in conflict are listed below."
                .into()
        }
        Outcome::Unbounded => {
            "**Unbounded.** The model is wrong: the cost falls without limit.".into()
        }
        Outcome::Unknown { reason } => {
            format!("**Unknown.** The solver stopped without an answer: {reason}.")
        }
    }
}

/// The `## Headline` table of `report.md`: the catalogue's `Markdown` figures.
pub(crate) fn headline_md(s: &Source<'_>) -> String {
    let mut o = String::from("## Headline\n\n| figure | value |\n|---|---|\n");
    for f in headline::in_view(View::Markdown) {
        let _ = writeln!(o, "| {} | {} |", f.label(), f.text(s));
    }
    o
}

/// The NPV's parts as (words, GBP) rows, the non-zero parts then the total, and the sentence on the transfers
/// left out of it (when there are any): defined once for `report.md` and `report.html`.
pub(crate) fn npv_part_lines(p: &crate::plan::NpvParts) -> (Vec<(String, String)>, Option<String>) {
    use crate::plan::NpvParts;
    let mut rows: Vec<(String, String)> = (p.named().into_iter())
        .filter(|(_, v)| v.abs() > 0.5)
        .map(|(key, v)| (NpvParts::words(key).to_string(), money(v)))
        .collect();
    rows.push(("Net present value".into(), money(p.total())));
    let transfers = (p.transfers_excluded.abs() > 0.5).then(|| {
        format!(
            "{}: GBP {}, in the partners' shares only.",
            NpvParts::words("transfers_excluded"),
            money(p.transfers_excluded)
        )
    });
    (rows, transfers)
}

/// How the money is counted, in words: the discount rate, the years the plan acts in and the years money is
/// counted over.
pub(crate) fn appraisal_words(model: &ModelConfig) -> String {
    let (h, a) = (model.horizon_years, model.appraisal());
    let mut counted = if a > h {
        format!(
            "its costs and savings are counted over {a} years (a saving that starts in the plan runs on after it)"
        )
    } else {
        "its costs and savings are counted over the same years".into()
    };
    if model.terminal_value {
        counted.push_str(
            ", with a terminal value: the last year's recurring costs and savings continue for ever after it",
        );
    }
    format!(
        "Present values at {}% a year from {}: the plan acts in years 1-{h} and {counted}.",
        crate::text::trimmed(model.discount_rate * 100.0, 2),
        model.start_date
    )
}

/// `report.md`'s section on what the NPV is made of.
pub(crate) fn npv_parts_md(model: &ModelConfig, k: &crate::plan::Kpis) -> String {
    let (rows, transfers) = npv_part_lines(&k.npv_parts);
    let mut o = format!(
        "\n## What the NPV is made of (present values, GBP)\n\n{}\n\n| part | value |\n|---|---|\n",
        appraisal_words(model)
    );
    let last = rows.len() - 1;
    for (i, (words, value)) in rows.iter().enumerate() {
        if i == last {
            let _ = writeln!(o, "| **{words}** | **{value}** |");
        } else {
            let _ = writeln!(o, "| {words} | {value} |");
        }
    }
    if let Some(t) = transfers {
        let _ = writeln!(o, "\n{t}");
    }
    o
}

/// `report.md`: the plan in words.
pub fn report_md(data: &Dataset, model: &ModelConfig, result: &EstatesResult) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# Estates plan: {}\n", model.name);
    let _ = writeln!(o, "{}\n", status_words(result));
    for c in &result.conflicts {
        let _ = writeln!(
            o,
            "- rule group **{}**: {} — relax by {:.2}",
            c.group, c.rule, c.relax_by
        );
    }
    let (Some(plan), Some(k)) = (result.plan(), result.kpis()) else {
        return o;
    };
    o.push_str(&headline_md(&Source {
        kpis: Some(k),
        ..Source::default()
    }));
    o.push_str(&npv_parts_md(model, k));
    o.push_str(&carter::carter_md(k));
    o.push_str(&deprivation::md(
        &k.access_by_deprivation,
        model.estates.access.deprived_deciles,
    ));
    let _ = writeln!(o, "\n## Sites released and why\n");
    // Kept sites of other partners nearby: where a released site's services could co-locate.
    let colocation = crate::graph::proximity::colocation_pairs(data, model.estates.colocation_km);
    let mut any = false;
    for (i, s) in data.sites.iter().enumerate() {
        if let SiteDecision::Release(y) = plan.sites[i] {
            any = true;
            let r = &result.candidates.sites[i].release[y as usize - 1];
            let _ = writeln!(
                o,
                "- **{}** ({}, {}): released in year {y}. Saves GBP {} a year in running costs, exit penalty GBP {}{}.",
                s.name,
                s.id,
                data.org(s.organisation).name,
                money(s.running.total()),
                money(r.penalty),
                crate::estates::reasons::sale_words(s, y as usize, r)
            );
            if model.estates.colocation_km > 0.0 {
                let near: Vec<String> = colocation
                    .iter()
                    .filter_map(|c| match (c.a.ix(), c.b.ix()) {
                        (a, b) if a == i => Some((b, c.km)),
                        (a, b) if b == i => Some((a, c.km)),
                        _ => None,
                    })
                    .filter(|(other, _)| plan.sites[*other] == SiteDecision::Keep)
                    .map(|(other, km)| {
                        let other = &data.sites[other];
                        format!(
                            "{} ({}, {km:.2} km)",
                            other.name,
                            data.org(other.organisation).name
                        )
                    })
                    .collect();
                if !near.is_empty() {
                    let _ = writeln!(o, "  - co-location candidates: {}", near.join("; "));
                }
            }
        }
    }
    if !any {
        let _ = writeln!(
            o,
            "No site is released: under these rules no release pays for itself."
        );
    }
    o.push_str(&units::units_md(data, result));
    let _ = writeln!(o, "\n## Savings by partner (present value, GBP)\n");
    let _ = writeln!(o, "| partner | saving |\n|---|---|");
    for (p, v) in k.savings_by_partner.iter().filter(|(_, v)| v.abs() > 0.5) {
        let _ = writeln!(o, "| {p} | {} |", money(*v));
    }
    let _ = writeln!(o, "\n## Savings by year (GBP, undiscounted)\n");
    let _ = writeln!(o, "| year | net saving | one-off costs |\n|---|---|---|");
    for (y, (s, c)) in k.savings_by_year.iter().zip(&k.one_off_by_year).enumerate() {
        let _ = writeln!(o, "| {} | {} | {} |", y + 1, money(*s), money(*c));
    }
    if !result.unserved_zones.is_empty() {
        let _ = writeln!(
            o,
            "\nZones with no public-facing site at all (outside the access rule): {}",
            result.unserved_zones.join(", ")
        );
    }
    o
}
