//! What a site thread measures of itself: frames, steps, latencies and time by phase (read
//! by the load benchmark and the health endpoint).

use picket_core::SensorId;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Latency samples kept at most (for the benchmark's percentiles).
pub(super) const MAX_SAMPLES: usize = 4_000_000;

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
    /// Packet-in → track-update latencies by sensor id, milliseconds.
    pub track_latency_by_sensor_ms: Mutex<BTreeMap<u16, Vec<f32>>>,
    /// Packet-in → alert latencies, milliseconds.
    pub alert_latency_ms: Mutex<Vec<f32>>,
    /// Site-thread time in each phase of processing frames and ticks, nanoseconds, summed:
    /// `tracker` (the tracker's steps), `core` (decoding, reorder window, building the
    /// published tracks), `publish` (live track updates), `guard`, `record` (alerts published,
    /// counters, the store's copies).
    pub phase_ns: [AtomicU64; 5],
    /// Site-thread time to process one frame (decode, tracker steps, guard, publish),
    /// milliseconds, by format name: the floor under the latency of whatever queues behind it.
    pub frame_ms: Mutex<BTreeMap<&'static str, Vec<f32>>>,
}

/// Names of [`SiteStats::phase_ns`], in order.
pub const PHASES: [&str; 5] = ["tracker", "core", "publish", "guard", "record"];

impl SiteStats {
    pub(super) fn phase(&self, i: usize, since: Instant) -> Instant {
        let now = Instant::now();
        let ns = u64::try_from(now.duration_since(since).as_nanos()).unwrap_or(u64::MAX);
        self.phase_ns[i].fetch_add(ns, Ordering::Relaxed);
        now
    }

    pub(super) fn track_sample(&self, sensor: SensorId, ms: f64) {
        sample(&self.track_latency_ms, ms);
        let mut by = self
            .track_latency_by_sensor_ms
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let v = by.entry(sensor.0).or_default();
        if v.len() < MAX_SAMPLES {
            v.push(ms as f32);
        }
    }
}

pub(super) fn sample(v: &Mutex<Vec<f32>>, ms: f64) {
    let mut v = v.lock().unwrap_or_else(|e| e.into_inner());
    if v.len() < MAX_SAMPLES {
        v.push(ms as f32);
    }
}
