//! The multi-target tracker: the roles wired into one `step()`.

mod narrow;
#[cfg(test)]
mod tests;
mod view;

use crate::associate::{DataAssociator, Gnn, UNASSIGNED, stable_partition};
use crate::gate::{Detection, GridGater, Hypothesis, Hypothesiser};
use crate::manage::{
    Deleter, Initiator, MissDeleter, MofNInitiator, Reporting, TrackMeta, learn, reporting_of,
};
use crate::measurement::{MeasurementModel, RejectReason, model_of};
use crate::merge::{MergeConfig, Merger};
use crate::motion::{Belief, Predictor};
use crate::triangulate::{TriangulationConfig, Triangulator};
use crate::update::{KalmanUpdater, Updater};
use picket_core::{
    Enu, IdCounter, Identity, Report, SensorId, SensorKind, Site, Timestamp, TrackId, TrackStatus,
};

/// The six roles a tracker is made of.
#[derive(Debug, Clone)]
pub struct Roles<P, U = KalmanUpdater, H = GridGater, A = Gnn, I = MofNInitiator, D = MissDeleter> {
    /// Carries beliefs forward in time.
    pub predictor: P,
    /// Folds a measurement into a belief.
    pub updater: U,
    /// Finds the gated (track, detection) pairs.
    pub hypothesiser: H,
    /// Chooses one detection per track.
    pub associator: A,
    /// Starts and confirms tracks.
    pub initiator: I,
    /// Ends tracks.
    pub deleter: D,
}

/// Counters of everything the tracker did not use as given; nothing is dropped silently.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// Reports processed.
    pub reports: u64,
    /// Reports rejected as invalid (non-finite, sigma ≤ 0, unknown sensor, unsupported kind).
    pub rejected: u64,
    /// Reports older than the tracker's time, dropped by the out-of-sequence rule.
    pub out_of_sequence: u64,
    /// Kalman updates refused as numerically impossible (the track coasted instead).
    pub failed_updates: u64,
    /// Tracks started.
    pub tracks_started: u64,
    /// Tracks confirmed.
    pub tracks_confirmed: u64,
    /// Tracks deleted.
    pub tracks_deleted: u64,
    /// Tracks started where the bearings of two sensors crossed.
    pub tracks_triangulated: u64,
    /// Updates of a track by a report carrying the identity already bound to it.
    pub identity_bindings: u64,
    /// Duplicate tracks merged into their twin (counted in `tracks_deleted` too).
    pub tracks_merged: u64,
    /// Identities taken from one track by another (one live track per identity).
    pub identity_transfers: u64,
}

/// A multi-target tracker for one site.
///
/// The out-of-sequence rule: a step whose time is earlier than the tracker's time (the latest
/// step so far) is not applied; its reports are counted in [`Counters::out_of_sequence`].
/// Put a [`crate::ReorderBuffer`] in front to absorb bounded lateness.
#[derive(Debug, Clone)]
pub struct Tracker<P: Predictor, U, H, A, I, D> {
    roles: Roles<P, U, H, A, I, D>,
    sensors: Vec<Enu>,
    kinds: Vec<SensorKind>,
    scanned: Vec<SensorId>,
    triangulator: Triangulator,
    merger: Merger,
    merges: Vec<(u32, u32)>,
    rebound: Vec<u32>,
    unbound: Vec<TrackId>,
    time: Option<Timestamp>,
    last_wide: Option<Timestamp>,
    ids: IdCounter,
    beliefs: Vec<P::Belief>,
    /// The time of each belief (see `narrow`: a track waits at its own time until a step
    /// concerns it).
    times: Vec<Timestamp>,
    /// Narrow steps: the tracks their detections may reach, and a gathered copy of them.
    near: Vec<u32>,
    gathered: Vec<P::Belief>,
    meta: Vec<TrackMeta>,
    detections: Vec<Detection>,
    hypotheses: Vec<Hypothesis>,
    assignment: Vec<u32>,
    used: Vec<bool>,
    deleted: Vec<TrackId>,
    rejects: Vec<(u32, RejectReason)>,
    counters: Counters,
}

