//! Field encodings shared by several message types (opendroneid-core-c `opendroneid.c` gives
//! the scalings): altitudes, latitude/longitude, fixed-size text, little-endian integers.

use serde::{Serialize, Serializer};
use std::borrow::Cow;

/// Altitude resolution, m per count.
pub const ALTITUDE_STEP_M: f64 = 0.5;
/// Offset of the altitude encoding: count 0 is -1000 m, also the "unknown" value.
pub const ALTITUDE_OFFSET_M: f64 = 1000.0;
/// The altitude F3411 uses for "unknown".
pub const ALTITUDE_UNKNOWN_M: f64 = -1000.0;
/// Latitude/longitude resolution: counts per degree (1e-7 degree steps).
pub const LAT_LON_COUNTS_PER_DEG: f64 = 1e7;

#[inline]
pub(crate) fn decode_altitude(raw: u16) -> f64 {
    f64::from(raw) * ALTITUDE_STEP_M - ALTITUDE_OFFSET_M
}

pub(crate) fn encode_altitude(alt_m: f64) -> u16 {
    clamp_round((alt_m + ALTITUDE_OFFSET_M) / ALTITUDE_STEP_M, 0.0, 65535.0) as u16
}

#[inline]
pub(crate) fn decode_lat_lon(raw: i32) -> f64 {
    // Division by the exact 1e7 (not multiplication by the inexact 1e-7) gives the double
    // nearest the broadcast decimal, so 455457468 prints as 45.5457468, as the reference's does.
    f64::from(raw) / LAT_LON_COUNTS_PER_DEG
}

pub(crate) fn encode_lat_lon(deg: f64) -> i32 {
    clamp_round(
        deg * LAT_LON_COUNTS_PER_DEG,
        f64::from(i32::MIN),
        f64::from(i32::MAX),
    ) as i32
}

/// Rounds half away from zero and clamps; NaN becomes `lo` so encoders never see garbage.
pub(crate) fn clamp_round(v: f64, lo: f64, hi: f64) -> f64 {
    if v.is_nan() {
        lo
    } else {
        v.round().clamp(lo, hi)
    }
}

/// A little-endian field reader over one 25-byte message.
pub(crate) struct Fields<'a>(pub(crate) &'a [u8; 25]);

impl Fields<'_> {
    #[inline]
    pub(crate) fn u8(&self, at: usize) -> u8 {
        self.0[at]
    }
    #[inline]
    pub(crate) fn u16(&self, at: usize) -> u16 {
        u16::from_le_bytes([self.0[at], self.0[at + 1]])
    }
    #[inline]
    pub(crate) fn i32(&self, at: usize) -> i32 {
        i32::from_le_bytes([self.0[at], self.0[at + 1], self.0[at + 2], self.0[at + 3]])
    }
    #[inline]
    pub(crate) fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes([self.0[at], self.0[at + 1], self.0[at + 2], self.0[at + 3]])
    }
    #[inline]
    pub(crate) fn array<const N: usize>(&self, at: usize) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.0[at..at + N]);
        out
    }
}

/// Fixed-size, NUL-padded ASCII text as broadcast (UAS ID, operator ID, description).
///
/// Kept as the raw bytes so decoding never allocates; the text is the bytes up to the first NUL,
/// as the reference decoder's `strncpy` reads it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Text<const N: usize>(pub [u8; N]);

impl<const N: usize> Text<N> {
    /// Text from a string, truncated to `N` characters and NUL-padded. Characters are taken as
    /// ISO 8859-1 (the inverse of [`Text::as_str`]); those above U+00FF become `?`.
    pub fn new(s: &str) -> Self {
        let mut out = [0; N];
        for (slot, c) in out.iter_mut().zip(s.chars()) {
            *slot = u8::try_from(u32::from(c)).unwrap_or(b'?');
        }
        Self(out)
    }

    /// The bytes before the first NUL.
    pub fn bytes(&self) -> &[u8] {
        let end = self.0.iter().position(|&b| b == 0).unwrap_or(N);
        &self.0[..end]
    }

    /// The text. F3411 says ASCII; other bytes (a corrupted frame) are read as ISO 8859-1, so
    /// nothing is lost and the reference tooling's strings are matched.
    pub fn as_str(&self) -> Cow<'_, str> {
        let bytes = self.bytes();
        match std::str::from_utf8(bytes) {
            Ok(s) if bytes.is_ascii() => Cow::Borrowed(s),
            _ => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
        }
    }
}

impl<const N: usize> Default for Text<N> {
    fn default() -> Self {
        Self([0; N])
    }
}

impl<const N: usize> std::fmt::Debug for Text<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<const N: usize> Serialize for Text<N> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn altitude_round_trips_on_the_half_metre_grid() {
        for raw in [0u16, 1, 2000, 2200, 65535] {
            assert_eq!(encode_altitude(decode_altitude(raw)), raw);
        }
        assert_eq!(encode_altitude(-5000.0), 0);
        assert_eq!(encode_altitude(f64::NAN), 0);
    }

    #[test]
    fn text_stops_at_the_first_nul() {
        let t = Text::<5>(*b"ab\0cd");
        assert_eq!(t.as_str(), "ab");
        assert_eq!(Text::<3>::new("abcdef").0, *b"abc");
        let latin = Text::<3>([b'x', 0xed, 0]);
        assert_eq!(latin.as_str(), "x\u{ed}");
        assert_eq!(Text::<3>::new(&latin.as_str()), latin);
    }
}
