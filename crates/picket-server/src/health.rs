//! Per-sensor counters, shared by the ingest tasks (which count frames and framing rejects)
//! and the site thread (which counts reports, decode rejects and latency).

use picket_core::{SensorId, SensorKind, Timestamp};
use picket_formats::picket_sapient::health as sapient_health;
use picket_live::{FieldOfView, ReportedStatus, SensorHealth};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Latencies kept per sensor for the median.
const LATENCY_WINDOW: usize = 256;

#[derive(Debug)]
struct One {
    name: String,
    kind: SensorKind,
    format: String,
    stale_after_s: f64,
    frames: AtomicU64,
    reports: AtomicU64,
    shed: AtomicU64,
    rejects: Mutex<BTreeMap<String, u64>>,
    last_seen: Mutex<Option<(Timestamp, Instant)>>,
    latencies_ms: Mutex<VecDeque<f64>>,
    reported: Mutex<Option<ReportedStatus>>,
    /// Last time a reject was logged, for rate limiting.
    last_log: Mutex<Option<Instant>>,
}

/// Counters of every sensor of a site, indexed by sensor id.
#[derive(Debug, Default)]
pub struct Counters {
    sensors: Vec<One>,
}

impl Counters {
    /// Counters for sensors `(name, kind, format, stale_after_s)` in id order.
    pub fn new(sensors: impl IntoIterator<Item = (String, SensorKind, String, f64)>) -> Self {
        Self {
            sensors: sensors
                .into_iter()
                .map(|(name, kind, format, stale_after_s)| One {
                    name,
                    kind,
                    format,
                    stale_after_s,
                    frames: AtomicU64::new(0),
                    reports: AtomicU64::new(0),
                    shed: AtomicU64::new(0),
                    rejects: Mutex::new(BTreeMap::new()),
                    last_seen: Mutex::new(None),
                    latencies_ms: Mutex::new(VecDeque::new()),
                    reported: Mutex::new(None),
                    last_log: Mutex::new(None),
                })
                .collect(),
        }
    }

    fn get(&self, s: SensorId) -> Option<&One> {
        self.sensors.get(usize::from(s.0))
    }

    /// A frame arrived.
    pub fn frame(&self, s: SensorId, received: Timestamp) {
        if let Some(o) = self.get(s) {
            o.frames.fetch_add(1, Ordering::Relaxed);
            *o.last_seen.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((received, Instant::now()));
        }
    }

    /// Reports were decoded.
    pub fn reports(&self, s: SensorId, n: u64) {
        if let Some(o) = self.get(s) {
            o.reports.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// A frame was shed under overload.
    pub fn shed(&self, s: SensorId) {
        if let Some(o) = self.get(s) {
            o.shed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Input was refused; logged at most once a second per sensor.
    pub fn reject(&self, s: SensorId, reason: &str, detail: &dyn std::fmt::Display) {
        let Some(o) = self.get(s) else { return };
        *o.rejects
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(reason.to_owned())
            .or_default() += 1;
        let mut last = o.last_log.lock().unwrap_or_else(|e| e.into_inner());
        if last.is_none_or(|t| t.elapsed() >= Duration::from_secs(1)) {
            *last = Some(Instant::now());
            tracing::warn!(sensor = %o.name, reason, "rejected input: {detail}");
        }
    }

    /// A frame's receive-to-publish latency.
    pub fn latency(&self, s: SensorId, ms: f64) {
        if let Some(o) = self.get(s) {
            let mut l = o.latencies_ms.lock().unwrap_or_else(|e| e.into_inner());
            if l.len() == LATENCY_WINDOW {
                l.pop_front();
            }
            l.push_back(ms);
        }
    }

    /// The sensor stated its own state (a SAPIENT StatusReport).
    pub fn reported(&self, s: SensorId, status: ReportedStatus) {
        if let Some(o) = self.get(s) {
            *o.reported.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
        }
    }

    /// Rejects of a sensor by reason.
    pub fn rejects(&self, s: SensorId) -> BTreeMap<String, u64> {
        self.get(s)
            .map(|o| o.rejects.lock().unwrap_or_else(|e| e.into_inner()).clone())
            .unwrap_or_default()
    }

    /// The health of every sensor now.
    pub fn health(&self) -> Vec<SensorHealth> {
        self.sensors.iter().map(health).collect()
    }

    /// Number of sensors.
    pub fn len(&self) -> usize {
        self.sensors.len()
    }

    /// True when the site has no sensors.
    pub fn is_empty(&self) -> bool {
        self.sensors.is_empty()
    }
}

fn health(o: &One) -> SensorHealth {
    let last = *o.last_seen.lock().unwrap_or_else(|e| e.into_inner());
    let latency_ms = {
        let l = o.latencies_ms.lock().unwrap_or_else(|e| e.into_inner());
        let mut v: Vec<f64> = l.iter().copied().collect();
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied()
    };
    SensorHealth {
        name: o.name.clone(),
        kind: o.kind,
        format: o.format.clone(),
        frames: o.frames.load(Ordering::Relaxed),
        reports: o.reports.load(Ordering::Relaxed),
        rejects: o.rejects.lock().unwrap_or_else(|e| e.into_inner()).clone(),
        shed: o.shed.load(Ordering::Relaxed),
        last_seen: last.map(|(t, _)| t),
        latency_ms,
        stale: last.is_none_or(|(_, at)| at.elapsed().as_secs_f64() > o.stale_after_s),
        reported: o.reported.lock().unwrap_or_else(|e| e.into_inner()).clone(),
    }
}

/// A SAPIENT status report as the sensor panel shows it.
pub fn reported_status(h: &sapient_health::SensorHealth, received: Timestamp) -> ReportedStatus {
    use sapient_health::{Area, SystemState};
    let system = match h.system {
        SystemState::Ok => "ok",
        SystemState::Warning => "warning",
        SystemState::Error => "error",
        SystemState::Goodbye => "goodbye",
        SystemState::Unknown => "unknown",
    };
    let mut faults: Vec<String> = h
        .conditions
        .iter()
        .filter(|c| c.kind.ends_with("fault") || c.level == "error")
        .map(|c| match &c.value {
            Some(v) => format!("{}: {v}", c.kind),
            None => c.kind.clone(),
        })
        .collect();
    if h.power_fault {
        faults.insert(0, "power".into());
    }
    let field_of_view = h.field_of_view.as_ref().map(|a| match a {
        Area::Polygon { vertices } => FieldOfView::Polygon {
            vertices: vertices.clone(),
        },
        Area::Cone {
            azimuth_deg,
            elevation_deg,
            range_m,
            horizontal_extent_deg,
            vertical_extent_deg,
        } => FieldOfView::Cone {
            azimuth_deg: *azimuth_deg,
            elevation_deg: *elevation_deg,
            range_m: *range_m,
            horizontal_extent_deg: *horizontal_extent_deg,
            vertical_extent_deg: *vertical_extent_deg,
        },
    });
    ReportedStatus {
        system: system.into(),
        ok: h.system == SystemState::Ok && faults.is_empty(),
        faults,
        mode: h.mode.clone(),
        field_of_view,
        received,
    }
}
