//! The pages a plan run writes from what it solved: `report.html` (through [`crate::report::html`]) and
//! `shares.csv`, both from one [`Assessment`] of the solved plan so they show the same figures `evaluate` would.

use crate::assess::Assessment;
use crate::check::CheckReport;
use crate::domain::Dataset;
use crate::error::Error;
use crate::estates::EstatesResult;
use crate::estates::explain::Explanation;
use crate::estates::shapley::ShapleyShares;
use crate::model_config::ModelConfig;
use crate::plan::Plan;
use crate::procurement::ProcurementResult;
use crate::report::{
    self,
    html::{PlanView, StatusLine},
};
use std::collections::BTreeMap;
use std::path::Path;

/// Everything `plan` solved, for its pages.
pub struct Solved<'a> {
    /// The data set.
    pub data: &'a Dataset,
    /// The model.
    pub model: &'a ModelConfig,
    /// The data set folder (named in the page).
    pub dir: &'a Path,
    /// The estates result.
    pub result: Option<&'a EstatesResult>,
    /// The award.
    pub awarded: Option<&'a ProcurementResult>,
    /// The checker's verdict on the estates plan.
    pub checked: Option<&'a CheckReport>,
    /// The checker's verdict per category.
    pub award_checks: &'a [Option<CheckReport>],
    /// The reason for each site and unit decision.
    pub reasons: crate::estates::reasons::Reasons,
    /// `--explain` results.
    pub explained: &'a [Explanation],
    /// `--shapley` shares.
    pub shapley: Option<&'a Result<ShapleyShares, String>>,
}

/// `report.html` and `shares.csv`.
pub struct Pages {
    /// `report.html`.
    pub html: String,
    /// `shares.csv`.
    pub shares_csv: Vec<u8>,
}

/// `report.html` for a solved plan (the same page `evaluate` writes, with the solver's statuses) and
/// `shares.csv` from the same figures.
pub fn pages(s: Solved<'_>) -> Result<Pages, Error> {
    let Solved {
        data,
        model,
        dir,
        result,
        awarded,
        checked,
        award_checks,
        reasons,
        explained,
        shapley,
    } = s;
    let mut statuses = Vec::new();
    let mut conflicts = Vec::new();
    let mut violations = Vec::new();
    let mut found = Vec::new();
    if let Some(r) = result {
        statuses.push(StatusLine::new(
            "Estates",
            r.status().name(),
            report::status_words(r).replace("**", ""),
        ));
        conflicts.extend(r.conflicts.iter().map(|c| {
            format!(
                "estates rule group {}: {} (relax by {:.2})",
                c.group, c.rule, c.relax_by
            )
        }));
        if r.plan().is_some() {
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
            .filter(|c| c.status().is_clean())
            .count();
        statuses.push(StatusLine::new(
            "Procurement",
            a.status().name(),
            format!(
                "{optimal} of {} categories proven optimal; each category is its own model with its own status{}",
                a.categories.len(),
                report::procurement::status_words(a).map_or(String::new(), |w| format!(". {w}"))
            ),
        ));
        let mut by_category = BTreeMap::new();
        for (c, chk) in a.categories.iter().zip(award_checks) {
            category_status.insert(c.category.clone(), c.status().name().to_string());
            conflicts.extend(
                c.conflicts
                    .iter()
                    .map(|k| format!("{} rule group {}: {}", c.category, k.group, k.rule)),
            );
            if let (Some(aw), Some(f)) = (c.awards(), c.figures()) {
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
            .and_then(|r| r.plan().cloned())
            .unwrap_or_else(|| Plan::baseline(data)),
        kpis: result.and_then(|r| r.kpis().cloned()),
        awards,
        award_figures,
        violations,
        found,
        candidates: result.map_or_else(
            || crate::estates::candidates::build(data, model),
            |r| r.candidates.clone(),
        ),
    };
    let view = PlanView {
        title: format!("Consolidation plan: {}", model.name),
        subtitle: format!("Data set {}; model {}", dir.display(), model.name),
        statuses,
        conflicts,
        assessment: &assessment,
        reasons,
        category_status,
        explained,
        shapley,
    };
    let shares = report::shares::compute(data, &assessment);
    Ok(Pages {
        html: report::html::plan_html(data, model, &view)?,
        shares_csv: report::shares::shares_csv(&shares, shapley.and_then(|x| x.as_ref().ok())),
    })
}
