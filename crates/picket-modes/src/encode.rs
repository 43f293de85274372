//! DF 17 extended squitter encoders for picket's simulator: aircraft identification (TC 1–4),
//! airborne position with barometric altitude (TC 9–18, CPR even/odd), and airborne velocity
//! over ground (TC 19 subtypes 1–2), each with its CRC-24 parity (rs1090's CRC table,
//! generator 0xFFF409). rs1090 has no encoder, so these are written from DO-260B §2.2.3.2.

use crate::cpr;
use crate::frame::RawFrame;
use crate::values::{CALLSIGN_CHARS, Category};
use rs1090::decode::crc::modes_checksum;

/// Why a message could not be encoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    /// A callsign longer than 8 characters or with a character outside A–Z, 0–9 and space.
    #[error("callsign {0:?} is not 1-8 characters of A-Z, 0-9 and space")]
    BadCallsign(String),
    /// An emitter category outside sets A–D, numbers 0–7.
    #[error("emitter category {0} is not in sets A-D with numbers 0-7")]
    BadCategory(String),
    /// An altitude outside the 25 ft encoding (-1000 to 50 175 ft).
    #[error("altitude {0} ft is outside -1000..=50175 ft")]
    Altitude(i32),
    /// A latitude or longitude that is not finite or out of range.
    #[error("position ({0}, {1}) is not a valid latitude/longitude")]
    Position(f64, f64),
    /// A speed, track or vertical rate that is not finite.
    #[error("velocity values must be finite")]
    Velocity,
    /// A position type code outside 9–18.
    #[error("type code {0} is not a barometric airborne position (9-18)")]
    TypeCode(u8),
}

/// Builds a DF 17 frame (capability 5, airborne) from an address and a 56-bit ME field.
pub fn df17(icao: u32, me: u64) -> RawFrame {
    let mut bytes = [0u8; 14];
    bytes[0] = (17 << 3) | 5;
    bytes[1..4].copy_from_slice(&(icao & 0xFF_FFFF).to_be_bytes()[1..]);
    bytes[4..11].copy_from_slice(&(me << 8).to_be_bytes()[..7]);
    // With the parity bytes zero the residual is the CRC of the data: the parity to send.
    let parity = modes_checksum(&bytes, 112).unwrap_or(0);
    bytes[11..14].copy_from_slice(&parity.to_be_bytes()[1..]);
    // 14 bytes is always a valid long frame.
    RawFrame::new(0, &bytes).unwrap_or_else(|| unreachable!())
}

/// Aircraft identification and category (TC 1–4).
pub fn identification(
    icao: u32,
    category: Category,
    callsign: &str,
) -> Result<RawFrame, EncodeError> {
    let tc = match category.set {
        'A' => 4u64,
        'B' => 3,
        'C' => 2,
        'D' => 1,
        _ => return Err(EncodeError::BadCategory(category.to_string())),
    };
    if category.number > 7 {
        return Err(EncodeError::BadCategory(category.to_string()));
    }
    if callsign.len() > 8 {
        return Err(EncodeError::BadCallsign(callsign.to_owned()));
    }
    let mut field = 0u64;
    let padded = callsign.bytes().chain(std::iter::repeat(b' ')).take(8);
    for c in padded {
        let code = CALLSIGN_CHARS
            .iter()
            .position(|&x| x == c && c != b'#')
            .ok_or_else(|| EncodeError::BadCallsign(callsign.to_owned()))?;
        field = (field << 6) | code as u64;
    }
    let me = (tc << 51) | (u64::from(category.number) << 48) | field;
    Ok(df17(icao, me))
}

/// The 12-bit altitude code with Q = 1 (25 ft steps).
fn ac12_q(altitude_ft: i32) -> Result<u64, EncodeError> {
    if !(-1000..=50_175).contains(&altitude_ft) {
        return Err(EncodeError::Altitude(altitude_ft));
    }
    let n = ((altitude_ft + 1000) as f64 / 25.0).round() as u64;
    Ok(((n & 0x7F0) << 1) | 0x10 | (n & 0x0F))
}

