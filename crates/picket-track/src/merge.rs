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
//! The search sorts a compact copy of the tracks (position, horizontal velocity) by east
//! coordinate and compares only those within `reach_m` of each other: O(n log n) per step.

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
    order: Vec<([f32; 4], u32)>,
    twin: Vec<bool>,
}

impl Merger {
    /// A merger with `config`.
    pub fn new(config: MergeConfig) -> Self {
        Self {
            config,
            order: Vec::new(),
            twin: Vec::new(),
        }
    }

    /// Bytes held between steps.
    pub fn memory_bytes(&self) -> usize {
        self.order.capacity() * std::mem::size_of::<([f32; 4], u32)>() + self.twin.capacity()
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
        self.order.clear();
        self.order.extend(beliefs.iter().enumerate().map(|(i, b)| {
            let m = &b.estimate().mean;
            ([m[0], m[1], m[3], m[4]].map(|v| v as f32), i as u32)
        }));
        // By east, then index: one integer key (f32::total_cmp's order on the bits), which
        // sorts several times faster than comparing the pair.
        self.order.sort_unstable_by_key(|&(p, i)| {
            let bits = p[0].to_bits();
            let ordered = if bits >> 31 == 1 {
                !bits
            } else {
                bits | 1 << 31
            };
            (u64::from(ordered) << 32) | u64::from(i)
        });
        self.twin.clear();
        self.twin.resize(beliefs.len(), false);
        // f32 keeps the sweep's copy small (memory per track is budgeted); it only pre-selects
        // (a millimetre at 10 km), the test itself is on the f64 estimates.
        let (reach, dv_max) = (
            self.config.reach_m as f32,
            self.config.max_velocity_diff_mps as f32,
        );
        for (k, &(p, i)) in self.order.iter().enumerate() {
            for &(q, j) in &self.order[k + 1..] {
                if q[0] - p[0] > reach {
                    break;
                }
                // Cheap rejections on the compact copy first.
                if (q[1] - p[1]).abs() > reach || (q[2] - p[2]).hypot(q[3] - p[3]) > dv_max {
                    continue;
                }
                let (a, b) = (i as usize, j as usize);
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
        }
        for (m, &twin) in meta.iter_mut().zip(&self.twin) {
            m.twin_steps = if twin {
                m.twin_steps.saturating_add(1)
            } else {
                0
            };
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
