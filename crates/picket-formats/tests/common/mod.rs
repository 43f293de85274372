//! Inputs shared by the integration tests: the real samples of the format crates (read in
//! place, by relative path inside the repository), ASTERIX vectors built with picket-asterix's
//! encoder, and hand-built captures.
#![allow(dead_code)]

use etherparse::PacketBuilder;
use picket_asterix::builders::{Plot048, Track062};
use picket_asterix::spec;
use std::path::{Path, PathBuf};

/// A path inside the repository's `crates/` folder.
pub fn crate_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(rel)
}

pub fn read(rel: &str) -> Vec<u8> {
    let path = crate_path(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file in `rel` (a folder under `crates/`) whose name ends in `suffix`, sorted.
pub fn files(rel: &str, suffix: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(crate_path(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

pub const BEAST: &str = "picket-modes/tests/data/sample_dump1090.bin";
pub const BEAST_EXPECTED: &str = "picket-modes/tests/data/sample_dump1090.frames.expected.jsonl";
pub const WIFI_PCAP: &str = "picket-remoteid/tests/data/odid_wifi_bcn_sample.pcap";
pub const BT5_PCAPNG: &str = "picket-remoteid/tests/data/odid_bt5_lr_sample.pcapng";
pub const RID_FRAMES_EXPECTED: &str = "picket-remoteid/tests/data/odid_pcap_frames.expected.jsonl";
pub const RID_VECTORS: &str = "picket-remoteid/tests/data/odid_message_vectors.expected.jsonl";
pub const SAPIENT_VALID: &str = "picket-sapient/tests/data/valid";
pub const SAPIENT_INVALID: &str = "picket-sapient/tests/data/invalid";
pub const SAPIENT_DEFAULTS: &str = "picket-sapient/tests/data/simulator_defaults";
pub const JSONDET_EXAMPLES: &str = "picket-jsondet/tests/data/examples.ndjson";

pub fn jsonl(rel: &str) -> Vec<serde_json::Value> {
    String::from_utf8(read(rel))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `n` CAT048 plots in one data block each, edition 1.32 (newest), built with the encoder.
pub fn cat048_blocks(n: usize) -> Vec<u8> {
    let def = spec::lookup(48, None).unwrap();
    let mut out = Vec::new();
    for i in 0..n {
        let plot = Plot048 {
            range_nm: 10.0 + i as f64,
            azimuth_deg: 45.0,
            flight_level: Some(35.0),
            mode3a: Some("7000".into()),
            icao: Some(0x3C660C),
            callsign: Some("DLH65A".into()),
            track_number: Some(100 + i as u16),
            ..Plot048::new(25, 201, 3600.0 + i as f64)
        };
        out.extend(plot.encode_block(def).unwrap());
    }
    out
}

/// One CAT062 system track block (newest edition).
pub fn cat062_block() -> Vec<u8> {
    let def = spec::lookup(62, None).unwrap();
    let track = Track062 {
        velocity_mps: Some((127.25, 181.25)),
        altitude_ft: Some(38000.0),
        icao: Some(0x3C660C),
        callsign: Some("RYR5XW".into()),
        ..Track062::new(0, 5, 57617.25, 5533, (35.1386, -12.1660))
    };
    track.encode_block(def).unwrap()
}

/// A pcap file (raw IPv4 link type) holding `frames`.
pub fn pcap_raw_ip(frames: &[Vec<u8>]) -> Vec<u8> {
    let mut f = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    f.extend_from_slice(&65535u32.to_le_bytes());
    f.extend_from_slice(&101u32.to_le_bytes());
    for (i, data) in frames.iter().enumerate() {
        f.extend_from_slice(&(1_795_935_600 + i as u32).to_le_bytes());
        f.extend_from_slice(&0u32.to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(&(data.len() as u32).to_le_bytes());
        f.extend_from_slice(data);
    }
    f
}

pub fn udp(payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4([10, 0, 0, 1], [239, 1, 2, 3], 64)
        .udp(8600, 30_000)
        .write(&mut out, payload)
        .unwrap();
    out
}

/// A TCP segment from port `src_port` to 5020 with sequence number `seq`.
pub fn tcp(src_port: u16, seq: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ipv4([10, 0, 0, 2], [10, 0, 0, 9], 64)
        .tcp(src_port, 5020, seq, 65535)
        .write(&mut out, payload)
        .unwrap();
    out
}

/// The SAPIENT example messages (bare protobuf) of the `valid` folder.
pub fn sapient_valid_messages() -> Vec<(PathBuf, Vec<u8>)> {
    files(SAPIENT_VALID, ".bin")
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect()
}

/// A length-prefixed SAPIENT stream of `messages`.
pub fn sapient_stream(messages: &[Vec<u8>]) -> Vec<u8> {
    messages
        .iter()
        .flat_map(|m| picket_sapient::encode_frame(m))
        .collect()
}
