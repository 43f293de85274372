//! The optimal assignment inside GOSPA and OSPA, fast at thousands of objects.
//!
//! Both metrics (p ≥ 1, cut-off c) reduce to one problem: find the partial one-to-one matching
//! γ of tracks to truths, using only pairs closer than c, that minimises
//! `S(γ) = Σ_γ (d^p − c^p)` (every term is negative). Then, with m tracks and n truths,
//!
//! - GOSPA (α = 2): `G^p = min_γ Σ_γ d^p + (c^p/2)(m + n − 2|γ|) = S* + (c^p/2)(m + n)`;
//! - OSPA: the optimal injection of the smaller set into the larger on `d_c^p = min(d, c)^p`
//!   costs `min(m, n)·c^p + S*` (a pair at d ≥ c costs c^p, the same as leaving both ends
//!   out, so an injection is worth exactly its pairs with d < c), hence
//!   `O^p = (min(m, n)·c^p + S* + c^p·|m − n|) / max(m, n)`.
//!
//! So one solve serves both, and only pairs with d < c matter. They are found with a uniform
//! grid of cell c (a point's partners lie in the 27 cells around it), the bipartite graph of
//! those pairs is split into connected components (union–find), and each component is solved
//! exactly with the Hungarian method (`pathfinding::kuhn_munkres_min`) on its own small matrix,
//! where a non-pair costs 0 (= unassigned).
//!
//! **Rounding.** The Hungarian solver needs integer costs, so a pair's cost is scaled by
//! `2^40 / c^p` and rounded down (toward −∞, so every real pair costs at least one unit and is
//! never confused with "unassigned"). Each entry moves by less than one unit, so the integer
//! optimum is within `k·c^p·2^−40` of the real optimum for a component with k pairs in its
//! solution (9.1e−11 m per pair for c = 100 m, p = 1). The reported figures are then computed
//! from the chosen pairs' f64 distances. At 1,000 targets that is below 1e−7 m on a GOSPA of
//! about 12,000 m, and at 10 targets below 1e−9 m on about 120 m: some 1e−11 relative, far
//! below the 1e−6 agreement asked of us.

use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use std::collections::HashMap;

/// A point in the site's local frame, metres.
pub type Point = [f64; 3];

/// The solution of one time step: which truth is paired with which track.
#[derive(Debug, Clone, PartialEq)]
pub struct Matching {
    /// For each truth (in input order), the index of the track paired with it (d < c).
    pub truth_to_track: Vec<Option<usize>>,
    /// Σ d^p over the pairs (GOSPA's localisation part).
    pub localisation: f64,
    /// Number of pairs.
    pub pairs: usize,
}

/// Integer units per c^p in the scaled cost matrix (see the module's "Rounding").
const SCALE_UNITS: f64 = (1u64 << 40) as f64;

/// Euclidean distance, metres.
pub fn distance_m(a: &Point, b: &Point) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    (dx * dx + dy * dy + dz * dz).sqrt()
}

/// A candidate pair: both ends and its distance.
#[derive(Debug, Clone, Copy)]
struct Edge {
    track: usize,
    truth: usize,
    d: f64,
}

/// Grid cell of a point for cell size `cell_m` (saturating for absurd coordinates: such points
/// share a cell, which costs time but never correctness, since distances are checked exactly).
fn cell(p: &Point, cell_m: f64) -> [i64; 3] {
    [
        (p[0] / cell_m).floor() as i64,
        (p[1] / cell_m).floor() as i64,
        (p[2] / cell_m).floor() as i64,
    ]
}

/// Every (track, truth) pair with d < `cutoff_m`, via a uniform grid over the truths.
fn candidate_edges(tracks: &[Point], truths: &[Point], cutoff_m: f64) -> Vec<Edge> {
    let mut grid: HashMap<[i64; 3], Vec<usize>> = HashMap::with_capacity(truths.len());
    for (j, y) in truths.iter().enumerate() {
        grid.entry(cell(y, cutoff_m)).or_default().push(j);
    }
    let mut edges = Vec::new();
    for (i, x) in tracks.iter().enumerate() {
        let [cx, cy, cz] = cell(x, cutoff_m);
        for dx in -1..=1i64 {
            for dy in -1..=1i64 {
                for dz in -1..=1i64 {
                    let key = [
                        cx.saturating_add(dx),
                        cy.saturating_add(dy),
                        cz.saturating_add(dz),
                    ];
                    let Some(members) = grid.get(&key) else {
                        continue;
                    };
                    for &j in members {
                        let d = distance_m(x, &truths[j]);
                        if d < cutoff_m {
                            edges.push(Edge {
                                track: i,
                                truth: j,
                                d,
                            });
                        }
                    }
                }
            }
        }
    }
    // Saturated cells can be visited twice; keep each pair once, in a fixed order.
    edges.sort_by_key(|e| (e.track, e.truth));
    edges.dedup_by_key(|e| (e.track, e.truth));
    edges
}

