//! Decoding through the front door, checked against the reference decodes of the real samples
//! (Beast, Remote ID captures, SAPIENT messages) and against vectors built with the encoders
//! (ASTERIX, captures carrying ASTERIX over UDP and SAPIENT over TCP). Errors carry offsets and
//! never stop the walk where the format can resynchronise.

mod common;

use common::*;
use picket_formats::{Decoded, DecodedRecord, Format, FormatError, Options, decode};
use serde_json::Value;

fn split(items: Vec<Decoded>) -> (Vec<DecodedRecord>, Vec<FormatError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for i in items {
        match i {
            Ok(r) => ok.push(r),
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

fn run(format: Format, bytes: &[u8], options: &Options) -> (Vec<DecodedRecord>, Vec<FormatError>) {
    split(decode(format, bytes, options).collect())
}

#[test]
fn beast_sample_matches_the_reference_frames() {
    let bytes = read(BEAST);
    let expected = jsonl(BEAST_EXPECTED);
    let (records, errors) = run(Format::Beast, &bytes, &Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), expected.len());
    assert_eq!(records.len(), 239);
    for (r, e) in records.iter().zip(&expected) {
        assert_eq!(r.offset as u64, e["offset"].as_u64().unwrap());
        assert_eq!(r.json["offset"], e["offset"]);
        assert_eq!(r.json["hex"], e["hex"]);
        assert_eq!(r.json["timestamp_12mhz"], e["mlat_ticks_12mhz"]);
        assert_eq!(r.json["signal"], e["signal"]);
        assert_eq!(r.json["df"], e["df"]);
    }
}

#[test]
fn beast_positions_with_the_reference_receiver() {
    let bytes = read(BEAST);
    let expected = jsonl(BEAST_EXPECTED);
    let options = Options {
        reference: Some((43.6294, 1.3678)),
        ..Options::default()
    };
    let (records, _) = run(Format::Beast, &bytes, &options);
    let mut checked = 0;
    for (r, e) in records.iter().zip(&expected) {
        let reference = &e["pymodes_3_6_1_with_reference_LFBO"];
        let Some(lat) = reference["latitude"].as_f64() else {
            continue;
        };
        let lon = reference["longitude"].as_f64().unwrap();
        assert!(
            (r.json["lat"].as_f64().unwrap() - lat).abs() < 1e-5,
            "{}",
            r.json
        );
        assert!(
            (r.json["lon"].as_f64().unwrap() - lon).abs() < 1e-5,
            "{}",
            r.json
        );
        assert_eq!(r.json["altitude_ft"], 38000);
        assert!(r.summary.contains("48520a"), "{}", r.summary);
        assert_eq!(r.reports.len(), 1);
        checked += 1;
    }
    assert_eq!(checked, 4);
}

#[test]
fn avr_text_decodes_like_beast() {
    let bytes = read(BEAST);
    let (beast, _) = run(Format::Beast, &bytes, &Options::default());
    let text: String = beast
        .iter()
        .map(|r| format!("*{};\n", r.json["hex"].as_str().unwrap()))
        .collect();
    let (avr, errors) = run(Format::Avr, text.as_bytes(), &Options::default());
    assert!(errors.is_empty());
    assert_eq!(avr.len(), beast.len());
    for (a, b) in avr.iter().zip(&beast) {
        assert_eq!(a.json["df"], b.json["df"]);
        assert_eq!(a.json["icao"], b.json["icao"]);
        assert_eq!(a.format, Format::Avr);
    }
}

#[test]
fn beast_garbage_and_truncation_are_reported_with_offsets() {
    let mut bytes = b"junk".to_vec();
    bytes.extend(read(BEAST));
    let cut = bytes.len() - 5;
    let (whole, _) = run(Format::Beast, &bytes, &Options::default());
    let (records, errors) = run(Format::Beast, &bytes[..cut], &Options::default());
    assert_eq!(records.len(), 238);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!((errors[0].reason, errors[0].offset), ("garbage", 0));
    assert_eq!(errors[1].reason, "truncated");
    // The cut frame is the last one of the whole sample.
    assert_eq!(errors[1].offset, whole.last().unwrap().offset);
}

/// Message counts and values per frame against the opendroneid reference decode.
#[test]
fn remote_id_captures_match_the_reference() {
    let rows = jsonl(RID_FRAMES_EXPECTED);
    for (path, name, frames) in [
        (WIFI_PCAP, "odid_wifi_bcn_sample.pcap", 21),
        (BT5_PCAPNG, "odid_bt5_lr_sample.pcapng", 273),
    ] {
        let (records, errors) = run(Format::Capture, &read(path), &Options::default());
        let expected: Vec<&Value> = rows.iter().filter(|r| r["file"] == name).collect();
        assert_eq!(expected.len(), frames);
        let messages: Vec<&Value> = expected
            .iter()
            .flat_map(|r| r["messages"].as_array().unwrap())
            .collect();
        assert_eq!(records.len(), messages.len(), "{name}");
        let bad_packs = expected
            .iter()
            .filter(|r| r["pack"]["decodeMessagePack_ok"] == false)
            .count();
        assert_eq!(errors.len(), bad_packs, "{name}: {errors:?}");
        assert!(
            errors
                .iter()
                .all(|e| e.frame.is_some() && e.format == Format::RemoteId)
        );
        for (r, m) in records.iter().zip(&messages) {
            assert_eq!(r.format, Format::RemoteId);
            assert_eq!(r.json["protocol"], m["header_version"]);
            if let Some(lat) = m.get("Latitude") {
                let got = r.json["latitude"].as_f64().unwrap();
                assert!((got - lat.as_f64().unwrap()).abs() < 1e-7, "{}", r.json);
                assert_eq!(r.json["type"], "location");
            }
            if let Some(id) = m["UASID"].as_str() {
                // The reference keeps control characters after the text; picket drops them.
                let id = id.trim_end_matches(|c: char| c.is_control());
                assert_eq!(r.json["uas_id"].as_str().unwrap(), id);
            }
        }
    }
}

#[test]
fn remote_id_wifi_reports_carry_the_serial() {
    let (records, _) = run(Format::Capture, &read(WIFI_PCAP), &Options::default());
    let reports: Vec<_> = records.iter().flat_map(|r| &r.reports).collect();
    assert_eq!(reports.len(), 21);
    assert!(records[0].summary.starts_with("wifi_beacon frame 1"));
    let id = format!("{:?}", reports[0].identity);
    assert!(id.contains("MFG1A0123456789"), "{id}");
}

#[test]
fn raw_remote_id_messages_with_a_bad_one_in_the_middle() {
    let mut raw = Vec::new();
    for v in jsonl(RID_VECTORS) {
        raw.extend(hex::decode(v["message_hex"].as_str().unwrap()).unwrap());
    }
    let n = raw.len() / 25;
    let mut bytes = raw[..25].to_vec();
    bytes.extend([0x72; 25]); // type 7: undefined
    bytes.extend(&raw[25..]);
    let (records, errors) = run(Format::RemoteId, &bytes, &Options::default());
    assert_eq!(records.len(), n);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].offset, errors[0].reason), (25, "unknown_type"));
    assert_eq!(records[1].offset, 50);
}

