//! System message (type 4): where the operator is, the group/area of operation, and the EU
//! category and class of the aircraft.
//!
//! ```text
//! byte   bits  field
//!  0     7-4   message type = 4 | 3-0 protocol version
//!  1     7-5   reserved | 4-2 ClassificationType (0 undeclared, 1 EU)
//!        1-0   OperatorLocationType: 0 takeoff, 1 live GNSS, 2 fixed
//!  2-5         OperatorLatitude: int32 ×1e-7 degrees
//!  6-9         OperatorLongitude: int32 ×1e-7 degrees
//! 10-11        AreaCount: aircraft in the area (uint16)
//! 12           AreaRadius: ×10 m
//! 13-14        AreaCeiling   15-16 AreaFloor: uint16 ×0.5 - 1000 m
//! 17     7-4   CategoryEU (0 undeclared, 1 open, 2 specific, 3 certified) | 3-0 ClassEU (0-7)
//! 18-19        OperatorAltitudeGeo: uint16 ×0.5 - 1000 m (WGS84)
//! 20-23        Timestamp: seconds since 2019-01-01T00:00:00Z
//! 24           reserved
//! ```

use crate::codec::{Fields, decode_altitude, decode_lat_lon, encode_altitude, encode_lat_lon};
use serde::Serialize;

/// Area radius resolution, m per count.
pub const AREA_RADIUS_STEP_M: u16 = 10;

/// A decoded System message, in physical units.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct System {
    /// Where the operator position comes from (0 takeoff, 1 live GNSS, 2 fixed).
    pub operator_location_type: u8,
    /// Classification scheme of `category_eu`/`class_eu` (0 undeclared, 1 EU).
    pub classification_type: u8,
    /// Operator latitude, degrees.
    pub operator_latitude: f64,
    /// Operator longitude, degrees.
    pub operator_longitude: f64,
    /// Number of aircraft in the area (swarms, groups).
    pub area_count: u16,
    /// Radius of the area of operation, m (10 m steps).
    pub area_radius: u16,
    /// Area ceiling, m (WGS84); -1000 unknown.
    pub area_ceiling: f64,
    /// Area floor, m (WGS84); -1000 unknown.
    pub area_floor: f64,
    /// EU category (0 undeclared, 1 open, 2 specific, 3 certified).
    pub category_eu: u8,
    /// EU class (0 undeclared, 1-7 class C0-C6).
    pub class_eu: u8,
    /// Operator geodetic altitude, m (WGS84); -1000 unknown.
    pub operator_altitude_geo: f64,
    /// Seconds since 2019-01-01T00:00:00Z.
    pub timestamp: u32,
}

impl System {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        Self {
            operator_location_type: f.u8(1) & 0b11,
            classification_type: (f.u8(1) >> 2) & 0b111,
            operator_latitude: decode_lat_lon(f.i32(2)),
            operator_longitude: decode_lat_lon(f.i32(6)),
            area_count: f.u16(10),
            area_radius: u16::from(f.u8(12)) * AREA_RADIUS_STEP_M,
            area_ceiling: decode_altitude(f.u16(13)),
            area_floor: decode_altitude(f.u16(15)),
            category_eu: f.u8(17) >> 4,
            class_eu: f.u8(17) & 0x0f,
            operator_altitude_geo: decode_altitude(f.u16(18)),
            timestamp: f.u32(20),
        }
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        m[1] = ((self.classification_type & 0b111) << 2) | (self.operator_location_type & 0b11);
        m[2..6].copy_from_slice(&encode_lat_lon(self.operator_latitude).to_le_bytes());
        m[6..10].copy_from_slice(&encode_lat_lon(self.operator_longitude).to_le_bytes());
        m[10..12].copy_from_slice(&self.area_count.to_le_bytes());
        // Truncates like the reference encoder (test_inout: 75 m is broadcast as 70 m).
        m[12] = (self.area_radius / AREA_RADIUS_STEP_M).min(255) as u8;
        m[13..15].copy_from_slice(&encode_altitude(self.area_ceiling).to_le_bytes());
        m[15..17].copy_from_slice(&encode_altitude(self.area_floor).to_le_bytes());
        m[17] = (self.category_eu << 4) | (self.class_eu & 0x0f);
        m[18..20].copy_from_slice(&encode_altitude(self.operator_altitude_geo).to_le_bytes());
        m[20..24].copy_from_slice(&self.timestamp.to_le_bytes());
    }

    /// The operator position is known (not 0, 0 and in range).
    pub fn has_operator_position(&self) -> bool {
        !(self.operator_latitude == 0.0 && self.operator_longitude == 0.0)
            && self.operator_latitude.abs() <= 90.0
            && self.operator_longitude.abs() <= 180.0
    }
}
