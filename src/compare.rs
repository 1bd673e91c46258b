//! Plans side by side: the same KPIs for every plan (the `compare` rows of the catalogue of headline figures,
//! [`crate::plan::headline`], then each partner's saving), a ranking, and the decisions that differ.
//!
//! Ranking rule (documented in the README): plans that keep every rule come first, ordered by total net present
//! value (estates plus award, highest first); plans that break rules follow, fewest violations first, then by
//! NPV. A plan that breaks a rule is never ranked above one that keeps them all, however large its NPV.

use crate::assess::Assessment;
use crate::domain::Dataset;
use crate::plan::SiteDecision;
use crate::plan::headline::{self, Better, Source, Unit, View};
use crate::text::csv_bytes;
use serde::Serialize;
use std::collections::BTreeMap;

/// One KPI across the plans.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KpiRow {
    /// Stable key (CSV column `kpi`).
    pub key: String,
    /// Label for people.
    pub label: String,
    /// Unit of the values (how they are written).
    pub unit: Unit,
    /// One value per plan, in the order the plans were given; `None` where the plan has no such figure.
    pub values: Vec<Option<f64>>,
    /// Which direction is better.
    pub better: Better,
}

/// One decision that is not the same in every plan.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Difference {
    /// `site`, `team`, `service` (a partner's function) or `contract`.
    pub kind: &'static str,
    /// The site, team or contract id.
    pub id: String,
    /// Its name (sites) or owner (teams, contracts).
    pub name: String,
    /// The decision in each plan, in words (`keep`, `release in year 2`, `S1`, `S1 60% + S2 40%`, ...).
    pub decisions: Vec<String>,
}

/// Several plans compared.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The plans, in the order given.
    pub plans: Vec<Assessment>,
    /// Rank of each plan (1 = best), in the order given.
    pub rank: Vec<usize>,
    /// KPIs, one row each.
    pub kpis: Vec<KpiRow>,
    /// Decisions that differ.
    pub differences: Vec<Difference>,
}

/// Compares assessed plans.
pub fn compare(data: &Dataset, plans: Vec<Assessment>) -> Comparison {
    let rank = ranks(&plans);
    let kpis = kpi_rows(&plans);
    let differences = site_differences(data, &plans)
        .chain(team_differences(data, &plans))
        .chain(service_differences(data, &plans))
        .chain(award_differences(data, &plans))
        .collect();
    Comparison {
        plans,
        rank,
        kpis,
        differences,
    }
}

fn ranks(plans: &[Assessment]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..plans.len()).collect();
    order.sort_by(|&a, &b| {
        let (pa, pb) = (&plans[a], &plans[b]);
        (pa.violations.len().min(1), pa.violations.len())
            .cmp(&(pb.violations.len().min(1), pb.violations.len()))
            .then(pb.total_npv().total_cmp(&pa.total_npv()))
            .then(a.cmp(&b))
    });
    let mut rank = vec![0; plans.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    rank
}

/// What the catalogue may read of an assessed plan.
pub fn source(a: &Assessment) -> Source<'_> {
    Source {
        kpis: a.kpis.as_ref(),
        award: a.awards.as_ref().map(|_| &a.award_figures),
        violations: Some(a.violations.len()),
    }
}

/// The rows of the figures catalogue that `compare` shows, one value per plan.
pub(crate) fn figure_rows(sources: &[Source<'_>]) -> Vec<KpiRow> {
    headline::in_view(View::Compare)
        .map(|f| KpiRow {
            key: f.key.into(),
            label: f.label(),
            unit: f.unit,
            values: sources.iter().map(|s| f.value(s)).collect(),
            better: f.better,
        })
        .collect()
}

fn kpi_rows(plans: &[Assessment]) -> Vec<KpiRow> {
    let sources: Vec<Source<'_>> = plans.iter().map(source).collect();
    let mut rows = figure_rows(&sources);
    let by_partner: Vec<BTreeMap<String, f64>> =
        plans.iter().map(Assessment::savings_by_partner).collect();
    let partners: std::collections::BTreeSet<&String> = by_partner
        .iter()
        .flat_map(|m| m.iter().filter(|(_, v)| v.abs() > 0.5).map(|(p, _)| p))
        .collect();
    for p in partners {
        rows.push(KpiRow {
            key: headline::partner_saving_key(p),
            label: headline::partner_saving_label(p),
            unit: Unit::Gbp,
            values: by_partner
                .iter()
                .map(|m| Some(m.get(p).copied().unwrap_or(0.0)))
                .collect(),
            better: Better::Higher,
        });
    }
    rows
}

/// Keeps the rows whose decisions are not all the same.
fn differing(rows: impl Iterator<Item = Difference>) -> impl Iterator<Item = Difference> {
    rows.filter(|d| d.decisions.iter().any(|x| x != &d.decisions[0]))
}

fn site_differences<'a>(
    data: &'a Dataset,
    plans: &'a [Assessment],
) -> impl Iterator<Item = Difference> + 'a {
    differing(data.sites.iter().enumerate().map(move |(i, s)| {
        Difference {
            kind: "site",
            id: s.id.clone(),
            name: s.name.clone(),
            decisions: plans
                .iter()
                .map(|a| match a.plan.sites[i] {
                    SiteDecision::Keep => "keep".to_string(),
                    SiteDecision::Release(y) => format!("release in year {y}"),
                })
                .collect(),
        }
    }))
}

