//! `evaluation.json` (schema `consolidate.evaluation/1`): what `evaluate` prints, for scripts.
//!
//! The figures are the types `summary.json` uses ([`Kpis`] for the estates plan, [`ServicesKpis`] for shared
//! services), so a script reads a hand-written plan and a solved one the same way; every violation the
//! independent checker finds is listed with the part of the plan it is in.

use crate::assess::Assessment;
use crate::check::Rule;
use crate::plan::Kpis;
use crate::plan::services::ServicesKpis;
use serde::Serialize;
use std::collections::BTreeMap;

/// The schema name and version of `evaluation.json`.
pub const EVALUATION_SCHEMA: &str = "consolidate.evaluation/1";

/// The `evaluation.json` document.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct EvaluationDoc<'a> {
    /// Schema name and version.
    #[schemars(extend("const" = EVALUATION_SCHEMA))]
    pub schema: &'static str,
    /// The plan's short name (its folder's name).
    pub plan: &'a str,
    /// Which plan files were read.
    pub files: &'a [&'static str],
    /// The model name.
    pub model: &'a str,
    /// True when the independent checker finds no broken rule.
    pub clean: bool,
    /// Net present value of estates and award together (GBP).
    pub npv: f64,
    /// The estates plan's figures, as in `summary.json`; null when the plan has no estates decisions.
    pub kpis: Option<&'a Kpis>,
    /// The shared-services figures (included in `kpis`); null without shared services.
    pub shared_services: Option<&'a ServicesKpis>,
    /// The award's figures; null when the plan has no `awards.csv`.
    pub award: Option<AwardNpv>,
    /// Every broken rule, in the order the checkers report them.
    pub violations: Vec<EvaluatedViolation<'a>>,
    /// The crate version.
    pub version: &'static str,
}

/// The award's net present values.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct AwardNpv {
    /// Net present value of every category together (GBP).
    pub npv: f64,
    /// Net present value per category (GBP).
    pub savings_by_category: BTreeMap<String, f64>,
}

/// One broken rule.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct EvaluatedViolation<'a> {
    /// The rule family.
    pub rule: Rule,
    /// The part of the plan the rule belongs to.
    #[serde(rename = "where")]
    pub part: Part,
    /// The award category, for an award rule; null for the estates rules.
    pub category: Option<&'a str>,
    /// What is wrong, naming the site, team, zone, partner or contract and by how much.
    pub detail: &'a str,
}

/// The part of a plan a broken rule belongs to.
#[derive(Debug, Clone, Copy, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// Sites, teams and shared services (the estates checker).
    Estates,
    /// A category of the procurement award (the award checker).
    Award,
}

/// Builds the document for an assessed plan under the named model.
pub fn document<'a>(a: &'a Assessment, model: &'a str) -> EvaluationDoc<'a> {
    let award = a.awards.as_ref().map(|_| AwardNpv {
        npv: a.award_npv(),
        savings_by_category: a
            .award_figures
            .iter()
            .map(|(c, f)| (c.clone(), f.npv))
            .collect(),
    });
    let violations = a
        .violations
        .iter()
        .map(|(category, v)| EvaluatedViolation {
            rule: v.rule,
            part: if category.is_some() {
                Part::Award
            } else {
                Part::Estates
            },
            category: category.as_deref(),
            detail: &v.detail,
        })
        .collect();
    EvaluationDoc {
        schema: EVALUATION_SCHEMA,
        plan: &a.name,
        files: &a.found,
        model,
        clean: a.violations.is_empty(),
        npv: a.total_npv(),
        kpis: a.kpis.as_ref(),
        shared_services: a.kpis.as_ref().and_then(|k| k.shared_services.as_ref()),
        award,
        violations,
        version: env!("CARGO_PKG_VERSION"),
    }
}
