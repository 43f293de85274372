//! Duplicate tracks: two tracks on one object (a Remote ID track started before the radar's
//! track took the identity, a tentative track started on a second return next to a confirmed
//! one) are merged into the established one.
//!
//! Two tracks are *twins* at a step when their positions are within `position_chi2` of each
//! other (squared Mahalanobis distance with the sum of their position covariances) and their
//! velocities within `max_velocity_diff_mps`, and they carry no different identities. A
//! tentative twin of a confirmed track merges into it at once; two confirmed tracks merge
//! after `steps_together` consecutive steps as twins (two objects crossing are twins for a
//! moment, not for several steps; one object is twins with itself for good). The gate is
//! strict (χ²₃ ≈ 3, about the median of a true duplicate's spread): members of a flock or a
//! swarm 15 m apart, each tracked, stay apart.
//!
//! The search sorts a compact copy of the tracks (position, horizontal velocity, sigma) by east
//! coordinate and compares only those near enough east to be twins: O(n log n) per step, and
//! a handful of comparisons per track however dense the picture (see `Merger::candidates`).

use crate::fast::inverse_spd3;
use crate::gaussian::{Gaussian, Matrix3};
use crate::manage::TrackMeta;
use crate::motion::Belief;
use picket_core::TrackStatus;

/// Parameters of duplicate merging.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergeConfig {
    /// Twins' positions are within this squared Mahalanobis distance of each other.
    pub position_chi2: f64,
    /// Twins' velocities differ by less than this, m/s.
    pub max_velocity_diff_mps: f64,
    /// Confirmed twins merge after this many consecutive steps as twins.
    pub steps_together: u8,
    /// Tracks further apart than this east or north are never compared, metres.
    pub reach_m: f64,
}

impl Default for MergeConfig {
    fn default() -> Self {
        Self {
            position_chi2: 3.0,
            max_velocity_diff_mps: 3.0,
            steps_together: 3,
            reach_m: 150.0,
        }
    }
}

/// Finds the duplicate tracks of each step.
#[derive(Debug, Clone, Default)]
pub struct Merger {
    config: MergeConfig,
    /// (east, north, east speed, north speed, index) of each track, sorted by east: the sweep
    /// reads this compact copy, not the tracks' kilobyte beliefs.
    order: Vec<([f32; 5], u32)>,
    /// Positions in `order` of the pairs to test exactly, ascending.
    pairs: Vec<(u32, u32)>,
    /// Positions in `order` of the tight tracks, grouped by north strip (see
    /// [`Merger::strip_pairs`]), and where each strip starts.
    by_strip: Vec<u32>,
    strip_start: Vec<u32>,
    twin: Vec<bool>,
}

/// Horizontal position sigma of a *tight* track, metres: most tracks under regular updates.
const TIGHT_SIGMA_M: f64 = 20.0;
/// Mean number of tracks in a tight track's east band above which the north strips are
/// used (below it the plain sweep is cheaper than sorting into strips).
const CROWDED_BAND: f64 = 8.0;

impl Merger {
    /// A merger with `config`.
    pub fn new(config: MergeConfig) -> Self {
        Self {
            config,
            order: Vec::new(),
            pairs: Vec::new(),
            by_strip: Vec::new(),
            strip_start: Vec::new(),
            twin: Vec::new(),
        }
    }

    /// Bytes held between steps.
    pub fn memory_bytes(&self) -> usize {
        self.order.capacity() * std::mem::size_of::<([f32; 5], u32)>()
            + self.pairs.capacity() * std::mem::size_of::<(u32, u32)>()
            + (self.by_strip.capacity() + self.strip_start.capacity()) * 4
            + self.twin.capacity()
    }

