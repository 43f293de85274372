//! The deterministic core of a site: decode → reorder → tracker → guard, driven only by
//! recorded input (frames with their receive times, ticks and operator commands), so that
//! `picket replay` can run the same code over the store's raw frames and get the same tracks
//! and alerts, bit for bit.
//!
//! Control input is recorded in the raw-frame table too, under sensor [`CONTROL_SENSOR`]:
//! `start` (the configuration and alert-id offset a run began with), `tick` (the site
//! thread's clock advancing the reorder window when no input arrives) and `command`
//! (acknowledge, resolve, reload, with the operator).

use crate::config::SiteConfig;
use picket_core::{
    AlertEvent, AlertId, AlertState, Enu, Report, SensorId, Site, Timestamp, Track, TrackId, Zone,
};
use picket_formats::{Format, Options};
use picket_guard::{Guard, GuardConfig};
use picket_track::{DefaultTracker, Reporting, TrackerConfig};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The sensor id of recorded control frames.
pub const CONTROL_SENSOR: SensorId = SensorId(u16::MAX);

/// Reports held in the reorder window at most; beyond it the oldest groups go early.
const MAX_PENDING: usize = 100_000;

/// With no input, the tracker is stepped (to coast and delete) at most this often.
const IDLE_STEP_S: f64 = 1.0;

/// What a `start` control frame records.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StartRecord {
    /// The whole site file text.
    pub config_toml: String,
    /// Alert ids of this run are the guard's ids plus this.
    pub alert_offset: u64,
    /// Alerts restored from the store, still open.
    pub restored: Vec<AlertEvent>,
}

/// What a `command` control frame records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ControlCommand {
    /// Acknowledge an alert.
    Acknowledge {
        /// Alert id as published.
        alert: u64,
        /// Who.
        operator: String,
    },
    /// Resolve an alert.
    Resolve {
        /// Alert id as published.
        alert: u64,
        /// Who.
        operator: String,
    },
    /// Reload zones, rules and whitelist.
    Reload {
        /// The new file text.
        config_toml: String,
        /// Who.
        operator: String,
    },
}

/// One tracker step's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOut {
    /// Event time.
    pub time: Timestamp,
    /// The sensors whose reports made the step (none for an idle step; several only when
    /// they are self-reporting).
    pub sensors: Vec<SensorId>,
    /// Confirmed tracks updated at this step.
    pub tracks: Vec<Track>,
    /// Tracks that ended.
    pub deleted: Vec<TrackId>,
}

/// What processing one input produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Reports decoded from the frame (site frame, as the tracker took them).
    pub reports: Vec<Report>,
    /// Tracker steps run.
    pub steps: Vec<StepOut>,
    /// Alert transitions, published ids.
    pub alerts: Vec<AlertEvent>,
    /// Input refused: reason, detail.
    pub rejects: Vec<(&'static str, String)>,
    /// The (step time, sensor) groups the frame's reports joined, in the reorder window.
    pub queued: Vec<(Timestamp, SensorId)>,
    /// The zones, when a reload changed them.
    pub zones: Option<Vec<Zone>>,
}

impl Output {
    /// Empties it for reuse.
    pub fn clear(&mut self) {
        self.reports.clear();
        self.steps.clear();
        self.alerts.clear();
        self.rejects.clear();
        self.queued.clear();
        self.zones = None;
    }
}

/// The site's tracker and guard and what feeds them.
pub struct Core {
    site: Site,
    tracker: DefaultTracker,
    guard: Guard,
    decoders: Vec<(Format, Options)>,
    /// Per sensor id: its frames hold whole scans (`frame_is_scan`).
    whole_scans: Vec<bool>,
    /// The coverage the sensors' sections state, for the guard again on a reload.
    stated_coverage: Vec<picket_guard::config::CoverageConfig>,
    window_s: f64,
    quantum_s: f64,
    late_window_s: f64,
    pending: BTreeMap<(Timestamp, SensorId), Vec<Report>>,
    held: usize,
    released_until: Option<Timestamp>,
    last_step: Option<Timestamp>,
    alert_offset: u64,
    restored: BTreeMap<AlertId, AlertEvent>,
    too_late: u64,
    /// Guard work of the tracker steps run but not yet shown to the guard, in step order.
    guard_work: Vec<GuardWork>,
    /// Wall time spent in the tracker's steps (a figure for the benchmark; no result depends
    /// on it).
    tracker_time: std::time::Duration,
}

