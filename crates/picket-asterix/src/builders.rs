//! Typed builders for the records picket writes most: CAT048 monoradar plots and CAT062
//! system tracks, for the simulator and the outputs. Each turns into the JSON view's `items`
//! object and is encoded by [`crate::json_encode`] against the chosen edition's tables.
//!
//! ```
//! use picket_asterix::builders::Plot048;
//! use picket_asterix::spec;
//! let plot = Plot048 { range_nm: 12.5, azimuth_deg: 45.0, flight_level: Some(35.0), ..Plot048::new(25, 201, 3600.0) };
//! let block = plot.encode_block(spec::lookup(48, None).unwrap()).unwrap();
//! assert_eq!(block[0], 48);
//! ```

use crate::error::EncodeError;
use crate::json_encode::encode_block_json;
use crate::spec::CategoryDef;
use serde_json::{Map, Value as Json, json};

/// A CAT048 target report (plot).
#[derive(Debug, Clone, PartialEq)]
pub struct Plot048 {
    /// System area code (I048/010).
    pub sac: u8,
    /// System identification code (I048/010).
    pub sic: u8,
    /// Time of day, seconds since midnight UTC (I048/140).
    pub time_of_day_s: f64,
    /// Slant range, NM (I048/040 RHO).
    pub range_nm: f64,
    /// Azimuth, degrees clockwise from north (I048/040 THETA).
    pub azimuth_deg: f64,
    /// Detection type code (I048/020 TYP), e.g. 1 single PSR, 5 Mode S roll-call.
    pub detection_type: u8,
    /// Flight level (I048/090).
    pub flight_level: Option<f64>,
    /// Mode 3/A code as four octal digits, e.g. "7000" (I048/070).
    pub mode3a: Option<String>,
    /// Mode S address (I048/220).
    pub icao: Option<u32>,
    /// Aircraft identification, up to 8 characters (I048/240).
    pub callsign: Option<String>,
    /// Track number (I048/161).
    pub track_number: Option<u16>,
    /// Ground speed (NM/s) and heading (degrees) of the track (I048/200).
    pub velocity: Option<(f64, f64)>,
}

impl Plot048 {
    /// A primary-radar plot at range 0, azimuth 0, with only the mandatory items.
    pub fn new(sac: u8, sic: u8, time_of_day_s: f64) -> Self {
        Self {
            sac,
            sic,
            time_of_day_s,
            range_nm: 0.0,
            azimuth_deg: 0.0,
            detection_type: 1,
            flight_level: None,
            mode3a: None,
            icao: None,
            callsign: None,
            track_number: None,
            velocity: None,
        }
    }

    /// The JSON view `items` object.
    pub fn items(&self) -> Json {
        let mut m = Map::new();
        m.insert("010".into(), json!({"SAC": self.sac, "SIC": self.sic}));
        m.insert("140".into(), json!(self.time_of_day_s));
        m.insert("020".into(), json!({"TYP": self.detection_type}));
        m.insert(
            "040".into(),
            json!({"RHO": self.range_nm, "THETA": self.azimuth_deg}),
        );
        if let Some(code) = &self.mode3a {
            m.insert("070".into(), json!({"MODE3A": code}));
        }
        if let Some(fl) = self.flight_level {
            m.insert("090".into(), json!({"FL": fl}));
        }
        if let Some(a) = self.icao {
            m.insert("220".into(), json!(a));
        }
        if let Some(cs) = &self.callsign {
            m.insert("240".into(), json!(cs));
        }
        if let Some(t) = self.track_number {
            m.insert("161".into(), json!({"TRN": t}));
        }
        if let Some((gsp, hdg)) = self.velocity {
            m.insert("200".into(), json!({"GSP": gsp, "HDG": hdg}));
        }
        Json::Object(m)
    }

    /// One data block holding this plot, in edition `def` of CAT048.
    pub fn encode_block(&self, def: &'static CategoryDef) -> Result<Vec<u8>, EncodeError> {
        encode_block_json(def, &[self.items()])
    }
}

/// A CAT062 system track.
#[derive(Debug, Clone, PartialEq)]
pub struct Track062 {
    /// System area code (I062/010).
    pub sac: u8,
    /// System identification code (I062/010).
    pub sic: u8,
    /// Time of track information, seconds since midnight UTC (I062/070).
    pub time_of_day_s: f64,
    /// Track number (I062/040).
    pub track_number: u16,
    /// WGS-84 latitude and longitude, degrees (I062/105).
    pub lat_lon_deg: (f64, f64),
    /// Velocity east and north, m/s (I062/185).
    pub velocity_mps: Option<(f64, f64)>,
    /// Calculated geometric altitude, ft (I062/130).
    pub altitude_ft: Option<f64>,
    /// Mode S address (I062/380 ADR).
    pub icao: Option<u32>,
    /// Target identification (I062/245 CHR).
    pub callsign: Option<String>,
}

impl Track062 {
    /// A track with only the mandatory items.
    pub fn new(
        sac: u8,
        sic: u8,
        time_of_day_s: f64,
        track_number: u16,
        lat_lon_deg: (f64, f64),
    ) -> Self {
        Self {
            sac,
            sic,
            time_of_day_s,
            track_number,
            lat_lon_deg,
            velocity_mps: None,
            altitude_ft: None,
            icao: None,
            callsign: None,
        }
    }

    /// The JSON view `items` object.
    pub fn items(&self) -> Json {
        let mut m = Map::new();
        m.insert("010".into(), json!({"SAC": self.sac, "SIC": self.sic}));
        m.insert("070".into(), json!(self.time_of_day_s));
        m.insert("040".into(), json!(self.track_number));
        m.insert(
            "105".into(),
            json!({"LAT": self.lat_lon_deg.0, "LON": self.lat_lon_deg.1}),
        );
        // I062/080 is mandatory; an all-zero first octet is a confirmed multisensor track.
        m.insert("080".into(), json!({}));
        if let Some((vx, vy)) = self.velocity_mps {
            m.insert("185".into(), json!({"VX": vx, "VY": vy}));
        }
        if let Some(alt) = self.altitude_ft {
            m.insert("130".into(), json!(alt));
        }
        if let Some(a) = self.icao {
            m.insert("380".into(), json!({"ADR": a}));
        }
        if let Some(cs) = &self.callsign {
            m.insert("245".into(), json!({"CHR": cs}));
        }
        Json::Object(m)
    }

    /// One data block holding this track, in edition `def` of CAT062.
    pub fn encode_block(&self, def: &'static CategoryDef) -> Result<Vec<u8>, EncodeError> {
        encode_block_json(def, &[self.items()])
    }
}
