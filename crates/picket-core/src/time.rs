//! Event time.
//!
//! The whole core runs on *sensor* (event) time: seconds since the Unix epoch as `f64`. One
//! choice, used everywhere: `f64` seconds keep microsecond resolution for the next few centuries
//! and let scenario files round-trip their `t` values bit for bit. The system clock is never read
//! inside the core; ingest stamps receive time and passes both in.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// A point in event time: seconds since the Unix epoch (or since a scenario's start).
///
/// Ordered totally (`f64::total_cmp`) so it can key sorted maps and reorder buffers.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(f64);

impl Timestamp {
    /// The epoch (t = 0).
    pub const ZERO: Timestamp = Timestamp(0.0);

    /// A timestamp from seconds; `None` when `secs` is not finite.
    pub fn from_secs(secs: f64) -> Option<Self> {
        secs.is_finite().then_some(Self(secs))
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> f64 {
        self.0
    }

    /// `self - earlier`, seconds (negative when `earlier` is later).
    pub fn since_s(self, earlier: Timestamp) -> f64 {
        self.0 - earlier.0
    }

    /// This time shifted by `dt_s` seconds.
    pub fn plus_s(self, dt_s: f64) -> Self {
        Self(self.0 + dt_s)
    }
}

impl Eq for Timestamp {}

impl PartialOrd for Timestamp {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Timestamp {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3}s", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_finite_and_orders_totally() {
        assert!(Timestamp::from_secs(f64::NAN).is_none());
        assert!(Timestamp::from_secs(f64::INFINITY).is_none());
        let a = Timestamp::from_secs(1.0).unwrap();
        let b = a.plus_s(0.5);
        assert!(a < b);
        assert_eq!(b.since_s(a), 0.5);
    }
}
