//! The live state of running sites: the seam between the pipeline and the API.
//!
//! Each site's pipeline thread (ingest → decoders → tracker → guard) owns a [`LiveSite`] and is
//! its only writer: after each step it publishes the changed tracks, alert events and sensor
//! health with [`LiveSite::publish`]. The API reads consistent [`Snapshot`]s, subscribes to the
//! [`Update`] stream for WebSocket clients, and sends operator [`Command`]s back to the
//! pipeline, which applies them to the guard (so acknowledgements go through the same
//! deterministic core and the evidence store as everything else).
//!
//! The site's sensor table ([`SensorInfo`]: names, kinds, positions and [`Coverage`]) is set
//! once with [`LiveSite::set_sensor_layout`], so the map can draw coverage and a track's
//! sensor ids can be shown by name.
//!
//! ```
//! use picket_core::Geodetic;
//! use picket_live::{LiveSite, Registry};
//! let (site, _commands) = LiveSite::new("north", Geodetic::new(51.47, -0.45, 25.0), 1024);
//! let mut registry = Registry::default();
//! registry.insert(site.clone());
//! assert_eq!(registry.get("north").unwrap().snapshot().tracks.len(), 0);
//! ```

use picket_core::{
    AlertEvent, AlertId, Enu, Geodetic, SensorId, SensorKind, Timestamp, Track, TrackId, Zone,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use tokio::sync::{broadcast, mpsc, oneshot};

/// One sensor's health as ingest counts it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorHealth {
    /// Configured sensor name.
    pub name: String,
    /// What it is.
    pub kind: SensorKind,
    /// Wire format it speaks (e.g. `asterix`, `beast`, `sapient`, `remoteid`, `json`).
    pub format: String,
    /// Frames received.
    pub frames: u64,
    /// Reports decoded from them.
    pub reports: u64,
    /// Rejected frames by reason (e.g. `"truncated"`, `"crc"`, `"oversized"`).
    pub rejects: BTreeMap<String, u64>,
    /// Frames shed under overload.
    pub shed: u64,
    /// Receive time of the last frame, when any.
    pub last_seen: Option<Timestamp>,
    /// Receive-to-report latency (median over a recent window), milliseconds.
    pub latency_ms: Option<f64>,
    /// True when the sensor has been quiet longer than its stale timeout.
    pub stale: bool,
    /// What the sensor last said about its own state (a SAPIENT StatusReport), for sensors
    /// that report one; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reported: Option<ReportedStatus>,
}

/// A sensor's own statement of its state (SAPIENT `StatusReport`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportedStatus {
    /// `ok`, `warning`, `error`, `goodbye` or `unknown`, as the sensor states it.
    pub system: String,
    /// True when the system is `ok` and no fault is reported.
    pub ok: bool,
    /// Faults it reports, in words (`power`, `internal_fault: overheat`), empty when none.
    pub faults: Vec<String>,
    /// The mode it runs in.
    pub mode: String,
    /// What it currently sees, when it says.
    pub field_of_view: Option<FieldOfView>,
    /// Receive time of that status report.
    pub received: Timestamp,
}

/// An area a sensor reports seeing.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FieldOfView {
    /// A polygon of geodetic vertices.
    Polygon {
        /// Vertices in order.
        vertices: Vec<Geodetic>,
    },
    /// A sector from the sensor; angles in degrees from true north, range in metres.
    Cone {
        /// Centre azimuth, degrees.
        azimuth_deg: f64,
        /// Centre elevation, degrees.
        elevation_deg: f64,
        /// Reach, metres.
        range_m: f64,
        /// Full horizontal width, degrees.
        horizontal_extent_deg: f64,
        /// Full vertical height, degrees.
        vertical_extent_deg: f64,
    },
}

/// Where a sensor can see: a range, and an azimuth sector when it does not see all round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Maximum range, metres.
    pub range_m: f64,
    /// Centre of the azimuth sector, degrees clockwise from true north; `None`: all round.
    pub boresight_deg: Option<f64>,
    /// Width of the azimuth sector, degrees (0 < fov ≤ 360); `None`: all round.
    pub fov_deg: Option<f64>,
    /// `configured` (the site file says so) or `nominal` (a typical figure for the kind, so
    /// the map shows something; not a measured coverage).
    pub source: &'static str,
}

