//! Hand-built captures for what the real samples do not cover: Ethernet UDP/TCP, big-endian
//! pcapng with nanosecond resolution and simple packet blocks, damaged files, random bytes.

use etherparse::PacketBuilder;
use picket_capture::{Capture, Payload, Reason, link_type};
use proptest::prelude::*;

fn udp_frame(payload: &[u8]) -> Vec<u8> {
    let builder = PacketBuilder::ethernet2([1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12])
        .ipv4([10, 0, 0, 1], [239, 1, 2, 3], 64)
        .udp(8600, 30_000);
    let mut out = Vec::new();
    builder.write(&mut out, payload).unwrap();
    out
}

fn tcp_frame(payload: &[u8]) -> Vec<u8> {
    let builder = PacketBuilder::ethernet2([1; 6], [2; 6])
        .ipv6([1; 16], [2; 16], 64)
        .tcp(5020, 49_152, 1000, 4096);
    let mut out = Vec::new();
    builder.write(&mut out, payload).unwrap();
    out
}

fn pcap(link: u32, frames: &[&[u8]]) -> Vec<u8> {
    let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&link.to_le_bytes());
    for (i, data) in frames.iter().enumerate() {
        f.extend_from_slice(&(1_700_000_000 + i as u32).to_le_bytes());
        f.extend_from_slice(&250_000u32.to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(data);
    }
    f
}

/// A big-endian pcapng block.
fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let padded = body.len().div_ceil(4) * 4;
    let len = (12 + padded) as u32;
    let mut b = kind.to_be_bytes().to_vec();
    b.extend_from_slice(&len.to_be_bytes());
    b.extend_from_slice(body);
    b.resize(8 + padded, 0);
    b.extend_from_slice(&len.to_be_bytes());
    b
}

fn pcapng_be(frame: &[u8]) -> Vec<u8> {
    let mut shb = 0x1a2b_3c4du32.to_be_bytes().to_vec();
    shb.extend_from_slice(&[0, 1, 0, 0]);
    shb.extend_from_slice(&u64::MAX.to_be_bytes());
    let mut idb = (link_type::ETHERNET as u16).to_be_bytes().to_vec();
    idb.extend_from_slice(&[0, 0, 0, 0, 0xff, 0xff]);
    // if_tsresol = 9 (nanoseconds), then opt_endofopt.
    idb.extend_from_slice(&[0, 9, 0, 1, 9, 0, 0, 0, 0, 0, 0, 0]);
    let ts_ns: u64 = 1_700_000_000_123_456_789;
    let mut epb = 0u32.to_be_bytes().to_vec();
    epb.extend_from_slice(&((ts_ns >> 32) as u32).to_be_bytes());
    epb.extend_from_slice(&(ts_ns as u32).to_be_bytes());
    epb.extend_from_slice(&(frame.len() as u32).to_be_bytes());
    epb.extend_from_slice(&(frame.len() as u32).to_be_bytes());
    epb.extend_from_slice(frame);
    let mut spb = (frame.len() as u32).to_be_bytes().to_vec();
    spb.extend_from_slice(frame);
    let mut out = block(0x0a0d_0d0a, &shb);
    out.extend(block(1, &idb));
    out.extend(block(5, &[0; 8])); // an interface statistics block: skipped
    out.extend(block(6, &epb));
    out.extend(block(3, &spb));
    out
}

#[test]
fn ethernet_udp_and_tcp_payloads_with_addresses() {
    let (udp, tcp) = (udp_frame(b"asterix"), tcp_frame(b"sapient"));
    let file = pcap(link_type::ETHERNET, &[&udp, &tcp, &[0u8; 5]]);
    let frames: Vec<_> = Capture::new(&file).unwrap().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 3);
    let Payload::Udp { src, dst, data } = frames[0].payload else {
        panic!("{:?}", frames[0])
    };
    assert_eq!(
        (src.to_string().as_str(), dst.to_string().as_str(), data),
        ("10.0.0.1:8600", "239.1.2.3:30000", &b"asterix"[..])
    );
    assert_eq!(frames[0].time_s, 1_700_000_000.25);
    let Payload::Tcp { dst, seq, data, .. } = frames[1].payload else {
        panic!("{:?}", frames[1])
    };
    assert_eq!((dst.port(), seq, data), (49_152, 1000, &b"sapient"[..]));
    assert!(matches!(frames[2].payload, Payload::Malformed { .. }));
    assert_eq!(frames[2].index, 3);
}

