//! What a tracker shows of its tracks: states, published tracks, invariants.

use super::{Counters, Tracker};
use crate::gaussian::Gaussian;
use crate::manage::TrackMeta;
use crate::motion::{Belief, Predictor};
use picket_core::{Enu, SensorId, Timestamp, Track, TrackId, TrackStatus};

impl<P: Predictor, U, H, A, I, D> Tracker<P, U, H, A, I, D> {
    /// The time of the latest step.
    pub fn time(&self) -> Option<Timestamp> {
        self.time
    }

    /// What was counted so far.
    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// Live tracks (tentative, confirmed, coasting), in storage order.
    pub fn len(&self) -> usize {
        self.meta.len()
    }

    /// True when no track lives.
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty()
    }

    /// Ids of the tracks deleted at the latest step.
    pub fn deleted(&self) -> &[TrackId] {
        &self.deleted
    }

    /// Ids of the tracks whose identity another track took at the latest step (they changed
    /// though no report updated them: a consumer that follows only updated tracks must look
    /// at these too).
    pub fn unbound(&self) -> &[TrackId] {
        &self.unbound
    }

    /// Bookkeeping, estimate and the estimate's time of each live track. A track a step did
    /// not concern may be older than the tracker's time (see [`Tracker::tracks_at`]).
    pub fn states(&self) -> impl Iterator<Item = (&TrackMeta, &Gaussian, Timestamp)> + '_ {
        self.meta
            .iter()
            .zip(&self.beliefs)
            .zip(&self.times)
            .map(|((m, b), &t)| (m, b.estimate(), t))
    }

    /// The live tracks as published [`Track`]s, each at its estimate's time: the tracker's
    /// time for every track the latest step concerned (every track after a wide step).
    pub fn tracks(&self) -> impl Iterator<Item = Track> + '_ {
        self.states().map(|(m, g, t)| published(m, g, t))
    }

    /// The live tracks whose bookkeeping `keep` accepts, published as [`Tracker::tracks`] does:
    /// cheaper than filtering that when few are wanted (a Remote ID step updates one track).
    pub fn tracks_where<'a>(
        &'a self,
        keep: impl Fn(&TrackMeta) -> bool + 'a,
    ) -> impl Iterator<Item = Track> + 'a {
        self.states()
            .filter(move |(m, _, _)| keep(m))
            .map(|(m, g, t)| published(m, g, t))
    }

    /// The live tracks predicted to `time` (not before any track's own time): the whole
    /// picture at one moment, as a display or a file of snapshots wants it. The tracks
    /// themselves are not changed.
    pub fn tracks_at(&self, time: Timestamp) -> impl Iterator<Item = Track> + '_ {
        self.meta
            .iter()
            .zip(&self.beliefs)
            .zip(&self.times)
            .map(move |((m, b), &t)| {
                let dt_s = time.since_s(t);
                if dt_s > 0.0 {
                    let mut b = b.clone();
                    self.roles.predictor.predict(&mut b, dt_s);
                    published(m, b.estimate(), time)
                } else {
                    published(m, b.estimate(), t)
                }
            })
    }

    /// Checks the invariants every step must keep: ids unique, no NaN, covariances symmetric
    /// positive definite, no stored track marked deleted. Run after every step in debug builds.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut ids: Vec<TrackId> = self.meta.iter().map(|m| m.id).collect();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            return Err("duplicate track id".into());
        }
        for (m, g, t) in self.states() {
            if self.time.is_some_and(|now| t > now) {
                return Err(format!("{}: estimate ahead of the tracker", m.id));
            }
            if !g.is_finite() {
                return Err(format!("{}: non-finite estimate", m.id));
            }
            if !g.is_positive_definite() {
                return Err(format!("{}: covariance not SPD: {:?}", m.id, g.cov));
            }
            if m.status == TrackStatus::Deleted {
                return Err(format!("{}: stored while deleted", m.id));
            }
        }
        Ok(())
    }

    /// The sensor positions the tracker measures from.
    pub fn sensor_position(&self, sensor: SensorId) -> Option<Enu> {
        self.sensors.get(usize::from(sensor.0)).copied()
    }
}

/// A track's published form.
fn published(m: &TrackMeta, g: &Gaussian, time: Timestamp) -> Track {
    Track {
        id: m.id,
        time,
        position: Enu::new(g.mean[0], g.mean[1], g.mean[2]),
        velocity: Enu::new(g.mean[3], g.mean[4], g.mean[5]),
        cov: std::array::from_fn(|i| std::array::from_fn(|j| g.cov[(i, j)])),
        status: m.status,
        class: m.class,
        identity: m.identity.clone(),
        pilot: None,
        sensors: m.sensors,
        last_update: m.last_update,
        update_count: m.hits,
    }
}