/// What the guard is to see of one tracker step (its tracks are the step's [`StepOut`]).
#[derive(Debug)]
struct GuardWork {
    time: Timestamp,
    /// Index of the step in [`Output::steps`].
    step: usize,
    /// The step's reports that carry a cooperative identity.
    cooperative: Vec<Report>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("site", &self.site.id).finish()
    }
}

/// The site (frame and sensors, in id order) a configuration describes.
pub fn build_site(config: &SiteConfig) -> Site {
    let s = &config.server;
    let mut site = Site::new(s.site.id.clone(), s.site.origin);
    for sensor in &s.sensor {
        let [e, n, u] = sensor.position;
        site.add_sensor(sensor.name.clone(), sensor.kind, Enu::new(e, n, u));
    }
    site
}

impl Core {
    /// A fresh core for `config`.
    pub fn new(config: &SiteConfig, start: &StartRecord) -> Result<Self, String> {
        let site = build_site(config);
        let guard = Guard::new(&config.guard, &site).map_err(|e| e.to_string())?;
        let tracker = TrackerConfig::default().build(&site);
        let decoders = config
            .server
            .sensor
            .iter()
            .zip(site.sensors())
            .map(|(c, s)| {
                let p = site.frame().to_geodetic(&s.position);
                let options = Options {
                    reference: Some((p.lat_deg, p.lon_deg)),
                    sensor: s.id,
                    modes_details: false,
                    max_tcp_buffer: c.max_frame_bytes,
                    ..Options::default()
                };
                (c.format(), options)
            })
            .collect();
        Ok(Self {
            site,
            tracker,
            guard,
            decoders,
            whole_scans: config
                .server
                .sensor
                .iter()
                .map(|c| c.frame_is_scan)
                .collect(),
            stated_coverage: crate::config::stated_coverage(&config.server.sensor),
            window_s: config.server.site.reorder_window_s,
            quantum_s: config.server.site.step_quantum_s,
            late_window_s: config.server.site.late_window_s,
            pending: BTreeMap::new(),
            held: 0,
            released_until: None,
            last_step: None,
            alert_offset: start.alert_offset,
            restored: start
                .restored
                .iter()
                .map(|e| (e.alert, e.clone()))
                .collect(),
            too_late: 0,
            guard_work: Vec::new(),
            tracker_time: std::time::Duration::ZERO,
        })
    }

    /// The site.
    pub fn site(&self) -> &Site {
        &self.site
    }

    /// The zones in force.
    pub fn zones(&self) -> Vec<Zone> {
        self.guard
            .compiled()
            .zones
            .iter()
            .map(|z| z.zone.clone())
            .collect()
    }

    /// The tracker's counters and live track count (for diagnostics).
    pub fn tracker_counters(&self) -> (picket_track::Counters, usize) {
        (self.tracker.counters(), self.tracker.len())
    }

    /// Wall time spent in tracker steps so far.
    pub fn tracker_time(&self) -> std::time::Duration {
        self.tracker_time
    }

    /// Reports refused because they arrived after their time was processed.
    pub fn too_late(&self) -> u64 {
        self.too_late
    }

    /// Event time now: the last step, or the last released time.
    pub fn time(&self) -> Timestamp {
        self.last_step
            .or(self.released_until)
            .unwrap_or(Timestamp::ZERO)
    }

    /// Decodes a sensor frame and runs every step it makes due: tracker, then guard.
    pub fn frame(&mut self, sensor: SensorId, received: Timestamp, bytes: &[u8], out: &mut Output) {
        self.frame_tracks(sensor, received, bytes, out);
        self.guard_steps(out);
    }