    /// Counts each track's steps as a twin and writes the `(keep, drop)` pairs to merge now
    /// into `out` (each track in at most one pair).
    pub fn find<B: Belief>(
        &mut self,
        beliefs: &[B],
        meta: &mut [TrackMeta],
        out: &mut Vec<(u32, u32)>,
    ) {
        out.clear();
        self.sort(beliefs);
        self.candidates();
        self.twin.clear();
        self.twin.reserve_exact(beliefs.len());
        self.twin.resize(beliefs.len(), false);
        for c in 0..self.pairs.len() {
            let (k1, k2) = self.pairs[c];
            let (a, b) = (
                self.order[k1 as usize].1 as usize,
                self.order[k2 as usize].1 as usize,
            );
            if !self.twins(
                beliefs[a].estimate(),
                beliefs[b].estimate(),
                &meta[a],
                &meta[b],
            ) {
                continue;
            }
            self.twin[a] = true;
            self.twin[b] = true;
            let (keep, drop) = if rank(&meta[a]) >= rank(&meta[b]) {
                (a, b)
            } else {
                (b, a)
            };
            let ready = meta[drop].status == TrackStatus::Tentative
                || meta[a].twin_steps.min(meta[b].twin_steps) + 1 >= self.config.steps_together;
            let free = |t: usize| out.iter().all(|&(k, d)| k as usize != t && d as usize != t);
            if ready && free(keep) && free(drop) {
                out.push((keep as u32, drop as u32));
            }
        }
        for (m, &twin) in meta.iter_mut().zip(&self.twin) {
            m.twin_steps = if twin {
                m.twin_steps.saturating_add(1)
            } else {
                0
            };
        }
    }

    /// Fills `order` with the compact copy of the tracks, sorted by east, then index.
    fn sort<B: Belief>(&mut self, beliefs: &[B]) {
        self.order.clear();
        // Exact capacity: scratch counts against the memory per live track.
        self.order.reserve_exact(beliefs.len());
        self.order.extend(beliefs.iter().enumerate().map(|(i, b)| {
            let g = b.estimate();
            let (m, c) = (&g.mean, &g.cov);
            let sigma = c[(0, 0)].max(c[(1, 1)]).max(0.0).sqrt();
            ([m[0], m[1], m[3], m[4], sigma].map(|v| v as f32), i as u32)
        }));
        // One integer key (f32::total_cmp's order on the bits) sorts several times faster
        // than comparing the pair.
        self.order.sort_unstable_by_key(|&(p, i)| {
            let bits = p[0].to_bits();
            let ordered = if bits >> 31 == 1 {
                !bits
            } else {
                bits | 1 << 31
            };
            (u64::from(ordered) << 32) | u64::from(i)
        });
    }

    /// The pairs of positions in `order` worth the exact test, ascending, as the plain sweep
    /// over `reach_m` would meet them (so the merges do not depend on how they were found).
    /// Two *tight* tracks (horizontal sigma at most [`TIGHT_SIGMA_M`]) can only be twins
    /// within `√(2χ²)·TIGHT_SIGMA_M` of each other on each axis (for any unit vector e,
    /// (eᵀd)² ≤ (dᵀS⁻¹d)(eᵀSe)), so they are compared over that short reach east (and the
    /// full reach north), in north strips (see [`Merger::strip_pairs`]); the few loose tracks
    /// (coasting, bearing-only) are swept over the whole `reach_m`. In a dense picture this
    /// compares each track with a handful of neighbours instead of a band of hundreds.
    fn candidates(&mut self) {
        self.candidates_with(self.band_is_crowded());
    }

    /// [`Merger::candidates`], with the tight pairs found in north strips or by the plain
    /// sweep (the same pairs: tested).
    fn candidates_with(&mut self, strips: bool) {
        self.pairs.clear();
        if strips {
            self.strip_pairs();
        } else {
            self.swept_pairs();
        }
        self.pairs.sort_unstable();
    }

