//! The CSV tables of `consolidate overlaps` (columns documented in `docs/overlaps.md`).
//!
//! Money has two decimals, shares and HHI six, distances three; lists inside one cell are joined by `;`. Every
//! table is written in a fixed order so the same input gives the same bytes.

use super::bipartite::SpendRow;
use super::fragmentation::{Candidate, CategoryStats};
use super::names::SupplierGroups;
use super::projection::Projection;
use super::proximity::Proximity;
use crate::domain::Dataset;
use crate::text::CsvOut;

/// A table being built: a header and rows of cells, written like every output CSV (see [`CsvOut`]).
struct Table(CsvOut);

impl Table {
    fn new(header: &[&str]) -> Result<Self, csv::Error> {
        let mut w = CsvOut::new();
        w.write_record(header)?;
        Ok(Table(w))
    }

    fn row(&mut self, cells: &[String]) -> Result<(), csv::Error> {
        self.0.write_record(cells)
    }

    fn bytes(self) -> Result<Vec<u8>, csv::Error> {
        self.0.into_bytes()
    }
}

/// Money, GBP with pence.
pub fn money(x: f64) -> String {
    format!("{x:.2}")
}

/// A share or index in 0–1.
pub fn ratio(x: f64) -> String {
    format!("{x:.6}")
}

fn opt_ratio(x: Option<f64>) -> String {
    x.map(ratio).unwrap_or_default()
}

/// `supplier_spend.csv`: the bipartite graph's edges.
pub fn supplier_spend(
    data: &Dataset,
    groups: &SupplierGroups,
    rows: &[SpendRow],
) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "organisation",
        "organisation_name",
        "supplier_group",
        "supplier_ids",
        "category",
        "contracts",
        "annual_spend_gbp",
    ])?;
    for r in rows {
        let org = data.org(r.org);
        let g = &groups.groups[r.group];
        t.row(&[
            org.id.clone(),
            org.name.clone(),
            g.key.clone(),
            g.member_ids(data),
            r.category.clone(),
            r.contracts.to_string(),
            money(r.spend),
        ])?;
    }
    t.bytes()
}

/// `fragmentation.csv`: one row per category.
pub fn fragmentation(
    groups: &SupplierGroups,
    stats: &[CategoryStats],
) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "category",
        "partners",
        "suppliers",
        "supplier_ids",
        "contracts",
        "annual_spend_gbp",
        "top_supplier_group",
        "top_share",
        "hhi",
        "aggregation_candidates",
        "aggregation_spend_gbp",
    ])?;
    for s in stats {
        t.row(&[
            s.category.clone(),
            s.partners.to_string(),
            s.suppliers.to_string(),
            s.supplier_ids.to_string(),
            s.contracts.to_string(),
            money(s.spend),
            s.top_group
                .map(|g| groups.groups[g].key.clone())
                .unwrap_or_default(),
            opt_ratio(s.top_share),
            opt_ratio(s.hhi),
            s.candidates.to_string(),
            money(s.candidate_spend),
        ])?;
    }
    t.bytes()
}

/// `aggregation.csv`: one row per (category, supplier group) paid by two or more partners.
pub fn aggregation(
    data: &Dataset,
    groups: &SupplierGroups,
    candidates: &[Candidate],
) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "category",
        "supplier_group",
        "supplier_ids",
        "partners",
        "partner_ids",
        "annual_spend_gbp",
        "share_of_category",
    ])?;
    for c in candidates {
        let g = &groups.groups[c.group];
        let ids: Vec<&str> = c
            .partners
            .iter()
            .map(|&o| data.org(o).id.as_str())
            .collect();
        t.row(&[
            c.category.clone(),
            g.key.clone(),
            g.member_ids(data),
            c.partners.len().to_string(),
            ids.join(";"),
            money(c.spend),
            ratio(c.share),
        ])?;
    }
    t.bytes()
}

