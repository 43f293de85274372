//! The **data associator** role: global nearest neighbour, solved per cluster.
//!
//! Tracks and detections that share gates form clusters (union-find over the gated pairs);
//! clusters are independent, so each is solved on its own: a lone pair directly, anything
//! larger by optimal assignment (`pathfinding::kuhn_munkres_min`). The cost of a pair is
//! `d² + ln det S` (the negative log-likelihood up to a constant); a track may also take a
//! "missed" column whose cost is above any gated pair, so the assignment first pairs as many
//! tracks as the gates allow, then minimises the summed cost.

use crate::gate::Hypothesis;
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;

/// No detection for this track.
pub const UNASSIGNED: u32 = u32::MAX;

/// The data-associator role.
pub trait DataAssociator {
    /// Assigns at most one detection to each track and each detection to at most one track,
    /// using only `hypotheses` whose track is still unassigned (`assignment[track] ==
    /// UNASSIGNED`) and whose detection is unused (`!used[detection]`). Writes the chosen
    /// detection into `assignment` and marks it in `used`.
    fn associate(&mut self, hypotheses: &[Hypothesis], assignment: &mut [u32], used: &mut [bool]);

    /// Bytes of scratch memory held between steps.
    fn memory_bytes(&self) -> usize {
        0
    }
}

/// Integer cost scale: costs are `d² + ln det S`, so micro-units keep every useful digit.
const SCALE: f64 = 1e6;
/// Cost of a "missed" column, above any gated pair (d² < 19 and ln det S < 100 in practice).
const MISS_COST: i64 = 1_000 * SCALE as i64;
/// Cost of a pair outside every gate: never chosen while a missed column is free.
const FORBIDDEN: i64 = 1_000_000 * SCALE as i64;

/// Clustered global-nearest-neighbour association.
#[derive(Debug, Clone, Default)]
pub struct Gnn {
    parent: Vec<u32>,
    eligible: Vec<u32>,
    order: Vec<(u32, u32)>,
    rows: Vec<u32>,
    cols: Vec<u32>,
    /// How many clusters needed the assignment solver, and the largest one (tracks).
    pub stats: GnnStats,
}

/// Counters of the association work.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GnnStats {
    /// Clusters with more than one pair.
    pub solved_clusters: u64,
    /// Most tracks in one cluster.
    pub largest_cluster: usize,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

impl Gnn {
    fn solve_cluster(
        &mut self,
        hypotheses: &[Hypothesis],
        members: std::ops::Range<usize>,
        assignment: &mut [u32],
        used: &mut [bool],
    ) {
        self.rows.clear();
        self.cols.clear();
        for k in members.clone() {
            let h = &hypotheses[self.eligible[k] as usize];
            self.rows.push(h.track);
            self.cols.push(h.detection);
        }
        self.rows.sort_unstable();
        self.rows.dedup();
        self.cols.sort_unstable();
        self.cols.dedup();
        let (n, m) = (self.rows.len(), self.cols.len());
        self.stats.solved_clusters += 1;
        self.stats.largest_cluster = self.stats.largest_cluster.max(n);
        // Rows are tracks; columns are detections then one "missed" column per track, so
        // rows ≤ columns always holds.
        let mut weights = Matrix::new(n, m + n, FORBIDDEN);
        for r in 0..n {
            weights[(r, m + r)] = MISS_COST;
        }
        for k in members {
            let h = &hypotheses[self.eligible[k] as usize];
            let r = self.rows.binary_search(&h.track).unwrap_or(0);
            let c = self.cols.binary_search(&h.detection).unwrap_or(0);
            weights[(r, c)] = (h.cost() * SCALE).round() as i64;
        }
        let (_, columns) = kuhn_munkres_min(&weights);
        for (r, &c) in columns.iter().enumerate() {
            if c < m && weights[(r, c)] < MISS_COST {
                assignment[self.rows[r] as usize] = self.cols[c];
                used[self.cols[c] as usize] = true;
            }
        }
    }
}

impl DataAssociator for Gnn {
    fn memory_bytes(&self) -> usize {
        (self.parent.capacity()
            + self.eligible.capacity()
            + self.rows.capacity()
            + self.cols.capacity())
            * 4
            + self.order.capacity() * 8
    }

    fn associate(&mut self, hypotheses: &[Hypothesis], assignment: &mut [u32], used: &mut [bool]) {
        let tracks = assignment.len() as u32;
        self.parent.clear();
        self.parent.extend(0..tracks + used.len() as u32);
        self.eligible.clear();
        for (k, h) in hypotheses.iter().enumerate() {
            if assignment[h.track as usize] != UNASSIGNED || used[h.detection as usize] {
                continue;
            }
            self.eligible.push(k as u32);
            let a = find(&mut self.parent, h.track);
            let b = find(&mut self.parent, tracks + h.detection);
            if a != b {
                self.parent[a.max(b) as usize] = a.min(b);
            }
        }
        self.order.clear();
        for &k in &self.eligible {
            let root = find(&mut self.parent, hypotheses[k as usize].track);
            self.order.push((root, k));
        }
        self.group_by_root();
        // Each cluster is a run of `eligible` (grouped by root ascending, hypotheses ascending
        // within); `parent[r]` is now the end of root r's run.
        let mut start = 0;
        for r in 0..self.parent.len() {
            let end = self.parent[r] as usize;
            if end == start + 1 {
                let h = &hypotheses[self.eligible[start] as usize];
                assignment[h.track as usize] = h.detection;
                used[h.detection as usize] = true;
            } else if end > start {
                self.solve_cluster(hypotheses, start..end, assignment, used);
            }
            start = end;
        }
    }
}

