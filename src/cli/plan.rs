//! `consolidate plan DIR`: validate, solve the estates model, then the procurement award (with the released
//! sites passed in), check both, write the output folder.

use super::validate::{load_valid, model_for};
use super::{PlanArgs, Status};
use crate::assess::Assessment;
use crate::check::{self, CheckReport};
use crate::domain::Dataset;
use crate::error::Error;
use crate::estates::{self, EstatesResult, SolveOptions};
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::procurement::{self, ProcurementResult};
use crate::report::html::{PlanView, StatusLine};
use crate::report::{self, atomic::AtomicDir};
use crate::solve::{Backend, Limits, Outcome};
use std::collections::BTreeMap;
use std::path::Path;

/// Runs the command.
pub fn run(args: &PlanArgs) -> Result<Status, Error> {
    let mut model = model_for(&args.dir, args.model.as_deref())?;
    if let Some(name) = &args.solver {
        model.solver.name = name.clone();
    }
    if let Some(t) = args.time_limit {
        model.solver.time_limit_s = t;
    }
    if let Some(g) = args.gap {
        model.solver.gap = g;
    }
    if let Some(n) = args.threads {
        model.solver.threads = n;
    }
    if !(model.solver.time_limit_s.is_finite() && model.solver.time_limit_s > 0.0) {
        return Err(Error::Usage(
            "--time-limit must be a positive number of seconds".into(),
        ));
    }
    let backend = Backend::parse(&model.solver.name)?;
    let loaded = load_valid(&args.dir, &model)?;
    let data = &loaded.dataset;
    let quiet = args.quiet;
    let mut log = |line: String| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    let limits = Limits {
        time_limit_s: model.solver.time_limit_s,
        gap: model.solver.gap,
        threads: model.solver.threads,
    };
    let result = model.estates.enabled.then(|| {
        let opts = SolveOptions {
            backend,
            limits,
            greedy_only: args.greedy,
        };
        estates::solve(data, &model, opts, &mut log)
    });
    let checked = match (result.as_ref().and_then(|r| r.plan.as_ref()), args.check) {
        (Some(p), true) => Some(check::check(
            data,
            &model,
            p,
            result.as_ref().and_then(|r| r.kpis.as_ref()),
        )),
        _ => None,
    };
    // Sites the estates plan releases, with their release year: their site-bound contracts end with them.
    let released = result
        .as_ref()
        .and_then(|r| r.plan.as_ref())
        .map(Plan::released)
        .unwrap_or_default();
    let awarded = model.procurement.enabled.then(|| {
        procurement::solve(
            data,
            &model,
            &released,
            procurement::Options {
                backend,
                limits,
                progress: !quiet,
            },
        )
    });
    let award_checks: Vec<Option<CheckReport>> = awarded.as_ref().map_or(Vec::new(), |a| {
        a.categories
            .iter()
            .map(|c| {
                (args.check).then_some(()).and(c.awards.as_ref()).map(|aw| {
                    check::procurement::check_category(
                        data,
                        &model,
                        &c.category,
                        aw,
                        &released,
                        c.figures.as_ref(),
                    )
                })
            })
            .collect()
    });
    let award_summary = awarded
        .as_ref()
        .map(|a| report::procurement::summary(a, &award_checks));
    let summary = report::summary(
        &model,
        result.as_ref(),
        award_summary,
        backend,
        checked.as_ref(),
    );
    let out = AtomicDir::new(&args.out)?;
    out.write(
        "summary.json",
        serde_json::to_string_pretty(&summary)
            .map_err(|e| Error::Other(e.to_string()))?
            .as_bytes(),
    )?;
    let reasons = result
        .as_ref()
        .and_then(|r| {
            let ctx = estates::milp::Ctx {
                data,
                cand: &r.candidates,
                model: &model,
            };
            r.plan
                .as_ref()
                .map(|p| estates::reasons::site_reasons(&ctx, p))
        })
        .unwrap_or_default();
    let mut md = String::new();
    if let Some(result) = &result {
        if result.plan.is_some() {
            out.write("sites.csv", &report::sites_csv(data, result, &reasons))?;
            out.write("moves.csv", &report::moves_csv(data, result))?;
        }
        md.push_str(&report::report_md(data, &model, result));
    }
    if let Some(a) = &awarded {
        out.write("awards.csv", &report::procurement::awards_csv(a))?;
        md.push_str(&report::procurement::report_md(a));
    }
    out.write("report.md", md.as_bytes())?;
    let page = html_page(
        data,
        &model,
        &args.dir,
        result.as_ref(),
        awarded.as_ref(),
        checked.as_ref(),
        &award_checks,
        reasons,
    )?;
    out.write("report.html", page.as_bytes())?;
    let path = out.commit()?;
    let mut clean = true;
    if let Some(result) = &result {
        clean &= print_estates(&model, result, backend, checked.as_ref());
    }
    if let Some(a) = &awarded {
        clean &= print_award(a, &award_checks, args.check);
    }
    println!("wrote {}", path.display());
    Ok(if clean {
        Status::Clean
    } else {
        Status::NotClean
    })
}

