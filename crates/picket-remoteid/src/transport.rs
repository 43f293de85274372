//! The wrappers Remote ID travels in (F3411 5.4.5 / 5.4.6, opendroneid-core-c `wifi.c`).
//!
//! ```text
//! Bluetooth (legacy and BT5 extended advertising), one AD structure in AdvData:
//!   length (1) | AD type 0x16 service data | UUID 0xFFFA (FA FF) | app code 0x0D |
//!   counter (1) | one message (legacy, 25 bytes) or a message pack (extended)
//! Wi-Fi beacon (or probe response) body: timestamp (8) | interval (2) | capability (2) | IEs;
//!   vendor IE: 0xDD | length | OUI FA 0B BC | type 0x0D | counter (1) | message pack
//! Wi-Fi NaN service discovery, action frame body:
//!   category 0x04 | action 0x09 | OUI 50 6F 9A | type 0x13 | NAN attributes:
//!   id (1) | length (2, LE) | body; Service Descriptor (id 0x03): service id
//!   88 69 19 9D 92 09 | instance id | requestor id | service control | [binding bitmap (2),
//!   bit 6] | [matching filter len+data, bit 2] | [SRF len+data, bit 3] |
//!   [service info len (1) + (counter (1) | message pack), bit 4]
//! ```

use crate::error::{DecodeError, Reason};
use serde::Serialize;

/// Bluetooth service data UUID assigned to ASTM Remote ID.
pub const BLE_SERVICE_UUID: u16 = 0xfffa;
/// Application code after the UUID: Open Drone ID.
pub const APP_CODE_ODID: u8 = 0x0d;
/// AD type "Service Data - 16-bit UUID".
pub const AD_TYPE_SERVICE_DATA: u8 = 0x16;
/// The ASD-STAN organisationally unique identifier of the Wi-Fi vendor IE.
pub const ASD_STAN_OUI: [u8; 3] = [0xfa, 0x0b, 0xbc];
/// Vendor IE type for Open Drone ID.
pub const VENDOR_TYPE_ODID: u8 = 0x0d;
/// The first 6 bytes of SHA-256("org.opendroneid.remoteid"): the NaN service id.
pub const NAN_SERVICE_ID: [u8; 6] = [0x88, 0x69, 0x19, 0x9d, 0x92, 0x09];
const WIFI_ALLIANCE_OUI: [u8; 3] = [0x50, 0x6f, 0x9a];
const ELEMENT_VENDOR: u8 = 0xdd;
const BEACON_FIXED_LEN: usize = 12;

/// How a Remote ID payload was broadcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transport {
    /// Bluetooth 4 legacy advertising: one message per advert.
    BtLegacy,
    /// Bluetooth 5 extended advertising (often LE Coded): a message pack per advert.
    Bt5ExtAdv,
    /// Wi-Fi beacon vendor IE: a message pack.
    WifiBeacon,
    /// Wi-Fi Neighbour Awareness Networking service discovery: a message pack.
    WifiNan,
}

impl Transport {
    /// The name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::BtLegacy => "bt_legacy",
            Transport::Bt5ExtAdv => "bt5_ext_adv",
            Transport::WifiBeacon => "wifi_beacon",
            Transport::WifiNan => "wifi_nan",
        }
    }
}

/// A Remote ID payload found in a transport wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OdidPayload<'a> {
    /// The transmitter's message counter (wraps at 256).
    pub counter: u8,
    /// One message or a message pack.
    pub data: &'a [u8],
    /// Where `data` starts in the input.
    pub offset: usize,
}

/// Finds the Remote ID service data in Bluetooth advertising data (a list of AD structures).
///
/// `Ok(None)` when no AD structure is Remote ID; an error when one is but its length runs past
/// the data.
pub fn find_in_ble_ad(ad: &[u8]) -> Result<Option<OdidPayload<'_>>, DecodeError> {
    let mut at = 0;
    while let Some(&len) = ad.get(at) {
        if len == 0 {
            break; // zero padding ends the significant part
        }
        let end = at + 1 + usize::from(len);
        let header = ad.get(at + 1..at + 6);
        if let Some(&[AD_TYPE_SERVICE_DATA, 0xfa, 0xff, APP_CODE_ODID, counter]) = header {
            let data = ad
                .get(at + 6..end)
                .ok_or_else(|| DecodeError::new(at, Reason::BadLength("AD structure")))?;
            return Ok(Some(OdidPayload {
                counter,
                data,
                offset: at + 6,
            }));
        }
        at = end;
    }
    Ok(None)
}

