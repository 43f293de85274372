//! Track management: the **initiator** (new tentative tracks, M-of-N confirmation) and the
//! **deleter** roles, and the bookkeeping they read ([`TrackMeta`]).

use crate::classify::{Manoeuvre, classify_with};
use crate::gate::Detection;
use crate::gaussian::{Gaussian, Matrix3, StateCovariance, StateVector, Vector3};
use picket_core::{
    ClassProbs, Identity, Report, SensorId, SensorKind, SensorSet, Timestamp, TrackId, TrackStatus,
};

/// How a sensor's silence about a track is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reporting {
    /// The sensor looks at its whole coverage every scan (radar, camera, RF, acoustic): a scan
    /// without a detection for a track it has seen before is a miss.
    #[default]
    Scanning,
    /// Objects report themselves one at a time (Remote ID, ADS-B): a message about one object
    /// says nothing of the others, so only a silence longer than a timeout counts.
    SelfReporting,
}

/// What one sensor has said of a track lately.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SensorRecord {
    /// The sensor.
    pub sensor: SensorId,
    /// How its silence is read.
    pub reporting: Reporting,
    /// Consecutive scans of this sensor without an update (scanning sensors only).
    pub misses_in_row: u32,
    /// When this sensor last updated the track.
    pub last_hit: Timestamp,
}

/// Sensors remembered per track. A site rarely has more sensors seeing one object; when it
/// does, the one silent for longest is forgotten.
pub const SENSOR_RECORDS: usize = 4;

/// Life-cycle bookkeeping of one track.
///
/// Multi-sensor rule: a step counts for a track only when it comes from a sensor that has
/// seen the track before (or it updates the track). A radar scan is not a miss for a track only
/// Remote ID has reported, a camera frame not a miss for a track outside its field of view, so
/// sensors at different rates and coverages do not wear each other's tracks down.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackMeta {
    /// Stable id.
    pub id: TrackId,
    /// Current status (never `Deleted` while stored).
    pub status: TrackStatus,
    /// One bit per step that counted for this track, newest in bit 0: 1 = updated.
    pub history: u32,
    /// Steps that counted since birth, including the first.
    pub steps: u32,
    /// Updates since birth.
    pub hits: u32,
    /// When a report last updated it.
    pub last_update: Timestamp,
    /// Sensors that contributed.
    pub sensors: SensorSet,
    /// Class probabilities.
    pub class: ClassProbs,
    /// Bound identity.
    pub identity: Option<Identity>,
    /// The latest word of each sensor that has seen the track.
    pub records: [Option<SensorRecord>; SENSOR_RECORDS],
    /// How erratically it manoeuvres (a classification cue).
    pub manoeuvre: Manoeuvre,
    /// When a sensor that measures position or range (radar, Remote ID, ADS-B, a Cartesian
    /// sensor) last updated it, or bearings crossed to start it. Bearings alone keep a track's
    /// direction, not its range: a track they alone keep alive is deleted after
    /// [`MissDeleter::bearing_only_coast_s`].
    pub last_fix: Timestamp,
    /// Started where bearings of sensors standing apart crossed: bearings are its fixes.
    pub triangulated: bool,
    /// Consecutive steps with a twin (another track on the same object, see `merge`).
    pub twin_steps: u8,
    /// Merged into its twin at this step: deleted with it.
    pub merged: bool,
}

impl TrackMeta {
    /// A tentative track born at `time` from a detection of `sensor`.
    pub fn born(id: TrackId, time: Timestamp, sensor: SensorId, reporting: Reporting) -> Self {
        let mut records = [None; SENSOR_RECORDS];
        records[0] = Some(SensorRecord {
            sensor,
            reporting,
            misses_in_row: 0,
            last_hit: time,
        });
        Self {
            id,
            status: TrackStatus::Tentative,
            history: 1,
            steps: 1,
            hits: 1,
            last_update: time,
            sensors: SensorSet::default(),
            class: ClassProbs::default(),
            identity: None,
            records,
            manoeuvre: Manoeuvre::default(),
            last_fix: time,
            triangulated: false,
            twin_steps: 0,
            merged: false,
        }
    }

    /// Records an update by `sensor` at `time`. `ranging` says whether the report measured a
    /// position or a range (not a bare bearing); a bearing alone does not count toward a tentative track's
    /// confirmation (it cannot tell a target from a clutter track on the same line of sight).
    pub fn record_hit(
        &mut self,
        sensor: SensorId,
        reporting: Reporting,
        ranging: bool,
        time: Timestamp,
    ) {
        let slot = self.slot_for(sensor);
        self.records[slot] = Some(SensorRecord {
            sensor,
            reporting,
            misses_in_row: 0,
            last_hit: time,
        });
        let fix = ranging || self.triangulated;
        if fix {
            self.last_fix = time;
        }
        if fix || self.status != TrackStatus::Tentative {
            self.push(true, time);
        } else if self.status == TrackStatus::Coasting {
            self.status = TrackStatus::Confirmed;
        }
    }

