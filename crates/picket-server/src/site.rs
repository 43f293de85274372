//! A running site: its thread (the only owner of the [`Core`]), its queue, its store writer
//! and its [`LiveSite`].
//!
//! The thread takes frames from the [`SiteQueue`] in arrival order, records each in the store
//! *before* the core sees it (so the store's raw-frame order is the core's input order), runs
//! the core, appends reports, track states and alert events, and publishes to the live state.
//! Store appends other than raw frames wait for room (never shed); raw frames also wait here,
//! so that everything the core processed is on record for replay: under overload the queue
//! in front of the thread sheds instead (oldest first, counted per sensor).

use crate::config::SiteConfig;
use crate::core::{CONTROL_SENSOR, ControlCommand, Core, Output, StartRecord};
use crate::health::Counters;
use crate::queue::{Frame, SiteQueue};
use crate::{ServerError, now};
use picket_core::{AlertEvent, AlertState, SensorId, Timestamp};
use picket_live::{Command, LiveSite, SensorHealth, Update};
use picket_store::{
    AuditEntry, Durability, RawFrame, Record, RetentionConfig, StoreReader, StoreWriter,
    WriterConfig,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Latency samples kept at most (for the benchmark's percentiles).
const MAX_SAMPLES: usize = 4_000_000;

/// Figures of a site thread.
#[derive(Debug, Default)]
pub struct SiteStats {
    /// Frames processed.
    pub frames: AtomicU64,
    /// Reports decoded.
    pub reports: AtomicU64,
    /// Tracker steps.
    pub steps: AtomicU64,
    /// Alert events.
    pub alerts: AtomicU64,
    /// Packet-in → track-update latencies, milliseconds.
    pub track_latency_ms: Mutex<Vec<f32>>,
    /// Packet-in → alert latencies, milliseconds.
    pub alert_latency_ms: Mutex<Vec<f32>>,
}

fn sample(v: &Mutex<Vec<f32>>, ms: f64) {
    let mut v = v.lock().unwrap_or_else(|e| e.into_inner());
    if v.len() < MAX_SAMPLES {
        v.push(ms as f32);
    }
}

/// A started site.
pub struct SiteHandle {
    /// Its live state (for the API).
    pub live: Arc<LiveSite>,
    /// Where ingest puts frames.
    pub queue: Arc<SiteQueue>,
    /// Per-sensor counters.
    pub counters: Arc<Counters>,
    /// The thread's figures.
    pub stats: Arc<SiteStats>,
    /// The store writer.
    pub store: StoreWriter,
    /// The configuration it started with.
    pub config: SiteConfig,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for SiteHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SiteHandle")
            .field("id", &self.live.id)
            .finish()
    }
}

impl SiteHandle {
    /// Stops taking frames, drains the queue, commits the store and waits for the thread.
    pub fn shutdown(mut self) -> Result<(), ServerError> {
        self.queue.close();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.store.close().map_err(ServerError::Store)
    }
}

/// What a previous run left in the store: the next alert-id offset and the open alerts.
fn restore(path: &std::path::Path) -> Result<(u64, Vec<AlertEvent>), ServerError> {
    if !path.exists() {
        return Ok((0, Vec::new()));
    }
    let reader = StoreReader::open(path).map_err(ServerError::Store)?;
    let latest = reader.latest_alert_states().map_err(ServerError::Store)?;
    let offset = latest.iter().map(|e| e.alert.0).max().unwrap_or(0);
    let open = latest
        .into_iter()
        .filter(|e| e.state != AlertState::Resolved)
        .collect();
    Ok((offset, open))
}

fn writer_config(config: &SiteConfig) -> WriterConfig {
    let storage = &config.server.storage;
    let age = storage.retention_days.map(|d| d * 86_400.0);
    WriterConfig {
        durability: match storage.durability.as_deref() {
            Some("process_crash") => Durability::ProcessCrash,
            _ => Durability::PowerLoss,
        },
        retention: RetentionConfig {
            frames_max_age_s: age,
            reports_max_age_s: age,
            tracks_max_age_s: age,
            max_db_bytes: storage.max_db_mb.map(|m| m << 20),
            interval: (age.is_some() || storage.max_db_mb.is_some())
                .then(|| Duration::from_secs(600)),
            ..RetentionConfig::default()
        },
        site_origin: Some(config.server.site.origin),
        ..WriterConfig::default()
    }
}

/// Starts a site: restores its alerts, opens its store, records the start and runs its thread.
pub fn start_site(config: SiteConfig) -> Result<SiteHandle, ServerError> {
    let path = config.server.storage.path.clone();
    let (alert_offset, restored) = restore(&path)?;
    let store = StoreWriter::open(&path, writer_config(&config)).map_err(ServerError::Store)?;
    let s = &config.server;
    let counters = Arc::new(Counters::new(s.sensor.iter().map(|c| {
        (
            c.name.clone(),
            c.kind,
            c.format().name().to_owned(),
            c.stale_after_s,
        )
    })));
    let queue = Arc::new(SiteQueue::new(s.site.queue_capacity, counters.clone()));
    let (live, commands) = LiveSite::new(s.site.id.clone(), s.site.origin, 65_536);
    let start = StartRecord {
        config_toml: config.text.clone(),
        alert_offset,
        restored: restored.clone(),
    };
    let core = Core::new(&config, &start).map_err(ServerError::Config)?;
    live.publish(Update::Zones(core.zones()));
    for event in restored {
        live.publish(Update::Alert(event));
    }
    let bytes = serde_json::to_vec(&start).map_err(|e| ServerError::Config(e.to_string()))?;
    store
        .append_blocking(control("start", now(), bytes))
        .map_err(ServerError::Store)?;
    let stats = Arc::new(SiteStats::default());
    let mut thread = SiteThread {
        core,
        store: store.clone(),
        live: live.clone(),
        counters: counters.clone(),
        stats: stats.clone(),
        arrivals: BTreeMap::new(),
        out: Output::default(),
        last_health: Vec::new(),
        tick_every: Duration::from_secs_f64((s.site.reorder_window_s / 2.0).clamp(0.001, 0.01)),
    };
    let q = queue.clone();
    let handle = std::thread::Builder::new()
        .name(format!("picket-site-{}", s.site.id))
        .spawn(move || thread.run(&q, commands))
        .map_err(|e| ServerError::Io(format!("cannot start the site thread: {e}")))?;
    Ok(SiteHandle {
        live,
        queue,
        counters,
        stats,
        store,
        config,
        thread: Some(handle),
    })
}

/// A control frame for the store.
pub fn control(kind: &str, received: Timestamp, bytes: Vec<u8>) -> Record {
    Record::Frame(RawFrame {
        sensor: CONTROL_SENSOR,
        received,
        format: kind.to_owned(),
        bytes,
    })
}

struct SiteThread {
    core: Core,
    store: StoreWriter,
    live: Arc<LiveSite>,
    counters: Arc<Counters>,
    stats: Arc<SiteStats>,
    /// Arrival instant of the first frame of each pending (time, sensor) group.
    arrivals: BTreeMap<(Timestamp, SensorId), Instant>,
    out: Output,
    last_health: Vec<SensorHealth>,
    tick_every: Duration,
}

impl SiteThread {
    fn run(&mut self, queue: &SiteQueue, mut commands: mpsc::Receiver<Command>) {
        let mut batch = Vec::with_capacity(512);
        let mut last_tick = Instant::now();
        let mut last_health = Instant::now();
        loop {
            let open = queue.pop_batch(512, self.tick_every, &mut batch);
            for frame in batch.drain(..) {
                self.frame(frame);
            }
            while let Ok(command) = commands.try_recv() {
                self.command(command);
            }
            if last_tick.elapsed() >= self.tick_every {
                last_tick = Instant::now();
                let t = now();
                if self.core.tick_due(t) {
                    self.append(control("tick", t, Vec::new()));
                    self.core.tick(t, &mut self.out);
                    self.emit(None);
                }
            }
            if last_health.elapsed() >= Duration::from_millis(500) {
                last_health = Instant::now();
                self.publish_health();
            }
            if open.is_none() {
                break;
            }
        }
        self.publish_health();
    }

    fn append(&self, record: Record) {
        if let Err(e) = self.store.append_blocking(record) {
            tracing::error!("store append failed: {e}");
        }
    }

    fn frame(&mut self, frame: Frame) {
        self.stats.frames.fetch_add(1, Ordering::Relaxed);
        self.core
            .frame(frame.sensor, frame.received, &frame.bytes, &mut self.out);
        for r in &self.out.reports {
            self.arrivals
                .entry((r.time, r.sensor))
                .or_insert(frame.arrived);
        }
        self.append(Record::Frame(RawFrame {
            sensor: frame.sensor,
            received: frame.received,
            format: frame.format.to_owned(),
            bytes: frame.bytes,
        }));
        self.emit(Some(frame.sensor));
    }

    fn emit(&mut self, sensor: Option<SensorId>) {
        let out = std::mem::take(&mut self.out);
        if let Some(s) = sensor {
            for (reason, detail) in &out.rejects {
                self.counters.reject(s, reason, detail);
            }
            self.counters.reports(s, out.reports.len() as u64);
        }
        self.stats
            .reports
            .fetch_add(out.reports.len() as u64, Ordering::Relaxed);
        for r in &out.reports {
            self.append(Record::Report(r.clone()));
        }
        let mut arrived = None;
        for step in &out.steps {
            self.stats.steps.fetch_add(1, Ordering::Relaxed);
            let at = step
                .sensor
                .and_then(|s| self.arrivals.remove(&(step.time, s)));
            for t in &step.tracks {
                self.append(Record::Track(t.clone()));
            }
            if !step.tracks.is_empty() || !step.deleted.is_empty() {
                self.live.publish(Update::Tracks {
                    time: step.time,
                    tracks: step.tracks.clone(),
                    deleted: step.deleted.clone(),
                });
                if let (Some(at), Some(s)) = (at, step.sensor) {
                    let ms = at.elapsed().as_secs_f64() * 1e3;
                    sample(&self.stats.track_latency_ms, ms);
                    self.counters.latency(s, ms);
                }
            }
            arrived = arrived.or(at);
        }
        for a in &out.alerts {
            self.stats.alerts.fetch_add(1, Ordering::Relaxed);
            self.append(Record::Alert(a.clone()));
            self.live.publish(Update::Alert(a.clone()));
            if let Some(at) = arrived {
                sample(
                    &self.stats.alert_latency_ms,
                    at.elapsed().as_secs_f64() * 1e3,
                );
            }
        }
        if let Some(zones) = &out.zones {
            self.live.publish(Update::Zones(zones.clone()));
        }
        self.out = out;
        self.out.clear();
    }

    fn command(&mut self, command: Command) {
        let (control_command, reply) = match command {
            Command::Acknowledge {
                alert,
                operator,
                reply,
            } => (
                ControlCommand::Acknowledge {
                    alert: alert.0,
                    operator,
                },
                Reply::Event(reply),
            ),
            Command::Resolve {
                alert,
                operator,
                reply,
            } => (
                ControlCommand::Resolve {
                    alert: alert.0,
                    operator,
                },
                Reply::Event(reply),
            ),
            Command::Reload {
                config_toml,
                operator,
                reply,
            } => (
                ControlCommand::Reload {
                    config_toml,
                    operator,
                },
                Reply::Unit(reply),
            ),
        };
        let t = now();
        let bytes = serde_json::to_vec(&control_command).unwrap_or_default();
        self.append(control("command", t, bytes));
        let result = self.core.command(&control_command, &mut self.out);
        let (action, target, operator) = match &control_command {
            ControlCommand::Acknowledge { alert, operator } => ("acknowledge", *alert, operator),
            ControlCommand::Resolve { alert, operator } => ("resolve", *alert, operator),
            ControlCommand::Reload { operator, .. } => ("reload", 0, operator),
        };
        self.append(Record::Audit(AuditEntry {
            time: t,
            actor: operator.clone(),
            action: action.to_owned(),
            target: if action == "reload" {
                "zones, rules, whitelist".into()
            } else {
                format!("alert {target}")
            },
            detail: match &result {
                Ok(()) => "ok".into(),
                Err(e) => format!("refused: {e}"),
            },
        }));
        let event = self.out.alerts.last().cloned();
        self.emit(None);
        match reply {
            Reply::Event(tx) => {
                let _ = tx.send(result.and_then(|()| event.ok_or_else(|| "no event".into())));
            }
            Reply::Unit(tx) => {
                if let Err(e) = &result {
                    tracing::warn!("{e}");
                }
                let _ = tx.send(result);
            }
        }
    }

    fn publish_health(&mut self) {
        let health = self.counters.health();
        for (i, h) in health.iter().enumerate() {
            if self.last_health.get(i) != Some(h) {
                self.live.publish(Update::Sensor(h.clone()));
            }
        }
        self.last_health = health;
    }
}

enum Reply {
    Event(tokio::sync::oneshot::Sender<Result<AlertEvent, String>>),
    Unit(tokio::sync::oneshot::Sender<Result<(), String>>),
}