impl Coverage {
    /// A typical range for a sensor kind, all round; `None` for kinds without one (generic).
    /// These are orders of magnitude for small drones, not a substitute for a site survey.
    pub fn nominal(kind: SensorKind) -> Option<Self> {
        let range_m = match kind {
            SensorKind::Radar => 5_000.0,
            SensorKind::Rf => 3_000.0,
            SensorKind::RemoteId => 1_500.0,
            SensorKind::Adsb => 50_000.0,
            SensorKind::Camera => 1_500.0,
            SensorKind::Acoustic => 300.0,
            SensorKind::Generic => return None,
        };
        Some(Self {
            range_m,
            boresight_deg: None,
            fov_deg: None,
            source: "nominal",
        })
    }
}

/// What a sensor is and where it stands: the map's and the track detail's view of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorInfo {
    /// Index in the site's sensor table (the bits of a track's `sensors` set).
    pub id: SensorId,
    /// Configured name.
    pub name: String,
    /// What it is.
    pub kind: SensorKind,
    /// Wire format it speaks.
    pub format: String,
    /// Where it stands in the site frame, metres.
    pub position: Enu,
    /// Where it can see, when known.
    pub coverage: Option<Coverage>,
}

/// An alert's current state: its last event, plus when it was raised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertView {
    /// The latest event of this alert (its state, level, cause, actor).
    pub last: AlertEvent,
    /// When it was raised.
    pub raised_at: Timestamp,
}

/// Everything an operator sees of a site at one moment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Snapshot {
    /// Event time of the last pipeline step.
    pub time: Option<Timestamp>,
    /// Live tracks (deleted ones are removed).
    pub tracks: BTreeMap<TrackId, Track>,
    /// Alerts that are not resolved, and resolved ones until the pipeline prunes them.
    pub alerts: BTreeMap<AlertId, AlertView>,
    /// Sensor health by sensor name.
    pub sensors: BTreeMap<String, SensorHealth>,
    /// The site's zones as currently configured.
    pub zones: Vec<Zone>,
}

/// A change, as streamed to subscribers (WebSocket clients, outputs).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Update {
    /// Tracks changed at `time`; `deleted` lists tracks that ended.
    Tracks {
        /// Event time of the step.
        time: Timestamp,
        /// New states of the tracks that changed.
        tracks: Vec<Track>,
        /// Tracks that ended in this step.
        deleted: Vec<TrackId>,
    },
    /// An alert transition.
    Alert(AlertEvent),
    /// A sensor's health changed.
    Sensor(SensorHealth),
    /// The zones were reloaded. Streamed as `{"type":"zones","zones":[...]}`: an internally
    /// tagged variant needs a map inside, so the list is wrapped.
    Zones(#[serde(serialize_with = "zones_as_map")] Vec<Zone>),
}

fn zones_as_map<S: serde::Serializer>(zones: &[Zone], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut map = serializer.serialize_map(Some(1))?;
    map.serialize_entry("zones", zones)?;
    map.end()
}

/// What an operator asks of a site's guard.
#[derive(Debug)]
pub enum Command {
    /// Acknowledge an alert.
    Acknowledge {
        /// The alert.
        alert: AlertId,
        /// Who.
        operator: String,
        /// The resulting event, or why not.
        reply: oneshot::Sender<Result<AlertEvent, String>>,
    },
    /// Resolve an alert.
    Resolve {
        /// The alert.
        alert: AlertId,
        /// Who.
        operator: String,
        /// The resulting event, or why not.
        reply: oneshot::Sender<Result<AlertEvent, String>>,
    },
    /// Reload zones, rules and whitelist from this configuration text (TOML).
    Reload {
        /// The new configuration.
        config_toml: String,
        /// Who.
        operator: String,
        /// Ok, or why the new configuration was refused (the last good one stays).
        reply: oneshot::Sender<Result<(), String>>,
    },
}

