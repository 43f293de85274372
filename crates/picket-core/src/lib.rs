//! picket's shared vocabulary: time, ids, units, geodesy, and the types that flow through the
//! pipeline ([`Report`] → [`Track`] → [`AlertEvent`]), plus the [`Site`] they belong to.
//!
//! No IO, no clock, no async: every other crate can depend on this one.
//!
//! Conventions (see `ARCHITECTURE.md`): event time is `f64` seconds ([`Timestamp`]); positions
//! inside are metres in a site-local east-north-up frame ([`Enu`]), geodetic ([`Geodetic`])
//! only at the edges; angles are radians inside, azimuth clockwise from north.
//!
//! ```
//! use picket_core::{Geodetic, LocalFrame};
//! let site = LocalFrame::new(Geodetic::new(51.4700, -0.4543, 25.0));
//! let tower = site.to_enu(&Geodetic::new(51.4710, -0.4543, 25.0));
//! assert!((tower.y - 111.25).abs() < 0.1); // about 111 m north
//! ```

mod alert;
mod class;
pub mod geodesy;
mod ids;
mod report;
mod site;
mod time;
mod track;
mod zone;

pub use alert::{Actor, AlertEvent, AlertState, RuleKind, ThreatLevel};
pub use class::{Class, ClassProbs, UnknownClass};
pub use geodesy::{Ecef, Enu, Geodetic, LocalFrame, enu_to_polar, polar_to_enu};
pub use ids::{AlertId, IdCounter, SensorId, TrackId};
pub use report::{Identity, Measurement, Report, ReportError, Velocity};
pub use site::{Sensor, SensorKind, Site, UnknownSensorKind};
pub use time::Timestamp;
pub use track::{SensorSet, Track, TrackStatus};
pub use zone::{AltitudeRef, Zone, ZoneError, ZoneKind, ZoneShape, polygon_area_m2};
