//! The transports the real samples lack (Wi-Fi NaN, Bluetooth legacy), carried end to end:
//! our encoders → hand-built 802.11/BLE frames in a pcap → capture reader → decoder.

use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::transport::{Transport, encode_ble_ad, encode_nan_action};
use picket_remoteid::{BasicId, Envelope, Location, Message, Text, encode_pack};

fn pcap(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&link.to_le_bytes());
    for data in frames {
        f.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(data);
    }
    f
}

fn messages() -> Vec<Envelope> {
    vec![
        Envelope::new(Message::BasicId(BasicId {
            id_type: 1,
            ua_type: 2,
            uas_id: Text::new("1596F0000000001"),
        })),
        Envelope::new(Message::Location(Location {
            latitude: 52.1,
            longitude: 4.3,
            altitude_geo: 80.0,
            ..Location::default()
        })),
    ]
}

#[test]
fn nan_action_frame_under_radiotap() {
    let pack = encode_pack(2, &messages()).unwrap();
    // Radiotap: version 0, length 12, present = Flags (bit 1) with FCS-at-end (0x10), padding.
    let mut frame = vec![0, 0, 12, 0, 0x02, 0, 0, 0, 0x10, 0, 0, 0];
    // 802.11 action frame to the NaN network id 51-6F-9A-01-00-00, from 02:11:22:33:44:55.
    frame.extend_from_slice(&[0xd0, 0x00, 0, 0, 0x51, 0x6f, 0x9a, 0x01, 0, 0]);
    frame.extend_from_slice(&[0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
    frame.extend_from_slice(&[0x50, 0x6f, 0x9a, 0x01, 0x00, 0xff, 0, 0]);
    frame.extend(encode_nan_action(42, &pack).unwrap());
    frame.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]); // FCS, stripped by the reader
    let file = pcap(127, &[frame]);
    let found = remoteid_in_capture(&file).unwrap();
    assert_eq!(found.frames.len(), 1);
    let f = &found.frames[0];
    assert_eq!(
        (f.transport, f.counter, f.frame),
        (Transport::WifiNan, 42, 1)
    );
    assert_eq!(f.address, Some([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]));
    assert_eq!(f.crc_ok, Some(true));
    assert_eq!(f.messages.as_ref().unwrap(), &messages());
}

#[test]
fn legacy_advert_with_le_pseudo_header() {
    let message = messages()[1].encode();
    let ad = encode_ble_ad(9, &message).unwrap();
    // LE pseudo-header: channel 37, signal -60 dBm, flags = signal valid | CRC checked | CRC ok.
    let mut frame = vec![37, (-60i8) as u8, 0, 0, 0, 0, 0, 0];
    frame.extend_from_slice(&(0x0002u16 | 0x0400 | 0x0800).to_le_bytes());
    frame.extend_from_slice(&0x8E89_BED6u32.to_le_bytes());
    // ADV_NONCONN_IND (2), length = AdvA + AdvData; AdvA sent least significant byte first.
    frame.extend_from_slice(&[0x02, (6 + ad.len()) as u8]);
    frame.extend_from_slice(&[0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
    frame.extend_from_slice(&ad);
    frame.extend_from_slice(&[0, 0, 0]); // CRC
    let file = pcap(256, &[frame]);
    let found = remoteid_in_capture(&file).unwrap();
    let f = &found.frames[0];
    assert_eq!((f.transport, f.counter), (Transport::BtLegacy, 9));
    assert_eq!(f.address, Some([0x11, 0x22, 0x33, 0x44, 0x55, 0x66]));
    assert_eq!(f.crc_ok, Some(true));
    assert_eq!(f.messages.as_ref().unwrap(), &messages()[1..]);
}