/// Finds Remote ID service data anywhere in `bytes` by its signature (length, 0x16, FA FF, 0x0D)
/// rather than by walking the headers before it.
///
/// For packets whose CRC failed: a flipped bit in a length field earlier in the packet (the
/// extended header length, say) hides an intact payload from [`find_in_ble_ad`], while the
/// reference tooling still finds it by its bytes.
pub fn scan_for_ble_service_data(bytes: &[u8]) -> Option<OdidPayload<'_>> {
    bytes.windows(6).enumerate().find_map(|(at, w)| {
        let [
            len,
            AD_TYPE_SERVICE_DATA,
            0xfa,
            0xff,
            APP_CODE_ODID,
            counter,
        ] = *w
        else {
            return None;
        };
        let data = bytes.get(at + 6..at + 1 + usize::from(len))?;
        Some(OdidPayload {
            counter,
            data,
            offset: at + 6,
        })
    })
}

/// Finds the Remote ID vendor IE in a beacon or probe response body.
pub fn find_in_beacon_body(body: &[u8]) -> Result<Option<OdidPayload<'_>>, DecodeError> {
    let ies = body
        .get(BEACON_FIXED_LEN..)
        .ok_or_else(|| DecodeError::truncated(0, BEACON_FIXED_LEN, body.len()))?;
    find_in_ies(ies).map(|found| {
        found.map(|p| OdidPayload {
            offset: p.offset + BEACON_FIXED_LEN,
            ..p
        })
    })
}

/// Finds the Remote ID vendor IE in a list of information elements.
pub fn find_in_ies(ies: &[u8]) -> Result<Option<OdidPayload<'_>>, DecodeError> {
    let mut at = 0;
    while let (Some(&id), Some(&len)) = (ies.get(at), ies.get(at + 1)) {
        let end = at + 2 + usize::from(len);
        let body = ies
            .get(at + 2..end)
            .ok_or_else(|| DecodeError::new(at + 1, Reason::BadLength("information element")))?;
        if id == ELEMENT_VENDOR
            && let [a, b, c, VENDOR_TYPE_ODID, counter, ..] = *body
            && [a, b, c] == ASD_STAN_OUI
        {
            return Ok(Some(OdidPayload {
                counter,
                data: &body[5..],
                offset: at + 7,
            }));
        }
        at = end;
    }
    Ok(None)
}

/// Finds the Remote ID service info in a NaN service discovery action frame body.
pub fn find_in_nan_action(body: &[u8]) -> Result<Option<OdidPayload<'_>>, DecodeError> {
    // Public action (4), vendor specific (9), Wi-Fi Alliance OUI, NaN (0x13).
    const HEADER: [u8; 6] = [
        0x04,
        0x09,
        WIFI_ALLIANCE_OUI[0],
        WIFI_ALLIANCE_OUI[1],
        WIFI_ALLIANCE_OUI[2],
        0x13,
    ];
    match body.get(..6) {
        Some(h) if h == HEADER => {}
        Some(_) => return Ok(None),
        None => return Err(DecodeError::truncated(0, 6, body.len())),
    }
    let mut at = 6;
    while let (Some(&id), Some(lo), Some(hi)) = (body.get(at), body.get(at + 1), body.get(at + 2)) {
        let len = usize::from(u16::from_le_bytes([*lo, *hi]));
        let attr = body
            .get(at + 3..at + 3 + len)
            .ok_or_else(|| DecodeError::new(at + 1, Reason::BadLength("NaN attribute")))?;
        if id == 0x03 && attr.get(..6) == Some(&NAN_SERVICE_ID[..]) {
            return service_info(attr, at + 3);
        }
        at += 3 + len;
    }
    Ok(None)
}

