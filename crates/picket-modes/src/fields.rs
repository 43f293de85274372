//! The fields picket needs, read straight from the bits: the fast path.
//!
//! rs1090 decodes every field through deku's bit reader, which measured about 0.1–0.5 million
//! frames/s here (DF 17 ~105 k/s, DF 20/21 ~25 k/s), far from the 4.8 million frames/s target
//! (see BENCHMARKS.md). So the fields the tracker uses (address, CRC,
//! identification, altitude, CPR, velocity, accuracy categories) are read here with shifts
//! and masks, reusing rs1090's CRC table and its Gillham/identity helpers, and the tests check
//! them against rs1090's own decode of every golden frame and of random frames. Everything else
//! (Comm-B registers, status messages) is left to rs1090 ([`crate::details`]).
//!
//! Bit numbers below are 1-based as in ICAO Annex 10 / DO-260B: message bit 1 is the first bit
//! of the DF field; "ME bit n" is message bit 32 + n.

use crate::decoded::{AltitudeSource, Cpr, Decoded};
use crate::frame::{FrameKind, RawFrame};
use crate::values::{Callsign, Category, Icao, Squawk};
use rs1090::decode::{crc::modes_checksum, decode_id13, gray2alt};

/// The message as a 112-bit big-endian number, message bit 1 at bit 111.
#[derive(Clone, Copy)]
struct Bits(u128);

impl Bits {
    fn new(bytes: &[u8]) -> Self {
        let mut buf = [0u8; 16];
        let n = bytes.len().min(14);
        buf[..n].copy_from_slice(&bytes[..n]);
        Self(u128::from_be_bytes(buf) >> 16)
    }

    /// `len` bits starting at 1-based message bit `first`.
    fn get(self, first: u32, len: u32) -> u32 {
        ((self.0 >> (112 - (first - 1) - len)) & ((1u128 << len) - 1)) as u32
    }

    /// `len` bits starting at ME bit `first` (ME bit 1 = message bit 33).
    fn me(self, first: u32, len: u32) -> u32 {
        self.get(32 + first, len)
    }
}

/// CRC residual of a Mode S frame: 0 for a good DF 11/17/18, the address for address/parity.
pub fn crc_residual(bytes: &[u8]) -> u32 {
    modes_checksum(bytes, bytes.len() * 8).unwrap_or(u32::MAX)
}

/// Decodes one frame without context: no CPR position (that needs a pair or a reference, see
/// [`crate::ModeSDecoder`]) and no address/parity verification.
#[inline]
pub fn decode_fields(frame: &RawFrame) -> Decoded {
    let mut d = Decoded {
        frame: Some(*frame),
        ..Decoded::default()
    };
    if frame.kind == FrameKind::ModeAc {
        return d;
    }
    let bytes = frame.bytes();
    let df = bytes[0] >> 3;
    d.df = Some(df);
    if FrameKind::from_df(df) != frame.kind {
        d.error = Some(format!(
            "DF {df} needs a {} frame, got {} bytes",
            FrameKind::from_df(df).as_str(),
            bytes.len()
        ));
        return d;
    }
    let bits = Bits::new(bytes);
    let residual = crc_residual(bytes);
    match df {
        0 | 16 => {
            d.icao = Some(Icao(residual));
            d.on_ground = Some(bits.get(6, 1) == 1);
            d.altitude_ft = ac13_ft(bits.get(20, 13));
            d.altitude_source = d.altitude_ft.map(|_| AltitudeSource::Baro);
        }
        4 | 20 => {
            d.icao = Some(Icao(residual));
            d.on_ground = flight_status_ground(bits.get(6, 3));
            d.altitude_ft = ac13_ft(bits.get(20, 13));
            d.altitude_source = d.altitude_ft.map(|_| AltitudeSource::Baro);
        }
        5 | 21 => {
            d.icao = Some(Icao(residual));
            d.on_ground = flight_status_ground(bits.get(6, 3));
            d.squawk = Some(Squawk(decode_id13(bits.get(20, 13) as u16)));
        }
        11 => {
            d.icao = Some(Icao(bits.get(9, 24)));
            // The parity is overlaid with the interrogator code (CL + IC, 7 bits).
            d.crc_ok = Some(residual & !0x7F == 0);
            d.on_ground = capability_ground(bits.get(6, 3));
        }
        17..=19 => {
            d.icao = Some(Icao(bits.get(9, 24)));
            d.crc_ok = Some(residual == 0);
            if df == 17 {
                d.on_ground = capability_ground(bits.get(6, 3));
            } else {
                d.cf = Some(bits.get(6, 3) as u8);
            }
            // Only trust the content of a frame whose parity checks, and DF 18 only for the
            // control fields that carry ADS-B formats (ES/NT, fine TIS-B, ADS-R).
            let adsb_me = df == 17 || (df == 18 && matches!(bits.get(6, 3), 0 | 1 | 2 | 6));
            if residual == 0 && adsb_me {
                decode_me(bits, &mut d);
            }
        }
        _ => d.icao = Some(Icao(residual)),
    }
    d
}

