//! Location/Vector message (type 1): where the aircraft is and how it moves.
//!
//! ```text
//! byte   bits  field
//!  0     7-4   message type = 1 | 3-0 protocol version
//!  1     7-4   Status: 0 undeclared, 1 ground, 2 airborne, 3 emergency, 4 RID system failure
//!        3     reserved | 2 HeightType (0 over takeoff, 1 over ground)
//!        1     E/W direction segment (1: add 180) | 0 speed multiplier
//!  2           Direction: 0-179 degrees (+180 with the E/W bit); 361 unknown
//!  3           SpeedHorizontal: ×0.25 m/s, or ×0.75 + 63.75 m/s with the multiplier; 255 unknown
//!  4           SpeedVertical: int8 ×0.5 m/s, up positive; 63 m/s unknown
//!  5-8         Latitude: int32 ×1e-7 degrees       9-12  Longitude: int32 ×1e-7 degrees
//! 13-14        AltitudeBaro   15-16 AltitudeGeo   17-18 Height: uint16 ×0.5 - 1000 m
//! 19     7-4   VertAccuracy | 3-0 HorizAccuracy (enums, see below)
//! 20     7-4   BaroAccuracy | 3-0 SpeedAccuracy
//! 21-22        TimeStamp: 1/10 s since the full hour (UTC); 0xFFFF unknown
//! 23     3-0   TSAccuracy: ×0.1 s, 0 unknown
//! 24           reserved
//! ```
//! Accuracy enums are 95 % bounds. Horizontal: 0 ≥18.52 km or unknown, 1 <18.52 km, 2 <7.408 km,
//! 3 <3.704 km, 4 <1852 m, 5 <926 m, 6 <555.6 m, 7 <185.2 m, 8 <92.6 m, 9 <30 m, 10 <10 m,
//! 11 <3 m, 12 <1 m. Vertical: 0 ≥150 m or unknown, 1 <150 m, 2 <45 m, 3 <25 m, 4 <10 m,
//! 5 <3 m, 6 <1 m. Speed: 0 ≥10 m/s or unknown, 1 <10, 2 <3, 3 <1, 4 <0.3 m/s.

use crate::codec::{
    Fields, clamp_round, decode_altitude, decode_lat_lon, encode_altitude, encode_lat_lon,
};
use serde::Serialize;

/// Direction value meaning "unknown", degrees.
pub const DIRECTION_UNKNOWN_DEG: f64 = 361.0;
/// Horizontal speed meaning "unknown", m/s (count 255 with the multiplier).
pub const SPEED_UNKNOWN_MPS: f64 = 255.0;
/// Vertical speed meaning "unknown", m/s.
pub const VERTICAL_SPEED_UNKNOWN_MPS: f64 = 63.0;
/// Timestamp count meaning "unknown".
pub const TIMESTAMP_UNKNOWN: u16 = 0xffff;

const SPEED_STEP_MPS: f64 = 0.25;
const SPEED_STEP_MULT_MPS: f64 = 0.75;
const SPEED_MULT_BASE_MPS: f64 = 255.0 * SPEED_STEP_MPS;
const VERTICAL_SPEED_STEP_MPS: f64 = 0.5;