/// `report.html` for a solved plan: the same page `evaluate` writes, with the solver's statuses.
#[allow(clippy::too_many_arguments)]
fn html_page(
    data: &Dataset,
    model: &ModelConfig,
    dir: &Path,
    result: Option<&EstatesResult>,
    awarded: Option<&ProcurementResult>,
    checked: Option<&CheckReport>,
    award_checks: &[Option<CheckReport>],
    reasons: Vec<String>,
) -> Result<String, Error> {
    let mut statuses = Vec::new();
    let mut conflicts = Vec::new();
    let mut violations = Vec::new();
    let mut found = Vec::new();
    if let Some(r) = result {
        statuses.push(StatusLine::new(
            "Estates",
            r.outcome.status(),
            report::status_words(r).replace("**", ""),
        ));
        conflicts.extend(r.conflicts.iter().map(|c| {
            format!(
                "estates rule group {}: {} (relax by {:.2})",
                c.group, c.rule, c.relax_by
            )
        }));
        if r.plan.is_some() {
            found.extend(["sites.csv", "moves.csv"]);
        }
    }
    if let Some(c) = checked {
        violations.extend(c.violations.iter().cloned().map(|v| (None, v)));
    }
    let mut awards = None;
    let mut award_figures = BTreeMap::new();
    let mut category_status = BTreeMap::new();
    if let Some(a) = awarded {
        let optimal = a
            .categories
            .iter()
            .filter(|c| c.outcome == Outcome::Optimal)
            .count();
        statuses.push(StatusLine::new(
            "Procurement",
            a.worst_status(),
            format!(
                "{optimal} of {} categories proven optimal; each category is its own model with its own status",
                a.categories.len()
            ),
        ));
        let mut by_category = BTreeMap::new();
        for (c, chk) in a.categories.iter().zip(award_checks) {
            category_status.insert(c.category.clone(), c.outcome.status().to_string());
            conflicts.extend(
                c.conflicts
                    .iter()
                    .map(|k| format!("{} rule group {}: {}", c.category, k.group, k.rule)),
            );
            if let (Some(aw), Some(f)) = (&c.awards, &c.figures) {
                by_category.insert(c.category.clone(), aw.clone());
                award_figures.insert(c.category.clone(), f.clone());
            }
            if let Some(chk) = chk {
                violations.extend(
                    chk.violations
                        .iter()
                        .cloned()
                        .map(|v| (Some(c.category.clone()), v)),
                );
            }
        }
        awards = Some(by_category);
        found.push("awards.csv");
    }
    let checks: Vec<&CheckReport> = checked
        .into_iter()
        .chain(award_checks.iter().flatten())
        .collect();
    statuses.push(match checks.is_empty() {
        true => StatusLine::new(
            "Independent check",
            "not run",
            "run plan with --check to re-derive every rule and figure",
        ),
        false if checks.iter().all(|c| c.ok) => StatusLine::new(
            "Independent check",
            "passed",
            "every rule and figure re-derived from the inputs agrees",
        ),
        false => StatusLine::new(
            "Independent check",
            "failed",
            "the checker disagrees with the plan: see the rules broken below",
        ),
    });
    let assessment = Assessment {
        name: "plan".into(),
        plan: result
            .and_then(|r| r.plan.clone())
            .unwrap_or_else(|| Plan::baseline(data)),
        kpis: result.and_then(|r| r.kpis.clone()),
        awards,
        award_figures,
        violations,
        found,
    };
    let view = PlanView {
        title: format!("Consolidation plan: {}", model.name),
        subtitle: format!("Data set {}; model {}", dir.display(), model.name),
        statuses,
        conflicts,
        assessment: &assessment,
        reasons,
        category_status,
    };
    report::html::plan_html(data, model, &view)
}

