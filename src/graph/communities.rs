//! Connected components and Louvain communities of a weighted undirected graph, both deterministic.
//!
//! Louvain (Blondel et al. 2008) moves each node to the neighbouring community with the largest modularity gain,
//! repeats until no node moves, then merges each community into one node and starts again, until a level moves
//! nothing. Determinism comes from three choices: nodes are visited in index order, candidate communities are
//! tried in ascending label order and a move needs a strictly larger gain (so ties go to the current community,
//! then to the smallest label), and the final labels are renumbered by first appearance in node order.

use petgraph::unionfind::UnionFind;
use std::collections::BTreeMap;

/// A weighted undirected edge between two node indices.
pub type WeightedEdge = (usize, usize, f64);

/// Renumbers labels 0, 1, ... in order of first appearance, so label 0 holds node 0.
fn renumber(labels: &[usize]) -> Vec<usize> {
    let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
    labels
        .iter()
        .map(|&l| {
            let next = seen.len();
            *seen.entry(l).or_insert(next)
        })
        .collect()
}

/// Connected components: a label per node, numbered from 0 by first appearance in node order.
pub fn connected_components(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut uf = UnionFind::<usize>::new(n);
    for &(a, b) in edges {
        uf.union(a, b);
    }
    renumber(&(0..n).map(|i| uf.find(i)).collect::<Vec<_>>())
}

/// The graph of one Louvain level: adjacency without self-loops, plus each node's self-loop weight.
struct Level {
    adj: Vec<BTreeMap<usize, f64>>,
    self_loop: Vec<f64>,
}

impl Level {
    fn new(n: usize, edges: &[WeightedEdge]) -> Self {
        let mut level = Level {
            adj: vec![BTreeMap::new(); n],
            self_loop: vec![0.0; n],
        };
        for &(a, b, w) in edges {
            // Only positive finite weights carry modularity; anything else is no edge.
            if !(w.is_finite() && w > 0.0) || a >= n || b >= n {
                continue;
            }
            if a == b {
                level.self_loop[a] += w;
            } else {
                *level.adj[a].entry(b).or_insert(0.0) += w;
                *level.adj[b].entry(a).or_insert(0.0) += w;
            }
        }
        level
    }

    /// Weighted degree; a self-loop counts twice, as in the adjacency matrix convention A_ii = 2w.
    fn degree(&self, i: usize) -> f64 {
        self.adj[i].values().sum::<f64>() + 2.0 * self.self_loop[i]
    }