#[test]
fn sapient_messages_match_the_reference_json() {
    let mut n = 0;
    for (path, bytes) in sapient_valid_messages() {
        let (records, errors) = run(Format::Sapient, &bytes, &Options::default());
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
        assert_eq!(records.len(), 1);
        let expected_path = path.to_string_lossy().replace(".bin", ".expected.json");
        let expected: Value =
            serde_json::from_slice(&std::fs::read(&expected_path).unwrap()).unwrap();
        assert_eq!(records[0].json["valid"], true, "{}", path.display());
        assert_eq!(records[0].json["message"], expected, "{}", path.display());
        n += 1;
    }
    assert!(n >= 20);
}

#[test]
fn sapient_invalid_messages_name_the_rule() {
    let mut checked = 0;
    for path in files(SAPIENT_INVALID, ".bin") {
        let bytes = std::fs::read(&path).unwrap();
        let (records, _) = run(Format::Sapient, &bytes, &Options::default());
        let Some(r) = records.first() else { continue };
        assert_eq!(r.json["valid"], false, "{}", path.display());
        assert!(!r.json["errors"].as_array().unwrap().is_empty());
        assert!(r.summary.starts_with("INVALID"));
        checked += 1;
    }
    assert!(checked >= 40, "{checked}");
}

#[test]
fn sapient_stream_resynchronises_after_a_bad_payload_and_reports_truncation() {
    let messages: Vec<Vec<u8>> = sapient_valid_messages()
        .into_iter()
        .map(|(_, b)| b)
        .collect();
    let mut with_bad = messages[..3].to_vec();
    with_bad.insert(1, vec![0xff; 7]); // not protobuf
    let stream = sapient_stream(&with_bad);
    let cut = &stream[..stream.len() - 10];
    let (records, errors) = run(Format::Sapient, cut, &Options::default());
    assert_eq!(records.len(), 2);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].reason, "protobuf");
    assert_eq!(errors[0].offset, 4 + messages[0].len());
    assert_eq!(errors[1].reason, "truncated");
    assert_eq!(
        errors[1].offset,
        4 + messages[0].len() + 4 + 7 + 4 + messages[1].len()
    );
}