    /// [`Core::frame`] up to the tracker: the steps' tracks are in `out`, and the guard's
    /// part waits for [`Core::guard_steps`], so the live site can publish the track updates
    /// first. Same results as [`Core::frame`] once `guard_steps` has run (the guard sees the
    /// same tracks in the same order), before any other input.
    pub fn frame_tracks(
        &mut self,
        sensor: SensorId,
        received: Timestamp,
        bytes: &[u8],
        out: &mut Output,
    ) {
        let Some((format, options)) = self.decoders.get_mut(usize::from(sensor.0)) else {
            out.rejects
                .push(("unknown_sensor", format!("sensor {}", sensor.0)));
            return;
        };
        options.received = received;
        let start = out.reports.len();
        let fast = crate::fast::reports(*format, bytes, options, &mut out.reports);
        if !fast {
            out.reports.truncate(start);
            for item in picket_formats::decode(*format, bytes, options) {
                match item {
                    Ok(record) => out.reports.extend(record.reports),
                    Err(e) => out.rejects.push(("decode", e.to_string())),
                }
            }
        }
        for r in &mut out.reports[start..] {
            r.sensor = sensor;
            self.site.localize(r);
        }
        for r in &out.reports[start..] {
            let mut slot = self.slot(r.time);
            let stepped = self.released_until.max(self.last_step);
            if let Some(now) = stepped.filter(|&t| slot < t) {
                // Late by less than late_window_s (a radar's time of day in 1/128 s, network
                // jitter): taken at the current step time, an error of at most speed × lag.
                if now.since_s(slot) > self.late_window_s {
                    self.too_late += 1;
                    out.rejects
                        .push(("too_late", format!("report at {}", r.time.as_secs())));
                    continue;
                }
                slot = now;
            }
            self.pending
                .entry((slot, r.sensor))
                .or_default()
                .push(r.clone());
            if out.queued.last() != Some(&(slot, r.sensor)) {
                out.queued.push((slot, r.sensor));
            }
            self.held += 1;
        }
        self.release(received.plus_s(-self.window_s), out);
    }

    /// The tracker-step time of a report at `time`: the start of its `step_quantum_s` slot.
    /// Every report of one sensor in one slot goes into one tracker step, so a burst of
    /// datagrams (Remote ID, Beast reads, radar blocks with close times of day) costs one step,
    /// not one per datagram; the step runs at the slot's start, never later than its reports,
    /// once the slot is complete (its end is older than the reorder watermark).
    pub fn slot(&self, time: Timestamp) -> Timestamp {
        if self.quantum_s <= 0.0 {
            return time;
        }
        let slot = (time.as_secs() / self.quantum_s).floor() * self.quantum_s;
        Timestamp::from_secs(slot).unwrap_or(time).min(time)
    }

    /// The end of the slot starting at `slot` (the slot itself without slotting).
    fn slot_end(&self, slot: Timestamp) -> Timestamp {
        slot.plus_s(self.quantum_s)
    }

    /// The site clock advanced to `now` without input.
    pub fn tick(&mut self, now: Timestamp, out: &mut Output) {
        self.tick_tracks(now, out);
        self.guard_steps(out);
    }

    /// [`Core::tick`] up to the tracker (see [`Core::frame_tracks`]).
    pub fn tick_tracks(&mut self, now: Timestamp, out: &mut Output) {
        let watermark = now.plus_s(-self.window_s);
        let before = out.steps.len();
        self.release(watermark, out);
        let idle = self
            .last_step
            .is_some_and(|t| watermark.since_s(t) >= IDLE_STEP_S);
        if out.steps.len() == before && idle && !self.tracker.is_empty() {
            self.step(watermark, Vec::new(), &[], out);
        }
    }