    /// Records a scan by `sensor` that did not update the track; it counts only when the
    /// sensor scans and has seen the track before. Returns whether it counted.
    pub fn record_scan_miss(&mut self, sensor: SensorId, time: Timestamp) -> bool {
        let Some(record) = self
            .records
            .iter_mut()
            .flatten()
            .find(|r| r.sensor == sensor && r.reporting == Reporting::Scanning)
        else {
            return false;
        };
        record.misses_in_row = record.misses_in_row.saturating_add(1);
        self.push(false, time);
        true
    }

    fn push(&mut self, hit: bool, time: Timestamp) {
        self.history = (self.history << 1) | u32::from(hit);
        self.steps = self.steps.saturating_add(1);
        if hit {
            self.hits = self.hits.saturating_add(1);
            self.last_update = time;
            if self.status == TrackStatus::Coasting {
                self.status = TrackStatus::Confirmed;
            }
        } else if self.status == TrackStatus::Confirmed && self.all_scanners_missed() {
            self.status = TrackStatus::Coasting;
        }
    }

    /// Takes over what its duplicate `other` knew: identity, contributing sensors, the sensors'
    /// records, class evidence, the latest fix.
    pub fn absorb(&mut self, other: &TrackMeta) {
        if self.identity.is_none() {
            self.identity.clone_from(&other.identity);
        }
        self.sensors = SensorSet(self.sensors.0 | other.sensors.0);
        for record in other.records.iter().flatten() {
            let mine = self
                .records
                .iter()
                .flatten()
                .any(|r| r.sensor == record.sensor);
            if !mine {
                let slot = self.slot_for(record.sensor);
                self.records[slot] = Some(*record);
            }
        }
        self.class = self.class.fuse(&other.class, 1e-3);
        if other.last_fix > self.last_fix {
            self.last_fix = other.last_fix;
        }
        if other.last_update > self.last_update {
            self.last_update = other.last_update;
        }
    }

    /// True when every scanning sensor that has seen the track missed it at its latest scan
    /// (no sensor has it right now).
    fn all_scanners_missed(&self) -> bool {
        self.records
            .iter()
            .flatten()
            .filter(|r| r.reporting == Reporting::Scanning)
            .all(|r| r.misses_in_row > 0)
    }

    /// The slot of `sensor`'s record: its own, a free one, or the one silent longest.
    fn slot_for(&self, sensor: SensorId) -> usize {
        if let Some(i) = self
            .records
            .iter()
            .position(|r| r.is_some_and(|r| r.sensor == sensor))
        {
            return i;
        }
        if let Some(i) = self.records.iter().position(Option::is_none) {
            return i;
        }
        let mut oldest = 0;
        for (i, r) in self.records.iter().enumerate() {
            let (Some(r), Some(o)) = (r, &self.records[oldest]) else {
                continue;
            };
            if r.last_hit < o.last_hit {
                oldest = i;
            }
        }
        oldest
    }

    /// True when every sensor that has seen the track has lost it: scanning sensors after
    /// `misses` scans in a row without it, self-reporting ones after `silence_s` of silence.
    pub fn lost_by_all(&self, misses: u32, silence_s: f64, now: Timestamp) -> bool {
        self.records.iter().flatten().all(|r| match r.reporting {
            Reporting::Scanning => r.misses_in_row >= misses,
            Reporting::SelfReporting => now.since_s(r.last_hit) > silence_s,
        })
    }