/// Airborne position with barometric altitude, type code `tc` (9–18; 11 is typical GNSS
/// quality with NIC 8), in even or odd CPR format.
pub fn airborne_position(
    icao: u32,
    tc: u8,
    lat_deg: f64,
    lon_deg: f64,
    altitude_ft: i32,
    odd: bool,
) -> Result<RawFrame, EncodeError> {
    if !(9..=18).contains(&tc) {
        return Err(EncodeError::TypeCode(tc));
    }
    if !(lat_deg.is_finite() && lon_deg.is_finite() && lat_deg.abs() <= 90.0)
        || lon_deg.abs() > 180.0
    {
        return Err(EncodeError::Position(lat_deg, lon_deg));
    }
    let (lat_cpr, lon_cpr) = cpr::encode(lat_deg, lon_deg, odd, false);
    let me = (u64::from(tc) << 51)
        | (ac12_q(altitude_ft)? << 36)
        | (u64::from(odd) << 34)
        | (u64::from(lat_cpr) << 17)
        | u64::from(lon_cpr);
    Ok(df17(icao, me))
}

/// An even then an odd airborne position message (TC 11) for the same point: enough for a
/// receiver to decode it globally.
pub fn airborne_position_pair(
    icao: u32,
    lat_deg: f64,
    lon_deg: f64,
    altitude_ft: i32,
) -> Result<[RawFrame; 2], EncodeError> {
    Ok([
        airborne_position(icao, 11, lat_deg, lon_deg, altitude_ft, false)?,
        airborne_position(icao, 11, lat_deg, lon_deg, altitude_ft, true)?,
    ])
}

/// Airborne velocity over ground (TC 19, subtype 1, or 2 above 1021 kt per component), with a
/// vertical rate from GNSS (`vr_from_gnss`) or barometric altitude, and NACv.
pub fn airborne_velocity(
    icao: u32,
    groundspeed_kt: f64,
    track_deg: f64,
    vertical_rate_fpm: f64,
    vr_from_gnss: bool,
    nac_v: u8,
) -> Result<RawFrame, EncodeError> {
    if !(groundspeed_kt.is_finite() && track_deg.is_finite() && vertical_rate_fpm.is_finite()) {
        return Err(EncodeError::Velocity);
    }
    let (sin, cos) = track_deg.to_radians().sin_cos();
    let (v_ew, v_ns) = (groundspeed_kt * sin, groundspeed_kt * cos);
    let supersonic = v_ew.abs().max(v_ns.abs()) > 1021.5;
    let scale = if supersonic { 4.0 } else { 1.0 };
    // Each component: sign bit, then |v| / scale + 1 (0 means "not available").
    let component = |v: f64| -> u64 {
        let sign = u64::from(v < 0.0);
        let magnitude = ((v.abs() / scale).round() as u64 + 1).min(1023);
        (sign << 10) | magnitude
    };
    let vr_sign = u64::from(vertical_rate_fpm < 0.0);
    let vr = ((vertical_rate_fpm.abs() / 64.0).round() as u64 + 1).min(511);
    let subtype = if supersonic { 2u64 } else { 1 };
    let me = (19u64 << 51)
        | (subtype << 48)
        | (u64::from(nac_v & 7) << 43)
        | (component(v_ew) << 32)
        | (component(v_ns) << 21)
        | (u64::from(!vr_from_gnss) << 20)
        | (vr_sign << 19)
        | (vr << 10);
    Ok(df17(icao, me))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reproduces_klm1023() {
        let category = Category {
            set: 'A',
            number: 0,
        };
        let f = identification(0x4840D6, category, "KLM1023").unwrap();
        assert_eq!(f.hex(), "8D4840D6202CC371C32CE0576098");
        assert!(identification(0x4840D6, category, "klm").is_err());
    }

    #[test]
    fn reproduces_crates_md_pair() {
        // The odd message of the CRATES.md pair, re-encoded from its decoded position.
        let f = airborne_position(0x40621D, 11, 52.265_78, 3.938_91, 38_000, true).unwrap();
        assert_eq!(f.hex(), "8D40621D58C386435CC412692AD6");
    }
}