fn team_differences<'a>(
    data: &'a Dataset,
    plans: &'a [Assessment],
) -> impl Iterator<Item = Difference> + 'a {
    differing(data.teams.iter().enumerate().map(move |(t, team)| {
        Difference {
            kind: "team",
            id: team.id.clone(),
            name: data.org(team.organisation).id.clone(),
            decisions: plans
                .iter()
                .map(|a| {
                    let places = &a.plan.teams[t];
                    match places.as_slice() {
                        [] => "no site".to_string(),
                        [(s, _)] => data.site(*s).id.clone(),
                        many => many
                            .iter()
                            .map(|(s, f)| format!("{} {:.0}%", data.site(*s).id, f * 100.0))
                            .collect::<Vec<_>>()
                            .join(" + "),
                    }
                })
                .collect(),
        }
    }))
}

/// Who delivers each partner's function: in house, today's shared service, or a hub the plan has it join.
fn service_differences<'a>(
    data: &'a Dataset,
    plans: &'a [Assessment],
) -> impl Iterator<Item = Difference> + 'a {
    let pairs = (0..data.organisations.len()).flat_map(move |o| {
        (0..data.functions.len()).map(move |f| (crate::domain::OrgIx(o as u32), f))
    });
    let today = move |org, f: usize| {
        data.service_members
            .iter()
            .find(|m| m.organisation == org && data.services[m.service].function == f)
            .map(|m| m.service)
    };
    let relevant = move |&(org, f): &(crate::domain::OrgIx, usize)| {
        today(org, f).is_some()
            || !crate::costing::services::in_house_teams(data, org, f).is_empty()
    };
    differing(pairs.filter(relevant).map(move |(org, f)| {
        let decisions = plans
            .iter()
            .map(|a| {
                let sp = &a.plan.services;
                match (sp.join_of(org, f), today(org, f)) {
                    (None, Some(s)) => format!("member of {} today", data.services[s].id),
                    _ => sp.delivery(data, org, f),
                }
            })
            .collect();
        Difference {
            kind: "service",
            id: crate::plan::services::pair_id(data, org, f),
            name: data.org(org).name.clone(),
            decisions,
        }
    }))
}

fn award_differences<'a>(
    data: &'a Dataset,
    plans: &'a [Assessment],
) -> impl Iterator<Item = Difference> + 'a {
    // Per plan: contract index -> its award lines in words.
    let words: Vec<Option<BTreeMap<usize, Vec<String>>>> = plans
        .iter()
        .map(|a| {
            a.awards.as_ref().map(|by_category| {
                let mut m: BTreeMap<usize, Vec<String>> = BTreeMap::new();
                for aw in by_category.values().flatten() {
                    let sup = &data.suppliers[aw.supplier.ix()].id;
                    let share = if aw.share < 1.0 - 1e-9 {
                        format!(" {:.0}%", aw.share * 100.0)
                    } else {
                        String::new()
                    };
                    m.entry(aw.contract)
                        .or_default()
                        .push(format!("{sup}{share} ({})", aw.timing.name()));
                }
                m
            })
        })
        .collect();
    differing(data.contracts.iter().enumerate().map(move |(k, c)| {
        Difference {
            kind: "contract",
            id: c.id.clone(),
            name: data.org(c.organisation).id.clone(),
            decisions: words
                .iter()
                .map(|w| match w {
                    None => "no award in this plan".to_string(),
                    Some(m) => m.get(&k).map_or_else(
                        || "renew with today's supplier".to_string(),
                        |v| v.join(" + "),
                    ),
                })
                .collect(),
        }
    }))
}