    /// The plain sweep east: tight tracks over the short reach, tight partners only; loose
    /// tracks over the full reach, any partner east and tight partners west (a loose track
    /// finds all of its partners itself: their own sweep stopped short).
    fn swept_pairs(&mut self) {
        let reach = self.config.reach_m as f32;
        let order = &self.order;
        let tight = |k: usize| order[k].0[4] <= TIGHT_SIGMA_M as f32;
        let tight_reach = self.tight_reach();
        for k in 0..order.len() {
            let east = order[k].0[0];
            if tight(k) {
                for (k2, (q, _)) in order.iter().enumerate().skip(k + 1) {
                    if q[0] - east > tight_reach {
                        break;
                    }
                    if tight(k2) && self.near(k, k2) {
                        self.pairs.push((k as u32, k2 as u32));
                    }
                }
                continue;
            }
            for (k2, (q, _)) in order.iter().enumerate().skip(k + 1) {
                if q[0] - east > reach {
                    break;
                }
                if self.near(k, k2) {
                    self.pairs.push((k as u32, k2 as u32));
                }
            }
            for k1 in (0..k).rev() {
                if east - order[k1].0[0] > reach {
                    break;
                }
                if tight(k1) && self.near(k1, k) {
                    self.pairs.push((k1 as u32, k as u32));
                }
            }
        }
    }

    /// True when a tight track's east band holds more than a few tracks (on average):
    /// then the north strips of [`Merger::strip_pairs`] pay for their sorting.
    fn band_is_crowded(&self) -> bool {
        let (Some(first), Some(last)) = (self.order.first(), self.order.last()) else {
            return false;
        };
        let span_m = f64::from(last.0[0] - first.0[0]);
        self.order.len() as f64 * f64::from(self.tight_reach()) > CROWDED_BAND * span_m
    }

    /// The reach east of two tight tracks: `√(2χ²)·TIGHT_SIGMA_M`, 1 % over the bound (the
    /// sigmas and positions here are rounded to f32).
    fn tight_reach(&self) -> f32 {
        let c = &self.config;
        ((2.0 * c.position_chi2).sqrt() * TIGHT_SIGMA_M * 1.01).min(c.reach_m) as f32
    }

    /// The pre-selection of the positions `k1 < k2` in `order`: north within the reach and
    /// horizontal velocities within the limit. f32 keeps the sweep's copy small (memory per
    /// track is budgeted); it only pre-selects (a millimetre at 10 km), the test itself is on
    /// the f64 estimates.
    #[inline]
    fn near(&self, k1: usize, k2: usize) -> bool {
        let (p, q) = (&self.order[k1].0, &self.order[k2].0);
        let (dve, dvn) = (q[2] - p[2], q[3] - p[3]);
        let dv_max_sq = (self.config.max_velocity_diff_mps as f32).powi(2);
        (q[1] - p[1]).abs() <= self.config.reach_m as f32 && dve * dve + dvn * dvn <= dv_max_sq
    }

    /// Appends the pairs of [`Merger::swept_pairs`] without walking the hundreds of tracks in
    /// a dense picture's east band. The tracks are put in north strips at least `reach_m`
    /// wide (counting sort, so each strip stays in east order); a pair near enough north lies
    /// in one strip or two adjacent ones. Tight pairs come from sweeping each strip, and each
    /// pair of adjacent strips, east over the short reach; each loose track looks in its own
    /// and the two adjacent strips, over the full reach east and west.
    fn strip_pairs(&mut self) {
        let reach = self.config.reach_m;
        let tight_reach = self.tight_reach();
        let order = &self.order;
        let count = order.len();
        if count < 2 {
            return;
        }
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for (p, _) in order {
            lo = lo.min(f64::from(p[1]));
            hi = hi.max(f64::from(p[1]));
        }
        // Wider than the reach with a margin for rounding, and no more strips than a quarter
        // of the tracks (scratch memory is budgeted per track; wider strips only cost tests).
        let most = (count / 4).max(1) as f64;
        let width = (reach * 1.01 + 1e-3).max((hi - lo) / most);
        let strip_of = |k: usize| strip_of_value(f64::from(order[k].0[1]), lo, width);
        let strips = strip_of_value(hi, lo, width) + 1;
        self.strip_start.clear();
        self.strip_start.reserve_exact(strips + 1);
        self.strip_start.resize(strips + 1, 0);
        for k in 0..count {
            self.strip_start[strip_of(k) + 1] += 1;
        }
        for s in 0..strips {
            self.strip_start[s + 1] += self.strip_start[s];
        }
        self.by_strip.clear();
        self.by_strip.reserve_exact(count);
        self.by_strip.resize(count, 0);
        for k in 0..count {
            let s = strip_of(k);
            // strip_start[s] is the next free place of strip s while filling, and the start
            // of strip s + 1 afterwards: shift back below.
            let at = &mut self.strip_start[s];
            self.by_strip[*at as usize] = k as u32;
            *at += 1;
        }
        self.strip_start.copy_within(0..strips, 1);
        self.strip_start[0] = 0;
        for s in 0..strips {
            let (a0, a1) = (
                self.strip_start[s] as usize,
                self.strip_start[s + 1] as usize,
            );
            self.sweep_strip(a0..a1, tight_reach);
            if s + 1 < strips {
                let b1 = self.strip_start[s + 2] as usize;
                self.sweep_strips(a0..a1, a1..b1, tight_reach);
            }
        }
        for s in 0..strips {
            for i in self.strip_start[s] as usize..self.strip_start[s + 1] as usize {
                let k = self.by_strip[i] as usize;
                if !self.tight(k) {
                    for near_strip in s.saturating_sub(1)..(s + 2).min(strips) {
                        self.loose_pairs(k, near_strip);
                    }
                }
            }
        }
    }

