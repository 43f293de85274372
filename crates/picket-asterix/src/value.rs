//! Element values: raw bits interpreted by their [`Content`] (scaled quantities, strings,
//! tables), without allocating.

use crate::spec::{Content, TextKind};
use std::fmt;

/// An element's decoded value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// Raw bits (identifiers, addresses, BDS registers).
    Raw(u64),
    /// A table entry: the code and the table (see [`Value::meaning`]).
    Table(u64, &'static [(u64, &'static str)]),
    /// Unsigned integer.
    Unsigned(u64),
    /// Signed integer.
    Signed(i64),
    /// A scaled quantity in the specification's unit.
    Quantity(f64, &'static str),
    /// A string (ICAO 6-bit, ASCII, or octal digits).
    Text(Text),
    /// Spare bits.
    Spare(u64),
}

impl Value {
    /// Interprets `raw` (`bits` wide) by `content`. `Case` contents must be resolved first;
    /// unresolved ones read as raw.
    #[inline]
    pub fn new(content: &'static Content, bits: u16, raw: u64) -> Self {
        match content {
            Content::Raw | Content::Bds(_) | Content::Case { .. } => Value::Raw(raw),
            Content::Spare => Value::Spare(raw),
            Content::Table(t) => Value::Table(raw, t),
            Content::Unsigned => Value::Unsigned(raw),
            Content::Signed => Value::Signed(sign_extend(raw, bits)),
            Content::Quantity { signed, lsb, unit } => {
                let n = if *signed {
                    sign_extend(raw, bits) as f64
                } else {
                    raw as f64
                };
                Value::Quantity(n * lsb, unit)
            }
            Content::Text(kind) => Value::Text(Text::decode(*kind, bits, raw)),
        }
    }

    /// The value as a number (quantities in their unit, codes as integers); `None` for text.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Raw(v) | Value::Table(v, _) | Value::Unsigned(v) | Value::Spare(v) => {
                Some(v as f64)
            }
            Value::Signed(v) => Some(v as f64),
            Value::Quantity(v, _) => Some(v),
            Value::Text(_) => None,
        }
    }

    /// The meaning of a table value, when the table lists the code.
    pub fn meaning(&self) -> Option<&'static str> {
        match *self {
            Value::Table(v, t) => t.iter().find(|e| e.0 == v).map(|e| e.1),
            _ => None,
        }
    }

    /// The value as an unsigned integer code (raw, table, unsigned).
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Raw(v) | Value::Table(v, _) | Value::Unsigned(v) => Some(v),
            _ => None,
        }
    }
}

/// Sign-extends the low `bits` bits of `raw`.
#[inline]
pub fn sign_extend(raw: u64, bits: u16) -> i64 {
    let shift = 64 - u32::from(bits.clamp(1, 64));
    ((raw << shift) as i64) >> shift
}

/// The ICAO 6-bit character set (Annex 10 Vol IV, 3.1.2.9); `#` marks unassigned codes.
pub(crate) const ICAO_CHARS: &[u8; 64] =
    b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

/// A short string value stored inline (at most 16 characters: 64 bits of ASCII or 6-bit).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text {
    buf: [u8; 16],
    len: u8,
}

impl Text {
    fn decode(kind: TextKind, bits: u16, raw: u64) -> Self {
        let mut t = Text {
            buf: [0; 16],
            len: 0,
        };
        let (width, map): (u16, fn(u8) -> u8) = match kind {
            TextKind::Icao => (6, |c| ICAO_CHARS[usize::from(c & 63)]),
            // Non-ASCII bytes would not be valid UTF-8 on their own.
            TextKind::Ascii => (8, |c| if c.is_ascii() { c } else { b'?' }),
            TextKind::Octal => (3, |c| b'0' + (c & 7)),
        };
        let n = (bits / width).min(16);
        for i in 0..n {
            let shift = bits - width * (i + 1);
            let c = ((raw >> shift) & ((1 << width) - 1)) as u8;
            t.buf[usize::from(i)] = map(c);
        }
        t.len = n as u8;
        t
    }

    /// The characters.
    pub fn as_str(&self) -> &str {
        // Every byte written is ASCII, so this cannot fail.
        std::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("")
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Encodes `s` as `bits` bits of `kind` text; `None` when a character is not representable
/// or the string is longer than the field (shorter strings are padded with spaces, octal
/// codes with leading zeros).
pub(crate) fn encode_text(kind: TextKind, bits: u16, s: &str) -> Option<u64> {
    let width = match kind {
        TextKind::Icao => 6,
        TextKind::Ascii => 8,
        TextKind::Octal => 3,
    };
    let n = usize::from(bits / width);
    let bytes = s.as_bytes();
    if bytes.len() > n {
        return None;
    }
    let pad = n - bytes.len();
    let mut raw = 0u64;
    for i in 0..n {
        let c = match kind {
            TextKind::Octal if i < pad => 0,
            TextKind::Octal => u64::from(bytes[i - pad].checked_sub(b'0').filter(|d| *d < 8)?),
            _ => {
                let ch = if i < bytes.len() { bytes[i] } else { b' ' };
                match kind {
                    TextKind::Icao if ch != b'#' => {
                        ICAO_CHARS.iter().position(|&x| x == ch)? as u64
                    }
                    TextKind::Ascii if ch.is_ascii() => u64::from(ch),
                    _ => return None,
                }
            }
        };
        raw = (raw << width) | c;
    }
    Some(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_extension() {
        assert_eq!(sign_extend(0x3FF, 10), -1);
        assert_eq!(sign_extend(0x200, 10), -512);
        assert_eq!(sign_extend(0x1FF, 10), 511);
        assert_eq!(sign_extend(u64::MAX, 64), -1);
    }

    #[test]
    fn text_round_trips_in_every_encoding() {
        for (kind, bits, s) in [
            (TextKind::Icao, 48, "DLH65A  "),
            (TextKind::Ascii, 56, "121.100"),
            (TextKind::Octal, 12, "7600"),
        ] {
            let raw = encode_text(kind, bits, s).unwrap();
            assert_eq!(Text::decode(kind, bits, raw).as_str(), s);
        }
        // Short strings are padded; octal codes get leading zeros.
        let raw = encode_text(TextKind::Icao, 48, "AB").unwrap();
        assert_eq!(Text::decode(TextKind::Icao, 48, raw).as_str(), "AB      ");
        assert_eq!(encode_text(TextKind::Octal, 12, "17"), Some(0o17));
        // Lower case and '8' are not representable.
        assert_eq!(encode_text(TextKind::Icao, 48, "abc"), None);
        assert_eq!(encode_text(TextKind::Octal, 12, "0008"), None);
        assert_eq!(encode_text(TextKind::Icao, 12, "ABC"), None);
    }
}