#[test]
fn asterix_records_json_reports_and_editions() {
    let mut bytes = cat048_blocks(3);
    bytes.extend(cat062_block());
    let (records, errors) = run(Format::Asterix, &bytes, &Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records.len(), 4);
    let first = &records[0].json;
    assert_eq!(first["category"], 48);
    assert_eq!(
        (first["block"].clone(), first["record"].clone()),
        (0.into(), 0.into())
    );
    assert_eq!(first["items"]["010"]["SAC"], 25);
    assert_eq!(first["items"]["010"]["SIC"], 201);
    assert!((first["items"]["040"]["RHO"].as_f64().unwrap() - 10.0).abs() < 1e-2);
    assert_eq!(records[2].json["block"], 2);
    assert_eq!(records[3].json["category"], 62);
    assert_eq!(records[3].json["items"]["040"], 5533);
    assert!(
        records[0].summary.contains("SAC/SIC 25/201"),
        "{}",
        records[0].summary
    );
    assert!(records.iter().all(|r| r.reports.len() == 1));
    // An explicit edition is used and named; the other categories keep the newest.
    let ed21 = picket_asterix::spec::lookup(21, Some("2.1".parse().unwrap())).unwrap();
    let items = serde_json::json!({"010": {"SAC": 0, "SIC": 3}, "080": 0x1A4B65});
    let mut bytes = picket_asterix::json_encode::encode_block_json(ed21, &[items]).unwrap();
    bytes.extend(cat048_blocks(1));
    let mut options = Options::default();
    options.set_edition("021=2.1").unwrap();
    let (records, errors) = run(Format::Asterix, &bytes, &options);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(records[0].json["edition"], "2.1");
    assert_eq!(records[0].json["items"]["080"], 0x1A4B65);
    assert_eq!(records[1].json["edition"], "1.32");
    assert!(options.set_edition("048=9.9").is_err());
    assert!(options.set_edition("048").is_err());
    assert!(options.set_edition("cat021=0.26").is_ok());
}

#[test]
fn asterix_bad_block_is_skipped_and_truncation_reported() {
    let good = cat048_blocks(1);
    let mut bytes = good.clone();
    // A block of an unknown category, then one whose record overruns it.
    bytes.extend([0x99, 0x00, 0x05, 0x80, 0x00]);
    let mut overrun = good.clone();
    overrun[2] -= 2;
    overrun.truncate(overrun[2] as usize);
    bytes.extend(&overrun);
    bytes.extend(&good);
    bytes.extend(&good[..good.len() - 3]);
    let (records, errors) = run(Format::Asterix, &bytes, &Options::default());
    assert_eq!(records.len(), 2);
    let reasons: Vec<_> = errors.iter().map(|e| e.reason).collect();
    assert_eq!(
        reasons,
        ["unknown_category", "bad_record", "truncated"],
        "{errors:?}"
    );
    assert_eq!(errors[0].offset, good.len());
    assert_eq!(errors[2].offset, good.len() * 3 + 5 - 2 + 1);
}

