//! Track management: the **initiator** (new tentative tracks, M-of-N confirmation) and the
//! **deleter** roles, and the bookkeeping they read ([`TrackMeta`]).

use crate::gate::Detection;
use crate::gaussian::{Gaussian, StateCovariance, StateVector, Vector3};
use picket_core::{ClassProbs, Identity, SensorSet, Timestamp, TrackId, TrackStatus};

/// Life-cycle bookkeeping of one track.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackMeta {
    /// Stable id.
    pub id: TrackId,
    /// Current status (never `Deleted` while stored).
    pub status: TrackStatus,
    /// One bit per step since birth, newest in bit 0: 1 = updated.
    pub history: u32,
    /// Steps since birth, including the first.
    pub steps: u32,
    /// Updates since birth.
    pub hits: u32,
    /// Consecutive steps without an update.
    pub misses_in_row: u32,
    /// When the track was born.
    pub born: Timestamp,
    /// When a report last updated it.
    pub last_update: Timestamp,
    /// Sensors that contributed.
    pub sensors: SensorSet,
    /// Class probabilities.
    pub class: ClassProbs,
    /// Bound identity.
    pub identity: Option<Identity>,
}

impl TrackMeta {
    /// A tentative track born from one detection at `time`.
    pub fn born(id: TrackId, time: Timestamp) -> Self {
        Self {
            id,
            status: TrackStatus::Tentative,
            history: 1,
            steps: 1,
            hits: 1,
            misses_in_row: 0,
            born: time,
            last_update: time,
            sensors: SensorSet::default(),
            class: ClassProbs::default(),
            identity: None,
        }
    }

    /// Records a step with (`hit`) or without an update.
    pub fn record(&mut self, hit: bool, time: Timestamp) {
        self.history = (self.history << 1) | u32::from(hit);
        self.steps = self.steps.saturating_add(1);
        if hit {
            self.hits = self.hits.saturating_add(1);
            self.misses_in_row = 0;
            self.last_update = time;
            if self.status == TrackStatus::Coasting {
                self.status = TrackStatus::Confirmed;
            }
        } else {
            self.misses_in_row = self.misses_in_row.saturating_add(1);
            if self.status == TrackStatus::Confirmed {
                self.status = TrackStatus::Coasting;
            }
        }
    }

    /// Updates among the last `n` steps.
    pub fn hits_in_last(&self, n: u32) -> u32 {
        let mask = if n >= 32 { u32::MAX } else { (1u32 << n) - 1 };
        (self.history & mask).count_ones()
    }
}

/// The initiator role: starts tentative tracks and decides when they are confirmed.
pub trait Initiator {
    /// The first estimate of a track started from an unassociated detection, or `None` to
    /// start nothing.
    fn initiate(&self, detection: &Detection) -> Option<Gaussian>;
    /// True when a tentative track has earned confirmation.
    fn confirms(&self, meta: &TrackMeta) -> bool;
}

/// Single-point initiation (position from the detection, zero velocity with a wide sigma,
/// as Stone Soup's harness does) and M-of-N confirmation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MofNInitiator {
    /// Velocity 1-sigma of a new track, m/s, per axis (east, north, up).
    pub velocity_sigma_mps: [f64; 3],
    /// Updates needed (M) ...
    pub confirm_hits: u32,
    /// ... within the last N steps.
    pub confirm_window: u32,
}

impl Default for MofNInitiator {
    fn default() -> Self {
        Self {
            velocity_sigma_mps: [30.0, 30.0, 10.0],
            confirm_hits: 3,
            confirm_window: 5,
        }
    }
}

impl Initiator for MofNInitiator {
    fn initiate(&self, detection: &Detection) -> Option<Gaussian> {
        let (position, position_cov) = detection.model.cartesian();
        let mut mean = StateVector::zeros();
        mean.fixed_rows_mut::<3>(0).copy_from(&position);
        let mut cov = StateCovariance::zeros();
        cov.fixed_view_mut::<3, 3>(0, 0).copy_from(&position_cov);
        let v = Vector3::from(self.velocity_sigma_mps);
        for i in 0..3 {
            cov[(i + 3, i + 3)] = v[i] * v[i];
        }
        let g = Gaussian::new(mean, cov);
        (g.is_finite() && g.is_positive_definite()).then_some(g)
    }

    fn confirms(&self, meta: &TrackMeta) -> bool {
        meta.hits_in_last(self.confirm_window) >= self.confirm_hits
    }
}

/// The deleter role: decides which tracks end.
pub trait Deleter {
    /// True when the track should be deleted now.
    fn deletes(&self, meta: &TrackMeta, estimate: &Gaussian, now: Timestamp) -> bool;
}

/// Deletion on consecutive misses, coasting time and covariance growth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MissDeleter {
    /// A tentative track ends at this many consecutive misses.
    pub tentative_misses: u32,
    /// A tentative track ends when it has not been confirmed after this many steps.
    pub tentative_steps: u32,
    /// A confirmed track ends at this many consecutive misses.
    pub confirmed_misses: u32,
    /// Any track ends when not updated for this long, seconds.
    pub max_coast_s: f64,
    /// Any track ends when its horizontal position sigma exceeds this, metres.
    pub max_position_sigma_m: f64,
}

impl Default for MissDeleter {
    fn default() -> Self {
        Self {
            tentative_misses: 2,
            tentative_steps: 6,
            confirmed_misses: 5,
            max_coast_s: 30.0,
            max_position_sigma_m: 1_000.0,
        }
    }
}

impl Deleter for MissDeleter {
    fn deletes(&self, meta: &TrackMeta, estimate: &Gaussian, now: Timestamp) -> bool {
        let misses_allowed = if meta.status == TrackStatus::Tentative {
            if meta.steps >= self.tentative_steps {
                return true;
            }
            self.tentative_misses
        } else {
            self.confirmed_misses
        };
        let sigma2 = estimate.cov[(0, 0)].max(estimate.cov[(1, 1)]);
        meta.misses_in_row >= misses_allowed
            || now.since_s(meta.last_update) > self.max_coast_s
            || sigma2.is_nan()
            || sigma2 > self.max_position_sigma_m * self.max_position_sigma_m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_of_n_and_coasting() {
        let t = Timestamp::ZERO;
        let mut meta = TrackMeta::born(TrackId(1), t);
        let init = MofNInitiator {
            confirm_hits: 2,
            confirm_window: 3,
            ..Default::default()
        };
        meta.record(false, t);
        assert!(!init.confirms(&meta));
        meta.record(true, t);
        assert!(init.confirms(&meta));
        meta.status = TrackStatus::Confirmed;
        meta.record(false, t);
        assert_eq!(meta.status, TrackStatus::Coasting);
        meta.record(true, t);
        assert_eq!(meta.status, TrackStatus::Confirmed);
        assert_eq!(meta.hits, 3);
    }
}
