//! Site proximity: sites of different partners close enough to share a building.
//!
//! Two sites with coordinates, owned by different organisations, at most `max_km` apart by great-circle
//! (haversine) distance, are a co-location candidate. The proximity graph has every located site as a node and
//! every candidate pair as an edge; its connected components with two or more sites are co-location groups.
//! A plain O(n²) loop is enough: n is a few hundred to a thousand sites.

use super::communities::connected_components;
use crate::domain::{Dataset, SiteIx};
use crate::geo::{EARTH_RADIUS_KM, haversine_km};
use petgraph::graph::UnGraph;
use std::fmt;

/// Two sites of different organisations within the distance limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColocationPair {
    /// The first site (the smaller index).
    pub a: SiteIx,
    /// The second site.
    pub b: SiteIx,
    /// Haversine distance in km.
    pub km: f64,
}

/// Every co-location pair within `max_km`, ordered by distance, then by the site indices.
///
/// Sites without coordinates, pairs of one organisation, and a `max_km` that is negative or not a number give no
/// pairs.
pub fn colocation_pairs(data: &Dataset, max_km: f64) -> Vec<ColocationPair> {
    let located: Vec<(usize, crate::domain::LatLon)> = data
        .sites
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.location.map(|p| (i, p)))
        .collect();
    // One degree of latitude is ~111 km everywhere: a cheap test that skips most haversine calls.
    let max_dlat = (max_km / EARTH_RADIUS_KM).to_degrees();
    let mut pairs = Vec::new();
    for (x, &(i, p)) in located.iter().enumerate() {
        for &(j, q) in &located[x + 1..] {
            if data.sites[i].organisation == data.sites[j].organisation
                || (p.lat - q.lat).abs() > max_dlat
            {
                continue;
            }
            let km = haversine_km(p, q);
            if km <= max_km {
                pairs.push(ColocationPair {
                    a: SiteIx(i as u32),
                    b: SiteIx(j as u32),
                    km,
                });
            }
        }
    }
    pairs.sort_by(|x, y| {
        x.km.total_cmp(&y.km)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    pairs
}

/// The proximity graph and its co-location groups.
#[derive(Debug, Clone, PartialEq)]
pub struct Proximity {
    /// The distance limit (km).
    pub max_km: f64,
    /// The sites with coordinates, in file order: the nodes.
    pub sites: Vec<SiteIx>,
    /// The co-location pairs: the edges.
    pub pairs: Vec<ColocationPair>,
    /// For each node, its co-location group (numbered from 1 by first site), or `None` for a site with no pair.
    pub group: Vec<Option<usize>>,
}

impl Proximity {
    /// Finds the pairs and groups.
    pub fn of(data: &Dataset, max_km: f64) -> Self {
        let sites: Vec<SiteIx> = (0..data.sites.len())
            .filter(|&i| data.sites[i].location.is_some())
            .map(|i| SiteIx(i as u32))
            .collect();
        let mut pos = vec![usize::MAX; data.sites.len()];
        for (n, s) in sites.iter().enumerate() {
            pos[s.ix()] = n;
        }
        let pairs = colocation_pairs(data, max_km);
        let links: Vec<(usize, usize)> = pairs
            .iter()
            .map(|p| (pos[p.a.ix()], pos[p.b.ix()]))
            .collect();
        let comp = connected_components(sites.len(), &links);
        let mut size = vec![0usize; sites.len()];
        for &c in &comp {
            size[c] += 1;
        }
        // Renumber the components of two or more sites 1, 2, ... in order of their first site.
        let mut number = vec![None; sites.len()];
        let mut next = 0;
        let group = comp
            .iter()
            .map(|&c| {
                (size[c] > 1).then(|| {
                    *number[c].get_or_insert_with(|| {
                        next += 1;
                        next
                    })
                })
            })
            .collect();
        Proximity {
            max_km,
            sites,
            pairs,
            group,
        }
    }

    /// The group of a site, if it is a node in some group.
    pub fn group_of(&self, s: SiteIx) -> Option<usize> {
        self.sites
            .binary_search(&s)
            .ok()
            .and_then(|n| self.group[n])
    }

    /// Number of co-location groups.
    pub fn groups(&self) -> usize {
        self.group.iter().flatten().max().copied().unwrap_or(0)
    }

    /// The proximity graph: located sites (file order) and one edge per pair (pair order).
    pub fn graph(&self, data: &Dataset) -> UnGraph<SiteNode, KmEdge> {
        let mut g = UnGraph::default();
        let nodes: Vec<_> = self
            .sites
            .iter()
            .zip(&self.group)
            .map(|(&s, &group)| {
                let site = data.site(s);
                g.add_node(SiteNode {
                    id: site.id.clone(),
                    label: site.name.clone(),
                    organisation: data.org(site.organisation).id.clone(),
                    kind: site.kind.as_str().to_string(),
                    group,
                })
            })
            .collect();
        for p in &self.pairs {
            if let (Ok(a), Ok(b)) = (
                self.sites.binary_search(&p.a),
                self.sites.binary_search(&p.b),
            ) {
                g.add_edge(nodes[a], nodes[b], KmEdge { km: p.km });
            }
        }
        g
    }
}

/// A node of the proximity graph.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteNode {
    /// Site id.
    pub id: String,
    /// Site name.
    pub label: String,
    /// Owner's id.
    pub organisation: String,
    /// Site kind, as spelled in `sites.csv`.
    pub kind: String,
    /// Co-location group, if any.
    pub group: Option<usize>,
}

impl fmt::Display for SiteNode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label, self.organisation)
    }
}

/// An edge of the proximity graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KmEdge {
    /// Distance in km.
    pub km: f64,
}

impl fmt::Display for KmEdge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} km", self.km)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Dataset {
        crate::input::tiny_for_tests()
    }

    #[test]
    fn pairs_skip_one_owner_and_sort_by_distance() {
        let data = tiny();
        let pairs = colocation_pairs(&data, 5.0);
        assert!(!pairs.is_empty());
        for p in &pairs {
            assert!(p.a < p.b && p.km <= 5.0);
            assert_ne!(data.site(p.a).organisation, data.site(p.b).organisation);
            let d = haversine_km(
                data.site(p.a)
                    .location
                    .unwrap_or(crate::domain::LatLon { lat: 0.0, lon: 0.0 }),
                data.site(p.b)
                    .location
                    .unwrap_or(crate::domain::LatLon { lat: 0.0, lon: 0.0 }),
            );
            assert_eq!(d, p.km);
        }
        assert!(pairs.windows(2).all(|w| w[0].km <= w[1].km));
        // S1 and S2 are 2.9 km apart but both T1's: never a pair.
        assert!(!pairs.iter().any(|p| (p.a.ix(), p.b.ix()) == (0, 1)));
        assert!(colocation_pairs(&data, -1.0).is_empty());
        assert!(colocation_pairs(&data, f64::NAN).is_empty());
    }

    #[test]
    fn groups_are_components_of_two_or_more() {
        let data = tiny();
        let prox = Proximity::of(&data, 2.0);
        assert_eq!(prox.pairs.len(), 1);
        assert_eq!(prox.groups(), 1);
        assert_eq!(prox.group_of(SiteIx(0)), Some(1));
        assert_eq!(prox.group_of(SiteIx(2)), Some(1));
        assert_eq!(prox.group_of(SiteIx(1)), None);
        let g = prox.graph(&data);
        assert_eq!((g.node_count(), g.edge_count()), (6, 1));
    }
}
