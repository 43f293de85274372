//! [`Decoded`]: what one frame says, in the JSON shape `picket decode --json` prints. Every
//! field is optional and absent from the JSON when the frame does not carry it.

use crate::frame::RawFrame;
use crate::values::{Callsign, Category, Icao, Squawk};
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

/// Which way a position was resolved from its CPR encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PositionMethod {
    /// Globally unambiguous, from an even/odd pair of the same aircraft.
    Global,
    /// Locally, relative to the aircraft's previous position.
    LocalAircraft,
    /// Locally, relative to the receiver's reference position.
    LocalReference,
}

/// The source of an altitude or a vertical rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AltitudeSource {
    /// Barometric (pressure altitude, 1013.25 hPa datum).
    Baro,
    /// GNSS (geometric height).
    Gnss,
}

/// The raw CPR fields of a position message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cpr {
    /// `false` = even (F = 0), `true` = odd (F = 1).
    pub odd: bool,
    /// 17-bit encoded latitude.
    pub lat_cpr: u32,
    /// 17-bit encoded longitude.
    pub lon_cpr: u32,
    /// Surface format (TC 5–8), whose zones are a quarter of the airborne ones.
    pub surface: bool,
}

/// The fields decoded from one frame. Numbers are in the units their names say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Decoded {
    /// The frame itself with its receiver metadata (offset, 12 MHz counter, signal).
    pub frame: Option<RawFrame>,
    /// Downlink format (absent for Mode A/C frames).
    pub df: Option<u8>,
    /// The aircraft address: announced (DF 11/17/18) or recovered from address/parity.
    pub icao: Option<Icao>,
    /// CRC status: for DF 11/17/18 the parity checked; for address/parity formats `true` only
    /// when the recovered address belongs to an aircraft already verified (else absent).
    pub crc_ok: Option<bool>,
    /// DF 18 control field.
    pub cf: Option<u8>,
    /// ADS-B type code.
    pub tc: Option<u8>,
    /// Emitter category (TC 1–4).
    pub category: Option<Category>,
    /// Aircraft identification.
    pub callsign: Option<Callsign>,
    /// Mode A code.
    pub squawk: Option<Squawk>,
    /// Altitude, feet.
    pub altitude_ft: Option<i32>,
    /// Barometric or GNSS altitude.
    pub altitude_source: Option<AltitudeSource>,
    /// On the ground (from DF 11/17 capability, flight status, vertical status, surface TC).
    pub on_ground: Option<bool>,
    /// Raw CPR fields of a position message.
    pub cpr: Option<Cpr>,
    /// Latitude, degrees (when the CPR position could be resolved).
    pub lat: Option<f64>,
    /// Longitude, degrees.
    pub lon: Option<f64>,
    /// How `lat`/`lon` were resolved.
    pub position_method: Option<PositionMethod>,
    /// Ground speed, knots.
    pub groundspeed_kt: Option<f64>,
    /// Track angle over ground, degrees clockwise from true north.
    pub track_deg: Option<f64>,
    /// Heading, degrees (airspeed velocity subtypes; magnetic unless HRD says true).
    pub heading_deg: Option<f64>,
    /// Airspeed, knots.
    pub airspeed_kt: Option<u16>,
    /// True airspeed (`true`) or indicated (`false`).
    pub airspeed_is_true: Option<bool>,
    /// Vertical rate, feet per minute, positive up.
    pub vertical_rate_fpm: Option<i32>,
    /// Source of the vertical rate (ME bit 36: 0 = GNSS, 1 = baro; rs1090 0.7 inverts it).
    pub vertical_rate_source: Option<AltitudeSource>,
    /// GNSS height minus barometric altitude, feet.
    pub geo_minus_baro_ft: Option<i32>,
    /// Navigation integrity category implied by the position type code.
    pub nic: Option<u8>,
    /// Navigation accuracy category for position (TC 29 and 31).
    pub nac_p: Option<u8>,
    /// Navigation accuracy category for velocity (TC 19).
    pub nac_v: Option<u8>,
    /// ADS-B version (TC 31).
    pub version: Option<u8>,
    /// What rs1090 decodes beyond these fields (Comm-B registers, status messages), as its
    /// own JSON, when the decoder was asked for details.
    pub details: Option<serde_json::Value>,
    /// Why the frame or its details could not be decoded.
    pub error: Option<String>,
}

macro_rules! put {
    ($map:ident, $key:literal, $value:expr) => {
        if let Some(v) = &$value {
            $map.serialize_entry($key, v)?;
        }
    };
}

impl Serialize for Decoded {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        if let Some(f) = &self.frame {
            m.serialize_entry("offset", &f.offset)?;
            m.serialize_entry("kind", f.kind.as_str())?;
            put!(m, "timestamp_12mhz", f.timestamp_12mhz);
            put!(m, "signal", f.signal);
            m.serialize_entry("hex", &f.hex())?;
        }
        put!(m, "df", self.df);
        put!(m, "icao", self.icao);
        put!(m, "crc_ok", self.crc_ok);
        put!(m, "cf", self.cf);
        put!(m, "tc", self.tc);
        put!(m, "category", self.category);
        put!(m, "callsign", self.callsign);
        put!(m, "squawk", self.squawk);
        put!(m, "altitude_ft", self.altitude_ft);
        put!(m, "altitude_source", self.altitude_source);
        put!(m, "on_ground", self.on_ground);
        if let Some(c) = &self.cpr {
            m.serialize_entry("cpr_format", if c.odd { "odd" } else { "even" })?;
            m.serialize_entry("cpr_lat", &c.lat_cpr)?;
            m.serialize_entry("cpr_lon", &c.lon_cpr)?;
        }
        put!(m, "lat", self.lat);
        put!(m, "lon", self.lon);
        put!(m, "position_method", self.position_method);
        put!(m, "groundspeed_kt", self.groundspeed_kt);
        put!(m, "track_deg", self.track_deg);
        put!(m, "heading_deg", self.heading_deg);
        put!(m, "airspeed_kt", self.airspeed_kt);
        if let Some(t) = self.airspeed_is_true {
            m.serialize_entry("airspeed_type", if t { "tas" } else { "ias" })?;
        }
        put!(m, "vertical_rate_fpm", self.vertical_rate_fpm);
        put!(m, "vertical_rate_source", self.vertical_rate_source);
        put!(m, "geo_minus_baro_ft", self.geo_minus_baro_ft);
        put!(m, "nic", self.nic);
        put!(m, "nac_p", self.nac_p);
        put!(m, "nac_v", self.nac_v);
        put!(m, "version", self.version);
        put!(m, "details", self.details);
        put!(m, "error", self.error);
        m.end()
    }
}

impl Decoded {
    /// The JSON object `picket decode --json` prints for this frame. (`serde_json::Value`
    /// sorts keys; `serde_json::to_string(&decoded)` keeps the order of the fields above.)
    pub fn to_json(&self) -> serde_json::Value {
        // Serializing plain numbers and strings into a Value cannot fail.
        self.serialize(serde_json::value::Serializer)
            .unwrap_or(serde_json::Value::Null)
    }
}