/// Prints the estates result and its check; true when optimal and the check (if any) passed.
fn print_estates(
    model: &ModelConfig,
    result: &EstatesResult,
    backend: Backend,
    checked: Option<&CheckReport>,
) -> bool {
    let mut clean = true;
    let (objective, bound, sense) = report::objective_of(model, result);
    println!(
        "estates: {}  objective ({sense}): {}  bound: {}  solver: {}  seconds: {:.2}",
        result.outcome.status(),
        objective.map_or("none".into(), |v| format!("{v:.4}")),
        bound.map_or("none".into(), |v| format!("{v:.4}")),
        backend.name(),
        result.solve_seconds
    );
    for c in &result.conflicts {
        println!(
            "conflict [{}]: {} (relax by {:.2})",
            c.group, c.rule, c.relax_by
        );
    }
    clean &= result.outcome == Outcome::Optimal;
    if let Some(c) = checked {
        println!("check: {}", if c.ok { "passed" } else { "FAILED" });
        for v in &c.violations {
            println!("  violation [{}]: {}", v.rule, v.detail);
        }
        for m in &c.mismatches {
            println!("  mismatch: {m}");
        }
        clean &= c.ok;
    }
    clean
}

/// Prints the award's headline, every category that is not optimal, conflicts and check results; true when
/// every category is optimal and every check passed.
fn print_award(a: &ProcurementResult, award_checks: &[Option<CheckReport>], check: bool) -> bool {
    let mut clean = true;
    let npv: f64 = a
        .categories
        .iter()
        .filter_map(|c| c.figures.as_ref().map(|f| f.npv))
        .sum();
    println!(
        "procurement: {}  npv: {npv:.2}  categories: {}  threads: {}  seconds: {:.2}",
        a.worst_status(),
        a.categories.len(),
        a.threads,
        a.seconds
    );
    for (c, chk) in a.categories.iter().zip(award_checks) {
        if c.outcome != Outcome::Optimal {
            let detail = match &c.outcome {
                Outcome::Feasible { gap, .. } => {
                    gap.map_or(String::new(), |g| format!(" (gap {:.4})", g))
                }
                Outcome::Unknown { reason } => format!(" ({reason})"),
                _ => String::new(),
            };
            println!("  category {}: {}{detail}", c.category, c.outcome.status());
        }
        for k in &c.conflicts {
            println!("  conflict [{}] in {}: {}", k.group, c.category, k.rule);
        }
        if let Some(chk) = chk {
            for v in &chk.violations {
                println!("  violation [{}] in {}: {}", v.rule, c.category, v.detail);
            }
            for m in &chk.mismatches {
                println!("  mismatch: {m}");
            }
            clean &= chk.ok;
        }
    }
    if check {
        let ok = award_checks.iter().flatten().all(|c| c.ok);
        println!("award check: {}", if ok { "passed" } else { "FAILED" });
    }
    clean &= a.all_optimal();
    clean
}
