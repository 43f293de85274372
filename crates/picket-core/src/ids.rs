//! Identifiers.
//!
//! Sensors are configured with string names; inside the core they are small indices into the
//! site's sensor table ([`SensorId`]) so hot loops never hash strings. Tracks get a per-site
//! counter ([`TrackId`]) that is unique for the site's lifetime and never changes while the
//! track lives; it is shown as `K<n>`. Alerts likewise get [`AlertId`], shown as `A<n>`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Index of a sensor in its [`crate::Site`]'s sensor table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SensorId(pub u16);

/// A track's identity within its site: a counter that is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TrackId(pub u64);

/// An alert's identity within its site: a counter that is never reused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AlertId(pub u64);

impl fmt::Display for TrackId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "K{}", self.0)
    }
}

impl fmt::Display for AlertId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "A{}", self.0)
    }
}

impl fmt::Display for SensorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sensor#{}", self.0)
    }
}

/// A monotonically increasing id source; the core owns one per site and per id kind.
#[derive(Debug, Clone, Default)]
pub struct IdCounter {
    next: u64,
}

impl IdCounter {
    /// A counter whose first id is `first`.
    pub const fn starting_at(first: u64) -> Self {
        Self { next: first }
    }

    /// The next id value; never repeats.
    pub fn next_value(&mut self) -> u64 {
        let v = self.next;
        self.next += 1;
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_display_and_never_repeat() {
        let mut c = IdCounter::starting_at(1);
        let a = TrackId(c.next_value());
        let b = TrackId(c.next_value());
        assert_ne!(a, b);
        assert_eq!(a.to_string(), "K1");
        assert_eq!(AlertId(3).to_string(), "A3");
    }
}