/// One running site: its snapshot, its update stream and its command channel.
#[derive(Debug)]
pub struct LiveSite {
    /// Site id.
    pub id: String,
    /// Geodetic origin of the site frame.
    pub origin: Geodetic,
    state: RwLock<Snapshot>,
    sensor_layout: RwLock<Arc<[SensorInfo]>>,
    updates: broadcast::Sender<Arc<Update>>,
    commands: mpsc::Sender<Command>,
}

impl LiveSite {
    /// A new site and the receiving end of its command channel (for the pipeline).
    /// `update_buffer` bounds the update stream: a subscriber that falls further behind is told
    /// it lagged (and should re-read the snapshot) instead of slowing the pipeline.
    pub fn new(
        id: impl Into<String>,
        origin: Geodetic,
        update_buffer: usize,
    ) -> (Arc<Self>, mpsc::Receiver<Command>) {
        let (updates, _) = broadcast::channel(update_buffer.max(1));
        let (commands, command_rx) = mpsc::channel(64);
        let site = Self {
            id: id.into(),
            origin,
            state: RwLock::new(Snapshot::default()),
            sensor_layout: RwLock::new(Arc::from(Vec::new())),
            updates,
            commands,
        };
        (Arc::new(site), command_rx)
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> Snapshot {
        self.state.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Reads the current state without copying it.
    pub fn with_snapshot<T>(&self, f: impl FnOnce(&Snapshot) -> T) -> T {
        f(&self.state.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The sensors as configured (id, name, kind, position, coverage); empty until someone
    /// who knows the site's sensor table sets it.
    pub fn sensor_layout(&self) -> Arc<[SensorInfo]> {
        self.sensor_layout
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sets the sensor table (the server from its site file, or the API from the same text).
    pub fn set_sensor_layout(&self, sensors: Vec<SensorInfo>) {
        *self
            .sensor_layout
            .write()
            .unwrap_or_else(|e| e.into_inner()) = Arc::from(sensors);
    }

    /// Subscribes to updates from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Update>> {
        self.updates.subscribe()
    }

    /// A sender of operator commands to the pipeline.
    pub fn commands(&self) -> mpsc::Sender<Command> {
        self.commands.clone()
    }

    /// Applies `update` to the snapshot and streams it. Called by the pipeline only.
    pub fn publish(&self, update: Update) {
        {
            let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
            apply(&mut state, &update);
        }
        // No subscribers is fine: the snapshot still holds the state.
        let _ = self.updates.send(Arc::new(update));
    }
}

fn apply(state: &mut Snapshot, update: &Update) {
    match update {
        Update::Tracks {
            time,
            tracks,
            deleted,
        } => {
            state.time = Some(*time);
            for t in tracks {
                state.tracks.insert(t.id, t.clone());
            }
            for id in deleted {
                state.tracks.remove(id);
            }
        }
        Update::Alert(event) => {
            let raised_at = state
                .alerts
                .get(&event.alert)
                .map_or(event.time, |a| a.raised_at);
            state.alerts.insert(
                event.alert,
                AlertView {
                    last: event.clone(),
                    raised_at,
                },
            );
        }
        Update::Sensor(health) => {
            state.sensors.insert(health.name.clone(), health.clone());
        }
        Update::Zones(zones) => state.zones = zones.clone(),
    }
}

/// All sites of this process, by id.
#[derive(Debug, Default, Clone)]
pub struct Registry {
    sites: BTreeMap<String, Arc<LiveSite>>,
}

impl Registry {
    /// Adds (or replaces) a site.
    pub fn insert(&mut self, site: Arc<LiveSite>) {
        self.sites.insert(site.id.clone(), site);
    }

    /// The site with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<LiveSite>> {
        self.sites.get(id)
    }

    /// Every site, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<LiveSite>> {
        self.sites.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_core::{
        Actor, AlertState, ClassProbs, Enu, RuleKind, SensorSet, ThreatLevel, TrackStatus,
    };

    fn track(id: u64, t: f64) -> Track {
        let time = Timestamp::from_secs(t).unwrap();
        Track {
            id: TrackId(id),
            time,
            position: Enu::new(1.0, 2.0, 3.0),
            velocity: Enu::default(),
            cov: [[0.0; 6]; 6],
            status: TrackStatus::Confirmed,
            class: ClassProbs::default(),
            identity: None,
            pilot: None,
            sensors: SensorSet::default(),
            last_update: time,
            update_count: 3,
        }
    }

    #[tokio::test]
    async fn publish_updates_snapshot_and_stream() {
        let (site, _rx) = LiveSite::new("s", Geodetic::new(0.0, 0.0, 0.0), 8);
        let mut sub = site.subscribe();
        let t = Timestamp::from_secs(1.0).unwrap();
        site.publish(Update::Tracks {
            time: t,
            tracks: vec![track(1, 1.0), track(2, 1.0)],
            deleted: vec![],
        });
        site.publish(Update::Tracks {
            time: t.plus_s(1.0),
            tracks: vec![],
            deleted: vec![TrackId(1)],
        });
        let event = AlertEvent {
            alert: AlertId(1),
            time: t,
            track: TrackId(2),
            rule: RuleKind::Entry,
            zone: Some("Z1".into()),
            level: ThreatLevel::new(3),
            state: AlertState::Raised,
            actor: Actor::System,
            cause: "entered Z1".into(),
        };
        site.publish(Update::Alert(event.clone()));
        let acked = AlertEvent {
            state: AlertState::Acknowledged,
            time: t.plus_s(5.0),
            ..event
        };
        site.publish(Update::Alert(acked));
        let snap = site.snapshot();
        assert_eq!(
            snap.tracks.keys().copied().collect::<Vec<_>>(),
            vec![TrackId(2)]
        );
        assert_eq!(
            snap.alerts[&AlertId(1)].last.state,
            AlertState::Acknowledged
        );
        assert_eq!(snap.alerts[&AlertId(1)].raised_at, t);
        assert!(matches!(*sub.recv().await.unwrap(), Update::Tracks { .. }));
    }

    #[test]
    fn sensor_layout_is_set_and_read_whole() {
        let (site, _rx) = LiveSite::new("s", Geodetic::new(0.0, 0.0, 0.0), 8);
        assert!(site.sensor_layout().is_empty());
        let radar = SensorInfo {
            id: SensorId(0),
            name: "radar-1".into(),
            kind: SensorKind::Radar,
            format: "asterix".into(),
            position: Enu::new(10.0, 0.0, 5.0),
            coverage: Coverage::nominal(SensorKind::Radar),
        };
        site.set_sensor_layout(vec![radar.clone()]);
        assert_eq!(&*site.sensor_layout(), &[radar]);
        assert!(Coverage::nominal(SensorKind::Generic).is_none());
        let json = serde_json::to_value(&*site.sensor_layout()).unwrap();
        assert_eq!(json[0]["coverage"]["source"], "nominal");
        assert_eq!(json[0]["id"], 0);
    }

    #[test]
    fn every_update_serializes_with_its_type_tag() {
        let zone = Zone {
            id: "Z1".into(),
            kind: picket_core::ZoneKind::Protected,
            shape: picket_core::ZoneShape::Circle {
                x: 0.0,
                y: 0.0,
                r_m: 100.0,
            },
            floor_m: 0.0,
            ceiling_m: 120.0,
            altitude_ref: picket_core::AltitudeRef::AboveGround,
        };
        let json = serde_json::to_value(Update::Zones(vec![zone])).unwrap();
        assert_eq!(json["type"], "zones");
        assert_eq!(json["zones"][0]["id"], "Z1");
        let t = Timestamp::from_secs(1.0).unwrap();
        let json = serde_json::to_value(Update::Tracks {
            time: t,
            tracks: vec![track(1, 1.0)],
            deleted: vec![],
        })
        .unwrap();
        assert_eq!(json["type"], "tracks");
    }
}
