//! Reads pcap and pcapng captures and finds the payloads in them.
//!
//! The reader is pure: it works on the bytes of a whole capture file, borrows every payload from
//! them, allocates only a bounded interface table, and returns a typed error with the file offset
//! when the file is damaged. It never panics on bad input.
//!
//! Link types understood: Ethernet (1), raw IP (101, 228, 229, and the BSD 12/14), BSD loopback
//! (0), Linux cooked v1/v2 (113, 276) down to UDP/TCP; 802.11 bare (105) and under radiotap
//! (127); Bluetooth LE link layer bare (251), with the LE pseudo-header (256), and from the
//! Nordic nRF Sniffer (272). Anything else is [`Payload::Other`].
//!
//! ```
//! use picket_capture::{Capture, Payload};
//! // A pcap file header (link type 1, Ethernet) followed by no packets.
//! let mut file = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
//! file.extend_from_slice(&[0; 8]);
//! file.extend_from_slice(&65535u32.to_le_bytes());
//! file.extend_from_slice(&1u32.to_le_bytes());
//! let capture = Capture::new(&file).unwrap();
//! for frame in capture {
//!     let frame = frame.unwrap();
//!     if let Payload::Udp { dst, data, .. } = frame.payload {
//!         println!("frame {} to {dst}: {} bytes", frame.index, data.len());
//!     }
//! }
//! ```

mod ble;
mod bytes;
mod error;
mod ip;
mod pcap;
mod pcapng;
mod wifi;

pub use ble::ADVERTISING_ACCESS_ADDRESS;
pub use error::{CaptureError, LinkError, Reason};
use std::io::Read;
use std::net::SocketAddr;

/// The most interfaces one pcapng section may declare; more is treated as a damaged file.
pub const MAX_INTERFACES: usize = 1024;

/// Link-layer type numbers (tcpdump.org LINKTYPE_*) this crate decodes.
pub mod link_type {
    /// BSD loopback.
    pub const NULL: u32 = 0;
    /// Ethernet II.
    pub const ETHERNET: u32 = 1;
    /// Raw IP as written by some BSDs.
    pub const BSD_RAW_12: u32 = 12;
    /// Raw IP as written by OpenBSD.
    pub const BSD_RAW_14: u32 = 14;
    /// Raw IPv4 or IPv6.
    pub const RAW: u32 = 101;
    /// IEEE 802.11 without a radio header.
    pub const IEEE802_11: u32 = 105;
    /// Linux cooked capture v1.
    pub const LINUX_SLL: u32 = 113;
    /// IEEE 802.11 with a radiotap header.
    pub const IEEE802_11_RADIOTAP: u32 = 127;
    /// Raw IPv4.
    pub const IPV4: u32 = 228;
    /// Raw IPv6.
    pub const IPV6: u32 = 229;
    /// Bluetooth LE link layer.
    pub const BLUETOOTH_LE_LL: u32 = 251;
    /// Bluetooth LE link layer with the LE pseudo-header.
    pub const BLUETOOTH_LE_LL_WITH_PHDR: u32 = 256;
    /// Nordic nRF Sniffer for Bluetooth LE.
    pub const NORDIC_BLE: u32 = 272;
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: u32 = 276;
}

/// One packet record as stored in the file, before link-layer decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawPacket<'a> {
    /// Capture time, seconds since the Unix epoch (0 when the record has none).
    pub time_s: f64,
    /// The interface's link type.
    pub link_type: u32,
    /// Length on the wire; more than `data.len()` when the capture truncated it.
    pub original_len: u32,
    /// The captured bytes.
    pub data: &'a [u8],
    /// Where `data` starts in the file.
    pub file_offset: usize,
}