fn flight_status_ground(fs: u32) -> Option<bool> {
    match fs {
        0 | 2 => Some(false),
        1 | 3 => Some(true),
        _ => None,
    }
}

fn capability_ground(ca: u32) -> Option<bool> {
    match ca {
        4 => Some(true),
        5 => Some(false),
        _ => None,
    }
}

/// The 13-bit altitude code of DF 0/4/16/20 (Annex 10 Vol IV §3.1.2.6.5.4), as rs1090 reads
/// it: Q = 1 is 25 ft steps, Q = 0 Gillham 100 ft steps, M = 1 metres (reserved, converted).
pub fn ac13_ft(ac13: u32) -> Option<i32> {
    let ac13 = (ac13 & 0x1FFF) as u16;
    if ac13 == 0 {
        return None;
    }
    let m_bit = ac13 & 0x40 != 0;
    let q_bit = ac13 & 0x10 != 0;
    if m_bit {
        if q_bit {
            return None;
        }
        let metres = ((ac13 & 0x1F80) >> 2) | (ac13 & 0x3F);
        return Some((i64::from(metres) * 328_084 / 100_000) as i32);
    }
    if q_bit {
        let n = ((ac13 & 0x1F80) >> 2) | ((ac13 & 0x20) >> 1) | (ac13 & 0x0F);
        return Some(i32::from(n) * 25 - 1000);
    }
    gray2alt(decode_id13(ac13)).ok().map(|n| n * 100)
}

/// The 12-bit altitude code of airborne positions (the 13-bit code without its M bit).
pub fn ac12_ft(ac12: u32) -> Option<i32> {
    let ac12 = ac12 & 0xFFF;
    if ac12 == 0 {
        return None;
    }
    if ac12 & 0x10 != 0 {
        let n = ((ac12 & 0x0FE0) >> 1) | (ac12 & 0x0F);
        return Some(n as i32 * 25 - 1000);
    }
    let ac13 = ((ac12 & 0x0FC0) << 1) | (ac12 & 0x3F);
    gray2alt(decode_id13(ac13 as u16)).ok().map(|n| n * 100)
}

/// The ADS-B message field of a DF 17/18 frame.
fn decode_me(bits: Bits, d: &mut Decoded) {
    let tc = bits.me(1, 5) as u8;
    d.tc = Some(tc);
    match tc {
        1..=4 => {
            d.category = Some(Category {
                set: [' ', 'D', 'C', 'B', 'A'][usize::from(tc)],
                number: bits.me(6, 3) as u8,
            });
            let hi = u64::from(bits.me(9, 24));
            let lo = u64::from(bits.me(33, 24));
            d.callsign = Some(Callsign::from_bits((hi << 24) | lo));
        }
        5..=8 => decode_surface(bits, tc, d),
        9..=18 | 20..=22 => {
            d.altitude_ft = ac12_ft(bits.me(9, 12));
            d.altitude_source = d.altitude_ft.map(|_| {
                if tc < 19 {
                    AltitudeSource::Baro
                } else {
                    AltitudeSource::Gnss
                }
            });
            d.on_ground = Some(false);
            d.nic = Some(nic_from_tc(tc));
            d.cpr = Some(cpr_fields(bits, false));
        }
        19 => decode_velocity(bits, d),
        28 if bits.me(6, 3) == 1 => {
            d.squawk = Some(Squawk(decode_id13(bits.me(12, 13) as u16)));
        }
        29 if bits.me(6, 2) == 1 => d.nac_p = Some(bits.me(40, 4) as u8),
        31 if bits.me(6, 3) <= 1 => {
            d.version = Some(bits.me(41, 3) as u8);
            d.nac_p = Some(bits.me(45, 4) as u8);
        }
        _ => {}
    }
}

fn cpr_fields(bits: Bits, surface: bool) -> Cpr {
    Cpr {
        odd: bits.me(22, 1) == 1,
        lat_cpr: bits.me(23, 17),
        lon_cpr: bits.me(40, 17),
        surface,
    }
}

/// NIC implied by the position type code, assuming NIC supplements 0 (DO-260B Table 2-14;
/// for version 0 the same codes are NUCp, which orders the same way).
fn nic_from_tc(tc: u8) -> u8 {
    match tc {
        5 | 9 | 20 => 11,
        6 | 10 | 21 => 10,
        7 | 11 => 8,
        8 | 12 => 7,
        13 => 6,
        14 => 5,
        15 => 4,
        16 => 3,
        17 => 1,
        _ => 0,
    }
}