    /// Whether a tick at `now` would do anything (ticks that would not are not recorded).
    pub fn tick_due(&self, now: Timestamp) -> bool {
        let watermark = now.plus_s(-self.window_s);
        let releasable = self.pending.first_key_value().is_some_and(|(&(t, _), _)| {
            self.slot_end(t) <= watermark
                || self.released_until == Some(t)
                || self.whole_scans_until(watermark).is_some()
        });
        let idle = self
            .last_step
            .is_some_and(|t| watermark.since_s(t) >= IDLE_STEP_S);
        releasable || (idle && !self.tracker.is_empty())
    }

    /// The earliest clock time at which a tick would do something ([`Core::tick_due`]), so
    /// the site thread can tick then rather than on a fixed period (ticks are recorded with
    /// their time, so when they happen never changes what the replay computes).
    pub fn due_at(&self) -> Option<Timestamp> {
        let first = self.pending.first_key_value().map(|(&(t, _), _)| {
            if self.released_until == Some(t) {
                Timestamp::ZERO
            } else {
                self.slot_end(t).plus_s(self.window_s)
            }
        });
        let scans = self
            .pending
            .keys()
            .filter(|(_, s)| self.is_whole_scan(*s))
            .map(|(t, _)| t.plus_s(self.window_s))
            .min();
        let idle = self
            .last_step
            .filter(|_| !self.tracker.is_empty())
            .map(|t| t.plus_s(IDLE_STEP_S + self.window_s));
        [first, scans, idle].into_iter().flatten().min()
    }

    fn is_self_reporting(&self, sensor: SensorId) -> bool {
        self.site
            .sensors()
            .get(usize::from(sensor.0))
            .is_some_and(|s| Reporting::of(s.kind) == Reporting::SelfReporting)
    }

    fn is_whole_scan(&self, sensor: SensorId) -> bool {
        self.whole_scans
            .get(usize::from(sensor.0))
            .copied()
            .unwrap_or(false)
    }

    /// The latest pending slot of a `frame_is_scan` sensor that the watermark has passed:
    /// nothing can still join it (its sensor sends whole scans, other sensors' earlier
    /// reports have had the reorder window), so it and every slot before it step now.
    fn whole_scans_until(&self, watermark: Timestamp) -> Option<Timestamp> {
        self.pending
            .keys()
            .filter(|&&(t, s)| t <= watermark && self.is_whole_scan(s))
            .map(|&(t, _)| t)
            .max()
    }

    fn release(&mut self, watermark: Timestamp, out: &mut Output) {
        let scans_until = self.whole_scans_until(watermark);
        while let Some((&(time, _), _)) = self.pending.first_key_value() {
            // A slot goes once it is complete (its end behind the watermark), so the reports
            // that arrive during it share its step; a late straggler steps alone.
            let complete = self.slot_end(time) <= watermark
                || self.released_until == Some(time)
                || scans_until.is_some_and(|u| time <= u);
            if !complete && self.held <= MAX_PENDING {
                break;
            }
            let ((_, sensor), mut reports) = self.pending.pop_first().expect("checked");
            let mut sensors = vec![sensor];
            // Self-reporting sensors' reports of one slot share a step: each message is about
            // one object and none counts a miss, so one step serves them all, and every step
            // costs the site thread time for every track (prediction, gating grid).
            if self.is_self_reporting(sensor) {
                while let Some((&(t, s), _)) = self.pending.first_key_value() {
                    if t != time || !self.is_self_reporting(s) {
                        break;
                    }
                    let (_, more) = self.pending.pop_first().expect("checked");
                    reports.extend(more);
                    sensors.push(s);
                }
            }
            self.held -= reports.len();
            self.released_until = Some(time);
            self.step(time, sensors, &reports, out);
        }
    }

