//! AVR / hex-line framing + Mode S decoding on arbitrary text: must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_modes::avr::AvrReader;
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
    for (i, result) in AvrReader::new(data).enumerate() {
        match result {
            Ok(frame) => {
                assert!(frame.offset < data.len());
                let _ = decoder.decode(&frame, i as f64 * 0.5).to_json();
            }
            Err(e) => assert!(e.offset() <= data.len()),
        }
    }
});