impl Gnn {
    /// Rewrites `eligible` as the hypotheses of `order` (`(root, hypothesis)`, hypotheses
    /// ascending) grouped by root ascending, keeping their order within a root: what sorting
    /// `order` would give, by a counting sort in O(hypotheses + tracks + detections) instead
    /// of a comparison sort. The union-find's `parent` is done with and becomes the counts,
    /// then each root's end in `eligible`.
    fn group_by_root(&mut self) {
        self.parent.fill(0);
        for &(root, _) in &self.order {
            self.parent[root as usize] += 1;
        }
        let mut next = 0;
        for slot in self.parent.iter_mut() {
            let count = *slot;
            *slot = next;
            next += count;
        }
        for &(root, k) in &self.order {
            let at = &mut self.parent[root as usize];
            self.eligible[*at as usize] = k;
            *at += 1;
        }
    }
}

/// Moves the items satisfying `first` ahead of the others, keeping the order within each
/// group, without allocating; returns how many satisfy it. Rotations cost O(n log n) at worst
/// and O(n) when the groups are already apart (the usual case: few tentative tracks).
pub(crate) fn stable_partition<T>(items: &mut [T], first: impl Fn(&T) -> bool + Copy) -> usize {
    match items.len() {
        0 => 0,
        1 => usize::from(first(&items[0])),
        n => {
            let (left, right) = items.split_at_mut(n / 2);
            let a = stable_partition(left, first);
            let b = stable_partition(right, first);
            // [A-yes | A-no | B-yes | B-no] -> [A-yes | B-yes | A-no | B-no]
            items[a..n / 2 + b].rotate_left(n / 2 - a);
            a + b
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::update::Distance;

    fn hyp(track: u32, detection: u32, squared: f64) -> Hypothesis {
        Hypothesis {
            track,
            detection,
            distance: Distance {
                squared,
                ln_det_s: 0.0,
                dimension: 3,
            },
        }
    }

    #[test]
    fn prefers_more_pairs_then_lower_cost() {
        // Track 0 is closest to detection 0, but giving it detection 1 lets track 1 pair too.
        let hyps = [
            hyp(0, 0, 1.0),
            hyp(0, 1, 2.0),
            hyp(1, 0, 3.0),
            hyp(2, 2, 0.5),
        ];
        let mut assignment = vec![UNASSIGNED; 4];
        let mut used = vec![false; 3];
        let mut gnn = Gnn::default();
        gnn.associate(&hyps, &mut assignment, &mut used);
        assert_eq!(assignment, vec![1, 0, 2, UNASSIGNED]);
        assert_eq!(used, vec![true; 3]);
        assert_eq!(gnn.stats.solved_clusters, 1);
    }

    #[test]
    fn respects_earlier_stages() {
        let hyps = [hyp(0, 0, 1.0), hyp(1, 0, 0.1), hyp(1, 1, 5.0)];
        let mut assignment = vec![UNASSIGNED, UNASSIGNED];
        let mut used = vec![true, false];
        Gnn::default().associate(&hyps, &mut assignment, &mut used);
        assert_eq!(assignment, vec![UNASSIGNED, 1]);
    }

    /// The counting sort groups the hypotheses as sorting `(root, hypothesis)` would.
    #[test]
    fn grouping_by_root_is_the_sorted_order() {
        let mut gnn = Gnn::default();
        for n in [0u32, 1, 7, 300] {
            let roots = 2 * n + 5;
            gnn.parent = (0..roots).collect();
            gnn.order = (0..n)
                .map(|k| (k.wrapping_mul(2_654_435_761) % roots, 3 * k))
                .collect();
            gnn.eligible = gnn.order.iter().map(|&(_, k)| k).collect();
            let mut want = gnn.order.clone();
            want.sort_unstable();
            gnn.group_by_root();
            let got: Vec<u32> = gnn.eligible.clone();
            assert_eq!(got, want.iter().map(|&(_, k)| k).collect::<Vec<_>>());
            // parent[r] ends root r's run.
            for (r, &end) in gnn.parent.iter().enumerate() {
                let before = want.iter().filter(|&&(root, _)| root <= r as u32).count();
                assert_eq!(end as usize, before, "n {n}, root {r}");
            }
        }
    }

    #[test]
    fn stable_partition_keeps_order_within_groups() {
        for n in 0..40u32 {
            let mut v: Vec<u32> = (0..n).map(|i| i.wrapping_mul(2_654_435_761) % 97).collect();
            let want: Vec<u32> = v
                .iter()
                .copied()
                .filter(|x| x % 3 == 0)
                .chain(v.iter().copied().filter(|x| x % 3 != 0))
                .collect();
            let split = super::stable_partition(&mut v, |x| x % 3 == 0);
            assert_eq!(v, want);
            assert_eq!(split, want.iter().filter(|x| *x % 3 == 0).count());
        }
    }
}