/// The comparison as an aligned text table (KPIs, then the first `max_differences` decisions that differ).
pub fn text_table(c: &Comparison, max_differences: usize) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["".to_string()];
    head.extend(c.plans.iter().map(|p| p.name.clone()));
    rows.push(head);
    for r in &table_rows(c) {
        let mut rec = vec![r.label.clone()];
        rec.extend(r.values.iter().map(|v| r.unit.text(*v)));
        rows.push(rec);
    }
    let mut out = aligned(&rows);
    out.push_str(&format!(
        "\ndecisions that differ: {}\n",
        c.differences.len()
    ));
    let mut diff_rows = vec![{
        let mut h = vec!["kind".to_string(), "id".to_string()];
        h.extend(c.plans.iter().map(|p| p.name.clone()));
        h
    }];
    for d in c.differences.iter().take(max_differences) {
        let mut rec = vec![d.kind.to_string(), d.id.clone()];
        rec.extend(d.decisions.iter().cloned());
        diff_rows.push(rec);
    }
    if diff_rows.len() > 1 {
        out.push_str(&aligned(&diff_rows));
    }
    if c.differences.len() > max_differences {
        out.push_str(&format!(
            "... and {} more (differences.csv has them all)\n",
            c.differences.len() - max_differences
        ));
    }
    out
}

/// Left-aligns the first column and right-aligns the others, padded to each column's widest cell.
fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 {
                    format!("{c:<w$}", w = width[i])
                } else {
                    format!("{c:>w$}", w = width[i])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The rows of `compare.csv` and `compare.json` (and of the terminal table): the `rank` row, then one row per KPI.
/// Both files are written from these rows so they cannot disagree.
pub fn table_rows(c: &Comparison) -> Vec<KpiRow> {
    let rank = KpiRow {
        key: "rank".into(),
        label: "Rank (1 = best)".into(),
        unit: Unit::Count,
        values: c.rank.iter().map(|&r| Some(r as f64)).collect(),
        better: Better::Lower,
    };
    std::iter::once(rank)
        .chain(c.kpis.iter().cloned())
        .collect()
}

/// `compare.csv`: one row per KPI, one column per plan (named by the plans' names), plus a `rank` row first.
pub fn kpis_csv(c: &Comparison) -> Vec<u8> {
    csv_bytes(|w| {
        let mut head = vec!["kpi".to_string(), "label".to_string()];
        head.extend(c.plans.iter().map(|p| p.name.clone()));
        w.write_record(&head)?;
        for r in &table_rows(c) {
            let mut rec = vec![r.key.clone(), r.label.clone()];
            rec.extend(r.values.iter().map(|v| r.unit.csv(*v)));
            w.write_record(&rec)?;
        }
        Ok(())
    })
}

/// `differences.csv`: one row per decision that differs: kind, id, name, then one column per plan.
pub fn differences_csv(c: &Comparison) -> Vec<u8> {
    csv_bytes(|w| {
        let mut head = vec!["kind".to_string(), "id".to_string(), "name".to_string()];
        head.extend(c.plans.iter().map(|p| p.name.clone()));
        w.write_record(&head)?;
        for d in &c.differences {
            let mut rec = vec![d.kind.to_string(), d.id.clone(), d.name.clone()];
            rec.extend(d.decisions.iter().cloned());
            w.write_record(&rec)?;
        }
        Ok(())
    })
}

/// The schema name and version of `compare.json`.
pub const COMPARE_SCHEMA: &str = "consolidate.compare/1";

/// One plan of `compare.json`.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct ComparedPlan<'a> {
    /// The plan's short name (the column header of `compare.csv` and `differences.csv`).
    pub name: &'a str,
    /// Its rank (1 = best; the ranking rule is in the README).
    pub rank: usize,
    /// Rules the independent checker finds broken.
    pub violations: usize,
    /// Which plan files were read.
    pub files: &'a [&'static str],
}

/// The `compare.json` document (schema `consolidate.compare/1`): the rows of `compare.csv` and
/// `differences.csv`, with numbers unrounded.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CompareDoc<'a> {
    /// Schema name and version.
    #[schemars(extend("const" = COMPARE_SCHEMA))]
    pub schema: &'static str,
    /// The plans, in the order given (the order of every `values` and `decisions` list).
    pub plans: Vec<ComparedPlan<'a>>,
    /// The rows of `compare.csv`: `rank`, then one per KPI; `values` has one entry per plan, null where the plan
    /// has no such figure.
    pub kpis: Vec<KpiRow>,
    /// The rows of `differences.csv`: every decision that is not the same in every plan.
    pub differences: &'a [Difference],
}

/// Builds the `compare.json` document.
pub fn compare_doc(c: &Comparison) -> CompareDoc<'_> {
    CompareDoc {
        schema: COMPARE_SCHEMA,
        plans: c
            .plans
            .iter()
            .zip(&c.rank)
            .map(|(p, &rank)| ComparedPlan {
                name: &p.name,
                rank,
                violations: p.violations.len(),
                files: &p.found,
            })
            .collect(),
        kpis: table_rows(c),
        differences: &c.differences,
    }
}
