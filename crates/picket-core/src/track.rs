//! [`Track`]: the tracker's published estimate of one object.

use crate::{ClassProbs, Enu, Geodetic, Identity, SensorId, Timestamp, TrackId};
use serde::{Deserialize, Serialize};

/// Where a track is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackStatus {
    /// Started from too few reports to trust; not shown to operators by default.
    Tentative,
    /// Confirmed and updated recently.
    Confirmed,
    /// Confirmed, but predicted through a gap in coverage without fresh reports.
    Coasting,
    /// Deleted at this step; the last word on this track id.
    Deleted,
}

impl TrackStatus {
    /// Confirmed or coasting: what an operator sees and scoring counts.
    pub fn is_confirmed(self) -> bool {
        matches!(self, TrackStatus::Confirmed | TrackStatus::Coasting)
    }
}

/// A set of sensors, as a bit mask over [`SensorId`]s below 64 (ids above share the top bit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SensorSet(pub u64);

impl SensorSet {
    /// Adds a sensor.
    pub fn insert(&mut self, sensor: SensorId) {
        self.0 |= 1u64 << sensor.0.min(63);
    }

    /// True when the sensor is in the set.
    pub fn contains(&self, sensor: SensorId) -> bool {
        self.0 & (1u64 << sensor.0.min(63)) != 0
    }

    /// The sensors in the set, lowest id first.
    pub fn iter(&self) -> impl Iterator<Item = SensorId> + '_ {
        (0..64u16)
            .filter(|i| self.0 & (1u64 << i) != 0)
            .map(SensorId)
    }
}

/// A track as the tracker publishes it after a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Track {
    /// Stable id, never changed while the track lives.
    pub id: TrackId,
    /// Time of this estimate.
    pub time: Timestamp,
    /// Position in the site frame, metres.
    pub position: Enu,
    /// Velocity in the site frame, m/s.
    pub velocity: Enu,
    /// Covariance of `[x, y, z, vx, vy, vz]`, row-major, SI units.
    pub cov: [[f64; 6]; 6],
    /// Life-cycle status.
    pub status: TrackStatus,
    /// Class probabilities.
    pub class: ClassProbs,
    /// Bound identity (Remote ID serial, ICAO), when any report carried one.
    pub identity: Option<Identity>,
    /// The remote pilot's last broadcast position, when known.
    pub pilot: Option<Geodetic>,
    /// Sensors that have contributed to the track.
    pub sensors: SensorSet,
    /// When a report last updated the track.
    pub last_update: Timestamp,
    /// How many reports have updated it.
    pub update_count: u32,
}

impl Track {
    /// Horizontal speed, m/s.
    pub fn ground_speed_mps(&self) -> f64 {
        self.velocity.x.hypot(self.velocity.y)
    }

    /// The position standard deviations `[σx, σy, σz]`, metres.
    pub fn position_sigma_m(&self) -> [f64; 3] {
        [
            self.cov[0][0].sqrt(),
            self.cov[1][1].sqrt(),
            self.cov[2][2].sqrt(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensor_set_round_trip() {
        let mut s = SensorSet::default();
        s.insert(SensorId(3));
        s.insert(SensorId(0));
        assert!(s.contains(SensorId(3)) && !s.contains(SensorId(1)));
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![SensorId(0), SensorId(3)]);
    }
}