/// `partner_pairs.csv`: the projection's edges.
pub fn partner_pairs(
    data: &Dataset,
    groups: &SupplierGroups,
    p: &Projection,
) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "organisation_a",
        "organisation_b",
        "name_a",
        "name_b",
        "shared_categories",
        "shared_suppliers",
        "pooled_spend_gbp",
        "shared_supplier_spend_gbp",
        "same_cluster",
        "category_list",
        "supplier_list",
    ])?;
    for pair in &p.pairs {
        let (a, b) = (data.org(p.partners[pair.a]), data.org(p.partners[pair.b]));
        let sups: Vec<&str> = pair
            .shared_suppliers
            .iter()
            .map(|&g| groups.groups[g].key.as_str())
            .collect();
        t.row(&[
            a.id.clone(),
            b.id.clone(),
            a.name.clone(),
            b.name.clone(),
            pair.shared_categories.len().to_string(),
            pair.shared_suppliers.len().to_string(),
            money(pair.pooled_spend),
            money(pair.shared_supplier_spend),
            (p.communities[pair.a] == p.communities[pair.b]).to_string(),
            pair.shared_categories.join(";"),
            sups.join(";"),
        ])?;
    }
    t.bytes()
}

/// `clusters.csv`: one row per partner with contracts, by cluster then partner id.
pub fn clusters(data: &Dataset, p: &Projection) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "cluster",
        "cluster_size",
        "component",
        "organisation",
        "name",
        "annual_spend_gbp",
        "categories",
        "suppliers",
        "linked_partners",
    ])?;
    let n = Projection::count(&p.communities);
    let mut size = vec![0usize; n];
    for &c in &p.communities {
        size[c] += 1;
    }
    let degrees = p.degrees();
    // Partners are already in id order, so a stable sort by cluster keeps id order inside each cluster.
    let mut order: Vec<usize> = (0..p.partners.len()).collect();
    order.sort_by_key(|&i| p.communities[i]);
    for i in order {
        let org = data.org(p.partners[i]);
        t.row(&[
            (p.communities[i] + 1).to_string(),
            size[p.communities[i]].to_string(),
            (p.components[i] + 1).to_string(),
            org.id.clone(),
            org.name.clone(),
            money(p.spend[i]),
            p.categories[i].to_string(),
            p.suppliers[i].to_string(),
            degrees[i].to_string(),
        ])?;
    }
    t.bytes()
}

/// `supplier_merges.csv`: one row per supplier in a group of two or more.
pub fn supplier_merges(data: &Dataset, groups: &SupplierGroups) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&["group_key", "members", "supplier_id", "supplier_name"])?;
    for g in groups.merges() {
        for &m in &g.members {
            let s = data.supplier(m);
            t.row(&[
                g.key.clone(),
                g.members.len().to_string(),
                s.id.clone(),
                s.name.clone(),
            ])?;
        }
    }
    t.bytes()
}

/// `proximity.csv`: the proximity graph's edges, nearest first.
pub fn proximity(data: &Dataset, prox: &Proximity) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "site_a",
        "organisation_a",
        "name_a",
        "site_b",
        "organisation_b",
        "name_b",
        "km",
        "group",
    ])?;
    for p in &prox.pairs {
        let (a, b) = (data.site(p.a), data.site(p.b));
        t.row(&[
            a.id.clone(),
            data.org(a.organisation).id.clone(),
            a.name.clone(),
            b.id.clone(),
            data.org(b.organisation).id.clone(),
            b.name.clone(),
            format!("{:.3}", p.km),
            prox.group_of(p.a)
                .map(|g| g.to_string())
                .unwrap_or_default(),
        ])?;
    }
    t.bytes()
}

/// `colocation_groups.csv`: the sites of each co-location group, by group then site id.
pub fn colocation_groups(data: &Dataset, prox: &Proximity) -> Result<Vec<u8>, csv::Error> {
    let mut t = Table::new(&[
        "group",
        "site",
        "organisation",
        "name",
        "kind",
        "borough",
        "lat",
        "lon",
    ])?;
    let mut members: Vec<(usize, &str, usize)> = prox
        .sites
        .iter()
        .zip(&prox.group)
        .filter_map(|(s, g)| g.map(|g| (g, data.site(*s).id.as_str(), s.ix())))
        .collect();
    members.sort();
    for (g, _, i) in members {
        let s = &data.sites[i];
        let (lat, lon) = s.location.map_or((String::new(), String::new()), |p| {
            (format!("{:.6}", p.lat), format!("{:.6}", p.lon))
        });
        t.row(&[
            g.to_string(),
            s.id.clone(),
            data.org(s.organisation).id.clone(),
            s.name.clone(),
            s.kind.as_str().to_string(),
            s.borough.clone(),
            lat,
            lon,
        ])?;
    }
    t.bytes()
}
