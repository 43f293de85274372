//! Golden tests against the opendroneid-core-c reference decoder (see tests/data/README.md):
//! single protocol-version-2 messages, and every Remote ID payload in two real captures.

use picket_remoteid::capture::remoteid_in_capture;
use picket_remoteid::json::{JsonContext, message_json};
use picket_remoteid::{Envelope, decode_message};
use serde_json::Value;
use std::collections::BTreeMap;

fn read(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn jsonl(name: &str) -> Vec<Value> {
    String::from_utf8(read(name))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The reference struct field name (CamelCase) in our snake_case JSON.
fn snake(reference: &str) -> String {
    if reference == "UASID" {
        return "uas_id".into();
    }
    let chars: Vec<char> = reference.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev_lower = chars[i - 1].is_lowercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev_lower || (chars[i - 1].is_uppercase() && next_lower) {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Compares every reference field with ours; returns the number of fields checked.
fn check_message(what: &str, reference: &Value, ours: &Envelope) -> usize {
    let json = message_json(&JsonContext::default(), ours);
    assert_eq!(
        json["protocol"], reference["header_version"],
        "{what}: protocol"
    );
    let mut checked = 0;
    for (key, expected) in reference.as_object().unwrap() {
        if ["raw", "header_type", "header_version", "decoded_type"].contains(&key.as_str()) {
            continue;
        }
        let name = snake(key);
        let actual = &json[&name];
        match (expected, actual) {
            (Value::Number(e), Value::Number(a)) => {
                let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
                // The reference keeps most values in f32: 1e-5 relative covers its rounding.
                let tolerance = 1e-5 * e.abs().max(1.0);
                assert!(
                    (e - a).abs() <= tolerance,
                    "{what}: {name} = {a}, reference {e}"
                );
            }
            (Value::String(e), Value::String(a)) => {
                // One known reference quirk: a 20-byte UAS id with no NUL (frame 198 of the BT5
                // sample, a CRC-failed frame) is read with the reserved byte after it, 21 bytes.
                // F3411 fields are 20 bytes; we stop there.
                let full_width = a.chars().count() == 20 && e.chars().count() == 21;
                if full_width {
                    assert!(
                        e.starts_with(a.as_str()),
                        "{what}: {name} = {a:?}, reference {e:?}"
                    );
                } else {
                    assert_eq!(a, e, "{what}: {name}");
                }
            }
            _ => panic!("{what}: {name} = {actual}, reference {expected}"),
        }
        checked += 1;
    }
    // Decoding what we encode gives the same message (reserved bits aside).
    let again = decode_message(&ours.encode()).unwrap();
    assert_eq!(&again, ours, "{what}: encode/decode");
    checked
}

#[test]
fn single_messages_match_the_reference_decoder() {
    let vectors = jsonl("odid_message_vectors.expected.jsonl");
    assert_eq!(vectors.len(), 3);
    for v in &vectors {
        let id = v["id"].as_str().unwrap();
        let bytes = hex::decode(v["message_hex"].as_str().unwrap()).unwrap();
        let decoded = decode_message(&bytes).unwrap();
        let checked = check_message(id, &v["reference_decode"], &decoded);
        assert!(checked >= 3, "{id}: only {checked} fields");
        // The reference encoder wrote these with reserved bits zero, so ours must match exactly.
        assert_eq!(decoded.encode().to_vec(), bytes, "{id}: re-encoded bytes");
    }
}

#[test]
fn capture_payloads_match_the_reference_decoder() {
    let expected = jsonl("odid_pcap_frames.expected.jsonl");
    let mut fields_checked = 0;
    let mut messages_checked = 0;
    for file in ["odid_bt5_lr_sample.pcapng", "odid_wifi_bcn_sample.pcap"] {
        let bytes = read(file);
        let found = remoteid_in_capture(&bytes).unwrap();
        assert_eq!(found.error, None, "{file}");
        let ours: BTreeMap<u64, _> = found.frames.iter().map(|f| (f.frame, f)).collect();
        // The JSON view: one object per message, one error object per rejected pack.
        for f in &found.frames {
            let objects = f.json();
            match &f.messages {
                Ok(m) => assert_eq!(objects.len(), m.len()),
                Err(_) => {
                    assert!(objects[0]["error"].is_string() && objects[0]["error_offset"].is_u64())
                }
            }
            for o in &objects {
                assert_eq!(o["frame"], f.frame);
                assert_eq!(o["transport"], f.transport.as_str());
                assert_eq!(o["crc_ok"].as_bool(), f.crc_ok);
            }
        }
        let reference: Vec<&Value> = expected.iter().filter(|e| e["file"] == file).collect();
        let reference_frames: Vec<u64> = reference
            .iter()
            .map(|e| e["frame"].as_u64().unwrap())
            .collect();
        assert_eq!(
            ours.keys().copied().collect::<Vec<_>>(),
            reference_frames,
            "{file}: frames with a Remote ID payload"
        );
        for e in reference {
            let n = e["frame"].as_u64().unwrap();
            let what = format!("{file} frame {n}");
            let f = ours[&n];
            assert_eq!(f.transport.as_str(), e["transport"], "{what}: transport");
            assert_eq!(
                u64::from(f.counter),
                e["counter"].as_u64().unwrap(),
                "{what}: counter"
            );
            assert_eq!(
                hex::encode(f.payload),
                e["odid_payload_hex"],
                "{what}: payload"
            );
            assert!(
                (f.time_s - e["ts"].as_f64().unwrap()).abs() < 1e-6,
                "{what}: time"
            );
            if let Some(crc) = e.get("nordic_ble_crc_ok") {
                assert_eq!(Some(crc.as_bool().unwrap()), f.crc_ok, "{what}: CRC flag");
            }
            let pack_ok = e["pack"]["decodeMessagePack_ok"].as_bool().unwrap();
            assert_eq!(
                f.messages.is_ok(),
                pack_ok,
                "{what}: pack verdict {:?}",
                f.messages
            );
            let reference_messages = e["messages"].as_array().unwrap();
            let decoded = f.messages.as_deref().unwrap_or(&[]);
            assert_eq!(
                decoded.len(),
                reference_messages.len(),
                "{what}: message count"
            );
            for (i, (r, m)) in reference_messages.iter().zip(decoded).enumerate() {
                fields_checked += check_message(&format!("{what} message {i}"), r, m);
                messages_checked += 1;
            }
        }
    }
    assert_eq!(messages_checked, 1256);
    assert_eq!(fields_checked, 8856, "every reference field compared");
}