#[test]
fn capture_with_asterix_over_udp_and_sapient_over_tcp() {
    let messages: Vec<Vec<u8>> = sapient_valid_messages()
        .into_iter()
        .map(|(_, b)| b)
        .take(4)
        .collect();
    let stream = sapient_stream(&messages);
    // Four segments: the third arrives before the second, and the first is sent twice.
    let cuts = [0, 10, stream.len() / 2, stream.len() - 3, stream.len()];
    let seg = |i: usize| tcp(40000, 1000 + cuts[i] as u32, &stream[cuts[i]..cuts[i + 1]]);
    let mut asterix = cat048_blocks(2);
    asterix.extend(cat062_block());
    let frames = vec![
        udp(&asterix),
        seg(0),
        seg(0),
        seg(2),
        udp(b"not a sensor format"),
        seg(1),
        seg(3),
    ];
    let file = pcap_raw_ip(&frames);
    let (records, errors) = run(Format::Capture, &file, &Options::default());
    assert!(errors.is_empty(), "{errors:?}");
    let formats: Vec<Format> = records.iter().map(|r| r.format).collect();
    assert_eq!(formats[..3], [Format::Asterix; 3]);
    assert_eq!(formats[3..], [Format::Sapient; 4]);
    assert!(records[..3].iter().all(|r| r.frame == Some(1)));
    assert_eq!(records[2].json["category"], 62);
    assert_eq!(records[2].json["block"], 2);
    assert_eq!(records[2].json["frame"], 1);
    for (r, m) in records[3..].iter().zip(&messages) {
        let expected = picket_sapient::json::check_bytes(m).unwrap().message;
        assert_eq!(r.json["message"], expected);
    }
    // The first message started in frame 2; its offset is that of its length prefix.
    assert_eq!(records[3].frame, Some(2));
    let needle = &stream[..10];
    let at = file.windows(10).position(|w| w == needle).unwrap();
    assert_eq!(records[3].offset, at);
}

#[test]
fn capture_with_a_tcp_stream_cut_short_and_a_damaged_record() {
    let messages: Vec<Vec<u8>> = sapient_valid_messages()
        .into_iter()
        .map(|(_, b)| b)
        .take(2)
        .collect();
    let stream = sapient_stream(&messages);
    let half = stream.len() - 20;
    let mut file = pcap_raw_ip(&[tcp(40001, 7, &stream[..half])]);
    let (records, errors) = run(Format::Capture, &file, &Options::default());
    assert_eq!(records.len(), 1);
    assert_eq!(errors.len(), 1);
    assert_eq!(
        (errors[0].reason, errors[0].format),
        ("truncated", Format::Sapient)
    );
    // A packet record announcing more bytes than the file holds ends the walk.
    file.extend([0u8; 8]);
    file.extend(1000u32.to_le_bytes());
    file.extend(1000u32.to_le_bytes());
    let (_, errors) = run(Format::Capture, &file, &Options::default());
    let damaged = errors.iter().find(|e| e.format == Format::Capture).unwrap();
    assert!(damaged.offset >= file.len() - 16, "{damaged}");
}

#[test]
fn json_detections_line_by_line() {
    let mut text = String::from_utf8(read(JSONDET_EXAMPLES)).unwrap();
    let good = text.lines().filter(|l| !l.trim().is_empty()).count();
    text.push_str("{\"sensor\":\"x\",\"time\":1,\"bearing\":{\"az_deg\":1,\"sigma_az_deg\":-1}}\n");
    text.push_str(&String::from_utf8(read(JSONDET_EXAMPLES)).unwrap());
    let (records, errors) = run(Format::JsonDetections, text.as_bytes(), &Options::default());
    assert!(records.len() >= 2 * good);
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains("sigma_az_deg"),
        "{}",
        errors[0].message
    );
    assert!(records.iter().all(|r| r.reports.len() == 1));
}

#[test]
fn garbage_gives_errors_not_panics() {
    let garbage = b"this is not a sensor file at all\x00\xff\x1a\x1a\x1a".repeat(50);
    for format in Format::ALL {
        let items: Vec<Decoded> = decode(format, &garbage, &Options::default()).collect();
        // Remote ID messages carry no checksum: any 25 bytes of a defined type decode.
        let ok: Vec<_> = items.iter().filter_map(|i| i.as_ref().ok()).collect();
        assert!(
            ok.is_empty() || format == Format::RemoteId,
            "{format}: {ok:?}"
        );
        assert!(!items.is_empty(), "{format}");
    }
}
