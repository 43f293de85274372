//! The records of scenario, track and alert files (`formats/scenario.md`, version 1).
//!
//! Values keep the file's units (degrees, metres, seconds): these types are the file format,
//! and conversion to picket's SI vocabulary happens in [`crate::convert`].

use serde::Serialize;
use std::collections::BTreeMap;

/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// A geodetic origin as written in a `meta` line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Origin {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Height above the ellipsoid, metres.
    pub alt_m: f64,
}

/// `{"type":"meta",...}`: optional first line.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Meta {
    /// Format version (1).
    pub version: u64,
    /// Geodetic origin of the local frame.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<Origin>,
    /// Generator seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// `{"type":"sensor",...}`: a sensor and its position in the local frame.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SensorRecord {
    /// Sensor id.
    pub id: String,
    /// One of radar, rf, remoteid, adsb, camera, acoustic, generic.
    pub kind: String,
    /// East, metres.
    pub x: f64,
    /// North, metres.
    pub y: f64,
    /// Up, metres.
    pub z: f64,
}

/// A broadcast identity: `{"rid":"SERIAL"}` or `{"icao":"4840D6"}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Ident {
    /// Remote ID serial.
    Rid(String),
    /// ICAO address, hex.
    Icao(String),
}

/// Role of a truth target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Not allowed to fly here.
    Hostile,
    /// Whitelisted.
    Authorized,
    /// Neither (birds, passing traffic).
    Neutral,
}

/// `{"type":"truth",...}`: the true state of a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    /// Time, seconds.
    pub t: f64,
    /// Target id.
    pub id: String,
    /// drone, bird, aircraft or other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Position, metres.
    pub x: f64,
    /// Position, metres.
    pub y: f64,
    /// Position, metres.
    pub z: f64,
    /// Velocity, m/s.
    pub vx: f64,
    /// Velocity, m/s.
    pub vy: f64,
    /// Velocity, m/s.
    pub vz: f64,
    /// Role, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Broadcast identity, when any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ident: Option<Ident>,
    /// True when the broadcast identity or position is forged.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub spoofed: bool,
}

/// The measurement of a detection, in file units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Shape {
    /// Position with isotropic noise.
    Cartesian {
        /// East, metres.
        x: f64,
        /// North, metres.
        y: f64,
        /// Up, metres.
        z: f64,
        /// 1-sigma noise per axis, metres.
        sigma: f64,
    },
    /// Range, azimuth, elevation from the sensor.
    Polar {
        /// Range, metres.
        range_m: f64,
        /// Azimuth, degrees clockwise from north.
        az_deg: f64,
        /// Elevation, degrees.
        el_deg: f64,
        /// Range noise, metres.
        sigma_range_m: f64,
        /// Azimuth noise, degrees.
        sigma_az_deg: f64,
        /// Elevation noise, degrees.
        sigma_el_deg: f64,
    },
    /// Bearing (and optional elevation) from the sensor.
    Bearing {
        /// Azimuth, degrees clockwise from north.
        az_deg: f64,
        /// Azimuth noise, degrees.
        sigma_az_deg: f64,
        /// Elevation, degrees.
        #[serde(skip_serializing_if = "Option::is_none")]
        el_deg: Option<f64>,
        /// Elevation noise, degrees.
        #[serde(skip_serializing_if = "Option::is_none")]
        sigma_el_deg: Option<f64>,
    },
}

/// `{"type":"detection",...}`: one measurement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Detection {
    /// Time, seconds.
    pub t: f64,
    /// Sensor id.
    pub sensor: String,
    /// The measurement.
    #[serde(flatten)]
    pub shape: Shape,
    /// Radial velocity, m/s, positive away from the sensor.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vr_mps: Option<f64>,
    /// Radial velocity noise, m/s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sigma_vr_mps: Option<f64>,
    /// Broadcast identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ident: Option<Ident>,
    /// Class likelihoods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<BTreeMap<String, f64>>,
}

/// A zone's footprint, in file form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneFootprint {
    /// Polygon vertices `[x, y]`, metres.
    Polygon(Vec<[f64; 2]>),
    /// A circle.
    Circle {
        /// Centre east, metres.
        x: f64,
        /// Centre north, metres.
        y: f64,
        /// Radius, metres.
        r_m: f64,
    },
}

/// `{"type":"zone",...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneRecord {
    /// Zone id.
    pub id: String,
    /// protected, perimeter, warning, corridor or exclusion.
    pub kind: String,
    /// Footprint.
    #[serde(flatten)]
    pub footprint: ZoneFootprint,
    /// Floor, metres.
    pub floor_m: f64,
    /// Ceiling, metres.
    pub ceiling_m: f64,
}

/// `{"type":"authorized",...}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Authorized {
    /// The identity allowed to fly.
    #[serde(flatten)]
    pub ident: Ident,
    /// Zones it may fly in (all when empty).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// Start of its window, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<f64>,
    /// End of its window, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<f64>,
}

/// `{"type":"track",...}`: a tracker's output at `t`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrackRecord {
    /// Time, seconds (exactly the detection time it follows).
    pub t: f64,
    /// Track id.
    pub id: String,
    /// Position, metres.
    pub x: f64,
    /// Position, metres.
    pub y: f64,
    /// Position, metres.
    pub z: f64,
    /// Velocity, m/s.
    pub vx: f64,
    /// Velocity, m/s.
    pub vy: f64,
    /// Velocity, m/s.
    pub vz: f64,
    /// Confirmed (scored) or tentative.
    pub confirmed: bool,
    /// Best class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Class probabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_class: Option<BTreeMap<String, f64>>,
    /// Bound identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ident: Option<Ident>,
    /// 6x6 row-major position-velocity covariance.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cov: Option<Vec<f64>>,
}

/// `{"type":"alert",...}`: one alert event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRecord {
    /// Time, seconds.
    pub t: f64,
    /// Alert id.
    pub id: String,
    /// Track id.
    pub track: String,
    /// Rule name.
    pub rule: String,
    /// Zone id, for zone rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Threat level 0–4.
    pub level: u8,
    /// raised, escalated, acknowledged or resolved.
    pub state: String,
}

/// Any record of the format.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Record {
    /// `meta`.
    Meta(Meta),
    /// `sensor`.
    Sensor(SensorRecord),
    /// `truth`.
    Truth(Truth),
    /// `detection`.
    Detection(Detection),
    /// `zone`.
    Zone(ZoneRecord),
    /// `authorized`.
    Authorized(Authorized),
    /// `track`.
    Track(TrackRecord),
    /// `alert`.
    Alert(AlertRecord),
}

impl Record {
    /// The record's time, for the records that have one.
    pub fn time(&self) -> Option<f64> {
        match self {
            Record::Truth(r) => Some(r.t),
            Record::Detection(r) => Some(r.t),
            Record::Track(r) => Some(r.t),
            Record::Alert(r) => Some(r.t),
            _ => None,
        }
    }
}
