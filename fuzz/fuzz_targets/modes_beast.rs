//! Beast framing + Mode S decoding (fields, CPR state, rs1090 details) on arbitrary bytes:
//! must never panic, and every error offset must lie inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_modes::beast::BeastReader;
use picket_modes::{DecoderConfig, ModeSDecoder};

fuzz_target!(|data: &[u8]| {
    let mut decoder = ModeSDecoder::new(DecoderConfig {
        reference: Some((43.6294, 1.3678)),
        // rs1090's Comm-B inference is ~1000x slower than the fast path (more so under the
        // sanitizer): exercise it on inputs of one or two frames only, so the run reaches millions.
        details: data.len() <= 40,
        max_aircraft: 8,
        ..DecoderConfig::default()
    });
    for (i, result) in BeastReader::new(data).enumerate() {
        match result {
            Ok(frame) => {
                assert!(frame.offset < data.len());
                let decoded = decoder.decode(&frame, i as f64 * 0.5);
                let _ = decoded.to_json();
            }
            Err(e) => assert!(e.offset() <= data.len()),
        }
    }
    assert!(decoder.aircraft_count() <= 8);
});
