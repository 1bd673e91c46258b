//! The summary of a data set that `validate` prints: what is in it, in the units analysts use.

use crate::domain::{Dataset, Function, OrgKind};
use crate::text::money;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Counts and totals of a data set.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Summary {
    /// Organisations by kind.
    pub organisations_by_kind: BTreeMap<OrgKind, usize>,
    /// Sites.
    pub sites: usize,
    /// Total floor area (m2).
    pub floor_area_m2: f64,
    /// Total desks.
    pub desks: u64,
    /// Total annual running cost (GBP a year).
    pub running_cost_gbp: f64,
    /// Total backlog maintenance (GBP).
    pub backlog_gbp: f64,
    /// Teams by function.
    pub teams_by_function: BTreeMap<Function, usize>,
    /// Headcount by function.
    pub headcount_by_function: BTreeMap<Function, u64>,
    /// Teams.
    pub teams: usize,
    /// Total headcount.
    pub headcount: u64,
    /// Zones.
    pub zones: usize,
    /// Total population of the zones.
    pub population: u64,
    /// Contracts by category.
    pub contracts_by_category: BTreeMap<String, usize>,
    /// Annual contract spend by category (GBP a year).
    pub spend_by_category_gbp: BTreeMap<String, f64>,
    /// Total annual contract spend (GBP a year).
    pub contract_spend_gbp: f64,
    /// Suppliers.
    pub suppliers: usize,
}

impl Summary {
    /// Computes the summary.
    pub fn of(data: &Dataset) -> Self {
        let mut s = Summary {
            organisations_by_kind: BTreeMap::new(),
            sites: data.sites.len(),
            floor_area_m2: data.sites.iter().map(|s| s.floor_area_m2).sum(),
            desks: data.total_desks(),
            running_cost_gbp: data.sites.iter().map(|s| s.running.total()).sum(),
            backlog_gbp: data.sites.iter().map(|s| s.backlog).sum(),
            teams_by_function: BTreeMap::new(),
            headcount_by_function: BTreeMap::new(),
            teams: data.teams.len(),
            headcount: data.total_headcount(),
            zones: data.zones.len(),
            population: data.zones.iter().map(|z| z.population).sum(),
            contracts_by_category: BTreeMap::new(),
            spend_by_category_gbp: BTreeMap::new(),
            contract_spend_gbp: data.contracts.iter().map(|c| c.annual_spend).sum(),
            suppliers: data.suppliers.len(),
        };
        for o in &data.organisations {
            *s.organisations_by_kind.entry(o.kind).or_default() += 1;
        }
        for t in &data.teams {
            *s.teams_by_function.entry(t.function.clone()).or_default() += 1;
            *s.headcount_by_function
                .entry(t.function.clone())
                .or_default() += u64::from(t.headcount);
        }
        for c in &data.contracts {
            *s.contracts_by_category
                .entry(c.category.clone())
                .or_default() += 1;
            *s.spend_by_category_gbp
                .entry(c.category.clone())
                .or_default() += c.annual_spend;
        }
        s
    }

    /// The summary as aligned text for a terminal.
    pub fn to_text(&self) -> String {
        let mut o = String::new();
        let orgs: usize = self.organisations_by_kind.values().sum();
        let _ = writeln!(o, "Organisations      {orgs:>12}");
        for (k, n) in &self.organisations_by_kind {
            let _ = writeln!(o, "  {:<17}{n:>12}", k.as_str());
        }
        let _ = writeln!(o, "Sites              {:>12}", self.sites);
        let _ = writeln!(o, "  floor area m2    {:>12}", money(self.floor_area_m2));
        let _ = writeln!(o, "  desks            {:>12}", self.desks);
        let _ = writeln!(
            o,
            "  running cost GBP/yr {:>9}",
            money(self.running_cost_gbp)
        );
        let _ = writeln!(o, "  backlog GBP      {:>12}", money(self.backlog_gbp));
        let _ = writeln!(
            o,
            "Teams              {:>12}   headcount {:>8}",
            self.teams, self.headcount
        );
        for (f, n) in &self.teams_by_function {
            let h = self.headcount_by_function.get(f).copied().unwrap_or(0);
            let _ = writeln!(o, "  {:<17}{n:>12}   headcount {h:>8}", f.0);
        }
        let _ = writeln!(
            o,
            "Zones              {:>12}   population {:>9}",
            self.zones, self.population
        );
        if !self.contracts_by_category.is_empty() {
            let n: usize = self.contracts_by_category.values().sum();
            let _ = writeln!(
                o,
                "Contracts          {n:>12}   spend GBP/yr {:>13}   suppliers {}",
                money(self.contract_spend_gbp),
                self.suppliers
            );
            for (c, n) in &self.contracts_by_category {
                let spend = self.spend_by_category_gbp.get(c).copied().unwrap_or(0.0);
                let _ = writeln!(o, "  {c:<26}{n:>3}   spend GBP/yr {:>13}", money(spend));
            }
        }
        o
    }
}
