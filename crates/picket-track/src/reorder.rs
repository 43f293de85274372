//! A bounded reorder window in front of the tracker.
//!
//! Sensors report late and out of order (network jitter, batching). The buffer holds reports
//! for `window_s` of event time and releases them in time order, grouped by (time, sensor), once
//! the newest report seen is more than `window_s` ahead. The out-of-sequence rule: a report
//! older than what has already been released cannot be applied in order any more; it is
//! refused by [`ReorderBuffer::push`] and counted in [`ReorderBuffer::too_late`] (the caller
//! may log it), never silently dropped. The tracker applies the same rule to whole steps.

use picket_core::{Report, SensorId, Timestamp};
use std::collections::BTreeMap;

/// Reports waiting for their turn, keyed by (time, sensor).
#[derive(Debug, Clone)]
pub struct ReorderBuffer {
    window_s: f64,
    pending: BTreeMap<(Timestamp, SensorId), Vec<Report>>,
    newest: Option<Timestamp>,
    released_until: Option<Timestamp>,
    too_late: u64,
    max_pending: usize,
    held: usize,
}

impl ReorderBuffer {
    /// A buffer that waits `window_s` seconds of event time and holds at most `max_pending`
    /// reports (beyond that the oldest groups are released early, so memory stays bounded).
    pub fn new(window_s: f64, max_pending: usize) -> Self {
        Self {
            window_s: window_s.max(0.0),
            pending: BTreeMap::new(),
            newest: None,
            released_until: None,
            too_late: 0,
            max_pending: max_pending.max(1),
            held: 0,
        }
    }

    /// Adds a report; returns false (and counts it) when it is older than what was already
    /// released, so it cannot be applied in order.
    #[must_use]
    pub fn push(&mut self, report: Report) -> bool {
        if self.released_until.is_some_and(|r| report.time < r) {
            self.too_late += 1;
            return false;
        }
        self.newest = Some(self.newest.map_or(report.time, |n| n.max(report.time)));
        self.pending
            .entry((report.time, report.sensor))
            .or_default()
            .push(report);
        self.held += 1;
        true
    }

    /// The next group that is due: older than the newest report by more than the window, or
    /// the oldest one when the buffer is over its bound.
    pub fn pop_ready(&mut self) -> Option<(Timestamp, Vec<Report>)> {
        let (&(time, _), _) = self.pending.first_key_value()?;
        let due = self.newest.is_some_and(|n| n.since_s(time) > self.window_s);
        if due || self.held > self.max_pending {
            self.release()
        } else {
            None
        }
    }

    /// The next group regardless of the window (end of input).
    pub fn flush(&mut self) -> Option<(Timestamp, Vec<Report>)> {
        self.release()
    }

    fn release(&mut self) -> Option<(Timestamp, Vec<Report>)> {
        let ((time, _), reports) = self.pending.pop_first()?;
        self.held -= reports.len();
        self.released_until = Some(time);
        Some((time, reports))
    }

    /// Reports refused because they arrived after their time was released.
    pub fn too_late(&self) -> u64 {
        self.too_late
    }

    /// Reports waiting.
    pub fn len(&self) -> usize {
        self.held
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.held == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use picket_core::{Enu, Measurement};

    fn report(t: f64, sensor: u16) -> Report {
        let time = Timestamp::from_secs(t).unwrap();
        Report::new(
            SensorId(sensor),
            time,
            Measurement::cartesian(Enu::default(), 1.0),
        )
    }

    #[test]
    fn releases_in_order_after_the_window_and_counts_late_reports() {
        let mut b = ReorderBuffer::new(1.0, 100);
        assert!(b.push(report(2.0, 0)));
        assert!(b.push(report(1.0, 1)));
        assert!(b.push(report(1.5, 0)));
        assert!(b.pop_ready().is_none(), "newest 2.0 is within 1 s of 1.0");
        assert!(b.push(report(2.4, 0)));
        let (t, group) = b.pop_ready().unwrap();
        assert_eq!((t.as_secs(), group.len()), (1.0, 1));
        assert!(b.pop_ready().is_none());
        // Older than what was released: refused and counted.
        assert!(!b.push(report(0.5, 0)));
        assert_eq!(b.too_late(), 1);
        let order: Vec<f64> = std::iter::from_fn(|| b.flush())
            .map(|(t, _)| t.as_secs())
            .collect();
        assert_eq!(order, vec![1.5, 2.0, 2.4]);
        assert!(b.is_empty());
    }

    #[test]
    fn bounded() {
        let mut b = ReorderBuffer::new(1e9, 2);
        for k in 0..3 {
            assert!(b.push(report(k as f64, 0)));
        }
        assert_eq!(b.pop_ready().unwrap().0.as_secs(), 0.0);
        assert_eq!(b.len(), 2);
    }
}