/// A decoded Location/Vector message, in physical units.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Location {
    /// Operational status (0 undeclared, 1 ground, 2 airborne, 3 emergency, 4 system failure).
    pub status: u8,
    /// Track over ground, degrees clockwise from true north; 361 unknown.
    pub direction: f64,
    /// Ground speed, m/s; 255 unknown.
    pub speed_horizontal: f64,
    /// Vertical speed, m/s, up positive; 63 unknown.
    pub speed_vertical: f64,
    /// Latitude, degrees (0 with longitude 0: unknown).
    pub latitude: f64,
    /// Longitude, degrees.
    pub longitude: f64,
    /// Pressure altitude, m (standard atmosphere); -1000 unknown.
    pub altitude_baro: f64,
    /// Geodetic altitude, m above the WGS84 ellipsoid; -1000 unknown.
    pub altitude_geo: f64,
    /// What `height` is measured from: 0 takeoff location, 1 ground.
    pub height_type: u8,
    /// Height above the reference of `height_type`, m; -1000 unknown.
    pub height: f64,
    /// Horizontal accuracy enum (95 % bound, see [`horizontal_accuracy_m`]).
    pub horiz_accuracy: u8,
    /// Geodetic altitude accuracy enum (see [`vertical_accuracy_m`]).
    pub vert_accuracy: u8,
    /// Pressure altitude accuracy enum (see [`vertical_accuracy_m`]).
    pub baro_accuracy: u8,
    /// Speed accuracy enum (see [`speed_accuracy_mps`]).
    pub speed_accuracy: u8,
    /// Timestamp accuracy enum: tenths of a second, 0 unknown.
    pub ts_accuracy: u8,
    /// Seconds since the full hour (UTC), 0.1 s resolution; 6553.5 (0xFFFF) unknown.
    pub time_stamp: f64,
}

impl Location {
    #[inline]
    pub(crate) fn decode(m: &[u8; 25]) -> Self {
        let f = Fields(m);
        let flags = f.u8(1);
        let direction = f64::from(f.u8(2)) + if flags & 0b10 != 0 { 180.0 } else { 0.0 };
        let speed = f64::from(f.u8(3));
        let speed_horizontal = if flags & 0b1 != 0 {
            speed * SPEED_STEP_MULT_MPS + SPEED_MULT_BASE_MPS
        } else {
            speed * SPEED_STEP_MPS
        };
        Self {
            status: flags >> 4,
            direction,
            speed_horizontal,
            speed_vertical: f64::from(f.u8(4) as i8) * VERTICAL_SPEED_STEP_MPS,
            latitude: decode_lat_lon(f.i32(5)),
            longitude: decode_lat_lon(f.i32(9)),
            altitude_baro: decode_altitude(f.u16(13)),
            altitude_geo: decode_altitude(f.u16(15)),
            height_type: (flags >> 2) & 1,
            height: decode_altitude(f.u16(17)),
            horiz_accuracy: f.u8(19) & 0x0f,
            vert_accuracy: f.u8(19) >> 4,
            baro_accuracy: f.u8(20) >> 4,
            speed_accuracy: f.u8(20) & 0x0f,
            ts_accuracy: f.u8(23) & 0x0f,
            time_stamp: f64::from(f.u16(21)) / 10.0,
        }
    }

    pub(crate) fn encode(&self, m: &mut [u8; 25]) {
        let (direction, east_west) = encode_direction(self.direction);
        let (speed, multiplier) = encode_speed(self.speed_horizontal);
        m[1] = (self.status << 4) | ((self.height_type & 1) << 2) | (east_west << 1) | multiplier;
        m[2] = direction;
        m[3] = speed;
        m[4] =
            clamp_round(self.speed_vertical / VERTICAL_SPEED_STEP_MPS, -128.0, 127.0) as i8 as u8;
        m[5..9].copy_from_slice(&encode_lat_lon(self.latitude).to_le_bytes());
        m[9..13].copy_from_slice(&encode_lat_lon(self.longitude).to_le_bytes());
        m[13..15].copy_from_slice(&encode_altitude(self.altitude_baro).to_le_bytes());
        m[15..17].copy_from_slice(&encode_altitude(self.altitude_geo).to_le_bytes());
        m[17..19].copy_from_slice(&encode_altitude(self.height).to_le_bytes());
        m[19] = (self.vert_accuracy << 4) | (self.horiz_accuracy & 0x0f);
        m[20] = (self.baro_accuracy << 4) | (self.speed_accuracy & 0x0f);
        let tenths = clamp_round(self.time_stamp * 10.0, 0.0, f64::from(TIMESTAMP_UNKNOWN));
        m[21..23].copy_from_slice(&(tenths as u16).to_le_bytes());
        m[23] = self.ts_accuracy & 0x0f;
    }