    fn step(
        &mut self,
        time: Timestamp,
        sensors: Vec<SensorId>,
        reports: &[Report],
        out: &mut Output,
    ) {
        if self.last_step.is_some_and(|t| time < t) {
            return;
        }
        let started = std::time::Instant::now();
        self.tracker.step(time, reports);
        self.tracker_time += started.elapsed();
        self.last_step = Some(time);
        let deleted: Vec<TrackId> = self.tracker.deleted().to_vec();
        // The confirmed tracks this step updated (or whose identity another track took).
        let unbound = self.tracker.unbound();
        let tracks: Vec<Track> = self
            .tracker
            .tracks_where(|m| {
                m.status.is_confirmed() && (m.last_update == time || unbound.contains(&m.id))
            })
            .collect();
        let cooperative: Vec<Report> = reports
            .iter()
            .filter(|r| r.identity.as_ref().is_some_and(|i| i.is_cooperative()))
            .cloned()
            .collect();
        self.guard_work.push(GuardWork {
            time,
            step: out.steps.len(),
            cooperative,
        });
        out.steps.push(StepOut {
            time,
            sensors,
            tracks,
            deleted,
        });
    }

    /// Shows the guard the tracker steps run since the last call, in order: ended tracks,
    /// then the step's tracks and cooperative reports. Alert events go to `out.alerts`.
    pub fn guard_steps(&mut self, out: &mut Output) {
        for work in std::mem::take(&mut self.guard_work) {
            let Some(step) = out.steps.get(work.step) else {
                continue;
            };
            let mut alerts = self.guard.end_tracks(work.time, &step.deleted);
            alerts.extend(self.guard.step(work.time, &step.tracks, &work.cooperative));
            for mut a in alerts {
                a.alert = AlertId(a.alert.0 + self.alert_offset);
                out.alerts.push(a);
            }
        }
    }

    /// Applies an operator command at the current event time.
    pub fn command(&mut self, command: &ControlCommand, out: &mut Output) -> Result<(), String> {
        self.guard_steps(out);
        let time = self.time();
        match command {
            ControlCommand::Acknowledge { alert, operator }
            | ControlCommand::Resolve { alert, operator } => {
                let resolve = matches!(command, ControlCommand::Resolve { .. });
                if let Some(event) = self.restored_command(*alert, operator, resolve, time)? {
                    out.alerts.push(event);
                    return Ok(());
                }
                let id = alert
                    .checked_sub(self.alert_offset)
                    .ok_or_else(|| format!("no open alert {alert}"))?;
                let result = if resolve {
                    self.guard.resolve(AlertId(id), operator, time)
                } else {
                    self.guard.acknowledge(AlertId(id), operator, time)
                };
                let mut event = result.map_err(|e| e.to_string())?;
                event.alert = AlertId(*alert);
                out.alerts.push(event);
                Ok(())
            }
            ControlCommand::Reload { config_toml, .. } => {
                let mut config = GuardConfig::load(config_toml, "reload").map_err(|e| {
                    format!("configuration refused, the last good one stays in force: {e}")
                })?;
                crate::config::add_coverage(&mut config, &self.stated_coverage);
                let events = self
                    .guard
                    .reload(&config, time)
                    .map_err(|e| e.to_string())?;
                for mut a in events {
                    a.alert = AlertId(a.alert.0 + self.alert_offset);
                    out.alerts.push(a);
                }
                out.zones = Some(self.zones());
                Ok(())
            }
        }
    }

    /// Acknowledge/resolve of an alert restored from the store (the guard never saw it).
    fn restored_command(
        &mut self,
        alert: u64,
        operator: &str,
        resolve: bool,
        time: Timestamp,
    ) -> Result<Option<AlertEvent>, String> {
        let Some(last) = self.restored.get(&AlertId(alert)) else {
            return Ok(None);
        };
        let operator = operator.trim();
        if operator.is_empty() {
            return Err("an operator name is required".into());
        }
        if !resolve && last.state == AlertState::Acknowledged {
            return Err(format!("alert {alert} is already acknowledged"));
        }
        let mut event = last.clone();
        event.time = time.max(last.time);
        event.actor = picket_core::Actor::Operator(operator.to_owned());
        if resolve {
            event.state = AlertState::Resolved;
            event.cause = format!("resolved by {operator}");
            self.restored.remove(&AlertId(alert));
        } else {
            event.state = AlertState::Acknowledged;
            event.cause = format!("acknowledged by {operator}");
            self.restored.insert(AlertId(alert), event.clone());
        }
        Ok(Some(event))
    }
}
