//! Format detection on every real sample of the format crates, on inputs built with their
//! encoders, and on hand-made negatives. No sample may be taken for another format.

mod common;

use common::*;
use picket_formats::{Format, detect};
use picket_modes::{RawFrame, avr::write_avr, beast::BeastReader};
use picket_remoteid::{Envelope, decode_message, encode_pack};

#[test]
fn real_captures_and_streams() {
    assert_eq!(detect(&read(BEAST)), Some(Format::Beast));
    assert_eq!(detect(&read(WIFI_PCAP)), Some(Format::Capture));
    assert_eq!(detect(&read(BT5_PCAPNG)), Some(Format::Capture));
    assert_eq!(
        detect(&read(JSONDET_EXAMPLES)),
        Some(Format::JsonDetections)
    );
}

#[test]
fn every_sapient_message_sample() {
    let mut n = 0;
    for dir in [SAPIENT_VALID.to_string()].into_iter().chain(
        [
            "ReadSampleSapientMessage.UnitTests",
            "SapientAsmSimulator",
            "SapientDmmSimulator",
        ]
        .map(|d| format!("{SAPIENT_DEFAULTS}/{d}")),
    ) {
        for path in files(&dir, ".bin") {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(detect(&bytes), Some(Format::Sapient), "{}", path.display());
            n += 1;
        }
    }
    assert!(n >= 60, "only {n} samples");
}

/// The negative examples are still protobuf (they break BSI Flex 335 rules, not the schema):
/// each is SAPIENT, or, when the rule broken leaves no content at all, nothing, but never
/// another format.
#[test]
fn invalid_sapient_samples_are_never_another_format() {
    let mut sapient = 0;
    let paths = files(SAPIENT_INVALID, ".bin");
    for path in &paths {
        let got = detect(&std::fs::read(path).unwrap());
        assert!(
            matches!(got, Some(Format::Sapient) | None),
            "{}: {got:?}",
            path.display()
        );
        sapient += usize::from(got.is_some());
    }
    assert!(
        sapient * 10 >= paths.len() * 9,
        "{sapient} of {}",
        paths.len()
    );
}

/// JSON is recognised by its syntax: the SAPIENT proto3 JSON examples (valid or not) and the
/// reference decodes are JSON, and never a binary format.
#[test]
fn json_samples_are_json() {
    let mut dirs = vec![SAPIENT_VALID.to_string(), SAPIENT_INVALID.to_string()];
    for d in [
        "ReadSampleSapientMessage.UnitTests",
        "SapientAsmSimulator",
        "SapientDmmSimulator",
    ] {
        dirs.push(format!("{SAPIENT_DEFAULTS}/{d}"));
    }
    let mut n = 0;
    for dir in dirs {
        for path in files(&dir, ".json") {
            let got = detect(&std::fs::read(&path).unwrap());
            assert_eq!(got, Some(Format::JsonDetections), "{}", path.display());
            n += 1;
        }
    }
    assert!(n > 150, "{n}");
    assert_eq!(detect(&read(RID_VECTORS)), Some(Format::JsonDetections));
    assert_eq!(detect(&read(BEAST_EXPECTED)), Some(Format::JsonDetections));
}

#[test]
fn sapient_stream_of_the_samples() {
    let messages: Vec<Vec<u8>> = sapient_valid_messages()
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    assert_eq!(detect(&sapient_stream(&messages)), Some(Format::Sapient));
    assert_eq!(
        detect(&sapient_stream(&messages[..1])),
        Some(Format::Sapient)
    );
}

#[test]
fn asterix_built_with_the_encoder() {
    assert_eq!(detect(&cat048_blocks(1)), Some(Format::Asterix));
    let mut mixed = cat048_blocks(3);
    mixed.extend(cat062_block());
    assert_eq!(detect(&mixed), Some(Format::Asterix));
    // Cut inside the last block after two whole ones: still ASTERIX (decoding reports it).
    assert_eq!(detect(&mixed[..mixed.len() - 5]), Some(Format::Asterix));
    // One byte too many: not a chain of blocks.
    let mut extra = cat048_blocks(2);
    extra.push(0);
    assert_eq!(detect(&extra), None);
}

#[test]
fn avr_and_hex_text_from_the_beast_sample() {
    let beast = read(BEAST);
    let frames: Vec<RawFrame> = BeastReader::new(&beast).map(Result::unwrap).collect();
    let mut avr = String::new();
    for f in &frames {
        write_avr(f, &mut avr);
    }
    assert_eq!(detect(avr.as_bytes()), Some(Format::Avr));
    let hex: String = frames.iter().map(|f| format!("{}\n", f.hex())).collect();
    assert_eq!(detect(hex.as_bytes()), Some(Format::Avr));
}

/// Remote ID messages and packs from the reference vectors and the captures' payloads.
#[test]
fn remote_id_messages_and_packs() {
    let vectors = jsonl(RID_VECTORS);
    let mut raw = Vec::new();
    for v in &vectors {
        raw.extend(hex::decode(v["message_hex"].as_str().unwrap()).unwrap());
    }
    assert_eq!(raw.len(), 25 * vectors.len());
    assert_eq!(detect(&raw), Some(Format::RemoteId));
    let envelopes: Vec<Envelope> = raw.chunks(25).map(|m| decode_message(m).unwrap()).collect();
    let pack = encode_pack(2, &envelopes).unwrap();
    assert_eq!(detect(&pack), Some(Format::RemoteId));
    // Every good pack of the Wi-Fi capture, alone and back to back.
    let mut all = Vec::new();
    for row in jsonl(RID_FRAMES_EXPECTED) {
        if row["pack"]["decodeMessagePack_ok"] != true {
            continue;
        }
        let payload = hex::decode(row["odid_payload_hex"].as_str().unwrap()).unwrap();
        let n = row["pack"]["message_count"].as_u64().unwrap() as usize;
        let pack = &payload[..3 + 25 * n];
        assert_eq!(
            detect(pack),
            Some(Format::RemoteId),
            "frame {}",
            row["frame"]
        );
        all.extend_from_slice(pack);
    }
    assert_eq!(detect(&all), Some(Format::RemoteId));
}

#[test]
fn garbage_is_no_format() {
    let mut state = 0x1234_5678_u32;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state >> 24) as u8
        })
        .collect();
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        (
            "prose",
            b"hello, world\nthis is not a sensor format\n".to_vec(),
        ),
        ("zeros", vec![0; 1000]),
        ("random", random),
        ("png", png),
        ("one byte", vec![0x30]),
        ("beast type byte only", vec![0x1A, b'2']),
        (
            "beast bad type",
            vec![0x1A, b'9', 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        ("xml", b"<?xml version=\"1.0\"?><a/>".to_vec()),
    ];
    for (name, bytes) in cases {
        assert_eq!(detect(&bytes), None, "{name}");
    }
}

/// Cut versions of each real sample are the same format or none, never another.
#[test]
fn truncated_samples_are_never_another_format() {
    let samples = [
        (read(BEAST), Format::Beast),
        (read(WIFI_PCAP), Format::Capture),
        (cat048_blocks(4), Format::Asterix),
        (read(JSONDET_EXAMPLES), Format::JsonDetections),
    ];
    for (bytes, format) in samples {
        for cut in [1, 2, 3, 7, 16, 33, 100, bytes.len() / 2, bytes.len() - 1] {
            let got = detect(&bytes[..cut.min(bytes.len())]);
            assert!(
                got.is_none() || got == Some(format),
                "{format} cut at {cut}: {got:?}"
            );
        }
    }
}