    fn tight(&self, k: usize) -> bool {
        self.order[k].0[4] <= TIGHT_SIGMA_M as f32
    }

    /// The pairs of loose track `k` with the members of `strip`: any partner east of it
    /// within the reach, tight partners west of it within the reach (as the plain sweep).
    fn loose_pairs(&mut self, k: usize, strip: usize) {
        let reach = self.config.reach_m as f32;
        let east = self.order[k].0[0];
        // The window is only a search bound, a little wider than the reach (f32 rounding of
        // the differences); the plain sweep's tests decide.
        let margin = 1.0 + east.abs() * 1e-6;
        let (start, end) = (
            self.strip_start[strip] as usize,
            self.strip_start[strip + 1] as usize,
        );
        let members = &self.by_strip[start..end];
        let first =
            members.partition_point(|&j| self.order[j as usize].0[0] < east - reach - margin);
        for &j in &members[first..] {
            let j = j as usize;
            let other = self.order[j].0[0];
            if other > east + reach + margin {
                break;
            }
            if j > k {
                if other - east <= reach && self.near(k, j) {
                    self.pairs.push((k as u32, j as u32));
                }
            } else if j < k && self.tight(j) && east - other <= reach && self.near(j, k) {
                self.pairs.push((j as u32, k as u32));
            }
        }
    }

    /// Pairs within one strip (`by_strip[members]`, east order).
    fn sweep_strip(&mut self, members: std::ops::Range<usize>, tight_reach: f32) {
        for i in members.clone() {
            let k1 = self.by_strip[i] as usize;
            if !self.tight(k1) {
                continue;
            }
            let east = self.order[k1].0[0];
            for j in i + 1..members.end {
                let k2 = self.by_strip[j] as usize;
                if self.order[k2].0[0] - east > tight_reach {
                    break;
                }
                if self.tight(k2) && self.near(k1, k2) {
                    self.pairs.push((k1 as u32, k2 as u32));
                }
            }
        }
    }

    /// Pairs of one member of each of two adjacent strips (both in east order).
    fn sweep_strips(
        &mut self,
        first: std::ops::Range<usize>,
        second: std::ops::Range<usize>,
        tight_reach: f32,
    ) {
        let mut start = second.start;
        for i in first {
            let ka = self.by_strip[i] as usize;
            if !self.tight(ka) {
                continue;
            }
            let east = self.order[ka].0[0];
            // Partners west of `ka` too far east of it stay too far for every later `ka`.
            while start < second.end {
                let kb = self.by_strip[start] as usize;
                if kb < ka && east - self.order[kb].0[0] > tight_reach {
                    start += 1;
                } else {
                    break;
                }
            }
            for j in start..second.end {
                let kb = self.by_strip[j] as usize;
                if kb > ka && self.order[kb].0[0] - east > tight_reach {
                    break;
                }
                let (k1, k2) = (ka.min(kb), ka.max(kb));
                if self.tight(kb)
                    && self.order[k2].0[0] - self.order[k1].0[0] <= tight_reach
                    && self.near(k1, k2)
                {
                    self.pairs.push((k1 as u32, k2 as u32));
                }
            }
        }
    }

