//! Remote ID in pcap/pcapng captures: Bluetooth adverts (Nordic sniffer, BLE link layer) and
//! Wi-Fi beacons and NaN action frames (radiotap, bare 802.11), read with `picket-capture`.
//!
//! Frames whose sniffer flags a CRC failure are kept and decoded, as the reference tooling
//! does, with [`RemoteIdFrame::crc_ok`] saying so; [`reports_from_capture`] leaves them out,
//! because a corrupted position is worse than none. In those frames the service data is also
//! looked for by its signature, since a corrupted header length may hide it (frame 9 of the
//! BT5 sample: extended header length 0x11 instead of 0x09).

use crate::json::{JsonContext, message_json};
use crate::transport::{self, OdidPayload, Transport};
use crate::{DecodeError, Envelope, RemoteIdAssembler, decode_any};
use picket_capture::{Capture, CaptureError, Payload};
use picket_core::{Report, SensorId, Timestamp};

/// One frame that carries a Remote ID payload.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteIdFrame<'a> {
    /// Frame number in the capture, 1-based.
    pub frame: u64,
    /// Capture time, seconds since the Unix epoch.
    pub time_s: f64,
    /// The transport wrapper.
    pub transport: Transport,
    /// The transmitter's address (Wi-Fi source MAC or BLE AdvA), when the frame has one.
    pub address: Option<[u8; 6]>,
    /// The transport's message counter.
    pub counter: u8,
    /// The payload after the counter: one message or a pack (with any transport padding).
    pub payload: &'a [u8],
    /// The sniffer's or radio's CRC/FCS verdict, when it gives one.
    pub crc_ok: Option<bool>,
    /// The decoded messages, or why the message or pack was rejected.
    pub messages: Result<Vec<Envelope>, DecodeError>,
}

impl RemoteIdFrame<'_> {
    /// The JSON view: one object per message, or one object with `error` and `error_offset`
    /// (into the payload) when the message or pack was rejected.
    pub fn json(&self) -> Vec<serde_json::Value> {
        let ctx = JsonContext {
            transport: Some(self.transport),
            frame: Some(self.frame),
            counter: Some(self.counter),
            address: self.address,
        };
        let mut objects: Vec<serde_json::Value> = match &self.messages {
            Ok(messages) => messages.iter().map(|m| message_json(&ctx, m)).collect(),
            Err(e) => vec![serde_json::json!({
                "transport": self.transport.as_str(),
                "frame": self.frame,
                "counter": self.counter,
                "error": e.reason.to_string(),
                "error_offset": e.offset,
            })],
        };
        if let Some(crc_ok) = self.crc_ok {
            for o in &mut objects {
                o["crc_ok"] = crc_ok.into();
            }
        }
        objects
    }
}

/// Everything found in one capture.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RemoteIdCapture<'a> {
    /// Frames with a Remote ID payload, in capture order.
    pub frames: Vec<RemoteIdFrame<'a>>,
    /// Frames whose Remote ID wrapper was recognised but damaged: frame number and error.
    pub damaged: Vec<(u64, DecodeError)>,
    /// Where reading stopped early, if the capture file itself is damaged.
    pub error: Option<CaptureError>,
}

/// Finds and decodes every Remote ID payload in a pcap or pcapng file.
///
/// Fails only when the file header cannot be read; damage later stops the scan and is
/// reported in [`RemoteIdCapture::error`] with everything found before it.
pub fn remoteid_in_capture(bytes: &[u8]) -> Result<RemoteIdCapture<'_>, CaptureError> {
    let mut out = RemoteIdCapture::default();
    for frame in Capture::new(bytes)? {
        let frame = match frame {
            Ok(f) => f,
            Err(e) => {
                out.error = Some(e);
                break;
            }
        };
        match remoteid_in_payload(&frame.payload) {
            Ok(Some(found)) => out.frames.push(RemoteIdFrame {
                frame: frame.index,
                time_s: frame.time_s,
                transport: found.transport,
                address: found.address,
                counter: found.payload.counter,
                payload: found.payload.data,
                crc_ok: found.crc_ok,
                messages: decode_any(found.payload.data),
            }),
            Ok(None) => {}
            Err(e) => out.damaged.push((frame.index, e)),
        }
    }
    Ok(out)
}

/// A Remote ID payload located in one decoded frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The transport wrapper.
    pub transport: Transport,
    /// The transmitter's address.
    pub address: Option<[u8; 6]>,
    /// CRC/FCS verdict, when known.
    pub crc_ok: Option<bool>,
    /// Counter and payload.
    pub payload: OdidPayload<'a>,
}

/// Looks for Remote ID in one frame's payload.
pub fn remoteid_in_payload<'a>(payload: &Payload<'a>) -> Result<Option<Found<'a>>, DecodeError> {
    match payload {
        Payload::Ble(b) if b.access_address == picket_capture::ADVERTISING_ACCESS_ADDRESS => {
            let transport = if b.pdu_type == 7 {
                Transport::Bt5ExtAdv
            } else {
                Transport::BtLegacy
            };
            let mut found = transport::find_in_ble_ad(b.data);
            if b.crc_ok == Some(false) && !matches!(found, Ok(Some(_))) {
                found = Ok(transport::scan_for_ble_service_data(b.pdu));
            }
            Ok(found?.map(|p| Found {
                transport,
                address: b.adv_address,
                crc_ok: b.crc_ok,
                payload: p,
            }))
        }
        Payload::Wifi(w) if w.frame_type == 0 => {
            let (transport, found) = match w.subtype {
                // Beacon and probe response share the fixed fields before the IEs.
                8 | 5 => (
                    Transport::WifiBeacon,
                    transport::find_in_beacon_body(w.body)?,
                ),
                13 | 14 => (Transport::WifiNan, transport::find_in_nan_action(w.body)?),
                _ => return Ok(None),
            };
            Ok(found.map(|p| Found {
                transport,
                address: w.addr2,
                crc_ok: w.fcs_ok,
                payload: p,
            }))
        }
        _ => Ok(None),
    }
}

/// Reports from every Location in a capture, with identity and operator position assembled per
/// transmitter. Frames without an address or with a failed CRC are skipped; the receive time is
/// the capture time.
pub fn reports_from_capture(
    capture: &RemoteIdCapture<'_>,
    sensor: SensorId,
    assembler: &mut RemoteIdAssembler,
) -> Vec<Report> {
    let mut reports = Vec::new();
    for f in &capture.frames {
        let (Some(address), Ok(messages), Some(received)) =
            (f.address, &f.messages, Timestamp::from_secs(f.time_s))
        else {
            continue;
        };
        if f.crc_ok == Some(false) {
            continue;
        }
        reports.extend(assembler.push_all(sensor, address, received, messages));
    }
    reports
}
