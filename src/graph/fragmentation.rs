//! How fragmented each category's spend is across supplier groups, and where partners already share a supplier.
//!
//! Concentration is measured by the top supplier group's share and the Herfindahl–Hirschman index (HHI), here on
//! the 0–1 scale: the sum of squared shares (1 = one supplier takes everything; 1/n = n equal suppliers; the
//! competition-authority scale of 0–10 000 is this times 10 000). An *aggregation candidate* is a supplier group
//! that two or more partners pay in the same category: the obvious place for a joint contract.

use super::bipartite::SpendRow;
use super::names::SupplierGroups;
use crate::domain::{Dataset, OrgIx};
use std::collections::{BTreeMap, BTreeSet};

/// The HHI (0–1) of a set of spends: Σ (s_i / Σ s)². `None` when the total is not positive.
pub fn hhi(spends: &[f64]) -> Option<f64> {
    let total: f64 = spends.iter().sum();
    (total > 0.0).then(|| spends.iter().map(|s| (s / total).powi(2)).sum())
}

/// One row of the fragmentation table.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryStats {
    /// The spend category.
    pub category: String,
    /// Partners with a contract in it.
    pub partners: usize,
    /// Supplier groups paid in it (after merging names).
    pub suppliers: usize,
    /// Supplier rows (ids) paid in it, before merging names.
    pub supplier_ids: usize,
    /// Contracts in it.
    pub contracts: usize,
    /// Total annual spend (GBP a year).
    pub spend: f64,
    /// The supplier group with the most spend (ties: smallest key).
    pub top_group: Option<usize>,
    /// The top group's share of the spend; `None` when the spend is zero.
    pub top_share: Option<f64>,
    /// HHI on the 0–1 scale; `None` when the spend is zero.
    pub hhi: Option<f64>,
    /// Supplier groups paid by two or more partners in the category.
    pub candidates: usize,
    /// Spend with those groups (GBP a year).
    pub candidate_spend: f64,
}

/// An aggregation candidate: a supplier group paid by two or more partners in one category.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The spend category.
    pub category: String,
    /// The supplier group.
    pub group: usize,
    /// The partners paying it, in order of id.
    pub partners: Vec<OrgIx>,
    /// Their combined annual spend with it in the category (GBP a year).
    pub spend: f64,
    /// That spend as a share of the category's spend.
    pub share: f64,
}

/// Per category, the spend of each supplier group and who pays it.
#[derive(Default)]
struct Category<'a> {
    by_group: BTreeMap<usize, (f64, BTreeSet<&'a str>)>,
    partners: BTreeSet<&'a str>,
    contracts: usize,
}

/// The fragmentation table (by category name) and the aggregation candidates (by category, then spend
/// descending, then group key).
pub fn fragmentation(
    data: &Dataset,
    groups: &SupplierGroups,
    rows: &[SpendRow],
) -> (Vec<CategoryStats>, Vec<Candidate>) {
    let mut cats: BTreeMap<&str, Category> = BTreeMap::new();
    let mut org_of: BTreeMap<&str, OrgIx> = BTreeMap::new();
    for r in rows {
        let id = data.org(r.org).id.as_str();
        org_of.insert(id, r.org);
        let c = cats.entry(r.category.as_str()).or_default();
        c.partners.insert(id);
        c.contracts += r.contracts;
        let g = c.by_group.entry(r.group).or_insert((0.0, BTreeSet::new()));
        g.0 += r.spend;
        g.1.insert(id);
    }
    let mut ids_per_cat: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for k in &data.contracts {
        ids_per_cat
            .entry(k.category.as_str())
            .or_default()
            .insert(data.supplier(k.supplier).id.as_str());
    }
    let mut stats = Vec::new();
    let mut candidates = Vec::new();
    for (name, c) in &cats {
        let spend: f64 = c.by_group.values().map(|(s, _)| s).sum();
        let spends: Vec<f64> = c.by_group.values().map(|(s, _)| *s).collect();
        // Groups iterate in key order, so a strict > keeps the smallest key among equal spends.
        let mut top: Option<(usize, f64)> = None;
        for (&g, (s, _)) in &c.by_group {
            if top.is_none_or(|(_, best)| *s > best) {
                top = Some((g, *s));
            }
        }
        let mut cands: Vec<Candidate> = c
            .by_group
            .iter()
            .filter(|(_, (_, payers))| payers.len() >= 2)
            .map(|(&g, (s, payers))| Candidate {
                category: name.to_string(),
                group: g,
                partners: payers
                    .iter()
                    .filter_map(|p| org_of.get(p).copied())
                    .collect(),
                spend: *s,
                share: if spend > 0.0 { s / spend } else { 0.0 },
            })
            .collect();
        cands.sort_by(|a, b| {
            b.spend
                .total_cmp(&a.spend)
                .then_with(|| groups.groups[a.group].key.cmp(&groups.groups[b.group].key))
        });
        stats.push(CategoryStats {
            category: name.to_string(),
            partners: c.partners.len(),
            suppliers: c.by_group.len(),
            supplier_ids: ids_per_cat.get(name).map_or(0, BTreeSet::len),
            contracts: c.contracts,
            spend,
            top_group: top.map(|(g, _)| g),
            top_share: top.and_then(|(_, s)| (spend > 0.0).then(|| s / spend)),
            hhi: hhi(&spends),
            candidates: cands.len(),
            candidate_spend: cands.iter().map(|c| c.spend).sum(),
        });
        candidates.extend(cands);
    }
    (stats, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hhi_by_hand() {
        // Shares 0.6, 0.3, 0.1: 0.36 + 0.09 + 0.01.
        let h = hhi(&[600.0, 300.0, 100.0]).unwrap_or(f64::NAN);
        assert!((h - 0.46).abs() < 1e-12, "{h}");
        assert_eq!(hhi(&[5.0]), Some(1.0));
        let four = hhi(&[1.0; 4]).unwrap_or(f64::NAN);
        assert!((four - 0.25).abs() < 1e-12);
    }

    #[test]
    fn hhi_of_no_spend_is_undefined() {
        assert_eq!(hhi(&[]), None);
        assert_eq!(hhi(&[0.0, 0.0]), None);
    }
}
