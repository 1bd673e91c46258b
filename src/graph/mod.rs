//! Graph models of the partners (petgraph): supplier overlaps, collaboration clusters, site proximity.
//!
//! [`analyse`] runs the whole `consolidate overlaps` analysis on a validated data set and [`outputs`] turns the
//! result into the files of the output folder. The pieces:
//! - [`names`]: supplier name normalisation and supplier groups;
//! - [`bipartite`]: spend per (partner, supplier group, category) and the partner–supplier graph;
//! - [`fragmentation`]: per-category concentration (top share, HHI) and aggregation candidates;
//! - [`projection`]: the partner projection, its components and Louvain collaboration clusters;
//! - [`communities`]: the deterministic component and Louvain algorithms;
//! - [`proximity`]: co-location pairs of sites of different partners (also used by the estates report);
//! - [`export`], [`tables`], [`summary`]: GraphML/DOT, CSV and Markdown output.
//!
//! Everything is ordered (ids, keys, `BTreeMap`s), so the same input gives byte-identical outputs.

pub mod bipartite;
pub mod communities;
pub mod export;
pub mod fragmentation;
pub mod names;
pub mod projection;
pub mod proximity;
pub mod summary;
pub mod tables;

use crate::domain::Dataset;
use bipartite::SpendRow;
use fragmentation::{Candidate, CategoryStats};
use names::SupplierGroups;
use projection::Projection;
use proximity::Proximity;

/// The procurement side of the analysis (present only when the data set has contracts).
#[derive(Debug, Clone, PartialEq)]
pub struct Procurement {
    /// Spend per (partner, supplier group, category): the bipartite graph's edges.
    pub rows: Vec<SpendRow>,
    /// The fragmentation table, by category.
    pub categories: Vec<CategoryStats>,
    /// The aggregation candidates.
    pub candidates: Vec<Candidate>,
    /// The partner projection with components and clusters.
    pub projection: Projection,
}

/// The whole overlap analysis of a data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlaps {
    /// Supplier groups by normalised name (all rows of `suppliers.csv`).
    pub groups: SupplierGroups,
    /// The procurement side; `None` when there are no contracts.
    pub procurement: Option<Procurement>,
    /// The site-proximity graph.
    pub proximity: Proximity,
}

/// Runs the analysis. `max_km` is the co-location distance limit.
pub fn analyse(data: &Dataset, max_km: f64) -> Overlaps {
    let groups = SupplierGroups::of(data);
    let procurement = (!data.contracts.is_empty()).then(|| {
        let rows = bipartite::spend_rows(data, &groups);
        let (categories, candidates) = fragmentation::fragmentation(data, &groups, &rows);
        let projection = Projection::of(data, &rows);
        Procurement {
            rows,
            categories,
            candidates,
            projection,
        }
    });
    Overlaps {
        groups,
        procurement,
        proximity: Proximity::of(data, max_km),
    }
}

/// One file of the output folder.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    /// File name inside the folder.
    pub name: &'static str,
    /// Contents.
    pub bytes: Vec<u8>,
    /// A few words on what it holds, for the command's stdout (for example "14 rows").
    pub note: String,
}

fn file(name: &'static str, bytes: Vec<u8>, note: String) -> OutputFile {
    OutputFile { name, bytes, note }
}

fn rows(n: usize) -> String {
    format!("{n} rows")
}

fn nodes_edges<N, E>(g: &petgraph::graph::UnGraph<N, E>) -> String {
    format!("{} nodes, {} edges", g.node_count(), g.edge_count())
}

/// Every output file, in a fixed order. Procurement files are left out when there are no contracts;
/// `supplier_merges.csv`, the proximity files and `overlaps.md` are always there.
pub fn outputs(data: &Dataset, o: &Overlaps, name: &str) -> Result<Vec<OutputFile>, csv::Error> {
    let mut files = Vec::new();
    if let Some(p) = &o.procurement {
        let g = bipartite::graph(data, &o.groups, &p.rows);
        let proj = p.projection.graph(data);
        files.extend([
            file(
                "supplier_spend.csv",
                tables::supplier_spend(data, &o.groups, &p.rows)?,
                rows(p.rows.len()),
            ),
            file(
                "fragmentation.csv",
                tables::fragmentation(&o.groups, &p.categories)?,
                rows(p.categories.len()),
            ),
            file(
                "aggregation.csv",
                tables::aggregation(data, &o.groups, &p.candidates)?,
                rows(p.candidates.len()),
            ),
            file(
                "partner_pairs.csv",
                tables::partner_pairs(data, &o.groups, &p.projection)?,
                rows(p.projection.pairs.len()),
            ),
            file(
                "clusters.csv",
                tables::clusters(data, &p.projection)?,
                rows(p.projection.partners.len()),
            ),
            file(
                "suppliers.graphml",
                export::graphml(&g, "suppliers").into_bytes(),
                nodes_edges(&g),
            ),
            file(
                "suppliers.dot",
                export::dot(&g).into_bytes(),
                nodes_edges(&g),
            ),
            file(
                "partners.graphml",
                export::graphml(&proj, "partners").into_bytes(),
                nodes_edges(&proj),
            ),
            file(
                "partners.dot",
                export::dot(&proj).into_bytes(),
                nodes_edges(&proj),
            ),
        ]);
    }
    let merged: usize = o.groups.merges().map(|g| g.members.len()).sum();
    let prox = o.proximity.graph(data);
    files.extend([
        file(
            "supplier_merges.csv",
            tables::supplier_merges(data, &o.groups)?,
            rows(merged),
        ),
        file(
            "proximity.csv",
            tables::proximity(data, &o.proximity)?,
            rows(o.proximity.pairs.len()),
        ),
        file(
            "colocation_groups.csv",
            tables::colocation_groups(data, &o.proximity)?,
            rows(o.proximity.group.iter().flatten().count()),
        ),
        file(
            "proximity.graphml",
            export::graphml(&prox, "proximity").into_bytes(),
            nodes_edges(&prox),
        ),
        file(
            "proximity.dot",
            export::dot(&prox).into_bytes(),
            nodes_edges(&prox),
        ),
        file(
            "overlaps.md",
            summary::render(data, o, name).into_bytes(),
            "summary".into(),
        ),
    ]);
    Ok(files)
}
