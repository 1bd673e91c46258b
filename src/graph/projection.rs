//! The bipartite graph projected on partners: who could pool spend with whom, and collaboration clusters.
//!
//! Two partners are joined when they share a supplier group or a category. Each pair records
//! - *pooled spend*: Σ over shared categories of both partners' spend in the category (what a joint tender for
//!   those categories would cover);
//! - *shared-supplier spend*: Σ over shared supplier groups of both partners' spend with the group, in any
//!   category (spend already going to a common supplier).
//!
//! Components use every edge. When most partners buy the same categories the projection is one component, so
//! collaboration clusters are Louvain communities of the projection weighted by **shared-supplier spend** (pairs
//! that share only categories carry no weight): partners that already pay the same suppliers, where a joint
//! contract is easiest.

use super::bipartite::{SpendRow, partners_with_contracts};
use super::communities::{WeightedEdge, connected_components, louvain, modularity};
use crate::domain::{Dataset, OrgIx};
use petgraph::graph::UnGraph;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One edge of the projection: two partners (positions in [`Projection::partners`], `a < b`).
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerPair {
    /// First partner (position in [`Projection::partners`]).
    pub a: usize,
    /// Second partner (position in [`Projection::partners`]), after `a`.
    pub b: usize,
    /// Categories both buy, in name order.
    pub shared_categories: Vec<String>,
    /// Supplier groups both pay, in key order (indices into the supplier groups).
    pub shared_suppliers: Vec<usize>,
    /// Σ over shared categories of both partners' spend in the category (GBP a year).
    pub pooled_spend: f64,
    /// Σ over shared supplier groups of both partners' spend with the group (GBP a year).
    pub shared_supplier_spend: f64,
}

/// The partner projection with its components and communities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Projection {
    /// The partners with contracts, in order of id: the nodes.
    pub partners: Vec<OrgIx>,
    /// Each partner's total annual spend.
    pub spend: Vec<f64>,
    /// Each partner's number of categories.
    pub categories: Vec<usize>,
    /// Each partner's number of supplier groups.
    pub suppliers: Vec<usize>,
    /// The edges, ordered by (a, b).
    pub pairs: Vec<PartnerPair>,
    /// Connected component of each partner (0-based, numbered by first partner).
    pub components: Vec<usize>,
    /// Louvain community of each partner on shared-supplier spend (0-based, numbered by first partner).
    pub communities: Vec<usize>,
    /// Modularity of the communities on the shared-supplier-spend weights.
    pub modularity: f64,
}

impl Projection {
    /// Builds the projection from the spend rows.
    pub fn of(data: &Dataset, rows: &[SpendRow]) -> Self {
        let partners = partners_with_contracts(data);
        let pos: BTreeMap<OrgIx, usize> =
            partners.iter().enumerate().map(|(i, &o)| (o, i)).collect();
        let n = partners.len();
        let mut by_cat: Vec<BTreeMap<&str, f64>> = vec![BTreeMap::new(); n];
        let mut by_group: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); n];
        for r in rows {
            let Some(&i) = pos.get(&r.org) else { continue };
            *by_cat[i].entry(r.category.as_str()).or_insert(0.0) += r.spend;
            *by_group[i].entry(r.group).or_insert(0.0) += r.spend;
        }
        let mut pairs = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                let cats: BTreeSet<&str> = by_cat[a]
                    .keys()
                    .filter(|c| by_cat[b].contains_key(*c))
                    .copied()
                    .collect();
                let sups: Vec<usize> = by_group[a]
                    .keys()
                    .filter(|g| by_group[b].contains_key(*g))
                    .copied()
                    .collect();
                if cats.is_empty() && sups.is_empty() {
                    continue;
                }
                let both_cat = |c: &&str| {
                    by_cat[a].get(*c).unwrap_or(&0.0) + by_cat[b].get(*c).unwrap_or(&0.0)
                };
                let both_grp = |g: &usize| {
                    by_group[a].get(g).unwrap_or(&0.0) + by_group[b].get(g).unwrap_or(&0.0)
                };
                pairs.push(PartnerPair {
                    a,
                    b,
                    pooled_spend: cats.iter().map(both_cat).sum(),
                    shared_supplier_spend: sups.iter().map(both_grp).sum(),
                    shared_categories: cats.iter().map(|c| c.to_string()).collect(),
                    shared_suppliers: sups,
                });
            }
        }
        let links: Vec<(usize, usize)> = pairs.iter().map(|p| (p.a, p.b)).collect();
        let weighted: Vec<WeightedEdge> = pairs
            .iter()
            .map(|p| (p.a, p.b, p.shared_supplier_spend))
            .collect();
        let communities = louvain(n, &weighted);
        Projection {
            spend: by_cat.iter().map(|m| m.values().sum()).collect(),
            categories: by_cat.iter().map(BTreeMap::len).collect(),
            suppliers: by_group.iter().map(BTreeMap::len).collect(),
            components: connected_components(n, &links),
            modularity: modularity(n, &weighted, &communities),
            communities,
            partners,
            pairs,
        }
    }

    /// Number of distinct labels in a labelling (labels are 0-based and dense).
    pub fn count(labels: &[usize]) -> usize {
        labels.iter().max().map_or(0, |m| m + 1)
    }

    /// Each partner's degree in the projection.
    pub fn degrees(&self) -> Vec<usize> {
        let mut d = vec![0; self.partners.len()];
        for p in &self.pairs {
            d[p.a] += 1;
            d[p.b] += 1;
        }
        d
    }

    /// The projection as a petgraph graph: nodes in partner order, edges in pair order.
    pub fn graph(&self, data: &Dataset) -> UnGraph<PartnerNode, PairEdge> {
        let mut g = UnGraph::default();
        let nodes: Vec<_> = self
            .partners
            .iter()
            .enumerate()
            .map(|(i, &o)| {
                g.add_node(PartnerNode {
                    id: data.org(o).id.clone(),
                    label: data.org(o).name.clone(),
                    spend: self.spend[i],
                    component: self.components[i] + 1,
                    community: self.communities[i] + 1,
                })
            })
            .collect();
        for p in &self.pairs {
            g.add_edge(
                nodes[p.a],
                nodes[p.b],
                PairEdge {
                    pooled_spend: p.pooled_spend,
                    shared_supplier_spend: p.shared_supplier_spend,
                    shared_categories: p.shared_categories.len(),
                    shared_suppliers: p.shared_suppliers.len(),
                },
            );
        }
        g
    }
}

/// A node of the projection graph.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerNode {
    /// Partner id.
    pub id: String,
    /// Partner name.
    pub label: String,
    /// Total annual spend (GBP a year).
    pub spend: f64,
    /// Connected component, numbered from 1.
    pub component: usize,
    /// Collaboration cluster (community), numbered from 1.
    pub community: usize,
}

impl fmt::Display for PartnerNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// An edge of the projection graph.
#[derive(Debug, Clone, PartialEq)]
pub struct PairEdge {
    /// Pooled spend over shared categories (GBP a year).
    pub pooled_spend: f64,
    /// Spend with shared supplier groups (GBP a year).
    pub shared_supplier_spend: f64,
    /// Number of shared categories.
    pub shared_categories: usize,
    /// Number of shared supplier groups.
    pub shared_suppliers: usize,
}

impl fmt::Display for PairEdge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:.0} pooled, {} shared suppliers",
            self.pooled_spend, self.shared_suppliers
        )
    }
}