impl<P, U, H, A, I, D> Tracker<P, U, H, A, I, D>
where
    P: Predictor,
    U: Updater<P::Belief>,
    H: Hypothesiser,
    A: DataAssociator,
    I: Initiator,
    D: Deleter,
{
    /// A tracker for `site` (whose sensor positions polar reports are measured from).
    pub fn new(site: &Site, roles: Roles<P, U, H, A, I, D>) -> Self {
        Self::with_triangulation(site, roles, TriangulationConfig::default())
    }

    /// A tracker for `site` that starts tracks from bearings crossing as `triangulation` says.
    pub fn with_triangulation(
        site: &Site,
        roles: Roles<P, U, H, A, I, D>,
        triangulation: TriangulationConfig,
    ) -> Self {
        Self {
            roles,
            sensors: site.sensors().iter().map(|s| s.position).collect(),
            kinds: site.sensors().iter().map(|s| s.kind).collect(),
            scanned: Vec::new(),
            triangulator: Triangulator::new(triangulation),
            merger: Merger::new(MergeConfig::default()),
            merges: Vec::new(),
            rebound: Vec::new(),
            unbound: Vec::new(),
            time: None,
            last_wide: None,
            ids: IdCounter::starting_at(1),
            beliefs: Vec::new(),
            times: Vec::new(),
            near: Vec::new(),
            gathered: Vec::new(),
            meta: Vec::new(),
            detections: Vec::new(),
            hypotheses: Vec::new(),
            assignment: Vec::new(),
            used: Vec::new(),
            deleted: Vec::new(),
            rejects: Vec::new(),
            counters: Counters::default(),
        }
    }

    /// Processes the reports observed at `time` (normally one sensor's scan or one report):
    /// predict, gate, associate, update, delete, initiate. Returns the reports it rejected
    /// (index into `reports`, reason).
    ///
    /// Every scanning sensor with a report here counts as having scanned: a track it has seen
    /// before and that none of its reports updated records a miss. Self-reporting sensors
    /// (Remote ID, ADS-B) never cause misses. Use [`Tracker::scan`] for a scan that may be empty.
    ///
    /// A step of a few self-reported positions is *narrow*: it predicts and updates only the
    /// tracks its reports can reach, and the others keep their estimate at its own time (see
    /// [`Tracker::states`], [`Tracker::tracks_at`]); every other step, and at least one a
    /// second, predicts every track.
    pub fn step(&mut self, time: Timestamp, reports: &[Report]) -> &[(u32, RejectReason)] {
        self.scanned.clear();
        self.note_scanned(reports.iter().map(|r| r.sensor));
        self.run(time, reports)
    }

    /// As [`Tracker::step`], for a scan of `sensor` that may have detected nothing: tracks it
    /// has seen before and did not detect now record a miss.
    pub fn scan(
        &mut self,
        time: Timestamp,
        sensor: SensorId,
        reports: &[Report],
    ) -> &[(u32, RejectReason)] {
        self.scanned.clear();
        self.note_scanned(std::iter::once(sensor).chain(reports.iter().map(|r| r.sensor)));
        self.run(time, reports)
    }

    fn note_scanned(&mut self, sensors: impl Iterator<Item = SensorId>) {
        for sensor in sensors {
            if reporting_of(&self.kinds, sensor) == Reporting::Scanning
                && !self.scanned.contains(&sensor)
            {
                self.scanned.push(sensor);
            }
        }
    }

    fn run(&mut self, time: Timestamp, reports: &[Report]) -> &[(u32, RejectReason)] {
        self.counters.reports += reports.len() as u64;
        if self.time.is_some_and(|now| time < now) {
            self.counters.out_of_sequence += reports.len() as u64;
            self.rejects.clear();
            return &self.rejects;
        }
        self.load(reports);
        let narrow = self.is_narrow(time);
        self.time = Some(time);
        if narrow {
            self.predict_and_gate_near(time);
        } else {
            self.last_wide = Some(time);
            self.roles
                .predictor
                .predict_to(&mut self.beliefs, &mut self.times, time);
            self.roles.hypothesiser.hypothesise(
                &self.beliefs,
                &self.detections,
                &mut self.hypotheses,
            );
        }
        self.clear_assignment();
        if reports.iter().any(|r| r.identity.is_some()) {
            self.bind_identities(reports);
        }
        self.associate_confirmed_then_tentative();
        self.rebound.clear();
        self.unbound.clear();
        self.update(time, reports, narrow); // tracks without a detection coast
        self.unbind_previous_holders();
        self.deleted.clear();
        if !narrow {
            // Both look at every track: duplicates are compared at one time, and covariance
            // growth is read from predicted estimates.
            self.merge_duplicates();
            self.delete(time);
        }
        self.rebound.clear();
        self.initiate(time, reports); // from the detections no track took
        self.unbind_previous_holders();
        debug_assert!(
            self.check_invariants().is_ok(),
            "{:?}",
            self.check_invariants()
        );
        &self.rejects
    }

    /// Bytes the tracker holds: track store, scratch buffers and the roles' scratch. Divide by
    /// [`Tracker::len`] for the memory per live track.
    pub fn memory_bytes(&self) -> usize {
        self.memory_breakdown().iter().map(|(_, b)| b).sum()
    }

    /// [`Tracker::memory_bytes`] by part.
    pub fn memory_breakdown(&self) -> [(&'static str, usize); 6] {
        use std::mem::size_of;
        [
            ("tracker", size_of::<Self>()),
            (
                "track store",
                self.beliefs.capacity() * size_of::<P::Belief>()
                    + self.meta.capacity() * size_of::<TrackMeta>()
                    + self.times.capacity() * size_of::<Timestamp>(),
            ),
            (
                "detections",
                self.detections.capacity() * size_of::<Detection>(),
            ),
            (
                "hypotheses",
                self.hypotheses.capacity() * size_of::<Hypothesis>()
                    + self.assignment.capacity() * 4
                    + self.used.capacity()
                    + self.deleted.capacity() * size_of::<TrackId>(),
            ),
            ("gater", self.roles.hypothesiser.memory_bytes()),
            (
                "associator",
                self.roles.associator.memory_bytes()
                    + self.triangulator.memory_bytes()
                    + self.merger.memory_bytes()
                    + self.merges.capacity() * 8
                    + self.near.capacity() * 4
                    + self.gathered.capacity() * size_of::<P::Belief>(),
            ),
        ]
    }

    fn load(&mut self, reports: &[Report]) {
        self.detections.clear();
        // Exactly what the largest step needs, not the next power of two: detections are
        // scratch counted against the memory budget per track.
        self.detections.reserve_exact(reports.len());
        self.rejects.clear();
        for (index, report) in reports.iter().enumerate() {
            let built = match self.sensors.get(usize::from(report.sensor.0)) {
                Some(position) => model_of(report, position),
                None => Err(RejectReason::UnknownSensor(report.sensor)),
            };
            match built {
                Ok(model) => self.detections.push(Detection::new(model, index as u32)),
                Err(reason) => self.rejects.push((index as u32, reason)),
            }
        }
        self.counters.rejected += self.rejects.len() as u64;
    }

    fn clear_assignment(&mut self) {
        self.assignment.clear();
        self.assignment.resize(self.beliefs.len(), UNASSIGNED);
        self.used.clear();
        self.used.resize(self.detections.len(), false);
    }

    /// Identity first: a report carrying a cooperative identity (Remote ID serial, ICAO
    /// address) updates the track already bound to that identity when it falls in that
    /// track's gate, before any kinematic choice. It may never update a track bound to a
    /// different identity. A report that does not gate with its own identity's track is left to
    /// kinematics (a forged position then shows up as the same identity in two places, which
    /// the guard's spoofing check reads).
    fn bind_identities(&mut self, reports: &[Report]) {
        let identity_of = |report: u32| {
            reports[report as usize]
                .identity
                .as_ref()
                .filter(|i| i.is_cooperative())
        };
        for (det, detection) in self.detections.iter().enumerate() {
            let Some(identity) = identity_of(detection.report) else {
                continue;
            };
            let Some(track) = self
                .meta
                .iter()
                .position(|m| m.identity.as_ref() == Some(identity))
            else {
                continue;
            };
            if self.assignment[track] == UNASSIGNED
                && self
                    .hypotheses
                    .iter()
                    .any(|h| h.track as usize == track && h.detection as usize == det)
            {
                self.assignment[track] = det as u32;
                self.used[det] = true;
                self.counters.identity_bindings += 1;
            }
        }
        let (meta, detections) = (&self.meta, &self.detections);
        self.hypotheses.retain(|h| {
            let theirs: Option<&Identity> = meta[h.track as usize].identity.as_ref();
            let ours = identity_of(detections[h.detection as usize].report);
            !matches!((theirs, ours), (Some(a), Some(b)) if a != b)
        });
    }

    /// Confirmed (and coasting) tracks choose first; tentative tracks share what is left, so
    /// a young track started on clutter never steals an established track's detection. The
    /// hypotheses are partitioned in place (stably, so the result does not depend on how the
    /// partition moves them), not copied: scratch memory counts against the per-track budget.
    fn associate_confirmed_then_tentative(&mut self) {
        let meta = &self.meta;
        let tentative = |h: &Hypothesis| meta[h.track as usize].status == TrackStatus::Tentative;
        let split = stable_partition(&mut self.hypotheses, |h| !tentative(h));
        let (confirmed, young) = self.hypotheses.split_at(split);
        for stage in [confirmed, young] {
            self.roles
                .associator
                .associate(stage, &mut self.assignment, &mut self.used);
        }
    }

    /// Updates the assigned tracks and records the scanning sensors' misses. A narrow step
    /// visits only the tracks it predicted: it has no scanning sensor, and a track without a
    /// detection changes nothing there.
    fn update(&mut self, time: Timestamp, reports: &[Report], narrow: bool) {
        let visits = if narrow {
            self.near.len()
        } else {
            self.assignment.len()
        };
        for visit in 0..visits {
            let track = if narrow {
                self.near[visit] as usize
            } else {
                visit
            };
            let det = self.assignment[track];
            let mut hit_by = None;
            let meta = &mut self.meta[track];
            if det != UNASSIGNED {
                let detection = &self.detections[det as usize];
                if self
                    .roles
                    .updater
                    .update(&mut self.beliefs[track], &detection.model)
                {
                    let report = &reports[detection.report as usize];
                    // What was measured decides, not the sensor's kind: a camera may report
                    // positions (SAPIENT locations), a radar a bare bearing.
                    let ranging = !matches!(detection.model, MeasurementModel::Bearing { .. });
                    hit_by = Some((report.sensor, ranging));
                    if learn(
                        meta,
                        self.beliefs[track].estimate(),
                        report,
                        &self.kinds,
                        time,
                    ) {
                        self.rebound.push(track as u32);
                    }
                } else {
                    self.counters.failed_updates += 1;
                }
            }
            for &sensor in &self.scanned {
                if hit_by.is_none_or(|(s, _)| s != sensor) {
                    meta.record_scan_miss(sensor, time);
                }
            }
            if let Some((sensor, ranging)) = hit_by {
                meta.record_hit(sensor, reporting_of(&self.kinds, sensor), ranging, time);
            }
            if meta.status == TrackStatus::Tentative && self.roles.initiator.confirms(meta) {
                meta.status = TrackStatus::Confirmed;
                self.counters.tracks_confirmed += 1;
            }
        }
    }

    /// One live track per identity: a track that just took an identity takes it from any
    /// other holder. (The guard reads a serial that moves between two places from the
    /// broadcasts themselves; two tracks holding one serial were mostly one drone tracked
    /// twice, and flagged honest broadcasters as spoofed.)
    fn unbind_previous_holders(&mut self) {
        for &k in &self.rebound {
            let Some(identity) = self.meta[k as usize].identity.clone() else {
                continue;
            };
            for (j, m) in self.meta.iter_mut().enumerate() {
                if j != k as usize && m.identity.as_ref() == Some(&identity) {
                    m.identity = None;
                    self.unbound.push(m.id);
                    self.counters.identity_transfers += 1;
                }
            }
        }
    }

    /// Folds each duplicate track into its twin; the duplicate is deleted with the others.
    fn merge_duplicates(&mut self) {
        self.merger
            .find(&self.beliefs, &mut self.meta, &mut self.merges);
        for &(keep, drop) in &self.merges {
            let other = self.meta[drop as usize].clone();
            self.meta[keep as usize].absorb(&other);
            self.meta[drop as usize].merged = true;
        }
        self.counters.tracks_merged += self.merges.len() as u64;
    }

    fn delete(&mut self, time: Timestamp) {
        let mut i = 0;
        while i < self.meta.len() {
            if self.meta[i].merged
                || self
                    .roles
                    .deleter
                    .deletes(&self.meta[i], self.beliefs[i].estimate(), time)
            {
                self.deleted.push(self.meta[i].id);
                self.meta.swap_remove(i);
                self.beliefs.swap_remove(i);
                self.times.swap_remove(i);
            } else {
                i += 1;
            }
        }
        self.counters.tracks_deleted += self.deleted.len() as u64;
        // Give back what a burst of tentative tracks left behind, with hysteresis against
        // the eighth `initiate` grows by (the budget is per *live* track).
        let live = self.meta.len();
        if self.meta.capacity() > live + live / 4 + 4 {
            let keep = live + live / 8 + 2;
            self.beliefs.shrink_to(keep);
            self.meta.shrink_to(keep);
            self.times.shrink_to(keep);
        }
    }

    fn initiate(&mut self, time: Timestamp, reports: &[Report]) {
        // Grow the track store by an eighth rather than doubling, so a large picture does
        // not carry up to 2x its size in spare capacity (the memory budget is per live track).
        let new = self.used.iter().filter(|u| !**u).count();
        if self.beliefs.len() + new > self.beliefs.capacity() {
            let grow = new.max(self.beliefs.len() / 8);
            self.beliefs.reserve_exact(grow);
            self.meta.reserve_exact(grow);
            self.times.reserve_exact(grow);
        }
        for (det, detection) in self.detections.iter().enumerate() {
            if self.used[det] {
                continue;
            }
            let report = &reports[detection.report as usize];
            let reporting = reporting_of(&self.kinds, report.sensor);
            let mut partner = None;
            let prior = match self.roles.initiator.initiate(detection) {
                Some(prior) => prior,
                None => {
                    let Some(crossing) =
                        self.triangulator
                            .offer(time, report.sensor, &detection.model)
                    else {
                        continue;
                    };
                    let Some(prior) = self
                        .roles
                        .initiator
                        .initiate_at(&crossing.position, &crossing.cov)
                    else {
                        continue;
                    };
                    partner = Some(crossing.partner);
                    self.counters.tracks_triangulated += 1;
                    prior
                }
            };
            let id = TrackId(self.ids.next_value());
            let mut meta = TrackMeta::born(id, time, report.sensor, reporting);
            if let Some(partner) = partner {
                meta.triangulated = true;
                // Crossing bearings fix the position: both count, as a ranging sensor would.
                meta.record_hit(partner, reporting_of(&self.kinds, partner), true, time);
                meta.sensors.insert(partner);
            }
            if learn(&mut meta, &prior, report, &self.kinds, time) {
                self.rebound.push(self.meta.len() as u32);
            }
            self.beliefs.push(self.roles.predictor.initiate(prior));
            self.meta.push(meta);
            self.times.push(time);
            self.counters.tracks_started += 1;
        }
    }
}
