//! A running site: its thread (the only owner of the [`Core`]), its queue, its recorder and
//! store writer, and its [`LiveSite`].
//!
//! The thread takes frames from the [`SiteQueue`] in arrival order, runs the core on each,
//! and queues the frame, its reports, the track states the store's decimation keeps and the
//! alert events, in that order, for the recorder thread (one hand-over per batch taken from
//! the queue), which appends them to the store: row order is the core's input order, which
//! the replay relies on. It publishes track updates (per track at most every 0.2 s unless its
//! status, class or identity changed) and every alert event to the live state. The recorder's
//! channel is bounded and the site thread waits for room (nothing it processed is dropped,
//! alerts included); under overload the queue in front of the thread sheds instead (oldest
//! first, counted per sensor).

use crate::config::SiteConfig;
use crate::core::{CONTROL_SENSOR, ControlCommand, Core, Output, StartRecord};
use crate::health::Counters;
use crate::queue::{Frame, SiteQueue};
use crate::recorder::{Decimator, recorder};
use crate::{ServerError, now};
use picket_core::{AlertEvent, AlertState, SensorId, Timestamp, Track};
use picket_live::{Command, LiveSite, SensorHealth, Update};
use picket_store::{
    AuditEntry, Durability, RawFrame, Record, RetentionConfig, StoreReader, StoreWriter,
    WriterConfig,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

mod stats;
use stats::{MAX_SAMPLES, sample};
pub use stats::{PHASES, SiteStats};

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
    // The core is built from the text as recorded (no secrets; see `recorded_text`), exactly
    // as `picket replay` will build it.
    let start = StartRecord {
        config_toml: config.recorded_text(),
        alert_offset,
        restored: restored.clone(),
    };
    let recorded = SiteConfig::parse(&start.config_toml, &config.file.display().to_string())
        .map_err(|e| ServerError::Config(format!("the site file as recorded: {e}")))?;
    let core = Core::new(&recorded, &start).map_err(ServerError::Config)?;
    live.publish(Update::Zones(core.zones()));
    for event in restored {
        live.publish(Update::Alert(event));
    }
    let bytes = serde_json::to_vec(&start).map_err(|e| ServerError::Config(e.to_string()))?;
    store
        .append_blocking(control("start", now(), bytes))
        .map_err(ServerError::Store)?;
    let stats = Arc::new(SiteStats::default());
    let interval_s = writer_config(&config).track_min_interval_s;
    let (recorder, recorder_thread) = recorder(&s.site.id, store.clone())?;
    let mut thread = SiteThread {
        core,
        records: Vec::new(),
        stored: Decimator::new(interval_s),
        shown: Decimator::new(LIVE_MIN_INTERVAL_S),
        recorder: Some(recorder),
        recorder_thread: Some(recorder_thread),
        live: live.clone(),
        counters: counters.clone(),
        stats: stats.clone(),
        arrivals: BTreeMap::new(),
        out: Output::default(),
        last_health: Vec::new(),
        tick_every: Duration::from_millis(10),
        tick_backlog_limit: Duration::from_secs_f64(s.site.late_window_s / 2.0),
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

/// A track's live state (console, WebSocket, outputs) is refreshed at most this often, unless
/// its status, class or identity changed: a radar scanning at 50 Hz would otherwise copy every
/// track 50 times a second to every subscriber.
const LIVE_MIN_INTERVAL_S: f64 = 0.2;

/// The site thread's shortest sleep waiting for input or a due tick, seconds.
const MIN_WAIT_S: f64 = 50e-6;

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
    /// Records queued for the recorder thread (see [`recorder`]).
    records: Vec<Record>,
    /// Which track states go to the store (its decimation, applied before copying).
    stored: Decimator,
    /// Which track states go to the live state and its subscribers.
    shown: Decimator,
    recorder: Option<std::sync::mpsc::SyncSender<Vec<Record>>>,
    recorder_thread: Option<JoinHandle<()>>,
    live: Arc<LiveSite>,
    counters: Arc<Counters>,
    stats: Arc<SiteStats>,
    /// Arrival instant of the first frame of each pending (time, sensor) group.
    arrivals: BTreeMap<(Timestamp, SensorId), Instant>,
    out: Output,
    last_health: Vec<SensorHealth>,
    /// The longest the thread sleeps with nothing due (commands and health wait this long).
    tick_every: Duration,
    /// No ticks while the oldest queued frame has waited this long (half the late window).
    tick_backlog_limit: Duration,
}

impl SiteThread {
    fn run(&mut self, queue: &SiteQueue, mut commands: mpsc::Receiver<Command>) {
        let mut batch = Vec::with_capacity(512);
        let mut last_health = Instant::now();
        loop {
            // Wake for input, or when the core's next release falls due (a slot completing,
            // a whole scan passing the reorder window), not on a fixed period behind it.
            // At least 50 µs: a wake-up whose tick turns out not due (rounding, or ticks held
            // back behind a backlog) must not become a busy loop. Input wakes it at once.
            let wait = self.core.due_at().map_or(self.tick_every, |due| {
                Duration::from_secs_f64(due.since_s(now()).clamp(MIN_WAIT_S, 1.0))
                    .min(self.tick_every)
            });
            let open = queue.pop_batch(512, wait, &mut batch);
            for frame in batch.drain(..) {
                self.frame(frame);
            }
            // One hand-over to the recorder per batch taken from the queue (a wake-up each).
            self.flush();
            while let Ok(command) = commands.try_recv() {
                self.command(command);
            }
            // The clock advances event time only while the input waiting is younger than half
            // the late window: behind a longer backlog, a tick at wall-clock time would release
            // past the queued frames, which would then all be refused as too late (the frames
            // themselves move the watermark instead).
            let backlog = queue.oldest_wait().unwrap_or_default();
            if backlog < self.tick_backlog_limit {
                let t = now();
                if self.core.tick_due(t) {
                    self.append(control("tick", t, Vec::new()));
                    self.timed_core(|core, out| core.tick_tracks(t, out));
                    self.emit(None);
                    self.flush();
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
        self.flush();
        // Closing the channel ends the recorder once it has handed everything to the store.
        self.recorder = None;
        if let Some(t) = self.recorder_thread.take() {
            let _ = t.join();
        }
    }

    /// Queues a record for the store; [`SiteThread::flush`] hands the queued records to the
    /// recorder thread in one message, in the order they were appended.
    fn append(&mut self, record: Record) {
        self.records.push(record);
    }

    /// Hands the queued records to the recorder, waiting for room: nothing the core processed
    /// is dropped here (under overload the queue in front of the thread sheds instead).
    fn flush(&mut self) {
        if self.records.is_empty() {
            return;
        }
        // The next batch starts with room for as many records (a radar scan's reports and
        // track states), not growing from empty again.
        let room = self.records.len();
        let batch = std::mem::replace(&mut self.records, Vec::with_capacity(room));
        if let Some(tx) = &self.recorder
            && tx.send(batch).is_err()
        {
            tracing::error!("the store recorder stopped; records lost");
        }
    }

    fn frame(&mut self, frame: Frame) {
        let started = Instant::now();
        let format = frame.format;
        self.process(frame);
        let ms = started.elapsed().as_secs_f64() * 1e3;
        let mut by_format = self
            .stats
            .frame_ms
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let v = by_format.entry(format).or_default();
        if v.len() < MAX_SAMPLES {
            v.push(ms as f32);
        }
    }

    /// Runs `f` on the core, its time counted as `tracker` (the tracker's steps) and `core`
    /// (the rest: decoding, the reorder window, building the published tracks).
    fn timed_core(&mut self, f: impl FnOnce(&mut Core, &mut Output)) {
        let started = Instant::now();
        let tracker_before = self.core.tracker_time();
        f(&mut self.core, &mut self.out);
        let tracker = self.core.tracker_time().saturating_sub(tracker_before);
        let ns = |d: Duration| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        self.stats.phase_ns[0].fetch_add(ns(tracker), Ordering::Relaxed);
        self.stats.phase_ns[1].fetch_add(
            ns(started.elapsed().saturating_sub(tracker)),
            Ordering::Relaxed,
        );
    }

    fn process(&mut self, frame: Frame) {
        self.stats.frames.fetch_add(1, Ordering::Relaxed);
        self.timed_core(|core, out| {
            core.frame_tracks(frame.sensor, frame.received, &frame.bytes, out);
        });
        if self.arrivals.len() > 100_000 {
            // Groups the core dropped (stepping them would go back in time) never come back.
            self.arrivals.clear();
        }
        for &group in &self.out.queued {
            self.arrivals.entry(group).or_insert(frame.arrived);
        }
        self.append(Record::Frame(RawFrame {
            sensor: frame.sensor,
            received: frame.received,
            format: frame.format.to_owned(),
            bytes: frame.bytes,
        }));
        self.emit(Some(frame.sensor));
    }

    /// Publishes what the core produced, then queues the store's copies: the track updates
    /// (whose latency is measured) go out before the guard runs
    /// ([`Core::frame_tracks`]), the alerts right after it, and only then is anything
    /// counted, cloned or serialized for the store.
    fn emit(&mut self, sensor: Option<SensorId>) {
        let mut out = std::mem::take(&mut self.out);
        let started = Instant::now();
        let arrived = self.publish_tracks(&out);
        let published = self.stats.phase(2, started);
        self.core.guard_steps(&mut out);
        let guarded = self.stats.phase(3, published);
        for a in &out.alerts {
            self.live.publish(Update::Alert(a.clone()));
            if let Some(at) = arrived {
                sample(
                    &self.stats.alert_latency_ms,
                    at.elapsed().as_secs_f64() * 1e3,
                );
            }
        }
        if let Some(zones) = out.zones.take() {
            self.live.publish(Update::Zones(zones));
        }
        self.record(sensor, &mut out);
        self.stats.phase(4, guarded);
        self.out = out;
        self.out.clear();
    }

    /// Publishes the steps' track updates (per track at most every 0.2 s unless it changed)
    /// and samples their latency; the arrival of the first frame behind them, if known.
    fn publish_tracks(&mut self, out: &Output) -> Option<Instant> {
        let mut arrived = None;
        for step in &out.steps {
            let arrivals: Vec<(SensorId, Instant)> = step
                .sensors
                .iter()
                .filter_map(|&s| Some((s, self.arrivals.remove(&(step.time, s))?)))
                .collect();
            for id in &step.deleted {
                self.shown.forget(*id);
            }
            let shown: Vec<Track> = step
                .tracks
                .iter()
                .filter(|t| self.shown.keep(t))
                .cloned()
                .collect();
            if !shown.is_empty() || !step.deleted.is_empty() {
                self.live.publish(Update::Tracks {
                    time: step.time,
                    tracks: shown,
                    deleted: step.deleted.clone(),
                });
                for &(s, at) in &arrivals {
                    let ms = at.elapsed().as_secs_f64() * 1e3;
                    self.stats.track_sample(s, ms);
                    self.counters.latency(s, ms);
                }
            }
            let first = arrivals.iter().map(|&(_, at)| at).min();
            arrived = arrived.or(first);
        }
        arrived
    }

    /// Counts what a frame (or tick, or command) produced and queues it for the store, in the
    /// core's order: reports, then per step the track states the store's decimation keeps,
    /// then alert events.
    fn record(&mut self, sensor: Option<SensorId>, out: &mut Output) {
        if let Some(s) = sensor {
            for (reason, detail) in &out.rejects {
                self.counters.reject(s, reason, detail);
            }
            self.counters.reports(s, out.reports.len() as u64);
        }
        self.stats
            .reports
            .fetch_add(out.reports.len() as u64, Ordering::Relaxed);
        for r in out.reports.drain(..) {
            self.append(Record::Report(r));
        }
        for step in &out.steps {
            self.stats.steps.fetch_add(1, Ordering::Relaxed);
            for t in &step.tracks {
                if self.stored.keep(t) {
                    self.records.push(Record::Track(t.clone()));
                }
            }
            for id in &step.deleted {
                self.stored.forget(*id);
            }
        }
        for a in out.alerts.drain(..) {
            self.stats.alerts.fetch_add(1, Ordering::Relaxed);
            self.append(Record::Alert(a));
        }
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
            } => match crate::config::guard_text(&config_toml) {
                // Only the guard's sections are recorded and applied: an admin may send the
                // whole site file, `[auth]` digests included, and those stay off the record.
                Ok(config_toml) => (
                    ControlCommand::Reload {
                        config_toml,
                        operator,
                    },
                    Reply::Unit(reply),
                ),
                Err(e) => {
                    self.refused_reload(operator, e, reply);
                    return;
                }
            },
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
        self.flush();
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

    /// A reload whose text is not TOML: refused before the core or the record sees it (the
    /// text may be anything); the audit log keeps who and why.
    fn refused_reload(
        &mut self,
        operator: String,
        reason: String,
        reply: tokio::sync::oneshot::Sender<Result<(), String>>,
    ) {
        let reason = format!("configuration refused, the last good one stays in force: {reason}");
        self.append(Record::Audit(AuditEntry {
            time: now(),
            actor: operator,
            action: "reload".into(),
            target: "zones, rules, whitelist".into(),
            detail: format!("refused: {reason}"),
        }));
        self.flush();
        tracing::warn!("{reason}");
        let _ = reply.send(Err(reason));
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
