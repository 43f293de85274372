//! The bounded queue between ingest and a site's thread.
//!
//! Overload policy: when the queue is full, the **oldest** frame is shed to make room for the
//! newest (a late air picture is worth less than a current one), and counted against its
//! sensor. Only raw input ever waits here: alerts are produced behind it, on the site thread,
//! and go to the store and the live state through blocking paths, so they are never shed.

use crate::health::Counters;
use picket_core::{SensorId, Timestamp};
use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// One unit of raw input, as received.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The sensor it came from.
    pub sensor: SensorId,
    /// Wall-clock receive time (recorded; the replay uses it).
    pub received: Timestamp,
    /// Monotonic receive instant, for latency figures.
    pub arrived: Instant,
    /// Its format name (`asterix`, `beast`, ...).
    pub format: &'static str,
    /// The bytes.
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
struct Inner {
    frames: VecDeque<Frame>,
    closed: bool,
}

/// A bounded multi-producer, single-consumer queue that sheds its oldest frames.
#[derive(Debug)]
pub struct SiteQueue {
    inner: Mutex<Inner>,
    ready: Condvar,
    capacity: usize,
    counters: Arc<Counters>,
}

impl SiteQueue {
    /// A queue holding at most `capacity` frames.
    pub fn new(capacity: usize, counters: Arc<Counters>) -> Self {
        Self {
            inner: Mutex::new(Inner::default()),
            ready: Condvar::new(),
            capacity: capacity.max(1),
            counters,
        }
    }

    /// Adds a frame, shedding the oldest when full. Never blocks for long.
    pub fn push(&self, frame: Frame) {
        let shed = {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            if inner.closed {
                return;
            }
            let shed = if inner.frames.len() >= self.capacity {
                inner.frames.pop_front()
            } else {
                None
            };
            inner.frames.push_back(frame);
            shed
        };
        self.ready.notify_one();
        if let Some(old) = shed {
            self.counters.shed(old.sensor);
        }
    }

    /// Takes up to `max` frames, waiting up to `wait` for the first. `None` once closed and
    /// drained.
    pub fn pop_batch(&self, max: usize, wait: Duration, out: &mut Vec<Frame>) -> Option<()> {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.frames.is_empty() && !inner.closed {
            inner = self
                .ready
                .wait_timeout(inner, wait)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if inner.frames.is_empty() && inner.closed {
            return None;
        }
        let n = inner.frames.len().min(max);
        out.extend(inner.frames.drain(..n));
        Some(())
    }

    /// How long the oldest waiting frame has waited, when any does.
    pub fn oldest_wait(&self) -> Option<Duration> {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .frames
            .front()
            .map(|f| f.arrived.elapsed())
    }

    /// Frames waiting.
    pub fn len(&self) -> usize {
        self.inner
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .frames
            .len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Stops accepting frames; the consumer drains what is left.
    pub fn close(&self) {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).closed = true;
        self.ready.notify_all();
    }
}