#[test]
fn big_endian_pcapng_with_nanoseconds_and_simple_packets() {
    let udp = udp_frame(b"x");
    let file = pcapng_be(&udp);
    let frames: Vec<_> = Capture::new(&file).unwrap().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 2);
    assert!((frames[0].time_s - (1_700_000_000.0 + 0.123_456_789)).abs() < 1e-6);
    assert_eq!(frames[1].time_s, 0.0, "simple packet blocks carry no time");
    for f in &frames {
        assert!(
            matches!(f.payload, Payload::Udp { data: b"x", .. }),
            "{:?}",
            f.payload
        );
    }
}

#[test]
fn damage_is_reported_with_its_offset() {
    let udp = udp_frame(b"x");
    let mut file = pcap(link_type::ETHERNET, &[&udp]);
    let n = file.len();
    file[24 + 8..24 + 12].copy_from_slice(&10_000u32.to_le_bytes());
    let err = Capture::new(&file).unwrap().next().unwrap().unwrap_err();
    assert_eq!(
        (err.offset, err.reason),
        (32, Reason::BadPacketLength(10_000))
    );
    assert_eq!(
        Capture::new(b"nope").unwrap_err().reason,
        Reason::UnknownMagic(0x65706f6e)
    );
    let mut ng = pcapng_be(&udp);
    let last = ng.len() - 1;
    ng[last] ^= 4; // trailing length of the last block
    let results: Vec<_> = Capture::new(&ng).unwrap().collect();
    assert!(matches!(
        results.last().unwrap().as_ref().unwrap_err().reason,
        Reason::BlockLengthMismatch { .. }
    ));
    assert_eq!(
        results.len(),
        2,
        "the first packet, then the error, then nothing"
    );
    assert!(n > 0);
}

#[test]
fn reading_from_a_stream_is_bounded() {
    let file = pcap(link_type::ETHERNET, &[&udp_frame(b"x")]);
    let bytes = picket_capture::read_bounded(&file[..], 1 << 20).unwrap();
    assert_eq!(Capture::new(&bytes).unwrap().count(), 1);
    assert!(picket_capture::read_bounded(&file[..], 10).is_err());
}

proptest! {
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), magic in 0usize..3) {
        let mut file = bytes;
        let heads: [&[u8]; 3] = [&[0xd4, 0xc3, 0xb2, 0xa1], &[0x0a, 0x0d, 0x0d, 0x0a], &[0xa1, 0xb2, 0x3c, 0x4d]];
        if file.len() >= 4 {
            file[..4].copy_from_slice(heads[magic]);
        }
        if let Ok(capture) = Capture::new(&file) {
            prop_assert!(capture.count() <= file.len());
        }
        for lt in [0, 1, 101, 105, 113, 127, 251, 256, 272, 276] {
            let _ = picket_capture::decode_link(lt, &file);
        }
    }

    #[test]
    fn mutated_real_capture_keeps_error_offsets_in_the_frame(at in 0usize..4707, value: u8) {
        let path = format!("{}/../picket-remoteid/tests/data/odid_wifi_bcn_sample.pcap", env!("CARGO_MANIFEST_DIR"));
        let mut file = std::fs::read(path).unwrap();
        file[at] = value;
        if let Ok(capture) = Capture::new(&file) {
            for f in capture.flatten() {
                if let Payload::Malformed { data, error } = f.payload {
                    // Found by cargo-fuzz: a radiotap error offset pointed past the frame.
                    prop_assert!(error.offset <= data.len() && data == f.raw.data);
                }
            }
        }
    }
}
