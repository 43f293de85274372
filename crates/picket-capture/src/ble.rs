//! Bluetooth LE link-layer packets, bare (link type 251), with the LE pseudo-header (256), or
//! with the Nordic nRF Sniffer header (272).
//!
//! ```text
//! Nordic (272):  board (1) | payload len (2) or header len + payload len (1+1) | protocol
//!                version (1) | packet counter (2) | packet id (1) | header len (1) = 10 |
//!                flags (1: bit 0 CRC ok, bits 4-6 PHY) | channel (1) | RSSI (1, -dBm) |
//!                event counter (2) | timestamp (4) | LL packet
//! PHDR (256):    channel (1) | signal dBm (1) | noise dBm (1) | AA offenses (1) | ref AA (4) |
//!                flags (2, LE: 0x0400 CRC checked, 0x0800 CRC valid, bits 14-15 PHY) | LL packet
//! LL packet:     access address (4) | [coding indicator (1), LE Coded PHY only] |
//!                PDU header (2: type bits 0-3, TxAdd bit 6; length) | PDU | CRC (3)
//! advertising:   ADV_IND 0, ADV_NONCONN_IND 2, SCAN_RSP 4, ADV_SCAN_IND 6: AdvA (6) | AdvData
//!                ADV_EXT_IND / AUX_* 7: ext header len + mode (1) | flags (1) | AdvA (6, bit 0)
//!                | TargetA (6, bit 1) | CTEInfo (1, bit 2) | ADI (2, bit 3) | AuxPtr (3, bit 4)
//!                | SyncInfo (18, bit 5) | TxPower (1, bit 6) | ACAD | AdvData
//! ```

use crate::bytes::{le_u16, le_u32};
use crate::error::LinkError;
use crate::{BlePacket, BlePhy, Payload};

/// The access address every advertising-channel packet uses.
pub const ADVERTISING_ACCESS_ADDRESS: u32 = 0x8E89_BED6;

/// Link-layer metadata the capture header supplies.
#[derive(Debug, Clone, Copy, Default)]
struct Meta {
    channel: Option<u8>,
    rssi_dbm: Option<i8>,
    crc_ok: Option<bool>,
    phy: Option<BlePhy>,
}

fn phy_from_bits(bits: u8) -> Option<BlePhy> {
    match bits {
        0 => Some(BlePhy::Le1M),
        1 => Some(BlePhy::Le2M),
        2 => Some(BlePhy::LeCoded),
        _ => None,
    }
}

/// A Nordic nRF Sniffer packet (link type 272).
pub(crate) fn nordic(data: &[u8]) -> Payload<'_> {
    const PACKET_HEADER_AT: usize = 7;
    let (Some(&header_len), Some(&flags), Some(&channel), Some(&rssi)) = (
        data.get(PACKET_HEADER_AT),
        data.get(PACKET_HEADER_AT + 1),
        data.get(PACKET_HEADER_AT + 2),
        data.get(PACKET_HEADER_AT + 3),
    ) else {
        return malformed(data, 0, "truncated Nordic sniffer header");
    };
    let meta = Meta {
        channel: Some(channel),
        rssi_dbm: Some((rssi as i8).wrapping_neg()),
        crc_ok: Some(flags & 1 != 0),
        phy: phy_from_bits((flags >> 4) & 0b111),
    };
    let at = PACKET_HEADER_AT + header_len as usize;
    match data.get(at..) {
        Some(ll) => {
            link_layer(ll, meta, at).unwrap_or_else(|e| Payload::Malformed { data, error: e })
        }
        None => malformed(
            data,
            PACKET_HEADER_AT,
            "Nordic header length beyond the frame",
        ),
    }
}

/// A link-layer packet with the 10-byte LE pseudo-header (link type 256).
pub(crate) fn with_phdr(data: &[u8]) -> Payload<'_> {
    let (Some(&channel), Some(&signal), Some(flags)) = (data.first(), data.get(1), le_u16(data, 8))
    else {
        return malformed(data, 0, "truncated LE pseudo-header");
    };
    let meta = Meta {
        channel: Some(channel),
        rssi_dbm: (flags & 0x0002 != 0).then_some(signal as i8),
        crc_ok: (flags & 0x0400 != 0).then_some(flags & 0x0800 != 0),
        phy: phy_from_bits((flags >> 14) as u8),
    };
    link_layer(&data[10..], meta, 10).unwrap_or_else(|e| Payload::Malformed { data, error: e })
}

/// A bare link-layer packet (link type 251).
pub(crate) fn bare(data: &[u8]) -> Payload<'_> {
    link_layer(data, Meta::default(), 0).unwrap_or_else(|e| Payload::Malformed { data, error: e })
}

fn link_layer(ll: &[u8], meta: Meta, offset: usize) -> Result<Payload<'_>, LinkError> {
    let truncated = |at: usize| LinkError::new(offset + at, "truncated BLE link-layer packet");
    let access_address = le_u32(ll, 0).ok_or(truncated(0))?;
    let pdu_at = if meta.phy == Some(BlePhy::LeCoded) {
        5
    } else {
        4
    };
    let (Some(&h0), Some(&len)) = (ll.get(pdu_at), ll.get(pdu_at + 1)) else {
        return Err(truncated(pdu_at));
    };
    // A corrupt length byte may point past the capture; keep what is there, as a dissector does.
    let pdu_start = pdu_at + 2;
    let pdu_end = (pdu_start + len as usize).min(ll.len());
    let pdu = &ll[pdu_start..pdu_end];
    let pdu_type = h0 & 0x0f;
    let mut packet = BlePacket {
        access_address,
        pdu_type,
        channel: meta.channel,
        rssi_dbm: meta.rssi_dbm,
        crc_ok: meta.crc_ok,
        phy: meta.phy,
        adv_address: None,
        data: &[],
        pdu,
    };
    if access_address == ADVERTISING_ACCESS_ADDRESS {
        let (adv_address, data) = match pdu_type {
            0 | 2 | 4 | 6 => (device_address(pdu, 0), pdu.get(6..).unwrap_or(&[])),
            7 => extended(pdu),
            _ => (None, &[][..]),
        };
        packet.adv_address = adv_address;
        packet.data = data;
    }
    Ok(Payload::Ble(packet))
}

/// AdvA and AdvData of an extended advertising PDU (Core spec Vol 6 Part B 2.3.4).
fn extended(pdu: &[u8]) -> (Option<[u8; 6]>, &[u8]) {
    let Some(&first) = pdu.first() else {
        return (None, &[]);
    };
    let ext_len = (first & 0x3f) as usize;
    let data = pdu.get(1 + ext_len..).unwrap_or(&[]);
    if ext_len == 0 {
        return (None, data);
    }
    let flags = pdu.get(1).copied().unwrap_or(0);
    // AdvA comes first when present; the ext header length alone says where AdvData starts.
    let adv_address = if flags & 1 != 0 {
        device_address(pdu, 2)
    } else {
        None
    };
    (adv_address, data)
}

/// A device address, sent least significant byte first, in the usual display order.
fn device_address(pdu: &[u8], at: usize) -> Option<[u8; 6]> {
    let mut a: [u8; 6] = pdu.get(at..at + 6)?.try_into().ok()?;
    a.reverse();
    Some(a)
}

fn malformed<'a>(data: &'a [u8], offset: usize, reason: &'static str) -> Payload<'a> {
    Payload::Malformed {
        data,
        error: LinkError::new(offset, reason),
    }
}
