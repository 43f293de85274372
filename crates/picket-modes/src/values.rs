//! Small value types that print the way people read them: an ICAO address as six hex digits,
//! a squawk as four octal digits, a callsign without trailing spaces.

use serde::{Serialize, Serializer};
use std::fmt;

/// A 24-bit ICAO aircraft address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icao(pub u32);

impl fmt::Display for Icao {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06x}", self.0 & 0xFF_FFFF)
    }
}

impl Serialize for Icao {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A Mode A code as four octal digits packed one per nibble (`0x7700` prints "7700").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Squawk(pub u16);

impl fmt::Display for Squawk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}", self.0)
    }
}

impl Serialize for Squawk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The 6-bit character set of Mode S identification (ICAO Annex 10 Vol IV, Table 3-9);
/// `#` marks codes that are not assigned.
pub const CALLSIGN_CHARS: &[u8; 64] =
    b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

/// An aircraft identification (callsign), up to 8 characters, stored inline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Callsign {
    chars: [u8; 8],
    len: u8,
}

impl Callsign {
    /// Decodes the 48-bit character field (8 × 6 bits); trailing spaces are dropped.
    pub fn from_bits(field48: u64) -> Self {
        let mut chars = [b' '; 8];
        for (i, c) in chars.iter_mut().enumerate() {
            let code = (field48 >> (42 - 6 * i)) & 0x3F;
            *c = CALLSIGN_CHARS[code as usize];
        }
        let len = chars.iter().rposition(|&c| c != b' ').map_or(0, |p| p + 1) as u8;
        Self { chars, len }
    }

    /// The callsign text.
    pub fn as_str(&self) -> &str {
        // Every byte comes from CALLSIGN_CHARS, which is ASCII.
        std::str::from_utf8(&self.chars[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Display for Callsign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Callsign {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// An ADS-B emitter category: set (A–D, from type codes 4–1) and category number (0–7),
/// printed as "A3" (DO-260B §2.2.3.2.5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Category {
    /// 'A' (TC 4), 'B' (TC 3), 'C' (TC 2) or 'D' (TC 1).
    pub set: char,
    /// The emitter category within the set (the CA field), 0 = no information.
    pub number: u8,
}

impl Category {
    /// Set B, category 6: "unmanned aerial vehicle".
    pub fn is_uav(&self) -> bool {
        self.set == 'B' && self.number == 6
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.set, self.number)
    }
}

impl Serialize for Category {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printing() {
        assert_eq!(Icao(0x406B90).to_string(), "406b90");
        assert_eq!(Squawk(0x7700).to_string(), "7700");
        // "KLM1023 " from 8D4840D6202CC371C32CE0576098 (ME bits 9-56).
        let c = Callsign::from_bits(0x2CC371C32CE0);
        assert_eq!(c.as_str(), "KLM1023");
    }
}
