//! Radiotap headers and IEEE 802.11 MAC frames.
//!
//! ```text
//! radiotap:  version (1) = 0 | pad (1) | length (2, LE) | present (4, LE)[, more while bit 31]
//!            fields in bit order, each naturally aligned; TSFT (bit 0, 8 bytes) then Flags
//!            (bit 1, 1 byte: 0x10 = frame ends with an FCS, 0x40 = FCS failed)
//! 802.11:    frame control (2) | duration (2) | addr1 (6) | addr2 (6) | addr3 (6) | seq (2)
//!            [| addr4 (6) when ToDS and FromDS][| QoS (2)][| HT control (4) when Order]
//!            | body | [FCS (4)]
//! ```

use crate::bytes::{le_u16, le_u32, mac};
use crate::error::LinkError;
use crate::{Payload, WifiFrame};

const FLAG_FCS_AT_END: u8 = 0x10;
const FLAG_BAD_FCS: u8 = 0x40;
/// Radiotap headers longer than this are refused (the largest real ones are a few hundred bytes).
const MAX_PRESENT_WORDS: usize = 16;

/// A radiotap-prefixed 802.11 frame (link type 127).
pub(crate) fn radiotap(data: &[u8]) -> Payload<'_> {
    match radiotap_flags(data) {
        Ok((len, flags)) => match data.get(len..) {
            Some(frame) => ieee80211(frame, flags, len),
            None => malformed(data, 2, "radiotap length beyond the frame"),
        },
        Err(e) => Payload::Malformed { data, error: e },
    }
}

/// The radiotap header length and its Flags field (0 when absent).
fn radiotap_flags(data: &[u8]) -> Result<(usize, u8), LinkError> {
    let len = le_u16(data, 2).ok_or(LinkError::new(0, "truncated radiotap header"))? as usize;
    if data[0] != 0 {
        return Err(LinkError::new(0, "unknown radiotap version"));
    }
    let first = le_u32(data, 4).ok_or(LinkError::new(4, "truncated radiotap header"))?;
    let mut words = 1;
    let mut present = first;
    while present & 0x8000_0000 != 0 {
        if words >= MAX_PRESENT_WORDS {
            return Err(LinkError::new(4, "too many radiotap present words"));
        }
        present = le_u32(data, 4 + 4 * words).ok_or(LinkError::new(4, "truncated radiotap"))?;
        words += 1;
    }
    let mut at = 4 + 4 * words;
    if first & 0b10 == 0 {
        return Ok((len, 0));
    }
    if first & 0b1 != 0 {
        at = at.div_ceil(8) * 8 + 8; // TSFT: u64, 8-byte aligned
    }
    match data.get(at) {
        Some(&flags) if at < len => Ok((len, flags)),
        _ => Err(LinkError::new(at, "radiotap flags beyond the header")),
    }
}

/// A bare 802.11 frame (link type 105), or the part after radiotap with its flags.
pub(crate) fn ieee80211(frame: &[u8], radiotap_flags: u8, offset: usize) -> Payload<'_> {
    let Some(fc) = le_u16(frame, 0) else {
        return malformed(frame, offset, "truncated 802.11 frame control");
    };
    let frame_type = ((fc >> 2) & 0b11) as u8;
    let subtype = ((fc >> 4) & 0xf) as u8;
    let order = fc & 0x8000 != 0;
    let header_len = match frame_type {
        0 => 24 + if order { 4 } else { 0 },
        2 => {
            let four_addr = fc & 0x0300 == 0x0300;
            let qos = subtype & 0x8 != 0;
            24 + if four_addr { 6 } else { 0 }
                + if qos { 2 } else { 0 }
                + if qos && order { 4 } else { 0 }
        }
        _ => 10.min(frame.len()),
    };
    let fcs_len = if radiotap_flags & FLAG_FCS_AT_END != 0 {
        4
    } else {
        0
    };
    let Some(body_end) = frame.len().checked_sub(fcs_len) else {
        return malformed(frame, offset, "frame shorter than its FCS");
    };
    let body = frame.get(header_len..body_end);
    let (Some(addr1), Some(body)) = (mac(frame, 4), body) else {
        return malformed(frame, offset, "truncated 802.11 header");
    };
    Payload::Wifi(WifiFrame {
        frame_control: fc,
        frame_type,
        subtype,
        addr1,
        addr2: mac(frame, 10),
        addr3: mac(frame, 16),
        body,
        fcs_ok: (fcs_len == 4 || radiotap_flags & FLAG_BAD_FCS != 0)
            .then_some(radiotap_flags & FLAG_BAD_FCS == 0),
    })
}

fn malformed<'a>(data: &'a [u8], offset: usize, reason: &'static str) -> Payload<'a> {
    Payload::Malformed {
        data,
        error: LinkError::new(offset, reason),
    }
}