    /// The horizontal velocity is known (direction ≤ 360 and speed not the unknown value).
    pub fn has_velocity(&self) -> bool {
        self.direction <= 360.0 && self.speed_horizontal < SPEED_UNKNOWN_MPS
    }

    /// The position is known (F3411 sends 0, 0 for "no position").
    pub fn has_position(&self) -> bool {
        !(self.latitude == 0.0 && self.longitude == 0.0)
            && self.latitude.abs() <= 90.0
            && self.longitude.abs() <= 180.0
    }
}

/// Degrees to (count, E/W bit), rounding to the nearest degree as the reference does. Values
/// above 361 (not sent by a conforming transmitter, but decodable) are kept so that decoding
/// and re-encoding any message gives it back.
fn encode_direction(direction_deg: f64) -> (u8, u8) {
    let d = clamp_round(direction_deg, 0.0, 180.0 + 255.0);
    if d < 180.0 {
        (d as u8, 0)
    } else {
        ((d - 180.0) as u8, 1)
    }
}

/// m/s to (count, multiplier bit): 0.25 m/s steps up to 63.75 m/s, then 0.75 m/s steps.
fn encode_speed(speed_mps: f64) -> (u8, u8) {
    if speed_mps.is_nan() || speed_mps <= SPEED_MULT_BASE_MPS {
        (clamp_round(speed_mps / SPEED_STEP_MPS, 0.0, 255.0) as u8, 0)
    } else {
        let count = (speed_mps - SPEED_MULT_BASE_MPS) / SPEED_STEP_MULT_MPS;
        (clamp_round(count, 0.0, 255.0) as u8, 1)
    }
}

/// The 95 % horizontal accuracy bound of an `horiz_accuracy` enum, m; `None` when unknown.
pub fn horizontal_accuracy_m(code: u8) -> Option<f64> {
    const BOUNDS_M: [f64; 12] = [
        18520.0, 7408.0, 3704.0, 1852.0, 926.0, 555.6, 185.2, 92.6, 30.0, 10.0, 3.0, 1.0,
    ];
    BOUNDS_M.get(usize::from(code).checked_sub(1)?).copied()
}

/// The 95 % vertical accuracy bound of a `vert_accuracy`/`baro_accuracy` enum, m.
pub fn vertical_accuracy_m(code: u8) -> Option<f64> {
    const BOUNDS_M: [f64; 6] = [150.0, 45.0, 25.0, 10.0, 3.0, 1.0];
    BOUNDS_M.get(usize::from(code).checked_sub(1)?).copied()
}

/// The 95 % speed accuracy bound of a `speed_accuracy` enum, m/s.
pub fn speed_accuracy_mps(code: u8) -> Option<f64> {
    const BOUNDS_MPS: [f64; 4] = [10.0, 3.0, 1.0, 0.3];
    BOUNDS_MPS.get(usize::from(code).checked_sub(1)?).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speed_uses_the_multiplier_above_63_75() {
        assert_eq!(encode_speed(5.5), (22, 0));
        assert_eq!(encode_speed(63.75), (255, 0));
        assert_eq!(encode_speed(64.5), (1, 1));
        assert_eq!(encode_speed(1000.0), (255, 1));
    }

    #[test]
    fn direction_rounds_like_the_reference() {
        // opendroneid-core-c test_inout: 215.7 degrees is broadcast as 216.
        assert_eq!(encode_direction(215.7), (36, 1));
        assert_eq!(encode_direction(179.4), (179, 0));
    }

    #[test]
    fn accuracy_enums() {
        assert_eq!(horizontal_accuracy_m(0), None);
        assert_eq!(horizontal_accuracy_m(11), Some(3.0));
        assert_eq!(horizontal_accuracy_m(13), None);
        assert_eq!(vertical_accuracy_m(6), Some(1.0));
        assert_eq!(speed_accuracy_mps(4), Some(0.3));
    }
}