/// The counter and pack in a Service Descriptor attribute's service info.
fn service_info(attr: &[u8], base: usize) -> Result<Option<OdidPayload<'_>>, DecodeError> {
    let bad = |at: usize| DecodeError::new(base + at, Reason::BadLength("NaN service descriptor"));
    let control = *attr.get(8).ok_or_else(|| bad(8))?;
    let mut at = 9;
    if control & 0x40 != 0 {
        at += 2; // binding bitmap
    }
    for bit in [0x04, 0x08] {
        if control & bit != 0 {
            at += 1 + usize::from(*attr.get(at).ok_or_else(|| bad(at))?);
        }
    }
    if control & 0x10 == 0 {
        return Ok(None);
    }
    let len = usize::from(*attr.get(at).ok_or_else(|| bad(at))?);
    let info = attr.get(at + 1..at + 1 + len).ok_or_else(|| bad(at))?;
    let (&counter, data) = info.split_first().ok_or_else(|| bad(at))?;
    Ok(Some(OdidPayload {
        counter,
        data,
        offset: base + at + 2,
    }))
}

/// A Bluetooth AD structure carrying one message (legacy) or a pack (extended advertising).
pub fn encode_ble_ad(counter: u8, payload: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let len = u8::try_from(payload.len() + 5)
        .map_err(|_| DecodeError::new(0, Reason::BadLength("AD structure")))?;
    let mut out = Vec::with_capacity(payload.len() + 6);
    out.extend_from_slice(&[
        len,
        AD_TYPE_SERVICE_DATA,
        0xfa,
        0xff,
        APP_CODE_ODID,
        counter,
    ]);
    out.extend_from_slice(payload);
    Ok(out)
}

/// A Wi-Fi vendor IE carrying a message pack (for a beacon body's IE list).
pub fn encode_beacon_ie(counter: u8, pack: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let len = u8::try_from(pack.len() + 5)
        .map_err(|_| DecodeError::new(0, Reason::BadLength("information element")))?;
    let mut out = Vec::with_capacity(pack.len() + 7);
    out.extend_from_slice(&[ELEMENT_VENDOR, len]);
    out.extend_from_slice(&ASD_STAN_OUI);
    out.extend_from_slice(&[VENDOR_TYPE_ODID, counter]);
    out.extend_from_slice(pack);
    Ok(out)
}

/// A NaN service discovery action frame body carrying a message pack, laid out as
/// opendroneid-core-c `odid_wifi_build_message_pack_nan_action_frame` does.
pub fn encode_nan_action(counter: u8, pack: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let info_len = u8::try_from(pack.len() + 1)
        .map_err(|_| DecodeError::new(0, Reason::BadLength("NaN service info")))?;
    let attr_len = 10 + u16::from(info_len);
    let mut out = vec![0x04, 0x09, 0x50, 0x6f, 0x9a, 0x13, 0x03];
    out.extend_from_slice(&attr_len.to_le_bytes());
    out.extend_from_slice(&NAN_SERVICE_ID);
    out.extend_from_slice(&[0x01, 0x00, 0x10, info_len, counter]);
    out.extend_from_slice(pack);
    // Service Descriptor Extension attribute: instance 1, control 0x0200, update indicator.
    out.extend_from_slice(&[0x0e, 0x04, 0x00, 0x01, 0x00, 0x02, counter]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_round_trip() {
        let pack = [0xf2, 25, 1]
            .iter()
            .copied()
            .chain([0x02; 25])
            .collect::<Vec<_>>();
        let ad = encode_ble_ad(7, &pack).unwrap();
        let adv_data = [&[2, 1, 6][..], &ad].concat();
        let found = find_in_ble_ad(&adv_data).unwrap().unwrap();
        assert_eq!((found.counter, found.data), (7, &pack[..]));
        let mut body = vec![0; 12];
        body.extend_from_slice(&[0, 3, b'a', b'b', b'c']);
        body.extend(encode_beacon_ie(9, &pack).unwrap());
        let found = find_in_beacon_body(&body).unwrap().unwrap();
        assert_eq!((found.counter, found.data), (9, &pack[..]));
        assert_eq!(&body[found.offset..], &pack[..]);
        let nan = encode_nan_action(11, &pack).unwrap();
        let found = find_in_nan_action(&nan).unwrap().unwrap();
        assert_eq!((found.counter, found.data), (11, &pack[..]));
        assert_eq!(&nan[found.offset..found.offset + pack.len()], &pack[..]);
    }

    #[test]
    fn lengths_past_the_end_are_errors() {
        assert!(find_in_ble_ad(&[30, 0x16, 0xfa, 0xff, 0x0d, 1, 2]).is_err());
        assert!(find_in_ies(&[0xdd, 9, 0xfa]).is_err());
        assert_eq!(find_in_ble_ad(&[2, 1, 6, 0, 0]).unwrap(), None);
    }
}