/// Union–find with path halving; nodes are tracks `0..m` then truths `m..m+n`.
struct Components {
    parent: Vec<usize>,
}

impl Components {
    fn new(nodes: usize) -> Self {
        Self {
            parent: (0..nodes).collect(),
        }
    }

    fn root(&mut self, mut a: usize) -> usize {
        while self.parent[a] != a {
            self.parent[a] = self.parent[self.parent[a]];
            a = self.parent[a];
        }
        a
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// The optimal partial matching of `tracks` to `truths` for cut-off `cutoff_m` and order `p`
/// (see the module documentation). `cutoff_m` must be positive and finite, `p` ≥ 1.
pub fn optimal_matching(tracks: &[Point], truths: &[Point], cutoff_m: f64, p: f64) -> Matching {
    let mut matching = Matching {
        truth_to_track: vec![None; truths.len()],
        localisation: 0.0,
        pairs: 0,
    };
    let edges = candidate_edges(tracks, truths, cutoff_m);
    let m = tracks.len();
    let mut components = Components::new(m + truths.len());
    for e in &edges {
        components.join(e.track, m + e.truth);
    }
    let mut groups: HashMap<usize, Vec<Edge>> = HashMap::new();
    for e in &edges {
        groups.entry(components.root(e.track)).or_default().push(*e);
    }
    // Components in a fixed order so that results never depend on hash order.
    let mut groups: Vec<(usize, Vec<Edge>)> = groups.into_iter().collect();
    groups.sort_unstable_by_key(|(root, _)| *root);
    for (_, group) in &groups {
        for (track, truth) in solve_component(group, cutoff_m, p) {
            matching.truth_to_track[truth] = Some(track);
        }
    }
    for (j, track) in matching.truth_to_track.iter().enumerate() {
        if let Some(i) = *track {
            matching.localisation += distance_m(&tracks[i], &truths[j]).powf(p);
            matching.pairs += 1;
        }
    }
    matching
}

/// The optimal pairs `(track, truth)` of one connected component, given all its edges.
fn solve_component(edges: &[Edge], cutoff_m: f64, p: f64) -> Vec<(usize, usize)> {
    if let [single] = edges {
        return vec![(single.track, single.truth)];
    }
    let mut tracks: Vec<usize> = edges.iter().map(|e| e.track).collect();
    let mut truths: Vec<usize> = edges.iter().map(|e| e.truth).collect();
    tracks.sort_unstable();
    tracks.dedup();
    truths.sort_unstable();
    truths.dedup();
    // The solver wants rows ≤ columns: put the smaller side on the rows.
    let tracks_are_rows = tracks.len() <= truths.len();
    let (rows, cols) = if tracks_are_rows {
        (&tracks, &truths)
    } else {
        (&truths, &tracks)
    };
    let mut weights = Matrix::new(rows.len(), cols.len(), 0i64);
    let scale = SCALE_UNITS / cutoff_m.powf(p);
    let c_p = cutoff_m.powf(p);
    for e in edges {
        let (row_id, col_id) = if tracks_are_rows {
            (e.track, e.truth)
        } else {
            (e.truth, e.track)
        };
        let row = rows.binary_search(&row_id).unwrap_or_default();
        let col = cols.binary_search(&col_id).unwrap_or_default();
        // d < c, so the cost is in [−2^40, 0); floor keeps it ≤ −1.
        weights[(row, col)] = ((e.d.powf(p) - c_p) * scale).floor() as i64;
    }
    let (_, assignment) = kuhn_munkres_min(&weights);
    let mut pairs = Vec::new();
    for (row, &col) in assignment.iter().enumerate() {
        if weights[(row, col)] < 0 {
            let (a, b) = (rows[row], cols[col]);
            pairs.push(if tracks_are_rows { (a, b) } else { (b, a) });
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn far_pairs_are_never_matched() {
        let m = optimal_matching(&[[0.0, 0.0, 0.0]], &[[100.0, 0.0, 0.0]], 100.0, 1.0);
        assert_eq!(m.truth_to_track, vec![None]);
        let m = optimal_matching(&[[0.0, 0.0, 0.0]], &[[99.9, 0.0, 0.0]], 100.0, 1.0);
        assert_eq!(m.truth_to_track, vec![Some(0)]);
        // A hair inside c still pairs, even in a component that needs the integer solver
        // (rounding toward −∞ keeps every real pair below "unassigned").
        let hair = 100.0 - 1e-11;
        // One component: track 0 – truth 0 (a hair under c), track 0 – truth 1 (60 m),
        // track 1 – truth 1 (50 m). The optimum takes the hair pair and the 50 m pair.
        let tracks = [[0.0, 0.0, 0.0], [-110.0, 0.0, 0.0]];
        let truths = [[hair, 0.0, 0.0], [-60.0, 0.0, 0.0]];
        let m = optimal_matching(&tracks, &truths, 100.0, 1.0);
        assert_eq!(m.truth_to_track, vec![Some(0), Some(1)]);
    }

    #[test]
    fn optimal_beats_greedy() {
        // Greedy would pair the closest (track 0, truth 0 at 1 m) and leave truth 1 alone
        // (track 1 is 99.5 m from truth 1): 1 + 100 = 101 against the optimum 50 + 50.
        let tracks = [[0.0, 0.0, 0.0], [51.0, 0.0, 0.0]];
        let truths = [[50.0, 0.0, 0.0], [-49.0, 0.0, 0.0]];
        let m = optimal_matching(&tracks, &truths, 100.0, 1.0);
        assert_eq!(m.truth_to_track, vec![Some(1), Some(0)]);
        assert_eq!(m.pairs, 2);
        assert!((m.localisation - 50.0).abs() < 1e-12);
    }

    #[test]
    fn cells_at_the_grid_seams_are_searched() {
        let tracks = [[-0.5, -0.5, -0.5], [199.9, 0.0, 0.0]];
        let truths = [[0.5, 0.5, 0.5], [100.1, 0.0, 0.0]];
        let m = optimal_matching(&tracks, &truths, 100.0, 1.0);
        assert_eq!(m.truth_to_track, vec![Some(0), Some(1)]);
    }

    #[test]
    fn empty_sides() {
        assert_eq!(optimal_matching(&[], &[[0.0; 3]], 100.0, 1.0).pairs, 0);
        assert_eq!(optimal_matching(&[[0.0; 3]], &[], 100.0, 1.0).pairs, 0);
    }
}

#[cfg(test)]
mod whole_matrix {
    use super::*;
    use proptest::prelude::*;

    /// The optimum of Σ (d_c − c) over injections, solved on the whole matrix at once (no grid,
    /// no components): what the decomposition must reproduce.
    fn whole(tracks: &[Point], truths: &[Point], c: f64) -> f64 {
        let (small, large) = if tracks.len() <= truths.len() {
            (tracks, truths)
        } else {
            (truths, tracks)
        };
        if small.is_empty() {
            return 0.0;
        }
        let w = Matrix::from_fn(small.len(), large.len(), |(i, j)| {
            let d = distance_m(&small[i], &large[j]).min(c);
            ((d - c) * SCALE_UNITS / c).floor() as i64
        });
        let (_, assignment) = kuhn_munkres_min(&w);
        assignment
            .iter()
            .enumerate()
            .map(|(i, &j)| distance_m(&small[i], &large[j]).min(c) - c)
            .sum()
    }

    fn crowd(max: usize) -> impl Strategy<Value = Vec<Point>> {
        prop::collection::vec(prop::array::uniform3(-250.0..250.0f64), 0..=max)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(60))]
        #[test]
        fn components_give_the_whole_matrix_optimum(tracks in crowd(40), truths in crowd(40)) {
            let m = optimal_matching(&tracks, &truths, 100.0, 1.0);
            let ours = m.localisation - 100.0 * m.pairs as f64;
            let reference = whole(&tracks, &truths, 100.0);
            prop_assert!((ours - reference).abs() < 1e-6, "{ours} vs {reference}");
        }
    }
}