/// An IEEE 802.11 MAC frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WifiFrame<'a> {
    /// The frame control field as read (little-endian).
    pub frame_control: u16,
    /// 0 management, 1 control, 2 data, 3 extension.
    pub frame_type: u8,
    /// Subtype (management: 8 beacon, 5 probe response, 13 action, 14 action no-ack).
    pub subtype: u8,
    /// Receiver / destination address.
    pub addr1: [u8; 6],
    /// Transmitter / source address, when the frame has one.
    pub addr2: Option<[u8; 6]>,
    /// BSSID (management frames), when the frame has one.
    pub addr3: Option<[u8; 6]>,
    /// The frame body after the MAC header, without the FCS.
    pub body: &'a [u8],
    /// Whether the FCS checked out, when the radio header says.
    pub fcs_ok: Option<bool>,
}

impl WifiFrame<'_> {
    /// True for a management beacon.
    pub fn is_beacon(&self) -> bool {
        self.frame_type == 0 && self.subtype == 8
    }

    /// True for a management action frame (with or without ack).
    pub fn is_action(&self) -> bool {
        self.frame_type == 0 && (self.subtype == 13 || self.subtype == 14)
    }
}

/// The Bluetooth LE physical layer a packet was received on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlePhy {
    /// LE 1M.
    Le1M,
    /// LE 2M.
    Le2M,
    /// LE Coded ("long range").
    LeCoded,
}

/// A Bluetooth LE link-layer packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlePacket<'a> {
    /// Access address (advertising: [`ADVERTISING_ACCESS_ADDRESS`]).
    pub access_address: u32,
    /// PDU type (advertising: 0 ADV_IND, 2 ADV_NONCONN_IND, 7 ADV_EXT_IND / AUX_*...).
    pub pdu_type: u8,
    /// RF channel index, when the capture header gives it.
    pub channel: Option<u8>,
    /// Received signal strength, dBm, when known.
    pub rssi_dbm: Option<i8>,
    /// Whether the sniffer found the CRC correct, when it says. Packets that fail are kept.
    pub crc_ok: Option<bool>,
    /// Physical layer, when known.
    pub phy: Option<BlePhy>,
    /// The advertiser's device address (AdvA) in display order, when the PDU carries one.
    pub adv_address: Option<[u8; 6]>,
    /// Advertising data (AD structures) of an advertising PDU; empty otherwise.
    pub data: &'a [u8],
    /// The whole PDU after its 2-byte header, without the CRC.
    pub pdu: &'a [u8],
}

/// What a frame carries, as far as this crate decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Payload<'a> {
    /// A UDP datagram.
    Udp {
        /// Source address and port.
        src: SocketAddr,
        /// Destination address and port.
        dst: SocketAddr,
        /// The datagram payload.
        data: &'a [u8],
    },
    /// A TCP segment (not reassembled).
    Tcp {
        /// Source address and port.
        src: SocketAddr,
        /// Destination address and port.
        dst: SocketAddr,
        /// Sequence number of the first payload byte.
        seq: u32,
        /// The segment payload.
        data: &'a [u8],
    },
    /// An 802.11 frame.
    Wifi(WifiFrame<'a>),
    /// A Bluetooth LE packet.
    Ble(BlePacket<'a>),
    /// A frame of a link type or protocol this crate does not decode.
    Other {
        /// The frame's bytes.
        data: &'a [u8],
    },
    /// A frame whose link-layer headers are damaged.
    Malformed {
        /// The frame's bytes.
        data: &'a [u8],
        /// Where and why decoding stopped.
        error: LinkError,
    },
}

/// One frame of a capture with its payload decoded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CapturedFrame<'a> {
    /// Frame number, 1-based, as Wireshark counts.
    pub index: u64,
    /// Capture time, seconds since the Unix epoch.
    pub time_s: f64,
    /// The link type of the frame's interface.
    pub link_type: u32,
    /// The record as stored.
    pub raw: RawPacket<'a>,
    /// The decoded payload.
    pub payload: Payload<'a>,
}

/// Decodes one frame's link layer.
///
/// A [`Payload::Malformed`] always holds the whole frame, with the error offset inside it.
pub fn decode_link(link_type: u32, data: &[u8]) -> Payload<'_> {
    match decode_link_inner(link_type, data) {
        // The decoders report offsets from the frame start, sometimes for a part they had
        // sliced off, and one past the end for a missing field: normalise both here.
        Payload::Malformed { error, .. } => Payload::Malformed {
            data,
            error: LinkError::new(error.offset.min(data.len()), error.reason),
        },
        payload => payload,
    }
}

