//! Compact Position Reporting (DO-260B Appendix A.1.7). Decoding is rs1090's
//! (`airborne_position`, `*_position_with_reference`); encoding, which rs1090 does not have,
//! is written here for the simulator's ADS-B encoder.

use crate::decoded::Cpr;
use rs1090::decode::bds::bds05::{AirbornePosition, Source, SurveillanceStatus};
use rs1090::decode::bds::bds06::SurfacePosition;
use rs1090::decode::cpr::{
    CPRFormat, airborne_position, airborne_position_with_reference, surface_position_with_reference,
};

/// Number of latitude zones between the equator and a pole.
const NZ: f64 = 15.0;
/// 2^17: CPR fields are 17 bits.
const CPR_SCALE: f64 = 131_072.0;

/// One CPR-encoded position message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CprPosition {
    /// Odd (F = 1) or even format.
    pub odd: bool,
    /// 17-bit latitude.
    pub lat_cpr: u32,
    /// 17-bit longitude.
    pub lon_cpr: u32,
    /// Surface (TC 5–8) rather than airborne.
    pub surface: bool,
}

impl From<Cpr> for CprPosition {
    fn from(c: Cpr) -> Self {
        Self {
            odd: c.odd,
            lat_cpr: c.lat_cpr & 0x1_FFFF,
            lon_cpr: c.lon_cpr & 0x1_FFFF,
            surface: c.surface,
        }
    }
}

fn parity(odd: bool) -> CPRFormat {
    if odd { CPRFormat::Odd } else { CPRFormat::Even }
}

/// rs1090's message type for an airborne CPR message; only the CPR fields matter to it.
fn airborne(p: &CprPosition) -> AirbornePosition {
    AirbornePosition {
        nuc_p: 0,
        ss: SurveillanceStatus::NoCondition,
        saf_or_nicb: None,
        alt: None,
        source: Source::Barometric,
        time_sync: false,
        parity: parity(p.odd),
        lat_cpr: p.lat_cpr,
        lon_cpr: p.lon_cpr,
        latitude: None,
        longitude: None,
    }
}

fn surface(p: &CprPosition) -> SurfacePosition {
    SurfacePosition {
        nuc_p: 0,
        groundspeed: None,
        track_status: false,
        track: None,
        t: false,
        parity: parity(p.odd),
        lat_cpr: p.lat_cpr,
        lon_cpr: p.lon_cpr,
        latitude: None,
        longitude: None,
    }
}

/// Globally unambiguous airborne position (latitude, longitude in degrees) from an even/odd
/// pair; the result is the position of `latest`. `None` for two messages of the same format
/// or a pair that straddles a latitude-zone boundary.
pub fn global_airborne(oldest: &CprPosition, latest: &CprPosition) -> Option<(f64, f64)> {
    let p = airborne_position(&airborne(oldest), &airborne(latest))?;
    valid(p.latitude, p.longitude)
}

/// Locally unambiguous position around a reference (within 180 NM airborne, 45 NM surface).
pub fn local(message: &CprPosition, ref_lat: f64, ref_lon: f64) -> Option<(f64, f64)> {
    if !(ref_lat.is_finite() && ref_lon.is_finite()) {
        return None;
    }
    let p = if message.surface {
        surface_position_with_reference(&surface(message), ref_lat, ref_lon)?
    } else {
        airborne_position_with_reference(&airborne(message), ref_lat, ref_lon)?
    };
    valid(p.latitude, p.longitude)
}

fn valid(lat: f64, lon: f64) -> Option<(f64, f64)> {
    let lon = if lon >= 180.0 { lon - 360.0 } else { lon };
    (lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
        .then_some((lat, lon))
}

/// `a - b` in degrees of longitude, wrapped into [-180, 180).
pub fn lon_diff_deg(a: f64, b: f64) -> f64 {
    (a - b + 180.0).rem_euclid(360.0) - 180.0
}

/// Number of longitude zones at a latitude (DO-260B A.1.7.2.d), between 1 and 59.
pub fn nl(lat_deg: f64) -> u32 {
    let lat = lat_deg.abs();
    if lat == 0.0 {
        return 59;
    }
    if lat == 87.0 {
        return 2;
    }
    if lat > 87.0 {
        return 1;
    }
    let a = 1.0 - (std::f64::consts::PI / (2.0 * NZ)).cos();
    let b = lat.to_radians().cos().powi(2);
    let x = (1.0 - a / b).clamp(-1.0, 1.0);
    ((2.0 * std::f64::consts::PI / x.acos()).floor() as u32).clamp(1, 59)
}

/// Encodes a position in CPR (DO-260B A.1.7.3), returning the 17-bit (latitude, longitude).
/// Airborne cells span 360°, surface cells 90°.
pub fn encode(lat_deg: f64, lon_deg: f64, odd: bool, surface: bool) -> (u32, u32) {
    let i = if odd { 1.0 } else { 0.0 };
    let span = if surface { 90.0 } else { 360.0 };
    let d_lat = span / (4.0 * NZ - i);
    let yz = (CPR_SCALE * lat_deg.rem_euclid(d_lat) / d_lat + 0.5).floor();
    let r_lat = d_lat * (yz / CPR_SCALE + (lat_deg / d_lat).floor());
    let zones = f64::from(nl(r_lat)) - i;
    let d_lon = if zones > 0.0 { span / zones } else { span };
    let xz = (CPR_SCALE * lon_deg.rem_euclid(d_lon) / d_lon + 0.5).floor();
    let mask = |v: f64| (v as i64).rem_euclid(CPR_SCALE as i64) as u32;
    (mask(yz), mask(xz))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crates_md_pair() {
        // 8D40621D58C382D690C8AC2863A7 (even) then 8D40621D58C386435CC412692AD6 (odd).
        let even = CprPosition {
            odd: false,
            lat_cpr: 93000,
            lon_cpr: 51372,
            surface: false,
        };
        let odd = CprPosition {
            odd: true,
            lat_cpr: 74158,
            lon_cpr: 50194,
            surface: false,
        };
        let (lat, lon) = global_airborne(&even, &odd).unwrap();
        assert!((lat - 52.26578).abs() < 1e-5 && (lon - 3.93891).abs() < 1e-5);
        assert_eq!(encode(lat, lon, true, false), (74158, 50194));
    }

    #[test]
    fn nl_matches_table_edges() {
        assert_eq!(nl(10.47047129), 59);
        assert_eq!(nl(10.47047131), 58);
        assert_eq!(nl(86.9), 2);
        assert_eq!(nl(-52.0), 36);
    }
}