/// Surface position (TC 5–8): movement, ground track and CPR (DO-260B §2.2.3.2.4).
fn decode_surface(bits: Bits, tc: u8, d: &mut Decoded) {
    d.on_ground = Some(true);
    d.nic = Some(nic_from_tc(tc));
    d.groundspeed_kt = surface_speed_kt(bits.me(6, 7));
    if bits.me(13, 1) == 1 {
        d.track_deg = Some(f64::from(bits.me(14, 7)) * 360.0 / 128.0);
    }
    d.cpr = Some(cpr_fields(bits, true));
}

/// The quantised "movement" field of surface positions, knots.
pub fn surface_speed_kt(movement: u32) -> Option<f64> {
    let m = f64::from(movement);
    match movement {
        1 => Some(0.0),
        2..=8 => Some(0.125 + (m - 2.0) * 0.125),
        9..=12 => Some(1.0 + (m - 9.0) * 0.25),
        13..=38 => Some(2.0 + (m - 13.0) * 0.5),
        39..=93 => Some(15.0 + (m - 39.0)),
        94..=108 => Some(70.0 + (m - 94.0) * 2.0),
        109..=123 => Some(100.0 + (m - 109.0) * 5.0),
        124 => Some(175.0),
        _ => None,
    }
}

/// Airborne velocity (TC 19, DO-260B §2.2.3.2.6).
fn decode_velocity(bits: Bits, d: &mut Decoded) {
    let subtype = bits.me(6, 3);
    d.nac_v = Some(bits.me(11, 3) as u8);
    let scale = if subtype == 2 || subtype == 4 { 4 } else { 1 };
    match subtype {
        1 | 2 => {
            let (ew, ns) = (bits.me(15, 10), bits.me(26, 10));
            if ew != 0 && ns != 0 {
                let sign = |neg: u32| if neg == 1 { -1.0 } else { 1.0 };
                let v_ew = sign(bits.me(14, 1)) * f64::from((ew - 1) * scale);
                let v_ns = sign(bits.me(25, 1)) * f64::from((ns - 1) * scale);
                d.groundspeed_kt = Some(v_ew.hypot(v_ns));
                d.track_deg = Some(v_ew.atan2(v_ns).to_degrees().rem_euclid(360.0));
            }
        }
        3 | 4 => {
            if bits.me(14, 1) == 1 {
                d.heading_deg = Some(f64::from(bits.me(15, 10)) * 360.0 / 1024.0);
            }
            let airspeed = bits.me(26, 10);
            if airspeed != 0 {
                d.airspeed_kt = Some(((airspeed - 1) * scale) as u16);
                d.airspeed_is_true = Some(bits.me(25, 1) == 1);
            }
        }
        _ => return,
    }
    // ME bit 36: 0 = GNSS, 1 = baro (DO-260B Table 2-22). rs1090 0.7 maps 0 to baro.
    d.vertical_rate_source = Some(if bits.me(36, 1) == 0 {
        AltitudeSource::Gnss
    } else {
        AltitudeSource::Baro
    });
    let vr = bits.me(38, 9) as i32;
    if vr != 0 {
        let sign = if bits.me(37, 1) == 1 { -1 } else { 1 };
        d.vertical_rate_fpm = Some(sign * (vr - 1) * 64);
    }
    // 0 = no information, 1 = 0 ft (rs1090 also drops 1; we follow the standard).
    let diff = bits.me(50, 7) as i32;
    if diff != 0 {
        let sign = if bits.me(49, 1) == 1 { -1 } else { 1 };
        d.geo_minus_baro_ft = Some(sign * (diff - 1) * 25);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(hex: &str) -> RawFrame {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        RawFrame::new(0, &bytes).unwrap()
    }

    #[test]
    fn crates_md_frames() {
        let d = decode_fields(&frame("8D4840D6202CC371C32CE0576098"));
        assert_eq!(d.icao, Some(Icao(0x4840D6)));
        assert_eq!(d.crc_ok, Some(true));
        assert_eq!(d.callsign.unwrap().as_str(), "KLM1023");
        assert_eq!(d.category.unwrap().to_string(), "A0");
        let v = decode_fields(&frame("8D485020994409940838175B284F"));
        assert!((v.groundspeed_kt.unwrap() - 159.2).abs() < 0.05);
        assert!((v.track_deg.unwrap() - 182.88).abs() < 0.005);
        assert_eq!(v.vertical_rate_fpm, Some(-832));
        let bad = decode_fields(&frame("8D4840D6202CC371C32CE0576099"));
        assert_eq!(bad.crc_ok, Some(false));
        assert_eq!(bad.callsign, None);
    }
}
