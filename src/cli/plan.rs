//! `consolidate plan DIR`: validate, solve the estates model, then the procurement award (with the released
//! sites passed in), check both, write the output folder.

use super::validate::{load_valid, model_for};
use super::{PlanArgs, Status};
use crate::check::{self, CheckReport};
use crate::error::Error;
use crate::estates::{self, EstatesResult, SolveOptions};
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::procurement::{self, ProcurementResult};
use crate::report::{self, atomic::AtomicDir};
use crate::solve::{Backend, Limits, Outcome};

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
    let explained = match &result {
        Some(r) if args.explain > 0 && r.plan.is_some() => {
            log(format!(
                "explain: forcing the top {} decisions the other way",
                args.explain
            ));
            let opts = SolveOptions {
                backend,
                limits,
                greedy_only: false,
            };
            estates::explain::explain(data, &model, r, args.explain, opts)
        }
        _ => Vec::new(),
    };
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
    if !explained.is_empty() {
        out.write("explain.csv", &report::explain_csv(&explained))?;
        md.push_str(&report::explain_md(&explained));
    }
    out.write("report.md", md.as_bytes())?;
    let shapley = match &result {
        Some(_) if args.shapley => {
            log("shapley: solving the estates model for every coalition of partner kinds".into());
            let opts = SolveOptions {
                backend,
                limits,
                greedy_only: false,
            };
            Some(estates::shapley::shapley(data, &model, opts))
        }
        _ => None,
    };
    let pages = super::plan_page::pages(super::plan_page::Solved {
        data,
        model: &model,
        dir: &args.dir,
        result: result.as_ref(),
        awarded: awarded.as_ref(),
        checked: checked.as_ref(),
        award_checks: &award_checks,
        reasons,
        explained: &explained,
        shapley: shapley.as_ref(),
    })?;
    out.write("report.html", pages.html.as_bytes())?;
    out.write("shares.csv", &pages.shares_csv)?;
    let path = out.commit()?;
    let mut clean = true;
    if let Some(result) = &result {
        clean &= print_estates(&model, result, backend, checked.as_ref());
    }
    if let Some(a) = &awarded {
        clean &= print_award(a, &award_checks, args.check);
    }
    for e in &explained {
        println!("explain: {}", report::explain_line(e));
    }
    match &shapley {
        Some(Ok(x)) => {
            let groups: Vec<String> = x
                .groups
                .iter()
                .map(|g| format!("{} {:.2}", g.kind, g.value))
                .collect();
            println!(
                "shapley (estates NPV by partner kind): {}",
                groups.join("  ")
            );
        }
        Some(Err(why)) => println!("shapley: not computed: {why}"),
        None => {}
    }
    println!("wrote {}", path.display());
    Ok(if clean {
        Status::Clean
    } else {
        Status::NotClean
    })
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
