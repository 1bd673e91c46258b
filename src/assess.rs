//! An assessed plan: a plan read from files (written by hand, by another team or by `plan`), costed with the same
//! figures as `plan` and checked by the independent checker. `evaluate` prints one; `compare` sets several side
//! by side.
//!
//! Costing and checking stay in their own modules ([`crate::plan`], [`crate::check`]); this module only runs both
//! on the same plan so that every command reports the same numbers for the same files.

use crate::check::{self, Violation};
use crate::domain::Dataset;
use crate::estates::candidates::{self, Candidates};
use crate::model_config::ModelConfig;
use crate::plan::award::{self, Award, CategoryFigures};
use crate::plan::files::PlanFiles;
use crate::plan::{self, Kpis, Plan};
use std::collections::BTreeMap;

/// A plan with its figures and the checker's verdict.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// A short name for the plan (its folder's name unless given).
    pub name: String,
    /// The estates plan (every site kept and every team in place where the files say nothing).
    pub plan: Plan,
    /// The estates figures, when the plan has estates decisions (`sites.csv` or `moves.csv`).
    pub kpis: Option<Kpis>,
    /// Awards per category, when the plan has `awards.csv`.
    pub awards: Option<BTreeMap<String, Vec<Award>>>,
    /// The award's figures per category (empty without `awards.csv`).
    pub award_figures: BTreeMap<String, CategoryFigures>,
    /// Every broken rule: `None` for estates rules, `Some(category)` for a category's award rules.
    pub violations: Vec<(Option<String>, Violation)>,
    /// Which plan files were read.
    pub found: Vec<&'static str>,
    /// The model's candidates for the data set (placements, costs): built once, read by the report's tables (on
    /// a large estate a build is most of the report's time).
    pub candidates: Candidates,
}

impl Assessment {
    /// True when the plan has estates decisions.
    pub fn has_estates(&self) -> bool {
        self.found.iter().any(|f| *f != "awards.csv")
    }

    /// Net present value of the award (GBP; 0 without awards).
    pub fn award_npv(&self) -> f64 {
        self.award_figures.values().map(|f| f.npv).sum()
    }

    /// Net present value of estates and award together (GBP).
    pub fn total_npv(&self) -> f64 {
        self.kpis.as_ref().map_or(0.0, |k| k.npv) + self.award_npv()
    }

    /// Net present value per partner id, estates and award together (GBP).
    pub fn savings_by_partner(&self) -> BTreeMap<String, f64> {
        let mut out = self
            .kpis
            .as_ref()
            .map(|k| k.savings_by_partner.clone())
            .unwrap_or_default();
        for f in self.award_figures.values() {
            for (p, v) in &f.by_partner {
                *out.entry(p.clone()).or_default() += v;
            }
        }
        out
    }

    /// Net saving per plan year, estates and award together (GBP, undiscounted; index 0 = year 1).
    pub fn savings_by_year(&self) -> Vec<f64> {
        let mut out = self
            .kpis
            .as_ref()
            .map(|k| k.savings_by_year.clone())
            .unwrap_or_default();
        for f in self.award_figures.values() {
            if out.len() < f.by_year.len() {
                out.resize(f.by_year.len(), 0.0);
            }
            for (o, v) in out.iter_mut().zip(&f.by_year) {
                *o += v;
            }
        }
        out
    }
}

/// Costs and checks a plan read from files.
pub fn assess(data: &Dataset, model: &ModelConfig, name: String, files: PlanFiles) -> Assessment {
    let PlanFiles {
        plan,
        awards,
        found,
    } = files;
    let mut violations = Vec::new();
    let mut kpis = None;
    let cand = candidates::build(data, model);
    if found.iter().any(|f| *f != "awards.csv") {
        kpis = Some(plan::evaluate(data, &cand, &plan));
        let report = check::check(data, model, &plan, None);
        violations.extend(report.violations.into_iter().map(|v| (None, v)));
    }
    let mut award_figures = BTreeMap::new();
    if let Some(by_category) = &awards {
        // Contracts tied to a released site end with it, whatever the award says.
        let released = plan.released();
        let release_year = |k: usize| {
            data.contracts[k]
                .site
                .and_then(|s| released.get(&s.ix()).copied())
        };
        let lists: Vec<check::procurement::CategoryAwards<'_>> = by_category
            .iter()
            .map(|(category, list)| (category.as_str(), &list[..], None))
            .collect();
        let reports = check::procurement::check_award(data, model, &lists, &released);
        for ((category, list), report) in by_category.iter().zip(reports) {
            violations.extend(
                report
                    .violations
                    .into_iter()
                    .map(|v| (Some(category.clone()), v)),
            );
            let figures = award::evaluate(data, model, list, &release_year);
            award_figures.insert(category.clone(), figures);
        }
    }
    Assessment {
        name,
        plan,
        kpis,
        awards,
        award_figures,
        violations,
        found,
        candidates: cand,
    }
}
