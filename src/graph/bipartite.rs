//! The partner–supplier bipartite graph: contracts summed per (partner, supplier group, category).
//!
//! One [`SpendRow`] per (partner, supplier group, category) that has at least one contract; the graph has one
//! node per partner with contracts and one per supplier group with contracts, and one edge per row, so two
//! nodes are joined by parallel edges when the partner buys several categories from the group.

use super::names::SupplierGroups;
use crate::domain::{Dataset, OrgIx};
use petgraph::graph::UnGraph;
use std::collections::BTreeMap;
use std::fmt;

/// Spend of one partner with one supplier group in one category.
#[derive(Debug, Clone, PartialEq)]
pub struct SpendRow {
    /// The buying partner.
    pub org: OrgIx,
    /// The supplier group (index into [`SupplierGroups::groups`]).
    pub group: usize,
    /// The spend category.
    pub category: String,
    /// How many contracts the row sums.
    pub contracts: usize,
    /// Annual spend (GBP a year), the sum of the contracts' `annual_spend`.
    pub spend: f64,
}

/// Sums the contracts per (partner, supplier group, category), ordered by partner id, group key, category.
pub fn spend_rows(data: &Dataset, groups: &SupplierGroups) -> Vec<SpendRow> {
    // Keyed by the partner's id, not its index, so rows come out in id order whatever the file order.
    let mut acc: BTreeMap<(&str, usize, &str), (OrgIx, usize, f64)> = BTreeMap::new();
    for c in &data.contracts {
        let key = (
            data.org(c.organisation).id.as_str(),
            groups.group(c.supplier),
            c.category.as_str(),
        );
        let e = acc.entry(key).or_insert((c.organisation, 0, 0.0));
        e.1 += 1;
        e.2 += c.annual_spend;
    }
    acc.into_iter()
        .map(|((_, group, category), (org, contracts, spend))| SpendRow {
            org,
            group,
            category: category.to_string(),
            contracts,
            spend,
        })
        .collect()
}

/// The partners with at least one contract, in order of id.
pub fn partners_with_contracts(data: &Dataset) -> Vec<OrgIx> {
    let mut orgs: Vec<OrgIx> = data.contracts.iter().map(|c| c.organisation).collect();
    orgs.sort_by(|a, b| data.org(*a).id.cmp(&data.org(*b).id));
    orgs.dedup();
    orgs
}

/// What a node of the bipartite graph is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A partner body.
    Partner(OrgIx),
    /// A supplier group (index into [`SupplierGroups::groups`]).
    Supplier(usize),
}

/// A node of the bipartite graph.
#[derive(Debug, Clone, PartialEq)]
pub struct BiNode {
    /// Partner or supplier group.
    pub side: Side,
    /// The partner id or the supplier group key.
    pub id: String,
    /// The partner name, or the group key for a supplier group.
    pub label: String,
    /// Total annual spend on the node's edges (GBP a year).
    pub spend: f64,
}

impl fmt::Display for BiNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// An edge of the bipartite graph: one [`SpendRow`].
#[derive(Debug, Clone, PartialEq)]
pub struct BiEdge {
    /// The spend category.
    pub category: String,
    /// Annual spend (GBP a year).
    pub spend: f64,
    /// Contracts summed.
    pub contracts: usize,
}

impl fmt::Display for BiEdge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {:.0}", self.category, self.spend)
    }
}

/// Builds the bipartite graph: partner nodes (id order), then supplier-group nodes (key order), then one edge
/// per spend row in row order.
pub fn graph(
    data: &Dataset,
    groups: &SupplierGroups,
    rows: &[SpendRow],
) -> UnGraph<BiNode, BiEdge> {
    let mut g = UnGraph::default();
    let mut partner_spend: BTreeMap<&str, (OrgIx, f64)> = BTreeMap::new();
    let mut group_spend: BTreeMap<usize, f64> = BTreeMap::new();
    for r in rows {
        partner_spend
            .entry(data.org(r.org).id.as_str())
            .or_insert((r.org, 0.0))
            .1 += r.spend;
        *group_spend.entry(r.group).or_insert(0.0) += r.spend;
    }
    let mut partner_node = BTreeMap::new();
    for (id, (org, spend)) in partner_spend {
        let n = g.add_node(BiNode {
            side: Side::Partner(org),
            id: id.to_string(),
            label: data.org(org).name.clone(),
            spend,
        });
        partner_node.insert(org, n);
    }
    let mut group_node = BTreeMap::new();
    for (group, spend) in group_spend {
        let key = groups.groups[group].key.clone();
        let n = g.add_node(BiNode {
            side: Side::Supplier(group),
            id: key.clone(),
            label: key,
            spend,
        });
        group_node.insert(group, n);
    }
    for r in rows {
        // Both maps were filled from these very rows, so the lookups cannot fail.
        if let (Some(&a), Some(&b)) = (partner_node.get(&r.org), group_node.get(&r.group)) {
            g.add_edge(
                a,
                b,
                BiEdge {
                    category: r.category.clone(),
                    spend: r.spend,
                    contracts: r.contracts,
                },
            );
        }
    }
    g
}