    /// Updates among the last `n` counted steps.
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
    /// The first estimate of a track started at `position` with covariance `cov` found some
    /// other way (crossing bearings), or `None` to start nothing.
    fn initiate_at(&self, position: &Vector3, cov: &Matrix3) -> Option<Gaussian>;
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
        let (position, position_cov) = detection.model.cartesian()?;
        self.initiate_at(&position, &position_cov)
    }

    fn initiate_at(&self, position: &Vector3, position_cov: &Matrix3) -> Option<Gaussian> {
        let mut mean = StateVector::zeros();
        mean.fixed_rows_mut::<3>(0).copy_from(position);
        let mut cov = StateCovariance::zeros();
        cov.fixed_view_mut::<3, 3>(0, 0).copy_from(position_cov);
        let v = Vector3::from(self.velocity_sigma_mps);
        for i in 0..3 {
            cov[(i + 3, i + 3)] = v[i] * v[i];
        }
        let g = Gaussian::new(mean, cov);
        // The prior is block diagonal (position from the detection, independent velocity), so
        // it is positive definite when the position block is and every velocity sigma is
        // positive: a 3×3 check instead of a 6×6 Cholesky per clutter plot.
        let velocity_ok = v.iter().all(|s| *s > 0.0 && s.is_finite());
        (g.is_finite() && velocity_ok && crate::fast::inverse_spd3(position_cov).is_some())
            .then_some(g)
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

/// Deletion when every sensor that saw a track has lost it (consecutive misses of each scanning
/// sensor, silence of each self-reporting one), on coasting time and on covariance growth.
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
    /// Any track ends when only bearings updated it for this long, seconds (its range is
    /// guesswork by then).
    pub bearing_only_coast_s: f64,
    /// Any track ends when its horizontal position sigma exceeds this, metres.
    pub max_position_sigma_m: f64,
    /// A self-reporting sensor (Remote ID, ADS-B) has lost a track after this long without a
    /// message about it, seconds (both broadcast at 1 Hz or faster).
    pub self_report_timeout_s: f64,
}

impl Default for MissDeleter {
    fn default() -> Self {
        Self {
            tentative_misses: 2,
            tentative_steps: 6,
            confirmed_misses: 5,
            max_coast_s: 30.0,
            bearing_only_coast_s: 10.0,
            max_position_sigma_m: 1_000.0,
            self_report_timeout_s: 5.0,
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
        meta.lost_by_all(misses_allowed, self.self_report_timeout_s, now)
            || now.since_s(meta.last_update) > self.max_coast_s
            || now.since_s(meta.last_fix) > self.bearing_only_coast_s
            || sigma2.is_nan()
            || sigma2 > self.max_position_sigma_m * self.max_position_sigma_m
    }
}

impl Reporting {
    /// How a sensor of `kind` reports: Remote ID and ADS-B receivers relay objects that report
    /// themselves; every other kind scans.
    pub fn of(kind: SensorKind) -> Self {
        match kind {
            SensorKind::RemoteId | SensorKind::Adsb => Reporting::SelfReporting,
            _ => Reporting::Scanning,
        }
    }
}

/// How a sensor of the site reports (unknown sensors are read as scanning).
pub(crate) fn reporting_of(kinds: &[SensorKind], sensor: SensorId) -> Reporting {
    kinds
        .get(usize::from(sensor.0))
        .map_or(Reporting::Scanning, |&kind| Reporting::of(kind))
}

/// What a report that updated (or started) a track teaches its bookkeeping: the contributing
/// sensor, class evidence, and a cooperative identity (bound from the first report carrying
/// it). Returns true when it bound an identity the track did not hold.
pub(crate) fn learn(
    meta: &mut TrackMeta,
    estimate: &Gaussian,
    report: &Report,
    kinds: &[SensorKind],
    time: Timestamp,
) -> bool {
    meta.sensors.insert(report.sensor);
    meta.manoeuvre.observe(estimate, time);
    let kind = kinds.get(usize::from(report.sensor.0)).copied();
    meta.class = classify_with(meta.class, estimate, &meta.manoeuvre, Some(report), kind);
    if let Some(identity) = report.identity.as_ref().filter(|i| i.is_cooperative())
        && meta.identity.as_ref() != Some(identity)
    {
        meta.identity = Some(identity.clone());
        return true;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_of_n_and_coasting() {
        let t = Timestamp::ZERO;
        let mut meta = TrackMeta::born(TrackId(1), t, SensorId(0), Reporting::Scanning);
        let init = MofNInitiator {
            confirm_hits: 2,
            confirm_window: 3,
            ..Default::default()
        };
        let (radar, rid) = (SensorId(0), SensorId(1));
        assert!(meta.record_scan_miss(radar, t));
        assert!(!init.confirms(&meta));
        meta.record_hit(radar, Reporting::Scanning, true, t);
        assert!(init.confirms(&meta));
        meta.status = TrackStatus::Confirmed;
        // A sensor that never saw the track scans: no miss.
        assert!(!meta.record_scan_miss(SensorId(2), t));
        assert_eq!(meta.status, TrackStatus::Confirmed);
        meta.record_scan_miss(radar, t);
        assert_eq!(meta.status, TrackStatus::Coasting);
        // A self-reporting sensor's message counts as a hit; its silence never as a miss.
        meta.record_hit(rid, Reporting::SelfReporting, true, t);
        assert_eq!(meta.status, TrackStatus::Confirmed);
        assert_eq!(meta.hits, 3);
    }
}