fn decode_link_inner(link_type: u32, data: &[u8]) -> Payload<'_> {
    use crate::link_type as lt;
    match link_type {
        lt::ETHERNET => ip::ethernet(data),
        lt::RAW | lt::IPV4 | lt::IPV6 | lt::BSD_RAW_12 | lt::BSD_RAW_14 => ip::raw_ip(data),
        lt::NULL => ip::loopback(data),
        lt::LINUX_SLL => ip::linux_sll(data, false),
        lt::LINUX_SLL2 => ip::linux_sll(data, true),
        lt::IEEE802_11 => wifi::ieee80211(data, 0, 0),
        lt::IEEE802_11_RADIOTAP => wifi::radiotap(data),
        lt::BLUETOOTH_LE_LL => ble::bare(data),
        lt::BLUETOOTH_LE_LL_WITH_PHDR => ble::with_phdr(data),
        lt::NORDIC_BLE => ble::nordic(data),
        _ => Payload::Other { data },
    }
}

/// Reads a whole capture from `reader` into memory, refusing more than `max_bytes` (an
/// `InvalidData` error) so that a stream cannot exhaust memory. [`Capture`] then borrows from
/// the returned bytes.
pub fn read_bounded(reader: impl Read, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("capture larger than {max_bytes} bytes"),
        ));
    }
    Ok(bytes)
}

#[derive(Debug, Clone)]
enum Format {
    Pcap(pcap::PcapReader),
    Pcapng(pcapng::PcapngReader),
}

/// A capture file being read: an iterator of [`CapturedFrame`]s. After the first error it
/// yields nothing more (the record framing is lost).
#[derive(Debug, Clone)]
pub struct Capture<'a> {
    data: &'a [u8],
    format: Format,
    index: u64,
    failed: bool,
}

impl<'a> Capture<'a> {
    /// Recognises the file format from its magic number and reads the file header.
    pub fn new(data: &'a [u8]) -> Result<Self, CaptureError> {
        let magic =
            bytes::le_u32(data, 0).ok_or_else(|| CaptureError::truncated(0, 4, data.len()))?;
        let format = if magic == pcapng::SHB {
            Format::Pcapng(pcapng::PcapngReader::new(data)?)
        } else {
            Format::Pcap(pcap::PcapReader::new(data, magic)?)
        };
        Ok(Self {
            data,
            format,
            index: 0,
            failed: false,
        })
    }

    /// True when `data` starts like a pcap or pcapng file.
    pub fn is_capture(data: &[u8]) -> bool {
        matches!(
            bytes::le_u32(data, 0),
            Some(m) if m == pcapng::SHB
                || [pcap::MAGIC_US, pcap::MAGIC_NS].contains(&m)
                || [pcap::MAGIC_US, pcap::MAGIC_NS].contains(&m.swap_bytes())
        )
    }

    /// The next record without link-layer decoding.
    pub fn next_raw(&mut self) -> Option<Result<(u64, RawPacket<'a>), CaptureError>> {
        if self.failed {
            return None;
        }
        let next = match &mut self.format {
            Format::Pcap(r) => r.next(self.data),
            Format::Pcapng(r) => r.next(self.data),
        };
        match next {
            Ok(Some(raw)) => {
                self.index += 1;
                Some(Ok((self.index, raw)))
            }
            Ok(None) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

impl<'a> Iterator for Capture<'a> {
    type Item = Result<CapturedFrame<'a>, CaptureError>;

    fn next(&mut self) -> Option<Self::Item> {
        Some(self.next_raw()?.map(|(index, raw)| CapturedFrame {
            index,
            time_s: raw.time_s,
            link_type: raw.link_type,
            raw,
            payload: decode_link(raw.link_type, raw.data),
        }))
    }
}