    fn twins(&self, a: &Gaussian, b: &Gaussian, ma: &TrackMeta, mb: &TrackMeta) -> bool {
        let c = &self.config;
        let d = a.position() - b.position();
        if d.x.abs() > c.reach_m || d.y.abs() > c.reach_m {
            return false;
        }
        if (a.velocity() - b.velocity()).norm() > c.max_velocity_diff_mps {
            return false;
        }
        if let (Some(x), Some(y)) = (&ma.identity, &mb.identity)
            && x != y
        {
            return false;
        }
        let s: Matrix3 = a.cov.fixed_view::<3, 3>(0, 0) + b.cov.fixed_view::<3, 3>(0, 0);
        inverse_spd3(&s).is_some_and(|(s_inv, _)| d.dot(&(s_inv * d)) < c.position_chi2)
    }
}

/// The strip of north coordinate `north` (see [`Merger::strip_pairs`]).
fn strip_of_value(north: f64, lo: f64, width: f64) -> usize {
    ((north - lo) / width) as usize
}

/// Which of two twins lives on: the one with an identity, then a confirmed one, then the one
/// with more updates, then the older.
fn rank(m: &TrackMeta) -> (bool, bool, u32, std::cmp::Reverse<u64>) {
    (
        m.identity.is_some(),
        m.status != TrackStatus::Tentative,
        m.hits,
        std::cmp::Reverse(m.id.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gaussian::{StateCovariance, StateVector};
    use crate::manage::Reporting;
    use picket_core::{SensorId, Timestamp, TrackId};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A track at `mean` with position sigma `sigma` on each axis (unit velocity variance).
    fn with_position_sigma(mean: StateVector, sigma: f64) -> Gaussian {
        let mut cov = StateCovariance::identity();
        for i in 0..3 {
            cov[(i, i)] = sigma * sigma;
        }
        Gaussian::new(mean, cov)
    }

    /// The plain sweep the strips replace: every track against the tracks east of it within
    /// its reach (tight: the short reach, tight partners only), loose tracks also west.
    fn plain_sweep(merger: &Merger) -> Vec<(u32, u32)> {
        let reach = merger.config.reach_m as f32;
        let tight_reach = merger.tight_reach();
        let order = &merger.order;
        let tight = |k: usize| order[k].0[4] <= TIGHT_SIGMA_M as f32;
        let mut pairs = Vec::new();
        for k in 0..order.len() {
            let east = order[k].0[0];
            let own_reach = if tight(k) { tight_reach } else { reach };
            for (k2, (q, _)) in order.iter().enumerate().skip(k + 1) {
                if q[0] - east > own_reach {
                    break;
                }
                if (!tight(k) || tight(k2)) && merger.near(k, k2) {
                    pairs.push((k as u32, k2 as u32));
                }
            }
            if !tight(k) {
                for k1 in (0..k).rev() {
                    if east - order[k1].0[0] > reach {
                        break;
                    }
                    if tight(k1) && merger.near(k1, k) {
                        pairs.push((k1 as u32, k as u32));
                    }
                }
            }
        }
        pairs.sort_unstable();
        pairs
    }

    /// The strips find exactly the plain sweep's pairs: dense and sparse pictures, tracks on
    /// strip borders, a far outlier (wide strips), velocities at the limit.
    #[test]
    fn strips_find_the_plain_sweeps_pairs() {
        for seed in 1..=30u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 20 + (seed as usize * 37) % 700;
            let side = [300.0, 3_000.0, 30_000.0][seed as usize % 3];
            let beliefs: Vec<Gaussian> = (0..n)
                .map(|i| {
                    let sigma: f64 = match i % 7 {
                        0 => 30.0 + rng.random::<f64>() * 100.0,
                        1 => 20.0,
                        _ => 1.0 + rng.random::<f64>() * 19.0,
                    };
                    // Some norths on exact multiples of the reach (strip borders).
                    let north = if i % 5 == 0 {
                        (rng.random::<f64>() * 20.0).floor() * 151.5
                    } else {
                        rng.random::<f64>() * side
                    };
                    let east = if i == 3 && seed % 2 == 0 {
                        1e6
                    } else {
                        rng.random::<f64>() * side
                    };
                    let north = if i == 4 && seed % 4 == 0 { -2e6 } else { north };
                    let mean = StateVector::from([
                        east,
                        north,
                        100.0,
                        (rng.random::<f64>() * 4.0).floor(),
                        rng.random::<f64>() * 3.0,
                        0.0,
                    ]);
                    with_position_sigma(mean, sigma)
                })
                .collect();
            let mut merger = Merger::new(MergeConfig::default());
            merger.sort(&beliefs);
            let want = plain_sweep(&merger);
            assert!(
                want.len() > 3 || side > 10_000.0,
                "seed {seed}: {}",
                want.len()
            );
            for strips in [true, false] {
                merger.candidates_with(strips);
                assert_eq!(merger.pairs, want, "seed {seed}, strips {strips}");
            }
        }
    }

    /// The two-tier sweep offers every pair the exact test accepts: compared with testing all
    /// pairs, on clusters of tight and loose tracks.
    #[test]
    fn candidates_include_every_twin_pair() {
        for seed in 1..=20u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = 300;
            let beliefs: Vec<Gaussian> = (0..n)
                .map(|_| {
                    // Clusters 0-2 km wide, so many pairs are close; a third of tracks loose.
                    let c = (rng.random::<f64>() * 5.0).floor() * 400.0;
                    let sigma: f64 = if rng.random::<f64>() < 0.33 {
                        25.0 + rng.random::<f64>() * 100.0
                    } else {
                        1.0 + rng.random::<f64>() * 19.0
                    };
                    let mean = StateVector::from([
                        c + rng.random::<f64>() * 150.0,
                        c + rng.random::<f64>() * 150.0,
                        100.0,
                        rng.random::<f64>() * 2.0,
                        rng.random::<f64>() * 2.0,
                        0.0,
                    ]);
                    with_position_sigma(mean, sigma)
                })
                .collect();
            let meta: Vec<TrackMeta> = (0..n)
                .map(|i| {
                    TrackMeta::born(
                        TrackId(i as u64),
                        Timestamp::ZERO,
                        SensorId(0),
                        Reporting::Scanning,
                    )
                })
                .collect();
            let mut merger = Merger::new(MergeConfig::default());
            merger.sort(&beliefs);
            merger.candidates();
            let offered: std::collections::BTreeSet<(u32, u32)> = merger
                .pairs
                .iter()
                .map(|&(k1, k2)| {
                    let (a, b) = (merger.order[k1 as usize].1, merger.order[k2 as usize].1);
                    (a.min(b), a.max(b))
                })
                .collect();
            assert_eq!(
                offered.len(),
                merger.pairs.len(),
                "seed {seed}: a pair offered twice"
            );
            assert!(
                merger.pairs.windows(2).all(|w| w[0] < w[1]),
                "seed {seed}: not ascending"
            );
            let mut twins = 0;
            for a in 0..n {
                for b in a + 1..n {
                    if merger.twins(&beliefs[a], &beliefs[b], &meta[a], &meta[b]) {
                        twins += 1;
                        assert!(
                            offered.contains(&(a as u32, b as u32)),
                            "seed {seed}: {a}, {b} missed"
                        );
                    }
                }
            }
            assert!(
                twins > 10,
                "seed {seed}: the case must have twins ({twins})"
            );
        }
    }
}
