//! The format's types, exactly as they appear in JSON (see `FORMAT.md`).
//!
//! Value checks live in the number newtypes' `Deserialize` impls, so a bad value is reported
//! by serde with its line, column and (through `serde_path_to_error`) its field path.

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

macro_rules! checked_number {
    ($(#[$doc:meta])* $name:ident, $check:expr, $expect:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let v = f64::deserialize(d)?;
                let ok: fn(f64) -> bool = $check;
                if v.is_finite() && ok(v) {
                    Ok(Self(v))
                } else {
                    Err(de::Error::custom(format_args!("{v} is not {}", $expect)))
                }
            }
        }
    };
}

checked_number!(
    /// Any finite number.
    Finite, |_| true, "a finite number"
);
checked_number!(
    /// A noise figure: finite and strictly positive.
    Sigma, |v| v > 0.0, "a positive sigma"
);
checked_number!(
    /// A distance that cannot be negative.
    NonNegative, |v| v >= 0.0, "a non-negative distance"
);
checked_number!(
    /// Latitude, degrees.
    Latitude, |v| (-90.0..=90.0).contains(&v), "a latitude in -90..=90"
);
checked_number!(
    /// Longitude, degrees.
    Longitude, |v| (-180.0..=180.0).contains(&v), "a longitude in -180..=180"
);
checked_number!(
    /// A likelihood in 0..=1.
    Likelihood, |v| (0.0..=1.0).contains(&v), "a likelihood in 0..=1"
);

/// Event time: Unix seconds. Read from RFC 3339 text or a number, written as a number
/// (an `f64` round-trips exactly).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Time(pub f64);

impl Serialize for Time {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

struct TimeVisitor;

impl Visitor<'_> for TimeVisitor {
    type Value = Time;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an RFC 3339 date-time string or Unix seconds")
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Time, E> {
        if v.is_finite() {
            Ok(Time(v))
        } else {
            Err(E::custom("time is not finite"))
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Time, E> {
        Ok(Time(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Time, E> {
        Ok(Time(v as f64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Time, E> {
        let t = time::OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339)
            .map_err(|e| E::custom(format_args!("{v:?} is not RFC 3339: {e}")))?;
        Ok(Time(t.unix_timestamp_nanos() as f64 * 1e-9))
    }
}

impl<'de> Deserialize<'de> for Time {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TimeVisitor)
    }
}

/// A geodetic position (WGS84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    /// Latitude, degrees north.
    pub lat: Latitude,
    /// Longitude, degrees east.
    pub lon: Longitude,
    /// Height above the WGS84 ellipsoid, metres.
    pub alt_m: Finite,
    /// Horizontal 1-sigma, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_h_m: Option<Sigma>,
    /// Vertical 1-sigma, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_v_m: Option<Sigma>,
}

/// A position in the site's east-north-up frame, metres.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Local {
    /// East, metres.
    pub x_m: Finite,
    /// North, metres.
    pub y_m: Finite,
    /// Up, metres.
    pub z_m: Finite,
    /// 1-sigma on each axis, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_m: Option<Sigma>,
}

/// Range, azimuth and elevation from the sensor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Polar {
    /// Slant range, metres.
    pub range_m: NonNegative,
    /// Azimuth, degrees clockwise from true north.
    pub az_deg: Finite,
    /// Elevation, degrees above the horizontal.
    pub el_deg: Finite,
    /// Range 1-sigma, metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_range_m: Option<Sigma>,
    /// Azimuth 1-sigma, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_az_deg: Option<Sigma>,
    /// Elevation 1-sigma, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_el_deg: Option<Sigma>,
}

/// A bearing (and optionally an elevation) from the sensor.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bearing {
    /// Azimuth, degrees clockwise from true north.
    pub az_deg: Finite,
    /// Elevation, degrees above the horizontal, when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub el_deg: Option<Finite>,
    /// Azimuth 1-sigma, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_az_deg: Option<Sigma>,
    /// Elevation 1-sigma, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_el_deg: Option<Sigma>,
}

/// A velocity in east-north-up axes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VelocityEnu {
    /// East, m/s.
    pub east_mps: Finite,
    /// North, m/s.
    pub north_mps: Finite,
    /// Up, m/s.
    pub up_mps: Finite,
    /// 1-sigma on each axis, m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_mps: Option<Sigma>,
}

/// Who the object is. Exactly one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Ident {
    /// Remote ID serial number or session id.
    Rid(String),
    /// 24-bit ICAO address as 6 hex digits.
    Icao(String),
    /// The sensor's own object id.
    Object(String),
}

/// Class likelihoods; absent classes count as 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Classes {
    /// Small unmanned aircraft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drone: Option<Likelihood>,
    /// Bird.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bird: Option<Likelihood>,
    /// Manned aircraft.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aircraft: Option<Likelihood>,
    /// Anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Likelihood>,
}

/// The remote pilot's position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pilot {
    /// Latitude, degrees.
    pub lat: Latitude,
    /// Longitude, degrees.
    pub lon: Longitude,
    /// Height above the WGS84 ellipsoid, metres.
    pub alt_m: Finite,
}

/// One detection, as written in JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    /// The sensor's configured name.
    pub sensor: String,
    /// When it was observed.
    pub time: Time,
    /// Geodetic position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// Site-local position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local: Option<Local>,
    /// Range/azimuth/elevation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polar: Option<Polar>,
    /// Bearing only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearing: Option<Bearing>,
    /// Radial velocity, m/s, positive away from the sensor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vr_mps: Option<Finite>,
    /// Its 1-sigma, m/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigma_vr_mps: Option<Sigma>,
    /// Velocity vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity: Option<VelocityEnu>,
    /// Identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ident: Option<Ident>,
    /// Class likelihoods.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<Classes>,
    /// Remote pilot position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pilot: Option<Pilot>,
}