    /// One round of local moves. Returns the community of each node and whether any node moved.
    fn local_moves(&self, two_m: f64) -> (Vec<usize>, bool) {
        let n = self.adj.len();
        let k: Vec<f64> = (0..n).map(|i| self.degree(i)).collect();
        let mut comm: Vec<usize> = (0..n).collect();
        let mut tot = k.clone();
        let eps = 1e-12 * two_m.max(1.0);
        let mut any = false;
        // A pass cap guards against float cycles; in practice Louvain settles in a handful of passes.
        for _ in 0..1000 {
            let mut moved = false;
            for i in 0..n {
                let old = comm[i];
                let mut k_in: BTreeMap<usize, f64> = BTreeMap::new();
                for (&j, &w) in &self.adj[i] {
                    *k_in.entry(comm[j]).or_insert(0.0) += w;
                }
                tot[old] -= k[i];
                let gain = |c: usize, kic: f64| kic - tot[c] * k[i] / two_m;
                let mut best = old;
                let mut best_gain = gain(old, k_in.get(&old).copied().unwrap_or(0.0));
                for (&c, &kic) in &k_in {
                    let g = gain(c, kic);
                    if g > best_gain + eps {
                        best = c;
                        best_gain = g;
                    }
                }
                tot[best] += k[i];
                if best != old {
                    comm[i] = best;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
            any = true;
        }
        (renumber(&comm), any)
    }

    /// The graph whose nodes are the communities of this one.
    fn aggregate(&self, comm: &[usize]) -> Level {
        let k = comm.iter().max().map_or(0, |m| m + 1);
        let mut edges: Vec<WeightedEdge> = Vec::new();
        for (i, nbrs) in self.adj.iter().enumerate() {
            edges.push((comm[i], comm[i], self.self_loop[i]));
            for (&j, &w) in nbrs {
                // Each undirected edge appears twice in the adjacency; keep it once.
                if i < j {
                    edges.push((comm[i], comm[j], w));
                }
            }
        }
        Level::new(k, &edges)
    }
}

/// Louvain communities: a label per node, numbered from 0 by first appearance in node order.
///
/// Edges with a weight that is not a positive finite number are ignored; a node with no such edge is a community
/// of its own.
pub fn louvain(n: usize, edges: &[WeightedEdge]) -> Vec<usize> {
    let mut level = Level::new(n, edges);
    let two_m: f64 = (0..n).map(|i| level.degree(i)).sum();
    let mut labels: Vec<usize> = (0..n).collect();
    if two_m <= 0.0 {
        return labels;
    }
    // Each level either merges at least two nodes or stops, so n levels is a hard upper bound.
    for _ in 0..n.max(1) {
        let (comm, moved) = level.local_moves(two_m);
        if !moved {
            break;
        }
        for l in labels.iter_mut() {
            *l = comm[*l];
        }
        level = level.aggregate(&comm);
    }
    renumber(&labels)
}

/// Newman–Girvan modularity of a labelling: Σ_c (in_c / m − (tot_c / 2m)²), in [−0.5, 1]; 0 with no edges.
pub fn modularity(n: usize, edges: &[WeightedEdge], labels: &[usize]) -> f64 {
    let level = Level::new(n, edges);
    let two_m: f64 = (0..n).map(|i| level.degree(i)).sum();
    if two_m <= 0.0 || labels.len() != n {
        return 0.0;
    }
    let mut inside: BTreeMap<usize, f64> = BTreeMap::new();
    let mut tot: BTreeMap<usize, f64> = BTreeMap::new();
    for i in 0..n {
        *tot.entry(labels[i]).or_insert(0.0) += level.degree(i);
        *inside.entry(labels[i]).or_insert(0.0) += level.self_loop[i];
        for (&j, &w) in &level.adj[i] {
            if i < j && labels[i] == labels[j] {
                *inside.entry(labels[i]).or_insert(0.0) += w;
            }
        }
    }
    let m = two_m / 2.0;
    tot.iter()
        .map(|(c, t)| inside.get(c).copied().unwrap_or(0.0) / m - (t / two_m).powi(2))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two 4-cliques, nodes interleaved (even = clique A, odd = clique B), joined by one weak edge.
    fn two_cliques() -> Vec<WeightedEdge> {
        let a = [0, 2, 4, 6];
        let b = [1, 3, 5, 7];
        let mut edges = Vec::new();
        for clique in [a, b] {
            for x in 0..4 {
                for y in x + 1..4 {
                    edges.push((clique[x], clique[y], 10.0));
                }
            }
        }
        edges.push((6, 7, 1.0));
        edges
    }

    #[test]
    fn louvain_splits_two_cliques() {
        let edges = two_cliques();
        let labels = louvain(8, &edges);
        assert_eq!(labels, vec![0, 1, 0, 1, 0, 1, 0, 1]);
        let q = modularity(8, &edges, &labels);
        // Hand value: m = 121, each clique has in = 60 and tot = 121: 2 * (60/121 - 0.25).
        assert!((q - 2.0 * (60.0 / 121.0 - 0.25)).abs() < 1e-12, "{q}");
        assert!(q > modularity(8, &edges, &[0; 8]));
    }

    #[test]
    fn louvain_is_deterministic_and_leaves_isolated_nodes_alone() {
        let mut edges = two_cliques();
        edges.push((8, 8, -1.0));
        let first = louvain(9, &edges);
        assert_eq!(first, louvain(9, &edges));
        assert_eq!(first[8], 2);
        assert_eq!(louvain(3, &[]), vec![0, 1, 2]);
    }

    #[test]
    fn components_follow_edges() {
        let c = connected_components(5, &[(0, 2), (3, 4)]);
        assert_eq!(c, vec![0, 1, 0, 2, 2]);
        assert_eq!(connected_components(0, &[]), Vec::<usize>::new());
    }

    #[test]
    fn modularity_of_one_community_is_zero() {
        let q = modularity(3, &[(0, 1, 1.0), (1, 2, 1.0)], &[0, 0, 0]);
        assert!(q.abs() < 1e-12, "{q}");
    }
}
